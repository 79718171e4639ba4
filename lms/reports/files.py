"""The report files (the indicator table, an indicator's records, a report's table) built one way, whether the
request builds them or a background job does."""

from __future__ import annotations

from dataclasses import dataclass

from lms.i18n import _, format_date, local_today
from lms.reports import charts, counting, exports, filters
from lms.reports.indicators import INDICATORS
from lms.reports.registry import reports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class File:
    data: bytes
    name: str
    mimetype: str
    #: A few figures of the work done (a job kind's own), kept with the job for its page.
    summary: dict | None = None


def describe(chosen: filters.Filters, viewer) -> str:
    """The period and the filters in words, for the files."""
    parts = [_("Period: %(start)s – %(end)s", start=format_date(chosen.start), end=format_date(chosen.end))]
    options = filters.choices(viewer)
    names = filters.labels()
    for key, value in chosen.values.items():
        shown = dict((str(k), v) for k, v in options.get(key, [])).get(str(value), "—")
        parts.append(f"{names[key]}: {shown}")
    return "; ".join(parts)


def size(kind: str, key: str, args: dict, viewer) -> int:
    """How many rows the file would hold (0 for the small ones), to choose between the request and a job."""
    chosen = filters.parse(args)
    if chosen.error:
        return 0
    if kind == "records":
        indicator = next((i for i in INDICATORS if i.key == key), None)
        return counting.drill_down(indicator, chosen, viewer, kind=args.get("kind") or None, per_page=1)[1] \
            if indicator else 0
    report = reports().get(key)
    table = report.build(chosen, viewer, 1) if report else None
    return (table.total or 0) if table is not None else 0


def build(kind: str, key: str, fmt: str, args: dict, viewer) -> File | None:
    """The file, or None for something that does not exist (the caller answers 404)."""
    chosen = filters.parse(args)
    span = f"{chosen.start:%Y%m%d}-{chosen.end:%Y%m%d}"
    if kind == "indicators":
        counts = [c for c in counting.table(chosen, viewer) if c.counted]
        columns = [_("Indicator"), _("Value"), _("Of which"), _("Counted from")]
        rows = [(str(c.indicator.title), c.total, "; ".join(f"{e.label}: {n}" for e, n in c.kinds),
                 str(c.indicator.evidence)) for c in counts]
        if fmt == "pdf":
            chart = charts.horizontal_bars([str(c.indicator.title) for c in counts], [c.total for c in counts],
                                           fmt="png")
            pdf = exports.summary_pdf(
                _("Effectiveness indicators of the methodological service"), [describe(chosen, viewer)],
                [_("Indicator"), _("Value"), _("Of which")], [(r[0], str(r[1]), r[2]) for r in rows],
                _("Formed by Metodist on %(date)s; every number is the count of distinct teachers (for programmes: "
                  "of programmes) in the records named, within the period and filters above.",
                  date=format_date(local_today())), chart)
            return File(pdf, f"indicators-{span}.pdf", "application/pdf")
        return _table(fmt, _("Effectiveness indicators"), describe(chosen, viewer), columns, rows,
                      f"indicators-{span}")
    if kind == "records":
        indicator = next((i for i in INDICATORS if i.key == key), None)
        if indicator is None:
            return None
        found, _total = counting.drill_down(indicator, chosen, viewer, kind=args.get("kind") or None,
                                            per_page=1_000_000)
        columns = [_("Date"), _("Teacher"), _("School"), _("Record"), _("Details")]
        rows = [(r.occurred_on, r.teacher.full_name, r.teacher.profile.school.short_name
                 if r.teacher.profile and r.teacher.profile.school else "", str(r.evidence.label), r.description)
                for r in found]
        return _table(fmt, str(indicator.title), describe(chosen, viewer), columns, rows, f"{key}-{span}")
    report = reports().get(key)
    if report is None or chosen.error:
        return None
    table = report.build(chosen, viewer, 0)  # page 0: every row
    return _table(fmt, str(report.title), describe(chosen, viewer), table.columns, table.rows,
                  f"{key.replace('.', '-')}-{span}")


def _table(fmt: str, title: str, subtitle: str, columns, rows, name: str) -> File | None:
    if fmt == "xlsx":
        return File(exports.table_xlsx(title, subtitle, columns, rows), f"{name}.xlsx", XLSX)
    if fmt == "csv":
        return File(exports.table_csv(columns, rows), f"{name}.csv", CSV)
    return None
