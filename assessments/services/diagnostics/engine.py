"""The engine session of an attempt, rebuilt from its answers: what the diagnostic may offer, the teacher's
targets and the answers given, read as plain rows because this runs on every answer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
from sqlalchemy import Select, and_, bindparam, func, or_, select

from assessments.engine import Bank, Session, Settings
from assessments.engine.inputs import FRESH, SEEN, WITHHELD
from assessments.engine.prior import nearest_correlation
from assessments.items import ADAPTIVE_TYPES
from assessments.models import (
    Answer,
    Attempt,
    Diagnostic,
    FrameworkCorrelation,
    Item,
    ItemParameters,
    TargetLevel,
    diagnostic_competency,
)
from lms.extensions import db
from lms.users.models import TeacherProfile

DEFAULT_TARGET = 3


@dataclass
class Engine:
    """The engine session of an attempt, rebuilt from its answers, with the item ↔ index maps."""

    session: Session
    item_ids: list[int]
    index: dict[int, int]




class Given(NamedTuple):
    """What choosing the next item needs of an answer given: plain values, not an ORM object."""

    item_id: int
    score: float | None
    scored: bool
    competency_id: int
    a: float | None  # the parameters the answer was scored on (a practical task's, scored later)
    b: float | None


# The statements below run on every answer: built once with bound parameters, since building one anew (and its
# cache key) cost as much as sending it.

@cache
def _given_statement() -> Select:
    return (select(Answer.item_id, Answer.score, Answer.scored, Item.competency_id, ItemParameters.a, ItemParameters.b)
            .join(Item, Item.id == Answer.item_id).outerjoin(ItemParameters, ItemParameters.id == Answer.parameters_id)
            .where(Answer.attempt_id == bindparam("attempt_id")).order_by(Answer.position))


def given_answers(attempt: Attempt) -> list[Given]:
    """The attempt's answers in order, as the engine reads them."""
    return [Given(*row) for row in db.session.execute(_given_statement(), {"attempt_id": attempt.id})]


@cache
def _shape_statement(pilots: bool, self_assessment: bool, with_target: bool) -> Select:
    statuses = ("live", "pilot") if pilots else ("live",)
    offered = and_(Item.type.in_(ADAPTIVE_TYPES), Item.status.in_(statuses), ItemParameters.id.is_not(None))
    if self_assessment:
        offered = or_(offered, and_(Item.type == "self_assessment", Item.status == "live"))
    chosen = diagnostic_competency
    items = Item.__table__.outerjoin(ItemParameters, and_(ItemParameters.item_id == Item.id,
                                                          ItemParameters.current.is_(True)))
    columns = [chosen.c.competency_id, Item.id, Item.type, Item.status, ItemParameters.a, ItemParameters.b,
               ItemParameters.id.label("parameters_id")]
    if with_target:  # the same on every row: PostgreSQL and SQLite run an uncorrelated subquery once
        columns.append(_target_statement().scalar_subquery().label("target"))
    return (select(*columns)
            .select_from(chosen.outerjoin(items, and_(Item.competency_id == chosen.c.competency_id, offered)))
            .where(chosen.c.diagnostic_id == bindparam("diagnostic_id"))
            .order_by(Item.code))


def _shape_rows(diagnostic: Diagnostic, user_id: int | None = None) -> list:
    """(competency, id, type, status, a, b, parameters_id[, target]) of the items the diagnostic may offer — the
    engine's bank and the self-assessment statements — and a row with no item for each competency that has none:
    its competencies, its bank and (given ``user_id``) the teacher's target level in one statement of plain rows,
    not ORM objects."""
    statement = _shape_statement(diagnostic.pilot_share > 0, bool(diagnostic.self_assessment), user_id is not None)
    parameters = {"diagnostic_id": diagnostic.id, "user_id": user_id, "framework_id": diagnostic.framework_id}
    return db.session.execute(statement, parameters).all()


@cache
def _target_statement() -> Select:
    return select(TargetLevel.level).join(TeacherProfile, and_(
        TeacherProfile.user_id == bindparam("user_id"), TeacherProfile.position == TargetLevel.position,
        TargetLevel.category == func.coalesce(TeacherProfile.qualification_category, "none"))).where(
        TargetLevel.framework_id == bindparam("framework_id"))


def targets_for(user_id: int, diagnostic: Diagnostic, competencies: list[int] | None = None) -> dict[int, int]:
    """The target level of each competency for the teacher's position and qualification category."""
    level = db.session.scalar(_target_statement(), {"user_id": user_id, "framework_id": diagnostic.framework_id})
    if competencies is None:
        competencies = [c.id for c in diagnostic.competencies]
    return {c: level or DEFAULT_TARGET for c in competencies}


