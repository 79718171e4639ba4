"""The ИОМ as a PDF (A4 landscape, DejaVu for Cyrillic) for reading, printing and the archive."""

from __future__ import annotations

import math
import os
import re

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
HEADING_FILL = (232, 232, 232)
HEADINGS = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
BOLD = FontFace(emphasis="BOLD")
# A cell's type gets this much smaller, and no smaller, for its longest word to fit its column whole.
MIN_PT = 5.5
# Where a compound or an address may still be cut when even that is too wide: after «-» or a single «/».
JOINTS = re.compile(r"(?<=[^/\s][-/])(?=[^/\s])")


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
        self.body_top = self.get_y()  # where a page's text starts: a heading there has nowhere better to go

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

    for index, block in enumerate(content.blocks):
        if isinstance(block, Heading):
            _heading(pdf, block, _keep_with(pdf, content.blocks, index))
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


def _heading(pdf: FPDF, block: Heading, keep: float) -> None:
    # A heading alone at the foot of a page belongs with what follows it: it goes over with the first lines
    # (``keep`` mm of them), unless it already stands at the top of a page.
    if pdf.get_y() + keep > pdf.page_break_trigger and pdf.get_y() > pdf.body_top + 1:
        pdf.add_page()
    pdf.ln(3 if block.level == 1 else 1)
    pdf.set_font(FONT, "B", 12.5 if block.level == 1 else 10.5)
    pdf.multi_cell(0, 7 if block.level == 1 else 6, block.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _keep_with(pdf: FPDF, blocks, index: int) -> float:
    """How much room, mm, the heading ``blocks[index]`` needs at the foot of a page: itself, and the beginning of
    what it heads — two lines of text, or a table's column names and first row, or the next heading's own."""
    block = blocks[index]
    height = 3 + 7 + 1 if block.level == 1 else 1 + 6 + 1
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    if isinstance(following, Heading):
        return height + _keep_with(pdf, blocks, index + 1)
    if isinstance(following, Para):
        pdf.set_font(FONT, "B" if following.bold else "I" if following.italic else "", 10)
        lines = pdf.multi_cell(0, LINE, following.text, dry_run=True, output="LINES")
        return height + min(len(lines), 2) * LINE
    if isinstance(following, Bullets):
        return height + min(len(following.items), 2) * LINE
    if isinstance(following, Table):
        rows = _cells(pdf, following)
        return height + sum(_row_height(pdf, following, row) for row in rows[:2 if following.header else 1])
    return height


def _table(pdf: FPDF, block: Table) -> None:
    size, line_height = _type(block)
    rows = _cells(pdf, block)
    pdf.set_font(FONT, "", size)
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
        for number, cells in enumerate(rows):
            row = table.row()
            heading = block.header is not None and number == 0
            for index, (text, cell_size, bold) in enumerate(cells):
                style = None
                if heading:
                    style = None if cell_size == size else FontFace(emphasis="BOLD", fill_color=HEADING_FILL,
                                                                     size_pt=cell_size)
                elif bold or cell_size != size:
                    style = FontFace(emphasis="BOLD" if bold else None, size_pt=cell_size)
                row.cell(text, align="C" if heading or index in centred else "L", style=style)
        if block.footer:
            row = table.row()
            index = 0
            for text, span in block.footer:
                row.cell(text, colspan=span, style=BOLD, align="C" if index in centred else "L")
                index += span
    pdf.ln(3)


def _type(block: Table) -> tuple[float, float]:
    """The table's type size, pt, and line height, mm: ten columns only fit at the smaller."""
    return (8, 3.8) if block.small else (9.5, 4.8)


def _inner_widths(pdf: FPDF, block: Table) -> list[float]:
    scale = pdf.epw / sum(block.widths)
    return [width * scale - 2 * PADDING - 0.5 for width in block.widths]  # 0.5: fpdf2's rounding, and a hair


def _cells(pdf: FPDF, block: Table) -> list[list[tuple[str, float, bool]]]:
    """The table's rows (its column names first) as cells (text, type size, bold), a row taller than a page cut
    into continuation rows, and each cell's type small enough for its longest word to fit whole."""
    size, line_height = _type(block)
    widths = _inner_widths(pdf, block)
    rows = []
    if block.header:
        rows.append([(*_fit(pdf, text, widths[i], size, True), True) for i, text in enumerate(block.header)])
    pdf.set_font(FONT, "", size)
    for values in _rows_that_fit(pdf, block, line_height):
        cells = []
        for i, text in enumerate(values):
            bold = block.header is None and i == 0  # a label | value form: the labels
            cells.append((*_fit(pdf, text, widths[i], size, bold), bold))
        rows.append(cells)
    pdf.set_font(FONT, "", size)
    return rows


def _fit(pdf: FPDF, text: str, width: float, size: float, bold: bool) -> tuple[str, float]:
    """``text`` and the type size at which none of its words is wider than ``width``: fpdf2 cuts such a word
    anywhere. Smaller type first; a compound or an address still too wide is opened at its joints."""
    pdf.set_font(FONT, "B" if bold else "", size)
    widest = max((pdf.get_string_width(word) for word in text.split()), default=0)
    if widest <= width:
        return text, size
    if size * width / widest >= MIN_PT:
        return text, math.floor(size * width / widest * 10) / 10  # a string's width grows with its size
    opened = JOINTS.sub(" ", text)
    widest = max(pdf.get_string_width(word) for word in opened.split())
    return opened, max(MIN_PT, min(size, math.floor(size * width / widest * 10) / 10))


def _row_height(pdf: FPDF, block: Table, cells) -> float:
    _size, line_height = _type(block)
    tallest, margin = 0, pdf.c_margin
    pdf.c_margin = 0  # a table's cell has its padding instead
    try:
        for width, (text, size, bold) in zip(_inner_widths(pdf, block), cells, strict=True):
            pdf.set_font(FONT, "B" if bold else "", size)
            tallest = max(tallest, len(pdf.multi_cell(width, line_height, text, dry_run=True, output="LINES")))
    finally:
        pdf.c_margin = margin
    return tallest * line_height + 2 * PADDING


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
