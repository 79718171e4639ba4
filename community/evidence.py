"""The records of the community plugin that effectiveness indicators are counted from, as the core's evidence
contract wants them: selects of ``teacher_id``, ``occurred_on``, ``kind``, ``ref``.

A ``ref`` names the record; with the teacher it is unique within its kind (several teachers attend one meeting,
each counted once for it)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Select, String, cast, literal, select

from community.models import Meeting, MeetingAttendance, MentoringPair
from lms.i18n import _l
from lms.reports.indicators import Evidence, register_evidence


def _ref(prefix: str, column):
    return (literal(prefix) + cast(column, String)).label("ref")


def mo_meetings() -> Select:
    """A teacher present at a held association meeting."""
    return (select(MeetingAttendance.user_id.label("teacher_id"), Meeting.held_on.label("occurred_on"),
                   literal("mo_meeting").label("kind"), _ref("meeting:", Meeting.id))
            .join(Meeting, Meeting.id == MeetingAttendance.meeting_id).where(Meeting.status == "held"))


def mentors() -> Select:
    """A mentor of a pair, from the pair's start."""
    return select(MentoringPair.mentor_id.label("teacher_id"), MentoringPair.starts_on.label("occurred_on"),
                  literal("mentor").label("kind"), _ref("pair:", MentoringPair.id))


def mentees() -> Select:
    return select(MentoringPair.mentee_id.label("teacher_id"), MentoringPair.starts_on.label("occurred_on"),
                  literal("mentee").label("kind"), _ref("pair:", MentoringPair.id))


def register(app: Flask) -> None:
    register_evidence(app, Evidence("targeted_support", "mo_meeting", _l("МО meetings attended"), mo_meetings))
    register_evidence(app, Evidence("mentoring", "mentor", _l("Mentors"), mentors))
    register_evidence(app, Evidence("mentoring", "mentee", _l("Mentees"), mentees))
