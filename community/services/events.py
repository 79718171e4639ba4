"""Network events (registration with capacity, attendance, speakers and their materials) and contests of
professional skill (stages, applications until a deadline, statuses and results)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from community.choices import APPLICATION_STATUSES, CONTEST_RESULTS, EVENT_KINDS, MEETING_STATUSES, ORGANISER_KINDS
from community.models import Contest, ContestApplication, EventParticipant, NetworkEvent
from community.services import changed
from lms import storage
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version, utcnow
from lms.orgs.models import MethodAssociation, School
from lms.users.models import User

#: Where speakers' materials are kept (lms.storage area).
MATERIALS_AREA = "community-events"


@dataclass
class EventData:
    kind: str
    title: str
    organiser_kind: str
    school_id: Optional[int]
    association_id: Optional[int]
    held_on: date
    place: str
    link: Optional[str]
    capacity: Optional[int]
    registration_open: bool
    description: str
    status: str


def save_event(event: Optional[NetworkEvent], *, version: int | None, data: EventData, today: date) -> NetworkEvent:
    """Create or update an event opened at ``version``.

    :raises ServiceError: unknown kind, organiser or status; an organiser school or association missing; an event
        in the future marked held; a capacity below the participants already registered.
    """
    check_version(event, version, changed())
    if data.kind not in EVENT_KINDS:
        raise ServiceError(_("Unknown kind of event."), field="kind")
    if data.organiser_kind not in ORGANISER_KINDS or data.status not in MEETING_STATUSES:
        raise ServiceError(_("Unknown organiser or status."), field="organiser_kind")
    if data.organiser_kind == "school" and (data.school_id is None or db.session.get(School, data.school_id) is None):
        raise ServiceError(_("Choose the organising school."), field="school_id")
    if data.organiser_kind == "association" and (
            data.association_id is None or db.session.get(MethodAssociation, data.association_id) is None):
        raise ServiceError(_("Choose the organising association."), field="association_id")
    if data.status == "held" and data.held_on > today:
        raise ServiceError(_("An event in the future cannot be marked as held."), field="held_on")
    if event is not None and data.capacity is not None and data.capacity < _registered(event):
        raise ServiceError(_("More participants are registered than this capacity."), field="capacity")
    if event is None:
        event = NetworkEvent()
        db.session.add(event)
    event.kind, event.title, event.organiser_kind = data.kind, data.title, data.organiser_kind
    event.school_id = data.school_id if data.organiser_kind == "school" else None
    event.association_id = data.association_id if data.organiser_kind == "association" else None
    event.held_on, event.place, event.link, event.capacity = data.held_on, data.place, data.link, data.capacity
    event.registration_open, event.description, event.status = data.registration_open, data.description, data.status
    event.updated_at = utcnow()
    db.session.flush()
    return event


def _registered(event: NetworkEvent) -> int:
    return db.session.scalar(select(func.count(EventParticipant.id)).where(
        EventParticipant.event_id == event.id, EventParticipant.role == "participant")) or 0


def register(event: NetworkEvent, teacher: User, *, today: date) -> EventParticipant:
    """A teacher registers for an open, coming event while places remain (idempotent)."""
    existing = _participant(event, teacher.id)
    if existing is not None:
        return existing
    if not event.registration_open or event.status != "planned" or event.held_on < today:
        raise ServiceError(_("Registration for this event is closed."))
    # Lock the event's row (PostgreSQL) so two last-place registrations cannot both pass the count.
    db.session.execute(select(NetworkEvent.id).where(NetworkEvent.id == event.id).with_for_update())
    if event.capacity is not None and _registered(event) >= event.capacity:
        raise ServiceError(_("No places are left."))
    participant = EventParticipant(event_id=event.id, user_id=teacher.id, role="participant")
    db.session.add(participant)
    db.session.flush()
    return participant


def unregister(event: NetworkEvent, user_id: int, *, today: date) -> bool:
    """Cancel a teacher's own registration; False when there was none to cancel (a second click).

    :raises ServiceError: the teacher speaks at the event, or it has taken place, was cancelled or its day
        has passed: its attendance is the record of the service's work and stays.
    """
    participant = _participant(event, user_id)
    if participant is None:
        return False
    if participant.role != "participant":
        raise ServiceError(_("You are a speaker at this event: ask its organisers to change that."))
    if event.status != "planned" or event.held_on < today or participant.attended:
        raise ServiceError(_("This event is over: its registration cannot be cancelled."))
    db.session.delete(participant)
    db.session.flush()
    return True


def _participant(event: NetworkEvent, user_id: int) -> EventParticipant | None:
    return db.session.scalar(select(EventParticipant).where(EventParticipant.event_id == event.id,
                                                            EventParticipant.user_id == user_id))


def add_speaker(event: NetworkEvent, speaker: User, *, topic: str, upload: FileStorage | None) -> EventParticipant:
    """A speaker with their topic and material; a registered participant becomes a speaker."""
    if speaker is None or not speaker.active:
        raise ServiceError(_("Unknown person."), field="user_id")
    stored = _store_material(upload)
    participant = _participant(event, speaker.id)
    if participant is None:
        participant = EventParticipant(event_id=event.id, user_id=speaker.id)
        db.session.add(participant)
    participant.role, participant.topic = "speaker", topic
    if stored is not None:
        participant.material_key, participant.material_name = stored.key, stored.original_name
    db.session.flush()
    return participant


def _store_material(upload: FileStorage | None):
    """The one call of lms.storage for speakers' materials."""
    if upload is None or not upload.filename:
        return None
    return storage.store(upload, MATERIALS_AREA)


