"""A report file built in the background (a large period's records): who asked, what, and how far it got."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models.mixins import utcnow

EXPORT_STATUSES = ("queued", "running", "done", "failed")


class ExportJob(db.Model):
    __tablename__ = "lms_export_job"
    __table_args__ = (CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="known_status"),
                      CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    #: ``records`` (an indicator's records; ``key`` the indicator) or ``report`` (``key`` the report), or a kind
    #: a plugin registered (``lms.reports.jobs.register_kind``).
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    fmt: Mapped[str] = mapped_column(String(10))
    #: The query string of the filters, as the page had them (a plugin's kind: its arguments, and once done the
    #: ``summary`` of its file).
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    #: Key of the built file in lms.storage, and the name it downloads under.
    file_key: Mapped[Optional[str]] = mapped_column(String(200))
    file_name: Mapped[Optional[str]] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[Optional[datetime]]
