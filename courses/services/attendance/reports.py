"""Marking attendance from an online meeting's CSV report of who was connected and when."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from courses.models import AttendanceMark, ScheduledSession
from courses.services.attendance.marks import check_markable, members, set_mark
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, to_local
from lms.users.models import User, fold


@dataclass
class ImportResult:
    marked: dict[str, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for marked in self.marked.values() if marked == status)


def import_meeting_report(session: ScheduledSession, data: bytes, actor: User) -> ImportResult:
    """Mark attendance from an online meeting's CSV report (name or e-mail, join and leave times).

    A member who was connected for at least COURSES_ONLINE_PRESENT_SHARE of the session is present,
    otherwise absent; several rows of one person (reconnections) add up. The report is evidence of presence,
    not of absence: it never turns a mark made by the tutor or by the teacher's own check-in into an absence
    (they may have been in the room of a session that also had a link), and it keeps excused marks; it
    replaces what an earlier report marked.

    :raises ServiceError: a file that is empty, not text, lacks the columns, or has a row that cannot be read (its
        ``field`` is ``file``: the form's file field shows it).
    """
    check_markable(session)
    rows = _report_rows(data)
    if len(rows) < 2:
        raise ServiceError(_("The report is empty."), field="file")
    header = [fold(cell.strip()) for cell in rows[0][1]]
    column = {name: next((i for i, h in enumerate(header) if any(word in h for word in words)), None)
              for name, words in {"email": ("mail", "почт"), "name": ("name", "имя", "участник", "фио"),
                                  "join": ("join", "вход", "подключ"), "leave": ("leave", "выход", "отключ")}.items()}
    if column["join"] is None or column["leave"] is None or (column["email"] is None and column["name"] is None):
        raise ServiceError(_("The report needs columns with a name or e-mail, a join time and a leave time."),
                           field="file")
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
            raise ServiceError(_("Row %(row)d has fewer columns than the header.", row=number), field="file")
        email = row[column["email"]].strip().lower() if column["email"] is not None else ""
        name = row[column["name"]].strip() if column["name"] is not None else ""
        user = by_email.get(email) or by_name.get(fold(" ".join(name.split())))
        try:
            joined, left = _when(row[column["join"]], local_start), _when(row[column["leave"]], local_start)
        except ValueError:
            raise ServiceError(_("Row %(row)d: the join or leave time cannot be read.", row=number),
                               field="file") from None
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
        mark = existing.get(user.id)
        attended = round(minutes.get(user.id, 0))
        status = "present" if attended >= share * length else "absent"
        by_person = mark is not None and mark.source != "import"
        if mark is not None and (mark.status == "excused" or (by_person and (
                status == "absent" or mark.status in ("present", "late")))):
            result.kept.append(user.full_name)
            continue
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
            raise ServiceError(unreadable, field="file") from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise ServiceError(_("The report is empty."), field="file")
    reader = csv.reader(io.StringIO(text), delimiter=max(";,\t", key=first.count))
    try:
        return [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:  # a field past the csv module's limit, or broken quoting: not a meeting report
        raise ServiceError(unreadable, field="file") from None


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
