"""Read-side queries of the assessments plugin, each with the eager loading its page needs."""

from __future__ import annotations

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from assessments.models import (
    Answer,
    Attempt,
    Competency,
    CompetencyResult,
    Diagnostic,
    DiagnosticAudience,
    Domain,
    Framework,
    FrameworkLevel,
    TargetLevel,
)
from courses import api as courses_api
from lms.extensions import db


def framework_versions() -> list[Framework]:
    return list(db.session.scalars(select(Framework).order_by(Framework.code, Framework.created_at.desc())))


def framework_page(framework_id: int | None) -> Framework | None:
    """A framework version with its levels, domains, competencies, descriptors and mappings (five queries)."""
    query = select(Framework).options(
        selectinload(Framework.levels),
        selectinload(Framework.domains).selectinload(Domain.competencies).options(
            selectinload(Competency.levels), selectinload(Competency.mappings)),
    )
    query = query.where(Framework.id == framework_id) if framework_id else query.where(Framework.current.is_(True))
    return db.session.scalars(query.order_by(Framework.id.desc()).limit(1)).first()


def target_levels(framework_id: int) -> dict[tuple[str, str], int]:
    rows = db.session.execute(select(TargetLevel.position, TargetLevel.category, TargetLevel.level)
                              .where(TargetLevel.framework_id == framework_id))
    return {(position, category): level for position, category, level in rows}


def attempt_progress(attempt: Attempt) -> dict:
    """Answers so far and the most the attempt can still ask, for the progress line."""
    diagnostic = attempt.diagnostic
    k = len(diagnostic.competencies)
    most = k * diagnostic.max_per_competency
    if diagnostic.max_items:
        most = min(most, diagnostic.max_items)
    if diagnostic.self_assessment:
        most += k
    # A count, not the answers themselves: this runs on every page of the attempt.
    answered = db.session.scalar(select(func.count()).select_from(Answer).where(Answer.attempt_id == attempt.id))
    return {"answered": answered, "most": most}


def open_diagnostics(user, today) -> list[Diagnostic]:
    """Diagnostics open today and addressed to ``user`` directly or through a group."""
    groups = courses_api.group_ids_of(user.id, standing=True)
    addressed = select(DiagnosticAudience.diagnostic_id).where(
        or_(DiagnosticAudience.user_id == user.id, DiagnosticAudience.group_id.in_(groups)))
    return list(db.session.scalars(select(Diagnostic).where(
        Diagnostic.status == "open", Diagnostic.opens_on <= today, Diagnostic.closes_on >= today,
        Diagnostic.id.in_(addressed)).order_by(Diagnostic.closes_on, Diagnostic.id)))


def my_attempts(user) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user.id)
                                   .options(selectinload(Attempt.diagnostic))
                                   .order_by(Attempt.started_at.desc())))


def result_page(attempt: Attempt, *, with_answers: bool) -> dict:
    """Everything the results profile shows, loaded in a fixed number of queries."""
    results = list(db.session.scalars(
        select(CompetencyResult).where(CompetencyResult.attempt_id == attempt.id)
        .options(selectinload(CompetencyResult.competency).selectinload(Competency.levels))))
    order = {c.id: n for n, c in enumerate(attempt.diagnostic.competencies)}
    results.sort(key=lambda r: order.get(r.competency_id, 0))
    levels = list(db.session.scalars(select(FrameworkLevel).where(
        FrameworkLevel.framework_id == attempt.diagnostic.framework_id).order_by(FrameworkLevel.number)))
    previous = db.session.scalar(
        select(Attempt).join(Diagnostic, Diagnostic.id == Attempt.diagnostic_id).where(
            Attempt.user_id == attempt.user_id, Attempt.status == "finished", Attempt.id != attempt.id,
            Attempt.finished_at < attempt.finished_at,
            Diagnostic.framework_id == attempt.diagnostic.framework_id)
        .order_by(Attempt.finished_at.desc()).limit(1))
    before = {}
    if previous is not None:
        before = {r.competency_id: r for r in db.session.scalars(
            select(CompetencyResult).where(CompetencyResult.attempt_id == previous.id))}
    answers = []
    if with_answers:
        answers = list(db.session.scalars(select(Answer).where(Answer.attempt_id == attempt.id)
                                          .options(selectinload(Answer.item)).order_by(Answer.position)))
    # A repeat sitting says how many of its questions the teacher had met before (at most a fifth by design).
    repeat = None
    if attempt.seen_items:
        total, again = db.session.execute(select(
            func.count(), func.coalesce(func.sum(case((Answer.item_id.in_(attempt.seen_items), 1), else_=0)), 0))
            .where(Answer.attempt_id == attempt.id, Answer.scored.is_(True))).one()
        repeat = {"again": int(again), "total": int(total)}
    return {"results": results, "levels": levels, "previous": previous, "before": before, "answers": answers,
            "repeat": repeat}


def competency_choices() -> list[tuple[int, str]]:
    """The current framework's competencies, as other plugins tag their records with them (lms.references)."""
    rows = db.session.execute(select(Competency.id, Competency.code, Competency.title)
                              .join(Framework, Framework.id == Competency.framework_id)
                              .where(Framework.current.is_(True)).order_by(Competency.position, Competency.code))
    return [(ident, f"{code} {title}") for ident, code, title in rows]


def competency_titles(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Competency.id, Competency.code, Competency.title).where(Competency.id.in_(ids)))
    return {ident: f"{code} {title}" for ident, code, title in rows}
