"""Practical tasks after a diagnostic: the teacher hands in a product, a tutor scores it by the rubric,
and the score joins the measurement of its competency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from assessments.models import Answer, Attempt, Item, ItemParameters, PracticalWork
from assessments.services import diagnostics
from lms.errors import ConflictError, ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.sql import lock_rows
from lms.storage import store


def offered(attempt: Attempt) -> list[Item]:
    """The live practical tasks of the attempt's competencies that can be measured (they have parameters)."""
    return list(db.session.scalars(
        select(Item).join(ItemParameters, and_(ItemParameters.item_id == Item.id, ItemParameters.current.is_(True)))
        .where(Item.competency_id.in_([c.id for c in attempt.diagnostic.competencies]), Item.type == "practical",
               Item.status == "live")
        .order_by(Item.code)))


def works(attempt: Attempt) -> dict[int, PracticalWork]:
    """The attempt's handed-in works by item."""
    return {w.item_id: w for w in db.session.scalars(select(PracticalWork).where(
        PracticalWork.attempt_id == attempt.id))}


def hand_in(attempt: Attempt, item: Item, user, *, text: str, link: str | None, upload: FileStorage | None,
            now: datetime) -> PracticalWork:
    """Hand in a product for a practical task of one's own finished attempt, or hand it in again after the
    tutor returned it.

    :raises ServiceError: not one's attempt or not finished, a task not offered, nothing handed in, work
        already waiting or already scored, a bad file.
    """
    if attempt.user_id != user.id or attempt.status != "finished":
        raise ServiceError(_("Practical tasks are handed in after finishing your own diagnostic."))
    if item.id not in {i.id for i in offered(attempt)}:
        raise ServiceError(_("This practical task is not part of the diagnostic."))
    text, link = (text or "").strip(), (link or "").strip() or None
    has_file = upload is not None and bool(upload.filename)
    if not (text or link or has_file):
        raise ServiceError(_("Add a text, a link or a file."), field="text")
    if link and not link.startswith(("http://", "https://")):
        raise ServiceError(_("A link starts with http:// or https://."), field="link")
    work = db.session.scalar(select(PracticalWork).where(PracticalWork.attempt_id == attempt.id,
                                                         PracticalWork.item_id == item.id))
    if work is not None and work.status == "submitted":
        raise ServiceError(_("Your work is already waiting for review."))
    if work is not None and work.status == "scored":
        raise ServiceError(_("Your work has already been scored."))
    stored = store(upload, f"practical-{item.id}") if has_file else None
    if work is None:
        work = PracticalWork(attempt_id=attempt.id, item_id=item.id, user_id=user.id, rounds=1)
        db.session.add(work)
    else:
        work.rounds += 1
    work.text, work.link, work.status, work.submitted_at = text, link, "submitted", now
    if stored is not None:
        work.file_key, work.file_name = stored.key, stored.original_name
    try:
        db.session.flush()
    except IntegrityError as exc:  # a second tab handed in the same task a moment earlier
        raise ServiceError(_("Your work is already waiting for review.")) from exc
    return work


def score(work: PracticalWork, tutor, *, version: int | None, scores: list[int], comment: str, accept: bool,
          now: datetime) -> PracticalWork:
    """Score every rubric criterion and accept the work into the measurement, or return it with a comment.

    A scored work is an answer of the attempt with the rubric share as its score; the competency's result
    is computed again from all its evidence. Scoring again (a correction) replaces that answer's score.

    :raises ConflictError: another tutor scored or the teacher handed in again since the form was opened.
    :raises ServiceError: a score outside a criterion's range, a return without a comment, nothing to score.
    """
    if version is not None and version != work.version:
        raise ConflictError(_("Someone else changed this work while you were scoring it, so your scores were "
                              "not saved. Check the current state and score again."))
    if work.status == "returned":
        raise ServiceError(_("This work was returned for rework; wait until the teacher hands it in again."))
    rubric = work.item.content.get("rubric", [])
    if len(scores) != len(rubric) or any(not 0 <= s <= int(r["max_points"]) for s, r in zip(scores, rubric,
                                                                                          strict=False)):
        raise ServiceError(_("Score every criterion within its maximum."))
    comment = (comment or "").strip()
    if not accept:
        if work.status == "scored":
            raise ServiceError(_("A scored work cannot be returned; correct its scores instead."))
        if not comment:
            raise ServiceError(_("Say what to rework: the teacher sees your comment."), field="comment")
    work.scores, work.comment, work.scored_by_id, work.scored_at = scores, comment, tutor.id, now
    work.status = "scored" if accept else "returned"
    if accept:
        _measure(work, now)
    db.session.flush()
    return work


def _measure(work: PracticalWork, now: datetime) -> None:
    """Put the rubric share into the attempt as an answer and compute the competency results again."""
    attempt = work.attempt
    lock_rows(Attempt, attempt.id)  # two tutors scoring two tasks of one attempt: one recomputation at a time
    db.session.refresh(attempt)
    share = work.total / work.max_points
    existing = next((a for a in attempt.answers if a.item_id == work.item_id), None)
    if existing is None:
        position = 1 + (db.session.scalar(select(func.max(Answer.position)).where(
            Answer.attempt_id == attempt.id)) or 0)
        attempt.answers.append(Answer(item_id=work.item_id, position=position, response={"rubric": work.scores},
                                      score=share, scored=True, parameters_id=work.item.current_parameters.id,
                                      answered_at=now))
    else:
        existing.response, existing.score = {"rubric": work.scores}, share
    db.session.flush()
    db.session.expire(attempt, ["answers"])
    diagnostics.store_results(attempt, diagnostics.engine_for(attempt))
    from assessments.services.routes import progress

    progress.remeasured(attempt)


def queue(user, *, everyone: bool) -> list[PracticalWork]:
    """Works waiting for scoring, oldest first: a tutor's are those of the teachers they support."""
    stmt = (select(PracticalWork).where(PracticalWork.status == "submitted").order_by(PracticalWork.submitted_at)
            .options(joinedload(PracticalWork.user), joinedload(PracticalWork.item)))
    if not everyone:
        from courses.models import Enrolment, Group

        supported = (select(Enrolment.user_id).join(Group, Group.id == Enrolment.group_id)
                     .where(Group.tutor_id == user.id, Enrolment.status.in_(("enrolled", "waiting", "applied"))))
        stmt = stmt.where(PracticalWork.user_id.in_(supported))
    return list(db.session.scalars(stmt))
