"""Practical work: staff set a module's tasks, teachers hand in, tutors review every work (a module's or a
diagnostic's) from one inbox with its rubric."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from courses import queries
from courses.blueprint import bp
from courses.forms import TaskForm, WorkForm, WorkReviewForm
from courses.models import AssignmentTask, Module, Work, WorkRound
from courses.permissions import can_review, can_see_work, can_view_programme
from courses.services import assignments as service
from courses.services import works
from lms import storage
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import utcnow
from lms.users.permissions import has_permission, permission_required
from lms.web import get_or_404, paginate, save


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
    form = WorkForm()
    if request.method == "POST":
        if form.validate_on_submit() and save(form, lambda: works.hand_in(
                current_user, source=works.COURSE_TASK, ref=str(item.id), task=item, title=item.title,
                rubric=item.rubric, pass_points=item.pass_points, text=form.text.data, link=form.link.data,
                upload=form.file.data, now=utcnow())):
            flash(_("Your work has been handed in; the tutor will review it."), "success")
            return redirect(url_for("courses.task", task_id=item.id))
    work = works.find(current_user.id, works.COURSE_TASK, str(item.id))
    return render_template("courses/assignments/task.html", task=item, form=form, work=work)


@bp.route("/reviews/")
@permission_required("courses.review_assignments")
def review_queue():
    page = paginate(works.inbox(current_user, everyone=has_permission(current_user, "courses.manage_groups")))
    return render_template("courses/works/inbox.html", page=page, contexts=_contexts(page.items))


@bp.route("/works/<int:work_id>/review", methods=["GET", "POST"])
@permission_required("courses.review_assignments")
def work_review(work_id: int):
    work = works.with_history(get_or_404(Work, work_id, can_review))
    form = WorkReviewForm(data={"version": work.version, "comment": work.last.review.comment
                                if work.status == "accepted" else ""} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            scores = [int(request.form.get(f"score-{i}", "")) for i in range(len(work.rubric))]
        except ValueError:
            form.comment.errors.append(_("Score every criterion within its maximum."))
        else:
            reviewed = save(form, lambda: works.review(
                work, current_user, version=form.version_value(), scores=scores, comment=form.comment.data,
                decision=form.decision.data if work.status == "submitted" else "accepted", now=utcnow()),
                versioned=work)
            if reviewed is not None:
                flash(_("The work has been returned to the teacher with your comment.")
                      if reviewed.status == "returned" else _("The review has been saved; the teacher sees it."),
                      "success")
                return redirect(url_for("courses.review_queue"))
    return render_template("courses/works/review.html", work=work, form=form, context=_contexts([work])[work.id])


@bp.route("/works/<int:work_id>/rounds/<int:number>/file")
@permission_required("courses.view")
def work_file(work_id: int, number: int):
    work = get_or_404(Work, work_id, can_see_work)
    round_ = db.session.get(WorkRound, next((r.id for r in work.rounds if r.number == number), 0))
    if round_ is None:
        abort(404)
    return storage.send(round_.file_key, round_.file_name)


@bp.route("/assignments/")
@permission_required("courses.apply_to_groups")
def my_assignments():
    return render_template("courses/assignments/mine.html", items=queries.assigned_modules(current_user))


def _contexts(queue: list[Work]) -> dict:
    """What each work is for, as its task's owner describes it (``courses.api.register_work_source``): one call
    per source, whatever the number of works."""
    sources = current_app.extensions.get("courses.work_sources", {})
    result: dict = {}
    for source in {w.source for w in queue}:
        describe = sources.get(source)
        if describe is not None:
            result.update(describe([w for w in queue if w.source == source]))
    return {w.id: result.get(w.id) for w in queue}
