"""Every generated file leaves through lms.web.download, and every spreadsheet cell through lms.spreadsheets."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path
from urllib.parse import unquote

import pytest
from flask import Flask

from lms.spreadsheets import cell_text, csv_bytes
from lms.web import download

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.nodb
def test_download_names_the_file_safely_and_keeps_it_out_of_caches():
    with Flask(__name__).test_request_context():
        response = download("ИОМ «Иванова».docx", 'ИОМ "Иванова"\r\n/../x.docx')
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        disposition = response.headers["Content-Disposition"]
        assert "\r" not in disposition and "\n" not in disposition and disposition.startswith("attachment; ")
        fallback, exact = disposition.split("; ")[1:]
        assert fallback == 'filename="x.docx"'  # only ASCII letters, digits and . _ - survive in the fallback
        assert exact.startswith("filename*=UTF-8''") and "/" not in exact and '"' not in exact
        assert unquote(exact.removeprefix("filename*=UTF-8''")) == "ИОМ _Иванова_.._x.docx"
        assert response.get_data() == "ИОМ «Иванова».docx".encode()
        assert download(b"x", "группа.xlsx").headers["Content-Disposition"].startswith(
            'attachment; filename="download.xlsx"; ')
        feed = download("BEGIN:VCALENDAR", "a.ics", "text/calendar", attachment=False, cache="private, max-age=300")
        assert feed.headers["Content-Disposition"].startswith("inline; ") and feed.mimetype == "text/calendar"


@pytest.mark.nodb
def test_a_cell_is_never_a_formula():
    # A leading tab or CR: the exports' own escapes let them through, and Excel reads what follows as a formula.
    for dangerous in ("=HYPERLINK(\"http://x\")", "+7 900", "-2+3", "@SUM(A1)", "\t=cmd", "\r=1"):
        assert cell_text(dangerous) == "'" + dangerous
    assert cell_text("Иванова") == "Иванова" and cell_text(None) == "" and cell_text(12) == "12"
    data = csv_bytes([["=1+1", 12, 1.5, "a;b"]])
    assert data.startswith("\ufeff".encode())
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")) == [["'=1+1", "12", "1.5", "a;b"]]


@pytest.mark.nodb
def test_no_view_builds_a_download_or_a_spreadsheet_by_hand():
    # The helpers only help if nothing goes round them: no view sets Content-Disposition itself or sends a built
    # file with send_file (no no-store, no nosniff), and no export keeps a private formula escape.
    found = []
    for package in ("lms", "courses", "assessments", "community"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name in ("web.py", "spreadsheets.py") and path.parent.name == "lms":
                continue
            text = path.read_text()
            if "Content-Disposition" in text:
                found.append(f"{path.relative_to(ROOT)}: sets Content-Disposition")
            if "send_file" in text and path.relative_to(ROOT).as_posix() != "lms/storage.py":  # a stored upload
                found.append(f"{path.relative_to(ROOT)}: sends a file without lms.web.download")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Constant) and node.value in (("=", "+", "-", "@"), "=+-@"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: its own formula escape")
                if isinstance(node, ast.Tuple) and [getattr(e, "value", None) for e in node.elts][:4] == [
                        "=", "+", "-", "@"]:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: its own formula escape")
    assert found == []


def test_the_exports_go_through_both_helpers(app, login_as, people):
    from openpyxl import load_workbook

    from courses.services import groups
    from lms.extensions import db
    from tests.factories import make_programme, make_user

    group = groups.save_group(None, version=None, data=groups.GroupData(
        programme_id=make_programme().id, name="Группа", source="application", tutor_id=people["tutor"].id,
        association_id=None, capacity=10, starts_on=None, ends_on=None))
    groups.add_members(group, [make_user("teacher", email="f@example.org", last_name="=cmd")], people["staff"])
    db.session.commit()
    response = login_as("tutor").get(f"/courses/groups/{group.id}/list.xlsx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="group-{group.id}.xlsx"; ')
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(5, 2).value.startswith("'=cmd") and sheet.cell(5, 2).data_type == "s"
    template = login_as("admin").get("/admin/users/import/template.csv")
    assert template.status_code == 200 and template.data.startswith("\ufeffФамилия;Имя;".encode())
    assert template.headers["X-Content-Type-Options"] == "nosniff" and template.mimetype == "text/csv"
