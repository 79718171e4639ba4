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


def route_with_places(people):
    """An approved route of the fixture teacher: a module taught in the group «Поток весна» (a session in room 214
    in three weeks), an online course with a page, and a proposal of the teacher's waiting for the tutor.

    :returns: (route, the finished attempt it was built from, the group)
    """
    from assessments.services.routes import builder, proposals, workflow
    from assessments.services.routes.builder import RouteSettings
    from courses.models import Group, Room, ScheduledSession
    from tests.factories import make_programme

    teacher, tutor = people["teacher"], people["tutor"]
    tutor_group(people)
    attempt = finished_attempt(framework(), teacher, {"D1.1": (2, 4), "D3.1": (2, 4)})
    programme = make_programme(modules=1, lessons=0)
    run = Group(programme_id=programme.id, name="Поток весна", capacity=10, tutor_id=tutor.id)
    room = Room(name="Кабинет 214, корпус на улице Профсоюзной", capacity=20)
    db.session.add_all([run, room])
    db.session.flush()
    start = utcnow() + timedelta(days=21)
    db.session.add(ScheduledSession(group_id=run.id, module_id=programme.modules[0].id, starts_at=start,
                                    ends_at=start + timedelta(hours=2), room_id=room.id))
    activity("Модуль весеннего потока", 4, {"D1.1": 4}, kind="module", module_id=programme.modules[0].id,
             form="seminar", delivery="onsite")
    activity("Онлайн-курс", 6, {"D3.1": 4}, url="https://edu.example.org/course/7")
    today = local_today()
    route = builder.build(teacher, teacher, RouteSettings(today, today + timedelta(weeks=12), 4.0), utcnow(),
                          tutor_id=tutor.id)
    workflow.submit(route, teacher, version=None, note="", now=utcnow())
    workflow.approve(route, tutor, version=None, now=utcnow())
    proposals.propose(route, teacher, version=None, note="Перенесите курс на март", now=utcnow())
    db.session.commit()
    return route, attempt, run
