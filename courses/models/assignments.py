"""Practical work: the product a module asks for, teachers' submissions, and the tutor's rubric review."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.choices import SUBMISSION_STATUSES, check_constraint
from courses.models.programs import Module
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin, utcnow
from lms.users.models import User


class AssignmentTask(TimestampMixin, VersionedMixin, db.Model):
    """What a module asks teachers to produce (a lesson plan, a digital resource, a video of a lesson)."""

    __tablename__ = "courses_assignment_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("courses_module.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Sanitised HTML.
    instructions: Mapped[str] = mapped_column(Text, default="")
    #: The rubric: [{"name": "…", "max": 3}, …]; the tutor scores every criterion.
    rubric: Mapped[list] = mapped_column(JSON, default=list)
    #: Points needed to accept the work (the tutor decides, the total is shown beside).
    pass_points: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship()

    @property
    def max_points(self) -> int:
        return sum(int(criterion["max"]) for criterion in self.rubric)


class Submission(db.Model):
    """One attempt of one teacher; a returned attempt is followed by a new one, history kept."""

    __tablename__ = "courses_submission"
    __table_args__ = (
        UniqueConstraint("task_id", "user_id", "attempt"),
        CheckConstraint(check_constraint("status", SUBMISSION_STATUSES), name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("courses_assignment_task.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    attempt: Mapped[int] = mapped_column(default=1)
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[Optional[str]] = mapped_column(String(500))
    #: Key of the stored file (lms.storage), never a path the teacher chose.
    file_key: Mapped[Optional[str]] = mapped_column(String(200))
    file_name: Mapped[Optional[str]] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    reviewed_at: Mapped[Optional[datetime]]
    comment: Mapped[str] = mapped_column(Text, default="")
    #: Points per rubric criterion, in the rubric's order.
    scores: Mapped[list] = mapped_column(JSON, default=list)

    task: Mapped[AssignmentTask] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[Optional[User]] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def total(self) -> int:
        return sum(self.scores or [])
