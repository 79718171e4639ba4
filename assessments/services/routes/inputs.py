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
    from courses.models import ConsultationBooking, ConsultationSlot, Enrolment, Group, ScheduledSession

    found: dict[int, list[planner.Slot]] = defaultdict(list)
    members = {g: n for g, n in db.session.execute(select(Enrolment.group_id, func.count()).where(
        Enrolment.status == "enrolled").group_by(Enrolment.group_id))}
    mine = set(db.session.scalars(select(Enrolment.group_id).where(
        Enrolment.user_id == user.id, Enrolment.status.in_(("enrolled", "applied", "waiting")))))
    module_ids = {r.module_id: r.id for r in rows if r.module_id}
    session_ids = {r.session_id: r.id for r in rows if r.session_id}
    if module_ids or session_ids:
        sessions = db.session.execute(
            select(ScheduledSession.id, ScheduledSession.module_id, ScheduledSession.group_id,
                   ScheduledSession.starts_at, Group.capacity)
            .join(Group, Group.id == ScheduledSession.group_id)
            .where(ScheduledSession.cancelled.is_(False), Group.status != "finished",
                   ScheduledSession.module_id.in_(module_ids) | ScheduledSession.id.in_(session_ids))).all()
        runs: dict[tuple[int, int], list[date]] = defaultdict(list)
        for sid, module_id, group_id, starts_at, capacity in sessions:
            day = local_date(starts_at)
            free = None if group_id in mine else max(0, capacity - members.get(group_id, 0))
            if sid in session_ids:
                found[session_ids[sid]].append(planner.Slot(f"group:{group_id}", day, day, free))
            if module_id in module_ids:
                runs[(module_id, group_id)].append(day)
        capacities = dict(db.session.execute(select(Group.id, Group.capacity)).all()) if runs else {}
        for (module_id, group_id), days in sorted(runs.items()):
            first = min(days)
            if group_id in mine and first < start <= max(days):
                first = start  # the teacher's own group, already under way: the rest of its run counts
            free = None if group_id in mine else max(0, capacities[group_id] - members.get(group_id, 0))
            found[module_ids[module_id]].append(planner.Slot(f"group:{group_id}", first, max(days), free))
    consulting = {r.id: r.tutor_id or tutor_id for r in rows if r.kind == "consultation" and (r.tutor_id or tutor_id)}
    if consulting:
        free_slots = db.session.execute(
            select(ConsultationSlot.id, ConsultationSlot.tutor_id, ConsultationSlot.starts_at)
            .outerjoin(ConsultationBooking, ConsultationBooking.active_slot_id == ConsultationSlot.id)
            .where(ConsultationSlot.tutor_id.in_(set(consulting.values())), ConsultationSlot.cancelled.is_(False),
                   ConsultationBooking.id.is_(None))
            .order_by(ConsultationSlot.starts_at)).all()
        for activity_id, tutor in consulting.items():
            for slot_id, slot_tutor, starts_at in free_slots:
                day = local_date(starts_at)
                if slot_tutor == tutor and start <= day <= end:
                    found[activity_id].append(planner.Slot(f"slot:{slot_id}", day, day, 1))
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
    from courses.models import ModuleCompletion

    modules = select(ModuleCompletion.module_id).where(ModuleCompletion.user_id == user_id)
    by_module = db.session.scalars(select(Activity.id).where(Activity.module_id.in_(modules)))
    by_step = db.session.scalars(select(RouteStep.activity_id).join(Route, and_(
        Route.id == RouteStep.route_id, Route.user_id == user_id)).where(RouteStep.status == "done",
                                                                           RouteStep.activity_id.is_not(None)))
    return frozenset(f"activity:{i}" for i in {*by_module, *by_step})
