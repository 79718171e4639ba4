"""Marking attendance: the tutor's sheet, self check-in with a short-lived code, online meeting reports."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import and_, func, select

from courses.choices import ATTENDANCE_STATUSES
from courses.models import AttendanceChange, AttendanceMark, Enrolment, ScheduledSession
from courses.services import completion
from lms import signals
from lms.errors import ConflictError, ServiceError
from lms.extensions import db
from lms.i18n import _, to_local
from lms.models.mixins import utcnow
from lms.models.sql import insert_or_ignore
from lms.users.models import User, fold

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
    if session.cancelled:
        raise ServiceError(_("The session was cancelled."))
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
    """Save the rows of the tutor's sheet (user id → status) that the tutor changed; returns how many.

    ``seen`` holds, per row, the mark the sheet showed when it was opened (:func:`mark_token`). A row
    whose choice is still what was shown is left alone, so a sheet opened before someone else's
    correction never reverts it. When a row the tutor changed has also been changed by someone else
    since, nothing is saved and the error names those teachers.

    :raises ConflictError: rows changed here and elsewhere since the sheet was opened.
    """
    people = {user.id: user for user in members(session)}
    changes = changed_rows(marks, seen)
    if any(user_id not in people for user_id in changes):
        raise ServiceError(_("The sheet names someone who is not in the group; reload the page."))
    current = {m.user_id: m for m in db.session.scalars(select(AttendanceMark).where(
        AttendanceMark.session_id == session.id, AttendanceMark.user_id.in_(list(changes))))}
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
    existing = db.session.scalar(select(AttendanceMark).where(
        AttendanceMark.session_id == session.id, AttendanceMark.user_id == user.id))
    if existing is not None and existing.status in ("present", "late"):
        return existing
    status = "late" if now > session.starts_at + LATE_AFTER else "present"
    return set_mark(session, user, status, actor=user, source="self")


@dataclass
class ImportResult:
    marked: dict[str, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)


def import_meeting_report(session: ScheduledSession, data: bytes, actor: User) -> ImportResult:
    """Mark attendance from an online meeting's CSV report (name or e-mail, join and leave times).

    A member who was connected for at least COURSES_ONLINE_PRESENT_SHARE of the session is present,
    otherwise absent; several rows of one person (reconnections) add up. Excused marks are kept.

    :raises ServiceError: a file that is empty, not text, lacks the columns, or has a row that cannot be read.
    """
    rows = _report_rows(data)
    if len(rows) < 2:
        raise ServiceError(_("The report is empty."))
    header = [fold(cell.strip()) for cell in rows[0][1]]
    column = {name: next((i for i, h in enumerate(header) if any(word in h for word in words)), None)
              for name, words in {"email": ("mail", "почт"), "name": ("name", "имя", "участник", "фио"),
                                  "join": ("join", "вход", "подключ"), "leave": ("leave", "выход", "отключ")}.items()}
    if column["join"] is None or column["leave"] is None or (column["email"] is None and column["name"] is None):
        raise ServiceError(_("The report needs columns with a name or e-mail, a join time and a leave time."))
    width = max(i for i in column.values() if i is not None) + 1
    people = members(session)
    by_email = {user.email: user for user in people}
    by_name = {fold(user.full_name): user for user in people} | {fold(f"{user.first_name} {user.last_name}"): user
                                                                 for user in people}
    minutes: dict[int, float] = {}
    result = ImportResult()
    local_start, local_end = to_local(session.starts_at).replace(tzinfo=None), to_local(session.ends_at).replace(
        tzinfo=None)
    for number, row in rows[1:]:
        if len(row) < width:
            raise ServiceError(_("Row %(row)d has fewer columns than the header.", row=number))
        email = row[column["email"]].strip().lower() if column["email"] is not None else ""
        name = row[column["name"]].strip() if column["name"] is not None else ""
        user = by_email.get(email) or by_name.get(fold(" ".join(name.split())))
        try:
            joined, left = _when(row[column["join"]], local_start), _when(row[column["leave"]], local_start)
        except ValueError:
            raise ServiceError(_("Row %(row)d: the join or leave time cannot be read.", row=number)) from None
        if user is None:
            result.unmatched.append(email or name or _("row %(row)d", row=number))
            continue
        overlap = (min(left, local_end) - max(joined, local_start)).total_seconds() / 60
        minutes[user.id] = minutes.get(user.id, 0) + max(overlap, 0)
    length = (session.ends_at - session.starts_at).total_seconds() / 60
    share = current_app.config["COURSES_ONLINE_PRESENT_SHARE"]
    existing = {m.user_id: m for m in db.session.scalars(select(AttendanceMark).where(
        AttendanceMark.session_id == session.id))}
    for user in people:
        if user.id in existing and existing[user.id].status == "excused":
            continue
        attended = round(minutes.get(user.id, 0))
        status = "present" if attended >= share * length else "absent"
        set_mark(session, user, status, actor=actor, source="import", online_minutes=attended,
                 reason=_("online report: %(n)d min", n=attended))
        result.marked[user.full_name] = status
    return result


def _report_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The report's non-blank rows with their line numbers, the header first.

    Meeting services export UTF-8 (with or without a BOM) or, from Russian Windows, Windows-1251;
    the delimiter is whichever of ; , and tab the header uses most.
    """
    unreadable = _("The report cannot be read: save it as a CSV file in UTF-8 or Windows-1251.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise ServiceError(unreadable) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise ServiceError(_("The report is empty."))
    reader = csv.reader(io.StringIO(text), delimiter=max(";,\t", key=first.count))
    try:
        return [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:  # a field past the csv module's limit, or broken quoting: not a meeting report
        raise ServiceError(unreadable) from None


def _when(value: str, day_start: datetime) -> datetime:
    """A time from a meeting report: a full date-time, or a bare time on the session's day."""
    value = value.strip()
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
                    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    for pattern in ("%H:%M:%S", "%H:%M"):
        try:
            moment = datetime.strptime(value, pattern).time()
            return datetime.combine(day_start.date(), moment)
        except ValueError:
            continue
    raise ValueError(value)


@dataclass
class AttendanceRow:
    user: User
    #: Sessions held since the member joined the group (a late joiner is not counted absent before).
    held: int
    present: int
    late: int
    excused: int
    absent: int

    @property
    def percent(self) -> int:
        return round(100 * (self.present + self.late) / self.held) if self.held else 0


def group_summary(group, now: datetime | None = None) -> list[AttendanceRow]:
    """Attendance of each member over the group's sessions held so far since they joined, counted in SQL."""
    now = now or utcnow()
    # Sessions of the group held so far that had not ended when the member joined.
    since_joining = and_(ScheduledSession.group_id == Enrolment.group_id, ScheduledSession.cancelled.is_(False),
                         ScheduledSession.starts_at <= now, ScheduledSession.ends_at > Enrolment.since)
    members_of_group = and_(Enrolment.group_id == group.id, Enrolment.status == "enrolled")
    held = dict(db.session.execute(
        select(Enrolment.user_id, func.count(ScheduledSession.id)).join(ScheduledSession, since_joining)
        .where(members_of_group).group_by(Enrolment.user_id)).all())
    # Marks counted per member and status in one grouped query that walks the group's sessions' marks
    # (not every mark of every member).
    counts: dict[tuple[int, str], int] = dict(((user_id, status), n) for user_id, status, n in db.session.execute(
        select(AttendanceMark.user_id, AttendanceMark.status, func.count())
        .join(ScheduledSession, ScheduledSession.id == AttendanceMark.session_id)
        .join(Enrolment, and_(Enrolment.user_id == AttendanceMark.user_id, since_joining))
        .where(members_of_group)
        .group_by(AttendanceMark.user_id, AttendanceMark.status)))
    people = db.session.scalars(select(User).join(Enrolment, Enrolment.user_id == User.id).where(
        members_of_group).order_by(User.last_name, User.first_name))
    return [AttendanceRow(user, held.get(user.id, 0),
                          *(counts.get((user.id, status), 0) for status in ATTENDANCE_STATUSES))
            for user in people]
