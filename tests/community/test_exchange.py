"""XLSX exports of the registries by role, and the all-or-nothing imports with their row-by-row report."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import func, select

from community.exports import HEADER_ROW
from community.models import ContestApplication, Membership, MentoringPair
from community.services import events
from lms.extensions import db
from tests.community.helpers import make_mo, make_pair
from tests.factories import make_user


def _sheet(data: bytes) -> list[list]:
    """The table of an export, from its heading row on (the title and the filter come first)."""
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows(min_row=HEADER_ROW,
                                                                                   values_only=True)]


def test_exports_by_role_and_formula_like_text_is_kept_as_text(app, people, login_as):
    mentor = make_user("teacher", email="mentor@example.org", last_name="=HYPERLINK")
    make_pair(mentor, people["teacher"], goals="=1+1", outcome="\t=cmd")  # a leading tab: a formula too
    make_mo(name="ГМО учителей химии")
    db.session.commit()
    tutor = login_as("tutor")
    response = tutor.get("/community/export/pairs.xlsx")
    # lms.web.download: personal data kept out of caches, never sniffed into a page, the name safe.
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="pairs-')
    pairs = _sheet(response.data)
    assert pairs[0][:2] == ["Наставник", "Наставляемый"]
    assert pairs[1][0].startswith("'=HYPERLINK") and pairs[1][6] == "'=1+1" and pairs[1][7] == "'\t=cmd"
    assert tutor.get("/community/export/associations.xlsx").status_code == 403
    assert login_as("teacher").get("/community/export/pairs.xlsx").status_code == 403
    staff = login_as("staff")
    rows = _sheet(staff.get("/community/export/associations.xlsx").data)
    assert ["ГМО учителей химии" in (r[0] or "") for r in rows].count(True) == 1
    for name in ("mentors", "young-specialists", "visits", "appeals", "events"):
        assert staff.get(f"/community/export/{name}.xlsx").status_code == 200, name
    assert staff.get("/community/export/nothing.xlsx").status_code == 404


def _post(client, kind: str, text: str, name: str = "list.csv"):
    return client.post("/community/import", {"kind": kind, "file": (io.BytesIO(text.encode("utf-8")), name)},
                       content_type="multipart/form-data")


def test_member_import_is_all_or_nothing_with_a_row_report(app, people, login_as):
    make_mo(name="ГМО учителей информатики")
    other = make_user("teacher", email="other@example.org")
    db.session.commit()
    staff = login_as("staff")
    bad = _post(staff, "members", "Объединение;E-mail\nГМО учителей информатики;teacher@example.org\n"
                                   "Нет такого;other@example.org\nГМО учителей информатики;nobody@example.org\n")
    assert bad.status_code == 400
    assert "Ничего не сохранено" in bad.text and "Нет такого" in bad.text and "nobody@example.org" in bad.text
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0
    good = _post(staff, "members", "Объединение;E-mail\n«ГМО учителей информатики»;teacher@example.org\n"
                                    "гмо учителей информатики;OTHER@example.org\n")
    assert good.status_code == 200 and "Сохранено строк: 2" in good.text
    assert set(db.session.scalars(select(Membership.user_id))) == {people["teacher"].id, other.id}
    again = _post(staff, "members", "Объединение;E-mail\nГМО учителей информатики;teacher@example.org\n")
    assert "Сохранено строк: 0; уже были, не изменены: 1" in again.text and "уже состоит" in again.text
    missing = _post(staff, "members", "Фамилия;Имя\nИванова;Мария\n")
    assert missing.status_code == 400 and "объединение" in missing.text
    assert _post(staff, "members", "x", name="list.exe").status_code == 400


def test_pair_import_refuses_overlaps_within_the_file(app, people, login_as):
    make_user("teacher", email="mentor@example.org")
    make_user("teacher", email="second@example.org")
    db.session.commit()
    staff = login_as("staff")
    text = ("Наставник e-mail;Наставляемый e-mail;Форма;С;По;Цели\n"
            "mentor@example.org;teacher@example.org;;01.09.2026;31.05.2027;Адаптация\n"
            "second@example.org;teacher@example.org;;01.01.2027;31.05.2027;Ещё\n")
    page = _post(staff, "pairs", text)
    assert page.status_code == 400 and "не могут пересекаться" in page.text
    assert db.session.scalar(select(func.count()).select_from(MentoringPair)) == 0
    page = _post(staff, "pairs", text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n")
    assert page.status_code == 200
    assert db.session.scalar(select(MentoringPair.goals)) == "Адаптация"
    again = _post(staff, "pairs", text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n")  # the same file
    assert again.status_code == 200 and "уже были, не изменены: 1" in again.text
    assert db.session.scalar(select(func.count()).select_from(MentoringPair)) == 1


def test_contest_results_import(app, people, login_as):
    contest = events.save_contest(None, version=None, title="Педагог года", description="",
                                  applications_until=date(2026, 3, 1), stages=[])
    db.session.commit()
    staff = login_as("staff")
    bad = _post(staff, "results", "Конкурс;E-mail;Результат\nПедагог года;teacher@example.org;чемпион\n")
    assert bad.status_code == 400 and "чемпион" in bad.text
    good = _post(staff, "results", "Конкурс;E-mail;Результат\nпедагог года;teacher@example.org;Призёр\n")
    assert good.status_code == 200 and "Сохранено строк: 1" in good.text
    again = _post(staff, "results", "Конкурс;E-mail;Результат\nпедагог года;teacher@example.org;Призёр\n")
    assert "Сохранено строк: 0; уже были, не изменены: 1" in again.text
    application = db.session.scalar(select(ContestApplication))
    assert (application.contest_id, application.status, application.result) == (contest.id, "accepted",
                                                                                 "prize_winner")


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _post_xlsx(client, kind: str, rows: list[list]):
    return client.post("/community/import", {"kind": kind, "file": (io.BytesIO(_xlsx(rows)), "list.xlsx")},
                       content_type="multipart/form-data")


def test_imports_read_xlsx_files_all_or_nothing(app, people, login_as):
    """The lists a service keeps in Excel: text, real date cells and numbers, with the same row report."""
    make_mo(name="ГМО учителей информатики")
    make_user("teacher", email="mentor@example.org")
    contest = events.save_contest(None, version=None, title="Педагог года", description="",
                                  applications_until=date(2026, 3, 1), stages=[])
    db.session.commit()
    staff = login_as("staff")
    bad = _post_xlsx(staff, "members", [["Объединение", "E-mail"], ["ГМО учителей информатики", "teacher@example.org"],
                                        ["ГМО учителей информатики", "nobody@example.org"]])
    assert bad.status_code == 400 and "nobody@example.org" in bad.text
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0
    good = _post_xlsx(staff, "members", [["Объединение", "E-mail"],
                                         ["ГМО учителей информатики", "teacher@example.org"]])
    assert good.status_code == 200 and "Сохранено строк: 1" in good.text
    assert db.session.scalar(select(Membership.user_id)) == people["teacher"].id
    pairs = _post_xlsx(staff, "pairs", [
        ["Наставник e-mail", "Наставляемый e-mail", "Форма", "С", "По", "Цели"],
        ["mentor@example.org", "teacher@example.org", None, datetime(2026, 9, 1), datetime(2027, 5, 31), "Адаптация"]])
    assert pairs.status_code == 200, pairs.text
    pair = db.session.scalar(select(MentoringPair))
    assert (pair.starts_on, pair.ends_on, pair.goals) == (date(2026, 9, 1), date(2027, 5, 31), "Адаптация")
    results = _post_xlsx(staff, "results", [["Конкурс", "E-mail", "Результат"],
                                            ["Педагог года", "teacher@example.org", "Победитель"]])
    assert results.status_code == 200
    application = db.session.scalar(select(ContestApplication))
    assert (application.contest_id, application.result) == (contest.id, "winner")
