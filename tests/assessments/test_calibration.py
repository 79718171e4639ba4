"""Calibration and item statistics: recovery of known 2PL parameters, anchors, dry runs, the staff page."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import func, insert, select

from assessments.models import (
    Answer,
    Attempt,
    CompetencyResult,
    Diagnostic,
    Framework,
    Item,
    ItemChange,
    ItemParameters,
)
from assessments.services import calibration
from assessments.services import framework as frameworks
from lms.extensions import db
from lms.models.mixins import utcnow
from tests.assessments.test_framework import _framework

OPTIONS = {"options": [{"text": "верно", "correct": True}, {"text": "неверно", "correct": False}]}


@pytest.fixture
def setting(app, people):
    """A 12-competency framework (current) and one diagnostic on it; attempts are inserted by _simulate."""
    framework = frameworks.load(_framework())
    competencies = sorted(framework.competencies, key=lambda c: c.code)
    diagnostic = Diagnostic(framework=framework, title="Калибровка", opens_on=date.today(), closes_on=date.today(),
                            competencies=competencies)
    db.session.add(diagnostic)
    db.session.commit()
    return {"framework": framework, "competencies": competencies, "diagnostic": diagnostic,
            "teacher": people["teacher"], "attempts": 0}


def _items(competency, truth, *, status="pilot", expert=None, prefix="Q") -> list[Item]:
    """Items with a first (expert) parameter version: the truth itself, or a fixed guess."""
    made = []
    for n, (a, b) in enumerate(truth):
        a0, b0 = (a, b) if expert is None else expert
        item = Item(framework_id=competency.framework_id, competency=competency, code=f"{prefix}{n:02d}",
                    type="single_choice", status=status, stem=f"Вопрос {n}", content=OPTIONS)
        item.parameters.append(ItemParameters(a=a0, b=b0, source="expert"))
        made.append(item)
    db.session.add_all(made)
    db.session.flush()
    return made


def _simulate(setting, thetas, banks, rng, *, shown=0.75):
    """Insert one finished attempt per row of ``thetas`` (persons × competencies) in bulk.

    Each attempt answers each item of ``banks[c]`` (items, true (a, b)) with probability ``shown``, as an
    adaptive diagnostic shows each teacher part of the bank. One teacher sits them all under successive
    numbers: calibration counts attempts, and this keeps thousands of accounts out of the test.
    """
    start = setting["attempts"]
    setting["attempts"] += len(thetas)
    rows = [{"diagnostic_id": setting["diagnostic"].id, "user_id": setting["teacher"].id, "number": start + n + 1,
             "status": "finished", "open_key": None, "finished_at": utcnow(), "finish_reason": "completed",
             "version": 1, "seed": 0} for n in range(len(thetas))]
    ids = db.session.scalars(insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True), rows).all()
    answers = []
    for person, attempt_id in enumerate(ids):
        position = 0
        for c, (items, truth) in enumerate(banks):
            a, b = np.array(truth).T
            right = rng.random(len(items)) < 1 / (1 + np.exp(-a * (thetas[person, c] - b)))
            for item, asked, score in zip(items, rng.random(len(items)) < shown, right, strict=True):
                if asked:
                    position += 1
                    answers.append({"attempt_id": attempt_id, "item_id": item.id, "position": position,
                                    "response": [0 if score else 1], "score": float(score), "scored": False,
                                    "parameters_id": item.parameters[0].id, "answered_at": utcnow()})
    if answers:
        db.session.execute(insert(Answer), answers)
    db.session.commit()
    return ids


def _truth(rng, n):
    return list(zip(rng.uniform(0.8, 2.0, n).round(3), rng.uniform(-1.6, 1.6, n).round(3), strict=True))


def _current(item_ids) -> dict[int, ItemParameters]:
    db.session.expire_all()
    return {p.item_id: p for p in db.session.scalars(select(ItemParameters).where(
        ItemParameters.item_id.in_(item_ids), ItemParameters.current.is_(True)))}


def _rmse(x, y) -> float:
    return float(np.sqrt(np.mean((np.asarray(x) - np.asarray(y)) ** 2)))


def test_calibration_recovers_known_parameters_as_new_versions(setting):
    rng = np.random.default_rng(42)
    competency = setting["competencies"][0]
    truth = _truth(rng, 12)
    items = _items(competency, truth, expert=(1.0, 0.0))  # pilot items with a rough expert guess
    rare = _items(competency, [(1.2, 0.3)], prefix="R")  # shown to few: too few answers to calibrate
    _simulate(setting, rng.normal(0, 1, (600, 1)), [(items, truth)], rng)
    _simulate(setting, rng.normal(0, 1, (40, 1)), [(rare, [(1.2, 0.3)])], rng, shown=1.0)
    # A result computed earlier, and an answer naming the parameters it was scored with.
    earlier = db.session.scalar(select(Attempt).order_by(Attempt.id).limit(1))
    db.session.add(CompetencyResult(attempt_id=earlier.id, competency_id=competency.id, estimate=0.42,
                                    standard_error=0.31, level=3, target_level=3, p_deficit=0.2, deficit=False))
    db.session.commit()
    answer = db.session.scalar(select(Answer).where(Answer.attempt_id == earlier.id).limit(1))
    named = answer.parameters_id

    report = calibration.calibrate(setting["framework"], min_responses=200)
    db.session.commit()

    part = report.competencies[0]
    assert part.code == competency.code and part.n_persons == 640 and not part.anchored and part.converged
    assert [o.code for o in part.of("calibrated")] == [i.code for i in items]
    assert [(o.code, o.reason, o.n) for o in part.of("skipped")] == [("R00", "too_few_responses", 40)]
    assert report.written == 12 and report.correlation is None and report.correlation_reason == "too_few_persons"
    current = _current([i.id for i in items + rare])
    a_hat = [current[i.id].a for i in items]
    b_hat = [current[i.id].b for i in items]
    a_true, b_true = np.array(truth).T
    # Sampling error alone leaves RMSEs of about 0.24 and 0.15 at this size; the expert guess was 0.5 and 0.9 off.
    assert _rmse(a_hat, a_true) < 0.3 and _rmse(b_hat, b_true) < 0.2
    assert all(current[i.id].source == "calibration" and 300 < current[i.id].n_responses < 600 for i in items)
    assert current[rare[0].id].source == "expert"  # not calibrated: unchanged
    # The old versions stay, no longer current; past answers and results keep theirs.
    old = db.session.scalars(select(ItemParameters).where(ItemParameters.item_id.in_([i.id for i in items]),
                                                          ItemParameters.current.is_(False))).all()
    assert len(old) == 12 and {(p.a, p.b, p.source) for p in old} == {(1.0, 0.0, "expert")}
    assert db.session.get(Answer, answer.id).parameters_id == named
    kept = db.session.get(CompetencyResult, (earlier.id, competency.id))
    assert (kept.estimate, kept.standard_error, kept.level) == (0.42, 0.31, 3)
    changes = db.session.scalars(select(ItemChange)).all()
    assert len(changes) == 12 and all(c.changes["parameters"][0] == [1.0, 0.0] for c in changes)
    assert db.session.get(Framework, setting["framework"].id).correlation == 0.5


def test_anchors_keep_the_scale_for_a_stronger_cohort(setting):
    """Live items fix the scale: pilot items land on it although this cohort is 0.8 logits above average."""
    rng = np.random.default_rng(7)
    competency = setting["competencies"][0]
    anchor_truth, pilot_truth = _truth(rng, 10), _truth(rng, 4)
    anchors = _items(competency, anchor_truth, status="live", prefix="L")
    pilots = _items(competency, pilot_truth, expert=(1.0, 0.0), prefix="P")
    _simulate(setting, rng.normal(0.8, 1, (600, 1)), [(anchors + pilots, anchor_truth + pilot_truth)], rng)

    free = calibration.calibrate(setting["framework"], anchors="none", dry_run=True)
    report = calibration.calibrate(setting["framework"])
    db.session.commit()

    part = report.competencies[0]
    assert part.anchored and part.converged and abs(part.latent_mean - 0.8) < 0.2 and abs(part.latent_sd - 1) < 0.2
    assert [o.code for o in part.of("anchor")] == [i.code for i in anchors]
    assert [o.code for o in part.of("calibrated")] == [i.code for i in pilots] and report.written == 4
    current = _current([i.id for i in anchors + pilots])
    assert all(current[i.id].source == "expert" for i in anchors)  # anchors keep their parameters
    b_true = np.array(pilot_truth)[:, 1]
    assert _rmse([current[i.id].b for i in pilots], b_true) < 0.25
    assert "якорей 10" in current[pilots[0].id].sample or "10 anchors" in current[pilots[0].id].sample
    # Without anchors the cohort is N(0, 1) by definition, so every difficulty comes out about 0.8 lower.
    shifted = [o.after[1] for o in free.competencies[0].of("calibrated")]
    assert not free.competencies[0].anchored and len(shifted) == 14
    assert np.mean(np.array(shifted[10:]) - b_true) < -0.5


def test_a_dry_run_writes_nothing_and_the_correlation_is_estimated(setting):
    rng = np.random.default_rng(11)
    first, second = setting["competencies"][:2]
    truth_1, truth_2 = _truth(rng, 10), _truth(rng, 10)
    bank_1 = _items(first, truth_1, expert=(1.0, 0.0), prefix="A")
    bank_2 = _items(second, truth_2, expert=(1.0, 0.0), prefix="B")
    thetas = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], 600)
    _simulate(setting, thetas, [(bank_1, truth_1), (bank_2, truth_2)], rng, shown=0.8)
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (ItemParameters, ItemChange)]

    dry = calibration.calibrate(setting["framework"], dry_run=True)
    db.session.commit()
    assert dry.written == 0 and len(dry.competencies[0].of("calibrated")) == 10
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (ItemParameters, ItemChange)] == counts
    assert db.session.get(Framework, setting["framework"].id).correlation == 0.5
    assert dry.correlation_persons == 600 and dry.correlation_pairs == 1 and abs(dry.correlation - 0.6) < 0.12

    real = calibration.calibrate(setting["framework"])
    db.session.commit()
    assert real.written == 20 and real.correlation == dry.correlation
    assert db.session.get(Framework, setting["framework"].id).correlation == dry.correlation
    assert [o.after for o in real.competencies[1].of("calibrated")] == \
        [o.after for o in dry.competencies[1].of("calibrated")]


def test_item_statistics_of_a_hand_computed_case(setting):
    competency = setting["competencies"][0]
    i1, i2, i3 = _items(competency, [(1.0, 0.0)] * 3)
    (draft,) = _items(competency, [(1.0, 0.0)], status="draft", prefix="D")
    ids = _simulate(setting, np.zeros((5, 1)), [], None)
    pattern = {ids[0]: {i1: 1, i2: 1, i3: 0, draft: 1}, ids[1]: {i1: 1, i2: 0}, ids[2]: {i1: 0, i3: 1},
               ids[3]: {i2: 1}, ids[4]: {i3: 1}}
    for attempt_id, answers in pattern.items():
        for position, (item, score) in enumerate(answers.items(), start=1):
            db.session.add(Answer(attempt_id=attempt_id, item_id=item.id, position=position, response=[0],
                                  score=float(score), scored=item.status == "live"))
    # An attempt still in progress does not count.
    unfinished = db.session.get(Attempt, ids[4])
    unfinished.status, unfinished.open_key, unfinished.finished_at = "in_progress", "x:1", None
    db.session.commit()

    items, matrix = calibration.response_matrix(setting["framework"], competency)
    assert [i.code for i in items] == ["Q00", "Q01", "Q02"]
    expected = [[1, 1, 0], [1, 0, np.nan], [0, np.nan, 1], [np.nan, 1, np.nan]]
    assert np.array_equal(matrix, np.array(expected), equal_nan=True)
    stats = calibration.item_statistics(setting["framework"])
    assert [s.competency.code for s in stats][:1] == [competency.code] and len(stats) == 12
    first = stats[0]
    assert first.n == 4 and first.reliability is None and first.sem is None
    rows = {r.item.code: r for r in first.items}
    assert [(r.stats.n_responses, r.exposure, r.stats.facility) for r in rows.values()] == \
        [(3, 0.75, pytest.approx(2 / 3)), (3, 0.75, pytest.approx(2 / 3)), (2, 0.5, 0.5)]
    # Q00 against the share right on the other items: (1, ½), (1, 0), (0, 1) → r = −√3/2.
    assert rows["Q00"].stats.discrimination == pytest.approx(-np.sqrt(3) / 2)
    assert rows["Q00"].stats.flags == ("negative",) and rows["Q01"].stats.discrimination is None
    assert rows["Q00"].parameters.a == 1.0 and all(s.n == 0 and s.items == [] for s in stats[1:])


def test_the_statistics_page_is_for_staff_in_a_fixed_number_of_queries(setting, login_as, page_cost):
    rng = np.random.default_rng(3)
    competency = setting["competencies"][0]
    truth = _truth(rng, 3)
    small = _items(competency, truth)
    _simulate(setting, rng.normal(0, 1, (20, 1)), [(small, truth)], rng, shown=1.0)
    staff = login_as("staff")
    page = staff.get("/assessments/bank/statistics")
    assert page.status_code == 200 and "Q00" in page.text and "KR-20" in page.text
    assert f"?framework={setting['framework'].id}" not in page.text  # one version: no switcher
    for role in ("teacher", "tutor"):
        assert login_as(role).get("/assessments/bank/statistics").status_code == 403
    assert staff.get("/assessments/bank/statistics?framework=999999").status_code == 404
    cost = page_cost(staff, "/assessments/bank/statistics")
    for c, other in enumerate(setting["competencies"][1:6]):
        more = _truth(rng, 6)
        _simulate(setting, rng.normal(0, 1, (10, 1)), [(_items(other, more, prefix=f"M{c}-"), more)], rng)
    assert page_cost(staff, "/assessments/bank/statistics") == cost
    assert page_cost(login_as("admin"), f"/assessments/bank/statistics?framework={setting['framework'].id}") == cost


def test_the_cli_reports_calibration_and_prints_item_statistics(setting, app):
    rng = np.random.default_rng(5)
    truth = _truth(rng, 5)
    items = _items(setting["competencies"][0], truth)
    _simulate(setting, rng.normal(0, 1, (300, 1)), [(items, truth)], rng, shown=0.9)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["assessments", "calibrate", "--dry-run", "--min-responses", "250"])
    assert dry.exit_code == 0, dry.output
    assert "dry run" in dry.output and dry.output.count("calibrated Q0") == 5 and "Written" not in dry.output
    assert db.session.scalar(select(func.count()).select_from(ItemChange)) == 0
    real = runner.invoke(args=["assessments", "calibrate", "--framework", "ikt", "--min-responses", "268"])
    assert real.exit_code == 0 and "Written: " in real.output
    written = int(real.output.split("Written: ")[1].split()[0])
    assert written == real.output.count("calibrated Q0") == 3 and real.output.count("too few answers") == 2
    stats = runner.invoke(args=["assessments", "item-stats"])
    assert stats.exit_code == 0 and "Q04" in stats.output and "calibration" in stats.output
    unknown = runner.invoke(args=["assessments", "item-stats", "--framework", "nope"])
    assert unknown.exit_code == 1 and "No framework nope" in unknown.output and "Traceback" not in unknown.output
