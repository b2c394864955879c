"""Where grading time goes: a benchmark, not a test.

Usage (from the course root, inside .venv, or ``python3 tasks.py bench``)::

    python bench/bench_grading.py [--students 6] [--sizes 40 400] [--assignments ID ...]
                                  [--sections 1 2 3 4 5]

Everything is measured in one run on the machine it runs on, and printed as
ratios of times measured in that same run:

1. per assignment: bare execution of the source notebook with nbclient
   (stock ``python3`` kernel, plots rasterised) versus grading the same
   notebook as a submission with one job in a warm grading process;
2. a simulated class of ``--students`` learners on every assignment: bare
   sequential nbclient execution of every submission versus
   ``dlmath.batch`` with 1 and 2 jobs, as throughput ratios;
3. the cost per submission at two class sizes (flat is the goal);
4. where a correct submission's grading time goes: runner start, the
   notebook's cells, visible tests, hidden checks, nbgrader's bookkeeping;
   plots if rasterised; a runner forked warm against one started cold;
5. the cost of grading through a local Dask cluster against ``--jobs 2``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlmath import batch, classroom, course  # noqa: E402
from dlmath import notebooks as nbs  # noqa: E402


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def bare_execution(a: course.Assignment, workdir: Path) -> tuple[float, dict[str, float]]:
    """Execute the source notebook with nbclient; return wall time and per-cell times."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(a.source()), as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(workdir)}})
    seconds, _ = _timed(client.execute)
    cells = {}
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            from datetime import datetime

            t0 = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            t1 = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            cells[nbs.grade_id(cell) or cell.get("id")] = (t1 - t0).total_seconds()
    return seconds, cells


def _prepare(root: Path, aids: list[str]) -> None:
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        classroom.prepare(root, aids)


def make_course(root: Path, aids: list[str], students: int) -> None:
    """A course folder with ``students`` learners cycling through the simulated kinds."""
    _prepare(root, aids)
    kinds = list(classroom.LEARNERS)
    for i in range(students):
        kind = kinds[i % len(kinds)]
        for aid in aids:
            src = root / "submitted" / kind / aid
            dst = root / "submitted" / f"s{i:03d}_{kind}" / aid
            shutil.copytree(src, dst)
    for kind in kinds:
        shutil.rmtree(root / "submitted" / kind)


def plain_nbgrader(root: Path, aids: list[str], student: str | None = None) -> float:
    """Sequential plain ``nbgrader autograde`` commands; wall time."""
    start = time.perf_counter()
    for aid in aids:
        cmd = [sys.executable, "-m", "nbgrader", "autograde", aid, "--force",
               f"--CourseDirectory.root={root}", "--log-level=ERROR"]
        if student:
            cmd.append(f"--student={student}")
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def _breakdown(root: Path, students: list[str] | None = None) -> dict[str, float]:
    """Sum of the executor's timings over the autograded notebooks under ``root``."""
    import nbformat

    total: dict[str, float] = {}
    for path in (root / "autograded").glob("*/*/*.ipynb"):
        if students and path.parts[-3] not in students:
            continue
        timing = nbformat.read(str(path), as_version=4).metadata.get("dlmath", {}).get("timing", {})
        for key, value in timing.items():
            total[key] = total.get(key, 0.0) + float(value)
    return total


def section_overhead(aids: list[str], tmp: Path) -> tuple[list[float], dict[str, float]]:
    print("\n1. Grading a correct submission vs merely running its notebook (one job)")
    print(f"{'assignment':22}{'bare nbclient':>14}{'grading':>10}{'ratio':>8}{'hidden':>9}")
    ratios, parts = [], {}
    for aid in aids:
        a = course.get(aid)
        root = tmp / f"overhead_{aid}"
        grader, task = _one_correct(root, aid, {})
        bare, _ = bare_execution(a, root)
        outcome = batch.grade_one(grader, root, task)
        warm = outcome.seconds
        split = _breakdown(root)
        for key, value in split.items():
            parts[key] = parts.get(key, 0.0) + value
        parts["total"] = parts.get("total", 0.0) + warm
        ratios.append(warm / bare)
        print(f"{aid:22}{bare:>13.2f}s{warm:>9.2f}s{warm / bare:>7.2f}x"
              f"{split.get('hidden_checks', 0.0):>8.2f}s")
    return ratios, parts


