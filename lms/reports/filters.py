"""The filters every report shares: the period (academic year, quarter, month or custom dates) and who is
counted (municipality, school, association, subject, position, and what plugins add: programme, tutor), plus
the scope each role may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy import Select, select

from lms.i18n import _, _l, local_today
from lms.models.sql import parse_id
from lms.orgs.models import MethodAssociation, Municipality, School
from lms.registries import register, registered
from lms.users.models import TeacherProfile, User, UserRole, teacher_subject
from lms.users.permissions import has_permission

#: The longest custom period: ten academic years (a longer one is refused, not computed).
MAX_DAYS = 3660
PERIOD_KINDS = {"year": _l("Academic year"), "quarter": _l("Quarter"), "month": _l("Month"),
                "custom": _l("Dates")}


@dataclass(frozen=True)
class TeacherFilter:
    """A filter on who is counted that a plugin adds (the programme a teacher studies, their tutor).

    :param choices: (id, label) pairs for the select, in display order.
    :param teachers: the ids of the teachers matching one chosen id, as a ``Select``.
    """

    key: str
    label: object
    choices: Callable[[], list[tuple[int, str]]]
    teachers: Callable[[int], Select]


def register_teacher_filter(app: Flask, teacher_filter: TeacherFilter) -> None:
    register(app, "lms.teacher_filters", teacher_filter.key, teacher_filter, "Teacher filter")


def register_scope(app: Flask, scope: Callable[[User], Select | None]) -> None:
    """A plugin's answer to «which teachers may this person see in reports» (a tutor: those they support);
    None means the plugin has no say for this person. The answers of all plugins are joined."""
    app.extensions.setdefault("lms.report_scopes", []).append(scope)


def plugin_filters() -> dict[str, TeacherFilter]:
    return registered("lms.teacher_filters")


def academic_year(day: date) -> tuple[date, date]:
    start = date(day.year if day.month >= 9 else day.year - 1, 9, 1)
    return start, date(start.year + 1, 8, 31)


@dataclass
class Filters:
    """What a report counts, read from the query string; ``error`` says what was refused (the report then shows
    an empty state with that sentence, never a 500)."""

    start: date
    end: date
    period: str = "year"
    values: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    def args(self) -> dict:
        """The query-string values that reproduce these filters (for links, exports, the drill-down)."""
        result = {"period": self.period, "from": self.start.strftime("%d.%m.%Y"),
                  "to": self.end.strftime("%d.%m.%Y")}
        result.update({k: str(v) for k, v in self.values.items()})
        return result


CORE_KEYS = ("municipality", "school", "association", "subject", "position")


def parse(args, today: date | None = None) -> Filters:
    """Filters from a query string: ``period`` (year, quarter, month, custom) with ``from`` / ``to`` dates
    (ДД.ММ.ГГГГ) for a custom one or the day a year, quarter or month contains; the id filters by name.
    An unknown id matches nobody; a reversed or too long custom period is refused with a sentence."""
    today = today or local_today()
    period = args.get("period") if args.get("period") in PERIOD_KINDS else "year"
    anchor = _date(args.get("from")) or today
    error = None
    if period == "year":
        start, end = academic_year(anchor)
    elif period == "quarter":
        first_month = 3 * ((anchor.month - 1) // 3) + 1
        start = date(anchor.year, first_month, 1)
        end = _month_end(date(anchor.year, first_month + 2, 1))
    elif period == "month":
        start, end = anchor.replace(day=1), _month_end(anchor)
    else:
        start, end = _date(args.get("from")), _date(args.get("to"))
        if start is None or end is None:
            error = _("Give both dates of the period as DD.MM.YYYY.")
            start, end = academic_year(today)
        elif start > end:
            error = _("The period ends before it starts: swap the dates.")
        elif (end - start).days > MAX_DAYS:
            error = _("The period is longer than ten years: choose a shorter one.")
    values = {}
    for key in (*CORE_KEYS, *plugin_filters()):
        raw = args.get(key)
        if raw in (None, ""):
            continue
        if key == "position":
            from lms.users.choices import POSITIONS

            if raw in POSITIONS:
                values[key] = raw
            continue
        try:
            values[key] = parse_id(raw)
        except ValueError:
            values[key] = -1  # not an id at all: it matches nobody, and the empty state says so
    return Filters(start=start, end=end, period=period, values=values, error=error)


def refuse_unknown(chosen: Filters, options: dict[str, list[tuple]]) -> Filters:
    """An id that is not among the viewer's options (a deleted school, a hand-edited link) is refused with a
    sentence: otherwise the select would show «All» beside counts of nobody."""
    if chosen.error:
        return chosen
    for key, value in chosen.values.items():
        if key in options and str(value) not in {str(ident) for ident, _text in options[key]}:
            chosen.error = _("The value chosen for «%(filter)s» is not on the list: choose one from it or «All».",
                             filter=labels()[key])
            break
    return chosen


def _date(value: str | None) -> date | None:
    from datetime import datetime

    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime((value or "").strip(), pattern).date()
        except ValueError:
            continue
        return parsed if 2000 <= parsed.year <= 2100 else None
    return None


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def teachers(filters: Filters, viewer: User) -> Select:
    """The ids of the teachers the report counts: those the viewer may see, narrowed by the filters."""
    stmt = (select(User.id).join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == "teacher"))
            .outerjoin(TeacherProfile, TeacherProfile.user_id == User.id))
    v = filters.values
    if "school" in v:
        stmt = stmt.where(TeacherProfile.school_id == v["school"])
    if "municipality" in v:
        stmt = stmt.where(TeacherProfile.school_id.in_(select(School.id).where(
            School.municipality_id == v["municipality"])))
    if "association" in v:
        stmt = stmt.where(TeacherProfile.association_id == v["association"])
    if "position" in v:
        stmt = stmt.where(TeacherProfile.position == v["position"])
    if "subject" in v:
        stmt = stmt.where(User.id.in_(select(teacher_subject.c.profile_id).where(
            teacher_subject.c.subject_id == v["subject"])))
    for key, plugin_filter in plugin_filters().items():
        if key in v:
            stmt = stmt.where(User.id.in_(plugin_filter.teachers(v[key])))
    return _scoped(stmt, viewer)


def _scoped(stmt: Select, viewer: User) -> Select:
    """The head of the service sees everyone; staff their municipality (all, when their profile names none);
    anyone else (a tutor) the teachers a plugin says they may see; otherwise nobody."""
    if has_permission(viewer, "reports.all"):
        return stmt
    if has_permission(viewer, "reports.view"):
        municipality = viewer_municipality(viewer)
        if municipality is None:
            return stmt
        return stmt.where(TeacherProfile.school_id.in_(select(School.id).where(
            School.municipality_id == municipality)))
    scopes = [scope(viewer) for scope in current_app.extensions.get("lms.report_scopes", [])]
    scopes = [s for s in scopes if s is not None]
    if not scopes:
        return stmt.where(False)
    from sqlalchemy import or_

    return stmt.where(or_(*[User.id.in_(s) for s in scopes]))


def viewer_municipality(viewer: User) -> int | None:
    profile = viewer.profile
    return profile.school.municipality_id if profile is not None and profile.school is not None else None


def choices(viewer: User) -> dict[str, list[tuple]]:
    """The options of every filter select, within what the viewer may see."""
    from lms.extensions import db
    from lms.users.choices import POSITIONS
    from lms.users.models import Subject

    municipality = None if has_permission(viewer, "reports.all") else viewer_municipality(viewer)
    schools = select(School.id, School.short_name).where(School.is_active.is_(True)).order_by(School.short_name)
    associations = select(MethodAssociation.id, MethodAssociation.name).order_by(MethodAssociation.name)
    municipalities = select(Municipality.id, Municipality.name).order_by(Municipality.name)
    if municipality is not None:
        schools = schools.where(School.municipality_id == municipality)
        associations = associations.where(MethodAssociation.municipality_id == municipality)
        municipalities = municipalities.where(Municipality.id == municipality)
    result = {
        "municipality": db.session.execute(municipalities).all(),
        "school": db.session.execute(schools).all(),
        "association": db.session.execute(associations).all(),
        "subject": db.session.execute(select(Subject.id, Subject.name).order_by(Subject.name)).all(),
        "position": [(code, str(text)) for code, text in POSITIONS.items()],
    }
    for key, plugin_filter in plugin_filters().items():
        result[key] = plugin_filter.choices()
    return result


def labels() -> dict[str, object]:
    result = {"municipality": _l("Municipality"), "school": _l("School"), "association": _l("Association"),
              "subject": _l("Subject"), "position": _l("Position")}
    result.update({k: f.label for k, f in plugin_filters().items()})
    return result
