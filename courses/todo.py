"""What the courses plugin puts in the home page's «Что сделать» block: today's sessions and consultations, work
to review, applications to decide, modules due and work returned for rework."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from courses.models import Enrolment, Work
from courses.queries import assigned_modules
from courses.services import calendar, works
from courses.services.schedule import local_day_bounds
from lms.extensions import db
from lms.i18n import _, _n, format_date, format_time, to_local
from lms.todo import SOON, TODAY, URGENT, Todo
from lms.users.permissions import has_permission

#: A module due within this many days is listed.
DUE_WITHIN = timedelta(days=7)


def today(user, now: datetime) -> list[Todo]:
    """What is still ahead of ``user`` today: the sessions they attend or lead and their consultations."""
    if not has_permission(user, "courses.view"):
        return []
    since, until = local_day_bounds(to_local(now).date())
    ahead = [e for e in calendar.timetable(user, since, until) if not e.cancelled and e.ends_at > now]
    if not ahead:
        return []
    sessions = sum(1 for e in ahead if e.kind == "session")
    consultations = len(ahead) - sessions
    parts = []
    if sessions:
        parts.append(_n("%(num)d session", "%(num)d sessions", sessions))
    if consultations:
        parts.append(_n("%(num)d consultation", "%(num)d consultations", consultations))
    endpoint = "courses.tutor_today" if sessions and has_permission(user, "courses.mark_attendance") \
        else "courses.my_schedule"
    return [Todo(_("Today: %(what)s; the next at %(time)s — %(title)s.", what=", ".join(parts),
                   time=format_time(ahead[0].starts_at), title=ahead[0].title), endpoint, rank=TODAY)]


def reviews(user, now: datetime) -> list[Todo]:
    if not has_permission(user, "courses.review_assignments"):
        return []
    inbox = works.inbox(user, everyone=has_permission(user, "courses.manage_groups"))
    count = db.session.scalar(select(func.count()).select_from(inbox.order_by(None).subquery()))
    if not count:
        return []
    return [Todo(_n("%(num)d work waits for your review.", "%(num)d works wait for your review.", count),
                 "courses.review_queue", rank=URGENT)]


def applications(user, now: datetime) -> list[Todo]:
    if not has_permission(user, "courses.manage_groups"):
        return []
    count = db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.status == "applied"))
    if not count:
        return []
    return [Todo(_n("%(num)d application to a group waits for your decision.",
                    "%(num)d applications to groups wait for your decision.", count),
                 "courses.groups", rank=SOON)]


def assignments(user, now: datetime) -> list[Todo]:
    """Modules not completed that are overdue or due within :data:`DUE_WITHIN`, and work returned for rework."""
    if not has_permission(user, "courses.apply_to_groups"):
        return []
    day = to_local(now).date()
    modules = sorted((m for m in assigned_modules(user) if not m.completed and m.due_on <= day + DUE_WITHIN),
                     key=lambda m: m.due_on)
    returned = db.session.scalar(select(func.count()).select_from(Work).where(Work.user_id == user.id,
                                                                              Work.status == "returned"))
    found = []
    overdue = [m for m in modules if m.due_on < day]
    if overdue:
        found.append(Todo(_n("%(num)d module is overdue: «%(title)s» was due %(date)s.",
                             "%(num)d modules are overdue, the first «%(title)s» was due %(date)s.",
                             len(overdue), title=overdue[0].module.title, date=format_date(overdue[0].due_on)),
                          "courses.my_assignments", rank=URGENT))
    coming = [m for m in modules if m.due_on >= day]
    if coming:
        found.append(Todo(_n("%(num)d module is due within a week: «%(title)s» by %(date)s.",
                             "%(num)d modules are due within a week, the first «%(title)s» by %(date)s.",
                             len(coming), title=coming[0].module.title, date=format_date(coming[0].due_on)),
                          "courses.my_assignments", rank=SOON))
    if returned:
        found.append(Todo(_n("%(num)d work has been returned to you for rework.",
                             "%(num)d works have been returned to you for rework.", returned),
                          "courses.my_assignments", rank=URGENT))
    return found
