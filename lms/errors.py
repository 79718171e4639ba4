"""Service-level exceptions and the 403/404/500/503 pages."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, current_app, render_template, request, session
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

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

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        # The database refused or dropped the connection (a restart, a failover, too many clients): say so and
        # ask to retry, on a page that needs no database — the layout would look the user up again.
        current_app.logger.warning("database unavailable: %s", str(error).splitlines()[0])
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 — the connection is gone; the pool replaces it on the next request
            db.session.remove()
        # Not render_template: its context processors and the locale selector ask the database for the user.
        languages = current_app.config["LANGUAGES"]
        chosen = session.get("locale") if session.get("locale") in languages else \
            current_app.config["BABEL_DEFAULT_LOCALE"]
        with force_locale(chosen):
            page = current_app.jinja_env.get_template("errors/unavailable.html").render(locale=chosen,
                                                                                     request=request)
        return page, 503, {"Retry-After": "10"}

    @app.teardown_appcontext
    def end_database_session(exc):
        # Runs before Flask-SQLAlchemy's own teardown. The closing ROLLBACK goes to a connection the database may
        # have dropped meanwhile (a restart, a failover); raised here, it turned a page already built into a 500.
        try:
            db.session.remove()
        except OperationalError as error:
            current_app.logger.warning("database connection lost at the end of a request: %s",
                                       str(error).splitlines()[0])
            with suppress(Exception):  # the connection is gone: discard it without another ROLLBACK
                db.session.registry().invalidate()
            db.session.registry.clear()

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
        if isinstance(error, SecurityError):
            # The Host is not among LMS_TRUSTED_HOSTS, so no address can be built: the layout would fail on
            # its first url_for and turn the refusal into a 500. A plain answer, in the service's language.
            with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
                text = _("The request could not be understood. Nothing was changed.")
            return text, error.code, {"Content-Type": "text/plain; charset=utf-8"}
        messages = {
            400: _("The request could not be understood. Nothing was changed."),
            405: _("This address does not accept this kind of request."),
            409: _("This action does not fit the current state of the object. Reload the page."),
        }
        return render_template("errors/generic.html", code=error.code, title=_("Request refused"),
                               message=messages.get(error.code, _("The request could not be completed."))), error.code
