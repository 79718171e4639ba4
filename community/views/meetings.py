"""An association's meetings: planned and recorded by its leader (or staff) with attendance, minutes and
decisions; seen by its members and those present."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community import queries
from community.blueprint import bp
from community.forms import MeetingForm
from community.models import Meeting
from community.permissions import can_edit_meeting, can_lead, can_see_meeting
from community.services import associations as service
from lms import storage
from lms.forms import options
from lms.i18n import _, local_today
from lms.orgs.models import MethodAssociation
from lms.users.permissions import permission_required
from lms.web import get_or_404, save


@bp.route("/associations/<int:association_id>/meetings/new", methods=["GET", "POST"])
@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@permission_required("community.view")
def meeting_edit(association_id: int | None = None, meeting_id: int | None = None):
    meeting = get_or_404(Meeting, meeting_id, can_edit_meeting) if meeting_id else None
    association = meeting.association if meeting else get_or_404(MethodAssociation, association_id)
    if meeting is None and not can_lead(current_user, queries.details_of(association.id)):
        abort(403)
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    if request.method == "GET":
        form.attendee_ids.data = [a.user_id for a in meeting.attendance] if meeting else []
        if meeting is None:
            form.held_on.data = local_today()
    present = {a.user_id: a.user for a in meeting.attendance} if meeting else {}
    people = {m.user_id: m.user for m in queries.members_of(association.id)} | present
    form.attendee_ids.choices = options(sorted(((uid, u.full_name) for uid, u in people.items()),
                                               key=lambda c: c[1]))
    if form.validate_on_submit():
        data = service.MeetingData(
            held_on=form.held_on.data, topic=form.topic.data, place=form.place.data or "",
            agenda=form.agenda.data or "", status=form.status.data, minutes=form.minutes.data or "",
            decisions=form.decisions.data or "", attendee_ids=list(form.attendee_ids.data or []))
        saved = save(form, lambda: service.save_meeting(association, meeting, version=form.version_value(),
                                                        data=data, today=local_today(),
                                                        upload=form.minutes_file.data), versioned=meeting)
        if saved is not None:
            flash(_("The meeting has been saved."), "success")
            return redirect(url_for("community.meeting", meeting_id=saved.id))
    return render_template("community/meetings/edit.html", form=form, association=association, meeting=meeting)


@bp.route("/meetings/<int:meeting_id>")
@permission_required("community.view")
def meeting(meeting_id: int):
    meeting = queries.meeting_with_sheet(meeting_id)
    if meeting is None:
        abort(404)
    if not can_see_meeting(current_user, meeting):
        abort(403)
    return render_template("community/meetings/detail.html", meeting=meeting,
                           editable=can_edit_meeting(current_user, meeting))


@bp.route("/meetings/<int:meeting_id>/minutes")
@permission_required("community.view")
def meeting_minutes(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, can_see_meeting)
    return storage.send(meeting.minutes_file_key, meeting.minutes_file_name)
