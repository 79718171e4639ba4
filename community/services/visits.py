"""Lesson visits with their protocol and recommendations, and written appeals with the deadline for the answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from community.choices import APPEAL_SOURCES, VISIT_KINDS
from community.models import Appeal, LessonVisit
from community.services import changed
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version, utcnow
from lms.users.models import User


@dataclass
class VisitData:
    teacher_id: int
    kind: str
    visited_on: date
    lesson: str
    purpose: str
    protocol: list[dict]  # [{"criterion": …, "note": …}]
    recommendations: str


def save_visit(visit: Optional[LessonVisit], visitor: User, *, version: int | None, data: VisitData,
               today: date) -> LessonVisit:
    """Record (``visit`` None: by ``visitor``) or correct a visit opened at ``version``.

    :raises ServiceError: an unknown teacher or kind, one's own lesson, or a visit dated in the future.
    """
    check_version(visit, version, changed())
    teacher = db.session.get(User, data.teacher_id)
    if teacher is None or not teacher.has_role("teacher"):
        raise ServiceError(_("Choose the teacher whose lesson was visited."), field="teacher_id")
    if data.kind not in VISIT_KINDS:
        raise ServiceError(_("Unknown kind of visit."), field="kind")
    if data.visited_on > today:
        raise ServiceError(_("A visit in the future cannot be recorded; record it after the lesson."),
                           field="visited_on")
    if visit is None:
        if visitor.id == teacher.id:
            raise ServiceError(_("A visit to one's own lesson is not recorded."), field="teacher_id")
        visit = LessonVisit(visitor_id=visitor.id)
        db.session.add(visit)
    visit.teacher_id, visit.kind, visit.visited_on = teacher.id, data.kind, data.visited_on
    visit.lesson, visit.purpose, visit.recommendations = data.lesson, data.purpose, data.recommendations
    visit.protocol = [dict(item) for item in data.protocol]
    visit.updated_at = utcnow()
    db.session.flush()
    return visit


def submit_appeal(teacher: User, *, source: str, subject: str, text: str, received_on: date,
                  answer_days: int) -> Appeal:
    """Register an appeal (sent by the teacher, or registered by staff from a letter) with its deadline."""
    if teacher is None or not teacher.has_role("teacher"):
        raise ServiceError(_("Choose the teacher who wrote the appeal."), field="teacher_id")
    if source not in APPEAL_SOURCES:
        raise ServiceError(_("Unknown source."))
    appeal = Appeal(teacher_id=teacher.id, source=source, subject=subject, text=text, received_on=received_on,
                    due_on=received_on + timedelta(days=answer_days), status="open")
    db.session.add(appeal)
    db.session.flush()
    return appeal


def answer_appeal(appeal: Appeal, staff: User, *, version: int | None, answer: str, upheld: bool | None,
                  today: date) -> Appeal:
    """Give (or correct) the answer; the date of the first answer is kept for the "answered in time" count."""
    check_version(appeal, version, changed())
    if not answer.strip():
        raise ServiceError(_("Write the answer."), field="answer")
    appeal.answer, appeal.upheld, appeal.status = answer, upheld, "answered"
    appeal.answered_by_id = staff.id
    appeal.answered_on = appeal.answered_on or today
    appeal.updated_at = utcnow()
    db.session.flush()
    return appeal
