"""Completion: a module by its three rules, a programme by its modules, then a certificate anyone can check."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from courses.models import Certificate, ModuleCompletion, ScheduledSession
from courses.services import assignments, attendance, catalogue, completion
from courses.services import groups as group_service
from lms import signals
from lms.extensions import db
from lms.models.mixins import utcnow
from tests.factories import make_programme


@pytest.fixture
def course(app, people):
    """A programme of two modules (two lessons each); module 1 also has a task and two held sessions."""
    programme = make_programme(modules=2, lessons=2)
    first = programme.modules[0]
    task = assignments.save_task(first, None, version=None, title="План", instructions="", rubric_text="Цель — 2",
                                 pass_points=1)
    group = group_service.save_group(None, version=None, data=group_service.GroupData(
        programme_id=programme.id, name="Г", source="administration", association_id=None,
        tutor_id=people["tutor"].id, capacity=5, starts_on=None, ends_on=None))
    group_service.add_members(group, [people["teacher"]], people["staff"])
    sessions = []
    for days in (14, 7):
        start = utcnow() - timedelta(days=days)
        sessions.append(ScheduledSession(group_id=group.id, module_id=first.id, starts_at=start,
                                         ends_at=start + timedelta(hours=1), online_url="https://m.example.org"))
    db.session.add_all(sessions)
    db.session.commit()
    return {"programme": programme, "task": task, "sessions": sessions}


def _study(user, module):
    for lesson in module.lessons:
        catalogue.mark_studied(user, lesson)


def test_a_module_needs_lessons_work_and_attendance(course, people):
    teacher, tutor = people["teacher"], people["tutor"]
    module = course["programme"].modules[0]
    _study(teacher, module)
    assert completion.module_requirements(teacher, module) == {
        "lessons": (2, 2), "tasks": (0, 1), "attendance": (0, 75)}
    submission = assignments.submit(course["task"], teacher, text="План урока", link=None, upload=None)
    assignments.review(submission, tutor, scores=[2], comment="", accept=True)
    attendance.set_mark(course["sessions"][0], teacher, "present", actor=tutor)
    assert not completion.evaluate(teacher, module)  # 50 % of the held sessions is not enough
    completed = []
    with signals.module_completed.connected_to(lambda sender, user, module, completed_at: completed.append(module.id)):
        attendance.set_mark(course["sessions"][1], teacher, "late", actor=tutor)
    assert completed == [module.id]
    assert completion.evaluate(teacher, module)  # recorded once, however often asked
    assert db.session.scalar(select(func.count()).select_from(ModuleCompletion)) == 1


def test_the_last_module_completes_the_programme_and_issues_one_certificate(login_as, course, people):
    teacher, tutor = people["teacher"], people["tutor"]
    first, second = course["programme"].modules
    issued = []
    with signals.programme_completed.connected_to(
            lambda sender, user, programme, certificate: issued.append(certificate.number)):
        _study(teacher, first)
        submission = assignments.submit(course["task"], teacher, text="План", link=None, upload=None)
        assignments.review(submission, tutor, scores=[2], comment="", accept=True)
        for session in course["sessions"]:
            attendance.set_mark(session, teacher, "present", actor=tutor)
        _study(teacher, second)  # module 2 asks for lessons only: no sessions, no tasks
    assert len(issued) == 1
    certificate = db.session.scalar(select(Certificate))
    assert certificate.hours == 8 and certificate.holder_name == "Иванова Мария Петровна"
    db.session.commit()
    client = login_as("teacher")
    listing = client.get("/courses/certificates/")
    assert certificate.number in listing.text
    pdf = client.get(f"/courses/certificates/{certificate.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and len(pdf.data) > 5000
    assert login_as("tutor").get(f"/courses/certificates/{certificate.id}.pdf").status_code == 403
    anonymous = client.raw.application.test_client()
    check = anonymous.get(f"/courses/verify/{certificate.code}")
    assert check.status_code == 200 and "подлинный" in check.text and "Иванова Мария Петровна" in check.text
    assert anonymous.get("/courses/verify/0000000000").status_code == 404


def test_the_issue_date_of_a_certificate_is_its_moscow_date(login_as, course, people):
    certificate = completion.issue_certificate(people["teacher"], course["programme"])
    certificate.issued_at = datetime(2026, 11, 30, 22, 30)  # 01:30 on 1 December in Moscow
    db.session.commit()
    listing = login_as("teacher").get("/courses/certificates/").text
    assert "01.12.2026" in listing and "30.11.2026" not in listing
    check = login_as("teacher").get(f"/courses/verify/{certificate.code}").text
    assert "01.12.2026" in check and "30.11.2026" not in check
