"""End to end: a simulated class autograded by nbgrader.

One class (``dlmath.classroom``) is built and graded for every assignment;
the tests read the grades nbgrader recorded and the notebooks it wrote,
never nbgrader's exit code.
"""

from __future__ import annotations

import pytest

from dlmath import classroom, course
from dlmath import notebooks as nbs

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("classroom")
    ids = [a.id for a in course.assignments()]
    classroom.prepare(root, ids)
    classroom.grade(root, ids)
    return root, classroom.scores(root)


def _score(graded_class, learner, assignment):
    _, table = graded_class
    return table[(learner, assignment.id)]


@pytest.mark.parametrize("learner", ["complete", "alternative"])
def test_correct_answers_get_full_marks(graded_class, assignment, learner):
    score, max_score = _score(graded_class, learner, assignment)
    assert max_score > 0 and score == max_score


def test_blank_release_scores_zero(graded_class, assignment):
    assert _score(graded_class, "blank", assignment)[0] == 0


def test_partial_answers_get_partial_credit(graded_class, assignment):
    score, max_score = _score(graded_class, "partial", assignment)
    assert 0 < score < max_score


@pytest.mark.parametrize("learner", ["syntax_error", "wrong_type"])
def test_broken_answers_lose_points(graded_class, assignment, learner):
    score, max_score = _score(graded_class, learner, assignment)
    assert score < max_score


def test_correct_notebook_runs_clean(graded_class, assignment):
    root, _ = graded_class
    nb = nbs.read(root / "autograded" / "complete" / assignment.id / f"{assignment.notebook}.ipynb")
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{cell.source[:60]}: {output.get('evalue')}"
            assert output.get("name") != "stderr", output.get("text", "")[:300]


def test_feedback_is_generated_and_teaches(graded_class, assignment):
    root, _ = graded_class
    for learner in classroom.LEARNERS:
        page = root / "feedback" / learner / assignment.id / f"{assignment.notebook}.html"
        assert page.exists(), page
    partial = (root / "feedback" / "partial" / assignment.id /
               f"{assignment.notebook}.html").read_text(encoding="utf-8")
    assert "GradingFailure" in partial or "AssertionError" in partial


def test_answers_that_warn_keep_full_marks(graded_class):
    """nbgrader zeroes a cell with stderr: an answer whose numpy calls warn must not lose points.

    The ``alternative`` learner's entropy for 06_mle_kl takes ``np.log(0)`` inside
    ``np.where``: a RuntimeWarning on the way to the right value.
    """
    import warnings

    import numpy as np

    from dlmath.submissions import load_variants as load

    a = course.get("06_mle_kl")
    if a not in course.assignments():
        pytest.skip("06_mle_kl is not present")
    code = load(a.module).ALTERNATIVES["entropy"][0]
    namespace = {"np": np}
    exec(code, namespace)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        namespace["entropy"](np.array([0.5, 0.5, 0.0]))
    assert any(issubclass(w.category, RuntimeWarning) for w in caught)
    score, max_score = _score(graded_class, "alternative", a)
    assert score == max_score
