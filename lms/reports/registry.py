"""Where plugins register their report providers; the core knows reports only through this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class Report:
    """A report a plugin offers.

    :param key: unique id used in URLs, ``package.name`` (``courses.attendance``).
    :param title: lazy-translated title.
    :param permission: permission needed to see it.
    :param build: called with the request's filter values (a dict of strings); returns a
        :class:`ReportTable`. Aggregates in SQL; never commits.
    :param description: lazy-translated line for the reports list.
    """

    key: str
    title: object
    permission: str
    build: Callable[[dict], ReportTable]
    description: object = ""


@dataclass
class ReportTable:
    """What a report shows: column titles and rows of plain values (also exported to XLSX/CSV)."""

    columns: list[str]
    rows: list[tuple]


def register_report(app: Flask, report: Report) -> None:
    """Called from a plugin's ``init_app``; keys are unique."""
    registry: dict[str, Report] = app.extensions.setdefault("lms.reports", {})
    if report.key in registry:
        raise ValueError(f"Report {report.key!r} is registered twice")
    registry[report.key] = report


def reports() -> dict[str, Report]:
    return current_app.extensions.get("lms.reports", {})
