"""Named permissions per role (the one map), the view decorator, and per-object rules of the core."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, abort, current_app
from flask_login import current_user

from lms.i18n import _l
from lms.registries import register, registered
from lms.users.choices import ROLES


@dataclass(frozen=True)
class Permission:
    """A named right and the roles that hold it.

    :param name: ``package.verb_object``, e.g. ``courses.mark_attendance``.
    :param roles: role codes (see ``lms.users.choices.ROLES``) that hold it.
    :param description: lazy-translated text for the roles page.
    """

    name: str
    roles: frozenset[str]
    description: object = ""


def perm(name: str, roles: Iterable[str], description: object = "") -> Permission:
    """Shorthand used by the core and plugins to declare a permission."""
    return Permission(name, frozenset(roles), description)


CORE_PERMISSIONS: tuple[Permission, ...] = (
    perm("users.view", {"admin", "staff", "tutor"}, _l("See the directory of users and teachers")),
    perm("users.manage", {"admin"}, _l("Create, edit and deactivate user accounts")),
    perm("users.import", {"admin", "staff"}, _l("Import teachers from a CSV or XLSX file")),
    perm("orgs.view", {"admin", "staff", "tutor"}, _l("See municipalities, schools and associations")),
    perm("orgs.manage", {"admin", "staff"}, _l("Create and edit municipalities, schools and associations")),
    perm("roles.view", {"admin"}, _l("See which role holds which permission")),
    perm("reports.view", {"admin", "staff"}, _l("See reports and effectiveness indicators")),
    perm("reports.indicators", {"admin", "staff", "tutor"},
         _l("See the effectiveness indicators: the head all, staff their municipality, a tutor their teachers")),
    perm("reports.all", {"admin"}, _l("See the indicators of every municipality")),
)


def register_permissions(app: Flask, permissions: Iterable[Permission]) -> None:
    """Add permissions to the app's registry; a name may be declared only once."""
    for permission in permissions:
        unknown = permission.roles - ROLES.keys()
        if unknown:
            raise ValueError(f"Permission {permission.name!r} names unknown roles {sorted(unknown)}")
        register(app, "lms.permissions", permission.name, permission, "Permission")


def all_permissions(app: Flask | None = None) -> dict[str, Permission]:
    return registered("lms.permissions", app)


def has_permission(user, name: str) -> bool:
    """True when one of ``user``'s roles holds permission ``name``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    permission = all_permissions().get(name)
    if permission is None:
        raise KeyError(f"Unknown permission {name!r}")  # a typo must fail loudly, not deny silently
    return bool(permission.roles & user.role_codes)


def permission_required(name: str) -> Callable:
    """View decorator: anonymous users go to the login page, users without ``name`` get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not has_permission(current_user, name):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = name
        return wrapped

    return decorator


# Per-object rules of the core. Views check them in their load helpers; templates call the same
# functions (registered as globals in create_app) to hide what the server would refuse.

def can_manage_user(actor, target) -> bool:
    """Admins manage every account (what they may do to their own is narrowed by the rules below)."""
    return has_permission(actor, "users.manage")


def can_deactivate_user(actor, target) -> bool:
    """An admin may deactivate anyone but themselves (the service must never lose its last admin)."""
    return can_manage_user(actor, target) and actor.id != target.id


def can_edit_roles(actor, target) -> bool:
    """Admins set roles, except their own: a slip must not lock the head of service out."""
    return can_manage_user(actor, target) and actor.id != target.id


TEMPLATE_RULES = {
    "can_manage_user": can_manage_user,
    "can_deactivate_user": can_deactivate_user,
    "can_edit_roles": can_edit_roles,
}
