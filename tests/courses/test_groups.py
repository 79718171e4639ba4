"""Study groups: applications, decisions, capacity and waiting list, approval by order, export, assignment."""

from __future__ import annotations

import io
import threading
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from courses.models import Enrolment, Group, ModuleAssignment
from courses.services import groups as service
from lms.errors import ServiceError
from lms.extensions import db
from lms.users.models import User
from tests.factories import hand_in_task, make_programme, make_user


def _group(programme, capacity=2, source="application", tutor=None, name="Группа 1"):
    return service.save_group(None, version=None, data=service.GroupData(
        programme_id=programme.id, name=name, source=source, association_id=None,
        tutor_id=tutor.id if tutor else None, capacity=capacity, starts_on=date(2026, 12, 1),
        ends_on=date(2027, 5, 31)))


def _statuses(group) -> dict[str, str]:
    db.session.expire_all()
    rows = db.session.execute(select(User.email, Enrolment.status).join(Enrolment, Enrolment.user_id == User.id)
                              .where(Enrolment.group_id == group.id))
    return dict(rows.all())


def test_applications_places_and_the_waiting_list(app, people):
    programme = make_programme()
    group = _group(programme, capacity=1)
    staff = people["staff"]
    first, second = people["teacher"], make_user("teacher", email="second@example.org")
    application = service.apply(group, first)
    assert service.apply(group, first) is application  # a double click
    service.decide(application, True, staff)
    service.decide(service.apply(group, second), True, staff)
    assert _statuses(group) == {"teacher@example.org": "enrolled", "second@example.org": "waiting"}
    with app.test_request_context():  # the teacher who gets the place is notified, with a link
        service.withdraw(db.session.get(Enrolment, application.id), staff)
    assert _statuses(group) == {"teacher@example.org": "withdrawn", "second@example.org": "enrolled"}
    with pytest.raises(ServiceError, match="уже выбыли"):
        service.apply(group, first)


def test_decisions_of_an_association_fill_places_then_the_queue(app, people):
    group = _group(make_programme(), capacity=2, source="administration")
    teachers = [make_user("teacher", email=f"t{i}@example.org") for i in range(3)]
    service.add_members(group, teachers, people["staff"])
    assert sorted(_statuses(group).values()) == ["enrolled", "enrolled", "waiting"]
    with pytest.raises(ServiceError, match="не является действующим педагогом"):
        service.add_members(group, [people["tutor"]], people["staff"])
    with pytest.raises(ServiceError, match="больше участников"):
        service.save_group(group, version=group.version, data=service.GroupData(
            programme_id=group.programme_id, name=group.name, source=group.source, association_id=None,
            tutor_id=None, capacity=1, starts_on=None, ends_on=None))


def test_approval_needs_members_and_decided_applications(app, people):
    group = _group(make_programme())
    admin = people["admin"]
    with pytest.raises(ServiceError, match="без участников"):
        service.approve(group, order_number="12-о", order_date=date(2026, 11, 20), actor=admin)
    service.add_members(group, [make_user("teacher", email="member@example.org")], people["staff"])
    service.apply(group, people["teacher"])
    with pytest.raises(ServiceError, match="нерассмотренные заявки"):
        service.approve(group, order_number="12-о", order_date=date(2026, 11, 20), actor=admin)
    service.decide(db.session.scalar(select(Enrolment).where(Enrolment.status == "applied")), False, admin)
    service.approve(group, order_number="12-о", order_date=date(2026, 11, 20), actor=admin)
    assert (group.status, group.order_number, group.approved_by_id) == ("approved", "12-о", admin.id)
    with pytest.raises(ServiceError, match="не принимает заявки"):
        service.apply(group, make_user("teacher", email="late@example.org"))


