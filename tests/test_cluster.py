"""Grading on a real Dask cluster (a scheduler and two workers on loopback).

Scores must equal local grading cell for cell; a worker killed mid-batch must
lose nothing and record nothing twice.
"""

from __future__ import annotations

import shutil
import threading

import pytest

from dlmath import batch, classroom

pytestmark = pytest.mark.notebook

AIDS = ["01_vectors"]


@pytest.fixture(scope="module")
def local_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("local") / "course"
    classroom.prepare(root, AIDS)
    outcomes = batch.run(root, batch.discover(root), jobs=2, progress=lambda line: None)
    assert all(o.ok for o in outcomes)
    return root, batch.cell_scores(root)


@pytest.fixture(scope="module")
def dask_cluster():
    from servers import DaskCluster

    cluster = DaskCluster(workers=2)
    yield cluster
    cluster.close()


def _copy_class(local_root, target):
    """The same course and submissions, with a gradebook holding no grades yet."""
    classroom.prepare(target, AIDS)
    shutil.rmtree(target / "submitted")
    shutil.copytree(local_root / "submitted", target / "submitted")
    return target


def test_cluster_scores_equal_local_grading(local_class, dask_cluster, tmp_path):
    local_root, local_scores = local_class
    root = _copy_class(local_root, tmp_path / "course")
    overrides = batch.cluster_overrides(root, dask_cluster.address)
    outcomes = batch.run(root, batch.discover(root), jobs=4, progress=lambda line: None,
                         overrides=overrides, cap_jobs=False)
    assert all(o.ok for o in outcomes), [o.reasons for o in outcomes if not o.ok]
    assert batch.cell_scores(root) == local_scores
    import nbformat

    metas = [nbformat.read(str(p), as_version=4).metadata["dlmath"]
             for p in (root / "autograded").glob("*/*/*.ipynb")]
    ran_on = {meta.get("worker") for meta in metas}
    assert ran_on and None not in ran_on, ran_on  # every notebook ran on a Dask worker
    # Workers start with --preload dlmath.cluster: their templates are ready before any task,
    # and survive the pool threads that run tasks, so no kernel starts cold.
    assert all(meta["isolation"].get("warm") for meta in metas), [
        meta["isolation"] for meta in metas]


def test_a_worker_killed_mid_batch_loses_nothing(local_class, dask_cluster, tmp_path):
    local_root, local_scores = local_class
    root = _copy_class(local_root, tmp_path / "course")
    overrides = batch.cluster_overrides(root, dask_cluster.address)
    killed = threading.Event()

    def progress(line):
        if not killed.is_set():  # after the first result, kill a worker with tasks on it
            killed.set()
            dask_cluster.kill_worker(0)

    outcomes = batch.run(root, batch.discover(root), jobs=4, progress=progress,
                         overrides=overrides, cap_jobs=False)
    assert killed.is_set()
    assert all(o.ok for o in outcomes), [o.reasons for o in outcomes if not o.ok]
    assert batch.cell_scores(root) == local_scores
    from nbgrader.api import Gradebook

    with Gradebook(batch.db_url(root), "dlmath") as gb:
        subs = gb.assignment_submissions(AIDS[0])
        students = [s.student.id for s in subs]
        assert sorted(students) == sorted(set(students)) == sorted(classroom.LEARNERS)
