"""The route's workflow: draft → review → active → completed, returned for rework with the tutor's comment,
the teacher's proposals, the tutor's edits of steps, and booking the chosen places when approved."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from assessments.models import Activity, Route, RouteStep
from assessments.services.routes import booking, history, progress
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, format_date, format_datetime
from lms.models.mixins import check_version

EDITABLE = ("draft", "review", "returned", "active")


def check_route_version(route: Route, version: int | None) -> None:
    """:func:`lms.models.mixins.check_version` for a route, with the route's message."""
    check_version(route, version, _("Someone else changed this route while you were working on it, so your change "
                                    "was not saved. Here is the current route; make your change again if it is "
                                    "still needed."))


def submit(route: Route, actor, *, version: int | None, note: str, now: datetime) -> Route:
    """The teacher (or tutor) sends the draft or the reworked route for review."""
    check_route_version(route, version)
    if route.status not in ("draft", "returned"):
        raise ServiceError(_("Only a draft or a returned route can be sent for review."))
    if not route.steps:
        raise ServiceError(_("The route has no steps to review."))
    route.status, route.submitted_at, route.teacher_note = "review", now, (note or "").strip()
    history.record(route, actor, "submitted", {"note": route.teacher_note}, now)
    db.session.flush()
    return route


def return_for_rework(route: Route, tutor, *, version: int | None, comment: str, now: datetime) -> Route:
    check_route_version(route, version)
    if route.status != "review":
        raise ServiceError(_("Only a route on review can be returned."))
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Say what to rework: the teacher sees your comment."), field="comment")
    route.status, route.review_comment = "returned", comment
    history.record(route, tutor, "returned", {"comment": comment}, now)
    db.session.flush()
    return route


def approve(route: Route, tutor, *, version: int | None, now: datetime) -> list[booking.Outcome]:
    """Make the route active and book the teacher into the chosen groups, sessions and consultation times (a
    full group puts them on its waiting list; a consultation without a time gets the tutor's earliest free one).
    Returns what happened to each planned step, booked or not and why: what could not be booked stays planned
    for the tutor to re-date, the rest is booked, nothing is half-saved.

    :raises ServiceError: the route is not on review, has no steps, or was already approved (a second click).
    """
    if route.status == "active" and route.approved_at is not None:
        # A double click, or a second tab: the first approval booked everything there was to book.
        raise ServiceError(_("The route was already approved on %(date)s; nothing has been booked a second time.",
                             date=format_date(route.approved_at)))
    check_route_version(route, version)
    if route.status != "review":
        raise ServiceError(_("Only a route on review can be approved."))
    if not active_steps(route):
        raise ServiceError(_("The route has no steps to approve."))
    route.status, route.approved_at, route.approved_by_id = "active", now, tutor.id
    route.review_comment = route.teacher_note = ""
    outcomes = [outcome for step in route.steps if (outcome := booking.book(step, tutor, now)) is not None]
    history.record(route, tutor, "approved", {
        "booked": [booking_text(o) for o in outcomes if o.booked],
        "not_booked": [booking_text(o) for o in outcomes if o.kind == "refused"]}, now)
    db.session.flush()
    return outcomes


def approval_preview(route: Route) -> list[booking.Outcome]:
    """What approving the route now would book, step by step, without booking anything."""
    return booking.preview(active_steps(route))


def booking_text(outcome: booking.Outcome) -> str:
    """One step's booking as a sentence, the same in the preview, the message after approval and the history."""
    title = outcome.title
    texts = {
        "group": lambda: _("«%(step)s»: a place in the group «%(group)s»", step=title, group=outcome.group),
        "session": lambda: _("«%(step)s»: a place in the group «%(group)s» for the session of %(date)s", step=title,
                             group=outcome.group, date=format_date(outcome.on)),
        "already": lambda: _("«%(step)s»: already a member of the group «%(group)s»", step=title,
                             group=outcome.group),
        "waiting": lambda: _("«%(step)s»: the group «%(group)s» is full, a place on its waiting list", step=title,
                             group=outcome.group),
        "slot": lambda: _("«%(step)s»: a consultation on %(when)s", step=title,
                          when=format_datetime(outcome.at)),
        "own_pace": lambda: _("«%(step)s»: taken at the teacher's own pace, nothing to book", step=title),
        "fixed_dates": lambda: _("«%(step)s»: held on its own dates, nothing to book", step=title),
        "refused": lambda: _("«%(step)s»: %(reason)s", step=title, reason=outcome.reason),
    }
    return texts[outcome.kind]()


