"""One place that drives nbgrader in-process.

Starting ``nbgrader`` as a command costs seconds of imports each time; the
course's tools load the course configuration once and call nbgrader's
converters directly.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any, Iterator

from dlmath.course import ROOT


def _put_interpreter_on_path() -> None:
    """nbgrader runs ``alembic`` and kernels by name: find them beside this Python."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = os.pathsep.join([bindir] + parts)


_put_interpreter_on_path()


def load_config(root: Path = ROOT, **overrides: Any):
    """Load ``nbgrader_config.py`` of the course and point it at ``root``.

    Parameters
    ----------
    root : Path, optional
        Course root to work in (it need not hold its own config file).
    **overrides
        Extra settings as ``Section__trait=value``, e.g.
        ``Execute__timeout=10``.

    Returns
    -------
    traitlets.config.Config
        The configuration.
    """
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    config.CourseDirectory.root = str(Path(root).resolve())
    import os

    if os.environ.get("DLMATH_DB_URL"):  # --db: another gradebook (e.g. PostgreSQL)
        config.CourseDirectory.db_url = os.environ["DLMATH_DB_URL"]
    for key, value in overrides.items():
        section, trait = key.split("__")
        setattr(getattr(config, section), trait, value)
    return config


def api(root: Path = ROOT, **overrides: Any):
    """Return an ``NbGraderAPI`` for the course rooted at ``root``.

    Parameters
    ----------
    root : Path, optional
        Course root.
    **overrides
        See :func:`load_config`.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = load_config(root, **overrides)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


@contextlib.contextmanager
def assignment_scope(grader, assignment_id: str, student_id: str = "*") -> Iterator[None]:
    """Temporarily point ``grader.coursedir`` at one assignment and student."""
    from nbgrader.apps.api import temp_attrs

    with temp_attrs(grader.coursedir, assignment_id=assignment_id, student_id=student_id):
        yield


def run(grader, converter_class, assignment_id: str, student_id: str = "*",
        **traits: Any) -> dict:
    """Run one nbgrader converter (``GenerateSolution``, ``Autograde``, ...).

    Parameters
    ----------
    grader : NbGraderAPI
        From :func:`api`.
    converter_class : type
        An nbgrader converter class such as ``nbgrader.converters.GenerateSolution``.
    assignment_id, student_id : str
        What to convert.
    **traits
        Attributes set on the app before it starts (e.g. ``force=True``).

    Returns
    -------
    dict
        ``{"success": bool, "log": str, "error": str}`` as nbgrader's API returns.
    """
    from nbgrader.apps.api import capture_log

    with assignment_scope(grader, assignment_id, student_id):
        app = converter_class(coursedir=grader.coursedir, parent=grader)
        for key, value in traits.items():
            setattr(app, key, value)
        return capture_log(app)
