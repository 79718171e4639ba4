"""A group's attendance: each member's sessions held since joining and how they attended, counted in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from courses.choices import ATTENDANCE_STATUSES
from courses.models import AttendanceMark, Enrolment, ScheduledSession
from lms.extensions import db
from lms.models.mixins import utcnow
from lms.users.models import User


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


def teacher_summary(user, now: datetime | None = None) -> list[tuple[object, AttendanceRow, list]]:
    """A teacher's own attendance in each group they are in: the counts, and each held session with its mark."""
    from courses.models import Group

    now = now or utcnow()
    since_joining = and_(ScheduledSession.group_id == Enrolment.group_id, ScheduledSession.cancelled.is_(False),
                         ScheduledSession.starts_at <= now, ScheduledSession.ends_at > Enrolment.since)
    mine = and_(Enrolment.user_id == user.id, Enrolment.status == "enrolled")
    sessions = db.session.execute(
        select(ScheduledSession, AttendanceMark.status).join(Enrolment, since_joining)
        .outerjoin(AttendanceMark, and_(AttendanceMark.session_id == ScheduledSession.id,
                                        AttendanceMark.user_id == user.id))
        .where(mine).order_by(ScheduledSession.starts_at)).all()
    groups = db.session.scalars(select(Group).join(Enrolment, Enrolment.group_id == Group.id).where(mine)
                                .order_by(Group.name)).all()
    result = []
    for group in groups:
        held = [(s, status) for s, status in sessions if s.group_id == group.id]
        counts = {code: sum(1 for _s, status in held if status == code) for code in ATTENDANCE_STATUSES}
        result.append((group, AttendanceRow(user, len(held), *counts.values()), held))
    return result
