"""Item statistics and 2PL calibration of the bank from finished attempts: new parameter versions, never edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments.engine import irt
from assessments.engine.calibration import A_BOUNDS, B_BOUNDS, calibrate_2pl
from assessments.engine.statistics import ItemStatistics, analyse
from assessments.items import ADAPTIVE_TYPES
from assessments.models import Answer, Attempt, Competency, Domain, Framework, Item, ItemParameters
from assessments.services.bank import record_change, set_parameters
from assessments.services.calibration.correlation import (  # noqa: F401 — the CLI reads the thresholds here
    MAX_CORRELATION,
    MIN_CORRELATION_PERSONS,
    MIN_PAIR_PERSONS,
    estimate_correlation,
    write_correlation,
)
from lms.extensions import db
from lms.i18n import _, _n, format_date, local_today

#: Pilot items collect answers too: calibrating them is what piloting is for.
STATUSES = ("live", "pilot")
MIN_RESPONSES = 200
#: Fewer anchors than this leave the scale resting on one or two items' luck: the cohort sets it instead.
MIN_ANCHORS = 3


@dataclass
class Data:
    """The framework's adaptive items and their answers by competency: (items, attempt ids, persons × items)."""

    competencies: list[Competency]
    items: dict[int, list[Item]]
    attempts: dict[int, np.ndarray]
    matrices: dict[int, np.ndarray]


@dataclass
class ItemRow:
    item: Item
    parameters: ItemParameters | None
    exposure: float | None
    stats: ItemStatistics


@dataclass
class CompetencyStatistics:
    competency: Competency
    items: list[ItemRow]
    n: int
    reliability: float | None
    sem: float | None


@dataclass
class ItemOutcome:
    """What calibration did with one item: "calibrated", "anchor" (kept, sets the scale) or "skipped"."""

    code: str
    outcome: str
    n: int
    reason: str = ""
    before: tuple[float, float] | None = None
    after: tuple[float, float] | None = None


@dataclass
class CompetencyReport:
    code: str
    title: str
    n_persons: int
    items: list[ItemOutcome] = field(default_factory=list)
    anchored: bool = False
    latent_mean: float | None = None
    latent_sd: float | None = None
    converged: bool | None = None
    iterations: int = 0

    def of(self, outcome: str) -> list[ItemOutcome]:
        return [i for i in self.items if i.outcome == outcome]


@dataclass
class CalibrationReport:
    framework: str
    on: date
    min_responses: int
    dry_run: bool
    competencies: list[CompetencyReport] = field(default_factory=list)
    correlation_before: float = 0.0
    #: None when it could not be estimated (then the framework keeps its value); see correlation_reason.
    correlation: float | None = None
    correlation_persons: int = 0
    correlation_pairs: int = 0
    correlation_reason: str = ""
    #: The full matrix (competency ids, rows), shrunk towards ``correlation`` and made positive definite.
    matrix_competencies: list[int] = field(default_factory=list)
    matrix: list[list[float]] | None = None
    written: int = 0


def load_data(framework: Framework, competency_id: int | None = None) -> Data:
    """Everything the statistics and the calibration read, in four queries whatever the bank's size."""
    order = (Domain.position, Competency.position, Competency.id)
    query = select(Competency).join(Domain, Domain.id == Competency.domain_id).where(
        Competency.framework_id == framework.id).order_by(*order)
    if competency_id is not None:
        query = query.where(Competency.id == competency_id)
    competencies = list(db.session.scalars(query))
    wanted = [Item.framework_id == framework.id, Item.type.in_(ADAPTIVE_TYPES), Item.status.in_(STATUSES)]
    if competency_id is not None:
        wanted.append(Item.competency_id == competency_id)
    items: dict[int, list[Item]] = {c.id: [] for c in competencies}
    for item in db.session.scalars(select(Item).where(*wanted).options(selectinload(Item.parameters))
                                   .order_by(Item.code)):
        items[item.competency_id].append(item)
    rows = db.session.execute(
        select(Answer.attempt_id, Answer.item_id, Answer.score).join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Item, Item.id == Answer.item_id).where(*wanted, Attempt.status == "finished",
                                                     Answer.score.is_not(None))).all()
    where = {item.id: (c, n) for c, listed in items.items() for n, item in enumerate(listed)}
    by_competency: dict[int, list[tuple[int, int, float]]] = {c.id: [] for c in competencies}
    for attempt_id, item_id, score in rows:
        c, n = where[item_id]
        by_competency[c].append((attempt_id, n, score))
    attempts, matrices = {}, {}
    for c, found in by_competency.items():
        triples = np.array(found, dtype=float).reshape(-1, 3)
        # One row per attempt: a teacher's second sitting is another response pattern, as the engine saw it.
        attempts[c], rows_of = np.unique(triples[:, 0].astype(int), return_inverse=True)
        matrix = np.full((len(attempts[c]), len(items[c])), np.nan)
        matrix[rows_of, triples[:, 1].astype(int)] = triples[:, 2]
        matrices[c] = matrix
    return Data(competencies, items, attempts, matrices)


