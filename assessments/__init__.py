"""Assessments plugin: competency framework, item bank, deficit diagnostics, individual routes."""

from assessments.blueprint import bp
from assessments.permissions import PERMISSIONS
from lms.i18n import _l
from lms.plugins import NavItem, Plugin

from assessments import views  # noqa: E402,F401  (attaches the routes to bp)

plugin = Plugin(
    name="assessments",
    blueprint=bp,
    url_prefix="/assessments",
    requires=("courses",),
    permissions=PERMISSIONS,
    nav=(NavItem(_l("Diagnostics"), "assessments.home", "assessments.view", order=200,
                 description=_l("Deficit diagnostics and individual educational routes")),),
)
