"""What other plugins may use of courses: read and write functions over groups, tutors, consultations, modules
and practical work. Nothing outside this package imports ``courses.models`` or ``courses.services``.

One definition each, for the whole product:

* a **member** of a group is a teacher whose place in it is ``enrolled``;
* a teacher **stands** in a group when they are a member, on its waiting list or have applied to it;
* a tutor **supports** a teacher who stands in a group the tutor leads (optionally: a group of one programme).

Functions that return a ``Select`` give one column of ids, to be used inside the caller's own query (``IN``),
so pages keep a fixed number of statements. Write functions follow the services' rule: they flush, never commit,
and raise :class:`lms.errors.ServiceError` with a sentence for the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select

from courses.api.catalogue import (  # noqa: F401
    completed_module_ids,
    get_module,
    hold_module_due,
    module_choices,
    programme_title,
)
from courses.api.places import Place, places  # noqa: F401
from courses.api.works import (  # noqa: F401
    WorkContext,
    find_work,
    hand_in_work,
    register_work_source,
    review_work,
    work_form,
    work_refs,
    works_of,
)
from courses.membership import MEMBER, STANDING, group_ids_of, member_ids, supported_ids, supports  # noqa: F401
from courses.models import (
    ConsultationBooking,
    ConsultationSlot,
    Enrolment,
    Group,
    Module,
    ModuleCompletion,
    Programme,
    ScheduledSession,
)
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import utcnow
from lms.users.models import User

# --- membership and support ---------------------------------------------------------------------------------

def standings(user_id: int) -> dict[int, str]:
    """Each group the teacher has a place in (or history with), by id, with the status of that place."""
    return dict(db.session.execute(select(Enrolment.group_id, Enrolment.status).where(
        Enrolment.user_id == user_id)).all())


def standing_in(group_id: int, user_id: int) -> str | None:
    """The status of the teacher's place in one group (None: never had one)."""
    return db.session.scalar(select(Enrolment.status).where(Enrolment.group_id == group_id,
                                                           Enrolment.user_id == user_id))


def member_counts() -> dict[int, int]:
    """Members per group, for every group that has any."""
    return dict(db.session.execute(select(Enrolment.group_id, func.count()).where(Enrolment.status == MEMBER)
                                   .group_by(Enrolment.group_id)).all())


def tutor_of(teacher_id: int) -> int | None:
    """The tutor of the group the teacher joined last as a member, if it has one."""
    return db.session.scalar(select(Group.tutor_id).join(Enrolment, Enrolment.group_id == Group.id).where(
        Enrolment.user_id == teacher_id, Enrolment.status == MEMBER, Group.tutor_id.is_not(None))
        .order_by(Enrolment.since.desc(), Enrolment.id.desc()).limit(1))


# --- groups -------------------------------------------------------------------------------------------------

def get_group(group_id: int) -> Group | None:
    return db.session.get(Group, group_id)


def running_groups(tutor_id: int | None = None) -> list[Group]:
    """Groups that have not finished, by name; only the tutor's own when ``tutor_id`` is given."""
    stmt = select(Group).where(Group.status != "finished").order_by(Group.name, Group.id)
    if tutor_id is not None:
        stmt = stmt.where(Group.tutor_id == tutor_id)
    return list(db.session.scalars(stmt))


def enrol(group_id: int, teacher: User, actor: User) -> str:
    """Give the teacher a place in the group on someone's decision (a route's approval): a member, or on the
    waiting list when it is full. Returns the status of the place.

    :raises ServiceError: the group is gone or finished, the person is not an active teacher.
    """
    from courses.services import groups

    group = db.session.get(Group, group_id)
    if group is None or group.status == "finished":
        raise ServiceError(_("the group no longer runs"))
    return groups.add_members(group, [teacher], actor)[0].status


def withdraw(group_id: int, teacher_id: int, actor: User) -> bool:
    """Give back the teacher's place (or application) in a group; False when they held none."""
    from courses.services import groups

    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.group_id == group_id,
                                                          Enrolment.user_id == teacher_id))
    if enrolment is None or enrolment.status not in STANDING:
        return False
    groups.withdraw(enrolment, actor)
    return True


@dataclass(frozen=True)
class GroupPlaces:
    """A group as a booking sees it: its name, whether it still runs, and its free places now."""

    group_id: int
    name: str
    running: bool
    free: int


def group_places(group_id: int) -> GroupPlaces | None:
    group = db.session.get(Group, group_id)
    if group is None:
        return None
    members = db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.group_id == group_id, Enrolment.status == MEMBER))
    return GroupPlaces(group.id, group.name, group.status != "finished", max(0, group.capacity - members))


@dataclass(frozen=True)
class Attendance:
    """A teacher's attendance in one group: sessions attended (present or late) of those held since joining."""

    attended: int
    held: int

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.held) if self.held else 0


def attendance_of(user_id: int) -> dict[int, Attendance]:
    """The teacher's attendance in each group they are a member of, by group id: the very figure their own
    attendance page and the group's summary show (``courses.services.attendance.teacher_summary``)."""
    from courses.services.attendance import teacher_summary

    user = db.session.get(User, user_id)
    return {group.id: Attendance(row.present + row.late, row.held) for group, row, _s in teacher_summary(user)}