def response_matrix(framework: Framework, competency: Competency) -> tuple[list[Item], np.ndarray]:
    """The competency's live and pilot adaptive items and the attempts × items matrix of 1, 0 and NaN."""
    data = load_data(framework, competency.id)
    return data.items[competency.id], data.matrices[competency.id]


def item_statistics(framework: Framework) -> list[CompetencyStatistics]:
    """Classical statistics of every competency's items; exposure is the share of the attempts that
    answered any of the competency's items which were shown this one."""
    data = load_data(framework)
    result = []
    for competency in data.competencies:
        items, matrix = data.items[competency.id], data.matrices[competency.id]
        live = np.array([item.status != "pilot" for item in items], dtype=bool)  # the scale; all-pilot: its own
        scale = analyse(matrix, live if live.any() else None)
        n = len(matrix)
        rows = [ItemRow(item, item.current_parameters, stats.n_responses / n if n else None, stats)
                for item, stats in zip(items, scale.items, strict=True)]
        result.append(CompetencyStatistics(competency, rows, n, scale.reliability, scale.sem))
    return result


def calibrate(framework: Framework, *, min_responses: int = MIN_RESPONSES, anchors: str = "live",
              dry_run: bool = False, on: date | None = None, user=None) -> CalibrationReport:
    """Calibrate each competency's items and the competencies' correlation matrix; write new versions unless dry_run.

    ``anchors="live"``: live items with enough answers keep their current parameters and fix the scale
    when there are at least MIN_ANCHORS of them; ``"none"`` (or too few anchors): the cohort is N(0, 1).
    Past answers and results keep the parameter versions they name: only new rows are added.
    """
    if anchors not in ("live", "none"):
        raise ValueError("anchors must be 'live' or 'none'")
    on = on or local_today()
    data = load_data(framework)
    report = CalibrationReport(f"{framework.code} {framework.version}", on, min_responses, dry_run,
                               correlation_before=framework.correlation)
    estimates = {}
    for competency in data.competencies:
        part, final = _calibrate_competency(competency, data, min_responses, anchors)
        report.competencies.append(part)
        if final is not None:
            estimates[competency.id] = _eap(data.attempts[competency.id], data.matrices[competency.id], *final)
    estimate_correlation(report, estimates)
    if not dry_run:
        report.written = _write(report, data, on, user)
        if report.correlation is not None:
            framework.correlation = report.correlation
            write_correlation(framework, report)
        db.session.flush()
    return report


