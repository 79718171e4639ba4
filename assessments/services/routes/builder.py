"""Building a route: the teacher's deficits and the real catalogue go to the planner; its plan becomes the
route's goals and steps, and every deficit nothing covers gets a consultation step and is reported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Optional

from sqlalchemy import select

from assessments import planner
from assessments.models import Attempt, Competency, Diagnostic, Framework, Route, RouteGoal, RouteStep
from assessments.services.routes import history, inputs
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, format_date

#: Hours of the individual consultation that stands in for a deficit no catalogue activity covers.
GAP_CONSULTATION_HOURS = 2.0
MAX_PERIOD_DAYS = 3 * 366


@dataclass
class RouteSettings:
    period_start: date
    period_end: date
    weekly_hours: float
    delivery: Optional[str] = None
    #: A tutor's manual selection of competencies (ids); None: the deficits of the current profile.
    competency_ids: Optional[set[int]] = None


def framework_for(user_id: int) -> Framework | None:
    """The framework version of the teacher's latest finished diagnostic."""
    return db.session.scalar(select(Framework).join(Diagnostic, Diagnostic.framework_id == Framework.id)
                             .join(Attempt, Attempt.diagnostic_id == Diagnostic.id)
                             .where(Attempt.user_id == user_id, Attempt.status == "finished")
                             .order_by(Attempt.finished_at.desc()).limit(1))


def check_settings(settings: RouteSettings) -> None:
    if settings.period_start > settings.period_end:
        raise ServiceError(_("The period ends before it starts."), field="period_end")
    if (settings.period_end - settings.period_start).days > MAX_PERIOD_DAYS:
        raise ServiceError(_("A route covers at most three years."), field="period_end")
    if not settings.weekly_hours or settings.weekly_hours <= 0:
        raise ServiceError(_("A budget of zero hours a week leaves no time for any step: give at least one hour."),
                           field="weekly_hours")
    if settings.weekly_hours > 40:
        raise ServiceError(_("At most 40 hours a week."), field="weekly_hours")
    if settings.delivery not in (None, "online", "onsite"):
        raise ServiceError(_("Choose a value from the list."), field="delivery")


def build(user, actor, settings: RouteSettings, now: datetime, tutor_id: int | None = None) -> Route:
    """A new draft route for the teacher, or the draft (or returned) one planned again with these settings.

    :raises ServiceError: no finished diagnostic, a route already on review or active, bad settings, circular
        prerequisites in the catalogue.
    """
    check_settings(settings)
    framework = framework_for(user.id)
    if framework is None:
        raise ServiceError(_("%(name)s has not finished a diagnostic yet: a route is built from its results.",
                             name=user.full_name))
    route = db.session.scalar(select(Route).where(Route.open_key == str(user.id)))
    if route is not None and route.status not in ("draft", "returned"):
        raise ServiceError(_("%(name)s already has a route on review or in progress; change that one.",
                             name=user.full_name))
    found = inputs.deficits(user.id, framework.id, settings.competency_ids)
    if route is None:
        route = Route(user_id=user.id, framework_id=framework.id, open_key=str(user.id), status="draft",
                      tutor_id=tutor_id, period_start=settings.period_start, period_end=settings.period_end,
                      weekly_hours=settings.weekly_hours)
        db.session.add(route)
    route.framework_id = framework.id
    route.period_start, route.period_end = settings.period_start, settings.period_end
    route.weekly_hours, route.delivery = settings.weekly_hours, settings.delivery
    route.attempt_id = max((e.attempt_id for e, _p in found if e.source == "measured"), default=None)
    db.session.flush()  # the new route's teacher and tutor load through their ids from here on
    plan_into(route, found, now)
    history.record(route, actor, "built", {"method": route.method, "steps": len(route.steps),
                                           "goals": len(route.goals), "gaps": sum(g.gap for g in route.goals)}, now)
    return route


