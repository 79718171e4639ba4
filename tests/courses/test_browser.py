"""In real Chromium: a teacher books a consultation; the tutor sees it and records the outcome."""

from __future__ import annotations

import time as clock
from datetime import timedelta

from courses.models import ConsultationBooking, ConsultationSlot
from lms.extensions import db
from lms.models.mixins import utcnow
from tests.browser import ARTIFACTS, BROWSER_MARKS, sign_in
from tests.factories import make_user

pytestmark = BROWSER_MARKS


def test_teacher_books_and_tutor_records_the_outcome(live_server, browser):
    app, base = live_server.app, live_server.url
    with app.app_context():
        tutor = make_user("tutor", email="tutor@example.org", last_name="Белова", first_name="Наталья",
                          middle_name="Сергеевна")
        make_user("teacher", email="teacher@example.org", last_name="Орлова", first_name="Ксения",
                  middle_name="Алексеевна")
        # A slot starting in a few seconds: booked while in the future, its outcome recorded once it began.
        starts = utcnow() + timedelta(seconds=6)
        db.session.add(ConsultationSlot(tutor_id=tutor.id, starts_at=starts, ends_at=starts + timedelta(minutes=30),
                                        place="Кабинет ИКТ"))
        db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)

    teacher = browser.new_context(locale="ru-RU").new_page()
    sign_in(teacher, base, "teacher@example.org")
    teacher.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Консультации").click()
    teacher.get_by_label("Ваш вопрос").fill("Как подготовить интерактивное задание?")
    teacher.get_by_role("button", name="Записаться на это время").click()
    assert "Вы записаны" in teacher.locator(".flash-success").inner_text()
    assert teacher.get_by_role("cell", name="Как подготовить интерактивное задание?").is_visible()
    teacher.screenshot(path=str(ARTIFACTS / "consultation-booked.png"), full_page=True)

    while utcnow() < starts:  # the outcome can be recorded once the consultation has begun
        clock.sleep(0.5)
    tutor_page = browser.new_context(locale="ru-RU").new_page()
    sign_in(tutor_page, base, "tutor@example.org")
    tutor_page.goto(f"{base}/courses/consultations/")
    row = tutor_page.get_by_role("row").filter(has_text="Орлова Ксения Алексеевна")
    assert "Как подготовить интерактивное задание?" in row.inner_text()
    row.get_by_role("link", name="Отметить итог").click()
    tutor_page.get_by_label("Консультация состоялась?").select_option(label="Да, состоялась")
    tutor_page.get_by_label("Заметки (видят только тьюторы и сотрудники)").fill("Разобрали конструктор заданий")
    tutor_page.get_by_role("button", name="Сохранить").click()
    assert "Итог консультации сохранён" in tutor_page.locator(".flash-success").inner_text()
    tutor_page.screenshot(path=str(ARTIFACTS / "consultation-outcome.png"), full_page=True)

    with app.app_context():
        booking = db.session.query(ConsultationBooking).one()
        assert booking.status == "held" and booking.outcome_notes == "Разобрали конструктор заданий"
    teacher.reload()
    assert "Разобрали конструктор заданий" not in teacher.content()  # notes are not the teacher's to read


def test_tutor_marks_attendance_for_a_session(live_server, browser):
    from courses.models import AttendanceMark, ScheduledSession
    from courses.services import groups
    from tests.factories import make_programme

    app, base = live_server.app, live_server.url
    with app.app_context():
        tutor = make_user("tutor", email="tutor@example.org")
        staff = make_user("staff", email="staff@example.org")
        members = [make_user("teacher", email=f"m{i}@example.org", last_name=name, first_name="Ольга",
                             middle_name=None) for i, name in enumerate(["Антонова", "Борисова", "Власова"])]
        programme = make_programme()
        group = groups.save_group(None, version=None, data=groups.GroupData(
            programme_id=programme.id, name="Группа 7", source="administration", association_id=None,
            tutor_id=tutor.id, capacity=10, starts_on=None, ends_on=None))
        groups.add_members(group, members, staff)
        start = utcnow() - timedelta(minutes=5)
        session = ScheduledSession(group_id=group.id, module_id=programme.modules[0].id, starts_at=start,
                                   ends_at=start + timedelta(minutes=90), tutor_id=tutor.id,
                                   online_url="https://meet.example.org/7")
        db.session.add(session)
        db.session.commit()
        session_id, absent_id = session.id, members[2].id

    page = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844}).new_page()  # a phone
    sign_in(page, base, "tutor@example.org")
    page.get_by_role("link", name="Меню").or_(page.get_by_role("button", name="Меню")).click()
    page.get_by_role("navigation", name="Главное меню").get_by_role("link", name="Сегодня").click()
    page.get_by_role("link", name="Посещаемость").click()
    page.get_by_role("radio", name="Власова О.: Отсутствовал по уважительной причине").check()
    page.get_by_role("button", name="Сохранить посещаемость").click()
    page.get_by_role("button", name="Все присутствуют").click()
    assert "отмечены как присутствующие" in page.locator(".flash-success").inner_text()
    assert page.get_by_role("radio", name="Антонова О.: Присутствовал").is_checked()
    page.screenshot(path=str(ARTIFACTS / "attendance-sheet-phone.png"), full_page=True)
    with app.app_context():
        marks = dict(db.session.execute(db.select(AttendanceMark.user_id, AttendanceMark.status)
                                        .where(AttendanceMark.session_id == session_id)).all())
    assert marks[absent_id] == "excused" and sorted(marks.values()) == ["excused", "present", "present"]
