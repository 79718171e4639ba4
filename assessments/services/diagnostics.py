"""Taking a diagnostic: start or resume, the item on screen, each answer saved as given, results at the end.

An attempt's state is its answers. The engine session is rebuilt from them on every request (a few
milliseconds even at a hundred answers), so a closed tab, a dropped connection or a server restart
loses nothing, and the chosen next item is stored on the attempt so every tab shows the same one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

import numpy as np
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from assessments.engine import Bank, Session, Settings
from assessments.items import ITEM_TYPES, item_type
from assessments.models import (
    Answer,
    Attempt,
    CompetencyResult,
    Diagnostic,
    DiagnosticAudience,
    FrameworkLevel,
    Item,
    ItemParameters,
    TargetLevel,
    diagnostic_competency,
)
from courses import api as courses_api
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, to_local
from lms.models.sql import insert_or_ignore, load_locked, lock_rows
from lms.users.models import TeacherProfile

DEFAULT_TARGET = 3


def available(diagnostic: Diagnostic, user, today: date) -> bool:
    """Open, inside its window, and addressed to the user or to a group they are in."""
    if diagnostic.status != "open" or not diagnostic.opens_on <= today <= diagnostic.closes_on:
        return False
    return is_addressed_to(diagnostic, user)


def is_addressed_to(diagnostic: Diagnostic, user) -> bool:
    in_groups = courses_api.group_ids_of(user.id, standing=True)
    return db.session.scalar(select(DiagnosticAudience.id).where(
        DiagnosticAudience.diagnostic_id == diagnostic.id,
        or_(DiagnosticAudience.user_id == user.id, DiagnosticAudience.group_id.in_(in_groups))).limit(1)) is not None


def start(diagnostic: Diagnostic, user, now: datetime, today: date, *, check_window: bool = True) -> Attempt:
    """The user's attempt in progress, or a new one (the next number after their finished ones).

    ``check_window=False`` is for loading past attempts (demo data, imports), never for a request.
    """
    key = f"{diagnostic.id}:{user.id}"
    attempt = db.session.scalar(select(Attempt).where(Attempt.open_key == key))
    if attempt is not None:
        return attempt
    if check_window and not available(diagnostic, user, today):
        raise ServiceError(_("This diagnostic is not open to you."))
    number = 1 + (db.session.scalar(select(func.max(Attempt.number)).where(
        Attempt.diagnostic_id == diagnostic.id, Attempt.user_id == user.id)) or 0)
    deadline = now + timedelta(minutes=diagnostic.time_limit_minutes) if diagnostic.time_limit_minutes else None
    # Two tabs pressing «start» at once: the unique open_key lets one insert win; both then use it.
    insert_or_ignore(Attempt, diagnostic_id=diagnostic.id, user_id=user.id, number=number, open_key=key,
                     status="in_progress", started_at=now, deadline_at=deadline, version=1,
                     seed=secrets.randbelow(2**31))  # a signed 32-bit column on PostgreSQL
    return db.session.scalar(select(Attempt).where(Attempt.open_key == key))


@dataclass
class Engine:
    """The engine session of an attempt, rebuilt from its answers, with the item ↔ index maps."""

    session: Session
    item_ids: list[int]
    index: dict[int, int]


ADAPTIVE_TYPES = tuple(name for name, kind in ITEM_TYPES.items() if kind.adaptive)


class Given(NamedTuple):
    """What choosing the next item needs of an answer given: plain values, not an ORM object."""

    item_id: int
    score: float | None
    scored: bool
    competency_id: int
    a: float | None  # the parameters the answer was scored on (a practical task's, scored later)
    b: float | None


def competency_ids(diagnostic: Diagnostic) -> list[int]:
    """The diagnostic's competencies, as ``Diagnostic.competencies`` orders them, without loading them."""
    return list(db.session.scalars(select(diagnostic_competency.c.competency_id)
                                   .where(diagnostic_competency.c.diagnostic_id == diagnostic.id)
                                   .order_by(diagnostic_competency.c.competency_id)))


