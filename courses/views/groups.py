"""Study groups: staff form them and decide applications, the head approves by order, teachers apply."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from courses import queries
from courses.blueprint import bp
from courses.exports import group_list_xlsx
from courses.forms import AddMembersForm, ApproveForm, AssignModuleForm, GroupForm
from courses.models import Enrolment, Group, Module, Programme
from courses.permissions import can_view_group, can_withdraw
from courses.services import groups as service
from lms.extensions import db
from lms.forms import ActionForm, options
from lms.i18n import _
from lms.orgs.models import MethodAssociation
from lms.users.models import User, UserRole, fold
from lms.users.permissions import has_permission, permission_required
from lms.web import arg_id, download, get_or_404, save


@bp.route("/groups/")
@permission_required("courses.view_groups")
def groups():
    mine_only = not has_permission(current_user, "courses.manage_groups")
    page = queries.groups_overview(tutor_id=current_user.id if mine_only else None)
    return render_template("courses/groups/index.html", page=page, mine_only=mine_only)


@bp.route("/groups/<int:group_id>")
@permission_required("courses.view_groups")
def group(group_id: int):
    return _group_page(group_id)


def _group_page(group_id: int, members: AddMembersForm | None = None, approve: ApproveForm | None = None):
    """The group's page; a form refused is shown again with its messages at its fields."""
    item = queries.group_with_members(group_id)
    if item is None:
        abort(404)
    if not can_view_group(current_user, item):
        abort(403)
    members, q, more = members or AddMembersForm(formdata=None), (request.args.get("q") or "").strip()[:100], False
    if has_permission(current_user, "courses.manage_groups"):
        found, more = queries.teacher_candidates(q, exclude={e.user_id for e in item.enrolments})
        members.user_ids.choices = [(user.id, _candidate_label(user)) for user in found]
    # Each list in the order of a register: «Фамилия Имя Отчество», alphabetically.
    lists = {status: sorted((e for e in item.enrolments if e.status == status),
                            key=lambda e: (fold(e.user.full_name), e.user.id))
             for status in ("applied", "enrolled", "waiting")}
    return render_template("courses/groups/detail.html", group=item, lists=lists, modules=queries.group_modules(item),
                           members_form=members, q=q, more=more, approve_form=approve or ApproveForm(formdata=None),
                           action_form=ActionForm())


def _candidate_label(user: User) -> str:
    school = user.profile.school.short_name if user.profile and user.profile.school else None
    return f"{user.full_name} — {school}" if school else user.full_name


def _teacher_choices(exclude: set[int] = frozenset()):
    rows = db.session.execute(select(User.id, User.last_name, User.first_name, User.middle_name)
                              .join(UserRole).where(UserRole.role == "teacher", User.active.is_(True))
                              .order_by(User.last_name, User.first_name))
    return [(r.id, " ".join(p for p in (r.last_name, r.first_name, r.middle_name) if p))
            for r in rows if r.id not in exclude]


@bp.route("/groups/new", methods=["GET", "POST"])
@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@permission_required("courses.manage_groups")
def group_edit(group_id: int | None = None):
    item = get_or_404(Group, group_id) if group_id else None
    form = GroupForm(obj=item if request.method == "GET" else None)
    if request.method == "GET" and item is None and request.args.get("programme_id", type=arg_id):
        form.programme_id.data = request.args.get("programme_id", type=arg_id)
    form.programme_id.choices = options((p.id, p.title) for p in db.session.scalars(
        select(Programme).where(Programme.status != "archived").order_by(Programme.title)))
    form.association_id.choices = options(((a.id, a.name) for a in db.session.scalars(
        select(MethodAssociation).where(MethodAssociation.is_active.is_(True)).order_by(MethodAssociation.name))),
        blank="—")
    form.tutor_id.choices = options(queries.tutor_choices(), blank="—")
    if form.validate_on_submit():
        data = service.GroupData(
            programme_id=form.programme_id.data, name=form.name.data, source=form.source.data,
            association_id=form.association_id.data, tutor_id=form.tutor_id.data, capacity=form.capacity.data,
            starts_on=form.starts_on.data, ends_on=form.ends_on.data)
        saved = save(form, lambda: service.save_group(item, version=form.version_value(), data=data,
                                                      actor=current_user), versioned=item)
        if saved is not None:
            flash(_("The group has been saved."), "success")
            return redirect(url_for("courses.group", group_id=saved.id))
    return render_template("courses/groups/edit.html", form=form, group=item)


