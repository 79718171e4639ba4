"""Reading an uploaded CSV or XLSX into numbered rows of text cells."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from lms.i18n import _


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, no header, too many rows)."""



def fold_key(text: str) -> str:
    """Compare names regardless of case, quotes, ё/е and repeated spaces."""
    text = text.lower().replace("ё", "е")
    text = re.sub(r"[«»\"'“”„]", "", text)
    return " ".join(text.split())



def read_table(stream: BinaryIO, filename: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (spreadsheet row number, cells as text) from a CSV or XLSX upload."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportFileError(_("The XLSX file cannot be read: %(error)s", error=exc)) from exc
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, ["" if v is None else _cell_text(v) for v in values]
        workbook.close()
        return
    if not name.endswith(".csv"):
        raise ImportFileError(_("Only CSV and XLSX files can be imported."))
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
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        yield number, [c.strip() for c in cells]


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


