"""What the service records about its associations beyond the core's directory: kind, leader, period,
members, and meetings with attendance, minutes and decisions."""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.choices import ASSOCIATION_KINDS, MEETING_STATUSES
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin
from lms.models.sql import check_constraint
from lms.orgs.models import MethodAssociation
from lms.users.models import User


class AssociationDetails(TimestampMixin, VersionedMixin, db.Model):
    """One row per association of the core's directory (``lms_method_association``) that the service runs:
    the directory stays the one list of associations (profiles and report filters point at it), this adds
    what only the methodological work needs."""

    __tablename__ = "community_association"
    __table_args__ = (
        CheckConstraint(check_constraint("kind", ASSOCIATION_KINDS), name="known_kind"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR starts_on <= ends_on", name="period_order"),
    )

    association_id: Mapped[int] = mapped_column(ForeignKey("lms_method_association.id", ondelete="CASCADE"),
                                                primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="mo")
    #: The МО's leader (руководитель): manages its members and meetings.
    leader_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"), index=True)
    #: Temporary groups work for a period; standing associations may leave it empty.
    starts_on: Mapped[Optional[date]]
    ends_on: Mapped[Optional[date]]
    #: The methodological theme or the group's task.
    theme: Mapped[str] = mapped_column(Text, default="")

    association: Mapped[MethodAssociation] = relationship()
    leader: Mapped[Optional[User]] = relationship()

    @property
    def level(self) -> str:
        return "school" if self.association.school_id else "municipal"


class Membership(TimestampMixin, db.Model):
    """A teacher in an association: joined on their own or added by the leader or staff."""

    __tablename__ = "community_member"
    __table_args__ = (UniqueConstraint("association_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("lms_method_association.id", ondelete="CASCADE"),
                                                index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    joined_on: Mapped[date]

    user: Mapped[User] = relationship()
    association: Mapped[MethodAssociation] = relationship()


class Meeting(TimestampMixin, VersionedMixin, db.Model):
    """An association's meeting (заседание): planned ahead, then held with attendance, minutes and decisions."""

    __tablename__ = "community_meeting"
    __table_args__ = (CheckConstraint(check_constraint("status", MEETING_STATUSES), name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(ForeignKey("lms_method_association.id", ondelete="CASCADE"),
                                                index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    topic: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="planned")
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_file_key: Mapped[Optional[str]] = mapped_column(String(200))
    minutes_file_name: Mapped[Optional[str]] = mapped_column(String(200))
    decisions: Mapped[str] = mapped_column(Text, default="")

    association: Mapped[MethodAssociation] = relationship()
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")


class MeetingAttendance(db.Model):
    """One person present at a held meeting (the registration sheet)."""

    __tablename__ = "community_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("community_meeting.id", ondelete="CASCADE"),
                                            primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship()
