"""The diagnostics home page: what is open to the teacher, their results, the framework."""

from flask import render_template
from flask_login import current_user

from assessments import queries
from assessments.blueprint import bp
from assessments.services.profile import current_profile
from lms.i18n import local_today
from lms.users.permissions import has_permission, permission_required


@bp.route("/")
@permission_required("assessments.view")
def home():
    open_, attempts = [], []
    if has_permission(current_user, "assessments.take"):
        open_ = queries.open_diagnostics(current_user, local_today())
        attempts = queries.my_attempts(current_user)
    profile, framework = {}, queries.framework_page(None)
    if framework is not None and attempts:
        profile = current_profile(current_user.id, framework.id)
    in_progress = {a.diagnostic_id: a.id for a in attempts if a.status == "in_progress"}
    finished = {a.diagnostic_id for a in attempts if a.status == "finished"}
    return render_template("assessments/home.html", open=open_, attempts=attempts, in_progress=in_progress,
                           finished=finished, profile=profile, framework=framework)
