"""The planner's inputs and outputs: frozen dataclasses the web layer fills from rows and renders back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

DELIVERIES = ("online", "onsite", "mixed")
LEVELS = range(1, 7)

# Gap reasons, in the order the candidates are filtered: a deficit's reason is the furthest stage any
# activity reaching its target got to, so "budget" means "it would be possible with more time".
NO_ACTIVITY = "no_activity"
EXCLUDED = "excluded"
DELIVERY = "delivery"
DATES = "dates"
BUDGET = "budget"
STAGES = (EXCLUDED, DELIVERY, DATES, BUDGET)

OPTIMAL, FEASIBLE, INFEASIBLE, NOTHING_TO_DO = "optimal", "feasible", "infeasible", "nothing_to_do"


@dataclass(frozen=True)
class Slot:
    """One dated way to take a scheduled activity: a group's run or one consultation slot."""

    key: str
    start: date
    end: date  # inclusive; == start for a single session
    free_places: int | None = None  # None: unlimited; 0: full, cannot be chosen


@dataclass(frozen=True)
class Activity:
    """Something a teacher can do for a competency; no slots means self-paced, anywhere in the period."""

    key: str
    title: str
    kind: str  # "module" | "session" | "consultation" | "mentoring" | "internship" | "external"
    hours: float
    delivery: str  # "online" | "onsite" | "mixed"
    covers: Mapping[str, int]  # competency code -> the level this activity brings a teacher up to
    requires: tuple[str, ...] = ()
    slots: tuple[Slot, ...] = ()


@dataclass(frozen=True)
class Deficit:
    """A measured gap: covered by an activity whose ``covers[competency] >= target``."""

    competency: str
    level: int
    target: int
    probability: float = 1.0


@dataclass(frozen=True)
class Constraints:
    """The teacher's period (inclusive), weekly hour budget, delivery form and the tutor's choices."""

    start: date
    end: date
    weekly_hours: float
    delivery: str | None = None  # "online": online or mixed only; "onsite": onsite or mixed only
    done: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Step:
    """One activity of the route with its dates; ``closes`` lists the deficits (competency codes) it covers."""

    activity: str
    slot: str | None
    start: date
    end: date
    hours: float
    closes: tuple[str, ...] = ()
    prerequisite_for: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Gap:
    """A deficit the route leaves open. ``reason``: no_activity (nothing in the catalogue reaches the target),
    excluded (only excluded activities do), delivery (only the other delivery form), dates (only scheduled ones
    with no open slot inside the period), budget (possible, but not within the weekly hours and the period)."""

    competency: str
    reason: str


@dataclass(frozen=True)
class Problem:
    """Why a route is infeasible or partial, as a code the web layer translates; never a sentence.

    zero_budget; budget_too_small (value: the fewest hours that close every deficit this period allows);
    min_weekly_hours (value: those hours spread evenly over the period, a lower bound, only when above the
    budget); period_too_short (value: the fewest weeks a longer period would need, or None); required_do_not_fit
    (keys: the required activities, which fit one by one but not together); required_excluded,
    required_delivery, required_dates, required_budget (keys: a required activity left out for that reason).
    """

    code: str
    keys: tuple[str, ...] = ()
    value: float | None = None


@dataclass(frozen=True)
class Route:
    """The planner's answer.

    ``method`` says which algorithm produced the steps; when "milp" was asked for but greedy's route
    was returned, ``fallback`` says why ("timeout", "solver", "cuts" or "greedy_better").
    ``week_hours`` is the planned load of each week of the period (week 0 starts on the period's start),
    ``solves`` the number of MILP solves made.
    """

    steps: tuple[Step, ...]
    total_hours: float
    method: str
    status: str
    gaps: tuple[Gap, ...] = ()
    problems: tuple[Problem, ...] = ()
    fallback: str | None = None
    week_hours: tuple[float, ...] = ()
    solves: int = 0

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(sorted({c for step in self.steps for c in step.closes}))


class PlanError(ValueError):
    """Invalid input. ``code`` is stable ("cycle", "unknown_prerequisite", "hours", ...); ``keys`` names the culprits,
    for a cycle in prerequisite order (each key requires the next, the last requires the first)."""

    def __init__(self, message: str, code: str, keys: tuple[str, ...] = ()):
        super().__init__(message)
        self.code = code
        self.keys = keys
