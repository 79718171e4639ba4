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

from cat_world import (  # noqa: E402
    LEVEL_CUTS,
    MOODLE_PER_COMPETENCY,
    PER_COMPETENCY,
    TARGETS,
    K,
    World,
    calibrated_parameters,
    correlation,
    domain_correlation,
    run_engine,
    scores,
)
from moodle_adaptivequiz import AdaptiveQuiz, b_to_level  # noqa: E402

from assessments.engine import Settings  # noqa: E402
from assessments.engine.inputs import MAX_EXPOSURE  # noqa: E402

#: Looser rates measured beside the product's, to show what exposure control costs on this bank.
EXPOSURE_FRONTIER = (0.4, 0.5)
#: The true growth of the teachers who grew between two sittings, in SD of the population.
GROWTH = 0.5


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
    return run_engine(world, world.a, world.b, settings)[0]


def best_form(world, per_competency):
    """The most informative items at each competency's cut: a fixed form built for the decision."""
    info = world.a**2 / (1 + np.exp(-world.a * (world.cuts[world.comp] - world.b)))
    info *= 1 - 1 / (1 + np.exp(-world.a * (world.cuts[world.comp] - world.b)))
    return [
        int(i)
        for c in range(K)
        for i in np.flatnonzero(world.comp == c)[np.argsort(-info[world.comp == c])][:per_competency]
    ]


def repeat_sittings(world, settings, first, seed, exposure):
    """The same teachers re-diagnosed: half grew by 0.5 SD in every competency, half did not.

    Growth is claimed as the product claims it (``CompetencyResult.change_since``): the estimate rose by
    more than 1.96 · √(SE₁² + SE₂²). Returns the figures of the second sitting with fresh items preferred
    and the overlap the same sitting has when it is not told what the teacher saw.
    """
    n = len(world.theta)
    grew = np.random.default_rng(seed).random(n) < 0.5
    later = world.retest(np.outer(grew, np.full(K, GROWTH)), seed + 1)
    second, detail = run_engine(later, world.a, world.b, settings, exposure=exposure, seen=first["used"],
                                seed=50_000)
    blind = run_engine(later, world.a, world.b, settings, exposure=exposure, seed=50_000)

    def overlap(used):
        again = (used & first["used"]).sum(axis=1) / np.maximum(1, used.sum(axis=1))
        return round(float(again.mean()), 4), round(float((again > 0.2).mean()), 4)

    delta = detail["estimate"] - first["estimate"]
    claimed = delta > 1.96 * np.sqrt(detail["se"] ** 2 + first["se"] ** 2)
    return {
        "f1": second["f1"],
        "items_mean": second["items_mean"],
        "repeat_overlap": overlap(detail["used"])[0],
        "repeat_over_20pct": overlap(detail["used"])[1],
        "repeat_overlap_not_preferring_fresh": overlap(blind[1]["used"])[0],
        "f1_not_preferring_fresh": blind[0]["f1"],
        "growth_detected": round(float(claimed[grew].mean()), 4),
        "false_growth": round(float(claimed[~grew].mean()), 4),
        "mean_estimated_growth": round(float(delta[grew].mean()), 3),
        "mean_estimated_change_without_growth": round(float(delta[~grew].mean()), 3),
    }


