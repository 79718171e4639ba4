"""The annual work plan (items, the council's approval, each item's status), the materials library, the bank of
best practice with its review, and schools' statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from werkzeug.datastructures import FileStorage

from community.choices import (
    MATERIAL_KINDS,
    PLAN_ITEM_STATUSES,
    PLAN_LINKS,
    SCHOOL_LEVELS,
    SCHOOL_STATUS_KINDS,
)
from community.models import Contest, Material, Meeting, NetworkEvent, PlanItem, Practice, SchoolStatus, WorkPlan
from community.services import changed
from courses import api as courses_api
from lms import references, storage
from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version, utcnow
from lms.orgs.models import School
from lms.users.models import Subject, User, fold

#: Where library files are kept (lms.storage area).
MATERIALS_AREA = "community-library"
_LINKED = {"event": NetworkEvent, "contest": Contest, "meeting": Meeting}


def save_plan(plan: Optional[WorkPlan], *, version: int | None, title: str, starts_on: date,
              ends_on: date) -> WorkPlan:
    check_version(plan, version, changed())
    if ends_on < starts_on:
        raise ServiceError(_("The period ends before it starts."), field="ends_on")
    if plan is None:
        plan = WorkPlan()
        db.session.add(plan)
    plan.title, plan.starts_on, plan.ends_on = title, starts_on, ends_on
    plan.updated_at = utcnow()
    db.session.flush()
    return plan


def approve_plan(plan: WorkPlan, *, body: str, protocol_number: str, approved_on: date, today: date) -> WorkPlan:
    """Record the council's decision that approved the plan (body, protocol number and date)."""
    if approved_on > today:
        raise ServiceError(_("A decision cannot be dated in the future."), field="approved_on")
    if not plan.items:
        raise ServiceError(_("A plan without items cannot be approved."))
    plan.approved_by_body, plan.protocol_number, plan.approved_on = body, protocol_number, approved_on
    plan.updated_at = utcnow()
    db.session.flush()
    return plan


@dataclass
class ItemData:
    what: str
    due_on: date
    responsible: str
    form: str
    audience: str
    link_kind: Optional[str]
    link_id: Optional[int]
    status: str = "planned"


def save_item(plan: WorkPlan, item: Optional[PlanItem], *, version: int | None, data: ItemData) -> PlanItem:
    """Add or change an item; a link must name an existing event, contest or meeting."""
    check_version(item, version, changed())
    if data.status not in PLAN_ITEM_STATUSES:
        raise ServiceError(_("Unknown status."), field="status")
    if not plan.starts_on <= data.due_on <= plan.ends_on:
        raise ServiceError(_("The date falls outside the plan's period."), field="due_on")
    if data.link_kind is not None and not _exists(data.link_kind, data.link_id):
        raise ServiceError(_("The linked record does not exist."), field="link_id")
    if item is None:
        item = PlanItem()
        plan.items.append(item)
    item.what, item.due_on, item.responsible = data.what, data.due_on, data.responsible
    item.form, item.audience, item.status = data.form, data.audience, data.status
    item.link_kind, item.link_id = data.link_kind, data.link_id if data.link_kind else None
    item.updated_at = utcnow()
    db.session.flush()
    return item


def _exists(kind: str, ident: int | None) -> bool:
    if kind not in PLAN_LINKS or ident is None or not 0 < ident < 2**31:
        return False
    if kind == "programme":  # courses' catalogue, through its public interface
        return courses_api.programme_title(ident) is not None
    return db.session.get(_LINKED[kind], ident) is not None


@dataclass
class MaterialData:
    kind: str
    title: str
    description: str
    link: Optional[str]
    #: The framework's competency as its choice value (``framework:12``, see ``lms.references``); "" for none.
    competency: str
    subject_id: Optional[int]
    level: Optional[str]


