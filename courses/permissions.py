"""Permissions the courses plugin adds, and its per-object rules."""

from lms.i18n import _l
from lms.users.permissions import has_permission, perm

PERMISSIONS = (
    perm("courses.view", {"teacher", "tutor", "staff", "admin"}, _l("See the programmes catalogue")),
    perm("courses.manage_catalogue", {"staff", "admin"}, _l("Edit programmes, modules and lessons")),
)


def can_view_programme(user, programme) -> bool:
    """Published programmes are open to every signed-in role; drafts and archives to catalogue editors."""
    return programme.status == "published" or has_permission(user, "courses.manage_catalogue")


def can_edit_catalogue(user, _obj=None) -> bool:
    return has_permission(user, "courses.manage_catalogue")


TEMPLATE_RULES = {"can_view_programme": can_view_programme, "can_edit_catalogue": can_edit_catalogue}