@bp.route("/groups/<int:group_id>/apply", methods=["POST"])
@permission_required("courses.apply_to_groups")
def group_apply(group_id: int):
    item = get_or_404(Group, group_id)
    form = ActionForm()
    if form.validate_on_submit() and save(form, lambda: service.apply(item, current_user)):
        flash(_("Your application has been sent. The distance-learning centre will decide on it."), "success")
    return redirect(url_for("courses.programme", programme_id=item.programme_id))


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
@permission_required("courses.manage_groups")
def group_add_members(group_id: int):
    item = get_or_404(Group, group_id)
    form = AddMembersForm()
    form.user_ids.choices = options(_teacher_choices())
    if not form.validate_on_submit():
        return _group_page(item.id, members=form), 400  # the page again, the message at the list
    teachers = list(db.session.scalars(select(User).where(User.id.in_(form.user_ids.data))))
    added = save(form, lambda: service.add_members(item, teachers, current_user))
    if added is not None:
        flash(_("Teachers added; those beyond the places are on the waiting list."), "success")
        if added.kept_waiting:
            flash(_("Already on the waiting list, keeping their place in it: %(names)s.",
                    names=", ".join(teacher.full_name for teacher in added.kept_waiting)), "info")
    return redirect(url_for("courses.group", group_id=item.id))


@bp.route("/enrolments/<int:enrolment_id>/<decision>", methods=["POST"])
@permission_required("courses.manage_groups")
def enrolment_decide(enrolment_id: int, decision: str):
    if decision not in ("accept", "reject"):
        abort(404)
    enrolment = get_or_404(Enrolment, enrolment_id)
    form = ActionForm()
    if form.validate_on_submit():
        save(form, lambda: service.decide(enrolment, decision == "accept", current_user))
    return redirect(url_for("courses.group", group_id=enrolment.group_id))


@bp.route("/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@permission_required("courses.view")
def enrolment_withdraw(enrolment_id: int):
    enrolment = get_or_404(Enrolment, enrolment_id, can_withdraw)
    form = ActionForm()
    if form.validate_on_submit() and save(form, lambda: service.withdraw(enrolment, current_user)):
        flash(_("Done: the place is free."), "success")
    if has_permission(current_user, "courses.manage_groups"):
        return redirect(url_for("courses.group", group_id=enrolment.group_id))
    return redirect(url_for("courses.programme", programme_id=enrolment.group.programme_id))


@bp.route("/groups/<int:group_id>/approve", methods=["POST"])
@permission_required("courses.approve_groups")
def group_approve(group_id: int):
    item = get_or_404(Group, group_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _group_page(item.id, approve=form), 400
    if save(form, lambda: service.approve(item, order_number=form.order_number.data,
                                          order_date=form.order_date.data, actor=current_user)):
        flash(_("The group list is approved."), "success")
    elif form.errors:  # the service named the field
        return _group_page(item.id, approve=form), 400
    return redirect(url_for("courses.group", group_id=item.id))


@bp.route("/groups/<int:group_id>/list.xlsx")
@permission_required("courses.view_groups")
def group_export(group_id: int):
    item = queries.group_with_members(group_id)
    if item is None:
        abort(404)
    if not can_view_group(current_user, item):
        abort(403)
    order = {"enrolled": 0, "waiting": 1, "applied": 2}
    listed = sorted((e for e in item.enrolments if e.status in order),
                    key=lambda e: (order[e.status], e.user.last_name, e.user.first_name))
    return download(group_list_xlsx(item, listed), f"group-{item.id}.xlsx")


@bp.route("/modules/<int:module_id>/assign", methods=["GET", "POST"])
@permission_required("courses.manage_groups")
def module_assign(module_id: int):
    module = get_or_404(Module, module_id)
    form = AssignModuleForm()
    form.group_id.choices = options(((g.id, g.name) for g in db.session.scalars(
        select(Group).where(Group.programme_id == module.programme_id, Group.status != "finished")
        .order_by(Group.name))), blank="—")
    form.user_id.choices = options(_teacher_choices(), blank="—")
    if form.validate_on_submit():
        target_user = db.session.get(User, form.user_id.data) if form.target.data == "user" and form.user_id.data \
            else None
        target_group = db.session.get(Group, form.group_id.data) if form.target.data == "group" and form.group_id.data \
            else None
        if save(form, lambda: service.assign_module(module, due_on=form.due_on.data, actor=current_user,
                                                    user=target_user, group=target_group)):
            flash(_("The module has been assigned."), "success")
            return redirect(url_for("courses.programme", programme_id=module.programme_id))
    return render_template("courses/groups/assign.html", form=form, module=module)
