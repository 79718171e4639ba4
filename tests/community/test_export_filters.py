"""Each community export holds the rows its list page keeps for the same query string, and says which filter."""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import unquote

from openpyxl import load_workbook
from sqlalchemy import select

from community.exports import HEADER_ROW
from community.services import events, library, visits
from lms.extensions import db
from lms.i18n import local_today
from lms.users.models import Subject
from tests.community.helpers import make_mo, make_pair
from tests.factories import make_school, make_user

TODAY = date(2026, 10, 20)


def _book(data: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def _export(client, name: str, query: str = "") -> tuple[str, str]:
    """The export's filter line, and its table as text."""
    response = client.get(f"/community/export/{name}.xlsx{query}")
    assert response.status_code == 200, (name, query)
    rows = _book(response.data)
    table = "\n".join(" | ".join(str(v) for v in row if v is not None) for row in rows[HEADER_ROW:])
    return rows[1][0], table


def _event(title: str, kind: str):
    return events.save_event(None, version=None, today=TODAY, data=events.EventData(
        kind=kind, title=title, organiser_kind="service", school_id=None, association_id=None,
        held_on=TODAY + timedelta(days=5), place="ИМЦ", link=None, capacity=None, registration_open=True,
        description="", status="planned"))


def _contest(title: str, until: date):
    return events.save_contest(None, version=None, title=title, description="", applications_until=until, stages=[])


def _plan(title: str, starts: date):
    plan = library.save_plan(None, version=None, title=title, starts_on=starts,
                             ends_on=starts.replace(year=starts.year + 1, month=5, day=31))
    library.save_item(plan, None, version=None, data=library.ItemData(
        what=f"Пункт плана «{title}»", due_on=starts, responsible="", form="", audience="", link_kind=None,
        link_id=None))
    return plan


def _material(title: str, subject: Subject):
    return library.save_material(None, version=None, data=library.MaterialData(
        kind="methodological", title=title, description="", link="https://example.org/m", competency="",
        subject_id=subject.id, level=None))


def _subject(name: str) -> Subject:
    """The seeded subject (the migrations bring the usual list), or a new one."""
    subject = db.session.scalar(select(Subject).where(Subject.name == name))
    if subject is None:
        subject = Subject(name=name)
        db.session.add(subject)
        db.session.flush()
    return subject


def _world(people):
    """Two records in every list: the filter of each case keeps the first and drops the second."""
    teacher, tutor = people["teacher"], people["tutor"]
    second = make_user("teacher", email="second@example.org", last_name="Смирнова")
    mentor_a = make_user("teacher", email="ma@example.org", last_name="Андреева")
    mentor_b = make_user("teacher", email="mb@example.org", last_name="Борисова")
    make_mo(name="Творческая группа «Цифра»", kind="creative", starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31))
    make_mo(name="ГМО учителей химии")
    make_pair(mentor_a, teacher, form="peer")
    make_pair(mentor_b, second, form="experienced_young")
    visits.save_visit(None, tutor, version=None, today=TODAY, data=visits.VisitData(
        teacher_id=teacher.id, kind="open_lesson", visited_on=TODAY, lesson="Открытый 7 Б", purpose="", protocol=[],
        recommendations=""))
    visits.save_visit(None, tutor, version=None, today=TODAY, data=visits.VisitData(
        teacher_id=second.id, kind="visit", visited_on=TODAY, lesson="Обычный 9 В", purpose="", protocol=[],
        recommendations=""))
    visits.submit_appeal(teacher, source="teacher", subject="Давнее письмо", text="Текст",
                         received_on=date(2026, 1, 10), answer_days=30)
    visits.submit_appeal(second, source="teacher", subject="Свежее письмо", text="Текст",
                         received_on=local_today(), answer_days=30)
    seminar, round_table = _event("Семинар по ЦОС", "seminar"), _event("Круглый стол по ФГ", "round_table")
    events.register(seminar, teacher, today=TODAY)
    events.register(round_table, second, today=TODAY)
    late, early = _contest("Учитель года 2027", date(2027, 3, 1)), _contest("Сердце отдаю детям", date(2025, 3, 1))
    events.apply(late, teacher, today=TODAY, theme="Проекты")
    events.apply(early, second, today=date(2025, 2, 1), theme="Игры")
    _plan("План 2027/28", date(2027, 9, 1))
    _plan("План 2025/26", date(2025, 9, 1))
    school = make_school(short_name="Лицей № 7")
    for theme in ("Цифровая школа", "Инклюзия"):
        library.save_school_status(None, version=None, school_id=school.id, kind="innovation", theme=theme,
                                   starts_on=date(2026, 1, 1), ends_on=date(2027, 1, 1), basis="")
    maths, informatics = (_subject(name) for name in ("Математика", "Информатика"))
    _material("Задачи на проценты", maths)
    _material("Алгоритмы на Python", informatics)
    for title, author in (("Ротация станций", teacher), ("Перевёрнутый класс", second)):
        practice = library.submit_practice(None, author, version=None, title=title, summary="Опыт", link=None,
                                           subject_id=None)
        library.review_practice(practice, tutor, version=None, publish=True, comment="")
    db.session.commit()
    return {"seminar": seminar.id, "late": late.id, "maths": maths.id}


