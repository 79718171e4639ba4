"""The schedule: weekly series, refused double bookings, closed rooms, moves with notice, the ICS feed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from courses.models import ScheduledSession
from courses.services import calendar
from courses.services import groups as group_service
from courses.services import schedule as service
from lms.errors import ServiceError
from lms.extensions import db
from lms.notifications.models import Notification
from tests.factories import make_programme, make_user

MONDAY = date(2026, 11, 30)


@pytest.fixture
def setting(app, people):
    programme = make_programme()
    room = service.save_room(None, name="Кабинет ИКТ", capacity=16, opens=time(8), closes=time(19),
                             weekdays="01234")
    group = group_service.save_group(None, version=None, data=group_service.GroupData(
        programme_id=programme.id, name="Группа А", source="administration", association_id=None,
        tutor_id=people["tutor"].id, capacity=20, starts_on=None, ends_on=None))
    group_service.add_members(group, [people["teacher"]], people["staff"])
    db.session.commit()
    return {"programme": programme, "room": room, "group": group, "module": programme.modules[0]}


def _plan(setting, tutor, day=MONDAY, starts=time(15), minutes=90, weeks=1, room=True, group=None):
    return service.plan_series(group or setting["group"], service.SessionPlan(
        module_id=setting["module"].id, first_day=day, starts=starts, minutes=minutes, weeks=weeks,
        room_id=setting["room"].id if room else None, online_url=None if room else "https://meet.example.org/a",
        tutor_id=tutor.id))


def test_a_weekly_series_in_moscow_time(setting, people):
    sessions, warnings = _plan(setting, people["tutor"], weeks=4)
    assert warnings == [] and len({s.series for s in sessions}) == 1 and sessions[0].series
    assert [s.starts_at for s in sessions] == [datetime(2026, 11, 30, 12, 0) + timedelta(weeks=k) for k in range(4)]
    assert sessions[0].ends_at - sessions[0].starts_at == timedelta(minutes=90)


def test_a_busy_room_or_tutor_and_a_closed_room_are_refused(setting, people):
    _plan(setting, people["tutor"])
    other_tutor = make_user("tutor", email="t2@example.org")
    with pytest.raises(ServiceError, match="уже занят"):
        _plan(setting, other_tutor, starts=time(16))  # the room overlaps 15:00–16:30
    db.session.rollback()
    _plan(setting, people["tutor"])
    with pytest.raises(ServiceError, match="уже ведёт другое занятие"):
        _plan(setting, people["tutor"], starts=time(16), room=False)
    db.session.rollback()
    with pytest.raises(ServiceError, match="закрыт"):
        _plan(setting, other_tutor, starts=time(18), minutes=90)  # past 19:00
    with pytest.raises(ServiceError, match="закрыт"):
        _plan(setting, other_tutor, day=MONDAY + timedelta(days=5))  # Saturday


def test_a_teacher_in_two_groups_at_once_is_only_a_warning(setting, people):
    _plan(setting, people["tutor"])
    second = group_service.save_group(None, version=None, data=group_service.GroupData(
        programme_id=setting["programme"].id, name="Группа Б", source="administration", association_id=None,
        tutor_id=None, capacity=20, starts_on=None, ends_on=None))
    group_service.add_members(second, [people["teacher"]], people["staff"])
    _sessions, warnings = _plan(setting, make_user("tutor", email="t3@example.org"), room=False, group=second)
    assert len(warnings) == 1 and "Мария Петровна" in warnings[0]


def test_moving_a_session_notifies_members_and_tutor(login_as, setting, people):
    (session,), _warnings = _plan(setting, people["tutor"])
    db.session.commit()
    staff = login_as("staff")
    form = {"version": str(session.version), "day": "01.12.2026", "starts": "10:00", "minutes": "60",
            "room_id": str(setting["room"].id), "online_url": ""}
    assert staff.post(f"/courses/sessions/{session.id}/move", form).status_code == 302
    db.session.expire_all()
    moved = db.session.get(ScheduledSession, session.id)
    assert moved.starts_at == datetime(2026, 12, 1, 7, 0)
    texts = db.session.scalars(select(Notification.text).where(Notification.text.contains("перенесено"))
                               .order_by(Notification.user_id)).all()
    assert len(texts) == 2 and all("01.12.2026 10:00" in text for text in texts)
    stale = staff.post(f"/courses/sessions/{session.id}/move", form)
    assert "изменил другой пользователь" in stale.text
    teacher = login_as("teacher")
    assert "01.12.2026 10:00" in teacher.get("/notifications/").text
    assert '<span class="badge">2</span>' in teacher.get("/").text  # the move, and the place in the group
    teacher.post("/notifications/read")
    home = teacher.get("/").text
    assert "(непрочитанные)" not in home and '<span class="badge">2</span>' not in home


def test_personal_schedule_and_calendar_feed(login_as, setting, people):
    _plan(setting, people["tutor"], day=date.today() + timedelta(days=1), starts=time(12), room=False, weeks=2)
    db.session.commit()
    teacher = login_as("teacher")
    page = teacher.get(f"/courses/schedule/?week={(date.today() + timedelta(days=1)).isoformat()}")
    assert "Модуль 1 (Группа А)" in page.text and "12:00–13:30" in page.text
    token = calendar.feed_token(people["teacher"])
    db.session.commit()
    feed = teacher.raw.application.test_client().get(f"/courses/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(feed.data).walk("VEVENT")]
    assert len(events) == 2 and str(events[0]["summary"]) == "Модуль 1 (Группа А)"
    assert events[0].decoded("dtstart").utcoffset() == timedelta(0)
    teacher.post("/courses/schedule/feed/renew")
    assert teacher.raw.application.test_client().get(f"/courses/calendar/{token}.ics").status_code == 404
    assert teacher.raw.application.test_client().get("/courses/calendar/guess.ics").status_code == 404


def test_schedule_page_query_count_is_flat(login_as, setting, people, page_cost):
    _plan(setting, people["tutor"], day=date.today(), starts=time(8), room=False)
    db.session.commit()
    teacher = login_as("teacher")
    teacher.get("/courses/schedule/")

    few = page_cost(teacher, "/courses/schedule/")
    for k in range(1, 6):
        _plan(setting, people["tutor"], day=date.today(), starts=time(8 + 2 * k), minutes=60, room=False)
    db.session.commit()
    assert page_cost(teacher, "/courses/schedule/") == few
    assert db.session.scalar(select(func.count()).select_from(ScheduledSession)) == 6


def test_weeks_and_dates_beyond_the_calendar_are_refused_politely(login_as, setting, people):
    """Years far outside 2000–2100 once overflowed Python's dates (a 500); now they are ignored or refused."""
    teacher, staff, tutor = login_as("teacher"), login_as("staff"), login_as("tutor")
    assert teacher.get("/courses/schedule/?week=9999-12-31").status_code == 200
    assert teacher.get("/courses/schedule/?week=0001-01-01").status_code == 200
    assert staff.get("/courses/rooms/?week=0001-01-01").status_code == 200
    assert staff.get("/courses/rooms/?week=9999-12-27").status_code == 200
    plan = {"module_id": str(setting["module"].id), "first_day": "27.12.9999", "starts": "15:00", "minutes": "90",
            "weeks": "52", "room_id": "", "online_url": "https://meet.example.org/a", "tutor_id": "", "topic": ""}
    page = staff.post(f"/courses/groups/{setting['group'].id}/schedule", plan)
    assert page.status_code == 200 and "Укажите дату с 2000 по 2100 год" in page.text
    hours = {"weekday": "2", "starts": "14:00", "ends": "16:00", "slot_minutes": "30", "place": "214",
             "online_url": "", "valid_from": "01.01.9999", "valid_until": "31.12.9999"}
    page = tutor.post("/courses/consultations/office-hours/new", hours)
    assert page.status_code == 200 and "Укажите дату с 2000 по 2100 год" in page.text
    assert db.session.scalar(select(func.count()).select_from(ScheduledSession)) == 0


