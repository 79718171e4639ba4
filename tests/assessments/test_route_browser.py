"""In real Chromium: a teacher finishes a diagnostic and plans a route from it, the tutor changes a step and
approves it, and the teacher sees the active route and downloads it as a DOCX."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from assessments import demo
from assessments.models import Item, Route
from assessments.services import bank
from assessments.services import framework as frameworks
from assessments.services.setup import DiagnosticData, save_diagnostic, set_status
from lms.extensions import db
from lms.i18n import local_today
from tests.browser import ARTIFACTS, BROWSER_MARKS, sign_in
from tests.factories import make_programme, make_user

pytestmark = BROWSER_MARKS


def _answer_wrong(page, app) -> None:
    """The lowest self-assessment, a wrong option otherwise: a teacher with real deficits."""
    form = page.locator("form.item")
    item_id = int(page.locator("input[name=item_id]").get_attribute("value"))
    with app.app_context():
        item = db.session.get(Item, item_id)
        options = item.content["options"]
        if item.type == "self_assessment":
            chosen = min(range(len(options)), key=lambda i: options[i]["level"])
        else:
            chosen = next(i for i, o in enumerate(options) if not o["correct"])
    form.locator(f"input[name=option][value='{chosen}']").check()
    with page.expect_navigation():  # the next page (item or results) is loaded before the caller reads it
        form.get_by_role("button", name="Ответить и продолжить").click()


def test_from_diagnostic_to_an_approved_route_and_its_document(live_server, browser):
    from docx import Document

    from assessments.services.routes.catalogue import ActivityData, save_activity
    from courses.models import Enrolment, Group

    app, base = live_server.app, live_server.url
    with app.app_context():
        teacher = make_user("teacher", email="teacher@example.org", last_name="Орлова", first_name="Ксения",
                            middle_name="Алексеевна")
        tutor = make_user("tutor", email="tutor@example.org", last_name="Белова", first_name="Наталья")
        programme = make_programme(modules=1, lessons=0)
        group = Group(programme_id=programme.id, name="Группа 1", capacity=20, tutor_id=tutor.id)
        db.session.add(group)
        db.session.flush()
        db.session.add(Enrolment(group_id=group.id, user_id=teacher.id, status="enrolled"))
        framework = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
        bank.import_bank(framework, bank.read(demo.BANK_FILE.read_bytes()))
        competencies = [c for d in framework.domains for c in d.competencies][:2]
        today = local_today()
        diagnostic = save_diagnostic(framework, DiagnosticData(
            title="Короткая диагностика", opens_on=today, closes_on=today + timedelta(days=7),
            competencies=competencies, max_per_competency=3, user_ids=[teacher.id]))
        db.session.add(diagnostic)
        db.session.flush()
        set_status(diagnostic, "open")
        for c in competencies:
            save_activity(None, ActivityData(kind="external", title=f"Курс «{c.title}»", hours=6, form="course",
                                             coverage={c.id: 6}), version=None)
        db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_context(locale="ru-RU", accept_downloads=True).new_page()
    sign_in(page, base, "teacher@example.org")
    page.goto(f"{base}/assessments/")
    page.get_by_role("button", name="Начать").click()
    for _ in range(30):
        if "Результаты диагностики" in page.content():
            break
        _answer_wrong(page, app)
    page.get_by_role("link", name="Построить индивидуальный образовательный маршрут по этим результатам").click()
    page.get_by_role("button", name="Спланировать маршрут").click()
    assert page.get_by_role("heading", name="Индивидуальный образовательный маршрут").is_visible()
    plan = page.locator("table.route-plan")
    assert plan.get_by_text("Курс «").count() >= 1
    page.get_by_role("button", name="Отправить на согласование").click()
    assert "На согласовании" in page.content()
    page.screenshot(path=str(ARTIFACTS / "route-teacher-review.png"), full_page=True)
    page.context.close()

    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, base, "tutor@example.org")
    page.goto(f"{base}/assessments/routes/caseload")
    row = page.get_by_role("row").filter(has_text="Орлова Ксения Алексеевна")
    assert row.is_visible()
    row.get_by_role("link", name="На согласовании").click()  # the route (under the name: the results)
    first_step = page.locator("table.route-plan tbody tr").first
    first_step.locator("summary", has_text="Изменить шаг").click()
    first_step.locator("input[name=hours]").fill("8")
    first_step.get_by_role("button", name="Сохранить").click()
    assert page.locator("table.route-plan tbody tr").first.get_by_text("8,0").is_visible()
    page.get_by_role("button", name="Утвердить и записать").click()
    assert "Действует" in page.content()
    page.context.close()

    page = browser.new_context(locale="ru-RU", accept_downloads=True).new_page()
    sign_in(page, base, "teacher@example.org")
    page.goto(f"{base}/assessments/routes/mine")
    assert "Действует" in page.content()
    page.screenshot(path=str(ARTIFACTS / "route-active.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать DOCX").click()
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    cells = " ".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Орлова Ксения Алексеевна" in cells and "Курс «" in cells
    with app.app_context():
        route = db.session.scalar(select(Route))
        assert route.status == "active" and [e.action for e in route.events][-2:] == ["step_changed", "approved"]