def plan_into(route: Route, found, now: datetime) -> planner.Route:
    """Replace the route's goals and steps by the planner's answer for these deficits."""
    competencies = {c.id: c for c in db.session.scalars(select(Competency).where(
        Competency.id.in_([e.competency_id for e, _p in found])))}
    deficits = [planner.Deficit(competencies[e.competency_id].code, e.level, e.target_level, p) for e, p in found]
    activities, rows = inputs.activities(route.user, route.tutor_id, route.period_start, route.period_end)
    constraints = planner.Constraints(start=route.period_start, end=route.period_end,
                                      weekly_hours=route.weekly_hours, delivery=route.delivery,
                                      done=inputs.done(route.user_id))
    try:
        plan = planner.build_route(deficits, activities, constraints)
    except planner.PlanError as exc:
        names = [rows[k].title if k in rows else k for k in exc.keys]
        if exc.code == "cycle":
            raise ServiceError(_("The catalogue's prerequisites go round in a circle (%(chain)s); the "
                                 "distance-learning centre must correct them.", chain=" → ".join(names))) from exc
        raise ServiceError(_("The route cannot be planned: %(reason)s.", reason=str(exc))) from exc
    by_code = {c.code: c for c in competencies.values()}
    gaps = {g.competency: g.reason for g in plan.gaps}
    # The planner leaves out, without a gap, a deficit an activity the teacher has already finished reaches:
    # no step closes it, and the goal says so rather than looking planned.
    for deficit in deficits:
        if deficit.competency not in gaps and deficit.competency not in plan.covered:
            gaps[deficit.competency] = "done"
    # Planning again: the old goals go first, or the unique (route, competency) refuses the new ones.
    route.goals, route.steps = [], []
    db.session.flush()
    route.goals = [RouteGoal(competency_id=e.competency_id, level=e.level, target_level=e.target_level,
                             p_deficit=p, gap=gaps.get(competencies[e.competency_id].code) == "no_activity",
                             gap_reason=gaps.get(competencies[e.competency_id].code),
                             task=_task(competencies[e.competency_id], e.target_level))
                   for e, p in sorted(found, key=lambda pair: competencies[pair[0].competency_id].code)]
    steps = []
    for step in plan.steps:
        row = rows[step.activity]
        steps.append(RouteStep(
            activity_id=row.id, kind=row.kind, title=row.title, form=row.form, organiser=row.organiser,
            result_form=row.result_form, hours=step.hours, starts_on=step.start, ends_on=step.end, slot=step.slot,
            closes=sorted(by_code[c].id for c in step.closes if c in by_code), status="planned"))
    # Only a deficit nothing in the catalogue reaches gets a stand-in consultation; one the budget, the dates or
    # the delivery form leave out is explained instead, so the tutor changes those settings.
    for code in sorted(c for c, reason in gaps.items() if reason == "no_activity"):
        competency = by_code[code]
        day = route.period_start + timedelta(days=7 * len([s for s in steps if s.activity_id is None]))
        day = min(day, route.period_end)
        steps.append(RouteStep(
            activity_id=None, kind="consultation", form="consultation", result_form="report",
            title=_("Individual consultation on «%(competency)s»: nothing in the catalogue closes this deficit yet",
                    competency=competency.title),
            organiser=route.tutor.full_name if route.tutor else "", hours=GAP_CONSULTATION_HOURS,
            starts_on=day, ends_on=day, closes=[competency.id], status="planned"))
    steps.sort(key=lambda s: (s.starts_on, s.ends_on))
    for position, step in enumerate(steps, start=1):
        step.position = position
    route.steps = steps
    route.method = plan.method
    route.goal = _goal(route, competencies)
    route.last_activity_at = now
    db.session.flush()
    route.plan_problems = [(p.code, p.value, [rows[k].title if k in rows else k for k in p.keys])
                           for p in plan.problems]
    route.plan_gaps = gaps
    return plan


def _task(competency: Competency, target: int) -> str:
    return _("Reach level %(level)d in «%(competency)s»", level=target, competency=competency.title)


def _goal(route: Route, competencies: dict) -> str:
    if not route.goals:
        return _("Keep the competencies at the target level; no deficit was found.")
    codes = ", ".join(competencies[g.competency_id].code for g in route.goals)
    return _("Close the professional deficits found by the diagnostic (%(codes)s) by %(date)s.", codes=codes,
             date=format_date(route.period_end))
