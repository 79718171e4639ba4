"""What a person's name, phone and subjects may look like: one home for the form and the import."""

from __future__ import annotations

import re

from lms.i18n import _
from lms.spreadsheets import FORMULA_STARTS  # refused at the door too, though exports escape them

NAME_MAX = 100
SUBJECT_MAX = 100
PHONE_RE = re.compile(r"[0-9+()\- ]{5,30}")
_NAME_FORBIDDEN = re.compile(r"[\d<>@;=\x00-\x1f]")


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a surname, first name or patronymic, or None when it can."""
    if len(value) > NAME_MAX:
        return _("Longer than %(n)d characters.", n=NAME_MAX)
    if _NAME_FORBIDDEN.search(value) or value.startswith(FORMULA_STARTS):
        return _("A name cannot contain digits or the signs < > @ ; =")
    return None


def subject_problem(value: str) -> str | None:
    """Why ``value`` cannot be a subject name, or None when it can."""
    if len(value) > SUBJECT_MAX:
        return _("The subject «%(value)s…» is longer than %(n)d characters.", value=value[:30], n=SUBJECT_MAX)
    if value.startswith(FORMULA_STARTS) or any(ord(ch) < 32 for ch in value):
        return _("The subject «%(value)s» starts with a sign or contains control characters.", value=value[:30])
    return None


def phone_problem(value: str) -> str | None:
    if value and not PHONE_RE.fullmatch(value):
        return _("Digits, spaces, + ( ) - only.")
    return None
