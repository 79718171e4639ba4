"""Consultations: slots cut from office hours, bookings that never collide, cancellation, outcomes."""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from courses import queries
from courses.models import ConsultationBooking, ConsultationSlot
from courses.services import consultations as service
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import to_local
from lms.models.mixins import utcnow
from lms.notifications.models import Notification
from tests.factories import make_office_hours, make_user

WEDNESDAY = date(2026, 11, 25)


def _slots(hours_id=None) -> list[ConsultationSlot]:
    stmt = select(ConsultationSlot).order_by(ConsultationSlot.starts_at)
    if hours_id:
        stmt = stmt.where(ConsultationSlot.office_hours_id == hours_id)
    return list(db.session.scalars(stmt))


def test_office_hours_are_cut_into_slots_in_moscow_time(app, people):
    hours, slots = make_office_hours(people["tutor"], weekday=2, starts="14:00", ends="17:00", minutes=30,
                                     today=date(2026, 11, 23))
    wednesdays = {s.starts_at.date() for s in slots}
    assert sorted(wednesdays)[0] == WEDNESDAY and all(d.weekday() == 2 for d in wednesdays)
    first_day = [s for s in slots if s.starts_at.date() == WEDNESDAY]
    assert len(first_day) == 6
    assert first_day[0].starts_at == datetime(2026, 11, 25, 11, 0)  # 14:00 MSK = 11:00 UTC
    assert first_day[-1].ends_at == datetime(2026, 11, 25, 14, 0)
    assert len(slots) == 6 * 4  # valid for four weeks from Monday 23.11: four Wednesdays
    assert service.generate_slots(hours, date(2026, 11, 23)) == 0  # running again adds nothing


def test_overlapping_office_hours_are_refused(app, people):
    make_office_hours(people["tutor"], weekday=2, starts="14:00", ends="17:00", today=date(2026, 11, 23))
    with pytest.raises(ServiceError, match="пересекаются"):
        make_office_hours(people["tutor"], weekday=2, starts="16:00", ends="18:00", today=date(2026, 11, 23))
    make_office_hours(people["tutor"], weekday=3, starts="09:00", ends="12:00", today=date(2026, 11, 23))


def test_changing_office_hours_keeps_booked_slots(app, people):
    today = date(2026, 11, 23)
    hours, slots = make_office_hours(people["tutor"], weekday=2, starts="14:00", ends="17:00", today=today)
    booked = slots[3]
    service.book(booked, people["teacher"], "Электронный журнал", now=datetime(2026, 11, 23, 9, 0))
    data = service.OfficeHoursData(weekday=2, starts=time(9), ends=time(10), slot_minutes=30, place="214",
                                   online_url=None, valid_from=today, valid_until=today + timedelta(weeks=4))
    service.save_office_hours(people["tutor"], hours, version=hours.version, data=data, today=today)
    remaining = _slots(hours.id)
    assert booked in remaining
    assert len(remaining) == 1 + 2 * 4  # the booked one plus the new 09:00 and 09:30 of four weeks


def test_booking_rules(app, people):
    now = datetime(2026, 11, 23, 9, 0)
    _hours, slots = make_office_hours(people["tutor"], weekday=2, today=date(2026, 11, 23))
    teacher, other = people["teacher"], make_user("teacher", email="other@example.org")
    first = service.book(slots[0], teacher, "Вопрос", now=now)
    assert service.book(slots[0], teacher, "Вопрос ещё раз", now=now) is first  # a double click
    with pytest.raises(ServiceError, match="только что занял"):
        service.book(slots[0], other, "Мой вопрос", now=now)
    with pytest.raises(ServiceError, match="уже прошло"):
        service.book(slots[1], other, "Поздно", now=slots[1].starts_at)
    second_tutor = make_user("tutor", email="tutor2@example.org")
    _h2, same_time = make_office_hours(second_tutor, weekday=2, today=date(2026, 11, 23))
    with pytest.raises(ServiceError, match="уже есть консультация"):
        service.book(same_time[0], teacher, "Одновременно", now=now)


