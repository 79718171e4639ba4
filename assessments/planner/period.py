"""The route's calendar: weeks counted from the period's first day, each with its share of the weekly budget."""

from __future__ import annotations

import bisect
from datetime import date, timedelta

import numpy as np

EPS = 1e-9


class Period:
    """Week w covers days 7w..7w+6 of the period; a last, shorter week gets a proportional budget."""

    def __init__(self, start: date, end: date, weekly_hours: float):
        self.start, self.end, self.weekly_hours = start, end, float(weekly_hours)
        self.days = (end - start).days + 1
        self.weeks = (self.days + 6) // 7
        days = np.minimum(7, self.days - 7 * np.arange(self.weeks))
        self.cap = self.weekly_hours * days / 7.0
        self.total = float(self.cap.sum())
        # before[w]: capacity of the weeks before w; after[w]: of weeks w and later (both have weeks + 1 entries).
        self.before = np.concatenate(([0.0], np.cumsum(self.cap)))
        self.after = self.total - self.before
        # Plain lists for the per-activity questions prepare() asks thousands of times: numpy's call cost dominates.
        self.cap_list, self.before_list = self.cap.tolist(), self.before.tolist()

    def week(self, day: date) -> int:
        return (day - self.start).days // 7

    def week_start(self, w: int) -> date:
        return self.start + timedelta(days=7 * w)

    def week_end(self, w: int) -> date:
        return min(self.end, self.start + timedelta(days=7 * w + 6))

    def contains(self, first: date, last: date) -> bool:
        return self.start <= first and last <= self.end

    def min_cap(self, first: int, last: int) -> float:
        return min(self.cap_list[first : last + 1])

    def alone_last_week(self, first_week: int, hours: float) -> int | None:
        """The week ``hours`` from ``first_week`` on would end in with the whole budget to themselves."""
        if first_week >= self.weeks:
            return None
        last = bisect.bisect_left(self.before_list, self.before_list[first_week] + hours - EPS, lo=first_week + 1)
        return last - 1 if last <= self.weeks else None

    def fill(self, free: np.ndarray, hours: float, first_week: int) -> tuple[int, int, np.ndarray] | None:
        """Take ``hours`` from the earliest free capacity from ``first_week`` on; None when it does not fit.

        Returns the first and last week used and the hours taken per week (``free`` is not changed).
        """
        if first_week >= self.weeks:
            return None
        tail = free[first_week:]
        room = np.cumsum(tail)
        if room[-1] < hours - EPS:
            return None
        last = first_week + int(np.searchsorted(room, hours - EPS))
        taken = np.zeros_like(free)
        taken[first_week : last + 1] = tail[: last - first_week + 1]
        taken[last] -= room[last - first_week] - hours
        used = np.flatnonzero(taken > EPS)
        first = int(used[0]) if used.size else last
        return first, last, taken