def mark_attendance(event: NetworkEvent, present_ids: set[int], *, today: date) -> NetworkEvent:
    """Mark who attended a held event (it becomes held): only those registered or speaking."""
    if event.status == "cancelled":
        raise ServiceError(_("The event was cancelled: it has no attendance to mark."))
    if event.held_on > today:
        raise ServiceError(_("Attendance of an event in the future cannot be marked."))
    known = {p.user_id for p in event.participants}
    if present_ids - known:
        raise ServiceError(_("Only registered participants and speakers can be marked present."))
    for participant in event.participants:
        participant.attended = participant.user_id in present_ids
    event.status = "held"
    event.updated_at = utcnow()
    db.session.flush()
    return event


# --- contests ----------------------------------------------------------------------------------------------------

def save_contest(contest: Optional[Contest], *, version: int | None, title: str, description: str,
                 applications_until: date, stages: list[dict]) -> Contest:
    """Create or update a contest; stages are [{"title", "starts_on", "ends_on"}] with ISO dates."""
    check_version(contest, version, changed())
    for stage in stages:
        if stage["ends_on"] < stage["starts_on"]:
            raise ServiceError(_("A stage ends before it starts: %(title)s.", title=stage["title"]), field="stages")
    if contest is None:
        contest = Contest()
        db.session.add(contest)
    contest.title, contest.description, contest.applications_until = title, description, applications_until
    contest.stages = [dict(s) for s in stages]
    contest.updated_at = utcnow()
    db.session.flush()
    return contest


def apply(contest: Contest, teacher: User, *, today: date, theme: str, nominated_by_school: bool = False
          ) -> ContestApplication:
    """A teacher's application (or the school's nomination) until the contest's deadline, once per contest."""
    if teacher is None or not teacher.has_role("teacher"):
        raise ServiceError(_("Only teachers take part in contests."), field="teacher_id")
    if today > contest.applications_until:
        raise ServiceError(_("Applications to this contest closed on %(date)s.",
                             date=f"{contest.applications_until:%d.%m.%Y}"))
    existing = db.session.scalar(select(ContestApplication).where(ContestApplication.contest_id == contest.id,
                                                                  ContestApplication.teacher_id == teacher.id))
    if existing is not None:
        raise ServiceError(_("%(name)s has already applied to this contest.", name=teacher.full_name))
    application = ContestApplication(contest_id=contest.id, teacher_id=teacher.id, submitted_on=today, theme=theme,
                                     nominated_by_school=nominated_by_school)
    db.session.add(application)
    db.session.flush()
    return application


def decide(application: ContestApplication, *, version: int | None, status: str, result: str | None
           ) -> ContestApplication:
    """Set an application's status and, for an accepted one, its result."""
    check_version(application, version, changed())
    if status not in APPLICATION_STATUSES or (result is not None and result not in CONTEST_RESULTS):
        raise ServiceError(_("Unknown status or result."), field="status")
    if result is not None and status != "accepted":
        raise ServiceError(_("Only an accepted application has a result."), field="result")
    application.status, application.result = status, result
    application.updated_at = utcnow()
    db.session.flush()
    return application
