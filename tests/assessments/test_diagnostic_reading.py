"""The diagnostic reads well: one option per line, an honest count of what is left for each mode, a countdown
when timed (the server still enforces it), results in plain words first with the figures behind «Подробнее»,
and no «higher than measured» where the measurement leaves room above."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessments import demo, queries
from assessments.models import Attempt, CompetencyResult
from assessments.services import bank
from assessments.services import framework as frameworks
from assessments.services.setup import DiagnosticData, save_diagnostic, set_status
from lms.extensions import db
from lms.i18n import local_today
from tests.assessments.test_diagnostic import _answer_form, _attempt, _take


def _diagnostic(people, **settings):
    framework = frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))
    bank.import_bank(framework, bank.read(demo.BANK_FILE.read_bytes()))
    today = local_today()
    made = save_diagnostic(framework, DiagnosticData(
        title="Проверка", opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=1),
        competencies=[c for d in framework.domains for c in d.competencies][:3], user_ids=[people["teacher"].id],
        **settings))
    db.session.add(made)
    db.session.flush()
    set_status(made, "open")
    db.session.commit()
    return made


def _left(page: str) -> str:
    return re.search(r'<p id="progress">(.*?)</p>', page, re.S).group(1)


def test_a_fixed_form_counts_down_exactly_and_says_everyone_answers_the_same(app, people, login_as):
    diagnostic = _diagnostic(people, mode="fixed", max_per_competency=2)
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _attempt(people["teacher"])
    page = client.get(f"/assessments/attempts/{attempt.id}").text
    assert "Все педагоги отвечают на одни и те же вопросы" in page and "адаптируется" not in page
    total = 3 + 3 * 2  # a self-assessment and two questions per competency
    assert queries.attempt_progress(_attempt(people["teacher"])).least == total
    assert f'<progress id="progress-bar" value="0" max="{total}"' in page
    assert f"Осталось вопросов: {total}" in _left(page) and "Без ограничения времени" in page
    assert 'id="countdown"' not in page
    for n in range(1, total + 1):
        attempt = _attempt(people["teacher"])
        client.post(f"/assessments/attempts/{attempt.id}/answer", _answer_form(attempt))
        if n < total:
            progress = queries.attempt_progress(_attempt(people["teacher"]))
            assert (progress.answered, progress.least, progress.most) == (n, total - n, total - n)
    assert _attempt(people["teacher"]).status == "finished"  # exactly as many as the page said


def test_an_adaptive_test_gives_a_range_and_never_stops_outside_it(app, people, login_as):
    diagnostic = _diagnostic(people, mode="adaptive", min_per_competency=1, max_per_competency=4)
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _attempt(people["teacher"])
    page = client.get(f"/assessments/attempts/{attempt.id}").text
    assert "адаптируется к вашим ответам" in page
    assert "от 6 до 15" in _left(page)  # 3 self-assessments + at least 1 and at most 4 of each of 3
    ranges = []
    while (attempt := _attempt(people["teacher"])).status != "finished":
        client.get(f"/assessments/attempts/{attempt.id}")
        attempt = _attempt(people["teacher"])
        if attempt.status == "finished":
            break
        progress = queries.attempt_progress(attempt)
        ranges.append((progress.answered, progress.least, progress.most))
        client.post(f"/assessments/attempts/{attempt.id}/answer", _answer_form(attempt, right=False))
    answered = len(attempt.answers)
    for done, least, most in ranges:
        assert done + least <= answered <= done + most, (ranges, answered)


def test_a_timed_diagnostic_shows_a_countdown_and_the_server_still_ends_it(app, people, login_as):
    diagnostic = _diagnostic(people, time_limit_minutes=20)
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _attempt(people["teacher"])
    page = client.get(f"/assessments/attempts/{attempt.id}").text
    countdown = re.search(r'<p class="countdown" id="countdown" data-seconds="(\d+)"', page)
    assert countdown and 1190 <= int(countdown.group(1)) <= 1200
    assert "Ограничение времени: 20 мин" in page and "Осталось времени:" in page and "Без ограничения" not in page
    attempt = _attempt(people["teacher"])
    attempt.deadline_at = attempt.started_at - timedelta(seconds=1)
    db.session.commit()
    form = _answer_form(_attempt(people["teacher"]))
    late = client.post(f"/assessments/attempts/{attempt.id}/answer", form, follow_redirects=True)
    assert "Время на тест истекло" in late.text and _attempt(people["teacher"]).status == "finished"


def test_options_are_one_per_line_each_a_label_around_its_input(app, people, login_as):
    diagnostic = _diagnostic(people)
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    page = client.get(f"/assessments/attempts/{_attempt(people['teacher']).id}").text
    options = re.findall(r'<label class="option" for="(option-\d+)"><input [^>]*id="(option-\d+)"', page)
    assert len(options) >= 4 and all(a == b for a, b in options)


def test_results_speak_plainly_first_and_keep_the_figures_behind_more(app, people, login_as):
    diagnostic = _diagnostic(people)
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _take(client, people["teacher"], right=False)
    page = client.get(f"/assessments/attempts/{attempt.id}/result").text
    card = re.search(r'<li class="card result-card".*?</details>', page, re.S).group(0)
    plain, details = card.split('<details class="result-details">')
    assert "Уровень " in plain and "ниже вашего целевого уровня" in plain
    assert "±" not in plain and "Стандартная ошибка" not in plain and "Вероятность" not in plain
    assert "<summary>Подробнее</summary>" in details and "Стандартная ошибка" in details
    assert "Вероятность того, что уровень ниже целевого" in details
    assert page.index('class="result-cards"') < page.index("<svg")  # words before the chart and the table


@pytest.mark.parametrize(("level", "self_level", "probabilities", "said"), [
    (2, 6, [0.3, 0.6, 0.1, 0.0, 0.0, 0.0], True),  # measured precisely far below the self-assessment
    (6, 6, [0.0, 0.0, 0.0, 0.0, 0.1, 0.9], False),  # nothing above the top
    (4, 6, [0.0, 0.0, 0.1, 0.5, 0.25, 0.15], False),  # a test that stopped once sure: room above it
    (4, 6, [0.0, 0.04, 0.25, 0.46, 0.22, 0.03], True),  # little room above, and (by default) a wrong answer
    (3, 3, [0.0, 0.2, 0.8, 0.0, 0.0, 0.0], False),
])
def test_higher_than_measured_only_when_the_measurement_rules_the_self_level_out(level, self_level, probabilities,
                                                                                 said):
    result = CompetencyResult(level=level, self_level=self_level, level_probabilities=probabilities)
    assert result.self_above_measured() is said
    assert result.self_above_measured(all_right=True) is False  # every question right: the level is a floor


def test_a_top_of_the_scale_result_page_has_no_higher_than_measured_verdict(app, people, login_as):
    diagnostic = _diagnostic(people)
    client = login_as("teacher")
    client.post(f"/assessments/diagnostics/{diagnostic.id}/start")
    attempt = _take(client, people["teacher"], right=True)
    results = db.session.scalars(select(CompetencyResult).where(CompetencyResult.attempt_id == attempt.id)).all()
    for r in results:  # the teacher rated themselves 6 and answered everything right
        assert r.self_level == 6 and not r.deficit
    page = client.get(f"/assessments/attempts/{attempt.id}/result").text
    # Every question right: the test saw nothing the teacher could not do, so nothing rules level 6 out.
    assert "выше измеренного" not in page and "выше, чем показало измерение" not in page
    assert db.session.get(Attempt, attempt.id).status == "finished"
