"""In real Chromium: a teacher signs in, sees the Russian dashboard, switches to English; phone layout; keyboard."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from lms.extensions import db
from tests.factories import PASSWORD, make_school, make_user

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture
def live_server(app_factory):
    app = app_factory()
    with app.app_context():
        school = make_school(short_name="МБОУ СОШ № 1")
        make_user("teacher", email="browser@example.org", last_name="Смирнова", first_name="Анна",
                  middle_name="Викторовна", school=school, position="teacher", qualification_category="first",
                  subjects=["Информатика"])
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("Эл. почта").fill("browser@example.org")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{base}/")


def test_teacher_signs_in_sees_russian_dashboard_and_switches_to_english(live_server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="ru-RU")
    _sign_in(page, live_server)
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


def test_phone_layout_and_keyboard(live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{live_server}/auth/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    _sign_in(page, live_server)
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
