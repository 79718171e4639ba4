"""A route's history: every change, who made it and when; and the request context links in notices need."""

from __future__ import annotations

from datetime import datetime

from assessments.models import Route, RouteEvent


def record(route: Route, actor, action: str, details: dict, now: datetime) -> None:
    route.events.append(RouteEvent(user_id=getattr(actor, "id", None), at=now, action=action, details=details))
    route.last_activity_at = now


def links_context():
    """A request context for building links in notices when the change does not come from a request (a signal
    from the CLI or background work); inside a request, nothing."""
    from contextlib import nullcontext

    from flask import current_app, has_request_context

    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config["BASE_URL"])