def correlation_study(n, seed, exposure, per_competency=PER_COMPETENCY):
    """A framework whose competencies correlate 0.75 within a domain and 0.3 across: the prior with the true
    matrix, with the one calibration estimates from 500 teachers (shrunk, made valid), and with one ρ."""
    world = World(n, seed, corr=domain_correlation(), per_competency=per_competency)
    _, _, r_hat, rmse = calibrated_parameters(world, 500, seed + 1)
    rho = float(r_hat[~np.eye(K, dtype=bool)].mean())
    single = correlation(rho)

    def f1(r):
        settings = Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=r)
        return run_engine(world, world.a, world.b, settings, exposure=exposure)[0]["f1"]

    return {"f1_true_corr": f1(world.corr), "f1_estimated_corr": f1(r_hat), "f1_single_rho": f1(single),
            "single_rho": round(rho, 3), "estimated_corr_rmse": rmse["rho_rmse"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="400 teachers instead of 2 000")
    parser.add_argument("--teachers", type=int)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--per-competency", type=int, default=PER_COMPETENCY,
                        help="items per competency (exposure control needs a deep bank)")
    args = parser.parse_args(argv)
    n = args.teachers or (400 if args.quick else 2000)
    world = World(n, args.seed, per_competency=args.per_competency)
    ours = Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=correlation())

    def log(name, result):
        print(f"{name:<34} " + " ".join(f"{k}={v}" for k, v in result.items()), file=sys.stderr, flush=True)
        return result

    started = time.perf_counter()
    full = log(f"fixed form, all {world.a.size} items", run_fixed(world, range(world.a.size)))
    log("fixed form, 8 best per competency", run_fixed(world, best_form(world, MOODLE_PER_COMPETENCY)))
    moodle = log(f"moodle adaptivequiz, max {MOODLE_PER_COMPETENCY}/comp", run_moodle(world, MOODLE_PER_COMPETENCY))
    free = log("ours, no exposure control", run_engine(world, world.a, world.b, ours)[0])
    engine, first = run_engine(world, world.a, world.b, ours, timed=True, exposure=MAX_EXPOSURE)
    log(f"ours (product: exposure {MAX_EXPOSURE})", engine)
    rates = {}
    for rate in EXPOSURE_FRONTIER:
        rates[str(rate)] = log(f"ours, exposure {rate}", run_engine(world, world.a, world.b, ours, exposure=rate)[0])
    length = round(moodle["items_mean"])
    at_length = Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=correlation(), max_total=length,
                         min_gain=0.0, confidence=0.999)
    equal = log(f"ours, stopped at {length} items",
                run_engine(world, world.a, world.b, at_length, exposure=MAX_EXPOSURE)[0])
    a_hat, b_hat, r_hat, rmse = calibrated_parameters(world, 500, args.seed + 1)
    print(f"calibration from 500 teachers: RMSE {rmse}", file=sys.stderr)
    calibrated = log("ours, parameters calibrated on 500", run_engine(
        world, a_hat, b_hat, Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=r_hat),
        exposure=MAX_EXPOSURE)[0])
    repeat = log("ours, repeat sitting", repeat_sittings(world, ours, first, args.seed + 2, MAX_EXPOSURE))
    corr = log("ours, domain-structured framework", correlation_study(n, args.seed + 3, MAX_EXPOSURE,
                                                                        args.per_competency))
    summary = {
        "teachers": n,
        "per_competency": args.per_competency,
        "f1": engine["f1"],
        "item_share": engine["item_share"],
        "items_mean": engine["items_mean"],
        "clear_case_accuracy": engine["clear_case_accuracy"],
        "max_exposure": engine["max_exposure"],
        "never_shown_share": engine["never_shown_share"],
        "f1_no_exposure_control": free["f1"],
        "items_mean_no_exposure_control": free["items_mean"],
        "max_exposure_no_control": free["max_exposure"],
        "never_shown_share_no_control": free["never_shown_share"],
        "f1_loss_exposure": round(free["f1"] - engine["f1"], 4),
        "exposure_frontier": {r: {"f1": v["f1"], "max_exposure": v["max_exposure"], "items_mean": v["items_mean"]}
                              for r, v in rates.items()},
        "stops": engine["stops"],
        "competencies_closed": engine["competencies_closed"],
        "stops_no_control": free["stops"],
        "competencies_closed_no_control": free["competencies_closed"],
        "moodle_f1": moodle["f1"],
        "moodle_items_mean": moodle["items_mean"],
        "f1_at_moodle_length": equal["f1"],
        "full_form_f1": full["f1"],
        "f1_calibrated_500": calibrated["f1"],
        "f1_loss_calibrated_500": round(engine["f1"] - calibrated["f1"], 4),
        "calibration_rmse_500": rmse,
        **{k: repeat[k] for k in ("repeat_overlap", "repeat_over_20pct", "repeat_overlap_not_preferring_fresh",
                                  "growth_detected", "false_growth")},
        "repeat_f1": repeat["f1"],
        "repeat_f1_not_preferring_fresh": repeat["f1_not_preferring_fresh"],
        **corr,
        "us_per_answer_mean": engine["us_per_answer_mean"],
        "us_per_answer_p99": engine["us_per_answer_p99"],
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
