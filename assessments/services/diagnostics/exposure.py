"""What a new attempt avoids, fixed at its start: questions shown to too many teachers, and questions this
teacher answered in an earlier sitting on the same framework.

Both are read once, when the attempt starts, and stored on it: the engine session is rebuilt from the
attempt on every answer, and reading the service's counts or the teacher's history there would cost
statements on the answer path and could change the session between two answers.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from assessments.engine.exposure import eligibility, withheld
from assessments.models import Answer, Attempt, Diagnostic, diagnostic_competency
from lms.extensions import db

#: The finished attempts the exposure counts cover: recent enough to follow the population, enough
#: that a count of a few is not noise. Older attempts no longer weigh on what is shown.
WINDOW = 1000


def seen_items(user_id: int, framework_id: int) -> list[int]:
    """Every item the teacher answered in any earlier attempt on the framework's diagnostics."""
    return sorted(db.session.scalars(
        select(Answer.item_id).distinct().join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Diagnostic, Diagnostic.id == Attempt.diagnostic_id)
        .where(Attempt.user_id == user_id, Diagnostic.framework_id == framework_id)))


def withheld_items(diagnostic: Diagnostic, bank: list, rng: np.random.Generator) -> list[int]:
    """The items of ``bank`` (rows with ``id`` and ``competency_id``) that exposure control withholds now.

    Counts come from the framework's last WINDOW finished attempts: an item counts as eligible in an
    attempt whose diagnostic covered its competency and did not withhold it (or showed it anyway,
    when nothing fresher was left), and as shown when it was answered. An item shown to more than
    its share so far is withheld with the probability that brings it back to ``max_exposure``.
    """
    if diagnostic.max_exposure is None or diagnostic.max_exposure >= 1.0 or not bank:
        return []  # no control: every item may go to every teacher
    recent = db.session.execute(
        select(Attempt.id, Attempt.diagnostic_id, Attempt.withheld_items)
        .join(Diagnostic, Diagnostic.id == Attempt.diagnostic_id)
        .where(Diagnostic.framework_id == diagnostic.framework_id, Attempt.status == "finished")
        .order_by(Attempt.finished_at.desc(), Attempt.id.desc()).limit(WINDOW)).all()
    ids = [row.id for row in bank]
    if not recent:
        return []
    position = {item_id: n for n, item_id in enumerate(ids)}
    competency = np.array([row.competency_id for row in bank])
    covered: dict[int, set[int]] = {}
    for diagnostic_id, competency_id in db.session.execute(
            select(diagnostic_competency.c.diagnostic_id, diagnostic_competency.c.competency_id)
            .where(diagnostic_competency.c.diagnostic_id.in_({row.diagnostic_id for row in recent}))):
        covered.setdefault(diagnostic_id, set()).add(competency_id)
    answered: dict[int, set[int]] = {}
    for attempt_id, item_id in db.session.execute(
            select(Answer.attempt_id, Answer.item_id).where(Answer.attempt_id.in_([row.id for row in recent]),
                                                           Answer.item_id.in_(ids))):
        answered.setdefault(attempt_id, set()).add(position[item_id])
    shown, eligible, attempts = np.zeros(len(ids)), np.zeros(len(ids)), np.zeros(len(ids))
    for row in recent:
        could = np.isin(competency, list(covered.get(row.diagnostic_id, ())))
        held = np.zeros(len(ids), dtype=bool)
        held[[position[i] for i in row.withheld_items or () if i in position]] = True
        used = np.zeros(len(ids), dtype=bool)
        used[list(answered.get(row.id, ()))] = True
        attempts += could
        eligible += could & (~held | used)
        shown += used
    return [ids[n] for n in np.flatnonzero(withheld(eligibility(shown, eligible, attempts, diagnostic.max_exposure),
                                                     rng))]
