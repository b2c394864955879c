"""Grading without the worked examples records exactly the grades of grading with them.

The simulated class is graded twice, worked examples left out (the default)
and run (``ResilientExecute.run_demos``), for the assignments whose examples
cost the most; every cell score must agree.  A learner whose answer leans on
a worked example's variable keeps full marks: that example runs.
"""

from __future__ import annotations

import json
import shutil

import pytest

from dlmath import batch, classroom, course, demos
from dlmath import notebooks as nbs
from dlmath.execution import SKIPPED_NOTE

pytestmark = pytest.mark.notebook

AIDS = ["01_vectors", "09_rnn", "10_training"]
LEANS = "leans_on_demo"


def _lean_on_a_demo(root):
    """The complete 01_vectors answers, with an angle that touches a worked example's `theta`.

    The example (the unit circle's points, ``theta``) comes before ``angle``'s tests, so the
    answer works when the notebook runs top to bottom; grading must run that example too.
    """
    a = course.get("01_vectors")
    source = root / "submitted" / "complete" / a.id
    target = root / "submitted" / LEANS / a.id
    shutil.copytree(source, target)
    path = target / f"{a.notebook}.ipynb"
    data = json.loads(path.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        text = "".join(cell["source"])
        if nbs.nbgrader_meta(cell).get("solution") and "def angle" in text:
            cell["source"] = text.replace(
                "def angle(x, y):\n",
                "def angle(x, y):\n    assert theta.shape == (400,)  # a worked example's variable\n")
            assert cell["source"] != text
            break
    else:
        raise AssertionError("no angle answer cell")
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory):
    graded = {}
    for run_demos in (False, True):
        root = tmp_path_factory.mktemp(f"demos_{run_demos}")
        classroom.prepare(root, AIDS)
        _lean_on_a_demo(root)
        outcomes = batch.run(root, batch.discover(root), jobs=2, progress=lambda line: None,
                             overrides={"ResilientExecute__run_demos": run_demos})
        assert all(o.ok for o in outcomes), [o.reasons for o in outcomes if not o.ok]
        graded[run_demos] = root
    return graded


def test_every_cell_score_is_the_same_with_and_without_worked_examples(two_ways):
    skipped, ran = (batch.cell_scores(two_ways[flag]) for flag in (False, True))
    assert skipped and skipped == ran


def test_worked_examples_were_left_out_and_say_so(two_ways):
    for aid in AIDS:
        a = course.get(aid)
        nb = nbs.read(two_ways[False] / "autograded" / "complete" / aid / f"{a.notebook}.ipynb")
        tagged = [c for c in nb.cells if demos.is_demo(c)]
        assert nb.metadata["dlmath"]["demos_skipped"] == len(tagged) > 0
        for cell in tagged:
            assert [o.get("text") for o in cell.outputs] == [SKIPPED_NOTE]
        nb = nbs.read(two_ways[True] / "autograded" / "complete" / aid / f"{a.notebook}.ipynb")
        assert nb.metadata["dlmath"]["demos_skipped"] == 0


def test_an_answer_that_leans_on_a_worked_example_keeps_full_marks(two_ways):
    root = two_ways[False]
    cells = batch.cell_scores(root)
    mine = {g: v for (s, aid, g), v in cells.items() if s == LEANS and aid == "01_vectors"}
    full = {g: v for (s, aid, g), v in cells.items() if s == "complete" and aid == "01_vectors"}
    assert mine and mine == full
    a = course.get("01_vectors")
    nb = nbs.read(root / "autograded" / LEANS / a.id / f"{a.notebook}.ipynb")
    theta = next(c for c in nb.cells if demos.is_demo(c) and "theta =" in c.source)
    assert all(o.get("text") != SKIPPED_NOTE for o in theta.outputs), "that example must run"
