"""Batch grading records exactly what nbgrader records, and survives contention."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from dlmath import batch, classroom, course

pytestmark = pytest.mark.notebook

ASSIGNMENTS = ["01_vectors"]


@pytest.fixture(scope="module")
def two_courses(tmp_path_factory):
    plain = tmp_path_factory.mktemp("plain")
    fast = tmp_path_factory.mktemp("batch")
    for root in (plain, fast):
        classroom.prepare(root, ASSIGNMENTS)
    for aid in ASSIGNMENTS:  # plain nbgrader, one command per assignment, as instructors run it
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", aid,
                        f"--CourseDirectory.root={plain}", "--log-level=ERROR"],
                       cwd=course.ROOT, check=True, capture_output=True)
    outcomes = batch.run(fast, batch.discover(fast), jobs=2, progress=lambda line: None)
    return plain, fast, outcomes


def test_batch_scores_equal_sequential_nbgrader(two_courses):
    plain, fast, outcomes = two_courses
    expected = batch.cell_scores(plain)
    assert expected, "plain nbgrader recorded nothing"
    assert batch.cell_scores(fast) == expected
    assert all(o.ok for o in outcomes), [o.reasons for o in outcomes if not o.ok]


def test_every_kernel_of_a_batch_is_forked_warm(two_courses):
    """Each worker starts its runner template before its first submission and waits for it."""
    import nbformat

    _, fast, _ = two_courses
    warm = {path.parent.parent.name: nbformat.read(str(path), as_version=4)
            .metadata["dlmath"]["isolation"].get("warm")
            for path in (fast / "autograded").glob("*/*/*.ipynb")}
    assert warm and all(warm.values()), f"started cold: {sorted(k for k, v in warm.items() if not v)}"


def test_parallel_workers_keep_the_gradebook_whole(tmp_path):
    # 4 workers on 2 cores: every submission's writes contend for the lock.
    classroom.prepare(tmp_path, ASSIGNMENTS)
    for copy in range(1):  # twice as many learners
        for learner in classroom.LEARNERS:
            src = tmp_path / "submitted" / learner
            dst = tmp_path / "submitted" / f"{learner}_{copy}"
            subprocess.run(["cp", "-r", str(src), str(dst)], check=True)
    tasks = batch.discover(tmp_path)
    outcomes = batch.run(tmp_path, tasks, jobs=4, progress=lambda line: None)
    assert all(o.ok for o in outcomes), [o.reasons for o in outcomes if not o.ok]
    con = sqlite3.connect(tmp_path / "gradebook.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone()[0] == len(tasks)
    con.close()
    by_learner = {o.task.student: o.score for o in outcomes}
    for learner in classroom.LEARNERS:
        assert by_learner[f"{learner}_0"] == by_learner[learner]


def test_discover_filters(two_courses):
    _, fast, _ = two_courses
    assert {t.student for t in batch.discover(fast, students=["blank"])} == {"blank"}
    assert batch.discover(fast, assignments=["no_such"]) == []


def test_summary_names_failures():
    ok = batch.Outcome(batch.Task("01_vectors", "ana"), 3.0, 18.0)
    bad = batch.Outcome(batch.Task("01_vectors", "bo"), None, None, ok=False,
                        reasons=["nbgrader autograde failed: invalid JSON"])
    text = batch.summary([ok, bad])
    assert "3/18" in text and "bo: nbgrader autograde failed: invalid JSON" in text
