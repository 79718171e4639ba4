"""The diagnostic engine against values computed by hand or by independent numerical integration."""

import numpy as np
import pytest

from assessments.engine import Bank, Session, Settings, irt  # noqa: F401
from assessments.engine.calibration import calibrate_2pl
from assessments.engine.prior import CorrelatedPrior, cavity_priors
from assessments.engine.statistics import analyse

pytestmark = pytest.mark.nodb  # touches no database: it runs in the SQLite pass only

FINE = np.linspace(-8, 8, 16001)


def integrate(f):
    return np.trapezoid(f, FINE)


def test_probability_and_information_at_hand_computed_points():
    assert irt.probability(1.0, 0.0, 0.0) == pytest.approx(0.5)
    assert irt.probability(1.7, 0.5, 0.5 + np.log(3) / 1.7) == pytest.approx(0.75)
    assert irt.information(1.0, 0.0, 0.0) == pytest.approx(0.25)
    assert irt.information(2.0, 1.0, 1.0) == pytest.approx(1.0)
    assert irt.information(2.0, 1.0, 1.0 + np.log(3) / 2) == pytest.approx(4 * 0.75 * 0.25)


def test_log_likelihoods_of_right_and_wrong_sum_to_one_and_stay_finite():
    right, wrong = irt.log_likelihood(2.5, 3.9, True), irt.log_likelihood(2.5, 3.9, False)
    assert np.allclose(np.exp(right) + np.exp(wrong), 1.0)
    assert np.all(np.isfinite(right)) and np.all(np.isfinite(wrong))


def test_eap_after_one_right_answer_matches_numerical_integration():
    """N(0,1) prior, one right answer to a = 1.2, b = 0.3: EAP and SD by a 16 001-point integral."""
    weights = irt.normalise(irt.LOG_STD_NORMAL + irt.log_likelihood(1.2, 0.3, True))
    eap, var = irt.mean_and_variance(weights)
    density = np.exp(-0.5 * FINE**2) / (1 + np.exp(-1.2 * (FINE - 0.3)))
    mean = integrate(FINE * density) / integrate(density)
    sd = np.sqrt(integrate((FINE - mean) ** 2 * density) / integrate(density))
    assert eap == pytest.approx(mean, abs=0.005)
    assert np.sqrt(var) == pytest.approx(sd, abs=0.005)
    assert mean > 0.4  # a right answer moves the estimate up, not by a rounding accident


def test_gaussian_message_recovers_a_gaussian_likelihood():
    log_lik = -0.5 * 4.0 * (irt.GRID - 1.0) ** 2  # mean 1, precision 4
    mean, precision = irt.gaussian_message(log_lik)
    assert mean == pytest.approx(1.0, abs=0.01)
    assert precision == pytest.approx(4.0, rel=0.02)
    assert irt.gaussian_message(np.zeros_like(irt.GRID)) == (0.0, 0.0)


def test_cavity_prior_of_two_correlated_competencies_matches_the_formula():
    """θ2 measured as y with precision τ: θ1's prior is N(ρτy/(1+τ), 1 − ρ² + ρ²/(1+τ))."""
    rho, y, tau = 0.6, 1.5, 3.0
    r = np.array([[1.0, rho], [rho, 1.0]])
    mean, var = cavity_priors(r, np.array([0.0, y]), np.array([0.0, tau]))
    assert mean[0] == pytest.approx(rho * tau * y / (1 + tau))
    assert var[0] == pytest.approx(1 - rho**2 + rho**2 / (1 + tau))
    assert (mean[1], var[1]) == pytest.approx((0.0, 1.0))  # θ2's own measurement is taken back out


def test_incremental_prior_equals_the_direct_computation():
    rng = np.random.default_rng(5)
    k = 6
    r = np.full((k, k), 0.4) + 0.6 * np.eye(k)
    prior = CorrelatedPrior(r)
    means, precisions = np.zeros(k), np.zeros(k)
    for _ in range(40):
        c = int(rng.integers(k))
        means[c], precisions[c] = rng.normal(), rng.uniform(0.0, 6.0)
        prior.set_measurement(c, means[c], precisions[c])
    direct = cavity_priors(r, means, precisions)
    assert np.allclose(prior.cavities()[0], direct[0]) and np.allclose(prior.cavities()[1], direct[1])


def _one_scale(n=10, a=2.0, b=0.0):
    return Bank(
        a=np.full(n, a), b=np.full(n, b) + np.linspace(-0.1, 0.1, n), competency=np.zeros(n, int), n_competencies=1
    )


def test_classification_stop_fires_when_the_posterior_is_sure():
    """Target level 3 (cut 0): wrong answers to items at the cut push P(θ < 0) past 0.95, then it stops."""
    session = Session(_one_scale(), Settings(level_cuts=(-1.0, 0.0, 1.0), targets=(3,), min_gain=0.0, randomesque=1))
    asked = 0
    while (item := session.next_item()) is not None:
        session.record(item, False)
        asked += 1
    p = session.result()[0].p_deficit
    assert p >= 0.95 and session.result()[0].deficit
    # It stopped at the first answer that made it sure, not later.
    replay = Session(_one_scale(), Settings(level_cuts=(-1.0, 0.0, 1.0), targets=(3,), min_gain=0.0, randomesque=1))
    for _ in range(asked - 1):
        replay.record(replay.next_item(), False)
    assert replay.p_deficit()[0] < 0.95


