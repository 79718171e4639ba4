"""Shared set-up for the route tests: a framework, a teacher's finished diagnostic with chosen deficits,
a tutor's group, and a small catalogue whose optimum is known by hand."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from assessments import demo
from assessments.models import Attempt, Competency, CompetencyResult
from assessments.services import framework as frameworks
from assessments.services.routes.catalogue import ActivityData, save_activity
from assessments.services.setup import DiagnosticData, save_diagnostic
from lms.extensions import db
from lms.i18n import local_today
from lms.models.mixins import utcnow


def framework():
    return frameworks.load(frameworks.read(demo.FRAMEWORK_FILE.read_bytes()))


def competency(code: str) -> Competency:
    return db.session.scalar(select(Competency).where(Competency.code == code))


def finished_attempt(fw, teacher, levels: dict[str, tuple[int, int]], number: int = 1, days_ago: int = 10):
    """A finished attempt whose results are ``{code: (level, target)}``; a deficit where level < target."""
    competencies = [competency(code) for code in levels]
    today = local_today()
    diagnostic = save_diagnostic(fw, DiagnosticData(title=f"Диагностика {number}", opens_on=today - timedelta(
        days=30), closes_on=today + timedelta(days=30), competencies=competencies, user_ids=[teacher.id]))
    db.session.add(diagnostic)
    db.session.flush()
    finished = utcnow() - timedelta(days=days_ago)
    attempt = Attempt(diagnostic_id=diagnostic.id, user_id=teacher.id, number=number, status="finished",
                      open_key=None, started_at=finished - timedelta(minutes=20), finished_at=finished,
                      finish_reason="completed", seed=1)
    db.session.add(attempt)
    db.session.flush()
    for code, (level, target) in levels.items():
        estimate = -2.0 + level * 0.8
        db.session.add(CompetencyResult(
            attempt_id=attempt.id, competency_id=competency(code).id, estimate=estimate, standard_error=0.3,
            level=level, target_level=target, p_deficit=0.9 if level < target else 0.1, deficit=level < target,
            n_items=6, level_probabilities=[0.0] * 6))
    db.session.flush()
    return attempt


def activity(title: str, hours: float, covers: dict[str, int], kind: str = "external", **extra):
    data = ActivityData(kind=kind, title=title, hours=hours, form=extra.pop("form", "course"),
                        delivery=extra.pop("delivery", "online"),
                        coverage={competency(c).id: level for c, level in covers.items()}, **extra)
    return save_activity(None, data, version=None)


def tutor_group(people, programme=None):
    """A group led by the fixture tutor with the fixture teacher in it, so the tutor supports the teacher."""
    from courses.models import Enrolment, Group
    from tests.factories import make_programme

    programme = programme or make_programme()
    group = Group(programme_id=programme.id, name=f"Группа {programme.id}", capacity=20,
                  tutor_id=people["tutor"].id)
    db.session.add(group)
    db.session.flush()
    db.session.add(Enrolment(group_id=group.id, user_id=people["teacher"].id, status="enrolled"))
    db.session.flush()
    return group
