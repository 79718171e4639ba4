"""The information bound of bench/exposure_limits.py: shares respect the cap, and less information scores worse."""

import numpy as np
import pytest

from bench.exposure_limits import K, World, gaussian_f1, information, shares


@pytest.fixture(scope="module")
def world():
    return World(600, 7)


def test_without_a_cap_each_teacher_gets_the_competencys_most_informative_items(world):
    share = shares(world, 5, 1.0)
    for competency in range(K):
        items = np.flatnonzero(world.comp == competency)
        info = information(world.a[items], world.b[items], world.cuts[competency])
        chosen = set(items[share[items] == 1.0])
        assert chosen == set(items[np.argsort(-info)[:5]])
        assert share[items].sum() == 5


def test_a_cap_spreads_the_same_questions_over_more_items_and_stops_at_the_banks_capacity(world):
    share = shares(world, 5, 0.3)
    longest = shares(world, 40, 0.3)
    for competency in range(K):
        items = np.flatnonzero(world.comp == competency)
        assert share[items].max() == pytest.approx(0.3)
        assert share[items].sum() == pytest.approx(5)
        assert np.count_nonzero(share[items]) == 17  # 5 / 0.3 = 16.7 items
        # 40 questions cannot be had from 25 items at 30 % each: the cap allows 7.5.
        assert longest[items].sum() == pytest.approx(0.3 * items.size)


def test_less_information_classifies_worse(world):
    everything = gaussian_f1(world, np.ones(world.a.size))
    best_five = gaussian_f1(world, shares(world, 5, 1.0))
    capped = gaussian_f1(world, shares(world, 5, 0.3))
    assert everything > best_five > capped