def test_cancellation_frees_the_slot_and_respects_the_deadline(app, people):
    _hours, slots = make_office_hours(people["tutor"], weekday=2, today=date(2026, 11, 23))
    slot, teacher = slots[0], people["teacher"]
    booking = service.book(slot, teacher, "Вопрос", now=datetime(2026, 11, 23, 9, 0))
    with pytest.raises(ServiceError, match="меньше 2 ч"):
        service.cancel(booking, teacher, now=slot.starts_at - timedelta(hours=1))
    service.cancel(booking, teacher, now=slot.starts_at - timedelta(hours=3))
    assert booking.status == "cancelled" and booking.active_slot_id is None
    other = make_user("teacher", email="next@example.org")
    again = service.book(slot, other, "Освободилось", now=datetime(2026, 11, 23, 9, 0))
    with app.test_request_context():  # the teacher is notified, with a link
        service.cancel(again, people["tutor"], now=slot.starts_at - timedelta(minutes=5), reason="Заболела")
    assert again.status == "cancelled"  # the tutor: at any time


def test_outcome_counts_as_targeted_support_once(app, people):
    _hours, slots = make_office_hours(people["tutor"], weekday=2, today=date(2026, 11, 23))
    booking = service.book(slots[0], people["teacher"], "Вопрос", now=datetime(2026, 11, 23, 9, 0))
    with pytest.raises(ServiceError, match="когда консультация начнётся"):
        service.record_outcome(booking, people["tutor"], held=True, notes="", now=datetime(2026, 11, 23, 9, 0))
    held = []
    with signals.consultation_held.connected_to(lambda sender, booking: held.append(booking.id)):
        after = slots[0].ends_at
        service.record_outcome(booking, people["tutor"], held=True, notes="Разобрали журнал", now=after)
        service.record_outcome(booking, people["tutor"], held=True, notes="Дополнено", now=after)
    assert held == [booking.id] and booking.outcome_notes == "Дополнено"


@pytest.mark.parametrize("early_check", [True, False], ids=["with-early-check", "database-alone"])
def test_no_slot_is_ever_double_booked_by_concurrent_requests(app_factory, people, monkeypatch, early_check):
    """Eight teachers press «book» for the same slot at the same moment, each in its own transaction.

    Without the early check every request reaches the INSERT, so the database's unique index alone
    must let exactly one through.
    """
    if not early_check:
        monkeypatch.setattr(service, "is_taken", lambda slot: False)
    app = app_factory()
    with app.app_context():
        tutor = db.session.get(type(people["tutor"]), people["tutor"].id)
        _hours, slots = make_office_hours(tutor, weekday=(date.today() + timedelta(days=1)).weekday())
        slot_id = slots[0].id
        teachers = [make_user("teacher", email=f"race{i}@example.org").id for i in range(8)]
        db.session.commit()
    barrier = threading.Barrier(len(teachers))
    outcomes: list[str] = []

    def attempt(teacher_id: int) -> None:
        with app.app_context():
            slot = db.session.get(ConsultationSlot, slot_id)
            teacher = db.session.get(type(people["teacher"]), teacher_id)
            barrier.wait()
            try:
                service.book(slot, teacher, "Срочный вопрос")
                db.session.commit()
                outcomes.append("booked")
            except ServiceError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(t,)) for t in teachers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["booked"] + ["refused"] * (len(teachers) - 1)
    with app.app_context():
        standing = db.session.scalar(select(func.count()).select_from(ConsultationBooking)
                                     .where(ConsultationBooking.slot_id == slot_id))
        assert standing == 1


def test_booking_pages(login_as, people):
    _hours, slots = make_office_hours(people["tutor"])
    db.session.commit()
    teacher = login_as("teacher")
    page = teacher.get("/courses/consultations/")
    assert page.status_code == 200 and "Записаться на это время" in page.text
    empty = teacher.post(f"/courses/consultations/slots/{slots[0].id}/book", {"topic": ""})
    assert empty.status_code == 400 and "напишите свой вопрос" in empty.text
    # … at the question of the slot chosen, not above the list
    assert f'<p class="error" id="topic-{slots[0].id}-error">' in empty.text
    assert f'aria-describedby="topic-{slots[0].id}-error"' in empty.text
    assert f"topic-{slots[1].id}-error" not in empty.text
    done = teacher.post(f"/courses/consultations/slots/{slots[0].id}/book", {"topic": "Как вести журнал?"},
                        follow_redirects=True)
    assert "Вы записаны" in done.text and "Как вести журнал?" in done.text
    again = teacher.post(f"/courses/consultations/slots/{slots[0].id}/book", {"topic": "Как вести журнал?"})
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ConsultationBooking)) == 1
    tutor_page = login_as("tutor").get("/courses/consultations/")
    assert "Как вести журнал?" in tutor_page.text and "Мария Петровна" in tutor_page.text