# --- schedule and consultations -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionOffer:
    """A scheduled session of a group that has not finished."""

    session_id: int
    module_id: int | None
    group_id: int
    starts_at: datetime
    capacity: int


def session_offers(module_ids, session_ids) -> list[SessionOffer]:
    """The sessions, not cancelled, of running groups that teach one of the modules or are one of the sessions."""
    module_ids, session_ids = list(module_ids), list(session_ids)
    if not module_ids and not session_ids:
        return []
    rows = db.session.execute(
        select(ScheduledSession.id, ScheduledSession.module_id, ScheduledSession.group_id,
               ScheduledSession.starts_at, Group.capacity)
        .join(Group, Group.id == ScheduledSession.group_id)
        .where(ScheduledSession.cancelled.is_(False), Group.status != "finished",
               ScheduledSession.module_id.in_(module_ids) | ScheduledSession.id.in_(session_ids))).all()
    return [SessionOffer(*row) for row in rows]


def session_exists(session_id: int) -> bool:
    return db.session.get(ScheduledSession, session_id) is not None


@dataclass(frozen=True)
class FreeSlot:
    slot_id: int
    tutor_id: int
    starts_at: datetime


def free_slots(tutor_ids) -> list[FreeSlot]:
    """The tutors' future consultation times nobody has booked and nobody cancelled, earliest first."""
    tutor_ids = set(tutor_ids)
    if not tutor_ids:
        return []
    rows = db.session.execute(
        select(ConsultationSlot.id, ConsultationSlot.tutor_id, ConsultationSlot.starts_at)
        .outerjoin(ConsultationBooking, ConsultationBooking.active_slot_id == ConsultationSlot.id)
        .where(ConsultationSlot.tutor_id.in_(tutor_ids), ConsultationSlot.cancelled.is_(False),
               ConsultationSlot.starts_at > utcnow(), ConsultationBooking.id.is_(None))
        .order_by(ConsultationSlot.starts_at, ConsultationSlot.id)).all()
    return [FreeSlot(*row) for row in rows]


def free_slot(slot_id: int) -> FreeSlot | None:
    """The consultation time if it is still to come, not cancelled and nobody has booked it; else None."""
    row = db.session.execute(
        select(ConsultationSlot.id, ConsultationSlot.tutor_id, ConsultationSlot.starts_at)
        .outerjoin(ConsultationBooking, ConsultationBooking.active_slot_id == ConsultationSlot.id)
        .where(ConsultationSlot.id == slot_id, ConsultationSlot.cancelled.is_(False),
               ConsultationSlot.starts_at > utcnow(), ConsultationBooking.id.is_(None))).first()
    return FreeSlot(*row) if row is not None else None


def consultation_time(slot_id: int) -> datetime | None:
    """When a consultation time starts (booked or not), or None when there is no such time."""
    return db.session.scalar(select(ConsultationSlot.starts_at).where(ConsultationSlot.id == slot_id))


def book_consultation(slot_id: int, teacher: User, topic: str, now: datetime) -> None:
    """Book a consultation time for the teacher (a repeat keeps the booking already made).

    :raises ServiceError: the time is gone, cancelled, past, taken, or the teacher is busy then.
    """
    from courses.services import consultations

    slot = db.session.get(ConsultationSlot, slot_id)
    if slot is None:
        raise ServiceError(_("the time is no longer offered"))
    consultations.book(slot, teacher, topic, now)


def cancel_consultation(slot_id: int, teacher_id: int, actor: User, now: datetime, *, reason: str) -> bool:
    """Withdraw the teacher's standing booking of a time, which stays offered to others; False if none stood."""
    from courses.services import consultations

    booking = db.session.scalar(select(ConsultationBooking).where(
        ConsultationBooking.active_slot_id == slot_id, ConsultationBooking.teacher_id == teacher_id))
    if booking is None:
        return False
    consultations.cancel(booking, actor, now, reason=reason, free_slot=True)
    return True


def tutor_choices() -> list[tuple[int, str]]:
    """Active tutors as (id, «Фамилия Имя Отчество»), by surname."""
    from courses import queries

    return queries.tutor_choices()


def add_to_group(group_id: int, users, actor: User) -> str:
    """Put people into a group by staff's decision (a platform's roster): the active teachers among them become
    members, or wait when it is full; the others are left out. Returns a sentence saying what happened.

    :raises ServiceError: the group is gone or finished.
    """
    from courses.services import groups

    group = db.session.get(Group, group_id)
    if group is None or group.status == "finished":
        raise ServiceError(_("The group no longer takes members."))
    teachers = [u for u in users if u.active and u.has_role("teacher")]
    placed = groups.add_members(group, teachers, actor) if teachers else []
    members = sum(1 for e in placed if e.status == MEMBER)
    return _("Group «%(group)s»: %(members)d in the group, %(waiting)d on its waiting list, %(other)d not teachers "
             "and left out.", group=group.name, members=members, waiting=len(placed) - members,
             other=len(list(users)) - len(teachers))
