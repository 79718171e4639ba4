"""bench.moodle_adaptivequiz against hand-computed values and the expectations of mod_adaptivequiz's PHPUnit tests."""

import math

import numpy as np
import pytest

from bench.moodle_adaptivequiz import (
    STOP_MAX_QUESTIONS,
    STOP_NO_FIRST_QUESTION,
    STOP_NO_QUESTION,
    STOP_STANDARD_ERROR,
    AdaptiveQuiz,
    b_to_level,
    estimate_measure,
    estimate_standard_error,
    find_level,
    level_to_logit,
    logit_to_level,
    next_difficulty_level,
    percent_to_logit,
    php_round,
)

pytestmark = pytest.mark.nodb  # touches no database: it runs in the SQLite pass only

EVERY_LEVEL = list(range(1, 101))


def quiz(levels=EVERY_LEVEL, seed=0, **settings) -> AdaptiveQuiz:
    return AdaptiveQuiz(levels, rng=np.random.default_rng(seed), **settings)


def answer(q: AdaptiveQuiz, correct: bool) -> int:
    item = q.next_item()
    assert item is not None
    q.record(item, correct)
    return item


def test_level_to_logit_at_the_ends_and_in_the_middle():
    # 1..100: the ends sit half a level (1/198) from 0 and 1, so ±ln(197) = ±5.283 logits.
    assert level_to_logit(1, 1, 100) == pytest.approx(-math.log(197))
    assert level_to_logit(100, 1, 100) == pytest.approx(math.log(197))
    assert level_to_logit(1, 1, 10) == pytest.approx(-math.log(17))
    assert level_to_logit(51, 1, 101) == 0.0
    assert level_to_logit(30, 0, 100) == pytest.approx(math.log(0.3 / 0.7))
    assert level_to_logit(50, 1, 100) == pytest.approx(math.log(49 / 50))
    with pytest.raises(ValueError):
        level_to_logit(101, 1, 100)


def test_logit_to_level_rounds_the_fraction_to_two_places_then_half_up():
    assert logit_to_level(0.0, 1, 101) == 51
    assert logit_to_level(0.0, 1, 100) == 51  # 1 + 0.5 * 99 = 50.5, PHP rounds half away from zero
    assert logit_to_level(10.0, 1, 100) == 100
    assert logit_to_level(-10.0, 1, 100) == 1
    # The top level's own logit maps back one below: 197/198 = 0.99495 rounds to 0.99 -> 99.01.
    assert logit_to_level(level_to_logit(100, 1, 100), 1, 100) == 99
    assert php_round(50.5) == 51 and php_round(-2.5) == -3 and php_round(0.285, 2) == 0.29


def test_b_to_level_is_the_nearest_level_by_logit():
    assert b_to_level(0.0, 1, 101) == 51
    assert b_to_level(9.0) == 100 and b_to_level(-9.0) == 1
    assert all(b_to_level(level_to_logit(level, 1, 100)) == level for level in EVERY_LEVEL)


def test_next_difficulty_steps_two_over_n_in_logits():
    # The expectations of catalgo_test.php (levels 0..100 and 1..10).
    assert next_difficulty_level(30, 1, False, 0, 100) == 5
    assert next_difficulty_level(30, 1, True, 0, 100) == 76
    assert next_difficulty_level(80, 2, False, 0, 100) == 60
    assert next_difficulty_level(80, 2, True, 0, 100) == 92
    assert next_difficulty_level(1, 2, False, 1, 10) == 1
    assert next_difficulty_level(10, 2, True, 1, 10) == 10
    # By hand: level 50 of 1..100 is ln(49/50) = -0.0202; right at n=1: +2 -> 0.8787 -> 0.88 -> 1 + 87.12 = 88.
    assert next_difficulty_level(50, 1, True, 1, 100) == 88
    # Level 88 is ln(87/12) = 1.981; wrong at n=2: -1 -> 0.7273 -> 0.73 -> 1 + 72.27 = 73.
    assert next_difficulty_level(88, 2, False, 1, 100) == 73


def test_the_quiz_follows_the_step():
    q = quiz(start_level=50)
    assert q.item_levels[answer(q, True)] == 50
    assert q.item_levels[answer(q, False)] == 88
    assert q.item_levels[q.next_item()] == 73


def test_measure_and_standard_error_formulas():
    assert estimate_measure(20, 10, 7, 3) == 2.8473  # catalgo_test.php
    assert estimate_standard_error(10, 7, 3) == 0.69007  # catalgo_test.php
    # All right: half an answer moves from right to wrong.
    assert estimate_measure(3.0, 3, 3, 0) == pytest.approx(1.0 + math.log(2.5 / 0.5), abs=1e-5)
    assert estimate_standard_error(3, 3, 0) == pytest.approx(math.sqrt(3 / (2.5 * 0.5)), abs=1e-5)
    # All wrong: the mirror image.
    assert estimate_measure(3.0, 3, 0, 3) == pytest.approx(1.0 - math.log(5), abs=1e-5)
    assert estimate_standard_error(3, 0, 3) == 1.54919
    # One right answer: the measure is that item's logit, the error sqrt(1 / 0.25) = 2.
    assert estimate_measure(-0.5, 1, 1, 0) == -0.5
    assert estimate_standard_error(1, 1, 0) == 2.0
    assert percent_to_logit(0.05) == pytest.approx(math.log(0.55 / 0.45))


