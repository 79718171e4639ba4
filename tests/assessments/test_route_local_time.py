"""Route dates are the service's (Moscow) dates: a UTC timestamp late in the evening belongs to the next day."""

from __future__ import annotations

from datetime import date, datetime

from assessments.services.routes import workflow
from assessments.services.routes.document import group_rows, route_document
from lms import signals
from lms.extensions import db
from lms.i18n import local_today
from tests.assessments.test_route_progress import _active_route, _steps

# 22:30 UTC on 24 November is 01:30 on 25 November in Moscow (UTC+3, the app's BABEL_DEFAULT_TIMEZONE).
LATE = datetime(2026, 11, 24, 22, 30)
MOSCOW_DAY = date(2026, 11, 25)


def test_document_spreadsheet_and_evidence_use_the_local_date(app, people):
    from courses.models import ConsultationBooking, ConsultationSlot

    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Moscow"
    _fw, first, route, _module = _active_route(people)
    first.finished_at = route.approved_at = route.last_activity_at = LATE
    # A consultation held at 00:30 Moscow time, stored as 21:30 UTC the day before.
    slot = ConsultationSlot(tutor_id=people["tutor"].id, starts_at=datetime(2026, 11, 24, 21, 30),
                            ends_at=datetime(2026, 11, 24, 22, 0))
    db.session.add(slot)
    db.session.flush()
    booking = ConsultationBooking(slot_id=slot.id, active_slot_id=slot.id, teacher_id=people["teacher"].id,
                                  topic="ИОМ", status="held")
    db.session.add(booking)
    db.session.flush()
    signals.consultation_held.send(app, booking=booking)
    assert "25.11.2026" in _steps(route)["Консультация тьютора"].evidence
    workflow.mark_done(_steps(route)["Онлайн-курс"], people["tutor"], version=None, evidence="Удостоверение",
                       now=LATE)
    db.session.commit()

    doc = route_document(route, local_today())
    assert doc.diagnostic_date == MOSCOW_DAY and doc.approved_on == MOSCOW_DAY
    marks = {row.content: row.mark for row in doc.plan}
    assert marks["Онлайн-курс"].startswith(("done 25.11.2026", "выполнено 25.11.2026"))
    assert group_rows([route], local_today())[0].last_activity == MOSCOW_DAY


def test_no_code_dates_a_stored_timestamp_by_hand():
    # Timestamps (the *_at columns) are naive UTC: their date or text comes from lms.i18n (local_date,
    # format_date, the |date and |datetime filters), never from .date() or .strftime() on the value itself.
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"_at\)?\.(strftime|date)\(")
    found = [f"{path.relative_to(root)}:{number}"
             for package in ("lms", "courses", "assessments", "community")
             for path in (root / package).rglob("*")
             if path.suffix in (".py", ".html") and path.name != "i18n.py" and path.relative_to(root).parts[:2] !=
             ("lms", "security.py")  # a session stamp, not a date anyone reads
             for number, line in enumerate(path.read_text().splitlines(), start=1) if pattern.search(line)]
    assert found == []


def test_the_document_counts_teaching_experience_on_to_its_date(app, people):
    from lms.users.models import TeacherProfile

    _fw, _attempt, route, _module = _active_route(people)
    teacher = people["teacher"]
    teacher.profile = teacher.profile or TeacherProfile()
    teacher.profile.experience_years, teacher.profile.experience_as_of = 12, date(2022, 9, 1)
    db.session.flush()
    assert route_document(route, date(2025, 8, 31)).experience_years == 14  # as the person page shows it
    assert route_document(route, date(2025, 9, 1)).experience_years == 15
