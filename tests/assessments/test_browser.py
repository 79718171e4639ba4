"""In real Chromium: a teacher starts a diagnostic, closes the tab midway, resumes, finishes and sees the profile."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from assessments import demo
from assessments.models import Answer, Attempt
from assessments.services import bank
from assessments.services import framework as frameworks
from assessments.services.setup import DiagnosticData, save_diagnostic, set_status
from lms.extensions import db
from lms.i18n import local_today
from tests.browser import ARTIFACTS, BROWSER_MARKS, sign_in
from tests.factories import make_user

pytestmark = BROWSER_MARKS


def _answer_current(page) -> None:
    """Pick the first option (or every checkbox) and submit, as a hurried teacher would."""
    form = page.locator("form.item")
    boxes = form.locator("input[type=checkbox]")
    if boxes.count():
        boxes.first.check()
    else:
        form.locator("input[type=radio]").first.check()
    with page.expect_navigation():  # the next page is loaded before the caller reads it
        form.get_by_role("button", name="Ответить и продолжить").click()


def test_teacher_resumes_after_closing_the_tab_and_sees_the_profile(live_server, browser):
    app, base = live_server.app, live_server.url
    with app.app_context():
        teacher = make_user("teacher", email="teacher@example.org", last_name="Орлова", first_name="Ксения",
                            middle_name="Алексеевна")
        framework = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
        bank.import_bank(framework, bank.read(demo.BANK_FILE.read_bytes()))
        today = local_today()
        diagnostic = save_diagnostic(framework, DiagnosticData(
            title="Короткая диагностика", opens_on=today, closes_on=today + timedelta(days=7),
            competencies=[c for d in framework.domains for c in d.competencies][:3], max_per_competency=3,
            user_ids=[teacher.id]))
        db.session.add(diagnostic)
        db.session.flush()
        set_status(diagnostic, "open")
        db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)

    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    sign_in(page, base, "teacher@example.org")
    page.goto(f"{base}/assessments/")
    page.get_by_role("button", name="Начать").click()
    assert "Какое утверждение лучше всего описывает вашу практику?" in page.content()
    for _ in range(4):
        _answer_current(page)
    on_screen = page.locator("input[name=item_id]").get_attribute("value")
    page.screenshot(path=str(ARTIFACTS / "diagnostic-item.png"), full_page=True)
    context.close()  # the tab and the browser session are gone

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 4

    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, base, "teacher@example.org")
    page.goto(f"{base}/assessments/")
    page.get_by_role("link", name="Продолжить").click()
    assert page.locator("input[name=item_id]").get_attribute("value") == on_screen
    for _ in range(40):
        if "Результаты диагностики" in page.content():
            break
        _answer_current(page)
    assert page.get_by_role("heading", name="Результаты диагностики").is_visible()
    assert page.locator("svg title").text_content().startswith("Измеренный уровень")
    assert page.get_by_role("row").filter(has_text="D1.1 Работа с устройствами").is_visible()
    page.screenshot(path=str(ARTIFACTS / "diagnostic-profile.png"), full_page=True)
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.status == "finished" and len(attempt.results) == 3
        answers = db.session.scalar(select(func.count()).select_from(Answer))
        assert answers == len({a.item_id for a in attempt.answers})  # nothing answered twice
