"""Progress from real activity: courses' signals complete steps, the repeated diagnostic closes or reopens
goals, and the figures a tutor reads (done, overdue, pace, closure) are computed in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select

from assessments.models import Activity, CompetencyResult, Route, RouteStep
from assessments.services.routes import history
from lms.extensions import db
from lms.i18n import _, format_date, local_date
from lms.models.mixins import utcnow

OPEN_STEP = ("planned", "booked", "waiting")


@dataclass
class Progress:
    steps: int = 0
    done: int = 0
    overdue: list = field(default_factory=list)
    hours: float = 0.0
    hours_done: float = 0.0
    weeks: int = 1
    planned_pace: float = 0.0
    actual_pace: float | None = None
    on_time_share: float | None = None
    #: competency id → "open" | "ready" (its steps done, awaiting the repeated diagnostic) | "closed" | "reopened"
    #: | "uncovered" (no step of the plan closes it; the goal's ``gap_reason`` says why)
    closure: dict[int, str] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.done / self.steps if self.steps else 0.0

    @property
    def all_done(self) -> bool:
        return self.steps > 0 and self.done == self.steps


def progress(route: Route, today: date) -> Progress:
    steps = [s for s in route.steps if s.status != "dropped"]
    result = Progress(steps=len(steps), done=sum(s.status == "done" for s in steps))
    result.overdue = [s for s in steps if s.status in OPEN_STEP and s.ends_on < today]
    result.hours = sum(s.hours for s in steps)
    result.hours_done = sum(s.hours for s in steps if s.status == "done")
    result.weeks = max(1, -(-((route.period_end - route.period_start).days + 1) // 7))
    result.planned_pace = result.hours / result.weeks
    if route.approved_at is not None:
        elapsed = max(1, -(-((min(today, route.period_end) - local_date(route.approved_at)).days + 1) // 7))
        result.actual_pace = result.hours_done / elapsed
    finished = [s for s in steps if s.status == "done" and s.done_at is not None]
    if finished:
        result.on_time_share = sum(local_date(s.done_at) <= s.ends_on for s in finished) / len(finished)
    for goal in route.goals:
        if goal.status in ("closed", "reopened"):
            result.closure[goal.competency_id] = goal.status
            continue
        closing = [s for s in steps if goal.competency_id in (s.closes or [])]
        if not closing:
            result.closure[goal.competency_id] = "uncovered"  # no step of the plan closes it: never "in progress"
            continue
        ready = all(s.status == "done" for s in closing)
        result.closure[goal.competency_id] = "ready" if ready else "open"
    return result


def step_attendance(route: Route) -> dict[int, object]:
    """The teacher's attendance in the group of each booked (or done) group step, by step id: the very figure of
    their own attendance page and the group's summary (``courses.api.attendance_of``)."""
    from courses import api as courses_api

    groups = {s.id: int(s.slot.partition(":")[2]) for s in route.steps
              if (s.slot or "").startswith("group:") and s.status in ("booked", "done")}
    if not groups:
        return {}
    figures = courses_api.attendance_of(route.user_id)
    return {step_id: figures[group_id] for step_id, group_id in groups.items() if group_id in figures}


def _open_steps(user_id: int, *conditions) -> list[RouteStep]:
    return list(db.session.scalars(
        select(RouteStep).join(Route, Route.id == RouteStep.route_id)
        .outerjoin(Activity, Activity.id == RouteStep.activity_id)
        .where(Route.user_id == user_id, Route.status == "active", RouteStep.status.in_(OPEN_STEP), *conditions)
        .order_by(RouteStep.starts_on, RouteStep.id)))


def complete_steps(steps: list[RouteStep], evidence: str, at: datetime) -> None:
    for step in steps:
        step.status, step.done_at, step.evidence = "done", at, evidence
        history.record(step.route, None, "step_done", {"title": step.title, "evidence": evidence}, at)
    db.session.flush()
    for route in {s.route for s in steps}:
        ask_for_repeat_if_done(route)


def ask_for_repeat_if_done(route: Route) -> None:
    from lms.notifications.services import notify

    # Asked once per completion: a step added and finished later asks again.
    last = next((e.action for e in reversed(route.events) if e.action in ("all_done", "step_added")), None)
    if progress(route, date.max).all_done and last != "all_done":
        history.record(route, None, "all_done", {}, utcnow())
        notify([route.user], lambda: _("Every step of your individual route is done. Take the diagnostic again: "
                                       "its result closes your deficits."),
               endpoint="assessments.home", subject=lambda: _("Metodist: your route is done"))


def on_module_completed(sender, user, module, completed_at=None, **extra) -> None:
    complete_steps(_open_steps(user.id, Activity.module_id == module.id),
                   _("Module completed: %(title)s", title=module.title), completed_at or utcnow())


