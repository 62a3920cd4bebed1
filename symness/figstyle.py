r"""Figures for print: one matplotlib style, vector PDF beside PNG, the caption inside the file.

Every reproduced figure (``symness figures``) is drawn under :data:`STYLE` (:func:`style`) and written
by :func:`save_figure`:

* ``key.png`` (for the documentation) and ``key.pdf`` (vector, for a manuscript) side by side;
* the caption, with the unit convention stated once (:data:`UNITS_NOTE`), printed under the plot
  and stored in the files' metadata, and in ``key.txt`` for the documentation pages;
* legends that sit on data points are moved to a free corner of their axes, or outside them.

Axis labels give the unit of every dimensional quantity; with :math:`\hbar = k_B = 1` energies,
frequencies and temperatures share one unit (the model's energy unit), named in the labels as
"(energy units)" or as a ratio to a named scale.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["STYLE", "UNITS_NOTE", "style", "save_figure"]

#: The one style of all figures (matplotlib rcParams).
STYLE: dict[str, Any] = {
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "legend.framealpha": 0.9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "lines.linewidth": 1.4,
    "lines.markersize": 4,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "mathtext.fontset": "cm",
    "pdf.fonttype": 42,  # TrueType in the PDF: text stays text
    "savefig.dpi": 150,
}

#: The unit convention, said once per figure (in its caption).
UNITS_NOTE = "Units: hbar = k_B = 1 (energies, frequencies and temperatures in one common energy unit)."

_CORNERS = ("upper right", "upper left", "lower left", "lower right", "center right", "center left",
            "upper center", "lower center")


@contextmanager
def style() -> Iterator[None]:
    """Draw under :data:`STYLE` (the non-interactive Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    with matplotlib.rc_context(STYLE):
        yield


def _data_points(ax: Any) -> np.ndarray:
    pts = []
    for ln in ax.get_lines():  # vertices and points along the segments (display coordinates)
        xy = ln.get_transform().transform(np.asarray(ln.get_xydata(), dtype=float))
        if len(xy) > 1 and ln.get_linestyle() not in ("None", "", " "):
            t = np.linspace(0.0, 1.0, 9)[:, None, None]
            xy = (xy[:-1] * (1 - t) + xy[1:] * t).reshape(-1, 2)
        pts.append(xy)
    for c in ax.collections:
        offs = np.asarray(c.get_offsets(), dtype=float)
        if offs.ndim == 2 and len(offs) > 1:
            pts.append(c.get_offset_transform().transform(offs))
    if not pts:
        return np.empty((0, 2))
    p = np.vstack(pts)
    return p[np.isfinite(p).all(axis=1)]


def _covers(legend: Any, points: np.ndarray, renderer: Any) -> bool:
    box = legend.get_window_extent(renderer)
    x, y = points[:, 0], points[:, 1]
    return bool(((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)).any())


def _legends_off_data(fig: Any) -> None:
    """Move every legend that covers a data point to a free corner, or outside its axes."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None:
            continue
        points = _data_points(ax)
        if not len(points) or not _covers(leg, points, renderer):
            continue
        handles, labels = ax.get_legend_handles_labels()
        size = leg.get_texts()[0].get_fontsize() if leg.get_texts() else None
        for loc in _CORNERS:
            leg = ax.legend(handles, labels, loc=loc, fontsize=size)
            fig.canvas.draw()
            if not _covers(leg, points, renderer):
                break
        else:  # no free corner: below the axes (several panels) or to their right (one panel)
            if len(fig.axes) > 1:
                ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=size,
                          ncol=2, frameon=False)
            else:
                ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=size,
                          frameon=False, borderaxespad=0.0)


def save_figure(fig: Any, png: str | Path, caption: str, *, notes: list[str] | None = None,
                dpi: int | None = None) -> list[Path]:
    """Write ``png``, the vector ``.pdf`` beside it and the caption ``.txt``; returns the paths.

    The caption (and :data:`UNITS_NOTE`) is printed under the figure and stored in the PNG's and
    PDF's metadata; ``notes`` (differences from the paper, ...) go to the ``.txt`` only.  The
    figure is closed.
    """
    import matplotlib.pyplot as plt

    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    text = " ".join(caption.split())
    if "hbar = k_B = 1" not in text:
        text = f"{text} {UNITS_NOTE}"
    _legends_off_data(fig)
    fig.canvas.draw()  # the caption goes under everything drawn (legends moved below the axes included)
    bottom = fig.get_tightbbox(fig.canvas.get_renderer()).y0 / fig.get_figheight()
    width_chars = max(40, int(fig.get_figwidth() * 72 / (0.5 * 8)))
    fig.text(0.5, min(bottom, 0.0) - 0.02, textwrap.fill(text, width_chars), ha="center", va="top", fontsize=8,
             transform=fig.transFigure)
    pdf = png.with_suffix(".pdf")
    fig.savefig(png, dpi=dpi or STYLE["savefig.dpi"], bbox_inches="tight",
                metadata={"Title": png.stem, "Description": text})
    fig.savefig(pdf, bbox_inches="tight", metadata={"Title": png.stem, "Subject": text, "Creator": "symness"})
    plt.close(fig)
    txt = png.with_suffix(".txt")
    body = text + ("\n\nNotes:\n" + "\n".join(f"- {n}" for n in notes) if notes else "")
    txt.write_text(body.strip() + "\n", encoding="utf-8")
    return [png, pdf, txt]
