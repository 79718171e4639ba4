"""The certificate as a one-page PDF (matplotlib, Agg): no Flask and no database, bytes in and out."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import segno  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def certificate_pdf(*, title: str, holder: str, statement: str, programme: str, details: list[str],
                    number_line: str, verify_line: str, verify_url: str) -> bytes:
    """An A4 landscape certificate with a QR code leading to its public verification page.

    Every text is passed in already translated; DejaVu Sans (bundled with matplotlib) covers Cyrillic.
    """
    figure = Figure(figsize=(11.69, 8.27))
    figure.patch.set_facecolor("white")
    frame = figure.add_axes((0.03, 0.04, 0.94, 0.92))
    frame.set_xticks([])
    frame.set_yticks([])
    for spine in frame.spines.values():
        spine.set_edgecolor("#1f4e79")
        spine.set_linewidth(3)
    text = figure.text
    text(0.5, 0.84, title, ha="center", fontsize=40, weight="bold", color="#1f4e79")
    text(0.5, 0.72, statement, ha="center", fontsize=15, color="#333333")
    text(0.5, 0.63, holder, ha="center", fontsize=28, weight="bold")
    text(0.5, 0.54, programme, ha="center", fontsize=20, color="#1f4e79", wrap=True)
    for index, line in enumerate(details):
        text(0.5, 0.45 - index * 0.045, line, ha="center", fontsize=14)
    text(0.08, 0.12, number_line, fontsize=11)
    text(0.08, 0.08, verify_line, fontsize=11)
    text(0.08, 0.05, verify_url, fontsize=9, color="#555555")
    matrix = np.array([[0 if cell else 1 for cell in row] for row in segno.make(verify_url, error="m").matrix])
    qr = figure.add_axes((0.80, 0.07, 0.14, 0.2))
    qr.imshow(matrix, cmap="gray", interpolation="nearest")
    qr.axis("off")
    out = io.BytesIO()
    figure.savefig(out, format="pdf")
    return out.getvalue()
