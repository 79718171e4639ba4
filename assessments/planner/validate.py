"""Input checks that raise PlanError, and the prerequisite graph in topological order."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assessments.planner.model import DELIVERIES, LEVELS, Activity, Constraints, Deficit, PlanError


@dataclass
class Catalogue:
    """The activities by index; ``prereqs`` drop the done ones, which are satisfied already."""

    activities: Sequence[Activity]
    index: dict[str, int]
    prereqs: list[list[int]]
    order: list[int]  # prerequisites before dependants
    deficits: list[Deficit]  # one per competency


def _finite(value) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _check_constraints(c: Constraints) -> None:
    if c.end < c.start:
        raise PlanError(f"the period ends ({c.end}) before it starts ({c.start})", "period")
    if not _finite(c.weekly_hours) or c.weekly_hours < 0:
        raise PlanError(f"weekly hours must be a finite number >= 0, not {c.weekly_hours!r}", "budget")
    if c.delivery not in (None, "online", "onsite"):
        raise PlanError(f"unknown delivery constraint {c.delivery!r}", "delivery")
    both = sorted(c.required & c.excluded)
    if both:
        raise PlanError(f"required and excluded at once: {', '.join(both)}", "required_excluded", tuple(both))


def _check_activity(a: Activity) -> None:
    try:
        positive = 0 < a.hours < math.inf  # NaN fails too
    except TypeError:
        positive = False
    if not positive:
        raise PlanError(f"{a.key}: hours must be > 0, not {a.hours!r}", "hours", (a.key,))
    if a.delivery not in DELIVERIES:
        raise PlanError(f"{a.key}: unknown delivery {a.delivery!r}", "delivery", (a.key,))
    for code, level in a.covers.items():
        if level not in LEVELS:
            raise PlanError(f"{a.key}: level {level!r} of {code} is not 1..6", "level", (a.key,))
    for slot in a.slots:
        if slot.end < slot.start:
            raise PlanError(f"{a.key}: slot {slot.key} ends before it starts", "slot_dates", (a.key, slot.key))
        if slot.free_places is not None and slot.free_places < 0:
            raise PlanError(f"{a.key}: slot {slot.key} has negative free places", "free_places", (a.key, slot.key))


def _merge_deficits(deficits: Iterable[Deficit]) -> list[Deficit]:
    """One deficit per competency; the highest target wins, since covering it covers the lower ones too."""
    merged: dict[str, Deficit] = {}
    for d in deficits:
        if d.level not in LEVELS or d.target not in LEVELS:
            raise PlanError(f"{d.competency}: levels must be 1..6", "level", (d.competency,))
        if not _finite(d.probability) or not 0 <= d.probability <= 1:
            raise PlanError(f"{d.competency}: probability must be in [0, 1]", "probability", (d.competency,))
        old = merged.get(d.competency)
        if old is None or d.target > old.target:
            merged[d.competency] = d
    return list(merged.values())


def find_cycle(remaining: set[int], prereqs: list[list[int]]) -> list[int]:
    """A cycle among nodes Kahn's algorithm could not order: each has a prerequisite left in ``remaining``."""
    node = min(remaining)
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(p for p in prereqs[node] if p in remaining)
    return path[seen[node] :]


def topological_order(prereqs: list[list[int]]) -> tuple[list[int], set[int]]:
    """Kahn's order over "p is a prerequisite of a"; the second value holds the nodes left on cycles."""
    n = len(prereqs)
    indegree = [0] * n
    dependants: list[list[int]] = [[] for _ in range(n)]
    for a, ps in enumerate(prereqs):
        for p in set(ps) if ps else ():
            dependants[p].append(a)
            indegree[a] += 1
    queue = [a for a in range(n) if indegree[a] == 0]
    order: list[int] = []
    while queue:
        node = queue.pop()
        order.append(node)
        for d in dependants[node]:
            indegree[d] -= 1
            if indegree[d] == 0:
                queue.append(d)
    return order, set(range(n)) - set(order)


def validate(deficits: Iterable[Deficit], activities: Iterable[Activity], constraints: Constraints) -> Catalogue:
    _check_constraints(constraints)
    acts = list(activities)
    index: dict[str, int] = {}
    for i, a in enumerate(acts):
        if a.key in index:
            raise PlanError(f"duplicate activity key {a.key}", "duplicate_key", (a.key,))
        index[a.key] = i
        _check_activity(a)
    full: list[list[int]] = []
    for a in acts:
        if not a.requires:
            full.append([])
            continue
        row = [index[key] for key in a.requires if key in index]
        if len(row) < len(a.requires):
            for key in a.requires:
                if key not in index and key not in constraints.done:
                    raise PlanError(f"{a.key} requires unknown {key}", "unknown_prerequisite", (a.key, key))
        full.append(row)
    # Cycles are a catalogue error even when one of their activities is done, so the full graph is checked.
    order, left = topological_order(full)
    if left:
        cycle = tuple(acts[i].key for i in find_cycle(left, full))
        raise PlanError(f"circular prerequisites: {' -> '.join(cycle)}", "cycle", cycle)
    unknown = sorted(k for k in constraints.required if k not in index and k not in constraints.done)
    if unknown:
        raise PlanError(f"required activities not in the catalogue: {', '.join(unknown)}", "unknown_required",
                        tuple(unknown))
    done = {index[k] for k in constraints.done if k in index}
    prereqs = [sorted({p for p in row if p not in done}) if row else row for row in full]
    return Catalogue(acts, index, prereqs, order, _merge_deficits(deficits))
