"""Service-level exceptions and the 403/404/500 pages."""

from __future__ import annotations

from flask import Flask, render_template

from lms.extensions import db


class ServiceError(Exception):
    """A rule refused the change; ``message`` is already translated for the user.

    :param message: the text shown next to the form or in a flash message.
    :param field: the form field the message belongs to, if any.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(ServiceError):
    """Someone else saved the same object since this form was opened."""


def init_app(app: Flask) -> None:
    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/404.html"), 404

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/413.html"), 413

    @app.errorhandler(429)
    def too_many(error):
        return render_template("errors/429.html", description=error.description), 429

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/500.html"), 500
