"""The diagnostics home page."""

from flask import render_template

from assessments.blueprint import bp
from lms.users.permissions import permission_required


@bp.route("/")
@permission_required("assessments.view")
def home():
    return render_template("assessments/home.html")
