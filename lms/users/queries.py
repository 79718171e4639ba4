"""Page-level queries of the user pages, each with the eager loading its page needs."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from lms.extensions import db
from lms.orgs.models import MethodAssociation, School
from lms.users.models import TeacherProfile, User, UserRole, fold


def user_directory(*, q: str | None, role: str | None, school_id: int | None, status: str):
    """The directory's query, sorted by surname; schools and roles come in the same few queries."""
    stmt = (select(User)
            .options(selectinload(User.profile).joinedload(TeacherProfile.school),
                     selectinload(User.profile).selectinload(TeacherProfile.subjects))
            .order_by(User.last_name, User.first_name, User.id))
    if q:
        for word in fold(q).split():
            stmt = stmt.where(User.search_text.contains(word, autoescape=True))
    if role:
        stmt = stmt.where(User.roles.any(UserRole.role == role))
    if school_id:
        stmt = stmt.where(User.profile.has(TeacherProfile.school_id == school_id))
    if status == "active":
        stmt = stmt.where(User.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.active.is_(False))
    return stmt


def head_of_service() -> str | None:
    """The name of the head of the service for the documents they sign: the configured one (SERVICE_HEAD), or the
    one active account with the head's role; None when it cannot be told (several, or none)."""
    configured = " ".join(str(current_app.config.get("SERVICE_HEAD") or "").split())
    if configured:
        return configured
    heads = db.session.scalars(select(User).join(UserRole).where(UserRole.role == "admin", User.active.is_(True))
                               .limit(2)).all()
    return heads[0].full_name if len(heads) == 1 else None


def school_choices(keep: int | None = None) -> list[tuple[int, str]]:
    """Active schools, plus ``keep`` (the one a profile already names) even if it has closed."""
    rows = db.session.execute(select(School.id, School.short_name)
                              .where(or_(School.is_active.is_(True), School.id == keep))
                              .order_by(School.short_name))
    return [(row.id, row.short_name) for row in rows]


def association_choices(keep: int | None = None) -> list[tuple[int, str]]:
    """Active associations, plus ``keep`` even if it has closed."""
    rows = db.session.execute(select(MethodAssociation.id, MethodAssociation.name)
                              .where(or_(MethodAssociation.is_active.is_(True), MethodAssociation.id == keep))
                              .order_by(MethodAssociation.name))
    return [(row.id, row.name) for row in rows]


def user_with_profile(user_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.id == user_id).options(
        joinedload(User.profile).joinedload(TeacherProfile.school),
        joinedload(User.profile).joinedload(TeacherProfile.association)))
