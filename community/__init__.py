"""Community plugin: the methodological service's work with its teachers beyond courses and tests —
associations (МО/РМО and temporary groups) with their meetings, and mentoring."""

from flask import Flask

from community import demo
from community.blueprint import bp
from community.permissions import PERMISSIONS, TEMPLATE_RULES
from lms.i18n import _l
from lms.plugins import NavItem, Plugin

from community import views  # noqa: E402,F401  (attaches the routes to bp)


def init_app(app: Flask) -> None:
    from community import choices, evidence, queries
    from community.cli import community_cli
    from lms.users.relations import register_relation

    app.jinja_env.globals.update(TEMPLATE_RULES, community_choices=choices)
    app.cli.add_command(community_cli)
    evidence.register(app)
    register_relation(app, "mentor", queries.mentors_of)


plugin = Plugin(
    name="community",
    blueprint=bp,
    url_prefix="/community",
    permissions=PERMISSIONS,
    nav=(NavItem(_l("My participation"), "community.home", "community.view", order=300,
                 description=_l("Your methodological associations, their meetings and your mentoring")),
         NavItem(_l("Associations"), "community.associations", "community.view", order=301,
                 description=_l("МО, РМО, creative, working, problem and expert groups")),
         NavItem(_l("Mentoring"), "community.pairs", "community.view_mentoring", order=302,
                 description=_l("Mentoring pairs, the register of mentors and young specialists"))),
    init_app=init_app,
    demo_loader=demo.load,
)
