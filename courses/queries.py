"""Page-level queries of the courses plugin, each with the eager loading its page needs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from courses.models import (
    AssignmentTask,
    ConsultationBooking,
    ConsultationSlot,
    Enrolment,
    Group,
    Lesson,
    LessonProgress,
    Module,
    ModuleAssignment,
    ModuleCompletion,
    OfficeHours,
    Programme,
    Work,
)
from lms.extensions import db
from lms.users.models import TeacherProfile, User, UserRole, fold
from lms.web import Page, paginate


@dataclass
class CatalogueCard:
    programme: Programme
    modules: int
    hours: int
    lessons: int
    studied: int

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.lessons) if self.lessons else 0


def catalogue(user, statuses: tuple[str, ...]) -> list[CatalogueCard]:
    """Programmes with their module, hour and lesson counts and the user's studied lessons, in 4 queries."""
    programmes = db.session.scalars(
        select(Programme).where(Programme.status.in_(statuses)).order_by(Programme.title)).all()
    ids = [p.id for p in programmes]
    if not ids:
        return []
    module_rows = db.session.execute(
        select(Module.programme_id, func.count(Module.id), func.coalesce(func.sum(Module.hours), 0))
        .where(Module.programme_id.in_(ids)).group_by(Module.programme_id)).all()
    lesson_rows = db.session.execute(
        select(Module.programme_id, func.count(Lesson.id)).join(Lesson, Lesson.module_id == Module.id)
        .where(Module.programme_id.in_(ids), Lesson.required.is_(True)).group_by(Module.programme_id)).all()
    studied_rows = db.session.execute(
        select(Module.programme_id, func.count(LessonProgress.id))
        .join(Lesson, Lesson.module_id == Module.id).join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
        .where(Module.programme_id.in_(ids), Lesson.required.is_(True), LessonProgress.user_id == user.id)
        .group_by(Module.programme_id)).all()
    modules = {pid: (n, hours) for pid, n, hours in module_rows}
    lessons = dict(lesson_rows)
    studied = dict(studied_rows)
    return [CatalogueCard(p, modules.get(p.id, (0, 0))[0], int(modules.get(p.id, (0, 0))[1]),
                          lessons.get(p.id, 0), studied.get(p.id, 0)) for p in programmes]


def programme_with_contents(programme_id: int) -> Programme | None:
    """A programme with its modules, their lessons and prerequisites, loaded in 4 queries."""
    return db.session.scalar(select(Programme).where(Programme.id == programme_id).options(
        selectinload(Programme.modules).selectinload(Module.lessons),
        selectinload(Programme.modules).selectinload(Module.prerequisites)))


def studied_lesson_ids(user, programme: Programme) -> set[int]:
    rows = db.session.scalars(
        select(LessonProgress.lesson_id).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Module.programme_id == programme.id, LessonProgress.user_id == user.id))
    return set(rows)


def free_slots(now: datetime, until: datetime) -> list[ConsultationSlot]:
    """Slots nobody holds between ``now`` and ``until``, with their tutors, soonest first (one query)."""
    taken = select(ConsultationBooking.active_slot_id).where(ConsultationBooking.active_slot_id.is_not(None))
    return list(db.session.scalars(
        select(ConsultationSlot).options(joinedload(ConsultationSlot.tutor))
        .where(ConsultationSlot.cancelled.is_(False), ConsultationSlot.starts_at > now,
               ConsultationSlot.starts_at < until, ConsultationSlot.id.not_in(taken))
        .order_by(ConsultationSlot.starts_at, ConsultationSlot.tutor_id)))


def teacher_bookings(teacher) -> list[ConsultationBooking]:
    """A teacher's bookings, newest first, with slot and tutor."""
    return list(db.session.scalars(
        select(ConsultationBooking).join(ConsultationSlot, ConsultationSlot.id == ConsultationBooking.slot_id)
        .options(contains_eager(ConsultationBooking.slot).joinedload(ConsultationSlot.tutor))
        .where(ConsultationBooking.teacher_id == teacher.id)
        .order_by(ConsultationSlot.starts_at.desc(), ConsultationBooking.id.desc())))


