"""A person's timetable: sessions they attend or lead and their consultations, on screen and as ICS."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from courses.models import CalendarFeed, ConsultationBooking, ConsultationSlot, Enrolment, Group, ScheduledSession
from lms.extensions import db
from lms.i18n import _
from lms.users.models import User


@dataclass
class Entry:
    """One line of a timetable."""

    starts_at: datetime
    ends_at: datetime
    title: str
    place: str
    kind: str  # "session" or "consultation"
    uid: str
    cancelled: bool = False


def timetable(user, since: datetime, until: datetime) -> list[Entry]:
    """Everything in ``user``'s day between ``since`` and ``until``, soonest first (four queries)."""
    groups = select(Enrolment.group_id).where(Enrolment.user_id == user.id, Enrolment.status == "enrolled")
    in_period = (ScheduledSession.starts_at < until, ScheduledSession.ends_at > since)
    # Two queries rather than one with OR: each can use its (group_id | tutor_id, starts_at) index, which
    # PostgreSQL cannot do for the OR and would read every session of the service instead.
    sessions = {}
    # A session that names no tutor is led by its group's tutor (as attendance is marked).
    led = select(Group.id).where(Group.tutor_id == user.id)
    for who in (ScheduledSession.group_id.in_(groups), ScheduledSession.tutor_id == user.id,
                and_(ScheduledSession.tutor_id.is_(None), ScheduledSession.group_id.in_(led))):
        for session in db.session.scalars(
                select(ScheduledSession).options(joinedload(ScheduledSession.module), joinedload(ScheduledSession.room),
                                                 joinedload(ScheduledSession.group)).where(who, *in_period)):
            sessions[session.id] = session
    sessions = list(sessions.values())
    bookings = db.session.scalars(
        select(ConsultationBooking).join(ConsultationSlot, ConsultationSlot.id == ConsultationBooking.active_slot_id)
        .options(joinedload(ConsultationBooking.slot).joinedload(ConsultationSlot.tutor),
                 joinedload(ConsultationBooking.teacher))
        .where(or_(ConsultationBooking.teacher_id == user.id, ConsultationSlot.tutor_id == user.id),
               ConsultationSlot.starts_at < until, ConsultationSlot.ends_at > since)).all()
    entries = [Entry(s.starts_at, s.ends_at, f"{s.module.title} ({s.group.name})",
                     s.room.name if s.room else (s.online_url or _("online")), "session",
                     f"session-{s.id}@metodist", s.cancelled) for s in sessions]
    for b in bookings:
        with_whom = b.teacher.full_name if b.slot.tutor_id == user.id else b.slot.tutor.full_name
        entries.append(Entry(b.slot.starts_at, b.slot.ends_at, _("Consultation: %(who)s", who=with_whom),
                             b.slot.place or (b.slot.online_url or ""), "consultation",
                             f"consultation-{b.id}@metodist"))
    return sorted(entries, key=lambda e: (e.starts_at, e.title))


def feed_token(user, renew: bool = False) -> str:
    """The user's calendar address token, created on first use; ``renew`` revokes the old address."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(feed)
    elif renew:
        feed.token = secrets.token_urlsafe(32)
    db.session.flush()
    return feed.token


def user_for_token(token: str) -> User | None:
    """The active user whose calendar address this is, or None."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token))
    user = db.session.get(User, feed.user_id) if feed is not None else None
    return user if user is not None and user.active else None


def ics(entries: list[Entry], name: str) -> bytes:
    """An iCalendar file; times are written in UTC, which every calendar app converts to local time."""
    calendar = Calendar()
    calendar.add("prodid", "-//Metodist//Timetable//RU")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("summary", entry.title)
        event.add("dtstart", entry.starts_at.replace(tzinfo=UTC))
        event.add("dtend", entry.ends_at.replace(tzinfo=UTC))
        event.add("dtstamp", entry.starts_at.replace(tzinfo=UTC))
        if entry.place:
            event.add("location", entry.place)
        if entry.cancelled:
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()