def bare_class(root: Path) -> float:
    """Bare sequential nbclient execution of every submission (stock python3 kernel)."""
    import nbformat
    from nbclient import NotebookClient

    start = time.perf_counter()
    for path in sorted((root / "submitted").glob("*/*/*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    return time.perf_counter() - start


def section_class(aids: list[str], students: int, jobs_list: list[int], tmp: Path
                  ) -> dict[int, float]:
    n = students * len(aids)
    print(f"\n2. A class of {students} learners x {len(aids)} assignments = {n} submissions "
          f"({os.cpu_count()} cores)")
    root = tmp / "class_bare"
    make_course(root, aids, students)
    base = bare_class(root)
    print(f"{'bare nbclient, sequential':32}{base:>9.1f}s{n / base * 60:>10.1f}/min{'1.00x':>9}")
    out = {}
    for jobs in jobs_list:
        root = tmp / f"class_jobs{jobs}"
        make_course(root, aids, students)
        seconds, outcomes = _timed(batch.run, root, batch.discover(root), jobs,
                                   progress=lambda line: None)
        bad = sum(not o.ok for o in outcomes)
        out[jobs] = base / seconds
        print(f"{f'dlmath.batch --jobs {jobs}':32}{seconds:>9.1f}s{n / seconds * 60:>10.1f}/min"
              f"{base / seconds:>8.2f}x" + (f"  ({bad} failed)" if bad else ""))
    return out


def section_sizes(aid: str, sizes: list[int], tmp: Path) -> dict[int, float]:
    print(f"\n3. Cost per submission against class size ({aid}, --jobs 2)")
    out = {}
    for size in sizes:
        root = tmp / f"size_{size}"
        make_course(root, [aid], size)
        seconds, _ = _timed(batch.run, root, batch.discover(root), 2, progress=lambda line: None)
        out[size] = seconds / size
        print(f"{size:>6} submissions {seconds:>9.1f}s {seconds / size:>8.3f}s per submission")
    return out


def _one_correct(root: Path, aid: str, overrides: dict):
    """A course with one correct submission and a grading process that has graded it once."""
    _prepare(root, [aid])
    for kind in classroom.LEARNERS:
        if kind != "complete":
            shutil.rmtree(root / "submitted" / kind)
    grader = batch._grader(root, overrides)
    task = batch.Task(aid, "complete")
    batch.register_students(root, [task])
    batch.grade_one(grader, root, task)  # imports, caches, the runner template: once
    return grader, task


def section_figures(aid: str, tmp: Path) -> float:
    """Seconds feedback with pictures adds to a correct submission (worked examples run, plots drawn)."""
    costs = {}
    for render in (False, True):
        root = tmp / f"figures_{render}"
        grader, task = _one_correct(root, aid, {"ResilientExecute__render_figures": render,
                                                "ResilientExecute__run_demos": render})
        costs[render] = min(batch.grade_one(grader, root, task).seconds for _ in range(2))
    return costs[True] - costs[False]


def section_warm(aid: str, tmp: Path) -> dict[bool, float]:
    """Seconds to a runner's first answer, forked from the template (warm) or started cold."""
    import nbformat

    starts = {}
    for warm_runners in (False, True):
        root = tmp / f"warm_{warm_runners}"
        grader, task = _one_correct(root, aid, {"ResilientExecute__warm_runners": warm_runners})
        seen = []
        for _ in range(3):
            batch.grade_one(grader, root, task)
            path = next((root / "autograded" / "complete" / aid).glob("*.ipynb"))
            meta = nbformat.read(str(path), as_version=4).metadata.get("dlmath", {})
            seen.append(float(meta.get("timing", {}).get("runner_start", 0.0)))
        starts[warm_runners] = min(seen)
    return starts


def section_where(parts: dict[str, float], plots: float, plot_aid: str,
                  starts: dict[bool, float] | None = None) -> None:
    print("\n4. Where grading time goes (section 1, all assignments)")
    total = parts.get("total", 0.0) or 1.0
    rows = [("runner start (sandbox, kernel, imports)", parts.get("runner_start", 0.0)),
            ("learner and teaching cells", parts.get("learner_cells", 0.0)),
            ("visible tests (in the runner)", parts.get("visible_tests", 0.0)),
            ("hidden checks (judge + round trips)", parts.get("hidden_checks", 0.0))]
    rest = total - sum(v for _, v in rows)
    rows.append(("bookkeeping (intake, nbgrader, gradebook)", rest))
    for label, value in rows:
        print(f"  {label:44}{value:>8.2f}s{value / total:>7.0%}")
    print(f"  worked examples and plots, if run for feedback ({plot_aid}, not done by default): "
          f"{plots:+.2f}s per notebook")
    if starts:
        print(f"  runner start, cold kernel in the sandbox: {starts[False]:.3f}s; forked from the "
              f"warm template: {starts[True]:.3f}s ({starts[False] / max(starts[True], 1e-9):.1f}x)")


def section_dask(aids: list[str], students: int, tmp: Path) -> float | None:
    print("\n5. The engine's cost: a local Dask cluster of 2 workers vs --jobs 2")
    try:
        from distributed import LocalCluster
    except ImportError:
        print("  skipped: distributed is not installed")
        return None
    root = tmp / "dask_local"
    make_course(root, aids, students)
    local, _ = _timed(batch.run, root, batch.discover(root), 2, progress=lambda line: None)
    root = tmp / "dask_cluster"
    make_course(root, aids, students)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, preload=["dlmath.cluster"]) as cluster:
        overrides = batch.cluster_overrides(root, cluster.scheduler_address)
        remote, _ = _timed(batch.run, root, batch.discover(root), 4, progress=lambda line: None,
                           overrides=overrides, cap_jobs=False)
    print(f"  --jobs 2 {local:.1f}s, Dask 2 workers {remote:.1f}s: {remote / local:.2f}x")
    return remote / local


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; its last line is machine-readable."""
    import statistics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6,
                        help="learners per assignment in section 2 (default 6)")
    parser.add_argument("--sizes", type=int, nargs=2, default=[40, 400],
                        help="two class sizes for the per-submission cost (default 40 400)")
    parser.add_argument("--assignments", nargs="*", help="default: all present")
    parser.add_argument("--sections", nargs="*", default=["1", "2", "3", "4", "5"])
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.WARNING)
    aids = args.assignments or [a.id for a in course.assignments()]
    cores = os.cpu_count() or 1
    print(f"dlmath grading benchmark: {len(aids)} assignments, python {sys.version.split()[0]}, "
          f"{cores} cores, {time.strftime('%Y-%m-%d %H:%M')}")
    sizes_key = f"per_submission_{args.sizes[0]}/{args.sizes[1]}"
    result = {"grading/bare": float("nan"), "batch2/bare": float("nan"), sizes_key: float("nan")}
    with tempfile.TemporaryDirectory(prefix="dlmath-bench-") as tmp:
        parts: dict[str, float] = {}
        if "1" in args.sections:
            ratios, parts = section_overhead(aids, Path(tmp))
            result["grading/bare"] = statistics.median(ratios)
        if "2" in args.sections:
            speed = section_class(aids, args.students, [1, 2], Path(tmp))
            result["batch2/bare"] = speed.get(2, float("nan"))
        if "3" in args.sections:
            cost = section_sizes(aids[0], args.sizes, Path(tmp))
            result[sizes_key] = cost[args.sizes[0]] / cost[args.sizes[1]]
        if "4" in args.sections and parts:
            plot_aid = "04_neural_networks" if "04_neural_networks" in aids else aids[0]
            section_where(parts, section_figures(plot_aid, Path(tmp)), plot_aid,
                          section_warm(aids[0], Path(tmp)))
        if "5" in args.sections:
            section_dask(aids, args.students, Path(tmp))
    print("RESULT " + " ".join(f"{k}={v:.2f}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
