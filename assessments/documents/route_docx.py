"""The ИОМ as a Word document (A4 landscape) that the tutor can still edit before it is signed."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from assessments.documents.content import PAGE, PAGES, Bullets, Heading, Para, Table, route_content
from assessments.documents.data import RouteDocument

FONT = "Times New Roman"
TEXT_WIDTH_MM = 297 - 2 * 15


def route_docx(doc: RouteDocument) -> bytes:
    """The filled form: general information, diagnostic results, goal and tasks, plan, totals, outcome."""
    content = route_content(doc)
    document = Document()
    _page_setup(document)
    _styles(document)
    section = document.sections[0]
    _header(section, content.running_head)
    _footer(section, content.page_label)

    title = document.add_paragraph(style="Title")
    title.add_run(content.title)
    subtitle = document.add_paragraph(content.subtitle, style="Subtitle")
    subtitle.alignment = title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for block in content.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Para):
            run = document.add_paragraph().add_run(block.text)
            run.bold, run.italic = block.bold, block.italic
        elif isinstance(block, Bullets):
            for item in block.items:
                document.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(document, block)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = section.bottom_margin = Mm(15)
    section.header_distance = section.footer_distance = Mm(8)


def _styles(document) -> None:
    """Times New Roman throughout, black headings: the default template's blue Calibri is not a form."""
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet"):
        style = document.styles[name]
        style.font.name = FONT
        # Word picks the font per script; without eastAsia/cs it may fall back to the theme's font.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        style.font.color.rgb = None
    document.styles["Normal"].font.size = Pt(11)
    document.styles["Normal"].paragraph_format.space_after = Pt(2)
    document.styles["Title"].font.size = Pt(16)
    document.styles["Title"].font.bold = True
    document.styles["Subtitle"].font.size = Pt(12)
    document.styles["Subtitle"].font.italic = False
    document.styles["Heading 1"].font.size = Pt(13)
    document.styles["Heading 2"].font.size = Pt(11.5)
    for name in ("Heading 1", "Heading 2"):
        document.styles[name].paragraph_format.space_before = Pt(10)
        document.styles[name].paragraph_format.space_after = Pt(4)
        # A heading never stays alone at the foot of a page: Word moves it over with what follows.
        document.styles[name].paragraph_format.keep_with_next = True


def _table(document, block: Table) -> None:
    columns = len(block.widths)
    table = document.add_table(rows=0, cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if block.borders:
        table.style = document.styles["Table Grid"]
    scale = TEXT_WIDTH_MM / sum(block.widths)
    widths = [Mm(width * scale) for width in block.widths]
    # LibreOffice reads the grid, Word reads the cells: set both.
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    size = Pt(9) if block.small else Pt(10.5)

    if block.header:
        row = table.add_row()
        _repeat_as_header(row)
        for index, text in enumerate(block.header):
            _fill(row.cells[index], text, widths[index], size, bold=True, centre=True)
            # … and a table's column names go with its first row (which the heading is kept with, through them).
            row.cells[index].paragraphs[0].paragraph_format.keep_with_next = True
    for values in block.rows:
        row = table.add_row()
        for index, text in enumerate(values):
            _fill(row.cells[index], text, widths[index], size, bold=block.header is None and index == 0,
                  centre=index in block.centred)
    if block.footer:
        row = table.add_row()
        index = 0
        for text, span in block.footer:
            cell = row.cells[index]
            if span > 1:
                cell = cell.merge(row.cells[index + span - 1])
            _fill(cell, text, sum(widths[index:index + span], Mm(0)), size, bold=True, centre=index in block.centred)
            index += span
    document.add_paragraph()


def _fill(cell, text: str, width, size, bold: bool = False, centre: bool = False) -> None:
    cell.width = width
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size, run.bold = size, bold


def _repeat_as_header(row) -> None:
    """Word repeats the row at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _header(section, text: str) -> None:
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.font.size = Pt(9)


def _footer(section, label: str) -> None:
    """«Страница N из M» with Word's own PAGE and NUMPAGES fields, so the numbers stay right after edits."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _page, rest = label.partition(PAGE)
    middle, _pages, after = rest.partition(PAGES)
    for text, field in ((before, "PAGE"), (middle, "NUMPAGES"), (after, None)):
        if text:
            paragraph.add_run(text).font.size = Pt(9)
        if field:
            _field(paragraph, field)


def _field(paragraph, instruction: str) -> None:
    """A complex field: begin, the instruction, a placeholder result Word recomputes on opening, end."""
    run = paragraph.add_run()
    run.font.size = Pt(9)
    parts = [_fld_char("begin"), OxmlElement("w:instrText"), _fld_char("separate"), OxmlElement("w:t"),
             _fld_char("end")]
    parts[1].set(qn("xml:space"), "preserve")
    parts[1].text = f" {instruction} "
    parts[3].text = "1"
    for part in parts:
        run._r.append(part)


def _fld_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element
