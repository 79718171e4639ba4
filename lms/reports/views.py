"""The list of reports, one report's table, and the effectiveness indicators: the table, each number's records,
their chart and their files (a large one built by a background job the person follows)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from lms import storage
from lms.extensions import db
from lms.reports import charts, counting, files, filters, jobs
from lms.reports.indicators import INDICATORS
from lms.reports.models import ExportJob
from lms.reports.registry import reports
from lms.users.permissions import has_permission, permission_required
from lms.web import Page, arg_page, download, get_or_404

bp = Blueprint("reports", __name__)
PER_PAGE = 50


@bp.route("/")
@permission_required("reports.indicators")
def index():
    visible = [r for r in reports().values() if has_permission(current_user, r.permission)]
    return render_template("reports/index.html", reports=visible)


@bp.route("/<key>")
@permission_required("reports.indicators")
def show(key: str):
    report = _report(key)
    form = _form_for(request.args)
    chosen = form["filters"]
    page = request.args.get("page", 1, type=arg_page)
    table = report.build(chosen, current_user, page) if not chosen.error else None
    pages = Page(table.rows, page, table.per_page, table.total) if table and table.total is not None else None
    return render_template("reports/show.html", report=report, table=table, page=pages, **form)


@bp.route("/<key>/chart.svg")
@permission_required("reports.indicators")
def report_chart(key: str):
    report = _report(key)
    chosen = filters.parse(request.args)
    if report.chart is None or chosen.error:
        abort(404)
    return Response(report.chart(report.build(chosen, current_user, 1)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


@bp.route("/<key>/table.<fmt>")
@permission_required("reports.indicators")
def report_file(key: str, fmt: str):
    _report(key)
    return _file_or_job("report", key, fmt)


def _report(key: str):
    report = reports().get(key)
    if report is None:
        abort(404)
    if not has_permission(current_user, report.permission):
        abort(403)
    return report


@bp.route("/indicators/")
@permission_required("reports.indicators")
def indicators():
    form = _form_for(request.args)
    chosen = form["filters"]
    counts = counting.table(chosen, current_user)
    return render_template("reports/indicators.html", counts=counts,
                           teachers=counting.teachers_counted(chosen, current_user), **form)


@bp.route("/indicators/chart.svg")
@permission_required("reports.indicators")
def indicators_chart():
    counts = [c for c in counting.table(filters.parse(request.args), current_user) if c.counted]
    svg = charts.horizontal_bars([str(c.indicator.title) for c in counts], [c.total for c in counts])
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})


@bp.route("/indicators/indicators.<fmt>")
@permission_required("reports.indicators")
def indicators_file(fmt: str):
    return _file_or_job("indicators", "", fmt)


@bp.route("/indicators/<key>/")
@permission_required("reports.indicators")
def indicator(key: str):
    item = _indicator(key)
    form = _form_for(request.args)
    chosen = form["filters"]
    kind = request.args.get("kind") or None
    page = request.args.get("page", 1, type=arg_page)
    rows, total = counting.drill_down(item, chosen, current_user, kind=kind, page=page, per_page=PER_PAGE)
    return render_template("reports/indicator.html", indicator=item, rows=rows, total=total,
                           kind=kind, page=Page(rows, page, PER_PAGE, total), **form)


@bp.route("/indicators/<key>/records.<fmt>")
@permission_required("reports.indicators")
def indicator_file(key: str, fmt: str):
    _indicator(key)
    return _file_or_job("records", key, fmt)


@bp.route("/exports/<int:job_id>")
@permission_required("reports.indicators")
def export(job_id: int):
    job = get_or_404(ExportJob, job_id, lambda user, j: j.user_id == user.id)
    return render_template("reports/export.html", job=job)


@bp.route("/exports/<int:job_id>/file")
@permission_required("reports.indicators")
def export_file(job_id: int):
    job = get_or_404(ExportJob, job_id, lambda user, j: j.user_id == user.id)
    if job.status != "done":
        abort(404)
    return storage.send(job.file_key, job.file_name)


def _file_or_job(kind: str, key: str, fmt: str):
    """A file of a few thousand rows is built in the request; a larger one by a job the person can follow."""
    args = request.args.to_dict()
    if fmt not in ("xlsx", "csv", "pdf") or (fmt == "pdf" and kind != "indicators"):
        abort(404)
    if filters.refuse_unknown(filters.parse(request.args), filters.choices(current_user)).error:
        # No file of counts of nobody: the page of the same filters says which value is not on the list.
        page = {"indicators": ("reports.indicators", {}), "records": ("reports.indicator", {"key": key}),
                "report": ("reports.show", {"key": key})}[kind]
        return redirect(url_for(page[0], **page[1], **args))
    if kind != "indicators" and files.size(kind, key, args, current_user) > \
            current_app.config["REPORTS_INLINE_ROWS"]:
        job = jobs.start(current_user, kind, key, fmt, args)
        db.session.commit()
        return redirect(url_for("reports.export", job_id=job.id))
    built = files.build(kind, key, fmt, args, current_user)
    if built is None:
        abort(404)
    return download(built.data, built.name, built.mimetype)


def _indicator(key: str):
    item = next((i for i in INDICATORS if i.key == key), None)
    if item is None:
        abort(404)
    return item


def _form_for(args) -> dict:
    """The filters read from the query string (an id not among the viewer's options refused) and what the
    filter form needs."""
    options = filters.choices(current_user)
    chosen = filters.refuse_unknown(filters.parse(args), options)
    return {"filters": chosen, "choices": options, "filter_labels": filters.labels(),
            "period_kinds": filters.PERIOD_KINDS, "query": chosen.args()}
