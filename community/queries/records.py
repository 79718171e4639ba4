"""Page-level queries of lesson visits, appeals, network events and contests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from community.models import Appeal, Contest, ContestApplication, EventParticipant, LessonVisit, NetworkEvent
from community.queries.associations import PAGE_SIZE
from lms.extensions import db
from lms.users.models import User, fold
from lms.web import Page, paginate


def visit_list(*, q: str | None, kind: str | None, page: int):
    visitor, teacher = User.__table__.alias("visitor"), User.__table__.alias("teacher")
    stmt = (select(LessonVisit).join(visitor, visitor.c.id == LessonVisit.visitor_id)
            .join(teacher, teacher.c.id == LessonVisit.teacher_id)
            .options(joinedload(LessonVisit.visitor), joinedload(LessonVisit.teacher))
            .order_by(LessonVisit.visited_on.desc(), LessonVisit.id.desc()))
    if q:
        for word in fold(q).split():
            stmt = stmt.where(or_(visitor.c.search_text.contains(word, autoescape=True),
                                  teacher.c.search_text.contains(word, autoescape=True)))
    if kind:
        stmt = stmt.where(LessonVisit.kind == kind)
    return paginate(stmt, page=max(page, 1), per_page=PAGE_SIZE)


def appeal_list(*, status: str | None, overdue: bool, today: date, page: int):
    stmt = (select(Appeal).options(joinedload(Appeal.teacher))
            .order_by(Appeal.status.desc(), Appeal.due_on, Appeal.id))
    if status:
        stmt = stmt.where(Appeal.status == status)
    if overdue:
        stmt = stmt.where(Appeal.status == "open", Appeal.due_on < today)
    return paginate(stmt, page=max(page, 1), per_page=PAGE_SIZE)


def event_list(*, kind: str | None, status: str | None, page: int):
    registered = (select(func.count(EventParticipant.id))
                  .where(EventParticipant.event_id == NetworkEvent.id, EventParticipant.role == "participant")
                  .correlate(NetworkEvent).scalar_subquery())
    stmt = (select(NetworkEvent, registered.label("registered"))
            .options(joinedload(NetworkEvent.school), joinedload(NetworkEvent.association))
            .order_by(NetworkEvent.held_on.desc(), NetworkEvent.id.desc()))
    if kind:
        stmt = stmt.where(NetworkEvent.kind == kind)
    if status:
        stmt = stmt.where(NetworkEvent.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return Page(list(rows), page=max(page, 1), per_page=PAGE_SIZE, total=total)


def event_with_people(event_id: int) -> NetworkEvent | None:
    return db.session.scalar(select(NetworkEvent).where(NetworkEvent.id == event_id).options(
        selectinload(NetworkEvent.participants).joinedload(EventParticipant.user)))


def contest_rows() -> Select:
    """Contests, newest deadline first, each with its number of applications (the list and its export)."""
    count = (select(func.count(ContestApplication.id)).where(ContestApplication.contest_id == Contest.id)
             .correlate(Contest).scalar_subquery())
    return select(Contest, count.label("applications")).order_by(Contest.applications_until.desc(), Contest.id.desc())


def contest_list(*, page: int):
    return paginate(contest_rows(), page=max(page, 1), per_page=PAGE_SIZE)


def contest_with_applications(contest_id: int) -> Contest | None:
    return db.session.scalar(select(Contest).where(Contest.id == contest_id).options(
        selectinload(Contest.applications).joinedload(ContestApplication.teacher)))


def records_of(user_id: int) -> dict:
    """The teacher's own visits, appeals, events and contest applications, for «Моё участие»."""
    return {
        "visits": list(db.session.scalars(select(LessonVisit).where(LessonVisit.teacher_id == user_id)
                                          .options(joinedload(LessonVisit.visitor))
                                          .order_by(LessonVisit.visited_on.desc()))),
        "appeals": list(db.session.scalars(select(Appeal).where(Appeal.teacher_id == user_id)
                                           .order_by(Appeal.received_on.desc(), Appeal.id.desc()))),
        "events": list(db.session.scalars(select(EventParticipant).where(EventParticipant.user_id == user_id)
                                          .options(joinedload(EventParticipant.event))
                                          .join(EventParticipant.event).order_by(NetworkEvent.held_on.desc()))),
        "applications": list(db.session.scalars(
            select(ContestApplication).where(ContestApplication.teacher_id == user_id)
            .options(joinedload(ContestApplication.contest)).order_by(ContestApplication.submitted_on.desc()))),
    }
