"""Closed vocabularies of the courses plugin: programme statuses, module forms and delivery modes."""

from __future__ import annotations

from lms.i18n import _l

PROGRAMME_STATUSES = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}

#: Forms of work named by the seed regulations and the ИОМ table.
MODULE_FORMS = {
    "seminar": _l("Seminar"),
    "practicum": _l("Practicum"),
    "master_class": _l("Master class"),
    "lecture": _l("Lecture"),
    "webinar": _l("Webinar"),
    "self_study": _l("Self-study"),
    "internship": _l("Internship"),
}

DELIVERY_MODES = {
    "onsite": _l("On site"),
    "online": _l("Online"),
    "blended": _l("Blended"),
}


BOOKING_STATUSES = {
    "booked": _l("Booked"),
    "cancelled": _l("Cancelled"),
    "held": _l("Held"),
    "no_show": _l("Did not take place"),
}

WEEKDAYS = {0: _l("Monday"), 1: _l("Tuesday"), 2: _l("Wednesday"), 3: _l("Thursday"), 4: _l("Friday"),
            5: _l("Saturday"), 6: _l("Sunday")}

#: How a group came to be (seed 000): a teacher's own application, a methodological association's
#: decision, or the administration's decision.
GROUP_SOURCES = {
    "application": _l("Teachers' applications"),
    "association": _l("Decision of a methodological association"),
    "administration": _l("Decision of the administration"),
}

GROUP_STATUSES = {
    "forming": _l("Being formed"),
    "approved": _l("Approved by order"),
    "finished": _l("Finished"),
}

ENROLMENT_STATUSES = {
    "applied": _l("Application"),
    "enrolled": _l("In the group"),
    "waiting": _l("Waiting list"),
    "rejected": _l("Application declined"),
    "withdrawn": _l("Left the group"),
}

ATTENDANCE_STATUSES = {
    "present": _l("Present"),
    "late": _l("Late"),
    "excused": _l("Absent with a good reason"),
    "absent": _l("Absent"),
}

ATTENDANCE_SOURCES = {
    "tutor": _l("Marked by the tutor"),
    "self": _l("Self check-in"),
    "import": _l("Online meeting report"),
}

WORK_STATUSES = {
    "submitted": _l("Waiting for review"),
    "accepted": _l("Accepted"),
    "returned": _l("Returned for rework"),
}

REVIEW_DECISIONS = {
    "accepted": _l("Accepted"),
    "returned": _l("Returned for rework"),
    "corrected": _l("Scores corrected"),
}
