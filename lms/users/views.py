"""Admin pages: the user directory, create/edit/deactivate, teacher import, the roles matrix."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms.auth.services import send_password_link
from lms.errors import ServiceError
from lms.extensions import db
from lms.forms import ActionForm, options
from lms.i18n import _, local_today
from lms.mail import MailError
from lms.spreadsheets import csv_bytes
from lms.users import importing, queries, services
from lms.users.choices import ROLES
from lms.users.forms import ImportForm, UserFilterForm, UserForm
from lms.users.models import User
from lms.users.permissions import (
    all_permissions,
    can_deactivate_user,
    can_edit_roles,
    can_manage_user,
    has_permission,
    permission_required,
)
from lms.web import download, get_or_404, paginate, save

bp = Blueprint("users", __name__)


def _profile_data(form: UserForm) -> services.ProfileData:
    return services.ProfileData(
        school_id=form.school_id.data, position=form.position.data or None,
        qualification_category=form.qualification_category.data,
        category_assigned_on=form.category_assigned_on.data, experience_years=form.experience_years.data,
        association_id=form.association_id.data,
        subjects=[s for s in (form.subjects.data or "").split(",") if s.strip()],
    )


def _fill_choices(form, user: User | None = None) -> None:
    profile = user.profile if user is not None else None
    form.school_id.choices = options(queries.school_choices(keep=profile and profile.school_id), blank="—")
    if hasattr(form, "association_id"):
        form.association_id.choices = options(
            queries.association_choices(keep=profile and profile.association_id), blank="—")


@bp.route("/")
@permission_required("users.view")
def index():
    form = UserFilterForm(request.args)
    _fill_choices(form)
    page = paginate(queries.user_directory(q=form.q.data, role=form.role.data or None, school_id=form.school_id.data,
                                           status=form.status.data or "active"))
    return render_template("users/index.html", form=form, page=page)


@bp.route("/<int:user_id>")
@permission_required("users.view")
def detail(user_id: int):
    user = get_or_404(User, user_id)
    return render_template("users/detail.html", user=user, action_form=ActionForm())


@bp.route("/new", methods=["GET", "POST"])
@permission_required("users.manage")
def create():
    form = UserForm()
    _fill_choices(form)
    if form.validate_on_submit():
        user = save(form, lambda: services.create_user(
            email=form.email.data, last_name=form.last_name.data, first_name=form.first_name.data,
            middle_name=form.middle_name.data, phone=form.phone.data, roles=set(form.roles.data),
            password=form.password.data or None, profile=_profile_data(form), actor=current_user))
        if user is not None:
            flash(_("The account of %(name)s has been created.", name=user.full_name), "success")
            if not form.password.data:
                _send_link(user)  # only once the account is committed
            return redirect(url_for("users.detail", user_id=user.id))
    return render_template("users/edit.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required("users.manage")
def edit(user_id: int):
    user = get_or_404(User, user_id, can_manage_user)
    form = UserForm(data=None if request.method == "POST" else _form_data(user))
    _fill_choices(form, user)
    del form.password
    roles_locked = not can_edit_roles(current_user, user)
    if roles_locked:
        form.roles.data = sorted(user.role_codes)
    if form.validate_on_submit() and save(form, lambda: services.update_user(
            user, version=form.version_value(), email=form.email.data, last_name=form.last_name.data,
            first_name=form.first_name.data, middle_name=form.middle_name.data, phone=form.phone.data,
            roles=None if roles_locked else set(form.roles.data), profile=_profile_data(form)), versioned=user):
        flash(_("Changes saved."), "success")
        return redirect(url_for("users.detail", user_id=user.id))
    return render_template("users/edit.html", form=form, user=user, roles_locked=roles_locked)


def _form_data(user: User) -> dict:
    """The values an edit form opens with."""
    profile = user.profile
    data = {
        "version": user.version, "last_name": user.last_name, "first_name": user.first_name,
        "middle_name": user.middle_name, "email": user.email, "phone": user.phone,
        "roles": sorted(user.role_codes),
    }
    if profile is not None:
        data.update(school_id=profile.school_id, position=profile.position or "",
                    qualification_category=profile.qualification_category,
                    category_assigned_on=profile.category_assigned_on,
                    experience_years=profile.experience_on(local_today()),
                    association_id=profile.association_id,
                    subjects=", ".join(s.name for s in profile.subjects))
    return data


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@permission_required("users.manage")
def deactivate(user_id: int):
    user = get_or_404(User, user_id, can_deactivate_user)
    if ActionForm().validate_on_submit():
        services.deactivate_user(user, actor=current_user)
        db.session.commit()
        flash(_("%(name)s can no longer sign in.", name=user.full_name), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.route("/<int:user_id>/activate", methods=["POST"])
@permission_required("users.manage")
def activate(user_id: int):
    user = get_or_404(User, user_id, can_manage_user)
    if ActionForm().validate_on_submit():
        services.activate_user(user)
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=user.full_name), "success")
    return redirect(url_for("users.detail", user_id=user.id))


@bp.route("/<int:user_id>/send-link", methods=["POST"])
@permission_required("users.manage")
def send_link(user_id: int):
    user = get_or_404(User, user_id, can_manage_user)
    if not user.active:
        abort(409)
    if ActionForm().validate_on_submit():
        _send_link(user)
    return redirect(url_for("users.detail", user_id=user.id))


def _send_link(user: User) -> None:
    try:
        send_password_link(user)
    except MailError as exc:
        flash(exc.message, "error")
    else:
        flash(_("A link to set a password has been sent to %(email)s.", email=user.email), "success")


@bp.route("/import", methods=["GET", "POST"])
@permission_required("users.import")
def import_teachers():
    form = ImportForm()
    report, file_error = None, None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = importing.parse(upload.stream, upload.filename or "", mode=form.mode.data,
                                     may_update_staff=has_permission(current_user, "users.manage"))
        except importing.ImportFileError as exc:
            file_error = str(exc)
        else:
            if report.ok and form.dry_run.data == "import":
                try:
                    importing.apply(report, actor=current_user)
                    db.session.commit()
                    report.committed = True
                except ServiceError as exc:  # e.g. an e-mail taken by another import meanwhile
                    db.session.rollback()
                    file_error = exc.message
                else:
                    flash(_("Import finished: %(created)d created, %(updated)d updated.",
                            created=report.created, updated=report.updated), "success")
    failed = bool(file_error or (report is not None and not report.ok))
    return render_template("users/import.html", form=form, report=report, file_error=file_error), \
        (400 if failed else 200)


@bp.route("/import/template.csv")
@permission_required("users.import")
def import_template():
    """A CSV with the expected header and one example row (UTF-8 with BOM, ';' as Excel in Russia expects)."""
    rows = [["Фамилия", "Имя", "Отчество", "E-mail", "Телефон", "ОО", "Должность", "Предметы", "Категория", "Стаж",
             "МО"],
            ["Иванова", "Мария", "Петровна", "ivanova@example.org", "8 (900) 000-00-00", "МБОУ СОШ № 1", "учитель",
             "Математика, Информатика", "первая", 12, ""]]
    return download(csv_bytes(rows), "teachers-template.csv", "text/csv")


@bp.route("/roles")
@permission_required("roles.view")
def roles():
    permissions = sorted(all_permissions().values(), key=lambda p: p.name)
    return render_template("users/roles.html", permissions=permissions, roles=ROLES)
