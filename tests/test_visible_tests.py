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
