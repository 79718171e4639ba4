"""The head's analytics from diagnostics and routes: deficits by school × competency (and the points of growth),
growth after repeated diagnostics, and the route funnel; each counts only the teachers the shared filters give."""

from __future__ import annotations

from sqlalchemy import and_, case, distinct, func, select

from assessments.models import Attempt, Competency, CompetencyResult, Route, RouteGoal
from lms.extensions import db
from lms.i18n import _
from lms.orgs.models import School
from lms.reports import charts
from lms.reports.filters import Filters, teachers
from lms.reports.registry import ReportTable
from lms.reports.sql import local_date
from lms.users.models import TeacherProfile


def _finished_in(filters: Filters):
    day = local_date(Attempt.finished_at)
    return and_(Attempt.status == "finished", day >= filters.start, day <= filters.end)


def deficit_map(filters: Filters, viewer, page: int) -> ReportTable:
    """Per school and competency measured: the share of the teachers measured in the period
    (their latest sitting) whose result is a deficit; the last row is every school together."""
    latest = (select(func.max(Attempt.id).label("attempt_id")).where(
        _finished_in(filters), Attempt.user_id.in_(teachers(filters, viewer))).group_by(Attempt.user_id)
        .subquery())
    measured = (select(TeacherProfile.school_id, CompetencyResult.competency_id, func.count().label("n"),
                       func.sum(case((CompetencyResult.deficit.is_(True), 1), else_=0)).label("deficits"))
                .join(Attempt, Attempt.id == CompetencyResult.attempt_id)
                .join(latest, latest.c.attempt_id == Attempt.id)
                .outerjoin(TeacherProfile, TeacherProfile.user_id == Attempt.user_id)
                .group_by(TeacherProfile.school_id, CompetencyResult.competency_id))
    cells = db.session.execute(measured).all()
    competencies = db.session.execute(select(Competency.id, Competency.code).where(
        Competency.id.in_({c.competency_id for c in cells})).order_by(Competency.code, Competency.id)).all()
    schools = dict(db.session.execute(select(School.id, School.short_name).where(
        School.id.in_({c.school_id for c in cells if c.school_id}))).all())
    by_school: dict = {}
    totals: dict[int, list[int]] = {}
    for cell in cells:
        by_school.setdefault(cell.school_id, {})[cell.competency_id] = cell.deficits / cell.n
        total = totals.setdefault(cell.competency_id, [0, 0])
        total[0] += cell.deficits
        total[1] += cell.n
    order = sorted(by_school, key=lambda s: schools.get(s, "") if s else "яяя")
    rows = [(schools.get(s, _("No school")), *[by_school[s].get(c.id) for c in competencies]) for s in order]
    overall = {cid: d / n for cid, (d, n) in totals.items() if n}
    if rows:
        rows.append((_("All schools"), *[overall.get(c.id) for c in competencies]))
    growth = sorted((c for c in competencies if c.id in overall), key=lambda c: -overall[c.id])[:3]
    note = _("Points of growth (the most frequent deficits): %(list)s.", list=", ".join(
        f"{c.code} ({round(overall[c.id] * 100)} %)" for c in growth)) if growth else ""
    return ReportTable([_("School"), *[c.code for c in competencies]], rows, shares=True, note=note)


def deficit_chart(table: ReportTable, fmt: str = "svg") -> bytes:
    return charts.heat_map([r[0] for r in table.rows], table.columns[1:], [list(r[1:]) for r in table.rows], fmt=fmt)


def growth(filters: Filters, viewer, page: int) -> ReportTable:
    """Per school: teachers who took a repeated diagnostic in the period, and the route goals it closed or
    reopened."""
    repeat = and_(Attempt.id == Route.repeat_attempt_id, _finished_in(filters))
    stmt = (select(TeacherProfile.school_id, func.count(distinct(Route.user_id)),
                   func.sum(case((RouteGoal.status == "closed", 1), else_=0)),
                   func.sum(case((RouteGoal.status == "reopened", 1), else_=0)))
            .select_from(Route).join(Attempt, repeat).join(RouteGoal, RouteGoal.route_id == Route.id)
            .outerjoin(TeacherProfile, TeacherProfile.user_id == Route.user_id)
            .where(Route.user_id.in_(teachers(filters, viewer)), RouteGoal.gap.is_(False))
            .group_by(TeacherProfile.school_id))
    found = db.session.execute(stmt).all()
    names = dict(db.session.execute(select(School.id, School.short_name).where(
        School.id.in_({r[0] for r in found if r[0]}))).all())
    rows = sorted(((names.get(s, _("No school")), int(n), int(closed or 0), int(reopened or 0))
                   for s, n, closed, reopened in found), key=lambda r: r[0])
    return ReportTable([_("School"), _("Teachers re-diagnosed"), _("Deficits closed"), _("Deficits still open")],
                       rows, note=_("A deficit counts as closed when the repeated diagnostic measures it at or above "
                                    "the target level beyond measurement error."))


def route_funnel(filters: Filters, viewer, page: int) -> ReportTable:
    """Teachers diagnosed in the period → with a deficit → with a route → approved → completed."""
    who = teachers(filters, viewer)
    diagnosed = select(Attempt.user_id).where(_finished_in(filters), Attempt.user_id.in_(who))
    deficit = (select(Attempt.user_id).join(CompetencyResult, CompetencyResult.attempt_id == Attempt.id)
               .where(_finished_in(filters), Attempt.user_id.in_(who), CompetencyResult.deficit.is_(True)))
    routed = select(Route.user_id).where(Route.user_id.in_(deficit))
    stages = [(_("Took a diagnostic"), diagnosed), (_("Have a deficit"), deficit), (_("Have a route"), routed),
              (_("Route approved"), routed.where(Route.approved_at.is_not(None))),
              (_("Route completed"), routed.where(Route.status == "completed"))]
    counts = db.session.execute(select(*[select(func.count(distinct(s.subquery().c.user_id))).scalar_subquery()
                                         for _label, s in stages])).one()
    first = counts[0] or 0
    rows = [(label, int(n), f"{round(100 * n / first)} %" if first else "—")
            for (label, _s), n in zip(stages, counts, strict=True)]
    return ReportTable([_("Stage"), _("Teachers"), _("Share of those diagnosed")], rows)


def funnel_chart(table: ReportTable, fmt: str = "svg") -> bytes:
    return charts.horizontal_bars([r[0] for r in table.rows], [r[1] for r in table.rows], fmt=fmt)
