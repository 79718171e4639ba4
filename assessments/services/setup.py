"""Defining a diagnostic: framework version, competencies, mode and limits, window, who takes it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from assessments.engine.inputs import MAX_EXPOSURE, MAX_ITEMS, MIN_ITEMS
from assessments.items import ADAPTIVE_TYPES
from assessments.models import Attempt, Competency, Diagnostic, DiagnosticAudience, Framework
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _, _l
from lms.models.mixins import utcnow

STATUSES = {"draft": _l("draft"), "open": _l("open"), "closed": _l("closed")}


@dataclass
class DiagnosticData:
    title: str
    opens_on: date
    closes_on: date
    competencies: list[Competency]
    mode: str = "adaptive"
    min_per_competency: int = MIN_ITEMS
    max_per_competency: int = MAX_ITEMS
    max_items: int | None = None
    time_limit_minutes: int | None = None
    self_assessment: bool = True
    pilot_share: float = 0.0
    max_exposure: float | None = MAX_EXPOSURE
    description: str = ""
    user_ids: list[int] = field(default_factory=list)
    group_ids: list[int] = field(default_factory=list)


def save_diagnostic(framework: Framework, data: DiagnosticData, user=None,
                    diagnostic: Diagnostic | None = None) -> Diagnostic:
    """Create or change a diagnostic; the rules live here so the staff form and the demo share them."""
    if data.closes_on < data.opens_on:
        raise ServiceError(_("The diagnostic cannot close before it opens."), "closes_on")
    if not data.competencies:
        raise ServiceError(_("Choose at least one competency."), "competencies")
    if any(c.framework_id != framework.id for c in data.competencies):
        raise ServiceError(_("Every competency must belong to the chosen framework version."), "competencies")
    if data.mode not in ("adaptive", "fixed"):
        raise ServiceError(_("Unknown mode."), "mode")
    if not 1 <= data.min_per_competency <= data.max_per_competency <= 50:
        raise ServiceError(_("Questions per competency: the minimum must be at least 1 and not above the maximum "
                             "(at most 50)."), "max_per_competency")
    if data.max_items is not None and not 1 <= data.max_items <= 500:
        raise ServiceError(_("The total limit must be from 1 to 500 questions."), "max_items")
    if data.time_limit_minutes is not None and not 5 <= data.time_limit_minutes <= 600:
        raise ServiceError(_("The time limit must be from 5 to 600 minutes."), "time_limit_minutes")
    if not 0.0 <= data.pilot_share <= 0.5:
        raise ServiceError(_("The share of pilot questions must be from 0 to 50 %."), "pilot_share")
    if data.max_exposure is not None and not 0.1 <= data.max_exposure <= 1.0:
        raise ServiceError(_("The most-shown question's share must be from 10 to 100 per cent of teachers."),
                           "exposure_percent")
    if diagnostic is not None and diagnostic.framework_id != framework.id:
        raise ServiceError(_("The framework version of a diagnostic cannot change."))
    if diagnostic is not None and _measurement_changes(diagnostic, data) and _has_attempts(diagnostic):
        raise ServiceError(_("Teachers have already taken this diagnostic, so what it measures and how (competencies, "
                             "mode, question limits, self-assessment, pilot questions) can no longer change: their "
                             "results must stay comparable. Create a new diagnostic instead."), "competencies")
    diagnostic = diagnostic or Diagnostic(framework=framework, created_by_id=getattr(user, "id", None))
    # Touch the row even when only the competencies or the audience change, so its version moves and a
    # stale form open in another tab is refused instead of silently undoing this change.
    diagnostic.updated_at = utcnow()
    for name in ("title", "description", "mode", "min_per_competency", "max_per_competency", "max_items",
                 "time_limit_minutes", "self_assessment", "pilot_share", "max_exposure", "opens_on", "closes_on"):
        setattr(diagnostic, name, getattr(data, name))
    diagnostic.competencies = list(data.competencies)
    diagnostic.audience = ([DiagnosticAudience(user_id=u) for u in dict.fromkeys(data.user_ids)]
                           + [DiagnosticAudience(group_id=g) for g in dict.fromkeys(data.group_ids)])
    return diagnostic


def shallow_competencies(diagnostic: Diagnostic) -> list[tuple[Competency, int]]:
    """The diagnostic's competencies whose bank is too small for its exposure limit, with their live questions.

    When no question may reach more than a share r of the teachers, a competency of n questions gives a teacher
    at most n · r of them on average: below the diagnostic's questions per competency, the limit holds back the
    best questions and the deficit decisions lose accuracy (bench/README, «Exposure control»: 0.022 F1 with
    25 questions at 30 %, 0.006 with 75).
    """
    rate = diagnostic.max_exposure
    if diagnostic.mode != "adaptive" or rate is None or rate >= 1.0 or not diagnostic.competencies:
        return []
    from assessments.services.diagnostics.engine import Shape  # the bank exactly as the engine will read it

    counts = Counter(r.competency_id for r in Shape.of(diagnostic).rows
                     if r.type in ADAPTIVE_TYPES and r.status == "live")
    return [(c, counts[c.id]) for c in diagnostic.competencies if counts[c.id] * rate < diagnostic.max_per_competency]


def set_status(diagnostic: Diagnostic, status: str) -> None:
    if status not in STATUSES:
        raise ServiceError(_("Unknown status."))
    if status == "open" and not diagnostic.audience:
        raise ServiceError(_("Choose who takes the diagnostic before opening it."))
    opening = status == "open" and diagnostic.status != "open"
    diagnostic.status = status
    if opening:
        _invite(diagnostic)


def _invite(diagnostic: Diagnostic) -> None:
    """Tell everyone the diagnostic is addressed to (directly or through a group) that it is open to them."""
    from sqlalchemy import or_, select

    from courses import api as courses_api
    from lms.extensions import db
    from lms.i18n import format_date
    from lms.notifications.services import notify
    from lms.users.models import User

    direct = [a.user_id for a in diagnostic.audience if a.user_id]
    groups = [a.group_id for a in diagnostic.audience if a.group_id]
    members = [courses_api.member_ids(g) for g in groups]
    people = db.session.scalars(select(User).where(User.active.is_(True), or_(
        User.id.in_(direct), *[User.id.in_(m) for m in members]))).all()
    notify(people, lambda: _("The diagnostic «%(title)s» is open to you from %(opens)s to %(closes)s.",
                             title=diagnostic.title, opens=format_date(diagnostic.opens_on),
                             closes=format_date(diagnostic.closes_on)),
           endpoint="assessments.home", subject=lambda: _("Metodist: a diagnostic is open to you"))


MEASUREMENT = ("mode", "min_per_competency", "max_per_competency", "max_items", "self_assessment", "pilot_share",
               "max_exposure")


def _measurement_changes(diagnostic: Diagnostic, data: DiagnosticData) -> bool:
    return ({c.id for c in diagnostic.competencies} != {c.id for c in data.competencies}
            or any(getattr(diagnostic, name) != getattr(data, name) for name in MEASUREMENT))


def _has_attempts(diagnostic: Diagnostic) -> bool:
    return db.session.scalar(select(Attempt.id).where(Attempt.diagnostic_id == diagnostic.id).limit(1)) is not None
