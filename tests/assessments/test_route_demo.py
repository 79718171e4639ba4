"""The demo's routes tell no contradiction: every open deficit of a route is closed by a step of its plan or
says why none closes it, and no draft sits empty with open goals and no reason."""

from __future__ import annotations

from sqlalchemy import select

from assessments.models import Route
from lms.extensions import db


def test_no_demo_route_contradicts_itself(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    routes = db.session.scalars(select(Route)).all()
    assert routes
    states = set()
    for route in routes:
        steps = [s for s in route.steps if s.status != "dropped"]
        closed = {c for s in steps for c in (s.closes or [])}
        for goal in route.goals:
            if goal.status == "open" and goal.competency_id not in closed:
                assert goal.gap_reason, (route.id, route.status, goal.competency.code, sorted(closed))
        assert steps or not route.goals or all(g.gap_reason for g in route.goals), route.id
        if route.status != "draft":
            assert steps, (route.id, route.status)
        states.add(route.status)
    assert {"draft", "review", "returned", "active", "completed"} <= states
