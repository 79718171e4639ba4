"""The assessments plugin's description for the core (:class:`lms.plugins.Plugin`) and its ``init_app`` hook."""

from flask import Flask

from assessments.blueprint import bp
from assessments.permissions import PERMISSIONS, TEMPLATE_RULES
from lms.i18n import _l
from lms.plugins import NavItem, Plugin


def init_app(app: Flask) -> None:
    from assessments.cli import assessments_cli
    from assessments.services.routes import progress

    app.cli.add_command(assessments_cli)
    progress.connect()
    app.jinja_env.globals.update(TEMPLATE_RULES)
    from assessments import lti, reports
    from assessments.services import practical
    from courses.api import register_work_source

    register_work_source(app, practical.SOURCE, practical.describe)
    reports.init_app(app)
    from assessments.services import recalculation
    from lms.reports import jobs

    jobs.register_kind(app, recalculation.KIND, recalculation.build)
    lti.register(app)
    from assessments import queries
    from lms.references import Source, register_source

    # The framework's competencies tag other plugins' records (the library's materials) without their importing us.
    register_source(app, Source("competency", "framework", _l("Digital competence"), queries.competency_choices,
                                queries.competency_titles))


def load_demo(objects: dict) -> None:
    """``flask demo load``: the plugin's demo data (imported here, so describing the plugin loads no services)."""
    from assessments import demo

    demo.load(objects)


plugin = Plugin(
    name="assessments",
    blueprint=bp,
    url_prefix="/assessments",
    requires=("courses",),
    permissions=PERMISSIONS,
    init_app=init_app,
    views=("assessments.views",),
    demo_loader=load_demo,
    nav=(NavItem(_l("Diagnostics"), "assessments.home", "assessments.view", order=200,
                 description=_l("Deficit diagnostics and individual educational routes")),
         NavItem(_l("Caseload"), "assessments.caseload", "assessments.routes", order=201,
                 description=_l("The teachers you support, their routes and what needs your attention"))),
)