def save_material(material: Optional[Material], *, version: int | None, data: MaterialData,
                  upload: FileStorage | None = None) -> Material:
    """A material needs a file or a link."""
    check_version(material, version, changed())
    if data.kind not in MATERIAL_KINDS or (data.level is not None and data.level not in SCHOOL_LEVELS):
        raise ServiceError(_("Unknown kind or level."), field="kind")
    ref = references.parse(data.competency) if data.competency else None
    competency = references.title_of("competency", *ref) if ref else ""
    if data.competency and not competency:
        raise ServiceError(_("There is no such competency in the framework; choose one from the list."),
                           field="competency")
    stored = _store(upload)
    has_file = stored is not None or (material is not None and material.file_key)
    if not data.link and not has_file:
        raise ServiceError(_("Attach a file or give a link."), field="link")
    if material is None:
        material = Material()
        db.session.add(material)
    material.kind, material.title, material.description = data.kind, data.title, data.description
    material.link, material.subject_id = data.link, data.subject_id
    # The title as of the tagging is kept beside the reference: the list and the search need no other plugin.
    material.competency, (material.competency_kind, material.competency_id) = competency[:120], ref or (None, None)
    material.level = data.level
    if stored is not None:
        material.file_key, material.file_name = stored.key, stored.original_name
    material.search_text = _search_text(data.title, data.description, competency, subject_id=data.subject_id)
    material.updated_at = utcnow()
    db.session.flush()
    return material


def _search_text(*parts: str, subject_id: Optional[int]) -> str:
    """What the library's and the bank's search looks in: the texts given and the subject's name (its tag)."""
    subject = db.session.get(Subject, subject_id) if subject_id else None
    return fold(" ".join([*parts, subject.name if subject else ""]))


def _store(upload: FileStorage | None):
    """The one call of lms.storage for library files."""
    if upload is None or not upload.filename:
        return None
    return storage.store(upload, MATERIALS_AREA)


def submit_practice(practice: Optional[Practice], author: User, *, version: int | None, title: str, summary: str,
                    link: Optional[str], subject_id: Optional[int]) -> Practice:
    """A teacher submits (or, once returned, resubmits) their practice for review."""
    check_version(practice, version, changed())
    if practice is not None and practice.status == "published":
        raise ServiceError(_("A published practice is not edited; ask the methodologist to return it."))
    if practice is None:
        practice = Practice(author_id=author.id)
        db.session.add(practice)
    practice.title, practice.summary, practice.link, practice.subject_id = title, summary, link, subject_id
    practice.status = "submitted"
    practice.search_text = _search_text(title, summary, author.full_name, subject_id=subject_id)
    practice.updated_at = utcnow()
    db.session.flush()
    return practice


def review_practice(practice: Practice, reviewer: User, *, version: int | None, publish: bool,
                    comment: str) -> Practice:
    """Publish the practice, or return it to the author with a comment (the comment is then required)."""
    check_version(practice, version, changed())
    if not publish and not comment.strip():
        raise ServiceError(_("Say what to improve when returning a practice."), field="comment")
    practice.status = "published" if publish else "returned"
    practice.review_comment, practice.reviewed_by_id = comment, reviewer.id
    practice.updated_at = utcnow()
    db.session.flush()
    return practice


def save_school_status(status: Optional[SchoolStatus], *, version: int | None, school_id: int, kind: str,
                       theme: str, starts_on: date, ends_on: date, basis: str) -> SchoolStatus:
    check_version(status, version, changed())
    if db.session.get(School, school_id) is None:
        raise ServiceError(_("Unknown school."), field="school_id")
    if kind not in SCHOOL_STATUS_KINDS:
        raise ServiceError(_("Unknown kind of status."), field="kind")
    if ends_on < starts_on:
        raise ServiceError(_("The period ends before it starts."), field="ends_on")
    if status is None:
        status = SchoolStatus()
        db.session.add(status)
    status.school_id, status.kind, status.theme = school_id, kind, theme
    status.starts_on, status.ends_on, status.basis = starts_on, ends_on, basis
    status.updated_at = utcnow()
    db.session.flush()
    return status
