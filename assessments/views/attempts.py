"""Taking a diagnostic: the list of open ones, start or resume, one item per page, the results profile."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from assessments import queries
from assessments.blueprint import bp
from assessments.items import ITEM_TYPES
from assessments.models import Attempt, Diagnostic, Item
from assessments.permissions import can_see_attempt
from assessments.services import diagnostics, practical
from lms.errors import ServiceError
from lms.extensions import db
from lms.forms import ActionForm
from lms.i18n import local_today
from lms.models.mixins import utcnow
from lms.users.permissions import permission_required
from lms.web import get_or_404, save


@bp.route("/diagnostics/<int:diagnostic_id>/start", methods=["POST"])
@permission_required("assessments.take")
def attempt_start(diagnostic_id: int):
    diagnostic = get_or_404(Diagnostic, diagnostic_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    attempt = save(form, lambda: diagnostics.start(diagnostic, current_user, utcnow(), local_today()))
    if attempt is None:
        return redirect(url_for("assessments.home"))
    return redirect(url_for("assessments.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@permission_required("assessments.take")
def attempt(attempt_id: int):
    # The page reads the diagnostic's dates and title, and names the item's competency.
    attempt = get_or_404(Attempt, attempt_id, lambda user, a: a.user_id == user.id,
                         options=[joinedload(Attempt.diagnostic),
                                  joinedload(Attempt.current_item).joinedload(Item.competency)])
    # Choosing the next item writes it on the attempt, so a reload or another tab shows the same one.
    before = (attempt.status, attempt.current_item_id)
    item = diagnostics.current_item(attempt, utcnow())
    try:
        db.session.flush()
        # Most views of this page change nothing; a commit would expire the user and the attempt and
        # cost four more queries to render them again, on the busiest page of a diagnostic day.
        if (attempt.status, attempt.current_item_id) != before:
            db.session.commit()
    except StaleDataError:
        # Another tab chose it a moment earlier (SQLite has no row locks): show that one.
        db.session.rollback()
        return redirect(url_for("assessments.attempt", attempt_id=attempt_id))
    if item is None:
        if before[0] == "in_progress" and attempt.finish_reason in diagnostics.END_MESSAGES:
            flash(diagnostics.END_MESSAGES[attempt.finish_reason](), "info")  # once, when it has just ended
        return redirect(url_for("assessments.result", attempt_id=attempt.id))
    progress = queries.attempt_progress(attempt)
    seconds_left = None
    if attempt.deadline_at is not None:  # the page counts down; the server still refuses a late answer
        seconds_left = max(0, int((attempt.deadline_at - utcnow()).total_seconds()))
    return render_template("assessments/attempt.html", attempt=attempt, item=item, kind=ITEM_TYPES[item.type],
                           form=ActionForm(), progress=progress, seconds_left=seconds_left)


@bp.route("/attempts/<int:attempt_id>/answer", methods=["POST"])
@permission_required("assessments.take")
def attempt_answer(attempt_id: int):
    # Read once, locked, with what saving the answer reads: the service's own locked read is then spared.
    attempt = get_or_404(Attempt, attempt_id, lambda user, a: a.user_id == user.id,
                         options=diagnostics.ANSWER_LOADS, locked=True)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        item_id = int(request.form.get("item_id", ""))
    except ValueError:
        abort(400)
    try:
        diagnostics.answer(attempt, item_id, request.form, utcnow())
        db.session.commit()
    except ServiceError as exc:
        # A refused answer changes nothing, but the time-limit refusal finishes the attempt: keep that.
        if exc.message and attempt.status == "finished":
            db.session.commit()
        else:
            db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("assessments.attempt", attempt_id=attempt_id))


@bp.route("/attempts/<int:attempt_id>/result")
@permission_required("assessments.view")
def result(attempt_id: int):
    attempt = get_or_404(Attempt, attempt_id, can_see_attempt)
    if attempt.status != "finished":
        if attempt.user_id == current_user.id:
            return redirect(url_for("assessments.attempt", attempt_id=attempt.id))
        abort(404)
    page = queries.result_page(attempt, with_answers=attempt.user_id != current_user.id)
    offered, works = practical.offered(attempt), practical.works(attempt)
    competency_of = {item.id: item.competency_id for item in offered}
    tutor_scored = {competency_of[item_id] for item_id, w in works.items() if w.status == "accepted"}
    return render_template("assessments/result.html", attempt=attempt, offered=offered, works=works,
                           tutor_scored=tutor_scored, **page)
