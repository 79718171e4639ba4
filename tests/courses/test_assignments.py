"""Practical work: tasks with rubrics, hand-ins (text, link, file), reviews, safe uploads and downloads."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from courses.models import Work, WorkRound
from courses.services import assignments as service
from courses.services import groups as group_service
from courses.services import works
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from tests.factories import hand_in_task, make_programme, make_user, review_work

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def work(app, people):
    programme = make_programme()
    module = programme.modules[0]
    task = service.save_task(module, None, version=None, title="План урока с интерактивным заданием",
                             instructions="Опишите урок.", rubric_text="Цель урока сформулирована — 2\n"
                             "Задание проверяется автоматически — 3", pass_points=3)
    group = group_service.save_group(None, version=None, data=group_service.GroupData(
        programme_id=programme.id, name="Группа", source="administration", association_id=None,
        tutor_id=people["tutor"].id, capacity=10, starts_on=None, ends_on=None))
    group_service.add_members(group, [people["teacher"]], people["staff"])
    db.session.commit()
    return {"task": task, "programme": programme}


def test_rubric_lines_are_checked(app, work):
    assert work["task"].rubric == [{"name": "Цель урока сформулирована", "max": 2},
                                   {"name": "Задание проверяется автоматически", "max": 3}]
    with pytest.raises(ServiceError, match="Строка 2"):
        service.parse_rubric("Цель — 2\nбез баллов")
    with pytest.raises(ServiceError, match="Проходной балл"):
        service.save_task(work["task"].module, None, version=None, title="X", instructions="",
                          rubric_text="Цель — 2", pass_points=5)


def test_hand_in_return_rework_accept(login_as, work, people):
    task = work["task"]
    teacher, tutor = login_as("teacher"), login_as("tutor")
    url = f"/courses/tasks/{task.id}"
    empty = teacher.post(url, {"text": "", "link": ""})
    assert "Добавьте текст, ссылку или файл" in empty.text
    first = teacher.post(url, {"text": "План урока", "link": "", "file": (io.BytesIO(PDF), "план.pdf")},
                         content_type="multipart/form-data")
    assert first.status_code == 302
    again = teacher.post(url, {"text": "Ещё раз", "link": ""})
    assert "уже ожидает проверки" in again.text
    item = db.session.scalar(select(Work))
    queue = tutor.get("/courses/reviews/")
    assert "План урока с интерактивным заданием" in queue.text
    review_url = f"/courses/works/{item.id}/review"

    def form(**fields):  # as the page sends it: with the version of the work it was opened on
        db.session.expire_all()
        return {**fields, "version": str(db.session.get(Work, item.id).version)}

    no_comment = tutor.post(review_url, form(decision="returned", comment="", **{"score-0": "1", "score-1": "0"}))
    assert "Напишите, что доработать" in no_comment.text
    too_many = tutor.post(review_url, form(decision="accepted", comment="", **{"score-0": "9", "score-1": "0"}))
    assert "в пределах максимума" in too_many.text
    assert tutor.post(review_url, form(decision="returned", comment="Добавьте цель урока",
                                       **{"score-0": "0", "score-1": "3"})).status_code == 302
    page = teacher.get(url)
    assert "Добавьте цель урока" in page.text and "Отправить доработанный вариант" in page.text
    notices = teacher.get("/notifications/").text
    assert "возвращена на доработку" in notices and f'href="/courses/tasks/{task.id}"' in notices
    teacher.post(url, {"text": "Цель: научить составлять запросы", "link": "https://example.org/plan"})
    db.session.expire_all()
    assert [r.number for r in db.session.get(Work, item.id).rounds] == [1, 2]
    reviewed = []
    with signals.work_reviewed.connected_to(lambda sender, work, decision: reviewed.append((work.id, decision))):
        tutor.post(review_url, form(decision="accepted", comment="", **{"score-0": "2", "score-1": "3"}))
    assert reviewed == [(item.id, "accepted")]
    assert "Работа уже принята" in teacher.post(url, {"text": "Третья"}).text
    assert db.session.scalar(select(func.count()).select_from(WorkRound)) == 2


def test_uploads_are_checked_and_downloads_guarded(login_as, work, people):
    task = work["task"]
    teacher = login_as("teacher")
    url = f"/courses/tasks/{task.id}"
    exe = teacher.post(url, {"text": "", "file": (io.BytesIO(b"MZ\x90\x00"), "virus.exe")},
                       content_type="multipart/form-data")
    assert "нельзя загрузить" in exe.text
    renamed = teacher.post(url, {"text": "", "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "план.pdf")},
                           content_type="multipart/form-data")
    assert "не соответствует" in renamed.text
    teacher.post(url, {"text": "", "file": (io.BytesIO(PDF), "план.pdf")}, content_type="multipart/form-data")
    item = db.session.scalar(select(Work))
    first = item.rounds[0]
    assert first.file_name == "план.pdf" and first.file_key.endswith(".pdf")
    assert "план" not in first.file_key  # stored under a random name
    download = f"/courses/works/{item.id}/rounds/1/file"
    assert teacher.get(f"/courses/works/{item.id}/rounds/2/file").status_code == 404
    got = teacher.get(download)
    assert got.status_code == 200 and got.data == PDF and "attachment" in got.headers["Content-Disposition"]
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in got.headers["Cache-Control"]
    assert login_as("tutor").get(download).status_code == 200  # the group's tutor
    other = make_user("teacher", email="nosy@example.org")
    db.session.commit()
    from tests.conftest import Client

    nosy = Client(teacher.raw.application.test_client())
    nosy.login(other.email)
    assert nosy.get(download).status_code == 403


def test_a_tutor_reviews_only_their_groups(login_as, work, people):
    hand_in_task(work["task"], people["teacher"])
    stranger = make_user("tutor", email="elsewhere@example.org")
    db.session.commit()
    from tests.conftest import Client

    client = Client(login_as("tutor").raw.application.test_client())
    client.login(stranger.email)
    assert "Работа" not in client.get("/courses/reviews/").text
    item = db.session.scalar(select(Work))
    assert client.get(f"/courses/works/{item.id}/review").status_code == 403


def test_a_tutor_reviews_only_the_programme_of_the_group_they_lead(login_as, work, people):
    """The teacher is in the tutor's group of one programme; their work in another programme is not the tutor's."""
    other = make_programme()
    foreign_task = service.save_task(other.modules[0], None, version=None, title="Чужое задание", instructions="",
                                     rubric_text="Цель — 2", pass_points=1)
    foreign = hand_in_task(foreign_task, people["teacher"], "Работа по другой программе")
    own = hand_in_task(work["task"], people["teacher"], "Работа по своей программе")
    db.session.commit()
    from courses.permissions import can_review

    assert can_review(people["tutor"], own) and not can_review(people["tutor"], foreign)
    assert db.session.scalars(works.inbox(people["tutor"], everyone=False)).unique().all() == [own]
    tutor = login_as("tutor")
    queue = tutor.get("/courses/reviews/").text
    assert "План урока с интерактивным заданием" in queue and "Чужое задание" not in queue
    assert tutor.get(f"/courses/works/{foreign.id}/review").status_code == 403
    assert tutor.get(f"/courses/works/{foreign.id}/rounds/1/file").status_code == 403
    assert login_as("staff").get(f"/courses/works/{foreign.id}/review").status_code == 200


def test_review_page_costs_the_same_sql_however_many_earlier_attempts(login_as, work, people, page_cost):
    teacher = people["teacher"]
    reviewers = [people["tutor"], people["admin"]] + [make_user("staff", email=f"rev{i}@example.org") for i in range(3)]
    second_task = service.save_task(work["task"].module, None, version=None, title="Второе задание", instructions="",
                                    rubric_text="Цель урока сформулирована — 2\nЗадание проверяется автоматически — 3",
                                    pass_points=3)

    def waiting_after(task, returned_by):
        for reviewer in returned_by:
            review_work(hand_in_task(task, teacher, "Попытка"), reviewer, [1, 1], "returned", "Доработайте")
        return hand_in_task(task, teacher, "Последняя попытка")

    short = waiting_after(work["task"], reviewers[:1])
    long = waiting_after(second_task, reviewers)  # each earlier attempt returned by someone else
    db.session.commit()
    staff = login_as("staff")
    staff.get(f"/courses/works/{short.id}/review")
    assert page_cost(staff, f"/courses/works/{long.id}/review") == \
        page_cost(staff, f"/courses/works/{short.id}/review")


def test_a_stale_task_edit_is_refused_and_a_fresh_one_saved(login_as, work):
    task = work["task"]
    staff = login_as("staff")
    form = {"title": "План урока", "instructions": "", "rubric": "Цель — 2", "pass_points": "1",
            "version": str(task.version)}
    assert staff.post(f"/courses/tasks/{task.id}/edit", form).status_code == 302
    stale = staff.post(f"/courses/tasks/{task.id}/edit", dict(form, title="Старый"))
    assert stale.status_code == 200 and "изменил другой пользователь" in stale.text
    db.session.expire_all()
    assert db.session.get(type(task), task.id).title == "План урока"
