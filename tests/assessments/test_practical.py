"""Practical tasks: a teacher hands in a product after the diagnostic, a supporting tutor scores it by the
rubric in the one inbox of practical work, and the score joins the measurement of its competency."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from assessments.models import Answer, CompetencyResult, Item
from assessments.services import practical
from courses.models import Enrolment, Group, Work
from lms.extensions import db
from tests.assessments.test_diagnostic import _attempt, _take, diagnostic  # noqa: F401  (the shared fixture)
from tests.factories import make_programme


@pytest.fixture
def finished(diagnostic, login_as, people):  # noqa: F811
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _take(client, people["teacher"], right=False)
    return client, attempt


def _support(people):
    group = Group(programme_id=make_programme().id, name="Группа 1", capacity=20, tutor_id=people["tutor"].id)
    db.session.add(group)
    db.session.flush()
    db.session.add(Enrolment(group_id=group.id, user_id=people["teacher"].id, status="enrolled"))
    db.session.commit()


def _result(attempt_id: int, competency_id: int) -> CompetencyResult:
    db.session.expire_all()
    return db.session.get(CompetencyResult, (attempt_id, competency_id))


def _score_form(work: Work, points: list[int], decision="accepted", comment="") -> dict:
    form = {f"score-{i}": str(p) for i, p in enumerate(points)}
    form.update(decision=decision, comment=comment, version=str(work.version))
    return form


def test_a_scored_practical_task_joins_the_measurement_of_its_competency(finished, login_as, people):
    client, attempt = finished
    result_page = client.get(f"/assessments/attempts/{attempt.id}/result")
    offered = practical.offered(attempt)
    assert len(offered) == 4 and "Практические задания" in result_page.text  # one per competency measured
    item = offered[0]
    url = f"/assessments/attempts/{attempt.id}/practical/{item.id}"
    assert item.stem[:40] in client.get(url).text
    handed = client.post(url, {"text": "Структура папок и памятка", "link": "https://disk.example.org/folder"})
    assert handed.status_code == 302
    again = client.post(url, {"text": "Второй раз"}, follow_redirects=True)
    assert "уже ожидает проверки" in again.text  # a double click or a second tab hands in nothing new
    work = db.session.scalar(select(Work).where(Work.ref == practical.ref(attempt.id, item.id)))
    assert work.status == "submitted" and work.last.text == "Структура папок и памятка" and len(work.rounds) == 1
    assert work.source == practical.SOURCE and work.max_points == sum(c["max_points"] for c in item.content["rubric"])

    tutor = login_as("tutor")
    review = f"/courses/works/{work.id}/review"
    assert tutor.get(review).status_code == 403  # not a teacher they support
    assert item.code not in tutor.get("/courses/reviews/").text
    _support(people)
    inbox = tutor.get("/courses/reviews/").text
    assert "Структура папок" not in inbox and item.code in inbox  # the inbox names the task, not the text
    assert tutor.get("/assessments/practical/").headers["Location"].endswith("/courses/reviews/")
    assert item.competency.code in tutor.get(review).text  # what the task measures, for the reviewer

    before = _result(attempt.id, item.competency_id)
    estimate, n_items = before.estimate, before.n_items
    maxima = [c["max_points"] for c in item.content["rubric"]]
    scored = tutor.post(review, _score_form(work, maxima))
    assert scored.status_code == 302
    after = _result(attempt.id, item.competency_id)
    assert after.n_items == n_items + 1 and after.estimate > estimate + 0.1  # full marks after wrong answers
    answer = db.session.scalar(select(Answer).where(Answer.attempt_id == attempt.id, Answer.item_id == item.id))
    assert answer.score == 1.0 and answer.scored and answer.response == {"rubric": maxima}
    assert "оценённого тьютором" in client.get(f"/assessments/attempts/{attempt.id}/result").text
    notices = client.get("/notifications/").text  # the teacher is told, with a link to the result
    assert "принята" in notices and f'href="/assessments/attempts/{attempt.id}/result"' in notices

    # A correction replaces the score of the same answer; it never adds a second one.
    db.session.expire_all()
    work = db.session.get(Work, work.id)
    tutor.post(review, _score_form(work, [0] * len(maxima)))
    corrected = _result(attempt.id, item.competency_id)
    assert corrected.n_items == n_items + 1 and corrected.estimate < estimate
    assert db.session.scalar(select(func.count(Answer.id)).where(Answer.attempt_id == attempt.id,
                                                                 Answer.item_id == item.id)) == 1


def test_returned_work_comes_back_as_the_next_round_and_a_stale_form_changes_nothing(finished, login_as, people):
    client, attempt = finished
    _support(people)
    item = practical.offered(attempt)[1]
    url = f"/assessments/attempts/{attempt.id}/practical/{item.id}"
    client.post(url, {"text": "Черновик"})
    work = db.session.scalar(select(Work).where(Work.ref == practical.ref(attempt.id, item.id)))
    review = f"/courses/works/{work.id}/review"
    stale = _score_form(work, [1] * len(item.content["rubric"]))
    tutor = login_as("tutor")
    no_comment = tutor.post(review, _score_form(work, stale_points(item), "returned"))
    assert "Напишите, что доработать" in no_comment.text
    tutor.post(review, _score_form(work, stale_points(item), "returned", "Добавьте памятку для родителей"))
    db.session.expire_all()
    work = db.session.get(Work, work.id)
    assert work.status == "returned" and work.last.review.comment == "Добавьте памятку для родителей"
    assert "Добавьте памятку для родителей" in client.get(url).text
    client.post(url, {"text": "Исправленная версия"})
    db.session.expire_all()
    work = db.session.get(Work, work.id)
    assert work.status == "submitted" and [r.text for r in work.rounds] == ["Черновик", "Исправленная версия"]

    refused = tutor.post(review, stale, follow_redirects=True)
    # opened before the teacher handed in again: refused, not overwritten
    assert "изменил кто-то другой" in refused.text
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "submitted"
    assert db.session.scalar(select(Answer).where(Answer.item_id == item.id)) is None


def stale_points(item: Item) -> list[int]:
    return [1] * len(item.content["rubric"])


def test_bad_hand_ins_and_scores_are_refused_with_a_reason(finished, login_as, people):
    client, attempt = finished
    item = practical.offered(attempt)[2]
    url = f"/assessments/attempts/{attempt.id}/practical/{item.id}"
    assert "Добавьте текст, ссылку или файл" in client.post(url, {"text": "  "}).text
    assert client.post(url, {"link": "javascript:alert(1)"}).status_code == 200
    exe = client.post(url, {"text": "x", "file": (io.BytesIO(b"MZ\x90\x00"), "work.pdf")},
                      content_type="multipart/form-data")
    assert "не соответствует" in exe.text
    assert db.session.scalar(select(func.count(Work.id))) == 0  # nothing half-saved

    other_item = db.session.scalar(select(Item).where(Item.type == "practical", Item.id.not_in(
        [i.id for i in practical.offered(attempt)])))
    assert client.get(f"/assessments/attempts/{attempt.id}/practical/{other_item.id}").status_code == 404
    assert login_as("staff").get(url).status_code == 403  # only teachers hand in, and only their own

    client.post(url, {"text": "Работа", "file": (io.BytesIO(b"%PDF-1.4 test"), "plan.pdf")},
                content_type="multipart/form-data")
    work = db.session.scalar(select(Work))
    assert client.get(f"/courses/works/{work.id}/rounds/1/file").data.startswith(b"%PDF")
    staff = login_as("staff")
    assert staff.get(f"/courses/works/{work.id}/rounds/1/file").status_code == 200
    assert login_as("tutor").get(f"/courses/works/{work.id}/rounds/1/file").status_code == 403
    too_many = [c["max_points"] + 1 for c in item.content["rubric"]]
    page = staff.post(f"/courses/works/{work.id}/review", _score_form(work, too_many))
    assert "в пределах максимума" in page.text
    db.session.expire_all()
    assert db.session.get(Work, work.id).status == "submitted"
