"""The XLSX sheet of a community list: its title and date, its filter in words, then the table."""

from __future__ import annotations

import io
from datetime import date
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lms.i18n import _, format_date
from lms.spreadsheets import cell_text

#: Rows in one export: the lists are a service's, not a region's.
MAX_ROWS = 20_000
#: The sheet's row of column headings: the title, the filter and a blank row come first.
HEADER_ROW = 4


class Sheet(NamedTuple):
    title: str
    header: list[str]
    rows: list[list]
    described: str  # the filter in words (community.filters.Chosen.describe)


def _cell(value) -> str | int:
    """A number as it is; a date as the service writes it; any text through the one formula escape."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return cell_text(format_date(value) if isinstance(value, date) else value)  # the one formula escape


def table_xlsx(sheet_data: Sheet, today: date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "".join(c if c not in "[]:*?/\\" else " " for c in sheet_data.title)[:31]
    sheet.append([_cell(_("%(title)s on %(date)s", title=sheet_data.title, date=format_date(today)))])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_cell(sheet_data.described)])
    sheet.append([])
    sheet.append([_cell(h) for h in sheet_data.header])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    for row in sheet_data.rows:
        sheet.append([_cell(v) for v in row])
    for index in range(1, len(sheet_data.header) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 28
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
