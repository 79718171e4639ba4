"""Page-level queries of the work plan, the materials library, the best-practice bank and schools' statuses."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from community.models import Material, Practice, SchoolStatus, WorkPlan
from community.queries.associations import PAGE_SIZE
from lms.extensions import db
from lms.users.models import Subject, fold
from lms.web import paginate


def plan_rows() -> Select:
    return select(WorkPlan).order_by(WorkPlan.starts_on.desc(), WorkPlan.id.desc())


def plans(*, page: int):
    return paginate(plan_rows(), page=max(page, 1), per_page=PAGE_SIZE)


def plan_with_items(plan_id: int) -> WorkPlan | None:
    return db.session.scalar(select(WorkPlan).where(WorkPlan.id == plan_id).options(selectinload(WorkPlan.items)))


def material_list(*, q: str | None, kind: str | None, level: str | None, page: int):
    stmt = select(Material).options(joinedload(Material.subject)).order_by(Material.title, Material.id)
    for word in fold(q or "").split():
        stmt = stmt.where(Material.search_text.contains(word, autoescape=True))
    if kind:
        stmt = stmt.where(Material.kind == kind)
    if level:
        stmt = stmt.where(Material.level == level)
    return paginate(stmt, page=max(page, 1), per_page=PAGE_SIZE)


def practice_list(*, q: str | None, status: str, author_id: int | None = None, page: int):
    stmt = (select(Practice).options(joinedload(Practice.author), joinedload(Practice.subject))
            .where(Practice.status == status).order_by(Practice.updated_at.desc(), Practice.id.desc()))
    for word in fold(q or "").split():
        stmt = stmt.where(Practice.search_text.contains(word, autoescape=True))
    if author_id is not None:
        stmt = stmt.where(Practice.author_id == author_id)
    return paginate(stmt, page=max(page, 1), per_page=PAGE_SIZE)


def practices_of(author_id: int) -> list[Practice]:
    return list(db.session.scalars(select(Practice).where(Practice.author_id == author_id)
                                   .order_by(Practice.updated_at.desc())))


def school_status_rows() -> Select:
    return (select(SchoolStatus).options(joinedload(SchoolStatus.school))
            .order_by(SchoolStatus.ends_on.desc(), SchoolStatus.id))


def school_statuses(*, page: int):
    return paginate(school_status_rows(), page=max(page, 1), per_page=PAGE_SIZE)


def subject_choices() -> list[tuple[int, str]]:
    return [(s.id, s.name) for s in db.session.scalars(select(Subject).order_by(Subject.name))]
