"""Counting the indicators from the plugins' evidence: one SQL statement for the whole table, one for a page of
a drill-down, whatever the size of the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, func, literal, select, union_all

from lms.extensions import db
from lms.reports.filters import Filters, teachers
from lms.reports.indicators import INDICATORS, Evidence, Indicator, evidence_for
from lms.users.models import TeacherProfile, User


@dataclass
class Count:
    indicator: Indicator
    total: int = 0
    #: (evidence, distinct count) for each kind the indicator is counted from, in registration order.
    kinds: list[tuple[Evidence, int]] = field(default_factory=list)
    #: False when no plugin contributes evidence for it (its plugin is not installed).
    counted: bool = True


def _rows(indicator: Indicator, filters: Filters, viewer, kind: str | None = None):
    """The indicator's evidence rows in the period, for the teachers counted, as a subquery (None: no evidence)."""
    parts = [_with_until(e) for e in evidence_for(indicator.key) if kind is None or e.kind == kind]
    if not parts:
        return None
    rows = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    # A record counts in the period it overlaps: most are a day (until = the day), a mentoring pair a span.
    return (select(rows.c.teacher_id, rows.c.occurred_on, rows.c.kind, rows.c.ref)
            .where(rows.c.occurred_on <= filters.end, rows.c.until >= filters.start,
                   rows.c.teacher_id.in_(teachers(filters, viewer))).subquery())


def _with_until(evidence: Evidence):
    stmt = evidence.select()
    if evidence.spans:
        return stmt
    return stmt.add_columns(stmt.selected_columns.occurred_on.label("until"))


def _counted(indicator: Indicator, rows):
    return func.count(distinct(rows.c.ref if indicator.unit == "records" else rows.c.teacher_id))


def table(filters: Filters, viewer) -> list[Count]:
    """Every indicator with its total and its breakdown by kind of evidence, in one statement."""
    counts = [Count(indicator) for indicator in INDICATORS]
    if filters.error:
        return counts
    parts = []
    for number, count in enumerate(counts):
        rows = _rows(count.indicator, filters, viewer)
        if rows is None:
            count.counted = False
            continue
        parts.append(select(literal(number).label("n"), literal("").label("kind"), _counted(count.indicator, rows)
                            .label("value")))
        parts.append(select(literal(number).label("n"), rows.c.kind, _counted(count.indicator, rows)
                            .label("value")).group_by(rows.c.kind))
    found: dict[tuple[int, str], int] = {}
    if parts:
        for number, kind, value in db.session.execute(union_all(*parts)):
            found[(int(number), kind)] = int(value)
    for number, count in enumerate(counts):
        count.total = found.get((number, ""), 0)
        count.kinds = [(e, found.get((number, e.kind), 0)) for e in evidence_for(count.indicator.key)]
    return counts


@dataclass
class Row:
    teacher: User
    occurred_on: date
    evidence: Evidence
    ref: str
    description: str = ""


def drill_down(indicator: Indicator, filters: Filters, viewer, *, kind: str | None = None, page: int = 1,
               per_page: int = 50) -> tuple[list[Row], int]:
    """The records behind a number, newest first, a page at a time, and how many there are."""
    rows = None if filters.error else _rows(indicator, filters, viewer, kind)
    if rows is None:
        return [], 0
    total = db.session.scalar(select(func.count()).select_from(rows))
    page_rows = db.session.execute(
        select(rows.c.teacher_id, rows.c.occurred_on, rows.c.kind, rows.c.ref)
        .order_by(rows.c.occurred_on.desc(), rows.c.kind, rows.c.ref).offset((page - 1) * per_page)
        .limit(per_page)).all()
    from sqlalchemy.orm import selectinload

    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({r.teacher_id for r in page_rows}))
        .options(selectinload(User.profile).selectinload(TeacherProfile.school)))}
    kinds = {e.kind: e for e in evidence_for(indicator.key)}
    described: dict[tuple[str, str], str] = {}
    for code, evidence in kinds.items():
        refs = [r.ref for r in page_rows if r.kind == code]
        if refs and evidence.describe is not None:
            described.update({(code, ref): text for ref, text in evidence.describe(refs).items()})
    result = [Row(people[r.teacher_id], _as_date(r.occurred_on), kinds[r.kind], r.ref,
                  described.get((r.kind, r.ref), "")) for r in page_rows if r.teacher_id in people]
    return result, total


def _as_date(value) -> date:
    """SQLite gives the computed local date as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def teachers_counted(filters: Filters, viewer) -> int:
    """How many teachers the filters leave (the denominator shown beside the numbers)."""
    if filters.error:
        return 0
    return db.session.scalar(select(func.count()).select_from(teachers(filters, viewer).subquery()))



