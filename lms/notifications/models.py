"""The notification a person sees in the interface."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.mixins import utcnow


class Notification(db.Model):
    __tablename__ = "lms_notification"
    #: The header asks for a person's unread count on every page.
    __table_args__ = (Index("ix_lms_notification_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    #: Already translated into the recipient's language when it was created.
    text: Mapped[str] = mapped_column(String(500))
    #: The page it links to, as an endpoint and its URL values: the link is built when it is shown.
    endpoint: Mapped[Optional[str]] = mapped_column(String(100))
    endpoint_args: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[Optional[datetime]]

    def href(self) -> str | None:
        """The linked page's address, or None when there is none (or the page no longer exists)."""
        from flask import url_for
        from werkzeug.routing import BuildError

        if not self.endpoint:
            return None
        try:
            return url_for(self.endpoint, **(self.endpoint_args or {}))
        except BuildError:
            return None
