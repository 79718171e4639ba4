"""XLSX exports of the community registries: each staff list as a sheet with its filters' rows."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from community import choices
from community.models import Appeal, LessonVisit, MentoringPair, NetworkEvent, PlanItem, WorkPlan
from community.queries import (
    association_list,
    contest_rows,
    mentor_register,
    school_status_rows,
    young_specialists,
)
from lms.extensions import db
from lms.i18n import _, format_date
from lms.spreadsheets import cell_text
from lms.users.choices import label

#: Rows in one export: the lists are a service's, not a region's.
MAX_ROWS = 20_000


def _cell(value) -> str | int:
    """A number as it is; a date as the service writes it; any text through the one formula escape."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return cell_text(format_date(value) if isinstance(value, date) else value)  # the one formula escape


def table_xlsx(title: str, header: list[str], rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 28
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def associations_sheet(today: date):
    page = association_list(q=None, kind=None, level=None, active_only=False, page=1)
    header = [_("Name"), _("Kind"), _("Level"), _("Leader"), _("Works from"), _("Works until"), _("Members")]
    items = []
    number = 1
    while True:
        for row in page.items:
            d = row.details
            items.append([row.association.name, label(choices.ASSOCIATION_KINDS, row.kind),
                          row.association.school.short_name if row.association.school else _("Municipal"),
                          d.leader.full_name if d and d.leader else "", d.starts_on if d else None,
                          d.ends_on if d else None, row.members])
        if not page.has_next or len(items) >= MAX_ROWS:
            break
        number += 1
        page = association_list(q=None, kind=None, level=None, active_only=False, page=number)
    return _("Associations"), header, items


def pairs_sheet(today: date):
    pairs = db.session.scalars(select(MentoringPair).options(joinedload(MentoringPair.mentor),
                                                             joinedload(MentoringPair.mentee))
                               .order_by(MentoringPair.starts_on).limit(MAX_ROWS))
    header = [_("Mentor"), _("Mentee"), _("Form of mentoring"), _("From"), _("Until"), _("Status"), _("Goals"),
              _("Outcome")]
    return _("Mentoring pairs"), header, [
        [p.mentor.full_name, p.mentee.full_name, label(choices.MENTORING_FORMS, p.form), p.starts_on, p.ends_on,
         label(choices.PAIR_STATUSES, p.status), p.goals, p.outcome] for p in pairs]


def mentors_sheet(today: date):
    header = [_("Full name"), _("School"), _("Current pairs"), _("All pairs"), _("Category «teacher-mentor»")]
    return _("Register of mentors"), header, [
        [r.mentor.full_name, r.mentor.profile.school.short_name if r.mentor.profile and r.mentor.profile.school
         else "", r.active, r.total, _("yes") if r.category_mentor else ""] for r in mentor_register(today)]


def young_sheet(today: date):
    header = [_("Full name"), _("School"), _("Experience, years"), _("Mentor")]
    return _("Young specialists"), header, [
        [r.teacher.full_name, r.teacher.profile.school.short_name if r.teacher.profile.school else "",
         r.experience, ", ".join(m.full_name for m in r.mentors)] for r in young_specialists(today)]


def visits_sheet(today: date):
    visits = db.session.scalars(select(LessonVisit).options(joinedload(LessonVisit.visitor),
                                                            joinedload(LessonVisit.teacher))
                                .order_by(LessonVisit.visited_on.desc()).limit(MAX_ROWS))
    header = [_("Date"), _("Teacher"), _("Class and subject"), _("Kind"), _("Visitor"), _("Purpose of the visit"),
              _("Recommendations")]
    return _("Lesson visits"), header, [
        [v.visited_on, v.teacher.full_name, v.lesson, label(choices.VISIT_KINDS, v.kind), v.visitor.full_name,
         v.purpose, v.recommendations] for v in visits]


def appeals_sheet(today: date):
    appeals = db.session.scalars(select(Appeal).options(joinedload(Appeal.teacher))
                                 .order_by(Appeal.received_on.desc()).limit(MAX_ROWS))
    header = [_("Received on"), _("Teacher"), _("Subject"), _("Answer due"), _("Status"), _("Answer"),
              _("The complaint is")]
    upheld = {True: _("justified"), False: _("not justified"), None: ""}
    return _("Appeals"), header, [
        [a.received_on, a.teacher.full_name, a.subject, a.due_on, label(choices.APPEAL_STATUSES, a.status),
         a.answer, upheld[a.upheld]] for a in appeals]


def events_sheet(today: date):
    events = db.session.scalars(select(NetworkEvent).options(joinedload(NetworkEvent.participants))
                                .order_by(NetworkEvent.held_on.desc()).limit(MAX_ROWS)).unique()
    header = [_("Date"), _("Title"), _("Kind"), _("Places"), _("Participants"), _("Attended"), _("Speakers"),
              _("Status")]
    return _("Network events"), header, [
        [e.held_on, e.title, label(choices.EVENT_KINDS, e.kind), e.capacity,
         sum(1 for p in e.participants if p.role == "participant"), sum(1 for p in e.participants if p.attended),
         sum(1 for p in e.participants if p.role == "speaker"), label(choices.MEETING_STATUSES, e.status)]
        for e in events]


def contests_sheet(today: date):
    rows = db.session.execute(contest_rows().limit(MAX_ROWS)).all()
    header = [_("Title"), _("Applications until"), _("Stages"), _("Applications")]
    return _("Contests"), header, [
        [c.title, c.applications_until, "; ".join(s.get("title", "") for s in c.stages or []), count]
        for c, count in rows]


def plans_sheet(today: date):
    """Every item of every plan, one a row, under its plan and the plan's approval."""
    items = db.session.scalars(select(PlanItem).options(joinedload(PlanItem.plan))
                               .join(WorkPlan, WorkPlan.id == PlanItem.plan_id)
                               .order_by(WorkPlan.starts_on.desc(), PlanItem.due_on, PlanItem.id).limit(MAX_ROWS))
    header = [_("Work plan"), _("Approved by"), _("Protocol No."), _("Date of the decision"), _("What"), _("When"),
              _("Responsible"), _("Form"), _("Target audience"), _("Status")]
    return _("Work plan"), header, [
        [i.plan.title, i.plan.approved_by_body, i.plan.protocol_number, i.plan.approved_on, i.what, i.due_on,
         i.responsible, i.form, i.audience, label(choices.PLAN_ITEM_STATUSES, i.status)] for i in items]


def school_statuses_sheet(today: date):
    statuses = db.session.scalars(school_status_rows().limit(MAX_ROWS))
    header = [_("School"), _("Status"), _("Theme"), _("From"), _("Until"), _("Basis (order, decision)")]
    return _("Schools' statuses"), header, [
        [s.school.short_name, label(choices.SCHOOL_STATUS_KINDS, s.kind), s.theme, s.starts_on, s.ends_on, s.basis]
        for s in statuses]


#: name → (permission, sheet builder)
EXPORTS = {
    "associations": ("community.manage", associations_sheet),
    "pairs": ("community.view_mentoring", pairs_sheet),
    "mentors": ("community.view_mentoring", mentors_sheet),
    "young-specialists": ("community.view_mentoring", young_sheet),
    "visits": ("community.visit_lessons", visits_sheet),
    "appeals": ("community.handle_appeals", appeals_sheet),
    "events": ("community.manage", events_sheet),
    "contests": ("community.manage", contests_sheet),
    "plans": ("community.manage", plans_sheet),
    "school-statuses": ("community.manage", school_statuses_sheet),
}