def test_a_time_taken_meanwhile_keeps_the_teachers_topic_for_another_time(login_as, people):
    _hours, slots = make_office_hours(people["tutor"])
    other = make_user("teacher", email="quicker@example.org")
    db.session.commit()
    teacher = login_as("teacher")
    teacher.get("/courses/consultations/")  # the page is open …
    service.book(slots[0], other, "Успел раньше", now=utcnow())  # … when a colleague takes the time
    db.session.commit()
    page = teacher.post(f"/courses/consultations/slots/{slots[0].id}/book", {"topic": "Мой длинный вопрос"})
    assert page.status_code == 400 and "только что занял" in page.text
    assert re.search(rf'id="topic-{slots[1].id}"[^>]*>Мой длинный вопрос</textarea>', page.text)


def test_tutor_notes_are_hidden_from_the_teacher(login_as, people):
    _hours, slots = make_office_hours(people["tutor"])
    booking = service.book(slots[0], people["teacher"], "Вопрос", now=slots[0].starts_at - timedelta(days=1))
    service.record_outcome(booking, people["tutor"], held=True, notes="Секретная заметка",
                           now=slots[0].ends_at)
    db.session.commit()
    assert "Секретная заметка" not in login_as("teacher").get("/courses/consultations/").text
    assert "Секретная заметка" in login_as("staff").get("/courses/consultations/").text


def test_the_daily_job_opens_slots_that_came_into_the_horizon(app, people):
    hours, slots = make_office_hours(people["tutor"])  # from today, four weeks, four slots a day
    opened = len(slots)
    for slot in slots[4:]:  # as if only the first day had been opened so far
        db.session.delete(slot)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["courses", "generate-slots"])
    assert result.exit_code == 0 and f"{opened - 4} new consultation slot" in result.output
    assert len(_slots(hours.id)) == opened


def test_a_booking_may_carry_a_file_for_the_tutor_only(login_as, people, app):
    import io

    _hours, slots = make_office_hours(people["tutor"])
    db.session.commit()
    teacher = login_as("teacher")
    plan = b"%PDF-1.4 lesson plan"
    big = teacher.post(f"/courses/consultations/slots/{slots[1].id}/book",
                       {"topic": "Большой файл", "file": (io.BytesIO(b"%PDF" + b"0" * (app.config["UPLOAD_MAX_BYTES"])),
                                                          "big.pdf")}, content_type="multipart/form-data",
                       follow_redirects=True)
    assert big.status_code == 400 and "Файл больше" in big.text
    assert re.search(rf'id="topic-{slots[1].id}"[^>]*>Большой файл</textarea>', big.text)  # the topic is kept
    teacher.post(f"/courses/consultations/slots/{slots[0].id}/book",
                 {"topic": "Посмотрите мой план", "file": (io.BytesIO(plan), "план.pdf")},
                 content_type="multipart/form-data")
    booking = db.session.scalar(select(ConsultationBooking))
    assert booking.file_name == "план.pdf"
    url = f"/courses/consultations/bookings/{booking.id}/file"
    assert login_as("tutor").get(url).data == plan
    assert login_as("staff").get(url).status_code == 200
    other = make_user("teacher", email="curious@example.org")
    db.session.commit()
    from tests.conftest import Client

    client = Client(teacher.raw.application.test_client())
    client.login(other.email)
    assert client.get(url).status_code == 403


def _change_hours(hours, starts: str, ends: str, today: date, minutes: int = 30):
    data = service.OfficeHoursData(weekday=hours.weekday, starts=time.fromisoformat(starts),
                                   ends=time.fromisoformat(ends), slot_minutes=minutes, place="214", online_url=None,
                                   valid_from=today, valid_until=today + timedelta(weeks=4))
    return service.save_office_hours(hours.tutor, hours, version=hours.version, data=data, today=today)


