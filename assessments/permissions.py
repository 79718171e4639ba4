"""Permissions the assessments plugin adds, and its per-object rules."""

from lms.i18n import _l
from lms.users.permissions import perm

PERMISSIONS = (
    perm("assessments.view", {"teacher", "tutor", "staff", "admin"}, _l("See diagnostics and routes")),
    perm("assessments.manage", {"staff", "admin"}, _l("Edit the competency framework and the item bank")),
)