def given_answers(attempt: Attempt) -> list[Given]:
    """The attempt's answers in order, as the engine reads them."""
    return [Given(*row) for row in db.session.execute(
        select(Answer.item_id, Answer.score, Answer.scored, Item.competency_id, ItemParameters.a, ItemParameters.b)
        .join(Item, Item.id == Answer.item_id).outerjoin(ItemParameters, ItemParameters.id == Answer.parameters_id)
        .where(Answer.attempt_id == attempt.id).order_by(Answer.position))]


def _item_rows(diagnostic: Diagnostic, competencies: list[int]) -> list:
    """(id, competency, type, status, a, b) of the items the diagnostic may offer — the engine's bank and the
    self-assessment statements, in one statement: plain rows, not ORM objects, because this runs on every
    answer."""
    statuses = ("live", "pilot") if diagnostic.pilot_share > 0 else ("live",)
    offered = and_(Item.type.in_(ADAPTIVE_TYPES), Item.status.in_(statuses), ItemParameters.id.is_not(None))
    if diagnostic.self_assessment:
        offered = or_(offered, and_(Item.type == "self_assessment", Item.status == "live"))
    return db.session.execute(
        select(Item.id, Item.competency_id, Item.type, Item.status, ItemParameters.a, ItemParameters.b)
        .outerjoin(ItemParameters, and_(ItemParameters.item_id == Item.id, ItemParameters.current.is_(True)))
        .where(Item.competency_id.in_(competencies), offered)
        .order_by(Item.code)).all()


def targets_for(user_id: int, diagnostic: Diagnostic, competencies: list[int] | None = None) -> dict[int, int]:
    """The target level of each competency for the teacher's position and qualification category."""
    level = db.session.scalar(select(TargetLevel.level).join(TeacherProfile, and_(
        TeacherProfile.user_id == user_id, TeacherProfile.position == TargetLevel.position,
        TargetLevel.category == func.coalesce(TeacherProfile.qualification_category, "none")))
        .where(TargetLevel.framework_id == diagnostic.framework_id))
    if competencies is None:
        competencies = [c.id for c in diagnostic.competencies]
    return {c: level or DEFAULT_TARGET for c in competencies}


def _measured_targets(attempt: Attempt, competencies: list[int] | None = None) -> dict[int, int]:
    """The targets an attempt is measured against: once it has results, the ones stored with them (a finished
    attempt keeps them even if the teacher's position changed); before that, the teacher's current ones."""
    stored = {r.competency_id: r.target_level for r in attempt.results} if attempt.status == "finished" else {}
    return stored or targets_for(attempt.user_id, attempt.diagnostic, competencies)


@dataclass
class Shape:
    """What the engine is built from besides the answers, read once per request."""

    competencies: list[int]
    rows: list  # _item_rows

    @classmethod
    def of(cls, diagnostic: Diagnostic) -> Shape:
        competencies = competency_ids(diagnostic)
        return cls(competencies, _item_rows(diagnostic, competencies))


