"""Common mistakes: the failure messages of the class, grouped.

A score says *that* a check failed; the error the check printed says *why*.
Read one notebook at a time, thirty learners making the same mistake look
like thirty separate problems.  Grouping the messages of the same grade
cell after blanking out what varies between learners (numbers, printed
arrays, long quoted values, memory addresses) turns them into one line per
misconception -- "34 learners: softmax returned nan for inputs near <n>" --
that can be answered once, in class.

A function left as the release's stub (it still raises
``NotImplementedError``) is not a mistake: it fails every check of that
function the same way for everybody who skipped it, and in a large class
those groups would fill the top of the list.  They are counted apart, one
line per assignment (:func:`unattempted`), so the list shows what learners
got wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dlmath.report.gather import ClassData, autograded_path, read_notebook

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ARRAY_CALL = re.compile(r"\b(?:array|tensor|matrix)\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)", re.S)
BRACKETS = re.compile(r"\[(?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*\]")
NUMERIC_BODY = re.compile(r"^[\s\d.eE+\-,\[\]()nainfNA]*$")
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")
QUOTED = re.compile(r"(?<!\w)'([^'\n]*)'(?!\w)|(?<!\w)\"([^\"\n]*)\"(?!\w)")
NUMBER = re.compile(r"(?<![\w.<])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w])")
AT_LINE = re.compile(r"^[\w.]+ at: ")
FAILING_LINE = re.compile(r"^-+>\s*\d*\s?(.*)$")

#: What every failure of a function still left as the release's stub names.
NOT_ATTEMPTED = "NotImplementedError"
#: Longest quoted value kept whole in a normalised message.
QUOTE_CHARS = 20
#: Longest message kept (normalised or example).
MESSAGE_CHARS = 300


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes (IPython tracebacks are full of them)."""
    return ANSI.sub("", text)


def failure_message(output: dict) -> str:
    """The message of one ``error`` output: ``"<ename>: <evalue>"``.

    A bare ``assert`` has no value; then the failing line of the traceback
    stands in for it (``"AssertionError at: assert p.sum() == 1"``).
    """
    ename = str(output.get("ename") or "Error")
    evalue = strip_ansi(str(output.get("evalue") or "")).strip()
    if evalue:
        return f"{ename}: {evalue}"
    lines = strip_ansi("\n".join(output.get("traceback") or [])).splitlines()
    failing = [m.group(1).strip() for m in map(FAILING_LINE.match, lines) if m and m.group(1).strip()]
    if failing:
        return f"{ename} at: {failing[-1]}"
    return ename


def _shorten_quote(match: re.Match) -> str:
    quote = "'" if match.group(1) is not None else '"'
    body = match.group(1) if match.group(1) is not None else match.group(2)
    if len(body) > QUOTE_CHARS:
        body = body[:QUOTE_CHARS] + "…"
    return quote + body + quote


def _array_brackets(match: re.Match) -> str:
    body = match.group(0)
    if NUMERIC_BODY.match(body) and re.search(r"\d|nan|inf", body):
        return "<array>"
    return body


def normalise_message(message: str) -> str:
    """Blank out what differs between learners who made the same mistake.

    Numbers become ``<n>``, printed arrays (``array([...])`` and numeric
    ``[...]``) become ``<array>``, addresses ``<addr>``, quoted strings are
    cut to :data:`QUOTE_CHARS` characters, and whitespace is collapsed.
    A message naming the failing line (``"AssertionError at: ..."``) is
    kept as it is: that line is the check's code, not the learner's data.

    Examples
    --------
    >>> normalise_message("expected 1.0, got array([0.5, nan])")
    'expected <n>, got <array>'
    """
    text = " ".join(strip_ansi(message).split())
    at_line = AT_LINE.match(text)
    if at_line:  # the failing line is the check's own code, the same for everybody
        return text[:MESSAGE_CHARS] + ("…" if len(text) > MESSAGE_CHARS else "")
    text = ARRAY_CALL.sub("<array>", text)
    text = BRACKETS.sub(_array_brackets, text)
    text = ADDRESS.sub("<addr>", text)
    text = QUOTED.sub(_shorten_quote, text)
    text = NUMBER.sub("<n>", text)
    if len(text) > MESSAGE_CHARS:
        text = text[:MESSAGE_CHARS] + "…"
    return text


@dataclass
class Mistake:
    """Learners whose check failed with the same (normalised) message."""

    assignment: str
    notebook: str
    grade_id: str
    message: str
    example: str
    students: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many learners."""
        return len(self.students)

    @property
    def attempted(self) -> bool:
        """False when the check failed because the function is still the stub."""
        return NOT_ATTEMPTED not in self.message

    @property
    def headline(self) -> str:
        """``"34 learners: <message>"``."""
        return f"{self.count} learner{'s' if self.count != 1 else ''}: {self.message}"


def cell_failures(nb) -> dict[str, str]:
    """``{grade_id: failure message}`` of a notebook's grade cells with an error output."""
    out = {}
    for cell in nb.cells if nb is not None else []:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade") or cell.get("cell_type") != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            out[meta.get("grade_id") or cell.get("id", "?")] = failure_message(errors[-1])
    return out


def common_mistakes(data: ClassData, min_count: int = 1) -> list[Mistake]:
    """Cluster the failure messages of every graded submission.

    Parameters
    ----------
    data : ClassData
        The batch.
    min_count : int, optional
        Leave out clusters of fewer learners.

    Returns
    -------
    list of Mistake
        Most learners first.
    """
    clusters: dict[tuple[str, str, str, str], Mistake] = {}
    for student, assignment in sorted(data.graded):
        for notebook in data.notebooks.get(assignment, []):
            nb = read_notebook(autograded_path(data.root, student, assignment, notebook))
            for gid, message in cell_failures(nb).items():
                norm = normalise_message(message)
                key = (assignment, notebook, gid, norm)
                if key not in clusters:
                    example = " ".join(message.split())
                    if len(example) > MESSAGE_CHARS:
                        example = example[:MESSAGE_CHARS] + "…"
                    clusters[key] = Mistake(assignment, notebook, gid, norm, example)
                clusters[key].students.append(student)
    found = [m for m in clusters.values() if m.count >= min_count]
    return sorted(found, key=lambda m: (-m.count, m.assignment, m.notebook, m.grade_id, m.message))


@dataclass
class Unattempted:
    """The learners of one assignment who left functions as the release's stub."""

    assignment: str
    #: learner -> how many grade cells failed on a stub
    cells: dict[str, int] = field(default_factory=dict)

    @property
    def headline(self) -> str:
        """``"01_vectors: 3 learners left functions unimplemented (20 cells failed on a stub)"``."""
        n = len(self.cells)
        total = sum(self.cells.values())
        return (f"{self.assignment}: {n} learner{'s' if n != 1 else ''} left functions unimplemented "
                f"({total} cell{'s' if total != 1 else ''} failed on a stub)")


def unattempted(found: list[Mistake]) -> list[Unattempted]:
    """Gather the clusters that are stubs rather than mistakes, per assignment.

    Parameters
    ----------
    found : list of Mistake
        Clusters from :func:`common_mistakes`.

    Returns
    -------
    list of Unattempted
        One entry per assignment with any stub, in assignment order.
    """
    by_assignment: dict[str, Unattempted] = {}
    for m in found:
        if m.attempted:
            continue
        entry = by_assignment.setdefault(m.assignment, Unattempted(m.assignment))
        for student in m.students:
            entry.cells[student] = entry.cells.get(student, 0) + 1
    return [by_assignment[a] for a in sorted(by_assignment)]