def test_the_head_approves_through_the_page_and_the_list_exports(login_as, people):
    group = _group(make_programme(), tutor=people["tutor"])
    service.add_members(group, [make_user("teacher", email="x@example.org", last_name="=Формула")], people["staff"])
    db.session.commit()
    admin = login_as("admin")
    missing = admin.post(f"/courses/groups/{group.id}/approve", {"order_number": "", "order_date": ""})
    # The page again, each message at its field: the number's and the date's.
    assert missing.status_code == 400 and 'id="order_number-error"' in missing.text
    assert 'id="order_date-error"' in missing.text and 'aria-describedby="order_date-error"' in missing.text
    admin.post(f"/courses/groups/{group.id}/approve", {"order_number": "45-од", "order_date": "20.11.2026"})
    page = login_as("tutor").get(f"/courses/groups/{group.id}")
    assert "приказ № 45-од от 20.11.2026" in page.text
    export = login_as("tutor").get(f"/courses/groups/{group.id}/list.xlsx")
    sheet = load_workbook(io.BytesIO(export.data)).active
    assert "приказ № 45-од от 20.11.2026".lower() in str(sheet["A2"].value).lower()
    assert sheet["B5"].value == "'=Формула Мария Петровна"  # no formula runs when the list is opened
    assert sheet["G5"].value == "В группе"


def test_a_tutor_sees_only_the_groups_they_lead(login_as, people):
    programme = make_programme()
    own = _group(programme, tutor=people["tutor"], name="Своя")
    other = _group(programme, tutor=make_user("tutor", email="t2@example.org"), name="Чужая")
    db.session.commit()
    tutor = login_as("tutor")
    listing = tutor.get("/courses/groups/").text
    assert "Своя" in listing and "Чужая" not in listing
    assert tutor.get(f"/courses/groups/{own.id}").status_code == 200
    assert tutor.get(f"/courses/groups/{other.id}").status_code == 403
    assert tutor.get(f"/courses/groups/{other.id}/list.xlsx").status_code == 403


def test_module_assignment_to_a_group_or_a_teacher(app, people):
    programme, other = make_programme(), make_programme()
    group = _group(programme)
    module = programme.modules[0]
    due = date.today() + timedelta(days=30)
    first = service.assign_module(module, due_on=due, actor=people["staff"], group=group)
    again = service.assign_module(module, due_on=due + timedelta(days=7), actor=people["staff"], group=group)
    assert first is again and again.due_on == due + timedelta(days=7)
    service.assign_module(module, due_on=due, actor=people["staff"], user=people["teacher"])
    assert db.session.scalar(select(func.count()).select_from(ModuleAssignment)) == 2
    with pytest.raises(ServiceError, match="уже прошёл"):
        service.assign_module(module, due_on=date.today() - timedelta(days=1), actor=people["staff"], group=group)
    with pytest.raises(ServiceError, match="другой программе"):
        service.assign_module(other.modules[0], due_on=due, actor=people["staff"], group=group)


def test_two_simultaneous_acceptances_never_overfill_a_group(app_factory, people):
    """Two staff members accept different applications for the last place at the same moment."""
    app = app_factory()
    with app.app_context():
        group = _group(make_programme(), capacity=1)
        applications = [service.apply(group, make_user("teacher", email=f"c{i}@example.org")).id for i in range(2)]
        staff_id = db.session.scalar(select(User.id).where(User.email == "staff@example.org"))
        group_id = group.id
        db.session.commit()
    barrier = threading.Barrier(2)
    errors = []

    def accept(enrolment_id):
        with app.app_context():
            enrolment = db.session.get(Enrolment, enrolment_id)
            actor = db.session.get(User, staff_id)
            barrier.wait()
            try:
                service.decide(enrolment, True, actor)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 — reported below
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept, args=(e,)) for e in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    with app.app_context():
        statuses = sorted(db.session.scalars(select(Enrolment.status).where(Enrolment.group_id == group_id)))
    assert statuses == ["enrolled", "waiting"]


