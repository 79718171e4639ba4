"""Attendance marks of scheduled sessions, with every correction kept."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.choices import ATTENDANCE_SOURCES, ATTENDANCE_STATUSES
from courses.models.schedule import ScheduledSession
from lms.extensions import db
from lms.models.mixins import utcnow
from lms.models.sql import check_constraint
from lms.users.models import User


class AttendanceMark(db.Model):
    """How one teacher attended one session (the latest word; the history is in AttendanceChange)."""

    __tablename__ = "courses_attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint(check_constraint("status", ATTENDANCE_STATUSES), name="known_status"),
        CheckConstraint(check_constraint("source", ATTENDANCE_SOURCES), name="known_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("courses_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10), default="tutor")
    marked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Minutes attended online, when the mark came from a meeting report.
    online_minutes: Mapped[Optional[int]]

    session: Mapped[ScheduledSession] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AttendanceChange(db.Model):
    """An audit line: who changed a mark, when, from what to what, and why."""

    __tablename__ = "courses_attendance_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("courses_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"))
    old_status: Mapped[Optional[str]] = mapped_column(String(10))
    new_status: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10))
    changed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    changed_by: Mapped[Optional[User]] = relationship(foreign_keys=[changed_by_id])
