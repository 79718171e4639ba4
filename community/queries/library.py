"""Page-level queries of the work plan, the materials library, the best-practice bank and schools' statuses."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from community.choices import SCHOOL_STATUS_KINDS
from community.models import Material, PlanItem, Practice, SchoolStatus, WorkPlan
from community.queries.associations import PAGE_SIZE, period_meets_year, text_matches
from lms.extensions import db
from lms.i18n import format_date, local_today
from lms.orgs.models import School
from lms.users.choices import label
from lms.users.models import Subject, fold
from lms.web import paginate


def plan_rows(*, q: str | None = None, year: int | None = None) -> Select:
    """Work plans, newest first; ``year``: the plan's period takes in part of that calendar year."""
    stmt = select(WorkPlan).order_by(WorkPlan.starts_on.desc(), WorkPlan.id.desc())
    if q:
        stmt = stmt.where(text_matches(q, WorkPlan.title))
    if year:
        stmt = stmt.where(period_meets_year(WorkPlan.starts_on, WorkPlan.ends_on, year))
    return stmt


def plans(*, q: str | None = None, year: int | None = None, page: int):
    return paginate(plan_rows(q=q, year=year), page=max(page, 1), per_page=PAGE_SIZE)


def plan_item_rows(*, q: str | None = None, year: int | None = None) -> Select:
    """Every item of the plans the list's filter keeps, under its plan (the plans' export)."""
    plans = plan_rows(q=q, year=year).with_only_columns(WorkPlan.id).order_by(None)
    return (select(PlanItem).options(joinedload(PlanItem.plan)).join(WorkPlan, WorkPlan.id == PlanItem.plan_id)
            .where(PlanItem.plan_id.in_(plans))
            .order_by(WorkPlan.starts_on.desc(), PlanItem.due_on, PlanItem.id))


def plan_with_items(plan_id: int) -> WorkPlan | None:
    return db.session.scalar(select(WorkPlan).where(WorkPlan.id == plan_id).options(selectinload(WorkPlan.items)))


def material_rows(*, q: str | None, kind: str | None, level: str | None,
                  competency: tuple[str, int] | None = None, subject_id: int | None = None) -> Select:
    stmt = select(Material).options(joinedload(Material.subject)).order_by(Material.title, Material.id)
    for word in fold(q or "").split():
        stmt = stmt.where(Material.search_text.contains(word, autoescape=True))
    if kind:
        stmt = stmt.where(Material.kind == kind)
    if level:
        stmt = stmt.where(Material.level == level)
    if competency:
        stmt = stmt.where(Material.competency_kind == competency[0], Material.competency_id == competency[1])
    if subject_id:
        stmt = stmt.where(Material.subject_id == subject_id)
    return stmt


def material_list(*, q: str | None, kind: str | None, level: str | None, page: int,
                  competency: tuple[str, int] | None = None, subject_id: int | None = None):
    return paginate(material_rows(q=q, kind=kind, level=level, competency=competency, subject_id=subject_id),
                    page=max(page, 1), per_page=PAGE_SIZE)


def practice_rows(*, q: str | None, status: str, author_id: int | None = None) -> Select:
    stmt = (select(Practice).options(joinedload(Practice.author), joinedload(Practice.subject))
            .where(Practice.status == status).order_by(Practice.updated_at.desc(), Practice.id.desc()))
    for word in fold(q or "").split():
        stmt = stmt.where(Practice.search_text.contains(word, autoescape=True))
    if author_id is not None:
        stmt = stmt.where(Practice.author_id == author_id)
    return stmt


def practice_list(*, q: str | None, status: str, author_id: int | None = None, page: int):
    return paginate(practice_rows(q=q, status=status, author_id=author_id), page=max(page, 1), per_page=PAGE_SIZE)


def practices_of(author_id: int) -> list[Practice]:
    return list(db.session.scalars(select(Practice).where(Practice.author_id == author_id)
                                   .order_by(Practice.updated_at.desc())))


def school_status_rows(*, q: str | None = None, year: int | None = None) -> Select:
    """Schools' statuses, latest ending first; ``q`` is looked for in the school's name and the theme, ``year``
    keeps the statuses in force for part of that calendar year."""
    stmt = (select(SchoolStatus).join(SchoolStatus.school).options(joinedload(SchoolStatus.school))
            .order_by(SchoolStatus.ends_on.desc(), SchoolStatus.id))
    if q:
        stmt = stmt.where(text_matches(q, School.short_name, School.name, SchoolStatus.theme))
    if year:
        stmt = stmt.where(period_meets_year(SchoolStatus.starts_on, SchoolStatus.ends_on, year))
    return stmt


def school_statuses(*, q: str | None = None, year: int | None = None, page: int):
    return paginate(school_status_rows(q=q, year=year), page=max(page, 1), per_page=PAGE_SIZE)


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
