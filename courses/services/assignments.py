"""Practical work: tasks with rubrics, submissions (text, link or file), reviews that accept or return."""

from __future__ import annotations

from typing import Optional

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from courses.models import AssignmentTask, Enrolment, Group, Module, Submission
from courses.services import completion
from lms import signals
from lms.errors import ConflictError, ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import utcnow
from lms.richtext import clean_html
from lms.storage import store


def parse_rubric(text: str) -> list[dict]:
    """«Criterion — max points» per line («Цель урока сформулирована — 2») into the rubric list."""
    rubric = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, points = line.rpartition("—") if "—" in line else line.rpartition("-")
        try:
            maximum = int(points.strip())
        except ValueError:
            maximum = 0
        if not sep or not name.strip() or not 1 <= maximum <= 100:
            raise ServiceError(_("Line %(n)d of the rubric: write «criterion — points» with 1 to 100 points.",
                                 n=number), field="rubric")
        rubric.append({"name": name.strip()[:200], "max": maximum})
    if not rubric:
        raise ServiceError(_("The rubric needs at least one criterion."), field="rubric")
    return rubric


def save_task(module: Module, task: Optional[AssignmentTask], *, version: int | None, title: str,
              instructions: str, rubric_text: str, pass_points: int) -> AssignmentTask:
    if task is not None and version != task.version:
        raise ConflictError(_("Someone else changed this while you were editing it, so your changes were not "
                              "saved. Check the current text; saving this form again will replace it."))
    rubric = parse_rubric(rubric_text)
    if not 0 <= pass_points <= sum(c["max"] for c in rubric):
        raise ServiceError(_("The pass mark must be between 0 and the rubric's maximum."), field="pass_points")
    if task is None:
        task = AssignmentTask(module_id=module.id)
        db.session.add(task)
    task.title, task.instructions, task.rubric, task.pass_points = title.strip(), clean_html(instructions), rubric, \
        pass_points
    db.session.flush()
    return task


def latest(task: AssignmentTask, user) -> Optional[Submission]:
    return db.session.scalar(select(Submission).where(Submission.task_id == task.id, Submission.user_id == user.id)
                             .order_by(Submission.attempt.desc()).limit(1))


def submit(task: AssignmentTask, user, *, text: str, link: str | None, upload: FileStorage | None) -> Submission:
    """Hand in work: a first attempt, or a new one after the tutor returned the last.

    :raises ServiceError: nothing handed in, work already waiting for review or accepted, a bad file.
    """
    text, link = (text or "").strip(), (link or "").strip() or None
    has_file = upload is not None and bool(upload.filename)
    if not (text or link or has_file):
        raise ServiceError(_("Add a text, a link or a file."), field="text")
    previous = latest(task, user)
    if previous is not None and previous.status == "submitted":
        raise ServiceError(_("Your work is already waiting for review."))
    if previous is not None and previous.status == "accepted":
        raise ServiceError(_("Your work has already been accepted."))
    stored = store(upload, f"submissions-{task.id}") if has_file else None
    submission = Submission(task_id=task.id, user_id=user.id, attempt=(previous.attempt + 1) if previous else 1,
                            text=text, link=link, file_key=stored and stored.key,
                            file_name=stored and stored.original_name, status="submitted")
    db.session.add(submission)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a second tab handed in the same attempt a moment earlier
        raise ServiceError(_("Your work is already waiting for review.")) from exc
    return submission


def review(submission: Submission, reviewer, *, scores: list[int], comment: str, accept: bool) -> Submission:
    """Score every rubric criterion and accept the work or return it for rework with a comment."""
    if submission.status != "submitted":
        raise ServiceError(_("This attempt has already been reviewed."))
    rubric = submission.task.rubric
    if len(scores) != len(rubric) or any(not 0 <= s <= int(c["max"]) for s, c in zip(scores, rubric, strict=True)):
        raise ServiceError(_("Score every criterion within its maximum."))
    if not accept and not comment.strip():
        raise ServiceError(_("Say what to rework: the teacher sees your comment."), field="comment")
    submission.scores, submission.comment = scores, comment.strip()
    submission.status = "accepted" if accept else "returned"
    submission.reviewed_by_id, submission.reviewed_at = reviewer.id, utcnow()
    db.session.flush()
    if accept:
        signals.assignment_accepted.send(current_app._get_current_object(), submission=submission)
        completion.evaluate(submission.user, submission.task.module)
    return submission


def review_queue(reviewer, everyone: bool) -> list[Submission]:
    """Work waiting for review, oldest first: for a tutor, the work members of the groups they lead did for
    those groups' programmes (as :func:`courses.permissions.can_review`); for staff, all."""
    stmt = select(Submission).where(Submission.status == "submitted").order_by(Submission.submitted_at)
    if not everyone:
        led = (select(Enrolment.id).join(Group, Group.id == Enrolment.group_id)
               .join(Module, Module.programme_id == Group.programme_id)
               .join(AssignmentTask, AssignmentTask.module_id == Module.id)
               .where(Group.tutor_id == reviewer.id, Enrolment.status == "enrolled",
                      Enrolment.user_id == Submission.user_id, AssignmentTask.id == Submission.task_id))
        stmt = stmt.where(led.exists())
    return list(db.session.scalars(stmt.options(joinedload(Submission.user),
                                                joinedload(Submission.task).joinedload(AssignmentTask.module))))
