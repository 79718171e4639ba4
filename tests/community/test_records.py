"""Lesson visits, appeals, network events and contests: their rules, the pages by role, and their evidence."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from community.models import Appeal, ContestApplication, EventParticipant, LessonVisit, NetworkEvent
from community.services import events, visits
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import local_today
from lms.reports.indicators import evidence_for
from tests.community.test_associations import login_as_email
from tests.factories import make_user

TODAY = date(2026, 10, 20)


def _evidence(indicator: str, kind: str) -> list[tuple]:
    (evidence,) = [e for e in evidence_for(indicator) if e.kind == kind]
    select_ = evidence.select()
    assert [c.name for c in select_.selected_columns] == ["teacher_id", "occurred_on", "kind", "ref"]
    return sorted(tuple(row) for row in db.session.execute(select_))


def _visit_data(teacher, visited_on=TODAY, **overrides):
    values = dict(teacher_id=teacher.id, kind="visit", visited_on=visited_on, lesson="7 Б", purpose="Помощь",
                  protocol=[{"criterion": "Цель", "note": "Достигнута"}], recommendations="Больше пар")
    values.update(overrides)
    return visits.VisitData(**values)


def test_lesson_visits_rules_pages_and_evidence(app, people, login_as):
    with pytest.raises(ServiceError, match="в будущем"):
        visits.save_visit(None, people["tutor"], version=None, today=TODAY,
                          data=_visit_data(people["teacher"], TODAY + timedelta(days=1)))
    with pytest.raises(ServiceError, match="собственного"):
        visits.save_visit(None, people["teacher"], version=None, today=TODAY, data=_visit_data(people["teacher"]))
    visit = visits.save_visit(None, people["tutor"], version=None, today=TODAY, data=_visit_data(people["teacher"]))
    db.session.commit()
    assert _evidence("targeted_support", "lesson_visit") == [
        (people["teacher"].id, TODAY, "lesson_visit", f"visit:{visit.id}")]
    teacher = login_as("teacher")
    assert "Больше пар" in teacher.get(f"/community/visits/{visit.id}").text
    assert "Посещение урока" in teacher.get("/community/").text
    other = make_user("teacher", email="other@example.org")
    db.session.commit()
    assert login_as_email(app, other.email).get(f"/community/visits/{visit.id}").status_code == 403


def test_the_visit_protocol_follows_the_configured_criteria(app_factory):
    app = app_factory(COMMUNITY_VISIT_CRITERIA=("Мотивация", "Темп урока"))
    with app.app_context():
        tutor = make_user("tutor", email="tutor@example.org")
        teacher = make_user("teacher", email="teacher@example.org", last_name="Гусев")
        db.session.commit()
        client = login_as_email(app, tutor.email)
        page = client.get("/community/visits/new").text
        assert "Мотивация" in page and "Темп урока" in page and "Цель урока" not in page
        form = {"teacher_id": str(teacher.id), "kind": "open_lesson", "visited_on": local_today().strftime("%d.%m.%Y"),
                "lesson": "5 А", "purpose": "", "protocol-0": "Высокая", "protocol-1": "Ровный",
                "recommendations": "Продолжать"}
        assert client.post("/community/visits/new", form).status_code == 302
        visit = db.session.scalar(select(LessonVisit))
        assert visit.protocol == [{"criterion": "Мотивация", "note": "Высокая"},
                                  {"criterion": "Темп урока", "note": "Ровный"}]
        stale = client.post(f"/community/visits/{visit.id}/edit", dict(form, version="0", recommendations="Иное"))
        assert "изменил другой пользователь" in stale.text
        bad = client.post("/community/visits/new", dict(form, recommendations="\x00"))
        assert bad.status_code == 400 and db.session.scalar(select(func.count()).select_from(LessonVisit)) == 1


def test_appeals_have_a_deadline_an_answer_and_evidence(app, people, login_as):
    teacher = login_as("teacher")
    response = teacher.post("/community/appeals/new", {"subject": "Консультация", "text": "Не состоялась"})
    assert response.status_code == 302
    appeal = db.session.scalar(select(Appeal))
    assert appeal.source == "teacher" and appeal.due_on == appeal.received_on + timedelta(days=30)
    assert teacher.post(f"/community/appeals/{appeal.id}", {"answer": "Сам себе", "upheld": ""}).status_code == 403
    other = make_user("teacher", email="other@example.org")
    db.session.commit()
    assert login_as_email(app, other.email).get(f"/community/appeals/{appeal.id}").status_code == 403
    staff = login_as("staff")
    assert "Ожидает ответа" in staff.get("/community/appeals/?status=open").text
    assert staff.post(f"/community/appeals/{appeal.id}", {"answer": "", "upheld": "", "version": "1"}).status_code \
        == 200
    assert staff.post(f"/community/appeals/{appeal.id}",
                      {"answer": "Назначено новое время", "upheld": "yes", "version": str(appeal.version)}
                      ).status_code == 302
    db.session.expire_all()
    appeal = db.session.get(Appeal, appeal.id)
    assert appeal.status == "answered" and appeal.upheld is True and appeal.answered_on == local_today()
    assert "Назначено новое время" in teacher.get(f"/community/appeals/{appeal.id}").text
    assert _evidence("appeals", "appeal") == [(people["teacher"].id, appeal.received_on, "appeal",
                                               f"appeal:{appeal.id}")]
    # staff register a paper appeal on a teacher's behalf; an overdue one is found by the filter
    registered = staff.post("/community/appeals/new", {"teacher_id": str(other.id), "received_on": "01.09.2026",
                                                        "subject": "Письмо", "text": "Текст письма"})
    assert registered.status_code == 302
    assert "Письмо" in staff.get("/community/appeals/?overdue=y").text


def _event(**overrides):
    values = dict(kind="round_table", title="Круглый стол", organiser_kind="service", school_id=None,
                  association_id=None, held_on=TODAY + timedelta(days=5), place="ИМЦ", link=None, capacity=1,
                  registration_open=True, description="", status="planned")
    values.update(overrides)
    return events.save_event(None, version=None, today=TODAY, data=events.EventData(**values))


def test_network_events_registration_capacity_attendance_and_evidence(app, people):
    second = make_user("teacher", email="second@example.org")
    speaker = make_user("teacher", email="speaker@example.org")
    with pytest.raises(ServiceError, match="в будущем"):
        _event(status="held")
    with pytest.raises(ServiceError, match="школу"):
        _event(organiser_kind="school")
    event = _event()
    events.register(event, people["teacher"], today=TODAY)
    assert events.register(event, people["teacher"], today=TODAY).user_id == people["teacher"].id  # idempotent
    with pytest.raises(ServiceError, match="мест не осталось"):
        events.register(event, second, today=TODAY)
    events.add_speaker(event, speaker, topic="Опыт", upload=None)
    with pytest.raises(ServiceError, match="в будущем"):
        events.mark_attendance(event, {people["teacher"].id}, today=TODAY)
    with pytest.raises(ServiceError, match="зарегистрированных"):
        events.mark_attendance(event, {second.id}, today=TODAY + timedelta(days=5))
    events.mark_attendance(event, set(), today=TODAY + timedelta(days=5))
    db.session.commit()
    # the registered participant who did not come does not count; the speaker does
    assert _evidence("network", "network_event") == [(speaker.id, event.held_on, "network_event",
                                                      f"event:{event.id}")]
    events.mark_attendance(event, {people["teacher"].id}, today=TODAY + timedelta(days=5))
    assert {row[0] for row in _evidence("network", "network_event")} == {people["teacher"].id, speaker.id}
    with pytest.raises(ServiceError, match="закрыта"):
        events.register(event, second, today=TODAY)  # held now


def test_a_registration_is_cancelled_only_while_the_event_is_ahead_and_attendance_stays(app, people, login_as):
    event = _event(held_on=local_today() + timedelta(days=3), capacity=5)
    events.register(event, people["teacher"], today=local_today())
    db.session.commit()
    teacher = login_as("teacher")
    url = f"/community/events/{event.id}/unregister"
    assert "Ваша регистрация отменена" in teacher.post(url, follow_redirects=True).text
    again = teacher.post(url, follow_redirects=True).text  # a second click, or a second tab
    assert "Ваша регистрация отменена" not in again and "не зарегистрированы" in again
    events.register(event, people["teacher"], today=local_today())
    events.mark_attendance(event, {people["teacher"].id}, today=event.held_on)
    db.session.commit()
    refused = teacher.post(url, follow_redirects=True).text  # the page was open before staff marked attendance
    assert "уже прошло" in refused and "Ваша регистрация отменена" not in refused
    db.session.expire_all()
    assert db.session.scalar(select(EventParticipant.attended).where(EventParticipant.event_id == event.id)) is True
    cancelled = _event(held_on=TODAY, status="cancelled")
    with pytest.raises(ServiceError, match="отменено"):
        events.mark_attendance(cancelled, set(), today=TODAY)
    assert cancelled.status == "cancelled"


def test_event_pages_registration_and_speaker_material(app, people, login_as):
    event = _event(held_on=local_today() + timedelta(days=3), capacity=5)
    db.session.commit()
    teacher = login_as("teacher")
    assert teacher.post(f"/community/events/{event.id}/register").status_code == 302
    assert "Круглый стол" in teacher.get("/community/").text
    staff = login_as("staff")
    response = staff.post(f"/community/events/{event.id}/speakers",
                          {"user_id": str(people["teacher"].id), "topic": "Доклад",
                           "material": (io.BytesIO(b"%PDF-1.4 talk"), "доклад.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    detail = staff.get(f"/community/events/{event.id}").text
    assert "Участники и присутствие" in detail and "Доклад" in detail
    early = staff.post(f"/community/events/{event.id}/attendance", {"present_ids": [str(people["teacher"].id)]},
                       follow_redirects=True)
    assert "в будущем" in early.text
    participant = db.session.scalar(select(EventParticipant))
    assert participant.role == "speaker" and participant.material_name == "доклад.pdf"
    assert teacher.get(f"/community/events/materials/{participant.id}").data == b"%PDF-1.4 talk"
    bad = staff.post(f"/community/events/{event.id}/speakers",
                     {"user_id": str(people["teacher"].id), "topic": "Доклад",
                      "material": (io.BytesIO(b"MZ"), "x.exe")}, content_type="multipart/form-data",
                     follow_redirects=True)
    assert "Файлы такого типа" in bad.text
    form = {"kind": "seminar", "title": "Семинар", "organiser_kind": "service", "school_id": "",
            "association_id": "", "held_on": "01.01.2030", "place": "", "link": "", "capacity": "",
            "registration_open": "y", "description": "", "status": "planned", "version": str(event.version)}
    assert staff.post(f"/community/events/{event.id}/edit", form).status_code == 302
    assert "изменил другой пользователь" in staff.post(f"/community/events/{event.id}/edit", form).text
    assert "Семинар" in staff.get("/community/events/?kind=seminar").text
    db.session.expire_all()
    assert db.session.get(NetworkEvent, event.id).title == "Семинар"


def test_contests_deadline_results_and_evidence(app, people, login_as):
    contest = events.save_contest(None, version=None, title="Педагог года", description="",
                                  applications_until=TODAY, stages=[])
    with pytest.raises(ServiceError, match="закончился"):
        events.apply(contest, people["teacher"], today=TODAY + timedelta(days=1), theme="")
    with pytest.raises(ServiceError, match="только педагоги"):
        events.apply(contest, people["tutor"], today=TODAY, theme="")
    application = events.apply(contest, people["teacher"], today=TODAY, theme="Проекты")
    with pytest.raises(ServiceError, match="уже подал"):
        events.apply(contest, people["teacher"], today=TODAY, theme="")
    with pytest.raises(ServiceError, match="принятой"):
        events.decide(application, version=application.version, status="submitted", result="winner")
    events.decide(application, version=application.version, status="accepted", result="winner")
    db.session.commit()
    assert _evidence("contests", "contest_application") == [
        (people["teacher"].id, TODAY, "contest_application", f"application:{application.id}")]
    page = login_as("teacher").get(f"/community/contests/{contest.id}").text
    assert "Победитель" in page
    assert "Победитель" in login_as("teacher").get("/community/").text


def test_contest_pages_apply_nominate_and_stages(app, people, login_as):
    staff = login_as("staff")
    form = {"title": "Учитель года", "description": "", "applications_until": "31.12.2099",
            "stages": "Заочный этап; 01.02.2027; 28.02.2027\nОчный этап; 10.03.2027; 01.03.2027"}
    page = staff.post("/community/contests/new", form)
    assert page.status_code == 200 and "заканчивается раньше" in page.text
    page = staff.post("/community/contests/new", dict(form, stages="Заочный этап; когда-нибудь"))
    assert page.status_code == 200 and "Строка 1" in page.text
    assert staff.post("/community/contests/new", dict(form, stages="Заочный этап; 01.02.2027; 28.02.2027")
                      ).status_code == 302
    from community.models import Contest

    contest = db.session.scalar(select(Contest))
    assert contest.stages == [{"title": "Заочный этап", "starts_on": "2027-02-01", "ends_on": "2027-02-28"}]
    teacher = login_as("teacher")
    assert teacher.post(f"/community/contests/{contest.id}", {"theme": "Мой опыт"}).status_code == 302
    other = make_user("teacher", email="other@example.org")
    db.session.commit()
    assert staff.post(f"/community/contests/{contest.id}", {"teacher_id": str(other.id), "theme": ""}
                      ).status_code == 302
    applications = db.session.scalars(select(ContestApplication).order_by(ContestApplication.id)).all()
    assert [a.nominated_by_school for a in applications] == [False, True]
    decided = staff.post(f"/community/contests/applications/{applications[0].id}/decide",
                         {"status": "accepted", "result": "prize_winner", "version": str(applications[0].version)})
    assert decided.status_code == 302
    db.session.expire_all()
    assert db.session.get(ContestApplication, applications[0].id).result == "prize_winner"


def test_an_application_after_the_deadline_is_refused_on_the_contest_page(app, people, login_as):
    """Through the page, as a teacher sends it from a tab opened before the deadline: a clear message, no row."""
    deadline = local_today() - timedelta(days=1)
    contest = events.save_contest(None, version=None, title="Учитель года", description="",
                                  applications_until=deadline, stages=[])
    db.session.commit()
    teacher = login_as("teacher")
    page = teacher.get(f"/community/contests/{contest.id}")
    assert f"Приём заявок на этот конкурс закончился {deadline:%d.%m.%Y}." in page.text
    assert "Подать заявку" not in page.text  # no form to send
    late = teacher.post(f"/community/contests/{contest.id}", {"theme": "Мой опыт"})
    assert late.status_code == 200
    assert late.text.count(f"Приём заявок на этот конкурс закончился {deadline:%d.%m.%Y}.") == 1
    assert db.session.scalar(select(func.count()).select_from(ContestApplication)) == 0
