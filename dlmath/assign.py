"""Regenerate ``release/`` and ``solutions/`` from ``source/`` with nbgrader.

Usage::

    python -m dlmath.assign [ASSIGNMENT ...] [--root DIR]

Without assignments, every assignment with a source notebook is regenerated.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from dlmath import course, nbgrader_api


class GenerationError(RuntimeError):
    """nbgrader could not generate a release or solution notebook."""


#: Environment of the kernels that execute the solutions, so that generating
#: twice writes the same bytes: numerical libraries on one thread (a threaded
#: BLAS or OpenMP reduction sums in an order that depends on scheduling, which
#: can change a printed float's last digit and with it a plot's pixels), a
#: fixed hash seed (set order) and a fixed date for any file format that
#: records one (matplotlib's PDF/SVG metadata).
DETERMINISTIC_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "SOURCE_DATE_EPOCH": "0",
}


@contextlib.contextmanager
def deterministic_kernels():
    """Set :data:`DETERMINISTIC_ENV` for kernels started inside the block (then restore)."""
    saved = {k: os.environ.get(k) for k in DETERMINISTIC_ENV}
    os.environ.update(DETERMINISTIC_ENV)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def regenerate(assignment_ids: list[str] | None = None, root: Path = course.ROOT,
               solutions: bool = True) -> None:
    """Write the release and solution notebooks of each assignment.

    Parameters
    ----------
    assignment_ids : list of str, optional
        Which assignments; default all with a source notebook.
    root : Path, optional
        Course root holding ``source/``; ``release/`` and ``solutions/`` are
        written beside it and the assignments are recorded in its gradebook.
    solutions : bool, optional
        Also write ``solutions/`` (executes every notebook).

    Raises
    ------
    GenerationError
        If nbgrader reports a failure (its log is in the message).
    """
    from nbgrader.converters import GenerateAssignment, GenerateSolution

    ids = assignment_ids or [a.id for a in course.assignments(root)]
    grader = nbgrader_api.api(root)
    steps = [(GenerateAssignment, "release")]
    if solutions:
        steps.append((GenerateSolution, "solutions"))
    for assignment_id in ids:
        for app, label in steps:
            with deterministic_kernels():
                result = nbgrader_api.run(grader, app, assignment_id, ".", force=True,
                                          create_assignment=True)
            if not result["success"]:
                raise GenerationError(f"{label} of {assignment_id} failed:\n"
                                      f"{result.get('log', '')}\n{result.get('error', '')}")
            print(f"generated {label}/{assignment_id}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--root", type=Path, default=course.ROOT, help="course root")
    args = parser.parse_args(argv)
    regenerate(args.assignments or None, args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
