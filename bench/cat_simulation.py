"""The diagnostic simulation of DOMAIN.md §F rebuilt: our engine, Moodle's adaptivequiz and fixed forms, one run.

12 competencies × 25 items (2PL, a ~ lognormal(ln 1.1, 0.3) clipped to [0.4, 2.5], b ~ N(0, 1)),
simulated teachers with abilities MVN(0, R), R = 0.5 off the diagonal, four levels cut at −1/0/+1,
target level 3 (cut 0) for nine competencies, 2 (cut −1) for two and 4 (cut +1) for one. A deficit
is θ below the target's cut; F1 counts "has a deficit" as the positive class over all
teacher × competency pairs. Every method sees the same teachers and the same answers (each teacher
has one uniform draw per item, so an item is answered the same way whoever asks it).

Run: ``python bench/cat_simulation.py`` (2 000 teachers) or ``--quick`` (400). The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from moodle_adaptivequiz import AdaptiveQuiz, b_to_level  # noqa: E402

from assessments.engine import Bank, Session, Settings  # noqa: E402
from assessments.engine.calibration import calibrate_2pl  # noqa: E402
from assessments.engine.irt import GRID, normalise  # noqa: E402

K, PER_COMPETENCY, RHO = 12, 25, 0.5
LEVEL_CUTS = (-1.0, 0.0, 1.0)
TARGETS = (3,) * 9 + (2, 2, 4)
MOODLE_PER_COMPETENCY = 8


def make_bank(rng):
    a = np.clip(rng.lognormal(np.log(1.1), 0.3, K * PER_COMPETENCY), 0.4, 2.5)
    b = rng.normal(0.0, 1.0, K * PER_COMPETENCY)
    return a, b, np.repeat(np.arange(K), PER_COMPETENCY)


def correlation(rho=RHO):
    r = np.full((K, K), rho)
    np.fill_diagonal(r, 1.0)
    return r


class World:
    """True parameters, the teachers and their fixed answer draws."""

    def __init__(self, n_teachers, seed):
        rng = np.random.default_rng(seed)
        self.a, self.b, self.comp = make_bank(rng)
        self.theta = rng.multivariate_normal(np.zeros(K), correlation(), n_teachers)
        self.draws = rng.random((n_teachers, self.a.size))
        self.cuts = np.array([LEVEL_CUTS[t - 2] for t in TARGETS])
        self.truth = self.theta < self.cuts
        self.rng = rng

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


def run_engine(world, a, b, settings, *, timed=False):
    """Our engine over every teacher; a, b are the parameters the engine believes (true or calibrated)."""
    bank = Bank(a=a, b=b, competency=world.comp, n_competencies=K)
    predicted = np.zeros_like(world.truth)
    items, step_times, exposure = [], [], np.zeros(world.a.size)
    for t in range(len(world.theta)):
        session = Session(bank, settings, np.random.default_rng(1000 + t))
        started = time.perf_counter()
        item = session.next_item()
        step_times.append(time.perf_counter() - started)
        while item is not None:
            correct = world.answer(t, item)
            started = time.perf_counter()
            session.record(item, correct)
            item = session.next_item()
            step_times.append(time.perf_counter() - started)
        exposure[session.used] += 1
        predicted[t] = [r.deficit for r in session.result()]
        items.append(session.n_scored)
    result = scores(world, predicted, items)
    result["max_exposure"] = round(float(exposure.max() / len(world.theta)), 3)
    if timed:
        us = np.array(step_times) * 1e6
        result["us_per_answer_mean"] = round(float(us.mean()), 1)
        result["us_per_answer_p99"] = round(float(np.percentile(us, 99)), 1)
    return result


def run_moodle(world, per_competency):
    """Moodle's algorithm per competency (one adaptivequiz per scale), items tagged 1..100 from b."""
    levels = [b_to_level(float(x)) for x in world.b]
    predicted = np.zeros_like(world.truth)
    items = []
    for t in range(len(world.theta)):
        total = 0
        for c in range(K):
            idx = np.flatnonzero(world.comp == c)
            quiz = AdaptiveQuiz(
                [levels[i] for i in idx],
                lowest=1,
                highest=100,
                start_level=50,
                min_questions=1,
                max_questions=per_competency,
                standard_error_pct=5.0,
                rng=np.random.default_rng(10_000 * t + c),
            )
            item = quiz.next_item()
            while item is not None:
                quiz.record(item, world.answer(t, idx[item]))
                item = quiz.next_item()
            predicted[t, c] = quiz.ability_logit < world.cuts[c]
            total += len(quiz.answered)
        items.append(total)
    return scores(world, predicted, items)


