"""Courses plugin: IT-школа and Smart-школа programmes, groups, schedule, attendance, consultations."""

from courses.blueprint import bp
from courses.permissions import PERMISSIONS
from lms.i18n import _l
from lms.plugins import NavItem, Plugin

from courses import views  # noqa: E402,F401  (attaches the routes to bp)

plugin = Plugin(
    name="courses",
    blueprint=bp,
    url_prefix="/courses",
    permissions=PERMISSIONS,
    nav=(NavItem(_l("Programmes"), "courses.home", "courses.view", order=100,
                 description=_l("IT-школа, Smart-школа and other programmes, your groups and schedule")),),
)
