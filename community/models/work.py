"""The service's other records with teachers: lesson visits and open lessons, written appeals, network events
with their participants and speakers, and contests of professional skill with stages and applications."""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.choices import (
    APPEAL_SOURCES,
    APPEAL_STATUSES,
    APPLICATION_STATUSES,
    CONTEST_RESULTS,
    EVENT_KINDS,
    MEETING_STATUSES,
    ORGANISER_KINDS,
    PARTICIPANT_ROLES,
    VISIT_KINDS,
)
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin
from lms.models.sql import check_constraint
from lms.orgs.models import MethodAssociation, School
from lms.users.models import User


class LessonVisit(TimestampMixin, VersionedMixin, db.Model):
    """Who visited whose lesson (or an open lesson), when, why, the protocol and the recommendations given."""

    __tablename__ = "community_lesson_visit"
    __table_args__ = (CheckConstraint(check_constraint("kind", VISIT_KINDS), name="known_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="visit")
    visited_on: Mapped[date] = mapped_column(index=True)
    #: Class and subject, e.g. «7 Б, информатика».
    lesson: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    #: [{"criterion": …, "note": …}] in the order of the criteria the visit was recorded with.
    protocol: Mapped[list] = mapped_column(JSON, default=list)
    recommendations: Mapped[str] = mapped_column(Text, default="")

    visitor: Mapped[User] = relationship(foreign_keys=[visitor_id])
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])


class Appeal(TimestampMixin, VersionedMixin, db.Model):
    """A teacher's written appeal about the support they received, with the deadline for the answer."""

    __tablename__ = "community_appeal"
    __table_args__ = (
        CheckConstraint(check_constraint("status", APPEAL_STATUSES), name="known_status"),
        CheckConstraint(check_constraint("source", APPEAL_SOURCES), name="known_source"),
        CheckConstraint("received_on <= due_on", name="due_after_received"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    source: Mapped[str] = mapped_column(String(10), default="teacher")
    received_on: Mapped[date] = mapped_column(index=True)
    due_on: Mapped[date]
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[Optional[date]]
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    #: The complaint was found justified (None: not decided or not a complaint); «no complaints» counts these.
    upheld: Mapped[Optional[bool]]

    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])
    answered_by: Mapped[Optional[User]] = relationship(foreign_keys=[answered_by_id])


class NetworkEvent(TimestampMixin, VersionedMixin, db.Model):
    """A round table, seminar, master class, conference, pedagogical readings or a network project."""

    __tablename__ = "community_event"
    __table_args__ = (
        CheckConstraint(check_constraint("kind", EVENT_KINDS), name="known_kind"),
        CheckConstraint(check_constraint("organiser_kind", ORGANISER_KINDS), name="known_organiser"),
        CheckConstraint(check_constraint("status", MEETING_STATUSES), name="known_status"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    organiser_kind: Mapped[str] = mapped_column(String(20), default="service")
    school_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_school.id"), index=True)
    association_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_method_association.id"), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    link: Mapped[Optional[str]] = mapped_column(String(500))
    #: Places for participants (speakers come on top); None: no limit.
    capacity: Mapped[Optional[int]]
    registration_open: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="planned")

    school: Mapped[Optional[School]] = relationship()
    association: Mapped[Optional[MethodAssociation]] = relationship()
    participants: Mapped[list[EventParticipant]] = relationship(back_populates="event", cascade="all, delete-orphan")


class EventParticipant(TimestampMixin, db.Model):
    """A registered participant or a speaker (with their material) of a network event."""

    __tablename__ = "community_event_participant"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),
                      CheckConstraint(check_constraint("role", PARTICIPANT_ROLES), name="known_role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("community_event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="participant")
    attended: Mapped[bool] = mapped_column(default=False)
    topic: Mapped[str] = mapped_column(String(300), default="")
    material_key: Mapped[Optional[str]] = mapped_column(String(200))
    material_name: Mapped[Optional[str]] = mapped_column(String(200))

    event: Mapped[NetworkEvent] = relationship(back_populates="participants")
    user: Mapped[User] = relationship()


class Contest(TimestampMixin, VersionedMixin, db.Model):
    """A contest of professional skill: applications until a date, then its stages."""

    __tablename__ = "community_contest"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    applications_until: Mapped[date]
    #: One stage a line: «Заочный этап: 01.02.2027 – 28.02.2027».
    stages: Mapped[list] = mapped_column(JSON, default=list)

    applications: Mapped[list[ContestApplication]] = relationship(back_populates="contest",
                                                                  cascade="all, delete-orphan")


class ContestApplication(TimestampMixin, VersionedMixin, db.Model):
    """A teacher's application (their own, or nominated by the school), its status and result."""

    __tablename__ = "community_contest_application"
    __table_args__ = (
        UniqueConstraint("contest_id", "teacher_id"),
        CheckConstraint(check_constraint("status", APPLICATION_STATUSES), name="known_status"),
        CheckConstraint("result IS NULL OR " + check_constraint("result", CONTEST_RESULTS), name="known_result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("community_contest.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    submitted_on: Mapped[date]
    nominated_by_school: Mapped[bool] = mapped_column(default=False)
    theme: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    result: Mapped[Optional[str]] = mapped_column(String(20))

    contest: Mapped[Contest] = relationship(back_populates="applications")
    teacher: Mapped[User] = relationship()
