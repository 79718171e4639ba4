"""The route optimiser against routes worked out by hand and against brute force over every subset."""

import itertools
import random
from datetime import date, timedelta

import pytest

import assessments.planner.milp as milp_module
from assessments.planner import Activity, Constraints, Deficit, Gap, PlanError, Problem, Slot, build_route
from assessments.planner.prepare import prepare
from assessments.planner.schedule import schedule
from assessments.planner.validate import validate

pytestmark = pytest.mark.nodb  # touches no database: it runs in the SQLite pass only

START = date(2026, 9, 7)  # a Monday; the period's weeks count from its first day anyway


def day(n: int) -> date:
    return START + timedelta(days=n)


def period(weeks: int, weekly_hours: float = 10.0, **kw) -> Constraints:
    return Constraints(START, day(7 * weeks - 1), weekly_hours, **kw)


def module(key, hours, covers, requires=(), slots=(), delivery="online", kind="module"):
    return Activity(key, key.title(), kind, hours, delivery, covers, tuple(requires), tuple(slots))


def verify(route, deficits, activities, constraints):
    """Everything a route promises, checked from the inputs alone."""
    by_key = {a.key: a for a in activities}
    steps = {s.activity: s for s in route.steps}
    assert len(steps) == len(route.steps)
    assert list(route.steps) == sorted(route.steps, key=lambda s: (s.start, s.end, s.activity))
    for s in route.steps:
        a = by_key[s.activity]
        assert s.activity not in constraints.excluded and s.activity not in constraints.done
        assert constraints.delivery is None or a.delivery in (constraints.delivery, "mixed")
        assert constraints.start <= s.start <= s.end <= constraints.end and s.hours == a.hours
        if a.slots:
            slot = next(x for x in a.slots if x.key == s.slot)
            assert (s.start, s.end) == (slot.start, slot.end) and slot.free_places != 0
        else:
            assert s.slot is None
        for p in a.requires:
            if p not in constraints.done:
                assert p in steps and steps[p].end < s.start, (p, s.activity)
        assert s.closes or s.prerequisite_for or s.required
        assert s.required == (s.activity in constraints.required)
    days = (constraints.end - constraints.start).days + 1
    caps = [constraints.weekly_hours * min(7, days - 7 * w) / 7 for w in range(len(route.week_hours))]
    assert len(route.week_hours) == (days + 6) // 7
    assert all(h <= cap + 1e-6 for h, cap in zip(route.week_hours, caps, strict=True))
    assert sum(route.week_hours) == pytest.approx(route.total_hours, abs=1e-3)
    assert route.total_hours == pytest.approx(sum(s.hours for s in route.steps))
    gaps = {g.competency for g in route.gaps}
    done = [by_key[k] for k in constraints.done if k in by_key]
    for d in deficits:
        if d.target <= d.level or any(a.covers.get(d.competency, 0) >= d.target for a in done):
            continue
        closers = [s for s in route.steps if by_key[s.activity].covers.get(d.competency, 0) >= d.target]
        assert (d.competency in gaps) != bool(closers), d.competency
        assert all(d.competency in s.closes for s in closers)


def plan(deficits, activities, constraints, **kw):
    route = build_route(deficits, activities, constraints, **kw)
    verify(route, deficits, activities, constraints)
    return route


def keys(route):
    return {s.activity for s in route.steps}


# --- hand-solved instances -------------------------------------------------------------------------------------

GREEDY_TRAP = [
    module("big", 3.9, {"A": 4, "B": 4, "C": 4, "D": 4}),
    module("left", 3, {"A": 4, "B": 4, "E": 4}),
    module("right", 3, {"C": 4, "D": 4, "F": 4}),
    module("only_e", 1.5, {"E": 4}),
    module("only_f", 1.5, {"F": 4}),
]
SIX = [Deficit(c, 2, 4) for c in "ABCDEF"]


