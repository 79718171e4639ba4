"""The ИОМ documents: the route as DOCX and PDF, a group's routes as XLSX, read back and checked."""

from __future__ import annotations

import dataclasses
import io
import re
import zlib
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from assessments.documents.data import (
    GroupRouteRow,
    PlanRow,
    RepeatRow,
    ResultRow,
    RouteDocument,
    TaskRow,
    Totals,
)
from assessments.documents.route_docx import route_docx
from assessments.documents.route_pdf import route_pdf
from assessments.documents.routes_xlsx import routes_xlsx

pytestmark = pytest.mark.nodb  # touches no database: it runs in the SQLite pass only

TEACHER = "Петрова Анна Сергеевна"
TUTOR = "Смирнов Олег Викторович"
D1 = "D2. Проектирование урока"
D2 = "D4. Формирующее оценивание"
D3 = "D6. Цифровые инструменты"


def _plan_row(number: int, deficit: str = D1, start=date(2026, 10, 5), end=date(2026, 11, 20), **overrides):
    values = dict(number=number, deficit=deficit, task="Освоить конструирование урока по ФГОС",
                  content=f"Модуль {number}: цель урока и планируемые результаты",
                  form="курс ПК (ФР ДПП)", organiser="ЦНППМ Тверской области", hours=12.5, start=start, end=end,
                  result_form="сертификат", mark="")
    values.update(overrides)
    return PlanRow(**values)


def route(**overrides) -> RouteDocument:
    """A realistic route: three deficits, six steps (one self-paced, without dates), a repeated diagnostic."""
    plan = (
        _plan_row(1, mark="выполнено 12.11.2026"),
        _plan_row(2, content="Практикум «Технологическая карта урока»", form="практикум", hours=8,
                  start=date(2026, 12, 1), end=date(2026, 12, 1), result_form="технологическая карта",
                  mark="выполнено 01.12.2026"),
        _plan_row(3, deficit=D2, task="Применять приёмы формирующего оценивания",
                  content="Семинар «Критериальное оценивание»", form="семинар", hours=6,
                  start=date(2027, 1, 15), end=date(2027, 1, 29), result_form="выступление", mark="просрочено"),
        _plan_row(4, deficit=D2, task="Применять приёмы формирующего оценивания", content="Открытый урок",
                  form="консультация", organiser=TUTOR, hours=2, start=date(2027, 2, 10), end=date(2027, 2, 10),
                  result_form="открытый урок"),
        _plan_row(5, deficit=D3, task="Использовать цифровые сервисы для обратной связи",
                  content="Самостоятельное изучение сервисов онлайн-опросов", form="самообразование",
                  organiser="https://example.org/course", hours=10.5, start=None, end=None,
                  result_form="публикация"),
        _plan_row(6, deficit=D3, task="Использовать цифровые сервисы для обратной связи",
                  content="Вебинар «Цифровая образовательная среда»", form="вебинар", organiser="ФГАОУ ДПО «Академия»",
                  hours=1.5, start=date(2027, 3, 3), end=date(2027, 3, 3), result_form="сертификат"),
    )
    values = dict(
        teacher=TEACHER, position="учитель", subjects="Информатика, математика", school="МОУ «СОШ № 5»",
        municipality="г. Тверь", experience_years=12, category="первая", tutor=TUTOR, mentor=None,
        period_start=date(2026, 9, 1), period_end=date(2027, 5, 31), status="утверждён",
        diagnostic_date=date(2026, 9, 14), diagnostic_instrument="Диагностика профессиональных дефицитов, вариант 2",
        results=(
            ResultRow("D2", "Проектирование урока", 2, "базовый", 4, True, 0.93, 3, "диагностическая работа"),
            ResultRow("D4", "Формирующее оценивание", 3, "достаточный", 4, True, 0.71, None,
                      "анализ урока тьютором"),
            ResultRow("D6", "Цифровые инструменты", 2, "базовый", 3, True, 0.64, 4, "диагностическая работа"),
            ResultRow("D1", "Предметные знания", 5, "высокий", 4, False, 0.04, 5, "диагностическая работа"),
        ),
        strengths=("Предметные знания выше целевого уровня", "Опыт наставничества молодых учителей"),
        goal="Устранить дефициты в проектировании урока, оценивании и цифровых инструментах",
        tasks=(TaskRow(D1, "Освоить конструирование урока по ФГОС"),
               TaskRow(D2, "Применять приёмы формирующего оценивания"),
               TaskRow(D3, "Использовать цифровые сервисы для обратной связи")),
        plan=plan,
        totals=Totals(hours=40.5, hours_by_form=(("курс ПК (ФР ДПП)", 12.5), ("практикум", 8.0), ("семинар", 6.0),
                                                ("консультация", 2.0), ("самообразование", 10.5), ("вебинар", 1.5)),
                      weeks=39, pace=1.04, actual_pace=0.86, done_share=2 / 6, on_time_share=2 / 3,
                      closure=((D1, "закрыт"), (D2, "в работе"), (D3, "не начат"))),
        repeat=(RepeatRow("D2", "Проектирование урока", 2, 4, 1.8, True, True),
                RepeatRow("D4", "Формирующее оценивание", 3, 3, 0.2, False, False)),
        repeat_date=date(2027, 5, 20), conclusion="Маршрут выполнен частично; рекомендовано продолжить работу по D4.",
        approved_by="Кузнецова Елена Павловна", approved_on=date(2026, 9, 25), generated_on=date(2027, 5, 28),
        head="Соколова Ирина Владимировна",
    )
    values.update(overrides)
    return RouteDocument(**values)


