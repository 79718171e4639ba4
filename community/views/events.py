"""Network events (staff plan them; teachers register; staff add speakers and mark attendance) and contests of
professional skill (staff announce them; teachers apply or are nominated; staff decide and record results)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community import filters, queries
from community.blueprint import bp
from community.forms import (
    ApplicationForm,
    ContestForm,
    DecisionForm,
    EventAttendanceForm,
    EventForm,
    NominationForm,
    SpeakerForm,
)
from community.models import Contest, ContestApplication, EventParticipant, NetworkEvent
from community.permissions import can_see_material
from community.services import events as service
from lms import storage
from lms.extensions import db
from lms.forms import ActionForm, options
from lms.i18n import _, local_today
from lms.users import queries as user_queries
from lms.users.models import User
from lms.users.permissions import has_permission, permission_required
from lms.web import arg_page, get_or_404, save


@bp.route("/events/")
@permission_required("community.view")
def events():
    chosen = filters.events(request.args)
    page = queries.event_list(**chosen.values, page=request.args.get("page", 1, type=arg_page))
    return render_template("community/events/index.html", form=chosen.form, page=page)


@bp.route("/events/new", methods=["GET", "POST"])
@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@permission_required("community.manage")
def event_edit(event_id: int | None = None):
    event = get_or_404(NetworkEvent, event_id) if event_id else None
    form = EventForm(obj=event if request.method == "GET" else None)
    if request.method == "GET" and event is None:
        form.held_on.data = local_today()
    form.school_id.choices = options(user_queries.school_choices(keep=event and event.school_id), blank="—")
    form.association_id.choices = options(user_queries.association_choices(keep=event and event.association_id),
                                          blank="—")
    if form.validate_on_submit():
        data = service.EventData(
            kind=form.kind.data, title=form.title.data, organiser_kind=form.organiser_kind.data,
            school_id=form.school_id.data, association_id=form.association_id.data, held_on=form.held_on.data,
            place=form.place.data or "", link=form.link.data or None, capacity=form.capacity.data,
            registration_open=form.registration_open.data, description=form.description.data or "",
            status=form.status.data)
        saved = save(form, lambda: service.save_event(event, version=form.version_value(), data=data,
                                                      today=local_today()), versioned=event)
        if saved is not None:
            flash(_("The event has been saved."), "success")
            return redirect(url_for("community.event", event_id=saved.id))
    return render_template("community/events/edit.html", form=form, event=event)


@bp.route("/events/<int:event_id>")
@permission_required("community.view")
def event(event_id: int):
    event = queries.event_with_people(event_id) or get_or_404(NetworkEvent, event_id)
    manage = has_permission(current_user, "community.manage")
    speaker_form = attendance_form = None
    if manage:
        speaker_form = SpeakerForm()
        speaker_form.user_id.choices = options(queries.people_choices(), blank="—")
        attendance_form = EventAttendanceForm(data={"present_ids": [p.user_id for p in event.participants
                                                                    if p.attended]})
        attendance_form.present_ids.choices = options((p.user_id, p.user.full_name) for p in event.participants)
    mine = next((p for p in event.participants if p.user_id == current_user.id), None)
    registered = sum(1 for p in event.participants if p.role == "participant")
    return render_template("community/events/detail.html", event=event, manage=manage, mine=mine,
                           registered=registered, speaker_form=speaker_form, attendance_form=attendance_form,
                           action_form=ActionForm())


@bp.route("/events/<int:event_id>/register", methods=["POST"])
@permission_required("community.take_part")
def event_register(event_id: int):
    event = get_or_404(NetworkEvent, event_id)
    form = ActionForm()
    if form.validate_on_submit() and save(form, lambda: service.register(event, current_user, today=local_today())):
        flash(_("You are registered for «%(title)s».", title=event.title), "success")
    return redirect(url_for("community.event", event_id=event_id))


@bp.route("/events/<int:event_id>/unregister", methods=["POST"])
@permission_required("community.take_part")
def event_unregister(event_id: int):
    event = get_or_404(NetworkEvent, event_id)
    form = ActionForm()
    if form.validate_on_submit():
        cancelled = save(form, lambda: service.unregister(event, current_user.id, today=local_today()))
        if cancelled:
            flash(_("Your registration has been cancelled."), "success")
        elif cancelled is False:
            flash(_("You are not registered for this event."), "info")
    return redirect(url_for("community.event", event_id=event_id))


@bp.route("/events/<int:event_id>/speakers", methods=["POST"])
@permission_required("community.manage")
def event_add_speaker(event_id: int):
    event = get_or_404(NetworkEvent, event_id)
    form = SpeakerForm()
    form.user_id.choices = options(queries.people_choices(), blank="—")
    if form.validate_on_submit() and save(form, lambda: service.add_speaker(
            event, db.session.get(User, form.user_id.data), topic=form.topic.data, upload=form.material.data)):
        flash(_("The speaker has been added."), "success")
    _flash_errors(form)
    return redirect(url_for("community.event", event_id=event_id))


@bp.route("/events/<int:event_id>/attendance", methods=["POST"])
@permission_required("community.manage")
def event_attendance(event_id: int):
    event = queries.event_with_people(event_id) or get_or_404(NetworkEvent, event_id)
    form = EventAttendanceForm()
    form.present_ids.choices = options((p.user_id, p.user.full_name) for p in event.participants)
    if form.validate_on_submit() and save(form, lambda: service.mark_attendance(
            event, set(form.present_ids.data or []), today=local_today())):
        flash(_("Attendance has been saved."), "success")
    _flash_errors(form)
    return redirect(url_for("community.event", event_id=event_id))


@bp.route("/events/materials/<int:participant_id>")
@permission_required("community.view")
def event_material(participant_id: int):
    participant = get_or_404(EventParticipant, participant_id, can_see_material)
    return storage.send(participant.material_key, participant.material_name)


def _flash_errors(form) -> None:
    from community.views.mentoring import _flash_errors as flash_errors

    flash_errors(form)


# --- contests ----------------------------------------------------------------------------------------------------

@bp.route("/contests/")
@permission_required("community.view")
def contests():
    chosen = filters.period(request.args)
    return render_template("community/contests/index.html", today=local_today(), form=chosen.form,
                           page=queries.contest_list(**chosen.values, page=request.args.get("page", 1, type=arg_page)))


@bp.route("/contests/new", methods=["GET", "POST"])
@bp.route("/contests/<int:contest_id>/edit", methods=["GET", "POST"])
@permission_required("community.manage")
def contest_edit(contest_id: int | None = None):
    contest = get_or_404(Contest, contest_id) if contest_id else None
    form = ContestForm(obj=contest if request.method == "GET" else None)
    if request.method == "GET" and contest is not None:
        form.stages.data = "\n".join(f"{s['title']}; {_ru(s['starts_on'])}; {_ru(s['ends_on'])}"
                                     for s in contest.stages)
    if form.validate_on_submit():
        saved = save(form, lambda: service.save_contest(
            contest, version=form.version_value(), title=form.title.data, description=form.description.data or "",
            applications_until=form.applications_until.data, stages=form.parsed_stages), versioned=contest)
        if saved is not None:
            flash(_("The contest has been saved."), "success")
            return redirect(url_for("community.contest", contest_id=saved.id))
    return render_template("community/contests/edit.html", form=form, contest=contest)


def _ru(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"


@bp.route("/contests/<int:contest_id>", methods=["GET", "POST"])
@permission_required("community.view")
def contest(contest_id: int):
    contest = queries.contest_with_applications(contest_id) or get_or_404(Contest, contest_id)
    manage = has_permission(current_user, "community.manage")
    form = None
    if manage:
        form = NominationForm()
        form.teacher_id.choices = options(queries.teacher_choices(), blank="—")
    elif has_permission(current_user, "community.take_part"):
        form = ApplicationForm()
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            teacher = db.session.get(User, form.teacher_id.data) if manage else current_user
            if save(form, lambda: service.apply(contest, teacher, today=local_today(), theme=form.theme.data or "",
                                                nominated_by_school=manage)):
                flash(_("The application has been submitted."), "success")
                return redirect(url_for("community.contest", contest_id=contest.id))
    mine = next((a for a in contest.applications if a.teacher_id == current_user.id), None)
    visible = contest.applications if manage else [a for a in contest.applications if a.result or a is mine]
    return render_template("community/contests/detail.html", contest=contest, form=form, manage=manage, mine=mine,
                           applications=visible, decision_form=DecisionForm, today=local_today())


@bp.route("/contests/applications/<int:application_id>/decide", methods=["POST"])
@permission_required("community.manage")
def contest_decide(application_id: int):
    application = get_or_404(ContestApplication, application_id)
    form = DecisionForm()
    if form.validate_on_submit() and save(form, lambda: service.decide(
            application, version=form.version_value(), status=form.status.data, result=form.result.data or None),
            versioned=application):
        flash(_("The decision has been saved."), "success")
    _flash_errors(form)
    return redirect(url_for("community.contest", contest_id=application.contest_id))

