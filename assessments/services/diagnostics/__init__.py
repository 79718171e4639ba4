"""Taking a diagnostic: start or resume, the item on screen, each answer saved as given, results at the end.

An attempt's state is its answers. The engine session is rebuilt from them on every request (a few
milliseconds even at a hundred answers), so a closed tab, a dropped connection or a server restart
loses nothing, and the chosen next item is stored on the attempt so every tab shows the same one.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import joinedload

from assessments.items import ADAPTIVE_TYPES, ITEM_TYPES, item_type
from assessments.models import (
    Answer,
    Attempt,
    CompetencyResult,
    Diagnostic,
    DiagnosticAudience,
    Framework,
    FrameworkCorrelation,
    Item,
)
from assessments.services.diagnostics import exposure
from assessments.services.diagnostics.engine import (
    DEFAULT_TARGET,
    Engine,
    Given,
    Shape,
    engine_for,
    given_answers,
    measured_targets,
    targets_for,
)
from courses import api as courses_api
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, to_local
from lms.models.sql import insert_or_ignore, load_locked, lock_rows


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
    seed = secrets.randbelow(2**31)  # a signed 32-bit column on PostgreSQL
    bank = [r for r in Shape.of(diagnostic).rows if r.type in ADAPTIVE_TYPES]
    # Two tabs pressing «start» at once: the unique open_key lets one insert win; both then use it.
    insert_or_ignore(Attempt, diagnostic_id=diagnostic.id, user_id=user.id, number=number, open_key=key,
                     status="in_progress", started_at=now, deadline_at=deadline, version=1, seed=seed,
                     withheld_items=exposure.withheld_items(diagnostic, bank, np.random.default_rng([seed, 1])),
                     seen_items=exposure.seen_items(user.id, diagnostic.framework_id),
                     # The matrix current now serves the whole attempt, even if calibration writes a new one.
                     correlation_id=db.session.scalar(select(FrameworkCorrelation.id).where(
                         FrameworkCorrelation.framework_id == diagnostic.framework_id,
                         FrameworkCorrelation.current.is_(True)).order_by(FrameworkCorrelation.id.desc()).limit(1)))
    return db.session.scalar(select(Attempt).where(Attempt.open_key == key))


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
    return db.session.get(Item, attempt.current_item_id, options=[joinedload(Item.competency)])  # the page names it


def _choose_next(attempt: Attempt, now: datetime, answers: list[Given] | None = None,
                 shape: Shape | None = None) -> int | None:
    """Write the next item's id on the attempt (its row locked by the caller), or finish it; the id chosen."""
    shape = shape or Shape.of(attempt.diagnostic, attempt.user_id)
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


#: What saving an answer reads of the attempt besides its answers, in the statement that locks it (the answer
#: view reads the attempt so for its access check, and ``answer`` then does not read it again).
ANSWER_LOADS = (
    joinedload(Attempt.diagnostic).joinedload(Diagnostic.framework).joinedload(Framework.levels),
    joinedload(Attempt.correlation),
    joinedload(Attempt.current_item),  # its current parameters come with the bank (Shape)
)


def answer(attempt: Attempt, item_id: int, form, now: datetime) -> bool:
    """Save the answer to the item on screen; True if it was recorded now, False for a repeat.

    A repeat of an answer already saved (a double click, a resent form, a second tab) changes nothing.
    An answer to any other item, after the time limit or after the attempt finished is refused.
    """
    db.session.flush()  # a reload below must not drop a current item chosen in this transaction
    load_locked(Attempt, attempt.id, *ANSWER_LOADS)
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
    shape = Shape.of(attempt.diagnostic, attempt.user_id)
    params_id = None
    if kind.adaptive:  # an item retired while on the teacher's screen is no longer in the bank: ask it
        params_id = shape.parameters_id(item.id) or getattr(item.current_parameters, "id", None)
    score, scored = kind.score(item.content, response), kind.adaptive and item.status == "live"
    # The answer's row goes in at once, as a plain INSERT (nothing of it is read back as an object, so the unit
    # of work has nothing to track); the attempt is then updated ONCE, with its new current item and version —
    # not a first time to clear the current item.
    db.session.execute(insert(Answer.__table__).values(
        attempt_id=attempt.id, item_id=item.id, position=len(answers) + 1, response=response, score=score,
        scored=scored, parameters_id=params_id, answered_at=now))
    with db.session.no_autoflush:
        _choose_next(attempt, now, [*answers, Given(item.id, score, scored, item.competency_id, None, None)], shape)
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
    targets = measured_targets(attempt)
    statements = db.session.execute(select(Item.competency_id, Item.content, Answer.response).join(Answer.item)
                                    .where(Answer.attempt_id == attempt.id, Item.type == "self_assessment"))
    self_levels = {c: ITEM_TYPES["self_assessment"].level(content, response) for c, content, response in statements}
    stored = {r.competency_id: r for r in attempt.results}
    for c, r in zip(diagnostic.competencies, engine.session.result(), strict=True):
        row = stored.get(c.id)
        if row is None:
            row = CompetencyResult(competency_id=c.id, target_level=targets[c.id])
            attempt.results.append(row)
        row.estimate, row.standard_error, row.level, row.p_deficit = r.estimate, r.standard_error, r.level, r.p_deficit
        row.deficit, row.n_items, row.self_level = r.deficit, r.n_items, self_levels.get(c.id)
        row.level_probabilities = list(r.level_probabilities)
