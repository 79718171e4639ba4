"""A group's routes as a spreadsheet: one row per teacher, and optionally every plan step on a second sheet."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from assessments.documents.data import GroupRouteRow, PlanRow
from lms.i18n import _, _lp
from lms.spreadsheets import cell_text

DATE_FORMAT = "DD.MM.YYYY"
HOURS_FORMAT = "#,##0.0"
SHARE_FORMAT = "0%"
HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")
TITLE_ROW, HEADER_ROW = 1, 3


def _sheet_title(title: str) -> str:
    # Excel refuses these characters and more than 31 of them in a sheet name.
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


def routes_xlsx(title: str, rows: Sequence[GroupRouteRow],
                steps: Sequence[tuple[str, PlanRow]] | None = None) -> bytes:
    """The summary sheet; with ``steps`` ((teacher, plan row) pairs) a second sheet lists every step."""
    # "Start"/"End" alone are verbs elsewhere in the interface; here they head date columns.
    start, end = str(_lp("route", "Start")), str(_lp("route", "End"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(_("Routes"))
    columns = (
        ("№", 5, None), (_("Teacher"), 34, None), (_("School"), 28, None), (_("Tutor"), 28, None),
        (_("Status"), 16, None), (start, 12, DATE_FORMAT), (end, 12, DATE_FORMAT),
        (_("Deficits"), 10, None), (_("Deficits closed"), 11, None), (_("Steps"), 9, None),
        (_("Steps done"), 11, None), (_("Steps overdue"), 11, None), (_("Done, share"), 11, SHARE_FORMAT),
        (_("Hours"), 10, HOURS_FORMAT), (_("Hours done"), 11, HOURS_FORMAT),
        (_("Last activity"), 13, DATE_FORMAT),
    )
    values = (
        (number, cell_text(row.teacher), cell_text(row.school), cell_text(row.tutor), cell_text(row.status),
         row.period_start, row.period_end, row.deficits, row.closed_deficits, row.steps, row.done, row.overdue,
         row.done / row.steps if row.steps else None, row.hours, row.hours_done, row.last_activity)
        for number, row in enumerate(rows, start=1))
    _fill(sheet, title, columns, values)

    if steps is not None:
        sheet = workbook.create_sheet(_sheet_title(_("Plan steps")))
        columns = (
            (_("Teacher"), 30, None), ("№", 5, None), (_("Deficit / competency"), 28, None),
            (str(_lp("route", "Task")), 32, None), (_("Content (topic / module)"), 36, None), (_("Form"), 18, None),
            (_("Organiser / resource"), 26, None), (_("Volume, h"), 10, HOURS_FORMAT), (start, 12, DATE_FORMAT),
            (end, 12, DATE_FORMAT), (_("Form of presenting the result"), 22, None),
            (_("Completion mark"), 24, None),
        )
        values = (
            (cell_text(teacher), step.number, cell_text(step.deficit), cell_text(step.task),
             cell_text(step.content), cell_text(step.form), cell_text(step.organiser), step.hours, step.start,
             step.end, cell_text(step.result_form), cell_text(step.mark))
            for teacher, step in steps)
        _fill(sheet, title, columns, values)

    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _fill(sheet, title: str, columns, values) -> None:
    """Title, bold header with a filter, frozen so the header and the teacher's name stay in view."""
    sheet.cell(TITLE_ROW, 1, cell_text(title)).font = Font(bold=True, size=13)
    for index, (label, width, _format) in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, index, label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
    row_number = HEADER_ROW
    for row_number, row in enumerate(values, start=HEADER_ROW + 1):
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row_number, index, value)
            number_format = columns[index - 1][2]
            if number_format and value is not None:
                cell.number_format = number_format
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str))
    last_column = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{row_number}"
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)  # rows above, and the № and teacher columns
