"""Turn whatever a learner handed in into a notebook nbgrader can grade.

Plain nbgrader trusts the submitted notebook's structure: one duplicated
grade cell aborts the whole batch, an invalid file stops that learner's
grading with a traceback, and a renamed notebook is silently ignored.  The
batch grader (:mod:`dlmath.batch`) therefore grades a *canonical* copy of
each submission instead, rebuilt from the release notebook:

* every cell of the release (instructions, setup, visible and hidden tests)
  is taken from the release, in the release's order, with its metadata, so
  deleting, duplicating, reordering, retyping or re-pointing test cells, or
  editing their points, flags, checksums or grade ids, changes nothing;
* the learner's answer for each solution cell is taken from the submission:
  the cell with that grade id, else a code cell that defines the function;
* code cells the learner added keep their place after the cell they
  followed, so helper cells of honest learners still run.

For an ordinary submission the canonical copy runs exactly the same code in
the same order as the original, so its grade is the same.  Every repair is
recorded as a note the instructor sees in the batch summary.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dlmath import notebooks as nbs


#: Metadata value of the note cell that explains a broken file to its owner.
NOTE = "intake-note"


@dataclass
class Intake:
    """The canonical notebook of one submission, what was repaired, what looks suspicious."""

    notebook: nbformat.NotebookNode
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


#: Code patterns an honest answer to these exercises never needs.  A match is
#: not proof of cheating: it asks the instructor to read that notebook.
SUSPICIOUS = [
    (r"\bdlmath\b", "mentions the course package dlmath"),
    (r"\bsys\.modules\b", "edits sys.modules"),
    (r"get_ipython|\bIPython\b", "uses IPython internals"),
    (r"input_transformers|ast_transformers|events\.register", "installs IPython hooks"),
    (r"\bbuiltins\b|__builtins__", "touches builtins"),
    (r"\b(np|numpy|math)(\.\w+)+\s*=(?!=)|setattr\(\s*(np|numpy|math)\b",
     "reassigns a library function"),
    (r"\binspect\b|_getframe|extract_stack|\bgc\.get_", "inspects the call stack or memory"),
    (r"os\.environ|getenv|NBGRADER", "reads the environment"),
    (r"\.ipynb|\bopen\(|read_text|source/|solutions/", "reads files"),
    (r"\bctypes\b|os\._exit|\bsignal\b", "uses low-level process control"),
    (r"displayhook|display_formatter|sys\.std(out|err)\s*=", "redirects output"),
    (r"def __(eq|ne|bool|float|array|index|len|lt|gt)__", "defines objects that compare or convert themselves"),
    (r"\bsubprocess\b|os\.system|os\.fork|multiprocessing", "starts processes"),
    (r"\bexec\(|\beval\(|compile\(|__import__|importlib", "runs or imports code dynamically"),
]


def suspicious(code: str) -> list[str]:
    """Return a description of every suspicious pattern found in ``code``."""
    return [label for pattern, label in SUSPICIOUS if re.search(pattern, code)]


def _load(path: Path) -> tuple[dict | None, str | None]:  # noqa: C901
    """Parse a notebook leniently: ``(notebook dict, problem)``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, f"could not read {path.name}: {exc.strerror}"
    if not raw.strip():
        return None, f"{path.name} is empty"
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        return None, f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg})"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return None, f"{path.name} is not a Jupyter notebook (no list of cells)"
    if not data["cells"]:
        return None, f"{path.name} has no cells"
    return data, None


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _meta(cell: dict) -> dict:
    meta = cell.get("metadata")
    nb_meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nb_meta if isinstance(nb_meta, dict) else {}


def _pick_notebook(folder: Path, name: str, release_ids: set[str]) -> tuple[Path | None, list[str]]:
    """The submitted file to grade as ``name``, and notes on how it was found."""
    expected = folder / f"{name}.ipynb"
    if expected.exists():
        return expected, []
    best, best_overlap = None, 0
    for other in sorted(folder.glob("*.ipynb")):
        data, _ = _load(other)
        ids = {_meta(c).get("grade_id") for c in (data or {}).get("cells", [])
               if isinstance(c, dict)}
        overlap = len(ids & release_ids)
        if overlap > best_overlap:
            best, best_overlap = other, overlap
    if best is not None:
        return best, [f"{name}.ipynb is missing; graded {best.name}, which holds its cells"]
    return None, [f"{name}.ipynb was not submitted (graded as blank)"]


def canonicalize(release_path: Path, folder: Path, name: str) -> Intake:
    """Build the notebook to grade for one learner's submission folder.

    Parameters
    ----------
    release_path : Path
        The release notebook of the assignment.
    folder : Path
        ``submitted/<student>/<assignment>``.
    name : str
        The notebook's name without ``.ipynb``.

    Returns
    -------
    Intake
        The canonical notebook and notes on every repair.
    """
    release = nbs.read(release_path)
    solution_ids = [nbs.grade_id(c) for c in release.cells if nbs.is_solution(c)]
    notes: list[str] = []
    path, found = _pick_notebook(folder, name, set(solution_ids))
    notes += found
    data, problem = _load(path) if path else (None, None)
    if problem:
        notes.append(problem + " (graded as blank)")
    out, more, learner_code = rebuild(release, data)
    trouble = [n for n in notes + more if "graded as blank" in n or "is missing" in n]
    if trouble:  # the learner reads this at the top of their feedback
        text = ("**About the file you handed in.** " + " ".join(
            n[0].upper() + n[1:] + ("" if n.endswith(".") else ".") for n in trouble)
            + " The notebook below is the release notebook with whatever answers could be "
              "recovered; hand in the notebook file itself, saved from JupyterLab.")
        out.cells.insert(0, nbformat.v4.new_markdown_cell(text, metadata={"dlmath": NOTE}))
    return Intake(out, notes + more, suspicious(learner_code))


