"""Completion rules of modules and programmes, and certificates.

A module is complete when the teacher has studied every required lesson and has had every practical
task of the module accepted. A module that has sessions (in any group) also asks the teacher to be a
member of a group of the programme (now, or of a group that has finished) and to have attended at least
``Module.min_attendance`` percent of the module's sessions planned for their groups since they joined:
held or still ahead, cancelled ones aside; only a session that has started can have been attended. So
attending the first of four sessions is 25 %, not 100 %,
and lessons studied before the group's sessions are planned complete nothing. A module without sessions
asks for no attendance. Only teachers (``courses.study``) complete modules: staff and tutors reading
lessons do not. A programme is complete when all its modules are; then a certificate is issued.
"""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import and_, func, select

from courses.models import (
    AssignmentTask,
    AttendanceMark,
    Certificate,
    Enrolment,
    Group,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    Programme,
    ScheduledSession,
    Work,
)
from lms import signals
from lms.extensions import db
from lms.i18n import local_today, to_local
from lms.models.mixins import utcnow
from lms.models.sql import insert_or_ignore, lock_rows
from lms.users.models import User
from lms.users.permissions import has_permission


def module_requirements(user, module: Module) -> dict[str, tuple[int, int]]:
    """(done, needed) for each rule: lessons, tasks, and for a module with sessions membership (a group
    of the programme, 1 of 1) and attendance (percent of the sessions planned since joining)."""
    lessons = db.session.scalar(select(func.count()).select_from(Lesson).where(
        Lesson.module_id == module.id, Lesson.required.is_(True)))
    studied = db.session.scalar(select(func.count()).select_from(LessonProgress).join(Lesson).where(
        Lesson.module_id == module.id, Lesson.required.is_(True), LessonProgress.user_id == user.id))
    tasks = db.session.scalar(select(func.count()).select_from(AssignmentTask).where(
        AssignmentTask.module_id == module.id))
    accepted = db.session.scalar(select(func.count(func.distinct(Work.task_id))).join(AssignmentTask).where(
        AssignmentTask.module_id == module.id, Work.user_id == user.id, Work.status == "accepted"))
    result = {"lessons": (studied, lessons), "tasks": (accepted, tasks)}
    has_sessions = db.session.scalar(select(ScheduledSession.id).where(
        ScheduledSession.module_id == module.id, ScheduledSession.cancelled.is_(False)).limit(1)) is not None
    if not has_sessions:
        result["attendance"] = (100, 0)
        return result
    member = db.session.scalar(select(Enrolment.id).join(Group, Group.id == Enrolment.group_id).where(
        Enrolment.user_id == user.id, Enrolment.status == "enrolled", Group.programme_id == module.programme_id)
        .limit(1)) is not None
    # The module's sessions of the teacher's groups that had not ended when the teacher joined: a late
    # joiner is measured against the sessions they could attend.
    planned = (select(ScheduledSession.id).join(Enrolment, and_(
        Enrolment.group_id == ScheduledSession.group_id, Enrolment.user_id == user.id,
        Enrolment.status == "enrolled", ScheduledSession.ends_at > Enrolment.since))
        .where(ScheduledSession.module_id == module.id, ScheduledSession.cancelled.is_(False)))
    sessions = db.session.scalar(select(func.count()).select_from(planned.subquery()))
    # Only a session that has started counts as attended: a mark set ahead of one (refused since; older
    # data may hold it) never completes a module.
    attended = db.session.scalar(select(func.count()).select_from(AttendanceMark).where(
        AttendanceMark.session_id.in_(planned.where(ScheduledSession.starts_at <= utcnow())),
        AttendanceMark.user_id == user.id, AttendanceMark.status.in_(("present", "late"))))
    result["membership"] = (int(member), 1)
    result["attendance"] = (round(100 * attended / sessions) if sessions else 0, module.min_attendance)
    return result


def evaluate(user, module: Module) -> bool:
    """Record the module (and then the programme) as completed when its rules are met; True if complete.

    Safe to call after any change of a teacher's progress: completion is recorded once, and a
    certificate a race left out (see :func:`_maybe_certify`) is issued on the next call.
    """
    if not has_permission(user, "courses.study"):
        return False
    recorded = db.session.scalar(select(ModuleCompletion.id).where(
        ModuleCompletion.user_id == user.id, ModuleCompletion.module_id == module.id)) is not None
    if not recorded:
        if any(done < needed for done, needed in module_requirements(user, module).values()):
            return False
        now = utcnow()
        if insert_or_ignore(ModuleCompletion, user_id=user.id, module_id=module.id, completed_at=now):
            signals.module_completed.send(current_app._get_current_object(), user=user, module=module,
                                          completed_at=now)
    _maybe_certify(user, module.programme)
    return True


def _maybe_certify(user, programme: Programme) -> None:
    """Issue the certificate once every module of the programme is complete.

    Two last modules completing in parallel (a review accepted while a sheet is saved) each see only
    their own completion. So the teacher's row is locked before counting: the second waits until the
    first commits and then sees both (on SQLite, which admits one writer at a time, lock_rows takes
    that write lock). A certificate missing after such a race is issued on the teacher's next progress.
    """
    if _certificate_of(user, programme) is not None:
        return
    lock_rows(User, user.id)
    modules = {m.id for m in programme.modules}
    done = set(db.session.scalars(select(ModuleCompletion.module_id).where(
        ModuleCompletion.user_id == user.id, ModuleCompletion.module_id.in_(modules))))
    if modules and done == modules:
        certificate, issued = _issue(user, programme)
        if issued:
            signals.programme_completed.send(current_app._get_current_object(), user=user, programme=programme,
                                             certificate=certificate)


def _certificate_of(user, programme: Programme) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.programme_id == programme.id))


def issue_certificate(user, programme: Programme) -> Certificate:
    """The certificate of ``user`` for ``programme`` (issued once; a repeat returns the first)."""
    return _issue(user, programme)[0]


def _issue(user, programme: Programme) -> tuple[Certificate, bool]:
    """The certificate, and whether this call issued it (rather than an earlier or a parallel one).

    The registration number is built from what never changes: the programme's id, the year and the
    teacher's id (the programme's code may be edited and then taken by another programme). One
    certificate per teacher and programme makes it unique; should a number of the older, code-based
    scheme stand in the way, a suffix (-2, -3…) is added rather than failing.
    """
    existing = _certificate_of(user, programme)
    if existing is not None:
        return existing, False
    first = db.session.scalar(select(func.min(Enrolment.since)).join(Group, Group.id == Enrolment.group_id).where(
        Enrolment.user_id == user.id, Group.programme_id == programme.id)) or utcnow()
    today = local_today()
    number = f"{programme.id:03d}-{today.year}-{user.id:06d}"
    for attempt in range(1, 10):
        issued = insert_or_ignore(
            Certificate, user_id=user.id, programme_id=programme.id,
            number=number if attempt == 1 else f"{number}-{attempt}", code=secrets.token_hex(5),
            hours=programme.total_hours, holder_name=user.full_name, programme_title=programme.title,
            started_on=to_local(first).date(), finished_on=today, issued_at=utcnow())
        certificate = _certificate_of(user, programme)
        if certificate is not None:  # ours, or one a parallel request issued a moment earlier
            return certificate, issued
    raise RuntimeError(f"no free certificate number for user {user.id} and programme {programme.id}")
