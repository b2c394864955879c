"""Batch autograding: every submission of a course, on several workers.

Usage::

    python -m dlmath.batch [--root DIR] [--assignment ID ...] [--student ID ...] [--jobs N]

(``--assignments`` and ``--students`` are accepted too.)  Exit codes: 0 all
graded, 1 nothing submitted, 2 unknown assignment or student id, 3 some
submissions could not be graded.

Grades every ``submitted/<student>/<assignment>/`` folder (or the chosen
ones) with nbgrader's own ``Autograde`` converter, so every score is exactly
what ``nbgrader autograde`` would record.  The speed comes from the workers:

* **Long-lived workers.**  Starting ``nbgrader`` costs seconds of imports;
  each of the ``--jobs`` worker processes imports it once and then grades
  many submissions, each in its own kernel, so ``N`` kernels run at once.
* **One gradebook, shared safely.**  The gradebook stays nbgrader's SQLite
  file.  Before the workers start, the parent records every student (the
  only rows two submissions could race to create); each worker then writes
  only the rows of its own submission, in short transactions, and SQLite's
  busy timeout (:data:`BUSY_TIMEOUT` seconds, set on the database URL)
  makes a writer wait for the lock instead of failing with "database is
  locked".  SQLite serialises the writes, so nothing is corrupted.

Progress lines show a running count and an estimate of the time left; the
final summary lists each submission's score and every failure.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlmath import course, submissions

#: Seconds a worker waits for the gradebook's write lock before giving up.
BUSY_TIMEOUT = 300
#: Seconds a batch's first kernel waits for its worker's warm-runner template
#: (``ResilientExecute.warm_wait``): the template serves every later
#: submission, and a cold kernel started beside it only doubles the imports.
WARM_WAIT = 60.0
#: How often a submission whose grading failed outright (e.g. a kernel that
#: did not start) is graded again before it is reported as failed.
RETRIES = 1


def batch_settings(overrides: dict | None = None) -> dict:
    """The settings every batch grades with (local or on a cluster), then ``overrides``."""
    return {"ResilientExecute__warm_wait": WARM_WAIT, **(overrides or {})}


@dataclass(frozen=True)
class Task:
    """One submission to grade."""

    assignment: str
    student: str


@dataclass
class Outcome:
    """What grading one submission produced."""

    task: Task
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    ok: bool = True
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    isolation: dict | None = None


#: Environment variable naming another gradebook (e.g. ``postgresql://...``).
DB_ENV = "DLMATH_DB_URL"


def db_url(root: Path) -> str:
    """URL of the course gradebook.

    ``$DLMATH_DB_URL`` (set by ``--db``) when given, e.g. a PostgreSQL
    database for many graders at once; otherwise the SQLite file
    ``<root>/gradebook.db`` with a busy timeout for concurrent writers.
    """
    url = os.environ.get(DB_ENV)
    if url:
        return url
    return f"sqlite:///{Path(root).resolve() / 'gradebook.db'}?timeout={BUSY_TIMEOUT}"


def cluster_overrides(root: Path, scheduler: str, overrides: dict | None = None) -> dict:
    """nbgrader settings that move the execution step to a Dask cluster (:mod:`dlmath.cluster`).

    The pipeline of ``nbgrader_config.py`` is kept, with
    :class:`dlmath.execution.ResilientExecute` replaced by
    :class:`dlmath.cluster.RemoteExecute`; the executor's settings travel
    with each task so workers grade exactly as local workers would.
    """
    from dlmath import nbgrader_api

    config = nbgrader_api.load_config(root, **batch_settings(overrides))
    steps = [("dlmath.cluster.RemoteExecute" if str(p).endswith("ResilientExecute") else p)
             for p in config.Autograde.autograde_preprocessors]
    settings = {k: v for k, v in dict(config.get("ResilientExecute", {})).items()
                if k != "kernel_name"}
    settings.setdefault("timeout", config.get("Execute", {}).get("timeout", 60))
    out = dict(overrides or {})
    out.update(Autograde__autograde_preprocessors=steps, RemoteExecute__scheduler=scheduler,
               RemoteExecute__settings=settings)
    return out


def discover(root: Path, assignments: list[str] | None = None,
             students: list[str] | None = None) -> list[Task]:
    """Find the submissions to grade under ``root/submitted``.

    Parameters
    ----------
    root : Path
        Course root.
    assignments, students : list of str, optional
        Restrict to these (default: everything submitted).

    Returns
    -------
    list of Task
        Sorted by assignment, then student.
    """
    submitted = Path(root) / "submitted"
    tasks = []
    if not submitted.is_dir():
        return tasks
    for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir()):
        if students and student_dir.name not in students:
            continue
        for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
            if assignments and assignment_dir.name not in assignments:
                continue
            tasks.append(Task(assignment_dir.name, student_dir.name))
    return sorted(tasks, key=lambda t: (t.assignment, t.student))


#: Folder (under the course root) holding the canonical copies that are graded.
INTAKE = "intake"


def _grader(root: Path, overrides: dict | None = None):
    from dlmath import nbgrader_api

    return nbgrader_api.api(root, CourseDirectory__db_url=db_url(root),
                            CourseDirectory__submitted_directory=INTAKE, **(overrides or {}))


def stage(root: Path, task: Task):
    """Write the canonical copy of a submission under ``intake/`` (see :mod:`dlmath.intake`).

    The learner's files in ``submitted/`` are never changed.  Other files of
    the submission (data, helper modules, ``timestamp.txt``) are copied along.

    Returns
    -------
    dlmath.intake.Intake
        With notes on what had to be repaired and flags on suspicious code.
    """
    import shutil

    from dlmath import intake

    a = course.get(task.assignment)
    source = Path(root) / "submitted" / task.student / task.assignment
    target = Path(root) / INTAKE / task.student / task.assignment
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for item in source.iterdir():
        if item.suffix != ".ipynb" and item.is_file():
            shutil.copy2(item, target / item.name)
    result = intake.canonicalize(a.release(root), source, a.notebook)
    _note_zero_cells(source / f"{a.notebook}.ipynb", result.notes)
    submissions.write(result.notebook, target / f"{a.notebook}.ipynb")
    return result


def _note_zero_cells(path: Path, notes: list[str]) -> None:
    """A notebook handed in with no cells at all is graded as blank: say so."""
    import json

    try:
        cells = json.loads(path.read_bytes()).get("cells")
    except (OSError, ValueError, AttributeError):
        return
    if cells == [] and not any("no cells" in n for n in notes):
        notes.append(f"{path.name} has no cells (graded as blank)")


def grading_events(root: Path, task: Task) -> tuple[list[str], list[str]]:
    """Read the events the executor recorded in the autograded notebook.

    The executor (:mod:`dlmath.execution`) writes them to
    ``nb.metadata["dlmath"]["events"]``; nothing here reads cell outputs.

    Returns
    -------
    notes, flags : list of str
        What went wrong while grading (notes) and what needs the
        instructor's eye (flags).
    """
    a = course.get(task.assignment)
    path = Path(root) / "autograded" / task.student / task.assignment / f"{a.notebook}.ipynb"
    notes: list[str] = []
    flags: list[str] = []
    if not path.exists():
        return notes, flags
    nb = nbformat.read(str(path), as_version=4)
    for event in nb.metadata.get("dlmath", {}).get("events", []):
        kind, where = event.get("kind"), event.get("cell")
        text = f"cell {where}: {event.get('message')}" if where else str(event.get("message"))
        if kind in ("test_did_not_run",):
            flags.append(text)
        elif kind != "not_isolated":
            notes.append(text)
    return notes, flags


def record_flags(root: Path, task: Task, flags: list[str]) -> None:
    """Write the submission's review flags into its autograded notebook (for the report)."""
    a = course.get(task.assignment)
    path = Path(root) / "autograded" / task.student / task.assignment / f"{a.notebook}.ipynb"
    if not path.exists() or not flags:
        return
    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.setdefault("dlmath", {})["flags"] = list(dict.fromkeys(flags))
    mode = path.stat().st_mode
    path.chmod(mode | 0o200)
    nbformat.write(nb, str(path))
    path.chmod(mode)