@pytest.fixture
def ru(app):
    """A request in the default locale, so ``_()`` gives the Russian labels."""
    with app.test_request_context():
        yield


# --- DOCX -----------------------------------------------------------------------------------------------------

PLAN_HEADER = ["№", "Дефицит / компетенция", "Задача", "Содержание (тема / модуль)", "Форма",
               "Организатор / ресурс", "Объём, ч", "Сроки", "Форма предъявления результата", "Отметка о выполнении"]


def _docx(document: RouteDocument):
    return Document(io.BytesIO(route_docx(document)))


def _texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _table_with(docx, first_cell: str) -> list[list[str]]:
    for table in docx.tables:
        if table.rows[0].cells[0].text == first_cell:
            return _texts(table)
    raise AssertionError(f"no table starting with {first_cell!r}")


def test_docx_has_the_form_sections_in_russian_on_landscape_a4(ru):
    docx = _docx(route())
    paragraphs = [p.text for p in docx.paragraphs]
    assert paragraphs[0] == "Индивидуальный образовательный маршрут педагога"
    assert paragraphs[1] == "на период с 01.09.2026 по 31.05.2027"
    headings = [p.text for p in docx.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["1. Общие сведения", "2. Результаты диагностики", "3. Цель и задачи", "4. План", "5. Итоги"]
    section = docx.sections[0]
    assert section.page_width > section.page_height
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    assert docx.styles["Normal"].font.name == "Times New Roman"


def test_docx_general_information_and_diagnostic_results(ru):
    docx = _docx(route())
    general = dict(_table_with(docx, "ФИО"))
    assert general["ФИО"] == TEACHER
    assert general["Педагогический стаж"] == "12 лет"
    assert general["Тьютор"] == TUTOR
    assert general["Наставник"] == "—"
    assert general["Период реализации"] == "01.09.2026 – 31.05.2027"
    assert general["Диагностика: дата и инструмент"].startswith("14.09.2026, ")
    results = _table_with(docx, "Компетенция")
    assert results[1] == ["D2. Проектирование урока", "2 — базовый", "4", "да (0,93)", "3", "диагностическая работа"]
    assert results[2][4] == "—"  # no self-assessment for D4
    assert results[4][3] == "нет (0,04)"
    assert "Опыт наставничества молодых учителей" in [p.text for p in docx.paragraphs]


def test_docx_plan_table_has_ten_columns_a_row_per_step_and_a_totals_row(ru):
    docx = _docx(route())
    plan = next(_texts(t) for t in docx.tables if len(t.columns) == 10)
    assert plan[0] == PLAN_HEADER
    assert len(plan) == 1 + 6 + 1
    assert plan[1][6] == "12,5" and plan[1][7] == "05.10.2026 – 20.11.2026" and plan[1][9] == "выполнено 12.11.2026"
    assert plan[2][7] == "01.12.2026"  # a one-day step shows one date
    assert plan[5][7] == "в течение периода"  # a self-paced step without dates
    assert plan[-1][0] == "Итого" and plan[-1][6] == "40,5" and plan[-1][9] == "выполнено: 33\u00a0%"
    header_row = next(t for t in docx.tables if len(t.columns) == 10).rows[0]
    assert header_row._tr.xpath("./w:trPr/w:tblHeader")  # repeated on every page in Word


def test_docx_totals_and_closure(ru):
    docx = _docx(route())
    totals = dict(_table_with(docx, "Общий объём, ч"))
    assert totals["Темп по плану"] == "1,0 ч в неделю"
    assert totals["Выполнено шагов"] == "33\u00a0%"
    assert totals["Выполнено в срок"] == "67\u00a0%"
    assert _table_with(docx, "Форма")[1] == ["курс ПК (ФР ДПП)", "12,5", "31\u00a0%"]
    closure = _table_with(docx, "Дефицит / компетенция")
    assert [D3, "не начат"] in closure


def test_docx_outcome_with_the_repeated_diagnostic_and_signatures(ru):
    docx = _docx(route())
    text = "\n".join(p.text for p in docx.paragraphs)
    repeat = next(_texts(t) for t in docx.tables if t.rows[0].cells[1].text == "Уровень до")
    assert repeat[1:] == [["D2. Проектирование урока", "2", "4", "+1,8", "да", "да"],
                          ["D4. Формирующее оценивание", "3", "3", "+0,2", "нет", "нет"]]
    assert "Дата проведения: 20.05.2027" in text
    assert "не проводилась" not in text
    assert "рекомендовано продолжить работу по D4" in text
    signatures = docx.tables[-1]
    assert [row.cells[0].text for row in signatures.rows] == ["Педагог", "Тьютор", "Руководитель методической службы"]
    assert signatures.rows[0].cells[1].text == "____________ / Петрова А. С. /"
    # The head signs under their own name, on a date written by hand: not the tutor who approved, nor that day.
    assert signatures.rows[2].cells[1].text == "____________ / Соколова И. В. /"
    assert [row.cells[2].text for row in signatures.rows] == [BLANK_DATE] * 3


BLANK_DATE = "«____» ______________ 20____ г."


def test_docx_without_a_repeated_diagnostic_says_so_and_leaves_lines_for_the_conclusion(ru):
    docx = _docx(route(repeat=None, repeat_date=None, conclusion="", approved_by=None, approved_on=None,
                       head=None))
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "Повторная диагностика ещё не проводилась." in text
    assert not any(t.rows[0].cells[1].text == "Уровень до" for t in docx.tables)
    assert "_" * 50 in text
    assert docx.tables[-1].rows[2].cells[1].text == "____________ / ____________ /"  # no head known: a blank


def test_docx_header_and_footer_carry_the_date_and_page_fields(ru):
    section = _docx(route()).sections[0]
    assert "28.05.2027" in section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("Страница ")
    instructions = [node.text.strip() for node in footer._p.xpath(".//w:instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_docx_labels_follow_the_interface_language(app):
    with app.test_request_context("/?lang=en"):
        docx = _docx(route())
    assert docx.paragraphs[0].text == "Individual educational route of a teacher"
    assert docx.tables[0].rows[0].cells[0].text == "Full name"


# --- PDF ------------------------------------------------------------------------------------------------------

def _pdf_objects(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number → (dictionary, stream decoded), enough of a PDF reader for what fpdf2 writes."""
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*(<<.*?>>)\s*(?:stream\r?\n(.*?)\r?\nendstream|endobj)", data, re.S):
        head, stream = match.group(2), match.group(3) or b""
        length = re.search(rb"/Length (\d+)\b", head)
        if match.group(3) is not None and length:  # a stream may end in a byte the pattern takes for the \r
            stream = data[match.start(3):match.start(3) + int(length.group(1))]
        objects[int(match.group(1))] = (head, zlib.decompress(stream) if b"/FlateDecode" in head else stream)
    return objects


def _literal_strings(content: bytes):
    """(font name, bytes) for each ``(...) Tj``, undoing PDF string escapes."""
    font, index = None, 0
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while index < len(content):
        if content.startswith(b"/F", index):
            font = re.match(rb"/(F\d+)", content[index:]).group(1)
        if content[index:index + 1] != b"(":
            index += 1
            continue
        out, depth, index = bytearray(), 1, index + 1
        while True:
            byte = content[index]
            if byte == 0x5C:  # backslash
                following = content[index + 1]
                if 0x30 <= following <= 0x37:
                    digits = re.match(rb"[0-7]{1,3}", content[index + 1:index + 4]).group()
                    out.append(int(digits, 8))
                    index += 1 + len(digits)
                    continue
                out.append(escapes.get(following, following))
                index += 2
                continue
            depth += byte == 0x28
            depth -= byte == 0x29
            if depth == 0:
                break
            out.append(byte)
            index += 1
        index += 1
        yield font, bytes(out)


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, glyph ids mapped back through each font's ToUnicode map."""
    objects = _pdf_objects(data)
    maps = {}
    for number, (head, _stream) in objects.items():
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if to_unicode:
            cmap = objects[int(to_unicode.group(1))][1]
            pairs = re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", cmap.split(b"beginbfchar", 1)[-1])
            maps[number] = {int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in pairs}
    kids = re.search(rb"/Type /Pages", data) and re.search(rb"/Kids \[(.*?)\]", data, re.S).group(1)
    pages = []
    for page in (int(n) for n in re.findall(rb"(\d+) 0 R", kids)):
        head = objects[page][0]
        resources = objects[int(re.search(rb"/Resources (\d+) 0 R", head).group(1))][0]
        fonts = {name: int(ref) for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", resources)}
        content = objects[int(re.search(rb"/Contents (\d+) 0 R", head).group(1))][1]
        lines = []
        for font, raw in _literal_strings(content):
            cmap = maps[fonts[font]]
            lines.append("".join(cmap.get(int.from_bytes(raw[i:i + 2], "big"), "?") for i in range(0, len(raw), 2)))
        pages.append("\n".join(lines))
    return pages


def _flat(text: str) -> str:
    """One space for each run of whitespace: a wrapped cell is several strings, one per line."""
    return " ".join(text.split())


def test_pdf_is_a_landscape_a4_document_with_the_teacher_and_russian_labels(ru):
    data = route_pdf(route())
    assert data.startswith(b"%PDF-")
    assert b"/MediaBox [0 0 841.89 595.28]" in data  # A4 landscape, in points
    pages = pdf_pages(data)
    text = _flat("\n".join(pages))
    assert "Индивидуальный образовательный маршрут педагога" in text
    assert TEACHER in text
    assert "4. План" in text and "5. Итоги" in text
    assert "в течение периода" in text and "40,5" in text
    assert pages[0].startswith("ИОМ: Петрова А. С. · сформирован 28.05.2027")  # the running head
    assert f"Страница 1 из {len(pages)}" in _flat(pages[0])


def test_pdf_long_plan_runs_over_pages_and_repeats_its_header(ru):
    long_plan = tuple(_plan_row(number, content=f"Модуль {number}: длинное название темы, которое переносится "
                                                f"на несколько строк в узкой колонке таблицы")
                      for number in range(1, 61))
    pages = pdf_pages(route_pdf(route(plan=long_plan)))
    assert len(pages) > 6  # the six-step route takes four pages
    plan_pages = [page for page in pages if "Модуль " in page]
    assert len(plan_pages) > 2
    assert all("Сроки" in page and "Отметка о" in page for page in plan_pages)
    assert "Модуль 60:" in "\n".join(pages)
    assert f"Страница {len(pages)} из {len(pages)}" in _flat(pages[-1])


def test_pdf_cuts_a_cell_longer_than_a_page_into_continuation_rows(ru):
    words = " ".join(f"слово{number}" for number in range(1, 701))
    pages = pdf_pages(route_pdf(route(plan=(_plan_row(1, content=words),))))
    text = _flat("\n".join(pages))
    assert "слово1 слово2 " in text and "слово700" in text
    assert len(pages) > 5


def test_a_fresh_draft_without_results_steps_or_tutor_still_renders(ru):
    draft = route(results=(), strengths=(), tasks=(), plan=(), repeat=None, repeat_date=None, conclusion="",
                  tutor=None, mentor=None, experience_years=None, approved_by=None, approved_on=None,
                  totals=Totals(0, (), 0, 0, None, 0, None, ()))
    docx = _docx(draft)
    plan = next(_texts(t) for t in docx.tables if len(t.columns) == 10)
    assert len(plan) == 2 and plan[-1][6] == "0"  # the header and the totals row
    assert dict(_table_with(docx, "ФИО"))["Педагогический стаж"] == "—"
    assert dict(_table_with(docx, "Общий объём, ч"))["Выполнено в срок"] == "—"
    assert TEACHER in _flat("\n".join(pdf_pages(route_pdf(draft))))


# --- XLSX -----------------------------------------------------------------------------------------------------

def _group_row(teacher: str = TEACHER, **overrides) -> GroupRouteRow:
    values = dict(teacher=teacher, school="МОУ «СОШ № 5»", tutor=TUTOR, status="в работе",
                  period_start=date(2026, 9, 1), period_end=date(2027, 5, 31), deficits=3, steps=6, done=2,
                  overdue=1, hours=40.5, hours_done=20.5, last_activity=date(2027, 3, 3), closed_deficits=1)
    values.update(overrides)
    return GroupRouteRow(**values)


def test_xlsx_lists_a_groups_routes_with_real_dates(ru):
    rows = [_group_row(), _group_row("Иванов Пётр Ильич", tutor=None, steps=0, done=0, last_activity=None),
            _group_row("=HYPERLINK(\"http://evil\")")]
    book = load_workbook(io.BytesIO(routes_xlsx("Группа ИОМ-1: маршруты", rows)))
    assert book.sheetnames == ["Маршруты"]
    sheet = book.active
    assert sheet["A1"].value == "Группа ИОМ-1: маршруты"
    header = [cell.value for cell in sheet[3]]
    assert header[:7] == ["№", "Педагог", "Образовательная организация", "Тьютор", "Статус", "Начало", "Окончание"]
    assert "Последняя активность" in header
    assert sheet.max_row == 3 + len(rows)
    assert sheet.freeze_panes == "C4"
    start = sheet.cell(4, header.index("Начало") + 1)
    assert start.is_date and start.value.date() == date(2026, 9, 1) and start.number_format == "DD.MM.YYYY"
    assert sheet.cell(4, header.index("Выполнено, доля") + 1).value == pytest.approx(1 / 3)
    assert sheet.cell(5, header.index("Выполнено, доля") + 1).value is None  # no steps: no share, not 0 %
    assert sheet.cell(5, header.index("Последняя активность") + 1).value is None
    assert sheet.cell(6, 2).data_type == "s" and sheet.cell(6, 2).value.startswith("'=")  # never a formula


def test_xlsx_second_sheet_lists_every_plan_step(ru):
    document = route()
    steps = [(TEACHER, row) for row in document.plan]
    book = load_workbook(io.BytesIO(routes_xlsx("Группа", [_group_row()], steps=steps)))
    assert book.sheetnames == ["Маршруты", "Шаги плана"]
    sheet = book["Шаги плана"]
    header = [cell.value for cell in sheet[3]]
    assert header[:4] == ["Педагог", "№", "Дефицит / компетенция", "Задача"]
    assert sheet.max_row == 3 + 6
    hours = sheet.cell(4, header.index("Объём, ч") + 1)
    assert hours.value == 12.5 and hours.number_format == "#,##0.0"
    self_paced = 4 + 4  # the fifth step has no dates
    assert sheet.cell(self_paced, header.index("Начало") + 1).value is None
    assert sheet.cell(4, header.index("Окончание") + 1).is_date


def test_data_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        route().teacher = "Другой"  # type: ignore[misc]


# --- PDF layout: whole words, headings kept with what follows ---------------------------------------------------

def _pieces(word: str) -> set[str]:
    """A word, and what it may be cut into at the joints of a compound or an address (after «-» or a single «/»):
    anything else in a line of the PDF is a word broken inside."""
    parts = re.split(r"(?<=[^/\s][-/])(?=[^/\s])", word)
    return {"".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)}


def _broken_words(document: RouteDocument) -> list[str]:
    from assessments.documents.content import route_content

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, tuple | list):
            for item in value:
                yield from strings(item)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                yield from strings(getattr(value, f.name))

    allowed = {piece for text in strings(route_content(document)) for word in text.split() for piece in _pieces(word)}
    lines = "\n".join(pdf_pages(route_pdf(document))).split("\n")
    allowed.add("•")  # the bullets' own mark
    return [token for line in lines for token in line.split() if token not in allowed and not token.isdigit()]


def test_pdf_breaks_no_word_inside_even_in_the_narrow_columns_of_the_plan(ru):
    plan = (*route().plan,
            _plan_row(7, form="информационно-коммуникационные", content="Здоровьесберегающие технологии",
                      organiser="https://edu.example.org/courses/digital-school", result_form="Профессионально-"
                      "ориентированный кейс", mark="самообразование"),
            _plan_row(8, deficit="D7. Высокотехнологичное проектирование", task="Совершенствоваться",
                      form="самообразование", hours=2.5))
    assert _broken_words(route(plan=plan)) == []


def test_pdf_of_the_sample_route_breaks_no_word(ru):
    assert _broken_words(route()) == []  # «самообразование» in the column of forms was cut in two


def test_pdf_never_leaves_a_heading_alone_at_the_foot_of_a_page(ru):
    """After the last heading of a page comes some of what it heads: more than the column names of a table,
    which the next page repeats anyway."""
    from assessments.documents.content import Heading, Table, route_content

    tall = "Подробное содержание модуля, которое занимает много строк в узкой колонке таблицы. " * 4
    checked = 0
    for strengths in range(0, 24, 2):  # each pushes the headings after it down by a line
        for steps in (1, 3, 9):
            document = route(strengths=tuple(f"Сильная сторона {n}" for n in range(strengths)),
                             plan=(_plan_row(1, content=tall), *(_plan_row(n) for n in range(2, steps + 1))))
            blocks = route_content(document).blocks
            headings = {block.text for block in blocks if isinstance(block, Heading)}
            column_names = [name for block in blocks if isinstance(block, Table) and block.header
                            for name in block.header]
            pages = pdf_pages(route_pdf(document))
            for number, page in enumerate(pages[:-1], start=1):
                lines = [line.strip() for line in page.split("\n") if line.strip()][1:]  # after the running head
                while lines and re.fullmatch(r"Страница \d+ из|\d+", lines[-1]):  # the label and its page count
                    lines.pop()
                last = max((i for i, line in enumerate(lines) if line in headings), default=None)
                if last is None:
                    continue
                after = [line for line in lines[last + 1:] if not any(line in name for name in column_names)]
                assert after, f"{steps} steps: «{lines[last]}» alone at the foot of page {number}"
                checked += 1
    assert checked > 20


def test_docx_keeps_every_heading_and_every_tables_column_names_with_what_follows(ru):
    docx = _docx(route())
    headings = [p for p in docx.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) > 8
    assert all(p.style.paragraph_format.keep_with_next for p in headings)
    for table in docx.tables:
        if table.rows[0].cells[0].text == "№":
            assert all(cell.paragraphs[0].paragraph_format.keep_with_next for cell in table.rows[0].cells)
