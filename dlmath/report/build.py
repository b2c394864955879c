"""One call that turns a graded course folder into the class report.

Reads the batch once (:mod:`~dlmath.report.gather`), compares it with the
previous run's ``scores.json`` *before* overwriting it, and writes the four
files of ``<out>``: ``index.html``, ``items.csv``, ``canvas.csv`` and
``scores.json``.  Every setting is a plain keyword argument so that the
simulated class, the command line and the tests call the same function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dlmath.report import export, gather, items, mistakes, page, regrade, similarity


@dataclass
class Report:
    """What :func:`build_report` wrote and found."""

    out: Path
    data: gather.ClassData
    summaries: list = field(default_factory=list)
    items: list = field(default_factory=list)
    mistakes: list = field(default_factory=list)
    unattempted: list = field(default_factory=list)
    pairs: list = field(default_factory=list)
    moves: list = field(default_factory=list)
    previous_found: bool = False

    @property
    def index(self) -> Path:
        """``index.html``."""
        return self.out / "index.html"

    @property
    def items_csv(self) -> Path:
        """``items.csv``."""
        return self.out / "items.csv"

    @property
    def canvas_csv(self) -> Path:
        """``canvas.csv``."""
        return self.out / "canvas.csv"

    @property
    def scores_json(self) -> Path:
        """``scores.json``."""
        return self.out / "scores.json"


def build_report(root: Path, out: Path | None = None, *, db_url: str | None = None,
                 course_id: str = "dlmath", previous: Path | None = None,
                 similarity_threshold: float = 0.5, kgram: int = 5, window: int = 4,
                 max_holders: int = 10, min_shared: int = 4, canvas_ids: dict[str, str] | None = None,
                 title: str = "dlmath class report") -> Report:
    """Write the class report of the course at ``root``.

    Parameters
    ----------
    root : Path
        Course root with ``gradebook.db``, ``autograded/``, ``submitted/``
        and ``release/``.
    out : Path, optional
        Output folder (default ``<root>/report``); created if needed.
    db_url : str, optional
        Gradebook URL (default ``sqlite:///<root>/gradebook.db``).
    course_id : str, optional
        nbgrader course id.
    previous : Path, optional
        Scores to compare against (default: ``<out>/scores.json`` of the
        last run, if any).
    similarity_threshold : float, optional
        Smallest likeness listed under similar answers.
    kgram, window : int, optional
        Fingerprint k-gram length and winnowing window.
    max_holders : int, optional
        Fingerprints held by more learners than this are ignored.
    min_shared : int, optional
        Fewest shared fingerprints for a pair to be listed (short answers
        with one natural form are not listed).
    canvas_ids : dict, optional
        ``{assignment: Canvas assignment id}`` for ``canvas.csv``.
    title : str, optional
        Heading of the page.

    Returns
    -------
    Report
    """
    root = Path(root).resolve()
    out = Path(out).resolve() if out is not None else root / "report"
    out.mkdir(parents=True, exist_ok=True)
    data = gather.load(root, db_url, course_id)
    report = Report(out, data)
    report.summaries = items.summaries(data)
    report.items = items.item_statistics(data)
    clusters = mistakes.common_mistakes(data)
    report.mistakes = [m for m in clusters if m.attempted]
    report.unattempted = mistakes.unattempted(clusters)
    report.pairs = similarity.similar_pairs(data, similarity_threshold, kgram, window,
                                          max_holders, min_shared)

    snap = regrade.snapshot(data)
    before = regrade.load(previous if previous is not None else report.scores_json)
    report.previous_found = before is not None
    report.moves = regrade.diff(before, snap) if before is not None else []

    export.write_items(data, report.items_csv)
    export.write_canvas(data, report.canvas_csv, canvas_ids)
    report.index.write_text(page.render(
        title=title, root=str(root), learners=len(data.learners), summaries=report.summaries,
        items=report.items, mistakes=report.mistakes, unattempted=report.unattempted,
        pairs=report.pairs,
        threshold=similarity_threshold, moves=report.moves, previous_found=report.previous_found),
        encoding="utf-8")
    regrade.save(snap, report.scores_json)
    return report
