"""build_route: validate, prepare the candidates, optimise, and explain what could not be planned."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta

from assessments.planner.greedy import solve_greedy
from assessments.planner.milp import Outcome, minimum_hours, solve_milp
from assessments.planner.model import (
    BUDGET,
    FEASIBLE,
    INFEASIBLE,
    NOTHING_TO_DO,
    OPTIMAL,
    Activity,
    Constraints,
    Deficit,
    Gap,
    PlanError,
    Problem,
    Route,
    Step,
)
from assessments.planner.period import EPS
from assessments.planner.prepare import Prepared, prepare, restrict
from assessments.planner.schedule import schedule
from assessments.planner.validate import Catalogue, validate

UNLIMITED = 1e6  # weekly hours for "how many hours would it take", far above any real route
LONGER = timedelta(days=3 * 365)  # how far "a longer period" may reach


def _count(prep: Prepared, out: Outcome) -> tuple[int, float]:
    if out.selection is None:
        return -1, 0.0
    mask = 0
    for i in out.selection:
        mask |= prep.masks[i]
    return mask.bit_count(), sum(prep.hours[i] for i in out.selection)


def _better(prep: Prepared, a: Outcome, b: Outcome) -> bool:
    """Does b cover more deficits than a, or as many in fewer hours?"""
    (ca, ha), (cb, hb) = _count(prep, a), _count(prep, b)
    return cb > ca or (cb == ca and cb >= 0 and hb < ha - 1e-6)


def _explain(cat: Catalogue, constraints: Constraints, prep: Prepared, out: Outcome, covered: set[str], seconds):
    """Problems for a route the budget or the calendar cut short.

    budget_too_small: more weekly hours would close more; its value is the fewest hours that close everything
    this period allows with an unlimited weekly budget (min_weekly_hours spreads them evenly: a lower bound).
    period_too_short: some deficit cannot be closed in this period at any weekly budget; its value is the
    fewest weeks a longer period would need (again at an unlimited weekly budget).
    """
    problems = []
    if constraints.weekly_hours == 0:
        problems.append(Problem("zero_budget"))
    if not out.required_fit:
        problems.append(Problem("required_do_not_fit", tuple(sorted(prep.keys[i] for i in prep.required))))
    relaxed = prepare(cat, constraints, weekly_hours=UNLIMITED)
    if not out.required_fit or set(relaxed.coverable) - covered:
        need = minimum_hours(relaxed, max(seconds, 0.5))
        if need is not None:
            problems.append(Problem("budget_too_small", value=round(need, 2)))
            if need > prep.period.total + EPS:
                problems.append(Problem("min_weekly_hours", value=round(need / (prep.period.days / 7), 2)))
    if {g.competency for g in prep.gaps if g.reason == BUDGET} - set(relaxed.coverable):
        longer = prepare(cat, replace(constraints, end=constraints.end + LONGER), weekly_hours=UNLIMITED)
        plan = solve_milp(longer, max(seconds, 0.5)).schedule
        weeks = longer.period.week(plan.finish) + 1 if plan is not None and plan.finish else None
        problems.append(Problem("period_too_short", value=weeks))
    return problems


def _solve_milp(prep: Prepared, time_limit: float) -> Outcome:
    """Greedy first: its route bounds the MILP's hours, which prunes most of a large catalogue, and it is the
    answer whenever the MILP fails or (never expected) does worse."""
    greedy = solve_greedy(prep)
    count, hours = _count(prep, greedy)
    whole = greedy.required_fit and count == len(prep.coverable)
    sub = restrict(prep, hours) if whole else prep
    out = solve_milp(sub, time_limit, bound=hours if whole else None)
    if out.selection is not None and sub.origin is not None:
        out.selection = {sub.origin[i]: s for i, s in out.selection.items()}
        out.schedule = schedule(prep, out.selection)
        if not out.schedule.ok:  # the restricted order is the full one's, so this would be a bug; stay safe
            out = Outcome(fallback="solver", solves=out.solves)
    if greedy.selection is not None and (out.selection is None or _better(prep, out, greedy)):
        greedy.fallback, greedy.solves = out.fallback or "greedy_better", out.solves
        return greedy
    return out


def _steps(prep: Prepared, out: Outcome) -> tuple[Step, ...]:
    selection, plan = out.selection or {}, out.schedule
    steps = []
    for i, s in selection.items():
        place = plan.placements[i]
        steps.append(Step(
            activity=prep.keys[i],
            slot=prep.slots[i][s].key if s is not None else None,
            start=place.start,
            end=place.end,
            hours=prep.hours[i],
            closes=prep.covers[i],
            prerequisite_for=tuple(prep.keys[d] for d in prep.dependants[i] if d in selection),
            required=i in prep.required,
        ))
    return tuple(sorted(steps, key=lambda s: (s.start, s.end, s.activity)))


def build_route(
    deficits: Iterable[Deficit],
    activities: Iterable[Activity],
    constraints: Constraints,
    *,
    method: str = "milp",
    time_limit: float = 5.0,
) -> Route:
    """The cheapest route (fewest hours, then fewest activities, then earliest finish) that closes the deficits.

    Deficits no usable activity can close, and those the budget leaves out, come back as gaps; the route
    still covers the rest. Raises PlanError for invalid input.
    """
    if method not in ("milp", "greedy"):
        raise PlanError(f"unknown method {method!r}", "method")
    started = time.perf_counter()
    cat = validate(deficits, activities, constraints)
    prep = prepare(cat, constraints)
    weeks = prep.period.weeks
    if prep.nothing_to_do:
        return Route((), 0.0, method, NOTHING_TO_DO, week_hours=(0.0,) * weeks)
    if not prep.coverable and not prep.required:
        out = Outcome(selection={})
    elif method == "greedy":
        out = solve_greedy(prep)
    else:
        out, method = _solve_milp(prep, time_limit), "milp"
        if out.fallback:
            method = "greedy"
    covered = {c for i in out.selection or {} for c in prep.covers[i]}
    gaps = list(prep.gaps) + [Gap(c, BUDGET) for c in prep.coverable if c not in covered]
    problems = list(prep.problems)
    if not out.required_fit or any(g.reason == BUDGET for g in gaps):
        problems += _explain(cat, constraints, prep, out, covered, time_limit - (time.perf_counter() - started))
    steps = _steps(prep, out) if out.required_fit else ()
    if not steps:
        status = INFEASIBLE
    else:
        status = OPTIMAL if method == "milp" and out.optimal else FEASIBLE
    plan = out.schedule if steps else None
    return Route(
        steps=steps,
        total_hours=round(sum(s.hours for s in steps), 6),
        method=method,
        status=status,
        gaps=tuple(sorted(gaps, key=lambda g: g.competency)),
        problems=tuple(problems),
        fallback=out.fallback,
        week_hours=tuple(round(float(h), 4) for h in plan.week_hours) if plan is not None else (0.0,) * weeks,
        solves=out.solves,
    )
