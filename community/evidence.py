"""The records of the community plugin that effectiveness indicators are counted from, as the core's evidence
contract wants them: selects of ``teacher_id``, ``occurred_on``, ``kind``, ``ref``.

A ``ref`` names the record; with the teacher it is unique within its kind (several teachers attend one meeting,
each counted once for it)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Select, String, cast, literal, or_, select

from community.models import (
    Appeal,
    ContestApplication,
    EventParticipant,
    LessonVisit,
    Meeting,
    MeetingAttendance,
    MentoringPair,
    NetworkEvent,
)
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
    """A mentor of a pair, in every period the pair runs through."""
    return select(MentoringPair.mentor_id.label("teacher_id"), MentoringPair.starts_on.label("occurred_on"),
                  literal("mentor").label("kind"), _ref("pair:", MentoringPair.id),
                  MentoringPair.ends_on.label("until"))


def mentees() -> Select:
    return select(MentoringPair.mentee_id.label("teacher_id"), MentoringPair.starts_on.label("occurred_on"),
                  literal("mentee").label("kind"), _ref("pair:", MentoringPair.id),
                  MentoringPair.ends_on.label("until"))


def lesson_visits() -> Select:
    """A teacher whose lesson was visited (or who gave an open lesson)."""
    return select(LessonVisit.teacher_id.label("teacher_id"), LessonVisit.visited_on.label("occurred_on"),
                  literal("lesson_visit").label("kind"), _ref("visit:", LessonVisit.id))


def network_events() -> Select:
    """A participant who attended a network event, or one of its speakers (of an event not cancelled)."""
    return (select(EventParticipant.user_id.label("teacher_id"), NetworkEvent.held_on.label("occurred_on"),
                   literal("network_event").label("kind"), _ref("event:", NetworkEvent.id))
            .join(NetworkEvent, NetworkEvent.id == EventParticipant.event_id)
            .where(NetworkEvent.status != "cancelled",
                   or_(EventParticipant.attended.is_(True), EventParticipant.role == "speaker")))


def appeals() -> Select:
    return select(Appeal.teacher_id.label("teacher_id"), Appeal.received_on.label("occurred_on"),
                  literal("appeal").label("kind"), _ref("appeal:", Appeal.id))


def appeals_answered_in_time() -> Select:
    """An appeal answered by its deadline (dated by the answer)."""
    return (select(Appeal.teacher_id.label("teacher_id"), Appeal.answered_on.label("occurred_on"),
                   literal("appeal_in_time").label("kind"), _ref("appeal:", Appeal.id))
            .where(Appeal.status == "answered", Appeal.answered_on.is_not(None), Appeal.answered_on <= Appeal.due_on))


def appeals_upheld() -> Select:
    """A complaint found justified: «no complaints» holds while there are none in the period."""
    return (select(Appeal.teacher_id.label("teacher_id"), Appeal.received_on.label("occurred_on"),
                   literal("appeal_upheld").label("kind"), _ref("appeal:", Appeal.id))
            .where(Appeal.upheld.is_(True)))


def contest_applications() -> Select:
    """An application submitted to a contest (a declined one too: the teacher took part in the contest)."""
    return select(ContestApplication.teacher_id.label("teacher_id"),
                  ContestApplication.submitted_on.label("occurred_on"), literal("contest_application").label("kind"),
                  _ref("application:", ContestApplication.id))


def register(app: Flask) -> None:
    register_evidence(app, Evidence("targeted_support", "mo_meeting", _l("МО meetings attended"), mo_meetings))
    register_evidence(app, Evidence("mentoring", "mentor", _l("Mentors"), mentors, spans=True))
    register_evidence(app, Evidence("mentoring", "mentee", _l("Mentees"), mentees, spans=True))
    register_evidence(app, Evidence("targeted_support", "lesson_visit", _l("Lessons visited"), lesson_visits))
    register_evidence(app, Evidence("network", "network_event", _l("Network events attended or spoken at"),
                                    network_events))
    register_evidence(app, Evidence("appeals", "appeal", _l("Written appeals"), appeals))
    register_evidence(app, Evidence("appeals", "appeal_in_time", _l("Answered in time"), appeals_answered_in_time))
    register_evidence(app, Evidence("appeals", "appeal_upheld", _l("Complaints found justified (none: «no "
                                                                   "complaints»)"), appeals_upheld))
    register_evidence(app, Evidence("contests", "contest_application", _l("Contest applications"),
                                    contest_applications))
