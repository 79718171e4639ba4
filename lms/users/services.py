"""Creating, editing, activating and deactivating user accounts and teacher profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from lms import signals
from lms.auth.sessions import end_all_sessions
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, local_today
from lms.models.mixins import check_version, utcnow
from lms.orgs.models import MethodAssociation, School
from lms.users.choices import CATEGORIES, POSITIONS, ROLES
from lms.users.models import Subject, TeacherProfile, User, UserRole
from lms.users.rules import subject_problem


@dataclass
class ProfileData:
    """The teacher-profile fields as plain values (from a form, a CLI call or an import row)."""

    school_id: Optional[int] = None
    position: Optional[str] = None
    qualification_category: str = "none"
    category_assigned_on: Optional[date] = None
    experience_years: Optional[int] = None
    experience_as_of: Optional[date] = None
    association_id: Optional[int] = None
    subjects: list[str] = field(default_factory=list)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> Optional[User]:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def hash_password(raw: str) -> str:
    return generate_password_hash(raw, method=current_app.config["PASSWORD_HASH_METHOD"])


def set_password(user: User, raw: str, keep_session: str | None = None) -> None:
    """Store a new password; reset links issued before and the account's sessions stop working.

    :param user: the account.
    :param raw: the new password, already checked against the length rule by the form.
    :param keep_session: the token of the session that changes it, which stays signed in.
    """
    if len(raw) < current_app.config["PASSWORD_MIN_LENGTH"]:
        raise ServiceError(_("The password must be at least %(n)d characters long.",
                             n=current_app.config["PASSWORD_MIN_LENGTH"]), field="password")
    user.password_hash = hash_password(raw)
    user.password_changed_at = utcnow()
    if user.id is not None:
        end_all_sessions(user, keep=keep_session)


def _check_email_free(email: str, user: Optional[User] = None) -> None:
    other = find_user_by_email(email)
    if other is not None and other is not user:
        raise ServiceError(_("A user with the e-mail %(email)s already exists.", email=email), field="email")


def _set_roles(user: User, roles: set[str]) -> None:
    unknown = roles - ROLES.keys()
    if unknown:
        raise ServiceError(_("Unknown role: %(role)s.", role=", ".join(sorted(unknown))), field="roles")
    if not roles:
        raise ServiceError(_("A user needs at least one role."), field="roles")
    current = {r.role: r for r in user.roles}
    for code in current.keys() - roles:
        user.roles.remove(current[code])
    for code in sorted(roles - current.keys()):
        user.roles.append(UserRole(role=code))


def _clean_subject_names(names: list[str]) -> list[str]:
    """Trimmed, single-spaced, first letter capitalised, without repeats."""
    cleaned = []
    for name in names:
        name = " ".join(name.split())
        if name:
            name = name[0].upper() + name[1:]
            if name not in cleaned:
                cleaned.append(name)
    return cleaned


def get_or_create_subjects(names: list[str]) -> list[Subject]:
    """Subjects by name, creating the missing ones.

    :raises ServiceError: a name breaks the rules of ``lms.users.rules.subject_problem``.
    """
    cleaned = _clean_subject_names(names)
    for name in cleaned:
        problem = subject_problem(name)
        if problem:
            raise ServiceError(problem, field="subjects")
    if not cleaned:
        return []
    existing = {s.name: s for s in db.session.scalars(select(Subject).where(Subject.name.in_(cleaned)))}
    result = []
    for name in cleaned:
        subject = existing.get(name)
        if subject is None:
            subject = Subject(name=name)
            db.session.add(subject)
        result.append(subject)
    return result


def apply_profile(user: User, data: ProfileData, subjects: dict[str, Subject] | None = None) -> None:
    """Validate and store the profile.

    :param subjects: name → Subject for bulk work (the import), which has already matched the school
        and association of every row against the database; the foreign keys still guard them.
    """
    if data.position is not None and data.position not in POSITIONS:
        raise ServiceError(_("Unknown position."), field="position")
    if data.qualification_category not in CATEGORIES:
        raise ServiceError(_("Unknown qualification category."), field="qualification_category")
    if data.experience_years is not None and not 0 <= data.experience_years <= 70:
        raise ServiceError(_("Teaching experience must be between 0 and 70 years."), field="experience_years")
    bulk = subjects is not None
    if not bulk and data.school_id is not None and db.session.get(School, data.school_id) is None:
        raise ServiceError(_("Unknown school."), field="school_id")
    if not bulk and data.association_id is not None:
        association = db.session.get(MethodAssociation, data.association_id)
        if association is None:
            raise ServiceError(_("Unknown methodological association."), field="association_id")
    profile = user.profile
    if profile is None:
        profile = user.profile = TeacherProfile()
    profile.school_id = data.school_id
    profile.position = data.position
    profile.qualification_category = data.qualification_category
    profile.category_assigned_on = data.category_assigned_on
    profile.experience_years = data.experience_years
    profile.experience_as_of = data.experience_as_of or (local_today() if data.experience_years is not None else None)
    profile.association_id = data.association_id
    if subjects is None:
        profile.subjects = get_or_create_subjects(data.subjects)
    else:
        profile.subjects = [subjects[name] for name in _clean_subject_names(data.subjects)]


def create_user(*, email: str, last_name: str, first_name: str, middle_name: str | None = None,
                roles: set[str], password: str | None = None, phone: str | None = None,
                profile: ProfileData | None = None, actor: User | None = None) -> User:
    """Create an account; without a password the person sets one through a one-time link.

    :param email: login e-mail, unique regardless of case.
    :param roles: role codes; at least one.
    :param profile: the teacher profile, if the person teaches (or tutors) somewhere.
    :param actor: who creates it (None: CLI, import or demo loader).
    :raises ServiceError: duplicate e-mail, unknown role, bad profile value.
    """
    email = normalise_email(email)
    _check_email_free(email)
    user = build_user(email=email, last_name=last_name, first_name=first_name, middle_name=middle_name,
                      roles=roles, password=password, phone=phone, profile=profile)
    db.session.flush()
    signals.user_created.send(current_app._get_current_object(), user=user, actor=actor)
    return user


def build_user(*, email: str, last_name: str, first_name: str, middle_name: str | None, roles: set[str],
               password: str | None = None, phone: str | None = None, profile: ProfileData | None = None,
               subjects: dict[str, Subject] | None = None) -> User:
    """A new account added to the session, checked field by field but not against other rows.

    Bulk callers (the import) check e-mails for the whole file first, flush once and then send
    ``user_created`` for each user themselves; everyone else calls :func:`create_user`.
    """
    user = User(email=normalise_email(email), last_name=last_name.strip(), first_name=first_name.strip(),
                middle_name=(middle_name or "").strip() or None, phone=phone or None)
    _set_roles(user, set(roles))
    if password:
        set_password(user, password)
    if profile is not None:
        apply_profile(user, profile, subjects)
    db.session.add(user)
    return user


def update_user(user: User, *, version: int, email: str, last_name: str, first_name: str,
                middle_name: str | None, phone: str | None, roles: set[str] | None,
                profile: ProfileData | None) -> User:
    """Save an edit made on a form opened at ``version``.

    :param version: the ``User.version`` the form was rendered with.
    :param roles: the new roles, or None to keep them (an admin editing their own account).
    :raises ConflictError: the account changed since the form was opened.
    :raises ServiceError: duplicate e-mail or a bad value.
    """
    check_version(user, version, _("This account was changed by someone else while you were editing it, so your "
                                   "changes were not saved. Check the current data on the account's page; saving "
                                   "this form again will replace it with what you see here."))
    email = normalise_email(email)
    _check_email_free(email, user)
    user.email = email
    user.last_name = last_name.strip()
    user.first_name = first_name.strip()
    user.middle_name = (middle_name or "").strip() or None
    user.phone = phone or None
    if roles is not None:
        _set_roles(user, set(roles))
    if profile is not None:
        apply_profile(user, profile)
    touch(user)
    db.session.flush()
    return user


def touch(user: User) -> None:
    """Mark the account itself as changed: its roles and profile live in other tables, and an edit of
    only those must still bump ``User.version`` (and meet its check) like any other edit."""
    user.updated_at = utcnow()


def deactivate_user(user: User, actor: User | None = None) -> None:
    """Block sign-in; the account's history stays. Plugins react to ``user_deactivated``."""
    if not user.active:
        return
    user.active = False
    user.password_changed_at = utcnow()  # reset links issued before stop working
    end_all_sessions(user)
    db.session.flush()
    signals.user_deactivated.send(current_app._get_current_object(), user=user, actor=actor)


def activate_user(user: User) -> None:
    user.active = True
    db.session.flush()


def count_by_role() -> dict[str, int]:
    """Active users per role, counted in SQL."""
    rows = db.session.execute(
        select(UserRole.role, func.count()).join(User).where(User.active.is_(True)).group_by(UserRole.role)
    )
    return {role: n for role, n in rows}
