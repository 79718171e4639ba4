"""Telling people about changes that concern them."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update

from lms.extensions import db
from lms.mail import MailError, send_mail
from lms.models.mixins import utcnow
from lms.notifications.models import Notification


def notify(users, make_text, link: str | None = None, subject=None) -> int:
    """Leave each user a notification, in their own language, and e-mail it when SMTP is set up.

    :param make_text: called with no arguments inside each user's locale, so lazy strings and
        gettext produce that user's language.
    :param subject: like ``make_text``, for the e-mail subject; no e-mail without it.
    :returns: how many people were notified.
    """
    count = 0
    mail = current_app.config["MAIL_BACKEND"] == "smtp" and subject is not None
    for user in users:
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            text = str(make_text())
            db.session.add(Notification(user_id=user.id, text=text[:500], link=link))
            if mail:
                try:
                    send_mail(user.email, str(subject()), text)
                except MailError:
                    pass  # the in-app notification stands; the failure is logged by send_mail
        count += 1
    db.session.flush()
    return count


def unread_count(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def mark_all_read(user) -> None:
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