@pytest.mark.parametrize("clash", ["room", "tutor"])
def test_two_planners_at_once_never_double_book_a_room_or_a_tutor(app_factory, people, clash):
    """Two staff members plan different groups into the same room (or with the same tutor) at the same moment."""
    import threading

    from courses.models import Group, Room
    from lms.users.models import User

    app = app_factory()
    with app.app_context():
        programme = make_programme()
        room = service.save_room(None, name="Кабинет ИКТ", capacity=16, opens=time(8), closes=time(19),
                                 weekdays="01234")
        groups = [group_service.save_group(None, version=None, data=group_service.GroupData(
            programme_id=programme.id, name=f"Группа {n}", source="administration", association_id=None,
            tutor_id=None, capacity=20, starts_on=None, ends_on=None)).id for n in (1, 2)]
        tutors = [make_user("tutor", email=f"planner-tutor{n}@example.org").id for n in (1, 2)]
        module_id, room_id = programme.modules[0].id, room.id
        db.session.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def plan(n: int) -> None:
        with app.app_context():
            group = db.session.get(Group, groups[n])
            db.session.get(Room, room_id), db.session.get(User, tutors[n])
            same_tutor = clash == "tutor"
            plan = service.SessionPlan(module_id=module_id, first_day=MONDAY, starts=time(15), minutes=90, weeks=1,
                                       room_id=None if same_tutor else room_id,
                                       online_url="https://meet.example.org/a" if same_tutor else None,
                                       tutor_id=tutors[0] if same_tutor else tutors[n])
            barrier.wait()
            try:
                service.plan_series(group, plan)
                db.session.commit()
                outcomes.append("planned")
            except ServiceError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=plan, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["planned", "refused"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ScheduledSession)) == 1


def test_a_room_created_twice_at_once_is_refused_by_its_name(setting):
    from courses.models import Room
    from tests.courses.races import committed_first

    with committed_first(Room.__table__, name="Кабинет 301", opens=time(8), closes=time(18), weekdays="01234") as raced:
        with pytest.raises(ServiceError, match="уже есть"):
            service.save_room(None, name="Кабинет 301", capacity=None, opens=time(8), closes=time(18),
                              weekdays="01234")
    assert raced
