"""Builders of test objects with sensible defaults and unique sequences."""

from __future__ import annotations

import itertools

from lms.extensions import db
from lms.orgs.models import MethodAssociation, Municipality, School
from lms.users.services import ProfileData, create_user

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


def make_municipality(name: str | None = None) -> Municipality:
    municipality = Municipality(name=name or f"Муниципалитет {next(_seq)}")
    db.session.add(municipality)
    db.session.flush()
    return municipality


def make_school(municipality: Municipality | None = None, **overrides) -> School:
    n = next(_seq)
    municipality = municipality or make_municipality()
    values = dict(name=f"Средняя общеобразовательная школа № {n}", short_name=f"СОШ № {n}", code=f"S{n:04d}")
    values.update(overrides)
    school = School(municipality_id=municipality.id, **values)
    db.session.add(school)
    db.session.flush()
    return school


def make_association(municipality: Municipality, name: str | None = None) -> MethodAssociation:
    association = MethodAssociation(municipality_id=municipality.id, name=name or f"МО {next(_seq)}")
    db.session.add(association)
    db.session.flush()
    return association


def make_user(*roles: str, email: str | None = None, password: str | None = PASSWORD, school: School | None = None,
              last_name: str = "Иванова", first_name: str = "Мария", middle_name: str | None = "Петровна", **profile):
    n = next(_seq)
    data = ProfileData(school_id=school.id if school else None, **profile) if (school or profile) else None
    return create_user(email=email or f"user{n}@example.org", last_name=last_name, first_name=first_name,
                       middle_name=middle_name, roles=set(roles or ("teacher",)), password=password, profile=data)


def make_programme(status: str = "published", modules: int = 2, lessons: int = 2, code: str | None = None):
    """A programme of ``modules`` modules with ``lessons`` required lessons each, through the services."""
    from courses.services import catalogue

    n = next(_seq)
    programme = catalogue.save_programme(None, version=None, code=code or f"P-{n}", title=f"Программа {n}",
                                         summary="Кратко", description="Описание")
    for m in range(modules):
        module = catalogue.save_module(programme, None, version=None, data=catalogue.ModuleData(
            title=f"Модуль {m + 1}", description="", hours=4, form="seminar", delivery="onsite", prerequisite_ids=[]))
        for k in range(lessons):
            catalogue.save_lesson(module, None, version=None, title=f"Урок {m + 1}.{k + 1}", body="Текст",
                                  video_url=None, required=True, minutes=10)
    if status != "draft":
        catalogue.set_programme_status(programme, status)
    return programme


def make_office_hours(tutor, weekday: int | None = None, starts: str = "14:00", ends: str = "16:00",
                      minutes: int = 30, today=None):
    """Weekly office hours of ``tutor`` starting tomorrow's weekday, and the slots they were cut into."""
    from datetime import date, time, timedelta

    from courses.services import consultations

    today = today or date.today()
    tomorrow = today + timedelta(days=1)
    data = consultations.OfficeHoursData(
        weekday=tomorrow.weekday() if weekday is None else weekday, starts=time.fromisoformat(starts),
        ends=time.fromisoformat(ends), slot_minutes=minutes, place="Кабинет ИКТ", online_url=None,
        valid_from=today, valid_until=today + timedelta(weeks=4))
    hours = consultations.save_office_hours(tutor, None, version=None, data=data, today=today)
    from sqlalchemy import select

    from courses.models import ConsultationSlot

    slots = list(db.session.scalars(select(ConsultationSlot).where(ConsultationSlot.office_hours_id == hours.id)
                                    .order_by(ConsultationSlot.starts_at)))
    return hours, slots


def hand_in_task(task, teacher, text: str = "Работа"):
    """The teacher's work for a module's practical task, handed in (a first round, or the next after a return)."""
    from courses.services import works
    from lms.models.mixins import utcnow

    return works.hand_in(teacher, source=works.COURSE_TASK, ref=str(task.id), task=task, title=task.title,
                         rubric=task.rubric, pass_points=task.pass_points, text=text, link=None, upload=None,
                         now=utcnow())


def review_work(work, reviewer, scores: list[int], decision: str = "accepted", comment: str = ""):
    from courses.services import works
    from lms.models.mixins import utcnow

    return works.review(work, reviewer, version=None, scores=scores, comment=comment, decision=decision,
                        now=utcnow())
