"""Staff define diagnostics: framework version, competencies, mode and limits, window, who takes them."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from assessments.blueprint import bp
from assessments.forms import DiagnosticForm
from assessments.models import Attempt, Competency, Diagnostic, Framework
from assessments.services import setup
from courses import api as courses_api
from lms.errors import ServiceError
from lms.extensions import db
from lms.forms import ActionForm, options
from lms.i18n import _, _n
from lms.models.mixins import check_version
from lms.users.models import User
from lms.users.permissions import permission_required
from lms.web import get_or_404, paginate, save


@bp.route("/diagnostics/")
@permission_required("assessments.manage")
def diagnostics():
    page = paginate(select(Diagnostic).order_by(Diagnostic.opens_on.desc(), Diagnostic.id.desc()))
    counts = dict(db.session.execute(select(Attempt.diagnostic_id, func.count()).where(
        Attempt.status == "finished", Attempt.diagnostic_id.in_([d.id for d in page.items]))
        .group_by(Attempt.diagnostic_id)).all())
    return render_template("assessments/manage/index.html", page=page, finished=counts, form=ActionForm(),
                           status_labels=setup.STATUSES)


@bp.route("/diagnostics/new", methods=["GET", "POST"])
@bp.route("/diagnostics/<int:diagnostic_id>/edit", methods=["GET", "POST"])
@permission_required("assessments.manage")
def diagnostic_edit(diagnostic_id: int | None = None):
    item = get_or_404(Diagnostic, diagnostic_id) if diagnostic_id else None
    framework = item.framework if item else db.session.scalar(select(Framework).where(Framework.current.is_(True)))
    if framework is None:
        flash(_("Load a competency framework first."), "error")
        return redirect(url_for("assessments.framework"))
    form = DiagnosticForm(obj=item if request.method == "GET" else None)
    competencies = db.session.scalars(select(Competency).where(Competency.framework_id == framework.id)
                                      .order_by(Competency.id)).all()
    form.competency_ids.choices = options((c.id, f"{c.code} {c.title}") for c in competencies)
    form.group_ids.choices = options((g.id, g.name) for g in courses_api.running_groups())
    if request.method == "GET":
        if item is not None:
            form.competency_ids.data = [c.id for c in item.competencies]
            form.group_ids.data = [a.group_id for a in item.audience if a.group_id]
            form.pilot_percent.data = round(item.pilot_share * 100)
            form.exposure_percent.data = round((item.max_exposure or 1.0) * 100)
            form.emails.data = "\n".join(db.session.scalars(select(User.email).where(
                User.id.in_([a.user_id for a in item.audience if a.user_id])).order_by(User.email)))
        else:
            form.competency_ids.data = [c.id for c in competencies]
    if form.validate_on_submit():
        chosen = [c for c in competencies if c.id in set(form.competency_ids.data)]
        saved = save(form, lambda: _save(item, form, framework, chosen), versioned=item)
        if saved is not None:
            flash(_("The diagnostic has been saved."), "success")
            if warning := _shallow_warning(saved):
                flash(warning, "warning")
            return redirect(url_for("assessments.diagnostics"))
    return render_template("assessments/manage/edit.html", form=form, diagnostic=item, framework=framework,
                           shallow=_shallow_warning(item) if item is not None else None)


def _shallow_warning(diagnostic: Diagnostic) -> str | None:
    shallow = setup.shallow_competencies(diagnostic)
    if not shallow:
        return None
    listed = "; ".join(_n("%(code)s: %(num)d question", "%(code)s: %(num)d questions", n, code=c.code)
                       for c, n in shallow)
    return _("A question may reach %(rate)d %% of the teachers, so these competencies have too few questions to give "
             "each teacher up to %(max)d and their best questions will often be held back, at a loss of accuracy: "
             "%(list)s. Add questions to the bank or raise the share.",
             rate=round(diagnostic.max_exposure * 100), max=diagnostic.max_per_competency, list=listed)


def _save(item, form, framework, chosen):
    check_version(item, form.version_value(), _("This diagnostic was changed by someone else while you were "
                                                 "editing it, so your changes were not saved. Saving this form "
                                                 "again will replace them."))
    emails = [e.strip().lower() for e in (form.emails.data or "").splitlines() if e.strip()]
    found = dict(db.session.execute(select(func.lower(User.email), User.id).where(
        func.lower(User.email).in_(emails))).all()) if emails else {}
    unknown = [e for e in emails if e not in found]
    if unknown:
        raise ServiceError(_("No account has these addresses: %(list)s", list=", ".join(unknown[:10])), "emails")
    data = setup.DiagnosticData(
        title=form.title.data, description=form.description.data or "", opens_on=form.opens_on.data,
        closes_on=form.closes_on.data, competencies=chosen, mode=form.mode.data,
        min_per_competency=form.min_per_competency.data, max_per_competency=form.max_per_competency.data,
        max_items=form.max_items.data, time_limit_minutes=form.time_limit_minutes.data,
        self_assessment=form.self_assessment.data, pilot_share=form.pilot_percent.data / 100,
        max_exposure=form.exposure_percent.data / 100,
        user_ids=[found[e] for e in emails], group_ids=list(form.group_ids.data or []))
    diagnostic = setup.save_diagnostic(framework, data, current_user, item)
    db.session.add(diagnostic)
    return diagnostic


@bp.route("/diagnostics/<int:diagnostic_id>/status/<status>", methods=["POST"])
@permission_required("assessments.manage")
def diagnostic_status(diagnostic_id: int, status: str):
    item = get_or_404(Diagnostic, diagnostic_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if save(form, lambda: setup.set_status(item, status) or item):
        flash(_("The diagnostic is now «%(status)s».", status=setup.STATUSES.get(status, status)), "success")
    return redirect(url_for("assessments.diagnostics"))
