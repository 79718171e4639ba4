"""Permissions the courses plugin adds, and its per-object rules."""

from lms.i18n import _l
from lms.users.permissions import perm

PERMISSIONS = (
    perm("courses.view", {"teacher", "tutor", "staff", "admin"}, _l("See the programmes catalogue")),
    perm("courses.manage_catalogue", {"staff", "admin"}, _l("Edit programmes, modules and lessons")),
)
