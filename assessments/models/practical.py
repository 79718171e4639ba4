"""Practical tasks handed in after a diagnostic and scored by a tutor with the item's rubric."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models.bank import Item
from assessments.models.diagnostics import Attempt
from lms.extensions import db
from lms.models.mixins import VersionedMixin, utcnow
from lms.users.models import User


class PracticalWork(VersionedMixin, db.Model):
    """A teacher's product for one practical item of a finished attempt: handed in, returned for rework
    or scored. Scoring adds it to the attempt's measurement of the item's competency."""

    __tablename__ = "assessments_practical_work"
    __table_args__ = (
        UniqueConstraint("attempt_id", "item_id"),
        CheckConstraint("status IN ('submitted', 'returned', 'scored')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("assessments_attempt.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("assessments_item.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[Optional[str]] = mapped_column(String(500))
    #: Key of the stored file (lms.storage), never a path the teacher chose.
    file_key: Mapped[Optional[str]] = mapped_column(String(200))
    file_name: Mapped[Optional[str]] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    #: How many times it was handed in (a returned work comes back as the next round).
    rounds: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Points per rubric criterion, in the rubric's order.
    scores: Mapped[list] = mapped_column(JSON, default=list)
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    scored_at: Mapped[Optional[datetime]] = mapped_column()

    attempt: Mapped[Attempt] = relationship()
    item: Mapped[Item] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    scored_by: Mapped[Optional[User]] = relationship(foreign_keys=[scored_by_id])

    @property
    def max_points(self) -> int:
        return sum(int(row["max_points"]) for row in self.item.content.get("rubric", []))

    @property
    def total(self) -> int:
        return sum(self.scores or [])
