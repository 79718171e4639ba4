"""The item bank: items of registered types, their 2PL parameter versions and their edit history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models.framework import Competency, Framework
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin, utcnow

ITEM_STATUSES = ("draft", "pilot", "live", "retired")
PARAMETER_SOURCES = ("expert", "calibration")


class Item(TimestampMixin, VersionedMixin, db.Model):
    """One question of one competency. ``content`` holds what its type needs (options, rubric…)."""

    __tablename__ = "assessments_item"
    __table_args__ = (
        UniqueConstraint("framework_id", "code"),
        CheckConstraint("status IN ('draft', 'pilot', 'live', 'retired')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessments_framework.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("assessments_competency.id", ondelete="CASCADE"),
                                               index=True)
    code: Mapped[str] = mapped_column(String(40))
    #: A key of assessments.items.registry.ITEM_TYPES.
    type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    stem: Mapped[str] = mapped_column(Text)
    #: Shown with the results: why the key is right.
    explanation: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    framework: Mapped[Framework] = relationship()
    competency: Mapped[Competency] = relationship()
    parameters: Mapped[list[ItemParameters]] = relationship(
        back_populates="item", order_by="ItemParameters.id", cascade="all, delete-orphan")

    @property
    def current_parameters(self) -> Optional[ItemParameters]:
        return next((p for p in reversed(self.parameters) if p.current), None)

    def __str__(self) -> str:
        return self.code


class ItemParameters(db.Model):
    """One version of an item's 2PL parameters. Never edited: a new estimate is a new row, so a past
    result still names the parameters it was computed with."""

    __tablename__ = "assessments_item_parameters"
    __table_args__ = (
        CheckConstraint("a > 0 AND a <= 10", name="a_range"),
        CheckConstraint("b >= -10 AND b <= 10", name="b_range"),
        CheckConstraint("source IN ('expert', 'calibration')", name="known_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("assessments_item.id", ondelete="CASCADE"), index=True)
    a: Mapped[float] = mapped_column()
    b: Mapped[float] = mapped_column()
    source: Mapped[str] = mapped_column(String(12), default="expert")
    #: What the estimate rests on, e.g. «калибровка 23.11.2026, 512 ответов, якорей 30».
    sample: Mapped[str] = mapped_column(String(300), default="")
    n_responses: Mapped[int] = mapped_column(default=0)
    current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship(back_populates="parameters")


class ItemChange(db.Model):
    """Who changed an item, when, and what (field → [before, after])."""

    __tablename__ = "assessments_item_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("assessments_item.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(300), default="")
