"""release/ and solutions/ are exactly what nbgrader makes of source/ today.

The notebooks are regenerated once into a scratch course folder and compared
with the committed ones: release notebooks must match exactly, solution
notebooks in everything but their outputs (which hold plots).
"""

from __future__ import annotations

import shutil

import pytest

from dlmath import assign, course
from dlmath import notebooks as nbs

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="session")
def regenerated(tmp_path_factory):
    root = tmp_path_factory.mktemp("regenerated")
    shutil.copytree(course.ROOT / "source", root / "source")
    assign.regenerate(None, root)
    return root


def _cells(nb, with_outputs):
    out = []
    for cell in nb.cells:
        item = {"type": cell.cell_type, "id": cell.get("id"), "source": cell.source,
                "metadata": dict(cell.metadata)}
        if with_outputs and cell.cell_type == "code":
            item["outputs"] = cell.outputs
        out.append(item)
    return out


def test_release_is_up_to_date(assignment, regenerated):
    fresh = nbs.read(assignment.release(regenerated))
    committed = nbs.read(assignment.release())
    assert _cells(committed, True) == _cells(fresh, True), \
        f"release/{assignment.id} is stale: run `make generate` and commit"
    assert committed.metadata == fresh.metadata


def test_solutions_are_up_to_date(assignment, regenerated):
    fresh = nbs.read(assignment.solution(regenerated))
    committed = nbs.read(assignment.solution())
    assert _cells(committed, False) == _cells(fresh, False), \
        f"solutions/{assignment.id} is stale: run `make generate` and commit"


def test_solutions_are_executed_and_clean(assignment):
    nb = nbs.read(assignment.solution())
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert nbs.hidden_region(cell) is None and "dlmath" not in cell.source
        for output in cell.outputs:
            assert output.output_type != "error", f"error in solutions: {cell.source[:80]}"
            assert output.get("name") != "stderr", f"stderr in solutions: {cell.source[:80]}"
        if "plt." in cell.source and not nbs.nbgrader_meta(cell):
            assert any("image/png" in o.get("data", {}) for o in cell.outputs), \
                f"plot cell shows no picture: {cell.source[:80]}"
