"""The route's workflow over HTTP: the teacher plans and sends it, the tutor returns or approves (which books
the places), stale forms are refused, every change is in the history, and only the right people act."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from assessments.models import Route, RouteStep
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow
from tests.assessments.routes_setup import activity, finished_attempt, framework, tutor_group


def _route(teacher) -> Route:
    db.session.expire_all()
    return db.session.scalar(select(Route).where(Route.user_id == teacher.id).order_by(Route.id.desc()))


def _plan_form(weeks=20, hours="4,5"):
    today = local_today()
    return {"period_start": today.strftime("%d.%m.%Y"),
            "period_end": (today + timedelta(weeks=weeks)).strftime("%d.%m.%Y"), "weekly_hours": hours,
            "delivery": ""}


def _module_with_group(people):
    """A module of the tutor's programme with a second group running it; the route books the teacher there."""
    from courses.models import Group, ScheduledSession
    from tests.factories import make_programme

    programme = make_programme(modules=1, lessons=0)
    tutor_group(people, programme)
    run = Group(programme_id=programme.id, name="Поток весна", capacity=10, tutor_id=people["tutor"].id)
    db.session.add(run)
    db.session.flush()
    start = utcnow() + timedelta(days=21)
    db.session.add(ScheduledSession(group_id=run.id, module_id=programme.modules[0].id, starts_at=start,
                                    ends_at=start + timedelta(hours=2)))
    return programme.modules[0], run


def test_plan_send_return_rework_approve_and_book(app, people, login_as):
    from courses.models import Enrolment

    fw = framework()
    teacher, tutor = people["teacher"], people["tutor"]
    finished_attempt(fw, teacher, {"D1.1": (2, 4), "D3.1": (2, 4)})
    module, run = _module_with_group(people)
    activity(module.title, 4, {"D1.1": 4}, kind="module", module_id=module.id, form="seminar", delivery="onsite")
    activity("Онлайн-курс", 6, {"D3.1": 4})
    db.session.commit()

    client = login_as("teacher")
    assert client.post("/assessments/routes/mine", _plan_form()).status_code == 302
    route = _route(teacher)
    assert route.status == "draft" and route.tutor_id == tutor.id and route.weekly_hours == 4.5
    assert {s.title for s in route.steps} == {module.title, "Онлайн-курс"}
    page = client.get(f"/assessments/routes/{route.id}")
    assert module.title in page.text and "D1.1" in page.text
    again = client.post("/assessments/routes/mine", _plan_form())  # a second click: the same route, not two
    assert again.status_code == 302 and db.session.scalar(select(Route.id).where(Route.id != route.id)) is None

    client.post(f"/assessments/routes/{route.id}/submit", {"version": route.version, "text": "Прошу проверить"})
    route = _route(teacher)
    assert route.status == "review" and route.teacher_note == "Прошу проверить"
    assert client.post(f"/assessments/routes/{route.id}/approve", {"version": route.version}).status_code == 403

    tutor_client = login_as("tutor")
    empty = tutor_client.post(f"/assessments/routes/{route.id}/return", {"version": route.version, "text": ""})
    assert empty.status_code == 400 and "доработать" in empty.text
    assert _route(teacher).status == "review"  # a return needs a comment
    comment = "Перенесите курс на весну, а практикум — на март: в феврале у вас аттестация"
    stale = tutor_client.post(f"/assessments/routes/{route.id}/return", {"version": route.version - 1,
                                                                         "text": comment})
    # Refused (the tab is older than the route), and what the tutor wrote is still in its box.
    assert stale.status_code == 400 and "изменил другой пользователь" in stale.text
    assert re.search(r'<textarea[^>]*id="return-text"[^>]*>\s*' + comment, stale.text)
    assert _route(teacher).status == "review"
    tutor_client.post(f"/assessments/routes/{route.id}/return",
                      {"version": route.version, "text": "Перенесите курс на весну"})
    route = _route(teacher)
    assert route.status == "returned" and "Перенесите курс на весну" in client.get(
        f"/assessments/routes/{route.id}").text

    step = next(s for s in route.steps if s.title == "Онлайн-курс")
    later = local_today() + timedelta(weeks=8)
    backwards = f"{later - timedelta(days=3):%d.%m.%Y}"
    bad = client.post(f"/assessments/routes/steps/{step.id}/change", {
        "version": route.version, "starts_on": later.strftime("%d.%m.%Y"), "ends_on": backwards, "hours": "6"})
    assert bad.status_code == 400 and "раньше" in bad.text
    assert re.search(rf'id="ends-on-{step.id}"[^>]*value="{backwards}"', bad.text)  # as typed, in its own row
    client.post(f"/assessments/routes/steps/{step.id}/change", {
        "version": route.version, "starts_on": later.strftime("%d.%m.%Y"),
        "ends_on": (later + timedelta(weeks=2)).strftime("%d.%m.%Y"), "hours": "6"})
    route = _route(teacher)
    assert db.session.get(RouteStep, step.id).starts_on == later and route.method == "manual"
    stale = route.version
    client.post(f"/assessments/routes/{route.id}/submit", {"version": route.version, "text": ""})
    refused = tutor_client.post(f"/assessments/routes/{route.id}/approve", {"version": stale},
                                follow_redirects=True)
    # The tutor's tab was opened before the teacher's changes: refused, not approved over them.
    assert _route(teacher).status == "review" and "его изменил другой пользователь" in refused.text

    route = _route(teacher)
    tutor_client.post(f"/assessments/routes/{route.id}/approve", {"version": route.version})
    route = _route(teacher)
    assert route.status == "active" and route.approved_by_id == tutor.id
    booked = next(s for s in route.steps if s.title == module.title)
    assert booked.status == "booked" and booked.slot == f"group:{run.id}"
    assert db.session.scalar(select(Enrolment.status).where(Enrolment.group_id == run.id,
                                                            Enrolment.user_id == teacher.id)) == "enrolled"
    assert [e.action for e in route.events] == ["built", "submitted", "returned", "step_changed", "submitted",
                                                "approved"]


