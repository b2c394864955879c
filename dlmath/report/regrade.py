"""What changed since the last report: the regrade diff.

Tests get fixed and submissions regraded during a term.  After a regrade
the instructor must know whose marks moved -- to tell those learners, and
to be sure nothing else moved by accident.  Every report therefore saves
``scores.json`` (each learner's score on each cell of each assignment);
the next report compares against it before overwriting it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from dlmath.report.gather import ClassData

#: Version of the ``scores.json`` layout.
VERSION = 1


def snapshot(data: ClassData) -> dict:
    """The scores of a batch as a JSON-ready dict.

    Returns
    -------
    dict
        ``{"version": 1, "scores": {student: {assignment: {"notebook/grade_id": score}}}}``
        with graded submissions only (a missing score as ``null``).
    """
    scores: dict[str, dict[str, dict[str, float | None]]] = {}
    for g in sorted(data.grades, key=lambda g: (g.student, g.assignment, g.key)):
        if (g.student, g.assignment) in data.graded:
            scores.setdefault(g.student, {}).setdefault(g.assignment, {})[g.key] = g.score
    return {"version": VERSION, "scores": scores}


def save(snap: dict, path: Path) -> None:
    """Write a :func:`snapshot` to ``path``."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(snap, indent=1, sort_keys=True) + "\n")


def load(path: Path) -> dict | None:
    """Read a saved snapshot, or ``None`` when there is none (or it is unreadable)."""
    try:
        snap = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return snap if isinstance(snap, dict) and isinstance(snap.get("scores"), dict) else None


@dataclass
class Move:
    """One learner's change on one assignment between two runs."""

    student: str
    assignment: str
    before: float | None
    after: float | None
    cells: list[tuple[str, float | None, float | None]] = field(default_factory=list)

    @property
    def delta(self) -> float:
        """``after - before`` (a side that is missing counts as 0)."""
        return (self.after or 0.0) - (self.before or 0.0)


def _total(cells: dict | None) -> float | None:
    if cells is None:
        return None
    return float(sum(v for v in cells.values() if v is not None))


def _same(a, b, tol: float) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), abs_tol=tol)


def diff(before: dict, after: dict, tol: float = 1e-9) -> list[Move]:
    """Whose scores moved between two snapshots, and in which cells.

    Parameters
    ----------
    before, after : dict
        Snapshots from :func:`snapshot` / :func:`load`.
    tol : float, optional
        Changes up to this are not a move.

    Returns
    -------
    list of Move
        Largest absolute change first; a submission that appeared or
        disappeared is a move too.
    """
    old, new = before.get("scores", {}), after.get("scores", {})
    moves = []
    for student in sorted(set(old) | set(new)):
        o, n = old.get(student, {}), new.get(student, {})
        for assignment in sorted(set(o) | set(n)):
            oc, nc = o.get(assignment), n.get(assignment)
            changed = [(cell, (oc or {}).get(cell), (nc or {}).get(cell))
                       for cell in sorted(set(oc or {}) | set(nc or {}))]
            changed = [c for c in changed if not _same(c[1], c[2], tol)]
            if changed or (oc is None) != (nc is None):
                moves.append(Move(student, assignment, _total(oc), _total(nc), changed))
    return sorted(moves, key=lambda m: (-abs(m.delta), m.assignment, m.student))
