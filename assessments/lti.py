"""What LTI platforms may launch from the assessments plugin: open deficit diagnostics."""

from __future__ import annotations

from flask import Flask, url_for
from sqlalchemy import select

from assessments.models import Diagnostic, DiagnosticAudience
from lms import signals
from lms.extensions import db
from lms.i18n import _l, local_today
from lms.lti.resources import register_resource_kind


def _open(ref: int) -> bool:
    diagnostic = db.session.get(Diagnostic, ref)
    today = local_today()
    return (diagnostic is not None and diagnostic.status == "open"
            and diagnostic.opens_on <= today <= diagnostic.closes_on)


def _diagnostics():
    today = local_today()
    return db.session.execute(select(Diagnostic.id, Diagnostic.title).where(
        Diagnostic.status == "open", Diagnostic.opens_on <= today, Diagnostic.closes_on >= today)
        .order_by(Diagnostic.title, Diagnostic.id)).all()


def _title(ref: int) -> str | None:
    diagnostic = db.session.get(Diagnostic, ref)
    return diagnostic.title if diagnostic else None


def on_lti_launched(sender, user, launch, resource, **extra) -> None:
    """A platform that launches a diagnostic for its learner addresses it to them here too."""
    kind, ref = resource
    if kind != "diagnostic" or not user.has_role("teacher"):
        return
    exists = db.session.scalar(select(DiagnosticAudience.id).where(
        DiagnosticAudience.diagnostic_id == ref, DiagnosticAudience.user_id == user.id))
    if exists is None:
        db.session.add(DiagnosticAudience(diagnostic_id=ref, user_id=user.id))
        db.session.flush()


def register(app: Flask) -> None:
    """Called from the plugin's init_app."""
    register_resource_kind(app, "diagnostic", _l("Diagnostics"), _diagnostics,
                           lambda ref: url_for("assessments.home") + f"#diagnostic-{ref}", _title, _open)
    signals.lti_launched.connect(on_lti_launched)
    signals.diagnostic_completed.connect(on_diagnostic_completed)
    from assessments.services.routes.external import group_roster
    from lms.lti.platform import register_roster

    # NRPS for an external module launched from a step booked into a group: that group's members.
    register_roster(app, "group", group_roster)


def on_diagnostic_completed(sender, attempt, deficits, **extra) -> None:
    """The overall result goes to the gradebook of a platform that launched the diagnostic: the share of
    its competencies measured at or above the teacher's target level."""
    from lms.i18n import _
    from lms.lti.passback import queue_score

    results = attempt.results
    if not results:
        return
    met = sum(1 for result in results if not result.deficit)
    queue_score(attempt.user_id, "diagnostic", attempt.diagnostic_id, met / len(results),
                _("Competencies at the target level: %(met)d of %(total)d.", met=met, total=len(results)))
