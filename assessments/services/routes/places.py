"""Where each step of a route takes the teacher: its group and next session, its session, its consultation time, its
module's lessons or its external module — read through ``courses.api`` in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime

from assessments.models import Route


def step_places(route: Route, now: datetime) -> dict[int, object]:
    """``courses.api.Place`` by step id, for the steps not taken out that have a place in courses."""
    from courses import api as courses_api

    groups, sessions, slots, modules = {}, {}, {}, {}
    for step in route.steps:
        if step.status == "dropped":
            continue
        kind, _sep, ref = (step.slot or "").partition(":")
        activity = step.activity
        if activity is not None and activity.session_id:
            sessions[step.id] = activity.session_id
        elif kind == "group" and ref.isdigit():
            groups[step.id] = (int(ref), activity.module_id if activity is not None else None)
        elif kind == "slot" and ref.isdigit():
            slots[step.id] = int(ref)
        elif activity is not None and activity.module_id:
            modules[step.id] = activity.module_id
    return courses_api.places(groups=groups, sessions=sessions, slots=slots, modules=modules, now=now)
