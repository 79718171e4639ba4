"""The community lists' filters: one parser per list, read alike by its page and by its XLSX export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import request, url_for
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from community.choices import (
    APPEAL_STATUSES,
    ASSOCIATION_KINDS,
    EVENT_KINDS,
    LEVELS,
    MATERIAL_KINDS,
    MEETING_STATUSES,
    MENTORING_FORMS,
    PAIR_STATUSES,
    PRACTICE_STATUSES,
    SCHOOL_LEVELS,
    VISIT_KINDS,
)
from community.forms import (
    AppealFilterForm,
    AssociationFilterForm,
    EventFilterForm,
    LibraryFilterForm,
    PairFilterForm,
    PeriodFilterForm,
    PracticeFilterForm,
    VisitFilterForm,
)
from community.forms.library import YEARS
from community.permissions import can_manage
from lms import references
from lms.forms import options
from lms.i18n import _
from lms.users.choices import label
from lms.users.permissions import has_permission


@dataclass
class Chosen:
    """A list's filter as read from the query string: the form to show and the list query's arguments."""

    form: FlaskForm
    values: dict
    notes: list[str] = field(default_factory=list)  # what the list keeps that is not a field of the form

    def describe(self) -> str:
        """The filter in words, for the top of an export: the fields that were set and the notes."""
        parts = []
        for item in self.form:
            if self.values.get(item.name) in (None, "", False):
                continue  # not set, or a value the parser ignores: not part of the filter
            if item.type == "SelectField":
                shown = {str(choice.value): str(choice.label) for choice in item.choices}.get(str(item.data), "")
            elif item.type == "BooleanField":
                shown = _("yes")
            else:
                shown = str(self.values[item.name])
            parts.append(f"{item.label.text}: {shown}")
        parts.extend(self.notes)
        return _("Filter: %(filter)s", filter="; ".join(parts)) if parts else no_filter()


def no_filter() -> str:
    """The export of a list shown whole (and of the lists that have no filter)."""
    return _("Filter: none, the whole registry")


def _known(value, allowed) -> str | None:
    return value if value in allowed else None


def _text(form) -> str | None:
    return (form.q.data or "")[:100] or None


def _year(form) -> int | None:
    year = form.year.data
    return year if isinstance(year, int) and YEARS[0] <= year <= YEARS[1] else None


def associations(args: MultiDict, *, viewer) -> Chosen:
    form = AssociationFilterForm(args)
    return Chosen(form, dict(q=_text(form), kind=_known(form.kind.data, ASSOCIATION_KINDS),
                             level=_known(form.level.data, LEVELS), active_only=not can_manage(viewer)))


def pairs(args: MultiDict) -> Chosen:
    form = PairFilterForm(args)
    return Chosen(form, dict(q=_text(form), form=_known(form.form.data, MENTORING_FORMS),
                             status=_known(form.status.data, PAIR_STATUSES)))


def visits(args: MultiDict) -> Chosen:
    form = VisitFilterForm(args)
    return Chosen(form, dict(q=_text(form), kind=_known(form.kind.data, VISIT_KINDS)))


def appeals(args: MultiDict, *, today: date) -> Chosen:
    form = AppealFilterForm(args)
    return Chosen(form, dict(status=_known(form.status.data, APPEAL_STATUSES), overdue=bool(form.overdue.data),
                             today=today))


def events(args: MultiDict) -> Chosen:
    form = EventFilterForm(args)
    return Chosen(form, dict(kind=_known(form.kind.data, EVENT_KINDS),
                             status=_known(form.status.data, MEETING_STATUSES)))


def period(args: MultiDict) -> Chosen:
    """The contests', work plans' and schools' statuses' filter: a text and a year."""
    form = PeriodFilterForm(args)
    return Chosen(form, dict(q=_text(form), year=_year(form)))


def library(args: MultiDict, subjects: list[tuple[int, str]]) -> Chosen:
    form = LibraryFilterForm(args)
    form.competency.choices = options(references.choices("competency"), blank=_("Any"))
    form.subject_id.choices = options(subjects, blank=_("Any"))
    subject_id = form.subject_id.data if form.subject_id.data in dict(subjects) else None
    return Chosen(form, dict(q=_text(form), competency=references.parse(form.competency.data),
                             kind=_known(form.kind.data, MATERIAL_KINDS), level=_known(form.level.data, SCHOOL_LEVELS),
                             subject_id=subject_id))


def practices(args: MultiDict, *, viewer) -> Chosen:
    """Published practices; those waiting for review instead, for a reviewer who asks for them."""
    form = PracticeFilterForm(args)
    review = args.get("status") == "submitted" and has_permission(viewer, "community.review_practice")
    return Chosen(form, dict(q=_text(form), status="submitted" if review else "published"),
                  notes=[f"{_('Status')}: {label(PRACTICE_STATUSES, 'submitted')}"] if review else [])


def export_url(name: str, **extra) -> str:
    """The export of the list on the page, with the page's filter (not its page number)."""
    args = {key: values for key, values in request.args.to_dict(flat=False).items() if key not in ("page", "name")}
    args.update(extra)
    return url_for("community.export", name=name, **args)
