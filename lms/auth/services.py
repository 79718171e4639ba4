"""Signing in, password changes and one-time password-reset links."""

from __future__ import annotations

import hashlib
from typing import Optional

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update
from werkzeug.security import check_password_hash

from lms import signals
from lms.auth.sessions import end_session, open_session
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.mail import MailError, absolute_url, send_mail
from lms.models.mixins import utcnow
from lms.users.models import User
from lms.users.services import find_user_by_email, set_password

# A hash computed once so an unknown e-mail costs as much time as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_hash() -> str:
    from lms.users.services import hash_password

    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = hash_password("not-a-real-password")
    return _DUMMY_HASH[method]


def authenticate(email: str, password: str) -> User:
    """The active user with this e-mail and password.

    :raises ServiceError: wrong e-mail or password (one message for both, so accounts cannot be
        discovered), or a deactivated account (said only after the password was right).
    """
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(), password)
        raise ServiceError(_("Wrong e-mail or password."))
    if not check_password_hash(user.password_hash, password):
        raise ServiceError(_("Wrong e-mail or password."))
    if not user.active:
        raise ServiceError(_("Your account has been deactivated. Please contact the methodological service."))
    record_visit(user)
    signals.user_logged_in.send(current_app._get_current_object(), user=user)
    return user


def sign_in(email: str, password: str, *, remember: bool, user_agent: str | None = None) -> User:
    """:func:`authenticate`, then open a server-side session; ``user.session_token`` names it.

    :param remember: keep the person signed in on this device for REMEMBER_COOKIE_DURATION.
    :param user_agent: the browser's own name for itself, kept with the session.
    """
    user = authenticate(email, password)
    open_session(user, remember=remember, user_agent=user_agent)
    return user


def sign_out(user: User) -> None:
    """End the session ``user`` is signed in with (its token): copies of its cookies stop working too."""
    end_session(user.session_token)
    user.session_token = None


def record_visit(user: User) -> None:
    """Stamp the sign-in time without bumping ``User.version``: signing in is not an edit, and an
    admin's open edit form must not turn stale because the person logged in meanwhile."""
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow())
                       .execution_options(synchronize_session="fetch"))


def change_password(user: User, current: str, new: str) -> User:
    """Replace the password after checking the current one."""
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise ServiceError(_("The current password is wrong."), field="current_password")
    set_password(user, new, keep_session=user.session_token)  # every other session ends
    db.session.flush()
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="lms.password-reset")


def _fingerprint(user: User) -> str:
    """Changes when the password, the e-mail or the active flag does, so a link works once, only for
    the address it was sent to, and never for a deactivated account; reveals nothing of the hash."""
    stamp = user.password_changed_at.isoformat() if user.password_changed_at else "never"
    material = "|".join((user.email, user.password_hash or "", stamp, str(user.active)))
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(token: str) -> Optional[User]:
    """The user a still-valid, unused reset token belongs to, else None."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        return None
    return user


def send_reset_link(email: str) -> None:
    """E-mail a one-time link to an active account.

    Unknown addresses and a failing mail server look the same to the requester (the failure is
    logged), so the form cannot be used to find out who has an account.
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    try:
        send_password_link(user)
    except MailError:
        current_app.logger.exception("Password link for user %s could not be sent", user.id)


def send_password_link(user: User) -> str:
    """E-mail ``user`` a link to set a new password; returns the link (the CLI prints it).

    :raises MailError: the mail server refused or could not be reached.
    """
    link = absolute_url("auth.reset_password", token=make_reset_token(user))
    hours = current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600
    body = _("Hello, %(name)s!\n\nTo set a password for Metodist, open this link within %(hours)d hours:\n"
             "%(link)s\n\nThe link works once. If you did not ask for it, ignore this letter.",
             name=f"{user.first_name} {user.middle_name or ''}".strip(), hours=hours, link=link)
    send_mail(user.email, _("Metodist: setting your password"), body)
    return link


def reset_password(token: str, new: str) -> User:
    """Set a password through a reset link; the link stops working afterwards."""
    user = user_for_reset_token(token)
    if user is None:
        raise ServiceError(_("This link is invalid, expired or has already been used. Request a new one."))
    set_password(user, new)
    db.session.flush()
    return user
