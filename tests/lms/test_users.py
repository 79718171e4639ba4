"""Admin user pages: creation, validation, optimistic locking, deactivation, search, query counts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.users.models import TeacherProfile, User
from tests.factories import make_school, make_user


def _user_form(**overrides) -> dict:
    data = {"last_name": "Соколова", "first_name": "Татьяна", "middle_name": "Александровна",
            "email": "sokolova@example.org", "phone": "+7 900 123-45-67", "roles": ["teacher"],
            "password": "", "school_id": "", "position": "teacher", "qualification_category": "first",
            "category_assigned_on": "15.03.2024", "experience_years": "7", "association_id": "",
            "subjects": "английский язык, Немецкий язык"}
    data.update(overrides)
    return data


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_admin_creates_a_teacher_with_profile_and_a_password_link(login_as, people, caplog):
    client = login_as("admin")
    response = client.post("/admin/users/new", _user_form(school_id=str(people["school"].id)))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "sokolova@example.org"))
    assert user.full_name == "Соколова Татьяна Александровна" and user.short_name == "Соколова Т. А."
    assert user.password_hash is None
    assert user.profile.school_id == people["school"].id
    assert [s.name for s in user.profile.subjects] == ["Английский язык", "Немецкий язык"]
    assert user.profile.category_assigned_on.isoformat() == "2024-03-15"
    assert any("/auth/reset/" in r.getMessage() for r in caplog.records)
    page = client.get(f"/admin/users/{user.id}")
    assert "15.03.2024" in page.text and "Первая категория" in page.text and "7 лет" in page.text
    assert 'value="15.03.2024"' in client.get(f"/admin/users/{user.id}/edit").text


@pytest.mark.parametrize("overrides, message", [
    ({"email": "teacher@example.org"}, "уже существует"),
    ({"email": "TEACHER@example.org"}, "уже существует"),
    ({"last_name": "Ф" * 101}, "100 символов"),
    ({"last_name": ""}, "Обязательное поле"),
    ({"last_name": "Иван0ва"}, "не может содержать цифры"),
    ({"email": "not-an-email"}, "Неверный адрес"),
    ({"roles": []}, "хотя бы одну роль"),
    ({"roles": ["superuser"]}, "Выберите из предложенных вариантов"),
    ({"experience_years": "99"}, "99"),
    ({"school_id": "999999"}, "Неверный вариант"),
    ({"password": "short"}, "8"),
    ({"category_assigned_on": "31.02.2024"}, "Неверное значение даты"),
])
def test_bad_input_gets_a_clear_error_and_changes_nothing(login_as, people, overrides, message):
    client = login_as("admin")
    before = _users()
    response = client.post("/admin/users/new", _user_form(**overrides))
    assert response.status_code == 200
    assert message in response.text, response.text[response.text.find("error"):][:500]
    assert _users() == before


def test_two_tabs_editing_the_same_user_do_not_overwrite_each_other(login_as, people):
    teacher = people["teacher"]
    first, second = login_as("admin"), login_as("admin")
    form = _user_form(email=teacher.email, version=str(teacher.version), school_id=str(people["school"].id))
    assert first.post(f"/admin/users/{teacher.id}/edit", dict(form, last_name="Первая")).status_code == 302
    stale = second.post(f"/admin/users/{teacher.id}/edit", dict(form, last_name="Вторая"))
    assert stale.status_code == 200
    assert "изменил другой пользователь" in stale.text
    assert "Вторая" in stale.text  # the second tab's input is still on the form, not lost
    db.session.expire_all()
    assert db.session.get(User, teacher.id).last_name == "Первая"
    # Having seen the warning, a deliberate second save replaces the other edit.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', stale.text).group(1)
    again = second.post(f"/admin/users/{teacher.id}/edit", dict(form, last_name="Вторая", version=version))
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, teacher.id).last_name == "Вторая"


def test_double_submit_of_the_create_form_creates_one_account(login_as, people):
    client = login_as("admin")
    form = _user_form()
    assert client.post("/admin/users/new", form).status_code == 302
    again = client.post("/admin/users/new", form)
    assert again.status_code == 200 and "уже существует" in again.text
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == form["email"])) == 1


def test_admin_cannot_deactivate_or_demote_themselves(login_as, people):
    admin = people["admin"]
    client = login_as("admin")
    assert client.post(f"/admin/users/{admin.id}/deactivate").status_code == 403
    response = client.post(f"/admin/users/{admin.id}/edit",
                           _user_form(email=admin.email, version=str(admin.version), roles=["teacher"]))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, admin.id).role_codes == {"admin"}


def test_deactivate_and_activate(login_as, people):
    teacher = people["teacher"]
    client = login_as("admin")
    assert client.post(f"/admin/users/{teacher.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, teacher.id).active is False
    assert "Отключена" in client.get(f"/admin/users/{teacher.id}").text
    assert client.post(f"/admin/users/{teacher.id}/activate").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, teacher.id).active is True


def test_search_folds_cyrillic_case_and_yo(login_as, people):
    make_user("teacher", email="fedorova@example.org", last_name="Фёдорова", first_name="Ирина")
    make_user("teacher", email="petrov@example.org", last_name="Петров", first_name="Алексей")
    db.session.commit()
    page = login_as("tutor").get("/admin/users/?q=федоРОВА&status=active")
    assert "Фёдорова Ирина" in page.text and "Петров Алексей" not in page.text
    page = login_as("tutor").get("/admin/users/?q=PETROV@")
    assert "Петров Алексей" in page.text and "Фёдорова" not in page.text


def test_directory_query_count_does_not_grow_with_rows(login_as, people, page_cost):
    client = login_as("staff")
    client.get("/admin/users/")  # warm up: session and CSRF

    few = page_cost(client, "/admin/users/")
    school = make_school()
    for i in range(30):
        make_user("teacher", email=f"bulk{i}@example.org", school=school, subjects=["Математика", "Физика"])
    db.session.commit()
    assert page_cost(client, "/admin/users/") == few


def test_filter_by_role_and_school(login_as, people):
    other_school = make_school()
    make_user("teacher", email="other@example.org", last_name="Другая", school=other_school)
    db.session.commit()
    client = login_as("admin")
    page = client.get(f"/admin/users/?school_id={other_school.id}")
    assert "Другая" in page.text and "teacher@example.org" not in page.text
    page = client.get("/admin/users/?role=tutor")
    assert "tutor@example.org" in page.text and "teacher@example.org" not in page.text


def test_profile_experience_counts_on_from_the_recorded_date():
    from datetime import date

    profile = TeacherProfile(experience_years=10, experience_as_of=date(2024, 9, 1))
    assert profile.experience_on(date(2025, 8, 31)) == 10
    assert profile.experience_on(date(2025, 9, 1)) == 11
    assert profile.experience_on(date(2026, 11, 23)) == 12


@pytest.mark.parametrize("change", [{"roles": ["teacher", "tutor"]}, {"subjects": "Физика"}])
def test_an_edit_of_only_roles_or_profile_still_detects_the_second_tab(login_as, people, change):
    teacher = people["teacher"]
    first, second = login_as("admin"), login_as("admin")
    form = _user_form(email=teacher.email, version=str(teacher.version), last_name=teacher.last_name,
                      first_name=teacher.first_name, middle_name=teacher.middle_name, phone="",
                      school_id=str(people["school"].id), roles=["teacher"], subjects="Информатика")
    assert first.post(f"/admin/users/{teacher.id}/edit", dict(form, **change)).status_code == 302
    stale = second.post(f"/admin/users/{teacher.id}/edit", form)
    assert stale.status_code == 200 and "изменил другой пользователь" in stale.text
    db.session.expire_all()
    user = db.session.get(User, teacher.id)
    if "roles" in change:
        assert user.role_codes == {"teacher", "tutor"}
    else:
        assert [s.name for s in user.profile.subjects] == ["Физика"]


def test_a_save_that_loses_the_race_to_the_database_is_a_conflict_not_a_500(app, people):
    """Both requests passed the version check; the second UPDATE finds the version already moved."""
    from lms.users.forms import UserForm
    from lms.web import save

    teacher = db.session.get(User, people["teacher"].id)
    version = teacher.version

    def racing_edit():
        # Another worker commits its edit between this request's check and its flush.
        with app.app_context():
            other = db.session.get(User, teacher.id)
            other.first_name = "Другая"
            db.session.commit()
        teacher.last_name = "Моя"
        db.session.flush()
        return teacher

    with app.test_request_context(method="POST"):
        form = UserForm(meta={"csrf": False})
        form.version.data = version
        assert save(form, racing_edit, versioned=teacher) is None
        assert int(form.version.data) == version + 1
    db.session.expire_all()
    saved = db.session.get(User, teacher.id)
    assert (saved.first_name, saved.last_name) == ("Другая", people["teacher"].last_name)


def test_a_teacher_of_a_closed_school_can_still_be_edited(login_as, people):
    teacher, school = people["teacher"], people["school"]
    school.is_active = False
    db.session.commit()
    form = _user_form(email=teacher.email, version=str(teacher.version), school_id=str(school.id),
                      last_name="Исправленная")
    response = login_as("admin").post(f"/admin/users/{teacher.id}/edit", form)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, teacher.id).last_name == "Исправленная"
    other = login_as("admin").get("/admin/users/new").text
    assert school.short_name not in other  # a new account cannot be placed in a closed school
