"""Practical tasks after a diagnostic: the teacher hands in a product, a tutor reviews it by the rubric in the
one inbox of practical work (courses'), and the score, arriving as ``work_reviewed``, joins the measurement of
its competency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from assessments.models import Answer, Attempt, Item, ItemParameters
from assessments.services import diagnostics
from courses import api as courses_api
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, format_number
from lms.models.sql import lock_rows

#: The source of diagnostic practical tasks among the works courses reviews; a work's ref is «attempt:item».
SOURCE = "assessments.practical"


def ref(attempt_id: int, item_id: int) -> str:
    return f"{attempt_id}:{item_id}"


def parse_ref(value: str) -> tuple[int, int] | None:
    attempt_id, sep, item_id = value.partition(":")
    return (int(attempt_id), int(item_id)) if sep and attempt_id.isdigit() and item_id.isdigit() else None


def rubric_of(item: Item) -> list[dict]:
    """The item's rubric in the reviewers' form: [{"name", "max"}]."""
    return [{"name": row["criterion"], "max": int(row["max_points"])} for row in item.content.get("rubric", [])]


def offered(attempt: Attempt) -> list[Item]:
    """The live practical tasks of the attempt's competencies that can be measured (they have parameters)."""
    return list(db.session.scalars(
        select(Item).join(ItemParameters, and_(ItemParameters.item_id == Item.id, ItemParameters.current.is_(True)))
        .where(Item.competency_id.in_([c.id for c in attempt.diagnostic.competencies]), Item.type == "practical",
               Item.status == "live")
        .order_by(Item.code)))


def works(attempt: Attempt) -> dict[int, object]:
    """The attempt's handed-in works by item (``courses`` works: status, rounds, total, max_points)."""
    found = courses_api.works_of(SOURCE, [ref(attempt.id, item.id) for item in offered(attempt)])
    return {parse_ref(key)[1]: work for key, work in found.items()}


def hand_in(attempt: Attempt, item: Item, user, *, text: str, link: str | None, upload: FileStorage | None,
            now: datetime):
    """Hand in a product for a practical task of one's own finished attempt, or hand it in again after the
    tutor returned it.

    :raises ServiceError: not one's attempt or not finished, a task not offered, and what the hand-in of any
        practical work refuses (nothing handed in, work already waiting or accepted, a bad file).
    """
    if attempt.user_id != user.id or attempt.status != "finished":
        raise ServiceError(_("Practical tasks are handed in after finishing your own diagnostic."))
    if item.id not in {i.id for i in offered(attempt)}:
        raise ServiceError(_("This practical task is not part of the diagnostic."))
    return courses_api.hand_in_work(user, source=SOURCE, ref=ref(attempt.id, item.id),
                                    title=_("Practical task %(code)s", code=item.code), rubric=rubric_of(item),
                                    text=text, link=link, upload=upload, now=now)


def on_work_reviewed(sender, work, decision, **extra) -> None:
    """An accepted (or corrected) practical task is an answer of its attempt with the rubric share as its score;
    the competency's result is computed again from all its evidence."""
    if work.source != SOURCE or decision not in ("accepted", "corrected"):
        return
    ids = parse_ref(work.ref)
    attempt = db.session.get(Attempt, ids[0]) if ids else None
    item = db.session.get(Item, ids[1]) if ids else None
    if attempt is None or item is None:
        return
    reviewed_at = work.last.review.reviewed_at
    lock_rows(Attempt, attempt.id)  # two tutors scoring two tasks of one attempt: one recomputation at a time
    db.session.refresh(attempt)
    share = work.total / work.max_points if work.max_points else 0.0
    existing = next((a for a in attempt.answers if a.item_id == item.id), None)
    if existing is None:
        position = 1 + (db.session.scalar(select(func.max(Answer.position)).where(
            Answer.attempt_id == attempt.id)) or 0)
        attempt.answers.append(Answer(item_id=item.id, position=position, response={"rubric": work.scores},
                                      score=share, scored=True, parameters_id=item.current_parameters.id,
                                      answered_at=reviewed_at))
    else:
        existing.response, existing.score = {"rubric": work.scores}, share
    db.session.flush()
    db.session.expire(attempt, ["answers"])
    diagnostics.store_results(attempt, diagnostics.engine_for(attempt))
    from assessments.services.routes import progress

    progress.remeasured(attempt)


def describe(items: list) -> dict:
    """The inbox's line for diagnostic practical tasks: the diagnostic and the competency, linking to the
    result, and what has been measured so far."""
    from assessments.models import CompetencyResult, Diagnostic

    pairs = {w.id: parse_ref(w.ref) for w in items}
    attempt_ids = {p[0] for p in pairs.values() if p}
    item_ids = {p[1] for p in pairs.values() if p}
    titles = dict(db.session.execute(select(Attempt.id, Diagnostic.title).join(
        Diagnostic, Diagnostic.id == Attempt.diagnostic_id).where(Attempt.id.in_(attempt_ids))).all())
    bank = {i.id: i for i in db.session.scalars(select(Item).where(Item.id.in_(item_ids))
                                                .options(selectinload(Item.competency)))}
    results = {(r.attempt_id, r.competency_id): r for r in db.session.scalars(select(CompetencyResult).where(
        CompetencyResult.attempt_id.in_(attempt_ids)))}
    described = {}
    for work in items:
        attempt_id, item_id = pairs[work.id] or (None, None)
        item = bank.get(item_id)
        if item is None:
            continue
        result = results.get((attempt_id, item.competency_id))
        note = _("%(stem)s Measured so far: level %(l)s (target %(t)s), estimate %(e)s ± %(se)s.", stem=item.stem,
                 l=result.level, t=result.target_level, e=format_number(result.estimate, 2),
                 se=format_number(result.standard_error, 2)) if result else item.stem
        described[work.id] = courses_api.WorkContext(
            f"{titles.get(attempt_id, '')} › {item.competency.code} {item.competency.title}",
            "assessments.result", {"attempt_id": attempt_id}, note)
    return described