def rebuild(release: nbformat.NotebookNode, data: dict | None
            ) -> tuple[nbformat.NotebookNode, list[str], str]:
    """The canonical notebook for submitted notebook ``data`` (parsed JSON or None).

    Returns
    -------
    (notebook, notes, learner code)
        The release with the learner's answers and added cells, a note on
        every repair, and all the learner's code (for the suspicious scan).
    """
    solution_ids = [nbs.grade_id(c) for c in release.cells if nbs.is_solution(c)]
    notes: list[str] = []
    cells = [c for c in (data or {}).get("cells", []) if isinstance(c, dict)]
    submitted_answers = {_meta(c).get("grade_id") for c in cells if _meta(c).get("solution")} - {None}
    if cells and submitted_answers and not submitted_answers & set(solution_ids):
        notes.append("this is not the notebook of this assignment: none of its graded "
                     "cells belong here (graded as blank)")
        cells = []

    answers, used = _answers(cells, release, solution_ids, notes)
    extras = _extra_cells(cells, release, used)
    out = copy.deepcopy(release)
    new_cells = []
    seen_ids = {c.get("id") for c in out.cells}
    for cell in out.cells:
        gid = nbs.grade_id(cell)
        if gid in answers:
            cell.source = answers[gid]
        new_cells.append(cell)
        for extra in extras.get(_key(cell), []):
            if extra.get("id") in seen_ids:
                extra["id"] = f"extra-{len(seen_ids)}"
            seen_ids.add(extra.get("id"))
            new_cells.append(extra)
    for extra in extras.get(None, []):  # added before any known cell
        new_cells.insert(0, extra)
    notes_cells = [nbformat.v4.new_markdown_cell(_source(c), metadata={"dlmath": NOTE})
                   for c in cells if isinstance(c.get("metadata"), dict)
                   and c["metadata"].get("dlmath") == NOTE and c.get("cell_type") == "markdown"]
    out.cells = notes_cells[:1] + new_cells
    learner_code = "\n".join(list(answers.values()) +
                             [c.source for group in extras.values() for c in group])
    return out, notes, learner_code


def _answers(cells: list[dict], release, solution_ids: list[str],
             notes: list[str]) -> tuple[dict[str, str], set[int]]:
    """The learner's code for each solution cell, and which cells supplied it."""
    stubs = {nbs.grade_id(c): c.source for c in release.cells if nbs.is_solution(c)}
    functions = {gid: re.search(r"^def (\w+)\(", stubs[gid], re.M) for gid in solution_ids}
    answers: dict[str, str] = {}
    used: set[int] = set()
    for gid in solution_ids:
        tagged = [i for i, c in enumerate(cells) if _meta(c).get("grade_id") == gid]
        if len(tagged) > 1:
            notes.append(f"cell '{gid}' appears {len(tagged)} times; graded the first answered copy")
        chosen = next((i for i in tagged if _source(cells[i]).strip() != stubs[gid].strip()),
                      tagged[0] if tagged else None)
        match = functions[gid]
        if chosen is None and match:
            pattern = re.compile(rf"^\s*def {re.escape(match.group(1))}\(", re.M)
            chosen = next((i for i, c in enumerate(cells)
                           if i not in used and pattern.search(_source(c))), None)
            if chosen is not None:
                notes.append(f"cell '{gid}' lost its grade id; found the answer by its def line")
        if chosen is None:
            continue
        cell = cells[chosen]
        if cell.get("cell_type") != "code":
            notes.append(f"cell '{gid}' was turned into a {cell.get('cell_type')} cell; "
                         "graded its text as code")
        answers[gid] = _source(cell)
        used.update(tagged)
        used.add(chosen)
    return answers, used


def _key(cell) -> str:
    """How a release cell is recognised: its grade id, else its cell id."""
    return nbs.grade_id(cell) or f"id:{cell.get('id')}"


def _extra_cells(cells: list[dict], release,
                 used: set[int]) -> dict[str | None, list[nbformat.NotebookNode]]:
    """Code cells the learner added, keyed by the release cell they follow."""
    graded = {nbs.grade_id(c) for c in release.cells if nbs.grade_id(c)}
    plain_ids = {c.get("id"): _key(c) for c in release.cells if not nbs.grade_id(c)}
    plain_sources = {c.source.strip(): _key(c) for c in release.cells if not nbs.grade_id(c)}
    extras: dict[str | None, list[nbformat.NotebookNode]] = {}
    anchor: str | None = None
    for i, cell in enumerate(cells):
        gid = _meta(cell).get("grade_id")
        if gid in graded:
            anchor = gid
            continue
        if not gid and (cell.get("id") in plain_ids or _source(cell).strip() in plain_sources):
            anchor = plain_ids.get(cell.get("id")) or plain_sources[_source(cell).strip()]
            continue  # a release cell without nbgrader metadata (a plot, a demo)
        if i in used or cell.get("cell_type") != "code" or gid:
            continue  # consumed answers, prose, and stray copies of graded cells
        extras.setdefault(anchor, []).append(
            nbformat.v4.new_code_cell(_source(cell)))
    return extras
