"""Diagnostics opened to teachers, their attempts, every answer as given, and per-competency results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.engine.inputs import MAX_EXPOSURE, MAX_ITEMS, MIN_ITEMS
from assessments.models.bank import Item, ItemParameters
from assessments.models.framework import Competency, Framework, FrameworkCorrelation
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin, utcnow

diagnostic_competency = Table(
    "assessments_diagnostic_competency",
    db.metadata,
    Column("diagnostic_id", ForeignKey("assessments_diagnostic.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("assessments_competency.id", ondelete="CASCADE"), primary_key=True),
)


class Diagnostic(TimestampMixin, VersionedMixin, db.Model):
    """A test staff define on one framework version and open to teachers or groups for a window of dates."""

    __tablename__ = "assessments_diagnostic"
    __table_args__ = (
        CheckConstraint("mode IN ('adaptive', 'fixed')", name="known_mode"),
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="known_status"),
        CheckConstraint("min_per_competency >= 1 AND max_per_competency >= min_per_competency",
                        name="per_competency_range"),
        CheckConstraint("max_exposure IS NULL OR (max_exposure > 0 AND max_exposure <= 1)",
                        name="max_exposure_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessments_framework.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(10), default="adaptive")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    min_per_competency: Mapped[int] = mapped_column(default=MIN_ITEMS)
    max_per_competency: Mapped[int] = mapped_column(default=MAX_ITEMS)
    #: A cap on scored questions in the whole attempt (None: only the per-competency limits).
    max_items: Mapped[Optional[int]] = mapped_column()
    time_limit_minutes: Mapped[Optional[int]] = mapped_column()
    #: Ask the anchored self-assessment statement of each competency first (shown beside, never mixed in).
    self_assessment: Mapped[bool] = mapped_column(default=True)
    #: Chance of showing an unscored pilot item, so new items collect answers for calibration.
    pilot_share: Mapped[float] = mapped_column(default=0.0)
    #: The largest share of attempts on the framework that may see any one question (exposure control);
    #: 1: no control. None: made before exposure control existed, and measuring as it did then.
    max_exposure: Mapped[Optional[float]] = mapped_column(default=MAX_EXPOSURE)
    opens_on: Mapped[date] = mapped_column()
    closes_on: Mapped[date] = mapped_column()
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))

    framework: Mapped[Framework] = relationship()
    competencies: Mapped[list[Competency]] = relationship(secondary=diagnostic_competency,
                                                          order_by="Competency.id")  # the framework file's order
    audience: Mapped[list[DiagnosticAudience]] = relationship(cascade="all, delete-orphan")


class DiagnosticAudience(db.Model):
    """Who may take a diagnostic: one teacher, or every member of a group."""

    __tablename__ = "assessments_diagnostic_audience"
    __table_args__ = (CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="user_or_group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnostic_id: Mapped[int] = mapped_column(ForeignKey("assessments_diagnostic.id", ondelete="CASCADE"),
                                               index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"), index=True)
    group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("courses_group.id", ondelete="CASCADE"), index=True)


class Attempt(VersionedMixin, db.Model):
    """One teacher's sitting of a diagnostic. Its state is its answers; ``current_item_id`` is the item
    on the teacher's screen, so a reload, a second tab or a restart shows the same question."""

    __tablename__ = "assessments_attempt"
    __table_args__ = (
        UniqueConstraint("diagnostic_id", "user_id", "number"),
        CheckConstraint("status IN ('in_progress', 'finished')", name="known_status"),
        CheckConstraint("(status = 'in_progress') = (open_key IS NOT NULL)", name="open_key_matches_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    diagnostic_id: Mapped[int] = mapped_column(ForeignKey("assessments_diagnostic.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    #: 1 for the first sitting, 2 for the repeated diagnostic, …
    number: Mapped[int] = mapped_column(default=1)
    #: "<diagnostic>:<user>" while in progress, NULL after: unique, so two tabs cannot start two attempts.
    open_key: Mapped[Optional[str]] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[Optional[datetime]] = mapped_column()
    finished_at: Mapped[Optional[datetime]] = mapped_column()
    #: Why it ended: "completed" (the engine stopped), "time" (the limit passed), "closed" (window ended).
    finish_reason: Mapped[Optional[str]] = mapped_column(String(12))
    current_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assessments_item.id"))
    seed: Mapped[int] = mapped_column(default=0)
    #: Fixed at the start so a session rebuilt from the answers is the same session: the items exposure
    #: control withholds from this attempt, and the items the teacher answered in earlier sittings on the
    #: framework (offered only when nothing fresher is left). None: neither (attempts made before).
    withheld_items: Mapped[Optional[list[int]]] = mapped_column(JSON)
    seen_items: Mapped[Optional[list[int]]] = mapped_column(JSON)
    #: The framework's correlation matrix current at the start (None: the single ρ of the framework).
    correlation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assessments_framework_correlation.id"))

    diagnostic: Mapped[Diagnostic] = relationship()
    correlation: Mapped[Optional[FrameworkCorrelation]] = relationship()
    current_item: Mapped[Optional[Item]] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="attempt", order_by="Answer.position",
                                                 cascade="all, delete-orphan")
    results: Mapped[list[CompetencyResult]] = relationship(cascade="all, delete-orphan")


class Answer(db.Model):
    """One answer as the teacher gave it, saved at once. Unique per item, so a replay records nothing new."""

    __tablename__ = "assessments_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "item_id"), UniqueConstraint("attempt_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("assessments_attempt.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("assessments_item.id"), index=True)
    position: Mapped[int] = mapped_column()
    response: Mapped[Any] = mapped_column(JSON)
    #: 1/0 for scored items, None for self-assessment (its level is in ``response``).
    score: Mapped[Optional[float]] = mapped_column()
    #: False for pilot items: kept for calibration, never in an estimate.
    scored: Mapped[bool] = mapped_column(default=True)
    parameters_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assessments_item_parameters.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    item: Mapped[Item] = relationship()
    parameters: Mapped[Optional[ItemParameters]] = relationship()


class CompetencyResult(db.Model):
    """A finished attempt's measurement of one competency, as computed when it finished."""

    __tablename__ = "assessments_competency_result"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("assessments_attempt.id", ondelete="CASCADE"),
                                            primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("assessments_competency.id"), primary_key=True)
    estimate: Mapped[float] = mapped_column()
    standard_error: Mapped[float] = mapped_column()
    level: Mapped[int] = mapped_column()
    target_level: Mapped[int] = mapped_column()
    p_deficit: Mapped[float] = mapped_column()
    deficit: Mapped[bool] = mapped_column()
    n_items: Mapped[int] = mapped_column(default=0)
    #: The level the teacher chose in the self-assessment statement, shown beside the measured one.
    self_level: Mapped[Optional[int]] = mapped_column()
    level_probabilities: Mapped[list[float]] = mapped_column(JSON, default=list)

    competency: Mapped[Competency] = relationship()

    def self_above_measured(self, all_right: bool = False) -> bool:
        """Whether the self-assessment is higher than the measurement supports: above the measured level, and
        the measurement at least 95 % sure the level is below it. Never said at the top of the scale: at the
        highest level, or when every question of the competency was answered right (``all_right``): the test
        saw nothing the teacher could not do, so the measured level is only a floor."""
        probabilities = self.level_probabilities or []
        if not self.self_level or self.self_level <= self.level or self.level >= len(probabilities) or all_right:
            return False
        return sum(probabilities[self.self_level - 1:]) < 0.05

    def change_since(self, before: CompetencyResult) -> tuple[float, bool]:
        """The change of the estimate since an earlier result, and whether it exceeds measurement error
        (|Δ| > 1.96 · √(SE₁² + SE₂²): not a change two measurements of the same ability would show by chance)."""
        delta = self.estimate - before.estimate
        return delta, abs(delta) > 1.96 * (self.standard_error**2 + before.standard_error**2) ** 0.5
