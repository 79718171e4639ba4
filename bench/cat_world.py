"""The simulated world of bench/cat_simulation.py: bank, teachers, answers, scoring, our engine's run, calibration."""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessments.engine import Bank, Session  # noqa: E402
from assessments.engine.calibration import calibrate_2pl  # noqa: E402
from assessments.engine.exposure import eligibility, withheld  # noqa: E402
from assessments.engine.inputs import FRESH, SEEN, WITHHELD  # noqa: E402
from assessments.engine.irt import GRID, normalise  # noqa: E402
from assessments.engine.prior import shrink_correlation  # noqa: E402

K, RHO = 12, 0.5
PER_COMPETENCY = 25
LEVEL_CUTS = (-1.0, 0.0, 1.0)
TARGETS = (3,) * 9 + (2, 2, 4)
MOODLE_PER_COMPETENCY = 8


def make_bank(rng, per_competency=PER_COMPETENCY):
    a = np.clip(rng.lognormal(np.log(1.1), 0.3, K * per_competency), 0.4, 2.5)
    b = rng.normal(0.0, 1.0, K * per_competency)
    return a, b, np.repeat(np.arange(K), per_competency)


def correlation(rho=RHO):
    r = np.full((K, K), rho)
    np.fill_diagonal(r, 1.0)
    return r


def domain_correlation(within=0.75, between=0.3, size=4):
    """A framework whose competencies form domains of ``size``: close within a domain, looser across."""
    domain = np.arange(K) // size
    r = np.where(domain[:, None] == domain[None, :], within, between)
    np.fill_diagonal(r, 1.0)
    return r


class World:
    """True parameters, the teachers and their fixed answer draws."""

    def __init__(self, n_teachers, seed, corr=None, per_competency=PER_COMPETENCY):
        rng = np.random.default_rng(seed)
        self.a, self.b, self.comp = make_bank(rng, per_competency)
        self.corr = correlation() if corr is None else corr
        self.theta = rng.multivariate_normal(np.zeros(K), self.corr, n_teachers)
        self.draws = rng.random((n_teachers, self.a.size))
        self.cuts = np.array([LEVEL_CUTS[t - 2] for t in TARGETS])
        self.truth = self.theta < self.cuts
        self.rng = rng

    def retest(self, growth, seed):
        """The same teachers and bank later: abilities grown by ``growth`` (teachers × competencies), fresh draws."""
        later = copy.copy(self)
        later.theta = self.theta + growth
        later.draws = np.random.default_rng(seed).random(self.draws.shape)
        later.truth = later.theta < self.cuts
        return later

    def answer(self, teacher, item):
        p = 1.0 / (1.0 + np.exp(-self.a[item] * (self.theta[teacher, self.comp[item]] - self.b[item])))
        return bool(self.draws[teacher, item] < p)


def scores(world, predicted, items):
    truth = world.truth
    tp = int((truth & predicted).sum())
    fp, fn = int((~truth & predicted).sum()), int((truth & ~predicted).sum())
    clear = np.abs(world.theta - world.cuts) > 0.4
    return {
        "f1": round(2 * tp / (2 * tp + fp + fn), 4),
        "accuracy": round(float((truth == predicted).mean()), 4),
        "clear_case_accuracy": round(float((truth == predicted)[clear].mean()), 4),
        "missed": round(fn / max(1, int(truth.sum())), 4),
        "false": round(fp / max(1, int((~truth).sum())), 4),
        "items_mean": round(float(np.mean(items)), 1),
        "items_min": int(np.min(items)),
        "items_max": int(np.max(items)),
        "item_share": round(float(np.mean(items)) / world.a.size, 4),
    }


