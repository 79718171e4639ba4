"""Forming study groups: applications, decisions, capacity and waiting list, approval by order, assignments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import func, select, update

from courses.membership import STANDING
from courses.models import Enrolment, Group, Module, ModuleAssignment, Programme
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, format_date, local_today
from lms.models.mixins import check_version, utcnow
from lms.models.sql import insert_or_ignore
from lms.notifications.services import notify
from lms.users.models import User


@dataclass
class GroupData:
    programme_id: int
    name: str
    source: str
    association_id: Optional[int]
    tutor_id: Optional[int]
    capacity: int
    starts_on: Optional[date]
    ends_on: Optional[date]
    note: str = ""


def save_group(group: Optional[Group], *, version: int | None, data: GroupData, actor: Optional[User] = None) -> Group:
    """Create or change a group; the capacity may not drop below the members it already has, and
    places it gains go to the waiting list, longest waiting first."""
    check_version(group, version, _("This group was changed by someone else while you were editing it, so your "
                                    "changes were not saved. Saving this form again will replace them."))
    programme = db.session.get(Programme, data.programme_id)
    if programme is None or programme.status == "archived":
        raise ServiceError(_("Choose a programme that is not archived."), field="programme_id")
    if data.starts_on and data.ends_on and data.starts_on > data.ends_on:
        raise ServiceError(_("The group ends before it starts."), field="ends_on")
    if data.source == "association" and data.association_id is None:
        raise ServiceError(_("Name the methodological association that decided to form the group."),
                           field="association_id")
    if data.tutor_id is not None:
        tutor = db.session.get(User, data.tutor_id)
        if tutor is None or not tutor.has_role("tutor"):
            raise ServiceError(_("The group's tutor must have the tutor role."), field="tutor_id")
    clash = db.session.scalar(select(Group).where(Group.programme_id == data.programme_id, Group.name == data.name))
    if clash is not None and clash is not group:
        raise ServiceError(_("This programme already has a group with this name."), field="name")
    if group is not None and data.capacity < enrolled_count(group):
        raise ServiceError(_("The group already has more members than that."), field="capacity")
    created = group is None
    if group is None:
        group = Group(status="forming")
        db.session.add(group)
    for name, value in vars(data).items():
        setattr(group, name, value)
    db.session.flush()
    if not created:
        _promote_waiting(group, actor)
    return group


def enrolled_count(group: Group) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.group_id == group.id, Enrolment.status == "enrolled"))


def _lock(group: Group) -> None:
    """Take the group's row lock before counting places, so two decisions never overfill it.

    An UPDATE (rather than SELECT … FOR UPDATE) also takes SQLite's write lock at this point.
    """
    db.session.execute(update(Group).where(Group.id == group.id).values(updated_at=utcnow())
                       .execution_options(synchronize_session=False))


def _enrolment(group: Group, user: User) -> Optional[Enrolment]:
    return db.session.scalar(select(Enrolment).where(Enrolment.group_id == group.id, Enrolment.user_id == user.id))


def _place(group: Group, enrolment: Enrolment, actor: Optional[User]) -> Enrolment:
    """Put a decided member into the group, or on its waiting list when the group is full."""
    _lock(group)
    enrolment.status = "enrolled" if enrolled_count(group) < group.capacity else "waiting"
    enrolment.since, enrolment.decided_by_id = utcnow(), actor.id if actor else None
    db.session.flush()
    return enrolment


def _promote_waiting(group: Group, actor: Optional[User]) -> list[Enrolment]:
    """Fill the group's free places from its waiting list, longest waiting first, and tell those promoted."""
    if group.status == "finished":
        return []
    promoted = []
    _lock(group)
    while enrolled_count(group) < group.capacity:
        first = db.session.scalar(select(Enrolment).where(Enrolment.group_id == group.id, Enrolment.status == "waiting")
                                  .order_by(Enrolment.since, Enrolment.id).limit(1))
        if first is None:
            break
        promoted.append(_place(group, first, actor))
    if promoted:
        notify([enrolment.user for enrolment in promoted],
               lambda: _("A place has become free in the group «%(group)s» (%(programme)s): you are now a member "
                         "of the group instead of waiting.", group=group.name, programme=group.programme.title),
               endpoint="courses.programme", args={"programme_id": group.programme_id},
               subject=lambda: _("Metodist: you have a place in a group"))
    return promoted


def apply(group: Group, teacher: User) -> Enrolment:
    """A teacher's own application; repeating it changes nothing.

    :raises ServiceError: the group is not taking applications, or the teacher left or was declined.
    """
    if group.status != "forming" or group.source != "application" or group.programme.status != "published":
        raise ServiceError(_("This group does not take applications."))
    # Atomic: a double click or a second tab leaves one application and no error.
    insert_or_ignore(Enrolment, group_id=group.id, user_id=teacher.id, status="applied", since=utcnow())
    enrolment = _enrolment(group, teacher)
    if enrolment.status not in STANDING:
        raise ServiceError(_("You have already left this group or your application was declined; "
                             "please contact the distance-learning centre."))
    return enrolment


