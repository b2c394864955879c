"""Answers that are unusually alike, found the way MOSS finds them.

Renaming variables, re-indenting and rewriting comments change the text of
an answer but not its shape.  Each solution cell is therefore reduced to
its token stream (Python's :mod:`tokenize`) with

* comments, blank lines and layout dropped;
* the release's own template code removed (the ``def`` line and docstring
  every learner starts from would otherwise make all answers look alike);
* every identifier replaced by a placeholder numbered by first appearance
  (keywords, builtins and attribute names after ``.`` are kept: they are
  the language and the libraries, not the learner's choice), and string
  literals by one token.

The stream is cut into overlapping *k*-grams, each hashed, and *winnowing*
(Schleimer, Wilkerson and Aiken, SIGMOD 2003) keeps the smallest hash of
every window of *w* consecutive hashes: any shared run of at least
``k + w - 1`` tokens is guaranteed to leave a shared fingerprint.  Two
learners' likeness is the Jaccard index of their fingerprint sets over an
assignment.  As in MOSS, a fingerprint held by very many learners (an idiom
everybody writes) is ignored.

The result is a list *for review*: short answers often have one natural
form, study groups share ideas legitimately, and only a person reading the
two answers side by side can tell.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import keyword
import statistics
import tokenize
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations

from dlmath.report.gather import ClassData, autograded_path, read_notebook, release_path, submitted_path

#: Names kept as they are: the language itself.
KEPT_NAMES = frozenset(keyword.kwlist) | frozenset(getattr(keyword, "softkwlist", [])) | frozenset(dir(builtins))
_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_STRINGS = {tokenize.STRING} | {getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                                  if hasattr(tokenize, n)}


@dataclass(frozen=True)
class Token:
    """One token: its text, whether it is a name or a string, and its source lines."""

    text: str
    kind: int
    line: int
    end_line: int


def tokens(source: str) -> list[Token]:
    """Lex ``source`` into tokens, without comments and layout-only tokens.

    Code that does not lex to the end (an unclosed bracket, a bad dedent)
    keeps the tokens read before the problem.
    """
    out: list[Token] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in _SKIPPED:
                continue
            text = {tokenize.NEWLINE: "<nl>", tokenize.INDENT: "<in>", tokenize.DEDENT: "<de>"}.get(tok.type, tok.string)
            out.append(Token(text, tok.type, tok.start[0], tok.end[0]))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def strip_template(learner: list[Token], template: list[Token], min_run: int = 3) -> list[Token]:
    """Drop the learner tokens that copy the template.

    Runs of at least ``min_run`` tokens found in the same order in both are
    taken as template code (shorter runs such as one ``)`` are coincidence).
    """
    if not template:
        return list(learner)
    matcher = SequenceMatcher(None, [t.text for t in template], [t.text for t in learner], autojunk=False)
    drop = set()
    for block in matcher.get_matching_blocks():
        if block.size >= min_run:
            drop.update(range(block.b, block.b + block.size))
    kept = [t for i, t in enumerate(learner) if i not in drop]
    # Structure-only leftovers (a lone newline or dedent) are not an answer.
    return kept if any(t.text not in ("<nl>", "<in>", "<de>") for t in kept) else []


def canonical(toks: list[Token]) -> list[Token]:
    """Rename identifiers by first appearance (``v0``, ``v1``, ...) and blank string literals."""
    names: dict[str, str] = {}
    out = []
    previous = ""
    for t in toks:
        text = t.text
        if t.kind == tokenize.NAME and text not in KEPT_NAMES and previous != ".":
            text = names.setdefault(text, f"v{len(names)}")
        elif t.kind in _STRINGS:
            text = "<str>"
        out.append(Token(text, t.kind, t.line, t.end_line))
        previous = t.text
    return out


def normalise(source: str, template: str = "", min_run: int = 3) -> list[Token]:
    """The token stream compared between learners (see the module docstring)."""
    return canonical(strip_template(tokens(source), tokens(template), min_run))


def _hash(gram: tuple[str, ...]) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(gram).encode(), digest_size=8).digest(), "big")


def kgram_hashes(texts: list[str], k: int) -> list[int]:
    """Hash of every run of ``k`` consecutive tokens (one hash for a shorter stream)."""
    if not texts:
        return []
    if len(texts) < k:
        return [_hash(tuple(texts))]
    return [_hash(tuple(texts[i:i + k])) for i in range(len(texts) - k + 1)]


def winnow(hashes: list[int], window: int) -> list[tuple[int, int]]:
    """Winnowing: the minimum of every window of ``window`` hashes.

    Returns
    -------
    list of (hash, position)
        Each selected fingerprint once, by position; on ties the rightmost
        minimum is taken, as in the paper.
    """
    if not hashes:
        return []
    if len(hashes) <= window:
        pos = min(range(len(hashes)), key=lambda i: (hashes[i], -i))
        return [(hashes[pos], pos)]
    picked: dict[int, int] = {}
    for start in range(len(hashes) - window + 1):
        pos = min(range(start, start + window), key=lambda i: (hashes[i], -i))
        picked[pos] = hashes[pos]
    return [(h, p) for p, h in sorted(picked.items())]


@dataclass
class Fingerprint:
    """Fingerprints of one answer, with the source lines each one covers."""

    source: str
    hashes: set[int] = field(default_factory=set)
    lines: dict[int, set[int]] = field(default_factory=dict)


def fingerprint(source: str, template: str = "", k: int = 5, window: int = 4) -> Fingerprint:
    """Winnowed k-gram fingerprints of one answer.

    Parameters
    ----------
    source : str
        The learner's cell.
    template : str, optional
        The release's version of the cell, whose code does not count.
    k : int, optional
        Tokens per gram (noise threshold: shorter shared runs are ignored).
    window : int, optional
        Winnowing window; shared runs of ``k + window - 1`` tokens are
        always detected.
    """
    toks = normalise(source, template)
    fp = Fingerprint(source)
    for h, pos in winnow(kgram_hashes([t.text for t in toks], k), window):
        span = toks[pos:pos + k] or toks
        fp.hashes.add(h)
        fp.lines.setdefault(h, set()).update(range(span[0].line, span[-1].end_line + 1))
    return fp


def jaccard(a: set, b: set) -> float:
    """``|a & b| / |a | b|`` (0 for two empty sets)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass
