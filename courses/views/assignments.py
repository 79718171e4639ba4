"""Practical work: staff set tasks, teachers hand in, tutors review with the rubric."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from courses import queries
from courses.blueprint import bp
from courses.forms import ReviewForm, SubmissionForm, TaskForm
from courses.models import AssignmentTask, Module, Submission
from courses.permissions import can_review, can_see_submission, can_view_programme
from courses.services import assignments as service
from lms import storage
from lms.extensions import db
from lms.i18n import _
from lms.users.permissions import has_permission, permission_required
from lms.web import get_or_404, save


@bp.route("/modules/<int:module_id>/tasks/new", methods=["GET", "POST"])
@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@permission_required("courses.manage_catalogue")
def task_edit(module_id: int | None = None, task_id: int | None = None):
    task = get_or_404(AssignmentTask, task_id) if task_id else None
    module = task.module if task else get_or_404(Module, module_id)
    form = TaskForm(data={"version": task.version, "title": task.title, "instructions": task.instructions,
                          "rubric": "\n".join(f"{c['name']} — {c['max']}" for c in task.rubric),
                          "pass_points": task.pass_points} if task and request.method == "GET" else None)
    if form.validate_on_submit():
        saved = save(form, lambda: service.save_task(
            module, task, version=form.version_value(), title=form.title.data, instructions=form.instructions.data,
            rubric_text=form.rubric.data, pass_points=form.pass_points.data), versioned=task)
        if saved is not None:
            flash(_("The task has been saved."), "success")
            return redirect(url_for("courses.task", task_id=saved.id))
    return render_template("courses/assignments/task_edit.html", form=form, module=module, task=task)


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@permission_required("courses.view")
def task(task_id: int):
    item = get_or_404(AssignmentTask, task_id, lambda user, t: can_view_programme(user, t.module.programme))
    form = SubmissionForm()
    if request.method == "POST":
        if form.validate_on_submit() and save(form, lambda: service.submit(
                item, current_user, text=form.text.data, link=form.link.data, upload=form.file.data)):
            flash(_("Your work has been handed in; the tutor will review it."), "success")
            return redirect(url_for("courses.task", task_id=item.id))
    mine = db.session.scalars(select(Submission).where(Submission.task_id == item.id,
                                                       Submission.user_id == current_user.id)
                              .order_by(Submission.attempt.desc())).all()
    return render_template("courses/assignments/task.html", task=item, form=form, submissions=mine)


@bp.route("/reviews/")
@permission_required("courses.review_assignments")
def review_queue():
    queue = service.review_queue(current_user, everyone=has_permission(current_user, "courses.manage_groups"))
    return render_template("courses/assignments/queue.html", queue=queue)


@bp.route("/submissions/<int:submission_id>/review", methods=["GET", "POST"])
@permission_required("courses.review_assignments")
def submission_review(submission_id: int):
    item = get_or_404(Submission, submission_id, can_review)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            scores = [int(request.form.get(f"score-{i}", "")) for i in range(len(item.task.rubric))]
        except ValueError:
            form.comment.errors.append(_("Score every criterion within its maximum."))
        else:
            reviewed = save(form, lambda: service.review(item, current_user, scores=scores, comment=form.comment.data,
                                                         accept=form.decision.data == "accept"))
            if reviewed is not None:
                flash(_("The review has been saved; the teacher sees it."), "success")
                return redirect(url_for("courses.review_queue"))
    history = db.session.scalars(select(Submission).where(Submission.task_id == item.task_id,
                                                          Submission.user_id == item.user_id)
                                 .options(joinedload(Submission.reviewed_by))
                                 .order_by(Submission.attempt.desc())).all()
    return render_template("courses/assignments/review.html", submission=item, form=form, history=history)


@bp.route("/submissions/<int:submission_id>/file")
@permission_required("courses.view")
def submission_file(submission_id: int):
    item = get_or_404(Submission, submission_id, can_see_submission)
    return storage.send(item.file_key, item.file_name)


@bp.route("/assignments/")
@permission_required("courses.apply_to_groups")
def my_assignments():
    return render_template("courses/assignments/mine.html", items=queries.assigned_modules(current_user))
