"""Page-level queries of lesson visits, appeals, network events and contests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from community.models import Appeal, Contest, ContestApplication, EventParticipant, LessonVisit, NetworkEvent
from community.queries.associations import PAGE_SIZE, text_matches
from lms.extensions import db
from lms.users.models import User, fold
from lms.web import Page, paginate


def visit_rows(*, q: str | None, kind: str | None) -> Select:
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
    return stmt


def visit_list(*, q: str | None, kind: str | None, page: int):
    return paginate(visit_rows(q=q, kind=kind), page=max(page, 1), per_page=PAGE_SIZE)


def appeal_rows(*, status: str | None, overdue: bool, today: date) -> Select:
    stmt = (select(Appeal).options(joinedload(Appeal.teacher))
            .order_by(Appeal.status.desc(), Appeal.due_on, Appeal.id))
    if status:
        stmt = stmt.where(Appeal.status == status)
    if overdue:
        stmt = stmt.where(Appeal.status == "open", Appeal.due_on < today)
    return stmt


def appeal_list(*, status: str | None, overdue: bool, today: date, page: int):
    return paginate(appeal_rows(status=status, overdue=overdue, today=today), page=max(page, 1),
                    per_page=PAGE_SIZE)


def _event_filter(stmt: Select, *, kind: str | None, status: str | None) -> Select:
    if kind:
        stmt = stmt.where(NetworkEvent.kind == kind)
    if status:
        stmt = stmt.where(NetworkEvent.status == status)
    return stmt


def event_rows(*, kind: str | None, status: str | None) -> Select:
    """Events, newest first, each with its number of registered participants (the list and its export)."""
    registered = (select(func.count(EventParticipant.id))
                  .where(EventParticipant.event_id == NetworkEvent.id, EventParticipant.role == "participant")
                  .correlate(NetworkEvent).scalar_subquery())
    stmt = (select(NetworkEvent, registered.label("registered"))
            .options(joinedload(NetworkEvent.school), joinedload(NetworkEvent.association))
            .order_by(NetworkEvent.held_on.desc(), NetworkEvent.id.desc()))
    return _event_filter(stmt, kind=kind, status=status)


def event_list(*, kind: str | None, status: str | None, page: int):
    stmt = event_rows(kind=kind, status=status)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return Page(list(rows), page=max(page, 1), per_page=PAGE_SIZE, total=total)


def event_with_people(event_id: int) -> NetworkEvent | None:
    return db.session.scalar(select(NetworkEvent).where(NetworkEvent.id == event_id).options(
        selectinload(NetworkEvent.participants).joinedload(EventParticipant.user)))


def participant_rows(*, kind: str | None, status: str | None, event_id: int | None = None) -> Select:
    """Participants and speakers of the events the list's filter keeps (or of one event), event by event."""
    stmt = (select(EventParticipant).join(EventParticipant.event).join(EventParticipant.user)
            .options(joinedload(EventParticipant.event), joinedload(EventParticipant.user))
            .order_by(NetworkEvent.held_on.desc(), NetworkEvent.id.desc(), EventParticipant.role.desc(),
                      User.last_name, User.first_name, EventParticipant.id))
    if event_id is not None:
        stmt = stmt.where(EventParticipant.event_id == event_id)
    return _event_filter(stmt, kind=kind, status=status)


def _contest_filter(stmt: Select, *, q: str | None, year: int | None) -> Select:
    if q:
        stmt = stmt.where(text_matches(q, Contest.title))
    if year:
        stmt = stmt.where(Contest.applications_until.between(date(year, 1, 1), date(year, 12, 31)))
    return stmt


def contest_rows(*, q: str | None = None, year: int | None = None) -> Select:
    """Contests, newest deadline first, each with its number of applications (the list and its export); ``year``
    is the year of the deadline for applications."""
    count = (select(func.count(ContestApplication.id)).where(ContestApplication.contest_id == Contest.id)
             .correlate(Contest).scalar_subquery())
    stmt = select(Contest, count.label("applications")).order_by(Contest.applications_until.desc(),
                                                                  Contest.id.desc())
    return _contest_filter(stmt, q=q, year=year)


def contest_list(*, q: str | None = None, year: int | None = None, page: int):
    return paginate(contest_rows(q=q, year=year), page=max(page, 1), per_page=PAGE_SIZE)


def application_rows(*, q: str | None, year: int | None, contest_id: int | None = None) -> Select:
    """Applications and results of the contests the list's filter keeps (or of one contest), contest by contest."""
    stmt = (select(ContestApplication).join(ContestApplication.contest).join(ContestApplication.teacher)
            .options(joinedload(ContestApplication.contest), joinedload(ContestApplication.teacher))
            .order_by(Contest.applications_until.desc(), Contest.id.desc(), User.last_name, User.first_name,
                      ContestApplication.id))
    if contest_id is not None:
        stmt = stmt.where(ContestApplication.contest_id == contest_id)
    return _contest_filter(stmt, q=q, year=year)


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
