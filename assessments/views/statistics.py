"""Staff's item statistics of the bank: answers, exposure, facility, discrimination and parameters per competency,
and the button that recalculates the parameters in the background."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from assessments import queries
from assessments.blueprint import bp
from assessments.forms import RecalculateForm
from assessments.items import ITEM_TYPES
from assessments.models import Framework
from assessments.services import calibration, recalculation
from lms.extensions import db
from lms.i18n import _, _l
from lms.users.models import User
from lms.users.permissions import permission_required
from lms.web import arg_id, get_or_404, save

FLAGS = {"easy": _l("too easy"), "hard": _l("too hard"), "weak": _l("weak discrimination"),
         "negative": _l("negative discrimination")}
STATUSES = {"live": _l("live"), "pilot": _l("pilot")}
SOURCES = {"expert": _l("expert"), "calibration": _l("calibration")}


@bp.route("/bank/statistics")
@permission_required("assessments.manage")
def bank_statistics():
    framework_id = request.args.get("framework", type=arg_id)
    query = select(Framework)
    query = query.where(Framework.id == framework_id) if framework_id else query.where(Framework.current.is_(True))
    framework = db.session.scalars(query.order_by(Framework.id.desc()).limit(1)).first()
    if framework_id and framework is None:
        abort(404)
    competencies = calibration.item_statistics(framework) if framework else []
    job = recalculation.latest(framework) if framework else None
    owner = db.session.get(User, job.user_id) if job else None
    form = RecalculateForm(data={"seen": str(job.id if job else 0)})
    return render_template("assessments/statistics.html", framework=framework, competencies=competencies,
                           versions=queries.framework_versions(), item_types=ITEM_TYPES, flags=FLAGS,
                           statuses=STATUSES, sources=SOURCES, min_responses=calibration.MIN_RESPONSES,
                           job=job, job_owner=owner.short_name if owner else "—", recalculate_form=form)


@bp.route("/bank/statistics/<int:framework_id>/recalculate", methods=["POST"])
@permission_required("assessments.manage")
def bank_recalculate(framework_id: int):
    framework = get_or_404(Framework, framework_id)
    form = RecalculateForm()
    if not form.validate_on_submit():
        flash(_("The form has expired. Please submit it again."), "error")
    elif save(form, lambda: recalculation.start(framework, current_user, seen=form.seen_value())):
        flash(_("The recalculation has started; this page shows its result when it is done."), "success")
    return redirect(url_for("assessments.bank_statistics", framework=framework.id))
