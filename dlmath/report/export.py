"""Grades in the shapes other tools import.

``items.csv`` has one row per learner and grade cell, for anyone who wants
to redo the statistics in a spreadsheet or in pandas.  ``canvas.csv`` is
Canvas's gradebook import format, so the totals reach the LMS without
retyping: the columns ``Student, ID, SIS User ID, SIS Login ID, Section``,
one column ``"<assignment> (<id>)"`` per assignment, and a second row
``"    Points Possible"`` (as Canvas's own export writes it) with each
assignment's points.  Canvas matches learners by ``ID`` (its user id,
nbgrader's ``lms_user_id``) or by the SIS columns, and assignments by the
id in parentheses.  The nbgrader student id fills both SIS columns (it is
the login of the course's JupyterHub).
"""

from __future__ import annotations

import csv
from pathlib import Path

from dlmath.report.gather import ClassData

ITEM_COLUMNS = ["student", "assignment", "notebook", "grade_id", "score", "max_score"]
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
#: First cell of Canvas's points row (Canvas writes it with four spaces).
POINTS_POSSIBLE = "    Points Possible"


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if float(value).is_integer() else f"{value:.4g}"


def write_items(data: ClassData, path: Path) -> None:
    """Write one row per graded learner and grade cell (:data:`ITEM_COLUMNS`)."""
    order = {a: [c.key for c in cells] for a, cells in data.cells.items()}
    rows = sorted((g for g in data.grades if (g.student, g.assignment) in data.graded),
                  key=lambda g: (g.student, g.assignment,
                                 order.get(g.assignment, []).index(g.key) if g.key in order.get(g.assignment, []) else 0))
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(ITEM_COLUMNS)
        for g in rows:
            out.writerow([g.student, g.assignment, g.notebook, g.grade_id, _number(g.score), _number(g.max_score)])


def canvas_header(assignment: str, canvas_ids: dict[str, str] | None) -> str:
    """``"<assignment> (<id>)"``; the id defaults to the assignment's name."""
    return f"{assignment} ({(canvas_ids or {}).get(assignment, assignment)})"


def write_canvas(data: ClassData, path: Path, canvas_ids: dict[str, str] | None = None,
                 section: str = "") -> None:
    """Write the totals in Canvas's gradebook import format.

    Parameters
    ----------
    data : ClassData
        The batch.
    path : Path
        Output file.
    canvas_ids : dict, optional
        ``{assignment: Canvas assignment id}``; an assignment without one
        is written as ``"<assignment> (<assignment>)"``, which Canvas
        offers to create as a new assignment on import.
    section : str, optional
        Value of the ``Section`` column.

    Notes
    -----
    A learner with no graded submission of an assignment gets an empty
    cell, which Canvas leaves unchanged (a failed grading is not a zero).
    """
    assignments = list(data.assignments)
    totals = {a: data.totals(a) for a in assignments}
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(CANVAS_COLUMNS + [canvas_header(a, canvas_ids) for a in assignments])
        out.writerow([POINTS_POSSIBLE, "", "", "", ""] + [_number(data.max_score(a)) for a in assignments])
        for sid in sorted(data.learners):
            learner = data.learners[sid]
            out.writerow([learner.name, learner.lms_user_id, learner.id, learner.id, section]
                         + [_number(totals[a].get(sid)) for a in assignments])
