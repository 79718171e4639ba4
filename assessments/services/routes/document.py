"""The ИОМ document's content from a route: the header from the teacher's profile, the diagnostic results,
goals, the plan, the totals and the repeated diagnostic, as the plain data the renderers take."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select

from assessments.choices import ACTIVITY_FORMS, RESULT_FORMS, ROUTE_STATUSES
from assessments.documents.data import (
    GroupRouteRow,
    PlanRow,
    RepeatRow,
    ResultRow,
    RouteDocument,
    TaskRow,
    Totals,
)
from assessments.models import CompetencyResult, FrameworkLevel, Route
from assessments.services.routes.progress import progress
from lms.extensions import db
from lms.i18n import _, format_date, local_date
from lms.users import choices
from lms.users.queries import head_of_service
from lms.users.relations import people_around


def route_document(route: Route, today: date) -> RouteDocument:
    teacher, profile = route.user, route.user.profile
    figures = progress(route, today)
    results = _results(route.attempt_id) if route.attempt_id else []
    names = dict(db.session.execute(select(FrameworkLevel.number, FrameworkLevel.name).where(
        FrameworkLevel.framework_id == route.framework_id)).all())
    goals = {g.competency_id: g for g in route.goals}
    code = {g.competency_id: f"{g.competency.code} {g.competency.title}" for g in route.goals}
    result_rows = tuple(ResultRow(
        code=r.competency.code, competency=r.competency.title, level=r.level, level_name=str(names.get(r.level, "")),
        target=r.target_level, deficit=r.deficit, p_deficit=r.p_deficit, self_level=r.self_level,
        evidence=_("measured, %(n)d questions", n=r.n_items) if r.n_items else _("self-assessment only"))
        for r in results)
    plan = []
    for number, step in enumerate((s for s in route.steps if s.status != "dropped"), start=1):
        closes = [goals[c] for c in step.closes or [] if c in goals]
        plan.append(PlanRow(
            number=number, deficit="; ".join(code[g.competency_id] for g in closes) or _("prerequisite"),
            task="; ".join(g.task for g in closes), content=step.title,
            form=str(ACTIVITY_FORMS.get(step.form, step.form)),
            organiser=step.organiser, hours=step.hours, start=step.starts_on, end=step.ends_on,
            result_form=str(RESULT_FORMS.get(step.result_form, step.result_form)), mark=_mark(step, figures)))
    by_form: dict[str, float] = defaultdict(float)
    for row in plan:
        by_form[row.form] += row.hours
    closure_text = {"open": _("in progress"), "ready": _("steps done, repeated diagnostic due"),
                    "closed": _("deficit closed"), "reopened": _("deficit not closed"),
                    "uncovered": _("no step of the plan closes it")}
    totals = Totals(hours=figures.hours, hours_by_form=tuple(sorted(by_form.items())), weeks=figures.weeks,
                    pace=figures.planned_pace, actual_pace=figures.actual_pace, done_share=figures.share,
                    on_time_share=figures.on_time_share,
                    closure=tuple((code[c], str(closure_text[s])) for c, s in figures.closure.items()))
    repeat = None
    if route.repeat_attempt_id:
        after = {r.competency_id: r for r in _results(route.repeat_attempt_id)}
        before = {r.competency_id: r for r in results}
        repeat = tuple(RepeatRow(
            code=g.competency.code, competency=g.competency.title, before=g.level, after=after[c].level,
            delta=after[c].estimate - before[c].estimate if c in before else 0.0,
            beyond_error=after[c].change_since(before[c])[1] if c in before else False, closed=g.status == "closed")
            for c, g in goals.items() if c in after)
    attempt = route.attempt
    return RouteDocument(
        teacher=teacher.full_name, position=choices.label(choices.POSITIONS, profile.position) if profile else "",
        subjects=", ".join(s.name for s in profile.subjects) if profile else "",
        school=profile.school.name if profile and profile.school else "",
        municipality=profile.school.municipality.name if profile and profile.school else "",
        experience_years=profile.experience_on(today) if profile else None,
        category=choices.label(choices.CATEGORIES, profile.qualification_category) if profile else "",
        tutor=route.tutor.full_name if route.tutor else None,
        mentor=", ".join(m.full_name for m in people_around(teacher.id, "mentor", route.period_start,
                                                             route.period_end)) or None,
        period_start=route.period_start,
        period_end=route.period_end, status=str(ROUTE_STATUSES[route.status]),
        diagnostic_date=local_date(attempt.finished_at if attempt and attempt.finished_at else route.created_at),
        diagnostic_instrument=attempt.diagnostic.title if attempt else _("the tutor's selection of competencies"),
        results=result_rows,
        strengths=tuple(f"{r.competency.code} {r.competency.title}" for r in results
                        if not r.deficit and r.level > r.target_level),
        goal=route.goal, tasks=tuple(TaskRow(code[g.competency_id], g.task) for g in route.goals),
        plan=tuple(plan), totals=totals, repeat=repeat,
        repeat_date=local_date(route.repeat_attempt.finished_at) if route.repeat_attempt else None,
        conclusion=route.conclusion, approved_by=route.approved_by.full_name if route.approved_by else None,
        approved_on=local_date(route.approved_at), generated_on=today, head=head_of_service())


def _results(attempt_id: int) -> list[CompetencyResult]:
    return sorted(db.session.scalars(select(CompetencyResult).where(CompetencyResult.attempt_id == attempt_id)),
                  key=lambda r: r.competency.code)


def _mark(step, figures) -> str:
    if step.status == "done":
        when = format_date(step.done_at)
        return _("done %(date)s", date=when) + (f": {step.evidence}" if step.evidence else "")
    if step in figures.overdue:
        return _("overdue")
    return {"booked": _("booked"), "waiting": _("on the waiting list")}.get(step.status, "")


def group_rows(routes: list[Route], today: date) -> list[GroupRouteRow]:
    rows = []
    for route in routes:
        figures = progress(route, today)
        profile = route.user.profile
        rows.append(GroupRouteRow(
            teacher=route.user.full_name, school=profile.school.name if profile and profile.school else "",
            tutor=route.tutor.full_name if route.tutor else None, status=str(ROUTE_STATUSES[route.status]),
            period_start=route.period_start, period_end=route.period_end, deficits=len(route.goals),
            steps=figures.steps, done=figures.done, overdue=len(figures.overdue), hours=figures.hours,
            hours_done=figures.hours_done, last_activity=local_date(route.last_activity_at),
            closed_deficits=sum(g.status == "closed" for g in route.goals)))
    return rows
