"""The staff lists of contests, work plans and schools' statuses: paged, exported to XLSX, closed to teachers."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from community.exports import HEADER_ROW
from community.queries import PAGE_SIZE
from community.services import events, library
from lms.extensions import db
from tests.factories import make_school


def _sheet(data: bytes) -> list[list]:
    """The table of an export, from its heading row on (the title and the filter come first)."""
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=HEADER_ROW,
                                                                                   values_only=True)]


def _contest(n: int):
    return events.save_contest(None, version=None, title=f"Учитель года {n:03d}", description="",
                               applications_until=date(2026, 1, 1 + n % 28), stages=[])


def _plan(n: int, item: str | None = None):
    plan = library.save_plan(None, version=None, title=f"Годплан {n:03d}", starts_on=date(2026 - n, 9, 1),
                             ends_on=date(2027 - n, 5, 31))
    if item:
        library.save_item(plan, None, version=None, data=library.ItemData(
            what=item, due_on=plan.starts_on, responsible="Иванова", form="семинар", audience="учителя",
            link_kind=None, link_id=None))
    return plan


def _status(n: int, school):
    return library.save_school_status(None, version=None, school_id=school.id, kind="innovation",
                                      theme=f"Тема {n:03d}", starts_on=date(2026, 1, 1), ends_on=date(2027, 1, 1),
                                      basis="Приказ № 1")


def test_lists_are_paged(app, people, login_as):
    school = make_school()
    for n in range(PAGE_SIZE + 1):
        _contest(n)
        _plan(n)
        _status(n, school)
    db.session.commit()
    staff = login_as("staff")
    for url, text in (("/community/contests/", "Учитель года"), ("/community/plans/", "Годплан "),
                      ("/community/school-statuses/", "Тема ")):
        first, second = staff.get(url).get_data(as_text=True), staff.get(url + "?page=2").get_data(as_text=True)
        assert first.count(text) == PAGE_SIZE, url
        assert second.count(text) == 1, url
        assert "page=2" in first, url


def test_exports_hold_the_rows_and_teachers_are_refused(app, people, login_as):
    _contest(1)
    _plan(1, item="=Семинар для молодых")
    _status(1, make_school(short_name="Лицей № 7"))
    db.session.commit()
    staff = login_as("staff")
    contests = _sheet(staff.get("/community/export/contests.xlsx").data)
    assert contests[1][0] == "Учитель года 001" and contests[1][3] == 0
    plans = _sheet(staff.get("/community/export/plans.xlsx").data)
    assert plans[1][0] == "Годплан 001" and plans[1][4] == "'=Семинар для молодых"  # a formula is kept as text
    statuses = _sheet(staff.get("/community/export/school-statuses.xlsx").data)
    assert statuses[1][:3] == ["Лицей № 7", statuses[1][1], "Тема 001"] and statuses[1][3] == "01.01.2026"
    response = staff.get("/community/export/contests.xlsx")
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    teacher = login_as("teacher")
    for name in ("contests", "plans", "school-statuses"):
        assert teacher.get(f"/community/export/{name}.xlsx").status_code == 403, name
    page = staff.get("/community/school-statuses/").get_data(as_text=True)
    assert "/community/export/school-statuses.xlsx" in page
    assert "/community/export/school-statuses.xlsx" not in teacher.get("/community/school-statuses/").get_data(
        as_text=True)


def test_list_cost_does_not_grow_with_rows(app, people, login_as, page_cost):
    school = make_school()
    for n in range(2):
        _contest(n)
        _plan(n)
        _status(n, school)
    db.session.commit()
    staff = login_as("staff")
    urls = ("/community/contests/", "/community/plans/", "/community/school-statuses/")
    before = [page_cost(staff, url) for url in urls]
    for n in range(2, 8):
        _contest(n)
        _plan(n)
        _status(n, school)
    db.session.commit()
    assert [page_cost(staff, url) for url in urls] == before
