"""Aggregates for the dashboard, counted in SQL."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.orgs.models import Municipality, School
from lms.users.models import User
from lms.users.services import count_by_role


def dashboard_summary(user) -> dict:
    """Figures for the staff, tutor and admin dashboards: active users by role, schools, inactive."""
    return {
        "by_role": count_by_role(),
        "schools": db.session.scalar(select(func.count()).select_from(School).where(School.is_active.is_(True))),
        "municipalities": db.session.scalar(select(func.count()).select_from(Municipality)),
        "inactive": db.session.scalar(select(func.count()).select_from(User).where(User.active.is_(False))),
        "never_signed_in": db.session.scalar(
            select(func.count()).select_from(User).where(User.active.is_(True), User.last_login_at.is_(None))),
    }
