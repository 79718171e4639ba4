"""Practical tasks: the teacher hands in a product after the diagnostic; tutors review it in the one inbox of
practical work (courses' «Work to review»), whose older addresses here lead there."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from assessments.blueprint import bp
from assessments.models import Attempt, Item
from assessments.services import practical
from courses import api as courses_api
from lms.i18n import _
from lms.models.mixins import utcnow
from lms.users.permissions import permission_required
from lms.web import get_or_404, save


@bp.route("/attempts/<int:attempt_id>/practical/<int:item_id>", methods=["GET", "POST"])
@permission_required("assessments.take")
def practical_hand_in(attempt_id: int, item_id: int):
    attempt = get_or_404(Attempt, attempt_id, lambda user, a: a.user_id == user.id and a.status == "finished")
    item = get_or_404(Item, item_id)
    if item.id not in {i.id for i in practical.offered(attempt)}:
        return render_template("errors/404.html"), 404
    work = practical.works(attempt).get(item.id)
    form = courses_api.work_form()
    if form.validate_on_submit():
        saved = save(form, lambda: practical.hand_in(attempt, item, current_user, text=form.text.data,
                                                     link=form.link.data, upload=form.file.data, now=utcnow()))
        if saved is not None:
            flash(_("Your work has been handed in; the tutor will score it."), "success")
            return redirect(url_for("assessments.result", attempt_id=attempt.id))
    return render_template("assessments/practical/hand_in.html", attempt=attempt, item=item, work=work, form=form)


@bp.route("/practical/")
@permission_required("courses.review_assignments")
def practical_queue():
    return redirect(url_for("courses.review_queue"), 301)