def test_each_export_holds_only_the_rows_its_list_keeps(app, people, login_as):
    ids = _world(people)
    staff = login_as("staff")
    # (list page, export, query string, a text the filter keeps, a text it drops)
    cases = [
        ("/community/associations/", "associations", "?kind=creative", "Творческая группа", "ГМО учителей химии"),
        ("/community/mentoring/", "pairs", "?form=peer", "Андреева", "Борисова"),
        ("/community/visits/", "visits", "?kind=open_lesson", "Иванова", "Смирнова"),
        ("/community/appeals/", "appeals", "?overdue=y", "Давнее письмо", "Свежее письмо"),
        ("/community/events/", "events", "?kind=seminar", "Семинар по ЦОС", "Круглый стол по ФГ"),
        ("/community/events/", "event-participants", "?kind=seminar", "Семинар по ЦОС", "Круглый стол по ФГ"),
        ("/community/contests/", "contests", "?year=2027", "Учитель года 2027", "Сердце отдаю детям"),
        ("/community/contests/", "contests", "?q=учитель", "Учитель года 2027", "Сердце отдаю детям"),
        ("/community/contests/", "contest-applications", "?year=2027", "Учитель года 2027", "Сердце отдаю детям"),
        ("/community/plans/", "plans", "?year=2028", "План 2027/28", "План 2025/26"),
        ("/community/school-statuses/", "school-statuses", "?q=цифровая", "Цифровая школа", "Инклюзия"),
        ("/community/library/", "library", f"?subject_id={ids['maths']}", "Задачи на проценты", "Алгоритмы"),
        ("/community/practice/", "practices", "?q=ротация", "Ротация станций", "Перевёрнутый класс"),
    ]
    for page, name, query, kept, dropped in cases:
        unfiltered, everything = _export(staff, name)
        assert kept in everything and dropped in everything, (name, "the whole registry")
        described, table = _export(staff, name, query)
        assert kept in table and dropped not in table, (name, query)
        assert described != unfiltered, (name, query)  # the sheet says which filter made it
        listing = staff.get(page + query).text
        if name not in ("event-participants", "contest-applications"):  # those lists show events, contests
            assert kept in listing and dropped not in listing, (page, query)
        assert f"/community/export/{name}.xlsx{query}" in unquote(listing.replace("&amp;", "&")), (page, name)


def test_the_filter_is_described_at_the_top_of_the_sheet(app, people, login_as):
    ids = _world(people)
    staff = login_as("staff")
    described, _table = _export(staff, "events", "?kind=seminar&page=3")  # the page number is not a filter
    assert "Семинар" in described
    described, table = _export(staff, "event-participants", f"?event={ids['seminar']}")
    assert "Семинар по ЦОС" in described and "Иванова" in table and "Смирнова" not in table
    described, table = _export(staff, "contest-applications", f"?contest={ids['late']}")
    assert "Учитель года 2027" in described and "Проекты" in table and "Игры" not in table
    described, _table = _export(staff, "plans", "?year=1066&q=")  # a year out of range is no filter
    assert described == _export(staff, "plans")[0]
    contest = staff.get(f"/community/contests/{ids['late']}").text
    assert f"/community/export/contest-applications.xlsx?contest={ids['late']}" in contest
    event = staff.get(f"/community/events/{ids['seminar']}").text
    assert f"/community/export/event-participants.xlsx?event={ids['seminar']}" in event


def test_new_exports_by_role(app, people, login_as):
    _world(people)
    teacher = login_as("teacher")
    for name in ("event-participants", "contest-applications"):
        assert teacher.get(f"/community/export/{name}.xlsx").status_code == 403, name
    _described, table = _export(teacher, "library")
    assert "Задачи на проценты" in table
    _described, table = _export(teacher, "practices", "?status=submitted")  # not a reviewer: the published only
    assert "Ротация станций" in table


def test_the_library_finds_a_material_by_its_subject(app, people, login_as):
    _world(people)
    teacher = login_as("teacher")
    found = teacher.get("/community/library/?q=математика").text
    assert "Задачи на проценты" in found and "Алгоритмы на Python" not in found
    page = teacher.get("/community/library/").text
    assert 'name="subject_id"' in page and "Информатика" in page
