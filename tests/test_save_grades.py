"""dlmath.save_grades records exactly what nbgrader's SaveAutoGrades records, in one commit."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import SaveAutoGrades as NbgraderSaveAutoGrades

from dlmath.save_grades import SaveAutoGrades

AID, NB, STUDENT = "a1", "nb", "s1"


def _meta(grade_id, grade=False, solution=False, points=None, task=False):
    meta = {"grade": grade, "solution": solution, "locked": not solution, "task": task,
            "grade_id": grade_id, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _notebook() -> nbformat.NotebookNode:
    """Every kind of cell SaveAutoGrades scores or comments on, with the outcome of each rule."""
    passed = new_code_cell("assert True", metadata=_meta("passed", grade=True, points=2))
    failed = new_code_cell("assert False", metadata=_meta("failed", grade=True, points=3))
    failed.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="",
                                             traceback=[])]
    warned = new_code_cell("x", metadata=_meta("warned", grade=True, points=1))
    warned.outputs = [nbformat.v4.new_output("stream", name="stderr", text="warning")]
    partial = new_code_cell("0.5", metadata=_meta("partial", grade=True, points=4))
    partial.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "0.5"},
                                              execution_count=1)]
    written = new_markdown_cell("my answer", metadata=_meta("written", grade=True,
                                                             solution=True, points=5))
    blank = new_markdown_cell("YOUR ANSWER HERE", metadata=_meta("blank", grade=True,
                                                                  solution=True, points=1))
    kept = new_code_cell("raise NotImplementedError", metadata=_meta("kept", solution=True))
    changed = new_code_cell("def f(): return 1", metadata=_meta("changed", solution=True))
    task = new_markdown_cell("describe", metadata=_meta("task", points=2, task=True))
    cells = [passed, failed, warned, partial, written, blank, kept, changed, task]
    for cell in (blank, kept):
        cell.metadata["nbgrader"]["checksum"] = utils.compute_checksum(cell)
    for cell in (written, changed):  # the learner changed them after release
        original = nbformat.from_dict(dict(cell, source="YOUR ANSWER HERE"))
        cell.metadata["nbgrader"]["checksum"] = utils.compute_checksum(original)
    return new_notebook(cells=cells)


def _gradebook(url: str, nb: nbformat.NotebookNode) -> None:
    with Gradebook(url) as gb:
        gb.add_assignment(AID)
        gb.add_notebook(NB, AID)
        for cell in nb.cells:
            meta = cell.metadata["nbgrader"]
            if meta.get("task"):
                gb.add_task_cell(meta["grade_id"], NB, AID, max_score=meta["points"],
                                 cell_type=cell.cell_type)
            elif meta["grade"]:
                gb.add_grade_cell(meta["grade_id"], NB, AID, max_score=meta["points"],
                                  cell_type=cell.cell_type)
            if meta["solution"]:
                gb.add_solution_cell(meta["grade_id"], NB, AID)
        gb.add_student(STUDENT)
        gb.add_submission(AID, STUDENT)
        gb.find_grade("partial", NB, AID, STUDENT).manual_score = 1.0  # a grader's earlier mark
        gb.db.commit()


def _recorded(url: str) -> dict:
    with Gradebook(url) as gb:
        sub = gb.find_submission_notebook(NB, AID, STUDENT)
        grades = {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade) for g in sub.grades}
        comments = {c.name: (c.auto_comment, c.manual_comment) for c in sub.comments}
    return {"grades": grades, "comments": comments}


def _save(cls, url: str, nb: nbformat.NotebookNode) -> dict:
    resources = {"nbgrader": {"notebook": NB, "assignment": AID, "student": STUDENT,
                              "db_url": url}}
    cls().preprocess(nb, resources)
    return _recorded(url)


def test_the_same_grades_and_comments_as_nbgrader(tmp_path):
    nb = _notebook()
    theirs_url, ours_url = (f"sqlite:///{tmp_path / name}.db" for name in ("theirs", "ours"))
    _gradebook(theirs_url, nb)
    _gradebook(ours_url, nb)
    theirs = _save(NbgraderSaveAutoGrades, theirs_url, nbformat.from_dict(nb))
    ours = _save(SaveAutoGrades, ours_url, nbformat.from_dict(nb))
    assert ours == theirs
    # the rules were all exercised: full, zero (error and stderr), partial with a manual mark,
    # a written answer left for review, an unchanged answer, both comments
    assert theirs["grades"]["passed"] == (2.0, None, False)
    assert theirs["grades"]["failed"][0] == theirs["grades"]["warned"][0] == 0.0
    assert theirs["grades"]["partial"] == (0.5, 1.0, True)
    assert theirs["grades"]["written"] == (None, None, True)
    assert theirs["comments"]["kept"][0] == "No response." and theirs["comments"]["changed"][0] is None


def test_a_second_run_overwrites_auto_scores_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'gb'}.db"
    nb = _notebook()
    _gradebook(url, nb)
    _save(SaveAutoGrades, url, nbformat.from_dict(nb))
    nb.cells[1].outputs = []  # the failing check passes on a regrade
    again = _save(SaveAutoGrades, url, nbformat.from_dict(nb))
    assert again["grades"]["failed"] == (3.0, None, False)
    assert again["grades"]["partial"][1] == 1.0  # the grader's mark stays


def test_a_grade_cell_missing_from_the_gradebook_fails_like_nbgrader_and_saves_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'gb'}.db"
    nb = _notebook()
    _gradebook(url, nb)
    before = _recorded(url)
    extra = new_code_cell("assert True", metadata=_meta("unknown", grade=True, points=1))
    nb.cells.append(extra)
    with pytest.raises(MissingEntry):
        _save(SaveAutoGrades, url, nbformat.from_dict(nb))
    assert _recorded(url) == before  # one transaction: nothing half-written
