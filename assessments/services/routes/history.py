"""A route's history: every change, who made it and when."""

from __future__ import annotations

from datetime import datetime

from assessments.models import Route, RouteEvent


def record(route: Route, actor, action: str, details: dict, now: datetime) -> None:
    route.events.append(RouteEvent(user_id=getattr(actor, "id", None), at=now, action=action, details=details))
    route.last_activity_at = now

