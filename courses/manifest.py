"""The courses plugin's description for the core (:class:`lms.plugins.Plugin`) and its ``init_app`` hook."""

from flask import Flask

from courses.blueprint import bp
from courses.permissions import PERMISSIONS, TEMPLATE_RULES
from lms.i18n import _l
from lms.plugins import NavItem, Plugin


def init_app(app: Flask) -> None:
    from courses import choices

    app.config.setdefault("COURSES_CANCEL_HOURS", 2)  # a teacher may cancel until this long before
    app.config.setdefault("COURSES_SLOT_WEEKS", 8)  # how far ahead office hours are cut into slots
    app.config.setdefault("COURSES_ONLINE_PRESENT_SHARE", 0.7)  # of a session, to count as present online
    app.config.setdefault("COURSES_CHECKIN_RATE_LIMIT", "5 per minute;20 per hour")  # wrong check-in codes per person
    app.jinja_env.globals.update(TEMPLATE_RULES, courses_choices=choices)
    from courses.cli import courses_cli

    app.cli.add_command(courses_cli)
    from courses import lti, reports
    from courses.api import register_work_source
    from courses.services.works import COURSE_TASK, describe_course_works

    register_work_source(app, COURSE_TASK, describe_course_works)
    reports.init_app(app)
    lti.register(app)


def load_demo(objects: dict) -> None:
    """``flask demo load``: the plugin's demo data (imported here, so describing the plugin loads no services)."""
    from courses import demo

    demo.load(objects)


plugin = Plugin(
    name="courses",
    blueprint=bp,
    url_prefix="/courses",
    permissions=PERMISSIONS,
    nav=(NavItem(_l("Programmes"), "courses.home", "courses.view", order=100,
                 description=_l("IT-школа, Smart-школа and other programmes, your groups and schedule")),
         NavItem(_l("Schedule"), "courses.my_schedule", "courses.view", order=102,
                 description=_l("Your sessions and consultations week by week, also in your phone's calendar")),
         NavItem(_l("Today"), "courses.tutor_today", "courses.mark_attendance", order=103,
                 description=_l("Today's sessions: attendance sheets and self check-in")),
         NavItem(_l("Reviews"), "courses.review_queue", "courses.review_assignments", order=104,
                 description=_l("One inbox: diagnostics' practical tasks and course assignments waiting for review")),
         NavItem(_l("My assignments"), "courses.my_assignments", "courses.apply_to_groups", order=104,
                 description=_l("Modules assigned to you with due dates, and your practical work")),
         NavItem(_l("Certificates"), "courses.certificates", "courses.apply_to_groups", order=106,
                 description=_l("Certificates of the programmes you have completed")),
         NavItem(_l("Groups"), "courses.groups", "courses.view_groups", order=105,
                 description=_l("Study groups, their lists, applications and approval by order")),
         NavItem(_l("Consultations"), "courses.consultations",
                 ("courses.book_consultation", "courses.hold_consultations", "courses.view_consultations"),
                 order=110, description=_l("Individual consultations with tutors at their office hours"))),
    init_app=init_app,
    views=("courses.views",),
    demo_loader=load_demo,
)
