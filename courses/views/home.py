"""The programmes home page."""

from flask import render_template

from courses.blueprint import bp
from lms.users.permissions import permission_required


@bp.route("/")
@permission_required("courses.view")
def home():
    return render_template("courses/home.html")
