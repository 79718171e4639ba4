"""Office hours, the slots cut from them, bookings that can never collide, cancellations and outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from courses.models import ConsultationBooking, ConsultationSlot, OfficeHours
from lms import signals
from lms.errors import ConflictError, ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import utcnow
from lms.storage import store


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_to_utc(day: date, moment: time) -> datetime:
    """A wall-clock time of the service's zone on ``day`` as naive UTC (how every timestamp is stored)."""
    return datetime.combine(day, moment, tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


@dataclass
class OfficeHoursData:
    weekday: int
    starts: time
    ends: time
    slot_minutes: int
    place: str
    online_url: Optional[str]
    valid_from: date
    valid_until: date


def save_office_hours(tutor, hours: Optional[OfficeHours], *, version: int | None, data: OfficeHoursData,
                      today: date) -> OfficeHours:
    """Create or change a tutor's weekly office hours and (re)cut their slots.

    Changing them removes future slots nobody has booked and cuts new ones; booked slots stay as they
    are, so no teacher loses a consultation because the timetable changed.

    :raises ServiceError: times or dates out of order, a window shorter than one slot, or an overlap
        with the tutor's other office hours on the same weekday.
    """
    if hours is not None and version != hours.version:
        raise ConflictError(_("These office hours were changed by someone else while you were editing them, so "
                              "your changes were not saved. Saving this form again will replace them."))
    if data.starts >= data.ends:
        raise ServiceError(_("The end must be later than the start."), field="ends")
    window = (datetime.combine(today, data.ends) - datetime.combine(today, data.starts)).seconds // 60
    if window < data.slot_minutes:
        raise ServiceError(_("The window is shorter than one slot."), field="slot_minutes")
    if data.valid_from > data.valid_until:
        raise ServiceError(_("The period ends before it starts."), field="valid_until")
    overlapping = db.session.scalar(select(OfficeHours).where(
        OfficeHours.tutor_id == tutor.id, OfficeHours.active.is_(True), OfficeHours.weekday == data.weekday,
        OfficeHours.starts < data.ends, OfficeHours.ends > data.starts,
        OfficeHours.valid_from <= data.valid_until, OfficeHours.valid_until >= data.valid_from,
        OfficeHours.id != (hours.id if hours is not None else -1)))
    if overlapping is not None:
        raise ServiceError(_("These hours overlap your other office hours on the same day."), field="starts")
    if hours is None:
        hours = OfficeHours(tutor_id=tutor.id)
        db.session.add(hours)
    for name, value in vars(data).items():
        setattr(hours, name, value)
    db.session.flush()
    _drop_free_future_slots(hours, today)
    generate_slots(hours, today)
    return hours


def _drop_free_future_slots(hours: OfficeHours, today: date) -> None:
    booked = select(ConsultationBooking.slot_id)
    db.session.execute(delete(ConsultationSlot).where(
        ConsultationSlot.office_hours_id == hours.id, ConsultationSlot.starts_at >= local_to_utc(today, time(0)),
        ConsultationSlot.id.not_in(booked)).execution_options(synchronize_session="fetch"))


def generate_slots(hours: OfficeHours, today: date) -> int:
    """Cut the slots of the coming weeks (COURSES_SLOT_WEEKS) that do not exist yet; returns how many."""
    if not hours.active:
        return 0
    last_day = min(hours.valid_until, today + timedelta(weeks=current_app.config["COURSES_SLOT_WEEKS"]))
    day = max(hours.valid_from, today)
    day += timedelta(days=(hours.weekday - day.weekday()) % 7)
    existing = set(db.session.scalars(select(ConsultationSlot.starts_at).where(
        ConsultationSlot.tutor_id == hours.tutor_id, ConsultationSlot.starts_at >= local_to_utc(day, time(0)))))
    step = timedelta(minutes=hours.slot_minutes)
    created = 0
    while day <= last_day:
        start = datetime.combine(day, hours.starts)
        while start + step <= datetime.combine(day, hours.ends):
            starts_at = local_to_utc(day, start.time())
            if starts_at not in existing:
                db.session.add(ConsultationSlot(
                    tutor_id=hours.tutor_id, office_hours_id=hours.id, starts_at=starts_at,
                    ends_at=starts_at + step, place=hours.place, online_url=hours.online_url))
                created += 1
            start += step
        day += timedelta(weeks=1)
    db.session.flush()
    return created


def book(slot: ConsultationSlot, teacher, topic: str, now: datetime | None = None,
         upload: FileStorage | None = None) -> ConsultationBooking:
    """Book ``slot`` for ``teacher``. A repeat by the same teacher returns the booking already made.

    :raises ServiceError: the slot is cancelled, past, taken (also when another request wins a race for
        it: the database's unique index decides), or the teacher is booked elsewhere at that time.
    """
    now = now or utcnow()
    mine = db.session.scalar(select(ConsultationBooking).where(
        ConsultationBooking.active_slot_id == slot.id, ConsultationBooking.teacher_id == teacher.id))
    if mine is not None:
        return mine
    if slot.cancelled:
        raise ServiceError(_("The tutor has cancelled this time. Choose another one."))
    if slot.starts_at <= now:
        raise ServiceError(_("This time has already passed. Choose another one."))
    clash = db.session.scalar(select(ConsultationBooking).join(ConsultationSlot, and_(
        ConsultationSlot.id == ConsultationBooking.active_slot_id,
        ConsultationSlot.starts_at < slot.ends_at, ConsultationSlot.ends_at > slot.starts_at,
    )).where(ConsultationBooking.teacher_id == teacher.id))
    if clash is not None:
        raise ServiceError(_("You already have a consultation at this time."))
    taken = _("This time has just been booked by someone else. Choose another one.")
    if is_taken(slot):
        raise ServiceError(taken)
    stored = store(upload, "consultations") if upload is not None and upload.filename else None
    booking = ConsultationBooking(slot_id=slot.id, active_slot_id=slot.id, teacher_id=teacher.id,
                                  topic=topic.strip(), status="booked", booked_at=now,
                                  file_key=stored and stored.key, file_name=stored and stored.original_name)
    db.session.add(booking)
    try:
        db.session.flush()
    except IntegrityError as exc:
        # Another request booked the slot between our check and this insert; the unique index on
        # active_slot_id refused ours. The caller rolls the transaction back.
        raise ServiceError(taken) from exc
    return booking


def is_taken(slot: ConsultationSlot) -> bool:
    """A friendly early answer; the unique index on active_slot_id is what actually guarantees it."""
    return db.session.scalar(select(ConsultationBooking.id).where(ConsultationBooking.active_slot_id == slot.id)) \
        is not None


def cancel(booking: ConsultationBooking, actor, now: datetime | None = None) -> ConsultationBooking:
    """Cancel a standing booking; a teacher may do so until COURSES_CANCEL_HOURS before the start,
    the tutor at any time. The slot becomes free again."""
    now = now or utcnow()
    if booking.status != "booked":
        raise ServiceError(_("Only a booking that still stands can be cancelled."))
    deadline = booking.slot.starts_at - timedelta(hours=current_app.config["COURSES_CANCEL_HOURS"])
    if actor.id == booking.teacher_id and actor.id != booking.slot.tutor_id and now > deadline:
        raise ServiceError(_("It is too late to cancel online: less than %(n)d hours are left. "
                             "Please tell the tutor.", n=current_app.config["COURSES_CANCEL_HOURS"]))
    booking.status, booking.active_slot_id, booking.cancelled_at = "cancelled", None, now
    db.session.flush()
    return booking


def record_outcome(booking: ConsultationBooking, tutor, *, held: bool, notes: str,
                   now: datetime | None = None) -> ConsultationBooking:
    """The tutor records whether the consultation took place, with notes for tutors and staff.

    A held consultation counts as targeted methodological support (``consultation_held``).
    """
    now = now or utcnow()
    if booking.status == "cancelled":
        raise ServiceError(_("This booking was cancelled."))
    if booking.slot.starts_at > now:
        raise ServiceError(_("The outcome can be recorded once the consultation has started."))
    was_held = booking.status == "held"
    booking.status = "held" if held else "no_show"
    booking.outcome_notes, booking.outcome_at, booking.outcome_by_id = notes.strip(), now, tutor.id
    db.session.flush()
    if held and not was_held:
        signals.consultation_held.send(current_app._get_current_object(), booking=booking)
    return booking
