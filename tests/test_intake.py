"""The intake and its nbgrader preprocessor: submissions rebuilt from the release (fast)."""

from __future__ import annotations

import json

import nbformat
import pytest

from dlmath import course, intake, sanitize, submissions
from dlmath import notebooks as nbs

A = course.get("01_vectors")


def _good():
    return submissions.fill(A.release(), submissions.solution_code(A.source()))


def _grade_ids(nb):
    return [nbs.grade_id(c) for c in nb.cells if nbs.grade_id(c)]


def test_rebuild_keeps_an_ordinary_submission():
    release = nbs.read(A.release())
    out, notes, _ = intake.rebuild(release, json.loads(nbformat.writes(_good())))
    assert notes == [] and _grade_ids(out) == _grade_ids(release)


@pytest.mark.filterwarnings("ignore::nbformat.warnings.DuplicateCellId")  # the damage under test
def test_duplicated_and_reordered_cells_are_repaired():
    nb = _good()
    nb.cells = nb.cells[::-1] + [c for c in nb.cells if nbs.grade_id(c) == "l1_norm"]
    release = nbs.read(A.release())
    out, notes, _ = intake.rebuild(release, json.loads(nbformat.writes(nb)))
    assert _grade_ids(out) == _grade_ids(release)
    assert any("appears 2 times" in n for n in notes)


def test_a_broken_file_is_explained_to_its_owner(tmp_path):
    (tmp_path / f"{A.notebook}.ipynb").write_text("{not json")
    result = intake.canonicalize(A.release(), tmp_path, A.notebook)
    first = result.notebook.cells[0]
    assert first.cell_type == "markdown" and "not valid JSON" in first.source
    assert (tmp_path / f"{A.notebook}.ipynb").read_text() == "{not json"
    again, _, _ = intake.rebuild(nbs.read(A.release()), json.loads(nbformat.writes(result.notebook)))
    assert again.cells[0].source == first.source  # the note survives the second pass


@pytest.mark.filterwarnings("ignore::nbformat.warnings.DuplicateCellId")  # the damage under test
def test_sanitize_preprocessor_applies_the_same_repairs():
    nb = _good()
    nb.cells += [c for c in nb.cells if nbs.grade_id(c) in ("l1_norm", "test_l1_norm_values")]
    pre = sanitize.CanonicalCells(release_root=str(course.ROOT))
    out, _ = pre.preprocess(nb, {"nbgrader": {"assignment": A.id, "notebook": A.notebook}})
    assert _grade_ids(out) == _grade_ids(nbs.read(A.release()))
    assert out.metadata["dlmath"]["intake"]
