"""Planning sessions: weekly series, refusing double-booked rooms and tutors, moving with notice."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Optional

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from courses.models import Enrolment, Group, Module, Room, ScheduledSession
from courses.services.consultations import local_to_utc
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, to_local
from lms.models.mixins import check_version
from lms.models.sql import lock_rows
from lms.notifications.services import notify
from lms.users.models import User


@dataclass
class SessionPlan:
    module_id: int
    first_day: date
    starts: time
    minutes: int
    weeks: int
    room_id: Optional[int]
    online_url: Optional[str]
    tutor_id: Optional[int]
    topic: str = ""


def plan_series(group: Group, plan: SessionPlan) -> tuple[list[ScheduledSession], list[str]]:
    """Plan ``plan.weeks`` weekly sessions of ``group``.

    :returns: the sessions and warnings (members who are in another group's session at that time).
    :raises ServiceError: a room or tutor already busy, a room closed at that time, or a bad plan;
        then no session of the series is saved.
    """
    module = db.session.get(Module, plan.module_id)
    if module is None or module.programme_id != group.programme_id:
        raise ServiceError(_("Choose a module of the group's programme."), field="module_id")
    if not 1 <= plan.weeks <= 52 or not 15 <= plan.minutes <= 480:
        raise ServiceError(_("From 1 to 52 weeks, sessions from 15 to 480 minutes."), field="weeks")
    if plan.room_id is None and not plan.online_url:
        raise ServiceError(_("Give a room or a link for an online session."), field="room_id")
    series = secrets.token_hex(8) if plan.weeks > 1 else None
    _lock_room_and_tutor(plan.room_id, plan.tutor_id)
    sessions, warnings = [], []
    for week in range(plan.weeks):
        starts_at = local_to_utc(plan.first_day + timedelta(weeks=week), plan.starts)
        session = ScheduledSession(group_id=group.id, module_id=module.id, starts_at=starts_at,
                                   ends_at=starts_at + timedelta(minutes=plan.minutes), room_id=plan.room_id,
                                   online_url=plan.online_url or None, tutor_id=plan.tutor_id, series=series,
                                   topic=plan.topic.strip())
        warnings += check_conflicts(session)
        db.session.add(session)
        sessions.append(session)
    db.session.flush()
    return sessions, warnings


def _lock_room_and_tutor(room_id: Optional[int], tutor_id: Optional[int]) -> None:
    """Take the room's and the tutor's row locks before checking they are free, so two planners saving
    at once cannot both find the room free: the second waits, then sees the first one's sessions.

    PostgreSQL locks the rows; SQLite lets one writer in at a time and lock_rows takes that lock here.
    Always the room first, then the tutor, so two planners never wait for each other in a circle.
    """
    lock_rows(Room, room_id)
    lock_rows(User, tutor_id)


def check_conflicts(session: ScheduledSession) -> list[str]:
    """Refuse a busy room or tutor and a closed room; return warnings for members booked elsewhere.

    Call it with the room and the tutor locked (:func:`_lock_room_and_tutor`), or two requests can both pass.
    """
    overlapping = and_(ScheduledSession.cancelled.is_(False), ScheduledSession.starts_at < session.ends_at,
                       ScheduledSession.ends_at > session.starts_at)
    if session.id is not None:
        overlapping = and_(overlapping, ScheduledSession.id != session.id)
    when = f"{to_local(session.starts_at):%d.%m.%Y %H:%M}"
    if session.room_id is not None:
        room = db.session.get(Room, session.room_id)
        local_start, local_end = to_local(session.starts_at), to_local(session.ends_at)
        if str(local_start.weekday()) not in room.weekdays or local_start.time() < room.opens \
                or local_end.time() > room.closes or local_end.date() != local_start.date():
            raise ServiceError(_("%(room)s is closed at %(when)s (open %(opens)s–%(closes)s).", room=room.name,
                                 when=when, opens=f"{room.opens:%H:%M}", closes=f"{room.closes:%H:%M}"))
        if db.session.scalar(select(ScheduledSession.id).where(overlapping, ScheduledSession.room_id == room.id)):
            raise ServiceError(_("%(room)s is already taken at %(when)s.", room=room.name, when=when))
    if session.tutor_id is not None and db.session.scalar(select(ScheduledSession.id).where(
            overlapping, ScheduledSession.tutor_id == session.tutor_id)):
        tutor = db.session.get(User, session.tutor_id)
        raise ServiceError(_("%(tutor)s already leads another session at %(when)s.", tutor=tutor.full_name,
                             when=when))
    members = select(Enrolment.user_id).where(Enrolment.group_id == session.group_id, Enrolment.status == "enrolled")
    busy = db.session.scalars(
        select(User).join(Enrolment, Enrolment.user_id == User.id)
        .join(ScheduledSession, and_(ScheduledSession.group_id == Enrolment.group_id, overlapping))
        .where(Enrolment.status == "enrolled", Enrolment.user_id.in_(members),
               Enrolment.group_id != session.group_id).distinct()).all()
    return [_("%(name)s has another session at %(when)s.", name=user.full_name, when=when) for user in busy]


def move(session: ScheduledSession, *, version: int, day: date, starts: time, minutes: int,
         room_id: Optional[int], online_url: Optional[str]) -> tuple[ScheduledSession, list[str]]:
    """Move one session (with the same checks as planning) and tell its members and tutor."""
    check_version(session, version, _("This session was changed by someone else while you were editing it, so your "
                                      "changes were not saved. Saving this form again will replace them."))
    if room_id is None and not online_url:
        raise ServiceError(_("Give a room or a link for an online session."), field="room_id")
    _lock_room_and_tutor(room_id, session.tutor_id)
    old = to_local(session.starts_at)
    session.starts_at = local_to_utc(day, starts)
    session.ends_at = session.starts_at + timedelta(minutes=minutes)
    session.room_id, session.online_url = room_id, online_url or None
    warnings = check_conflicts(session)
    db.session.flush()
    new = to_local(session.starts_at)
    place = session.room.name if session.room_id else _("online")
    recipients = participants(session)
    notify(recipients,
           lambda: _("The session «%(module)s» of %(old)s has moved to %(new)s (%(place)s).",
                     module=session.module.title, old=f"{old:%d.%m.%Y %H:%M}", new=f"{new:%d.%m.%Y %H:%M}",
                     place=place),
           endpoint="courses.my_schedule", subject=lambda: _("Metodist: a session has moved"))
    return session, warnings


def cancel(session: ScheduledSession) -> ScheduledSession:
    session.cancelled = True
    db.session.flush()
    when = to_local(session.starts_at)
    notify(participants(session),
           lambda: _("The session «%(module)s» of %(when)s is cancelled.", module=session.module.title,
                     when=f"{when:%d.%m.%Y %H:%M}"),
           endpoint="courses.my_schedule", subject=lambda: _("Metodist: a session is cancelled"))
    return session


def participants(session: ScheduledSession) -> list[User]:
    """The group's members and the session's tutor."""
    people = list(db.session.scalars(select(User).join(Enrolment, Enrolment.user_id == User.id).where(
        Enrolment.group_id == session.group_id, Enrolment.status == "enrolled")))
    if session.tutor is not None:
        people.append(session.tutor)
    return people


def save_room(room: Optional[Room], *, name: str, capacity: Optional[int], opens: time, closes: time,
              weekdays: str) -> Room:
    if opens >= closes:
        raise ServiceError(_("The room must open before it closes."), field="closes")
    taken = ServiceError(_("A room with this name already exists."), field="name")
    clash = db.session.scalar(select(Room).where(Room.name == name))
    if clash is not None and clash is not room:
        raise taken
    if room is None:
        room = Room()
        db.session.add(room)
    room.name, room.capacity, room.opens, room.closes, room.weekdays = name, capacity, opens, closes, weekdays
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same name saved by another request (a double click) a moment earlier
        raise taken from exc
    return room


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    return local_to_utc(day, time(0)), local_to_utc(day + timedelta(days=1), time(0))
