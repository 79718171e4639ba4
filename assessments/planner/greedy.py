"""The baseline: repeatedly take the activity covering most new deficits per hour (its prerequisites included)."""

from __future__ import annotations

from assessments.planner.milp import Outcome
from assessments.planner.period import EPS
from assessments.planner.prepare import Prepared
from assessments.planner.schedule import schedule


def _with(prep: Prepared, i: int, base: dict[int, int | None]) -> dict[int, int | None] | None:
    """``base`` plus i and its missing prerequisites, each scheduled one on its earliest slot that fits."""
    trial = dict(base)
    for a in sorted(prep.ancestors[i] | {i}):
        if a in trial:
            continue
        trial[a] = None
        for s in range(len(prep.slots[a])):
            trial[a] = s
            if schedule(prep, trial).ok:
                break
        else:
            if prep.slots[a]:
                return None
    return trial if schedule(prep, trial).ok else None


def _covered(prep: Prepared, selection) -> int:
    mask = 0
    for i in selection:
        mask |= prep.masks[i]
    return mask


def solve_greedy(prep: Prepared) -> Outcome:
    selection: dict[int, int | None] = {}
    for i in prep.required:
        if i not in selection:
            trial = _with(prep, i, selection)
            if trial is None:
                return Outcome(required_fit=False, optimal=False)
            selection = trial
    everything = (1 << len(prep.coverable)) - 1
    while (uncovered := everything & ~_covered(prep, selection)) != 0:
        spent = sum(prep.hours[i] for i in selection)
        scored = []
        for i in range(len(prep)):
            new = (prep.masks[i] & uncovered).bit_count()
            if i in selection or not new:
                continue
            cost = sum(prep.hours[a] for a in prep.ancestors[i] | {i} if a not in selection)
            if spent + cost <= prep.period.total + EPS:
                scored.append((-new / cost, -new, cost, i))
        for *_, i in sorted(scored):
            trial = _with(prep, i, selection)
            if trial is not None:
                selection = trial
                break
        else:
            break
    # Later picks often cover what an earlier one was taken for; drop what became redundant, dependants first.
    needed = _covered(prep, selection)
    for i in sorted(selection, reverse=True):
        if i in prep.required or any(d in selection for d in prep.dependants[i]):
            continue
        rest = {a: s for a, s in selection.items() if a != i}
        if _covered(prep, rest) == needed and schedule(prep, rest).ok:
            selection = rest
    return Outcome(selection=selection, schedule=schedule(prep, selection), optimal=False)