def on_session_attended(sender, user, session, **extra) -> None:
    complete_steps(_open_steps(user.id, Activity.session_id == session.id),
                   _("Attended the session of %(date)s", date=format_date(session.starts_at)), utcnow())


def on_consultation_held(sender, booking, **extra) -> None:
    """The step booked into this slot; else the earliest consultation step with this tutor or for a gap."""
    steps = _open_steps(booking.teacher_id, RouteStep.slot == f"slot:{booking.slot_id}")
    if not steps:  # a step tied to another time waits for that one
        candidates = _open_steps(booking.teacher_id, RouteStep.kind == "consultation",
                                 or_(RouteStep.slot.is_(None), RouteStep.slot.not_like("slot:%")))
        tutor = booking.slot.tutor_id
        steps = [s for s in candidates if s.activity is None or s.activity.tutor_id in (None, tutor)][:1]
    complete_steps(steps, _("Consultation held on %(date)s", date=format_date(booking.slot.starts_at)),
                   utcnow())


def on_work_reviewed(sender, work, decision, **extra) -> None:
    """Accepted practical work is activity on the route even before its module completes; a diagnostic's
    practical task joins its measurement first."""
    from assessments.services import practical

    practical.on_work_reviewed(sender, work, decision)
    if decision != "accepted":
        return
    route = db.session.scalar(select(Route).where(Route.user_id == work.user_id, Route.status == "active"))
    if route is not None:
        history.record(route, None, "work_accepted", {"task": work.title}, utcnow())


def on_diagnostic_completed(sender, attempt, deficits, **extra) -> None:
    """A repeated diagnostic closes each goal it measures at or above the target and reopens the others; a
    route whose steps are all done is then completed."""
    route = db.session.scalar(select(Route).where(Route.user_id == attempt.user_id, Route.status == "active",
                                                  Route.framework_id == attempt.diagnostic.framework_id))
    if route is None or route.attempt_id == attempt.id:
        return
    results = {r.competency_id: r for r in db.session.scalars(select(CompetencyResult).where(
        CompetencyResult.attempt_id == attempt.id))}
    changed = {}
    for goal in route.goals:
        result = results.get(goal.competency_id)
        if result is None or result.n_items == 0:
            continue
        goal.level_after = result.level
        goal.status = "closed" if result.level >= goal.target_level and not result.deficit else "reopened"
        changed[goal.competency.code] = goal.status
    if not changed:
        return  # it measured none of the route's deficits: neither closes nor completes anything
    route.repeat_attempt_id = attempt.id
    now = attempt.finished_at or utcnow()
    history.record(route, None, "repeat_diagnostic", {"goals": changed}, now)
    if progress(route, date.max).all_done:
        route.status, route.open_key, route.completed_at = "completed", None, now
        history.record(route, None, "completed", {}, now)
    db.session.flush()


def remeasured(attempt) -> None:
    """A practical task scored after the repeated diagnostic changed its results: the goals that diagnostic
    closed or reopened follow the new measurement."""
    for route in db.session.scalars(select(Route).where(Route.repeat_attempt_id == attempt.id)):
        results = {r.competency_id: r for r in attempt.results}
        changed = {}
        for goal in route.goals:
            result = results.get(goal.competency_id)
            if result is None or goal.status not in ("closed", "reopened"):
                continue
            status = "closed" if result.level >= goal.target_level and not result.deficit else "reopened"
            if (status, result.level) != (goal.status, goal.level_after):
                goal.status, goal.level_after = status, result.level
                changed[goal.competency.code] = status
        if changed:
            history.record(route, None, "repeat_diagnostic", {"goals": changed}, utcnow())
    db.session.flush()


def _when_loaded(receiver):
    """Signals are process-wide; act only in an app that runs this plugin (tests build apps without it)."""
    def guarded(sender, **kwargs):
        from flask import current_app

        if any(p.name == "assessments" for p in current_app.extensions.get("lms.plugins", [])):
            receiver(sender, **kwargs)

    guarded.__name__ = receiver.__name__
    return guarded


def _on_lti_score_received(sender, **kwargs) -> None:
    from assessments.services.routes import external

    external.on_lti_score_received(sender, **kwargs)


RECEIVERS = {
    "module_completed": _when_loaded(on_module_completed),
    "session_attended": _when_loaded(on_session_attended),
    "consultation_held": _when_loaded(on_consultation_held),
    "work_reviewed": _when_loaded(on_work_reviewed),
    "diagnostic_completed": _when_loaded(on_diagnostic_completed),
    "lti_score_received": _when_loaded(_on_lti_score_received),
}


def connect() -> None:
    from lms import signals

    for name, receiver in RECEIVERS.items():
        getattr(signals, name).connect(receiver, weak=False)  # the same function object: connecting twice is once
