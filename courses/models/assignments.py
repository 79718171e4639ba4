"""The practical task a module sets (the product teachers hand in is a :class:`courses.models.works.Work`)."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.models.programs import Module
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin


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
