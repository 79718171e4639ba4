"""Attendance: the sheet with its history, self check-in codes, online meeting reports, percentages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from courses.models import AttendanceChange, AttendanceMark
from courses.services import attendance as service
from courses.services import groups as group_service
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.models.mixins import utcnow
from tests.factories import make_programme, make_user


@pytest.fixture
def lesson(app, people):
    """A group of three teachers and one session of it, which started 30 minutes ago (online)."""
    programme = make_programme()
    group = group_service.save_group(None, version=None, data=group_service.GroupData(
        programme_id=programme.id, name="Группа", source="administration", association_id=None,
        tutor_id=people["tutor"].id, capacity=50, starts_on=None, ends_on=None))
    teachers = [people["teacher"], make_user("teacher", email="b@example.org", last_name="Белова",
                                             first_name="Анна", middle_name=None),
                make_user("teacher", email="c@example.org", last_name="Кротов", first_name="Иван", middle_name=None)]
    group_service.add_members(group, teachers, people["staff"])
    from courses.models import ScheduledSession

    start = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=30)
    session = ScheduledSession(group_id=group.id, module_id=programme.modules[0].id, starts_at=start,
                               ends_at=start + timedelta(minutes=90), tutor_id=people["tutor"].id,
                               online_url="https://meet.example.org/x")
    db.session.add(session)
    db.session.commit()
    return {"group": group, "session": session, "teachers": teachers}


def test_marks_are_corrected_with_a_history_and_repeats_change_nothing(lesson, people):
    session, (first, *_rest) = lesson["session"], lesson["teachers"]
    attended = []
    with signals.session_attended.connected_to(lambda sender, user, session, status: attended.append(status)):
        service.set_mark(session, first, "absent", actor=people["tutor"])
        service.set_mark(session, first, "absent", actor=people["tutor"])  # a repeat
        service.set_mark(session, first, "late", actor=people["tutor"], reason="Пришла к середине")
    history = db.session.scalars(select(AttendanceChange).order_by(AttendanceChange.id)).all()
    assert [(h.old_status, h.new_status) for h in history] == [(None, "absent"), ("absent", "late")]
    assert history[1].reason == "Пришла к середине" and attended == ["late"]
    with pytest.raises(ServiceError, match="не состоит в этой группе"):
        service.set_mark(session, people["tutor"], "present", actor=people["tutor"])


def test_the_sheet_page_saves_all_marks_and_all_present_fills_the_rest(login_as, lesson, people):
    session, teachers = lesson["session"], lesson["teachers"]
    tutor = login_as("tutor")
    url = f"/courses/sessions/{session.id}/attendance"
    page = tutor.get(url)
    assert page.status_code == 200 and "Кротов Иван" in page.text
    assert tutor.post(url, {f"status-{teachers[0].id}": "excused", "reason": ""}).status_code == 302
    tutor.post(f"{url}/all-present")
    marks = dict(db.session.execute(select(AttendanceMark.user_id, AttendanceMark.status)).all())
    assert marks == {teachers[0].id: "excused", teachers[1].id: "present", teachers[2].id: "present"}
    assert tutor.post(url, {f"status-{teachers[0].id}": "bogus"}).status_code == 400
    other_tutor = make_user("tutor", email="other-tutor@example.org")
    db.session.commit()
    from tests.conftest import Client

    stranger = Client(tutor.raw.application.test_client())
    stranger.login(other_tutor.email)
    assert stranger.get(url).status_code == 403  # not this group's tutor


def test_self_check_in_with_a_short_lived_code(login_as, lesson, people):
    session = lesson["session"]
    tutor = login_as("tutor")
    screen = tutor.post(f"/courses/sessions/{session.id}/checkin", follow_redirects=True)
    assert 'src="data:image/png;base64,' in screen.text
    db.session.expire_all()
    code = session.checkin_code
    assert re.fullmatch(r"\d{6}", code) and f"{code[:3]} {code[3:]}" in screen.text
    teacher = login_as("teacher")
    wrong = teacher.post("/courses/checkin", {"code": "000000" if code != "000000" else "111111"})
    assert "неверный или устарел" in wrong.text
    done = teacher.post("/courses/checkin", {"code": f"{code[:3]} {code[3:]}"}, follow_redirects=True)
    assert "Вы отмечены: Опоздал" in done.text  # 30 minutes after the start
    mark = db.session.scalar(select(AttendanceMark))
    assert (mark.status, mark.source) == ("late", "self")
    session.checkin_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "неверный или устарел" in login_as("teacher").post("/courses/checkin", {"code": code}).text


def test_online_meeting_report_marks_by_share_of_time(lesson, people):
    session, (first, second, third) = lesson["session"], lesson["teachers"]
    start = session.starts_at + timedelta(hours=3)  # the report is in Moscow time

    def at(minutes: int) -> str:
        return f"{start + timedelta(minutes=minutes):%d.%m.%Y %H:%M}"

    report = "\n".join([
        "Участник;Эл. почта;Вход;Выход",
        f"Иванова Мария;teacher@example.org;{at(0)};{at(40)}",
        f"Иванова Мария;teacher@example.org;{at(45)};{at(95)}",
        f"Анна Белова;;{at(30)};{at(60)}",
        f"Гость;guest@example.org;{at(0)};{at(90)}",
    ])
    service.set_mark(session, third, "excused", actor=people["tutor"])
    result = service.import_meeting_report(session, report.encode("cp1251"), people["tutor"])
    marks = {m.user_id: (m.status, m.online_minutes) for m in db.session.scalars(select(AttendanceMark))}
    assert marks[first.id] == ("present", 85)  # two connections add up: 40 + 45 of 90 minutes
    assert marks[second.id] == ("absent", 30)
    assert marks[third.id][0] == "excused"  # an excused absence is not overwritten by a report
    assert result.unmatched == ["guest@example.org"]
    with pytest.raises(ServiceError, match="время входа или выхода"):
        service.import_meeting_report(session, "ФИО;Вход;Выход\nИванова Мария;вчера;сегодня".encode(), people["tutor"])


def test_a_meeting_report_never_turns_a_persons_own_mark_into_an_absence(lesson, people):
    session, (checked_in, marked_absent, online) = lesson["session"], lesson["teachers"]
    start = session.starts_at + timedelta(hours=3)  # the report is in Moscow time

    def report(*rows: tuple[str, int]) -> bytes:
        lines = ["Эл. почта;Вход;Выход"] + [
            f"{email};{start:%d.%m.%Y %H:%M};{start + timedelta(minutes=m):%d.%m.%Y %H:%M}" for email, m in rows]
        return "\n".join(lines).encode()

    service.set_mark(session, checked_in, "present", actor=checked_in, source="self")  # in the room, by the QR code
    service.set_mark(session, marked_absent, "absent", actor=people["tutor"])
    first = service.import_meeting_report(session, report((marked_absent.email, 90), (online.email, 10)),
                                          people["tutor"])
    marks = {m.user_id: (m.status, m.source) for m in db.session.scalars(select(AttendanceMark))}
    assert marks[checked_in.id] == ("present", "self")  # not in the report, but seen in the room
    assert marks[marked_absent.id] == ("present", "import")  # connected the whole session: the report is evidence
    assert marks[online.id] == ("absent", "import")
    assert (first.count("present"), first.count("absent"), first.kept) == (1, 1, [checked_in.full_name])
    # A corrected report replaces what the first one marked.
    service.import_meeting_report(session, report((online.email, 90)), people["tutor"])
    assert db.session.scalar(select(AttendanceMark.status).where(AttendanceMark.user_id == online.id)) == "present"


@pytest.mark.parametrize("data, message", [
    (b"", "Отчёт пуст"),
    (b"\r\n \r\n", "Отчёт пуст"),
    (b"\xff\xfe\x98 bytes that are neither UTF-8 nor Windows-1251", "Не удалось прочитать отчёт"),
    (("ФИО;Вход;Выход\n" + "x" * 200_000 + ";10:00;11:30").encode(), "Не удалось прочитать отчёт"),
    ("ФИО;Вход;Выход\nИванова Мария".encode(), "В строке 2 меньше столбцов, чем в заголовке"),
    ("Вход;Выход;ФИО\n10:00;11:30".encode(), "В строке 2 меньше столбцов, чем в заголовке"),
], ids=["empty", "blank-lines", "undecodable", "huge-field", "short-row", "short-row-no-name"])
def test_a_meeting_report_that_cannot_be_read_is_refused_with_a_reason(lesson, people, data, message):
    with pytest.raises(ServiceError, match=message):
        service.import_meeting_report(lesson["session"], data, people["tutor"])


def test_an_empty_report_upload_is_a_message_not_an_error_page(login_as, lesson):
    import io

    url = f"/courses/sessions/{lesson['session'].id}/attendance/import"
    page = login_as("tutor").post(url, {"file": (io.BytesIO(b""), "report.csv")}, content_type="multipart/form-data",
                                  follow_redirects=True)
    # The sheet again, the message at the file field that points at it.
    assert page.status_code == 400
    assert re.search(r'aria-describedby="[^"]*file-error"', page.text)
    assert re.search(r'<p class="error" id="[^"]*file-error">[^<]*Отчёт пуст', page.text)
    missing = login_as("tutor").post(url, {}, content_type="multipart/form-data")
    assert missing.status_code == 400 and 'id="file-error"' in missing.text


def test_group_summary_percentages(lesson, people):
    session, (first, second, _third) = lesson["session"], lesson["teachers"]
    service.set_mark(session, first, "present", actor=people["tutor"])
    service.set_mark(session, second, "absent", actor=people["tutor"])
    from courses.models import ScheduledSession

    future = ScheduledSession(group_id=session.group_id, module_id=session.module_id,
                              starts_at=utcnow() + timedelta(days=7), ends_at=utcnow() + timedelta(days=7, hours=1))
    db.session.add(future)  # not held yet: does not count
    db.session.flush()
    rows = {r.user.email: (r.held, r.present, r.absent, r.percent) for r in service.group_summary(lesson["group"])}
    assert rows == {"teacher@example.org": (1, 1, 0, 100), "b@example.org": (1, 0, 1, 0),
                    "c@example.org": (1, 0, 0, 0)}


def test_sheet_query_count_is_flat(login_as, lesson, people, page_cost):
    session = lesson["session"]
    service.set_mark(session, lesson["teachers"][0], "present", actor=people["tutor"])  # a sheet with history
    db.session.commit()
    tutor = login_as("tutor")
    url = f"/courses/sessions/{session.id}/attendance"
    tutor.get(url)

    few = page_cost(tutor, url)
    extra = [make_user("teacher", email=f"x{i}@example.org") for i in range(12)]
    group_service.add_members(lesson["group"], extra, people["staff"])
    for user in extra:
        service.set_mark(session, user, "present", actor=people["tutor"])
        service.set_mark(session, user, "late", actor=people["tutor"])
    db.session.commit()
    assert page_cost(tutor, url) == few
    assert db.session.scalar(select(func.count()).select_from(AttendanceChange)) == 25


def test_tutor_today_lists_only_their_sessions(login_as, lesson, people):
    page = login_as("tutor").get("/courses/today")
    assert "Модуль 1 (Группа)" in page.text
    other = make_user("tutor", email="t9@example.org")
    db.session.commit()
    from tests.conftest import Client

    client = Client(login_as("tutor").raw.application.test_client())
    client.login(other.email)
    assert "Модуль 1 (Группа)" not in client.get("/courses/today").text


def test_guessing_the_check_in_code_is_rate_limited_per_account(app_factory):
    from tests.conftest import Client

    app = app_factory(COURSES_CHECKIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        make_user("teacher", email="guesser@example.org")
        make_user("teacher", email="neighbour@example.org")
        db.session.commit()
    guesser = Client(app.test_client())
    guesser.login("guesser@example.org")
    statuses = [guesser.post("/courses/checkin", {"code": f"{n:06d}"}).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Слишком много попыток ввести код" in guesser.post("/courses/checkin", {"code": "123456"}).text
    neighbour = Client(app.test_client())  # the same address, another account
    neighbour.login("neighbour@example.org")
    assert neighbour.post("/courses/checkin", {"code": "000000"}).status_code == 200


def _seen(page: str) -> dict[str, str]:
    """The hidden fields in which the sheet remembers the marks it showed."""
    return {f"seen-{uid}": token for uid, token in re.findall(r'name="seen-(\d+)" value="([^"]*)"', page)}


def _marks() -> dict[int, str]:
    db.session.expire_all()
    return dict(db.session.execute(select(AttendanceMark.user_id, AttendanceMark.status)).all())


def test_a_stale_sheet_never_reverts_a_correction_made_after_it_was_opened(login_as, lesson, people):
    session, (first, second, _third) = lesson["session"], lesson["teachers"]
    service.set_mark(session, first, "absent", actor=people["tutor"])
    db.session.commit()
    tutor, url = login_as("tutor"), f"/courses/sessions/{session.id}/attendance"
    opened = _seen(tutor.get(url).text)
    service.set_mark(session, first, "excused", actor=people["staff"], reason="Справка")  # while the sheet is open
    db.session.commit()
    # The tutor only marks Белова; Иванова's row still says «absent» as it did when the sheet was opened.
    sheet = opened | {f"status-{first.id}": "absent", f"status-{second.id}": "present", "reason": ""}
    assert "изменена 1 отметка" in tutor.post(url, sheet, follow_redirects=True).text
    assert _marks() == {first.id: "excused", second.id: "present"}
    twice = tutor.post(url, sheet, follow_redirects=True).text  # a double click sends the same sheet again
    assert "уже такие, как в ведомости" in twice and "ничего не сохранено" not in twice
    assert _marks() == {first.id: "excused", second.id: "present"}


def test_a_row_changed_by_both_is_refused_and_nothing_typed_is_lost(login_as, lesson, people):
    session, (_first, second, third) = lesson["session"], lesson["teachers"]
    tutor, url = login_as("tutor"), f"/courses/sessions/{session.id}/attendance"
    opened = _seen(tutor.get(url).text)
    service.set_mark(session, second, "late", actor=people["staff"])  # someone else marks Белова meanwhile
    db.session.commit()
    sheet = opened | {f"status-{second.id}": "absent", f"status-{third.id}": "present", "reason": ""}
    refused = tutor.post(url, sheet)
    assert refused.status_code == 200 and "Белова Анна" in refused.text and "ничего не сохранено" in refused.text
    assert _marks() == {second.id: "late"}  # neither the other person's mark nor half of the sheet changed
    for user, status in ((second, "absent"), (third, "present")):  # the tutor's choices are still on the sheet
        assert re.search(rf'name="status-{user.id}" value="{status}"[^>]*checked', refused.text)
    again = _seen(refused.text) | {f"status-{second.id}": "absent", f"status-{third.id}": "present", "reason": ""}
    assert tutor.post(url, again).status_code == 302  # saving again is a deliberate choice
    assert _marks() == {second.id: "absent", third.id: "present"}


def test_a_mark_another_request_inserted_a_moment_earlier_is_corrected_not_a_500(login_as, lesson, people):
    from tests.courses.races import committed_first

    session, (first, second, _third) = lesson["session"], lesson["teachers"]
    table, now = AttendanceMark.__table__, utcnow()
    with committed_first(table, session_id=session.id, user_id=first.id, status="present", source="self",
                         marked_at=now) as raced:
        service.set_mark(session, first, "absent", actor=people["tutor"])
    assert raced and _marks() == {first.id: "absent"}
    change = db.session.scalars(select(AttendanceChange).order_by(AttendanceChange.id.desc())).first()
    assert (change.old_status, change.new_status) == ("present", "absent")
    db.session.commit()
    tutor, url = login_as("tutor"), f"/courses/sessions/{session.id}/attendance"
    sheet = _seen(tutor.get(url).text) | {f"status-{second.id}": "excused", "reason": ""}
    with committed_first(table, session_id=session.id, user_id=second.id, status="late", source="self",
                         marked_at=now) as raced:
        page = tutor.post(url, sheet)  # two people saved Белова's mark at the same moment
    assert raced and page.status_code == 200 and "Белова Анна" in page.text
    assert _marks()[second.id] == "late"


def test_a_teacher_sees_their_own_attendance_and_nobody_elses(login_as, lesson, people):
    session, (first, second, _third) = lesson["session"], lesson["teachers"]
    service.set_mark(session, first, "late", actor=people["tutor"])
    service.set_mark(session, second, "absent", actor=people["tutor"])
    db.session.commit()
    (group, row, sessions), = service.teacher_summary(first)
    assert (row.held, row.late, row.absent, row.percent) == (1, 1, 0, 100)
    assert [status for _s, status in sessions] == ["late"]
    page = login_as("teacher").get("/courses/attendance/mine")
    assert page.status_code == 200 and "Группа: 100 %" in page.text and "Опоздал" in page.text
    assert "Белова" not in page.text
    assert login_as("tutor").get("/courses/attendance/mine").status_code == 403


def test_a_session_running_past_midnight_is_on_the_tutors_today_page(login_as, lesson):
    from courses.services.schedule import local_day_bounds
    from lms.i18n import local_today

    since, _until = local_day_bounds(local_today())
    session = lesson["session"]
    session.starts_at, session.ends_at = since - timedelta(hours=1), since + timedelta(hours=1)
    db.session.commit()
    assert "Модуль 1 (Группа)" in login_as("tutor").get("/courses/today").text
    session.ends_at = since  # over at midnight: yesterday's
    db.session.commit()
    assert "Модуль 1 (Группа)" not in login_as("tutor").get("/courses/today").text
