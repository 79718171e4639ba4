"""Opening, finding and ending server-side sessions (lms.auth.models.UserSession)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from lms.auth.models import UserSession
from lms.extensions import db
from lms.models.mixins import utcnow
from lms.users.models import User

#: Tokens are 32 random bytes, URL-safe base64 (43 characters); anything far from that is no token.
_TOKEN_LENGTHS = range(20, 101)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _seconds(value) -> int:
    return int(value.total_seconds()) if isinstance(value, timedelta) else int(value)


def open_session(user: User, *, remember: bool, user_agent: str | None = None) -> str:
    """Start a session for ``user`` and return its token (what Flask-Login keeps in the cookies).

    It lasts PERMANENT_SESSION_LIFETIME, or REMEMBER_COOKIE_DURATION with ``remember``. The user's
    expired sessions are cleared on the way, so the table holds only live ones and recent leftovers.
    """
    config = current_app.config
    lifetime = _seconds(config["REMEMBER_COOKIE_DURATION"] if remember else config["PERMANENT_SESSION_LIFETIME"])
    now = utcnow()
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_digest(token), user_id=user.id, expires_at=now + timedelta(seconds=lifetime),
                               remember=remember, user_agent=(user_agent or "")[:200] or None))
    db.session.flush()
    user.session_token = token
    return token


def user_for_session(token: str) -> Optional[User]:
    """The active user a live session token belongs to, else None; one indexed statement, roles included."""
    if not isinstance(token, str) or len(token) not in _TOKEN_LENGTHS:
        return None
    user = db.session.scalars(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _digest(token), UserSession.expires_at > utcnow())
        # Every request runs this: the roles come in the same statement instead of a second one.
        .options(joinedload(User.roles))
    ).unique().one_or_none()
    if user is None or not user.active:
        return None
    user.session_token = token
    return user


def end_session(token: str | None) -> None:
    """Sign one session out: its cookies, wherever they were copied, stop working."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))


def end_all_sessions(user: User, keep: str | None = None) -> None:
    """Sign ``user`` out everywhere (a new password, a deactivated account), except the session ``keep``."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        statement = statement.where(UserSession.token_hash != _digest(keep))
    db.session.execute(statement)