def test_min_and_max_items_per_competency_bound_the_attempt():
    settings = Settings(level_cuts=(0.0,), targets=(2,), min_items=3, max_items=5, min_gain=0.0, confidence=0.999)
    session = Session(_one_scale(), settings)
    answers = [True, False, True, False, True, False, True]
    for correct in answers:
        item = session.next_item()
        if item is None:
            break
        session.record(item, correct)
    assert session.n_scored == 5  # never 99.9 % sure: the maximum ends it
    sure = Session(_one_scale(), Settings(level_cuts=(0.0,), targets=(2,), min_items=3, max_items=5, confidence=0.6))
    for _ in range(2):
        sure.record(sure.next_item(), True)
    assert sure.p_deficit()[0] < 0.4 and sure.next_item() is not None  # sure already, but min is 3


def test_every_competency_is_asked_before_any_is_asked_twice_and_target_one_is_never_asked():
    k = 4
    bank = Bank(a=np.ones(8 * k), b=np.zeros(8 * k), competency=np.repeat(np.arange(k), 8), n_competencies=k)
    session = Session(bank, Settings(level_cuts=(-1.0, 0.0, 1.0), targets=(3, 3, 1, 2)), np.random.default_rng(1))
    first = []
    for _ in range(3):
        item = session.next_item()
        first.append(int(bank.competency[item]))
        session.record(item, True)
    assert sorted(first) == [0, 1, 3]
    while (item := session.next_item()) is not None:
        assert bank.competency[item] != 2
        session.record(item, True)
    assert session.result()[2].deficit is False and session.result()[2].n_items == 0


def test_randomesque_choice_stays_among_the_most_informative_items():
    bank = Bank(
        a=np.array([0.5, 2.0, 1.9, 0.6, 1.8, 0.7]), b=np.zeros(6), competency=np.zeros(6, int), n_competencies=1
    )
    seen = {
        Session(bank, Settings(level_cuts=(0.0,), targets=(2,), randomesque=3), np.random.default_rng(s)).next_item()
        for s in range(60)
    }
    assert seen == {1, 2, 4}


def test_pilot_items_are_shown_but_never_scored_or_counted():
    n = 12
    scored = np.array([True] * 8 + [False] * 4)
    bank = Bank(a=np.ones(n), b=np.zeros(n), competency=np.zeros(n, int), n_competencies=1, scored=scored)
    session = Session(
        bank,
        Settings(level_cuts=(0.0,), targets=(2,), pilot_share=0.5, max_items=6, min_gain=0.0, confidence=0.999),
        np.random.default_rng(3),
    )
    pilots = 0
    while (item := session.next_item()) is not None:
        pilots += not scored[item]
        session.record(item, True)
    assert pilots > 0 and session.n_scored == 6
    assert session.result()[0].n_items == 6


def test_answering_an_item_twice_is_refused_and_bad_parameters_are_rejected():
    session = Session(_one_scale(), Settings(level_cuts=(0.0,), targets=(2,)))
    item = session.next_item()
    session.record(item, True)
    with pytest.raises(ValueError):
        session.record(item, False)
    with pytest.raises(ValueError):
        Bank(a=np.array([1.0, np.nan]), b=np.zeros(2), competency=np.zeros(2, int), n_competencies=1)
    with pytest.raises(ValueError):
        Bank(a=np.array([1.0, -1.0]), b=np.zeros(2), competency=np.zeros(2, int), n_competencies=1)


def test_level_probabilities_add_up_and_follow_the_evidence():
    session = Session(
        _one_scale(20, a=1.5),
        Settings(level_cuts=(-1.0, 0.0, 1.0), targets=(3,), min_gain=0.0, confidence=0.9999, max_items=20),
    )
    while (item := session.next_item()) is not None:
        session.record(item, True)
    result = session.result()[0]
    assert sum(result.level_probabilities) == pytest.approx(1.0)
    assert result.level == 4 and not result.deficit and result.estimate > 1.0


def test_a_rubric_share_is_a_fractional_observation_between_wrong_and_right():
    """s·log P + (1 − s)·log(1 − P): at θ = b, log P = log ½ whatever s; at s = ¾ and θ = b + ln 3 / a,
    P = ¾ so the value is ¾·log ¾ + ¼·log ¼."""
    full, none = irt.partial_log_likelihood(1.2, 0.3, 1.0), irt.partial_log_likelihood(1.2, 0.3, 0.0)
    assert np.allclose(full, irt.log_likelihood(1.2, 0.3, True))
    assert np.allclose(none, irt.log_likelihood(1.2, 0.3, False))
    three_quarters = irt.partial_log_likelihood(1.0, 0.0, 0.75)
    theta = np.log(3)
    assert np.interp(theta, irt.GRID, three_quarters) == pytest.approx(0.75 * np.log(0.75) + 0.25 * np.log(0.25),
                                                                       abs=0.01)
    with pytest.raises(ValueError):
        irt.partial_log_likelihood(1.0, 0.0, 1.5)


