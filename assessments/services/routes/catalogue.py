"""The route catalogue: staff say what each activity covers, for how many hours, after which others."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from sqlalchemy import select

from assessments.choices import ACTIVITY_FORMS, ACTIVITY_KINDS, DELIVERY, RESULT_FORMS
from assessments.models import Activity, ActivityCoverage, Competency, Framework
from lms import references
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version
from lms.models.sql import valid_id

#: Module forms of courses → the ИОМ form of the route step.
MODULE_FORM = {"seminar": "seminar", "practicum": "practicum", "master_class": "master_class", "lecture": "lecture",
               "webinar": "webinar", "self_study": "self_study", "internship": "internship"}


@dataclass
class ActivityData:
    kind: str
    title: str
    hours: float
    form: str
    delivery: str = "online"
    description: str = ""
    organiser: str = ""
    #: A registered organiser as its choice value (``school_status:12``, see ``lms.references``); "" for none.
    organiser_ref: str = ""
    result_form: str = "certificate"
    url: Optional[str] = None
    module_id: Optional[int] = None
    session_id: Optional[int] = None
    tutor_id: Optional[int] = None
    starts_on: Optional[date] = None
    ends_on: Optional[date] = None
    capacity: Optional[int] = None
    active: bool = True
    #: competency id → the level the activity brings a teacher up to.
    coverage: dict[int, int] = field(default_factory=dict)
    prerequisite_ids: list[int] = field(default_factory=list)
    lti_tool_id: Optional[int] = None
    lti_target_link_uri: Optional[str] = None
    lti_custom: dict[str, str] = field(default_factory=dict)
    lti_pass_percent: int = 100


def parse_coverage(text: str, framework: Framework) -> dict[int, int]:
    """«D1.1 4» per line (code, then the level reached) into {competency id: level}."""
    by_code = {c.code: c for c in db.session.scalars(select(Competency).where(Competency.framework_id == framework.id))}
    coverage: dict[int, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = re.fullmatch(r"\s*(\S+)\s*[—\-:]?\s*([1-6])\s*", line)
        if match is None or match.group(1) not in by_code:
            raise ServiceError(_("Line %(n)d of the coverage: write a competency code and the level reached "
                                 "(1 to 6), e.g. «D1.1 4».", n=number), field="coverage")
        coverage[by_code[match.group(1)].id] = int(match.group(2))
    if not coverage:
        raise ServiceError(_("Say which competency the activity develops, and up to which level."), field="coverage")
    return coverage


def coverage_text(activity: Activity) -> str:
    return "\n".join(f"{row.competency.code} {row.level}" for row in activity.coverage)


def save_activity(activity: Optional[Activity], data: ActivityData, *, version: int | None) -> Activity:
    """Create or change an activity with its coverage and prerequisites.

    :raises ConflictError: someone else saved it since the form was opened.
    :raises ServiceError: an unknown vocabulary value, a module/session activity without its row, dates in the
        wrong order, hours out of range, or prerequisites that would go round in a circle.
    """
    check_version(activity, version, _("Someone else changed this activity while you were editing it, so your "
                                       "changes were not saved. Check the current data; saving this form again will "
                                       "replace it."))
    for value, vocabulary, name in ((data.kind, ACTIVITY_KINDS, "kind"), (data.form, ACTIVITY_FORMS, "form"),
                                    (data.delivery, DELIVERY, "delivery"),
                                    (data.result_form, RESULT_FORMS, "result_form")):
        if value not in vocabulary:
            raise ServiceError(_("Choose a value from the list."), field=name)
    if not data.title.strip():
        raise ServiceError(_("Give the activity a title."), field="title")
    if not 0 < data.hours <= 1000:
        raise ServiceError(_("Hours must be between 0 and 1000."), field="hours")
    if (data.kind == "module") != (data.module_id is not None):
        raise ServiceError(_("A programme module activity names its module, and only it does."), field="module_id")
    if (data.kind == "session") != (data.session_id is not None):
        raise ServiceError(_("A scheduled session activity names its session, and only it does."),
                           field="session_id")
    if (data.starts_on is None) != (data.ends_on is None) or (data.starts_on and data.starts_on > data.ends_on):
        raise ServiceError(_("Give both dates, the first not after the second, or neither."), field="starts_on")
    if any(not 1 <= level <= 6 for level in data.coverage.values()) or not data.coverage:
        raise ServiceError(_("Say which competency the activity develops, and up to which level."), field="coverage")
    from courses import api as courses_api

    if data.module_id is not None and (valid_id(data.module_id) is None or courses_api.get_module(data.module_id)
                                       is None):
        raise ServiceError(_("There is no such programme module."), field="module_id")
    if data.session_id is not None and (valid_id(data.session_id) is None or not courses_api.session_exists(
            data.session_id)):
        raise ServiceError(_("There is no scheduled session with this number."), field="session_id")
    if data.capacity is not None and not 1 <= data.capacity <= 10000:
        raise ServiceError(_("Between 1 and 10 000 places."), field="capacity")
    clash = db.session.scalar(select(Activity.id).where(
        (Activity.module_id == data.module_id) if data.module_id else (Activity.session_id == data.session_id)
    )) if (data.module_id or data.session_id) else None
    if clash is not None and (activity is None or clash != activity.id):
        raise ServiceError(_("This module or session already has its activity in the catalogue."), field="module_id")
    if data.lti_tool_id is not None:
        from lms.lti.models import LtiTool

        if data.kind != "external":
            raise ServiceError(_("Only an external module can be an LTI link."), field="lti_tool_id")
        if valid_id(data.lti_tool_id) is None or db.session.get(LtiTool, data.lti_tool_id) is None:
            raise ServiceError(_("There is no such LTI tool."), field="lti_tool_id")
    if not 1 <= data.lti_pass_percent <= 100:
        raise ServiceError(_("The pass mark is between 1 and 100 %."), field="lti_pass_percent")
    organiser, ref = data.organiser.strip(), references.parse(data.organiser_ref) if data.organiser_ref else None
    if data.organiser_ref:
        # The title as of the choice goes into ``organiser``, which route steps and the ИОМ document copy.
        organiser = references.title_of("organiser", *ref) if ref else None
        if organiser is None:
            raise ServiceError(_("There is no such organiser; choose one from the list."), field="organiser_ref")
    prerequisites = list(db.session.scalars(select(Activity).where(Activity.id.in_(data.prerequisite_ids))))
    if len(prerequisites) != len(set(data.prerequisite_ids)):
        raise ServiceError(_("An activity named as a prerequisite does not exist."), field="prerequisite_ids")
    if activity is None:
        activity = Activity(kind=data.kind, title="", hours=data.hours, form=data.form)
        db.session.add(activity)
    if activity.id is not None:
        cycle = _cycle_through(activity.id, {p.id for p in prerequisites})
        if cycle:
            raise ServiceError(_("These prerequisites would go round in a circle: %(chain)s.", chain=" → ".join(
                cycle)), field="prerequisite_ids")
    activity.organiser = organiser[:200]
    activity.organiser_kind, activity.organiser_id = ref or (None, None)
    for name in ("kind", "description", "hours", "form", "delivery", "result_form", "url", "module_id",
                 "session_id", "tutor_id", "starts_on", "ends_on", "capacity", "active", "lti_tool_id",
                 "lti_target_link_uri", "lti_custom", "lti_pass_percent"):
        setattr(activity, name, getattr(data, name))
    activity.title = data.title.strip()
    activity.prerequisites = prerequisites
    stored = {row.competency_id: row for row in activity.coverage}
    activity.coverage = [stored.get(cid) or ActivityCoverage(competency_id=cid, level=level)
                         for cid, level in sorted(data.coverage.items())]
    for row in activity.coverage:
        row.level = data.coverage[row.competency_id]
    db.session.flush()
    return activity


def _cycle_through(activity_id: int, required: set[int]) -> list[str]:
    """The titles along a path from any of ``required`` back to the activity, if one exists."""
    from assessments.models import activity_prerequisite

    edges: dict[int, list[int]] = {}
    for source, target in db.session.execute(select(activity_prerequisite.c.activity_id,
                                                    activity_prerequisite.c.required_id)):
        if source != activity_id:
            edges.setdefault(source, []).append(target)
    edges[activity_id] = sorted(required)
    path: list[int] = []
    seen: set[int] = set()

    def visit(node: int) -> bool:
        if node == activity_id and path:
            return True
        if node in seen:
            return False
        seen.add(node)
        path.append(node)
        if any(visit(nxt) for nxt in edges.get(node, [])):
            return True
        path.pop()
        return False

    if not visit(activity_id):
        return []
    titles = dict(db.session.execute(select(Activity.id, Activity.title).where(Activity.id.in_(path))).all())
    return [titles.get(n, str(n)) for n in path] + [titles.get(activity_id, "")]


def from_module(module, coverage: dict[int, int]) -> Activity:
    """The catalogue entry of a courses module, its hours, form and delivery copied from the module."""
    return save_activity(None, ActivityData(
        kind="module", title=module.title, hours=float(module.hours), form=MODULE_FORM.get(module.form, "course"),
        delivery=module.delivery, organiser=module.programme.title, result_form="certificate", module_id=module.id,
        coverage=coverage), version=None)
