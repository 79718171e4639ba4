"""Study groups (учебные группы) of a programme, their members and waiting list, and module assignments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.choices import ENROLMENT_STATUSES, GROUP_SOURCES, GROUP_STATUSES
from courses.models.programs import Module, Programme
from lms.extensions import db
from lms.models.mixins import TimestampMixin, VersionedMixin, utcnow
from lms.models.sql import check_constraint
from lms.orgs.models import MethodAssociation
from lms.users.models import User


class Group(TimestampMixin, VersionedMixin, db.Model):
    """A group of teachers taking a programme together; its list is approved by the head's order."""

    __tablename__ = "courses_group"
    __table_args__ = (
        CheckConstraint(check_constraint("source", GROUP_SOURCES), name="known_source"),
        CheckConstraint(check_constraint("status", GROUP_STATUSES), name="known_status"),
        CheckConstraint("capacity BETWEEN 1 AND 500", name="capacity_range"),
        UniqueConstraint("programme_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("courses_programme.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(20), default="application")
    #: The methodological association whose decision formed the group, when it did.
    association_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_method_association.id"))
    tutor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"), index=True)
    capacity: Mapped[int] = mapped_column(default=20)
    starts_on: Mapped[Optional[date]]
    ends_on: Mapped[Optional[date]]
    status: Mapped[str] = mapped_column(String(10), default="forming")
    #: The director's order (приказ) approving the group list.
    order_number: Mapped[Optional[str]] = mapped_column(String(40))
    order_date: Mapped[Optional[date]]
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))
    approved_at: Mapped[Optional[datetime]]
    note: Mapped[str] = mapped_column(Text, default="")

    programme: Mapped[Programme] = relationship()
    association: Mapped[Optional[MethodAssociation]] = relationship()
    tutor: Mapped[Optional[User]] = relationship(foreign_keys=[tutor_id])
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="group", order_by="Enrolment.id")

    def __str__(self) -> str:
        return self.name


class Enrolment(TimestampMixin, db.Model):
    """A teacher's place in a group: an application, a member, a place on the waiting list, or history."""

    __tablename__ = "courses_enrolment"
    __table_args__ = (
        UniqueConstraint("group_id", "user_id"),
        CheckConstraint(check_constraint("status", ENROLMENT_STATUSES), name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("courses_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    #: When the teacher joined the current status; the waiting list is served in this order.
    since: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))

    group: Mapped[Group] = relationship(back_populates="enrolments")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ModuleAssignment(TimestampMixin, db.Model):
    """Staff assign a module to one teacher or to a whole group, with a due date."""

    __tablename__ = "courses_module_assignment"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="one_assignee"),
        UniqueConstraint("module_id", "user_id"),
        UniqueConstraint("module_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("courses_module.id", ondelete="CASCADE"))
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"), index=True)
    group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("courses_group.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    assigned_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lms_user.id"))

    module: Mapped[Module] = relationship()
    user: Mapped[Optional[User]] = relationship(foreign_keys=[user_id])
    group: Mapped[Optional[Group]] = relationship()
