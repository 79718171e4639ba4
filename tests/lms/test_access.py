"""Every URL, walked anonymously and by every role: anonymous → login, wrong role → 403, right role → 200."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import event, text

from assessments.models import (
    Activity,
    ActivityCoverage,
    Attempt,
    Competency,
    Diagnostic,
    Domain,
    Framework,
    Item,
    ItemParameters,
    Route,
    RouteStep,
)
from assessments.services.practical import hand_in as hand_in_practical
from community.models import (
    Appeal,
    Contest,
    ContestApplication,
    LessonVisit,
    Material,
    Meeting,
    MentoringMeeting,
    MentoringPair,
    NetworkEvent,
    PlanItem,
    Practice,
    SchoolStatus,
    WorkPlan,
)
from courses.services.assignments import save_task
from courses.services.consultations import book
from courses.services.groups import GroupData, apply, save_group
from courses.services.schedule import SessionPlan, plan_series, save_room
from lms import create_app
from lms.extensions import db, limiter
from lms.lti.models import LtiTool
from lms.models.mixins import utcnow
from lms.orgs.models import MethodAssociation, School
from lms.reports.registry import Report, ReportTable, register_report
from lms.users.models import User
from tests.conftest import _wipe, app_config, make_people
from tests.factories import make_office_hours, make_programme

ROLES = ("teacher", "tutor", "staff", "admin")
ALL = set(ROLES)

#: endpoint → (URL, roles that get 200). Each GET page of the app must be listed here.
PAGES = {
    "main.dashboard": ("/", ALL),
    "main.profile": ("/profile", ALL),
    "auth.change_password": ("/auth/password", ALL),
    "users.index": ("/admin/users/", {"tutor", "staff", "admin"}),
    "users.detail": ("/admin/users/{teacher}", {"tutor", "staff", "admin"}),
    "users.create": ("/admin/users/new", {"admin"}),
    "users.edit": ("/admin/users/{teacher}/edit", {"admin"}),
    "users.import_teachers": ("/admin/users/import", {"staff", "admin"}),
    "users.import_template": ("/admin/users/import/template.csv", {"staff", "admin"}),
    "users.roles": ("/admin/users/roles", {"admin"}),
    "orgs.schools": ("/admin/orgs/schools", {"tutor", "staff", "admin"}),
    "orgs.school_edit": ("/admin/orgs/schools/{school}/edit", {"staff", "admin"}),
    "orgs.municipalities": ("/admin/orgs/municipalities", {"tutor", "staff", "admin"}),
    "orgs.municipality_edit": ("/admin/orgs/municipalities/{municipality}/edit", {"staff", "admin"}),
    "orgs.associations": ("/admin/orgs/associations", {"tutor", "staff", "admin"}),
    "orgs.association_edit": ("/admin/orgs/associations/{association}/edit", {"staff", "admin"}),
    "reports.index": ("/reports/", {"tutor", "staff", "admin"}),
    "reports.show": ("/reports/test.table", {"staff", "admin"}),
    "reports.report_file": ("/reports/test.table/table.csv", {"staff", "admin"}),
    "reports.indicators": ("/reports/indicators/", {"tutor", "staff", "admin"}),
    "reports.indicators_chart": ("/reports/indicators/chart.svg", {"tutor", "staff", "admin"}),
    "reports.indicators_file": ("/reports/indicators/indicators.xlsx", {"tutor", "staff", "admin"}),
    "reports.indicator": ("/reports/indicators/targeted_support/", {"tutor", "staff", "admin"}),
    "reports.indicator_file": ("/reports/indicators/targeted_support/records.csv", {"tutor", "staff", "admin"}),
    "lti.platforms": ("/lti/", {"staff", "admin"}),
    "lti.passbacks": ("/lti/passbacks", {"staff", "admin"}),
    "lti.platform_new": ("/lti/platforms/new", {"staff", "admin"}),
    "lti.rosters": ("/lti/rosters", {"staff", "admin"}),
    "lti.tools_list": ("/lti/tools", {"staff", "admin"}),
    "lti.tool_new": ("/lti/tools/new", {"staff", "admin"}),
    "lti.tool_edit": ("/lti/tools/{tool}/edit", {"staff", "admin"}),
    "courses.home": ("/courses/", ALL),
    "courses.programme": ("/courses/programmes/{programme}", ALL),
    "courses.lesson": ("/courses/lessons/{lesson}", ALL),
    "courses.programme_edit": ("/courses/programmes/{programme}/edit", {"staff", "admin"}),
    "courses.module_edit": ("/courses/modules/{module}/edit", {"staff", "admin"}),
    "courses.lesson_edit": ("/courses/lessons/{lesson}/edit", {"staff", "admin"}),
    "courses.consultations": ("/courses/consultations/", ALL),
    "courses.tutor_consultations": ("/courses/consultations/tutor", {"tutor"}),
    "courses.office_hours_edit": ("/courses/consultations/office-hours/{office_hours}/edit", {"tutor"}),
    "courses.booking_outcome": ("/courses/consultations/bookings/{booking}/outcome", {"tutor"}),
    "courses.all_consultations": ("/courses/consultations/all", {"staff", "admin"}),
    "courses.groups": ("/courses/groups/", {"tutor", "staff", "admin"}),
    "courses.group": ("/courses/groups/{group}", {"tutor", "staff", "admin"}),
    "courses.group_edit": ("/courses/groups/{group}/edit", {"staff", "admin"}),
    "courses.group_export": ("/courses/groups/{group}/list.xlsx", {"tutor", "staff", "admin"}),
    "courses.module_assign": ("/courses/modules/{module}/assign", {"staff", "admin"}),
    "courses.my_schedule": ("/courses/schedule/", ALL),
    "courses.group_schedule": ("/courses/groups/{group}/schedule", {"tutor", "staff", "admin"}),
    "courses.session_move": ("/courses/sessions/{session}/move", {"staff", "admin"}),
    "courses.rooms": ("/courses/rooms/", {"tutor", "staff", "admin"}),
    "courses.room_edit": ("/courses/rooms/{room}/edit", {"staff", "admin"}),
    "notifications.index": ("/notifications/", ALL),
    "community.home": ("/community/", ALL),
    "community.associations": ("/community/associations/", ALL),
    "community.association": ("/community/associations/{association}", ALL),
    "community.association_edit": ("/community/associations/{association}/edit", {"staff", "admin"}),
    # the teacher is not a member of the association: its meetings are not theirs to read
    "community.meeting": ("/community/meetings/{meeting}", {"tutor", "staff", "admin"}),
    "community.meeting_edit": ("/community/meetings/{meeting}/edit", {"staff", "admin"}),
    "community.pairs": ("/community/mentoring/", {"tutor", "staff", "admin"}),
    # the tutor mentors the teacher in this pair
    "community.pair": ("/community/mentoring/{pair}", ALL),
    "community.pair_edit": ("/community/mentoring/{pair}/edit", {"staff", "admin"}),
    "community.mentors": ("/community/mentoring/mentors", {"tutor", "staff", "admin"}),
    "community.young_specialists": ("/community/mentoring/young-specialists", {"tutor", "staff", "admin"}),
    "community.visits": ("/community/visits/", {"tutor", "staff", "admin"}),
    "community.visit": ("/community/visits/{visit}", ALL),  # the teacher's own lesson was visited
    "community.visit_edit": ("/community/visits/{visit}/edit", {"tutor", "staff", "admin"}),  # the tutor visited
    "community.appeals": ("/community/appeals/", {"staff", "admin"}),
    "community.appeal_new": ("/community/appeals/new", {"teacher", "staff", "admin"}),
    "community.appeal": ("/community/appeals/{appeal}", {"teacher", "staff", "admin"}),  # the teacher's own
    "community.events": ("/community/events/", ALL),
    "community.event": ("/community/events/{event}", ALL),
    "community.event_edit": ("/community/events/{event}/edit", {"staff", "admin"}),
    "community.contests": ("/community/contests/", ALL),
    "community.contest": ("/community/contests/{contest}", ALL),
    "community.contest_edit": ("/community/contests/{contest}/edit", {"staff", "admin"}),
    "community.export": ("/community/export/pairs.xlsx", {"tutor", "staff", "admin"}),
    "community.import_lists": ("/community/import", {"staff", "admin"}),
    "community.plans": ("/community/plans/", ALL),
    "community.plan": ("/community/plans/{plan}", ALL),
    "community.plan_edit": ("/community/plans/{plan}/edit", {"staff", "admin"}),
    "community.plan_item_edit": ("/community/plans/items/{plan_item}/edit", {"staff", "admin"}),
    "community.library": ("/community/library/", ALL),
    "community.material_edit": ("/community/library/{material}/edit", {"staff", "admin"}),
    "community.practices": ("/community/practice/", ALL),
    "community.practice": ("/community/practice/{practice}", ALL),  # published
    "community.practice_edit": ("/community/practice/{own_practice}/edit", {"teacher"}),  # the teacher's own
    "community.school_statuses": ("/community/school-statuses/", ALL),
    "community.school_status_edit": ("/community/school-statuses/{school_status}/edit", {"staff", "admin"}),
    "courses.attendance_sheet": ("/courses/sessions/{session}/attendance", {"tutor", "staff", "admin"}),
    "courses.checkin_screen": ("/courses/sessions/{session}/checkin", {"tutor", "staff", "admin"}),
    "courses.checkin": ("/courses/checkin", ALL),
    "courses.group_attendance": ("/courses/groups/{group}/attendance", {"tutor", "staff", "admin"}),
    "courses.tutor_today": ("/courses/today", {"tutor", "staff", "admin"}),
    "courses.task": ("/courses/tasks/{task}", ALL),
    "courses.task_edit": ("/courses/tasks/{task}/edit", {"staff", "admin"}),
    "courses.review_queue": ("/courses/reviews/", {"tutor", "staff", "admin"}),
    "courses.certificates": ("/courses/certificates/", ALL),
    "courses.my_assignments": ("/courses/assignments/", {"teacher"}),
    "courses.my_attendance": ("/courses/attendance/mine", {"teacher"}),
    # a diagnostic's practical task of a teacher the tutor supports (course work: tests/courses/test_assignments.py)
    "courses.work_review": ("/courses/works/{work}/review", {"tutor", "staff", "admin"}),
    "assessments.home": ("/assessments/", ALL),
    "assessments.framework": ("/assessments/framework/", ALL),
    "assessments.result": ("/assessments/attempts/{finished_attempt}/result", ALL),  # the tutor supports the teacher
    "assessments.diagnostics": ("/assessments/diagnostics/", {"staff", "admin"}),
    "assessments.diagnostic_edit": ("/assessments/diagnostics/{diagnostic}/edit", {"staff", "admin"}),
    "assessments.bank_index": ("/assessments/bank/", {"staff", "admin"}),
    "assessments.targets_edit": ("/assessments/framework/{framework}/targets", {"staff", "admin"}),
    "assessments.competency_edit": ("/assessments/competencies/{competency}/edit", {"staff", "admin"}),
    "assessments.bank_export": ("/assessments/bank/export", {"staff", "admin"}),
    "assessments.item_edit": ("/assessments/bank/items/{item}/edit", {"staff", "admin"}),
    "assessments.bank_statistics": ("/assessments/bank/statistics", {"staff", "admin"}),
    "assessments.practical_hand_in": ("/assessments/attempts/{finished_attempt}/practical/{practical_item}",
                                      {"teacher"}),
    "assessments.route": ("/assessments/routes/{route}", ALL),  # the tutor supports the teacher
    "assessments.route_document_file": ("/assessments/routes/{route}/document.docx", ALL),
    "assessments.caseload": ("/assessments/routes/caseload", {"tutor", "staff", "admin"}),
    "assessments.group_routes_xlsx": ("/assessments/groups/{group}/routes.xlsx", {"tutor", "staff", "admin"}),
    "assessments.catalogue": ("/assessments/catalogue/", {"staff", "admin"}),
    "assessments.activity_edit": ("/assessments/catalogue/{activity}/edit", {"staff", "admin"}),
}
#: Extra URLs of endpoints with several rules (the "new" forms).
EXTRA_PAGES = {
    "/admin/orgs/schools/new": {"staff", "admin"},
    "/admin/orgs/municipalities/new": {"staff", "admin"},
    "/admin/orgs/associations/new": {"staff", "admin"},
    "/courses/programmes/new": {"staff", "admin"},
    "/courses/programmes/{programme}/modules/new": {"staff", "admin"},
    "/courses/modules/{module}/lessons/new": {"staff", "admin"},
    "/courses/consultations/office-hours/new": {"tutor"},
    "/courses/groups/new": {"staff", "admin"},
    "/courses/rooms/new": {"staff", "admin"},
    "/courses/modules/{module}/tasks/new": {"staff", "admin"},
    "/assessments/diagnostics/new": {"staff", "admin"},
    "/assessments/bank/items/new": {"staff", "admin"},
    "/assessments/catalogue/new": {"staff", "admin"},
    "/community/associations/new": {"staff", "admin"},
    "/community/associations/{association}/meetings/new": {"staff", "admin"},
    "/community/mentoring/new": {"staff", "admin"},
    "/community/visits/new": {"tutor", "staff", "admin"},
    "/community/events/new": {"staff", "admin"},
    "/community/contests/new": {"staff", "admin"},
    "/community/plans/new": {"staff", "admin"},
    "/community/plans/{plan}/items/new": {"staff", "admin"},
    "/community/library/new": {"staff", "admin"},
    "/community/practice/new": {"teacher"},
    "/community/school-statuses/new": {"staff", "admin"},
}
#: POST-only actions: (URL, roles allowed to act).
ACTIONS = {
    "users.deactivate": ("/admin/users/{teacher}/deactivate", {"admin"}),
    "users.activate": ("/admin/users/{teacher}/activate", {"admin"}),
    "users.send_link": ("/admin/users/{teacher}/send-link", {"admin"}),
    "courses.lesson_studied": ("/courses/lessons/{lesson}/studied", {"teacher"}),
    "courses.programme_status": ("/courses/programmes/{programme}/status/published", {"staff", "admin"}),
    "courses.module_move": ("/courses/modules/{module}/move/down", {"staff", "admin"}),
    "courses.book_slot": ("/courses/consultations/slots/{free_slot}/book", {"teacher"}),
    "courses.cancel_booking": ("/courses/consultations/bookings/{booking}/cancel", {"teacher", "tutor"}),
    "courses.group_apply": ("/courses/groups/{group}/apply", {"teacher"}),
    "courses.group_add_members": ("/courses/groups/{group}/members", {"staff", "admin"}),
    "courses.enrolment_decide": ("/courses/enrolments/{enrolment}/accept", {"staff", "admin"}),
    "courses.enrolment_withdraw": ("/courses/enrolments/{enrolment}/withdraw", {"teacher", "staff", "admin"}),
    "courses.group_approve": ("/courses/groups/{group}/approve", {"admin"}),
    "courses.renew_feed": ("/courses/schedule/feed/renew", ALL),
    "courses.session_cancel": ("/courses/sessions/{session}/cancel", {"staff", "admin"}),
    "notifications.read_all": ("/notifications/read", ALL),
    "community.join": ("/community/associations/{association}/join", {"teacher"}),
    "community.leave": ("/community/associations/{association}/leave", ALL),
    "community.add_member": ("/community/associations/{association}/members", {"staff", "admin"}),
    "community.remove_member": ("/community/associations/{association}/members/{teacher}/remove",
                                {"staff", "admin"}),
    "community.pair_plan_meeting": ("/community/mentoring/{pair}/meetings", {"tutor", "staff", "admin"}),
    "community.pair_record_meeting": ("/community/mentoring/meetings/{pair_meeting}/record",
                                      {"tutor", "staff", "admin"}),
    "community.event_register": ("/community/events/{event}/register", {"teacher"}),
    "community.event_unregister": ("/community/events/{event}/unregister", {"teacher"}),
    "community.event_add_speaker": ("/community/events/{event}/speakers", {"staff", "admin"}),
    "community.event_attendance": ("/community/events/{event}/attendance", {"staff", "admin"}),
    "community.contest_decide": ("/community/contests/applications/{application}/decide", {"staff", "admin"}),
    "community.plan_approve": ("/community/plans/{plan}/approve", {"staff", "admin"}),
    "courses.attendance_all_present": ("/courses/sessions/{session}/attendance/all-present",
                                       {"tutor", "staff", "admin"}),
    "courses.attendance_import": ("/courses/sessions/{session}/attendance/import", {"tutor", "staff", "admin"}),
    "courses.lesson_file_add": ("/courses/lessons/{lesson}/files", {"staff", "admin"}),
    "assessments.attempt_start": ("/assessments/diagnostics/{diagnostic}/start", {"teacher"}),
    "assessments.attempt_answer": ("/assessments/attempts/{finished_attempt}/answer", {"teacher"}),
    "assessments.diagnostic_status": ("/assessments/diagnostics/{diagnostic}/status/open", {"staff", "admin"}),
    "assessments.bank_import": ("/assessments/bank/import", {"staff", "admin"}),
    "assessments.bank_recalculate": ("/assessments/bank/statistics/{framework}/recalculate", {"staff", "admin"}),
    "assessments.route_plan": ("/assessments/routes/{route}/plan", ALL),  # a draft: its teacher and tutor, staff
    "assessments.route_submit": ("/assessments/routes/{route}/submit", ALL),
    "assessments.route_return": ("/assessments/routes/{route}/return", {"tutor", "staff", "admin"}),
    "assessments.route_approve": ("/assessments/routes/{route}/approve", {"tutor", "staff", "admin"}),
    "assessments.route_propose": ("/assessments/routes/{route}/propose", {"teacher"}),
    "assessments.route_answer_proposal": ("/assessments/routes/{route}/proposal/decline", {"tutor", "staff", "admin"}),
    "assessments.route_complete": ("/assessments/routes/{route}/complete", {"tutor", "staff", "admin"}),
    "assessments.route_reassign": ("/assessments/routes/{route}/reassign", {"staff", "admin"}),
    "lti.tool_active": ("/lti/tools/{tool}/active", {"staff", "admin"}),
    "lti.tool_register_start": ("/lti/tools/register", {"staff", "admin"}),
    "assessments.step_add": ("/assessments/routes/{route}/steps", ALL),
    "assessments.step_change": ("/assessments/routes/steps/{step}/change", ALL),
    "assessments.step_drop": ("/assessments/routes/steps/{step}/drop", ALL),
    "assessments.step_done": ("/assessments/routes/steps/{step}/done", {"tutor", "staff", "admin"}),
}
#: Endpoints whose object rule is exercised by their own tests (the walk above cannot give them a file).
SPECIAL = {"courses.work_file", "reports.report_chart",  # a report's chart: tests/lms/test_reports.py
           "reports.export", "reports.export_file",  # one person's background file: tests/lms/test_report_jobs.py
           "courses.certificate_file", "courses.lesson_file",
           "courses.lesson_file_delete", "courses.booking_file",
           "community.meeting_minutes",  # tests/community/test_associations.py
           "community.event_material",  # tests/community/test_records.py
           "community.material_file",  # tests/community/test_library.py
           "assessments.attempt",  # an attempt in progress needs an item bank: tests/assessments/test_diagnostic.py
           "assessments.practical_queue",  # a permanent redirect to courses.review_queue: test_practical.py
           # These redirect by role or by whether a route is in work: tests/assessments/test_route_workflow.py
           "assessments.routes_home", "assessments.route_mine", "assessments.route_new",
           # They need a platform: tests/lms/lti/test_passback.py, test_registrations.py, test_roster.py
           "lti.resend", "lti.platform_active", "lti.platform_edit", "lti.roster_import",
           # Only the route's own teacher, for an LTI step: tests/lms/lti/test_platform.py
           "assessments.step_open"}
#: Reachable without signing in.
PUBLIC = {"static", "auth.login", "auth.logout", "auth.forgot_password", "auth.reset_password",
          "main.set_language", "main.health",
          "courses.calendar_feed",  # its unguessable token is the key: calendar apps cannot sign in
          "courses.verify_certificate",  # anyone holding a certificate may check it
          # LTI 1.3: platforms call these; each checks a signed token or a one-time launch id (tests/lms/lti)
          "lti.jwks", "lti.login", "lti.launch", "lti.deep_link_respond", "lti.dynamic_registration",
          # As a platform: tools call these with a bearer token or a client assertion; the authorization
          # endpoint refuses anyone but the signed-in teacher of the launch (tests/lms/lti/test_platform.py)
          "lti.platform_authorize", "lti.platform_token", "lti.platform_line_items", "lti.platform_line_item",
          "lti.platform_scores", "lti.platform_results", "lti.platform_memberships",
          # A tool's Dynamic Registration: the configuration is public, the endpoint takes a one-time token
          "lti.platform_openid_configuration", "lti.platform_register"}


def _build(people) -> dict:
    """The rows every page and action of the tables needs; returns their ids for the URLs."""
    school = people["school"]
    association = MethodAssociation(municipality_id=school.municipality_id, name="МО учителей информатики")
    db.session.add(association)
    programme = make_programme()
    module = programme.modules[0]
    hours, slots = make_office_hours(people["tutor"])
    booking = book(slots[0], people["teacher"], "Вопрос")
    group = save_group(None, version=None, data=GroupData(
        programme_id=programme.id, name="Группа 1", source="application", association_id=None,
        tutor_id=people["tutor"].id, capacity=10, starts_on=None, ends_on=None))
    enrolment = apply(group, people["teacher"])
    room = save_room(None, name="Кабинет ИКТ", capacity=20, opens=time(8), closes=time(20), weekdays="0123456")
    sessions, _warnings = plan_series(group, SessionPlan(
        module_id=module.id, first_day=date.today() + timedelta(days=7), starts=time(15), minutes=90, weeks=1,
        room_id=room.id, online_url=None, tutor_id=people["tutor"].id))
    task = save_task(module, None, version=None, title="План урока", instructions="", rubric_text="Цель — 2",
                     pass_points=1)
    framework = Framework(code="t", version="1", title="Рамка", current=True)
    diagnostic = Diagnostic(framework=framework, title="Диагностика", opens_on=date.today(), closes_on=date.today())
    finished = Attempt(diagnostic=diagnostic, user_id=people["teacher"].id, status="finished", open_key=None,
                       finished_at=utcnow(), finish_reason="completed")
    domain = Domain(framework=framework, code="D1", title="Область")
    competency = Competency(framework=framework, domain=domain, code="D1.1", title="Компетенция")
    item = Item(framework=framework, competency=competency, code="D1.1-K01", type="single_choice", status="draft",
                stem="Вопрос", content={"options": [{"text": "Да", "correct": True},
                                                     {"text": "Нет", "correct": False}]})
    diagnostic.competencies.append(competency)
    practical_item = Item(framework=framework, competency=competency, code="D1.1-P01", type="practical",
                          status="live", stem="Задание", content={"rubric": [{"criterion": "Всё", "max_points": 2}]})
    practical_item.parameters.append(ItemParameters(a=1.0, b=0.0, source="expert"))
    activity = Activity(kind="external", title="Курс", hours=4, form="course",
                        coverage=[ActivityCoverage(competency=competency, level=4)])
    route = Route(user_id=people["teacher"].id, tutor_id=people["tutor"].id, framework=framework,
                  open_key=str(people["teacher"].id), status="draft", period_start=date.today(),
                  period_end=date.today() + timedelta(days=90), weekly_hours=4)
    route.steps.append(RouteStep(activity=activity, kind="external", title="Курс", form="course", hours=4,
                                 starts_on=date.today(), ends_on=date.today() + timedelta(days=14)))
    db.session.add_all([finished, item, practical_item, route])
    db.session.flush()
    work = hand_in_practical(finished, practical_item, people["teacher"], text="Работа", link=None, upload=None,
                             now=utcnow())
    meeting = Meeting(association_id=association.id, held_on=date.today(), topic="Заседание")
    pair = MentoringPair(mentor_id=people["tutor"].id, mentee_id=people["teacher"].id, starts_on=date.today(),
                         ends_on=date.today() + timedelta(days=90))
    pair.meetings.append(MentoringMeeting(planned_on=date.today(), topic="Встреча"))
    visit = LessonVisit(visitor_id=people["tutor"].id, teacher_id=people["teacher"].id, visited_on=date.today(),
                        protocol=[{"criterion": "Цель", "note": ""}])
    appeal = Appeal(teacher_id=people["teacher"].id, received_on=date.today(), due_on=date.today(), subject="Тема",
                    text="Текст")
    event = NetworkEvent(kind="seminar", title="Семинар", held_on=date.today() + timedelta(days=3))
    contest = Contest(title="Конкурс", applications_until=date.today() + timedelta(days=3))
    contest.applications.append(ContestApplication(teacher_id=people["teacher"].id, submitted_on=date.today()))
    plan = WorkPlan(title="План", starts_on=date.today(), ends_on=date.today() + timedelta(days=300))
    plan.items.append(PlanItem(what="Семинар", due_on=date.today()))
    material = Material(kind="normative", title="Стандарт", link="https://example.org/")
    practice = Practice(author_id=people["tutor"].id, title="Практика", summary="Текст", status="published")
    own_practice = Practice(author_id=people["teacher"].id, title="Моя", summary="Текст", status="submitted")
    school_status = SchoolStatus(school_id=school.id, kind="base", theme="Тема", starts_on=date.today(),
                                 ends_on=date.today())
    tool = LtiTool(name="Тренажёр", client_id="access-tool", deployment_id="d-1",
                   login_url="https://tool.example/login", redirect_urls="https://tool.example/launch",
                   jwks_url="https://tool.example/jwks")
    db.session.add_all([meeting, pair, visit, appeal, event, contest, plan, material, practice, own_practice,
                        school_status, tool])
    db.session.flush()
    db.session.commit()
    return {"teacher": people["teacher"].id, "school": school.id, "municipality": school.municipality_id,
            "association": association.id, "programme": programme.id, "module": module.id,
            "lesson": module.lessons[0].id, "office_hours": hours.id, "booking": booking.id,
            "free_slot": slots[1].id, "group": group.id, "enrolment": enrolment.id, "room": room.id,
            "session": sessions[0].id, "task": task.id,
            "diagnostic": diagnostic.id, "finished_attempt": finished.id, "item": item.id,
            "framework": framework.id, "competency": competency.id, "practical_item": practical_item.id,
            "work": work.id, "route": route.id, "meeting": meeting.id, "pair": pair.id,
            "pair_meeting": pair.meetings[0].id, "visit": visit.id, "appeal": appeal.id, "event": event.id,
            "contest": contest.id, "application": contest.applications[0].id, "step": route.steps[0].id,
            "activity": activity.id, "plan": plan.id, "plan_item": plan.items[0].id, "material": material.id,
            "practice": practice.id, "own_practice": own_practice.id, "school_status": school_status.id,
            "tool": tool.id}


class World:
    """One app and one set of rows for the whole module: building them for each of its ~80 tests cost most of
    its time. Every test still starts from exactly these rows: a test that wrote anything (a login, an action)
    leaves the world dirty, and the rows are put back before the next test."""

    READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "SHOW")

    def __init__(self, app):
        self.app = app
        register_report(app, Report("test.table", "Test", "reports.view",
                                    lambda filters, viewer, page: ReportTable(["a"], [(1,)])))
        people = make_people()
        self.ids = _build(people)
        self.people = {role: people[role].id for role in ROLES}
        self.school = people["school"].id
        with db.engine.connect() as conn:
            self.rows = [(table, [{column.key: row._mapping[column] for column in table.columns}
                                  for row in conn.execute(table.select())])
                         for table in db.metadata.sorted_tables]
        self.sequences = []  # PostgreSQL's: (sequence, table, column, has rows)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                for table, rows in self.rows:
                    for column in table.primary_key.columns:
                        sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                               {"t": table.name, "c": column.name})
                        if sequence:
                            self.sequences.append((sequence, table.name, column.name, bool(rows)))
        db.session.remove()
        event.listen(db.engine, "before_cursor_execute", self.watch)
        self.dirty = False

    def watch(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(self.READS):
            self.dirty = True

    def restore(self):
        db.session.remove()
        with db.engine.begin() as conn:  # DELETE, not conftest's TRUNCATE: on PostgreSQL it is ~20 times cheaper
            for table, _rows in reversed(self.rows):
                conn.execute(table.delete())
            for table, rows in self.rows:
                if rows:
                    conn.execute(table.insert(), rows)
            for sequence, table, column, full in self.sequences:  # ids go on from the rows, as after a fresh build
                if full:
                    conn.execute(text(f'SELECT setval(:s, (SELECT max("{column}") FROM "{table}"))'), {"s": sequence})
                else:
                    conn.execute(text("SELECT setval(:s, 1, false)"), {"s": sequence})
        self.dirty = False


@pytest.fixture(scope="module")
def world(database_url):
    app = create_app(app_config(database_url))
    with app.app_context():
        world = World(app)
    yield world
    with app.app_context():
        event.remove(db.engine, "before_cursor_execute", world.watch)
        limiter.reset()
        db.session.remove()
        _wipe()
        db.engine.dispose()


@pytest.fixture
def app(world):
    """This module's app (overrides tests/conftest.py's), its rows as built, in an app context."""
    with world.app.app_context():
        if world.dirty:
            world.restore()
        yield world.app
        limiter.reset()
        db.session.remove()


@pytest.fixture
def people(app, world) -> dict:
    result = {role: db.session.get(User, user_id) for role, user_id in world.people.items()}
    result["school"] = db.session.get(School, world.school)
    return result


@pytest.fixture
def ids(app, people, world) -> dict:
    return dict(world.ids)


def test_every_endpoint_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = endpoints - PAGES.keys() - ACTIONS.keys() - PUBLIC - SPECIAL
    assert not unclassified, f"add these endpoints to the access table: {sorted(unclassified)}"


@pytest.mark.parametrize("endpoint", sorted(PAGES))
def test_anonymous_is_sent_to_login(client, ids, endpoint):
    url = PAGES[endpoint][0].format(**ids)
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("role", ROLES)
def test_pages_by_role(login_as, ids, role):
    client = login_as(role)
    pages = {url.format(**ids): allowed for url, allowed in (*PAGES.values(), *EXTRA_PAGES.items())}
    wrong = {}
    for url, allowed in pages.items():
        status = client.get(url).status_code
        expected = 200 if role in allowed else 403
        if status != expected:
            wrong[url] = (status, expected)
    assert not wrong, f"{role}: URL → (got, expected) {wrong}"


_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def test_every_page_title_is_short_plain_text(login_as, ids):
    """A block left open in a template pours the page into <title>: every page's title holds no markup and
    stays short (the browser tab, bookmarks and screen readers show it)."""
    wrong = {}
    for role in ROLES:
        client = login_as(role)
        for endpoint, (url, allowed) in PAGES.items():
            if role not in allowed or wrong.get(endpoint):
                continue
            response = client.get(url.format(**ids))
            if response.mimetype != "text/html":
                continue
            titles = _TITLE.findall(response.text)
            if len(titles) != 1 or "<" in titles[0] or ">" in titles[0] or len(titles[0]) > 200:
                wrong[endpoint] = (role, [t[:80] for t in titles])
    assert not wrong, f"endpoint → (role, titles) {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_actions_by_role(login_as, ids, role):
    client = login_as(role)
    for url, allowed in ACTIONS.values():
        status = client.post(url.format(**ids)).status_code
        # Allowed: done (302), or refused for the empty form (400); never 403.
        assert (status in (302, 400)) if role in allowed else status == 403, (role, url, status)


def test_anonymous_actions_are_refused(client, ids):
    for url, _allowed in ACTIONS.values():
        response = client.post(url.format(**ids))
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_unknown_object_is_404(login_as, ids):
    client = login_as("admin")
    assert client.get("/admin/users/999999").status_code == 404
    assert client.get("/admin/orgs/schools/999999/edit").status_code == 404
    assert client.post("/admin/users/999999/deactivate").status_code == 404


def test_numbers_too_large_for_an_id_are_404_in_paths_and_ignored_in_filters(app, login_as):
    huge = "9" * 25  # beyond 64 bits: SQLite overflows, PostgreSQL refuses even 2**40 for its 32-bit keys
    staff = login_as("staff")
    for path in (f"/assessments/framework/{huge}", f"/assessments/framework/{2**31}", f"/courses/groups/{huge}",
                 f"/assessments/attempts/{huge}/result"):
        assert staff.get(path).status_code == 404, path
    assert staff.post(f"/assessments/diagnostics/{2**40}/status/open").status_code == 404
    for path in (f"/assessments/bank/statistics?framework={huge}", f"/assessments/bank/?competency={huge}",
                 f"/courses/groups/new?programme_id={huge}", f"/assessments/routes/caseload?tutor={huge}"):
        assert staff.get(path).status_code == 200, path
    admin = login_as("admin")
    assert admin.get(f"/admin/users/?page={huge}").status_code == 200
    for school in (huge, str(2**31), "99999999999"):  # a select's id filter too
        assert admin.get(f"/admin/users/?school_id={school}").status_code == 200, school
    assert staff.get(f"/courses/consultations/all?page={huge}").status_code == 200


def test_menu_shows_only_what_the_role_may_open(login_as, ids):
    teacher_page = login_as("teacher").get("/").text
    admin_page = login_as("admin").get("/").text
    assert 'href="/admin/users/"' not in teacher_page
    assert 'href="/admin/users/"' in admin_page
    assert 'href="/courses/"' in teacher_page


def test_only_the_people_concerned_may_cancel_a_booking(login_as, ids, people):
    """The booking teacher and the slot's tutor may cancel; another teacher or the staff may not."""
    from tests.factories import make_user

    other = make_user("teacher", email="other-teacher@example.org")
    db.session.commit()
    url = f"/courses/consultations/bookings/{ids['booking']}/cancel"
    from tests.conftest import Client

    stranger = Client(login_as("teacher").raw.application.test_client())
    stranger.login(other.email)
    assert stranger.post(url).status_code == 403
    assert login_as("staff").post(url).status_code == 403
    assert login_as("teacher").post(url).status_code == 302


