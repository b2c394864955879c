"""What the scores say about the assignments and about each check.

An instructor reads a score table learner by learner; the questions after a
batch are about the *items*: which checks almost nobody passes (too hard, or
broken), and which checks do not tell stronger and weaker learners apart.
Classical test theory answers both with two numbers per grade cell:

* **difficulty** -- the share of learners with full marks on the cell
  (low = hard);
* **discrimination** -- the point-biserial correlation between the cell's
  score and the score on the *rest* of the assignment (the cell itself is
  left out so it does not correlate with itself).  Near zero or negative
  means the check rewards something other than what the assignment
  measures, which is worth a look at the test.

A cell everybody passes or everybody fails has no variance and therefore no
correlation: :func:`point_biserial` returns ``nan`` for it instead of
dividing by zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from dlmath.report.gather import Cell, ClassData

#: Discrimination below this is reported as low.
LOW_DISCRIMINATION = 0.2


def point_biserial(item, rest) -> float:
    """Correlation of an item's scores with the rest of the test's scores.

    For a right/wrong item this is the point-biserial coefficient
    ``(M1 - M0) / s * sqrt(p q)``; for partial credit it is the same Pearson
    correlation on the points.

    Parameters
    ----------
    item, rest : array_like of float
        Per-learner score on the item and on everything else; pairs with a
        non-finite value are left out.

    Returns
    -------
    float
        In ``[-1, 1]``, or ``nan`` when fewer than two learners remain or
        either side has no variance.
    """
    x = np.asarray(item, dtype=float).ravel()
    y = np.asarray(rest, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"item and rest differ in length: {x.size} != {y.size}")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size < 2:
        return math.nan
    dx, dy = x - x.mean(), y - y.mean()
    sx, sy = math.sqrt(float(np.mean(dx * dx))), math.sqrt(float(np.mean(dy * dy)))
    if sx <= 1e-12 * max(1.0, float(np.abs(x).max())) or sy <= 1e-12 * max(1.0, float(np.abs(y).max())):
        return math.nan
    return float(np.clip(np.mean(dx * dy) / (sx * sy), -1.0, 1.0))


@dataclass
class ItemStats:
    """Statistics of one grade cell over the learners graded on its assignment."""

    cell: Cell
    learners: int
    full_share: float
    mean_score: float
    discrimination: float

    @property
    def mean_share(self) -> float:
        """Mean score as a share of the cell's points."""
        return self.mean_score / self.cell.max_score if self.cell.max_score else math.nan

    @property
    def note(self) -> str:
        """A short reading of the numbers, empty when nothing stands out."""
        notes = []
        if self.learners and self.full_share == 0:
            notes.append("nobody got full marks")
        elif self.learners and self.full_share == 1:
            notes.append("everyone got full marks")
        if math.isnan(self.discrimination):
            if self.learners >= 2 and 0 < self.full_share < 1:
                notes.append("no variance in the rest of the assignment")
        elif self.discrimination < 0:
            notes.append("negative discrimination: check the test")
        elif self.discrimination < LOW_DISCRIMINATION:
            notes.append("low discrimination")
        return "; ".join(notes)


def weakness_key(item: ItemStats) -> tuple:
    """Sort key putting the hardest, least discriminating items first."""
    disc = item.discrimination
    return (item.full_share, -math.inf if math.isnan(disc) else disc, item.cell.assignment, item.cell.key)


def item_statistics(data: ClassData, assignment: str | None = None) -> list[ItemStats]:
    """Difficulty and discrimination of every grade cell, weakest first.

    Parameters
    ----------
    data : ClassData
        The batch.
    assignment : str, optional
        Only this assignment (default: all).

    Returns
    -------
    list of ItemStats
        Sorted by :func:`weakness_key`.
    """
    out = []
    for a in ([assignment] if assignment else data.assignments):
        table = data.cell_scores(a)
        students = sorted(table)
        cells = data.cells.get(a, [])
        if not students or not cells:
            continue
        matrix = np.array([[table[s].get(c.key, 0.0) for c in cells] for s in students], dtype=float)
        totals = matrix.sum(axis=1)
        for j, c in enumerate(cells):
            col = matrix[:, j]
            full = float(np.mean(col >= c.max_score - 1e-9)) if c.max_score > 0 else math.nan
            out.append(ItemStats(c, len(students), full, float(col.mean()),
                                 point_biserial(col, totals - col)))
    return sorted(out, key=weakness_key)


@dataclass
class AssignmentSummary:
    """The score distribution and counts of one assignment."""

    assignment: str
    max_score: float
    scores: list[float] = field(default_factory=list)
    submitted: int = 0
    failed: list[str] = field(default_factory=list)
    flagged: dict[str, list[str]] = field(default_factory=dict)

    @property
    def graded(self) -> int:
        """How many submissions have a grade."""
        return len(self.scores)

    @property
    def mean(self) -> float:
        """Mean total score (``nan`` with nobody graded)."""
        return float(np.mean(self.scores)) if self.scores else math.nan

    @property
    def median(self) -> float:
        """Median total score (``nan`` with nobody graded)."""
        return float(np.median(self.scores)) if self.scores else math.nan


def summaries(data: ClassData) -> list[AssignmentSummary]:
    """One :class:`AssignmentSummary` per assignment, in ``data.assignments`` order."""
    out = []
    for a in data.assignments:
        totals = data.totals(a)
        out.append(AssignmentSummary(
            a, data.max_score(a), [totals[s] for s in sorted(totals)],
            submitted=sum(1 for _, x in data.submitted if x == a),
            failed=data.failed(a),
            flagged={s: f for (s, x), f in sorted(data.flags.items()) if x == a}))
    return out
