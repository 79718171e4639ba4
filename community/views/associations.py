"""Associations: the list with filters, an association's page with members and meetings, editing, joining."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from community import filters, queries
from community.blueprint import bp
from community.forms import AssociationForm, MemberForm
from community.models import AssociationDetails
from community.permissions import can_lead, can_see_meetings
from community.services import associations as service
from lms.extensions import db
from lms.forms import ActionForm, options
from lms.i18n import _, local_today
from lms.orgs.models import MethodAssociation, Municipality
from lms.users import queries as user_queries
from lms.users.permissions import has_permission, permission_required
from lms.web import arg_page, get_or_404, save


@bp.route("/associations/")
@permission_required("community.view")
def associations():
    chosen = filters.associations(request.args, viewer=current_user)
    page = queries.association_list(**chosen.values, page=request.args.get("page", 1, type=arg_page))
    return render_template("community/associations/index.html", form=chosen.form, page=page)


def _association_choices(form: AssociationForm, association: MethodAssociation | None) -> None:
    form.municipality_id.choices = options(
        (m.id, m.name) for m in db.session.scalars(select(Municipality).order_by(Municipality.name)))
    form.school_id.choices = options(user_queries.school_choices(keep=association and association.school_id),
                                     blank="—")
    form.leader_id.choices = options(queries.people_choices(), blank="—")


@bp.route("/associations/new", methods=["GET", "POST"])
@bp.route("/associations/<int:association_id>/edit", methods=["GET", "POST"])
@permission_required("community.manage")
def association_edit(association_id: int | None = None):
    association = get_or_404(MethodAssociation, association_id) if association_id else None
    details = service.ensure_details(association) if association else None
    if details is not None and request.method == "GET":
        db.session.commit()  # a directory association opened here for the first time gets its details row
    form = AssociationForm(obj=details if request.method == "GET" else None)
    if request.method == "GET" and association is not None:
        form.name.data, form.municipality_id.data = association.name, association.municipality_id
        form.school_id.data, form.is_active.data = association.school_id, association.is_active
    _association_choices(form, association)
    if form.validate_on_submit():
        data = service.AssociationData(
            municipality_id=form.municipality_id.data, school_id=form.school_id.data, name=form.name.data,
            kind=form.kind.data, leader_id=form.leader_id.data, starts_on=form.starts_on.data,
            ends_on=form.ends_on.data, theme=form.theme.data or "", is_active=form.is_active.data)
        saved = save(form, lambda: service.save_association(details, version=form.version_value(), data=data),
                     versioned=details)
        if saved is not None:
            flash(_("The association has been saved."), "success")
            return redirect(url_for("community.association", association_id=saved.association_id))
    return render_template("community/associations/edit.html", form=form, association=association)


@bp.route("/associations/<int:association_id>")
@permission_required("community.view")
def association(association_id: int):
    association = get_or_404(MethodAssociation, association_id)
    details = queries.details_of(association_id)
    members = queries.members_of(association_id)
    member_ids = {m.user_id for m in members}
    leader = can_lead(current_user, details)
    member_form = None
    if leader:
        member_form = MemberForm()
        member_form.user_id.choices = options(
            [c for c in queries.teacher_choices() if c[0] not in member_ids], blank="—")
    meetings = queries.meetings_of(association_id) if can_see_meetings(current_user, details, member_ids) else None
    can_join = (has_permission(current_user, "community.join") and current_user.id not in member_ids
                and association.is_active and not (details and details.ends_on and details.ends_on < local_today()))
    return render_template("community/associations/detail.html", association=association, details=details,
                           members=members, member_ids=member_ids, meetings=meetings, member_form=member_form,
                           leader=leader, can_join=can_join, action_form=ActionForm())


def _details_or_404(association_id: int, rule=None) -> AssociationDetails:
    association = get_or_404(MethodAssociation, association_id)
    details = queries.details_of(association_id)
    if rule is not None and not rule(current_user, details):
        abort(403)
    return details or service.ensure_details(association)


@bp.route("/associations/<int:association_id>/join", methods=["POST"])
@permission_required("community.join")
def join(association_id: int):
    details = _details_or_404(association_id)
    form = ActionForm()
    if form.validate_on_submit() and save(form, lambda: service.join(details, current_user, today=local_today())):
        flash(_("You are a member of «%(name)s».", name=details.association.name), "success")
    return redirect(url_for("community.association", association_id=association_id))


@bp.route("/associations/<int:association_id>/leave", methods=["POST"])
@permission_required("community.view")
def leave(association_id: int):
    association = get_or_404(MethodAssociation, association_id)
    form = ActionForm()
    if form.validate_on_submit():
        left = save(form, lambda: service.remove_member(association, current_user.id))
        if left:
            flash(_("You have left «%(name)s».", name=association.name), "success")
        elif left is False:  # a second click, or a leader removed them meanwhile
            flash(_("You are not a member of «%(name)s».", name=association.name), "info")
    return redirect(url_for("community.association", association_id=association_id))


@bp.route("/associations/<int:association_id>/members", methods=["POST"])
@permission_required("community.view")
def add_member(association_id: int):
    details = _details_or_404(association_id, can_lead)
    form = MemberForm()
    form.user_id.choices = options(queries.teacher_choices(), blank="—")
    if not form.validate_on_submit() or form.user_id.data is None:
        flash(_("Choose a teacher to add."), "error")
    else:
        from lms.users.models import User

        teacher = db.session.get(User, form.user_id.data)
        if save(form, lambda: service.add_member(details.association, teacher, today=local_today())):
            flash(_("%(name)s is now a member.", name=teacher.full_name), "success")
    return redirect(url_for("community.association", association_id=association_id))


@bp.route("/associations/<int:association_id>/members/<int:user_id>/remove", methods=["POST"])
@permission_required("community.view")
def remove_member(association_id: int, user_id: int):
    details = _details_or_404(association_id, can_lead)
    form = ActionForm()
    if form.validate_on_submit():
        removed = save(form, lambda: service.remove_member(details.association, user_id))
        if removed:
            flash(_("The member has been removed."), "success")
        elif removed is False:
            flash(_("This person is not a member any more."), "info")
    return redirect(url_for("community.association", association_id=association_id))
