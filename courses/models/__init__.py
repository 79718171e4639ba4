"""Imports every model module of the courses plugin so the metadata (and Alembic) sees its tables."""

from courses.models.assignments import AssignmentTask  # noqa: F401
from courses.models.attendance import AttendanceChange, AttendanceMark  # noqa: F401
from courses.models.cohorts import Enrolment, Group, ModuleAssignment  # noqa: F401
from courses.models.completion import Certificate, ModuleCompletion  # noqa: F401
from courses.models.consultations import ConsultationBooking, ConsultationSlot, OfficeHours  # noqa: F401
from courses.models.programs import (  # noqa: F401
    Lesson,
    LessonFile,
    LessonProgress,
    Module,
    Programme,
    module_prerequisite,
)
from courses.models.schedule import CalendarFeed, Room, ScheduledSession  # noqa: F401
from courses.models.works import Work, WorkReview, WorkRound  # noqa: F401
