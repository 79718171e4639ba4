"""Mentoring: the pairs (staff edit them), a pair's plan and record of meetings, the register of mentors and
the young specialists found from profiles."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from community import filters, queries
from community.blueprint import bp
from community.forms import PairForm, PairMeetingForm, PairMeetingRecordForm
from community.models import MentoringMeeting, MentoringPair
from community.permissions import can_manage_mentoring, can_record_pair_meeting, can_see_pair
from community.services import mentoring as service
from lms.extensions import db
from lms.forms import options
from lms.i18n import _, local_today
from lms.users.permissions import permission_required
from lms.web import arg_id, arg_page, get_or_404, save


@bp.route("/mentoring/")
@permission_required("community.view_mentoring")
def pairs():
    chosen = filters.pairs(request.args)
    page = queries.pair_list(**chosen.values, page=request.args.get("page", 1, type=arg_page))
    return render_template("community/mentoring/index.html", form=chosen.form, page=page)


@bp.route("/mentoring/new", methods=["GET", "POST"])
@bp.route("/mentoring/<int:pair_id>/edit", methods=["GET", "POST"])
@permission_required("community.manage")
def pair_edit(pair_id: int | None = None):
    pair = get_or_404(MentoringPair, pair_id, can_manage_mentoring) if pair_id else None
    form = PairForm(obj=pair if request.method == "GET" else None)
    if request.method == "GET" and pair is None:
        form.mentee_id.data = request.args.get("mentee", type=arg_id)
        form.starts_on.data = local_today()
    form.mentor_id.choices = options(queries.people_choices(), blank="—")
    form.mentee_id.choices = options(queries.teacher_choices(), blank="—")
    if form.validate_on_submit():
        data = service.PairData(mentor_id=form.mentor_id.data, mentee_id=form.mentee_id.data, form=form.form.data,
                                starts_on=form.starts_on.data, ends_on=form.ends_on.data, goals=form.goals.data or "",
                                status=form.status.data, outcome=form.outcome.data or "")
        today = local_today()
        saved = save(form, lambda: service.save_pair(pair, version=form.version_value(), data=data, today=today),
                     versioned=pair)
        if saved is not None:
            flash(_("The mentoring pair has been saved."), "success")
            return redirect(url_for("community.pair", pair_id=saved.id))
    return render_template("community/mentoring/edit.html", form=form, pair=pair)


@bp.route("/mentoring/<int:pair_id>")
@permission_required("community.view")
def pair(pair_id: int):
    return _pair_page(get_or_404(MentoringPair, pair_id, can_see_pair))


def _pair_page(pair: MentoringPair, *, plan_form=None, record_form=None, failed_meeting: int | None = None,
               status: int = 200):
    """The pair's page; a refused form comes back with what was typed (a record: in its meeting's row)."""
    return render_template("community/mentoring/pair.html", pair=pair, plan_form=plan_form or PairMeetingForm(),
                           record_form=record_form or PairMeetingRecordForm(), failed_meeting=failed_meeting,
                           can_record=can_record_pair_meeting(current_user, pair)), status


@bp.route("/mentoring/<int:pair_id>/meetings", methods=["POST"])
@permission_required("community.view")
def pair_plan_meeting(pair_id: int):
    pair = get_or_404(MentoringPair, pair_id, can_record_pair_meeting)
    form = PairMeetingForm()
    if form.validate_on_submit() and save(form, lambda: service.plan_meeting(
            pair, planned_on=form.planned_on.data, topic=form.topic.data)):
        flash(_("The meeting has been added to the plan."), "success")
        return redirect(url_for("community.pair", pair_id=pair.id))
    if form.csrf_token.errors:  # the fields' own errors are shown at them
        flash(_("The form has expired. Please submit it again."), "error")
    return _pair_page(db.session.get(MentoringPair, pair.id), plan_form=form, status=400)


@bp.route("/mentoring/meetings/<int:meeting_id>/record", methods=["POST"])
@permission_required("community.view")
def pair_record_meeting(meeting_id: int):
    meeting = get_or_404(MentoringMeeting, meeting_id, lambda user, m: can_record_pair_meeting(user, m.pair))
    form = PairMeetingRecordForm()
    if form.validate_on_submit() and save(form, lambda: service.record_meeting(
            meeting, held=form.held.data, record=form.record.data or "", today=local_today())):
        flash(_("The meeting's record has been saved."), "success")
        return redirect(url_for("community.pair", pair_id=meeting.pair_id))
    _flash_errors(form)
    return _pair_page(db.session.get(MentoringPair, meeting.pair_id), record_form=form, failed_meeting=meeting.id,
                      status=400)


@bp.route("/mentoring/mentors")
@permission_required("community.view_mentoring")
def mentors():
    return render_template("community/mentoring/mentors.html", rows=queries.mentor_register(local_today()))


@bp.route("/mentoring/young-specialists")
@permission_required("community.view_mentoring")
def young_specialists():
    return render_template("community/mentoring/young.html", rows=queries.young_specialists(local_today()))


def _flash_errors(form) -> None:
    """The pair page's forms are inline: what went wrong is said above the plan."""
    for field in form:
        if field.name == "csrf_token" and field.errors:
            flash(_("The form has expired. Please submit it again."), "error")
            continue
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")
