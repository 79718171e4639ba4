"""Taking a diagnostic over HTTP: saved as given, idempotent, resumable, time-limited, results per competency."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from assessments import demo
from assessments.items import ITEM_TYPES
from assessments.models import Answer, Attempt, CompetencyResult, Diagnostic
from assessments.services import bank
from assessments.services import framework as frameworks
from assessments.services.setup import DiagnosticData, save_diagnostic, set_status
from lms import signals
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow
from tests.factories import make_user


@pytest.fixture
def diagnostic(app, people):
    framework = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
    bank.import_bank(framework, bank.read(demo.BANK_FILE.read_bytes()))
    competencies = [c for d in framework.domains for c in d.competencies][:4]
    today = local_today()
    made = save_diagnostic(framework, DiagnosticData(
        title="Проверка", opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=1),
        competencies=competencies, max_per_competency=4, user_ids=[people["teacher"].id]))
    db.session.add(made)
    db.session.flush()
    set_status(made, "open")
    db.session.commit()
    return made


def _attempt(teacher) -> Attempt:
    db.session.expire_all()
    return db.session.scalar(select(Attempt).where(Attempt.user_id == teacher.id).order_by(Attempt.id.desc()))


def _answer_form(attempt: Attempt, right: bool = True) -> dict:
    item = attempt.current_item
    options = item.content["options"]
    if item.type == "self_assessment":
        chosen = [5]
    elif item.type == "multiple_choice":
        chosen = [i for i, o in enumerate(options) if o["correct"] == right] or [0]
    else:
        chosen = [next(i for i, o in enumerate(options) if o["correct"] == right)]
    return {"item_id": str(item.id), "option": [str(i) for i in chosen]}


def _take(client, teacher, *, right=True, limit=200):
    for _ in range(limit):
        attempt = _attempt(teacher)
        if attempt.status == "finished":
            return attempt
        client.get(f"/assessments/attempts/{attempt.id}")
        attempt = _attempt(teacher)
        if attempt.status == "finished":
            return attempt
        client.post(f"/assessments/attempts/{attempt.id}/answer", _answer_form(attempt, right))
    raise AssertionError("the diagnostic never finished")


def test_a_teacher_takes_the_diagnostic_and_sees_a_profile(diagnostic, login_as, people):
    teacher = people["teacher"]
    client = login_as("teacher")
    home = client.get("/assessments/")
    assert "Проверка" in home.text
    started = client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _attempt(teacher)
    assert started.headers["Location"].endswith(f"/assessments/attempts/{attempt.id}")
    first = client.get(f"/assessments/attempts/{attempt.id}")
    assert first.status_code == 200 and "Какое утверждение" in first.text  # self-assessment comes first
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    with signals.diagnostic_completed.connected_to(listener):
        attempt = _take(client, teacher, right=False)
    assert attempt.finish_reason == "completed"
    results = db.session.scalars(select(CompetencyResult).where(CompetencyResult.attempt_id == attempt.id)).all()
    assert len(results) == 4
    assert all(r.deficit and r.self_level == 6 and r.n_items >= 1 for r in results)
    # Each answer names the parameters it was scored on (what calibration and a re-scoring read); a
    # self-assessment has none.
    for given in attempt.answers:
        expected = given.item.current_parameters.id if ITEM_TYPES[given.item.type].adaptive else None
        assert given.parameters_id == expected, given.item.code
    assert received and set(received[0]["deficits"]) == {r.competency_id for r in results}
    page = client.get(f"/assessments/attempts/{attempt.id}/result")
    assert page.status_code == 200 and "ниже целевого" in page.text and "<svg" in page.text
    assert "higher than measured" not in page.text and "выше измеренного" in page.text
    home = client.get("/assessments/")
    assert "Мой текущий профиль" in home.text and "измерено" in home.text
    # A finished attempt's page leads to the results; a second sitting is a new attempt, shown as growth.
    assert client.get(f"/assessments/attempts/{attempt.id}").headers["Location"].endswith("/result")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    second = _take(client, teacher, right=True)
    assert second.number == 2 and second.id != attempt.id
    growth = client.get(f"/assessments/attempts/{second.id}/result")
    assert "Изменение с" in growth.text and "сверх погрешности измерения" in growth.text


def test_answers_are_saved_once_and_only_for_the_item_on_screen(diagnostic, login_as, people):
    teacher = people["teacher"]
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")  # a double click starts one attempt
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
    attempt = _attempt(teacher)
    client.get(f"/assessments/attempts/{attempt.id}")
    attempt = _attempt(teacher)
    form = _answer_form(attempt)
    client.post(f"/assessments/attempts/{attempt.id}/answer", form)
    replay = client.post(f"/assessments/attempts/{attempt.id}/answer", form, follow_redirects=True)
    assert replay.status_code == 200 and "первый ответ сохранён" not in replay.text
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    # Back in the browser, a different choice for the answered question: the first answer stands, and it says so.
    changed = client.post(f"/assessments/attempts/{attempt.id}/answer", dict(form, option=["0"]),
                          follow_redirects=True)
    assert "первый ответ сохранён" in changed.text
    saved = db.session.scalar(select(Answer))
    assert saved.response != ITEM_TYPES[saved.item.type].read(saved.item.content, MultiDict({"option": ["0"]}))
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    # An item that is not on screen (another competency's item, or any id) is refused and nothing is saved.
    attempt = _attempt(teacher)
    other = {"item_id": str(attempt.current_item_id + 10_000), "option": ["0"]}
    refused = client.post(f"/assessments/attempts/{attempt.id}/answer", other, follow_redirects=True)
    assert "не тот, что у вас на экране" in refused.text
    empty = client.post(f"/assessments/attempts/{attempt.id}/answer", {"item_id": str(attempt.current_item_id)},
                        follow_redirects=True)
    assert "Выберите ответ" in empty.text
    bad = client.post(f"/assessments/attempts/{attempt.id}/answer",
                      {"item_id": str(attempt.current_item_id), "option": ["99"]}, follow_redirects=True)
    assert "Выберите один из предложенных" in bad.text
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    # Another teacher can neither see nor answer this attempt.
    intruder = make_user("teacher", email="other@example.org")
    db.session.commit()
    other_client = login_as("teacher")
    other_client.logout()
    other_client.login(intruder.email)
    assert other_client.get(f"/assessments/attempts/{attempt.id}").status_code == 403
    assert other_client.post(f"/assessments/attempts/{attempt.id}/answer", form).status_code == 403
    for role in ("tutor", "staff", "admin"):  # an attempt in progress is the teacher's alone
        assert login_as(role).get(f"/assessments/attempts/{attempt.id}").status_code == 403
        assert login_as(role).get(f"/assessments/attempts/{attempt.id}/result").status_code in (403, 404)


def test_a_closed_tab_resumes_on_the_same_item(diagnostic, login_as, people, app):
    teacher = people["teacher"]
    first_tab = login_as("teacher")
    first_tab.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _attempt(teacher)
    for _ in range(6):
        first_tab.get(f"/assessments/attempts/{attempt.id}")
        first_tab.post(f"/assessments/attempts/{attempt.id}/answer", _answer_form(_attempt(teacher)))
    first_tab.get(f"/assessments/attempts/{attempt.id}")
    on_screen = _attempt(teacher).current_item_id
    # A new browser session (the tab was closed, the server restarted: the app is rebuilt from the database).
    later = login_as("teacher")
    page = later.get("/assessments/")
    assert "Продолжить" in page.text
    resumed = later.get(f"/assessments/attempts/{attempt.id}")
    assert f'value="{on_screen}"' in resumed.text
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 6


def _timed_attempt_with_one_answer(diagnostic, client, teacher) -> Attempt:
    """A 30-minute attempt with its first answer given and the second question on screen."""
    db.session.get(Diagnostic, diagnostic.id).time_limit_minutes = 30
    db.session.commit()
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _attempt(teacher)
    client.get(f"/assessments/attempts/{attempt.id}")
    client.post(f"/assessments/attempts/{attempt.id}/answer", _answer_form(_attempt(teacher)))
    client.get(f"/assessments/attempts/{attempt.id}")
    return _attempt(teacher)


def test_the_time_limit_is_enforced_on_the_server(diagnostic, login_as, people):
    teacher = people["teacher"]
    client = login_as("teacher")
    attempt = _timed_attempt_with_one_answer(diagnostic, client, teacher)
    form = _answer_form(attempt)
    attempt.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    late = client.post(f"/assessments/attempts/{attempt.id}/answer", form, follow_redirects=True)
    assert "Время на тест истекло" in late.text
    attempt = _attempt(teacher)
    assert attempt.status == "finished" and attempt.finish_reason == "time"
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1  # the answer in time is kept
    assert len(attempt.results) == 4
    after = client.post(f"/assessments/attempts/{attempt.id}/answer", form, follow_redirects=True)
    assert "уже завершена" in after.text
    first = db.session.scalar(select(Answer))  # the one answered in time, resent with another choice
    changed = client.post(f"/assessments/attempts/{attempt.id}/answer",
                          {"item_id": str(first.item_id), "option": ["0"]}, follow_redirects=True)
    assert "уже завершена" in changed.text and "Вот текущий вопрос" not in changed.text


def test_a_teacher_back_after_the_time_limit_finds_the_attempt_scored(diagnostic, login_as, people):
    teacher = people["teacher"]
    client = login_as("teacher")
    attempt = _timed_attempt_with_one_answer(diagnostic, client, teacher)
    attempt.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    # Only opening the page (no answer sent) must end and score the attempt, and say so once.
    page = client.get(f"/assessments/attempts/{attempt.id}", follow_redirects=True)
    assert "Время на тест истекло" in page.text and "Результаты диагностики" in page.text
    attempt = _attempt(teacher)
    assert (attempt.status, attempt.finish_reason, len(attempt.results)) == ("finished", "time", 4)
    again = client.get(f"/assessments/attempts/{attempt.id}", follow_redirects=True)
    assert "Время на тест истекло" not in again.text


def test_an_attempt_left_open_ends_with_the_diagnostic_dates(diagnostic, login_as, people):
    teacher = people["teacher"]
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _attempt(teacher)
    client.get(f"/assessments/attempts/{attempt.id}")
    form = _answer_form(_attempt(teacher))
    # Staff closing it early only stops new attempts: the one begun goes on.
    set_status(db.session.get(Diagnostic, diagnostic.id), "closed")
    db.session.commit()
    client.post(f"/assessments/attempts/{attempt.id}/answer", form)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    client.get(f"/assessments/attempts/{attempt.id}")
    form = _answer_form(_attempt(teacher))
    # The window's last day has passed: the next answer is refused and the attempt is scored on the first.
    db.session.get(Diagnostic, diagnostic.id).closes_on = local_today() - timedelta(days=1)
    db.session.commit()
    late = client.post(f"/assessments/attempts/{attempt.id}/answer", form, follow_redirects=True)
    assert "Сроки диагностики закончились" in late.text
    attempt = _attempt(teacher)
    assert (attempt.status, attempt.finish_reason, len(attempt.results)) == ("finished", "closed", 4)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    assert "Продолжить" not in client.get("/assessments/").text


def test_results_are_for_the_teacher_their_tutor_and_staff(diagnostic, login_as, people):
    from courses.models import Enrolment, Group
    from tests.factories import make_programme

    teacher = people["teacher"]
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _take(client, teacher)
    url = f"/assessments/attempts/{attempt.id}/result"
    tutor = login_as("tutor")
    assert tutor.get(url).status_code == 403  # not their teacher
    programme = make_programme()
    group = Group(programme_id=programme.id, name="Группа 1", capacity=20, tutor_id=people["tutor"].id)
    db.session.add(group)
    db.session.flush()
    db.session.add(Enrolment(group_id=group.id, user_id=teacher.id, status="enrolled"))
    db.session.commit()
    page = tutor.get(url)
    assert page.status_code == 200 and "Ответы" in page.text  # the tutor sees the answers too
    assert "Ответы" not in client.get(url).text
    assert login_as("staff").get(url).status_code == 200


def test_the_same_answer_sent_from_four_tabs_at_once_is_recorded_once(app_factory, diagnostic, people):
    """Four requests answer the item on screen at the same moment, each in its own transaction."""
    import threading

    from werkzeug.datastructures import MultiDict

    from assessments.services import diagnostics as service
    from lms.errors import ServiceError

    app = app_factory()
    with app.app_context():
        teacher = db.session.get(type(people["teacher"]), people["teacher"].id)
        attempt = service.start(db.session.get(Diagnostic, diagnostic.id), teacher, utcnow(), local_today())
        item = service.current_item(attempt, utcnow())
        attempt_id, item_id = attempt.id, item.id
        form = MultiDict(_answer_form(attempt))
        db.session.commit()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def answer() -> None:
        with app.app_context():
            mine = db.session.get(Attempt, attempt_id)
            barrier.wait()
            try:
                outcomes.append("recorded" if service.answer(mine, item_id, form, utcnow()) else "repeat")
                db.session.commit()
            except ServiceError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["recorded", "repeat", "repeat", "repeat"]
    with app.app_context():
        answers = db.session.scalars(select(Answer).where(Answer.attempt_id == attempt_id)).all()
        assert [(a.item_id, a.position) for a in answers] == [(item_id, 1)]
        assert db.session.get(Attempt, attempt_id).current_item_id not in (None, item_id)


def test_four_tabs_opening_a_fresh_attempt_at_once_all_show_the_same_question(app, diagnostic, people):
    """The first page of a new attempt chooses its item; tabs racing to choose never give a 500."""
    import re
    import threading

    from tests.conftest import Client

    clients = []
    for _ in range(4):
        client = Client(app.test_client())
        client.login(people["teacher"].email)
        clients.append(client)
    clients[0].post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt_id = _attempt(people["teacher"]).id
    db.session.remove()
    barrier = threading.Barrier(4)
    pages: list = []

    def open_tab(client) -> None:
        barrier.wait()
        pages.append(client.get(f"/assessments/attempts/{attempt_id}", follow_redirects=True))

    threads = [threading.Thread(target=open_tab, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [p.status_code for p in pages] == [200] * 4
    shown = {re.search(r'name="item_id" value="(\d+)"', p.text).group(1) for p in pages}
    assert len(shown) == 1 and str(_attempt(people["teacher"]).current_item_id) in shown


def test_the_current_profile_prefers_measured_evidence_then_the_newest(diagnostic, people):
    from assessments.services.profile import current_profile

    teacher = people["teacher"]
    competency = diagnostic.competencies[0].id
    now = utcnow()

    def sitting(days_ago: int, **result) -> None:
        number = 1 + db.session.scalar(select(func.count()).select_from(Attempt))
        attempt = Attempt(diagnostic_id=diagnostic.id, user_id=teacher.id, number=number, status="finished",
                          open_key=None, finished_at=now - timedelta(days=days_ago))
        attempt.results = [CompetencyResult(competency_id=competency, estimate=0.0, standard_error=0.5,
                                            target_level=3, p_deficit=0.5, **result)]
        db.session.add(attempt)
        db.session.flush()

    sitting(30, level=2, deficit=True, n_items=5, self_level=4)
    sitting(10, level=5, deficit=False, n_items=0, self_level=5)  # only a self-report, newer
    evidence = current_profile(teacher.id, diagnostic.framework_id)[competency]
    assert (evidence.source, evidence.level, evidence.deficit) == ("measured", 2, True)
    sitting(2, level=4, deficit=False, n_items=4, self_level=2)  # newer measured evidence wins
    evidence = current_profile(teacher.id, diagnostic.framework_id)[competency]
    assert (evidence.source, evidence.level, evidence.deficit) == ("measured", 4, False)
    assert current_profile(people["tutor"].id, diagnostic.framework_id) == {}


def test_an_answer_and_the_next_page_cost_the_same_few_statements_however_far_the_teacher_is(
        diagnostic, login_as, people, count_queries):
    teacher = people["teacher"]
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt_id = _attempt(teacher).id
    costs = []
    for _ in range(10):
        client.get(f"/assessments/attempts/{attempt_id}")
        attempt = _attempt(teacher)
        if attempt.status == "finished":
            break
        form = dict(_answer_form(attempt), csrf_token=client.csrf_token())  # fetched outside the count
        with count_queries() as posted:
            client.post(f"/assessments/attempts/{attempt_id}/answer", form)
        with count_queries() as shown:
            client.get(f"/assessments/attempts/{attempt_id}")
        costs.append((posted(), shown()))
    adaptive = [cost for cost in costs[4:] if cost[1] > 2]  # after the self-assessments, before the result
    assert len(adaptive) >= 3 and len(set(adaptive)) == 1, costs
    answer_cost, page_cost = adaptive[0]
    # The POST: user; the attempt, locked, with what the answer reads (diagnostic, framework and its levels, the
    # item on screen); its answers; the diagnostic's competencies, items and the teacher's target in one; the
    # answer's INSERT and one UPDATE of the attempt. The page: user, attempt with its diagnostic and
    # the item with its competency, the answers counted, the unread notices. SQLite takes the lock with a
    # statement of its own (a no-op UPDATE).
    locking = 1 if db.engine.dialect.name == "sqlite" else 0
    assert answer_cost <= 6 + locking and page_cost <= 4, costs


def test_a_repeated_diagnostic_asks_questions_the_teacher_has_not_seen(diagnostic, login_as, people):
    """After one finished sitting every question it showed has been seen by all (1 of 1 attempts, over the
    0.3 rate): the next attempt withholds exactly those, knows them as the teacher's, and asks mostly new
    ones — a seen one only when better than every fresh one, and at most a fifth of the sitting (the bank
    has about ten per competency, the diagnostic at most four)."""
    teacher = people["teacher"]
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    first = _take(client, teacher)
    adaptive = {a.item_id for a in first.answers if ITEM_TYPES[a.item.type].adaptive}
    assert first.seen_items == [] and first.withheld_items == []
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    second = _attempt(teacher)
    assert second.number == 2 and second.seen_items == sorted(a.item_id for a in first.answers)
    assert sorted(second.withheld_items) == sorted(adaptive)
    second = _take(client, teacher)
    again = {a.item_id for a in second.answers if ITEM_TYPES[a.item.type].adaptive}
    assert again and len(again & adaptive) <= 0.2 * len(again)
    teacher.locale = "en"  # the English msgid, whatever the Russian catalogue says
    db.session.commit()
    page = client.get(f"/assessments/attempts/{second.id}/result").text
    assert f"Questions already met in an earlier sitting: {len(again & adaptive)} of {len(again)}." in page
    assert "Questions already met" not in client.get(f"/assessments/attempts/{first.id}/result").text