def test_the_cheapest_cover_beats_the_best_ratio_first():
    # Greedy takes "big" (4 deficits / 3.9 h) and then needs both singletons: 6.9 h; left + right is 6 h.
    ours = plan(SIX, GREEDY_TRAP, period(8))
    greedy = plan(SIX, GREEDY_TRAP, period(8), method="greedy")
    assert keys(ours) == {"left", "right"} and ours.total_hours == 6.0
    assert ours.status == "optimal" and ours.method == "milp" and not ours.gaps
    assert keys(greedy) == {"big", "only_e", "only_f"} and greedy.total_hours == pytest.approx(6.9)
    assert greedy.method == "greedy" and greedy.status == "feasible"


def test_greedy_drops_what_later_picks_made_redundant():
    acts = GREEDY_TRAP[:3]  # big first (best ratio), then left and right for E and F: big is no longer needed
    route = plan(SIX, acts, period(8), method="greedy")
    assert keys(route) == {"left", "right"} and route.total_hours == 6


def test_a_prerequisite_counts_in_the_price():
    acts = [module("intro", 4, {}), module("deep", 2, {"A": 5}, requires=["intro"]), module("solo", 5, {"A": 5})]
    route = plan([Deficit("A", 2, 5)], acts, period(6))
    assert keys(route) == {"solo"}
    acts[2] = module("solo", 7, {"A": 5})
    route = plan([Deficit("A", 2, 5)], acts, period(6))
    assert keys(route) == {"intro", "deep"} and route.total_hours == 6
    intro, deep = route.steps
    assert intro.activity == "intro" and intro.prerequisite_for == ("deep",) and intro.closes == ()
    assert deep.closes == ("A",) and intro.end < deep.start


def test_fewer_activities_break_a_tie_in_hours():
    acts = [module("a", 2, {"A": 4}), module("b", 2, {"B": 4}), module("ab", 4, {"A": 4, "B": 4})]
    assert keys(plan([Deficit("A", 1, 4), Deficit("B", 1, 4)], acts, period(4))) == {"ab"}


def test_the_level_reached_must_be_the_target():
    acts = [module("low", 1, {"A": 3}), module("high", 9, {"A": 5})]
    assert keys(plan([Deficit("A", 2, 5)], acts, period(4))) == {"high"}
    assert keys(plan([Deficit("A", 2, 3)], acts, period(4))) == {"low"}


# --- nothing to do, gaps and problems -----------------------------------------------------------------------------


def test_no_deficits_means_nothing_to_do():
    route = plan([], GREEDY_TRAP, period(4))
    assert route.status == "nothing_to_do" and route.steps == () and route.total_hours == 0


def test_deficits_already_at_target_or_covered_by_done_work():
    route = plan([Deficit("A", 4, 4), Deficit("E", 2, 4)], GREEDY_TRAP, period(4, done=frozenset({"only_e"})))
    assert route.status == "nothing_to_do" and route.steps == () and route.gaps == ()
    # A required activity is still something to do.
    route = plan([], GREEDY_TRAP, period(4, required=frozenset({"only_f"})))
    assert route.status == "optimal" and keys(route) == {"only_f"} and route.steps[0].required


def test_nothing_reaches_the_target_is_a_gap_and_the_rest_is_planned():
    deficits = [Deficit("A", 2, 4), Deficit("Z", 1, 3), Deficit("E", 2, 5)]  # nothing brings E to 5
    route = plan(deficits, GREEDY_TRAP, period(4))
    assert route.gaps == (Gap("E", "no_activity"), Gap("Z", "no_activity"))
    assert route.status == "optimal" and keys(route) == {"left"}


def test_only_the_other_delivery_form_reaches_the_target():
    acts = [module("room", 2, {"A": 4}, delivery="onsite"), module("web", 2, {"B": 4}, delivery="mixed")]
    deficits = [Deficit("A", 1, 4), Deficit("B", 1, 4)]
    route = plan(deficits, acts, period(4, delivery="online"))
    assert route.gaps == (Gap("A", "delivery"),) and keys(route) == {"web"}
    assert keys(plan(deficits, acts, period(4, delivery="onsite"))) == {"room", "web"}
    # An onsite prerequisite blocks an online module for an online-only teacher.
    acts.append(module("next", 1, {"C": 4}, requires=["room"]))
    route = plan([Deficit("C", 1, 4)], acts, period(4, delivery="online"))
    assert route.gaps == (Gap("C", "delivery"),) and route.status == "infeasible"