def test_tutor_scored_evidence_moves_the_estimate_by_its_share():
    settings = Settings(level_cuts=(-1.0, 0.0, 1.0), targets=(3,))
    estimates = []
    for share in (0.0, 0.5, 1.0):
        session = Session(_one_scale(5, a=1.5), settings)
        session.add_evidence(0, 1.5, 0.0, share)
        result = session.result()[0]
        estimates.append(result.estimate)
        assert result.n_items == 1
    assert estimates[0] < -0.3 and abs(estimates[1]) < 0.05 and estimates[2] > 0.3


def _simulate(a, b, theta, rng):
    return (rng.random((theta.size, a.size)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(float)


def test_calibration_recovers_known_parameters_and_anchors_keep_the_scale():
    rng = np.random.default_rng(11)
    a, b = rng.uniform(0.7, 1.8, 20), rng.normal(0, 1, 20)
    fit = calibrate_2pl(_simulate(a, b, rng.normal(0, 1, 2000), rng))
    assert fit.converged
    assert np.sqrt(np.mean((fit.a - a) ** 2)) < 0.15 and np.sqrt(np.mean((fit.b - b) ** 2)) < 0.12
    # A stronger cohort: without anchors its items look easier; anchors put them back on the old scale.
    u = _simulate(a, b, rng.normal(0.8, 1.0, 2000), rng)
    unlinked = calibrate_2pl(u)
    linked = calibrate_2pl(u, anchors={i: (a[i], b[i]) for i in range(8)})
    assert linked.latent_mean == pytest.approx(0.8, abs=0.15)
    assert np.allclose(linked.a[:8], a[:8]) and np.allclose(linked.b[:8], b[:8])
    rmse_linked = np.sqrt(np.mean((linked.b[8:] - b[8:]) ** 2))
    assert rmse_linked < 0.15 < np.sqrt(np.mean((unlinked.b[8:] - b[8:]) ** 2))


def test_calibration_handles_missing_answers_and_refuses_bad_values():
    rng = np.random.default_rng(2)
    a, b = np.full(10, 1.2), np.linspace(-1, 1, 10)
    u = _simulate(a, b, rng.normal(0, 1, 1500), rng)
    u[rng.random(u.shape) < 0.5] = np.nan
    u[:5] = np.nan  # people who answered nothing are ignored
    fit = calibrate_2pl(u)
    assert np.sqrt(np.mean((fit.b - b) ** 2)) < 0.2
    with pytest.raises(ValueError):
        calibrate_2pl(np.array([[1.0, 2.0], [0.0, 1.0]]))


def test_classical_statistics_match_hand_computed_values():
    u = np.array(
        [[1, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [0, 1, 0], [1, 1, 0], [1, 0, 0]],
        dtype=float,
    )
    stats = analyse(u)
    assert stats.items[0].facility == pytest.approx(0.8)
    # Item 3 against the rest (items 1 + 2, as a share of two): Pearson by hand.
    rest = (u[:, 0] + u[:, 1]) / 2
    assert stats.items[2].discrimination == pytest.approx(np.corrcoef(u[:, 2], rest)[0, 1])
    k, p, total = 3, u.mean(axis=0), u.sum(axis=1)
    kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() * 10 / 9 / total.var(ddof=1))
    assert stats.reliability == pytest.approx(kr20)
    assert stats.sem == pytest.approx(np.sqrt(total.var(ddof=1) * (1 - kr20)))
    flagged = analyse(np.array([[1, 0]] * 6 + [[0, 1]] * 6, dtype=float))
    assert "negative" in flagged.items[0].flags


def test_a_pilot_item_is_analysed_against_the_scale_but_stays_out_of_it():
    u = np.array(
        [[1, 1, 0, 1], [1, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 1], [1, 1, 0, 0], [1, 0, 1, 1], [1, 1, 1, 0],
         [0, 1, 0, 1], [1, 1, 0, 1], [1, 0, 0, 0]],
        dtype=float,
    )
    scale = analyse(u[:, :3])
    with_pilot = analyse(u, np.array([True, True, True, False]))
    # The three scored items see exactly what they saw without the pilot item.
    for alone, mixed in zip(scale.items, with_pilot.items[:3], strict=False):
        assert mixed.discrimination == pytest.approx(alone.discrimination)
    assert with_pilot.reliability == pytest.approx(scale.reliability)
    assert with_pilot.sem == pytest.approx(scale.sem)
    # The pilot item is correlated with the share right on all three scored items.
    assert with_pilot.items[3].discrimination == pytest.approx(np.corrcoef(u[:, 3], u[:, :3].mean(axis=1))[0, 1])
    # Counted as scored, it would change the others' rest scores and the KR-20.
    assert analyse(u).reliability != pytest.approx(scale.reliability)
