"""A Python re-implementation of Moodle mod_adaptivequiz's CAT algorithm, to serve as a baseline in simulations.

Read (not copied) from github.com/vtos/moodle-mod_adaptivequiz at commit
f633741054bef18582adcc8d3ca61f30bf316409 (2024-04-21, the plugin for Moodle 4.x):
classes/local/catalgorithm/catalgo.php (level <-> logit, the ±2/n step, measure, standard error, stop on
error), classes/local/fetchquestion.php (question of a level, alternating search up/down when a level is
empty), classes/local/itemadministration/item_administration.php (order of the stop checks, "only harder
after a right answer, only easier after a wrong one"), attempt.php and locallib.php
(adaptivequiz_min_attempts_reached, evaluated before the current answer is counted),
classes/local/attempt/attempt.php (what the attempt record stores), mod_form.php (settings validation).
The archived middlebury/moodle-mod_adaptivequiz (catalgo.class.php, adaptiveattempt.class.php) has the
same arithmetic and the same search. Deliberate differences, all outside the arithmetic:
(1) ``ability_logit`` and ``standard_error`` apply catalgo's formulas to every answer so far, at any time;
Moodle only computes them once ``min_questions`` answers were recorded *before* the current one and stores
0 / 0 until then (999 for the error before any answer) -- those stored values are kept in
``recorded_measure`` / ``recorded_standard_error``; the two differ only when an attempt stops for lack of
questions before min_questions + 1 answers;
(2) PHP's round() is emulated as PHP 8.1-8.3 do it (pre-rounding to 15 significant digits, then half away
from zero); PHP 8.4's round() can differ on values within an ulp of a half;
(3) the question bank is a list of integer levels: tags, categories, question versions and the session cache
of per-level counts become a count of not-yet-administered items per level, and, as in Moodle, items whose
level lies outside [lowest, highest] are never offered;
(4) the random question of a level is drawn with the caller's numpy Generator (uniform, as PHP array_rand),
so the stream differs from PHP's;
(5) correctness is a bool (Moodle counts mark > 0, so partial credit, as right and a gave-up question as
wrong; the caller decides); the consistency errors that need a web request (unanswered submission,
right + wrong != attempted, lost slot) cannot happen and are not modelled;
(6) when the first question cannot be fetched Moodle throws ``attemptnofirstquestion``; here the quiz
stops with that reason and ``next_item`` returns None;
(7) ``b_to_level`` is ours: it tags a simulated item with the level whose logit is nearest its 2PL b.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import numpy as np

# fetchquestion.php: the alternating search gives up after this many steps.
MAX_SEARCH_STEPS = 100000

# Stop reasons, named after the language strings Moodle stores in adaptivequiz_attempt.attemptstopcriteria.
STOP_STANDARD_ERROR = "calcerrorwithinlimits"
STOP_MAX_QUESTIONS = "maxquestattempted"
STOP_NO_QUESTION = "errorfetchingquest"
STOP_NO_FIRST_QUESTION = "attemptnofirstquestion"
STOP_LEVEL_OUT_OF_BOUNDS = "leveloutofbounds"


def php_round(value: float, places: int = 0) -> float:
    """PHP (8.1-8.3) round(): pre-round to 15 significant digits, then round half away from zero."""
    if not math.isfinite(value) or value == 0.0:
        return value
    pre_rounded = Decimal(format(value, ".15g"))
    return float(pre_rounded.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _check_range(lowest: int, highest: int) -> None:
    if lowest >= highest:
        raise ValueError(f"lowest level {lowest} must be below highest level {highest}")


def level_to_logit(level: int, lowest: int, highest: int) -> float:
    """catalgo::convert_linear_to_logit: the level's place on [lowest, highest] as a logit, ends clamped to
    half a level from 0 and 1 (for 1..100: ±ln 197 = ±5.283)."""
    _check_range(lowest, highest)
    if not lowest <= level <= highest:
        raise ValueError(f"level {level} outside [{lowest}, {highest}]")  # PHP would compute NaN
    percent = (level - lowest) / (highest - lowest)
    half_level = 1 / (highest - lowest) / 2
    if percent == 1:
        percent = 1 - half_level
    if percent == 0:  # log(0) is -INF in PHP, which catalgo replaces by the floor
        return math.log(half_level / (1 - half_level))
    return math.log(percent / (1 - percent))


def logit_to_level(logit: float, lowest: int, highest: int) -> int:
    """The inverse used by catalgo::compute_next_difficulty: the logistic of the logit, rounded to two
    decimals (so levels move in steps of about (highest - lowest) / 100), placed on the scale, rounded."""
    _check_range(lowest, highest)
    fraction = php_round(1 / (1 + math.exp(-logit)), 2)
    return int(php_round(lowest + fraction * (highest - lowest)))


def logit_to_scale(logit: float, lowest: int, highest: int) -> float:
    """catalgo::map_logit_to_scale, unrounded: how Moodle turns the measure into the grade on the level scale."""
    return (highest - lowest) * (math.exp(logit) / (1 + math.exp(logit))) + lowest


def next_difficulty_level(level: int, answered: int, correct: bool, lowest: int, highest: int) -> int:
    """catalgo::compute_next_difficulty: the last level's logit ± 2 / answered (answered counts the last
    question), mapped back to a level."""
    step = 2 / answered
    logit = level_to_logit(level, lowest, highest)
    return logit_to_level(logit + step if correct else logit - step, lowest, highest)


def estimate_measure(difficulty_sum: float, answered: int, right: int, wrong: int) -> float:
    """catalgo::estimate_measure: mean difficulty logit + ln(right / wrong); an all-right (all-wrong) record
    moves half an answer from right to wrong (wrong to right). Rounded to 5 places, as Moodle stores it."""
    if wrong == 0:
        odds = (right - 0.5) / (wrong + 0.5)
    elif right == 0:
        odds = (right + 0.5) / (wrong - 0.5)
    else:
        odds = right / wrong
    return php_round(difficulty_sum / answered + math.log(odds), 5)


def estimate_standard_error(answered: int, right: int, wrong: int) -> float:
    """catalgo::estimate_standard_error: sqrt(answered / (right * wrong)) with the same half-answer shift;
    rounded to 5 places."""
    if wrong == 0:
        product = (right - 0.5) * (wrong + 0.5)
    elif right == 0:
        product = (right + 0.5) * (wrong - 0.5)
    else:
        product = right * wrong
    return php_round(math.sqrt(answered / product), 5)


def percent_to_logit(percent: float) -> float:
    """catalgo::convert_percent_to_logit: the configured standard error (a fraction in [0, 0.5)) in logits."""
    if percent < 0 or percent >= 0.5:
        raise ValueError("percent must be in [0, 0.5)")
    return math.log((0.5 + percent) / (0.5 - percent))


def find_level(requested: int, available: dict[int, int], minimum: int, maximum: int) -> int | None:
    """fetchquestion::fetch_questions' choice of level: the requested level if it still has questions (the
    minimum/maximum are not applied to it), otherwise requested+1, requested-1, requested+2, ... within
    [minimum, maximum]; None when both directions have left the bounds."""
    if available.get(requested, 0) > 0:
        return requested
    for step in range(1, MAX_SEARCH_STEPS + 1):
        if minimum > requested - step and maximum < requested + step:
            return None
        if requested + step <= maximum and available.get(requested + step, 0) > 0:
            return requested + step
        if requested - step >= minimum and available.get(requested - step, 0) > 0:
            return requested - step
    return None


@lru_cache(maxsize=16)
def _level_logits(lowest: int, highest: int) -> np.ndarray:
    return np.array([level_to_logit(level, lowest, highest) for level in range(lowest, highest + 1)])


def b_to_level(b: float, lowest: int = 1, highest: int = 100) -> int:
    """Ours, not Moodle's: the level whose logit (level_to_logit) is nearest a 2PL difficulty b; ties go
    to the lower level. Used to tag a simulated bank the way a teacher would tag questions."""
    _check_range(lowest, highest)
    if not math.isfinite(b):
        raise ValueError("b must be finite")
    return lowest + int(np.argmin(np.abs(_level_logits(lowest, highest) - b)))


class AdaptiveQuiz:
    """One attempt at a Moodle adaptive quiz over a bank of level-tagged items.

    Alternate :meth:`next_item` (an index into ``item_levels``, or None once the attempt stopped) and
    :meth:`record`. Recording an answer runs what attempt.php and item_administration do on submission:
    the catalgo step, the standard-error stop, the maximum-questions stop, then the fetch of the next item
    (which may stop the attempt for lack of questions), so :attr:`stopped` is current after each record.
    """

    def __init__(
        self,
        item_levels: Sequence[int],
        *,
        lowest: int = 1,
        highest: int = 100,
        start_level: int = 50,
        min_questions: int = 1,
        max_questions: int = 20,
        standard_error_pct: float = 5.0,
        rng: np.random.Generator,
    ) -> None:
        # mod_form.php validation.
        if lowest <= 0 or highest <= 0 or start_level <= 0:
            raise ValueError("levels must be positive integers")
        _check_range(lowest, highest)
        if not lowest <= start_level <= highest:
            raise ValueError("start_level must lie within [lowest, highest]")
        if min_questions <= 0 or max_questions <= 0 or min_questions >= max_questions:
            raise ValueError("need 0 < min_questions < max_questions")
        if not 0 <= standard_error_pct < 50:
            raise ValueError("standard_error_pct must be in [0, 50)")

        self.item_levels = [int(level) for level in item_levels]
        self.lowest = lowest
        self.highest = highest
        self.start_level = start_level
        self.min_questions = min_questions
        self.max_questions = max_questions
        self.standard_error_pct = standard_error_pct
        self.stop_standard_error = percent_to_logit(standard_error_pct / 100)
        self.rng = rng

        # Items still offerable, per level; only levels on the scale count (fetchquestion::retrieve_all_tag_ids).
        self._unused: dict[int, list[int]] = {}
        for index, level in enumerate(self.item_levels):
            if lowest <= level <= highest:
                self._unused.setdefault(level, []).append(index)

        self.answered: list[int] = []
        self.responses: list[bool] = []
        self.stop_reason: str | None = None
        self.difficulty_sum = 0.0  # adaptivequiz_attempt.difficultysum: the logits of the answered levels
        self.recorded_measure = 0.0  # adaptivequiz_attempt.measure as Moodle stores it
        self.recorded_standard_error = 999.0  # adaptivequiz_attempt.standarderror (999 on creation)
        self._pending: int | None = None
        self._started = False

    # The attempt's state.

    @property
    def stopped(self) -> bool:
        return self.stop_reason is not None

    @property
    def right(self) -> int:
        return sum(self.responses)

    @property
    def wrong(self) -> int:
        return len(self.responses) - self.right

    @property
    def ability_logit(self) -> float:
        """Moodle's ability measure over every answer so far (0.0 before the first, as the attempt record)."""
        if not self.answered:
            return 0.0
        return estimate_measure(self.difficulty_sum, len(self.answered), self.right, self.wrong)

    @property
    def standard_error(self) -> float:
        """Moodle's standard error of the measure, in logits (infinite before the first answer)."""
        if not self.answered:
            return math.inf
        return estimate_standard_error(len(self.answered), self.right, self.wrong)

    @property
    def ability_level(self) -> float:
        """The measure on the level scale (catalgo::map_logit_to_scale), which Moodle reports as the grade."""
        return logit_to_scale(self.ability_logit, self.lowest, self.highest)

    # Administration.

    def next_item(self) -> int | None:
        """The item to present: the same one until it is recorded; None once the attempt has stopped."""
        if self.stopped:
            return None
        if self._pending is not None:
            return self._pending
        if not self._started:  # item_administration: an empty attempt starts at the starting level
            self._started = True
            self._pending = self._fetch(self.start_level, self.lowest, self.highest)
            if self._pending is None:
                self.stop_reason = STOP_NO_FIRST_QUESTION
        return self._pending

    def record(self, item: int, correct: bool) -> None:
        """Submit the answer to the presented item and decide what follows."""
        if self.stopped:
            raise RuntimeError("the attempt has stopped")
        if self._pending is None or item != self._pending:
            raise ValueError(f"item {item} is not the item presented ({self._pending})")
        self._pending = None
        correct = bool(correct)
        level = self.item_levels[item]

        # attempt.php: the minimum is checked against the record before this answer is counted.
        ready_to_stop = len(self.answered) >= self.min_questions
        answered = len(self.answered) + 1
        right = self.right + correct
        wrong = answered - right
        level_logit = level_to_logit(level, self.lowest, self.highest)
        next_level = next_difficulty_level(level, answered, correct, self.lowest, self.highest)
        measure = standard_error = 0.0  # catalgo's initial values, kept when not ready to stop
        if ready_to_stop:
            measure = estimate_measure(self.difficulty_sum + level_logit, answered, right, wrong)
            standard_error = estimate_standard_error(answered, right, wrong)

        # attempt::update_after_question_answered.
        self.answered.append(item)
        self.responses.append(correct)
        self.difficulty_sum += level_logit
        self.recorded_measure = measure
        self.recorded_standard_error = standard_error

        # catalgo::determine_next_difficulty_level, then item_administration, in their order.
        if ready_to_stop and standard_error <= self.stop_standard_error:
            self.stop_reason = STOP_STANDARD_ERROR
            return
        if not self.lowest <= next_level <= self.highest:  # cannot happen: the logistic lies in [0, 1]
            self.stop_reason = STOP_LEVEL_OUT_OF_BOUNDS
            return
        if answered >= self.max_questions:
            self.stop_reason = STOP_MAX_QUESTIONS
            return
        minimum, maximum = self.lowest, self.highest
        if correct:
            if level < self.highest:  # only harder questions, and never the same level again
                minimum = level + 1
                if next_level == level:
                    next_level += 1
        elif level > self.lowest:  # only easier questions
            maximum = level - 1
            if next_level == level:
                next_level -= 1
        self._pending = self._fetch(next_level, minimum, maximum)
        if self._pending is None:
            self.stop_reason = STOP_NO_QUESTION

    def _fetch(self, level: int, minimum: int, maximum: int) -> int | None:
        """fetchquestion::fetch_questions + item_administration: a random unused item of the found level."""
        found = find_level(level, {lvl: len(items) for lvl, items in self._unused.items()}, minimum, maximum)
        if found is None:
            return None
        candidates = self._unused[found]
        return candidates.pop(int(self.rng.integers(len(candidates))))

    def run(self, answer) -> AdaptiveQuiz:
        """Drive the attempt to its end, ``answer(item) -> bool`` giving each response; returns self."""
        while (item := self.next_item()) is not None:
            self.record(item, answer(item))
        return self