def propose(route: Route, teacher, *, version: int | None, note: str, now: datetime) -> Route:
    """The teacher asks for a change of an active or reviewed route; the tutor sees it in the caseload."""
    check_route_version(route, version)
    note = (note or "").strip()
    if not note:
        raise ServiceError(_("Write what you would like to change."), field="note")
    if route.status not in ("review", "active"):
        raise ServiceError(_("Change the draft directly, or wait until it is on review."))
    route.teacher_note = note
    history.record(route, teacher, "proposed", {"note": note}, now)
    db.session.flush()
    return route


def add_step(route: Route, actor, *, version: int | None, activity: Activity, starts_on: date, ends_on: date,
             hours: float | None, now: datetime) -> RouteStep:
    """Add a catalogue activity by hand; it closes the route's goals its coverage reaches."""
    check_route_version(route, version)
    _editable(route)
    _check_dates(route, starts_on, ends_on)
    hours = float(hours or activity.hours)
    if hours <= 0:
        raise ServiceError(_("Hours must be more than zero."), field="hours")
    reach = {c.competency.code: c.level for c in activity.coverage}
    closes = [g.competency_id for g in route.goals if reach.get(g.competency.code, 0) >= g.target_level]
    step = RouteStep(activity_id=activity.id, kind=activity.kind, title=activity.title, form=activity.form,
                     organiser=activity.organiser, result_form=activity.result_form, hours=hours,
                     starts_on=starts_on, ends_on=ends_on, closes=closes, status="planned",
                     position=1 + max((s.position for s in route.steps), default=0))
    route.steps.append(step)
    route.method = "manual"
    _acted(route, actor)
    db.session.flush()
    _place(step, actor, starts_on, ends_on, now)
    history.record(route, actor, "step_added", {"title": activity.title, "hours": hours,
                                                "dates": [starts_on.isoformat(), ends_on.isoformat()]}, now)
    db.session.flush()
    return step


def _place(step: RouteStep, actor, starts_on: date, ends_on: date, now: datetime) -> None:
    """Choose the step's dated offer (a group's run, a consultation time) within its dates and, in an approved
    route, book it at once; an activity only taken at dated offers needs one within the dates.

    :raises ServiceError: no such offer within the dates, or the booking was refused (nothing is saved).
    """
    step.slot, dated_only = booking.find_slot(step, starts_on, ends_on)
    if step.slot is None and dated_only:
        raise ServiceError(_("No group, session or fixed dates of «%(step)s» fall within these dates; choose the "
                             "dates of one of its runs.", step=step.title), field="starts_on")
    if step.route.status == "active":
        outcome = booking.book(step, actor, now)
        if outcome is not None and outcome.kind == "refused" and step.slot:
            raise ServiceError(booking_text(outcome))


def change_step(step: RouteStep, actor, *, version: int | None, starts_on: date, ends_on: date, hours: float,
                now: datetime) -> RouteStep:
    route = step.route
    check_route_version(route, version)
    _editable(route)
    _check_dates(route, starts_on, ends_on)
    if hours <= 0:
        raise ServiceError(_("Hours must be more than zero."), field="hours")
    if step.status in ("done", "dropped"):
        raise ServiceError(_("A step done or taken out is kept as it was."))
    before = {"dates": [step.starts_on.isoformat(), step.ends_on.isoformat()], "hours": step.hours}
    moved = (starts_on, ends_on) != (step.starts_on, step.ends_on)
    if moved and step.status in ("booked", "waiting"):
        raise ServiceError(_("A booked step keeps the dates of its group or consultation; take it out of the route "
                             "and add it again with other dates."), field="starts_on")
    step.starts_on, step.ends_on, step.hours = starts_on, ends_on, hours
    if moved or (step.status == "planned" and route.status == "active"):
        _place(step, actor, starts_on, ends_on, now)  # a step approval could not book gets its chance here
    route.method = "manual"
    _acted(route, actor)
    history.record(route, actor, "step_changed", {"title": step.title, "before": before, "after": {
        "dates": [starts_on.isoformat(), ends_on.isoformat()], "hours": hours}}, now)
    db.session.flush()
    return step


