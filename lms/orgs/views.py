"""Pages for municipalities, schools and methodological associations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from lms.extensions import db
from lms.forms import options
from lms.i18n import _
from lms.orgs import services
from lms.orgs.forms import AssociationForm, MunicipalityForm, SchoolForm
from lms.orgs.models import MethodAssociation, Municipality, School
from lms.users.models import TeacherProfile, User
from lms.users.permissions import permission_required
from lms.web import get_or_404, paginate, save

bp = Blueprint("orgs", __name__)


def _municipality_choices():
    return options((m.id, m.name) for m in db.session.scalars(select(Municipality).order_by(Municipality.name)))


@bp.route("/schools")
@permission_required("orgs.view")
def schools():
    teachers = (select(TeacherProfile.school_id, func.count().label("n")).join(User)
                .where(User.active.is_(True)).group_by(TeacherProfile.school_id).subquery())
    page = paginate(select(School, func.coalesce(teachers.c.n, 0))
                    .outerjoin(teachers, teachers.c.school_id == School.id)
                    .options(joinedload(School.municipality))
                    .order_by(School.is_active.desc(), School.short_name, School.id))
    return render_template("orgs/schools.html", page=page)


@bp.route("/schools/new", methods=["GET", "POST"])
@bp.route("/schools/<int:school_id>/edit", methods=["GET", "POST"])
@permission_required("orgs.manage")
def school_edit(school_id: int | None = None):
    school = get_or_404(School, school_id) if school_id else None
    form = SchoolForm(obj=school if request.method == "GET" else None)
    form.municipality_id.choices = _municipality_choices()
    if form.validate_on_submit() and save(form, lambda: services.save_school(
            school, version=form.version_value(),
            municipality_id=form.municipality_id.data, name=form.name.data, short_name=form.short_name.data,
            code=form.code.data, address=form.address.data, is_active=form.is_active.data), versioned=school):
        flash(_("The school has been saved."), "success")
        return redirect(url_for("orgs.schools"))
    return render_template("orgs/school_edit.html", form=form, school=school)


@bp.route("/municipalities")
@permission_required("orgs.view")
def municipalities():
    counts = dict(db.session.execute(
        select(School.municipality_id, func.count()).group_by(School.municipality_id)).all())
    items = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    return render_template("orgs/municipalities.html", items=items, counts=counts)


@bp.route("/municipalities/new", methods=["GET", "POST"])
@bp.route("/municipalities/<int:municipality_id>/edit", methods=["GET", "POST"])
@permission_required("orgs.manage")
def municipality_edit(municipality_id: int | None = None):
    municipality = get_or_404(Municipality, municipality_id) if municipality_id else None
    form = MunicipalityForm(obj=municipality if request.method == "GET" else None)
    if form.validate_on_submit() and save(
            form, lambda: services.save_municipality(municipality, version=form.version_value(),
                                                     name=form.name.data, oktmo=form.oktmo.data),
            versioned=municipality):
        flash(_("The municipality has been saved."), "success")
        return redirect(url_for("orgs.municipalities"))
    return render_template("orgs/municipality_edit.html", form=form, municipality=municipality)


@bp.route("/associations")
@permission_required("orgs.view")
def associations():
    items = db.session.scalars(select(MethodAssociation).options(
        joinedload(MethodAssociation.municipality), joinedload(MethodAssociation.school))
        .order_by(MethodAssociation.name)).all()
    return render_template("orgs/associations.html", items=items)


@bp.route("/associations/new", methods=["GET", "POST"])
@bp.route("/associations/<int:association_id>/edit", methods=["GET", "POST"])
@permission_required("orgs.manage")
def association_edit(association_id: int | None = None):
    association = get_or_404(MethodAssociation, association_id) if association_id else None
    form = AssociationForm(obj=association if request.method == "GET" else None)
    form.municipality_id.choices = _municipality_choices()
    form.school_id.choices = options(
        ((s.id, s.short_name) for s in db.session.scalars(select(School).order_by(School.short_name))), blank="—")
    if form.validate_on_submit() and save(form, lambda: services.save_association(
            association, version=form.version_value(), municipality_id=form.municipality_id.data,
            school_id=form.school_id.data, name=form.name.data, is_active=form.is_active.data),
            versioned=association):
        flash(_("The association has been saved."), "success")
        return redirect(url_for("orgs.associations"))
    return render_template("orgs/association_edit.html", form=form, association=association)
