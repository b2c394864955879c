"""A learner's release notebook works with numpy and sympy alone.

The instructor's answers are pasted into the release notebook, ``dlmath`` is
made unimportable, and the whole notebook runs in a kernel: every visible
test must pass and nothing may reach stderr.
"""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from dlmath import notebooks as nbs
from dlmath import submissions

pytestmark = pytest.mark.notebook

BLOCK_DLMATH = "import sys\nsys.modules['dlmath'] = None  # learners do not have the course package"


def test_visible_tests_pass_without_dlmath(assignment, tmp_path):
    nb = submissions.fill(assignment.release(), submissions.solution_code(assignment.source()))
    nb.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_DLMATH))
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            assert output.output_type != "error", \
                f"{nbs.grade_id(cell) or cell.source[:60]}: {output.get('ename')}: {output.get('evalue')}"
            assert output.get("name") != "stderr", f"stderr: {output.get('text', '')[:300]}"
    visible = [c for c in nb.cells if nbs.is_test(c) and "visible" in (nbs.grade_id(c) or "")]
    assert len(visible) == len(assignment.functions)


def _rules(assignment) -> dict:
    """``{function: forbidden}``: the assignment's "no shortcut" rules (its hidden module's)."""
    import importlib

    return getattr(importlib.import_module(f"dlmath.hidden.{assignment.module}"), "NO_SHORTCUT", {})


def _shortcut_mutants(assignment):
    """``[(function, label, code, forbidden)]``: the fixture mistakes the judge calls shortcuts."""
    from dlmath import shortcuts

    found = []
    for function, forbidden in _rules(assignment).items():
        for label, code in submissions.load_variants(assignment.module).MUTANTS.get(function, {}).items():
            if shortcuts.find(["import numpy as np\n", code], function, forbidden):
                found.append((function, label, code, forbidden))
    return found


def _with_rules():
    from dlmath import course

    return [a for a in course.assignments() if _rules(a)]


@pytest.mark.parametrize("ruled", _with_rules(), ids=lambda a: a.id)
def test_visible_tests_refuse_the_shortcuts_the_grader_refuses(ruled, tmp_path):
    """A learner hears of a forbidden call from the visible test, with its name, before the grade."""
    assignment = ruled
    mutants = _shortcut_mutants(assignment)
    assert mutants, f"{assignment.id} has a 'no shortcut' rule but no fixture mistake that breaks it"
    nb = submissions.fill(assignment.release(), submissions.solution_code(assignment.source()))
    nb.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_DLMATH))
    visible = {nbs.grade_id(c): c.source for c in nb.cells if nbs.is_test(c)}
    probes = []
    for function, label, code, forbidden in mutants:
        nb.cells.append(nbformat.v4.new_code_cell(code))
        nb.cells.append(nbformat.v4.new_code_cell(visible[f"test_{function}_visible"]))
        probes.append((len(nb.cells) - 1, function, label, forbidden))
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    for index, function, label, forbidden in probes:
        errors = [o for o in nb.cells[index].outputs if o.output_type == "error"]
        assert errors, f"{function}/{label}: the visible test passed a shortcut the grader refuses"
        names = [f.replace("numpy.", "np.", 1) for f in forbidden]
        assert "is not allowed in this exercise" in errors[0].evalue \
            and any(n in errors[0].evalue for n in names), \
            f"{function}/{label}: {errors[0].ename}: {errors[0].evalue}"
