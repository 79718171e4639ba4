"""The indicators of seed 003 counted from the plugins' evidence against a hand-built data set with a known answer:
period edges in local time, a teacher counted once across sources, filters, scope by role, the drill-down and the
files read back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from assessments.models import Framework, Route, RouteStep
from courses.models import ConsultationBooking, ConsultationSlot, Enrolment, Group
from lms.extensions import db
from lms.reports import counting, filters
from tests.factories import make_association, make_municipality, make_programme, make_school, make_user

YEAR = {"period": "year", "from": "15.10.2026"}  # the academic year 01.09.2026 – 31.08.2027


@pytest.fixture
def world(app, people):
    return build_world(people)


def build_world(people) -> dict:
    """Teachers t1, t2 at school A (municipality 1), t3 at school B (municipality 2); the tutor leads t1's group.

    Consultations held: t1 at 01:00 Moscow on 01.09.2026 (still 31.08 in UTC) and again in October, t3 on
    31.08.2026 (the year before). Route steps the tutor confirmed: t1 (so t1 counts once) and t2. One programme run
    by order, with t1 and t2 in it.
    """
    school_a = people["school"]
    school_b = make_school(make_municipality("Второй округ"), name="Школа Б", short_name="Школа Б")
    t1 = people["teacher"]
    t2 = make_user("teacher", email="t2@example.org", school=school_a, last_name="Петрова")
    t3 = make_user("teacher", email="t3@example.org", school=school_b, last_name="Сидорова")
    tutor = people["tutor"]
    programme = make_programme()
    group = Group(programme_id=programme.id, name="Группа", capacity=10, tutor_id=tutor.id, status="approved",
                  starts_on=date(2026, 9, 15), order_number="12", order_date=date(2026, 9, 10))
    db.session.add(group)
    db.session.flush()
    db.session.add_all([Enrolment(group_id=group.id, user_id=t.id, status="enrolled") for t in (t1, t2)])

    def held(teacher, starts_at: datetime, topic: str):
        slot = ConsultationSlot(tutor_id=tutor.id, starts_at=starts_at, ends_at=starts_at.replace(minute=30))
        db.session.add(slot)
        db.session.flush()
        db.session.add(ConsultationBooking(slot_id=slot.id, active_slot_id=slot.id, teacher_id=teacher.id, topic=topic,
                                           status="held"))

    held(t1, datetime(2026, 8, 31, 22, 0), "Электронный журнал")
    held(t1, datetime(2026, 10, 5, 10, 0), "Интерактивные задания")
    held(t3, datetime(2026, 8, 31, 9, 0), "Облачный диск")
    framework = Framework(code="ind", version="1", title="Рамка", current=True)
    for teacher, done in ((t1, datetime(2026, 11, 2, 9)), (t2, datetime(2026, 12, 1, 9))):
        route = Route(user_id=teacher.id, tutor_id=tutor.id, framework=framework, status="active",
                      open_key=str(teacher.id),
                      period_start=date(2026, 9, 1), period_end=date(2027, 5, 31), weekly_hours=4)
        route.steps.append(RouteStep(kind="consultation", title="Разбор урока", form="consultation", hours=1,
                                     starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 31), status="done",
                                     done_at=done, marked_by_id=tutor.id))
        db.session.add(route)
    db.session.commit()
    return {"t1": t1, "t2": t2, "t3": t3, "school_a": school_a, "school_b": school_b, "group": group,
            "programme": programme}


def _counts(args, viewer) -> dict:
    """Each indicator's total and its kinds of courses and assessments evidence (community's rows are not built
    here: tests/community/test_evidence.py covers them)."""
    return {c.indicator.key: (c.total, {e.kind: n for e, n in c.kinds if e.kind in OURS}) for c in
            counting.table(filters.parse(args, today=date(2026, 12, 2)), viewer)}


OURS = {"consultation", "route_step", "group", "deficit_step", "goal_closed"}


def test_each_indicator_counts_distinct_teachers_within_the_period(world, people):
    counts = _counts(YEAR, people["admin"])
    assert counts["targeted_support"] == (2, {"consultation": 1, "route_step": 2})  # t1 once across sources
    assert counts["programmes_delivered"][0] == 1
    before = _counts({"period": "year", "from": "31.08.2026"}, people["admin"])
    assert before["targeted_support"] == (1, {"consultation": 1, "route_step": 0})  # t3 only: 31.08 is last year
    month = _counts({"period": "month", "from": "01.09.2026"}, people["admin"])
    assert month["targeted_support"][1]["consultation"] == 1  # 01:00 in Moscow on 01.09 is September's
    custom = _counts({"period": "custom", "from": "01.11.2026", "to": "30.11.2026"}, people["admin"])
    assert custom["targeted_support"] == (1, {"consultation": 0, "route_step": 1})


def test_filters_narrow_who_is_counted(world, people):
    admin = people["admin"]
    assert _counts({**YEAR, "school": str(world["school_b"].id)}, admin)["targeted_support"][0] == 0
    assert _counts({**YEAR, "school": str(world["school_a"].id)}, admin)["targeted_support"][0] == 2
    municipality = world["school_b"].municipality_id
    assert _counts({"period": "year", "from": "31.08.2026", "municipality": str(municipality)},
                   admin)["targeted_support"][0] == 1
    assert _counts({**YEAR, "programme": str(world["programme"].id)}, admin)["targeted_support"][0] == 2
    assert _counts({**YEAR, "school": "99999999999"}, admin)["targeted_support"][0] == 0  # unknown: nobody


def test_bad_periods_are_explained_not_computed(world, login_as):
    admin = login_as("admin")
    reversed_ = admin.get("/reports/indicators/?period=custom&from=01.12.2026&to=01.09.2026")
    assert reversed_.status_code == 200 and "поменяйте даты местами" in reversed_.text
    huge = admin.get("/reports/indicators/targeted_support/?period=custom&from=01.01.2000&to=31.12.2099")
    assert huge.status_code == 200 and "длиннее десяти лет" in huge.text
    assert admin.get("/reports/indicators/no_such/").status_code == 404
    assert admin.get("/reports/indicators/indicators.exe").status_code == 404


def test_each_role_sees_its_scope(world, people, login_as):
    staff_b = make_user("staff", email="staff-b@example.org", school=world["school_b"])
    db.session.commit()
    counts = {}
    for who in (people["admin"], people["staff"], staff_b, people["tutor"]):
        counts[who.email] = _counts({"period": "year", "from": "31.08.2026"}, who)["targeted_support"][0]
    # the head and staff without a municipality: all; staff of municipality 2: t3; the tutor: t1, t2 (not t3)
    assert counts == {"admin@example.org": 1, "staff@example.org": 1, "staff-b@example.org": 1,
                      "tutor@example.org": 0}
    assert _counts(YEAR, staff_b)["targeted_support"][0] == 0
    assert _counts(YEAR, people["tutor"])["targeted_support"][0] == 2
    assert login_as("teacher").get("/reports/indicators/").status_code == 403


def test_the_drill_down_lists_the_records_behind_a_number(world, login_as):
    page = login_as("admin").get("/reports/indicators/targeted_support/?period=year&from=15.10.2026")
    assert page.status_code == 200
    assert "Электронный журнал" in page.text and "Интерактивные задания" in page.text
    assert "Облачный диск" not in page.text
    assert "Разбор урока" in page.text and "Петрова" in page.text
    only = login_as("admin").get("/reports/indicators/targeted_support/?period=year&from=15.10.2026&kind=route_step")
    assert "Электронный журнал" not in only.text and "Разбор урока" in only.text


def test_files_read_back_with_the_same_numbers(world, login_as):
    admin = login_as("admin")
    xlsx = admin.get("/reports/indicators/indicators.xlsx?period=year&from=15.10.2026")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows["Педагоги, получившие адресную методическую поддержку"] == 2
    assert "01.09.2026" in sheet["A2"].value and sheet.freeze_panes == "A5"
    records = admin.get("/reports/indicators/targeted_support/records.csv?period=year&from=15.10.2026")
    table = list(csv.reader(io.StringIO(records.data.decode("utf-8-sig")), delimiter=";"))
    assert table[0][0] == "Дата" and len(table) == 1 + 4  # two consultations and two route steps
    assert {"01.09.2026", "05.10.2026"} <= {row[0] for row in table[1:]}
    pdf = admin.get("/reports/indicators/indicators.pdf?period=year&from=15.10.2026")
    assert pdf.data.startswith(b"%PDF") and "attachment" in pdf.headers["Content-Disposition"]


def test_the_table_costs_the_same_statements_with_more_data(world, people, login_as, page_cost):
    admin = login_as("admin")
    url = "/reports/indicators/?period=year&from=15.10.2026"
    small = page_cost(admin, url)
    for n in range(20):
        teacher = make_user("teacher", email=f"more{n}@example.org", school=world["school_a"])
        db.session.add(Enrolment(group_id=world["group"].id, user_id=teacher.id, status="enrolled"))
    db.session.commit()
    assert page_cost(admin, url) == small


def test_association_subject_position_and_tutor_filters_each_keep_one_teacher_in(world, people):
    """Of t1 and t2 (both supported in the year): only t1 teaches Информатика and holds the «teacher» position;
    only t2 belongs to the association; both are in the tutor's group, nobody in another tutor's."""
    from lms.users.models import Subject

    admin = people["admin"]
    association = make_association(world["school_a"].municipality, "МО учителей информатики")
    world["t2"].profile.association_id = association.id
    other_tutor = make_user("tutor", email="tutor-far@example.org")
    db.session.commit()
    subject = db.session.scalar(select(Subject.id).where(Subject.name == "Информатика"))

    def supported(**chosen):
        return _counts({**YEAR, **chosen}, admin)["targeted_support"]

    assert supported()[0] == 2
    assert supported(association=str(association.id)) == (1, {"consultation": 0, "route_step": 1})  # t2
    assert supported(subject=str(subject)) == (1, {"consultation": 1, "route_step": 1})  # t1
    assert supported(position="teacher") == (1, {"consultation": 1, "route_step": 1})  # t1
    assert supported(position="educational_psychologist")[0] == 0
    assert supported(tutor=str(people["tutor"].id))[0] == 2
    assert supported(tutor=str(other_tutor.id))[0] == 0


def test_a_quarter_runs_from_the_first_day_of_its_first_month_to_the_last_of_its_third(world, people):
    chosen = filters.parse({"period": "quarter", "from": "15.11.2026"}, today=date(2026, 12, 2))
    assert (chosen.start, chosen.end, chosen.error) == (date(2026, 10, 1), date(2026, 12, 31), None)
    assert filters.parse({"period": "quarter", "from": "29.02.2028"}).end == date(2028, 3, 31)
    # t1's October consultation and November step, t2's December step; t1's 01.09 consultation is outside
    assert _counts({"period": "quarter", "from": "15.11.2026"}, people["admin"])["targeted_support"] == (
        2, {"consultation": 1, "route_step": 2})
    # July–September crosses the academic years: t3's 31.08 and t1's 01.09 consultations are both in it
    assert _counts({"period": "quarter", "from": "15.09.2026"}, people["admin"])["targeted_support"] == (
        2, {"consultation": 2, "route_step": 0})


def test_a_programme_delivered_names_its_group_and_order_in_the_page_and_the_file(world, login_as):
    admin = login_as("admin")
    page = admin.get("/reports/indicators/programmes_delivered/?period=year&from=15.10.2026")
    assert page.status_code == 200
    row = page.text.split("<tbody>")[1]
    assert world["programme"].title in row and "Группа, " in row and "12" in row and "10.09.2026" in row
    xlsx = admin.get("/reports/indicators/programmes_delivered/records.xlsx?period=year&from=15.10.2026")
    details = {r[4] for r in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(min_row=5, values_only=True)}
    assert len(details) == 1
    (text,) = details
    assert text.startswith(world["programme"].title) and "Группа, " in text and "№ 12" in text.replace("No. ", "№ ")
    assert "10.09.2026" in text


def test_a_period_with_no_records_says_so_and_an_unknown_id_is_refused(world, login_as):
    admin = login_as("admin")
    empty = admin.get("/reports/indicators/?period=year&from=15.10.2010")
    assert empty.status_code == 200 and 'role="status"' in empty.text and "<tbody>" in empty.text
    full = admin.get("/reports/indicators/?period=year&from=15.10.2026")
    assert 'role="status"' not in full.text
    for url in ("/reports/indicators/?period=year&from=15.10.2026&school=99999999",
                "/reports/indicators/targeted_support/?period=year&from=15.10.2026&tutor=99999999",
                "/reports/assessments.growth?period=year&from=15.10.2026&association=abc"):
        page = admin.get(url)
        assert page.status_code == 200 and 'role="alert"' in page.text, url
        assert "Разбор урока" not in page.text and "<strong>0</strong>" not in page.text
    school = admin.get("/reports/indicators/?period=year&from=15.10.2026&school=99999999")
    assert "<tbody>" not in school.text  # no table of zeros beside «All»
    # Nor a file of them: each download sends the person back to its page, which says what is wrong.
    for url, page in (("/reports/indicators/indicators.xlsx?school=99999999", "/reports/indicators/?"),
                      ("/reports/indicators/indicators.pdf?school=99999999", "/reports/indicators/?"),
                      ("/reports/indicators/targeted_support/records.csv?tutor=99999999",
                       "/reports/indicators/targeted_support/?")):
        refused = admin.get(url)
        assert refused.status_code == 302 and refused.headers["Location"].startswith(page), url


def test_the_council_pdf_is_one_or_two_pages_with_the_period_and_the_filters_printed(world, login_as):
    from tests.pdf_text import page_count, text_lines

    school = world["school_a"]
    pdf = login_as("admin").get(f"/reports/indicators/indicators.pdf?period=year&from=15.10.2026&school={school.id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert page_count(pdf.data) in (1, 2)
    text = "\n".join(text_lines(pdf.data))
    assert "01.09.2026 – 31.08.2027" in text
    assert f"Образовательная организация: {school.short_name}" in text
    assert "адресную методическую поддержку" in text


def test_the_attendance_funnel_counts_each_stage_in_the_period(world, people):
    """t1 and t2 are in the group with an October session; t1 came (t2 was absent), completed a module in
    November and received a certificate; t2's completion is dated the year before, so only the first stage has
    both."""
    from courses import reports
    from courses.models import AttendanceMark, Certificate, ModuleCompletion, ScheduledSession

    module = world["programme"].modules[0]
    held = ScheduledSession(group_id=world["group"].id, module_id=module.id, starts_at=datetime(2026, 10, 7, 10),
                            ends_at=datetime(2026, 10, 7, 12))
    dropped = ScheduledSession(group_id=world["group"].id, module_id=module.id, cancelled=True,
                               starts_at=datetime(2026, 10, 14, 10), ends_at=datetime(2026, 10, 14, 12))
    db.session.add_all([held, dropped])
    db.session.flush()
    db.session.add_all([
        AttendanceMark(session_id=held.id, user_id=world["t1"].id, status="present"),
        AttendanceMark(session_id=held.id, user_id=world["t2"].id, status="absent"),
        ModuleCompletion(user_id=world["t1"].id, module_id=module.id, completed_at=datetime(2026, 11, 3, 9)),
        ModuleCompletion(user_id=world["t2"].id, module_id=module.id, completed_at=datetime(2025, 11, 3, 9)),
        Certificate(user_id=world["t1"].id, programme_id=world["programme"].id, number="У-1", code="c0de1",
                    holder_name=world["t1"].full_name, programme_title=world["programme"].title, hours=8,
                    started_on=date(2026, 9, 15), finished_on=date(2026, 11, 30),
                    issued_at=datetime(2026, 12, 1, 9))])
    db.session.commit()
    table = reports.attendance_funnel(filters.parse(YEAR, today=date(2026, 12, 2)), people["admin"], 1)
    assert [r[1:] for r in table.rows] == [(2, "100 %"), (1, "50 %"), (1, "50 %"), (1, "50 %")]
    only_b = reports.attendance_funnel(filters.parse({**YEAR, "school": str(world["school_b"].id)},
                                                     today=date(2026, 12, 2)), people["admin"], 1)
    assert [r[1:] for r in only_b.rows] == [(0, "—")] * 4
