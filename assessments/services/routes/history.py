"""A route's history: every change, who made it and when; and the notice the other side gets of it."""

from __future__ import annotations

from datetime import datetime

from assessments.models import Route, RouteEvent
from lms.i18n import _

#: What each change tells the teacher (when the tutor or staff made it) or the tutor (when the teacher did).
NOTICES = {
    "submitted": lambda d: _("%(teacher)s sent their individual route for your review.", teacher=d["teacher"]),
    "returned": lambda d: _("Your individual route has been returned for rework. The tutor's comment: %(comment)s",
                            comment=d.get("comment", "")),
    "approved": lambda d: " ".join(filter(None, (
        _("Your individual route has been approved."),
        _("Booked: %(list)s.", list="; ".join(d["booked"])) if d.get("booked") else "",
        _("Not booked: %(steps)s. The tutor will choose other dates.", steps="; ".join(d["not_booked"]))
        if d.get("not_booked") else ""))),
    "proposed": lambda d: _("%(teacher)s proposes a change of their route: %(note)s", teacher=d["teacher"],
                            note=d.get("note", "")),
    "step_added": lambda d: _("A step has been added to your route: «%(title)s».", title=d.get("title", "")),
    "step_changed": lambda d: _("A step of your route has changed: «%(title)s».", title=d.get("title", "")),
    "step_dropped": lambda d: _("A step has been taken out of your route: «%(title)s».", title=d.get("title", "")),
    "step_done": lambda d: _("A step of your route is marked done: «%(title)s».", title=d.get("title", "")),
    "completed": lambda d: _("Your individual route is completed. The tutor's conclusion: %(conclusion)s",
                             conclusion=d.get("conclusion", "")),
}
#: Changes of the steps tell the other side only once the route is out of the draft the teacher works on.
STEP_CHANGES = ("step_added", "step_changed", "step_dropped")
#: What only the teacher does and only the tutor needs to hear of; everything else goes to the teacher.
TO_TUTOR = ("submitted", "proposed")


def record(route: Route, actor, action: str, details: dict, now: datetime) -> None:
    route.events.append(RouteEvent(user_id=getattr(actor, "id", None), at=now, action=action, details=details))
    route.last_activity_at = now
    _tell(route, actor, action, details)


def _tell(route: Route, actor, action: str, details: dict) -> None:
    make = NOTICES.get(action)
    if make is None or (action in STEP_CHANGES and route.status == "draft"):
        return
    by_teacher = actor is not None and actor.id == route.user_id
    if action in TO_TUTOR and not by_teacher or action in NOTICES and action not in TO_TUTOR + STEP_CHANGES \
            and by_teacher:
        return
    recipient = route.tutor if by_teacher else route.user
    if recipient is None or (actor is not None and recipient.id == actor.id):
        return
    from lms.notifications.services import notify

    values = {**details, "teacher": route.user.full_name}
    notify([recipient], lambda: make(values), endpoint="assessments.route", args={"route_id": route.id},
           subject=lambda: _("Metodist: your individual route"))
