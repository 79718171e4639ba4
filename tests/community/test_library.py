"""The annual work plan with the council's approval, the materials library, the best-practice bank with its
review, and schools' statuses: rules and pages by role."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from community.models import Material, PlanItem, Practice, SchoolStatus
from community.services import events, library
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import local_today
from tests.community.test_associations import login_as_email
from tests.factories import make_user


def _item(plan, **overrides):
    values = dict(what="Семинар", due_on=date(2026, 10, 1), responsible="Белова", form="семинар",
                  audience="учителя", link_kind=None, link_id=None)
    values.update(overrides)
    return library.save_item(plan, None, version=None, data=library.ItemData(**values))


def test_a_plan_is_approved_by_a_council_decision_and_its_items_link_to_records(app, people):
    plan = library.save_plan(None, version=None, title="План 2026/2027", starts_on=date(2026, 9, 1),
                             ends_on=date(2027, 8, 31))
    with pytest.raises(ServiceError, match="без пунктов"):
        library.approve_plan(plan, body="Методический совет", protocol_number="1", approved_on=date(2026, 8, 30),
                             today=date(2026, 9, 1))
    with pytest.raises(ServiceError, match="вне периода"):
        _item(plan, due_on=date(2028, 1, 1))
    with pytest.raises(ServiceError, match="не существует"):
        _item(plan, link_kind="contest", link_id=999)
    contest = events.save_contest(None, version=None, title="Педагог года", description="",
                                  applications_until=date(2026, 12, 1), stages=[])
    item = _item(plan, link_kind="contest", link_id=contest.id)
    from tests.factories import make_programme

    programme = make_programme()
    assert _item(plan, link_kind="programme", link_id=programme.id).link_id == programme.id
    with pytest.raises(ServiceError, match="не существует"):
        _item(plan, link_kind="programme", link_id=programme.id + 1000)
    with pytest.raises(ServiceError, match="будущим числом"):
        library.approve_plan(plan, body="Методический совет", protocol_number="1", approved_on=date(2026, 9, 2),
                             today=date(2026, 9, 1))
    library.approve_plan(plan, body="Методический совет", protocol_number="1", approved_on=date(2026, 8, 30),
                         today=date(2026, 9, 1))
    library.save_item(plan, item, version=item.version, data=library.ItemData(
        what=item.what, due_on=item.due_on, responsible="", form="", audience="", link_kind="contest",
        link_id=contest.id, status="done"))
    db.session.commit()
    assert plan.approved_on == date(2026, 8, 30) and item.status == "done"


def test_plan_pages(app, people, login_as):
    staff = login_as("staff")
    assert staff.post("/community/plans/new", {"title": "План", "starts_on": "01.09.2026",
                                               "ends_on": "31.08.2027"}).status_code == 302
    from community.models import WorkPlan

    plan = db.session.scalar(select(WorkPlan))
    item_url = f"/community/plans/{plan.id}/items/new"
    form = {"what": "Круглый стол", "due_on": "15.10.2026", "responsible": "Белова", "form": "", "audience": "",
            "link_kind": "", "link_id": "", "status": "planned"}
    assert staff.post(item_url, form).status_code == 302
    assert staff.post(item_url, dict(form, what="\x00")).status_code == 400  # the core's control-character rule
    approve = staff.post(f"/community/plans/{plan.id}/approve", {"body": "Методический совет",
                                                                 "protocol_number": "2",
                                                                 "approved_on": local_today().strftime("%d.%m.%Y")})
    assert approve.status_code == 302
    page = login_as("teacher").get(f"/community/plans/{plan.id}").text
    assert "Круглый стол" in page and "протокол № 2" in page
    item = db.session.scalar(select(PlanItem))
    stale = staff.post(f"/community/plans/items/{item.id}/edit", dict(form, version="0"))
    assert "изменил другой пользователь" in stale.text


def test_the_library_needs_a_file_or_a_link_and_is_searchable(app, people, login_as):
    data = library.MaterialData(kind="methodological", title="Рекомендации по оцениванию", description="",
                                link=None, competency="", subject_id=None, level="basic")
    with pytest.raises(ServiceError, match="файл или"):
        library.save_material(None, version=None, data=data)
    db.session.rollback()
    staff = login_as("staff")
    form = {"kind": "methodological", "title": "Рекомендации по оцениванию", "description": "",
            "link": "", "competency": "", "subject_id": "", "level": "basic"}
    assert staff.post("/community/library/new", dict(form, file=(io.BytesIO(b"%PDF-1.4 doc"), "рек.pdf")),
                      content_type="multipart/form-data").status_code == 302
    material = db.session.scalar(select(Material))
    teacher = login_as("teacher")
    assert "Рекомендации по оцениванию" in teacher.get("/community/library/?q=оценивани").text
    assert "Рекомендации" not in teacher.get("/community/library/?q=химия").text
    assert teacher.get(f"/community/library/{material.id}/file").data == b"%PDF-1.4 doc"
    assert teacher.get("/community/library/new").status_code == 403
    bad = staff.post("/community/library/new", dict(form, file=(io.BytesIO(b"MZ"), "x.exe")),
                     content_type="multipart/form-data")
    assert bad.status_code == 200 and db.session.scalar(select(func.count()).select_from(Material)) == 1


def test_best_practice_is_reviewed_then_published_with_its_author(app, people, login_as):
    teacher = login_as("teacher")
    assert teacher.post("/community/practice/new", {"title": "Ротация станций", "summary": "Три станции",
                                                    "link": "", "subject_id": ""}).status_code == 302
    practice = db.session.scalar(select(Practice))
    other = make_user("teacher", email="other@example.org")
    db.session.commit()
    reader = login_as_email(app, other.email)
    assert reader.get(f"/community/practice/{practice.id}").status_code == 403  # not yet published
    assert "Ротация станций" not in reader.get("/community/practice/").text
    tutor = login_as("tutor")
    assert "Ротация станций" in tutor.get("/community/practice/?status=submitted").text
    refused = tutor.post(f"/community/practice/{practice.id}", {"decision": "return", "comment": "",
                                                                "version": str(practice.version)})
    assert refused.status_code == 200 and "Напишите, что улучшить" in refused.text
    assert tutor.post(f"/community/practice/{practice.id}", {"decision": "return", "comment": "Добавьте пример",
                                                             "version": str(practice.version)}).status_code == 302
    db.session.expire_all()
    practice = db.session.get(Practice, practice.id)
    assert practice.status == "returned" and "Добавьте пример" in teacher.get(f"/community/practice/{practice.id}").text
    assert teacher.post(f"/community/practice/{practice.id}/edit",
                        {"title": "Ротация станций", "summary": "Три станции и пример", "link": "", "subject_id": "",
                         "version": str(practice.version)}).status_code == 302
    db.session.expire_all()
    practice = db.session.get(Practice, practice.id)
    assert tutor.post(f"/community/practice/{practice.id}", {"decision": "publish", "comment": "",
                                                             "version": str(practice.version)}).status_code == 302
    listing = reader.get("/community/practice/?q=ротация").text
    assert "Ротация станций" in listing and "Иванова Мария Петровна" in listing
    assert reader.post(f"/community/practice/{practice.id}", {"decision": "publish"}).status_code == 403
    assert reader.get(f"/community/practice/{practice.id}/edit").status_code == 404 or \
        reader.get(f"/community/practice/{practice.id}/edit").status_code == 403


def test_school_statuses(app, people, login_as):
    with pytest.raises(ServiceError, match="заканчивается раньше"):
        library.save_school_status(None, version=None, school_id=people["school"].id, kind="innovation", theme="ЦОС",
                                   starts_on=date(2027, 1, 1), ends_on=date(2026, 1, 1), basis="")
    staff = login_as("staff")
    form = {"school_id": str(people["school"].id), "kind": "internship", "theme": "Стажировка по ЦОС",
            "starts_on": "01.09.2026", "ends_on": "31.08.2028", "basis": "Приказ № 5"}
    assert staff.post("/community/school-statuses/new", form).status_code == 302
    status = db.session.scalar(select(SchoolStatus))
    assert status.kind == "internship"
    page = login_as("teacher").get("/community/school-statuses/").text
    assert "Стажировка по ЦОС" in page and "Площадка для стажировок" in page
    assert "изменил другой пользователь" in staff.post(f"/community/school-statuses/{status.id}/edit",
                                                       dict(form, version="0")).text
