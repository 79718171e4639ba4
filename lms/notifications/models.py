"""The notification a person sees in the interface."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String
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
    link: Mapped[Optional[str]] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[Optional[datetime]]
