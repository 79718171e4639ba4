"""In real Chromium at a phone's 390 px: every page of every role (the access table's) fits the width — no page
scrolls sideways; a wide table scrolls inside its own box or stacks its rows. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from lms.extensions import db
from lms.reports.registry import Report, ReportTable, register_report
from tests.browser import ARTIFACTS, BROWSER_MARKS, sign_in
from tests.conftest import make_people
from tests.lms.test_access import EXTRA_PAGES, PAGES, ROLES, _build

pytestmark = BROWSER_MARKS

WIDTH = 390
SHOTS = ARTIFACTS / f"phone-{WIDTH}"
#: The page's own width against the window's: more means the page itself scrolls sideways.
OVERFLOW = """() => {
  const page = document.scrollingElement.scrollWidth, window_ = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.right > window_ + 1 && !e.closest('.table-wrap, .scroll-x');
  }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''));
  return {page, window: window_, wide};
}"""


@pytest.fixture
def site(live_server):
    app = live_server.app
    register_report(app, Report("test.table", "Test", "reports.view",
                                lambda filters, viewer, page: ReportTable(["a"], [(1,)])))
    with app.app_context():
        people = make_people()
        ids = _build(people)
        # What real data brings that the access table's short rows do not: long names, titles and addresses.
        from community.models import Material
        from courses.models import Programme
        from lms.orgs.models import MethodAssociation

        people["teacher"].last_name = "Константинопольская-Преображенская"
        db.session.get(Programme, ids["programme"]).title = (
            "Цифровая образовательная среда: проектирование, сопровождение и оценивание результатов обучения")
        db.session.get(MethodAssociation, ids["association"]).name = (
            "Муниципальное методическое объединение учителей информатики и ИКТ-компетентности")
        db.session.get(Material, ids["material"]).link = (
            "https://example.org/" + "normativnye-dokumenty/" * 6 + "prikaz-minprosveshcheniya.pdf")
        db.session.commit()
        emails = {role: people[role].email for role in ROLES}
        db.session.remove()
    return live_server.url, ids, emails


def _slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"


def test_no_page_of_any_role_scrolls_sideways_at_390_px(site, browser):
    base, ids, emails = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = [(url.format(**ids), allowed) for url, allowed in (*PAGES.values(), *EXTRA_PAGES.items())]
    wrong, walked = {}, 0
    for role in ROLES:
        context = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="ru-RU")
        page = context.new_page()
        sign_in(page, base, emails[role])
        for url, allowed in pages:
            if role not in allowed:
                continue
            if re.search(r"\.(xlsx|csv|svg|docx|pdf)$", url):  # a download, not a page
                continue
            try:
                answer = page.goto(base + url)
            except PlaywrightError as exc:
                if "Download is starting" in str(exc):  # a file without an extension in its URL
                    continue
                raise
            assert answer.status == 200, (role, url, answer.status)
            if "text/html" not in answer.headers.get("content-type", ""):
                continue
            walked += 1
            found = page.evaluate(OVERFLOW)
            if found["page"] > found["window"]:
                wrong[f"{role} {url}"] = found
                page.screenshot(path=str(SHOTS / f"WIDE-{role}-{_slug(url)}.png"), full_page=True)
            else:
                page.screenshot(path=str(SHOTS / f"{role}-{_slug(url)}.png"))
        context.close()
    assert walked > 250, walked
    assert not wrong, "pages wider than the phone (page width, window, elements past the edge): " + "\n".join(
        f"{key}: {value}" for key, value in sorted(wrong.items()))


def test_a_wide_table_scrolls_in_its_box_keeping_its_key_column_and_a_stacked_one_becomes_cards(site, browser):
    base, ids, emails = site
    context = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="ru-RU")
    page = context.new_page()
    sign_in(page, base, emails["admin"])
    page.goto(f"{base}/admin/users/")
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth"), "the directory is wider than a phone"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH  # the box scrolls, not the page
    wrap.evaluate("e => { e.scrollLeft = 300; }")
    name = page.locator(".table-wrap tbody th[scope=row]").first
    left, box = name.bounding_box()["x"], wrap.bounding_box()["x"]
    assert abs(left - box) < 2, "the name column scrolled away with the rest"
    page.screenshot(path=str(SHOTS / "users-scrolled.png"))

    page.goto(f"{base}/courses/groups/{ids['group']}")
    modules = page.locator("#modules-title + .table-wrap table.stack")
    assert modules.locator("tbody tr").first.evaluate("e => getComputedStyle(e).display") == "block"
    assert not modules.locator("thead").is_visible() or modules.locator("thead").bounding_box()["width"] <= 1
    assert modules.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # cards need no sideways scrolling
    page.screenshot(path=str(SHOTS / "group-stacked.png"), full_page=True)
    context.close()
