"""Relax-and-check (DOMAIN.md §F.5): a selection MILP solved by HiGHS, list scheduling, no-good cuts."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from assessments.planner.prepare import DAY, Prepared
from assessments.planner.schedule import Schedule, schedule

# Tie-breaks under the hours: one activity weighs 1e-4 h, one week of a scheduled slot's end 1e-7 h, so they
# never outweigh a real difference in hours (catalogue hours come in halves and quarters at the finest).
PER_ACTIVITY, PER_WEEK = 1e-4, 1e-7
MAX_CUTS = 25
OPTIONS = {"mip_rel_gap": 1e-9, "presolve": True}


@dataclass
class Outcome:
    """What an optimiser found; ``selection`` maps candidate -> slot position (None: self-paced)."""

    selection: dict[int, int | None] | None = None
    schedule: Schedule | None = None
    optimal: bool = False
    fallback: str | None = None
    solves: int = 0
    required_fit: bool = True


@dataclass
class _Rows:
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)

    def add(self, terms, lb=-np.inf, ub=np.inf) -> None:
        r = len(self.lb)
        for col, val in terms:
            self.rows.append(r)
            self.cols.append(col)
            self.vals.append(val)
        self.lb.append(lb)
        self.ub.append(ub)

    def constraint(self, n: int) -> LinearConstraint:
        a = coo_array((self.vals, (self.rows, self.cols)), shape=(len(self.lb), n)).tocsr()
        return LinearConstraint(a, np.array(self.lb), np.array(self.ub))


class Model:
    """Variables: x (one per candidate), y (one per usable slot of a scheduled candidate), z (one per deficit).

    The time rows are necessary conditions of the list schedule, so they never cut a feasible selection.
    From the start: each week's scheduled load fits its budget and all hours fit the period. Added for a
    scheduled activity once a selection with it failed the check (they are dense, and rarely needed): a slot's
    self-paced ancestors fit in the weeks before it, and its self-paced descendants in the weeks after it.
    """

    def __init__(self, prep: Prepared, timed: bool = True, bound: float | None = None):
        self.prep, n, k = prep, len(prep), len(prep.coverable)
        self.y: list[list[int]] = []
        col = n
        for slots in prep.slots:
            self.y.append(list(range(col, col + len(slots))))
            col += len(slots)
        self.z = list(range(col, col + k))
        self.size = col + k
        rows = _Rows()
        for j in range(k):
            rows.add([(i, 1.0) for i in range(n) if prep.masks[i] >> j & 1] + [(self.z[j], -1.0)], lb=0.0)
        for i in range(n):
            if self.y[i]:
                rows.add([(v, 1.0) for v in self.y[i]] + [(i, -1.0)], lb=0.0, ub=0.0)
            for p in prep.prereqs[i]:
                rows.add([(i, 1.0), (p, -1.0)], ub=0.0)
                for s, slot in enumerate(prep.slots[i]) if prep.slots[p] else ():
                    earlier = [(v, -1.0) for v, q in zip(self.y[p], prep.slots[p], strict=True) if q.end < slot.start]
                    rows.add([(self.y[i][s], 1.0), *earlier], ub=0.0)
        if bound is not None:  # a route as good as greedy's exists, so nothing above its hours is worth a node
            rows.add([(i, prep.hours[i]) for i in range(n)], ub=bound + 1e-6)
        self.timed, self.tightened = timed, set()
        self._week_loads()
        if timed:
            for w in np.flatnonzero(self.load.any(axis=0)):
                rows.add(self._loads(int(w), int(w) + 1), ub=float(prep.period.cap[w]))
            rows.add([(i, prep.hours[i]) for i in range(n)], ub=prep.period.total)
        self.rows, self.extra = rows, _Rows()
        self.cost = np.zeros(self.size)
        self.cost[:n] = np.array(prep.hours) + PER_ACTIVITY
        for i in range(n):
            for v, slot in zip(self.y[i], prep.slots[i], strict=True):
                self.cost[v] = PER_WEEK * (slot.w1 + 1)
        self.lower = np.zeros(self.size)
        self.lower[prep.required] = 1.0

    def _week_loads(self) -> None:
        """load[s, w]: hours slot variable slot_vars[s] puts in week w; cum adds them up from week 0."""
        weeks = self.prep.period.weeks
        slots = [(v, slot) for i, ys in enumerate(self.y) for v, slot in zip(ys, self.prep.slots[i], strict=True)]
        self.slot_vars = np.array([v for v, _ in slots], dtype=int)
        self.load = np.zeros((len(slots), weeks))
        for row, (_, slot) in enumerate(slots):
            self.load[row, slot.w0 : slot.w1 + 1] = slot.per_week
        self.cum = np.concatenate((np.zeros((len(slots), 1)), np.cumsum(self.load, axis=1)), axis=1)

    def _loads(self, lo: int, hi: int) -> list[tuple[int, float]]:
        """(variable, hours of its slot in weeks lo..hi-1) for every slot with some."""
        hours = self.cum[:, hi] - self.cum[:, lo]
        hit = np.flatnonzero(hours > 0)
        return list(zip(self.slot_vars[hit].tolist(), hours[hit].tolist(), strict=True))

    def tighten(self, selection: dict[int, int | None]) -> None:
        """The dense rows for the scheduled activities of a selection that failed the check."""
        prep, period = self.prep, self.prep.period
        for i in selection:
            if not self.timed or not prep.slots[i] or i in self.tightened:
                continue
            self.tightened.add(i)
            before = sum(prep.hours[a] for a in prep.ancestors[i] if not prep.slots[a])
            after = [d for d in range(i + 1, len(prep)) if i in prep.ancestors[d] and not prep.slots[d]]
            big = sum(prep.hours[d] for d in after)
            for v, slot in zip(self.y[i], prep.slots[i], strict=True):
                if before:
                    self.extra.add([(v, before), *self._loads(0, slot.w0)], ub=float(period.before[slot.w0]))
                if after:
                    w = min(period.week(slot.end + DAY), period.weeks)
                    terms = [(d, prep.hours[d]) for d in after] + [(v, big), *self._loads(w, period.weeks)]
                    self.extra.add(terms, ub=float(period.after[w]) + big)

    def solve(self, cuts: list[list[int]], k: int | None, seconds: float):
        """Minimise hours covering at least ``k`` deficits, or (k None) maximise the deficits covered."""
        if not self.size:
            return SimpleNamespace(status=0, x=np.zeros(0), fun=0.0)
        lower, cost = self.lower.copy(), self.cost.copy()
        extra = _Rows()
        if k is None:
            cost[:] = 0.0
            cost[self.z] = -1.0
        elif k == len(self.z):
            lower[self.z] = 1.0
        else:
            extra.add([(v, 1.0) for v in self.z], lb=float(k))
        for cut in cuts:
            extra.add([(v, 1.0) for v in cut], ub=len(cut) - 1.0)
        constraints = [r.constraint(self.size) for r in (self.rows, self.extra, extra) if r.lb]
        return milp(cost, integrality=np.ones(self.size), bounds=Bounds(lower, np.ones(self.size)),
                    constraints=constraints, options={**OPTIONS, "time_limit": max(seconds, 0.01)})

    def decode(self, x: np.ndarray) -> tuple[dict[int, int | None], list[int]]:
        """The selection and the variables a no-good cut names: the chosen slots, or x of self-paced ones."""
        selection, chosen = {}, []
        for i in range(len(self.prep)):
            if x[i] > 0.5:
                if self.y[i]:
                    s = int(np.argmax(x[self.y[i]]))
                    selection[i] = s
                    chosen.append(self.y[i][s])
                else:
                    selection[i] = None
                    chosen.append(i)
        return selection, chosen


def minimum_hours(prep: Prepared, seconds: float) -> float | None:
    """The fewest hours covering every coverable deficit and the required activities, time ignored."""
    res = Model(prep, timed=False).solve([], len(prep.coverable), seconds)
    if res.x is None:
        return None
    return float(sum(h for h, x in zip(prep.hours, res.x, strict=False) if x > 0.5))


def solve_milp(prep: Prepared, time_limit: float, bound: float | None = None) -> Outcome:
    """Cover every deficit if the time rows allow, else as many as they allow; check the schedule and cut.

    ``bound``: the hours of a known route covering every deficit; no better route can hold more hours.
    """
    deadline = time.perf_counter() + time_limit
    model, out = Model(prep, bound=bound), Outcome(optimal=True)
    cuts: list[list[int]] = []
    k = len(prep.coverable)
    while len(cuts) <= MAX_CUTS:
        if time.perf_counter() > deadline:
            return Outcome(fallback="timeout", solves=out.solves)
        res = model.solve(cuts, k, deadline - time.perf_counter())
        out.solves += 1
        if res.status == 2 and k == 0:  # not even the required activities fit
            return Outcome(required_fit=False, solves=out.solves, optimal=True)
        if res.status == 2:  # infeasible: fewer deficits, found by maximising coverage under the same rows
            best = model.solve(cuts, None, deadline - time.perf_counter())
            out.solves += 1
            if best.x is None:
                if best.status == 2:
                    return Outcome(required_fit=False, solves=out.solves, optimal=True)
                return Outcome(fallback="timeout" if best.status == 1 else "solver", solves=out.solves)
            out.optimal &= best.status == 0
            k = min(k - 1, round(-best.fun))
            continue
        if res.x is None:
            return Outcome(fallback="timeout" if res.status == 1 else "solver", solves=out.solves)
        out.optimal &= res.status == 0
        selection, chosen = model.decode(res.x)
        plan = schedule(prep, selection)
        if plan.ok:
            out.selection, out.schedule = selection, plan
            return out
        # Adding work never rescues a schedule, so the cut forbids this selection and every superset of it.
        cuts.append(chosen)
        model.tighten(selection)
    return Outcome(fallback="cuts", solves=out.solves)
