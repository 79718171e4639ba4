"""Mentoring pairs (one pair at a time per mentee), the pair's plan of meetings and their record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import select

from community.choices import MENTORING_FORMS, PAIR_STATUSES
from community.models import MentoringMeeting, MentoringPair
from community.services import changed
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version, utcnow
from lms.users.models import User


@dataclass
class PairData:
    mentor_id: int
    mentee_id: int
    form: str
    starts_on: date
    ends_on: date
    goals: str
    status: str = "active"
    outcome: str = ""


def overlapping_pair(mentee_id: int, starts_on: date, ends_on: date, *, other_than: int | None = None):
    """The mentee's pair whose period meets ``starts_on``…``ends_on``, if any."""
    stmt = select(MentoringPair).where(MentoringPair.mentee_id == mentee_id, MentoringPair.starts_on <= ends_on,
                                       MentoringPair.ends_on >= starts_on)
    if other_than is not None:
        stmt = stmt.where(MentoringPair.id != other_than)
    return db.session.scalars(stmt.order_by(MentoringPair.starts_on).limit(1)).first()


def save_pair(pair: Optional[MentoringPair], *, version: int | None, data: PairData, today: date) -> MentoringPair:
    """Create or update a pair opened at ``version``.

    A pair ended early runs until the day it ends: its period is cut at ``today``, so it counts in the
    indicators only for the months it ran and leaves the rest of the mentee's year free for a new mentor.

    :raises ServiceError: unknown people, a mentor who is the mentee, a period ending before it starts, an
        unknown form or status, or a period that overlaps another pair of the same mentee.
    """
    check_version(pair, version, changed())
    mentor, mentee = db.session.get(User, data.mentor_id), db.session.get(User, data.mentee_id)
    if mentor is None or not mentor.active:
        raise ServiceError(_("Unknown mentor."), field="mentor_id")
    if mentee is None or not mentee.active or not mentee.has_role("teacher"):
        raise ServiceError(_("The mentee must be a teacher."), field="mentee_id")
    if mentor.id == mentee.id:
        raise ServiceError(_("A teacher cannot be their own mentor."), field="mentor_id")
    if data.form not in MENTORING_FORMS:
        raise ServiceError(_("Unknown form of mentoring."), field="form")
    if data.status not in PAIR_STATUSES:
        raise ServiceError(_("Unknown status."), field="status")
    if data.ends_on < data.starts_on:
        raise ServiceError(_("The period ends before it starts."), field="ends_on")
    ends_on = data.ends_on
    if data.status == "ended" and (pair is None or pair.status != "ended") and data.starts_on <= today < ends_on:
        ends_on = today
    clash = overlapping_pair(mentee.id, data.starts_on, ends_on, other_than=pair.id if pair else None)
    if clash is not None:
        raise ServiceError(_("%(mentee)s already has a mentor for %(start)s – %(end)s (%(mentor)s); the periods "
                             "of one mentee's pairs cannot overlap.", mentee=mentee.full_name,
                             start=f"{clash.starts_on:%d.%m.%Y}", end=f"{clash.ends_on:%d.%m.%Y}",
                             mentor=clash.mentor.full_name), field="starts_on")
    if pair is None:
        pair = MentoringPair()
        db.session.add(pair)
    pair.mentor_id, pair.mentee_id, pair.form = mentor.id, mentee.id, data.form
    pair.starts_on, pair.ends_on, pair.goals = data.starts_on, ends_on, data.goals
    pair.status, pair.outcome = data.status, data.outcome
    pair.updated_at = utcnow()
    db.session.flush()
    return pair


def plan_meeting(pair: MentoringPair, *, planned_on: date, topic: str) -> MentoringMeeting:
    """Add a meeting to the pair's plan; it falls inside the pair's period."""
    if not pair.starts_on <= planned_on <= pair.ends_on:
        raise ServiceError(_("The meeting falls outside the pair's period."), field="planned_on")
    meeting = MentoringMeeting(pair_id=pair.id, planned_on=planned_on, topic=topic)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def record_meeting(meeting: MentoringMeeting, *, held: bool, record: str, today: date) -> MentoringMeeting:
    """Mark a planned meeting held (with what was done) or not held."""
    if held and meeting.planned_on > today:
        raise ServiceError(_("A meeting in the future cannot be marked as held."), field="held")
    meeting.held, meeting.record = held, record
    db.session.flush()
    return meeting
