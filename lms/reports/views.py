"""The list of reports, one report's table, and the effectiveness indicators: the table, each number's records,
their chart and their files."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from lms.i18n import _, format_date, local_today
from lms.reports import charts, counting, exports, filters
from lms.reports.indicators import INDICATORS
from lms.reports.registry import reports
from lms.users.permissions import has_permission, permission_required
from lms.web import Page, arg_page, download

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
    chosen = filters.parse(request.args)
    page = request.args.get("page", 1, type=arg_page)
    table = report.build(chosen, current_user, page) if not chosen.error else None
    pages = Page(table.rows, page, table.per_page, table.total) if table and table.total is not None else None
    return render_template("reports/show.html", report=report, table=table, filters=chosen, page=pages,
                           **_form(chosen))


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
    report = _report(key)
    chosen = filters.parse(request.args)
    if fmt not in ("xlsx", "csv") or chosen.error:
        abort(404)
    table = report.build(chosen, current_user, 0)  # page 0: every row
    name = f"{key.replace('.', '-')}-{chosen.start:%Y%m%d}-{chosen.end:%Y%m%d}"
    if fmt == "xlsx":
        return download(exports.table_xlsx(str(report.title), _describe(chosen), table.columns, table.rows),
                     f"{name}.xlsx", XLSX)
    return download(exports.table_csv(table.columns, table.rows), f"{name}.csv", "text/csv; charset=utf-8")


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
    chosen = filters.parse(request.args)
    counts = counting.table(chosen, current_user)
    return render_template("reports/indicators.html", filters=chosen, counts=counts,
                           teachers=counting.teachers_counted(chosen, current_user), **_form(chosen))


@bp.route("/indicators/chart.svg")
@permission_required("reports.indicators")
def indicators_chart():
    counts = [c for c in counting.table(filters.parse(request.args), current_user) if c.counted]
    svg = charts.horizontal_bars([str(c.indicator.title) for c in counts], [c.total for c in counts])
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})


@bp.route("/indicators/indicators.<fmt>")
@permission_required("reports.indicators")
def indicators_file(fmt: str):
    chosen = filters.parse(request.args)
    counts = [c for c in counting.table(chosen, current_user) if c.counted]
    columns = [_("Indicator"), _("Value"), _("Of which"), _("Counted from")]
    rows = [(str(c.indicator.title), c.total, "; ".join(f"{e.label}: {n}" for e, n in c.kinds),
             str(c.indicator.evidence)) for c in counts]
    name = f"indicators-{chosen.start:%Y%m%d}-{chosen.end:%Y%m%d}"
    if fmt == "xlsx":
        return download(exports.table_xlsx(_("Effectiveness indicators"), _describe(chosen), columns, rows),
                     f"{name}.xlsx", XLSX)
    if fmt == "csv":
        return download(exports.table_csv(columns, rows), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "pdf":
        chart = charts.horizontal_bars([str(c.indicator.title) for c in counts], [c.total for c in counts],
                                       fmt="png")
        pdf = exports.summary_pdf(
            _("Effectiveness indicators of the methodological service"), [_describe(chosen)],
            [_("Indicator"), _("Value"), _("Of which")], [(r[0], str(r[1]), r[2]) for r in rows],
            _("Formed by Metodist on %(date)s; every number is the count of distinct teachers (for programmes: of "
              "programmes) in the records named, within the period and filters above.",
              date=format_date(local_today())), chart)
        return download(pdf, f"{name}.pdf", "application/pdf")
    abort(404)


@bp.route("/indicators/<key>/")
@permission_required("reports.indicators")
def indicator(key: str):
    item = _indicator(key)
    chosen = filters.parse(request.args)
    kind = request.args.get("kind") or None
    page = request.args.get("page", 1, type=arg_page)
    rows, total = counting.drill_down(item, chosen, current_user, kind=kind, page=page, per_page=PER_PAGE)
    return render_template("reports/indicator.html", indicator=item, filters=chosen, rows=rows, total=total,
                           kind=kind, page=Page(rows, page, PER_PAGE, total), **_form(chosen))


@bp.route("/indicators/<key>/records.<fmt>")
@permission_required("reports.indicators")
def indicator_file(key: str, fmt: str):
    item = _indicator(key)
    chosen = filters.parse(request.args)
    rows, _total = counting.drill_down(item, chosen, current_user, kind=request.args.get("kind") or None,
                                       per_page=100_000)
    columns = [_("Date"), _("Teacher"), _("School"), _("Record"), _("Details")]
    table = [(r.occurred_on, r.teacher.full_name, r.teacher.profile.school.short_name
              if r.teacher.profile and r.teacher.profile.school else "", str(r.evidence.label), r.description)
             for r in rows]
    name = f"{key}-{chosen.start:%Y%m%d}-{chosen.end:%Y%m%d}"
    if fmt == "xlsx":
        return download(exports.table_xlsx(str(item.title), _describe(chosen), columns, table), f"{name}.xlsx", XLSX)
    if fmt == "csv":
        return download(exports.table_csv(columns, table), f"{name}.csv", "text/csv; charset=utf-8")
    abort(404)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _indicator(key: str):
    item = next((i for i in INDICATORS if i.key == key), None)
    if item is None:
        abort(404)
    return item


def _form(chosen: filters.Filters) -> dict:
    return {"choices": filters.choices(current_user), "filter_labels": filters.labels(),
            "period_kinds": filters.PERIOD_KINDS, "query": chosen.args()}


def _describe(chosen: filters.Filters) -> str:
    """The period and the filters in words, for the files."""
    parts = [_("Period: %(start)s – %(end)s", start=format_date(chosen.start), end=format_date(chosen.end))]
    options = filters.choices(current_user)
    names = filters.labels()
    for key, value in chosen.values.items():
        shown = dict((str(k), v) for k, v in options.get(key, [])).get(str(value), "—")
        parts.append(f"{names[key]}: {shown}")
    return "; ".join(parts)