def run_engine(world, a, b, settings, *, timed=False, exposure=None, seen=None, seed=1000, scale=None, strict=False):
    """Our engine over every teacher; a, b are the parameters the engine believes (true or calibrated).

    ``exposure``: the item-eligibility rate, teachers taking the test one after another as the product
    counts finished attempts; ``seen``: teachers × items, the items each saw in an earlier sitting;
    ``scale``: teacher → a factor per competency on the items' eligibility (bench/exposure_limits.py);
    ``strict``: a withheld item is never offered, even when its competency has nothing else left (the
    product offers it rather than run dry; bench/exposure_limits.py measures the longest test the cap allows).
    Returns the figures and the per-teacher detail (items used, estimates, SEs, stop reasons).
    """
    bank = Bank(a=a, b=b, competency=world.comp, n_competencies=K)
    n = len(world.theta)
    predicted = np.zeros_like(world.truth)
    items, step_times = [], []
    shown, eligible = np.zeros(world.a.size), np.zeros(world.a.size)
    used = np.zeros((n, world.a.size), dtype=bool)
    estimate, se = np.zeros((n, K)), np.zeros((n, K))
    stops, closed_by = [], []
    for t in range(n):
        avoid = np.full(world.a.size, FRESH)
        if exposure is not None:
            p = eligibility(shown, eligible, t, exposure)
            if scale is not None:
                p = np.clip(p * scale(t)[world.comp], 0.0, 1.0)
            held = withheld(p, np.random.default_rng([7, seed, t]))
            avoid[held] = WITHHELD
        if seen is not None:
            avoid[seen[t]] = SEEN
        attempt_bank = bank
        if strict and exposure is not None:
            # Unscored items are offered only as pilots, and these settings show no pilots.
            attempt_bank = Bank(a=a, b=b, competency=world.comp, n_competencies=K, scored=~held)
        session = Session(attempt_bank, settings, avoid=avoid, seed=seed + t)
        started = time.perf_counter()
        item = session.next_item()
        step_times.append(time.perf_counter() - started)
        while item is not None:
            correct = world.answer(t, item)
            started = time.perf_counter()
            session.record(item, correct)
            item = session.next_item()
            step_times.append(time.perf_counter() - started)
        shown[session.used] += 1
        if exposure is not None:
            # A withheld item shown because its competency had nothing fresher left counts as eligible.
            eligible += ~held | session.used
        used[t] = session.used
        results = session.result()
        predicted[t] = [r.deficit for r in results]
        estimate[t] = [r.estimate for r in results]
        se[t] = [r.standard_error for r in results]
        items.append(session.n_scored)
        stops.append(session.stop)
        closed_by.extend(c or "open" for c in session.closed_by)
    result = scores(world, predicted, items)
    result["max_exposure"] = round(float(shown.max() / n), 3)
    result["never_shown_share"] = round(float((shown == 0).mean()), 3)
    result["stops"] = {k: round(stops.count(k) / n, 3) for k in sorted(set(stops))}
    result["competencies_closed"] = {k: round(closed_by.count(k) / len(closed_by), 3) for k in sorted(set(closed_by))}
    if timed:
        us = np.array(step_times) * 1e6
        result["us_per_answer_mean"] = round(float(us.mean()), 1)
        result["us_per_answer_p99"] = round(float(np.percentile(us, 99)), 1)
    return result, {"used": used, "estimate": estimate, "se": se}


def calibrated_parameters(world, n_persons, seed):
    """Re-estimate every item from a separate sample answering the whole bank, scale by scale, and the
    correlation matrix as the product's calibration does (pairwise, shrunk towards the mean, made valid)."""
    rng = np.random.default_rng(seed)
    theta = rng.multivariate_normal(np.zeros(K), world.corr, n_persons)
    a_hat, b_hat = np.empty_like(world.a), np.empty_like(world.b)
    eap = np.empty((n_persons, K))
    for c in range(K):
        idx = np.flatnonzero(world.comp == c)
        p = 1 / (1 + np.exp(-world.a[idx] * (theta[:, [c]] - world.b[idx])))
        u = (rng.random(p.shape) < p).astype(float)
        fit = calibrate_2pl(u)
        a_hat[idx], b_hat[idx] = fit.a, fit.b
        logit = np.outer(fit.a, GRID) - (fit.a * fit.b)[:, None]
        log_lik = u @ -np.logaddexp(0, -logit) + (1 - u) @ -np.logaddexp(0, logit) - 0.5 * GRID**2
        eap[:, c] = normalise(log_lik) @ GRID
    # The engine's correlation comes from the same sample: EAP correlations disattenuated by reliability.
    r = np.corrcoef(eap, rowvar=False)
    # With a N(0, 1) prior, Var(θ) = Var(EAP) + E[posterior variance] = 1, so Var(EAP) is the reliability.
    reliability = eap.var(axis=0)
    r = np.clip(r / np.sqrt(np.outer(reliability, reliability)), -0.95, 0.95)
    common = float(r[~np.eye(K, dtype=bool)].mean())
    r = shrink_correlation(r, np.full((K, K), n_persons), common)
    rmse = {
        "a": round(float(np.sqrt(np.mean((a_hat - world.a) ** 2))), 3),
        "b": round(float(np.sqrt(np.mean((b_hat - world.b) ** 2))), 3),
        "rho_mean": round(float(r[~np.eye(K, dtype=bool)].mean()), 3),
        "rho_rmse": round(float(np.sqrt(np.mean((r - world.corr)[~np.eye(K, dtype=bool)] ** 2))), 3),
    }
    return a_hat, b_hat, r, rmse
