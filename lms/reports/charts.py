"""Charts of reports: pure functions from numbers to SVG bytes (matplotlib, Agg), readable on a phone."""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402  (the backend is chosen first)

BAR = "#2f6f9f"


def horizontal_bars(labels: list[str], values: list[int], *, width_in: float = 6.0, fmt: str = "svg") -> bytes:
    """One bar per label, the value written at its end; long labels wrap so a narrow screen can read them.
    ``fmt`` is ``svg`` (pages) or ``png`` (documents)."""
    wrapped = [textwrap.fill(label, 34) for label in labels]
    lines = sum(label.count("\n") + 1 for label in wrapped)
    figure = Figure(figsize=(width_in, 0.6 + 0.32 * max(lines, 1) + 0.25 * len(labels)))
    axes = figure.add_subplot()
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, values, color=BAR)
    axes.set_yticks(positions, wrapped, fontsize=8)
    top = max(values, default=0) or 1
    axes.set_xlim(0, top * 1.15)
    for y, value in zip(positions, values, strict=True):
        axes.text(value + top * 0.01, y, f"{value:,}".replace(",", "\u00a0"), va="center", fontsize=8)
    axes.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format=fmt, dpi=150, **({"metadata": {"Date": None}} if fmt == "svg" else {}))
    return out.getvalue()


def heat_map(rows: list[str], columns: list[str], shares: list[list[float | None]], *, fmt: str = "svg") -> bytes:
    """Shares 0..1 as a grid of reds (blank where nothing was measured), each cell labelled in per cent."""
    import numpy as np

    grid = np.array([[np.nan if v is None else v for v in row] for row in shares], dtype=float)
    figure = Figure(figsize=(max(4.0, 0.45 * len(columns) + 2.2), max(1.6, 0.38 * len(rows) + 1.2)))
    axes = figure.add_subplot()
    axes.imshow(np.ma.masked_invalid(grid), cmap="Reds", vmin=0, vmax=1, aspect="auto")
    axes.set_xticks(range(len(columns)), columns, rotation=90, fontsize=7)
    axes.set_yticks(range(len(rows)), [textwrap.shorten(r, 28) for r in rows], fontsize=7)
    for i, row in enumerate(shares):
        for j, value in enumerate(row):
            if value is not None:
                axes.text(j, i, f"{round(value * 100)}", ha="center", va="center", fontsize=6,
                          color="white" if value > 0.55 else "black")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format=fmt, dpi=150, **({"metadata": {"Date": None}} if fmt == "svg" else {}))
    return out.getvalue()