def decide(enrolment: Enrolment, accept: bool, actor: User) -> Enrolment:
    """Accept an application (into the group, or onto the waiting list when full) or decline it."""
    if enrolment.status != "applied":
        raise ServiceError(_("This application has already been decided."))
    if not accept:
        enrolment.status, enrolment.since, enrolment.decided_by_id = "rejected", utcnow(), actor.id
        db.session.flush()
        group = enrolment.group
        notify([enrolment.user], lambda: _("Your application to the group «%(group)s» (%(programme)s) has been "
                                           "declined.", group=group.name, programme=group.programme.title),
               endpoint="courses.programme", args={"programme_id": group.programme_id},
               subject=lambda: _("Metodist: your application to a group"))
        return enrolment
    return _tell_placed(_place(enrolment.group, enrolment, actor))


class Added(list):
    """The enrolments :func:`add_members` made or kept (a list), and ``kept_waiting``: the teachers who were
    already on the waiting list and keep their place in it."""

    def __init__(self) -> None:
        super().__init__()
        self.kept_waiting: list[User] = []


def add_members(group: Group, teachers: list[User], actor: User) -> Added:
    """Enrol teachers by a decision of an association or the administration (no application needed);
    those beyond the capacity go to the waiting list, in the order given. A teacher already waiting keeps
    their place (the time they joined the queue): adding them again must not send them to its end."""
    if group.status == "finished":
        raise ServiceError(_("The group has finished."))
    result = Added()
    for teacher in teachers:
        if not teacher.has_role("teacher") or not teacher.active:
            raise ServiceError(_("%(name)s is not an active teacher.", name=teacher.full_name))
        enrolment = _enrolment(group, teacher)
        if enrolment is None:
            # Atomic, like apply(): a form submitted twice, or the teacher's own application at the same
            # moment, leaves one row, which is then placed.
            insert_or_ignore(Enrolment, group_id=group.id, user_id=teacher.id, status="applied", since=utcnow())
            enrolment = _enrolment(group, teacher)
        if enrolment.status == "waiting":
            result.kept_waiting.append(teacher)
        elif enrolment.status != "enrolled":
            _tell_placed(_place(group, enrolment, actor))
        result.append(enrolment)
    return result


def _tell_placed(enrolment: Enrolment) -> Enrolment:
    """The teacher learns they are in the group, or on its waiting list."""
    group = enrolment.group
    member = enrolment.status == "enrolled"

    def text():
        if member:
            return _("You are now a member of the group «%(group)s» (%(programme)s).", group=group.name,
                     programme=group.programme.title)
        return _("The group «%(group)s» (%(programme)s) is full: you are on its waiting list and get the first "
                 "free place.", group=group.name, programme=group.programme.title)

    notify([enrolment.user], text, endpoint="courses.programme", args={"programme_id": group.programme_id},
           subject=lambda: _("Metodist: your place in a group"))
    return enrolment


def withdraw(enrolment: Enrolment, actor: User) -> Enrolment:
    """Take a teacher out of the group (or the queue); the first on the waiting list takes the place."""
    if enrolment.status not in STANDING:
        raise ServiceError(_("The teacher is not in this group."))
    was_member = enrolment.status == "enrolled"
    enrolment.status, enrolment.since, enrolment.decided_by_id = "withdrawn", utcnow(), actor.id
    db.session.flush()
    if was_member:
        _promote_waiting(enrolment.group, actor)
    return enrolment


def approve(group: Group, *, order_number: str, order_date: date, actor: User) -> Group:
    """The head of service approves the group list by an order (приказ), recorded with number and date."""
    if group.status != "forming":
        raise ServiceError(_("Only a group being formed can be approved."))
    if enrolled_count(group) == 0:
        raise ServiceError(_("A group without members cannot be approved."))
    pending = db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.group_id == group.id, Enrolment.status == "applied"))
    if pending:
        raise ServiceError(_("Decide the %(n)d pending application(s) first.", n=pending))
    group.status, group.order_number, group.order_date = "approved", order_number.strip(), order_date
    group.approved_by_id, group.approved_at = actor.id, utcnow()
    db.session.flush()
    return group


def assign_module(module: Module, *, due_on: date, actor: User, user: Optional[User] = None,
                  group: Optional[Group] = None) -> ModuleAssignment:
    """Assign a module to one teacher or a whole group with a due date; assigning again moves the date."""
    if (user is None) == (group is None):
        raise ServiceError(_("Choose either a teacher or a group."))
    if due_on < local_today():
        raise ServiceError(_("The due date has already passed."), field="due_on")
    if group is not None and group.programme_id != module.programme_id:
        raise ServiceError(_("The group studies another programme."), field="group_id")
    assignee = {"user_id": user.id} if user is not None else {"group_id": group.id}
    # Atomic: the same assignment submitted twice at once leaves one row, which then gets this date.
    insert_or_ignore(ModuleAssignment, module_id=module.id, due_on=due_on, assigned_by_id=actor.id, **assignee)
    assignment = db.session.scalar(select(ModuleAssignment).filter_by(module_id=module.id, **assignee))
    assignment.due_on, assignment.assigned_by_id = due_on, actor.id
    db.session.flush()
    people = [user] if user is not None else [e.user for e in db.session.scalars(select(Enrolment).where(
        Enrolment.group_id == group.id, Enrolment.status == "enrolled"))]
    notify(people, lambda: _("The module «%(module)s» (%(programme)s) has been assigned to you, due %(due)s.",
                             module=module.title, programme=module.programme.title, due=format_date(due_on)),
           endpoint="courses.my_assignments", subject=lambda: _("Metodist: a module is assigned to you"))
    return assignment
