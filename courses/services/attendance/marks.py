"""Attendance marks: the tutor's sheet (which never reverts a later correction), self check-in by code."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import select

from courses.choices import ATTENDANCE_STATUSES
from courses.models import AttendanceChange, AttendanceMark, Enrolment, ScheduledSession
from courses.services import completion
from lms import signals
from lms.errors import ConflictError, ServiceError
from lms.extensions import db
from lms.i18n import _, format_datetime, format_time
from lms.models.mixins import utcnow
from lms.models.sql import insert_or_ignore
from lms.users.models import User

#: A teacher checking in later than this after the start is marked late.
LATE_AFTER = timedelta(minutes=10)


def members(session: ScheduledSession) -> list[User]:
    return list(db.session.scalars(select(User).join(Enrolment, Enrolment.user_id == User.id).where(
        Enrolment.group_id == session.group_id, Enrolment.status == "enrolled")
        .order_by(User.last_name, User.first_name)))


def set_mark(session: ScheduledSession, user: User, status: str, *, actor: Optional[User], source: str = "tutor",
             reason: str = "", online_minutes: int | None = None, expected: str | None = None) -> AttendanceMark:
    """Record (or correct) one teacher's attendance; every change is kept in the audit trail.

    :param expected: the mark (:func:`mark_token`) the person saw before choosing this one; when the
        mark is no longer that, someone changed it meanwhile and nothing is saved.
    :raises ServiceError: unknown status, a cancelled session, or a person who is not in the group.
    :raises ConflictError: the mark is not ``expected`` any more.
    """
    if status not in ATTENDANCE_STATUSES:
        raise ServiceError(_("Unknown attendance mark."))
    check_markable(session)
    member = db.session.scalar(select(Enrolment.id).where(
        Enrolment.group_id == session.group_id, Enrolment.user_id == user.id, Enrolment.status == "enrolled"))
    if member is None:
        raise ServiceError(_("%(name)s is not a member of this group.", name=user.full_name))
    actor_id = actor.id if actor else None
    mark = _locked_mark(session, user)
    inserted = False
    if mark is None:
        # Atomic: when two saves (two tutors, a second tab, a check-in) insert this mark at once, one row
        # goes in and the other save finds it below and changes it like any existing mark.
        inserted = insert_or_ignore(AttendanceMark, session_id=session.id, user_id=user.id, status=status,
                                    source=source, marked_by_id=actor_id, marked_at=utcnow(),
                                    online_minutes=online_minutes)
        mark = _locked_mark(session, user)
    before = "" if inserted else mark_token(mark)
    if expected is not None and before != expected:
        raise ConflictError(_("Someone else has just changed the mark of %(name)s, so nothing was saved. "
                              "Reload the page and check the sheet.", name=user.full_name))
    old = None if inserted else mark.status
    if not inserted:
        if old == status and mark.source == source:
            return mark  # a repeat (double click, second tab) changes nothing and logs nothing
        mark.status, mark.source, mark.marked_by_id, mark.marked_at = status, source, actor_id, utcnow()
        if online_minutes is not None:
            mark.online_minutes = online_minutes
    db.session.add(AttendanceChange(session_id=session.id, user_id=user.id, old_status=old, new_status=status,
                                    source=source, changed_by_id=actor_id, reason=reason[:300]))
    db.session.flush()
    if status in ("present", "late") and old not in ("present", "late"):
        signals.session_attended.send(current_app._get_current_object(), user=user, session=session, status=status)
        completion.evaluate(user, session.module)
    return mark


def check_markable(session: ScheduledSession, now: datetime | None = None) -> None:
    """Attendance is marked for a session that has started and was not cancelled, never ahead of it: a mark
    given in advance would count towards a module's completion for a session nobody has attended yet.

    :raises ServiceError: the session was cancelled or has not started.
    """
    if session.cancelled:
        raise ServiceError(_("The session was cancelled."))
    if session.starts_at > (now or utcnow()):
        raise ServiceError(_("The session has not started yet: attendance is marked from its start, %(when)s.",
                             when=format_datetime(session.starts_at)))


def _locked_mark(session: ScheduledSession, user: User) -> Optional[AttendanceMark]:
    """The mark as the database has it now, locked (on PostgreSQL) until the transaction ends."""
    return db.session.scalar(select(AttendanceMark).where(
        AttendanceMark.session_id == session.id, AttendanceMark.user_id == user.id)
        .with_for_update().execution_options(populate_existing=True))


def mark_token(mark: Optional[AttendanceMark]) -> str:
    """What the sheet remembers of a mark it shows ("" for none): status and time of the last change."""
    return f"{mark.status}@{mark.marked_at.isoformat()}" if mark is not None else ""


def changed_rows(marks: dict[int, str], seen: dict[int, str]) -> dict[int, str]:
    """The rows of a posted sheet whose choice differs from the mark the sheet showed (``seen``, tokens):
    the rows the person actually changed."""
    return {user_id: status for user_id, status in marks.items()
            if status != seen.get(user_id, "").partition("@")[0]}


def save_sheet(session: ScheduledSession, marks: dict[int, str], actor: User, reason: str = "", *,
               seen: dict[int, str]) -> int:
    """Save the rows of the tutor's sheet (user id → status) that the tutor changed; returns how many changed.

    ``seen`` holds, per row, the mark the sheet showed when it was opened (:func:`mark_token`). A row
    whose choice is still what was shown is left alone, so a sheet opened before someone else's
    correction never reverts it. When a row the tutor changed has also been changed by someone else
    since, nothing is saved and the error names those teachers.

    :raises ConflictError: rows changed here and elsewhere since the sheet was opened.
    """
    check_markable(session)
    people = {user.id: user for user in members(session)}
    changes = changed_rows(marks, seen)
    if any(user_id not in people for user_id in changes):
        raise ServiceError(_("The sheet names someone who is not in the group; reload the page."))
    current = {m.user_id: m for m in db.session.scalars(select(AttendanceMark).where(
        AttendanceMark.session_id == session.id, AttendanceMark.user_id.in_(list(changes))))}
    # A row that already holds the tutor's choice is done, whoever did it (the same sheet sent twice, a
    # colleague who marked the same): only a row changed to something else is a conflict.
    done = {user_id for user_id, status in changes.items()
            if current.get(user_id) is not None and current[user_id].status == status}
    changes = {user_id: status for user_id, status in changes.items() if user_id not in done}
    stale = [people[user_id] for user_id in changes if mark_token(current.get(user_id)) != seen.get(user_id, "")]
    if stale:
        raise ConflictError(_("While the sheet was open, someone else changed the marks of %(names)s, so nothing "
                              "was saved. The sheet now shows their marks beside your choices: check them and save "
                              "again.", names=", ".join(user.full_name for user in stale)))
    for user_id, status in changes.items():
        set_mark(session, people[user_id], status, actor=actor, reason=reason, expected=seen.get(user_id, ""))
    return len(changes)


def mark_all_present(session: ScheduledSession, actor: User) -> int:
    """Mark every member nobody has marked yet as present; marks already given are left as they are."""
    marked = set(db.session.scalars(select(AttendanceMark.user_id).where(AttendanceMark.session_id == session.id)))
    unmarked = [user.id for user in members(session) if user.id not in marked]
    return save_sheet(session, dict.fromkeys(unmarked, "present"), actor, seen=dict.fromkeys(unmarked, ""))


def open_checkin(session: ScheduledSession, minutes: int = 15) -> ScheduledSession:
    """Give the session a fresh six-digit code, valid for ``minutes``; an earlier code stops working."""
    if session.cancelled:
        raise ServiceError(_("The session was cancelled."))
    session.checkin_code = f"{secrets.randbelow(10**6):06d}"
    session.checkin_until = utcnow() + timedelta(minutes=minutes)
    db.session.flush()
    return session


def check_in(user: User, code: str, now: datetime | None = None) -> AttendanceMark:
    """A teacher checks themselves in with the code shown in the room (present, or late after 10 minutes)."""
    now = now or utcnow()
    code = "".join(ch for ch in code if ch.isdigit())
    session = db.session.scalar(select(ScheduledSession).where(
        ScheduledSession.checkin_code == code, ScheduledSession.checkin_until >= now,
        ScheduledSession.cancelled.is_(False)))
    if session is None or len(code) != 6:
        raise ServiceError(_("This code is wrong or has expired. Ask the tutor for the current one."), field="code")
    if now < session.starts_at:
        raise ServiceError(_("The session starts at %(time)s: check in from then.",
                             time=format_time(session.starts_at)), field="code")
    existing = db.session.scalar(select(AttendanceMark).where(
        AttendanceMark.session_id == session.id, AttendanceMark.user_id == user.id))
    if existing is not None and existing.status in ("present", "late"):
        return existing
    status = "late" if now > session.starts_at + LATE_AFTER else "present"
    return set_mark(session, user, status, actor=user, source="self")
