"""A teacher's current competency profile: measured evidence outranks self-report, newer outranks older."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from assessments.models import Attempt, CompetencyResult, Diagnostic
from lms.extensions import db


@dataclass(frozen=True)
class Evidence:
    competency_id: int
    level: int
    target_level: int
    deficit: bool
    #: "measured" (answered items of the competency) or "self" (only the self-assessment statement).
    source: str
    at: datetime
    attempt_id: int


def current_profile(user_id: int, framework_id: int) -> dict[int, Evidence]:
    """The evidence that stands for each competency of one framework version.

    A measured result always outranks a self-report, whatever their dates: self-assessment
    over-estimates (DOMAIN.md §B.3). Among results of the same kind the newest wins. A self-report
    can only say a deficit is likely; it is never the sole basis once anything was measured.
    """
    rows = db.session.execute(
        select(CompetencyResult, Attempt.finished_at)
        .join(Attempt, Attempt.id == CompetencyResult.attempt_id)
        .join(Diagnostic, Diagnostic.id == Attempt.diagnostic_id)
        .where(Attempt.user_id == user_id, Attempt.status == "finished", Diagnostic.framework_id == framework_id)
        .order_by(Attempt.finished_at)).all()
    profile: dict[int, Evidence] = {}
    for result, finished_at in rows:  # oldest first, so a later one of equal rank replaces it
        if result.n_items > 0:
            evidence = Evidence(result.competency_id, result.level, result.target_level, result.deficit, "measured",
                                finished_at, result.attempt_id)
        elif result.self_level is not None:
            evidence = Evidence(result.competency_id, result.self_level, result.target_level,
                                result.self_level < result.target_level, "self", finished_at, result.attempt_id)
        else:
            continue
        standing = profile.get(result.competency_id)
        if standing is None or standing.source == "self" or evidence.source == "measured":
            profile[result.competency_id] = evidence
    return profile
