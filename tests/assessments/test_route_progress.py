"""Progress from real activity: courses' signals complete steps, the tutor marks the rest with evidence, the
repeated diagnostic closes or reopens each goal, and the caseload puts the cases that need attention first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from assessments.models import Route
from assessments.services.routes import builder, workflow
from assessments.services.routes.builder import RouteSettings
from lms import signals
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow
from lms.notifications.models import Notification
from tests.assessments.routes_setup import activity, finished_attempt, framework, tutor_group


def _active_route(people, start_days_ago=0):
    """An approved route with a module step, an online course and a consultation with the tutor."""
    from tests.factories import make_programme

    fw = framework()
    teacher, tutor = people["teacher"], people["tutor"]
    programme = make_programme(modules=1, lessons=0)
    tutor_group(people, programme)
    module = programme.modules[0]
    first = finished_attempt(fw, teacher, {"D1.1": (2, 4), "D3.1": (2, 4), "D5.2": (2, 4)})
    activity(module.title, 4, {"D1.1": 4}, kind="module", module_id=module.id, form="seminar")
    activity("Онлайн-курс", 6, {"D3.1": 4})
    activity("Консультация тьютора", 2, {"D5.2": 4}, kind="consultation", form="consultation")
    today = local_today() - timedelta(days=start_days_ago)
    route = builder.build(teacher, teacher, RouteSettings(today, today + timedelta(weeks=20), 6.0), utcnow(),
                          tutor_id=tutor.id)
    workflow.submit(route, teacher, version=None, note="", now=utcnow())
    workflow.approve(route, tutor, version=None, now=utcnow() - timedelta(days=start_days_ago))
    db.session.commit()
    return fw, first, route, module


def _steps(route):
    db.session.expire_all()
    return {s.title: s for s in db.session.get(Route, route.id).steps}


def test_signals_complete_steps_and_the_repeated_diagnostic_closes_the_route(app, people):
    from courses.models import ConsultationBooking, ConsultationSlot

    fw, first, route, module = _active_route(people)
    teacher = people["teacher"]
    signals.module_completed.send(app, user=teacher, module=module, completed_at=utcnow())
    assert _steps(route)[module.title].status == "done"
    assert module.title in _steps(route)[module.title].evidence
    slot = ConsultationSlot(tutor_id=people["tutor"].id, starts_at=utcnow() - timedelta(hours=2),
                            ends_at=utcnow() - timedelta(hours=1))
    db.session.add(slot)
    db.session.flush()
    booking = ConsultationBooking(slot_id=slot.id, active_slot_id=slot.id, teacher_id=teacher.id, topic="ИОМ",
                                  status="held")
    db.session.add(booking)
    db.session.flush()
    signals.consultation_held.send(app, booking=booking)
    assert _steps(route)["Консультация тьютора"].status == "done"
    repeat_asked = select(Notification).where(Notification.user_id == teacher.id,
                                              Notification.endpoint == "assessments.home")
    assert db.session.scalar(repeat_asked) is None
    step = _steps(route)["Онлайн-курс"]
    workflow.mark_done(step, people["tutor"], version=None, evidence="Удостоверение № 77", now=utcnow())
    db.session.commit()
    # The last step done: the teacher is asked to take the diagnostic again.
    assert db.session.scalar(repeat_asked) is not None
    repeat = finished_attempt(fw, teacher, {"D1.1": (4, 4), "D3.1": (3, 4), "D5.2": (5, 4)}, number=2, days_ago=0)
    signals.diagnostic_completed.send(repeat, attempt=repeat, deficits=[])
    db.session.commit()
    route = db.session.get(Route, route.id)
    statuses = {g.competency.code: (g.status, g.level_after) for g in route.goals}
    assert statuses == {"D1.1": ("closed", 4), "D3.1": ("reopened", 3), "D5.2": ("closed", 5)}
    assert route.status == "completed" and route.open_key is None and route.repeat_attempt_id == repeat.id


def test_a_repeated_diagnostic_before_the_steps_are_done_updates_goals_but_keeps_the_route_active(app, people):
    fw, first, route, module = _active_route(people)
    repeat = finished_attempt(fw, people["teacher"], {"D1.1": (4, 4), "D3.1": (2, 4)}, number=2, days_ago=0)
    signals.diagnostic_completed.send(repeat, attempt=repeat, deficits=[])
    route = db.session.get(Route, route.id)
    assert route.status == "active"
    assert {g.competency.code: g.status for g in route.goals} == {"D1.1": "closed", "D3.1": "reopened",
                                                                 "D5.2": "open"}


def test_the_caseload_puts_review_and_overdue_first_and_its_queries_do_not_grow(app, people, login_as, page_cost):
    from tests.factories import make_user

    fw, first, route, module = _active_route(people, start_days_ago=120)
    for step in db.session.get(Route, route.id).steps:  # an overdue step: its dates have passed, not done
        step.starts_on = step.ends_on = local_today() - timedelta(days=3)
    quiet = make_user("teacher", email="quiet@example.org", last_name="Алексеева")
    from courses.models import Enrolment, Group

    tutor_group_id = db.session.scalar(select(Group.id).where(Group.tutor_id == people["tutor"].id))
    db.session.add(Enrolment(group_id=tutor_group_id, user_id=quiet.id, status="enrolled"))
    db.session.commit()
    client = login_as("tutor")
    page = client.get("/assessments/routes/caseload")
    rows = page.text.split("<tbody>")[1]
    assert rows.index("Иванова") < rows.index("Алексеева")  # attention first, though А sorts before И
    assert "просрочен" in rows.lower()
    by_name = client.get("/assessments/routes/caseload?sort=name").text.split("<tbody>")[1]
    assert by_name.index("Алексеева") < by_name.index("Иванова")
    only = client.get("/assessments/routes/caseload?attention=1").text.split("<tbody>")[1]
    assert "Алексеева" not in only and "Иванова" in only
    cost = page_cost(client, "/assessments/routes/caseload")
    for n in range(5):
        extra = make_user("teacher", email=f"more{n}@example.org")
        db.session.add(Enrolment(group_id=tutor_group_id, user_id=extra.id, status="enrolled"))
        finished_attempt(fw, extra, {"D1.1": (2, 4)})
    db.session.commit()
    assert page_cost(client, "/assessments/routes/caseload") == cost


def test_staff_see_every_caseload_and_reassign_a_teacher(app, people, login_as):
    from tests.factories import make_user

    fw, first, route, module = _active_route(people)
    other = make_user("tutor", email="tutor2@example.org", last_name="Комаров")
    db.session.commit()
    staff = login_as("staff")
    def rows(url):
        return staff.get(url).text.split("<tbody>")[1]

    assert "Иванова" in rows(f"/assessments/routes/caseload?tutor={people['tutor'].id}")
    assert "Иванова" not in rows(f"/assessments/routes/caseload?tutor={other.id}")
    staff.post(f"/assessments/routes/{route.id}/reassign", {"tutor_id": other.id})
    db.session.expire_all()
    assert db.session.get(Route, route.id).tutor_id == other.id
    assert "Иванова" in rows(f"/assessments/routes/caseload?tutor={other.id}")
    assert login_as("tutor").post(f"/assessments/routes/{route.id}/reassign",
                                  {"tutor_id": people["tutor"].id}).status_code == 403


def test_the_route_document_and_the_group_spreadsheet_download(app, people, login_as):
    import io

    from docx import Document
    from openpyxl import load_workbook

    from courses.models import Group

    fw, first, route, module = _active_route(people)
    client = login_as("teacher")
    docx = client.get(f"/assessments/routes/{route.id}/document.docx")
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    text = "\n".join(cell.text for table in Document(io.BytesIO(docx.data)).tables for row in table.rows
                     for cell in row.cells)
    assert "Иванова Мария Петровна" in text and module.title in text and "Онлайн-курс" in text
    pdf = client.get(f"/assessments/routes/{route.id}/document.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/assessments/routes/{route.id}/document.exe").status_code == 404
    group_id = db.session.scalar(select(Group.id).where(Group.tutor_id == people["tutor"].id))
    sheet = login_as("tutor").get(f"/assessments/groups/{group_id}/routes.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert any(row and "Иванова Мария Петровна" in row for row in rows)
    assert client.get(f"/assessments/groups/{group_id}/routes.xlsx").status_code == 403


def test_the_route_document_is_signed_by_the_head_of_service_on_a_blank_date(app, people, login_as, monkeypatch):
    """The head's line names the head of the service (the configured one, or the one account with the head's
    role), not the tutor who approved the route, and leaves the date to be written in when signing."""
    import io

    from docx import Document

    from tests.factories import make_user
    from tests.pdf_text import text_lines

    _fw, _first, route, _module = _active_route(people)
    head = people["admin"]
    head.last_name, head.first_name, head.middle_name = "Соколова", "Ирина", "Владимировна"
    db.session.commit()
    client = login_as("tutor")

    def head_line():
        document = Document(io.BytesIO(client.get(f"/assessments/routes/{route.id}/document.docx").data))
        row = document.tables[-1].rows[2]
        return row.cells[0].text, row.cells[1].text, row.cells[2].text

    assert head_line() == ("Руководитель методической службы", "____________ / Соколова И. В. /",
                           "«____» ______________ 20____ г.")
    pdf = " ".join(text_lines(client.get(f"/assessments/routes/{route.id}/document.pdf").data))
    assert "/ Соколова И. В. /" in pdf and "«____» ______________ 20____ г." in pdf
    make_user("admin", email="it-admin@example.org", last_name="Системный")
    db.session.commit()
    assert head_line()[1] == "____________ / ____________ /"  # two accounts with the role: which one is unknown
    monkeypatch.setitem(app.config, "SERVICE_HEAD", "Орлова  Наталья Сергеевна ")
    assert head_line()[1] == "____________ / Орлова Н. С. /"
