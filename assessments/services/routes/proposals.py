"""A teacher's proposal to change their route in work, and the tutor's answer to it: accepted (the tutor will
change the plan) or declined with a reason; both go into the route's history and to the other side."""

from __future__ import annotations

from datetime import datetime

from assessments.models import Route
from assessments.services.routes import history
from assessments.services.routes.workflow import check_route_version
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _


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


def answer_proposal(route: Route, tutor, *, version: int | None, accepted: bool, reply: str, now: datetime) -> Route:
    """The tutor accepts or declines the teacher's pending proposal, with a reply the teacher is sent; accepting
    says the tutor will change the plan (the edits themselves are steps of their own)."""
    check_route_version(route, version)
    reply = (reply or "").strip()
    if route.status == "review":
        raise ServiceError(_("The route is on review: approve it, or return it with your answer."))
    if route.status != "active":
        raise ServiceError(_("Only an approved route in work takes proposals."))
    if not route.teacher_note:
        raise ServiceError(_("The teacher has no proposal waiting for an answer."))
    if not accepted and not reply:
        raise ServiceError(_("Say why you decline the proposal."))
    proposal, route.teacher_note = route.teacher_note, ""
    history.record(route, tutor, "proposal_accepted" if accepted else "proposal_declined",
                   {"note": proposal, "reply": reply}, now)
    db.session.flush()
    return route
