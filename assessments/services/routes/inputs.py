"""The planner's inputs from the database: the teacher's deficits, the active catalogue with the real dates
and free places of groups, sessions and consultation slots, and what the teacher has already done."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from assessments import planner
from assessments.models import Activity, ActivityCoverage, CompetencyResult, Route, RouteStep
from assessments.services.profile import Evidence, current_profile
from courses import api as courses_api
from lms.extensions import db
from lms.i18n import local_date

#: courses' «blended» is the planner's «mixed»: it suits either preference.
DELIVERY = {"online": "online", "onsite": "onsite", "blended": "mixed"}


def deficits(user_id: int, framework_id: int, only: set[int] | None = None) -> list[tuple[Evidence, float]]:
    """The deficits of the teacher's current profile (measured outranks self-report, newer outranks older),
    each with the probability behind it; ``only`` restricts them to a tutor's manual selection."""
    profile = current_profile(user_id, framework_id)
    chosen = [e for e in profile.values() if (e.deficit if only is None else e.competency_id in only)]
    p = dict(db.session.execute(select(CompetencyResult.competency_id, CompetencyResult.p_deficit).where(
        CompetencyResult.attempt_id.in_({e.attempt_id for e in chosen}))).all()) if chosen else {}
    return [(e, p.get(e.competency_id, 1.0) if e.source == "measured" else 1.0) for e in chosen]


def catalogue() -> list[Activity]:
    return list(db.session.scalars(
        select(Activity).where(Activity.active.is_(True))
        .options(selectinload(Activity.coverage).selectinload(ActivityCoverage.competency),
                 selectinload(Activity.prerequisites)).order_by(Activity.id)))


def activities(user, tutor_id: int | None, start: date, end: date) -> tuple[list[planner.Activity], dict]:
    """Every active catalogue activity as the planner sees it, and the rows by key."""
    rows = catalogue()
    slots = _slots(rows, user, tutor_id, start, end)
    result = []
    for row in rows:
        result.append(planner.Activity(
            key=row.key, title=row.title, kind=row.kind, hours=float(row.hours), delivery=DELIVERY[row.delivery],
            covers={c.competency.code: c.level for c in row.coverage},
            requires=tuple(p.key for p in row.prerequisites if p.active), slots=tuple(slots.get(row.id, ()))))
    return result, {row.key: row for row in rows}


def _slots(rows: list[Activity], user, tutor_id: int | None, start: date, end: date) -> dict[int, list]:
    found: dict[int, list[planner.Slot]] = defaultdict(list)
    members = courses_api.member_counts()
    mine = set(db.session.scalars(courses_api.group_ids_of(user.id, standing=True)))
    module_ids = {r.module_id: r.id for r in rows if r.module_id}
    session_ids = {r.session_id: r.id for r in rows if r.session_id}
    runs: dict[tuple[int, int], list[date]] = defaultdict(list)
    capacities: dict[int, int] = {}
    for offer in courses_api.session_offers(module_ids, session_ids):
        day = local_date(offer.starts_at)
        capacities[offer.group_id] = offer.capacity
        free = None if offer.group_id in mine else max(0, offer.capacity - members.get(offer.group_id, 0))
        if offer.session_id in session_ids:
            found[session_ids[offer.session_id]].append(planner.Slot(f"group:{offer.group_id}", day, day, free))
        if offer.module_id in module_ids:
            runs[(offer.module_id, offer.group_id)].append(day)
    for (module_id, group_id), days in sorted(runs.items()):
        first = min(days)
        if group_id in mine and first < start <= max(days):
            first = start  # the teacher's own group, already under way: the rest of its run counts
        free = None if group_id in mine else max(0, capacities[group_id] - members.get(group_id, 0))
        found[module_ids[module_id]].append(planner.Slot(f"group:{group_id}", first, max(days), free))
    consulting = {r.id: r.tutor_id or tutor_id for r in rows if r.kind == "consultation" and (r.tutor_id or tutor_id)}
    if consulting:
        free_slots = courses_api.free_slots(consulting.values())
        for activity_id, tutor in consulting.items():
            for slot in free_slots:
                day = local_date(slot.starts_at)
                if slot.tutor_id == tutor and start <= day <= end:
                    found[activity_id].append(planner.Slot(f"slot:{slot.slot_id}", day, day, 1))
    taken = dict(db.session.execute(
        select(RouteStep.activity_id, func.count()).join(Route, Route.id == RouteStep.route_id)
        .where(Route.open_key.is_not(None), Route.user_id != user.id, RouteStep.status != "dropped")
        .group_by(RouteStep.activity_id)).all())
    for row in rows:
        if row.starts_on and row.kind not in ("module", "session"):
            free = None if row.capacity is None else max(0, row.capacity - taken.get(row.id, 0))
            found[row.id].append(planner.Slot(f"dates:{row.id}", row.starts_on, row.ends_on, free))
    return found


def done(user_id: int) -> frozenset[str]:
    """Activities the teacher already finished: completed modules and steps done in earlier routes."""
    modules = courses_api.completed_module_ids(user_id)
    by_module = db.session.scalars(select(Activity.id).where(Activity.module_id.in_(modules)))
    by_step = db.session.scalars(select(RouteStep.activity_id).join(Route, and_(
        Route.id == RouteStep.route_id, Route.user_id == user_id)).where(RouteStep.status == "done",
                                                                           RouteStep.activity_id.is_not(None)))
    return frozenset(f"activity:{i}" for i in {*by_module, *by_step})
