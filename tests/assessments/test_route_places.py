"""Routes are places to go: a step shows and links where it happens; a hand-added step says which deficits it
closes; the tutor reaches the diagnostic results from the caseload and the route, and answers a proposal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessments.models import Route, RouteEvent
from assessments.services.routes import proposals, workflow
from courses.models import ScheduledSession
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import format_date, format_time, local_today
from lms.models.mixins import utcnow
from lms.notifications.models import Notification
from tests.assessments.routes_setup import activity, competency, route_with_places
from tests.assessments.test_route_edges import reviewed  # noqa: F401  (a route on review)
from tests.factories import make_user


@pytest.fixture
def active(app, people):
    return route_with_places(people)


def _row(page: str, title: str) -> str:
    return next(row for row in re.findall(r"<tr class=\"step-.*?</tr>", page, re.S) if title in row)


def test_each_step_shows_and_links_where_it_happens(active, login_as):
    route, _attempt, run = active
    for role in ("teacher", "tutor"):
        page = login_as(role).get(f"/assessments/routes/{route.id}").text
        module = _row(page, "Модуль весеннего потока")
        assert f'href="/courses/programmes/{run.programme_id}">Группа «Поток весна»</a>' in module
        assert "Кабинет 214" in module and re.search(r"\d\d:\d\d–\d\d:\d\d", module)
        assert ("в моём расписании" in module) == (role == "teacher")
        course = _row(page, "Онлайн-курс")
        assert 'href="https://edu.example.org/course/7" rel="noopener noreferrer"' in course


def test_a_cancelled_session_is_not_where_the_step_takes_the_teacher(active, login_as):
    route, _attempt, run = active
    session = db.session.scalar(select(ScheduledSession).where(ScheduledSession.group_id == run.id))
    session.cancelled = True
    db.session.commit()
    module = _row(login_as("teacher").get(f"/assessments/routes/{route.id}").text, "Модуль весеннего потока")
    assert "Группа «Поток весна»" in module and "Кабинет 214" not in module  # no next session: the group only


def test_the_tutor_answers_a_proposal_once(active, people, login_as):
    route, _attempt, _run = active
    tutor = login_as("tutor")
    page = tutor.get(f"/assessments/routes/{route.id}").text
    assert "Предложение педагога:" in page and "Перенесите курс на март" in page
    assert f"/assessments/routes/{route.id}/proposal/decline" in page
    assert "/proposal/decline" not in login_as("teacher").get(f"/assessments/routes/{route.id}").text

    refused = tutor.post(f"/assessments/routes/{route.id}/proposal/decline",
                         data={"version": route.version, "text": ""}, follow_redirects=True)
    assert "Напишите, почему вы отклоняете предложение." in refused.text
    assert login_as("teacher").post(f"/assessments/routes/{route.id}/proposal/accept",
                                    data={"version": route.version, "text": ""}).status_code == 403
    assert tutor.post(f"/assessments/routes/{route.id}/proposal/maybe",
                      data={"version": route.version}).status_code == 404

    data = {"version": db.session.get(Route, route.id).version, "text": "Курс в марте не проводится"}
    answered = tutor.post(f"/assessments/routes/{route.id}/proposal/decline", data=data, follow_redirects=True)
    assert "Педагогу сообщено, почему вы отклоняете предложение." in answered.text
    again = tutor.post(f"/assessments/routes/{route.id}/proposal/decline", data=data, follow_redirects=True)
    assert "Педагогу сообщено" not in again.text  # a double click: the second is refused, nothing doubled
    db.session.expire_all()
    events = db.session.scalars(select(RouteEvent.action).where(RouteEvent.route_id == route.id)).all()
    assert events.count("proposal_declined") == 1
    notice = db.session.scalars(select(Notification.text).where(
        Notification.user_id == people["teacher"].id).order_by(Notification.id.desc())).first()
    assert notice == "Тьютор отклонил ваше предложение «Перенесите курс на март»: Курс в марте не проводится"
    page = tutor.get(f"/assessments/routes/{route.id}").text
    assert "Предложение педагога:" not in page
    assert "предложение отклонено: Перенесите курс на март — Курс в марте не проводится" in page


def test_a_proposal_is_answered_only_on_a_route_in_work(active, people):
    route, _attempt, _run = active
    tutor, teacher = people["tutor"], people["teacher"]
    proposals.answer_proposal(route, tutor, version=None, accepted=True, reply="", now=utcnow())
    assert route.teacher_note == "" and route.events[-1].action == "proposal_accepted"
    with pytest.raises(ServiceError, match="нет предложения"):
        proposals.answer_proposal(route, tutor, version=None, accepted=True, reply="", now=utcnow())
    workflow.complete(route, tutor, version=None, conclusion="Маршрут пройден", now=utcnow())
    with pytest.raises(ServiceError):
        proposals.propose(route, teacher, version=None, note="Ещё один курс", now=utcnow())
    route.teacher_note = "Ещё один курс"
    with pytest.raises(ServiceError, match="только по утверждённому маршруту"):
        proposals.answer_proposal(route, tutor, version=None, accepted=False, reply="Нет", now=utcnow())


def test_a_hand_added_step_closes_the_deficits_the_tutor_ticks(active, people, login_as):
    route, _attempt, _run = active
    extra = activity("Вебинар по оцениванию", 2, {"D1.1": 3})  # below the target: it closes no goal by itself
    db.session.commit()
    d11 = competency("D1.1").id
    tutor = login_as("tutor")
    form = tutor.get(f"/assessments/routes/{route.id}").text
    assert f'name="closes" type="checkbox" value="{d11}"' in form

    def add(closes):
        db.session.expire_all()
        return tutor.post(f"/assessments/routes/{route.id}/steps", data={
            "version": db.session.get(Route, route.id).version, "activity_id": extra.id,
            "starts_on": local_today().strftime("%d.%m.%Y"), "ends_on": (local_today() + timedelta(days=7))
            .strftime("%d.%m.%Y"), "closes": closes}, follow_redirects=True)

    refused = add([str(competency("D5.2").id)])  # not a goal of it
    assert refused.status_code == 400 and "Выберите из предложенных вариантов." in refused.text
    assert re.search(rf'<option selected value="{extra.id}">', refused.text)  # the tutor's choice is still made
    add([str(d11)])
    add([])
    db.session.expire_all()
    steps = [s for s in db.session.get(Route, route.id).steps if s.activity_id == extra.id]
    assert [s.closes for s in steps] == [[d11], []]
    assert db.session.scalars(select(RouteEvent.details).where(
        RouteEvent.route_id == route.id, RouteEvent.action == "step_added")).all()[0]["closes"] == ["D1.1"]


def test_the_tutor_reaches_the_results_from_the_caseload_and_the_route(active, people, login_as, app):
    route, attempt, _run = active
    result = f"/assessments/attempts/{attempt.id}/result"
    tutor = login_as("tutor")
    assert f'href="{result}"' in tutor.get("/assessments/routes/caseload").text
    assert f'href="{result}"' in tutor.get(f"/assessments/routes/{route.id}").text
    assert tutor.get(result).status_code == 200
    # A tutor given the route who leads none of the teacher's groups reads the results it was built from.
    other = make_user("tutor", email="second-tutor@example.org")
    db.session.commit()
    workflow.reassign(route, people["staff"], other, now=utcnow())
    db.session.commit()
    from tests.conftest import Client

    client = Client(app.test_client())
    assert client.login(other.email).status_code == 302
    assert client.get(f"/assessments/routes/{route.id}").status_code == 200
    assert client.get(result).status_code == 200


def test_a_module_step_has_one_deadline_on_the_route_the_document_and_the_assignments(active, people, login_as):
    from courses.services.groups import assign_module

    route, _attempt, run = active
    step = next(s for s in db.session.get(Route, route.id).steps if s.title == "Модуль весеннего потока")
    due = step.ends_on.strftime("%d.%m.%Y")
    # The group's own (earlier) date for the module does not override the teacher's route.
    from courses.models import Module

    assign_module(db.session.get(Module, step.activity.module_id), due_on=local_today() + timedelta(days=1),
                  actor=people["staff"], group=run)
    db.session.commit()
    teacher = login_as("teacher")
    mine = teacher.get("/courses/assignments/").text
    assert "Модуль" in mine and due in mine
    assert (local_today() + timedelta(days=1)).strftime("%d.%m.%Y") not in mine
    assert due in _row(teacher.get(f"/assessments/routes/{route.id}").text, "Модуль весеннего потока")
    import io

    from docx import Document

    document = Document(io.BytesIO(teacher.get(f"/assessments/routes/{route.id}/document.docx").data))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    plan = next(row for row in rows if any("Модуль весеннего потока" in text for text in row))
    assert any(due in text for text in plan), plan


def test_a_consultation_step_shows_its_time_and_tutor(reviewed, people, login_as):  # noqa: F811
    _fw, route, slot = reviewed
    workflow.approve(route, people["tutor"], version=None, now=utcnow())
    db.session.commit()
    row = _row(login_as("teacher").get(f"/assessments/routes/{route.id}").text, "Консультация")
    assert f'href="/courses/consultations/">Консультация: {people["tutor"].short_name}</a>' in row
    assert format_time(slot.starts_at) in row and format_date(slot.starts_at) in row
