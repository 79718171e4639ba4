"""Read-side queries of the assessments plugin, each with the eager loading its page needs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import selectinload

from assessments.items import ADAPTIVE_TYPES
from assessments.models import (
    Activity,
    ActivityCoverage,
    Answer,
    Attempt,
    Competency,
    CompetencyResult,
    Diagnostic,
    DiagnosticAudience,
    Domain,
    Framework,
    FrameworkLevel,
    Item,
    ItemParameters,
    Route,
    RouteGoal,
    RouteStep,
    TargetLevel,
    diagnostic_competency,
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


@dataclass(frozen=True)
class AttemptProgress:
    """Where an attempt stands: questions answered, and how many are left at least and at most (the same in a
    fixed form; an adaptive test may stop sooner than ``most`` once it is sure, never before ``least``)."""

    answered: int
    least: int
    most: int

    @property
    def exact(self) -> bool:
        return self.least == self.most

    @property
    def bar_max(self) -> int:
        """The progress bar's end: every question still possible, so the bar never claims more than is done."""
        return max(1, self.answered + self.most)


@cache
def _progress_statement() -> Select:
    """attempt_progress's statement, built once (it runs on every page of an attempt; building it anew cost a
    third of its time): per competency and kind of item, the items offered and the attempt's answers to them."""
    scored = and_(Item.type.in_(ADAPTIVE_TYPES), Item.status == "live", ItemParameters.id.is_not(None))
    pilot = and_(Item.type.in_(ADAPTIVE_TYPES), Item.status == "pilot", ItemParameters.id.is_not(None))
    own = and_(Item.type == "self_assessment", Item.status == "live")
    kind = case((scored, "scored"), (pilot, "pilot"), (own, "self"), else_="other")
    answer = and_(Answer.item_id == Item.id, Answer.attempt_id == bindparam("attempt_id"))
    return (select(Item.competency_id, kind, func.count(Item.id), func.count(Answer.id))
            .outerjoin(ItemParameters, and_(ItemParameters.item_id == Item.id, ItemParameters.current.is_(True)))
            .outerjoin(Answer, answer)
            .where(Item.competency_id.in_(select(diagnostic_competency.c.competency_id).where(
                diagnostic_competency.c.diagnostic_id == bindparam("diagnostic_id"))))
            .group_by(Item.competency_id, kind))


def attempt_progress(attempt: Attempt) -> AttemptProgress:
    """Questions answered and left, from the items the diagnostic can still offer per competency, its limits
    and the answers so far: one statement (it runs on every page of the attempt)."""
    diagnostic = attempt.diagnostic
    rows = db.session.execute(_progress_statement(), {"attempt_id": attempt.id, "diagnostic_id": diagnostic.id})
    counts = {(c, k): (offered, given) for c, k, offered, given in rows}
    answered = sum(given for _offered, given in counts.values())
    least = most = own_left = pilots_left = 0
    scored_given = 0
    for competency in {c for c, _k in counts}:
        offered, given = counts.get((competency, "scored"), (0, 0))
        scored_given += given
        cap = min(diagnostic.max_per_competency, offered)
        most += max(0, cap - given)
        least += max(0, min(diagnostic.min_per_competency, cap) - given)
        if diagnostic.self_assessment:
            offered_own, given_own = counts.get((competency, "self"), (0, 0))
            own_left += 1 if offered_own and not given_own else 0
        if diagnostic.pilot_share > 0:
            offered_pilot, given_pilot = counts.get((competency, "pilot"), (0, 0))
            pilots_left += offered_pilot - given_pilot
    if diagnostic.max_items:
        most = min(most, max(0, diagnostic.max_items - scored_given))
    if diagnostic.mode == "fixed":
        least = most  # a fixed form asks every question of it
    least = min(least, most)
    return AttemptProgress(answered, least + own_left, most + own_left + (pilots_left if diagnostic.mode != "fixed"
                                                                       else 0))


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
    # Competencies whose every scored question was answered right: the measured level is a floor there.
    all_right = {competency for competency, lowest in db.session.execute(
        select(Item.competency_id, func.min(Answer.score)).join(Item, Item.id == Answer.item_id)
        .where(Answer.attempt_id == attempt.id, Answer.scored.is_(True), Answer.score.is_not(None),
               Item.type.in_(ADAPTIVE_TYPES)).group_by(Item.competency_id)) if lowest >= 1}
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
            "all_right": all_right, "repeat": repeat}


def competency_choices() -> list[tuple[int, str]]:
    """The current framework's competencies, as other plugins tag their records with them (lms.references)."""
    rows = db.session.execute(select(Competency.id, Competency.code, Competency.title)
                              .join(Framework, Framework.id == Competency.framework_id)
                              .where(Framework.current.is_(True)).order_by(Competency.position, Competency.code))
    return [(ident, f"{code} {title}") for ident, code, title in rows]


def competency_titles(ids: list[int]) -> dict[int, str]:
    rows = db.session.execute(select(Competency.id, Competency.code, Competency.title).where(Competency.id.in_(ids)))
    return {ident: f"{code} {title}" for ident, code, title in rows}


#: The gap reasons the catalogue itself answers for: nothing reaches the target, only the other delivery form
#: does, or no group, session or time of it falls within the period. (A budget or a tutor's exclusion is the
#: route's own setting, not something the catalogue lacks.)
CATALOGUE_GAPS = ("no_activity", "delivery", "dates")


@dataclass(frozen=True)
class CatalogueGap:
    competency: Competency
    reason: str
    target_level: int
    routes: int


def catalogue_gaps() -> list[CatalogueGap]:
    """Deficits of routes in work that no catalogue activity of their plan closes, for a reason the catalogue
    answers for, by competency, reason and target level (three statements). A deficit nothing reached when it
    was planned, but an active activity reaches now, is no longer a gap: planning the route again closes it."""
    rows = db.session.execute(
        select(RouteGoal.route_id, RouteGoal.competency_id, RouteGoal.gap_reason, RouteGoal.target_level, Competency)
        .join(Route, Route.id == RouteGoal.route_id).join(Competency, Competency.id == RouteGoal.competency_id)
        .where(Route.open_key.is_not(None), RouteGoal.status == "open",
               RouteGoal.gap_reason.in_(CATALOGUE_GAPS))).all()
    if not rows:
        return []
    closes = db.session.execute(select(RouteStep.route_id, RouteStep.closes).where(
        RouteStep.route_id.in_({r.route_id for r in rows}), RouteStep.activity_id.is_not(None),
        RouteStep.status != "dropped")).all()
    closed = {(route_id, c) for route_id, ids in closes for c in (ids or [])}
    reach = dict(db.session.execute(
        select(ActivityCoverage.competency_id, func.max(ActivityCoverage.level))
        .join(Activity, Activity.id == ActivityCoverage.activity_id).where(Activity.active.is_(True))
        .group_by(ActivityCoverage.competency_id)).all())
    counted: dict[tuple[int, str, int], set[int]] = {}
    competencies = {}
    for route_id, competency_id, reason, target, competency in rows:
        if (route_id, competency_id) in closed:
            continue
        if reason == "no_activity" and reach.get(competency_id, 0) >= target:
            continue
        competencies[competency_id] = competency
        counted.setdefault((competency_id, reason, target), set()).add(route_id)
    return [CatalogueGap(competencies[c], reason, target, len(routes))
            for (c, reason, target), routes in sorted(counted.items(), key=lambda kv: (
                competencies[kv[0][0]].code, kv[0][1], kv[0][2]))]
