"""Booking a route's steps through courses' services: a place in a group (or its waiting list), a consultation
time; giving back what the route booked when a step is taken out; finding a dated offer for new dates."""

from __future__ import annotations

from datetime import date, datetime

from assessments.models import RouteStep
from assessments.services.routes import inputs
from courses import api as courses_api
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _


def book(step: RouteStep, actor, now: datetime) -> str | None:
    """Book one planned step inside a savepoint; a refusal comes back as a sentence, never half-saved."""
    if step.status != "planned" or not step.slot or step.slot.startswith("dates:"):
        return None
    kind, _sep, ident = step.slot.partition(":")
    teacher = step.route.user
    try:
        with db.session.begin_nested():
            if kind == "group":
                had = courses_api.standing_in(int(ident), teacher.id)
                status = courses_api.enrol(int(ident), teacher, actor)
                step.status = "booked" if status == courses_api.MEMBER else "waiting"
                step.booked_by_route = had not in courses_api.STANDING
            elif kind == "slot":
                courses_api.book_consultation(int(ident), teacher, step.title, now)
                step.status, step.booked_by_route = "booked", True
    except ServiceError as exc:
        return _("«%(step)s»: %(reason)s", step=step.title, reason=exc.message)
    return None


def release(step: RouteStep, actor, now: datetime) -> None:
    """Give back the place or the time the route's approval booked for this step."""
    if not step.booked_by_route or not step.slot:
        return
    kind, _sep, ident = step.slot.partition(":")
    teacher_id = step.route.user_id
    if kind == "group":
        courses_api.withdraw(int(ident), teacher_id, actor)
    elif kind == "slot":
        courses_api.cancel_consultation(int(ident), teacher_id, actor, now,
                                        reason=_("The step was taken out of the route."))
    step.booked_by_route = False


def find_slot(step: RouteStep, starts_on: date, ends_on: date) -> tuple[str | None, bool]:
    """The earliest dated offer of the step's activity within the new dates that has a free place, and whether
    the activity is only taken at dated offers (a group's run, a session, fixed dates) at all."""
    if step.activity_id is None:
        return None, False
    route = step.route
    offers, _rows = inputs.activities(route.user, route.tutor_id, route.period_start, route.period_end)
    mine = next((a for a in offers if a.key == f"activity:{step.activity_id}"), None)
    if mine is None:
        return None, False
    fitting = [s for s in mine.slots if starts_on <= s.start and s.end <= ends_on and s.free_places != 0]
    dated_only = bool(mine.slots) and mine.kind != "consultation"  # without a free time a consultation is arranged
    return (min(fitting, key=lambda s: (s.start, s.key)).key if fitting else None), dated_only
