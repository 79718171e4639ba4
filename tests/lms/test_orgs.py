"""Municipalities, schools and associations: creation, validation, conflicts, counts."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.orgs.models import MethodAssociation, School
from tests.factories import make_municipality, make_school, make_user


def _school_form(municipality_id, **overrides) -> dict:
    data = {"municipality_id": str(municipality_id), "name": "Муниципальное бюджетное общеобразовательное "
            "учреждение «Лицей № 9»", "short_name": "МБОУ Лицей № 9", "code": "L-9", "address": "ул. Мира, 9",
            "is_active": "y"}
    data.update(overrides)
    return data


def test_staff_creates_a_school_and_duplicates_are_refused(login_as, people):
    municipality_id = people["school"].municipality_id
    client = login_as("staff")
    assert client.post("/admin/orgs/schools/new", _school_form(municipality_id)).status_code == 302
    again = client.post("/admin/orgs/schools/new", _school_form(municipality_id))
    assert again.status_code == 200 and "уже есть образовательная организация с таким" in again.text
    same_code = client.post("/admin/orgs/schools/new", _school_form(municipality_id, name="Другая школа"))
    assert "Этот код уже присвоен" in same_code.text
    assert db.session.scalar(select(func.count()).select_from(School).where(School.code == "L-9")) == 1


def test_school_list_counts_active_teachers_in_sql(login_as, people, count_queries):
    school = people["school"]
    for i in range(3):
        make_user("teacher", email=f"t{i}@example.org", school=school)
    db.session.commit()
    client = login_as("tutor")
    with count_queries() as n:
        page = client.get("/admin/orgs/schools")
    assert page.status_code == 200 and '<td class="num">4</td>' in page.text
    few = n()
    for _ in range(5):
        make_school()
    db.session.commit()
    with count_queries() as n:
        client.get("/admin/orgs/schools")
    assert n() == few


def test_school_edit_conflict_keeps_the_first_save(login_as, people):
    school = people["school"]
    first, second = login_as("admin"), login_as("staff")
    form = _school_form(school.municipality_id, version=str(school.version), code=school.code)
    assert first.post(f"/admin/orgs/schools/{school.id}/edit", dict(form, short_name="Первая")).status_code == 302
    stale = second.post(f"/admin/orgs/schools/{school.id}/edit", dict(form, short_name="Вторая"))
    assert stale.status_code == 200 and "изменил другой пользователь" in stale.text
    db.session.expire_all()
    assert db.session.get(School, school.id).short_name == "Первая"


def test_municipality_and_association_edits_are_version_checked(login_as, people):
    municipality = people["school"].municipality
    association = MethodAssociation(municipality_id=municipality.id, name="МО физиков")
    db.session.add(association)
    db.session.commit()
    first, second = login_as("admin"), login_as("staff")
    m_url = f"/admin/orgs/municipalities/{municipality.id}/edit"
    m_form = {"name": municipality.name, "oktmo": "", "version": str(municipality.version)}
    assert first.post(m_url, dict(m_form, name="Переименованный")).status_code == 302
    assert "изменил другой пользователь" in second.post(m_url, dict(m_form, name="Другое")).text
    a_url = f"/admin/orgs/associations/{association.id}/edit"
    a_form = {"municipality_id": str(municipality.id), "school_id": "", "name": "МО физиков",
              "is_active": "y", "version": str(association.version)}
    assert first.post(a_url, dict(a_form, name="МО физики и астрономии")).status_code == 302
    assert "изменил другой пользователь" in second.post(a_url, dict(a_form, name="МО старое")).text
    db.session.expire_all()
    assert db.session.get(MethodAssociation, association.id).name == "МО физики и астрономии"


def test_school_association_must_be_in_its_municipality(login_as, people):
    elsewhere = make_municipality()
    db.session.commit()
    client = login_as("staff")
    response = client.post("/admin/orgs/associations/new", {
        "municipality_id": str(elsewhere.id), "school_id": str(people["school"].id), "name": "ШМО", "is_active": "y"})
    assert response.status_code == 200 and "не относится к этому муниципалитету" in response.text
    assert db.session.scalar(select(func.count()).select_from(MethodAssociation)) == 0


def test_municipality_names_are_unique_and_oktmo_is_checked(login_as, people):
    client = login_as("admin")
    name = people["school"].municipality.name
    assert "уже существует" in client.post("/admin/orgs/municipalities/new", {"name": name}).text
    assert "8 или 11 цифр" in client.post("/admin/orgs/municipalities/new", {"name": "Новый", "oktmo": "12ab"}).text
    assert client.post("/admin/orgs/municipalities/new", {"name": "Новый", "oktmo": "45301000"}).status_code == 302
