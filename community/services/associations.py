"""Associations and their work: the service's own details beside the core's directory, members, meetings
with attendance, minutes and decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage

from community.choices import ASSOCIATION_KINDS, MEETING_STATUSES, TEMPORARY_KINDS
from community.models import AssociationDetails, Meeting, MeetingAttendance, Membership
from community.services import changed
from lms import storage
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, local_today
from lms.models.mixins import check_version, utcnow
from lms.orgs import services as orgs
from lms.orgs.models import MethodAssociation
from lms.users.models import User

#: Where minutes files are kept (lms.storage area).
MINUTES_AREA = "community-minutes"


@dataclass
class AssociationData:
    municipality_id: int
    school_id: Optional[int]
    name: str
    kind: str
    leader_id: Optional[int]
    starts_on: Optional[date]
    ends_on: Optional[date]
    theme: str
    is_active: bool = True


def save_association(details: Optional[AssociationDetails], *, version: int | None,
                     data: AssociationData) -> AssociationDetails:
    """Create (``details`` None) or update an association opened at ``version``: the core's directory row
    (name, municipality, school) through :mod:`lms.orgs.services`, and the service's details beside it.

    :raises ConflictError: changed since the form was opened.
    :raises ServiceError: unknown kind or leader, a temporary group without its period, a period ending
        before it starts, or what the directory refuses (duplicate name, school elsewhere).
    """
    check_version(details, version, changed())
    if data.kind not in ASSOCIATION_KINDS:
        raise ServiceError(_("Unknown kind of association."), field="kind")
    if data.kind in TEMPORARY_KINDS and (data.starts_on is None or data.ends_on is None):
        raise ServiceError(_("A temporary group works for a period: give its start and end."), field="ends_on")
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise ServiceError(_("The period ends before it starts."), field="ends_on")
    if data.leader_id is not None:
        leader = db.session.get(User, data.leader_id)
        if leader is None or not leader.active:
            raise ServiceError(_("Unknown leader."), field="leader_id")
    core = details.association if details is not None else None
    core = orgs.save_association(core, version=core.version if core else None,
                                 municipality_id=data.municipality_id, school_id=data.school_id, name=data.name,
                                 is_active=data.is_active)
    if details is None:
        details = AssociationDetails(association_id=core.id)
        db.session.add(details)
    details.kind, details.leader_id, details.theme = data.kind, data.leader_id, data.theme
    details.starts_on, details.ends_on = data.starts_on, data.ends_on
    # Touched on every save, so an edit of the directory's fields alone still moves the version a second
    # tab's form was opened on.
    details.updated_at = utcnow()
    db.session.flush()
    if data.leader_id is not None:
        add_member(core, db.session.get(User, data.leader_id), today=local_today())
    return details


def ensure_details(association: MethodAssociation) -> AssociationDetails:
    """The details of a directory association created by the core's pages: a standing МО until edited."""
    details = db.session.get(AssociationDetails, association.id)
    if details is None:
        details = AssociationDetails(association_id=association.id, kind="mo", theme="")
        db.session.add(details)
        db.session.flush()
    return details


def add_member(association: MethodAssociation, user: User, *, today: date) -> Membership:
    """Add a teacher (idempotent: an existing member keeps their date)."""
    if user is None or not user.active:
        raise ServiceError(_("Unknown person."), field="user_id")
    existing = db.session.scalar(select(Membership).where(Membership.association_id == association.id,
                                                          Membership.user_id == user.id))
    if existing is not None:
        return existing
    membership = Membership(association_id=association.id, user_id=user.id, joined_on=today)
    db.session.add(membership)
    db.session.flush()
    return membership


def join(details: AssociationDetails, user: User, *, today: date) -> Membership:
    """A teacher joins on their own: only an active association whose period has not ended."""
    association = details.association
    if not association.is_active or (details.ends_on is not None and details.ends_on < today):
        raise ServiceError(_("This association no longer takes members."))
    return add_member(association, user, today=today)


def remove_member(association: MethodAssociation, user_id: int) -> bool:
    """Take a person out; the meetings they attended keep their attendance."""
    result = db.session.execute(delete(Membership).where(Membership.association_id == association.id,
                                                         Membership.user_id == user_id))
    return bool(result.rowcount)


@dataclass
class MeetingData:
    held_on: date
    topic: str
    place: str
    agenda: str
    status: str
    minutes: str
    decisions: str
    attendee_ids: list[int]


def save_meeting(association: MethodAssociation, meeting: Optional[Meeting], *, version: int | None,
                 data: MeetingData, today: date, upload: FileStorage | None = None) -> Meeting:
    """Plan or record a meeting opened at ``version``; attendance is kept only for a held meeting.

    :raises ServiceError: a meeting in the future marked held, attendance of a meeting not held, an attendee
        who is not a member (nor already on the sheet), an unknown status, or a minutes file storage refuses.
    """
    check_version(meeting, version, changed())
    if data.status not in MEETING_STATUSES:
        raise ServiceError(_("Unknown status."), field="status")
    if data.status == "held" and data.held_on > today:
        raise ServiceError(_("A meeting in the future cannot be marked as held."), field="held_on")
    if data.status != "held" and data.attendee_ids:
        raise ServiceError(_("Attendance is marked only for a held meeting."), field="attendee_ids")
    allowed = set(db.session.scalars(select(Membership.user_id).where(Membership.association_id == association.id)))
    if meeting is not None:
        allowed |= {a.user_id for a in meeting.attendance}
    if set(data.attendee_ids) - allowed:
        raise ServiceError(_("Only the association's members can be marked present."), field="attendee_ids")
    stored = _store_minutes(upload)
    if meeting is None:
        meeting = Meeting(association_id=association.id)
        db.session.add(meeting)
    meeting.held_on, meeting.topic, meeting.place, meeting.agenda = data.held_on, data.topic, data.place, data.agenda
    meeting.status, meeting.minutes, meeting.decisions = data.status, data.minutes, data.decisions
    if stored is not None:
        meeting.minutes_file_key, meeting.minutes_file_name = stored.key, stored.original_name
    wanted = set(data.attendee_ids)
    meeting.attendance = [a for a in meeting.attendance if a.user_id in wanted] + [
        MeetingAttendance(user_id=user_id) for user_id in sorted(wanted - {a.user_id for a in meeting.attendance})]
    meeting.updated_at = utcnow()  # a change of the sheet alone is an edit of the meeting too
    db.session.flush()
    return meeting


def _store_minutes(upload: FileStorage | None):
    """The one call of lms.storage for minutes files."""
    if upload is None or not upload.filename:
        return None
    return storage.store(upload, MINUTES_AREA)
