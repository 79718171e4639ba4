"""In real Chromium, on a phone-sized screen: the head follows the dashboard's link to the indicators, filters by
school, opens a number's records and downloads them as XLSX."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.browser import ARTIFACTS, BROWSER_MARKS, sign_in
from tests.conftest import make_people
from tests.lms.test_indicators import build_world

pytestmark = BROWSER_MARKS


def test_the_head_filters_drills_down_and_downloads(live_server, browser):
    app, base = live_server.app, live_server.url
    with app.app_context():
        world = build_world(make_people())
        school = world["school_a"].short_name
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844}, accept_downloads=True).new_page()
    sign_in(page, base, "admin@example.org")  # lands on the dashboard
    page.get_by_role("main").get_by_role("link", name="Показатели", exact=True).click()
    page.wait_for_url("**/reports/indicators/**")
    # the world's records are dated in 2026/27: a day of that academic year, whatever today is
    page.get_by_label("С (или любой день периода)").fill("15.10.2026")
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url("**from=15.10.2026**")
    row = page.get_by_role("row").filter(has_text="адресную методическую поддержку")
    assert row.get_by_role("link").first.inner_text() == "2"
    page.wait_for_load_state("networkidle")  # the chart has loaded
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.get_by_label("Образовательная организация").select_option(label=school)
    page.get_by_role("button", name="Показать").click()
    page.wait_for_url(f"**school={world['school_a'].id}**")
    row = page.get_by_role("row").filter(has_text="адресную методическую поддержку")
    assert row.get_by_role("link").first.inner_text() == "2"
    page.screenshot(path=str(ARTIFACTS / "indicators-phone.png"), full_page=True)
    row.get_by_role("link").first.click()
    page.wait_for_url("**/reports/indicators/targeted_support/**")
    assert page.get_by_role("cell", name="Разбор урока").first.is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    teachers = {r[1] for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert len(teachers) == 2 and all(school in (r[2] or "") for r in sheet.iter_rows(min_row=5, values_only=True))
