"""Navigation entries of the core; plugins add theirs through Plugin.nav."""

from lms.i18n import _l
from lms.plugins import NavItem

CORE_NAV = (
    NavItem(_l("Home"), "main.dashboard", None, order=0),
    NavItem(_l("Users"), "users.index", "users.view", order=800,
            description=_l("Accounts, roles and teachers' profiles")),
    NavItem(_l("Schools"), "orgs.schools", "orgs.view", order=810,
            description=_l("Municipalities, schools and methodological associations")),
    NavItem(_l("Indicators"), "reports.indicators", "reports.indicators", order=890,
            description=_l("Effectiveness indicators of the service, each number with the records behind it")),
    NavItem(_l("LTI"), "lti.platforms", "lti.manage", order=850,
            description=_l("Platforms that open our content, and the scores sent to their gradebooks")),
    NavItem(_l("Reports"), "reports.index", "reports.view", order=900,
            description=_l("Reports of the programmes, diagnostics and routes")),
)
