"""What the route views share: the settings form's choices, the settings from a form, the edit rule."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from assessments.models import Activity, Competency, Route
from assessments.permissions import can_tutor_route
from assessments.services.routes.builder import RouteSettings, framework_for
from lms.extensions import db
from lms.forms import SelectChoice
from lms.i18n import _, format_number, local_today


def can_edit(user, route: Route) -> bool:
    """The tutor edits any route in work; the teacher their own draft or returned one."""
    if route.status == "completed":
        return False
    if can_tutor_route(user, route):
        return True
    return route.user_id == user.id and route.status in ("draft", "returned")


def fill_settings(form, teacher_id: int, route: Route | None = None) -> None:
    framework = framework_for(teacher_id)
    form.competency_ids.choices = [SelectChoice(c.id, f"{c.code} {c.title}") for c in db.session.scalars(
        select(Competency).where(Competency.framework_id == framework.id).order_by(Competency.id))] if framework \
        else []
    if form.period_start.data is None:
        today = local_today()
        form.period_start.data = route.period_start if route else today
        form.period_end.data = route.period_end if route else today + timedelta(days=182)
        if route:
            form.weekly_hours.data, form.delivery.data = route.weekly_hours, route.delivery or ""
            form.version.data = route.version


def settings_from(form) -> RouteSettings:
    return RouteSettings(period_start=form.period_start.data, period_end=form.period_end.data,
                         weekly_hours=form.weekly_hours.data or 0, delivery=form.delivery.data or None,
                         competency_ids=set(form.competency_ids.data) or None)


def activity_choices() -> list[SelectChoice]:
    return [SelectChoice(a.id, _("%(title)s, %(hours)s h", title=a.title, hours=format_number(a.hours)))
            for a in db.session.scalars(
        select(Activity).where(Activity.active.is_(True)).order_by(Activity.title))]


def goal_choices(route: Route) -> list[SelectChoice]:
    """The route's deficits, as a hand-added step may be tied to them."""
    return [SelectChoice(g.competency_id, f"{g.competency.code} {g.competency.title}") for g in route.goals]


def route_url(route: Route) -> str:
    return url_for("assessments.route", route_id=route.id)
