"""Imports every model module of the community plugin so the metadata (and Alembic) sees its tables."""

from community.models.associations import AssociationDetails, Meeting, MeetingAttendance, Membership  # noqa: F401
from community.models.library import Material, PlanItem, Practice, SchoolStatus, WorkPlan  # noqa: F401
from community.models.mentoring import MentoringMeeting, MentoringPair  # noqa: F401
from community.models.work import (  # noqa: F401
    Appeal,
    Contest,
    ContestApplication,
    EventParticipant,
    LessonVisit,
    NetworkEvent,
)
