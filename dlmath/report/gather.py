"""Read one batch's results into plain Python values.

Every other module of the report works on the :class:`ClassData` built here
and never touches the gradebook or the file system itself.  That keeps the
statistics testable on hand-made values, and it keeps the gradebook session
short: nbgrader's ORM objects lazy-load their relations, so they are turned
into frozen records while the :class:`nbgrader.api.Gradebook` is still open.

The sources are the ones nbgrader itself writes and reads:

* the gradebook (``sqlite:///<root>/gradebook.db`` unless told otherwise),
  read with nbgrader's :class:`~nbgrader.api.Gradebook` API;
* ``<root>/autograded/<student>/<assignment>/<notebook>.ipynb`` for the
  error outputs of failed checks and the ``dlmath`` flags in the metadata;
* ``<root>/submitted/...`` for what was handed in (a folder there without a
  grade in the gradebook "failed to grade") and the learners' own code;
* ``<root>/release/<assignment>/<notebook>.ipynb`` for the template code of
  every solution cell, which similarity must not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat


@dataclass(frozen=True)
class Learner:
    """A student of the gradebook."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""

    @property
    def name(self) -> str:
        """``"Last, First"`` as Canvas shows it, or the id when no name is known."""
        if self.last_name or self.first_name:
            return ", ".join(p for p in (self.last_name, self.first_name) if p)
        return self.id


@dataclass(frozen=True)
class Cell:
    """A grade cell of an assignment (the thing item statistics describe)."""

    assignment: str
    notebook: str
    grade_id: str
    max_score: float

    @property
    def key(self) -> str:
        """``"<notebook>/<grade_id>"``, unique within an assignment."""
        return f"{self.notebook}/{self.grade_id}"


@dataclass(frozen=True)
class CellGrade:
    """One learner's score on one grade cell (``score`` is ``None`` when never graded)."""

    student: str
    assignment: str
    notebook: str
    grade_id: str
    score: float | None
    max_score: float

    @property
    def key(self) -> str:
        """``"<notebook>/<grade_id>"``."""
        return f"{self.notebook}/{self.grade_id}"


@dataclass
class ClassData:
    """Everything the report needs about one course folder.

    Attributes
    ----------
    root : Path
        Course root.
    assignments : list of str
        Assignment names, sorted.
    notebooks : dict
        ``{assignment: [notebook name, ...]}``.
    cells : dict
        ``{assignment: [Cell, ...]}`` in notebook order.
    learners : dict
        ``{student id: Learner}``.
    grades : list of CellGrade
        Every grade of every graded submission.
    graded : set of (student, assignment)
        Submissions with at least one score in the gradebook.
    submitted : set of (student, assignment)
        Submissions found in the gradebook or under ``submitted/``.
    flags : dict
        ``{(student, assignment): [flag, ...]}`` from notebook metadata;
        only non-empty entries.
    """

    root: Path
    assignments: list[str] = field(default_factory=list)
    notebooks: dict[str, list[str]] = field(default_factory=dict)
    cells: dict[str, list[Cell]] = field(default_factory=dict)
    learners: dict[str, Learner] = field(default_factory=dict)
    grades: list[CellGrade] = field(default_factory=list)
    graded: set[tuple[str, str]] = field(default_factory=set)
    submitted: set[tuple[str, str]] = field(default_factory=set)
    flags: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def failed(self, assignment: str) -> list[str]:
        """Students whose submission of ``assignment`` has no grade."""
        return sorted(s for s, a in self.submitted - self.graded if a == assignment)

    def graded_students(self, assignment: str) -> list[str]:
        """Students with a graded submission of ``assignment``, sorted."""
        return sorted(s for s, a in self.graded if a == assignment)

    def max_score(self, assignment: str) -> float:
        """Points possible of ``assignment`` (sum over its grade cells)."""
        return float(sum(c.max_score for c in self.cells.get(assignment, [])))

    def totals(self, assignment: str) -> dict[str, float]:
        """``{student: total score}`` of the graded submissions of ``assignment``."""
        out = {s: 0.0 for s in self.graded_students(assignment)}
        for g in self.grades:
            if g.assignment == assignment and g.student in out and g.score is not None:
                out[g.student] += g.score
        return out

    def cell_scores(self, assignment: str) -> dict[str, dict[str, float]]:
        """``{student: {cell key: score}}`` of graded submissions (missing scores as 0)."""
        students = set(self.graded_students(assignment))
        out: dict[str, dict[str, float]] = {s: {} for s in students}
        for g in self.grades:
            if g.assignment == assignment and g.student in students:
                out[g.student][g.key] = 0.0 if g.score is None else float(g.score)
        return out


def default_db_url(root: Path) -> str:
    """The course's gradebook: ``$DLMATH_DB_URL`` if set, else ``sqlite:///<root>/gradebook.db``."""
    import os

    return os.environ.get("DLMATH_DB_URL") or f"sqlite:///{Path(root).resolve() / 'gradebook.db'}"


def autograded_path(root: Path, student: str, assignment: str, notebook: str) -> Path:
    """Where nbgrader writes a learner's autograded notebook."""
    return Path(root) / "autograded" / student / assignment / f"{notebook}.ipynb"


