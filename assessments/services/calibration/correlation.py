"""The competencies' correlation from calibration data: each pair disattenuated, the full matrix shrunk towards
their mean by each pair's sample and made positive definite, stored as a new version."""

from __future__ import annotations

import numpy as np
from sqlalchemy import update

from assessments.engine.prior import shrink_correlation
from assessments.models import FrameworkCorrelation
from lms.extensions import db
from lms.i18n import _, format_date

MIN_CORRELATION_PERSONS = 100
#: A pair of competencies answered by fewer people says little about their correlation.
MIN_PAIR_PERSONS = 30
MAX_CORRELATION = 0.9


def estimate_correlation(report, estimates: dict[int, dict[int, tuple[float, float]]]) -> None:
    """The EAPs' correlation of every pair disattenuated by both EAP reliabilities; their mean and the matrix.

    Corr(EAP_j, EAP_k) = ρ·√(λ_j λ_k) with λ = var(EAP) / (var(EAP) + mean posterior variance), the
    share of true-score variance an EAP keeps; dividing it out recovers the abilities' correlation ρ.
    The mean (in [0, MAX_CORRELATION]) is the framework's common ρ; the matrix pulls each pair towards it
    by its persons (:func:`shrink_correlation`), a pair too thin to estimate is that ρ.
    """
    seen: dict[int, int] = {}
    for per_person in estimates.values():
        for person in per_person:
            seen[person] = seen.get(person, 0) + 1
    report.correlation_persons = sum(1 for k in seen.values() if k >= 2)
    if report.correlation_persons < MIN_CORRELATION_PERSONS:
        report.correlation_reason = "too_few_persons"
        return
    values = []
    codes = list(estimates)
    pairwise, persons = np.full((len(codes), len(codes)), np.nan), np.zeros((len(codes), len(codes)))
    for j, first in enumerate(codes):
        for k, second in enumerate(codes[j + 1:], start=j + 1):
            common = sorted(estimates[first].keys() & estimates[second].keys())
            if len(common) < MIN_PAIR_PERSONS:
                continue
            x = np.array([estimates[first][p] for p in common])
            y = np.array([estimates[second][p] for p in common])
            reliabilities = [v[:, 0].var() / (v[:, 0].var() + v[:, 1].mean()) for v in (x, y)]
            if min(reliabilities) < 0.05 or x[:, 0].std() == 0 or y[:, 0].std() == 0:
                continue  # nothing measured: dividing by ~0 would be noise
            r = np.corrcoef(x[:, 0], y[:, 0])[0, 1] / np.sqrt(reliabilities[0] * reliabilities[1])
            values.append(float(np.clip(r, -1.0, 1.0)))
            pairwise[j, k] = pairwise[k, j] = float(np.clip(r, -MAX_CORRELATION, MAX_CORRELATION))
            persons[j, k] = persons[k, j] = len(common)
    report.correlation_pairs = len(values)
    if not values:
        report.correlation_reason = "no_pairs"
        return
    report.correlation = round(float(np.clip(np.mean(values), 0.0, MAX_CORRELATION)), 4)
    report.matrix_competencies = codes
    report.matrix = np.round(shrink_correlation(pairwise, persons, report.correlation), 4).tolist()


def write_correlation(framework, report) -> FrameworkCorrelation | None:
    """Store the report's matrix as the framework's current correlation version (the old ones stay, not current)."""
    if report.matrix is None:
        return None
    db.session.execute(update(FrameworkCorrelation).where(FrameworkCorrelation.framework_id == framework.id,
                                                          FrameworkCorrelation.current.is_(True))
                       .values(current=False))
    version = FrameworkCorrelation(framework_id=framework.id, competency_ids=list(report.matrix_competencies),
                                   matrix=report.matrix, common=report.correlation,
                                   persons=report.correlation_persons, current=True,
                                   sample=_("calibration %(date)s, attempts: %(num)d",
                                            date=format_date(report.on), num=report.correlation_persons))
    db.session.add(version)
    return version


