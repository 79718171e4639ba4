"""The list of reports and one report's table."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from lms.reports.registry import reports
from lms.users.permissions import has_permission, permission_required

bp = Blueprint("reports", __name__)


@bp.route("/")
@permission_required("reports.view")
def index():
    visible = [r for r in reports().values() if has_permission(current_user, r.permission)]
    return render_template("reports/index.html", reports=visible)


@bp.route("/<key>")
@permission_required("reports.view")
def show(key: str):
    report = reports().get(key)
    if report is None:
        abort(404)
    if not has_permission(current_user, report.permission):
        abort(403)
    table = report.build(request.args.to_dict())
    return render_template("reports/show.html", report=report, table=table)
