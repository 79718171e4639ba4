"""Classical item analysis of one scale: facility, item–rest discrimination, KR-20 and the SEM."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FACILITY_RANGE = (0.1, 0.9)
MIN_DISCRIMINATION = 0.2


@dataclass(frozen=True)
class ItemStatistics:
    facility: float | None
    discrimination: float | None
    n_responses: int
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ScaleStatistics:
    items: list[ItemStatistics]
    reliability: float | None
    sem: float | None
    n_persons: int


def analyse(responses: np.ndarray, scored: np.ndarray | None = None) -> ScaleStatistics:
    """Statistics of a persons × items matrix of 1, 0 or NaN (not asked).

    Facility is the share right; discrimination is the correlation of the item with the person's
    share right on the *other* items they answered (Moodle's item–rest definition, on shares so
    adaptive data, where people answer different items, still compare). KR-20 and the SEM need
    complete rows, so they use only the persons who answered every item, and are None when fewer
    than ten did. Flags: ``easy``/``hard`` outside 10–90 % facility, ``weak`` below 0.2
    discrimination, ``negative`` below zero (the key is probably wrong).

    ``scored``: which items make the scale (default all). Unscored (pilot) items are analysed against
    the scored ones but take no part in any other item's rest score, nor in KR-20 and the SEM.
    """
    u = np.asarray(responses, dtype=float)
    scored = np.ones(u.shape[1], dtype=bool) if scored is None else np.asarray(scored, dtype=bool)
    observed = ~np.isnan(u)
    filled = np.where(observed, u, 0.0)
    answered, right = observed[:, scored].sum(axis=1), filled[:, scored].sum(axis=1)
    items = []
    for i in range(u.shape[1]):
        own = 1 if scored[i] else 0  # a scored item is taken out of its own rest score
        mask = observed[:, i] & (answered > own)
        n = int(observed[:, i].sum())
        if n == 0:
            items.append(ItemStatistics(None, None, 0, ()))
            continue
        facility = float(filled[observed[:, i], i].mean())
        discrimination = None
        if mask.sum() >= 3:
            rest = (right[mask] - own * filled[mask, i]) / (answered[mask] - own)
            x = filled[mask, i]
            if x.std() > 0 and rest.std() > 0:
                discrimination = float(np.corrcoef(x, rest)[0, 1])
        flags = []
        if facility < FACILITY_RANGE[0]:
            flags.append("hard")
        elif facility > FACILITY_RANGE[1]:
            flags.append("easy")
        if discrimination is not None and discrimination < 0:
            flags.append("negative")
        elif discrimination is not None and discrimination < MIN_DISCRIMINATION:
            flags.append("weak")
        items.append(ItemStatistics(facility, discrimination, n, tuple(flags)))
    complete = filled[observed[:, scored].all(axis=1)][:, scored]
    reliability = sem = None
    if len(complete) >= 10 and complete.shape[1] >= 2:
        k = complete.shape[1]
        p = complete.mean(axis=0)
        total_var = complete.sum(axis=1).var(ddof=1)
        if total_var > 0:
            reliability = float(
                k / (k - 1) * (1.0 - (p * (1 - p)).sum() * len(complete) / (len(complete) - 1) / total_var)
            )
            sem = float(np.sqrt(total_var * max(0.0, 1.0 - reliability)))
    return ScaleStatistics(items, reliability, sem, int(len(u)))
