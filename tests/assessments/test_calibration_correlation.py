"""Calibration's correlation matrix: recovered from simulated answers, stored as versions, used by new attempts."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from sqlalchemy import select

from assessments.models import Attempt, FrameworkCorrelation
from assessments.services import calibration
from assessments.services.diagnostics import engine_for, start
from assessments.services.diagnostics.engine import prior_correlation
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow
from tests.assessments.test_calibration import _items, _simulate, _truth, setting  # noqa: F401 — a fixture

TRUE = np.array([[1.0, 0.8, 0.2], [0.8, 1.0, 0.2], [0.2, 0.2, 1.0]])


def test_calibration_estimates_the_full_matrix_and_stores_it_as_a_version(setting):  # noqa: F811
    rng = np.random.default_rng(17)
    chosen = setting["competencies"][:3]
    banks = []
    for n, competency in enumerate(chosen):
        truth = _truth(rng, 12)
        banks.append((_items(competency, truth, status="live", prefix=f"C{n}"), truth))
    _simulate(setting, rng.multivariate_normal(np.zeros(3), TRUE, 800), banks, rng, shown=0.9)

    report = calibration.calibrate(setting["framework"], min_responses=150)
    db.session.commit()
    ids = [c.id for c in chosen]
    estimated = np.array(report.matrix)
    where = [report.matrix_competencies.index(c) for c in ids]
    estimated = estimated[np.ix_(where, where)]
    # A single ρ (the mean, 0.4) would miss the 0.8 pair by 0.4; the matrix keeps each pair within 0.12.
    assert np.abs(estimated - TRUE).max() < 0.12, estimated
    assert np.linalg.eigvalsh(np.array(report.matrix)).min() > 0
    first = db.session.scalar(select(FrameworkCorrelation).where(FrameworkCorrelation.current.is_(True)))
    assert first.competency_ids == report.matrix_competencies and first.persons == 800
    assert first.common == report.correlation == setting["framework"].correlation

    again = calibration.calibrate(setting["framework"], min_responses=150)
    db.session.commit()
    versions = db.session.scalars(select(FrameworkCorrelation).order_by(FrameworkCorrelation.id)).all()
    assert [v.current for v in versions] == [False, True] and again.matrix is not None

    # A new attempt starts with the current version and its session's prior is that matrix.
    setting["diagnostic"].status, setting["diagnostic"].competencies = "open", chosen
    attempt = start(setting["diagnostic"], setting["teacher"], utcnow(), local_today(), check_window=False)
    assert attempt.correlation_id == versions[1].id
    prior = engine_for(attempt).session.settings.correlation
    stored = np.array(versions[1].matrix)
    where = [versions[1].competency_ids.index(c) for c in sorted(ids)]
    assert np.allclose(prior, stored[np.ix_(where, where)])


def test_a_dry_run_reports_the_matrix_and_stores_no_version(setting):  # noqa: F811
    rng = np.random.default_rng(3)
    banks = [(_items(c, t, prefix=f"D{n}"), t) for n, (c, t) in
             enumerate((c, _truth(rng, 10)) for c in setting["competencies"][:2])]
    _simulate(setting, rng.multivariate_normal(np.zeros(2), TRUE[:2, :2], 300), banks, rng)
    report = calibration.calibrate(setting["framework"], dry_run=True)
    assert report.matrix is not None and len(report.matrix) == 2
    assert db.session.scalar(select(FrameworkCorrelation.id)) is None
    assert db.session.scalar(select(Attempt.correlation_id).where(Attempt.correlation_id.is_not(None))) is None


def test_the_prior_falls_back_to_rho_and_repairs_a_matrix_that_is_not_positive_definite():
    bad = SimpleNamespace(competency_ids=[1, 2, 3], matrix=[[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    repaired = prior_correlation([1, 2, 3], bad, 0.5)
    assert np.linalg.eigvalsh(repaired).min() > 0 and np.allclose(np.diag(repaired), 1.0)
    partial = prior_correlation([1, 4], SimpleNamespace(competency_ids=[1, 2], matrix=[[1, 0.7], [0.7, 1]]), 0.3)
    assert partial == pytest.approx(np.array([[1, 0.3], [0.3, 1]]))  # competency 4 is not in the version
    assert prior_correlation([7], None, 0.5) == pytest.approx(np.eye(1))  # one competency: [[1]]
