"""Closed vocabularies of people's data: roles, positions, qualification categories."""

from __future__ import annotations

from lms.i18n import _l, _lp

ROLES = {
    "teacher": _l("Teacher"),
    "tutor": _l("Tutor"),
    "staff": _l("Distance-learning centre staff"),
    "admin": _l("Head of service"),
}

#: Positions from the nomenclature of teaching posts (ПП РФ № 225, 21.02.2022), the ones a
#: methodological service works with, plus school leaders.
POSITIONS = {
    "teacher": _lp("position", "Teacher"),
    "primary_teacher": _l("Primary school teacher"),
    "additional_education_teacher": _l("Teacher of additional education"),
    "educational_psychologist": _l("Educational psychologist"),
    "social_pedagogue": _l("Social pedagogue"),
    "speech_therapist": _l("Speech therapist teacher"),
    "special_needs_teacher": _l("Special needs teacher"),
    "teacher_organiser": _l("Teacher-organiser"),
    "librarian_teacher": _l("Teacher-librarian"),
    "tutor": _lp("position", "Tutor"),
    "methodologist": _l("Methodologist"),
    "educator": _l("Educator"),
    "upbringing_adviser": _l("Director's adviser on upbringing"),
    "deputy_head": _l("Deputy head"),
    "head": _l("Head of school"),
}

#: Qualification categories (приказ Минпросвещения № 196, 24.03.2023 added the last two).
CATEGORIES = {
    "none": _l("No category"),
    "conformity": _l("Conformity to the position held"),
    "first": _l("First category"),
    "highest": _l("Highest category"),
    "methodologist": _l("Teacher-methodologist"),
    "mentor": _l("Teacher-mentor"),
}


def label(vocabulary: dict, code: str | None) -> str:
    """The translated label of ``code``, or the code itself when it is not (or no longer) known."""
    if not code:
        return ""
    return str(vocabulary.get(code, code))
