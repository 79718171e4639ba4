"""Rooms with their working hours, and the scheduled sessions of groups (seminars, practicums…)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.models.cohorts import Group
from courses.models.programs import Module
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin
from lms.users.models import User


class Room(TimestampMixin, db.Model):
    """A room sessions take place in; the ICT room's working hours are approved by the director's order."""

    __tablename__ = "courses_room"
    __table_args__ = (CheckConstraint("opens < closes", name="opens_before_closes"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    capacity: Mapped[Optional[int]]
    #: Working hours, local time; sessions outside them are refused.
    opens: Mapped[time] = mapped_column(default=time(8))
    closes: Mapped[time] = mapped_column(default=time(20))
    #: Days the room works, as digits 0 (Monday) … 6 (Sunday).
    weekdays: Mapped[str] = mapped_column(String(7), default="012345")

    def __str__(self) -> str:
        return self.name


class ScheduledSession(TimestampMixin, VersionedMixin, db.Model):
    """One meeting of a group on a module, in a room or online, led by a tutor; stored in UTC."""

    __tablename__ = "courses_session"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        Index("ix_courses_session_room_time", "room_id", "starts_at"),
        Index("ix_courses_session_tutor_time", "tutor_id", "starts_at"),
        Index("ix_courses_session_group_time", "group_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("courses_group.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("courses_module.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    room_id: Mapped[Optional[int]] = mapped_column(ForeignKey("courses_room.id"))
    online_url: Mapped[Optional[str]] = mapped_column(String(500))
    tutor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    #: Sessions planned together as a weekly series share this id, so the series can be shown and moved.
    series: Mapped[Optional[str]] = mapped_column(String(32), index=True)
    topic: Mapped[str] = mapped_column(String(300), default="")
    cancelled: Mapped[bool] = mapped_column(default=False)
    #: Short code teachers type (or scan as a QR) to check themselves in, valid until checkin_until.
    checkin_code: Mapped[Optional[str]] = mapped_column(String(8))
    checkin_until: Mapped[Optional[datetime]]

    group: Mapped[Group] = relationship()
    module: Mapped[Module] = relationship()
    room: Mapped[Optional[Room]] = relationship()
    tutor: Mapped[Optional[User]] = relationship()


class CalendarFeed(db.Model):
    """The secret address of a person's calendar (ICS) for phone and desktop calendar apps."""

    __tablename__ = "courses_calendar_feed"

    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), primary_key=True)
    #: Whoever knows the address sees the timetable; renewing the token revokes the old address.
    token: Mapped[str] = mapped_column(String(64), unique=True)
