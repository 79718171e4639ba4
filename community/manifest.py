"""The community plugin's description for the core (:class:`lms.plugins.Plugin`) and its ``init_app`` hook."""

from flask import Flask

from community.blueprint import bp
from community.permissions import PERMISSIONS, TEMPLATE_RULES
from lms.i18n import _l
from lms.plugins import NavItem, Plugin


def load_demo(objects: dict) -> None:
    """``flask demo load``: the plugin's demo data (imported here, so describing the plugin loads no services)."""
    from community import demo

    demo.load(objects)


def init_app(app: Flask) -> None:
    from community import choices, evidence, filters, queries
    from community.cli import community_cli
    from lms.references import Source, register_source
    from lms.users.relations import register_relation

    app.config.setdefault("COMMUNITY_VISIT_CRITERIA", choices.VISIT_CRITERIA)  # the lesson-visit protocol's lines
    app.config.setdefault("COMMUNITY_APPEAL_DAYS", 30)  # days for a written answer (59-ФЗ, art. 12)
    app.jinja_env.globals.update(TEMPLATE_RULES, community_choices=choices, community_export_url=filters.export_url)
    app.cli.add_command(community_cli)
    evidence.register(app)
    register_relation(app, "mentor", queries.mentors_of)
    # Internship and base sites organise internships of the route catalogue (assessments never imports us).
    register_source(app, Source("organiser", "school_status", _l("School's status"), queries.organiser_choices,
                                queries.organiser_titles))


plugin = Plugin(
    name="community",
    blueprint=bp,
    url_prefix="/community",
    requires=("courses",),  # work-plan items link to programmes through courses.api
    permissions=PERMISSIONS,
    nav=(NavItem(_l("My participation"), "community.home", "community.view", order=300,
                 description=_l("Your methodological associations, their meetings and your mentoring")),
         NavItem(_l("Associations"), "community.associations", "community.view", order=301,
                 description=_l("МО, РМО, creative, working, problem and expert groups")),
         NavItem(_l("Mentoring"), "community.pairs", "community.view_mentoring", order=302,
                 description=_l("Mentoring pairs, the register of mentors and young specialists")),
         NavItem(_l("Events"), "community.events", "community.view", order=303,
                 description=_l("Round tables, seminars, master classes, conferences and network projects")),
         NavItem(_l("Contests"), "community.contests", "community.view", order=304,
                 description=_l("Contests of professional skill: applications and results")),
         NavItem(_l("Lesson visits"), "community.visits", "community.visit_lessons", order=305,
                 description=_l("Lesson visits and open lessons with their protocol and recommendations")),
         NavItem(_l("Appeals"), "community.appeals", "community.handle_appeals", order=306,
                 description=_l("Teachers' written appeals and the answers, with their deadlines")),
         NavItem(_l("Work plan"), "community.plans", "community.view", order=307,
                 description=_l("The service's annual work plan approved by the council, item by item")),
         NavItem(_l("Materials"), "community.library", "community.view", order=308,
                 description=_l("Normative and methodological materials and the bank of best practice"))),
    init_app=init_app,
    demo_loader=load_demo,
    views=("community.views",),
)
