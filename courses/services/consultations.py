"""Office hours, the slots cut from them, bookings that can never collide, cancellations and outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Optional
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from courses.models import ConsultationBooking, ConsultationSlot, OfficeHours
from lms import signals
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, local_date, to_local
from lms.models.mixins import check_version, utcnow
from lms.models.sql import lock_rows
from lms.notifications.services import notify
from lms.storage import store
from lms.users.models import User


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

    Changing them closes the future free slots the new hours no longer contain and cuts new ones;
    booked slots stay as they are, so no teacher loses a consultation because the timetable changed,
    and no new slot overlaps them.

    :raises ServiceError: times or dates out of order, a window shorter than one slot, or an overlap
        with the tutor's other office hours on the same weekday.
    """
    check_version(hours, version, _("These office hours were changed by someone else while you were editing them, "
                                    "so your changes were not saved. Saving this form again will replace them."))
    if data.starts >= data.ends:
        raise ServiceError(_("The end must be later than the start."), field="ends")
    window = (datetime.combine(today, data.ends) - datetime.combine(today, data.starts)).seconds // 60
    if window < data.slot_minutes:
        raise ServiceError(_("The window is shorter than one slot."), field="slot_minutes")
    if data.valid_from > data.valid_until:
        raise ServiceError(_("The period ends before it starts."), field="valid_until")
    # Two saves of this tutor's hours at once (a double click) must not both pass the overlap check.
    lock_rows(User, tutor.id)
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
    _retire_future_slots(hours, today)
    generate_slots(hours, today)
    return hours


def _retire_future_slots(hours: OfficeHours, today: date) -> None:
    """Bring the future free slots cut from ``hours`` in line with the changed hours.

    Only a standing booking (``active_slot_id``) holds a slot as it is. A free slot the hours still
    contain takes their new place and link; one they no longer contain is deleted, or, when a
    cancelled booking still refers to it, cancelled and detached from the hours (its history stays,
    and :func:`generate_slots` may open it again should the hours come back to that time).
    """
    standing = select(ConsultationBooking.active_slot_id).where(ConsultationBooking.active_slot_id.is_not(None))
    free = db.session.scalars(select(ConsultationSlot).where(
        ConsultationSlot.office_hours_id == hours.id, ConsultationSlot.starts_at >= local_to_utc(today, time(0)),
        ConsultationSlot.cancelled.is_(False), ConsultationSlot.id.not_in(standing))).all()
    referenced = set(db.session.scalars(select(ConsultationBooking.slot_id).where(
        ConsultationBooking.slot_id.in_([slot.id for slot in free]))))
    for slot in free:
        if _contains(hours, slot.starts_at, slot.ends_at):
            slot.place, slot.online_url = hours.place, hours.online_url
        elif slot.id in referenced:
            slot.cancelled, slot.office_hours_id = True, None
        else:
            db.session.delete(slot)
    db.session.flush()


def _contains(hours: OfficeHours, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether ``hours`` cut a slot at exactly this time."""
    day = local_date(starts_at)
    step = timedelta(minutes=hours.slot_minutes)
    first = local_to_utc(day, hours.starts)
    return (hours.active and day.weekday() == hours.weekday and hours.valid_from <= day <= hours.valid_until
            and ends_at - starts_at == step and first <= starts_at and ends_at <= local_to_utc(day, hours.ends)
            and (starts_at - first) % step == timedelta(0))


def generate_slots(hours: OfficeHours, today: date) -> int:
    """Cut the slots of the coming weeks (COURSES_SLOT_WEEKS) that do not exist yet; returns how many.

    A time that overlaps another open slot of the tutor (one still booked from earlier hours) is
    skipped, so the tutor is never double-booked. A slot closed by an earlier change of these hours
    at exactly this time is opened again rather than cut anew (one slot per tutor and start).
    """
    if not hours.active:
        return 0
    lock_rows(User, hours.tutor_id)  # the daily job and a change of the hours must not cut the same slot twice
    last_day = min(hours.valid_until, today + timedelta(weeks=current_app.config["COURSES_SLOT_WEEKS"]))
    day = max(hours.valid_from, today)
    day += timedelta(days=(hours.weekday - day.weekday()) % 7)
    existing = {slot.starts_at: slot for slot in db.session.scalars(select(ConsultationSlot).where(
        ConsultationSlot.tutor_id == hours.tutor_id, ConsultationSlot.ends_at > local_to_utc(day, time(0))))}
    standing = set(db.session.scalars(select(ConsultationBooking.active_slot_id).where(
        ConsultationBooking.active_slot_id.in_([slot.id for slot in existing.values()]))))
    busy = [(slot.starts_at, slot.ends_at) for slot in existing.values() if not slot.cancelled]
    step = timedelta(minutes=hours.slot_minutes)
    created = 0
    while day <= last_day:
        start = datetime.combine(day, hours.starts)
        while start + step <= datetime.combine(day, hours.ends):
            starts_at = local_to_utc(day, start.time())
            ends_at = starts_at + step
            same = existing.get(starts_at)
            if not any(begins < ends_at and ends > starts_at for begins, ends in busy):
                if same is None:
                    db.session.add(ConsultationSlot(
                        tutor_id=hours.tutor_id, office_hours_id=hours.id, starts_at=starts_at,
                        ends_at=ends_at, place=hours.place, online_url=hours.online_url))
                    created += 1
                elif same.office_hours_id is None and same.id not in standing:
                    same.cancelled, same.office_hours_id, same.ends_at = False, hours.id, ends_at
                    same.place, same.online_url = hours.place, hours.online_url
                    created += 1
                busy.append((starts_at, ends_at))
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


def cancel(booking: ConsultationBooking, actor, now: datetime | None = None, reason: str = "",
           free_slot: bool = False) -> ConsultationBooking:
    """Cancel a standing booking; a teacher may do so until COURSES_CANCEL_HOURS before the start, and
    the time becomes free for others. The tutor may cancel at any time, saying why: the teacher is
    notified with the reason, and the time is closed, since the tutor cannot hold it — unless
    ``free_slot`` says the time stays offered (the booking, not the tutor's time, is withdrawn).

    :raises ServiceError: the booking no longer stands, the teacher is too late, the tutor gave no reason.
    """
    now = now or utcnow()
    slot = booking.slot
    if booking.status != "booked":
        raise ServiceError(_("Only a booking that still stands can be cancelled."))
    by_tutor = actor.id == slot.tutor_id
    deadline = slot.starts_at - timedelta(hours=current_app.config["COURSES_CANCEL_HOURS"])
    if actor.id == booking.teacher_id and not by_tutor and now > deadline:
        raise ServiceError(_("It is too late to cancel online: less than %(n)d hours are left. "
                             "Please tell the tutor.", n=current_app.config["COURSES_CANCEL_HOURS"]))
    reason = " ".join(reason.split())[:300]
    if by_tutor and not reason:
        raise ServiceError(_("Say why you cancel the consultation: the teacher receives your words."),
                           field="reason")
    booking.status, booking.active_slot_id, booking.cancelled_at = "cancelled", None, now
    if by_tutor and not free_slot:
        slot.cancelled = True
    db.session.flush()
    if by_tutor:
        when = f"{to_local(slot.starts_at):%d.%m.%Y %H:%M}"
        notify([booking.teacher],
               lambda: _("Your consultation of %(when)s has been cancelled by the tutor, %(tutor)s. Reason: %(reason)s",
                         tutor=slot.tutor.full_name, when=when, reason=reason),
               endpoint="courses.consultations", subject=lambda: _("Metodist: a consultation is cancelled"))
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
