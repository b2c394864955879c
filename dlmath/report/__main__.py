"""Command line of the class report.

Usage::

    python -m dlmath.report [--root COURSE_ROOT] [--out DIR] [--db-url URL]
                            [--previous scores.json] [--threshold 0.5]
                            [--canvas-id ASSIGNMENT=ID ...]

Writes ``index.html``, ``items.csv``, ``canvas.csv`` and ``scores.json``
to ``DIR`` (default ``<root>/report``).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from dlmath import course


def _canvas_ids(pairs: list[str]) -> dict[str, str]:
    out = {}
    for item in pairs:
        name, sep, value = item.partition("=")
        if not sep or not name or not value:
            raise argparse.ArgumentTypeError(f"--canvas-id wants ASSIGNMENT=ID, not {item!r}")
        out[name] = value
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from dlmath.report.build import build_report

    parser = argparse.ArgumentParser(prog="python -m dlmath.report",
                                     description="Write the instructor's class report of a graded batch.")
    parser.add_argument("--root", type=Path, default=course.ROOT, help="course root (default: this course)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: <root>/report)")
    parser.add_argument("--db-url", default=None, help="gradebook URL (default: sqlite:///<root>/gradebook.db)")
    parser.add_argument("--course-id", default="dlmath", help="nbgrader course id")
    parser.add_argument("--previous", type=Path, default=None,
                        help="scores.json to compare against (default: the last run's in --out)")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="smallest likeness listed under similar answers (default 0.5)")
    parser.add_argument("--canvas-id", action="append", default=[], metavar="ASSIGNMENT=ID",
                        help="Canvas assignment id for canvas.csv (repeatable)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's SQLAlchemy noise
    try:
        report = build_report(args.root, args.out, db_url=args.db_url, course_id=args.course_id,
                              previous=args.previous, similarity_threshold=args.threshold,
                              canvas_ids=_canvas_ids(args.canvas_id))
    except (FileNotFoundError, argparse.ArgumentTypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"report:  {report.index}\nitems:   {report.items_csv}\ncanvas:  {report.canvas_csv}\n"
          f"scores:  {report.scores_json}")
    print(f"{len(report.data.learners)} learners, {len(report.items)} grade cells, "
          f"{len(report.mistakes)} mistake groups, {len(report.pairs)} similar pairs, "
          f"{len(report.moves)} moved since the last report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
