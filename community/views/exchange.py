"""XLSX exports of the registries and imports of existing lists (all rows or none, with a row-by-row report)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from community.blueprint import bp
from community.exports import EXPORTS, table_xlsx
from community.forms import ImportForm
from community.services import importing
from lms.extensions import db
from lms.i18n import local_today
from lms.users.permissions import has_permission, permission_required
from lms.web import download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/export/<name>.xlsx")
@permission_required("community.view")
def export(name: str):
    """A list as XLSX: the rows its page shows for the same query string, on every page of it."""
    if name not in EXPORTS:
        abort(404)
    permission, build = EXPORTS[name]
    if not has_permission(current_user, permission):
        abort(403)
    today = local_today()
    sheet = build(request.args, today=today, viewer=current_user)  # the list page's own filter
    return download(table_xlsx(sheet, today), f"{name}-{today:%Y-%m-%d}.xlsx", XLSX)


@bp.route("/import", methods=["GET", "POST"])
@permission_required("community.manage")
def import_lists():
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        result = importing.import_file(form.kind.data, upload.stream, upload.filename or "", today=local_today())
        # All or nothing: one refused row and the whole file is left unsaved, to be corrected and sent again.
        if result.errors:
            db.session.rollback()
        else:
            db.session.commit()
    return render_template("community/import.html", form=form, result=result), 400 if result and result.errors \
        else 200
