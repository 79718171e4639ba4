"""Signed-in sessions kept on the server, so signing out (or a new password) ends them for every copy
of the cookie."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.mixins import utcnow


class UserSession(db.Model):
    """One signed-in browser: the Flask session and the remember-me cookie both carry its token.

    A row that is gone (signed out, password changed, account deactivated) or past ``expires_at``
    signs nobody in, whatever cookie a browser (or someone who copied it) still holds.
    """

    __tablename__ = "lms_user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random token in the cookies: a copy of the table signs nobody in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The end of the working day's session, or of "remember me on this device".
    expires_at: Mapped[datetime]
    remember: Mapped[bool] = mapped_column(default=False)
    #: The browser it was opened in, as it named itself (shown to nobody yet; kept for an audit).
    user_agent: Mapped[Optional[str]] = mapped_column(String(200))
