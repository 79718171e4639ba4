"""The engine's validity guards against hand-computed and simulated values: exposure control, fresh items on a
repeat sitting, a rebuilt session deciding as the live one, and the correlation matrix it accepts."""

from dataclasses import replace

import numpy as np
import pytest

from assessments.engine import Bank, Session, Settings
from assessments.engine.exposure import eligibility, withheld
from assessments.engine.inputs import FRESH, MAX_EXPOSURE, SEEN, WITHHELD
from assessments.engine.prior import check_correlation, nearest_correlation, shrink_correlation

pytestmark = pytest.mark.nodb  # touches no database: it runs in the SQLite pass only

CUTS = (-1.0, 0.0, 1.0)


def _bank(k: int, per: int, rng) -> Bank:
    return Bank(a=np.clip(rng.lognormal(0.1, 0.3, k * per), 0.4, 2.5), b=rng.normal(0, 1, k * per),
                competency=np.repeat(np.arange(k), per), n_competencies=k)


def _rho(k: int, rho: float = 0.5) -> np.ndarray:
    return np.full((k, k), rho) + (1 - rho) * np.eye(k)


def test_eligibility_at_hand_computed_counts():
    """Rate 0.3 after 10 attempts, so an item may reach 3.3 showings: never eligible → 1; shown 3 of 10
    eligible (q 0.3, allowance 0.3) → 1; shown 3 of 5 (q 0.6) → 0.5 = r/q; shown 6 (over) → 0."""
    p = eligibility(np.array([0, 3, 3, 6]), np.array([0, 10, 5, 10]), 10, 0.3)
    assert p == pytest.approx([1.0, 1.0, 0.5, 0.0])
    assert eligibility(np.array([2.0]), np.array([4.0]), np.array([20.0]), 0.1) == pytest.approx([(2.1 - 2) / 0.5])
    with pytest.raises(ValueError):
        eligibility(np.array([3]), np.array([2]), 10, 0.3)  # shown more often than eligible
    with pytest.raises(ValueError):
        eligibility(np.array([0]), np.array([0]), 0, 0.0)


def _run(bank, settings, theta, *, rate=None, seen=None, seed=0):
    """Teachers one after another as the product counts them; (items used per teacher, results)."""
    n_items = len(bank.a)
    shown, eligible = np.zeros(n_items), np.zeros(n_items)
    used, results = [], []
    for t, ability in enumerate(theta):
        avoid = np.full(n_items, FRESH)
        held = np.zeros(n_items, dtype=bool)
        if rate is not None:
            held = withheld(eligibility(shown, eligible, t, rate), np.random.default_rng([seed, t]))
            avoid[held] = WITHHELD
        if seen is not None:
            avoid[seen[t]] = SEEN
        session = Session(bank, settings, avoid=avoid, seed=seed * 10_000 + t)
        answers = np.random.default_rng([seed, t, 1]).random(n_items)
        while (item := session.next_item()) is not None:
            p = 1 / (1 + np.exp(-bank.a[item] * (ability[bank.competency[item]] - bank.b[item])))
            session.record(item, bool(answers[item] < p))
        shown += session.used
        eligible += ~held | session.used
        used.append(session.used.copy())
        results.append(session.result())
    return np.array(used), results


def test_exposure_control_holds_the_most_shown_item_at_its_rate_in_simulation():
    rng = np.random.default_rng(11)
    bank = _bank(3, 25, rng)
    settings = Settings(level_cuts=CUTS, targets=(3, 3, 3), correlation=_rho(3))
    theta = rng.multivariate_normal(np.zeros(3), _rho(3), 300)
    free, _ = _run(bank, settings, theta)
    controlled, _ = _run(bank, settings, theta, rate=MAX_EXPOSURE)
    assert free.mean(axis=0).max() > 0.6  # without control the best items go to most teachers
    assert controlled.mean(axis=0).max() <= MAX_EXPOSURE + 1 / 300
    assert (controlled.sum(axis=0) == 0).mean() < (free.sum(axis=0) == 0).mean()  # more of the bank in use


def test_a_repeat_sitting_prefers_items_the_teacher_has_not_seen_and_falls_back_when_the_bank_is_small():
    rng = np.random.default_rng(5)
    settings = Settings(level_cuts=CUTS, targets=(3, 3), correlation=_rho(2))
    theta = rng.multivariate_normal(np.zeros(2), _rho(2), 60)
    big = _bank(2, 25, rng)
    first, _ = _run(big, settings, theta, seed=1)
    second, _ = _run(big, settings, theta, seen=first, seed=2)
    again = (first & second).sum(axis=1) / second.sum(axis=1)
    # Seen items come back only when better than every fresh one, and at most 20 % of a sitting.
    assert again.max() <= 0.2 and again.mean() > 0
    strict, _ = _run(big, replace(settings, max_seen_share=0.0), theta, seen=first, seed=2)
    assert not (first & strict).any()  # 25 items a competency: every repeat question is new to the teacher
    blind, _ = _run(big, settings, theta, seed=2)
    assert ((first & blind).sum(axis=1) / blind.sum(axis=1)).mean() > 3 * again.mean()
    small = _bank(2, 4, rng)  # fewer items than a sitting asks: seen ones come back, only after the fresh ones
    exhaust = Settings(level_cuts=CUTS, targets=(3, 3), min_gain=0.0, confidence=0.999, max_seen_share=0.0)
    first, _ = _run(small, exhaust, theta[:5])
    seen = first.copy()
    session = Session(small, exhaust, avoid=np.where(seen[0], SEEN, FRESH), seed=3)
    order = []
    while (item := session.next_item()) is not None:
        order.append(item)
        session.record(item, True)
    tiers = [seen[0][i] for i in order]
    for c in range(2):
        in_c = [t for i, t in zip(order, tiers, strict=True) if small.competency[i] == c]
        assert in_c == sorted(in_c)  # within a competency: all fresh before any seen
    assert len(order) == 8  # the whole small bank, no crash


