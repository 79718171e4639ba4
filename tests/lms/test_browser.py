"""In real Chromium: a teacher signs in, sees the Russian dashboard, switches to English; phone layout; keyboard."""

from __future__ import annotations

import pytest

from lms.extensions import db
from tests.browser import ARTIFACTS, BROWSER_MARKS, sign_in
from tests.factories import make_school, make_user

pytestmark = BROWSER_MARKS


@pytest.fixture
def teacher_site(live_server):
    with live_server.app.app_context():
        school = make_school(short_name="МБОУ СОШ № 1")
        make_user("teacher", email="browser@example.org", last_name="Смирнова", first_name="Анна",
                  middle_name="Викторовна", school=school, position="teacher", qualification_category="first",
                  subjects=["Информатика"])
        db.session.commit()
    return live_server.url


def test_teacher_signs_in_sees_russian_dashboard_and_switches_to_english(teacher_site, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="ru-RU")
    sign_in(page, teacher_site, "browser@example.org")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "Добрый день, Анна Викторовна!"
    assert page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Программы").is_visible()
    assert "МБОУ СОШ № 1" in page.locator(".facts").inner_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard-ru.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Good day, Анна Викторовна!"
    assert page.get_by_role("link", name="Programmes").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)

    page.reload()  # the choice is kept on the account
    assert page.get_by_role("heading", level=1).inner_text().startswith("Good day")


def test_phone_layout_and_keyboard(teacher_site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{teacher_site}/auth/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    sign_in(page, teacher_site, "browser@example.org")
    menu_link = page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Программы")
    toggle = page.get_by_role("button", name="Меню")
    assert toggle.is_visible() and not menu_link.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and menu_link.is_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375, "the page must not scroll sideways on a phone"
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    context.close()
