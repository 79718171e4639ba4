"""A tutor's caseload: their teachers with route status, progress, overdue steps and last activity, the cases
that need attention first; staff see every tutor's caseload."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from assessments.models import Attempt, CompetencyResult, Route, RouteGoal
from assessments.services.routes.progress import Progress, progress
from courses import api as courses_api
from lms.extensions import db
from lms.users.models import User, UserRole

#: Why a case needs the tutor now, most pressing first.
ATTENTION = ("review", "proposal", "overdue", "repeat", "no_route")
SORTS = ("attention", "name", "status", "progress", "activity")


@dataclass
class Case:
    teacher: User
    route: Route | None = None
    progress: Progress | None = None
    deficits: int = 0
    #: The latest finished diagnostic attempt, whose results the tutor opens from the caseload.
    attempt_id: int | None = None
    attention: list[str] = field(default_factory=list)
    last_activity: datetime | None = None


def caseload(user, *, everyone: bool, today: date, tutor_id: int | None = None, status: str | None = None,
             attention_only: bool = False, sort: str = "attention") -> list[Case]:
    """The cases in a fixed number of queries, whatever their number."""
    teachers = select(User.id).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "teacher",
                                                                                User.active.is_(True))
    if not everyone or tutor_id is not None:
        tutor = tutor_id if tutor_id is not None else user.id
        supported = courses_api.supported_ids(tutor)
        assigned = select(Route.user_id).where(Route.tutor_id == tutor)
        teachers = teachers.where(or_(User.id.in_(supported), User.id.in_(assigned)))
    else:  # staff: everyone with a diagnostic or a route
        teachers = teachers.where(or_(User.id.in_(select(Attempt.user_id).where(Attempt.status == "finished")),
                                      User.id.in_(select(Route.user_id))))
    people = list(db.session.scalars(select(User).where(User.id.in_(teachers)).order_by(User.last_name,
                                                                                       User.first_name)))
    ids = [p.id for p in people]
    routes = {}
    for route in db.session.scalars(
            select(Route).where(Route.user_id.in_(ids)).order_by(Route.created_at)
            .options(selectinload(Route.steps), selectinload(Route.goals).selectinload(RouteGoal.competency),
                     selectinload(Route.tutor))):
        standing = routes.get(route.user_id)
        if standing is None or standing.open_key is None or route.open_key is not None:
            routes[route.user_id] = route  # the route in work wins over completed ones, the newest over older
    latest = select(Attempt.user_id, func.max(Attempt.id).label("attempt_id")).where(
        Attempt.status == "finished", Attempt.user_id.in_(ids)).group_by(Attempt.user_id).subquery()
    deficits = dict(db.session.execute(
        select(latest.c.user_id, func.count(CompetencyResult.competency_id))
        .join(CompetencyResult, CompetencyResult.attempt_id == latest.c.attempt_id)
        .where(CompetencyResult.deficit.is_(True)).group_by(latest.c.user_id)).all())
    attempt_ids = dict(db.session.execute(select(latest.c.user_id, latest.c.attempt_id)).all())
    finished_at = dict(db.session.execute(select(Attempt.user_id, func.max(Attempt.finished_at)).where(
        Attempt.user_id.in_(ids), Attempt.status == "finished").group_by(Attempt.user_id)).all())
    cases = []
    for teacher in people:
        route = routes.get(teacher.id)
        case = Case(teacher, route, progress(route, today) if route else None, deficits.get(teacher.id, 0),
                    attempt_ids.get(teacher.id))
        case.attention = _attention(case)
        case.last_activity = max((t for t in (route.last_activity_at if route else None, finished_at.get(teacher.id))
                                  if t is not None), default=None)
        if status and (route.status if route else "none") != status:
            continue
        if attention_only and not case.attention:
            continue
        cases.append(case)
    return sorted(cases, key=_sort_key(sort))


def _attention(case: Case) -> list[str]:
    route, found = case.route, []
    if route is None:
        return ["no_route"] if case.deficits else []
    if route.status == "review":
        found.append("review")
    if route.teacher_note and route.status == "active":
        found.append("proposal")
    if case.progress.overdue and route.status == "active":
        found.append("overdue")
    if route.status == "active" and case.progress.all_done:
        found.append("repeat")
    return found


def _sort_key(sort: str):
    if sort == "name":
        return lambda c: (c.teacher.last_name, c.teacher.first_name)
    if sort == "status":
        return lambda c: (c.route.status if c.route else "", c.teacher.last_name)
    if sort == "progress":
        return lambda c: (c.progress.share if c.progress else -1, c.teacher.last_name)
    if sort == "activity":
        return lambda c: (-(c.last_activity.timestamp()) if c.last_activity else 0, c.teacher.last_name)
    return lambda c: (min((ATTENTION.index(a) for a in c.attention), default=len(ATTENTION)),
                      -len(c.attention), c.teacher.last_name)

