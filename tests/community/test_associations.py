"""Associations: details beside the core's directory, members, meetings with attendance and minutes; the rules
refuse bad input with nothing half-saved, and each role sees what is theirs."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from community.models import AssociationDetails, Meeting, MeetingAttendance, Membership
from community.services import associations as service
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import local_today
from lms.orgs.models import MethodAssociation
from tests.community.helpers import make_mo, meeting_data
from tests.factories import make_municipality, make_user

PDF = b"%PDF-1.4 minutes"


def test_an_association_is_one_row_of_the_core_directory_with_the_services_details(app, people):
    details = make_mo(people["teacher"], name="РМО учителей физики", kind="rmo")
    db.session.commit()
    core = db.session.get(MethodAssociation, details.association_id)
    assert core.name == "РМО учителей физики" and details.level == "municipal" and details.kind == "rmo"
    # the leader becomes a member
    assert db.session.scalar(select(Membership.user_id).where(Membership.association_id == core.id)) == \
        people["teacher"].id


def test_a_temporary_group_needs_its_period(app):
    municipality = make_municipality()
    data = service.AssociationData(municipality_id=municipality.id, school_id=None, name="Проблемная группа",
                                   kind="problem", leader_id=None, starts_on=None, ends_on=None, theme="")
    with pytest.raises(ServiceError, match="в течение срока"):
        service.save_association(None, version=None, data=data)
    data.starts_on, data.ends_on = date(2026, 9, 1), date(2026, 8, 1)
    with pytest.raises(ServiceError, match="заканчивается раньше"):
        service.save_association(None, version=None, data=data)
    assert db.session.scalar(select(func.count()).select_from(MethodAssociation)) == 0
    data.ends_on = date(2027, 5, 31)
    assert service.save_association(None, version=None, data=data).kind == "problem"


def test_a_meeting_in_the_future_cannot_be_marked_held_and_attendance_is_for_members(app, people):
    other = make_user("teacher", email="other@example.org")
    details = make_mo(members=[people["teacher"]])
    today = date(2026, 10, 10)
    with pytest.raises(ServiceError, match="в будущем"):
        service.save_meeting(details.association, None, version=None, today=today,
                             data=meeting_data(today + timedelta(days=1), attendee_ids=[people["teacher"].id]))
    with pytest.raises(ServiceError, match="только для состоявшегося"):
        service.save_meeting(details.association, None, version=None, today=today,
                             data=meeting_data(today, status="planned", attendee_ids=[people["teacher"].id]))
    with pytest.raises(ServiceError, match="только участников"):
        service.save_meeting(details.association, None, version=None, today=today,
                             data=meeting_data(today, attendee_ids=[other.id]))
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
    meeting = service.save_meeting(details.association, None, version=None, today=today,
                                   data=meeting_data(today, attendee_ids=[people["teacher"].id]))
    assert [a.user_id for a in meeting.attendance] == [people["teacher"].id]
    # a member who left stays on the sheet of the meeting they attended, and can be kept there on an edit
    service.remove_member(details.association, people["teacher"].id)
    service.save_meeting(details.association, meeting, version=meeting.version, today=today,
                         data=meeting_data(today, attendee_ids=[people["teacher"].id], topic="Исправлено"))
    assert meeting.topic == "Исправлено" and len(meeting.attendance) == 1


def _meeting_form(**overrides):
    values = {"held_on": local_today().strftime("%d.%m.%Y"), "topic": "Анализ диагностики", "place": "ИМЦ",
              "agenda": "", "status": "held", "minutes": "Обсудили", "decisions": "Принять к сведению"}
    values.update(overrides)
    return values


def test_the_leader_records_a_meeting_with_attendance_and_a_minutes_file(app, people, login_as, client):
    leader = make_user("teacher", email="leader@example.org", last_name="Смирнова")
    make_user("teacher", email="stranger@example.org")
    details = make_mo(leader, members=[people["teacher"]])
    db.session.commit()
    url = f"/community/associations/{details.association_id}/meetings/new"
    assert login_as("teacher").get(url).status_code == 403  # a member, not the leader
    client.login("leader@example.org")
    page = client.get(url)
    assert page.status_code == 200 and "Присутствовали" in page.text
    response = client.post(url, _meeting_form(attendee_ids=[str(people["teacher"].id)],
                                              minutes_file=(io.BytesIO(PDF), "протокол.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    meeting = db.session.scalar(select(Meeting))
    assert meeting.minutes_file_name == "протокол.pdf"
    assert db.session.scalar(select(MeetingAttendance.user_id)) == people["teacher"].id
    # the member present reads the minutes and the file; another teacher may not
    teacher = login_as("teacher")
    assert "Принять к сведению" in teacher.get(f"/community/meetings/{meeting.id}").text
    assert teacher.get(f"/community/meetings/{meeting.id}/minutes").data == PDF
    mine = teacher.get("/community/").text
    assert "Анализ диагностики" in mine and "Присутствовал(а)" in mine
    other = login_as_email(app, "stranger@example.org")
    assert other.get(f"/community/meetings/{meeting.id}").status_code == 403
    assert other.get(f"/community/meetings/{meeting.id}/minutes").status_code == 403
    assert "Анализ диагностики" not in other.get(f"/community/associations/{details.association_id}").text


def login_as_email(app, email):
    from tests.conftest import Client

    client = Client(app.test_client())
    assert client.login(email).status_code == 302
    return client


def test_bad_meeting_input_is_refused_with_a_message(app, people, login_as):
    details = make_mo(members=[people["teacher"]])
    db.session.commit()
    staff = login_as("staff")
    url = f"/community/associations/{details.association_id}/meetings/new"
    future = (local_today() + timedelta(days=3)).strftime("%d.%m.%Y")
    page = staff.post(url, _meeting_form(held_on=future))
    assert page.status_code == 200 and "Нельзя отметить состоявшимся заседание в будущем" in page.text
    page = staff.post(url, _meeting_form(topic="Тема\x00"))  # refused by the core's rule, before any view
    assert page.status_code == 400 and "Недопустимые символы" in page.text
    page = staff.post(url, _meeting_form(minutes_file=(io.BytesIO(b"MZ\x90"), "virus.exe")),
                      content_type="multipart/form-data")
    assert page.status_code == 200 and "Файлы такого типа" in page.text
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_oversized_minutes_are_refused(app_factory):
    app = app_factory(UPLOAD_MAX_BYTES=1000)
    with app.app_context():
        staff = make_user("staff", email="staff@example.org")
        details = make_mo()
        db.session.commit()
        client = login_as_email(app, staff.email)
        page = client.post(f"/community/associations/{details.association_id}/meetings/new",
                           _meeting_form(minutes_file=(io.BytesIO(b"%PDF" + b"0" * 2000), "big.pdf")),
                           content_type="multipart/form-data")
        assert page.status_code == 200 and "Файл больше" in page.text
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_a_stale_edit_is_refused(app, people, login_as):
    details = make_mo()
    meeting = service.save_meeting(details.association, None, version=None, today=local_today(),
                                   data=meeting_data(local_today(), status="planned"))
    db.session.commit()
    staff = login_as("staff")
    url = f"/community/meetings/{meeting.id}/edit"
    first = staff.post(url, _meeting_form(status="planned", topic="Первая правка", version=str(meeting.version)))
    assert first.status_code == 302
    stale = staff.post(url, _meeting_form(status="planned", topic="Вторая правка", version="1"))
    assert "изменил другой пользователь" in stale.text
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).topic == "Первая правка"
    # the association's edit too, also when only the directory's name changes
    edit = f"/community/associations/{details.association_id}/edit"
    form = {"name": "Новое имя", "kind": "mo", "municipality_id": str(details.association.municipality_id),
            "school_id": "", "leader_id": "", "starts_on": "", "ends_on": "", "theme": "", "is_active": "y",
            "version": str(details.version)}
    assert staff.post(edit, form).status_code == 302
    assert "изменил другой пользователь" in staff.post(edit, dict(form, name="Ещё имя")).text
    db.session.expire_all()
    assert db.session.get(MethodAssociation, details.association_id).name == "Новое имя"


def test_teachers_join_and_leave_and_the_leader_adds_members(app, people, login_as):
    leader = make_user("teacher", email="leader@example.org")
    other = make_user("teacher", email="other@example.org", last_name="Орлова")
    details = make_mo(leader)
    closed = make_mo(name="Закончившаяся группа", kind="working", starts_on=date(2025, 1, 1),
                     ends_on=date(2025, 5, 1))
    db.session.commit()
    teacher = login_as("teacher")
    assert teacher.post(f"/community/associations/{details.association_id}/join").status_code == 302
    assert teacher.post(f"/community/associations/{closed.association_id}/join",
                        follow_redirects=True).text.count("больше не принимает") == 1
    members = set(db.session.scalars(select(Membership.user_id)))
    assert members == {leader.id, people["teacher"].id}
    assert teacher.post(f"/community/associations/{details.association_id}/members",
                        {"user_id": str(other.id)}).status_code == 403
    lead = login_as_email(app, "leader@example.org")
    assert lead.post(f"/community/associations/{details.association_id}/members",
                     {"user_id": str(other.id)}).status_code == 302
    teacher.post(f"/community/associations/{details.association_id}/leave")
    assert set(db.session.scalars(select(Membership.user_id))) == {leader.id, other.id}


def test_a_directory_association_gets_its_details_when_first_used(app, people, login_as):
    municipality = make_municipality()
    core = MethodAssociation(municipality_id=municipality.id, name="МО из справочника")
    db.session.add(core)
    db.session.commit()
    listing = login_as("staff").get("/community/associations/?kind=mo").text
    assert "МО из справочника" in listing
    assert login_as("teacher").post(f"/community/associations/{core.id}/join").status_code == 302
    assert db.session.get(AssociationDetails, core.id).kind == "mo"


def test_the_list_filters_and_pages(app, login_as):
    municipality = make_municipality()
    for n in range(55):
        make_mo(name=f"МО № {n:02d}", municipality=municipality)
    make_mo(name="Экспертная группа", kind="expert", municipality=municipality, starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31))
    db.session.commit()
    staff = login_as("staff")
    first = staff.get("/community/associations/").text
    assert "МО № 00" in first and "МО № 52" not in first and "Страница 1 из 2" in first
    assert "МО № 52" in staff.get("/community/associations/?page=2").text
    experts = staff.get("/community/associations/?kind=expert").text
    assert "Экспертная группа" in experts and "МО № 00" not in experts
    assert "Экспертная группа" in staff.get("/community/associations/?q=Экспертная").text
    assert staff.get("/community/associations/?kind=nonsense&page=99999999").status_code == 200


def test_a_community_of_practice_main_flow(app, people, login_as):
    """Staff open a community of practice (no period needed); teachers join it, its leader records a meeting
    with attendance, and a member sees both in «Моё участие»."""
    leader = make_user("teacher", email="leader@example.org", last_name="Смирнова")
    municipality = make_municipality()
    make_mo(name="ГМО учителей химии", municipality=municipality)
    db.session.commit()
    staff = login_as("staff")
    form = {"name": "Сообщество «Цифровой урок»", "kind": "practice", "municipality_id": str(municipality.id),
            "school_id": "", "leader_id": str(leader.id), "starts_on": "", "ends_on": "",
            "theme": "Обмен приёмами цифрового урока", "is_active": "y"}
    assert staff.post("/community/associations/new", form).status_code == 302
    details = db.session.scalar(select(AssociationDetails).where(AssociationDetails.kind == "practice"))
    assert details.leader_id == leader.id and details.starts_on is None
    listing = staff.get("/community/associations/?kind=practice").text
    assert "Сообщество «Цифровой урок»" in listing and "ГМО учителей химии" not in listing
    teacher = login_as("teacher")
    page = teacher.get(f"/community/associations/{details.association_id}").text
    assert "Сообщество практики" in page and "Обмен приёмами цифрового урока" in page
    assert teacher.post(f"/community/associations/{details.association_id}/join").status_code == 302
    lead = login_as_email(app, "leader@example.org")
    url = f"/community/associations/{details.association_id}/meetings/new"
    assert lead.post(url, _meeting_form(topic="Цифровой урок: разбор", attendee_ids=[str(people["teacher"].id)])
                     ).status_code == 302
    assert db.session.scalar(select(MeetingAttendance.user_id)) == people["teacher"].id
    mine = login_as("teacher").get("/community/").text
    assert "Сообщество «Цифровой урок»" in mine and "Цифровой урок: разбор" in mine and "Присутствовал(а)" in mine