def submitted_path(root: Path, student: str, assignment: str, notebook: str) -> Path:
    """Where a learner's handed-in notebook lives."""
    return Path(root) / "submitted" / student / assignment / f"{notebook}.ipynb"


def release_path(root: Path, assignment: str, notebook: str) -> Path:
    """Where the release (student) version of a notebook lives."""
    return Path(root) / "release" / assignment / f"{notebook}.ipynb"


def read_notebook(path: Path):
    """Read a notebook as nbformat 4, or ``None`` when it is missing or unreadable."""
    try:
        return nbformat.read(str(path), as_version=4)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def notebook_flags(nb) -> list[str]:
    """The ``dlmath`` flags of a notebook's metadata (absent means none)."""
    if nb is None:
        return []
    flags = nb.metadata.get("dlmath", {}).get("flags") or []
    if isinstance(flags, str):
        return [flags]
    return [str(f) for f in flags]


def _cell_order(root: Path, assignment: str, notebook: str) -> dict[str, int]:
    """Position of each grade id in the release notebook (for notebook order)."""
    nb = read_notebook(release_path(root, assignment, notebook))
    if nb is None:
        return {}
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]
    return {gid: i for i, gid in enumerate(ids) if gid}


def _text(value) -> str:
    return "" if value is None else str(value)


def load(root: Path, db_url: str | None = None, course_id: str = "dlmath") -> ClassData:
    """Read the gradebook and notebooks of the course at ``root``.

    Parameters
    ----------
    root : Path
        Course root (holding ``autograded/``, ``submitted/``, ``release/``).
    db_url : str, optional
        Gradebook URL; default :func:`default_db_url` of ``root``.
    course_id : str, optional
        nbgrader course id (``CourseDirectory.course_id`` of the course config).

    Returns
    -------
    ClassData

    Raises
    ------
    FileNotFoundError
        If the default SQLite gradebook does not exist (nbgrader would
        silently create an empty one).
    """
    from nbgrader.api import Gradebook

    from dlmath import nbgrader_api  # noqa: F401 -- puts nbgrader's `alembic` on PATH

    root = Path(root).resolve()
    if db_url is None:
        db_url = default_db_url(root)
        if db_url.startswith("sqlite") and not (root / "gradebook.db").exists():
            raise FileNotFoundError(f"no gradebook at {root / 'gradebook.db'}; grade the class first")
    data = ClassData(root=root)
    with Gradebook(db_url, course_id) as gb:
        for s in gb.students:
            data.learners[s.id] = Learner(s.id, _text(s.first_name), _text(s.last_name),
                                          _text(s.email), _text(s.lms_user_id))
        for a in sorted(gb.assignments, key=lambda a: a.name):
            data.assignments.append(a.name)
            data.notebooks[a.name] = sorted(nb.name for nb in a.notebooks)
            cells = []
            for nb in a.notebooks:
                order = _cell_order(root, a.name, nb.name)
                for gc in sorted(nb.grade_cells, key=lambda c: (order.get(c.name, len(order)), c.name)):
                    cells.append(Cell(a.name, nb.name, gc.name, float(gc.max_score or 0)))
            data.cells[a.name] = sorted(cells, key=lambda c: data.notebooks[a.name].index(c.notebook))
            for sub in gb.assignment_submissions(a.name):
                student = sub.student.id
                data.submitted.add((student, a.name))
                rows = []
                for snb in sub.notebooks:
                    for g in snb.grades:
                        scored = g.auto_score is not None or g.manual_score is not None
                        rows.append(CellGrade(student, a.name, snb.name, g.name,
                                              float(g.score) if scored else None,
                                              float(g.max_score or 0)))
                if any(r.score is not None for r in rows):
                    data.graded.add((student, a.name))
                    data.grades.extend(rows)
    _scan_folders(data)
    return data


def _scan_folders(data: ClassData) -> None:
    """Add folder-only submissions and the notebooks' ``dlmath`` flags."""
    submitted = data.root / "submitted"
    if submitted.is_dir():
        for student_dir in sorted(p for p in submitted.iterdir() if p.is_dir()):
            for a_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
                if a_dir.name in data.notebooks or any(a_dir.glob("*.ipynb")):
                    data.submitted.add((student_dir.name, a_dir.name))
                    data.learners.setdefault(student_dir.name, Learner(student_dir.name))
                    if a_dir.name not in data.notebooks:
                        data.assignments.append(a_dir.name)
                        data.assignments.sort()
                        data.notebooks[a_dir.name] = []
                        data.cells[a_dir.name] = []
    for student, assignment in sorted(data.submitted):
        flags: list[str] = []
        names = data.notebooks.get(assignment) or []
        for name in names:
            nb = read_notebook(autograded_path(data.root, student, assignment, name))
            if nb is None:
                nb = read_notebook(submitted_path(data.root, student, assignment, name))
            flags += notebook_flags(nb)
        if flags:
            data.flags[(student, assignment)] = list(dict.fromkeys(flags))
