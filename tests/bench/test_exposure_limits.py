"""bench/exposure_limits.py: the bound's shares respect the cap, less information scores worse, a strict cap holds."""

import numpy as np
import pytest

from assessments.engine.inputs import Settings
from bench.cat_world import LEVEL_CUTS, TARGETS, correlation, run_engine
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


def test_a_strict_cap_never_offers_a_withheld_item_and_so_holds_however_long_the_test():
    world = World(60, 11)
    # No stop before the bank runs out: the product's fallback to withheld items would break the cap here.
    settings = Settings(level_cuts=LEVEL_CUTS, targets=TARGETS, correlation=correlation(), min_gain=0.0, max_items=25)
    strict = run_engine(world, world.a, world.b, settings, exposure=0.3, strict=True)[0]
    fallback = run_engine(world, world.a, world.b, settings, exposure=0.3)[0]
    assert strict["max_exposure"] <= 0.3 + 1 / 60
    assert fallback["max_exposure"] > 0.5
    assert strict["items_mean"] < fallback["items_mean"]
