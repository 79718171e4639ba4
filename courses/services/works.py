"""Practical work scored by a rubric, whoever set the task: handing in (again after a return), the tutor's
review (accept, return with a comment, correct the scores), and the inbox of work waiting for review."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from courses.membership import supported_ids, supports
from courses.models import AssignmentTask, Module, Work, WorkReview, WorkRound
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version
from lms.storage import store

#: Where a course module's assignments come from; other plugins name their own source.
COURSE_TASK = "courses.task"


#: A work with its whole history, in a fixed number of statements however many rounds and reviews it has.
HISTORY = (joinedload(Work.user), joinedload(Work.task),
           selectinload(Work.rounds).selectinload(WorkRound.reviews).joinedload(WorkReview.reviewer))


def find(user_id: int, source: str, ref: str) -> Work | None:
    return db.session.scalar(select(Work).where(Work.user_id == user_id, Work.source == source, Work.ref == ref)
                             .options(*HISTORY))


def with_history(work: Work) -> Work:
    """The work with its rounds, reviews and reviewers loaded (for its page)."""
    return db.session.scalar(select(Work).where(Work.id == work.id).options(*HISTORY))


def hand_in(user, *, source: str, ref: str, title: str, rubric: list[dict], pass_points: int = 0,
            task: AssignmentTask | None = None, text: str, link: str | None, upload: FileStorage | None,
            now: datetime) -> Work:
    """Hand in work for a task: the first round, or the next one after the tutor returned the last.

    :param rubric: [{"name", "max"}, …], copied into the work at its first hand-in.
    :raises ServiceError: nothing handed in, a link that is not http(s), the work already waiting for review or
        accepted, a bad file.
    """
    text, link = (text or "").strip(), (link or "").strip() or None
    has_file = upload is not None and bool(upload.filename)
    if not (text or link or has_file):
        raise ServiceError(_("Add a text, a link or a file."), field="text")
    if link and not link.startswith(("http://", "https://")):
        raise ServiceError(_("A link starts with http:// or https://."), field="link")
    work = find(user.id, source, ref)
    if work is not None and work.status == "submitted":
        raise ServiceError(_("Your work is already waiting for review."))
    if work is not None and work.status == "accepted":
        raise ServiceError(_("Your work has already been accepted."))
    if work is None:
        work = Work(user_id=user.id, source=source, ref=ref, task_id=task.id if task else None, title=title[:200],
                    rubric=[{"name": str(c["name"])[:200], "max": int(c["max"])} for c in rubric],
                    pass_points=pass_points, rounds=[])
        db.session.add(work)
    number = len(work.rounds) + 1
    round_ = WorkRound(number=number, text=text, link=link, submitted_at=now)
    work.rounds.append(round_)
    work.status, work.submitted_at = "submitted", now
    try:
        db.session.flush()
    except IntegrityError as exc:  # a second tab handed in the same round a moment earlier
        raise ServiceError(_("Your work is already waiting for review.")) from exc
    if has_file:  # stored only once the round that owns it exists
        stored = store(upload, f"works-{work.id}")
        round_.file_key, round_.file_name = stored.key, stored.original_name
        db.session.flush()
    return work


def review(work: Work, reviewer, *, version: int | None, scores: list[int], comment: str, decision: str,
           now: datetime) -> Work:
    """Score every criterion and accept the work or return it for rework with a comment; an accepted work's
    scores may be corrected. Sends :data:`lms.signals.work_reviewed` for the task's owner to act on.

    :raises ConflictError: the form was opened before another review or a new hand-in.
    :raises ServiceError: a score outside a criterion's range, a return without a comment, nothing to review.
    """
    check_version(work, version, _("Someone else changed this work while you were reviewing it, so your review "
                                   "was not saved. Check the current state and review again."))
    if decision not in ("accepted", "returned"):
        raise ServiceError(_("Choose whether to accept the work or return it."), field="decision")
    if work.status == "returned":
        raise ServiceError(_("This work was returned for rework; wait until the teacher hands it in again."))
    if len(scores) != len(work.rubric) or any(not 0 <= s <= int(c["max"]) for s, c in zip(scores, work.rubric,
                                                                                         strict=False)):
        raise ServiceError(_("Score every criterion within its maximum."))
    comment = (comment or "").strip()
    if work.status == "accepted":
        if decision == "returned":
            raise ServiceError(_("An accepted work cannot be returned; correct its scores instead."))
        decision = "corrected"
    elif decision == "returned" and not comment:
        raise ServiceError(_("Say what to rework: the teacher sees your comment."), field="comment")
    work.last.reviews.append(WorkReview(reviewer_id=reviewer.id, decision=decision, scores=list(scores),
                                        comment=comment, reviewed_at=now))
    work.status = "returned" if decision == "returned" else "accepted"
    db.session.flush()
    signals.work_reviewed.send(current_app._get_current_object(), work=work, decision=decision)
    if work.source == COURSE_TASK and decision == "accepted":
        from courses.services import completion

        completion.evaluate(work.user, work.task.module)
    _tell_the_teacher(work, decision)
    return work


def _tell_the_teacher(work: Work, decision: str) -> None:
    """A notice (and, after the commit, a letter) with the outcome, linking to where the teacher sees the work."""
    from lms.notifications.services import notify

    describe = current_app.extensions.get("courses.work_sources", {}).get(work.source)
    context = describe([work]).get(work.id) if describe else None
    texts = {
        "accepted": lambda: _("Your work «%(title)s» has been accepted: %(points)d of %(max)d points.",
                              title=work.title, points=work.total, max=work.max_points),
        "returned": lambda: _("Your work «%(title)s» has been returned for rework. The tutor's comment: %(comment)s",
                              title=work.title, comment=work.last.review.comment),
        "corrected": lambda: _("The score of your work «%(title)s» has been corrected: %(points)d of %(max)d points.",
                               title=work.title, points=work.total, max=work.max_points),
    }
    notify([work.user], texts[decision], endpoint=context.endpoint if context else None,
           args=context.args if context else None, subject=lambda: _("Metodist: your work has been reviewed"))


def inbox(reviewer, *, everyone: bool):
    """The statement of the work waiting for review, oldest first (the view pages it): for a tutor, that of the
    teachers they support (a course assignment's: through a group of its programme, as :func:`reviewable`); for
    staff, all."""
    stmt = select(Work).where(Work.status == "submitted")
    if not everyone:
        programme = (select(Module.programme_id).join(AssignmentTask, AssignmentTask.module_id == Module.id)
                     .where(AssignmentTask.id == Work.task_id).correlate(Work).scalar_subquery())
        stmt = stmt.where(or_(
            and_(Work.task_id.is_(None), Work.user_id.in_(supported_ids(reviewer.id))),
            and_(Work.task_id.is_not(None), Work.user_id.in_(supported_ids(reviewer.id, programme_id=programme)))))
    return stmt.order_by(Work.submitted_at, Work.id).options(joinedload(Work.user), selectinload(Work.rounds))


def reviewable(reviewer, work: Work) -> bool:
    """Whether a tutor supports the work's author for this work (a course assignment: through its programme)."""
    return supports(reviewer.id, work.user_id, programme_id=work.task.module.programme_id if work.task else None)


def describe_course_works(items: list[Work]) -> dict:
    """The inbox's line for course assignments: «Programme › Module», linking to the task."""
    from courses.api import WorkContext
    from courses.models import Programme

    rows = db.session.execute(select(AssignmentTask.id, Module.title, Programme.title)
                              .join(Module, Module.id == AssignmentTask.module_id)
                              .join(Programme, Programme.id == Module.programme_id)
                              .where(AssignmentTask.id.in_({w.task_id for w in items}))).all()
    where = {task_id: f"{programme} › {module}" for task_id, module, programme in rows}
    return {w.id: WorkContext(where.get(w.task_id, ""), "courses.task", {"task_id": w.task_id}) for w in items}
