"""An adaptive (or fixed-form) diagnostic session: answers in, next item and per-competency deficits out."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assessments.engine import irt
from assessments.engine.inputs import SEEN, Bank, CompetencyResult, Settings
from assessments.engine.prior import CorrelatedPrior, check_correlation

_STEP = irt.GRID[1] - irt.GRID[0]


def _below(cut: float) -> np.ndarray:
    """Share of each grid point's cell lying below ``cut``: a step that does not jump at grid points."""
    return np.clip((cut - irt.GRID) / _STEP + 0.5, 0.0, 1.0)


@dataclass
class Session:
    """The state of one attempt. Rebuild it by replaying the recorded answers; it holds nothing else.

    ``avoid`` gives each item a tier (FRESH, WITHHELD by exposure control, SEEN by this teacher in an
    earlier sitting): a competency offers its best item of the lowest tier it still has. With ``seed``
    each choice draws from its own generator keyed by (seed, answers so far), so a session rebuilt from
    the answers chooses exactly as the live one did; without it, ``rng`` is used.

    Why it ended is kept for the benchmark and the staff: ``closed_by[c]`` is "certain", "max_items",
    "bank" or "untestable" (None: still open), and ``stop`` is "all_closed", "no_gain", "max_total"
    or "fixed_form" once :meth:`next_item` returned None.
    """

    bank: Bank
    settings: Settings
    rng: np.random.Generator = field(default_factory=np.random.default_rng)
    avoid: np.ndarray | None = None
    seed: int | None = None

    def __post_init__(self):
        k, s = self.bank.n_competencies, self.settings
        if len(s.targets) != k:
            raise ValueError("one target level per competency is required")
        self._cuts = s.deficit_cuts()
        self._testable = np.isfinite(self._cuts)
        # One matmul gives every row's mass below its own cut and its total: columns are the distinct
        # cuts' step functions plus a column of ones.
        distinct = sorted(set(self._cuts.tolist()))
        self._steps = np.stack([_below(c) for c in distinct] + [np.ones_like(irt.GRID)], axis=1)
        self._cut_column = np.array([distinct.index(c) for c in self._cuts.tolist()])
        self._rows = np.arange(k)
        if s.correlation is not None and np.shape(s.correlation) != (k, k):
            raise ValueError("the correlation matrix needs one row and column per competency")
        self._prior = CorrelatedPrior(np.eye(k) if s.correlation is None else check_correlation(s.correlation))
        self.log_lik = np.zeros((k, irt.GRID.size))
        self.n_items = np.zeros(k, dtype=int)
        self.closed = (~self._testable).tolist()
        self.closed_by: list[str | None] = ["untestable" if c else None for c in self.closed]
        self.stop: str | None = None
        self._p_cache: tuple | None = None
        self._n_scored = 0
        self.used = np.zeros(len(self.bank.a), dtype=bool)
        self.answers: list[tuple[int, int]] = []
        # Per competency: its scored items, most informative at the deficit cut first.
        cut_of_item = np.where(self._testable[self.bank.competency], self._cuts[self.bank.competency], 0.0)
        info = irt.information(self.bank.a, self.bank.b, cut_of_item)
        tier = np.zeros(len(self.bank.a), dtype=int) if self.avoid is None else np.asarray(self.avoid, dtype=int)
        if len(tier) != len(self.bank.a):
            raise ValueError("avoid needs one tier per item")
        self._tier = tier
        self._info = info
        self._n_seen = 0
        # Lowest tier first, then most informative: lexsort's last key is the primary one.
        order = np.lexsort((np.arange(len(info)), -info, tier))
        comp, scored = self.bank.competency[order], self.bank.scored[order]
        self._free = [order[(comp == c) & scored].tolist() for c in range(k)]
        # P(right | θ) of each competency's best free item, kept for the gain computation.
        self._head_curve = np.stack([self._curve(c) for c in range(k)]) if k else np.zeros((0, irt.GRID.size))
        self._pilots = [order[(comp == c) & ~scored].tolist() for c in range(k)]

    # --- answers ------------------------------------------------------------------------------
    def record(self, item: int, correct: bool) -> None:
        """Take one answer into account (pilot items are only marked as used)."""
        if self.used[item]:
            raise ValueError(f"item {item} was already answered")
        # What the live session decided before offering this item: a rebuilt session replaying the
        # answers closes the same competencies at the same moments, and a closed one stays closed.
        self._close()
        self._p_cache = None
        self.used[item] = True
        self.answers.append((item, int(bool(correct))))
        c = int(self.bank.competency[item])
        if not self.bank.scored[item]:
            self._pilots[c].remove(item)
            return
        head = self._free[c][0]
        self._free[c].remove(item)
        if item == head:
            self._head_curve[c] = self._curve(c)
        row = self.log_lik[c]
        row += irt.log_likelihood(float(self.bank.a[item]), float(self.bank.b[item]), bool(correct))
        row -= row.max()
        self.n_items[c] += 1
        self._n_scored += 1
        self._n_seen += int(self._tier[item] == SEEN)
        self._prior.set_measurement(c, *irt.gaussian_message(self.log_lik[c]))

    def add_evidence(self, competency: int, a: float, b: float, score: float) -> None:
        """Take into account evidence from outside the bank's online items: a practical task a tutor
        scored by its rubric, as the share of points ``score`` on an item with parameters (a, b)."""
        self._p_cache = None
        row = self.log_lik[competency]
        row += irt.partial_log_likelihood(a, b, score)
        row -= row.max()
        self.n_items[competency] += 1
        self._prior.set_measurement(competency, *irt.gaussian_message(self.log_lik[competency]))

    @property
    def n_scored(self) -> int:
        return self._n_scored

    # --- posterior ----------------------------------------------------------------------------
    def _unnormalised(self) -> np.ndarray:
        """Each competency's posterior on the grid, up to a constant; its prior is conditioned on the others.

        The log-likelihood rows are kept with their maximum at 0 and the prior's log density is at
        most 0 at its mean and above −130 anywhere on the grid, so no row can underflow to all zeros.
        """
        mean, var = self._prior.cavities()
        z = np.subtract.outer(mean, irt.GRID)
        z *= z
        z *= (-0.5 / var)[:, None]
        z += self.log_lik
        return np.exp(z, out=z)

    def posteriors(self) -> np.ndarray:
        w = self._unnormalised()
        return w / w.sum(axis=1, keepdims=True)

    def p_deficit(self) -> np.ndarray:
        """P(θ below the deficit cut) per competency; 0 where the target cannot be missed."""
        masses = self._unnormalised() @ self._steps
        return masses[self._rows, self._cut_column] / masses[:, -1]

    # --- item choice --------------------------------------------------------------------------
    def _state(self):
        """(unnormalised posteriors, their masses below each cut and in all, P(deficit)), kept until the next answer."""
        if self._p_cache is None:
            w = self._unnormalised()
            masses = w @ self._steps
            self._p_cache = (w, masses, masses[self._rows, self._cut_column] / masses[:, -1])
        return self._p_cache

    def _close(self) -> tuple[list, list]:
        """Close every competency that is decided or out of items; (short of their minimum, open) ones."""
        s = self.settings
        if s.fixed_form is not None:
            return [], []
        p_array = self._state()[2]
        # Per competency in plain Python: a dozen numbers are cheaper as floats than as array operations.
        p, n_items, closed, margin = p_array.tolist(), self.n_items.tolist(), self.closed, s.confidence - 0.5
        short, open_ = [], []
        for c in range(len(closed)):
            if closed[c]:
                continue
            n, doubt = n_items[c], abs(p[c] - 0.5)
            if n >= s.max_items:
                closed[c], self.closed_by[c] = True, "max_items"
            elif not self._free[c]:
                closed[c], self.closed_by[c] = True, "bank"
            elif n >= s.min_items and doubt >= margin:
                closed[c], self.closed_by[c] = True, "certain"
            elif n < s.min_items:
                short.append((n, doubt, c))
            else:
                open_.append(c)
        return short, open_

    def next_item(self) -> int | None:
        """Close what is decided and choose the next item, or None when the attempt is over."""
        s = self.settings
        if s.fixed_form is not None:
            chosen = next((i for i in s.fixed_form if not self.used[i]), None)
            self.stop = "fixed_form" if chosen is None else None
            return chosen
        if s.max_total is not None and self._n_scored >= s.max_total:
            self.stop = "max_total"
            return None
        short, open_ = self._close()
        if short:
            # Every competency gets its minimum first, least-tested and then least certain first, so the
            # correlated prior hears from all of them before any one is pursued.
            c = min(short)[2]
        elif open_:
            w, masses, p_array = self._state()
            gains = self._gains(w / masses[:, -1:], p_array)
            c = max(open_, key=gains.__getitem__)
            if gains[c] < s.min_gain:
                self.stop = "no_gain"
                return None
        else:
            self.stop = "all_closed"
            return None
        self.stop = None
        rng = self.rng if self.seed is None else np.random.default_rng([self.seed, len(self.answers)])
        if s.pilot_share > 0.0 and self._pilots[c] and rng.random() < s.pilot_share:
            return self._pilots[c][int(rng.random() * len(self._pilots[c]))]
        free = self._free[c]
        seen = self._better_seen(c)
        if seen is not None:
            return seen
        # Only the head's tier (the list is ordered by tier first): a withheld or seen item is never
        # drawn while a fresher one is left.
        top = [i for i in free[: max(1, s.randomesque)] if self._tier[i] == self._tier[free[0]]]
        return top[int(rng.random() * len(top))]

    def _better_seen(self, c: int) -> int | None:
        """A seen item more informative than the competency's best fresher one, while seen items stay within
        ``max_seen_share`` of the sitting's scored items; else None. Forbidding them outright leaves the
        repeat sitting only the bank's weaker items where the teacher already had its best."""
        share, free = self.settings.max_seen_share, self._free[c]
        if share <= 0.0 or self._tier[free[0]] == SEEN or self._n_seen + 1 > share * (self._n_scored + 1):
            return None
        best = next((i for i in free if self._tier[i] == SEEN), None)
        return best if best is not None and self._info[best] > self._info[free[0]] else None

    def _gains(self, weights: np.ndarray, p: np.ndarray) -> np.ndarray:
        """How much each competency's best free item would move its P(deficit): the preposterior variance.

        Asking where this is largest spends items where a decision can still change, and its
        maximum falling below ``min_gain`` says further questions would change little.
        """
        joint = weights * self._head_curve
        masses = joint @ self._steps
        p_correct = masses[:, -1]
        below_correct = masses[self._rows, self._cut_column]
        after_correct = below_correct / p_correct
        after_wrong = (p - below_correct) / (1.0 - p_correct)
        return p_correct * (after_correct - p) ** 2 + (1.0 - p_correct) * (after_wrong - p) ** 2

    def _curve(self, c: int) -> np.ndarray:
        if not self._free[c]:
            return np.full(irt.GRID.size, 0.5)
        item = self._free[c][0]
        return irt.probability(self.bank.a[item], self.bank.b[item])

    # --- result -------------------------------------------------------------------------------
    def result(self) -> list[CompetencyResult]:
        """Per competency: EAP, posterior SD, P(deficit), decision and most probable level."""
        weights = self.posteriors()
        mean, var = irt.mean_and_variance(weights)
        masses = weights @ self._steps
        p_def = masses[self._rows, self._cut_column]
        above_cut = [1.0 - _below(c) for c in self.settings.level_cuts]
        results = []
        for c in range(self.bank.n_competencies):
            # P(θ ≥ lower edge of each level); level 1 has no lower edge, nothing lies above the top.
            above = [1.0] + [float(weights[c] @ e) for e in above_cut] + [0.0]
            levels = tuple(max(0.0, above[i] - above[i + 1]) for i in range(len(above) - 1))
            results.append(
                CompetencyResult(
                    estimate=float(mean[c]),
                    standard_error=float(np.sqrt(var[c])),
                    p_deficit=float(p_def[c]),
                    deficit=bool(self._testable[c] and p_def[c] >= self.settings.deficit_threshold),
                    level=int(np.argmax(levels)) + 1,
                    level_probabilities=levels,
                    n_items=int(self.n_items[c]),
                )
            )
        return results
