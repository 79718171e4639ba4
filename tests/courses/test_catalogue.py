"""The catalogue: staff build and publish programmes, teachers read lessons and record progress."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courses.models import LessonProgress, Module, Programme
from courses.services import catalogue
from lms.errors import ServiceError
from lms.extensions import db
from tests.factories import make_programme


def _programme_form(**overrides) -> dict:
    data = {"code": "it-school", "title": "IT-школа", "summary": "Семинары и практикумы",
            "description": "Первый абзац.\n\nВторой <script>alert(1)</script> абзац."}
    data.update(overrides)
    return data


def test_staff_builds_a_programme_that_teachers_see_only_once_published(login_as, people):
    staff, teacher = login_as("staff"), login_as("teacher")
    response = staff.post("/courses/programmes/new", _programme_form())
    assert response.status_code == 302
    programme = db.session.scalar(select(Programme).where(Programme.code == "IT-SCHOOL"))
    assert programme.status == "draft" and "<script>" not in programme.description
    assert programme.description.startswith("<p>Первый абзац.</p>")
    url = f"/courses/programmes/{programme.id}"
    assert teacher.get(url).status_code == 403
    assert f'href="{url}"' not in teacher.get("/courses/").text
    refused = staff.post(f"{url}/status/published", follow_redirects=True)
    assert "без модулей нельзя опубликовать" in refused.text
    module = staff.post(f"{url}/modules/new", {"title": "Цифровая среда", "hours": "4", "form": "seminar",
                                               "min_attendance": "75",
                                               "delivery": "onsite", "description": ""})
    assert module.status_code == 302
    assert staff.post(f"{url}/status/published").status_code == 302
    page = teacher.get(url)
    assert page.status_code == 200 and "Цифровая среда" in page.text and "Семинар" in page.text
    assert f'href="{url}"' in teacher.get("/courses/").text
    assert "Редактировать" not in page.text  # teachers do not see editing buttons


def test_duplicate_code_and_bad_hours_are_refused(login_as, people):
    staff = login_as("staff")
    make_programme(code="TAKEN")
    db.session.commit()
    taken = staff.post("/courses/programmes/new", _programme_form(code="taken"))
    assert taken.status_code == 200 and "уже есть код TAKEN" in taken.text
    programme = make_programme()
    db.session.commit()
    bad = staff.post(f"/courses/programmes/{programme.id}/modules/new",
                     {"title": "X", "hours": "0", "form": "seminar", "delivery": "onsite", "min_attendance": "75"})
    assert bad.status_code == 200 and "между 1 и 500" in bad.text


def test_prerequisites_stay_in_the_programme_and_never_form_a_circle(app):
    programme = make_programme(modules=3)
    other = make_programme()
    first, second, third = programme.modules

    def data(module, ids):
        return catalogue.ModuleData(title=module.title, description="", hours=4, form="seminar", delivery="onsite",
                                    prerequisite_ids=ids)

    catalogue.save_module(programme, second, version=second.version, data=data(second, [first.id]))
    catalogue.save_module(programme, third, version=third.version, data=data(third, [second.id]))
    with pytest.raises(ServiceError, match="круг"):
        catalogue.save_module(programme, first, version=first.version, data=data(first, [third.id]))
    with pytest.raises(ServiceError, match="круг"):
        catalogue.save_module(programme, first, version=first.version, data=data(first, [first.id]))
    with pytest.raises(ServiceError, match="той же программе"):
        catalogue.save_module(programme, first, version=first.version, data=data(first, [other.modules[0].id]))


def test_modules_move_up_and_down(login_as, people):
    programme = make_programme(modules=3)
    db.session.commit()
    first, second, third = (m.id for m in programme.modules)
    staff = login_as("staff")
    staff.post(f"/courses/modules/{third}/move/up")
    staff.post(f"/courses/modules/{first}/move/up")  # already first: nothing moves
    db.session.expire_all()
    order = [m.id for m in db.session.get(Programme, programme.id).modules]
    assert order == [first, third, second]


def test_lesson_video_must_come_from_a_known_host(login_as, people):
    programme = make_programme(modules=1, lessons=0)
    db.session.commit()
    staff = login_as("staff")
    url = f"/courses/modules/{programme.modules[0].id}/lessons/new"
    refused = staff.post(url, {"title": "Видео", "body": "", "video_url": "https://evil.example/v.mp4"})
    assert refused.status_code == 200 and "Rutube" in refused.text
    created = staff.post(url, {"title": "Видео", "body": "Смотрите",
                               "video_url": "https://rutube.ru/video/c6cc4d620b1d4338901770a44b3e82f4/",
                               "required": "y"}, follow_redirects=True)
    assert 'src="https://rutube.ru/play/embed/c6cc4d620b1d4338901770a44b3e82f4"' in created.text
    assert "https://rutube.ru" in created.headers["Content-Security-Policy"]


def test_marking_a_lesson_studied_twice_records_it_once(login_as, people):
    programme = make_programme(modules=2, lessons=2)
    db.session.commit()
    lesson = programme.modules[0].lessons[0]
    teacher = login_as("teacher")
    for _ in range(2):  # a double click, or the same page in a second tab
        assert teacher.post(f"/courses/lessons/{lesson.id}/studied").status_code == 302
    count = db.session.scalar(select(func.count()).select_from(LessonProgress)
                              .where(LessonProgress.lesson_id == lesson.id))
    assert count == 1
    assert "Вы изучили этот урок" in teacher.get(f"/courses/lessons/{lesson.id}").text
    assert "Изучено уроков: 1 из 4" in teacher.get("/courses/").text


def test_lessons_of_drafts_are_closed_to_teachers(login_as, people):
    draft = make_programme(status="draft")
    db.session.commit()
    lesson = draft.modules[0].lessons[0]
    teacher = login_as("teacher")
    assert teacher.get(f"/courses/lessons/{lesson.id}").status_code == 403
    assert teacher.post(f"/courses/lessons/{lesson.id}/studied").status_code == 403
    assert login_as("staff").get(f"/courses/lessons/{lesson.id}").status_code == 200


def test_a_stale_lesson_edit_is_refused(login_as, people):
    programme = make_programme(modules=1, lessons=1)
    db.session.commit()
    lesson = programme.modules[0].lessons[0]
    first, second = login_as("staff"), login_as("admin")
    form = {"title": "Урок", "body": "Текст", "video_url": "", "version": str(lesson.version), "required": "y"}
    assert first.post(f"/courses/lessons/{lesson.id}/edit", dict(form, title="Новый")).status_code == 302
    stale = second.post(f"/courses/lessons/{lesson.id}/edit", dict(form, title="Старый"))
    assert stale.status_code == 200 and "изменил" in stale.text


def test_catalogue_and_programme_pages_cost_the_same_sql_for_any_size(login_as, people, page_cost):
    programme = make_programme(modules=1, lessons=1)
    db.session.commit()
    teacher = login_as("teacher")
    teacher.get("/courses/")

    small_catalogue = page_cost(teacher, "/courses/")
    small_page = page_cost(teacher, f"/courses/programmes/{programme.id}")
    big = make_programme(modules=6, lessons=5)
    for _ in range(5):
        make_programme(modules=3, lessons=3)
    db.session.commit()
    assert page_cost(teacher, "/courses/") == small_catalogue
    assert page_cost(teacher, f"/courses/programmes/{big.id}") == small_page


def test_demo_load_creates_both_published_programmes_once(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    programmes = db.session.scalars(select(Programme).order_by(Programme.code)).all()
    assert [(p.code, p.status) for p in programmes] == [("IT-SCHOOL", "published"), ("SMART-SCHOOL", "published")]
    assert db.session.scalar(select(func.count()).select_from(Module)) == 11
    internship = next(m for m in programmes[1].modules if m.form == "internship")
    assert len(internship.prerequisites) == 2


def test_lesson_files_upload_and_guarded_download(login_as, people):
    import io

    published, draft = make_programme(), make_programme(status="draft")
    db.session.commit()
    lesson, hidden = published.modules[0].lessons[0], draft.modules[0].lessons[0]
    staff = login_as("staff")
    pdf = b"%PDF-1.4 handout"
    bad = staff.post(f"/courses/lessons/{lesson.id}/files", {"file": (io.BytesIO(b"#!/bin/sh"), "run.sh")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert bad.status_code == 400  # the lesson again, the message at the file field
    assert "нельзя загрузить" in bad.text.split('<p class="error" id="file-error">')[1].split("</p>")[0]
    for target in (lesson, hidden):
        staff.post(f"/courses/lessons/{target.id}/files", {"file": (io.BytesIO(pdf), "Памятка.pdf")},
                   content_type="multipart/form-data")
    from courses.models import LessonFile

    files = {f.lesson_id: f.id for f in db.session.scalars(select(LessonFile))}
    teacher = login_as("teacher")
    page = teacher.get(f"/courses/lessons/{lesson.id}")
    assert "Памятка.pdf" in page.text and "Прикрепить" not in page.text
    got = teacher.get(f"/courses/lesson-files/{files[lesson.id]}")
    assert got.status_code == 200 and got.data == pdf
    assert teacher.get(f"/courses/lesson-files/{files[hidden.id]}").status_code == 403  # a draft's file
    delete = f"/courses/lesson-files/{files[lesson.id]}/delete"
    assert teacher.post(delete).status_code == 403
    assert staff.post(delete).status_code == 302
    assert "Памятка.pdf" not in teacher.get(f"/courses/lessons/{lesson.id}").text