def test_budget_too_small_reports_the_minimum_hours_and_keeps_what_fits():
    acts = [module("short", 3, {"A": 4}), module("long", 10, {"B": 4})]
    deficits = [Deficit("A", 1, 4), Deficit("B", 1, 4)]
    route = plan(deficits, acts, period(4, weekly_hours=1))  # 4 h in all
    assert keys(route) == {"short"} and route.gaps == (Gap("B", "budget"),)
    assert route.status == "optimal"
    assert Problem("budget_too_small", value=13.0) in route.problems
    assert Problem("min_weekly_hours", value=3.25) in route.problems
    # Too little for either: infeasible, and still explained.
    route = plan(deficits, acts, period(2, weekly_hours=1))
    assert route.status == "infeasible" and route.steps == ()
    assert set(route.gaps) == {Gap("A", "budget"), Gap("B", "budget")}
    assert Problem("budget_too_small", value=13.0) in route.problems


def test_zero_budget_is_infeasible_with_a_clear_reason():
    route = plan(SIX, GREEDY_TRAP, period(8, weekly_hours=0))
    assert route.status == "infeasible" and route.steps == () and route.total_hours == 0
    assert route.problems[0] == Problem("zero_budget")
    assert Problem("budget_too_small", value=6.0) in route.problems
    assert {g.reason for g in route.gaps} == {"budget"} and len(route.gaps) == 6


def test_the_calendar_not_the_hours_can_be_what_is_short():
    # Three chained modules need three weeks whatever the budget; the period has two.
    acts = [module("m1", 1, {}), module("m2", 1, {}, requires=["m1"]), module("m3", 1, {"A": 4}, requires=["m2"])]
    route = plan([Deficit("A", 1, 4)], acts, period(2, weekly_hours=40))
    assert route.status == "infeasible" and route.gaps == (Gap("A", "budget"),)
    assert route.problems == (Problem("period_too_short", value=3),)


def test_slots_outside_the_period_or_full_are_not_offered():
    outside = Slot("late", day(60), day(70))
    full = Slot("full", day(3), day(10), free_places=0)
    acts = [module("group", 4, {"A": 4}, slots=[outside, full]), module("other", 2, {"B": 4})]
    route = plan([Deficit("A", 1, 4), Deficit("B", 1, 4)], acts, period(4))
    assert route.gaps == (Gap("A", "dates"),) and keys(route) == {"other"}
    free = Slot("open", day(14), day(20), free_places=2)
    acts[0] = module("group", 4, {"A": 4}, slots=[outside, full, free])
    route = plan([Deficit("A", 1, 4)], acts, period(4))
    (step,) = route.steps
    assert (step.slot, step.start, step.end) == ("open", day(14), day(20))
    assert route.week_hours == (0.0, 0.0, 4.0, 0.0)


def test_scheduled_hours_count_against_their_weeks():
    # Two groups in the same two weeks need 5.5 h a week on a 4 h budget; the later run of one of them fits.
    acts = [
        module("g1", 5, {"A": 4}, slots=[Slot("g1-early", day(0), day(13))]),
        module("g2", 6, {"B": 4}, slots=[Slot("g2-early", day(0), day(13)), Slot("g2-late", day(21), day(34))]),
    ]
    for method in ("milp", "greedy"):
        route = plan([Deficit("A", 1, 4), Deficit("B", 1, 4)], acts, period(6, weekly_hours=4), method=method)
        assert {s.slot for s in route.steps} == {"g1-early", "g2-late"}
        assert route.week_hours == (2.5, 2.5, 0.0, 3.0, 3.0, 0.0)
    assert route.solves == 0
    # The MILP's row for each week's scheduled load gets it right at the first solve, with no cut.
    assert plan([Deficit("A", 1, 4), Deficit("B", 1, 4)], acts, period(6, weekly_hours=4)).solves == 1