def run_fixed(world, form):
    settings = Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=None, fixed_form=tuple(form))
    return run_engine(world, world.a, world.b, settings)


def best_form(world, per_competency):
    """The most informative items at each competency's cut: a fixed form built for the decision."""
    info = world.a**2 / (1 + np.exp(-world.a * (world.cuts[world.comp] - world.b)))
    info *= 1 - 1 / (1 + np.exp(-world.a * (world.cuts[world.comp] - world.b)))
    return [
        int(i)
        for c in range(K)
        for i in np.flatnonzero(world.comp == c)[np.argsort(-info[world.comp == c])][:per_competency]
    ]


def calibrated_parameters(world, n_persons, seed):
    """Re-estimate every item from a separate sample answering the whole bank, scale by scale."""
    rng = np.random.default_rng(seed)
    theta = rng.multivariate_normal(np.zeros(K), correlation(), n_persons)
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
    r = r / np.sqrt(np.outer(reliability, reliability))
    np.fill_diagonal(r, 1.0)
    r = np.clip(r, -0.95, 0.95)
    np.fill_diagonal(r, 1.0)
    rmse = {
        "a": round(float(np.sqrt(np.mean((a_hat - world.a) ** 2))), 3),
        "b": round(float(np.sqrt(np.mean((b_hat - world.b) ** 2))), 3),
        "rho_mean": round(float(r[~np.eye(K, dtype=bool)].mean()), 3),
    }
    return a_hat, b_hat, r, rmse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="400 teachers instead of 2 000")
    parser.add_argument("--teachers", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    n = args.teachers or (400 if args.quick else 2000)
    world = World(n, args.seed)
    ours = Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=correlation())

    def log(name, result):
        print(f"{name:<34} " + " ".join(f"{k}={v}" for k, v in result.items()), file=sys.stderr, flush=True)
        return result

    started = time.perf_counter()
    full = log("fixed form, all 300 items", run_fixed(world, range(world.a.size)))
    log("fixed form, 8 best per competency", run_fixed(world, best_form(world, MOODLE_PER_COMPETENCY)))
    moodle = log(f"moodle adaptivequiz, max {MOODLE_PER_COMPETENCY}/comp", run_moodle(world, MOODLE_PER_COMPETENCY))
    engine = log("ours (product settings)", run_engine(world, world.a, world.b, ours, timed=True))
    length = round(moodle["items_mean"])
    equal = log(
        f"ours, stopped at {length} items",
        run_engine(
            world,
            world.a,
            world.b,
            Settings(
                level_cuts=LEVEL_CUTS,
                targets=TARGETS,
                correlation=correlation(),
                max_total=length,
                min_gain=0.0,
                confidence=0.999,
            ),
        ),
    )
    a_hat, b_hat, r_hat, rmse = calibrated_parameters(world, 500, args.seed + 1)
    print(f"calibration from 500 teachers: RMSE {rmse}", file=sys.stderr)
    calibrated = log(
        "ours, parameters calibrated on 500",
        run_engine(world, a_hat, b_hat, Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=r_hat)),
    )
    summary = {
        "teachers": n,
        "f1": engine["f1"],
        "item_share": engine["item_share"],
        "items_mean": engine["items_mean"],
        "clear_case_accuracy": engine["clear_case_accuracy"],
        "max_exposure": engine["max_exposure"],
        "moodle_f1": moodle["f1"],
        "moodle_items_mean": moodle["items_mean"],
        "f1_at_moodle_length": equal["f1"],
        "full_form_f1": full["f1"],
        "f1_calibrated_500": calibrated["f1"],
        "f1_loss_calibrated_500": round(engine["f1"] - calibrated["f1"], 4),
        "calibration_rmse_500": rmse,
        "us_per_answer_mean": engine["us_per_answer_mean"],
        "us_per_answer_p99": engine["us_per_answer_p99"],
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
