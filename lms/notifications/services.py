"""Telling people about changes that concern them: a notice in the interface, and an e-mail after the commit."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update

from lms.extensions import db
from lms.mail import MailError, absolute_url, send_mail
from lms.models.mixins import utcnow
from lms.notifications.models import Notification
from lms.outbox import after_commit


def notify(users, make_text, endpoint: str | None = None, args: dict | None = None, subject=None) -> int:
    """Leave each user a notification, in their own language, and e-mail it when SMTP is set up.

    The notice is a row of the same unit of work as the change it tells about; the e-mail is sent only once
    that unit commits. Neither exists for a change that rolled back.

    :param make_text: called with no arguments inside each user's locale, so lazy strings and
        gettext produce that user's language.
    :param endpoint: the page the notice links to, with ``args`` for its URL; the link is built when the notice
        is shown (services build no URLs).
    :param subject: like ``make_text``, for the e-mail subject; no e-mail without it.
    :returns: how many people were notified.
    """
    count = 0
    mail = current_app.config["MAIL_BACKEND"] == "smtp" and subject is not None
    for user in users:
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            text = str(make_text())
            db.session.add(Notification(user_id=user.id, text=text[:500], endpoint=endpoint,
                                        endpoint_args=dict(args or {})))
            if mail:
                after_commit(_letter(user.email, str(subject()), text, endpoint, dict(args or {})))
        count += 1
    db.session.flush()
    return count


def _letter(to: str, subject: str, text: str, endpoint: str | None, args: dict):
    def send() -> None:
        body = text
        if endpoint:
            body += "\n\n" + absolute_url(endpoint, **args)
        try:
            send_mail(to, subject, body)
        except MailError:
            pass  # the in-app notification stands; the failure is logged by send_mail

    return send


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def mark_all_read(user) -> None:
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