class _Forms(HTMLParser):
    """The POST forms of a page: (action, {field name: value}) with the page's CSRF token kept."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str | None, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append((attrs.get("action"), {}))
        elif tag in ("input", "textarea", "select") and self.forms and attrs.get("name"):
            self.forms[-1][1][attrs["name"]] = attrs.get("value") or ""


#: Query arguments pages read, with values no form would send: far too long, not numbers, ids no row can have.
JUNK_ARGS = "&".join(f"{name}={value}" for name, value in (
    ("q", "я" * 5000), ("page", "-1"), ("school_id", "1e99"), ("programme_id", "abc"), ("tutor", "0"),
    ("framework", "99999999999999"), ("competency", "%20"), ("status", "x" * 300), ("sort", "-" * 300),
    ("week", "-99999"), ("role", "root"), ("attention", "2"), ("code", "9" * 300), ("municipality_id", "-5"),
    ("period_start", "31.02.2026"), ("period_end", "x"), ("association_id", "1.5"), ("subject", "я" * 300)))


def test_a_nul_byte_anywhere_is_a_clear_400_on_every_page_and_form(login_as, ids):
    """Every page refuses a NUL in its query string and survives oversized or malformed arguments, every form on
    it and every action refuse a NUL in a field with the same page, and every form survives an oversized value:
    never a 500, on PostgreSQL as on SQLite. Each URL is walked once, by the first role that may open it (the
    rule does not depend on roles)."""
    clients = {role: login_as(role) for role in ROLES}
    pages = {url.format(**ids): next(role for role in ROLES if role in allowed)
             for url, allowed in (*PAGES.values(), *EXTRA_PAGES.items())}
    wrong, walked = {}, 0
    for url, role in sorted(pages.items()):
        client = clients[role]
        joiner = "&" if "?" in url else "?"
        response = client.get(f"{url}{joiner}q=%00")
        if response.status_code != 400 or "Недопустимые символы" not in response.text:
            wrong[f"GET {url}"] = response.status_code
        status = client.get(f"{url}{joiner}{JUNK_ARGS}").status_code  # oversized and malformed values
        if status >= 500:
            wrong[f"GET {url} (junk)"] = status
        page = client.get(url)
        if page.mimetype != "text/html":  # an export or a document: no forms
            continue
        parser = _Forms()
        parser.feed(page.text)
        for action, fields in parser.forms:
            names = [name for name in fields if name != "csrf_token"]
            if not names:
                continue
            # One request per form, the NUL in a different field each time: the rule reads every field alike.
            name = names[walked % len(names)]
            walked += 1
            status = client.post(action or url, {**fields, name: "Текст\x00"}).status_code
            if status != 400:
                wrong[f"POST {action or url} {name} ({role})"] = status
            # And a value far past any field's length, in another field: a form error or a refusal, never a
            # 500 (a column shorter than the text would be one on PostgreSQL).
            other = names[(walked + 1) % len(names)]
            status = client.post(action or url, {**fields, other: "я" * 20000}).status_code
            if status >= 500:
                wrong[f"POST {action or url} {other}=я×20000 ({role})"] = status
    for url, allowed in ACTIONS.values():
        role = next(role for role in ROLES if role in allowed)
        status = clients[role].post(url.format(**ids), {"comment": "a\x00b"}).status_code
        if status != 400:
            wrong[f"POST {url} ({role})"] = status
    assert not wrong, f"not refused with a 400: {wrong}"
    assert walked >= 40, "the pages' forms were not found"


def test_text_keeps_its_tabs_and_line_breaks_but_names_and_arguments_do_not(login_as, ids):
    staff = login_as("staff")
    assert staff.get("/courses/groups/?q=%09").status_code == 400  # a tab in a query argument
    form = {"title": "Урок", "body": "Строка\r\n\tещё одна", "video_url": "", "minutes": "10", "required": "y",
            "version": "1"}
    assert staff.post(f"/courses/lessons/{ids['lesson']}/edit", form).status_code != 400
    form["title"] = "Урок\x1b[31m"  # an escape sequence in a one-line field
    assert staff.post(f"/courses/lessons/{ids['lesson']}/edit", form).status_code == 400


def test_an_uploaded_file_name_with_a_control_character_is_refused_and_nothing_is_stored(app, login_as, ids):
    import io
    import os

    folder = app.config["UPLOAD_DIR"]
    before = sum(len(files) for _root, _dirs, files in os.walk(folder)) if os.path.isdir(folder) else 0
    staff = login_as("staff")
    response = staff.post(f"/courses/lessons/{ids['lesson']}/files",
                          {"file": (io.BytesIO(b"%PDF-1.4 test"), "plan\x00.pdf"), "title": "План"},
                          content_type="multipart/form-data")
    assert response.status_code == 400
    response = staff.post(f"/courses/lessons/{ids['lesson']}/files",  # a good file, a NUL in another field
                          {"file": (io.BytesIO(b"%PDF-1.4 test"), "plan.pdf"), "title": "План\x00"},
                          content_type="multipart/form-data")
    assert response.status_code == 400
    after = sum(len(files) for _root, _dirs, files in os.walk(folder)) if os.path.isdir(folder) else 0
    assert after == before


NONE_ATTRIBUTE = re.compile(r'\s([a-z][a-z-]*)="None"')


def _forms_with_fields(parser):
    """The page's own forms that ask for something: not the header's (language, signing out), not a bare button."""
    for action, fields in parser.forms:
        if action in ("", None) and "next" in fields or action and action.startswith("/auth/logout"):
            continue
        if set(fields) - {"csrf_token", "version", "next"}:
            yield action, fields


def _first_roles(ids) -> dict[str, str]:
    """Each page's URL and the first role that may open it."""
    return {url.format(**ids): next(role for role in ROLES if role in allowed)
            for url, allowed in (*PAGES.values(), *EXTRA_PAGES.items())}


