"""The route catalogue: what each module, session, consultation, mentoring, internship or external module
covers (competency up to a level), with its hours, form and prerequisites."""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, Column, Float, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.choices import ACTIVITY_FORMS, ACTIVITY_KINDS, DELIVERY, RESULT_FORMS
from assessments.models.framework import Competency
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin
from lms.models.sql import check_constraint

activity_prerequisite = Table(
    "assessments_activity_prerequisite",
    db.metadata,
    Column("activity_id", ForeignKey("assessments_activity.id", ondelete="CASCADE"), primary_key=True),
    Column("required_id", ForeignKey("assessments_activity.id", ondelete="CASCADE"), primary_key=True),
)


class Activity(TimestampMixin, VersionedMixin, db.Model):
    """One building block of a route. A module or session points at courses' row (hours, dates and places
    come from there); the others are described here."""

    __tablename__ = "assessments_activity"
    __table_args__ = (
        CheckConstraint(check_constraint("kind", ACTIVITY_KINDS), name="known_kind"),
        CheckConstraint(check_constraint("form", ACTIVITY_FORMS), name="known_form"),
        CheckConstraint(check_constraint("delivery", DELIVERY), name="known_delivery"),
        CheckConstraint(check_constraint("result_form", RESULT_FORMS), name="known_result_form"),
        CheckConstraint("hours > 0 AND hours <= 1000", name="hours_range"),
        CheckConstraint("(kind = 'module') = (module_id IS NOT NULL)", name="module_kind_has_module"),
        CheckConstraint("(kind = 'session') = (session_id IS NOT NULL)", name="session_kind_has_session"),
        CheckConstraint("lti_tool_id IS NULL OR kind = 'external'", name="lti_link_is_external"),
        CheckConstraint("lti_pass_percent BETWEEN 1 AND 100", name="lti_pass_percent_range"),
        CheckConstraint("(organiser_kind IS NULL) = (organiser_id IS NULL)", name="organiser_ref_whole"),
        UniqueConstraint("module_id"),
        UniqueConstraint("session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Academic hours the teacher spends on it.
    hours: Mapped[float] = mapped_column(Float)
    form: Mapped[str] = mapped_column(String(20))
    delivery: Mapped[str] = mapped_column(String(10), default="online")
    #: The «Организатор / ресурс» column: who runs it, or where it is.
    organiser: Mapped[str] = mapped_column(String(200), default="")
    #: A record another plugin keeps (``lms.references``, purpose ``organiser``: a school's internship site…), as
    #: kind + id because no foreign key may cross plugins; ``organiser`` then holds its title as of the choice.
    organiser_kind: Mapped[Optional[str]] = mapped_column(String(40))
    organiser_id: Mapped[Optional[int]]
    result_form: Mapped[str] = mapped_column(String(20), default="certificate")
    url: Mapped[Optional[str]] = mapped_column(String(500))
    module_id: Mapped[Optional[int]] = mapped_column(ForeignKey("courses_module.id", ondelete="CASCADE"))
    session_id: Mapped[Optional[int]] = mapped_column(ForeignKey("courses_session.id", ondelete="CASCADE"))
    #: Consultations and mentoring: the tutor or mentor whose time it takes (None: the route's tutor).
    tutor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    #: Fixed dates (an internship, an external course run); None for self-paced activities.
    starts_on: Mapped[Optional[date]]
    ends_on: Mapped[Optional[date]]
    capacity: Mapped[Optional[int]] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)
    #: An external module may be an LTI link: the registered tool, the address it opens and its custom
    #: parameters; the tool's score at or above ``lti_pass_percent`` of its maximum completes the route step.
    lti_tool_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_lti_tool.id", ondelete="SET NULL"))
    lti_target_link_uri: Mapped[Optional[str]] = mapped_column(String(500))
    lti_custom: Mapped[dict] = mapped_column(JSON, default=dict)
    lti_pass_percent: Mapped[int] = mapped_column(default=100)

    coverage: Mapped[list[ActivityCoverage]] = relationship(cascade="all, delete-orphan",
                                                            order_by="ActivityCoverage.competency_id")
    prerequisites: Mapped[list[Activity]] = relationship(
        secondary=activity_prerequisite,
        primaryjoin=lambda: Activity.id == activity_prerequisite.c.activity_id,
        secondaryjoin=lambda: Activity.id == activity_prerequisite.c.required_id,
        order_by=lambda: Activity.id,
    )

    @property
    def key(self) -> str:
        """The activity as the planner knows it."""
        return f"activity:{self.id}"


class ActivityCoverage(db.Model):
    """An activity brings a teacher up to ``level`` in one competency."""

    __tablename__ = "assessments_activity_coverage"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 6", name="level_range"),)

    activity_id: Mapped[int] = mapped_column(ForeignKey("assessments_activity.id", ondelete="CASCADE"),
                                             primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("assessments_competency.id", ondelete="CASCADE"),
                                               primary_key=True)
    level: Mapped[int] = mapped_column()

    competency: Mapped[Competency] = relationship()
