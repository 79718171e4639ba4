"""The ИОМ route optimiser (relax-and-check MILP) against the greedy baseline on generated catalogues and teachers.

Catalogues of 50, 500 and 5 000 activities over 15 competencies (levels 1..6): modules of 4–72 h (the longer,
the higher the level they reach), a third of them run by groups with 1–4 dated runs over the academic year
2026/27 and limited places (some full), seminars, consultations and mentoring in dated slots, internships,
external self-paced modules; about a quarter of the activities require 1–2 earlier ones, mostly on the same
competency (chains and DAGs). Teachers have 2–8 deficits, a weekly budget of 2–8 h, a period of 3–9 months
starting September to December; a quarter are online-only, some have done, been required or excluded an
activity. One teacher in eight is deliberately out of reach: a zero budget, a quarter of an hour a week for a
month, level 5 within a week, or only a competency no activity covers. Every teacher is planned by both
methods in the same run.

Run: ``python bench/route_builder.py`` (200 teachers per size) or ``--quick`` (30/30/20). The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessments.planner import Activity, Constraints, Deficit, Slot, build_route  # noqa: E402

COMPETENCIES = [f"K{n:02d}" for n in range(1, 16)]
YEAR_START, YEAR_END = date(2026, 9, 1), date(2027, 6, 30)
# kind: share of the catalogue, hours to pick from, share with dated slots, the highest level it can bring anyone to
KINDS = {
    "module": (0.55, (4, 6, 8, 12, 16, 18, 24, 36, 48, 72), 0.35, 6),
    "session": (0.10, (2, 3, 4, 6, 8), 1.0, 3),
    "consultation": (0.10, (1, 1.5, 2), 1.0, 3),
    "mentoring": (0.05, (6, 8, 12), 1.0, 5),
    "internship": (0.05, (16, 24, 36), 1.0, 6),
    "external": (0.15, (2, 4, 6, 8, 16, 24), 0.0, 4),
}
HARD = ("zero_budget", "tiny_budget", "short_period", "no_activity")


def _slots(rng, key: str, kind: str, hours: float) -> tuple[Slot, ...]:
    """Runs within the academic year; a run lasts long enough for 1.5–6 h a week, a consultation one day."""
    out = []
    for n in range(int(rng.integers(1, 5))):
        if kind in ("consultation", "session"):
            length = 0 if kind == "consultation" or hours <= 4 else int(rng.integers(1, 3))
        else:
            length = 7 * max(1, int(np.ceil(hours / rng.uniform(1.5, 6.0)))) - 1
        first = YEAR_START + timedelta(days=int(rng.integers(0, max(1, (YEAR_END - YEAR_START).days - length))))
        places = [None, 0, int(rng.integers(1, 26))][int(rng.choice(3, p=[0.3, 0.15, 0.55]))]
        out.append(Slot(f"{key}/run{n}", first, first + timedelta(days=length), places))
    return tuple(out)


def make_catalogue(n: int, rng) -> list[Activity]:
    kinds = list(KINDS)
    shares = np.array([KINDS[k][0] for k in kinds])
    by_competency: dict[str, list[int]] = {c: [] for c in COMPETENCIES}
    acts: list[Activity] = []
    for i in range(n):
        kind = kinds[int(rng.choice(len(kinds), p=shares / shares.sum()))]
        _, hours_choice, scheduled, top = KINDS[kind]
        hours = float(rng.choice(hours_choice))
        codes = list(rng.choice(COMPETENCIES, size=int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])), replace=False))
        # Longer activities reach higher levels: 4 h about level 2, 12 h level 3, 24 h level 4, 48 h and more 5.
        reach = 1.5 + 0.9 * np.log2(hours / 4) + (1.0 if kind in ("mentoring", "internship") else 0.0)
        covers = {c: int(np.clip(round(reach + rng.normal(0, 0.6)), 2, top)) for c in codes}
        requires: list[str] = []
        if i and rng.random() < 0.25:
            # Mostly an earlier activity on the same competency (basic before advanced), else any earlier one.
            pool = [j for c in codes for j in by_competency[c]] or list(range(i))
            for j in rng.choice(pool, size=min(len(pool), int(rng.integers(1, 3))), replace=False):
                if acts[int(j)].key not in requires:
                    requires.append(acts[int(j)].key)
        key = f"{kind}:{i}"
        delivery = str(rng.choice(["online", "onsite", "mixed"], p=[0.5, 0.3, 0.2]))
        slots = _slots(rng, key, kind, hours) if rng.random() < scheduled else ()
        acts.append(Activity(key, f"{kind} {i}", kind, hours, delivery, covers, tuple(requires), slots))
        for c in codes:
            by_competency[c].append(i)
    return acts


def make_teacher(acts: list[Activity], rng, hard: str | None):
    codes = rng.choice(COMPETENCIES, size=int(rng.integers(2, 9)), replace=False)
    deficits = []
    for c in codes:
        level = int(rng.integers(1, 4))
        deficits.append(Deficit(str(c), level, min(6, level + int(rng.integers(1, 3))), float(rng.uniform(0.5, 1))))
    start = YEAR_START + timedelta(days=int(rng.integers(0, 100)))
    end = start + timedelta(days=int(rng.integers(90, 275)))
    weekly = float(rng.choice([2, 3, 4, 5, 6, 8]))
    picks = [acts[int(j)].key for j in rng.choice(len(acts), size=4, replace=False)]
    done = frozenset(picks[: int(rng.integers(0, 3))])
    required = frozenset(picks[2:3]) if rng.random() < 0.1 else frozenset()
    excluded = frozenset(picks[3:]) if rng.random() < 0.1 else frozenset()
    if hard == "zero_budget":
        weekly = 0.0
    elif hard == "tiny_budget":
        weekly, end = 0.25, start + timedelta(days=30)
    elif hard == "short_period":  # level 5 or 6 within a week
        end = start + timedelta(days=6)
        deficits = [Deficit(d.competency, d.level, max(d.target, 5), d.probability) for d in deficits]
    elif hard == "no_activity":
        deficits = [Deficit("K99", 1, 3)]
    delivery = "online" if rng.random() < 0.25 else None
    return deficits, Constraints(start, end, weekly, delivery, done, required, excluded)


def _p(values, q) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def run_size(n: int, teachers: int, seed: int, time_limit: float):
    rng = np.random.default_rng([seed, n])
    acts = make_catalogue(n, rng)
    times = {"milp": [], "greedy": []}
    cpu = {"milp": [], "greedy": []}
    ratios, rows = [], {"infeasible": 0, "explained": 0, "partial": 0, "partial_explained": 0, "more": 0, "fewer": 0,
                        "fallback": 0, "cuts": 0, "hard": 0}
    for t in range(teachers):
        hard = HARD[t % len(HARD)] if rng.random() < 0.125 else None
        deficits, constraints = make_teacher(acts, rng, hard)
        routes = {}
        for method in ("milp", "greedy"):
            started, started_cpu = time.perf_counter(), time.process_time()
            routes[method] = build_route(deficits, acts, constraints, method=method, time_limit=time_limit)
            times[method].append(time.perf_counter() - started)
            cpu[method].append(time.process_time() - started_cpu)
        ours, greedy = routes["milp"], routes["greedy"]
        rows["hard"] += hard is not None
        rows["fallback"] += ours.method != "milp"
        rows["cuts"] += ours.solves > 1
        if ours.status == "infeasible":
            rows["infeasible"] += 1
            rows["explained"] += bool(ours.gaps or ours.problems)
        elif ours.gaps:
            rows["partial"] += 1
            budget = any(g.reason == "budget" for g in ours.gaps)
            rows["partial_explained"] += not budget or bool(ours.problems)
        covered, greedy_covered = len(ours.covered), len(greedy.covered)
        rows["more"] += covered > greedy_covered
        rows["fewer"] += covered < greedy_covered
        if ours.steps and greedy.steps and covered == greedy_covered:
            ratios.append(ours.total_hours / greedy.total_hours)
    return acts, times, cpu, ratios, rows


def _teachers(n: int, args) -> int:
    return args.teachers or ((20 if n >= 5000 else 30) if args.quick else 200)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30/30/20 teachers per size instead of 200")
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 5000])
    parser.add_argument("--teachers", type=int, help="teachers per size (default 200, --quick 30 and 20 at 5 000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=5.0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summary: dict = {"sizes": args.sizes}
    all_ratios, infeasible, explained, partial, partial_explained = [], 0, 0, 0, 0
    for n in args.sizes:
        teachers = _teachers(n, args)
        acts, times, cpu, ratios, rows = run_size(n, teachers, args.seed, args.time_limit)
        all_ratios += ratios
        infeasible, explained = infeasible + rows["infeasible"], explained + rows["explained"]
        partial, partial_explained = partial + rows["partial"], partial_explained + rows["partial_explained"]
        scheduled = sum(bool(a.slots) for a in acts) / len(acts)
        chained = sum(bool(a.requires) for a in acts) / len(acts)
        for method, values in times.items():
            tag = "" if method == "milp" else "greedy_"
            summary[f"{tag}median_s_{n}"] = round(_p(values, 50), 4)
            summary[f"{tag}p95_s_{n}"] = round(_p(values, 95), 4)
            # CPU time of this process: on a shared machine it moves far less than wall time.
            summary[f"{tag}cpu_median_s_{n}"] = round(_p(cpu[method], 50), 4)
            summary[f"{tag}cpu_p95_s_{n}"] = round(_p(cpu[method], 95), 4)
        summary[f"hours_ratio_max_{n}"] = round(max(ratios), 4) if ratios else None
        summary[f"hours_ratio_mean_{n}"] = round(float(np.mean(ratios)), 4) if ratios else None
        summary[f"milp_covers_more_{n}"] = rows["more"]
        summary[f"milp_covers_fewer_{n}"] = rows["fewer"]
        summary[f"fallbacks_{n}"] = rows["fallback"]
        print(
            f"{n:>5} activities ({scheduled:.0%} with dated slots, {chained:.0%} with prerequisites), {teachers} "
            f"teachers ({rows['hard']} made hard): milp median {summary[f'median_s_{n}']} s p95 "
            f"{summary[f'p95_s_{n}']} s; greedy median {summary[f'greedy_median_s_{n}']} s p95 "
            f"{summary[f'greedy_p95_s_{n}']} s (CPU: milp median {summary[f'cpu_median_s_{n}']} s p95 "
            f"{summary[f'cpu_p95_s_{n}']} s, greedy median {summary[f'greedy_cpu_median_s_{n}']} s p95 "
            f"{summary[f'greedy_cpu_p95_s_{n}']} s); hours milp/greedy mean {summary[f'hours_ratio_mean_{n}']} max "
            f"{summary[f'hours_ratio_max_{n}']} on {len(ratios)}; milp covers more {rows['more']}, fewer "
            f"{rows['fewer']}; infeasible {rows['infeasible']} (explained {rows['explained']}), partial "
            f"{rows['partial']} (explained {rows['partial_explained']}); resolved after a cut or fewer deficits "
            f"{rows['cuts']}; fell back to greedy {rows['fallback']}",
            file=sys.stderr,
            flush=True,
        )
    planned = sum(_teachers(n, args) for n in args.sizes)
    summary.update(
        {
            "teachers_per_size": [_teachers(n, args) for n in args.sizes],
            "hours_ratio_vs_greedy_max": round(max(all_ratios), 4) if all_ratios else None,
            "hours_ratio_vs_greedy_mean": round(float(np.mean(all_ratios)), 4) if all_ratios else None,
            "hours_ratio_vs_greedy_min": round(min(all_ratios), 4) if all_ratios else None,
            "greedy_worse_share": round(float(np.mean(np.array(all_ratios) < 1 - 1e-9)), 4) if all_ratios else None,
            "infeasible_share": round(infeasible / planned, 4),
            "infeasible_explained": round(explained / infeasible, 4) if infeasible else 1.0,
            "partial_share": round(partial / planned, 4),
            "partial_explained": round(partial_explained / partial, 4) if partial else 1.0,
            "seconds": round(time.perf_counter() - started, 1),
        }
    )
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
