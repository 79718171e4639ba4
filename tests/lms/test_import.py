"""Importing teachers from CSV/XLSX: per-row errors, all-or-nothing, encodings, upsert, the CLI."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.extensions import db
from lms.users.models import User
from tests.factories import make_association, make_school, make_user

HEADER = "Фамилия;Имя;Отчество;E-mail;ОО;Должность;Предметы;Категория;Стаж;МО"


@pytest.fixture
def school(app):
    school = make_school(short_name="МБОУ СОШ № 7", code="S-7", name="Средняя школа № 7")
    make_association(school.municipality, "Городское МО учителей информатики")
    db.session.commit()
    return school


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _upload(client, body: bytes, filename: str, mode: str = "create", action: str = "import"):
    return client.post("/admin/users/import", {"file": (io.BytesIO(body), filename), "mode": mode,
                                               "dry_run": action}, content_type="multipart/form-data")


GOOD_ROWS = [
    "Орлова;Ксения;Алексеевна;orlova@example.org;МБОУ СОШ № 7;учитель;Информатика, Математика;высшая;12;"
    "Городское МО учителей информатики",
    "Гусев;Артём;;GUSEV@example.org;S-7;Учитель;Информатика;б/к;0;",
    "Ильина;Вероника;Олеговна;ilina@example.org;«Средняя школа № 7»;педагог-психолог;;СЗД;3,0;",
]


def test_bad_rows_are_listed_by_row_and_nothing_is_imported(login_as, people, school):
    client = login_as("staff")
    rows = GOOD_ROWS + [
        "Смирнова;Анна;;broken-email;МБОУ СОШ № 7;учитель;;первая;5;",          # row 5
        "Петров;Пётр;;petrov@example.org;Школа № 999;учитель;;первая;5;",        # row 6
        "Сидоров;Иван;;orlova@example.org;МБОУ СОШ № 7;учитель;;первая;5;",     # row 7: repeats row 2
        "Кузнецова;Ольга;;kuz@example.org;МБОУ СОШ № 7;космонавт;;вторая;много;",  # row 8
        "Тест;Тестов;;teacher@example.org;МБОУ СОШ № 7;учитель;;первая;5;",     # row 9: already a user
        "3ахарова;Дарья;;zah@example.org;МБОУ СОШ № 7;учитель;;первая;5;Нет такого МО",  # row 10
    ]
    body = ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
    before = _count()
    response = _upload(client, body, "teachers.csv")
    assert response.status_code == 400
    text = response.text
    for expected in ("broken-email", "Школа № 999", "повторяется в строке 2", "космонавт", "вторая",
                     "от 0 до 70", "teacher@example.org", "Нет такого МО", "не может содержать цифры"):
        assert expected in text, expected
    assert [f"<td>{n}</td>" in text for n in (5, 6, 7, 8, 9, 10)] == [True] * 6
    assert "<td>2</td>" not in text and "<td>3</td>" not in text  # good rows are not reported
    assert _count() == before


def test_good_cp1251_file_is_checked_then_imported(login_as, people, school):
    client = login_as("staff")
    body = ("\r\n".join([HEADER, *GOOD_ROWS]) + "\r\n").encode("cp1251")
    before = _count()
    checked = _upload(client, body, "Педагоги.CSV", action="check")
    assert checked.status_code == 200 and "к импорту готовы 3 строки" in checked.text
    assert _count() == before
    imported = _upload(client, body, "Педагоги.CSV")
    assert imported.status_code == 200 and "Создано: 3" in imported.text
    assert _count() == before + 3
    orlova = db.session.scalar(select(User).where(User.email == "orlova@example.org"))
    assert orlova.role_codes == {"teacher"} and orlova.password_hash is None
    assert orlova.profile.school_id == school.id and orlova.profile.qualification_category == "highest"
    assert orlova.profile.position == "teacher" and orlova.profile.experience_years == 12
    assert orlova.profile.association.name == "Городское МО учителей информатики"
    assert sorted(s.name for s in orlova.profile.subjects) == ["Информатика", "Математика"]
    gusev = db.session.scalar(select(User).where(User.email == "gusev@example.org"))
    assert gusev.middle_name is None and gusev.profile.qualification_category == "none"
    ilina = db.session.scalar(select(User).where(User.email == "ilina@example.org"))
    assert ilina.profile.position == "educational_psychologist" and ilina.profile.qualification_category == "conformity"


def test_xlsx_with_one_fio_column(login_as, people, school):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ФИО", "Email", "Школа", "Стаж"])
    sheet.append(["Воробьёва Елизавета Павловна", "vorobyova@example.org", "МБОУ СОШ № 7", 1])
    sheet.append([None, None, None, None])
    sheet.append(["Киселева Тамара Ивановна", "kiseleva@example.org", "S-7", 35.0])
    stream = io.BytesIO()
    workbook.save(stream)
    response = _upload(login_as("admin"), stream.getvalue(), "teachers.xlsx")
    assert response.status_code == 200, response.text
    user = db.session.scalar(select(User).where(User.email == "kiseleva@example.org"))
    assert (user.last_name, user.first_name, user.middle_name) == ("Киселева", "Тамара", "Ивановна")
    assert user.profile.experience_years == 35


def test_upsert_updates_known_teachers_and_keeps_their_other_roles(login_as, people, school):
    tutor_teacher = make_user("tutor", "teacher", email="both@example.org", last_name="Старая")
    db.session.commit()
    body = "\n".join([HEADER, "Новая;Мария;;both@example.org;S-7;учитель;Физика;первая;4;"]).encode()
    refused = _upload(login_as("admin"), body, "t.csv")
    assert refused.status_code == 400 and "уже существует" in refused.text
    response = _upload(login_as("admin"), body, "t.csv", mode="upsert")
    assert response.status_code == 200 and "обновлено: 1" in response.text
    db.session.expire_all()
    user = db.session.get(User, tutor_teacher.id)
    assert user.last_name == "Новая" and user.role_codes == {"tutor", "teacher"}
    assert [s.name for s in user.profile.subjects] == ["Физика"]


@pytest.mark.parametrize("body, filename, message", [
    (b"", "empty.csv", "Файл пуст"),
    (b"name;mail\nx;y\n", "t.csv", "Не хватает столбцов"),
    (b"\x00\x01\x02 binary", "t.csv", "не является текстовым"),
    (b"PK\x03\x04 not really a zip", "t.xlsx", "Не удалось прочитать файл XLSX"),
    ("Фамилия;Имя;E-mail;ОО\n".encode("utf-16"), "t.csv", "UTF-8"),
])
def test_unreadable_files_get_a_clear_message(login_as, people, school, body, filename, message):
    before = _count()
    response = _upload(login_as("staff"), body, filename)
    assert response.status_code == 400
    assert message in response.text
    assert _count() == before


def test_wrong_extension_is_refused_by_the_form(login_as, people):
    response = _upload(login_as("staff"), b"x", "teachers.pdf")
    assert response.status_code == 200 and "только файлы CSV и XLSX" in response.text


def test_row_limit(app_factory, school):
    app = app_factory(IMPORT_MAX_ROWS=2)
    from lms.users import importing

    body = ("\n".join([HEADER, *GOOD_ROWS]) + "\n").encode()
    with app.test_request_context():
        with pytest.raises(importing.ImportFileError, match="больше 2 строк"):
            importing.parse(io.BytesIO(body), "t.csv")


def test_cli_import_reports_errors_and_imports_good_files(app, school, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, GOOD_ROWS[0], "X;Y;;nope;S-7;;;;;"]), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "import", str(bad)])
    assert result.exit_code == 1 and "row 3" in result.output and "nothing was imported" in result.output
    assert _count() == 0
    good = tmp_path / "good.csv"
    good.write_text("\n".join([HEADER, *GOOD_ROWS]), encoding="utf-8")
    assert runner.invoke(args=["users", "import", "--dry-run", str(good)]).exit_code == 0
    assert _count() == 0
    result = runner.invoke(args=["users", "import", str(good)])
    assert result.exit_code == 0 and "3 created" in result.output
    assert _count() == 3


def test_an_email_taken_between_check_and_save_aborts_the_whole_file(app, school):
    """Another request creates one of the teachers after the file was checked: nothing is kept."""
    from lms.errors import ServiceError
    from lms.users import importing

    body = ("\n".join([HEADER, *GOOD_ROWS]) + "\n").encode()
    with app.test_request_context():
        report = importing.parse(io.BytesIO(body), "t.csv")
        assert report.ok
        make_user("teacher", email="ilina@example.org")  # the race: same e-mail, committed first
        db.session.commit()
        with pytest.raises(ServiceError, match="Ничего не импортировано"):
            importing.apply(report)
        db.session.rollback()
    assert _count() == 1


def _xlsx_with_far_cell(row: int, column: str = "A") -> bytes:
    """A tiny workbook whose only data cell sits at ``row`` (and which declares a huge dimension)."""
    import zipfile

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Фамилия", "Имя", "E-mail", "ОО"])
    sheet[f"{column}{row}"] = "x"
    stream = io.BytesIO()
    workbook.save(stream)
    out = io.BytesIO()
    with zipfile.ZipFile(stream) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:D2"/>', b'<dimension ref="A1:XFD1048576"/>')
            dst.writestr(item, data)
    return out.getvalue()


def test_a_tiny_xlsx_declaring_a_million_rows_is_refused_quickly(login_as, people, school):
    import time

    body = _xlsx_with_far_cell(200_000, "XFD")
    assert len(body) < 10_000
    started = time.perf_counter()
    response = _upload(login_as("staff"), body, "huge.xlsx")
    assert response.status_code == 400 and "больше 5000 строк" in response.text
    assert time.perf_counter() - started < 30  # bounded by IMPORT_MAX_ROWS, not by the declared size


def test_an_xlsx_zip_bomb_is_refused_before_unpacking(login_as, people, school):
    import zipfile

    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (70 * 2**20) + b">")
    assert len(stream.getvalue()) < 200_000
    response = _upload(login_as("staff"), stream.getvalue(), "bomb.xlsx")
    assert response.status_code == 400 and "64 МБ" in response.text


@pytest.mark.parametrize("body, message", [
    (HEADER + "\n" + GOOD_ROWS[0] + "\n" + '"' + "я" * 200_000 + '";x;;a@example.org;S-7;;;;;\n',
     "Не удалось прочитать строку 3"),
    (HEADER + "\nОрлова;Ксения;;o@example.org;S-7;учитель;;первая;inf;\n", "от 0 до 70"),
    (HEADER + "\n=HYPERLINK(1);Ксения;;o@example.org;S-7;;;;;\n", "@ ; ="),
    (HEADER + "\nОрлова;Ксения;;o@example.org;S-7;;" + "Предмет" * 20 + ";;;\n", "длиннее 100 символов"),
    (HEADER + "\nОрлова;Ксения;;o@example.org;S-7;;=cmd|' /C calc'!A0;;;\n", "начинается со специального знака"),
])
def test_crafted_cells_get_row_errors_not_a_crash(login_as, people, school, body, message):
    response = _upload(login_as("staff"), body.encode(), "t.csv")
    assert response.status_code == 400 and message in response.text
    assert _count() == 4  # the people fixture's accounts only


def test_an_ambiguous_school_name_must_be_written_as_a_code(login_as, people, school):
    make_school(short_name="МБОУ СОШ № 7", code="OTHER-7")
    db.session.commit()
    body = "\n".join([HEADER, "Орлова;Ксения;;o@example.org;МБОУ СОШ № 7;;;;;"]).encode()
    response = _upload(login_as("staff"), body, "t.csv")
    assert response.status_code == 400 and "укажите вместо него код" in response.text
    by_code = "\n".join([HEADER, "Орлова;Ксения;;o@example.org;OTHER-7;;;;;"]).encode()
    assert _upload(login_as("staff"), by_code, "t.csv").status_code == 200


def test_staff_upsert_cannot_rewrite_an_admin_account(login_as, people, school):
    body = "\n".join([HEADER, "Захваченный;Админ;;admin@example.org;S-7;;;;;"]).encode()
    response = _upload(login_as("staff"), body, "t.csv", mode="upsert")
    assert response.status_code == 400 and "может только руководитель" in response.text
    db.session.expire_all()
    assert db.session.get(User, people["admin"].id).last_name == "Иванова"
    assert _upload(login_as("admin"), body, "t.csv", mode="upsert").status_code == 200