def test_a_selection_the_schedule_refuses_is_cut_and_the_next_best_taken():
    # Each group needs its 3 h preparation done first, and week 0 has only 4 h: both groups in week 1 pass every
    # aggregate row of the MILP but fail in the calendar. The cut forbids only that combination, so the next
    # solve keeps all four activities and moves g2 to its week-2 run; cutting more would cost 5 h or more.
    acts = [
        module("prep1", 3, {}), module("prep2", 3, {}),
        module("g1", 2, {"A": 4}, requires=["prep1"], slots=[Slot("s1", day(7), day(7))]),
        module("g2", 2, {"B": 4}, ["prep2"], [Slot("s2", day(7), day(7)), Slot("late", day(14), day(14))]),
        module("long_b", 10, {"B": 4}), module("long_a", 20, {"A": 4}),
    ]
    route = plan([Deficit("A", 1, 4), Deficit("B", 1, 4)], acts, period(6, weekly_hours=4))
    assert keys(route) == {"prep1", "prep2", "g1", "g2"} and route.total_hours == 10
    assert {s.slot for s in route.steps} == {None, "s1", "late"}
    assert route.solves == 2 and route.method == "milp" and route.status == "optimal"
    # Without the later run the second group is out of reach, and the cheaper self-paced module takes B.
    acts[3] = module("g2", 2, {"B": 4}, requires=["prep2"], slots=[Slot("s2", day(7), day(7))])
    route = plan([Deficit("A", 1, 4), Deficit("B", 1, 4)], acts, period(6, weekly_hours=4))
    assert keys(route) == {"prep1", "g1", "long_b"} and route.total_hours == 15 and route.solves == 2


# --- the tutor's and the teacher's choices ---------------------------------------------------------------------


def test_required_activities_are_included_with_their_prerequisites():
    acts = [*GREEDY_TRAP, module("basics", 2, {}), module("seminar", 1, {}, requires=["basics"], kind="session")]
    route = plan(SIX, acts, period(8, required=frozenset({"seminar", "big"})))
    assert {"seminar", "basics", "big"} <= keys(route)
    assert {s.activity for s in route.steps if s.required} == {"seminar", "big"}
    # With big forced in, E and F go cheapest to the singletons (3 h), not to left + right (6 h).
    assert keys(route) == {"big", "basics", "seminar", "only_e", "only_f"}
    assert route.total_hours == pytest.approx(3.9 + 2 + 1 + 1.5 + 1.5)
    basics = next(s for s in route.steps if s.activity == "basics")
    assert basics.prerequisite_for == ("seminar",) and not basics.required


def test_excluded_activities_are_never_used():
    route = plan(SIX, GREEDY_TRAP, period(8, excluded=frozenset({"left"})))
    assert "left" not in keys(route) and route.total_hours == pytest.approx(6.9)
    route = plan([Deficit("E", 1, 4)], GREEDY_TRAP, period(8, excluded=frozenset({"left", "only_e"})))
    assert route.gaps == (Gap("E", "excluded"),) and route.status == "infeasible"


def test_done_prerequisites_are_satisfied_at_no_cost():
    acts = [module("intro", 4, {}), module("deep", 2, {"A": 5}, requires=["intro", "old"])]
    route = plan([Deficit("A", 2, 5)], acts, period(4, done=frozenset({"intro", "old"})))
    assert keys(route) == {"deep"} and route.total_hours == 2 and route.steps[0].start == START


def test_prerequisites_come_before_their_dependants_in_the_calendar():
    acts = [
        module("c", 3, {"A": 5}, requires=["b"]),
        module("b", 5, {}, requires=["a"], slots=[Slot("b-run", day(15), day(29))]),
        module("a", 6, {}),
    ]
    route = plan([Deficit("A", 1, 5)], acts, period(8, weekly_hours=3))
    assert [s.activity for s in route.steps] == ["a", "b", "c"]
    a, b, c = route.steps
    assert a.end < b.start and b.end < c.start and b.slot == "b-run"
    assert a.prerequisite_for == ("b",) and b.prerequisite_for == ("c",) and c.closes == ("A",)


