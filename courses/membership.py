"""The product's one definition of belonging to a group and of a tutor supporting a teacher (used by courses
itself and, through :mod:`courses.api`, by every other plugin)."""

from __future__ import annotations

from sqlalchemy import Select, select

from courses.models import Enrolment, Group
from lms.extensions import db

#: A **member** of a group is a teacher whose place in it is ``enrolled``.
MEMBER = "enrolled"
#: A teacher **stands** in a group when they are a member, on its waiting list or have applied to it.
STANDING = ("enrolled", "waiting", "applied")


def member_ids(group_id: int) -> Select:
    """The ids of a group's members."""
    return select(Enrolment.user_id).where(Enrolment.group_id == group_id, Enrolment.status == MEMBER)


def group_ids_of(user_id: int, *, standing: bool = False) -> Select:
    """The ids of the groups a teacher is a member of (or, with ``standing``, stands in)."""
    statuses = STANDING if standing else (MEMBER,)
    return select(Enrolment.group_id).where(Enrolment.user_id == user_id, Enrolment.status.in_(statuses))


def supported_ids(tutor_id: int, *, programme_id=None) -> Select:
    """The ids of the teachers a tutor **supports**: those who stand in a group the tutor leads; with
    ``programme_id`` (a value or a correlated column), only through groups of that programme."""
    stmt = (select(Enrolment.user_id).join(Group, Group.id == Enrolment.group_id)
            .where(Group.tutor_id == tutor_id, Enrolment.status.in_(STANDING)))
    if programme_id is not None:
        stmt = stmt.where(Group.programme_id == programme_id)
    return stmt


def supports(tutor_id: int, teacher_id: int, *, programme_id: int | None = None) -> bool:
    """Whether the tutor supports the teacher (see :func:`supported_ids`)."""
    return db.session.scalar(supported_ids(tutor_id, programme_id=programme_id)
                             .where(Enrolment.user_id == teacher_id).limit(1)) is not None
