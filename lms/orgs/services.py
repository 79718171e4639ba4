"""Creating and editing municipalities, schools and methodological associations."""

from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from lms.errors import ServiceError
from lms.extensions import db
from lms.i18n import _
from lms.models.mixins import check_version
from lms.orgs.models import MethodAssociation, Municipality, School


def _changed() -> str:
    """What a stale form is told (translated when raised, in the user's language)."""
    return _("This record was changed by someone else while you were editing it, so your changes were not "
             "saved. Check the current data in the list; saving this form again will replace it with what you "
             "see here.")


def save_municipality(municipality: Optional[Municipality], *, version: int | None, name: str,
                      oktmo: str | None) -> Municipality:
    """Create (``municipality`` None) or update a municipality opened at ``version``; names are unique."""
    check_version(municipality, version, _changed())
    clash = db.session.scalar(select(Municipality).where(Municipality.name == name))
    if clash is not None and clash is not municipality:
        raise ServiceError(_("A municipality with this name already exists."), field="name")
    if municipality is None:
        municipality = Municipality()
        db.session.add(municipality)
    municipality.name, municipality.oktmo = name, oktmo or None
    db.session.flush()
    return municipality


def save_school(school: Optional[School], *, version: int | None, municipality_id: int, name: str,
                short_name: str, code: str | None, address: str | None, is_active: bool) -> School:
    """Create (``school`` None) or update a school opened at ``version``.

    :raises ConflictError: the school changed since the form was opened.
    :raises ServiceError: unknown municipality, duplicate name in it, or duplicate code.
    """
    check_version(school, version, _changed())
    if db.session.get(Municipality, municipality_id) is None:
        raise ServiceError(_("Unknown municipality."), field="municipality_id")
    clash = db.session.scalar(select(School).where(School.municipality_id == municipality_id, School.name == name))
    if clash is not None and clash is not school:
        raise ServiceError(_("This municipality already has a school with this name."), field="name")
    if code:
        clash = db.session.scalar(select(School).where(School.code == code))
        if clash is not None and clash is not school:
            raise ServiceError(_("Another school already has this code."), field="code")
    if school is None:
        school = School()
        db.session.add(school)
    school.municipality_id, school.name, school.short_name = municipality_id, name, short_name
    school.code, school.address, school.is_active = code or None, address or None, is_active
    db.session.flush()
    return school


def save_association(association: Optional[MethodAssociation], *, version: int | None, municipality_id: int,
                     school_id: int | None, name: str, is_active: bool) -> MethodAssociation:
    """Create or update an association opened at ``version``; a school's МО must be in its municipality."""
    check_version(association, version, _changed())
    if db.session.get(Municipality, municipality_id) is None:
        raise ServiceError(_("Unknown municipality."), field="municipality_id")
    if school_id is not None:
        school = db.session.get(School, school_id)
        if school is None or school.municipality_id != municipality_id:
            raise ServiceError(_("The school is not in this municipality."), field="school_id")
    clash = db.session.scalar(select(MethodAssociation).where(
        MethodAssociation.municipality_id == municipality_id, MethodAssociation.name == name))
    if clash is not None and clash is not association:
        raise ServiceError(_("This municipality already has an association with this name."), field="name")
    if association is None:
        association = MethodAssociation()
        db.session.add(association)
    association.municipality_id, association.school_id = municipality_id, school_id
    association.name, association.is_active = name, is_active
    db.session.flush()
    return association
