"""Booking a route's steps through courses' services: a place in a group (or its waiting list), a consultation
time; giving back what the route booked when a step is taken out; finding a dated offer for new dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from assessments.models import RouteStep
from assessments.services.routes import history, inputs
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _

STANDING = ("applied", "enrolled", "waiting")


def book(step: RouteStep, actor, now: datetime) -> str | None:
    """Book one planned step inside a savepoint; a refusal comes back as a sentence, never half-saved."""
    from courses.models import ConsultationSlot, Enrolment, Group
    from courses.services import consultations, groups

    if step.status != "planned" or not step.slot or step.slot.startswith("dates:"):
        return None
    kind, _sep, ident = step.slot.partition(":")
    teacher = step.route.user
    try:
        with db.session.begin_nested():
            if kind == "group":
                group = db.session.get(Group, int(ident))
                if group is None or group.status == "finished":
                    raise ServiceError(_("the group no longer runs"))
                had = db.session.scalar(select(Enrolment.status).where(
                    Enrolment.group_id == group.id, Enrolment.user_id == teacher.id))
                enrolment = groups.add_members(group, [teacher], actor)[0]
                step.status = "booked" if enrolment.status == "enrolled" else "waiting"
                step.booked_by_route = had not in STANDING
            elif kind == "slot":
                slot = db.session.get(ConsultationSlot, int(ident))
                if slot is None:
                    raise ServiceError(_("the time is no longer offered"))
                consultations.book(slot, teacher, step.title, now)
                step.status, step.booked_by_route = "booked", True
    except ServiceError as exc:
        return _("«%(step)s»: %(reason)s", step=step.title, reason=exc.message)
    return None


def release(step: RouteStep, actor, now: datetime) -> None:
    """Give back the place or the time the route's approval booked for this step."""
    from courses.models import ConsultationBooking, Enrolment
    from courses.services import consultations, groups

    if not step.booked_by_route or not step.slot:
        return
    kind, _sep, ident = step.slot.partition(":")
    teacher_id = step.route.user_id
    if kind == "group":
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.group_id == int(ident),
                                                              Enrolment.user_id == teacher_id))
        if enrolment is not None and enrolment.status in STANDING:
            groups.withdraw(enrolment, actor)
    elif kind == "slot":
        booking = db.session.scalar(select(ConsultationBooking).where(
            ConsultationBooking.active_slot_id == int(ident), ConsultationBooking.teacher_id == teacher_id))
        if booking is not None:
            with history.links_context():  # the teacher is notified with a link to their consultations
                consultations.cancel(booking, actor, now, reason=_("The step was taken out of the route."),
                                     free_slot=True)
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