def isolation_of(root: Path, task: Task) -> dict | None:
    """The runner's isolation as the executor recorded it (None if unknown)."""
    a = course.get(task.assignment)
    path = Path(root) / "autograded" / task.student / task.assignment / f"{a.notebook}.ipynb"
    if not path.exists():
        return None
    return nbformat.read(str(path), as_version=4).metadata.get("dlmath", {}).get("isolation")


def register_students(root: Path, tasks: list[Task]) -> None:
    """Create every student in the gradebook before workers start."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url(root), "dlmath") as gb:
        for student in sorted({t.student for t in tasks}):
            gb.update_or_create_student(student)


def grade_one(grader, root: Path, task: Task) -> Outcome:
    """Autograde one submission with nbgrader and read back its score.

    Parameters
    ----------
    grader : NbGraderAPI
        The worker's nbgrader API (see :func:`dlmath.nbgrader_api.api`).
    root : Path
        Course root.
    task : Task
        Which submission.

    Returns
    -------
    Outcome
        Score, time taken, and the reasons for any failure.
    """
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.converters import Autograde

    from dlmath import nbgrader_api

    start = time.perf_counter()
    outcome = Outcome(task)
    try:
        staged = stage(root, task)
        outcome.notes, outcome.flags = list(staged.notes), list(staged.flags)
        for attempt in range(1 + RETRIES):  # a kernel that fails to start is not the learner's fault
            result = nbgrader_api.run(grader, Autograde, task.assignment, task.student,
                                      force=True, create_student=True)
            if result.get("success"):
                break
            if attempt < RETRIES:
                outcome.notes.append("grading failed once and was retried: " +
                                     _last_error(result.get("log", "") + result.get("error", "")))
        if not result.get("success"):
            outcome.ok = False
            outcome.reasons.append("nbgrader autograde failed: " +
                                   _last_error(result.get("log", "") + result.get("error", "")))
        events = grading_events(root, task)
        outcome.notes += events[0]
        outcome.flags += events[1]
        outcome.isolation = isolation_of(root, task)
        record_flags(root, task, outcome.flags)
        with Gradebook(db_url(root), "dlmath") as gb:
            try:
                sub = gb.find_submission(task.assignment, task.student)
                outcome.score, outcome.max_score = float(sub.score), float(sub.max_score)
            except MissingEntry:
                outcome.ok = False
                outcome.reasons.append("no grades recorded")
    except Exception as exc:  # one submission must never stop the batch
        outcome.ok = False
        outcome.reasons.append(f"{type(exc).__name__}: {exc}")
    outcome.seconds = time.perf_counter() - start
    return outcome


def _last_error(log: str) -> str:
    """The most telling line of an nbgrader log: its last error line."""
    lines = [line for line in log.splitlines() if "ERROR" in line or "Error" in line]
    lines = lines or log.strip().splitlines() or ["(no log)"]
    return lines[-1].strip()[:300]


def _template(root: Path, overrides: dict):
    """Start the warm-runner template the workers of :func:`run` will borrow (or ``None``).

    It imports while the workers import nbgrader, once for the whole batch
    (:func:`dlmath.warm.lending`).  ``None`` where warm runners are off, where
    it cannot start, or where the learners' kernels do not run on this machine
    (:class:`dlmath.cluster.RemoteExecute`: the cluster's workers start their
    own, :func:`dlmath.cluster.warm_up`).  Never fatal.
    """
    try:
        from dlmath import nbgrader_api
        from dlmath.execution import ResilientExecute

        config = nbgrader_api.load_config(root, **overrides)
        steps = [str(step) for step in config.Autograde.get("autograde_preprocessors", [])]
        if any(step.endswith("ResilientExecute") for step in steps):
            return ResilientExecute(config=config).template()
    except Exception:  # noqa: BLE001 -- each worker then starts its own
        pass
    return None


def _worker(root: str, tasks: "mp.Queue", results: "mp.Queue", overrides: dict) -> None:
    warnings.filterwarnings("ignore")
    import logging

    logging.getLogger("traitlets").setLevel(logging.ERROR)
    root_path = Path(root)
    grader = _grader(root_path, overrides)
    while True:
        task = tasks.get()
        if task is None:
            from dlmath import warm

            warm.stop_all()  # multiprocessing ends workers without atexit handlers
            return
        try:
            outcome = grade_one(grader, root_path, task)
        except BaseException as exc:  # noqa: BLE001 -- report, keep the worker alive
            outcome = Outcome(task, ok=False, reasons=[f"worker error: {exc!r}",
                                                       traceback.format_exc()[-500:]])
        results.put(outcome)


def _eta(done: int, total: int, elapsed: float) -> str:
    if done == 0:
        return "?"
    left = elapsed / done * (total - done)
    return f"{int(left // 60)}:{int(left % 60):02d}"


def run(root: Path, tasks: list[Task], jobs: int | None = None,
        progress=print, overrides: dict | None = None, cap_jobs: bool = True) -> list[Outcome]:
    """Grade ``tasks`` with ``jobs`` workers and return their outcomes.

    Parameters
    ----------
    root : Path
        Course root whose gradebook already holds the assignments
        (``nbgrader generate_assignment`` or :mod:`dlmath.assign`).
    tasks : list of Task
        Submissions to grade.
    jobs : int, optional
        Number of workers (default: number of CPU cores).
    progress : callable, optional
        Receives one line per graded submission.
    overrides : dict, optional
        nbgrader settings as ``Section__trait: value`` (e.g.
        ``{"Execute__timeout": 10}``), on top of ``nbgrader_config.py``
        (:func:`cluster_overrides` gives those that grade on Dask).
    cap_jobs : bool, optional
        Never start more workers than cores (local grading); off when the
        work runs on a cluster and local workers mostly wait.

    Returns
    -------
    list of Outcome
        In the order of ``tasks``.
    """
    root = Path(root).resolve()
    if not tasks:
        return []
    overrides = batch_settings(overrides)
    cores = os.cpu_count() or 1
    jobs = max(1, min(jobs or cores, len(tasks)))
    register_students(root, tasks)
    ctx = mp.get_context("spawn")
    task_queue, result_queue = ctx.Queue(), ctx.Queue()
    for task in tasks:
        task_queue.put(task)
    for _ in range(jobs):
        task_queue.put(None)
    workers = [ctx.Process(target=_worker, args=(str(root), task_queue, result_queue, dict(overrides or {})),
                           daemon=True)
               for _ in range(jobs)]
    from dlmath import warm

    template = _template(root, overrides)  # imports while the workers import nbgrader
    with warm.lending(template):
        for w in workers:
            w.start()
    outcomes: dict[Task, Outcome] = {}
    start = time.perf_counter()
    try:
        while len(outcomes) < len(tasks):
            try:
                outcome = result_queue.get(timeout=5)
            except Exception:
                if not any(w.is_alive() for w in workers):
                    break
                continue
            outcomes[outcome.task] = outcome
            done = len(outcomes)
            score = ("--" if outcome.score is None
                     else f"{outcome.score:g}/{outcome.max_score:g}")
            flag = "" if outcome.ok else "  FAILED: " + "; ".join(outcome.reasons)[:200]
            progress(f"[{done:>{len(str(len(tasks)))}}/{len(tasks)}] "
                     f"{outcome.task.assignment}/{outcome.task.student}: {score} "
                     f"({outcome.seconds:.1f}s, ETA {_eta(done, len(tasks), time.perf_counter() - start)})"
                     f"{flag}")
    finally:
        for w in workers:
            w.join(timeout=10)
            if w.is_alive():
                w.terminate()
                w.join(timeout=5)
            if w.is_alive():  # a worker never outlives its batch (its runners end with it)
                w.kill()
                w.join()
        warm.discard(template)  # each batch starts from the same state
    for task in tasks:  # a worker that died took its task with it
        outcomes.setdefault(task, Outcome(task, ok=False, reasons=["grading worker died"]))
    return [outcomes[t] for t in tasks]


def cell_scores(root: Path) -> dict[tuple[str, str, str], float]:
    """Every autograded cell's score: ``{(student, assignment, grade_id): score}``.

    Read from the gradebook (:func:`db_url`: SQLite or PostgreSQL) through
    nbgrader's API, for audits and tests.
    """
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(db_url(root), "dlmath") as gb:
        for assignment in gb.assignments:
            for sub in gb.assignment_submissions(assignment.name):
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        out[(sub.student.id, assignment.name, grade.name)] = grade.auto_score
    return out


def score_table(cells: dict[tuple[str, str], str | tuple[float, float]],
                students: list[str] | None = None, label: str = "student") -> str:
    """A plain-text table, one row per student and one column per assignment.

    Parameters
    ----------
    cells : dict
        ``{(student, assignment): (score, max_score)}``, or a string to show
        instead (e.g. ``"error"``); a ``(score, max)`` pair may carry a third
        item, a mark appended to the cell.
    students : list of str, optional
        Row order (default: sorted).
    label : str, optional
        Heading of the first column.

    Returns
    -------
    str
        The table with a total column.
    """
    students = students or sorted({s for s, _ in cells})
    aids = sorted({a for _, a in cells})
    width = max([len(s) for s in students] + [len(label)]) + 2
    lines = [label.ljust(width) + "".join(a[:14].rjust(16) for a in aids) + "total".rjust(14)]
    for s in students:
        got = top = 0.0
        row = []
        for a in aids:
            cell = cells.get((s, a), "")
            if isinstance(cell, str):
                row.append(cell.rjust(16))
                continue
            score, max_score, *mark = cell
            got, top = got + score, top + max_score
            row.append((f"{score:g}/{max_score:g}" + "".join(mark)).rjust(16))
        lines.append(s.ljust(width) + "".join(row) + f"{got:g}/{top:g}".rjust(14))
    return "\n".join(lines)


def summary(outcomes: list[Outcome]) -> str:
    """A per-student, per-assignment table of scores and a list of failures."""
    cells = {(o.task.student, o.task.assignment):
             "error" if o.score is None else (o.score, o.max_score, "" if o.ok else "!")
             for o in outcomes}
    lines = []
    bare = [o for o in outcomes if o.isolation and not o.isolation.get("sandboxed")]
    if bare:
        why = bare[0].isolation.get("how", "")
        lines += ["=" * 78,
                  f"WARNING: {len(bare)} of {len(outcomes)} submissions were graded WITHOUT a "
                  f"sandbox ({why}).",
                  "Their code could read and write anything the grader can; grades were still "
                  "decided by the judge.",
                  "Install bubblewrap and grade as root to isolate it (see the README).",
                  "=" * 78, ""]
    lines.append(score_table(cells))
    failed = [o for o in outcomes if not o.ok]
    noted = [o for o in outcomes if o.notes]
    if noted:
        lines.append("")
        lines.append("notes (repairs before grading, events during grading):")
        for o in noted:
            lines.append(f"  {o.task.assignment}/{o.task.student}: " + "; ".join(o.notes))
    flagged = [o for o in outcomes if o.flags]
    if flagged:
        lines.append("")
        lines.append("flagged for review (possible tampering; see the README's grading section):")
        for o in flagged:
            lines.append(f"  {o.task.assignment}/{o.task.student}: " + "; ".join(dict.fromkeys(o.flags)))
    lines.append("")
    marks = [m for m, hit in (("!", any(o.score is not None for o in failed)),
                              ("error", any(o.score is None for o in failed))) if hit]
    lines.append(f"{len(outcomes)} submissions graded, {len(failed)} with problems"
                 + (f" (marked {' or '.join(marks)} in the table):" if failed else "."))
    for o in failed:
        lines.append(f"  {o.task.assignment}/{o.task.student}: " + "; ".join(o.reasons))
    return "\n".join(lines)


EXIT_CODES = """exit codes:
  0  every submission graded
  1  nothing to grade: no submissions under submitted/ (or none of the chosen ones)
  2  bad arguments: an unknown assignment or student id
  3  graded, but some submissions could not be graded (listed at the end)"""


def unknown_ids(root: Path, assignments: list[str] | None,
                students: list[str] | None) -> list[str]:
    """Messages for every requested assignment or student id that has no submission."""
    submitted = Path(root) / "submitted"
    have = discover(root)
    known = {a.id for a in course.CURRICULUM}
    problems = []
    for aid in assignments or []:
        if aid not in known and aid not in {t.assignment for t in have}:
            problems.append(f"unknown assignment {aid!r} (assignments: {', '.join(sorted(known))})")
        elif aid not in {t.assignment for t in have}:
            problems.append(f"nobody submitted assignment {aid!r} under {submitted}")
    for sid in students or []:
        if sid not in {t.student for t in have}:
            problems.append(f"unknown student {sid!r}: no submissions under {submitted / sid}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Autograde every submission with parallel workers.", epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=course.ROOT, help="course root")
    parser.add_argument("--assignment", "--assignments", dest="assignment", nargs="*",
                        metavar="ID", help="only these assignments (either spelling)")
    parser.add_argument("--student", "--students", dest="student", nargs="*", metavar="ID",
                        help="only these students (either spelling)")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="parallel workers (default: number of cores; with --cluster: "
                             "submissions in flight, default twice the cluster's threads)")
    parser.add_argument("--cluster", metavar="ADDRESS", default=None,
                        help="grade on an existing Dask cluster (tcp://HOST:8786); the "
                             "gradebook stays here, workers need neither files nor database")
    parser.add_argument("--db", metavar="URL", default=None,
                        help="gradebook database URL (default sqlite:///ROOT/gradebook.db), "
                             "e.g. postgresql://user@host/dbname")
    args = parser.parse_args(argv)
    if args.db:
        os.environ[DB_ENV] = args.db
    warnings.filterwarnings("ignore", message=".*not in session.*")
    problems = unknown_ids(args.root, args.assignment, args.student)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        return 2
    tasks = discover(args.root, args.assignment, args.student)
    if not tasks:
        print(f"nothing submitted under {args.root / 'submitted'}")
        return 1
    started = time.perf_counter()
    overrides = None
    jobs = args.jobs
    if args.cluster:
        overrides = cluster_overrides(args.root, args.cluster)
        if jobs is None:
            from dlmath import cluster

            threads = sum(cluster.client(args.cluster).nthreads().values())
            jobs = max(2, 2 * threads)
    outcomes = run(args.root, tasks, jobs, overrides=overrides, cap_jobs=not args.cluster)
    elapsed = time.perf_counter() - started
    print()
    print(summary(outcomes))
    print(f"\n{len(tasks)} submissions in {elapsed:.1f}s "
          f"({len(tasks) / elapsed * 60:.1f} per minute)")
    return 0 if all(o.ok for o in outcomes) else 3


if __name__ == "__main__":
    sys.exit(main())