def test_teacher_applies_from_the_programme_page(login_as, people):
    programme = make_programme()
    group = _group(programme)
    db.session.commit()
    teacher = login_as("teacher")
    page = teacher.get(f"/courses/programmes/{programme.id}")
    assert "Подать заявку" in page.text
    for _ in range(2):
        teacher.post(f"/courses/groups/{group.id}/apply")
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1
    page = teacher.get(f"/courses/programmes/{programme.id}")
    assert "Заявка" in page.text and "Подать заявку" not in page.text
    assert "Группа 1" in teacher.get("/courses/").text


def test_groups_overview_query_count_is_flat(login_as, people, page_cost):
    programme = make_programme()
    _group(programme, name="Первая")
    db.session.commit()
    staff = login_as("staff")
    staff.get("/courses/groups/")

    few = page_cost(staff, "/courses/groups/")
    for i in range(8):
        group = _group(programme, name=f"Группа {i + 2}", capacity=5)
        service.add_members(group, [make_user("teacher", email=f"g{i}m{k}@example.org") for k in range(3)],
                            people["staff"])
    db.session.commit()
    assert page_cost(staff, "/courses/groups/") == few
    assert db.session.scalar(select(func.count()).select_from(Group)) == 9


def test_demo_groups_cover_every_way_a_group_forms(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0  # nothing doubles
    rows = db.session.execute(select(Group.source, Group.status, func.count(Enrolment.id))
                              .join(Enrolment, Enrolment.group_id == Group.id)
                              .group_by(Group.id).order_by(Group.name)).all()
    assert [(source, status) for source, status, _n in rows] == [
        ("application", "approved"), ("application", "forming"), ("association", "forming")]
    waiting = db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.status == "waiting"))
    assert waiting == 2


def test_my_assignments_show_due_dates_and_task_states(login_as, people):
    from courses.services import assignments as work

    programme = make_programme()
    group = _group(programme, source="administration")
    service.add_members(group, [people["teacher"]], people["staff"])
    module = programme.modules[1]
    due = date.today() + timedelta(days=10)
    service.assign_module(module, due_on=due, actor=people["staff"], group=group)
    service.assign_module(module, due_on=due + timedelta(days=5), actor=people["staff"], user=people["teacher"])
    task = work.save_task(module, None, version=None, title="Видеоурок", instructions="", rubric_text="Звук — 2",
                          pass_points=1)
    hand_in_task(task, people["teacher"], "Ссылка на видео")
    db.session.commit()
    page = login_as("teacher").get("/courses/assignments/").text
    # The teacher's own date wins over the group's: an extension given to one teacher, or the date their route set.
    personal = due + timedelta(days=5)
    assert "Модуль 2" in page and personal.strftime("%d.%m.%Y") in page and due.strftime("%d.%m.%Y") not in page
    assert "Видеоурок</a>: Ожидает проверки" in page
    assert page.count('id="assigned-') == 1  # one module, however many ways it was assigned


def test_due_dates_and_the_overdue_badge_follow_the_moscow_date(login_as, people, monkeypatch):
    """At 22:30 UTC on 31 December it is 1 January in Moscow: the 31st has passed for a due date."""
    programme = make_programme()
    group = _group(programme, source="administration")
    service.add_members(group, [people["teacher"]], people["staff"])
    service.assign_module(programme.modules[0], due_on=date(2099, 12, 31), actor=people["staff"], group=group)
    db.session.commit()
    teacher = login_as("teacher")
    assert "Срок прошёл" not in teacher.get("/courses/assignments/").text
    monkeypatch.setattr("lms.i18n.utcnow", lambda: datetime(2099, 12, 31, 22, 30))
    with pytest.raises(ServiceError, match="уже прошёл"):
        service.assign_module(programme.modules[1], due_on=date(2099, 12, 31), actor=people["staff"], group=group)
    assert "Срок прошёл" in teacher.get("/courses/assignments/").text


