"""Individual consultations: a tutor's weekly office hours, the slots cut from them, and bookings."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.choices import BOOKING_STATUSES
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin, utcnow
from lms.models.sql import check_constraint
from lms.users.models import User


class OfficeHours(TimestampMixin, VersionedMixin, db.Model):
    """A weekly window (e.g. Wednesday 14:00–17:00, in the service's time zone) cut into slots."""

    __tablename__ = "courses_office_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("starts < ends", name="starts_before_ends"),
        CheckConstraint("slot_minutes BETWEEN 10 AND 240", name="slot_minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    #: 0 = Monday … 6 = Sunday.
    weekday: Mapped[int]
    #: Local wall-clock times in BABEL_DEFAULT_TIMEZONE.
    starts: Mapped[time]
    ends: Mapped[time]
    slot_minutes: Mapped[int] = mapped_column(default=30)
    #: Room (кабинет ИКТ) or «онлайн».
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[Optional[str]] = mapped_column(String(500))
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    active: Mapped[bool] = mapped_column(default=True)

    tutor: Mapped[User] = relationship()


class ConsultationSlot(db.Model):
    """One bookable time of one tutor; stored in UTC."""

    __tablename__ = "courses_consultation_slot"
    #: Generating the same office hours twice cannot duplicate a slot.
    __table_args__ = (UniqueConstraint("tutor_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tutor_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"))
    office_hours_id: Mapped[Optional[int]] = mapped_column(ForeignKey("courses_office_hours.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[Optional[str]] = mapped_column(String(500))
    cancelled: Mapped[bool] = mapped_column(default=False)

    tutor: Mapped[User] = relationship()
    bookings: Mapped[list[ConsultationBooking]] = relationship(
        back_populates="slot", order_by="ConsultationBooking.id", foreign_keys="ConsultationBooking.slot_id")


class ConsultationBooking(TimestampMixin, VersionedMixin, db.Model):
    """A teacher's booking of a slot, and afterwards the tutor's record of how it went."""

    __tablename__ = "courses_consultation_booking"
    __table_args__ = (
        CheckConstraint(check_constraint("status", BOOKING_STATUSES), name="known_status"),
        CheckConstraint("(status = 'cancelled') = (active_slot_id IS NULL)", name="active_slot_matches_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("courses_consultation_slot.id"), index=True)
    #: Equals slot_id while the booking stands, NULL once cancelled. Being unique, it lets the database
    #: itself refuse a second standing booking of a slot, however many requests race for it.
    active_slot_id: Mapped[Optional[int]] = mapped_column(ForeignKey("courses_consultation_slot.id"), unique=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    #: What the teacher wants to discuss.
    topic: Mapped[str] = mapped_column(Text)
    #: An optional file for the tutor (a lesson plan to discuss), stored through lms.storage.
    file_key: Mapped[Optional[str]] = mapped_column(String(200))
    file_name: Mapped[Optional[str]] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="booked")
    cancelled_at: Mapped[Optional[datetime]]
    #: The tutor's notes on the outcome; shown to tutors and staff, never to the teacher.
    outcome_notes: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[Optional[datetime]]
    outcome_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)

    slot: Mapped[ConsultationSlot] = relationship(back_populates="bookings", foreign_keys=[slot_id])
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])
