"""The annual work plan (staff keep it, the council approves it), the materials library and the best-practice
bank (teachers submit, methodologists review, everyone reads what is published), and schools' statuses."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community import filters, queries
from community.blueprint import bp
from community.forms import (
    ApprovalForm,
    MaterialForm,
    PlanForm,
    PlanItemForm,
    PracticeForm,
    ReviewForm,
    SchoolStatusForm,
)
from community.models import Material, PlanItem, Practice, SchoolStatus, WorkPlan
from community.permissions import can_see_practice
from community.services import library as service
from lms import references, storage
from lms.forms import options
from lms.i18n import _, local_today
from lms.users import queries as user_queries
from lms.users.permissions import has_permission, permission_required
from lms.web import arg_page, get_or_404, save


@bp.route("/plans/")
@permission_required("community.view")
def plans():
    chosen = filters.period(request.args)
    return render_template("community/plans/index.html", form=chosen.form,
                           page=queries.plans(**chosen.values, page=request.args.get("page", 1, type=arg_page)))


@bp.route("/plans/new", methods=["GET", "POST"])
@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@permission_required("community.manage")
def plan_edit(plan_id: int | None = None):
    plan = get_or_404(WorkPlan, plan_id) if plan_id else None
    form = PlanForm(obj=plan if request.method == "GET" else None)
    if form.validate_on_submit():
        saved = save(form, lambda: service.save_plan(plan, version=form.version_value(), title=form.title.data,
                                                     starts_on=form.starts_on.data, ends_on=form.ends_on.data),
                     versioned=plan)
        if saved is not None:
            flash(_("The plan has been saved."), "success")
            return redirect(url_for("community.plan", plan_id=saved.id))
    return render_template("community/plans/edit.html", form=form, plan=plan)


@bp.route("/plans/<int:plan_id>")
@permission_required("community.view")
def plan(plan_id: int):
    plan = queries.plan_with_items(plan_id) or abort(404)
    manage = has_permission(current_user, "community.manage")
    return render_template("community/plans/detail.html", plan=plan, manage=manage,
                           item_form=PlanItemForm(formdata=None) if manage else None,
                           approval_form=ApprovalForm(formdata=None) if manage else None)


@bp.route("/plans/<int:plan_id>/approve", methods=["POST"])
@permission_required("community.manage")
def plan_approve(plan_id: int):
    plan = get_or_404(WorkPlan, plan_id)
    form = ApprovalForm()
    if form.validate_on_submit() and save(form, lambda: service.approve_plan(
            plan, body=form.body.data, protocol_number=form.protocol_number.data,
            approved_on=form.approved_on.data, today=local_today())):
        flash(_("The plan's approval has been recorded."), "success")
    _flash_errors(form)
    return redirect(url_for("community.plan", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/items/new", methods=["GET", "POST"])
@bp.route("/plans/items/<int:item_id>/edit", methods=["GET", "POST"])
@permission_required("community.manage")
def plan_item_edit(plan_id: int | None = None, item_id: int | None = None):
    item = get_or_404(PlanItem, item_id) if item_id else None
    plan = item.plan if item else get_or_404(WorkPlan, plan_id)
    form = PlanItemForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        data = service.ItemData(what=form.what.data, due_on=form.due_on.data, responsible=form.responsible.data or "",
                                form=form.form.data or "", audience=form.audience.data or "",
                                link_kind=form.link_kind.data or None, link_id=form.link_id.data,
                                status=form.status.data)
        saved = save(form, lambda: service.save_item(plan, item, version=form.version_value(), data=data),
                     versioned=item)
        if saved is not None:
            flash(_("The plan item has been saved."), "success")
            return redirect(url_for("community.plan", plan_id=plan.id))
    return render_template("community/plans/item.html", form=form, plan=plan, item=item)


@bp.route("/library/")
@permission_required("community.view")
def library():
    chosen = filters.library(request.args, queries.subject_choices())
    page = queries.material_list(**chosen.values, page=request.args.get("page", 1, type=arg_page))
    return render_template("community/library/index.html", form=chosen.form, page=page)


@bp.route("/library/new", methods=["GET", "POST"])
@bp.route("/library/<int:material_id>/edit", methods=["GET", "POST"])
@permission_required("community.manage")
def material_edit(material_id: int | None = None):
    material = get_or_404(Material, material_id) if material_id else None
    form = MaterialForm(obj=material if request.method == "GET" else None)
    form.competency.choices = options(references.choices("competency"), blank="—")
    if request.method == "GET":
        form.competency.data = (references.value_of(material.competency_kind, material.competency_id)
                                if material and material.competency_kind else "")
    form.subject_id.choices = options(queries.subject_choices(), blank="—")
    if form.validate_on_submit():
        data = service.MaterialData(kind=form.kind.data, title=form.title.data,
                                    description=form.description.data or "", link=form.link.data or None,
                                    competency=form.competency.data or "", subject_id=form.subject_id.data,
                                    level=form.level.data or None)
        saved = save(form, lambda: service.save_material(material, version=form.version_value(), data=data,
                                                         upload=form.file.data), versioned=material)
        if saved is not None:
            flash(_("The material has been saved."), "success")
            return redirect(url_for("community.library"))
    return render_template("community/library/edit.html", form=form, material=material)


@bp.route("/library/<int:material_id>/file")
@permission_required("community.view")
def material_file(material_id: int):
    material = get_or_404(Material, material_id)
    return storage.send(material.file_key, material.file_name)


@bp.route("/practice/")
@permission_required("community.view")
def practices():
    chosen = filters.practices(request.args, viewer=current_user)
    page = queries.practice_list(**chosen.values, page=request.args.get("page", 1, type=arg_page))
    return render_template("community/practice/index.html", page=page, form=chosen.form,
                           review=chosen.values["status"] == "submitted", mine=queries.practices_of(current_user.id))


@bp.route("/practice/new", methods=["GET", "POST"])
@bp.route("/practice/<int:practice_id>/edit", methods=["GET", "POST"])
@permission_required("community.take_part")
def practice_edit(practice_id: int | None = None):
    practice = get_or_404(Practice, practice_id, lambda user, p: p.author_id == user.id) if practice_id else None
    form = PracticeForm(obj=practice if request.method == "GET" else None)
    form.subject_id.choices = options(queries.subject_choices(), blank="—")
    if form.validate_on_submit():
        saved = save(form, lambda: service.submit_practice(
            practice, current_user, version=form.version_value(), title=form.title.data, summary=form.summary.data,
            link=form.link.data or None, subject_id=form.subject_id.data), versioned=practice)
        if saved is not None:
            flash(_("Your practice has been sent for review."), "success")
            return redirect(url_for("community.practice", practice_id=saved.id))
    return render_template("community/practice/edit.html", form=form, practice=practice)


@bp.route("/practice/<int:practice_id>", methods=["GET", "POST"])
@permission_required("community.view")
def practice(practice_id: int):
    practice = get_or_404(Practice, practice_id, can_see_practice)
    form = None
    if has_permission(current_user, "community.review_practice") and practice.author_id != current_user.id:
        form = ReviewForm(obj=practice if request.method == "GET" else None)
        if form.validate_on_submit() and save(form, lambda: service.review_practice(
                practice, current_user, version=form.version_value(), publish=form.decision.data == "publish",
                comment=form.comment.data or ""), versioned=practice):
            flash(_("The review has been saved."), "success")
            return redirect(url_for("community.practice", practice_id=practice.id))
    elif request.method == "POST":
        abort(403)
    return render_template("community/practice/detail.html", practice=practice, form=form)


@bp.route("/school-statuses/")
@permission_required("community.view")
def school_statuses():
    chosen = filters.period(request.args)
    return render_template("community/statuses/index.html", form=chosen.form, page=queries.school_statuses(
        **chosen.values, page=request.args.get("page", 1, type=arg_page)))


@bp.route("/school-statuses/new", methods=["GET", "POST"])
@bp.route("/school-statuses/<int:status_id>/edit", methods=["GET", "POST"])
@permission_required("community.manage")
def school_status_edit(status_id: int | None = None):
    status = get_or_404(SchoolStatus, status_id) if status_id else None
    form = SchoolStatusForm(obj=status if request.method == "GET" else None)
    form.school_id.choices = options(user_queries.school_choices(keep=status and status.school_id), blank="—")
    if form.validate_on_submit():
        saved = save(form, lambda: service.save_school_status(
            status, version=form.version_value(), school_id=form.school_id.data, kind=form.kind.data,
            theme=form.theme.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            basis=form.basis.data or ""), versioned=status)
        if saved is not None:
            flash(_("The school's status has been saved."), "success")
            return redirect(url_for("community.school_statuses"))
    return render_template("community/statuses/edit.html", form=form, status=status)


def _flash_errors(form) -> None:
    from community.views.mentoring import _flash_errors as flash_errors

    flash_errors(form)
