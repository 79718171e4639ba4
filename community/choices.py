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

#: Teaching experience, in whole years, up to which a teacher counts as a young specialist.
YOUNG_SPECIALIST_YEARS = 3


def check_constraint(column: str, vocabulary) -> str:
    """SQL for a CHECK constraint keeping ``column`` inside ``vocabulary``."""
    return f"{column} IN (" + ", ".join(f"'{code}'" for code in vocabulary) + ")"
