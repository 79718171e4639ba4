"""What a session is built from and gives back: the bank, the settings with the one set of defaults, a result."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The one set of defaults: the diagnostic model, the staff form, the demo and bench/cat_simulation.py
# read these, so what the product runs is what the benchmark measured.
MIN_ITEMS = 1
#: DOMAIN.md §F.1.2's cap; the value-of-information stop ends most competencies well before it.
MAX_ITEMS = 12
#: The most-shown item's share of attempts that exposure control aims at (assessments.engine.exposure).
MAX_EXPOSURE = 0.3

#: A repeat sitting's seen items may make up this share of its scored items, when they are better.
MAX_SEEN_SHARE = 0.2

#: How strongly a session avoids an item (``Session.avoid``): offered only once every better tier of
#: the competency is used up, so a small bank degrades to repeats instead of running dry.
FRESH, WITHHELD, SEEN = 0, 1, 2


@dataclass(frozen=True)
class Bank:
    """The items a session may offer: 2PL parameters, competency index, and whether the item is scored.

    Unscored items are pilot items: offered now and then so they collect responses for calibration,
    never counted in an estimate or a limit.
    """

    a: np.ndarray
    b: np.ndarray
    competency: np.ndarray
    n_competencies: int
    scored: np.ndarray | None = None

    def __post_init__(self):
        n = len(self.a)
        if len(self.b) != n or len(self.competency) != n:
            raise ValueError("a, b and competency must have one entry per item")
        if n and (self.competency.min() < 0 or self.competency.max() >= self.n_competencies):
            raise ValueError("competency index out of range")
        if np.any(~np.isfinite(self.a)) or np.any(~np.isfinite(self.b)) or np.any(np.asarray(self.a) <= 0):
            raise ValueError("every item needs a finite discrimination a > 0 and a finite difficulty b")
        if self.scored is None:
            object.__setattr__(self, "scored", np.ones(n, dtype=bool))


@dataclass(frozen=True)
class Settings:
    """How a session measures and when it stops.

    ``level_cuts`` are the L−1 increasing abilities that separate L levels; a competency's target
    level t means "ability at least ``level_cuts[t-2]``", so target 1 can never be a deficit and is
    not tested. ``correlation`` is the population correlation of the competencies (None: independent).
    ``fixed_form`` turns adaptivity off: the items are offered in that order, all of them.

    A competency stops when its decision is ``confidence`` sure either way or reaches ``max_items``;
    the attempt stops when no open competency's next item is worth ``min_gain`` — the expected
    change it would make to a deficit probability (its preposterior variance) — or at ``max_total``.
    ``randomesque`` picks among that many best items so the same few are not shown to everyone;
    ``pilot_share`` is the chance of showing an unscored pilot item of the chosen competency;
    ``max_seen_share`` bounds the items a repeat sitting takes from those the teacher saw before.
    """

    level_cuts: tuple[float, ...]
    targets: tuple[int, ...]
    correlation: np.ndarray | None = None
    confidence: float = 0.95
    min_gain: float = 0.0035
    min_items: int = MIN_ITEMS
    max_items: int = MAX_ITEMS
    max_total: int | None = None
    randomesque: int = 2
    pilot_share: float = 0.0
    deficit_threshold: float = 0.5
    fixed_form: tuple[int, ...] | None = None
    max_seen_share: float = MAX_SEEN_SHARE

    def deficit_cuts(self) -> np.ndarray:
        cuts = [-np.inf if t <= 1 else self.level_cuts[t - 2] for t in self.targets]
        return np.asarray(cuts, dtype=float)


@dataclass(frozen=True)
class CompetencyResult:
    """One competency's measured result."""

    estimate: float
    standard_error: float
    p_deficit: float
    deficit: bool
    level: int
    level_probabilities: tuple[float, ...]
    n_items: int
