"""Where plugins register their report providers; the core knows reports only through this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app


@dataclass(frozen=True)
class Report:
    """A report a plugin offers; it shares the indicators' filters and scope.

    :param key: unique id used in URLs, ``package.name`` (``courses.attendance``).
    :param title: lazy-translated title.
    :param permission: permission needed to see it.
    :param build: called with the parsed :class:`lms.reports.filters.Filters`, the viewer and the page number
        (1-based); returns a :class:`ReportTable`. Aggregates in SQL, counts only the teachers
        ``lms.reports.filters.teachers(filters, viewer)`` gives; never commits.
    :param description: lazy-translated line for the reports list.
    :param chart: optional pure function from the table to SVG bytes (or to PNG with ``fmt="png"``).
    """

    key: str
    title: object
    permission: str
    build: Callable[..., ReportTable]
    description: object = ""
    chart: Callable[..., bytes] | None = None


@dataclass
class ReportTable:
    """What a report shows: column titles and rows of plain values (also exported to XLSX/CSV).

    :param total: the number of rows in all pages, when the report is paged (None: all rows are here).
    :param shares: the rows' numbers from the second column on are shares 0..1, shown as a heat map.
    :param note: a sentence shown under the table (what the numbers mean).
    """

    columns: list[str]
    rows: list[tuple]
    total: int | None = None
    shares: bool = False
    note: str = ""
    per_page: int = field(default=100)


def register_report(app: Flask, report: Report) -> None:
    """Called from a plugin's ``init_app``; keys are unique."""
    registry: dict[str, Report] = app.extensions.setdefault("lms.reports", {})
    if report.key in registry:
        raise ValueError(f"Report {report.key!r} is registered twice")
    registry[report.key] = report


def reports() -> dict[str, Report]:
    return current_app.extensions.get("lms.reports", {})
