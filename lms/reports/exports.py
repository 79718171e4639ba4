"""Report tables as files: XLSX (formatted: title, filters, bold frozen header, widths, number formats), CSV
(UTF-8 with a BOM, «;» as Excel in Russia expects), and the one-page PDF of the indicators for the council."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from datetime import date

import matplotlib
from fpdf import FPDF, FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lms.spreadsheets import cell_text, csv_bytes

FONT_DIR = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")  # DejaVu covers Cyrillic, «», №
HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")


def _value(value):
    return value if isinstance(value, (int, float, date)) and not isinstance(value, bool) else cell_text(value)


def table_xlsx(title: str, subtitle: str, columns: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "".join(c if c not in "[]:*?/\\" else " " for c in title)[:31]
    sheet.append([cell_text(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([cell_text(subtitle)])
    sheet.append([])
    sheet.append([cell_text(c) for c in columns])
    header = 4
    for cell in sheet[header]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([_value(v) for v in row])
    widths = [len(str(c)) for c in columns]
    for row in rows:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], min(len(str(v)), 60))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, width + 2)
        for (cell,) in sheet.iter_rows(min_row=header + 1, min_col=i, max_col=i):
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
            elif isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.0"
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_csv(columns: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    """The table through the one CSV writer (lms.spreadsheets), dates as ДД.ММ.ГГГГ."""
    return csv_bytes([columns, *([v.strftime("%d.%m.%Y") if isinstance(v, date) else v for v in row]
                                 for row in rows)])


def summary_pdf(title: str, lines: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[str]],
                footer: str, chart_png: bytes | None = None) -> bytes:
    """A4 portrait: the title, the period and filters, the indicator table, a chart; one or two pages."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", os.path.join(FONT_DIR, "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    for line in lines:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(col_widths=(60, 18, 22), headings_style=FontFace(emphasis="BOLD", fill_color=(232, 232, 232)),
                   line_height=5, text_align=("LEFT", "RIGHT", "LEFT")) as table:
        table.row(list(columns))
        for row in rows:
            table.row([str(v) for v in row])
    if chart_png:
        pdf.ln(4)
        pdf.image(io.BytesIO(chart_png), w=170)
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(0, 4, footer, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
