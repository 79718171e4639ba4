"""Where a route's step takes a teacher (``courses.api``): a group's next session, one session, a consultation time,
a module's lessons — each with its date, time, room or online link and the page that shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from courses.models import ConsultationSlot, Group, Module, ScheduledSession
from lms.extensions import db
from lms.i18n import _, local_date


@dataclass(frozen=True)
class Place:
    """One step's destination.

    :param label: what it is («Группа „Поток весна“», «Консультация: Петрова А. С.»).
    :param endpoint: the page that shows it to anyone who may see the route, with ``args``.
    :param starts_at: the next (or the booked) meeting, stored UTC; None for self-paced lessons.
    :param room: the room or the place; ``online_url`` the link when it is held online.
    """

    label: str
    endpoint: str
    args: dict = field(default_factory=dict)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    room: str = ""
    online_url: str | None = None
    cancelled: bool = False

    def local_day(self) -> date | None:
        """The meeting's date where the service is (for a link to that week of the schedule)."""
        return local_date(self.starts_at)


def _session_place(label: str, session: ScheduledSession) -> Place:
    return Place(label, "courses.programme", {"programme_id": session.group.programme_id}, session.starts_at,
                 session.ends_at, session.room.name if session.room else "", session.online_url, session.cancelled)


def places(*, groups: dict, sessions: dict, slots: dict, modules: dict, now: datetime) -> dict:
    """The destinations of many steps in four queries at most, by the caller's keys.

    :param groups: key → (group id, module id or None): the group's next session (of that module) still ahead.
    :param sessions: key → session id; ``slots``: key → consultation time id; ``modules``: key → module id of a
        self-paced module, whose lessons are on its programme's page.
    """
    found: dict = {}
    if groups:
        rows = {g.id: g for g in db.session.scalars(select(Group).where(
            Group.id.in_({gid for gid, _m in groups.values()})))}
        ahead: dict[tuple[int, int | None], ScheduledSession] = {}
        for session in db.session.scalars(
                select(ScheduledSession).options(joinedload(ScheduledSession.room), joinedload(ScheduledSession.group))
                .where(ScheduledSession.group_id.in_(rows), ScheduledSession.cancelled.is_(False),
                       ScheduledSession.ends_at > now).order_by(ScheduledSession.starts_at, ScheduledSession.id)):
            ahead.setdefault((session.group_id, session.module_id), session)
            ahead.setdefault((session.group_id, None), session)
        for key, (group_id, module_id) in groups.items():
            group = rows.get(group_id)
            if group is None:
                continue
            label = _("Group «%(name)s»", name=group.name)
            nearest = ahead.get((group_id, module_id)) or ahead.get((group_id, None))
            found[key] = _session_place(label, nearest) if nearest else Place(
                label, "courses.programme", {"programme_id": group.programme_id})
    if sessions:
        rows = {s.id: s for s in db.session.scalars(
            select(ScheduledSession).options(joinedload(ScheduledSession.room), joinedload(ScheduledSession.group))
            .where(ScheduledSession.id.in_(set(sessions.values()))))}
        for key, session_id in sessions.items():
            if session_id in rows:
                session = rows[session_id]
                found[key] = _session_place(_("Group «%(name)s»", name=session.group.name), session)
    if slots:
        rows = {s.id: s for s in db.session.scalars(select(ConsultationSlot).options(
            joinedload(ConsultationSlot.tutor)).where(ConsultationSlot.id.in_(set(slots.values()))))}
        for key, slot_id in slots.items():
            if slot_id in rows:
                slot = rows[slot_id]
                found[key] = Place(_("Consultation: %(who)s", who=slot.tutor.short_name), "courses.consultations",
                                   {}, slot.starts_at, slot.ends_at, slot.place, slot.online_url, slot.cancelled)
    if modules:
        rows = dict(db.session.execute(select(Module.id, Module.programme_id).where(
            Module.id.in_(set(modules.values())))).all())
        for key, module_id in modules.items():
            if module_id in rows:
                found[key] = Place(_("The module's lessons"), "courses.programme", {"programme_id": rows[module_id]})
    return found
