"""The home page's «Что сделать» block: each role is told what waits for them, with a link to where it is done, and
an item goes away once it is done."""

from __future__ import annotations

import re
from datetime import timedelta

from assessments.services.routes import proposals, workflow
from courses.models import Enrolment, ScheduledSession
from lms.extensions import db
from lms.models.mixins import utcnow
from tests.assessments.test_route_edges import reviewed  # noqa: F401  (a route on review)
from tests.factories import hand_in_task, make_programme, make_user


def _todo(client) -> list[tuple[str, str]]:
    """The block's items as (text, link), in the order shown."""
    page = client.get("/").text
    block = re.search(r'<section class="card todo".*?</section>', page, re.S).group(0)
    return [(re.sub(r"\s+", " ", text).strip(), href)
            for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', block, re.S)]


def _texts(client) -> str:
    return " | ".join(text for text, _href in _todo(client))


def test_the_route_workflow_puts_the_next_move_on_each_home_page(reviewed, login_as, people):  # noqa: F811
    _fw, route, _slot = reviewed
    tutor, teacher, staff = login_as("tutor"), login_as("teacher"), login_as("staff")
    assert ("1 маршрут ждёт вашего согласования.", "/assessments/routes/caseload?status=review") in _todo(tutor)
    assert "маршрут" not in _texts(teacher)  # on review: nothing for the teacher to do
    assert "без тьютора" not in _texts(staff)  # it has a tutor

    workflow.return_for_rework(route, people["tutor"], version=None, comment="Добавьте курс по оцениванию",
                               now=utcnow())
    db.session.commit()
    assert ("Тьютор вернул ваш индивидуальный маршрут на доработку: Добавьте курс по оцениванию",
            f"/assessments/routes/{route.id}") in _todo(teacher)
    assert "согласования" not in _texts(tutor)

    workflow.submit(route, people["teacher"], version=None, note="", now=utcnow())
    workflow.approve(route, people["tutor"], version=None, now=utcnow())
    proposals.propose(route, people["teacher"], version=None, note="Перенесите курс на март", now=utcnow())
    db.session.commit()
    assert ("1 педагог предложил изменить свой маршрут.", "/assessments/routes/caseload?attention=1") in _todo(tutor)
    assert "вернул" not in _texts(teacher)

    route.tutor_id, route.status = None, "review"  # on review with no tutor: staff's to settle
    db.session.commit()
    assert "1 маршрут на согласовании без тьютора: назначьте тьютора." in _texts(staff)
    assert "согласования" not in _texts(tutor)


def test_a_teacher_is_told_of_the_diagnostic_today_and_a_returned_work(app, login_as, people):
    from assessments.models import Diagnostic

    teacher = login_as("teacher")
    assert "Сейчас ничего не ждёт вашего участия." in teacher.get("/").text
    programme = make_programme(modules=1, lessons=0)
    from courses.models import Group

    group = Group(programme_id=programme.id, name="Поток осень", capacity=10, tutor_id=people["tutor"].id)
    db.session.add(group)
    db.session.flush()
    db.session.add(Enrolment(group_id=group.id, user_id=people["teacher"].id, status="enrolled"))
    start = utcnow() + timedelta(minutes=30)
    db.session.add(ScheduledSession(group_id=group.id, module_id=programme.modules[0].id, starts_at=start,
                                    ends_at=start + timedelta(minutes=90)))
    db.session.commit()
    from tests.assessments.routes_setup import finished_attempt, framework

    diagnostic = finished_attempt(framework(), make_user("teacher", email="other@example.org"), {"D1.1": (2, 4)})
    diagnostic = db.session.get(Diagnostic, diagnostic.diagnostic_id)
    from assessments.models import DiagnosticAudience

    db.session.add(DiagnosticAudience(diagnostic_id=diagnostic.id, user_id=people["teacher"].id))
    diagnostic.status = "open"
    db.session.commit()

    items = _todo(teacher)
    assert items[0][0].startswith("1 диагностика ждёт вас: «Диагностика 1» до ")  # the urgent first
    assert items[0][1] == "/assessments/"
    today = next(text for text, href in items if href == "/courses/schedule/")
    assert today.startswith("Сегодня: 1 занятие; ближайшее в ") and f"({group.name})" in today
    assert any(text.startswith("Сегодня: 1 занятие") and href == "/courses/today"
               for text, href in _todo(login_as("tutor")))  # the tutor leads the group's session

    task_module = make_programme(modules=1, lessons=0).modules[0]
    from courses.models import AssignmentTask
    from tests.factories import review_work

    task = AssignmentTask(module_id=task_module.id, title="План урока", rubric=[{"name": "Цель", "max": 3}])
    db.session.add(task)
    db.session.flush()
    work = hand_in_task(task, people["teacher"])
    db.session.commit()
    assert ("1 работа ждёт вашей проверки.", "/courses/reviews/") in _todo(login_as("staff"))
    review_work(work, people["staff"], [1], decision="returned", comment="Уточните цель")
    db.session.commit()
    assert "1 работа возвращена вам на доработку." in _texts(teacher)
    assert "проверки" not in _texts(login_as("staff"))


def test_the_head_of_service_is_told_when_nothing_waits(login_as):
    assert "Сейчас ничего не ждёт вашего участия." in login_as("admin").get("/").text


def test_modules_overdue_and_due_within_a_week_are_listed_the_nearest_first(login_as, people, monkeypatch):
    from courses.services.groups import assign_module
    from lms.i18n import local_today

    programme = make_programme(modules=3, lessons=0)
    today = local_today()
    for module, days in zip(programme.modules, (20, 5, 3), strict=True):
        assign_module(module, due_on=today + timedelta(days=days), actor=people["staff"], user=people["teacher"])
    db.session.commit()
    teacher = login_as("teacher")
    soon = [text for text, href in _todo(teacher) if href == "/courses/assignments/"]
    assert soon == [f"2 модуля нужно пройти в течение недели, первый — «{programme.modules[2].title}» до "
                    f"{(today + timedelta(days=3)):%d.%m.%Y}."]  # the one due in 20 days is not yet listed
    later = utcnow() + timedelta(days=4)  # the module due in 3 days is now overdue
    monkeypatch.setattr("lms.main.views.utcnow", lambda: later)
    texts = _texts(teacher)
    assert texts.startswith(f"1 модуль просрочен: «{programme.modules[2].title}»")  # urgent first
    assert f"1 модуль нужно пройти в течение недели: «{programme.modules[1].title}»" in texts
