"""The head's analytics against hand-built data: deficits by school × competency with the points of growth, the
route funnel, the consultation journal, their charts and files, and who may open them."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from assessments.models import Attempt, Competency, CompetencyResult, Diagnostic, Domain, Framework
from lms.extensions import db
from lms.reports import filters
from tests.factories import make_municipality, make_school, make_user
from tests.lms.test_indicators import world  # noqa: F401  (teachers at two schools, consultations held)

PERIOD = {"period": "year", "from": "15.10.2026"}


@pytest.fixture
def measured(world, people):  # noqa: F811
    """t1: a deficit in C1; t2: none; t3 (the other school): C1 and C2; t1's earlier sitting (C2 deficit) is
    replaced by the later one."""
    framework = Framework(code="map", version="1", title="Рамка", current=True)
    domain = Domain(framework=framework, code="D1", title="Область")
    c1, c2 = (Competency(framework=framework, domain=domain, code=code, title=code) for code in ("C1", "C2"))
    diagnostic = Diagnostic(framework=framework, title="Диагностика", opens_on=date(2026, 9, 1),
                            closes_on=date(2026, 12, 31), status="open")
    db.session.add_all([c1, c2, diagnostic])
    db.session.flush()

    def sitting(teacher, number, finished, deficits):
        attempt = Attempt(diagnostic=diagnostic, user_id=teacher.id, number=number, status="finished", open_key=None,
                          finished_at=finished, finish_reason="completed")
        db.session.add(attempt)
        db.session.flush()
        for competency in (c1, c2):
            bad = competency.code in deficits
            db.session.add(CompetencyResult(attempt_id=attempt.id, competency_id=competency.id, estimate=0.0,
                                            standard_error=0.4, level=2 if bad else 5, target_level=4,
                                            p_deficit=0.9 if bad else 0.1, deficit=bad))

    sitting(world["t1"], 1, datetime(2026, 9, 20, 9), {"C2"})
    sitting(world["t1"], 2, datetime(2026, 11, 20, 9), {"C1"})
    sitting(world["t2"], 1, datetime(2026, 10, 1, 9), set())
    sitting(world["t3"], 1, datetime(2026, 10, 2, 9), {"C1", "C2"})
    db.session.commit()
    return world


def test_deficits_by_school_and_competency_with_the_points_of_growth(measured, people, login_as):
    from assessments import analytics

    table = analytics.deficit_map(filters.parse(PERIOD, today=date(2026, 12, 2)), people["admin"], 1)
    assert table.columns == ["Образовательная организация", "C1", "C2"] and table.shares
    rows = {r[0]: r[1:] for r in table.rows}
    school_a, school_b = measured["school_a"].short_name, measured["school_b"].short_name
    assert rows[school_a] == (0.5, 0.0) and rows[school_b] == (1.0, 1.0)  # t1's latest sitting only
    assert rows["Все организации"] == pytest.approx((2 / 3, 1 / 3))
    assert table.note.index("C1") < table.note.index("C2")  # the most frequent deficit first
    page = login_as("admin").get("/reports/assessments.deficits?period=year&from=15.10.2026")
    assert page.status_code == 200 and "50 %" in page.text and "Точки роста" in page.text
    chart = login_as("admin").get("/reports/assessments.deficits/chart.svg?period=year&from=15.10.2026")
    assert chart.status_code == 200 and chart.data.startswith(b"<?xml") and b"C2" in chart.data
    only_b = login_as("admin").get(f"/reports/assessments.deficits?period=year&from=15.10.2026"
                                   f"&school={measured['school_b'].id}")
    assert school_a not in only_b.text.split("<tbody>")[1]


def test_the_route_funnel_and_the_consultation_journal(measured, people, login_as):
    from assessments import analytics
    from courses import reports

    chosen = filters.parse(PERIOD, today=date(2026, 12, 2))
    funnel = analytics.route_funnel(chosen, people["admin"], 1)
    # t1 and t3 have deficits; of them only t1 has a route (t2's has no diagnosed deficit), not yet approved
    assert [r[1] for r in funnel.rows] == [3, 2, 1, 0, 0]
    journal = reports.consultation_journal(chosen, people["admin"], 1)
    assert journal.total == 2 and [r[4] for r in journal.rows] == ["Интерактивные задания", "Электронный журнал"]
    assert journal.rows[1][0].startswith("01.09.2026")  # local time: 01:00 in Moscow
    tutor_view = reports.consultation_journal(chosen, people["tutor"], 1)
    assert tutor_view.total == 2  # t1 is in the tutor's group
    stranger = make_user("tutor", email="far@example.org")
    db.session.commit()
    assert reports.consultation_journal(chosen, stranger, 1).total == 0
    csv_file = login_as("staff").get("/reports/courses.consultations/table.csv?period=year&from=15.10.2026")
    lines = list(csv.reader(io.StringIO(csv_file.data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:3] == ["Дата", "Тьютор", "Педагог"] and len(lines) == 3


def test_a_teacher_opens_no_report_and_a_bad_period_is_explained(measured, login_as):
    assert login_as("teacher").get("/reports/").status_code == 403
    assert login_as("teacher").get("/reports/assessments.deficits").status_code == 403
    bad = login_as("admin").get("/reports/assessments.growth?period=custom&from=02.01.2027&to=01.01.2027")
    assert bad.status_code == 200 and "поменяйте даты местами" in bad.text
    assert login_as("admin").get("/reports/assessments.growth/chart.svg").status_code == 404  # it has no chart
    assert login_as("admin").get("/reports/no.such/table.csv").status_code == 404


def test_staff_of_another_municipality_see_none_of_these_teachers(measured, people):
    from assessments import analytics

    far = make_school(make_municipality("Дальний округ"))
    staff = make_user("staff", email="far-staff@example.org", school=far)
    db.session.commit()
    table = analytics.deficit_map(filters.parse(PERIOD, today=date(2026, 12, 2)), staff, 1)
    assert table.rows == []
