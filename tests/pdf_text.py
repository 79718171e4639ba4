"""Reading back what a PDF made by fpdf2 prints, with no PDF library: its pages and its text lines."""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*(stream\r?\n|endobj)", re.S)
_LENGTH = re.compile(rb"/Length (\d+)\b")
_TOKEN = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def text_lines(pdf: bytes) -> list[str]:
    """Every shown string, decoded through its font's ToUnicode map (fpdf2 writes glyph ids of font subsets,
    two bytes each, so the text is not in the file as characters)."""
    objects = {}
    for found in _OBJECT.finditer(pdf):
        number, head, body = found.group(1), found.group(2), b""
        if found.group(3).startswith(b"stream"):
            # The stream is exactly /Length bytes: compressed data may itself end in a CR or hold "endstream".
            body = pdf[found.end():found.end() + int(_LENGTH.search(head).group(1))]
            if b"FlateDecode" in head:
                body = zlib.decompress(body)
        objects[int(number)] = (head, body)
    cmaps = {}
    for name, number in set(re.findall(rb"/(F\d+) (\d+) 0 R", pdf)):
        found = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(number), (b"", b""))[0])
        if found:
            cmap = objects[int(found.group(1))][1]
            cmaps[name] = {int(a, 16): chr(int(b, 16)) for a, b in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4})>",
                                                                              cmap)}
    lines, font = [], {}
    for _head, body in objects.values():
        if not body or b" Tj" not in body:
            continue
        for name, raw in _TOKEN.findall(body):
            if name:
                font = cmaps.get(name, {})
                continue
            data = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: _ESCAPES.get(m.group(1), bytes([int(m.group(1), 8)])
                                                                 if m.group(1).isdigit() else m.group(1)), raw,
                          flags=re.S)
            lines.append("".join(font.get(int.from_bytes(data[i:i + 2], "big"), "") for i in range(0, len(data), 2)))
    return lines
