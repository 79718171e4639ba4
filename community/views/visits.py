"""Lesson visits (recorded by methodologists, seen by the visited teacher) and written appeals (sent by teachers
or registered by staff, answered by staff before the deadline)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from community import filters, queries
from community.blueprint import bp
from community.forms import AnswerForm, AppealForm, AppealRegisterForm, visit_form
from community.models import Appeal, LessonVisit
from community.permissions import can_edit_visit, can_see_appeal, can_see_visit
from community.services import visits as service
from lms.extensions import db
from lms.forms import options
from lms.i18n import _, local_today
from lms.users.models import User
from lms.users.permissions import has_permission, permission_required
from lms.web import arg_page, get_or_404, save


@bp.route("/visits/")
@permission_required("community.visit_lessons")
def visits():
    chosen = filters.visits(request.args)
    page = queries.visit_list(**chosen.values, page=request.args.get("page", 1, type=arg_page))
    return render_template("community/visits/index.html", form=chosen.form, page=page)


@bp.route("/visits/new", methods=["GET", "POST"])
@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@permission_required("community.visit_lessons")
def visit_edit(visit_id: int | None = None):
    visit = get_or_404(LessonVisit, visit_id, can_edit_visit) if visit_id else None
    criteria = ([item["criterion"] for item in visit.protocol] if visit and visit.protocol
                else list(current_app.config["COMMUNITY_VISIT_CRITERIA"]))
    if request.method == "GET":
        form = visit_form(criteria, obj=visit, data=None if visit else {"visited_on": local_today()})
        if visit:
            for entry, item in zip(form.protocol, visit.protocol, strict=False):
                entry.data = item.get("note", "")
    else:
        form = visit_form(criteria)
    form.teacher_id.choices = options(queries.teacher_choices(), blank="—")
    if form.validate_on_submit():
        data = service.VisitData(
            teacher_id=form.teacher_id.data, kind=form.kind.data, visited_on=form.visited_on.data,
            lesson=form.lesson.data or "", purpose=form.purpose.data or "",
            protocol=[{"criterion": c, "note": e.data or ""} for c, e in zip(criteria, form.protocol, strict=False)],
            recommendations=form.recommendations.data or "")
        saved = save(form, lambda: service.save_visit(visit, current_user, version=form.version_value(), data=data,
                                                      today=local_today()), versioned=visit)
        if saved is not None:
            flash(_("The visit has been recorded."), "success")
            return redirect(url_for("community.visit", visit_id=saved.id))
    return render_template("community/visits/edit.html", form=form, visit=visit)


@bp.route("/visits/<int:visit_id>")
@permission_required("community.view")
def visit(visit_id: int):
    visit = get_or_404(LessonVisit, visit_id, can_see_visit)
    return render_template("community/visits/detail.html", visit=visit)


@bp.route("/appeals/")
@permission_required("community.handle_appeals")
def appeals():
    chosen = filters.appeals(request.args, today=local_today())
    page = queries.appeal_list(**chosen.values, page=request.args.get("page", 1, type=arg_page))
    return render_template("community/appeals/index.html", form=chosen.form, page=page)


@bp.route("/appeals/new", methods=["GET", "POST"])
@permission_required("community.view")
def appeal_new():
    """A teacher writes their own appeal; staff register one received on paper, naming the teacher."""
    staff = has_permission(current_user, "community.handle_appeals")
    if not staff and not has_permission(current_user, "community.send_appeals"):
        abort(403)
    form = AppealRegisterForm() if staff else AppealForm()
    if staff:
        form.teacher_id.choices = options(queries.teacher_choices(), blank="—")
        if request.method == "GET":
            form.received_on.data = local_today()
    if form.validate_on_submit():
        teacher = db.session.get(User, form.teacher_id.data) if staff else current_user
        saved = save(form, lambda: service.submit_appeal(
            teacher, source="staff" if staff else "teacher", subject=form.subject.data, text=form.text.data,
            received_on=form.received_on.data if staff else local_today(),
            answer_days=current_app.config["COMMUNITY_APPEAL_DAYS"]))
        if saved is not None:
            flash(_("The appeal has been registered; the answer is due by %(date)s.",
                    date=f"{saved.due_on:%d.%m.%Y}"), "success")
            return redirect(url_for("community.appeal", appeal_id=saved.id))
    return render_template("community/appeals/new.html", form=form, staff=staff)


@bp.route("/appeals/<int:appeal_id>", methods=["GET", "POST"])
@permission_required("community.view")
def appeal(appeal_id: int):
    appeal = get_or_404(Appeal, appeal_id, can_see_appeal)
    form = None
    if has_permission(current_user, "community.handle_appeals"):
        form = AnswerForm(obj=appeal if request.method == "GET" else None)
        if request.method == "GET":
            form.upheld.data = {True: "yes", False: "no"}.get(appeal.upheld, "")
        if form.validate_on_submit():
            upheld = {"yes": True, "no": False}.get(form.upheld.data)
            if save(form, lambda: service.answer_appeal(appeal, current_user, version=form.version_value(),
                                                        answer=form.answer.data, upheld=upheld, today=local_today()),
                    versioned=appeal):
                flash(_("The answer has been saved."), "success")
                return redirect(url_for("community.appeal", appeal_id=appeal.id))
    elif request.method == "POST":
        abort(403)
    return render_template("community/appeals/detail.html", appeal=appeal, form=form)