def tutor_slots(tutor, since: datetime, until: datetime) -> list[ConsultationSlot]:
    """A tutor's slots in a period with every booking and its teacher (two queries).

    Slots a change of office hours closed (cancelled and detached from the hours) are left out: they
    are no longer the tutor's times; slots the tutor cancelled are listed as cancelled.
    """
    return list(db.session.scalars(
        select(ConsultationSlot).options(selectinload(ConsultationSlot.bookings).joinedload(ConsultationBooking.teacher))
        .where(ConsultationSlot.tutor_id == tutor.id, ConsultationSlot.starts_at >= since,
               ConsultationSlot.starts_at < until,
               or_(ConsultationSlot.cancelled.is_(False), ConsultationSlot.office_hours_id.is_not(None)))
        .order_by(ConsultationSlot.starts_at)))


def office_hours_of(tutor) -> list[OfficeHours]:
    return list(db.session.scalars(select(OfficeHours).where(OfficeHours.tutor_id == tutor.id)
                                   .order_by(OfficeHours.active.desc(), OfficeHours.weekday, OfficeHours.starts)))


def all_bookings(status: str | None = None):
    """Every booking for staff, newest slot first, with slot, tutor and teacher in the same query."""
    stmt = (select(ConsultationBooking).join(ConsultationSlot, ConsultationSlot.id == ConsultationBooking.slot_id)
            .options(contains_eager(ConsultationBooking.slot).joinedload(ConsultationSlot.tutor),
                     joinedload(ConsultationBooking.teacher))
            .order_by(ConsultationSlot.starts_at.desc(), ConsultationBooking.id.desc()))
    if status:
        stmt = stmt.where(ConsultationBooking.status == status)
    return stmt


@dataclass
class GroupRow:
    group: Group
    enrolled: int
    waiting: int
    applied: int


def groups_overview(tutor_id: int | None = None) -> Page:
    """A page of groups (all, or a tutor's) as :class:`GroupRow` with programme, tutor and member counts, in
    three queries."""
    stmt = (select(Group).options(joinedload(Group.programme), joinedload(Group.tutor))
            .order_by(Group.status, Group.starts_on.desc().nulls_last(), Group.name, Group.id))
    if tutor_id is not None:
        stmt = stmt.where(Group.tutor_id == tutor_id)
    page = paginate(stmt)
    groups = page.items
    counts: dict[tuple[int, str], int] = {}
    if groups:
        rows = db.session.execute(select(Enrolment.group_id, Enrolment.status, func.count())
                                  .where(Enrolment.group_id.in_([g.id for g in groups]))
                                  .group_by(Enrolment.group_id, Enrolment.status))
        counts = {(group_id, status): n for group_id, status, n in rows}
    return replace(page, items=[GroupRow(g, counts.get((g.id, "enrolled"), 0), counts.get((g.id, "waiting"), 0),
                                         counts.get((g.id, "applied"), 0)) for g in groups])


def group_with_members(group_id: int) -> Group | None:
    """A group with every enrolment, its teacher, profile and school (four queries whatever the size)."""
    return db.session.scalar(select(Group).where(Group.id == group_id).options(
        joinedload(Group.programme), joinedload(Group.tutor),
        selectinload(Group.enrolments).joinedload(Enrolment.user)
        .selectinload(User.profile).joinedload(TeacherProfile.school)))


def group_modules(group: Group) -> list[tuple[Module, ModuleAssignment | None]]:
    """The modules of a group's programme in their order, each with its assignment to the group (due date)."""
    modules = db.session.scalars(select(Module).where(Module.programme_id == group.programme_id)
                                 .order_by(Module.position, Module.id))
    due = {a.module_id: a for a in db.session.scalars(select(ModuleAssignment).where(
        ModuleAssignment.group_id == group.id))}
    return [(module, due.get(module.id)) for module in modules]


#: Teachers the member picker shows at once; a search narrows them.
PICKER_LIMIT = 50


