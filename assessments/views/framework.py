"""The competency framework as everyone reads it: domains, competencies, six levels, mappings, targets."""

from flask import abort, render_template

from assessments import queries
from assessments.blueprint import bp
from lms.users.choices import CATEGORIES, POSITIONS
from lms.users.permissions import permission_required


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
