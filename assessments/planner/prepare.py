"""From validated input to the candidates both optimisers share: usable activities and slots, masks, gaps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from assessments.planner.model import BUDGET, DATES, DELIVERY, EXCLUDED, NO_ACTIVITY, STAGES, Gap, Problem
from assessments.planner.period import EPS, Period
from assessments.planner.validate import Catalogue

_STAGE = {name: i for i, name in enumerate(STAGES)}
DAY = timedelta(days=1)


@dataclass(frozen=True)
class SlotInfo:
    key: str
    start: date
    end: date
    w0: int
    w1: int
    per_week: float  # the activity's hours spread evenly over the weeks the slot touches


@dataclass
class Prepared:
    """Candidates are numbered in topological order, so a prerequisite always has a smaller index."""

    period: Period
    keys: list[str]
    hours: list[float]
    slots: list[list[SlotInfo]]  # empty for a self-paced activity
    prereqs: list[list[int]]
    dependants: list[list[int]]
    ancestors: list[frozenset[int]]
    masks: list[int]  # bit j: reaches the target of coverable[j]
    covers: list[tuple[str, ...]]  # the coverable competencies each candidate closes
    required: list[int]
    coverable: list[str]
    gaps: list[Gap] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    nothing_to_do: bool = False
    origin: list[int] | None = None  # after restrict(): each candidate's index in the unrestricted set

    def __len__(self) -> int:
        return len(self.keys)


def _open_deficits(cat: Catalogue, done: frozenset[str]):
    finished = [cat.activities[cat.index[k]] for k in done if k in cat.index]
    return [
        d for d in cat.deficits
        if d.target > d.level and not any(a.covers.get(d.competency, 0) >= d.target for a in finished)
    ]


def _relevant(cat: Catalogue, seeds: set[int]) -> set[int]:
    seen, stack = set(seeds), list(seeds)
    while stack:
        for p in cat.prereqs[stack.pop()]:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


def _usability(cat: Catalogue, relevant: set[int], period: Period, constraints):
    """Per relevant activity: the stage where it fails (None: usable), its usable slots and earliest end.

    The earliest end assumes the whole weekly budget is its own, so it is a bound, not a plan; it prunes
    slots that start before a prerequisite could possibly be over.
    """
    fail: dict[int, int | None] = {}
    slots: dict[int, list[SlotInfo]] = {}
    earliest: dict[int, date] = {}
    for i in (i for i in cat.order if i in relevant):
        a = cat.activities[i]
        if a.key in constraints.excluded:
            fail[i] = _STAGE[EXCLUDED]
            continue
        if constraints.delivery and a.delivery not in (constraints.delivery, "mixed"):
            fail[i] = _STAGE[DELIVERY]
            continue
        failed = [fail[p] for p in cat.prereqs[i] if fail[p] is not None]
        if failed:
            fail[i] = min(failed)
            continue
        release = max([earliest[p] + DAY for p in cat.prereqs[i]], default=period.start)
        fail[i] = _STAGE[BUDGET]
        if not a.slots:
            last = period.alone_last_week(period.week(release), a.hours) if release <= period.end else None
            if last is not None:
                fail[i], earliest[i] = None, period.week_end(last)
            continue
        dated = [s for s in a.slots if period.contains(s.start, s.end) and s.free_places != 0]
        if not dated:
            fail[i] = _STAGE[DATES]
            continue
        if all(s.start < release for s in dated):
            fail[i] = _STAGE[DATES]
            continue
        usable = []
        for s in sorted(dated, key=lambda s: (s.start, s.end, s.key)):
            w0, w1 = period.week(s.start), period.week(s.end)
            per_week = a.hours / (w1 - w0 + 1)
            if s.start >= release and per_week <= period.min_cap(w0, w1) + EPS:
                usable.append(SlotInfo(s.key, s.start, s.end, w0, w1, per_week))
        if usable:
            fail[i], slots[i], earliest[i] = None, usable, min(s.end for s in usable)
    return fail, slots


def _dominated(candidates: list[int], masks: dict[int, int], cat: Catalogue, slots, required: set[int]) -> set[int]:
    """Activities another one makes useless: b is self-paced with no prerequisites left, closes every deficit a
    closes, costs no more hours, and a is neither required nor anyone's prerequisite nor has prerequisites.

    Safe for the list scheduler too: activities nobody depends on are placed last, into whatever is left, so
    swapping a for b never makes a schedule fail.
    """
    is_prereq = {p for i in candidates for p in cat.prereqs[i]}
    free = [i for i in candidates if i not in slots and not cat.prereqs[i]]
    best: dict[int, list[tuple[float, int]]] = {}
    for b in free:
        best.setdefault(masks[b], []).append((cat.activities[b].hours, b))
    for entries in best.values():
        entries.sort()
    # The relation is a strict order (hours, then mask, then index break ties), so the best of each chain stays.
    out = set()
    for a in candidates:
        if a in required or a in is_prereq or cat.prereqs[a]:
            continue
        ha, ma = cat.activities[a].hours, masks[a]
        for mb, entries in best.items():
            if mb & ma != ma:
                continue
            for hb, b in entries[:2]:
                if b != a and hb <= ha + EPS and (hb < ha - EPS or mb != ma or b < a):
                    out.add(a)
                    break
            if a in out:
                break
    return out


def prepare(cat: Catalogue, constraints, weekly_hours: float | None = None, prune: bool = True) -> Prepared:
    """``weekly_hours`` overrides the budget (the minimum-hours question asks with an unlimited one);
    ``prune=False`` keeps dominated activities, for checks against brute force."""
    budget = constraints.weekly_hours if weekly_hours is None else weekly_hours
    period = Period(constraints.start, constraints.end, budget)
    deficits = _open_deficits(cat, constraints.done)
    acts, done = cat.activities, {cat.index[k] for k in constraints.done if k in cat.index}
    required_all = {cat.index[k] for k in constraints.required if k in cat.index} - done
    targets = {d.competency: d.target for d in deficits}
    reaching: dict[str, list[int]] = {c: [] for c in targets}
    for i, a in enumerate(acts):
        for c, level in a.covers.items():
            if c in targets and level >= targets[c] and i not in done:
                reaching[c].append(i)
    relevant = _relevant(cat, required_all | {i for rows in reaching.values() for i in rows})
    fail, slots = _usability(cat, relevant, period, constraints)

    gaps, coverable = [], []
    for d in deficits:
        rows = reaching[d.competency]
        if not rows:
            gaps.append(Gap(d.competency, NO_ACTIVITY))
        elif any(fail[i] is None for i in rows):
            coverable.append(d)
        else:
            gaps.append(Gap(d.competency, STAGES[max(fail[i] for i in rows)]))
    problems = [
        Problem(f"required_{STAGES[fail[i]]}", (acts[i].key,))
        for i in sorted(required_all, key=lambda i: acts[i].key) if fail[i] is not None
    ]
    required = {i for i in required_all if fail[i] is None}
    masks = {i: 0 for i in relevant}
    for j, d in enumerate(coverable):
        for i in reaching[d.competency]:
            masks[i] |= 1 << j
    seeds = {i for i in relevant if fail[i] is None and masks[i]} | required
    chosen = _relevant(cat, seeds)
    if prune:
        chosen -= _dominated(sorted(chosen), masks, cat, slots, required)
    order = [i for i in cat.order if i in chosen]
    number = {i: n for n, i in enumerate(order)}
    prereqs = [[number[p] for p in cat.prereqs[i]] for i in order]
    dependants: list[list[int]] = [[] for _ in order]
    ancestors: list[frozenset[int]] = []
    for n, ps in enumerate(prereqs):
        for p in ps:
            dependants[p].append(n)
        ancestors.append(frozenset().union(*(ancestors[p] | {p} for p in ps)))
    codes = [d.competency for d in coverable]
    return Prepared(
        period=period,
        keys=[acts[i].key for i in order],
        hours=[float(acts[i].hours) for i in order],
        slots=[slots.get(i, []) for i in order],
        prereqs=prereqs,
        dependants=dependants,
        ancestors=ancestors,
        masks=[masks[i] for i in order],
        covers=[tuple(c for j, c in enumerate(codes) if masks[i] >> j & 1) for i in order],
        required=sorted(number[i] for i in required),
        coverable=codes,
        gaps=gaps,
        problems=problems,
        nothing_to_do=not deficits and not required_all,
    )


def restrict(prep: Prepared, bound: float) -> Prepared:
    """Only candidates that fit a route of at most ``bound`` hours. A route with candidate i holds i, its
    prerequisites and the required activities (and theirs), and for every deficit these leave open at least one
    more activity, which costs no less than the cheapest activity closing that deficit. Order, and so the
    schedule's tie-breaks, is kept."""
    cheapest = [min((h for h, m in zip(prep.hours, prep.masks, strict=True) if m >> j & 1), default=0.0)
                for j in range(len(prep.coverable))]
    forced = set(prep.required).union(*(prep.ancestors[i] for i in prep.required))
    keep = []
    for i in range(len(prep)):
        closure = forced | prep.ancestors[i] | {i}
        mask = 0
        for a in closure:
            mask |= prep.masks[a]
        rest = max((h for j, h in enumerate(cheapest) if not mask >> j & 1), default=0.0)
        if sum(prep.hours[a] for a in closure) + rest <= bound + 1e-6:
            keep.append(i)
    # A prerequisite passes whenever its dependant does (whatever the dependant closes costs at most its hours);
    # the union makes the closure explicit rather than leaning on that argument.
    keep = sorted(set(keep).union(*(prep.ancestors[i] for i in keep)))
    number = {i: n for n, i in enumerate(keep)}
    return Prepared(
        period=prep.period,
        keys=[prep.keys[i] for i in keep],
        hours=[prep.hours[i] for i in keep],
        slots=[prep.slots[i] for i in keep],
        prereqs=[[number[p] for p in prep.prereqs[i]] for i in keep],
        dependants=[[number[d] for d in prep.dependants[i] if d in number] for i in keep],
        ancestors=[frozenset(number[a] for a in prep.ancestors[i]) for i in keep],
        masks=[prep.masks[i] for i in keep],
        covers=[prep.covers[i] for i in keep],
        required=[number[i] for i in prep.required],
        coverable=prep.coverable,
        gaps=prep.gaps,
        problems=prep.problems,
        nothing_to_do=prep.nothing_to_do,
        origin=keep,
    )
