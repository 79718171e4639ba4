"""What the assessments plugin puts in the home page's «Что сделать» block: a diagnostic waiting, the teacher's route
to send, rework or catch up on; for a tutor, routes to review and proposals to answer; for staff, routes on
review that have no tutor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from assessments import queries
from assessments.models import Route
from assessments.services.routes.progress import progress
from assessments.services.routes.workflow import find_route
from lms.extensions import db
from lms.i18n import _, _n, format_date, to_local
from lms.todo import SOON, URGENT, Todo
from lms.users.permissions import has_permission


def diagnostics(user, now: datetime) -> list[Todo]:
    """Open diagnostics addressed to the teacher that they have not finished, the one closing first named."""
    if not has_permission(user, "assessments.take"):
        return []
    attempts = queries.my_attempts(user)
    finished = {a.diagnostic_id for a in attempts if a.status == "finished"}
    started = {a.diagnostic_id for a in attempts if a.status == "in_progress"}
    waiting = [d for d in queries.open_diagnostics(user, to_local(now).date()) if d.id not in finished]
    if not waiting:
        return []
    first = next((d for d in waiting if d.id in started), waiting[0])
    if first.id in started:
        text = _("Finish the diagnostic «%(title)s» you have started: it closes %(date)s.",
                 title=first.title, date=format_date(first.closes_on))
    else:
        text = _n("%(num)d diagnostic waits for you: «%(title)s» until %(date)s.",
                  "%(num)d diagnostics wait for you, the first «%(title)s» until %(date)s.",
                  len(waiting), title=first.title, date=format_date(first.closes_on))
    return [Todo(text, "assessments.home", rank=URGENT)]


def my_route(user, now: datetime) -> list[Todo]:
    """The teacher's route in work: a draft to send, a route returned for rework, overdue steps, a repeat due."""
    if not has_permission(user, "assessments.take"):
        return []
    route = find_route(user.id)
    if route is None:
        return []
    here = {"route_id": route.id}
    if route.status == "draft":
        return [Todo(_("Your individual route is a draft: check it and send it to your tutor."),
                     "assessments.route", here, rank=SOON)]
    if route.status == "returned":
        return [Todo(_("Your tutor has returned your individual route for rework: %(comment)s",
                       comment=route.review_comment or "—"), "assessments.route", here, rank=URGENT)]
    if route.status != "active":
        return []
    state = progress(route, to_local(now).date())
    if state.all_done:
        return [Todo(_("Every step of your route is done: take the diagnostic again to close its goals."),
                     "assessments.home", rank=SOON)]
    if state.overdue:
        return [Todo(_n("%(num)d step of your route is overdue: «%(title)s».",
                        "%(num)d steps of your route are overdue, the first «%(title)s».",
                        len(state.overdue), title=state.overdue[0].title), "assessments.route", here, rank=URGENT)]
    return []


def tutoring(user, now: datetime) -> list[Todo]:
    """Routes the user is the tutor of that wait on review, and teachers' proposals not yet answered."""
    if not has_permission(user, "assessments.routes"):
        return []
    mine = Route.tutor_id == user.id
    reviews = db.session.scalar(select(func.count()).select_from(Route).where(mine, Route.status == "review"))
    # On review the note is the one sent with the route; a proposal is a note on a route in work.
    proposals = db.session.scalar(select(func.count()).select_from(Route).where(
        mine, Route.status == "active", Route.teacher_note != ""))
    found = []
    if reviews:
        found.append(Todo(_n("%(num)d route waits for your review.", "%(num)d routes wait for your review.",
                             reviews), "assessments.caseload", {"status": "review"}, rank=URGENT))
    if proposals:
        found.append(Todo(_n("%(num)d teacher has proposed a change of their route.",
                             "%(num)d teachers have proposed changes of their routes.", proposals),
                          "assessments.caseload", {"attention": "1"}, rank=URGENT))
    return found


def unassigned(user, now: datetime) -> list[Todo]:
    """For staff: routes sent for review that no tutor will see, having none."""
    if not has_permission(user, "assessments.catalogue"):
        return []
    count = db.session.scalar(select(func.count()).select_from(Route).where(Route.status == "review",
                                                                            Route.tutor_id.is_(None)))
    if not count:
        return []
    return [Todo(_n("%(num)d route on review has no tutor: assign one.",
                    "%(num)d routes on review have no tutor: assign them one.", count),
                 "assessments.caseload", {"status": "review"}, rank=URGENT)]
