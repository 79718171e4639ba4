"""Closed vocabularies of the community plugin: kinds of association, meeting statuses, mentoring forms."""

from __future__ import annotations

from lms.i18n import _l, _lp

#: Standing associations (МО, РМО) and the temporary groups, which always have a period.
ASSOCIATION_KINDS = {
    "mo": _l("Methodological association (МО)"),
    "rmo": _l("District methodological association (РМО)"),
    "creative": _l("Creative group"),
    "working": _l("Working group"),
    "problem": _l("Problem group"),
    "expert": _l("Expert group"),
    "practice": _l("Community of practice"),
}
TEMPORARY_KINDS = frozenset({"creative", "working", "problem", "expert"})

#: Derived from the core's directory: a school's own association, or a municipal one.
LEVELS = {
    "school": _l("School"),
    "municipal": _l("Municipal"),
}

MEETING_STATUSES = {
    "planned": _lp("meeting", "Planned"),
    "held": _lp("meeting", "Held"),
    "cancelled": _lp("meeting", "Cancelled"),
}

MENTORING_FORMS = {
    "teacher_teacher": _l("Teacher – teacher"),
    "experienced_young": _l("Experienced teacher – young specialist"),
    "peer": _l("Peer mentoring"),
}

PAIR_STATUSES = {
    "active": _lp("pair", "Active"),
    "completed": _lp("pair", "Completed"),
    "ended": _l("Ended early"),
}

VISIT_KINDS = {
    "visit": _l("Lesson visit"),
    "open_lesson": _l("Open lesson"),
}

#: The protocol of a lesson visit: one note per criterion; a service changes the list in its settings
#: (COMMUNITY_VISIT_CRITERIA), and each visit keeps the criteria it was recorded with.
VISIT_CRITERIA = (
    "Цель урока и её достижение",
    "Использование цифровых образовательных ресурсов",
    "Организация деятельности обучающихся",
    "Обратная связь и оценивание",
)

APPEAL_STATUSES = {
    "open": _lp("appeal", "Awaiting an answer"),
    "answered": _lp("appeal", "Answered"),
}
APPEAL_SOURCES = {
    "teacher": _l("Sent by the teacher"),
    "staff": _l("Registered by staff"),
}

EVENT_KINDS = {
    "round_table": _l("Round table"),
    "seminar": _l("Seminar"),
    "master_class": _l("Master class"),
    "conference": _l("Conference"),
    "readings": _l("Pedagogical readings"),
    "network_project": _l("Network project"),
}
ORGANISER_KINDS = {
    "service": _l("The methodological service"),
    "school": _l("A school"),
    "association": _l("An association"),
}
PARTICIPANT_ROLES = {
    "participant": _l("Participant"),
    "speaker": _l("Speaker"),
}

APPLICATION_STATUSES = {
    "submitted": _lp("application", "Submitted"),
    "accepted": _lp("application", "Accepted"),
    "rejected": _lp("application", "Declined"),
}
CONTEST_RESULTS = {
    "participant": _l("Participant"),
    "prize_winner": _l("Prize-winner"),
    "winner": _l("Winner"),
}

PLAN_ITEM_STATUSES = {
    "planned": _lp("plan", "Planned"),
    "done": _lp("plan", "Done"),
    "moved": _lp("plan", "Moved"),
    "cancelled": _lp("plan", "Cancelled"),
}
#: What a plan item may point at where the record exists.
PLAN_LINKS = {
    "programme": _l("Programme"),
    "event": _l("Network event"),
    "contest": _l("Contest"),
    "meeting": _l("Association meeting"),
}

MATERIAL_KINDS = {
    "normative": _l("Normative document"),
    "methodological": _l("Methodological material"),
}
SCHOOL_LEVELS = {
    "preschool": _l("Preschool"),
    "primary": _l("Primary school"),
    "basic": _l("Basic school"),
    "secondary": _l("Secondary school"),
}
PRACTICE_STATUSES = {
    "submitted": _lp("practice", "Under review"),
    "published": _lp("practice", "Published"),
    "returned": _lp("practice", "Returned with a comment"),
}

SCHOOL_STATUS_KINDS = {
    "innovation": _l("Innovation site"),
    "base": _l("Base school"),
    "internship": _l("Internship site"),
}

#: Teaching experience, in whole years, up to which a teacher counts as a young specialist.
YOUNG_SPECIALIST_YEARS = 3