def engine_for(attempt: Attempt, shape: Shape | None = None, answers: list[Given] | None = None) -> Engine:
    """The attempt's engine session rebuilt from its answers (``answers``/``shape`` when the caller has them)."""
    diagnostic = attempt.diagnostic
    shape = shape or Shape.of(diagnostic)
    answers = given_answers(attempt) if answers is None else answers
    rows = [r for r in shape.rows if r.type in ADAPTIVE_TYPES]
    competencies = shape.competencies
    position = {c: n for n, c in enumerate(competencies)}
    bank = Bank(a=np.array([r.a for r in rows], dtype=float), b=np.array([r.b for r in rows], dtype=float),
                competency=np.array([position[r.competency_id] for r in rows], dtype=int),
                n_competencies=len(competencies), scored=np.array([r.status == "live" for r in rows], dtype=bool))
    cuts = tuple(db.session.scalars(select(FrameworkLevel.threshold).where(
        FrameworkLevel.framework_id == diagnostic.framework_id).order_by(FrameworkLevel.number).offset(1)))
    targets = _measured_targets(attempt, competencies)
    k = len(competencies)
    rho = diagnostic.framework.correlation
    correlation = np.full((k, k), rho) + (1 - rho) * np.eye(k)
    fixed = None
    if diagnostic.mode == "fixed":
        fixed = tuple(n for c in range(k) for n in [j for j in range(len(rows)) if bank.competency[j] == c
                                                   and bank.scored[j]][: diagnostic.max_per_competency])
    settings = Settings(level_cuts=cuts, targets=tuple(targets[c] for c in competencies), correlation=correlation,
                        min_items=diagnostic.min_per_competency, max_items=diagnostic.max_per_competency,
                        max_total=diagnostic.max_items, pilot_share=diagnostic.pilot_share, fixed_form=fixed)
    session = Session(bank, settings, np.random.default_rng([attempt.seed, len(answers)]))
    item_ids = [r.id for r in rows]
    index = {item_id: n for n, item_id in enumerate(item_ids)}
    for answer in answers:
        if answer.item_id in index:
            session.record(index[answer.item_id], bool(answer.score) if answer.scored else False)
        elif answer.scored and answer.a is not None and answer.competency_id in position:
            # A practical task a tutor scored after the attempt: its rubric share, on the item's parameters.
            session.add_evidence(position[answer.competency_id], answer.a, answer.b, float(answer.score))
    return Engine(session, item_ids, index)


def _next_self_assessment(shape: Shape, answers: list[Given]) -> int | None:
    """The first competency's self-assessment statement not yet answered, if the diagnostic asks them."""
    first = {}
    for row in shape.rows:
        if row.type == "self_assessment":
            first.setdefault(row.competency_id, row.id)
    answered = {a.item_id for a in answers}
    return next((first[c] for c in shape.competencies if c in first and first[c] not in answered), None)


END_MESSAGES = {
    "time": lambda: _("The time limit has passed. The answers you gave in time are saved and scored."),
    "closed": lambda: _("The diagnostic's dates have ended. The answers you gave in time are saved and scored."),
}


def ended(attempt: Attempt, now: datetime) -> str | None:
    """Why an attempt in progress must end now: its time limit passed ("time") or the last day of the
    diagnostic's window did ("closed"). Staff closing a diagnostic early only stops new attempts."""
    if attempt.deadline_at is not None and now >= attempt.deadline_at:
        return "time"
    if to_local(now).date() > attempt.diagnostic.closes_on:
        return "closed"
    return None


def current_item(attempt: Attempt, now: datetime) -> Item | None:
    """The item on the teacher's screen, choosing it if needed; None once the attempt is finished."""
    if attempt.status != "in_progress":
        return None
    reason = ended(attempt, now)
    if reason is not None:
        finish(attempt, reason, now)
        return None
    if attempt.current_item_id is None:
        # Two tabs opening a fresh attempt at once: the second waits here and then shows the first one's choice.
        db.session.flush()
        lock_rows(Attempt, attempt.id)
        db.session.refresh(attempt)
        if attempt.status != "in_progress":
            return None
        if attempt.current_item_id is None and _choose_next(attempt, now) is None:
            return None
    return db.session.get(Item, attempt.current_item_id)


def _choose_next(attempt: Attempt, now: datetime, answers: list[Given] | None = None) -> int | None:
    """Write the next item's id on the attempt (its row locked by the caller), or finish it; the id chosen."""
    shape = Shape.of(attempt.diagnostic)
    answers = given_answers(attempt) if answers is None else answers
    chosen = _next_self_assessment(shape, answers)
    if chosen is None:
        engine = engine_for(attempt, shape, answers)
        index = engine.session.next_item()
        if index is None:
            finish(attempt, "completed", now, engine)
            return None
        chosen = engine.item_ids[index]
    attempt.current_item_id = chosen
    return chosen


#: What saving an answer reads of the attempt besides its answers, in the statement that locks it.
_ANSWER_LOADS = (
    joinedload(Attempt.diagnostic).joinedload(Diagnostic.framework),
    joinedload(Attempt.current_item).joinedload(Item.parameters),
)


