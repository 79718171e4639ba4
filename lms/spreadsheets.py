"""Text written into a CSV or XLSX export: one rule against formula injection, and the CSV Excel in Russia opens."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

#: A cell starting with one of these is read as a formula by Excel or LibreOffice (tab and CR too, as OWASP notes).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value) -> str:
    """``value`` as text a spreadsheet shows as text: a leading formula character gets an apostrophe before it.

    Every text cell of every export goes through this (``openpyxl`` would even store ``=...`` as a live
    formula); numbers and dates stay typed values and are not passed here.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """Rows as a CSV Excel opens correctly in a Russian locale: UTF-8 with a BOM, ``;`` between cells, CRLF.

    Text cells are escaped by :func:`cell_text`; numbers are written as they are.
    """
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([value if isinstance(value, int | float) and not isinstance(value, bool) else cell_text(value)
                         for value in row])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")