def teacher_candidates(q: str | None, exclude: set[int], limit: int = PICKER_LIMIT) -> tuple[list, bool]:
    """Active teachers not in ``exclude`` whose name or e-mail holds every word of ``q``, by «Фамилия Имя
    Отчество», with their school; and whether more matched than ``limit``."""
    stmt = (select(User).join(UserRole).where(UserRole.role == "teacher", User.active.is_(True))
            .options(selectinload(User.profile).joinedload(TeacherProfile.school))
            .order_by(User.search_text, User.id))  # «фамилия имя отчество e-mail», folded: ё sorts as е
    if exclude:
        stmt = stmt.where(User.id.not_in(exclude))
    for word in fold(q or "").split():
        stmt = stmt.where(User.search_text.contains(word, autoescape=True))
    found = list(db.session.scalars(stmt.limit(limit + 1)))
    return found[:limit], len(found) > limit


def open_groups(programme_id: int) -> list[Group]:
    return list(db.session.scalars(select(Group).where(
        Group.programme_id == programme_id, Group.status == "forming", Group.source == "application")
        .order_by(Group.starts_on, Group.name)))


def enrolments_of(user) -> list[Enrolment]:
    """A teacher's groups (and applications), with group and programme."""
    return list(db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id)
                                   .options(joinedload(Enrolment.group).joinedload(Group.programme))
                                   .order_by(Enrolment.since.desc())))


def tasks_by_module(programme: Programme) -> dict[int, list]:
    """The practical tasks of a programme's modules, in one query."""
    result: dict[int, list] = {}
    for task in db.session.scalars(select(AssignmentTask).join(Module).where(Module.programme_id == programme.id)
                                   .order_by(AssignmentTask.id)):
        result.setdefault(task.module_id, []).append(task)
    return result


def completed_module_ids(user, programme: Programme) -> set[int]:
    return set(db.session.scalars(select(ModuleCompletion.module_id).join(Module).where(
        ModuleCompletion.user_id == user.id, Module.programme_id == programme.id)))


@dataclass
class AssignedModule:
    module: Module
    due_on: object
    completed: bool
    tasks: list  # (task, the teacher's work for it or None)


def assigned_modules(user) -> list[AssignedModule]:
    """Modules staff assigned to the teacher or to their groups, with completion and the state of each task."""
    groups = select(Enrolment.group_id).where(Enrolment.user_id == user.id, Enrolment.status == "enrolled")
    assignments = db.session.scalars(
        select(ModuleAssignment).options(joinedload(ModuleAssignment.module).joinedload(Module.programme))
        .where((ModuleAssignment.user_id == user.id) | ModuleAssignment.group_id.in_(groups))
        .order_by(ModuleAssignment.due_on)).all()
    due: dict[int, ModuleAssignment] = {}
    # A personal and a group assignment of one module: the personal date (the teacher's route keeps it), else the
    # earliest of the groups'.
    for assignment in sorted(assignments, key=lambda a: (a.user_id is None, a.due_on)):
        due.setdefault(assignment.module_id, assignment)
    module_ids = list(due)
    completed = set(db.session.scalars(select(ModuleCompletion.module_id).where(
        ModuleCompletion.user_id == user.id, ModuleCompletion.module_id.in_(module_ids))))
    tasks = db.session.scalars(select(AssignmentTask).where(AssignmentTask.module_id.in_(module_ids))
                               .order_by(AssignmentTask.id)).all()
    latest = {w.task_id: w for w in db.session.scalars(select(Work).where(
        Work.user_id == user.id, Work.task_id.in_([t.id for t in tasks])))}
    return [AssignedModule(a.module, a.due_on, a.module_id in completed,
                           [(t, latest.get(t.id)) for t in tasks if t.module_id == a.module_id])
            for a in due.values()]


def tutor_choices() -> list[tuple[int, str]]:
    """Active tutors as (id, «Фамилия Имя Отчество») for a select, by surname."""
    return [(u.id, u.full_name) for u in db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == "tutor", User.active.is_(True))
        .order_by(User.last_name, User.first_name))]
