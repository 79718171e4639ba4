"""The annual work plan approved by the council, the library of materials, the bank of best practice and the
schools' statuses (innovation, base and internship sites)."""

from __future__ import annotations

from datetime import date
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.choices import (
    MATERIAL_KINDS,
    PLAN_ITEM_STATUSES,
    PLAN_LINKS,
    PRACTICE_STATUSES,
    SCHOOL_LEVELS,
    SCHOOL_STATUS_KINDS,
)
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin
from lms.models.sql import check_constraint
from lms.orgs.models import School
from lms.users.models import Subject, User


class WorkPlan(TimestampMixin, VersionedMixin, db.Model):
    """The service's plan for a school year, approved by a council decision."""

    __tablename__ = "community_work_plan"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: The approving body («Методический совет»), protocol number and date; empty until approved.
    approved_by_body: Mapped[str] = mapped_column(String(200), default="")
    protocol_number: Mapped[str] = mapped_column(String(40), default="")
    approved_on: Mapped[Optional[date]]

    items: Mapped[list[PlanItem]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                 order_by="PlanItem.due_on, PlanItem.id")


class PlanItem(TimestampMixin, VersionedMixin, db.Model):
    """What, when, who is responsible, the form and the audience; linked to a record where it exists."""

    __tablename__ = "community_plan_item"
    __table_args__ = (
        CheckConstraint(check_constraint("status", PLAN_ITEM_STATUSES), name="known_status"),
        CheckConstraint("link_kind IS NULL OR " + check_constraint("link_kind", PLAN_LINKS), name="known_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("community_work_plan.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date]
    responsible: Mapped[str] = mapped_column(String(200), default="")
    form: Mapped[str] = mapped_column(String(100), default="")
    audience: Mapped[str] = mapped_column(String(200), default="")
    link_kind: Mapped[Optional[str]] = mapped_column(String(20))
    link_id: Mapped[Optional[int]]
    status: Mapped[str] = mapped_column(String(10), default="planned")

    plan: Mapped[WorkPlan] = relationship(back_populates="items")


class Material(TimestampMixin, VersionedMixin, db.Model):
    """A normative or methodological material: a file or a link, tagged by competency, subject and level."""

    __tablename__ = "community_material"
    __table_args__ = (
        CheckConstraint(check_constraint("kind", MATERIAL_KINDS), name="known_kind"),
        CheckConstraint("level IS NULL OR " + check_constraint("level", SCHOOL_LEVELS), name="known_level"),
        CheckConstraint("(competency_kind IS NULL) = (competency_id IS NULL)", name="competency_ref_whole"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[Optional[str]] = mapped_column(String(500))
    file_key: Mapped[Optional[str]] = mapped_column(String(200))
    file_name: Mapped[Optional[str]] = mapped_column(String(200))
    #: The competency's title as of the tagging (shown, and searched in ``search_text``).
    competency: Mapped[str] = mapped_column(String(120), default="")
    #: The framework's competency (``lms.references``, purpose ``competency``) as kind + id: no foreign key may
    #: reach into the assessments plugin, which community does not require.
    competency_kind: Mapped[Optional[str]] = mapped_column(String(40))
    competency_id: Mapped[Optional[int]] = mapped_column(index=True)
    subject_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_subject.id"), index=True)
    level: Mapped[Optional[str]] = mapped_column(String(20))
    #: Lower-cased title, description and tags (SQLite folds only ASCII).
    search_text: Mapped[str] = mapped_column(Text, default="")

    subject: Mapped[Optional[Subject]] = relationship()


class Practice(TimestampMixin, VersionedMixin, db.Model):
    """A teacher's best practice: submitted, reviewed by a methodologist, published with its author."""

    __tablename__ = "community_practice"
    __table_args__ = (CheckConstraint(check_constraint("status", PRACTICE_STATUSES), name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    link: Mapped[Optional[str]] = mapped_column(String(500))
    subject_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_subject.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="submitted", index=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    search_text: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[Optional[User]] = relationship(foreign_keys=[reviewed_by_id])
    subject: Mapped[Optional[Subject]] = relationship()


class SchoolStatus(TimestampMixin, VersionedMixin, db.Model):
    """A school's status in the service's network: innovation, base or internship site, with theme and period."""

    __tablename__ = "community_school_status"
    __table_args__ = (
        CheckConstraint(check_constraint("kind", SCHOOL_STATUS_KINDS), name="known_kind"),
        CheckConstraint("starts_on <= ends_on", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("lms_school.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    theme: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: The order or decision that gave the status.
    basis: Mapped[str] = mapped_column(String(200), default="")

    school: Mapped[School] = relationship()
