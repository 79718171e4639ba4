"""The ИОМ as a PDF (A4 landscape, DejaVu for Cyrillic) for reading, printing and the archive."""

from __future__ import annotations

import os

import matplotlib
from fpdf import FPDF, FontFace

from assessments.documents.content import PAGE, PAGES, Bullets, Heading, Para, Table, route_content
from assessments.documents.data import RouteDocument

# matplotlib already ships DejaVu, which covers Cyrillic, «», №, — : no font files of our own to keep.
FONT_DIR = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
FONT = "DejaVu"
MARGIN = 12
LINE = 5.5  # mm per line of body text
PADDING = 1.2
# fpdf2 refuses a table row taller than a page; rows are cut so that no piece is taller than this.
ROW_LIMIT_MM = 140
MEASURE_FROM = 120  # characters: shorter cells cannot come near the limit, and measuring costs time
HEADINGS = FontFace(emphasis="BOLD", fill_color=(232, 232, 232))
BOLD = FontFace(emphasis="BOLD")


class _RoutePDF(FPDF):
    """FPDF with the running head and «Страница N из M» on every page."""

    def __init__(self, running_head: str, page_label: str):
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.running_head, self.page_label = running_head, page_label

    def header(self) -> None:
        self.set_font(FONT, "", 8)
        self.set_text_color(90)
        self.cell(0, 4, self.running_head, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 8)
        # fpdf2 swaps its alias for the page count once the document is complete.
        text = self.page_label.replace(PAGE, str(self.page_no())).replace(PAGES, self.str_alias_nb_pages)
        self.cell(0, 4, text, align="C")


def route_pdf(doc: RouteDocument) -> bytes:
    """The same form as ``route_docx``, laid out for paper: the plan's header repeats on every page."""
    content = route_content(doc)
    pdf = _RoutePDF(content.running_head, content.page_label)
    for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf")):
        pdf.add_font(FONT, style, os.path.join(FONT_DIR, file))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(content.title)
    pdf.set_author(doc.teacher)
    pdf.set_creator("Metodist")
    pdf.set_lang("ru")
    pdf.add_page()

    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, content.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, content.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    for block in content.blocks:
        if isinstance(block, Heading):
            _heading(pdf, block)
        elif isinstance(block, Para):
            pdf.set_font(FONT, "B" if block.bold else "I" if block.italic else "", 10)
            pdf.multi_cell(0, LINE, block.text, new_x="LMARGIN", new_y="NEXT")
        elif isinstance(block, Bullets):
            pdf.set_font(FONT, "", 10)
            for item in block.items:
                pdf.multi_cell(0, LINE, "•  " + item, new_x="LMARGIN", new_y="NEXT")
        elif isinstance(block, Table):
            _table(pdf, block)
    return bytes(pdf.output())


def _heading(pdf: FPDF, block: Heading) -> None:
    # A heading alone at the foot of a page belongs with what follows it.
    if pdf.get_y() > pdf.page_break_trigger - 25:
        pdf.add_page()
    pdf.ln(3 if block.level == 1 else 1)
    pdf.set_font(FONT, "B", 12.5 if block.level == 1 else 10.5)
    pdf.multi_cell(0, 7 if block.level == 1 else 6, block.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: FPDF, block: Table) -> None:
    pdf.set_font(FONT, "", 8 if block.small else 9.5)
    line_height = 3.8 if block.small else 4.8
    centred = set(block.centred)
    with pdf.table(
        col_widths=block.widths,
        width=pdf.epw,
        first_row_as_headings=block.header is not None,
        repeat_headings=1,  # the plan runs over several pages; each page needs its column names
        headings_style=HEADINGS,
        borders_layout="ALL" if block.borders else "NONE",
        text_align="LEFT",
        v_align="TOP",
        line_height=line_height,
        padding=PADDING,
    ) as table:
        if block.header:
            row = table.row()
            for text in block.header:
                row.cell(text, align="C")
        for values in _rows_that_fit(pdf, block, line_height):
            row = table.row()
            for index, text in enumerate(values):
                label = block.header is None and index == 0
                row.cell(text, align="C" if index in centred else "L", style=BOLD if label else None)
        if block.footer:
            row = table.row()
            index = 0
            for text, span in block.footer:
                row.cell(text, colspan=span, style=BOLD, align="C" if index in centred else "L")
                index += span
    pdf.ln(3)


def _rows_that_fit(pdf: FPDF, block: Table, line_height: float) -> list[tuple[str, ...]]:
    """The rows, a row with a cell longer than a page cut into continuation rows (the text is kept whole)."""
    limit = int(ROW_LIMIT_MM / line_height)
    scale = pdf.epw / sum(block.widths)
    rows = []
    for values in block.rows:
        lines = [pdf.multi_cell(width * scale - 2 * PADDING, line_height, text, dry_run=True, output="LINES")
                 if len(text) > MEASURE_FROM else [text]
                 for width, text in zip(block.widths, values, strict=True)]
        tallest = max(map(len, lines), default=0)
        if tallest <= limit:
            rows.append(values)
            continue
        for start in range(0, tallest, limit):
            rows.append(tuple("\n".join(cell[start:start + limit]) for cell in lines))
    return rows