def measured_targets(attempt: Attempt, competencies: list[int] | None = None,
                     shape: Shape | None = None) -> dict[int, int]:
    """The targets an attempt is measured against: once it has results, the ones stored with them (a finished
    attempt keeps them even if the teacher's position changed); before that, the teacher's current ones (read
    with the ``shape`` when it was read for the attempt's teacher)."""
    stored = {r.competency_id: r.target_level for r in attempt.results} if attempt.status == "finished" else {}
    if stored:
        return stored
    if shape is not None and shape.targets is not None:
        return shape.targets
    return targets_for(attempt.user_id, attempt.diagnostic, competencies)


@dataclass
class Shape:
    """What the engine is built from besides the answers, read once per request."""

    competencies: list[int]  # as ``Diagnostic.competencies`` orders them
    rows: list  # _shape_rows, the items only
    targets: dict[int, int] | None = None  # the teacher's current ones, when read for a teacher

    @classmethod
    def of(cls, diagnostic: Diagnostic, user_id: int | None = None) -> Shape:
        """The diagnostic's competencies and bank, and with ``user_id`` that teacher's targets, in one statement."""
        rows = _shape_rows(diagnostic, user_id)
        competencies = sorted({r.competency_id for r in rows})
        targets = None
        if user_id is not None:
            level = rows[0].target if rows else None
            targets = {c: level or DEFAULT_TARGET for c in competencies}
        return cls(competencies, [r for r in rows if r.id is not None], targets)

    def parameters_id(self, item_id: int) -> int | None:
        """The id of the current parameters of an item the diagnostic offers (None if it offers it no more)."""
        return next((r.parameters_id for r in self.rows if r.id == item_id), None)


def prior_correlation(competencies: list[int], version: FrameworkCorrelation | None, rho: float) -> np.ndarray:
    """The prior's correlation matrix of ``competencies``: the stored version's pairs, ``rho`` for a pair it
    does not cover (a competency added after calibration), repaired if the mix is not positive definite."""
    k = len(competencies)
    correlation = np.full((k, k), rho) + (1 - rho) * np.eye(k)
    if version is not None:
        where = {c: n for n, c in enumerate(version.competency_ids)}
        known = [(n, where[c]) for n, c in enumerate(competencies) if c in where]
        stored = np.asarray(version.matrix, dtype=float)
        for n, i in known:
            for m, j in known:
                correlation[n, m] = stored[i, j]
    # A framework of one competency is [[1]]; a stored matrix is already valid, a mixed one may not be.
    return nearest_correlation(correlation)


def engine_for(attempt: Attempt, shape: Shape | None = None, answers: list[Given] | None = None) -> Engine:
    """The attempt's engine session rebuilt from its answers (``answers``/``shape`` when the caller has them)."""
    diagnostic = attempt.diagnostic
    shape = shape or Shape.of(diagnostic, attempt.user_id)
    answers = given_answers(attempt) if answers is None else answers
    rows = [r for r in shape.rows if r.type in ADAPTIVE_TYPES]
    competencies = shape.competencies
    position = {c: n for n, c in enumerate(competencies)}
    bank = Bank(a=np.array([r.a for r in rows], dtype=float), b=np.array([r.b for r in rows], dtype=float),
                competency=np.array([position[r.competency_id] for r in rows], dtype=int),
                n_competencies=len(competencies), scored=np.array([r.status == "live" for r in rows], dtype=bool))
    cuts = tuple(level.threshold for level in diagnostic.framework.levels[1:])  # level 1 has no floor
    targets = measured_targets(attempt, competencies, shape)
    k = len(competencies)
    correlation = prior_correlation(competencies, attempt.correlation, diagnostic.framework.correlation)
    fixed = None
    if diagnostic.mode == "fixed":
        fixed = tuple(n for c in range(k) for n in [j for j in range(len(rows)) if bank.competency[j] == c
                                                   and bank.scored[j]][: diagnostic.max_per_competency])
    settings = Settings(level_cuts=cuts, targets=tuple(targets[c] for c in competencies), correlation=correlation,
                        min_items=diagnostic.min_per_competency, max_items=diagnostic.max_per_competency,
                        max_total=diagnostic.max_items, pilot_share=diagnostic.pilot_share, fixed_form=fixed)
    item_ids = [r.id for r in rows]
    index = {item_id: n for n, item_id in enumerate(item_ids)}
    # Seen outranks withheld: a repeat sitting gets questions new to the teacher before rarely shown ones.
    avoid = np.full(len(rows), FRESH)
    avoid[[index[i] for i in attempt.withheld_items or () if i in index]] = WITHHELD
    avoid[[index[i] for i in attempt.seen_items or () if i in index]] = SEEN
    # Seeded per attempt (each choice by the answers so far): rebuilt on every request, it chooses the
    # same items as one session kept alive through the attempt would.
    session = Session(bank, settings, avoid=avoid, seed=attempt.seed)
    for answer in answers:
        if answer.item_id in index:
            session.record(index[answer.item_id], bool(answer.score) if answer.scored else False)
        elif answer.scored and answer.a is not None and answer.competency_id in position:
            # A practical task a tutor scored after the attempt: its rubric share, on the item's parameters.
            session.add_evidence(position[answer.competency_id], answer.a, answer.b, float(answer.score))
    return Engine(session, item_ids, index)
