"""Practical tasks: the teacher hands in a product after the diagnostic, a tutor scores it by the rubric."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from assessments.blueprint import bp
from assessments.forms import PracticalForm, PracticalScoreForm
from assessments.models import Attempt, CompetencyResult, Item, PracticalWork
from assessments.permissions import can_score, can_see_work
from assessments.services import practical
from lms import storage
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import utcnow
from lms.users.permissions import has_permission, permission_required
from lms.web import get_or_404, save


@bp.route("/attempts/<int:attempt_id>/practical/<int:item_id>", methods=["GET", "POST"])
@permission_required("assessments.take")
def practical_hand_in(attempt_id: int, item_id: int):
    attempt = get_or_404(Attempt, attempt_id, lambda user, a: a.user_id == user.id and a.status == "finished")
    item = get_or_404(Item, item_id)
    if item.id not in {i.id for i in practical.offered(attempt)}:
        return render_template("errors/404.html"), 404
    work = practical.works(attempt).get(item.id)
    form = PracticalForm()
    if form.validate_on_submit():
        saved = save(form, lambda: practical.hand_in(attempt, item, current_user, text=form.text.data,
                                                     link=form.link.data, upload=form.file.data, now=utcnow()))
        if saved is not None:
            flash(_("Your work has been handed in; the tutor will score it."), "success")
            return redirect(url_for("assessments.result", attempt_id=attempt.id))
    return render_template("assessments/practical/hand_in.html", attempt=attempt, item=item, work=work, form=form)


@bp.route("/practical/")
@permission_required("assessments.score")
def practical_queue():
    queue = practical.queue(current_user, everyone=has_permission(current_user, "assessments.manage"))
    return render_template("assessments/practical/queue.html", queue=queue)


@bp.route("/practical/<int:work_id>", methods=["GET", "POST"])
@permission_required("assessments.score")
def practical_score(work_id: int):
    work = get_or_404(PracticalWork, work_id, can_score)
    form = PracticalScoreForm(data={"version": work.version, "comment": work.comment} if request.method == "GET"
                              else None)
    rubric = work.item.content.get("rubric", [])
    if form.validate_on_submit():
        try:
            scores = [int(request.form.get(f"score-{i}", "")) for i in range(len(rubric))]
        except ValueError:
            form.comment.errors.append(_("Score every criterion within its maximum."))
        else:
            saved = save(form, lambda: practical.score(
                work, current_user, version=form.version_value(), scores=scores, comment=form.comment.data,
                accept=form.decision.data == "accept", now=utcnow()), versioned=work)
            if saved is not None:
                flash(_("The score has been saved; the teacher sees it.") if saved.status == "scored"
                      else _("The work has been returned to the teacher with your comment."), "success")
                return redirect(url_for("assessments.practical_queue"))
    result = db.session.scalar(select(CompetencyResult).where(
        CompetencyResult.attempt_id == work.attempt_id, CompetencyResult.competency_id == work.item.competency_id))
    return render_template("assessments/practical/score.html", work=work, form=form, rubric=rubric, result=result)


@bp.route("/practical/<int:work_id>/file")
@permission_required("assessments.view")
def practical_file(work_id: int):
    work = get_or_404(PracticalWork, work_id, can_see_work)
    return storage.send(work.file_key, work.file_name)
