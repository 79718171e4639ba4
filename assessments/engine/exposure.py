"""Exposure control: which items an attempt withholds so no item is shown to more than a set share of teachers.

The item-eligibility method (van der Linden & Veldkamp, 2004; 2007): before an attempt each item is
made eligible with a probability, and an ineligible item is withheld for the whole attempt. Like
Sympson–Hetter it bounds the share of attempts that see an item, but its probabilities come from the
counts of earlier attempts rather than from rounds of simulation before going live, so it follows the
real population and corrects itself when the bank or the teachers change. Drawing once per attempt
(not per question) keeps an attempt's state a fixed set plus its answers, so a rebuilt session is the
same session.
"""

from __future__ import annotations

import numpy as np


def eligibility(shown: np.ndarray, eligible: np.ndarray, attempts, rate: float) -> np.ndarray:
    """P(eligible) of each item for the next attempt, from the earlier attempts' counts.

    ``shown[i]``: attempts that were shown item i; ``eligible[i]``: attempts in which it was eligible
    (shown implies eligible); ``attempts``: how many attempts could have shown it (a number, or one per
    item when diagnostics cover different competencies). An eligible item is shown with probability
    q = shown / eligible, so it is made eligible with the probability that
    brings its cumulative count to ``rate`` × (attempts + 1): the published r / q when the item sits
    at its rate, 1 when it is below, 0 while an early excess is being paid back — which keeps the
    share over all attempts, not only in the long run, at the rate. An item never yet eligible has
    no q to go by (nor one never shown when eligible) and is eligible.
    """
    if not 0.0 < rate <= 1.0:
        raise ValueError("the exposure rate lies in (0, 1]")
    shown = np.asarray(shown, dtype=float)
    eligible = np.asarray(eligible, dtype=float)
    if np.any(shown > eligible) or np.any(shown < 0):
        raise ValueError("an item can only be shown in an attempt in which it was eligible")
    q = shown / np.maximum(eligible, 1.0)
    allowance = rate * (np.asarray(attempts, dtype=float) + 1.0) - shown
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(q > 0, allowance / q, 1.0)
    return np.clip(p, 0.0, 1.0)


def withheld(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One attempt's draw: True for the items it withholds."""
    return rng.random(len(probabilities)) >= probabilities
