"""The planner's gap and problem codes as sentences a teacher or tutor reads, in their language."""

from __future__ import annotations

from sqlalchemy import select

from assessments.models import Competency, Route
from lms.extensions import db
from lms.i18n import _, format_number


def gap_reason(code: str) -> str:
    return {
        "no_activity": _("nothing in the catalogue reaches the target level"),
        "excluded": _("the activities that reach it were taken out of the route"),
        "delivery": _("only activities of the other delivery form reach it"),
        "dates": _("the activities that reach it have no dates or free places within the period"),
        "budget": _("the activities that reach it do not fit into the weekly hours within the period"),
        "done": _("an activity the teacher has already finished reaches the target level; the repeated "
                  "diagnostic will confirm it"),
    }.get(code, code)


def problem_text(code: str, value, names: list[str]) -> str:
    number = format_number(value, 1) if value is not None else ""
    texts = {
        "zero_budget": _("A budget of zero hours a week leaves no time for any step."),
        "budget_too_small": _("Closing every deficit takes at least %(n)s hours in this period.", n=number),
        "min_weekly_hours": _("That is about %(n)s hours a week: raise the weekly hours or lengthen the period.",
                              n=number),
        "period_too_short": _("Some deficits need a longer period: about %(n)s weeks.", n=number),
        "required_do_not_fit": _("The activities chosen by hand do not fit: %(names)s.", names=", ".join(names)),
    }
    if code.startswith("required_"):
        return texts.get(code) or _("An activity chosen by hand cannot be used (%(names)s): %(reason)s.",
                                    names=", ".join(names), reason=gap_reason(code.removeprefix("required_")))
    return texts.get(code, code)


def plan_messages(route: Route) -> list[tuple[str, str]]:
    """Flash messages after planning: what the route leaves open and why (the route still covers the rest)."""
    messages = []
    gaps = getattr(route, "plan_gaps", {}) or {}
    if gaps:
        titles = dict(db.session.execute(select(Competency.code, Competency.title).where(
            Competency.framework_id == route.framework_id, Competency.code.in_(gaps))).all())
        ids = {g.competency_id: g.competency.code for g in route.goals}
        closed = {ids.get(c) for s in route.steps if s.status != "dropped" for c in (s.closes or [])}
        for code, reason in sorted(gaps.items()):
            competency = titles.get(code, code)
            if code in closed:  # only a deficit nothing reaches gets a consultation step standing in
                messages.append((_("«%(competency)s»: %(reason)s. The route has an individual consultation step "
                                   "instead, and the distance-learning centre sees the gap.", competency=competency,
                                   reason=gap_reason(reason)), "info"))
            else:
                messages.append((_("«%(competency)s»: %(reason)s. No step of the route closes this deficit.",
                                   competency=competency, reason=gap_reason(reason)), "info"))
    for code, value, names in getattr(route, "plan_problems", []) or []:
        messages.append((problem_text(code, value, names), "info"))
    if not messages:
        messages.append((_("The route has been planned: every deficit is covered at the least total hours."),
                         "success"))
    return messages


def approval_messages(outcomes) -> list[tuple[str, str]]:
    """Flash messages after approval: exactly what was booked, and what was not with why."""
    from assessments.services.routes.workflow import booking_text

    booked = [booking_text(o) for o in outcomes if o.booked]
    refused = [booking_text(o) for o in outcomes if o.kind == "refused"]
    messages = [(_("The route is approved and active.") + " " + (
        _("Booked: %(list)s.", list="; ".join(booked)) if booked else _("Nothing has been booked.")), "success")]
    messages += [(_("Not booked: %(problem)s.", problem=text), "error") for text in refused]
    return messages


def event_label(event) -> str:
    """One line of the route's history."""
    d = event.details or {}
    texts = {
        "built": lambda: _("planned: %(steps)s steps for %(goals)s deficits", steps=d.get("steps"),
                           goals=d.get("goals")),
        "submitted": lambda: _("sent for review") + (f": {d['note']}" if d.get("note") else ""),
        "returned": lambda: _("returned for rework: %(comment)s", comment=d.get("comment", "")),
        "approved": lambda: "; ".join([_("approved")] + (
            [_("booked: %(list)s", list="; ".join(d["booked"]))] if d.get("booked") else []) + (
            [_("not booked: %(list)s", list="; ".join(d["not_booked"]))] if d.get("not_booked") else [])),
        "proposed": lambda: _("the teacher proposes: %(note)s", note=d.get("note", "")),
        "step_added": lambda: _("step added: %(title)s", title=d.get("title", "")),
        "step_changed": lambda: _("step changed: %(title)s", title=d.get("title", "")),
        "step_dropped": lambda: _("step taken out: %(title)s", title=d.get("title", "")),
        "step_done": lambda: _("step done: %(title)s (%(evidence)s)", title=d.get("title", ""),
                               evidence=d.get("evidence", "")),
        "reassigned": lambda: _("tutor changed: %(before)s → %(after)s", before=d.get("from") or "—",
                                after=d.get("to") or "—"),
        "completed": lambda: _("completed"),
        "all_done": lambda: _("all steps done; the repeated diagnostic is due"),
        "repeat_diagnostic": lambda: _("repeated diagnostic: %(goals)s", goals=", ".join(
            f"{code} — {_('deficit closed') if status == 'closed' else _('deficit not closed')}"
            for code, status in (d.get("goals") or {}).items()) or "—"),
        "work_accepted": lambda: _("practical work accepted: %(task)s", task=d.get("task", "")),
    }
    make = texts.get(event.action)
    return make() if make else event.action