def test_the_quiz_reports_the_measure_of_its_answers():
    q = quiz(start_level=50)
    assert q.ability_logit == 0.0 and q.standard_error == math.inf
    levels = [q.item_levels[answer(q, correct)] for correct in (True, False, True)]
    logits = [level_to_logit(level, 1, 100) for level in levels]
    assert q.ability_logit == pytest.approx(sum(logits) / 3 + math.log(2 / 1), abs=1e-5)
    assert q.standard_error == pytest.approx(math.sqrt(3 / 2), abs=1e-5)
    assert q.recorded_measure == q.ability_logit  # min_questions = 1 was reached before the third answer


def test_moodle_stores_nothing_until_the_minimum_was_reached_before_the_answer():
    q = quiz(min_questions=2, max_questions=10)
    answer(q, True)
    answer(q, False)
    assert (q.recorded_measure, q.recorded_standard_error) == (0.0, 0.0)
    assert q.standard_error == pytest.approx(math.sqrt(2), abs=1e-5)
    answer(q, True)
    assert q.recorded_standard_error == q.standard_error == pytest.approx(math.sqrt(3 / 2), abs=1e-5)


def test_fallback_search_alternates_up_then_down():
    counts = {45: 1, 56: 1}
    assert find_level(50, counts, 1, 100) == 45  # 51, 49, ..., 55 and then 45 comes before 56
    assert find_level(50, {48: 1, 52: 1}, 1, 100) == 52  # at equal distance the harder one first
    assert find_level(50, {50: 1, 51: 1}, 1, 100) == 50
    assert find_level(50, {50: 0, 49: 2}, 1, 100) == 49
    assert find_level(50, {40: 1}, 45, 100) is None  # out of bounds below
    assert find_level(50, {51: 1}, 1, 50) is None  # out of bounds above
    assert find_level(50, {50: 1}, 60, 100) == 50  # the requested level itself is not bounded
    assert find_level(50, {}, 1, 100) is None


def test_the_quiz_falls_back_when_its_level_is_empty():
    q = quiz(levels=[10, 45, 56, 90], start_level=50)
    assert q.item_levels[q.next_item()] == 45


def test_after_a_right_answer_only_harder_items_are_searched():
    # From 50, right: the step asks for 88; 88..100 are empty, so the search goes 89, 87, ... down to 51.
    q = quiz(levels=[50, 51, 20], start_level=50)
    answer(q, True)
    assert q.item_levels[q.next_item()] == 51
    answer(q, True)  # nothing above 51 is left, and level 20 is not searched after a right answer
    assert q.stopped and q.stop_reason == STOP_NO_QUESTION and q.next_item() is None


def test_no_first_question():
    q = quiz(levels=[500], start_level=50)  # outside [1, 100]: never offered
    assert q.next_item() is None and q.stop_reason == STOP_NO_FIRST_QUESTION


def test_standard_error_stop_needs_the_minimum_before_the_answer():
    # 40% -> ln(0.9 / 0.1) = 2.197 logits; right then wrong gives sqrt(2 / 1) = 1.414.
    q = quiz(standard_error_pct=40, min_questions=1, max_questions=10)
    answer(q, True)  # n = 1: 0 answers before it, fewer than the minimum, so no stop (the error would be 2)
    assert not q.stopped
    answer(q, False)
    assert q.stopped and q.stop_reason == STOP_STANDARD_ERROR and len(q.answered) == 2
    assert q.next_item() is None

    # 25% -> ln 3 = 1.0986: sqrt(2) is not enough; two right and two wrong give sqrt(4 / 4) = 1.
    q = quiz(standard_error_pct=25, min_questions=1, max_questions=10)
    for correct in (True, False, True):
        answer(q, correct)
        assert not q.stopped
    answer(q, False)
    assert q.stop_reason == STOP_STANDARD_ERROR and len(q.answered) == 4


def test_max_questions_stop():
    q = quiz(standard_error_pct=1, max_questions=3)
    for correct in (True, False, True):
        assert not q.stopped
        answer(q, correct)
    assert q.stop_reason == STOP_MAX_QUESTIONS and q.next_item() is None
    assert len(set(q.answered)) == 3


def test_record_rejects_an_item_that_was_not_presented():
    q = quiz()
    item = q.next_item()
    assert q.next_item() == item
    with pytest.raises(ValueError):
        q.record((item + 1) % 100, True)
    with pytest.raises(ValueError):
        AdaptiveQuiz(EVERY_LEVEL, min_questions=5, max_questions=5, rng=np.random.default_rng(0))


def test_a_stronger_examinee_ends_with_a_higher_measure():
    rng = np.random.default_rng(20240421)
    b = rng.uniform(-4.5, 4.5, size=600)
    levels = [b_to_level(value) for value in b]

    def final_measure(theta: float, seed: int) -> float:
        responses = np.random.default_rng(seed)
        q = AdaptiveQuiz(levels, max_questions=30, rng=np.random.default_rng(seed + 1))
        q.run(lambda item: bool(responses.random() < 1 / (1 + math.exp(-(theta - b[item])))))
        assert q.stop_reason == STOP_MAX_QUESTIONS and len(q.answered) == 30
        return q.ability_logit

    high = [final_measure(2.0, seed) for seed in range(10)]
    low = [final_measure(-2.0, seed) for seed in range(10)]
    assert min(high) > max(low)
    assert np.mean(high) == pytest.approx(2.0, abs=0.75)
    assert np.mean(low) == pytest.approx(-2.0, abs=0.75)
