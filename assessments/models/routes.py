"""Individual educational routes (ИОМ): the route, its goals (one per deficit), its steps and its history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.choices import GOAL_STATUSES, ROUTE_STATUSES, STEP_STATUSES
from assessments.models.catalogue import Activity
from assessments.models.diagnostics import Attempt
from assessments.models.framework import Competency, Framework
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin, utcnow
from lms.models.sql import check_constraint
from lms.users.models import User


class Route(TimestampMixin, VersionedMixin, db.Model):
    """A teacher's route for one period: draft → review → active → completed, or returned for rework.

    ``open_key`` is the teacher's id while the route is not completed: unique, so a teacher has one
    route in work at a time and two tabs pressing «build» cannot make two.
    """

    __tablename__ = "assessments_route"
    __table_args__ = (
        CheckConstraint(check_constraint("status", ROUTE_STATUSES), name="known_status"),
        CheckConstraint("period_start <= period_end", name="period_order"),
        CheckConstraint("weekly_hours > 0 AND weekly_hours <= 40", name="weekly_hours_range"),
        CheckConstraint("(status = 'completed') = (open_key IS NULL)", name="open_key_matches_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    tutor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"), index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessments_framework.id"))
    #: The finished diagnostic the deficits came from (None: a tutor's manual selection).
    attempt_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assessments_attempt.id"))
    open_key: Mapped[Optional[str]] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    period_start: Mapped[date]
    period_end: Mapped[date]
    weekly_hours: Mapped[float] = mapped_column(Float, default=4.0)
    #: "online" or "onsite" when the teacher can only take that; None for either.
    delivery: Mapped[Optional[str]] = mapped_column(String(10))
    goal: Mapped[str] = mapped_column(Text, default="")
    #: How the plan was made: "milp", "greedy" (fallback), or "manual" after edits.
    method: Mapped[str] = mapped_column(String(10), default="milp")
    #: The tutor's comment when returning it; the teacher's proposal when asking for changes.
    review_comment: Mapped[str] = mapped_column(Text, default="")
    teacher_note: Mapped[str] = mapped_column(Text, default="")
    #: The tutor's conclusion at the end (section «Итоги»).
    conclusion: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[Optional[datetime]]
    approved_at: Mapped[Optional[datetime]]
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    completed_at: Mapped[Optional[datetime]]
    #: The repeated diagnostic that closed (or reopened) the goals.
    repeat_attempt_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assessments_attempt.id"))
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    tutor: Mapped[Optional[User]] = relationship(foreign_keys=[tutor_id])
    approved_by: Mapped[Optional[User]] = relationship(foreign_keys=[approved_by_id])
    framework: Mapped[Framework] = relationship()
    attempt: Mapped[Optional[Attempt]] = relationship(foreign_keys=[attempt_id])
    repeat_attempt: Mapped[Optional[Attempt]] = relationship(foreign_keys=[repeat_attempt_id])
    goals: Mapped[list[RouteGoal]] = relationship(back_populates="route", cascade="all, delete-orphan",
                                                  order_by="RouteGoal.id")
    steps: Mapped[list[RouteStep]] = relationship(back_populates="route", cascade="all, delete-orphan",
                                                  order_by="(RouteStep.position, RouteStep.id)")
    events: Mapped[list[RouteEvent]] = relationship(back_populates="route", cascade="all, delete-orphan",
                                                    order_by="RouteEvent.id")


class RouteGoal(db.Model):
    """One deficit the route closes: the competency, the level measured, the target, and the task."""

    __tablename__ = "assessments_route_goal"
    __table_args__ = (
        UniqueConstraint("route_id", "competency_id"),
        CheckConstraint(check_constraint("status", GOAL_STATUSES), name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("assessments_route.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("assessments_competency.id"))
    level: Mapped[int] = mapped_column()
    target_level: Mapped[int] = mapped_column()
    p_deficit: Mapped[float] = mapped_column(Float, default=1.0)
    #: The «Задача» of the ИОМ: what the teacher will be able to do.
    task: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    #: True when no catalogue activity reaches the target: a consultation or mentoring stands in.
    gap: Mapped[bool] = mapped_column(default=False)
    #: Why the planner left the deficit to no catalogue activity (``assessments.planner.model`` gap reasons:
    #: no_activity, excluded, delivery, dates, budget; or done: an activity already finished reaches it); None
    #: when an activity of the plan closes it.
    gap_reason: Mapped[Optional[str]] = mapped_column(String(20))
    #: After the repeated diagnostic: the level then measured.
    level_after: Mapped[Optional[int]] = mapped_column()

    route: Mapped[Route] = relationship(back_populates="goals")
    competency: Mapped[Competency] = relationship()


class RouteStep(db.Model):
    """One row of the plan: an activity (or a consultation standing in for a gap) with dates and hours."""

    __tablename__ = "assessments_route_step"
    __table_args__ = (CheckConstraint(check_constraint("status", STEP_STATUSES), name="known_status"),
                      CheckConstraint("hours > 0", name="positive_hours"))

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("assessments_route.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    activity_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assessments_activity.id", ondelete="SET NULL"),
                                                       index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: Copied from the activity when planned, so the document stays what was approved.
    title: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(20))
    organiser: Mapped[str] = mapped_column(String(200), default="")
    result_form: Mapped[str] = mapped_column(String(20), default="certificate")
    hours: Mapped[float] = mapped_column(Float)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: The dated offer chosen: "group:12" (a group's run of the module), "slot:55" (a consultation time).
    slot: Mapped[Optional[str]] = mapped_column(String(40))
    #: Competency ids of the goals this step closes; empty for a step that is only a prerequisite.
    closes: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="planned")
    #: The approval made the booking (a place in a group, a consultation time), so taking the step out of the
    #: route gives it back; a place the teacher already had before the route is never touched.
    booked_by_route: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[Optional[datetime]]
    #: What showed it was done: "signal" (courses reported it) or the tutor's evidence text.
    evidence: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))

    route: Mapped[Route] = relationship(back_populates="steps")
    activity: Mapped[Optional[Activity]] = relationship()


class RouteEvent(db.Model):
    """The route's history: who did what and when, with the details of the change."""

    __tablename__ = "assessments_route_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("assessments_route.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    route: Mapped[Route] = relationship(back_populates="events")
    user: Mapped[Optional[User]] = relationship()
