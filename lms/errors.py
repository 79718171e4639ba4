"""Service-level exceptions and the 403/404/500 pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.extensions import db
from lms.i18n import _


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

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        message = _("The form has expired or was opened in another session, so nothing was saved. "
                    "Go back, reload the page and submit it again.")
        return render_template("errors/generic.html", code=400, title=_("The form has expired"),
                               message=message), 400

    @app.errorhandler(HTTPException)
    def other_http_error(error):
        # Any other status (400, 405, 409 …) gets our page in the user's language, not Werkzeug's.
        if error.code is None or error.code < 400:
            return error
        messages = {
            400: _("The request could not be understood. Nothing was changed."),
            405: _("This address does not accept this kind of request."),
            409: _("This action does not fit the current state of the object. Reload the page."),
        }
        return render_template("errors/generic.html", code=error.code, title=_("Request refused"),
                               message=messages.get(error.code, _("The request could not be completed."))), error.code