def drop_step(step: RouteStep, actor, *, version: int | None, now: datetime) -> RouteStep:
    """Take a step out; in an approved route it stays in the table as dropped, so the record is kept."""
    route = step.route
    check_route_version(route, version)
    _editable(route)
    if step.status == "done":
        raise ServiceError(_("A step already done cannot be dropped."))
    if step.status == "dropped":
        raise ServiceError(_("This step is already taken out of the route."))
    booking.release(step, actor, now)
    _acted(route, actor)
    history.record(route, actor, "step_dropped", {"title": step.title}, now)
    if route.status == "active":
        step.status = "dropped"
    else:
        route.steps.remove(step)
    route.method = "manual"
    db.session.flush()
    return step


def mark_done(step: RouteStep, tutor, *, version: int | None, evidence: str, now: datetime) -> RouteStep:
    """The tutor records a step as done with what showed it (a product, a talk, a certificate from elsewhere)."""
    route = step.route
    check_route_version(route, version)
    if route.status != "active":
        raise ServiceError(_("Steps are marked done in an approved route."))
    evidence = (evidence or "").strip()
    if not evidence:
        raise ServiceError(_("Say what shows the step was done."), field="evidence")
    if step.status not in progress.OPEN_STEP:
        raise ServiceError(_("This step is already done or taken out of the route."))
    step.status, step.done_at, step.evidence, step.marked_by_id = "done", now, evidence, tutor.id
    history.record(route, tutor, "step_done", {"title": step.title, "evidence": evidence}, now)
    db.session.flush()
    progress.ask_for_repeat_if_done(route)
    return step


def complete(route: Route, tutor, *, version: int | None, conclusion: str, now: datetime) -> Route:
    """The tutor closes an active route with a conclusion (section «Итоги»), whatever is left undone."""
    check_route_version(route, version)
    if route.status != "active":
        raise ServiceError(_("Only an active route can be completed."))
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ServiceError(_("Write the conclusion: it goes into the document."), field="conclusion")
    route.status, route.open_key, route.completed_at, route.conclusion = "completed", None, now, conclusion
    history.record(route, tutor, "completed", {"conclusion": conclusion}, now)
    db.session.flush()
    return route


def reassign(route: Route, staff, tutor, *, now: datetime) -> Route:
    _editable(route)
    if tutor is not None and not tutor.has_role("tutor"):
        raise ServiceError(_("%(name)s is not a tutor.", name=tutor.full_name))
    before = route.tutor.full_name if route.tutor else None
    route.tutor_id = tutor.id if tutor else None
    history.record(route, staff, "reassigned", {"from": before, "to": tutor.full_name if tutor else None}, now)
    db.session.flush()
    return route


def _acted(route: Route, actor) -> None:
    """A tutor's edit answers the teacher's pending proposal."""
    if actor is not None and actor.id != route.user_id:
        route.teacher_note = ""


def _editable(route: Route) -> None:
    if route.status not in EDITABLE:
        raise ServiceError(_("A completed route is no longer changed."))


def _check_dates(route: Route, starts_on: date, ends_on: date) -> None:
    if starts_on > ends_on:
        raise ServiceError(_("The step ends before it starts."), field="ends_on")
    if starts_on < route.period_start or ends_on > route.period_end:
        raise ServiceError(_("The step's dates must lie within the route's period, %(start)s – %(end)s.",
                             start=format_date(route.period_start),
                             end=format_date(route.period_end)), field="starts_on")


def active_steps(route: Route) -> list[RouteStep]:
    return [s for s in route.steps if s.status != "dropped"]


def find_route(user_id: int) -> Route | None:
    return db.session.scalar(select(Route).where(Route.open_key == str(user_id)))