def test_more_places_take_teachers_from_the_waiting_list_in_order_and_tell_them(login_as, people):
    from lms.notifications.models import Notification

    group = _group(make_programme(), capacity=1, source="administration")
    teachers = [make_user("teacher", email=f"queue{i}@example.org") for i in range(4)]
    service.add_members(group, teachers, people["staff"])  # one member, then three waiting in this order
    db.session.commit()
    form = {"version": str(group.version), "programme_id": str(group.programme_id), "name": group.name,
            "source": group.source, "association_id": "", "tutor_id": "", "capacity": "3", "starts_on": "01.12.2026",
            "ends_on": "31.05.2027"}
    assert login_as("staff").post(f"/courses/groups/{group.id}/edit", form).status_code == 302
    assert _statuses(group) == {"queue0@example.org": "enrolled", "queue1@example.org": "enrolled",
                                "queue2@example.org": "enrolled", "queue3@example.org": "waiting"}
    promoted = select(Notification).where(Notification.text.contains("теперь вы в группе"))
    told = db.session.scalars(promoted.with_only_columns(Notification.user_id).order_by(Notification.user_id)).all()
    assert told == [teachers[1].id, teachers[2].id]  # the two taken from the waiting list, in its order


def test_adding_a_teacher_who_applied_a_moment_earlier_places_them_without_an_error(app, people):
    from lms.models.mixins import utcnow
    from tests.courses.races import committed_first

    group = _group(make_programme(), source="administration")
    teacher = people["teacher"]
    db.session.commit()
    with committed_first(Enrolment.__table__, group_id=group.id, user_id=teacher.id, status="applied",
                         since=utcnow()) as raced:
        service.add_members(group, [teacher], people["staff"])
    assert raced and _statuses(group) == {"teacher@example.org": "enrolled"}


def test_a_module_assigned_twice_at_once_keeps_one_assignment_with_the_later_date(app, people):
    from tests.courses.races import committed_first

    programme = make_programme()
    group, module = _group(programme), programme.modules[0]
    due = date.today() + timedelta(days=30)
    db.session.commit()
    with committed_first(ModuleAssignment.__table__, module_id=module.id, group_id=group.id, due_on=due) as raced:
        assignment = service.assign_module(module, due_on=due + timedelta(days=7), actor=people["staff"], group=group)
    assert raced and assignment.due_on == due + timedelta(days=7)
    assert db.session.scalar(select(func.count()).select_from(ModuleAssignment)) == 1


def test_adding_a_teacher_already_waiting_keeps_their_place_and_says_so(app, login_as, people):
    group = _group(make_programme(), capacity=1, source="administration")
    teachers = [make_user("teacher", email=f"line{i}@example.org", last_name=f"Очередь{i}") for i in range(3)]
    service.add_members(group, teachers, people["staff"])  # one member, then line1 and line2 waiting
    db.session.commit()
    place = {e.user_id: e.since for e in db.session.scalars(select(Enrolment).where(Enrolment.status == "waiting"))}
    response = login_as("staff").post(f"/courses/groups/{group.id}/members",
                                      {"user_ids": [str(teachers[1].id)]}, follow_redirects=True)
    assert "сохраняют место" in response.text and "Очередь1" in response.text
    db.session.expire_all()
    kept = db.session.scalar(select(Enrolment).where(Enrolment.user_id == teachers[1].id))
    assert kept.status == "waiting" and kept.since == place[teachers[1].id]
    # A place frees up: the one who waited longest still gets it, not the one added last.
    with app.test_request_context():
        service.withdraw(db.session.scalar(select(Enrolment).where(Enrolment.user_id == teachers[0].id)),
                         people["staff"])
    assert _statuses(group)["line1@example.org"] == "enrolled"
    assert _statuses(group)["line2@example.org"] == "waiting"


def test_a_groups_page_lists_its_modules_with_the_due_dates_assigned_to_it(login_as, people):
    programme = make_programme(modules=3)
    group = _group(programme, tutor=people["tutor"])
    first, _second, third = programme.modules
    service.assign_module(third, due_on=date.today() + timedelta(days=20), actor=people["staff"], group=group)
    db.session.commit()
    page = login_as("tutor").get(f"/courses/groups/{group.id}").text
    section = page.split('id="modules-title"', 1)[1].split("</section>", 1)[0]
    assert section.index("Модуль 1") < section.index("Модуль 2") < section.index("Модуль 3")
    assert (date.today() + timedelta(days=20)).strftime("%d.%m.%Y") in section
    assert f"/courses/modules/{first.id}/assign" not in section  # the tutor cannot assign
    staff = login_as("staff").get(f"/courses/groups/{group.id}").text
    assert f"/courses/modules/{first.id}/assign" in staff