def test_only_the_teacher_their_tutor_and_staff_see_a_route(app, people, login_as):
    from tests.factories import make_user

    fw = framework()
    teacher = people["teacher"]
    finished_attempt(fw, teacher, {"D1.1": (2, 4)})
    activity("Курс", 4, {"D1.1": 4})
    db.session.commit()
    client = login_as("teacher")
    client.post("/assessments/routes/mine", _plan_form())
    route = _route(teacher)
    url = f"/assessments/routes/{route.id}"
    assert login_as("tutor").get(url).status_code == 403  # does not support this teacher
    assert login_as("staff").get(url).status_code == 200
    other = make_user("teacher", email="other@example.org")
    db.session.commit()
    from tests.conftest import Client

    stranger = Client(app.test_client())
    stranger.login(other.email)
    assert stranger.get(url).status_code == 403
    assert stranger.post(f"/assessments/routes/{route.id}/submit", {"version": route.version}).status_code == 403
    tutor_group(people)
    db.session.commit()
    assert login_as("tutor").get(url).status_code == 200


def test_a_teacher_cannot_edit_an_approved_route_but_may_propose_a_change(app, people, login_as):
    fw = framework()
    teacher = people["teacher"]
    tutor_group(people)
    finished_attempt(fw, teacher, {"D1.1": (2, 4)})
    activity("Курс", 4, {"D1.1": 4})
    db.session.commit()
    client, tutor_client = login_as("teacher"), login_as("tutor")
    client.post("/assessments/routes/mine", _plan_form())
    route = _route(teacher)
    client.post(f"/assessments/routes/{route.id}/submit", {"version": route.version})
    tutor_client.post(f"/assessments/routes/{route.id}/approve", {"version": _route(teacher).version})
    route = _route(teacher)
    step = route.steps[0]
    assert client.post(f"/assessments/routes/steps/{step.id}/drop", {"version": route.version}).status_code == 403
    client.post(f"/assessments/routes/{route.id}/propose", {"version": route.version, "text": "Хочу очно"})
    assert _route(teacher).teacher_note == "Хочу очно"
    caseload = tutor_client.get("/assessments/routes/caseload")
    assert teacher.last_name in caseload.text
    stale = tutor_client.post(f"/assessments/routes/steps/{step.id}/done",
                              {"version": _route(teacher).version - 1, "text": "Сертификат № 15"})
    assert stale.status_code == 400 and "изменил другой пользователь" in stale.text
    assert re.search(rf'<textarea[^>]*id="done-text-{step.id}"[^>]*>\s*Сертификат № 15', stale.text)
    assert _route(teacher).steps[0].status != "done"
    tutor_client.post(f"/assessments/routes/steps/{step.id}/done", {"version": _route(teacher).version,
                                                                   "text": "Сертификат № 15"})
    route = _route(teacher)
    assert route.steps[0].status == "done" and route.steps[0].evidence == "Сертификат № 15"


def test_the_route_entry_pages_lead_each_role_to_its_place(app, people, login_as):
    fw = framework()
    teacher = people["teacher"]
    finished_attempt(fw, teacher, {"D1.1": (2, 4)})
    db.session.commit()
    client, tutor = login_as("teacher"), login_as("tutor")
    assert client.get("/assessments/routes/").headers["Location"].endswith("/assessments/routes/mine")
    assert tutor.get("/assessments/routes/").headers["Location"].endswith("/assessments/routes/caseload")
    assert "Спланировать маршрут" in client.get("/assessments/routes/mine").text
    assert tutor.get("/assessments/routes/mine").status_code == 403
    new = f"/assessments/routes/new/{teacher.id}"
    assert tutor.get(new).status_code == 403  # not a teacher this tutor supports
    tutor_group(people)
    db.session.commit()
    assert "Спланировать маршрут" in tutor.get(new).text
    assert login_as("staff").get(new).status_code == 200
    assert tutor.get(f"/assessments/routes/new/{people['staff'].id}").status_code == 403  # not a teacher
    assert client.get(new).status_code == 403
