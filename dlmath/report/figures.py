"""The report's pictures, as base64 PNG ready to embed in HTML.

The report must open offline and travel as one file (mailed, attached to
an LMS page), so every picture is rendered to PNG in memory and embedded
as a ``data:`` URI.  Drawing goes through matplotlib's object API with the
Agg canvas directly -- no :mod:`matplotlib.pyplot`, no global backend
switch -- so building a report inside a Jupyter session or a test run
changes nothing for the caller's own plots.
"""

from __future__ import annotations

import base64
import io
import math
import statistics

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Dots per inch of the embedded pictures.
DPI = 96
_BLUE, _RED, _GREY = "#3366aa", "#cc4433", "#888888"


def to_base64(fig: Figure) -> str:
    """Render ``fig`` to PNG and return it base64-encoded (no metadata, no URLs)."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def data_uri(png_base64: str) -> str:
    """``data:image/png;base64,...`` for an ``<img src>``."""
    return "data:image/png;base64," + png_base64


def histogram(scores: list[float], max_score: float, title: str = "") -> str:
    """Score distribution of one assignment, with mean and median marked.

    Parameters
    ----------
    scores : list of float
        Total score of each graded learner.
    max_score : float
        Points possible (the x axis runs from 0 to it).
    title : str, optional
        Title above the plot.

    Returns
    -------
    str
        Base64 PNG.
    """
    fig = Figure(figsize=(5.2, 2.6))
    ax = fig.add_subplot()
    top = max([max_score] + list(scores)) or 1.0
    whole = all(float(x).is_integer() for x in scores) and float(top).is_integer() and top <= 40
    # Whole-point scores get bars of whole points (one per point up to 20
    # points), starting half a point below 0; other scores 20 bins.
    width = max(1, math.ceil(top / 20))
    bins = [x - 0.5 for x in range(0, int(top) + width + 1, width)] if whole else 20
    if scores:
        ax.hist(scores, bins=bins, range=None if whole else (0, top), color=_BLUE, edgecolor="white")
        mean = sum(scores) / len(scores)
        median = statistics.median(scores)
        ax.axvline(mean, color=_RED, linewidth=1.5, label=f"mean {mean:.3g}")
        ax.axvline(median, color="black", linestyle="--", linewidth=1.2, label=f"median {median:.3g}")
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        ax.text(0.5, 0.5, "nobody graded", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlim(-0.5 if whole else 0, top + (0.5 if whole else 0))
    ax.set_xlabel(f"score (of {max_score:g})")
    ax.set_ylabel("learners")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return to_base64(fig)


def item_scatter(items, label_weakest: int = 8, title: str = "") -> str:
    """Difficulty (share with full marks) against discrimination, one dot per grade cell.

    Parameters
    ----------
    items : list of dlmath.report.items.ItemStats
        Weakest first (as :func:`dlmath.report.items.item_statistics` sorts).
    label_weakest : int, optional
        Number this many of the weakest spots on the plot and name their
        cells beside it.
    title : str, optional
        Title above the plot.

    Returns
    -------
    str
        Base64 PNG.  Cells without a discrimination (no variance) sit on the
        zero line as hollow grey dots; cells at (nearly) the same spot are
        drawn as one larger dot.
    """
    fig = Figure(figsize=(8.4, 3.8))
    ax = fig.add_axes((0.10, 0.14, 0.52, 0.76))
    ax.axhspan(-1.05, 0.2, color="#f4e4e0", zorder=0)
    ax.axhline(0, color=_GREY, linewidth=0.8)
    spots: dict[tuple[int, int, bool], list] = {}
    for i in items:
        known = not math.isnan(i.discrimination)
        y = i.discrimination if known else 0.0
        spots.setdefault((round(i.full_share * 40), round(y * 40), known), []).append(i)
    for known, style in ((True, dict(color=_BLUE)), (False, dict(facecolors="none", edgecolors=_GREY))):
        group = [cells for key, cells in spots.items() if key[2] == known]
        if group:
            ax.scatter([c[0].full_share for c in group],
                       [c[0].discrimination if known else 0.0 for c in group],
                       s=[24 + 10 * (len(c) - 1) for c in group], zorder=3, **style)
            ax.scatter([], [], s=24, label="grade cell" if known else "no variance (r undefined)", **style)
    names, marks = [], []  # marks: [x, y, "1,2"] -- close spots share one mark
    for n, cells in enumerate(list(spots.values())[:label_weakest], start=1):
        first = cells[0]
        x, y = first.full_share, 0.0 if math.isnan(first.discrimination) else first.discrimination
        near = next((m for m in marks if abs(m[0] - x) < 0.05 and abs(m[1] - y) < 0.08), None)
        if near:
            near[2] += f",{n}"
        else:
            marks.append([x, y, str(n)])
        name = first.cell.grade_id if len(first.cell.grade_id) <= 34 else first.cell.grade_id[:33] + "…"
        names.append(f"{n} {name}" + (f" (+{len(cells) - 1})" if len(cells) > 1 else ""))
    for x, y, text in marks:
        ax.annotate(text, (x, y), fontsize=8, xytext=(6, 3), textcoords="offset points",
                    color="#222222", weight="bold")
    if names:
        fig.text(0.65, 0.90, "weakest spots (+n: more cells there)\n" + "\n".join(names),
                 fontsize=7, va="top", family="monospace", color="#333333")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("difficulty: share of learners with full marks")
    ax.set_ylabel("discrimination (point-biserial r)")
    ax.text(0.99, 0.02, "shaded: low discrimination (< 0.2)", transform=ax.transAxes,
            ha="right", va="bottom", fontsize=7, color=_GREY)
    if items:
        ax.legend(fontsize=7.5, frameon=False, loc="lower left")
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return to_base64(fig)
