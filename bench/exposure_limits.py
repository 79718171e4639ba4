"""How much a 30 % exposure cap can cost on bench/cat_simulation.py's bank: the information bound and an oracle.

An experiment for issue 17, point 1, beside bench/cat_simulation.py (same world, engine and scoring).

*The bound.* When no item may reach more than a share r of the teachers, a competency of n items yields at
most r · n questions a teacher on average, and at a given length the best any method can give everyone is
the competency's best items, each filled to r. The script scores such allocations (without adapting) with a
normal approximation: each competency measured once with the information the items give at the teacher's
true ability, under the correlated prior. It reads about 0.008 high against the real fixed forms, so it is
for the differences between rows.

*The oracle.* The product cannot know a teacher's true ability; this oracle does, and gives the items to the
teachers who sit near their cut (or far from it) more often than to the rest, the 30 % bound still applied
through the eligibility counts. If the loss against no control were the price of giving good items to
teachers who did not need them, steering by need would win it back.

*Longer tests.* The bound's longest test, run by the real engine: a withheld item is never offered (the
product offers it when a competency runs dry, which breaks the cap), and the value-of-information stop is
lowered until every eligible item is asked.

Run: ``python bench/exposure_limits.py`` (bound, then the oracle on 2 000 teachers × 3 seeds, about 2
minutes, then the longer tests, about 2 more; ``--quick``: 400 × 1 seed; ``--bound``: the bound only, under a
second). The last line is JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cat_world import LEVEL_CUTS, TARGETS, K, World, correlation, run_engine  # noqa: E402

from assessments.engine.inputs import MAX_EXPOSURE, Settings  # noqa: E402

#: |θ − cut| under which a teacher counts as "near" the cut for a competency.
NEAR = 0.5
#: Questions a competency the engine without control asks on average (60.6 / 12 on the full run).
UNCONTROLLED_LENGTH = 5


def shares(world, questions, cap):
    """Each item's share of teachers when everyone gets ``questions`` a competency, best at the cut first.

    No item may reach more than ``cap`` of them, so the best the population can do is to fill the best
    ``questions / cap`` items of each competency to the brim (and part of the next one).
    """
    out = np.zeros(world.a.size)
    for competency in range(K):
        items = np.flatnonzero(world.comp == competency)
        info = information(world.a[items], world.b[items], world.cuts[competency])
        ranked = items[np.argsort(-info, kind="stable")]
        slots = min(questions / cap, float(items.size))
        full = int(slots)
        out[ranked[:full]] = cap
        if full < items.size:
            out[ranked[full]] = cap * (slots - full)
    return out


def information(a, b, theta):
    p = 1.0 / (1.0 + np.exp(-a * (theta - b)))
    return a * a * p * (1.0 - p)


def gaussian_f1(world, share, seed=1):
    """Deficit F1 when each teacher's competency is measured with the expected information of ``share``.

    A normal approximation: one measurement per competency whose information at the teacher's true
    ability is what the items would give at the rates ``share``, combined with the correlated prior.
    """
    rng = np.random.default_rng(seed)
    info = np.empty_like(world.theta)
    for competency in range(K):
        items = np.flatnonzero(world.comp == competency)
        theta = world.theta[:, [competency]]
        info[:, competency] = (share[items] * information(world.a[items], world.b[items], theta)).sum(axis=1)
    observed = world.theta + rng.normal(size=info.shape) / np.sqrt(info)
    precision = np.linalg.inv(world.corr)[None, :, :] + info[:, :, None] * np.eye(K)[None, :, :]
    mean = np.linalg.solve(precision, (observed * info)[:, :, None])[:, :, 0]
    predicted, truth = mean < world.cuts, world.truth
    tp = int((truth & predicted).sum())
    return 2 * tp / (2 * tp + int((truth ^ predicted).sum()))


def bound(seed, teachers, per_competency, cap=MAX_EXPOSURE):
    world = World(teachers, seed, per_competency=per_competency)
    rows = {
        "all_items": np.ones(world.a.size),
        "best_8_fixed_form": shares(world, 8, 1.0),
        "best_5_no_cap": shares(world, UNCONTROLLED_LENGTH, 1.0),
        "cap_5_questions": shares(world, UNCONTROLLED_LENGTH, cap),
        # Past per_competency · cap questions a competency the cap cannot hold: this is the longest test.
        "cap_longest": np.full(world.a.size, cap),
    }
    out = {name: round(gaussian_f1(world, share), 4) for name, share in rows.items()}
    out["longest_questions"] = per_competency * cap
    print(seed, per_competency, out, file=sys.stderr, flush=True)
    return out


def oracle(seed, teachers):
    settings = Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=correlation())
    world = World(teachers, seed)
    near = np.abs(world.theta - world.cuts) < NEAR

    def steered(near_factor, far_factor):
        return lambda t: np.where(near[t], near_factor, far_factor)

    variants = {
        "no_control": {},
        "eligibility": {"exposure": MAX_EXPOSURE},
        "near_3x": {"exposure": MAX_EXPOSURE, "scale": steered(3.0, 0.5)},
        "far_3x": {"exposure": MAX_EXPOSURE, "scale": steered(0.5, 3.0)},
        # Only the teachers near the cut see the bound's share of the items: the bound then breaks.
        "near_only": {"exposure": MAX_EXPOSURE, "scale": steered(10.0, 0.0)},
    }
    row = {}
    for name, options in variants.items():
        result = run_engine(world, world.a, world.b, settings, **options)[0]
        row[name] = (result["f1"], result["items_mean"], result["max_exposure"])
        print(seed, name, row[name], file=sys.stderr, flush=True)
    return row


#: The strict runs' changes to the product's settings: none, a lower stop, and no stop before the bank runs out.
LENGTHS = {
    "product_stop": {},
    "gain_0.001": {"min_gain": 0.001},
    "every_eligible_item": {"min_gain": 0.0, "max_items": 25},
}


def longer(seed, teachers):
    base = Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=correlation())
    world = World(teachers, seed)
    row = {}
    for name, changes in LENGTHS.items():
        settings = dataclasses.replace(base, **changes)
        result = run_engine(world, world.a, world.b, settings, exposure=MAX_EXPOSURE, strict=True)[0]
        row[name] = (result["f1"], result["items_mean"], result["max_exposure"])
        print(seed, "strict", name, row[name], file=sys.stderr, flush=True)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the oracle on 400 teachers, one seed")
    parser.add_argument("--bound", action="store_true", help="the information bound only")
    args = parser.parse_args(argv)
    teachers, seeds = (400, (2026,)) if args.quick else (2000, (2026, 2027, 2028))
    out = {
        "cap": MAX_EXPOSURE,
        "bound": {f"{seed}/{depth}": bound(seed, teachers, depth) for seed in seeds for depth in (25, 50, 75)},
    }
    if not args.bound:
        out.update(teachers=teachers, near=NEAR, oracle={str(seed): oracle(seed, teachers) for seed in seeds})
        out["longer_strict"] = {str(seed): longer(seed, teachers) for seed in seeds}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
