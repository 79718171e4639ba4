"""Attendance tells the truth: none is marked for a session that has not started or was cancelled (a clear
message, no 500, nothing saved), no completion comes from a mark ahead of a session, and the teacher's page,
the group's summary and the route show one figure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from courses.models import AttendanceMark, Enrolment, Group, ModuleCompletion, ScheduledSession
from courses.services import attendance as service
from courses.services import completion
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.models.mixins import utcnow
from tests.factories import make_programme


@pytest.fixture
def group(app, people):
    """The tutor's group of one module, the teacher a member for a month, sessions a week and two days ago
    (held) and one tomorrow."""
    programme = make_programme(modules=1, lessons=0)
    module = programme.modules[0]
    group = Group(programme_id=programme.id, name="Группа весна", capacity=10, tutor_id=people["tutor"].id)
    db.session.add(group)
    db.session.flush()
    db.session.add(Enrolment(group_id=group.id, user_id=people["teacher"].id, status="enrolled",
                             since=utcnow() - timedelta(days=30)))
    sessions = []
    for days in (-7, -2, 1):
        start = utcnow().replace(microsecond=0) + timedelta(days=days)
        session = ScheduledSession(group_id=group.id, module_id=module.id, starts_at=start,
                                   ends_at=start + timedelta(hours=2), tutor_id=people["tutor"].id)
        db.session.add(session)
        sessions.append(session)
    db.session.commit()
    return {"group": group, "module": module, "past": sessions[:2], "future": sessions[2]}


def _marks() -> int:
    return db.session.scalar(select(func.count()).select_from(AttendanceMark))


def test_no_attendance_is_marked_for_a_session_that_has_not_started(group, people, login_as):
    future, teacher = group["future"], people["teacher"]
    attended = []
    with signals.session_attended.connected_to(lambda sender, **kw: attended.append(kw)):
        with pytest.raises(ServiceError, match="ещё не началось"):
            service.set_mark(future, teacher, "present", actor=people["tutor"])
    db.session.rollback()
    assert _marks() == 0 and attended == []
    tutor = login_as("tutor")
    url = f"/courses/sessions/{future.id}/attendance"
    sheet = tutor.get(url)
    assert sheet.status_code == 200 and "ещё не началось" in sheet.text
    posted = tutor.post(url, {f"status-{teacher.id}": "present", f"seen-{teacher.id}": "", "reason": ""},
                        follow_redirects=True)
    assert posted.status_code == 200 and "ещё не началось" in posted.text
    assert "Посещаемость сохранена" not in posted.text
    everyone = tutor.post(f"{url}/all-present", follow_redirects=True)
    assert everyone.status_code == 200 and "ещё не началось" in everyone.text
    assert _marks() == 0


def test_a_check_in_before_the_start_is_refused_with_the_time(group, people, login_as):
    future = group["future"]
    service.open_checkin(future)
    db.session.commit()
    page = login_as("teacher").post("/courses/checkin", {"code": future.checkin_code})
    assert page.status_code == 200 and "Занятие начинается в" in page.text
    assert _marks() == 0


def test_a_cancelled_session_is_refused_with_a_message_not_a_500(group, people, login_as):
    held = group["past"][0]
    held.cancelled = True
    db.session.commit()
    tutor = login_as("tutor")
    url = f"/courses/sessions/{held.id}/attendance"
    teacher = people["teacher"]
    for response in (tutor.post(url, {f"status-{teacher.id}": "present", f"seen-{teacher.id}": ""},
                                follow_redirects=True),
                     tutor.post(f"{url}/all-present", follow_redirects=True)):
        assert response.status_code == 200 and "Занятие отменено" in response.text
    assert _marks() == 0


def test_a_mark_set_ahead_of_a_session_never_completes_the_module(group, people):
    module, future, teacher = group["module"], group["future"], people["teacher"]
    module.min_attendance = 30
    # Older data may hold a mark given ahead (refused since): it must not count as attendance.
    db.session.add(AttendanceMark(session_id=future.id, user_id=teacher.id, status="present", source="tutor",
                                  marked_by_id=people["tutor"].id, marked_at=utcnow()))
    db.session.flush()
    assert completion.module_requirements(teacher, module)["attendance"] == (0, 30)
    assert completion.evaluate(teacher, module) is False
    assert db.session.scalar(select(func.count()).select_from(ModuleCompletion)) == 0
    service.set_mark(group["past"][0], teacher, "present", actor=people["tutor"])  # a real one: 1 of 3 planned
    assert db.session.scalar(select(func.count()).select_from(ModuleCompletion)) == 1


def test_the_teachers_page_the_group_summary_and_the_route_show_one_figure(group, people, login_as):
    from assessments.models import Route, RouteStep
    from lms.i18n import local_today
    from tests.assessments.routes_setup import finished_attempt, framework

    teacher = people["teacher"]
    first, second = group["past"]
    service.set_mark(first, teacher, "present", actor=people["tutor"])
    service.set_mark(second, teacher, "absent", actor=people["tutor"])
    fw = framework()
    attempt = finished_attempt(fw, teacher, {"D1.1": (2, 4)})
    today = local_today()
    route = Route(user_id=teacher.id, tutor_id=people["tutor"].id, framework_id=fw.id, attempt_id=attempt.id,
                  open_key=str(teacher.id), status="active", period_start=today - timedelta(days=30),
                  period_end=today + timedelta(days=30), weekly_hours=4, approved_at=utcnow())
    route.steps.append(RouteStep(kind="module", title="Модуль группы", form="seminar", hours=4,
                                 starts_on=today - timedelta(days=7), ends_on=today + timedelta(days=1),
                                 slot=f"group:{group['group'].id}", status="booked"))
    db.session.add(route)
    db.session.commit()
    mine = login_as("teacher").get("/courses/attendance/mine").text
    assert "Группа весна: 50 %" in mine and "Проведено занятий: 2" in mine
    summary = login_as("tutor").get(f"/courses/groups/{group['group'].id}/attendance").text
    row = summary[summary.index(teacher.full_name):].split("</tr>")[0]
    cells = [c.split("<")[0] for c in row.split('<td class="num">')[1:]]
    assert cells[0] == "2" and cells[-1] == "50"
    for viewer in ("teacher", "tutor"):
        page = login_as(viewer).get(f"/assessments/routes/{route.id}").text
        assert "посещаемость 50 % (1 из 2 проведённых занятий)" in page
