"""Booking a route's steps through courses' services: a place in a group (or its waiting list), a consultation
time; what approval will book, said before it does; giving back what the route booked when a step is taken
out; finding a dated offer for new dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from assessments.models import RouteStep
from assessments.services.routes import inputs
from courses import api as courses_api
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, format_date, local_date

#: What booking a step came to. ``group``: a place in the group; ``session``: a place in the group of one
#: session; ``already``: the teacher already had that place; ``waiting``: the group is full, its waiting list;
#: ``slot``: a consultation time; ``own_pace`` / ``fixed_dates``: nothing to book; ``refused``: not booked.
BOOKED = ("group", "session", "already", "waiting", "slot")


@dataclass(frozen=True)
class Outcome:
    """What approval booked (or, in a preview, will book) for one step, or why it could not."""

    step_id: int | None
    title: str
    kind: str
    group: str = ""
    at: datetime | None = None
    on: date | None = None
    reason: str = ""

    @property
    def booked(self) -> bool:
        return self.kind in BOOKED


def _parse(slot: str | None) -> tuple[str, int | None]:
    kind, _sep, ident = (slot or "").partition(":")
    return kind, int(ident) if ident.isdigit() else None


def _tutor_of(step: RouteStep) -> int | None:
    if step.activity is not None and step.activity.tutor_id:
        return step.activity.tutor_id
    return step.route.tutor_id


def _consultation_time(step: RouteStep, taken: set[int]) -> courses_api.FreeSlot | str:
    """The tutor's earliest free time from the step's first day to the route's last, or why there is none."""
    tutor_id = _tutor_of(step)
    if tutor_id is None:
        return _("the route has no tutor to hold the consultation")
    route = step.route
    for slot in courses_api.free_slots([tutor_id]):
        if slot.slot_id not in taken and step.starts_on <= local_date(slot.starts_at) <= route.period_end:
            return slot
    return _("the tutor has no free office hours from %(start)s to %(end)s; agree on a time with the teacher",
             start=format_date(step.starts_on), end=format_date(route.period_end))


def _unbooked(step: RouteStep) -> Outcome:
    kind = "fixed_dates" if (step.slot or "").startswith("dates:") else "own_pace"
    return Outcome(step.id, step.title, kind)


def preview(steps: list[RouteStep]) -> list[Outcome]:
    """What approving now would book for each planned step, read without changing anything (see :func:`book`)."""
    outcomes, taken, placed = [], set(), {}
    for step in steps:
        if step.status != "planned":
            continue
        kind, ident = _parse(step.slot)
        teacher_id = step.route.user_id
        if kind == "group" and ident is not None:
            places = courses_api.group_places(ident)
            if places is None or not places.running:
                outcomes.append(Outcome(step.id, step.title, "refused", reason=_("the group no longer runs")))
                continue
            had = courses_api.standing_in(ident, teacher_id)
            if ident in placed:  # a second step in the same group: the first one's place serves it
                what = "waiting" if placed[ident] == "waiting" else "already"
            elif had == courses_api.MEMBER:
                what = "already"
            elif had == "waiting" or places.free == 0:
                what = "waiting"
            else:
                what = _placed_kind(step)
            placed[ident] = what
            outcomes.append(Outcome(step.id, step.title, what, group=places.name, on=step.starts_on))
        elif kind == "slot" and ident is not None:
            free = courses_api.free_slot(ident)
            if free is None:
                outcomes.append(Outcome(step.id, step.title, "refused",
                                        reason=_("the consultation time is no longer free")))
            else:
                taken.add(ident)
                outcomes.append(Outcome(step.id, step.title, "slot", at=free.starts_at))
        elif step.kind == "consultation" and step.slot is None:
            found = _consultation_time(step, taken)
            if isinstance(found, str):
                outcomes.append(Outcome(step.id, step.title, "refused", reason=found))
            else:
                taken.add(found.slot_id)
                outcomes.append(Outcome(step.id, step.title, "slot", at=found.starts_at))
        else:
            outcomes.append(_unbooked(step))
    return outcomes


def _placed_kind(step: RouteStep) -> str:
    return "session" if step.kind == "session" else "group"


def book(step: RouteStep, actor, now: datetime) -> Outcome | None:
    """:func:`_book`, and for a module's step not refused the step's last day becomes the teacher's due date for
    the module, so the route, the ИОМ and the teacher's assignments give one deadline."""
    outcome = _book(step, actor, now)
    if outcome is not None and outcome.kind != "refused" and step.activity is not None and step.activity.module_id:
        courses_api.hold_module_due(step.activity.module_id, step.route.user, step.ends_on, actor)
    return outcome


def _book(step: RouteStep, actor, now: datetime) -> Outcome | None:
    """Book one planned step inside a savepoint: its group, its consultation time, or for a consultation
    without a time the tutor's earliest free one within the route. A refusal comes back as an outcome with the
    reason, never half-saved; None for a step not planned (already booked, done or taken out)."""
    if step.status != "planned":
        return None
    kind, ident = _parse(step.slot)
    teacher = step.route.user
    try:
        with db.session.begin_nested():
            if kind == "group" and ident is not None:
                had = courses_api.standing_in(ident, teacher.id)
                status = courses_api.enrol(ident, teacher, actor)
                step.status = "booked" if status == courses_api.MEMBER else "waiting"
                step.booked_by_route = had not in courses_api.STANDING
                what = "already" if had == courses_api.MEMBER else (
                    _placed_kind(step) if status == courses_api.MEMBER else "waiting")
                return Outcome(step.id, step.title, what, group=courses_api.get_group(ident).name,
                               on=step.starts_on)
            if kind == "slot" and ident is not None:
                courses_api.book_consultation(ident, teacher, step.title, now)
                step.status, step.booked_by_route = "booked", True
                return Outcome(step.id, step.title, "slot", at=courses_api.consultation_time(ident))
            if step.kind == "consultation" and step.slot is None:
                found = _consultation_time(step, set())
                if isinstance(found, str):
                    return Outcome(step.id, step.title, "refused", reason=found)
                courses_api.book_consultation(found.slot_id, teacher, step.title, now)
                step.slot, step.status, step.booked_by_route = f"slot:{found.slot_id}", "booked", True
                step.starts_on = step.ends_on = local_date(found.starts_at)
                return Outcome(step.id, step.title, "slot", at=found.starts_at)
    except ServiceError as exc:
        return Outcome(step.id, step.title, "refused", reason=exc.message)
    return _unbooked(step)


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
