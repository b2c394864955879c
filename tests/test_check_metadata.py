"""dlmath.check_metadata accepts and rejects exactly what nbgrader's CheckCellMetadata does."""

from __future__ import annotations

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.preprocessors import CheckCellMetadata as NbgraderCheck

from dlmath.check_metadata import CheckCellMetadata


def _cell(kind="code", **meta):
    base = {"grade": True, "solution": False, "locked": True, "task": False,
            "grade_id": "check", "points": 2, "schema_version": 3}
    base.update(meta)
    base = {k: v for k, v in base.items() if v is not ...}
    make = new_code_cell if kind == "code" else new_markdown_cell
    return make("x = 1", metadata={"nbgrader": base})


VALID = [_cell(), _cell(grade_id="answer", grade=False, solution=True, locked=False),
         _cell("markdown", grade_id="essay", solution=True, locked=False),
         _cell("markdown", grade_id="task", grade=False, task=True)]

BROKEN = {
    "no grade id": [_cell(grade_id=...)],
    "empty grade id": [_cell(grade_id="")],
    "no points": [_cell(points=...)],
    "points not a number": [_cell(points="two")],
    "grade not a boolean": [_cell(grade="yes")],
    "schema too old": [_cell(schema_version=1)],
    "schema too new": [_cell(schema_version=9)],
    "duplicate grade id": [_cell(), _cell()],
    "markdown grade cell that is no solution": [_cell("markdown")],
    "task cell in code": [_cell(grade_id="task", grade=False, task=True)],
}


def _outcome(cls, cells):
    nb = new_notebook(cells=copy.deepcopy(cells))
    try:
        cls().preprocess(nb, {})
    except Exception as exc:  # noqa: BLE001 -- the type and message are what is compared
        return type(exc).__name__, str(exc).splitlines()[0]
    return "ok", nbformat.writes(nb)


def test_a_valid_notebook_passes_unchanged():
    assert _outcome(CheckCellMetadata, VALID) == _outcome(NbgraderCheck, VALID)
    assert _outcome(CheckCellMetadata, VALID)[0] == "ok"


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_metadata_fails_exactly_as_in_nbgrader(case):
    ours, theirs = _outcome(CheckCellMetadata, BROKEN[case]), _outcome(NbgraderCheck, BROKEN[case])
    assert ours == theirs
    assert ours[0] != "ok", f"{case} passed"