def test_a_required_activity_that_cannot_be_had_is_reported():
    acts = [*GREEDY_TRAP, module("visit", 2, {}, delivery="onsite")]
    route = plan([Deficit("E", 1, 4)], acts, period(4, delivery="online", required=frozenset({"visit"})))
    assert route.problems == (Problem("required_delivery", ("visit",)),) and keys(route) == {"only_e"}
    # Too long for the budget even alone: left out, the rest planned.
    route = plan([Deficit("E", 1, 4)], GREEDY_TRAP, period(1, weekly_hours=2, required=frozenset({"big"})))
    assert route.problems == (Problem("required_budget", ("big",)),) and keys(route) == {"only_e"}
    # Each fits alone, not both: the tutor has to choose, so there is no route.
    route = plan([Deficit("E", 1, 4)], GREEDY_TRAP, period(1, weekly_hours=4, required=frozenset({"big", "left"})))
    assert route.status == "infeasible" and route.steps == ()
    assert Problem("required_do_not_fit", ("big", "left")) in route.problems


# --- invalid input -------------------------------------------------------------------------------------------------


def test_circular_prerequisites_name_the_cycle():
    acts = [
        module("a", 1, {"A": 4}, requires=["b"]), module("b", 1, {}, requires=["c"]),
        module("c", 1, {}, requires=["a"]), module("d", 1, {}, requires=["a"]),
    ]
    with pytest.raises(PlanError) as error:
        build_route([Deficit("A", 1, 4)], acts, period(4))
    assert error.value.code == "cycle" and set(error.value.keys) == {"a", "b", "c"}
    requires = {a.key: a.requires for a in acts}
    cycle = error.value.keys
    assert all(cycle[(n + 1) % 3] in requires[k] for n, k in enumerate(cycle))
    # Even a done activity does not hide a circle in the catalogue.
    with pytest.raises(PlanError):
        build_route([Deficit("A", 1, 4)], acts, period(4, done=frozenset({"b"})))


@pytest.mark.parametrize(
    ("acts", "constraints", "code"),
    [
        ([module("a", 1, {"A": 4}, requires=["ghost"])], period(4), "unknown_prerequisite"),
        ([module("a", 1, {"A": 4})], period(4, required=frozenset({"ghost"})), "unknown_required"),
        ([module("a", 0, {"A": 4})], period(4), "hours"),
        ([module("a", -2, {"A": 4})], period(4), "hours"),
        ([module("a", 1, {"A": 4})], Constraints(day(10), day(9), 4), "period"),
        ([module("a", 1, {"A": 4})], period(4, weekly_hours=-1), "budget"),
        ([module("a", 1, {"A": 4}), module("a", 2, {})], period(4), "duplicate_key"),
        ([module("a", 1, {"A": 9})], period(4), "level"),
        ([module("a", 1, {"A": 4}, delivery="radio")], period(4), "delivery"),
        ([module("a", 1, {"A": 4})], period(4, required=frozenset("a"), excluded=frozenset("a")), "required_excluded"),
    ],
)
def test_invalid_input_raises_plan_error(acts, constraints, code):
    with pytest.raises(PlanError) as error:
        build_route([Deficit("A", 1, 4)], acts, constraints)
    assert error.value.code == code and isinstance(error.value, ValueError)


def test_a_prerequisite_only_in_done_is_known():
    route = plan([Deficit("A", 1, 4)], [module("a", 1, {"A": 4}, requires=["old"])], period(2, done=frozenset({"old"})))
    assert keys(route) == {"a"}


def test_the_milp_falls_back_to_greedy_and_says_so(monkeypatch):
    class TimedOut:
        status, x, fun = 1, None, None

    monkeypatch.setattr(milp_module, "milp", lambda *args, **kwargs: TimedOut())
    route = plan(SIX, GREEDY_TRAP, period(8))
    assert route.method == "greedy" and route.fallback == "timeout" and route.status == "feasible"
    assert route.total_hours == pytest.approx(6.9)


