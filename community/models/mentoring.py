"""Mentoring: mentor–mentee pairs with their form, period, goals and outcome, and the pair's meetings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.choices import MENTORING_FORMS, PAIR_STATUSES
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin
from lms.models.sql import check_constraint
from lms.users.models import User


class MentoringPair(TimestampMixin, VersionedMixin, db.Model):
    """A mentor and a mentee for a period; one mentee has at most one pair at a time (checked by the service)."""

    __tablename__ = "community_mentoring_pair"
    __table_args__ = (
        CheckConstraint(check_constraint("form", MENTORING_FORMS), name="known_form"),
        CheckConstraint(check_constraint("status", PAIR_STATUSES), name="known_status"),
        CheckConstraint("starts_on <= ends_on", name="period_order"),
        CheckConstraint("mentor_id <> mentee_id", name="two_people"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    form: Mapped[str] = mapped_column(String(20), default="experienced_young")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    goals: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="active")
    outcome: Mapped[str] = mapped_column(Text, default="")

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    meetings: Mapped[list[MentoringMeeting]] = relationship(
        back_populates="pair", cascade="all, delete-orphan", order_by="MentoringMeeting.planned_on")


class MentoringMeeting(TimestampMixin, db.Model):
    """A meeting of the pair's plan; once held it carries a short record."""

    __tablename__ = "community_mentoring_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("community_mentoring_pair.id", ondelete="CASCADE"), index=True)
    planned_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(300))
    held: Mapped[bool] = mapped_column(default=False)
    record: Mapped[str] = mapped_column(Text, default="")

    pair: Mapped[MentoringPair] = relationship(back_populates="meetings")