def test_members_are_listed_alphabetically_by_surname_name_patronymic(login_as, people):
    group = _group(make_programme(), capacity=10, source="administration")
    for last, first in (("Яковлева", "Анна"), ("Ёлкина", "Вера"), ("Абрамов", "Пётр"), ("Абрамов", "Иван")):
        service.add_members(group, [make_user("teacher", email=f"{last}{first}@example.org", last_name=last,
                                              first_name=first)], people["staff"])
    db.session.commit()
    page = login_as("staff").get(f"/courses/groups/{group.id}").text
    members = page.split('id="list-enrolled"', 1)[1].split("</section>", 1)[0]
    order = [members.index(name) for name in ("Абрамов Иван", "Абрамов Пётр", "Ёлкина Вера", "Яковлева Анна")]
    assert order == sorted(order)  # added in another order; «Ё» reads as «Е», not before «А»


def test_the_member_picker_searches_by_name_and_leaves_out_those_already_in(login_as, people):
    group = _group(make_programme(), capacity=10, source="administration")
    inside = make_user("teacher", email="inside@example.org", last_name="Внутренняя")
    make_user("teacher", email="seek@example.org", last_name="Семёнова", first_name="Ольга")
    make_user("teacher", email="other@example.org", last_name="Другая")
    service.add_members(group, [inside], people["staff"])
    db.session.commit()
    staff = login_as("staff")
    picker = staff.get(f"/courses/groups/{group.id}").text.split('id="member-choices"', 1)[1].split("</form>")[0]
    assert "Семёнова Ольга" in picker and "Другая" in picker and "Внутренняя" not in picker
    found = staff.get(f"/courses/groups/{group.id}?q=семенова").text  # any case, «е» for «ё»
    picker = found.split('id="member-choices"', 1)[1].split("</form>")[0]
    assert "Семёнова Ольга" in picker and "Другая" not in picker
    nobody = staff.get(f"/courses/groups/{group.id}?q=Нетакого").text
    assert 'id="member-choices"' not in nobody and "Нетакого" in nobody
    seek = db.session.scalar(select(User).where(User.email == "seek@example.org"))
    assert staff.post(f"/courses/groups/{group.id}/members", {"user_ids": [str(seek.id)]}).status_code == 302
    assert _statuses(group)["seek@example.org"] == "enrolled"


def test_the_picker_shows_a_page_of_teachers_and_says_a_search_finds_the_rest(login_as, people, monkeypatch):
    from courses import queries

    monkeypatch.setattr(queries, "PICKER_LIMIT", 2)
    monkeypatch.setattr(queries.teacher_candidates, "__defaults__", (2,))
    group = _group(make_programme(), source="administration")
    for i in range(3):
        make_user("teacher", email=f"many{i}@example.org", last_name=f"Многие{i}")
    db.session.commit()
    page = login_as("staff").get(f"/courses/groups/{group.id}").text
    picker = page.split('id="member-choices"', 1)[1].split("</form>")[0]
    assert picker.count('type="checkbox"') == 2 and 'id="picker-more"' in picker


def test_adding_nobody_says_so_at_the_list_of_teachers(login_as, people):
    group = _group(make_programme(), source="administration")
    db.session.commit()
    response = login_as("staff").post(f"/courses/groups/{group.id}/members", {})
    assert response.status_code == 400 and 'id="user_ids-error"' in response.text
    assert "Выберите хотя бы одного педагога." in response.text
    assert 'aria-describedby="user_ids-error"' in response.text and 'id="member-choices"' in response.text
