"""Assessments plugin: competency framework, item bank, deficit diagnostics, individual routes."""

from flask import Flask

from assessments import demo
from assessments.blueprint import bp
from assessments.permissions import PERMISSIONS, TEMPLATE_RULES
from lms.i18n import _l
from lms.plugins import NavItem, Plugin

from assessments import views  # noqa: E402,F401  (attaches the routes to bp)


def init_app(app: Flask) -> None:
    from assessments.cli import assessments_cli

    from assessments.services.routes import progress

    app.cli.add_command(assessments_cli)
    progress.connect()
    from assessments.services import practical
    from courses.api import register_work_source

    register_work_source(app, practical.SOURCE, practical.describe)
    from assessments import reports

    reports.init_app(app)
    app.jinja_env.globals.update(TEMPLATE_RULES)
    from assessments import lti

    lti.register(app)


plugin = Plugin(
    name="assessments",
    blueprint=bp,
    url_prefix="/assessments",
    requires=("courses",),
    permissions=PERMISSIONS,
    init_app=init_app,
    demo_loader=demo.load,
    nav=(NavItem(_l("Diagnostics"), "assessments.home", "assessments.view", order=200,
                 description=_l("Deficit diagnostics and individual educational routes")),),
)
