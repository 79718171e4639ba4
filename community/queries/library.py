"""Page-level queries of the work plan, the materials library, the best-practice bank and schools' statuses."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from community.choices import SCHOOL_STATUS_KINDS
from community.models import Material, Practice, SchoolStatus, WorkPlan
from community.queries.associations import PAGE_SIZE
from lms.extensions import db
from lms.i18n import format_date, local_today
from lms.users.choices import label
from lms.users.models import Subject, fold
from lms.web import paginate


def plan_rows() -> Select:
    return select(WorkPlan).order_by(WorkPlan.starts_on.desc(), WorkPlan.id.desc())


def plans(*, page: int):
    return paginate(plan_rows(), page=max(page, 1), per_page=PAGE_SIZE)


def plan_with_items(plan_id: int) -> WorkPlan | None:
    return db.session.scalar(select(WorkPlan).where(WorkPlan.id == plan_id).options(selectinload(WorkPlan.items)))


def material_list(*, q: str | None, kind: str | None, level: str | None, page: int,
                  competency: tuple[str, int] | None = None):
    stmt = select(Material).options(joinedload(Material.subject)).order_by(Material.title, Material.id)
    for word in fold(q or "").split():
        stmt = stmt.where(Material.search_text.contains(word, autoescape=True))
    if kind:
        stmt = stmt.where(Material.kind == kind)
    if level:
        stmt = stmt.where(Material.level == level)
    if competency:
        stmt = stmt.where(Material.competency_kind == competency[0], Material.competency_id == competency[1])
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


def _status_title(status: SchoolStatus) -> str:
    return (f"{status.school.short_name}, {label(SCHOOL_STATUS_KINDS, status.kind).lower()} «{status.theme}» "
            f"({format_date(status.starts_on)}–{format_date(status.ends_on)})")


def organiser_choices() -> list[tuple[int, str]]:
    """Schools' statuses the route catalogue may name as an internship's organiser: those not yet expired."""
    statuses = db.session.scalars(school_status_rows().where(SchoolStatus.ends_on >= local_today()))
    return [(s.id, _status_title(s)) for s in statuses]


def organiser_titles(ids: list[int]) -> dict[int, str]:
    statuses = db.session.scalars(select(SchoolStatus).options(joinedload(SchoolStatus.school))
                                  .where(SchoolStatus.id.in_(ids)))
    return {s.id: _status_title(s) for s in statuses}
