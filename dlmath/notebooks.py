"""Reading course notebooks: cells by role, hidden regions, points.

Small helpers shared by the test suite and the tools, so that what counts as
a solution cell, a test cell or a hidden region is defined once.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
HIDDEN_CALL = re.compile(r"^hidden\.(\w+)\(([^)]*)\)\s*$", re.M)


def read(path: Path) -> nbformat.NotebookNode:
    """Read a notebook as nbformat version 4."""
    return nbformat.read(str(path), as_version=4)


def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata (empty dict when it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell) -> str | None:
    """The cell's nbgrader grade id, or ``None``."""
    return nbgrader_meta(cell).get("grade_id")


def is_solution(cell) -> bool:
    """True for a cell where the learner writes an answer."""
    return bool(nbgrader_meta(cell).get("solution"))


def is_test(cell) -> bool:
    """True for an autograded test cell."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def points(cell) -> float:
    """Points of a grade cell (0 for other cells)."""
    return float(nbgrader_meta(cell).get("points", 0) or 0)


def hidden_region(cell) -> str | None:
    """The code between the hidden-test markers of a cell, or ``None``."""
    match = HIDDEN_REGION.search(cell.source)
    return match.group(1) if match else None


def hidden_calls(cell) -> list[tuple[str, list[str]]]:
    """``[(check name, [argument names])]`` called in the cell's hidden region."""
    region = hidden_region(cell) or ""
    return [(m.group(1), [a.strip() for a in m.group(2).split(",") if a.strip()])
            for m in HIDDEN_CALL.finditer(region)]