def test_a_session_rebuilt_from_the_answers_decides_as_the_live_one():
    """Random attempts played once with a live session and once rebuilding the session from the answers
    before every choice, as the web does: the same items, the same closures, the same results."""
    rng = np.random.default_rng(2026)
    k = 5
    for trial in range(25):
        bank = _bank(k, 12, rng)
        settings = Settings(level_cuts=CUTS, targets=(3, 3, 2, 4, 3), correlation=_rho(k, 0.6),
                            min_items=1 + trial % 2, max_items=4 + trial % 5, randomesque=1 + trial % 3)
        avoid = rng.choice([FRESH, FRESH, WITHHELD, SEEN], size=len(bank.a))
        theta = rng.normal(0, 1, k)
        draws = rng.random(len(bank.a))
        seed = int(rng.integers(2**31))
        live = Session(bank, settings, avoid=avoid, seed=seed)
        answers = []
        while True:
            rebuilt = Session(bank, settings, avoid=avoid, seed=seed)
            for item, correct in answers:
                rebuilt.record(item, correct)
            chosen, again = live.next_item(), rebuilt.next_item()
            assert chosen == again and live.closed == rebuilt.closed and live.closed_by == rebuilt.closed_by
            if chosen is None:
                assert live.stop == rebuilt.stop
                break
            correct = bool(draws[chosen] < 1 / (1 + np.exp(-bank.a[chosen] * (theta[bank.competency[chosen]]
                                                                              - bank.b[chosen]))))
            live.record(chosen, correct)
            answers.append((chosen, correct))
        assert [r.deficit for r in live.result()] == [r.deficit for r in rebuilt.result()]


def test_a_competency_closed_as_certain_stays_closed_when_other_answers_move_its_prior():
    """Two competencies correlated 0.9: three right answers make the first 95 % sure to be above its cut
    (P(deficit) 0.048, closed at 90 %); four wrong answers on the second drag it back to 0.31. It is
    never asked again — in the live session and in one rebuilt from the same answers."""
    bank = Bank(a=np.full(40, 2.0), b=np.zeros(40), competency=np.repeat([0, 1], 20), n_competencies=2)
    settings = Settings(level_cuts=(0.0,), targets=(2, 2), correlation=_rho(2, 0.9), min_gain=0.0,
                        confidence=0.9, max_items=20, randomesque=1)
    answers = [(0, True), (1, True), (2, True), (20, False), (21, False), (22, False), (23, False)]
    session = Session(bank, settings, seed=1)
    for item, correct in answers[:3]:
        session.record(item, correct)
    assert session.p_deficit()[0] == pytest.approx(0.048, abs=0.002)
    for item, correct in answers[3:]:
        session.record(item, correct)
    assert session.p_deficit()[0] == pytest.approx(0.313, abs=0.002)  # no longer 90 % sure either way
    assert session.closed[0] and session.closed_by[0] == "certain"
    while (item := session.next_item()) is not None:
        assert bank.competency[item] == 1
        session.record(item, False)
    rebuilt = Session(bank, settings, seed=1)
    for item, correct in answers:
        rebuilt.record(item, correct)
    assert rebuilt.closed_by[0] == "certain" and bank.competency[rebuilt.next_item()] == 1


def test_a_correlation_matrix_that_is_not_positive_definite_is_refused_or_repaired():
    bad = np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]])
    bank = Bank(a=np.ones(6), b=np.zeros(6), competency=np.repeat(np.arange(3), 2), n_competencies=3)
    with pytest.raises(ValueError, match="positive definite"):
        Session(bank, Settings(level_cuts=CUTS, targets=(3, 3, 3), correlation=bad))
    with pytest.raises(ValueError, match="one row and column per competency"):
        Session(bank, Settings(level_cuts=CUTS, targets=(3, 3, 3), correlation=np.eye(2)))
    fixed = nearest_correlation(bad)
    assert np.allclose(np.diag(fixed), 1.0) and np.linalg.eigvalsh(fixed).min() > 0
    assert np.allclose(check_correlation(fixed), fixed)
    session = Session(bank, Settings(level_cuts=CUTS, targets=(3, 3, 3), correlation=fixed), seed=1)
    assert session.next_item() is not None


def test_shrinkage_weighs_each_pair_by_its_persons():
    """n/(n + 100) on the pair's own estimate: 0.8 from 100 persons and common 0.5 → 0.65; 300 → 0.725;
    a pair nobody answered both of → 0.5."""
    pairwise = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, np.nan], [0.8, np.nan, 1.0]])
    persons = np.array([[0, 100, 300], [100, 0, 0], [300, 0, 0]])
    r = shrink_correlation(pairwise, persons, 0.5)
    assert r[0, 1] == pytest.approx(0.65) and r[0, 2] == pytest.approx(0.725) and r[1, 2] == pytest.approx(0.5)


def test_a_framework_of_one_competency_runs_with_its_one_by_one_matrix():
    bank = Bank(a=np.ones(5), b=np.zeros(5), competency=np.zeros(5, int), n_competencies=1)
    session = Session(bank, Settings(level_cuts=CUTS, targets=(3,), correlation=np.eye(1)), seed=4)
    while (item := session.next_item()) is not None:
        session.record(item, False)
    assert session.stop in ("all_closed", "no_gain") and session.result()[0].n_items >= 1
