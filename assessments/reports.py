"""What assessments contributes to the service's indicators: route steps a tutor confirmed (targeted support),
steps that closed a diagnosed deficit (qualification raised on the basis of diagnostics), goals a repeated
diagnostic confirmed closed, and a tutor's scope (the teachers whose routes they hold)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import String, and_, cast, literal, select

from assessments.models import Attempt, Competency, Route, RouteGoal, RouteStep
from lms.extensions import db
from lms.i18n import _l
from lms.reports.filters import register_scope
from lms.reports.indicators import Evidence, register_evidence
from lms.reports.sql import local_date


def _ref(prefix: str, column):
    return literal(prefix).concat(cast(column, String))


def steps_with_tutor():
    """Done steps whose evidence the route's tutor confirmed."""
    return (select(Route.user_id.label("teacher_id"), local_date(RouteStep.done_at).label("occurred_on"),
                   literal("route_step").label("kind"), _ref("step:", RouteStep.id).label("ref"))
            .join(Route, Route.id == RouteStep.route_id)
            .where(RouteStep.status == "done", RouteStep.done_at.is_not(None),
                   RouteStep.marked_by_id.is_not(None), RouteStep.marked_by_id == Route.tutor_id))


def steps_closing_deficits():
    """Done steps that name a deficit of the diagnostic the route was built on."""
    return (select(Route.user_id.label("teacher_id"), local_date(RouteStep.done_at).label("occurred_on"),
                   literal("deficit_step").label("kind"), _ref("step:", RouteStep.id).label("ref"))
            .join(Route, Route.id == RouteStep.route_id)
            .where(RouteStep.status == "done", RouteStep.done_at.is_not(None), Route.attempt_id.is_not(None),
                   cast(RouteStep.closes, String) != "[]"))


def describe_steps(refs: list[str]) -> dict[str, str]:
    ids = [int(r.split(":")[1]) for r in refs]
    return {f"step:{i}": title for i, title in db.session.execute(
        select(RouteStep.id, RouteStep.title).where(RouteStep.id.in_(ids))).all()}


def goals_confirmed():
    """Goals a repeated diagnostic measured at or above the target (dated by that diagnostic)."""
    return (select(Route.user_id.label("teacher_id"), local_date(Attempt.finished_at).label("occurred_on"),
                   literal("goal_closed").label("kind"), _ref("goal:", RouteGoal.id).label("ref"))
            .join(Route, Route.id == RouteGoal.route_id)
            .join(Attempt, and_(Attempt.id == Route.repeat_attempt_id, Attempt.status == "finished"))
            .where(RouteGoal.status == "closed", RouteGoal.gap.is_(False)))


def describe_goals(refs: list[str]) -> dict[str, str]:
    ids = [int(r.split(":")[1]) for r in refs]
    return {f"goal:{i}": f"{code} {title}" for i, code, title in db.session.execute(
        select(RouteGoal.id, Competency.code, Competency.title)
        .join(Competency, Competency.id == RouteGoal.competency_id).where(RouteGoal.id.in_(ids))).all()}


def _tutor_scope(user):
    return select(Route.user_id).where(Route.tutor_id == user.id) if user.has_role("tutor") else None


def init_app(app: Flask) -> None:
    register_evidence(app, Evidence("targeted_support", "route_step", _l("Route step confirmed by the tutor"),
                                    steps_with_tutor, describe_steps))
    register_evidence(app, Evidence("qualification_by_diagnostics", "deficit_step",
                                    _l("Route step closing a diagnosed deficit done"), steps_closing_deficits,
                                    describe_steps))
    register_evidence(app, Evidence("closure_confirmed", "goal_closed",
                                    _l("Deficit closed, confirmed by a repeated diagnostic"), goals_confirmed,
                                    describe_goals))
    register_scope(app, _tutor_scope)
    from assessments import analytics
    from lms.reports.registry import Report, register_report

    register_report(app, Report("assessments.deficits", _l("Deficits by school and competency"), "reports.indicators",
                                analytics.deficit_map, _l("The share of the teachers measured in the period whose "
                                                          "latest result is a deficit, and the points of growth"),
                                analytics.deficit_chart))
    register_report(app, Report("assessments.growth", _l("Growth after repeated diagnostics"), "reports.indicators",
                                analytics.growth, _l("Deficits closed and still open, by school")))
    register_report(app, Report("assessments.route_funnel", _l("From diagnostic to completed route"),
                                "reports.indicators", analytics.route_funnel,
                                _l("How many teachers reach each stage of the loop"), analytics.funnel_chart))