def _calibrate_competency(competency, data: Data, min_responses: int, anchors: str):
    """The competency's report and its final (a, b, prior mean, prior sd) for the EAPs, or None without answers."""
    items, matrix = data.items[competency.id], data.matrices[competency.id]
    counts = (~np.isnan(matrix)).sum(axis=0) if matrix.size else np.zeros(len(items), dtype=int)
    report = CompetencyReport(competency.code, competency.title, len(matrix))
    eligible = [n for n in range(len(items)) if counts[n] >= min_responses]
    for n in range(len(items)):
        if n not in eligible:
            report.items.append(ItemOutcome(items[n].code, "skipped", int(counts[n]),
                                            "no_responses" if counts[n] == 0 else "too_few_responses"))
    a, b = _current(items)
    if not eligible:
        # Nothing to calibrate, but the current parameters still give EAPs for the correlation.
        return report, ((a, b, 0.0, 1.0) if len(matrix) else None)
    candidates = [n for n in eligible if items[n].status == "live" and items[n].current_parameters is not None]
    fixed = {}
    if anchors == "live" and len(candidates) >= MIN_ANCHORS:
        fixed = {eligible.index(n): (float(a[n]), float(b[n])) for n in candidates}
    fit = calibrate_2pl(matrix[:, eligible], fixed)
    report.anchored, report.converged, report.iterations = bool(fixed), fit.converged, fit.iterations
    report.latent_mean, report.latent_sd = fit.latent_mean, fit.latent_sd
    for column, n in enumerate(eligible):
        before = None if np.isnan(a[n]) else (float(a[n]), float(b[n]))
        outcome = ItemOutcome(items[n].code, "anchor" if column in fixed else "calibrated", int(counts[n]),
                              before=before)
        new = (round(float(fit.a[column]), 4), round(float(fit.b[column]), 4))
        if column not in fixed:
            if not fit.converged:
                outcome.outcome, outcome.reason = "skipped", "not_converged"
            elif not (A_BOUNDS[0] < new[0] < A_BOUNDS[1] and B_BOUNDS[0] < new[1] < B_BOUNDS[1]):
                # An estimate stopped at a bound has no finite optimum (everyone right, or no slope).
                outcome.outcome, outcome.reason = "skipped", "at_bound"
            else:
                outcome.after = new
                a[n], b[n] = new
        report.items.append(outcome)
    order = {item.code: n for n, item in enumerate(items)}
    report.items.sort(key=lambda o: order[o.code])
    return report, (a, b, fit.latent_mean, fit.latent_sd)


def _current(items: list[Item]) -> tuple[np.ndarray, np.ndarray]:
    """The items' current (a, b) as arrays; NaN for an item without parameters."""
    params = [i.current_parameters for i in items]
    return np.array([p.a if p else np.nan for p in params]), np.array([p.b if p else np.nan for p in params])


def _eap(attempt_ids, matrix, a, b, mean, sd) -> dict[int, tuple[float, float]]:
    """Each attempt's EAP and posterior variance under N(mean, sd) with the items' final parameters."""
    known = ~np.isnan(a)
    u = matrix[:, known]
    observed = ~np.isnan(u)
    keep = observed.any(axis=1)
    u, observed = np.where(observed, u, 0.0)[keep], observed[keep]
    logit = np.outer(irt.GRID, a[known]) - a[known] * b[known]
    log_p, log_q = -np.logaddexp(0.0, -logit), -np.logaddexp(0.0, logit)
    log_post = u @ log_p.T + (observed - u) @ log_q.T - 0.5 * ((irt.GRID - mean) / sd) ** 2
    eap, variance = irt.mean_and_variance(irt.normalise(log_post))
    return {int(k): (float(e), float(v)) for k, e, v in zip(attempt_ids[keep], eap, variance, strict=True)}


def _write(report: CalibrationReport, data: Data, on: date, user) -> int:
    by_code = {item.code: item for listed in data.items.values() for item in listed}
    written = 0
    for part in report.competencies:
        anchors = len(part.of("anchor"))
        for outcome in part.of("calibrated"):
            item = by_code[outcome.code]
            sample = _n("calibration %(date)s, %(num)d response, %(anchors)s anchors",
                        "calibration %(date)s, %(num)d responses, %(anchors)s anchors", outcome.n,
                        date=format_date(on), anchors=anchors)
            set_parameters(item, *outcome.after, source="calibration", sample=sample, n_responses=outcome.n)
            record_change(item, user, {"parameters": [list(outcome.before) if outcome.before else None,
                                                      list(outcome.after)]}, note=_("calibration"))
            written += 1
    return written