# --- random small instances against brute force ----------------------------------------------------------------------


def random_instance(seed: int):
    rng = random.Random(seed)
    comps = ["K1", "K2", "K3", "K4", "K5", "K6"]
    weeks = rng.randint(2, 9)
    end = day(7 * weeks - 1 - rng.randint(0, 4))
    acts = []
    for i in range(rng.randint(4, 10)):
        covers = {c: rng.randint(3, 6) for c in rng.sample(comps, rng.randint(1, 3))}
        requires = tuple(a.key for a in acts if rng.random() < 0.15)
        slots = ()
        if rng.random() < 0.3:
            slots = []
            for k in range(rng.randint(1, 2)):
                first = rng.randint(-3, 7 * weeks - 3)
                slots.append(Slot(f"s{i}.{k}", day(first), day(first + rng.choice([0, 0, 6, 13])),
                                  rng.choice([None, None, 3, 0])))
        acts.append(Activity(f"a{i}", f"A{i}", "module", rng.choice([1, 1.5, 2, 3, 4, 6, 8]),
                             rng.choice(["online", "online", "onsite", "mixed"]), covers, requires, tuple(slots)))
    rng.shuffle(acts)
    deficits = [Deficit(c, rng.randint(1, 2), rng.randint(3, 5)) for c in rng.sample(comps, rng.randint(1, 5))]
    picks = rng.sample([a.key for a in acts], 3)
    constraints = Constraints(
        START, end, rng.choice([1, 2, 3, 4, 6, 8]),
        delivery=rng.choice([None, None, None, "online"]),
        done=frozenset(picks[:1] if rng.random() < 0.2 else ()),
        required=frozenset(picks[1:2] if rng.random() < 0.15 else ()),
        excluded=frozenset(picks[2:] if rng.random() < 0.2 else ()),
    )
    return deficits, acts, constraints


def brute_force(deficits, acts, constraints):
    """(deficits covered, hours) of the best subset with slots whose schedule passes; None: required do not fit."""
    prep = prepare(validate(deficits, acts, constraints), constraints, prune=False)
    options = []
    for bits in range(1 << len(prep)):
        chosen = [i for i in range(len(prep)) if bits >> i & 1]
        if set(prep.required) - set(chosen) or any(p not in chosen for i in chosen for p in prep.prereqs[i]):
            continue
        mask = 0
        for i in chosen:
            mask |= prep.masks[i]
        options.append((-mask.bit_count(), sum(prep.hours[i] for i in chosen), chosen))
    for minus_count, hours, chosen in sorted(options, key=lambda o: o[:2]):
        timed = [i for i in chosen if prep.slots[i]]
        for combo in itertools.product(*(range(len(prep.slots[i])) for i in timed)):
            if schedule(prep, {**dict.fromkeys(chosen), **dict(zip(timed, combo, strict=True))}).ok:
                return -minus_count, hours
    return None


def test_random_small_instances_match_brute_force():
    checked = partial = resolved = 0
    for seed in range(160):
        deficits, acts, constraints = random_instance(seed)
        ours = plan(deficits, acts, constraints)
        greedy = plan(deficits, acts, constraints, method="greedy")
        best = brute_force(deficits, acts, constraints)
        if ours.status == "nothing_to_do":
            continue
        if best is None:
            assert ours.steps == () and any(p.code == "required_do_not_fit" for p in ours.problems), seed
            continue
        assert (len(ours.covered), ours.total_hours) == pytest.approx(best), seed
        assert len(greedy.covered) <= best[0]
        if len(greedy.covered) == best[0]:
            assert greedy.total_hours >= ours.total_hours - 1e-9, seed
        checked += 1
        partial += bool(ours.gaps) and bool(ours.steps)
        resolved += ours.solves > 1
    # The instances exercise whole and partial routes, and the MILP's second solves (cuts or fewer deficits).
    assert checked >= 100 and partial >= 10 and resolved >= 3
