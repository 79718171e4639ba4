"""In real Chromium: a timed diagnostic on a phone (390 px, no sideways scroll, one option per line, a countdown,
results in plain words with the figures behind «Подробнее»), and a tutor who reads what approval will book,
approves with a double click and is told exactly what was booked and what was not."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from assessments import demo
from assessments.models import Route, RouteEvent
from assessments.services import bank
from assessments.services import framework as frameworks
from assessments.services.setup import DiagnosticData, save_diagnostic, set_status
from lms.extensions import db
from lms.i18n import local_today
from tests.browser import ARTIFACTS, BROWSER_MARKS, PHONE, no_sideways_scroll, sign_in
from tests.factories import make_user

pytestmark = BROWSER_MARKS



def test_a_timed_diagnostic_on_a_phone(live_server, browser):
    app, base = live_server.app, live_server.url
    with app.app_context():
        teacher = make_user("teacher", email="teacher@example.org", last_name="Орлова", first_name="Ксения")
        framework = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
        bank.import_bank(framework, bank.read(demo.BANK_FILE.read_bytes()))
        today = local_today()
        diagnostic = save_diagnostic(framework, DiagnosticData(
            title="Диагностика с ограничением времени", opens_on=today, closes_on=today + timedelta(days=7),
            competencies=[c for d in framework.domains for c in d.competencies][:3], max_per_competency=3,
            time_limit_minutes=30, user_ids=[teacher.id]))
        db.session.add(diagnostic)
        db.session.flush()
        set_status(diagnostic, "open")
        db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_context(locale="ru-RU", viewport=PHONE).new_page()
    sign_in(page, base, "teacher@example.org")
    page.goto(f"{base}/assessments/")
    page.get_by_role("button", name="Начать").click()
    assert page.locator("progress#progress-bar").is_visible()
    assert "Осталось от" in page.locator("#progress").text_content()
    countdown = page.locator("#time-left")
    first = countdown.text_content()
    assert first.startswith(("29:", "30:"))
    page.wait_for_timeout(2200)
    assert countdown.text_content() != first  # it counts down on the page
    options = page.locator("label.option")
    boxes = [options.nth(i).bounding_box() for i in range(options.count())]
    assert len(boxes) >= 4
    for above, below in zip(boxes, boxes[1:], strict=False):
        assert below["y"] >= above["y"] + above["height"] - 1  # one option per line
    form_width = page.locator("form.item fieldset").bounding_box()["width"]
    assert all(box["width"] >= 0.9 * form_width - 40 and box["height"] >= 44 for box in boxes)  # large targets
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "diagnostic-phone-item.png"), full_page=True)
    options.nth(1).locator("span").click()  # the text, not the small circle, chooses the option
    assert options.nth(1).locator("input").is_checked()

    for _ in range(40):
        if "Результаты диагностики" in page.content():
            break
        form = page.locator("form.item")
        form.locator("label.option").first.click()
        with page.expect_navigation():
            form.get_by_role("button", name="Ответить и продолжить").click()
    assert page.get_by_role("heading", name="Результаты диагностики").is_visible()
    no_sideways_scroll(page)
    card = page.locator("li.result-card").first
    assert card.get_by_text("Уровень ").first.is_visible()
    details = card.locator("details.result-details")
    assert not details.get_by_text("Стандартная ошибка").is_visible()
    details.locator("summary", has_text="Подробнее").click()
    assert details.get_by_text("Стандартная ошибка").is_visible()
    chart = page.locator(".profile-chart svg").bounding_box()
    assert PHONE["width"] * 0.8 <= chart["width"] <= PHONE["width"] and chart["height"] >= 100  # the card's width
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "diagnostic-phone-result.png"), full_page=True)


def test_the_tutor_reads_what_approval_will_book_and_what_it_booked(live_server, browser):
    from assessments.services.routes import builder, workflow
    from assessments.services.routes.builder import RouteSettings
    from courses.models import Enrolment, Group, ScheduledSession
    from lms.models.mixins import utcnow
    from tests.assessments.routes_setup import activity, finished_attempt, framework
    from tests.factories import make_programme

    app, base = live_server.app, live_server.url
    with app.app_context():
        teacher = make_user("teacher", email="teacher@example.org", last_name="Орлова", first_name="Ксения")
        tutor = make_user("tutor", email="tutor@example.org", last_name="Белова", first_name="Наталья")
        own = make_programme(modules=1, lessons=0)
        home = Group(programme_id=own.id, name="Группа 1", capacity=20, tutor_id=tutor.id)
        db.session.add(home)
        db.session.flush()
        db.session.add(Enrolment(group_id=home.id, user_id=teacher.id, status="enrolled"))
        fw = framework()
        finished_attempt(fw, teacher, {"D1.1": (2, 4), "D5.2": (2, 4)})
        programme = make_programme(modules=1, lessons=0)
        run = Group(programme_id=programme.id, name="Поток весна", capacity=10, tutor_id=tutor.id)
        db.session.add(run)
        db.session.flush()
        start = utcnow() + timedelta(days=21)
        db.session.add(ScheduledSession(group_id=run.id, module_id=programme.modules[0].id, starts_at=start,
                                        ends_at=start + timedelta(hours=2)))
        activity("Модуль весеннего потока", 4, {"D1.1": 4}, kind="module", module_id=programme.modules[0].id,
                 form="seminar", delivery="onsite")
        activity("Консультация по ИОМ", 1, {"D5.2": 4}, kind="consultation", form="consultation")
        today = local_today()
        route = builder.build(teacher, teacher, RouteSettings(today, today + timedelta(weeks=12), 4.0), utcnow(),
                              tutor_id=tutor.id)
        workflow.submit(route, teacher, version=None, note="", now=utcnow())
        db.session.commit()
        route_id, run_id = route.id, run.id
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, base, "tutor@example.org")
    page.goto(f"{base}/assessments/routes/{route_id}")
    preview = page.locator("#approval-preview")
    assert preview.get_by_role("heading", name="Что будет записано при утверждении").is_visible()
    assert preview.locator("ul.will-book").get_by_text("место в группе «Поток весна»").is_visible()
    assert preview.locator("ul.wont-book").get_by_text("нет свободных часов консультаций").is_visible()
    preview.screenshot(path=str(ARTIFACTS / "route-approval-preview.png"))
    with page.expect_navigation():
        page.get_by_role("button", name="Утвердить и записать").dblclick()
    page.wait_for_load_state()
    success = page.locator(".flash-success")
    assert success.get_by_text("Маршрут утверждён и действует.").is_visible()
    assert "место в группе «Поток весна»" in success.text_content()
    assert "Консультация по ИОМ" not in success.text_content()  # never claimed as booked
    assert "нет свободных часов консультаций" in page.locator(".flash-error").first.text_content()
    page.screenshot(path=str(ARTIFACTS / "route-approval-result.png"), full_page=True)
    with app.app_context():
        assert db.session.get(Route, route_id).status == "active"
        approvals = db.session.scalar(select(func.count()).select_from(RouteEvent).where(
            RouteEvent.route_id == route_id, RouteEvent.action == "approved"))
        places = db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.group_id == run_id))
        assert approvals == 1 and places == 1
