"""Consultations: teachers book slots; tutors keep office hours and record outcomes; staff see them all."""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import groupby

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from courses import queries
from courses.blueprint import bp
from courses.choices import BOOKING_STATUSES
from courses.forms import BookingForm, OfficeHoursForm, OutcomeForm
from courses.models import ConsultationBooking, ConsultationSlot, OfficeHours
from courses.permissions import can_cancel_booking, can_edit_office_hours, is_booking_tutor
from courses.services import consultations as service
from lms import storage
from lms.forms import ActionForm
from lms.i18n import _, local_date, to_local
from lms.models.mixins import utcnow
from lms.users.permissions import has_permission, permission_required
from lms.web import get_or_404, paginate, save

#: How far ahead the booking page lists free slots.
BOOKING_HORIZON = timedelta(weeks=4)


@bp.route("/consultations/")
def consultations():
    """One menu entry for every role: teachers book, tutors manage, staff oversee."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if has_permission(current_user, "courses.book_consultation"):
        return _booking_page(BookingForm())
    if has_permission(current_user, "courses.hold_consultations"):
        return tutor_consultations()
    if has_permission(current_user, "courses.view_consultations"):
        return all_consultations()
    abort(403)


def _booking_page(form: BookingForm, status: int = 200, failed_slot: int | None = None):
    """The teacher's booking page; a refused slot shows its messages and topic at its fields, and when the
    time is gone (taken meanwhile, cancelled) the topic goes into every free time's box instead."""
    now = utcnow()
    slots = queries.free_slots(now, now + BOOKING_HORIZON)
    days = [(day, list(items)) for day, items in groupby(slots, key=lambda s: local_date(s.starts_at))]
    kept_topic = None
    if failed_slot is not None and failed_slot not in {slot.id for slot in slots}:
        kept_topic = form.topic.data
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return render_template("courses/consultations/book.html", days=days, form=form,
                           bookings=queries.teacher_bookings(current_user), action_form=ActionForm(),
                           failed_slot=failed_slot, kept_topic=kept_topic), status


@bp.route("/consultations/slots/<int:slot_id>/book", methods=["POST"])
@permission_required("courses.book_consultation")
def book_slot(slot_id: int):
    slot = get_or_404(ConsultationSlot, slot_id)
    form = BookingForm()
    if not form.validate_on_submit():
        return _booking_page(form, 400, failed_slot=slot.id)  # the messages at the slot's fields
    booking = save(form, lambda: service.book(slot, current_user, form.topic.data, upload=form.file.data))
    if booking is None:  # refused: the page again, with what was typed
        return _booking_page(form, 400, failed_slot=slot.id)
    flash(_("Booked: %(when)s, tutor %(tutor)s.", when=f"{to_local(slot.starts_at):%d.%m.%Y %H:%M}",
            tutor=slot.tutor.full_name), "success")
    return redirect(url_for("courses.consultations"))


@bp.route("/consultations/bookings/<int:booking_id>/cancel", methods=["POST"])
@permission_required("courses.view")
def cancel_booking(booking_id: int):
    booking = get_or_404(ConsultationBooking, booking_id, can_cancel_booking)
    form = ActionForm()
    if form.validate_on_submit() and save(form, lambda: service.cancel(booking, current_user,
                                                                       reason=request.form.get("reason", ""))):
        flash(_("The booking has been cancelled."), "success")
    if is_booking_tutor(current_user, booking):
        return redirect(url_for("courses.tutor_consultations"))
    return redirect(url_for("courses.consultations"))


@bp.route("/consultations/tutor")
@permission_required("courses.hold_consultations")
def tutor_consultations():
    today = to_local(utcnow()).date()
    since = service.local_to_utc(today, time(0))
    slots = queries.tutor_slots(current_user, since, since + timedelta(weeks=2))
    days = [(day, list(items)) for day, items in groupby(slots, key=lambda s: local_date(s.starts_at))]
    return render_template("courses/consultations/tutor.html", days=days, action_form=ActionForm(),
                           office_hours=queries.office_hours_of(current_user), now=utcnow())


@bp.route("/consultations/office-hours/new", methods=["GET", "POST"])
@bp.route("/consultations/office-hours/<int:hours_id>/edit", methods=["GET", "POST"])
@permission_required("courses.hold_consultations")
def office_hours_edit(hours_id: int | None = None):
    hours = get_or_404(OfficeHours, hours_id, can_edit_office_hours) if hours_id else None
    today = to_local(utcnow()).date()
    form = OfficeHoursForm(obj=hours if request.method == "GET" else None)
    if request.method == "GET" and hours is None:
        form.valid_from.data, form.valid_until.data = today, _end_of_school_year(today)
    if form.validate_on_submit():
        data = service.OfficeHoursData(
            weekday=form.weekday.data, starts=form.starts.data, ends=form.ends.data,
            slot_minutes=form.slot_minutes.data, place=form.place.data or "", online_url=form.online_url.data or None,
            valid_from=form.valid_from.data, valid_until=form.valid_until.data)
        saved = save(form, lambda: service.save_office_hours(current_user, hours, version=form.version_value(),
                                                             data=data, today=today), versioned=hours)
        if saved is not None:
            flash(_("Office hours saved; the slots for the coming weeks are open for booking."), "success")
            return redirect(url_for("courses.tutor_consultations"))
    return render_template("courses/consultations/office_hours_edit.html", form=form, hours=hours)


def _end_of_school_year(today: date) -> date:
    return date(today.year + (1 if today.month > 5 else 0), 5, 31)


@bp.route("/consultations/bookings/<int:booking_id>/outcome", methods=["GET", "POST"])
@permission_required("courses.hold_consultations")
def booking_outcome(booking_id: int):
    booking = get_or_404(ConsultationBooking, booking_id, is_booking_tutor)
    form = OutcomeForm(data={"held": 0 if booking.status == "no_show" else 1, "notes": booking.outcome_notes}
                       if request.method == "GET" else None)
    if form.validate_on_submit() and save(form, lambda: service.record_outcome(
            booking, current_user, held=bool(form.held.data), notes=form.notes.data or "")):
        flash(_("The outcome has been recorded."), "success")
        return redirect(url_for("courses.tutor_consultations"))
    return render_template("courses/consultations/outcome.html", form=form, booking=booking)


@bp.route("/consultations/all")
@permission_required("courses.view_consultations")
def all_consultations():
    status = request.args.get("status") if request.args.get("status") in BOOKING_STATUSES else None
    page = paginate(queries.all_bookings(status))
    return render_template("courses/consultations/all.html", page=page, status=status)


@bp.route("/consultations/bookings/<int:booking_id>/file")
@permission_required("courses.view")
def booking_file(booking_id: int):
    """The teacher's file: for the teacher, the slot's tutor and staff."""
    booking = get_or_404(ConsultationBooking, booking_id, lambda user, b: can_cancel_booking(user, b)
                         or has_permission(user, "courses.view_consultations"))
    return storage.send(booking.file_key, booking.file_name)
