"""The main job: a simulated class, autograded end to end.

Usage::

    python -m dlmath.classroom [--root build/classroom] [--assignments ID ...]

(``--assignment`` is accepted too.)  Exit codes: 0 the class was graded,
2 an unknown assignment id (nothing is deleted then), 3 some submissions
could not be graded.

It builds a fresh course folder, generates the assignments there (which
records them in a new SQLite gradebook), writes one submission per learner
and assignment from the release notebooks, autogrades them all with
nbgrader, generates feedback, exports ``grades.csv`` and prints a table of
scores.  The learners are:

========================  ===============================================
``complete``              the instructor's solutions
``alternative``           correct answers written another way
``partial``               the first half of the functions right, the rest
                          with a typical mistake
``blank``                 the release notebook handed back unchanged
``syntax_error``          correct, except the first answer does not parse
``wrong_type``            right values returned as strings
========================  ===============================================
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import warnings
from pathlib import Path
from typing import Callable

from dlmath import course, nbgrader_api, submissions
from dlmath.submissions import load_variants

DEFAULT_ROOT = course.ROOT / "build" / "classroom"


def _correct(a: course.Assignment) -> dict[str, str]:
    return submissions.solution_code(a.source())


def _alternative(a: course.Assignment) -> dict[str, str]:
    answers = _correct(a)
    alts = load_variants(a.module).ALTERNATIVES
    answers.update({f: alts[f][0] for f in a.functions if alts.get(f)})
    return answers


def _partial(a: course.Assignment) -> dict[str, str]:
    answers = _correct(a)
    mutants = load_variants(a.module).MUTANTS
    half = (len(a.functions) + 1) // 2
    for f in a.functions[half:]:
        if mutants.get(f):
            answers[f] = next(iter(mutants[f].values()))
    return answers


def _blank(a: course.Assignment) -> dict[str, str]:
    return {}


def _syntax_error(a: course.Assignment) -> dict[str, str]:
    answers = _correct(a)
    first = a.functions[0]
    answers[first] = submissions.syntax_error(answers[first])
    return answers


def _wrong_type(a: course.Assignment) -> dict[str, str]:
    return {f: submissions.wrong_type(f, code) for f, code in _correct(a).items()}


#: Learner id -> how that learner answers an assignment.
LEARNERS: dict[str, Callable[[course.Assignment], dict[str, str]]] = {
    "complete": _correct,
    "alternative": _alternative,
    "partial": _partial,
    "blank": _blank,
    "syntax_error": _syntax_error,
    "wrong_type": _wrong_type,
}


def prepare(root: Path, assignment_ids: list[str]) -> None:
    """Create a fresh course folder with the sources and learners' submissions."""
    if root.exists():
        shutil.rmtree(root)
    (root / "source").mkdir(parents=True)
    for aid in assignment_ids:
        shutil.copytree(course.ROOT / "source" / aid, root / "source" / aid)
    from dlmath import assign

    assign.regenerate(assignment_ids, root, solutions=False)
    for aid in assignment_ids:
        a = course.get(aid)
        for learner, answer in LEARNERS.items():
            nb = submissions.fill(a.release(root), answer(a))
            submissions.write(nb, root / "submitted" / learner / aid / f"{a.notebook}.ipynb")


def grade(root: Path, assignment_ids: list[str], jobs: int | None = None,
          progress=print) -> list:
    """Autograde every submission (:mod:`dlmath.batch`), generate feedback, export grades.csv.

    Returns
    -------
    list of dlmath.batch.Outcome
        One per submission.
    """
    from nbgrader.converters import GenerateFeedback

    from dlmath import batch

    outcomes = batch.run(root, batch.discover(root, assignment_ids), jobs, progress=progress)
    grader = nbgrader_api.api(root)
    for aid in assignment_ids:
        result = nbgrader_api.run(grader, GenerateFeedback, aid, "*", force=True)
        if not result["success"]:
            raise RuntimeError(f"feedback of {aid} failed:\n{result.get('log')}\n{result.get('error')}")
        progress(f"feedback: {aid} done")
    export_csv(root, root / "grades.csv")
    from dlmath.report import build_report

    built = build_report(root)  # report/index.html, items.csv, canvas.csv, scores.json
    progress(f"report:   {built.index}")
    return outcomes


def export_csv(root: Path, path: Path) -> None:
    """Write nbgrader's CSV export of the gradebook to ``path``."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    config = nbgrader_api.load_config(root)
    plugin = CsvExportPlugin(config=config)
    plugin.to = str(path)
    from dlmath import batch

    with Gradebook(batch.db_url(root), "dlmath") as gb:
        plugin.export(gb)


def scores(root: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """Return ``{(learner, assignment): (score, max_score)}`` from grades.csv."""
    table = {}
    with open(root / "grades.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            table[(row["student_id"], row["assignment"])] = (float(row["score"]),
                                                            float(row["max_score"]))
    return table


def format_table(table: dict[tuple[str, str], tuple[float, float]]) -> str:
    """Return a plain-text table of scores, one row per learner, in :data:`LEARNERS` order."""
    from dlmath import batch

    order = list(LEARNERS)
    learners = sorted({s for s, _ in table}, key=lambda s: order.index(s) if s in order else len(order))
    return batch.score_table(dict(table), learners, label="learner")


EXIT_CODES = """exit codes:
  0  the class was graded
  2  bad arguments: an unknown assignment id (the previous results are left alone)
  3  graded, but some submissions could not be graded (listed at the end)"""


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description="Autograde a simulated class end to end.", epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                        help=f"course folder to create (default {DEFAULT_ROOT})")
    parser.add_argument("--assignments", "--assignment", dest="assignments", nargs="*",
                        metavar="ID", help="assignment ids (default: all; either spelling)")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="parallel grading workers (default: number of cores)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's SQLAlchemy noise
    known = [a.id for a in course.assignments()]
    unknown = [aid for aid in args.assignments or [] if aid not in known]
    if unknown:  # checked before prepare() deletes the previous class
        print(f"unknown assignment {', '.join(map(repr, unknown))} "
              f"(assignments: {', '.join(known)})", file=sys.stderr)
        return 2
    aids = list(dict.fromkeys(args.assignments or known))
    root = args.root.resolve()
    prepare(root, aids)
    outcomes = grade(root, aids, args.jobs)
    print()
    print(format_table(scores(root)))
    problems = [o for o in outcomes if not o.ok or o.notes or o.flags]
    print(f"\n{len(outcomes)} submissions graded; {sum(not o.ok for o in outcomes)} failed to grade.")
    for o in problems:
        details = o.reasons + o.notes + [f"flag: {f}" for f in o.flags]
        print(f"  {o.task.assignment}/{o.task.student}: " + "; ".join(details))
    print(f"\ngradebook: {root / 'gradebook.db'}\ngrades:    {root / 'grades.csv'}\n"
          f"feedback:  {root / 'feedback'}")
    return 0 if all(o.ok for o in outcomes) else 3


if __name__ == "__main__":
    sys.exit(main())
