"""Where grading time goes: a benchmark, not a test.

Usage (from the course root, inside .venv, or ``python3 tasks.py bench``)::

    python bench/bench_grading.py [--students 40] [--assignments ID ...] [--jobs 1 2]

Everything is measured in one run on the machine it runs on, and printed as
ratios of times measured in that same run:

1. per notebook: bare execution of the source notebook with nbclient versus
   autograding the same notebook as a submission, with nbgrader's own
   ``Autograde`` converter in a warm process (the grading overhead) and with
   a fresh ``nbgrader autograde --student`` command (what one plain call
   costs, imports included);
2. a simulated class of ``--students`` learners on every assignment:
   sequential plain ``nbgrader autograde <assignment>`` (one command per
   assignment) versus ``dlmath.batch`` with 1, 2 and more jobs, as speed-ups
   and submissions graded per minute;
3. the share of a correct submission's grading time spent in hidden tests,
   versus kernel start, the other cells and nbgrader's bookkeeping.
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

from dlmath import batch, classroom, course, nbgrader_api, submissions  # noqa: E402
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


def section_overhead(aids: list[str], tmp: Path) -> None:
    print("\n1. Grading overhead per notebook (correct submission)")
    print(f"{'assignment':22}{'bare nbclient':>14}{'autograde warm':>16}{'ratio':>8}"
          f"{'nbgrader CLI':>14}{'ratio':>8}{'hidden tests':>14}{'share':>8}")
    for aid in aids:
        a = course.get(aid)
        root = tmp / f"overhead_{aid}"
        _prepare(root, [aid])
        for kind in classroom.LEARNERS:
            if kind != "complete":
                shutil.rmtree(root / "submitted" / kind)
        bare, cells = bare_execution(a, root)
        hidden = sum(t for name, t in cells.items() if name and name.startswith("test_")
                     and not name.endswith("_visible"))
        grader = nbgrader_api.api(root)
        from nbgrader.converters import Autograde

        nbgrader_api.run(grader, Autograde, aid, "complete", force=True)  # warm the process once
        warm, _ = _timed(nbgrader_api.run, grader, Autograde, aid, "complete", force=True)
        cli = plain_nbgrader(root, [aid], "complete")
        print(f"{aid:22}{bare:>13.2f}s{warm:>15.2f}s{warm / bare:>7.2f}x"
              f"{cli:>13.2f}s{cli / bare:>7.2f}x{hidden:>13.2f}s{hidden / warm:>7.0%}")


def section_class(aids: list[str], students: int, jobs_list: list[int], tmp: Path,
                  skip_plain: bool) -> None:
    n = students * len(aids)
    print(f"\n2. A class of {students} learners x {len(aids)} assignments = {n} submissions "
          f"({os.cpu_count()} cores)")
    base = None
    if not skip_plain:
        root = tmp / "class_plain"
        make_course(root, aids, students)
        base = plain_nbgrader(root, aids)
        print(f"{'plain nbgrader, sequential':32}{base:>9.1f}s{n / base * 60:>10.1f}/min{'1.00x':>9}")
    for jobs in jobs_list:
        root = tmp / f"class_jobs{jobs}"
        make_course(root, aids, students)
        seconds, outcomes = _timed(batch.run, root, batch.discover(root), jobs,
                                   progress=lambda line: None)
        bad = sum(not o.ok for o in outcomes)
        ratio = f"{base / seconds:.2f}x" if base else "-"
        print(f"{f'dlmath.batch --jobs {jobs}':32}{seconds:>9.1f}s{n / seconds * 60:>10.1f}/min"
              f"{ratio:>9}" + (f"  ({bad} failed)" if bad else ""))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--assignments", nargs="*", help="default: all present")
    parser.add_argument("--jobs", type=int, nargs="*", default=None,
                        help="batch job counts to try (default: 1, 2 and the core count if larger)")
    parser.add_argument("--skip-plain", action="store_true",
                        help="skip the sequential plain nbgrader baseline of section 2")
    parser.add_argument("--sections", nargs="*", default=["1", "2"])
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    import logging

    logging.disable(logging.WARNING)
    aids = args.assignments or [a.id for a in course.assignments()]
    cores = os.cpu_count() or 1
    jobs_list = args.jobs or sorted({1, 2, cores})
    print(f"dlmath grading benchmark: {len(aids)} assignments, python {sys.version.split()[0]}, "
          f"{cores} cores, {time.strftime('%Y-%m-%d %H:%M')}")
    with tempfile.TemporaryDirectory(prefix="dlmath-bench-") as tmp:
        if "1" in args.sections:
            section_overhead(aids, Path(tmp))
        if "2" in args.sections:
            section_class(aids, args.students, jobs_list, Path(tmp), args.skip_plain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