def test_no_page_writes_none_into_an_attribute(login_as, ids):
    """WTForms writes a None keyword as the text "None": aria-describedby="None" points a screen reader at
    nothing. Every page, by every role that may open it, and again with its forms' errors shown."""
    clients = {role: login_as(role) for role in ROLES}
    wrong = {}
    for url, allowed in (*PAGES.values(), *EXTRA_PAGES.items()):
        for role in allowed:
            page = clients[role].get(url.format(**ids))
            if page.mimetype == "text/html" and NONE_ATTRIBUTE.search(page.text):
                wrong[f"{role} {url}"] = NONE_ATTRIBUTE.findall(page.text)
    for role, target, answer in _blank_answers(clients, _first_roles(ids).items()):
        if answer.mimetype == "text/html" and NONE_ATTRIBUTE.search(answer.text):
            wrong[f"{role} POST {target}"] = NONE_ATTRIBUTE.findall(answer.text)
    assert not wrong, wrong


def _blank_answers(clients, pages):
    """Each form of each page, sent back blank (only its CSRF token and version kept): (role, target, answer)."""
    for url, role in pages:
        page = clients[role].get(url)
        if page.mimetype != "text/html":
            continue
        parser = _Forms()
        parser.feed(page.text)
        for action, fields in _forms_with_fields(parser):
            blank = {name: "" if name not in ("csrf_token", "version") else value for name, value in fields.items()}
            yield role, action or url, clients[role].post(action or url, blank)


def test_a_refused_form_says_what_is_wrong_at_the_field(login_as, ids):
    """Every form sent back blank: when the page comes back with the summary «Please correct the errors below», each
    message stands at its field (the field marked invalid and pointing at it), none in the summary alone."""
    clients = {role: login_as(role) for role in ROLES}
    wrong, refused = {}, 0
    for role, target, answer in _blank_answers(clients, sorted(_first_roles(ids).items())):
        if answer.status_code not in (200, 400) or 'class="form-errors"' not in answer.text:
            continue
        refused += 1
        messages = re.findall(r'<p class="error" id="([^"]+)-error">', answer.text)
        # The field (or the fieldset of its check boxes) points at its message, for a screen reader.
        unpointed = [m for m in messages
                     if not re.search(rf'aria-describedby="[^"]*\b{re.escape(m)}-error\b', answer.text)]
        if not messages or unpointed:
            wrong[f"{role} POST {target}"] = messages or "only the summary"
    assert not wrong, wrong
    assert refused >= 20, refused