def test_new_hours_never_cut_a_slot_overlapping_one_that_stays_booked(app, people):
    today = date(2026, 11, 23)
    hours, slots = make_office_hours(people["tutor"], weekday=2, starts="14:00", ends="17:00", today=today)
    service.book(slots[1], people["teacher"], "Вопрос", now=datetime(2026, 11, 23, 9, 0))  # 14:30–15:00
    _change_hours(hours, "14:15", "16:15", today)
    open_slots = [s for s in _slots() if not s.cancelled]
    for one in open_slots:
        assert not any(other is not one and other.starts_at < one.ends_at and other.ends_at > one.starts_at
                       for other in open_slots), f"{to_local(one.starts_at):%d.%m %H:%M} overlaps another slot"
    wednesday = sorted(f"{to_local(s.starts_at):%H:%M}" for s in open_slots if s.starts_at.date() == WEDNESDAY)
    assert wednesday == ["14:30", "15:15", "15:45"]  # 14:15 and 14:45 would overlap the booked 14:30


def test_a_slot_whose_booking_was_cancelled_is_closed_when_the_hours_change(app, people):
    today, now = date(2026, 11, 23), datetime(2026, 11, 23, 9, 0)
    hours, slots = make_office_hours(people["tutor"], weekday=2, starts="14:00", ends="17:00", today=today)
    booking = service.book(slots[0], people["teacher"], "Вопрос", now=now)
    service.cancel(booking, people["teacher"], now=now)
    _change_hours(hours, "09:00", "10:00", today)
    bookable = queries.free_slots(now, now + timedelta(weeks=6))
    assert bookable and {f"{to_local(s.starts_at):%H:%M}" for s in bookable} == {"09:00", "09:30"}
    old = db.session.get(ConsultationSlot, slots[0].id)
    assert old.cancelled and old.bookings == [booking]  # kept for the history of its booking, never offered
    _change_hours(hours, "14:00", "15:00", today)  # back to the old time: the slot opens again
    assert not old.cancelled and old in queries.free_slots(now, now + timedelta(weeks=6))


def test_a_tutor_who_cancels_tells_the_teacher_why_and_nobody_can_book_that_time(login_as, people):
    _hours, slots = make_office_hours(people["tutor"])
    booking = service.book(slots[0], people["teacher"], "Вопрос по журналу")
    db.session.commit()
    tutor, url = login_as("tutor"), f"/courses/consultations/bookings/{booking.id}/cancel"
    assert "Укажите, почему" in tutor.post(url, {"reason": ""}, follow_redirects=True).text
    assert tutor.post(url, {"reason": "Заболела, перенесём на четверг"}).status_code == 302
    db.session.expire_all()
    text = db.session.scalars(select(Notification.text).where(Notification.user_id == people["teacher"].id)).one()
    assert "Заболела, перенесём на четверг" in text and f"{to_local(slots[0].starts_at):%d.%m.%Y %H:%M}" in text
    slot = db.session.get(ConsultationSlot, slots[0].id)
    assert slot.cancelled and slot not in queries.free_slots(slot.starts_at - timedelta(days=2), slot.ends_at)
    with pytest.raises(ServiceError, match="отменил это время"):
        service.book(slot, make_user("teacher", email="next@example.org"), "Можно мне?")


def test_office_hours_saved_twice_at_once_are_saved_once(app_factory, people):
    """A double click on «save» of new office hours: two requests, the same hours, at the same moment."""
    app = app_factory()
    with app.app_context():
        tutor_id = people["tutor"].id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    today = date.today()
    data = service.OfficeHoursData(weekday=(today + timedelta(days=1)).weekday(), starts=time(14), ends=time(16),
                                   slot_minutes=30, place="214", online_url=None, valid_from=today,
                                   valid_until=today + timedelta(weeks=4))

    def save_hours() -> None:
        with app.app_context():
            tutor = db.session.get(type(people["tutor"]), tutor_id)
            barrier.wait()
            try:
                service.save_office_hours(tutor, None, version=None, data=data, today=today)
                db.session.commit()
                outcomes.append("saved")
            except ServiceError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save_hours) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "saved"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConsultationSlot)) == 4 * 4
