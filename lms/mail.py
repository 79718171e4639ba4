"""Outgoing e-mail: written to the log in development, sent over SMTP when configured."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, url_for

from lms.errors import ServiceError
from lms.i18n import _


class MailError(ServiceError):
    """The message could not be handed to the mail server."""


def absolute_url(endpoint: str, **values) -> str:
    """A link for an e-mail: always on ``BASE_URL``, never on the Host a request claimed to come from; also
    outside a request (the CLI, a background job, an effect after commit)."""
    from flask import has_request_context

    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context(base_url=base):
        return base + url_for(endpoint, **values)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message to one address with the configured backend.

    :param to: recipient address.
    :param subject: subject line, already translated.
    :param body: plain-text body, already translated.
    :raises MailError: the SMTP server refused the message or could not be reached.
    """
    config = current_app.config
    if config["MAIL_BACKEND"] == "log":
        # Readable in the console (as_string() would show the Cyrillic body base64-encoded).
        current_app.logger.warning("E-mail not sent (MAIL_BACKEND=log)\nTo: %s\nSubject: %s\n\n%s",
                                   to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.error("SMTP delivery to %s failed: %s", to, exc)
        raise MailError(_("The letter could not be sent: the mail server did not accept it. "
                          "Try again later or tell the distance-learning centre.")) from exc