class CellMatch:
    """One solution cell of a similar pair, for the side-by-side view."""

    grade_id: str
    likeness: float
    left: str
    right: str
    left_lines: set[int]
    right_lines: set[int]


@dataclass
class SimilarPair:
    """Two learners whose answers to an assignment are unusually alike."""

    assignment: str
    first: str
    second: str
    likeness: float
    class_median: float
    cells: list[CellMatch] = field(default_factory=list)


def _solution_cells(nb, notebook: str) -> dict[str, str]:
    """``{notebook/grade_id: source}`` of a notebook's solution code cells."""
    out = {}
    for cell in nb.cells if nb is not None else []:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell.get("cell_type") == "code" and meta.get("grade_id"):
            out[f"{notebook}/{meta['grade_id']}"] = cell.source
    return out


def _answers(data: ClassData, student: str, assignment: str) -> dict[str, str]:
    """A learner's solution cells: as handed in, else as autograded."""
    out = {}
    for notebook in data.notebooks.get(assignment, []):
        nb = read_notebook(submitted_path(data.root, student, assignment, notebook))
        if nb is None:
            nb = read_notebook(autograded_path(data.root, student, assignment, notebook))
        out.update(_solution_cells(nb, notebook))
    return out


def _templates(data: ClassData, assignment: str) -> dict[str, str]:
    """The release's solution cells: the code every learner starts from."""
    out = {}
    for notebook in data.notebooks.get(assignment, []):
        out.update(_solution_cells(read_notebook(release_path(data.root, assignment, notebook)), notebook))
    return out


def assignment_fingerprints(data: ClassData, assignment: str, k: int = 5,
                            window: int = 4) -> dict[str, dict[str, Fingerprint]]:
    """``{student: {cell key: Fingerprint}}`` of every answered solution cell.

    Cells handed back blank or unchanged from the release are left out, and
    so are learners with no answered cell.
    """
    templates = _templates(data, assignment)
    students = sorted({s for s, a in data.submitted if a == assignment})
    out: dict[str, dict[str, Fingerprint]] = {}
    for s in students:
        cells = {}
        for key, source in _answers(data, s, assignment).items():
            template = templates.get(key, "")
            if not source.strip() or source.strip() == template.strip():
                continue
            fp = fingerprint(source, template, k, window)
            if fp.hashes:
                cells[key] = fp
        if cells:
            out[s] = cells
    return out


def _lines(fp: Fingerprint, hashes: set[int]) -> set[int]:
    """Source lines of ``fp`` covered by the given fingerprints."""
    return set().union(*(fp.lines[h] for h in hashes)) if hashes else set()


def similar_pairs(data: ClassData, threshold: float = 0.5, k: int = 5, window: int = 4,
                  max_holders: int = 10, min_shared: int = 4, limit: int = 50) -> list[SimilarPair]:
    """Pairs of learners whose answers are unusually alike, most alike first.

    Parameters
    ----------
    data : ClassData
        The batch.
    threshold : float, optional
        Smallest likeness (Jaccard of fingerprints) listed.
    k, window : int, optional
        See :func:`fingerprint`.
    max_holders : int, optional
        Fingerprints found in more learners' answers than this are ignored
        (MOSS's ``-m``): they are what everybody writes.
    min_shared : int, optional
        A pair must share at least this many fingerprints: two identical
        one-line answers are alike because the exercise has one natural
        answer, not because anyone copied.
    limit : int, optional
        At most this many pairs.

    Returns
    -------
    list of SimilarPair
    """
    found: list[SimilarPair] = []
    for assignment in data.assignments:
        prints = assignment_fingerprints(data, assignment, k, window)
        holders: dict[tuple[str, int], int] = {}
        for cells in prints.values():
            for key, fp in cells.items():
                for h in fp.hashes:
                    holders[(key, h)] = holders.get((key, h), 0) + 1
        common = {kh for kh, n in holders.items() if n > max_holders}
        sets = {s: {(key, h) for key, fp in cells.items() for h in fp.hashes} - common
                for s, cells in prints.items()}
        scores = {(a, b): jaccard(sets[a], sets[b]) for a, b in combinations(sorted(sets), 2)}
        median = statistics.median(scores.values()) if scores else 0.0
        for (a, b), score in scores.items():
            if score < threshold or len(sets[a] & sets[b]) < min_shared:
                continue
            pair = SimilarPair(assignment, a, b, score, median)
            for key in sorted(set(prints[a]) & set(prints[b])):
                fa, fb = prints[a][key], prints[b][key]
                ignored = {h for c, h in common if c == key}
                ha, hb = fa.hashes - ignored, fb.hashes - ignored
                shared = ha & hb
                pair.cells.append(CellMatch(key, jaccard(ha, hb), fa.source, fb.source,
                                            _lines(fa, shared), _lines(fb, shared)))
            found.append(pair)
    found.sort(key=lambda p: (-p.likeness, p.assignment, p.first, p.second))
    return found[:limit]
