"""In real Chromium: the home page tells the tutor that a teacher proposed a change, the tutor goes from there to the
caseload, the teacher's results and the route, and declines with a reason; the teacher, on a 390 px phone, sees
where each step of the route happens and is told of the answer."""

from __future__ import annotations

from tests.assessments.routes_setup import route_with_places
from tests.browser import ARTIFACTS, BROWSER_MARKS, PHONE, no_sideways_scroll, sign_in
from tests.factories import make_user

pytestmark = BROWSER_MARKS


def test_a_proposal_from_the_home_page_to_the_answer(live_server, browser):
    app, base = live_server.app, live_server.url
    with app.app_context():
        people = {"teacher": make_user("teacher", email="teacher@example.org", last_name="Орлова",
                                       first_name="Ксения"),
                  "tutor": make_user("tutor", email="tutor@example.org", last_name="Белова", first_name="Наталья")}
        route, _attempt, _run = route_with_places(people)
        route_id = route.id
    ARTIFACTS.mkdir(exist_ok=True)

    page = browser.new_context(locale="ru-RU").new_page()
    sign_in(page, base, "tutor@example.org")
    todo = page.locator("section.todo")
    todo.get_by_role("link", name="1 педагог предложил изменить свой маршрут.").click()
    row = page.get_by_role("row").filter(has_text="Орлова Ксения")
    assert row.get_by_text("педагог предлагает изменение").is_visible()
    row.get_by_role("link", name="результаты диагностики").click()
    assert page.get_by_role("heading", name="Результаты диагностики").first.is_visible()
    page.go_back()
    page.get_by_role("row").filter(has_text="Орлова Ксения").get_by_role("link", name="Действует").click()
    proposal = page.locator("#proposal")
    assert proposal.get_by_text("Перенесите курс на март").is_visible()
    proposal.screenshot(path=str(ARTIFACTS / "route-proposal-answer.png"))
    proposal.get_by_role("button", name="Отклонить").click()
    assert page.locator(".flash-error").get_by_text("Напишите, почему вы отклоняете предложение.").is_visible()
    page.locator("#proposal-reply").fill("Курс в марте не проводится")
    page.locator("#proposal").get_by_role("button", name="Отклонить").click()
    assert page.locator(".flash-success").get_by_text("Педагогу сообщено, почему вы отклоняете").is_visible()
    assert page.locator("#proposal").count() == 0
    page.context.close()

    phone = browser.new_context(locale="ru-RU", viewport=PHONE).new_page()
    sign_in(phone, base, "teacher@example.org")
    no_sideways_scroll(phone)
    phone.goto(f"{base}/notifications/")
    assert phone.get_by_text("Тьютор отклонил ваше предложение «Перенесите курс на март»: Курс в марте не "
                             "проводится").is_visible()
    phone.goto(f"{base}/assessments/routes/{route_id}")
    step = phone.locator("table.route-plan tbody tr").filter(has_text="Модуль весеннего потока")
    assert step.get_by_role("link", name="Группа «Поток весна»").is_visible()
    assert step.get_by_text("Кабинет 214").is_visible()
    assert step.get_by_role("link", name="в моём расписании").is_visible()
    course = phone.locator("table.route-plan tbody tr").filter(has_text="Онлайн-курс")
    assert course.get_by_role("link", name="Страница внешнего модуля").get_attribute("href") == \
        "https://edu.example.org/course/7"
    no_sideways_scroll(phone)
    phone.screenshot(path=str(ARTIFACTS / "route-places-phone.png"), full_page=True)
    step.get_by_role("link", name="в моём расписании").click()
    assert phone.get_by_text("Поток весна").first.is_visible()
