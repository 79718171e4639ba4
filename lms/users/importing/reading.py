"""Reading an uploaded CSV or XLSX into numbered rows of text cells."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import BinaryIO

from flask import current_app

from lms.i18n import _


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, no header, too many rows)."""


def fold_key(text: str) -> str:
    """Compare names regardless of case, quotes, ё/е and repeated spaces."""
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[«»\"'“”„]", "", text)
    return " ".join(text.split())



#: Columns read from a sheet; a declared width of thousands of empty columns is not walked.
MAX_COLUMNS = 40
#: Largest unpacked XLSX accepted: a few MB of text compress into a small file, a zip bomb does not.
MAX_XLSX_UNPACKED = 64 * 1024 * 1024


#: Blank lines tolerated on top of the allowed rows before a file counts as too long.
BLANK_SLACK = 100


def read_table(stream: BinaryIO, filename: str, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (spreadsheet row number, cells as text) from a CSV or XLSX upload.

    :param max_rows: data rows allowed; reading stops (with an error) a little past that many lines,
        blank ones included, so a file declaring a million rows is not walked.
    :raises ImportFileError: the file cannot be read, or is too long.
    """
    last_line = max_rows + 1 + BLANK_SLACK
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(stream)
    elif name.endswith(".csv"):
        rows = _csv_rows(stream)
    else:
        raise ImportFileError(_("Only CSV and XLSX files can be imported."))
    for number, cells in rows:
        if number > last_line:
            raise ImportFileError(_("The file has more than %(n)d rows; split it into parts.", n=max_rows))
        yield number, cells


def _xlsx_rows(stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    unreadable = _("The XLSX file cannot be read. Save it again in Excel or LibreOffice, or export it as CSV.")
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(unreadable) from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise ImportFileError(_("The XLSX file unpacks to more than %(mb)d MB; export the list as CSV.",
                                mb=MAX_XLSX_UNPACKED // 2**20))
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            yield number, ["" if v is None else _cell_text(v) for v in values]
        workbook.close()
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl and the XML parser raise many kinds for a broken file
        current_app.logger.warning("Unreadable XLSX import: %r", exc)
        raise ImportFileError(unreadable) from exc


def _csv_rows(stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    raw = stream.read()
    for encoding in ("utf-8-sig", "cp1251"):  # Excel in Russian saves CSV as cp1251
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file is neither UTF-8 nor Windows-1251 text."))
    if "\x00" in text:
        raise ImportFileError(_("The file is not a text CSV file."))
    # The header line decides the separator: Excel in Russia writes ';', others ',' or tabs.
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=header.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [c.strip() for c in cells[:MAX_COLUMNS]]
    except csv.Error as exc:
        raise ImportFileError(_("Row %(row)d of the CSV file cannot be read: %(error)s",
                                row=number + 1, error=exc)) from exc


def _cell_text(value) -> str:
    """A cell as the text a person would have typed: 12, not 12.0; a date cell as ДД.ММ.ГГГГ (its time, if any,
    after it), not Python's 2026-09-01 00:00:00."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y" if value.time() == time() else "%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


