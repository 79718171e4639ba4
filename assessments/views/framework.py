"""The competency framework as everyone reads it: domains, competencies, six levels, mappings, targets."""

from flask import abort, flash, redirect, render_template, request, url_for

from assessments import queries
from assessments.blueprint import bp
from assessments.forms import CompetencyForm
from assessments.models import Competency, Framework
from assessments.services import framework as frameworks
from lms.forms import ActionForm
from lms.i18n import _
from lms.users.choices import CATEGORIES, POSITIONS
from lms.users.permissions import permission_required
from lms.web import get_or_404, save


@bp.route("/framework/")
@bp.route("/framework/<int:framework_id>")
@permission_required("assessments.view")
def framework(framework_id: int | None = None):
    shown = queries.framework_page(framework_id)
    if framework_id and shown is None:
        abort(404)
    targets = queries.target_levels(shown.id) if shown else {}
    return render_template("assessments/framework.html", framework=shown, versions=queries.framework_versions(),
                           targets=targets, positions=POSITIONS, categories=CATEGORIES)


@bp.route("/framework/<int:framework_id>/targets", methods=["GET", "POST"])
@permission_required("assessments.manage")
def targets_edit(framework_id: int):
    framework = get_or_404(Framework, framework_id)
    form = ActionForm()
    token = frameworks.targets_token(framework.id)
    if form.validate_on_submit():
        levels = {}
        for position in POSITIONS:
            for category in CATEGORIES:
                raw = request.form.get(f"t-{position}-{category}", "").strip()
                if raw:  # anything but a plain number is refused by the service's 1–6 rule, not dropped
                    levels[(position, category)] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 2 else 0
        sent = request.form.get("token", "")  # no token is a stale form, never a licence to overwrite
        changed = save(form, lambda: frameworks.save_targets(framework.id, levels, sent))
        if changed is not None:
            flash(_("Target levels saved: %(n)s changed.", n=changed), "success")
            return redirect(url_for("assessments.framework", framework_id=framework.id))
        token = frameworks.targets_token(framework.id)
    return render_template("assessments/targets.html", framework=framework, form=form, token=token,
                           targets=queries.target_levels(framework.id), positions=POSITIONS, categories=CATEGORIES)


@bp.route("/competencies/<int:competency_id>/edit", methods=["GET", "POST"])
@permission_required("assessments.manage")
def competency_edit(competency_id: int):
    competency = get_or_404(Competency, competency_id)
    form = CompetencyForm(obj=competency if request.method == "GET" else None)
    if request.method == "GET":
        for level in competency.levels:
            getattr(form, f"level_{level.number}").data = level.descriptor
    if form.validate_on_submit():
        descriptors = {n: getattr(form, f"level_{n}").data for n in range(1, 7)}
        saved = save(form, lambda: frameworks.save_competency(competency, form.version_value(), form.title.data,
                                                               form.description.data or "", descriptors),
                     versioned=competency)
        if saved is not None:
            flash(_("The competency has been saved."), "success")
            return redirect(url_for("assessments.framework", framework_id=competency.framework_id)
                            + f"#competency-{competency.code}")
    return render_template("assessments/competency_edit.html", form=form, competency=competency)
