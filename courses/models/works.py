"""A piece of practical work scored by a rubric, wherever its task comes from (a module's assignment, a
diagnostic's practical task): its hand-ins, one per round, and every review of them."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.choices import REVIEW_DECISIONS, WORK_STATUSES
from courses.models.assignments import AssignmentTask
from lms.extensions import db
from lms.models.mixins import VersionedMixin, utcnow
from lms.models.sql import check_constraint
from lms.users.models import User


class Work(VersionedMixin, db.Model):
    """One teacher's work for one task. ``source`` names who set the task (``courses.task`` for a module's
    assignment, ``assessments.practical`` for a diagnostic's) and ``ref`` which task it is there; the title and
    the rubric are copied in when the work is first handed in, so a later edit of the task does not rescore it."""

    __tablename__ = "courses_work"
    __table_args__ = (
        UniqueConstraint("user_id", "source", "ref"),
        CheckConstraint(check_constraint("status", WORK_STATUSES), name="known_status"),
        #: The inbox: what waits, oldest first.
        Index("ix_courses_work_inbox", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(80))
    #: The module's task, for a course assignment (its programme decides which tutors review it).
    task_id: Mapped[Optional[int]] = mapped_column(ForeignKey("courses_assignment_task.id", ondelete="CASCADE"),
                                                   index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: [{"name": "…", "max": 3}, …]: the tutor scores every criterion.
    rubric: Mapped[list] = mapped_column(JSON, default=list)
    #: Points the work needs to be accepted (0: the tutor decides; the total is shown beside).
    pass_points: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    #: When the last round was handed in.
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    task: Mapped[Optional[AssignmentTask]] = relationship()
    rounds: Mapped[list[WorkRound]] = relationship(back_populates="work", order_by="WorkRound.number",
                                                   cascade="all, delete-orphan")

    @property
    def max_points(self) -> int:
        return sum(int(criterion["max"]) for criterion in self.rubric)

    @property
    def last(self) -> WorkRound:
        return self.rounds[-1]

    @property
    def scores(self) -> list[int]:
        """The points of the last review of the last round (empty before any)."""
        review = self.last.review if self.rounds else None
        return list(review.scores) if review is not None else []

    @property
    def total(self) -> int:
        return sum(self.scores)


class WorkRound(db.Model):
    """One hand-in: the first, or the reworked version after the work was returned."""

    __tablename__ = "courses_work_round"
    __table_args__ = (UniqueConstraint("work_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("courses_work.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(default=1)
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[Optional[str]] = mapped_column(String(500))
    #: Key of the stored file (lms.storage), never a path the teacher chose.
    file_key: Mapped[Optional[str]] = mapped_column(String(200))
    file_name: Mapped[Optional[str]] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    work: Mapped[Work] = relationship(back_populates="rounds")
    reviews: Mapped[list[WorkReview]] = relationship(back_populates="round", order_by="WorkReview.id",
                                                     cascade="all, delete-orphan")

    @property
    def review(self) -> WorkReview | None:
        """The review that stands: the last one (a correction replaces the scores before it)."""
        return self.reviews[-1] if self.reviews else None


class WorkReview(db.Model):
    """A tutor's review of one round: scores per criterion, a comment, and the decision."""

    __tablename__ = "courses_work_review"
    __table_args__ = (CheckConstraint(check_constraint("decision", REVIEW_DECISIONS), name="known_decision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("courses_work_round.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    decision: Mapped[str] = mapped_column(String(10))
    #: Points per rubric criterion, in the rubric's order.
    scores: Mapped[list] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[WorkRound] = relationship(back_populates="reviews")
    reviewer: Mapped[Optional[User]] = relationship()

    @property
    def total(self) -> int:
        return sum(self.scores or [])