def answer(attempt: Attempt, item_id: int, form, now: datetime) -> bool:
    """Save the answer to the item on screen; True if it was recorded now, False for a repeat.

    A repeat of an answer already saved (a double click, a resent form, a second tab) changes nothing.
    An answer to any other item, after the time limit or after the attempt finished is refused.
    """
    db.session.flush()  # the reload below must not drop a current item chosen in this transaction
    load_locked(Attempt, attempt.id, *_ANSWER_LOADS)
    answers = given_answers(attempt)
    given = None
    if any(a.item_id == item_id for a in answers):
        given = db.session.scalar(select(Answer).where(Answer.attempt_id == attempt.id, Answer.item_id == item_id))
        if _reads_as(given, form) == given.response:
            return False  # a double click, a resent form, a second tab: nothing to do
    if attempt.status != "in_progress":
        raise ServiceError(_("This attempt is already finished; its answers are saved."))
    if given is not None:  # the teacher went back and chose differently: the answer already saved stands
        raise ServiceError(_("You had already answered that question, and that first answer is kept: "
                             "answers cannot be changed. Here is the current question."))
    reason = ended(attempt, now)
    if reason is not None:
        finish(attempt, reason, now)
        raise ServiceError(END_MESSAGES[reason]())
    if attempt.current_item_id != item_id:
        raise ServiceError(_("That question is not the one on your screen any more. Here is the current one."))
    item = attempt.current_item
    kind = item_type(item.type)
    response = kind.read(item.content, form)
    params = item.current_parameters if kind.adaptive else None
    # No flush until the next item is chosen: the answer's INSERT and ONE update of the attempt (its new
    # current item and version), not a second update to clear the current item first.
    # The item itself for the results if this answer ends the attempt (the pending row is not flushed yet).
    score, scored = kind.score(item.content, response), kind.adaptive and item.status == "live"
    with db.session.no_autoflush:
        db.session.add(Answer(attempt=attempt, item=item, item_id=item.id, position=len(answers) + 1,
                              response=response, score=score, scored=scored,
                              parameters_id=params.id if params else None, answered_at=now))
        _choose_next(attempt, now, [*answers, Given(item.id, score, scored, item.competency_id, None, None)])
    db.session.flush()
    return True


def _reads_as(given: Answer, form):
    """The resent form read as an answer to the same item, or None when it does not read as one."""
    try:
        return item_type(given.item.type).read(given.item.content, form)
    except ServiceError:
        return None


def finish(attempt: Attempt, reason: str, now: datetime, engine: Engine | None = None) -> None:
    """Close the attempt, store each competency's result and tell the other plugins the deficits."""
    store_results(attempt, engine or engine_for(attempt))
    attempt.status, attempt.open_key, attempt.finished_at = "finished", None, now
    attempt.finish_reason, attempt.current_item = reason, None
    db.session.flush()
    signals.diagnostic_completed.send(attempt, attempt=attempt,
                                      deficits=[r.competency_id for r in attempt.results if r.deficit])


def store_results(attempt: Attempt, engine: Engine) -> None:
    """Write each competency's result from the engine, updating the rows of an earlier computation (a
    practical task scored after the attempt finished re-measures its competency)."""
    diagnostic = attempt.diagnostic
    targets = _measured_targets(attempt)
    self_levels = {}
    for a in attempt.answers:
        if a.item.type == "self_assessment":
            self_levels[a.item.competency_id] = ITEM_TYPES["self_assessment"].level(a.item.content, a.response)
    stored = {r.competency_id: r for r in attempt.results}
    for c, r in zip(diagnostic.competencies, engine.session.result(), strict=True):
        row = stored.get(c.id)
        if row is None:
            row = CompetencyResult(competency_id=c.id, target_level=targets[c.id])
            attempt.results.append(row)
        row.estimate, row.standard_error, row.level, row.p_deficit = r.estimate, r.standard_error, r.level, r.p_deficit
        row.deficit, row.n_items, row.self_level = r.deficit, r.n_items, self_levels.get(c.id)
        row.level_probabilities = list(r.level_probabilities)
