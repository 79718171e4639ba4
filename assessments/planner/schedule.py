"""List scheduling of a selection into the period's weeks: the "check" of relax-and-check."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from assessments.planner.period import EPS
from assessments.planner.prepare import DAY, Prepared


@dataclass(frozen=True)
class Placement:
    first: int  # weeks of the period
    last: int
    start: date
    end: date


@dataclass
class Schedule:
    """``failure`` is None when every activity fits; otherwise a code and the candidates involved."""

    placements: dict[int, Placement] = field(default_factory=dict)
    week_hours: np.ndarray | None = None
    failure: str | None = None
    culprits: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def finish(self) -> date | None:
        return max((p.end for p in self.placements.values()), default=None)


def _deadlines(prep: Prepared, selection: dict[int, int | None]) -> dict[int, int]:
    """The last week each self-paced activity may end in so its dependants can still fit: a priority only.

    Anything with a dependant gets a deadline before the last week, so activities nobody waits for are
    placed last, into whatever capacity is left (the dominance pruning relies on that).
    """
    period, deadline = prep.period, {}
    for i in sorted(selection, reverse=True):
        if selection[i] is not None:
            continue
        week = period.weeks - 1
        for d in prep.dependants[i]:
            if d not in selection:
                continue
            if selection[d] is not None:
                week = min(week, prep.slots[d][selection[d]].w0 - 1)
            else:
                span = math.ceil(prep.hours[d] / period.weekly_hours - EPS) if period.weekly_hours > 0 else period.weeks
                week = min(week, deadline[d] - max(1, span))
        deadline[i] = week
    return deadline


def schedule(prep: Prepared, selection: dict[int, int | None]) -> Schedule:
    """Place a selection (candidate -> slot position, None for self-paced) week by week.

    Scheduled activities go first, their hours spread evenly over their slot's weeks; then self-paced ones,
    earliest deadline first among those whose prerequisites are placed, each filling the earliest free
    capacity from the week after its prerequisites end (a self-paced activity occupies whole weeks).
    """
    period = prep.period
    result = Schedule(week_hours=np.zeros(period.weeks))
    for i in selection:
        missing = [p for p in prep.prereqs[i] if p not in selection]
        if missing:
            result.failure, result.culprits = "missing_prerequisite", (i, *missing)
            return result
    free = period.cap.copy()
    for i, s in selection.items():
        if s is not None:
            slot = prep.slots[i][s]
            free[slot.w0 : slot.w1 + 1] -= slot.per_week
            result.week_hours[slot.w0 : slot.w1 + 1] += slot.per_week
            result.placements[i] = Placement(slot.w0, slot.w1, slot.start, slot.end)
    over = np.flatnonzero(free < -EPS)
    if over.size:
        w = int(over[0])
        result.failure = "week_overload"
        result.culprits = tuple(i for i, p in result.placements.items() if p.first <= w <= p.last)
        return result
    np.maximum(free, 0.0, out=free)
    deadline = _deadlines(prep, selection)
    waiting = sorted(i for i, s in selection.items() if s is None)

    def release(i: int) -> date:
        return max((result.placements[p].end + DAY for p in prep.prereqs[i]), default=period.start)

    while waiting:
        ready = [i for i in waiting if all(p in result.placements for p in prep.prereqs[i])]
        i = min(ready, key=lambda i: (deadline[i], release(i), i))
        waiting.remove(i)
        begin = release(i)
        placed = period.fill(free, prep.hours[i], period.week(begin)) if begin <= period.end else None
        if placed is None:
            result.failure, result.culprits = "no_room", (i,)
            return result
        first, last, taken = placed
        free -= taken
        result.week_hours += taken
        result.placements[i] = Placement(first, last, max(begin, period.week_start(first)), period.week_end(last))
    for i in selection:
        for p in prep.prereqs[i]:
            if result.placements[p].end >= result.placements[i].start:
                result.failure, result.culprits = "too_late", (p, i)
                return result
    return result
