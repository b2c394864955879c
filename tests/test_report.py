"""The instructor's class report (dlmath.report), on a class of known structure.

No kernels run: the gradebook is written with nbgrader's ``Gradebook`` API
and the autograded, submitted and release notebooks with nbformat, as if a
batch had just finished.  The class:

* ``alice`` and ``bob`` hand in the same answers, bob with other variable
  names, comments and spacing -- the one pair similarity must find;
* ``carol``, ``dave`` and ``erin`` answer in their own ways;
* ``frank`` hands the release back unchanged (no answer to compare; his
  ``norm`` fails on the stub, which is missing work, not a mistake);
* ``gina`` handed in but was never graded (failed to grade);
* ``test_impossible`` is a check everybody fails, with messages that differ
  only in their numbers;
* erin's notebook carries a ``dlmath`` flag.
"""

from __future__ import annotations

import base64
import csv
import json
import math
import re
import shutil
import warnings

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dlmath import nbgrader_api  # noqa: F401 -- a new gradebook runs `alembic` from PATH
from dlmath.report import build_report, export, items, mistakes, similarity
from dlmath.report.__main__ import main as report_main

warnings.filterwarnings("ignore", message=".*not in session.*")

TEMPLATES = {
    "sq": 'def square(x):\n    """Return x squared."""\n    # YOUR CODE HERE\n    raise NotImplementedError()\n',
    "norm": 'def norm(v):\n    """Euclidean length of v."""\n    # YOUR CODE HERE\n    raise NotImplementedError()\n',
    "half": 'def half(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n',
}

ANSWERS = {
    "alice": {
        "sq": 'def square(x):\n    """Return x squared."""\n    result = x * x  # multiply\n    return result\n',
        "norm": ('def norm(v):\n    """Euclidean length of v."""\n    total = 0.0\n    for item in v:\n'
                 '        total += item ** 2\n    if total < 0:\n        raise ValueError("negative")\n'
                 '    return total ** 0.5\n'),
    },
    "bob": {  # alice's answers, renamed and re-laid out
        "sq": 'def square(x):\n    """Return x squared."""\n    r = x*x\n\n    return r   # done\n',
        "norm": ('def norm(v):\n    """Euclidean length of v."""\n    # sum of squares\n    acc = 0.0\n'
                 '    for e in v:\n        acc  +=  e**2\n    if acc < 0:\n        raise ValueError("oops")\n'
                 '    return acc ** 0.5\n'),
    },
    "carol": {
        "sq": 'def square(x):\n    """Return x squared."""\n    return x ** 2\n',
        "norm": 'import math\n\ndef norm(v):\n    """Euclidean length of v."""\n    return math.sqrt(sum(t * t for t in v))\n',
    },
    "dave": {
        "sq": 'def square(x):\n    """Return x squared."""\n    return pow(x, 2)\n',
        "norm": 'def norm(v):\n    """Euclidean length of v."""\n    return np.linalg.norm(np.asarray(v, dtype=float))\n',
    },
    "erin": {
        "sq": 'def square(x):\n    """Return x squared."""\n    return abs(x) * abs(x)\n',
        "norm": ('def norm(v):\n    """Euclidean length of v."""\n    squares = [a * a for a in v]\n'
                 '    return float(sum(squares)) ** (1 / 2)\n'),
    },
    "frank": dict(TEMPLATES),
}

#: (test_sq, test_norm, test_impossible) scores; max (1, 2, 1).
SCORES = {
    "alice": (1, 2, 0), "bob": (1, 2, 0), "carol": (1, 0, 0),
    "dave": (0, 2, 0), "erin": (1, 1, 0), "frank": (0, 0, 0),
}
A2_SCORES = {"alice": 3, "bob": 1}
NAMES = {"alice": ("Alice", "Liddell", "101"), "bob": ("Bob", "Builder", "102")}


def _meta(grade_id, *, solution=False, grade=False, points=None):
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": not solution,
            "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _error(student: str, cell: str):
    if cell == "test_impossible":
        value = f"expected {len(student) + 0.5} within 1e-06, got array([{len(student)}., nan])"
        return new_output("error", ename="AssertionError", evalue=value,
                          traceback=["\x1b[0;31mAssertionError\x1b[0m: " + value])
    if cell == "test_sq":
        return new_output("error", ename="AssertionError", evalue="",
                          traceback=["\x1b[0;31m---------\x1b[0m", "Cell In[4], line 2",
                                     "\x1b[0;32m----> 2\x1b[0m assert square(3) == 9"])
    if student == "frank":  # the release's stub, as dlmath.grading words it
        value = ("norm is not implemented yet (norm(array([3., 4.], shape=(2,), dtype=float64)) "
                 "raised NotImplementedError).")
        return new_output("error", ename="GradingFailure", evalue=value, traceback=[])
    return new_output("error", ename="TypeError", evalue=f"{student} broke norm at index {len(student)}",
                      traceback=[])


def _notebook(answers: dict[str, str], outputs: dict[str, list] | None = None, flags=None):
    outputs = outputs or {}
    cells = [
        new_markdown_cell("# Squares", metadata=_meta("intro")),
        new_code_cell(answers["sq"], metadata=_meta("sq", solution=True)),
        new_code_cell("assert square(3) == 9", metadata=_meta("test_sq", grade=True, points=1),
                      outputs=outputs.get("test_sq", [])),
        new_code_cell(answers["norm"], metadata=_meta("norm", solution=True)),
        new_code_cell("assert norm([3, 4]) == 5", metadata=_meta("test_norm", grade=True, points=2),
                      outputs=outputs.get("test_norm", [])),
        new_code_cell("assert False", metadata=_meta("test_impossible", grade=True, points=1),
                      outputs=outputs.get("test_impossible", [])),
    ]
    nb = new_notebook(cells=cells)
    if flags:
        nb.metadata["dlmath"] = {"flags": flags}
    return nb


def _write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def _write_class(root):
    from nbgrader.api import Gradebook

    _write(_notebook(TEMPLATES), root / "release" / "a1" / "nb1.ipynb")
    a2 = new_notebook(cells=[new_code_cell(TEMPLATES["half"], metadata=_meta("half", solution=True)),
                             new_code_cell("assert half(4) == 2", metadata=_meta("test_half", grade=True, points=3))])
    _write(a2, root / "release" / "a2" / "nb2.ipynb")
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "dlmath") as gb:
        gb.add_assignment("a1")
        gb.add_notebook("nb1", "a1")
        for name, points in (("test_sq", 1), ("test_norm", 2), ("test_impossible", 1)):
            gb.add_grade_cell(name, "nb1", "a1", max_score=points, cell_type="code")
        for name in ("sq", "norm"):
            gb.add_solution_cell(name, "nb1", "a1")
        gb.add_assignment("a2")
        gb.add_notebook("nb2", "a2")
        gb.add_grade_cell("test_half", "nb2", "a2", max_score=3, cell_type="code")
        gb.add_solution_cell("half", "nb2", "a2")
        for student in list(SCORES) + ["gina"]:
            first, last, lms = NAMES.get(student, ("", "", None))
            gb.add_student(student, first_name=first or None, last_name=last or None, lms_user_id=lms)
        for student, scores in SCORES.items():
            gb.add_submission("a1", student)
            outs = {}
            for cell, score in zip(("test_sq", "test_norm", "test_impossible"), scores):
                gb.find_grade(cell, "nb1", "a1", student).auto_score = float(score)
                if score < {"test_sq": 1, "test_norm": 2, "test_impossible": 1}[cell]:
                    outs[cell] = [_error(student, cell)]
            gb.db.commit()
            flags = ["test cell test_norm did not run to its end"] if student == "erin" else None
            _write(_notebook(ANSWERS[student], outs, flags), root / "autograded" / student / "a1" / "nb1.ipynb")
            _write(_notebook(ANSWERS[student]), root / "submitted" / student / "a1" / "nb1.ipynb")
        gb.add_submission("a1", "gina")  # recorded, never scored
        gina = {"sq": TEMPLATES["sq"].replace("raise NotImplementedError()", "return x.__mul__(x)"),
                "norm": 'def norm(v):\n    return sum(abs(a) ** 2 for a in v) ** .5\n'}
        _write(_notebook(gina), root / "submitted" / "gina" / "a1" / "nb1.ipynb")
        for student, score in A2_SCORES.items():
            gb.add_submission("a2", student)
            gb.find_grade("test_half", "nb2", "a2", student).auto_score = float(score)
            gb.db.commit()
            sub = new_notebook(cells=[new_code_cell(f"def half(x):\n    return x / 2  # {student}\n",
                                                    metadata=_meta("half", solution=True)),
                                      a2.cells[1]])
            _write(sub, root / "submitted" / student / "a2" / "nb2.ipynb")
            _write(sub, root / "autograded" / student / "a2" / "nb2.ipynb")


def _alembic_head() -> str:
    """nbgrader's gradebook schema version, read in-process.

    ``Gradebook`` runs ``alembic heads`` as a subprocess for a new database;
    asking alembic directly gives the same answer without a second Python.
    """
    import os

    import nbgrader
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", os.path.join(os.path.dirname(nbgrader.__file__), "alembic"))
    return ScriptDirectory.from_config(cfg).get_current_head()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """The class, written once; tests that change it work on a copy."""
    import nbgrader.api

    root = tmp_path_factory.mktemp("course")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nbgrader.api, "get_alembic_version", _alembic_head)
        _write_class(root)
    return root


@pytest.fixture(scope="module")
def course_root(pristine, tmp_path_factory):
    root = tmp_path_factory.mktemp("shared") / "course"
    shutil.copytree(pristine, root)
    return root


@pytest.fixture(scope="module")
def report(course_root):
    return build_report(course_root)


# -- the class report ---------------------------------------------------------

def test_assignment_summary(report):
    a1, a2 = report.summaries
    assert (a1.assignment, a1.graded, a1.submitted, a1.max_score) == ("a1", 6, 7, 4)
    assert a1.failed == ["gina"]
    assert a1.flagged == {"erin": ["test cell test_norm did not run to its end"]}
    totals = [sum(s) for s in SCORES.values()]
    assert a1.mean == pytest.approx(np.mean(totals))
    assert a1.median == pytest.approx(np.median(totals))
    assert (a2.graded, a2.failed, a2.max_score) == (2, [], 3)


def test_items_weakest_first(report):
    first = report.items[0]
    assert (first.cell.assignment, first.cell.grade_id) == ("a1", "test_impossible")
    assert first.full_share == 0 and math.isnan(first.discrimination)
    assert first.full_share == min(i.full_share for i in report.items)
    by_id = {i.cell.grade_id: i for i in report.items}
    norm = by_id["test_norm"]
    assert norm.full_share == pytest.approx(3 / 6)
    assert norm.mean_score == pytest.approx(7 / 6)
    sq = np.array([s[0] for s in SCORES.values()], float)
    nm = np.array([s[1] for s in SCORES.values()], float)
    assert norm.discrimination == pytest.approx(np.corrcoef(nm, sq)[0, 1])


def test_everyone_fails_is_the_top_mistake(report):
    top = report.mistakes[0]
    assert (top.assignment, top.grade_id, top.count) == ("a1", "test_impossible", 6)
    assert top.message == "AssertionError: expected <n> within <n>, got <array>"
    assert top.headline.startswith("6 learners: AssertionError")
    assert "nan" in top.example
    sq = [m for m in report.mistakes if m.grade_id == "test_sq"]
    assert [(m.count, m.message) for m in sq] == [(2, "AssertionError at: assert square(3) == 9")]


def test_stubs_are_counted_apart_from_mistakes(report):
    assert all(m.attempted for m in report.mistakes)
    assert not any("NotImplementedError" in m.message for m in report.mistakes)
    assert [(u.assignment, u.cells) for u in report.unattempted] == [("a1", {"frank": 1})]
    assert report.unattempted[0].headline == "a1: 1 learner left functions unimplemented (1 cell failed on a stub)"
    html = report.index.read_text(encoding="utf-8")
    mistakes_part = html[html.index("id=mistakes"):html.index("id=similar")]
    assert "Not attempted" in mistakes_part and "frank (1)" in mistakes_part


def test_a_visible_test_on_a_stub_is_not_attempted_either():
    message = mistakes.failure_message({"ename": "NotImplementedError", "evalue": "",
                                        "traceback": ["----> 3 assert np.isclose(l1_norm(x), 6.0)"]})
    stub = mistakes.Mistake("a1", "nb1", "test_visible", mistakes.normalise_message(message), message)
    wrong = mistakes.Mistake("a1", "nb1", "test_values", "GradingFailure: f returned <n>; expected <n>", "")
    assert (stub.attempted, wrong.attempted) == (False, True)
    stub.students, wrong.students = ["ann", "ben"], ["ann"]
    other = mistakes.Mistake("a2", "nb2", "test_x", "GradingFailure: g is not implemented yet "
                             "(g(<n>) raised NotImplementedError).", "", ["ann"])
    assert [(u.assignment, u.cells) for u in mistakes.unattempted([wrong, other, stub])] == \
        [("a1", {"ann": 1, "ben": 1}), ("a2", {"ann": 1})]


def test_renamed_copy_is_the_top_similar_pair(report):
    pairs = report.pairs
    assert pairs, "the renamed copy was not found"
    top = pairs[0]
    assert (top.assignment, top.first, top.second) == ("a1", "alice", "bob")
    assert top.likeness > 0.9
    assert all({p.first, p.second} == {"alice", "bob"} for p in pairs), [(p.first, p.second, p.likeness) for p in pairs]
    assert {c.grade_id for c in top.cells} == {"nb1/sq", "nb1/norm"}
    norm = next(c for c in top.cells if c.grade_id == "nb1/norm")
    assert norm.left_lines and norm.right_lines


def test_unrelated_learners_score_low(course_root):
    from dlmath.report import gather

    data = gather.load(course_root)
    prints = similarity.assignment_fingerprints(data, "a1")
    assert "frank" not in prints  # handed back unchanged
    sets = {s: {(k, h) for k, fp in cells.items() for h in fp.hashes} for s, cells in prints.items()}
    copied = similarity.jaccard(sets["alice"], sets["bob"])
    others = [similarity.jaccard(sets[a], sets[b]) for a in sets for b in sets
              if a < b and {a, b} != {"alice", "bob"}]
    assert copied > 0.9 and max(others) < 0.5


def test_items_csv(report):
    rows = list(csv.DictReader(open(report.items_csv)))
    assert list(rows[0]) == export.ITEM_COLUMNS
    assert len(rows) == 6 * 3 + 2
    got = {(r["student"], r["assignment"], r["notebook"], r["grade_id"]): (r["score"], r["max_score"]) for r in rows}
    assert got[("dave", "a1", "nb1", "test_norm")] == ("2", "2")
    assert got[("dave", "a1", "nb1", "test_sq")] == ("0", "1")
    assert got[("bob", "a2", "nb2", "test_half")] == ("1", "3")
    assert not any(r["student"] == "gina" for r in rows)


def test_canvas_csv(report):
    rows = list(csv.reader(open(report.canvas_csv)))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "a1 (a1)", "a2 (a2)"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "4", "3"]
    learners = {r[2]: r for r in rows[2:]}
    assert learners["alice"] == ["Liddell, Alice", "101", "alice", "alice", "", "3", "3"]
    assert learners["carol"][5:] == ["1", ""]      # no a2 submission: left blank, not 0
    assert learners["gina"][5:] == ["", ""]        # failed to grade: blank
    assert len(rows) == 2 + 7


def test_canvas_ids(report, tmp_path):
    path = tmp_path / "canvas.csv"
    export.write_canvas(report.data, path, canvas_ids={"a1": "4711"}, section="S1")
    rows = list(csv.reader(open(path)))
    assert rows[0][5:] == ["a1 (4711)", "a2 (a2)"]
    assert rows[2][4] == "S1"


def test_html_is_self_contained(report):
    text = report.index.read_text()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert len(images) == 4  # per assignment: a histogram and an item scatter
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n\x1a\n") for i in images)
    assert not re.search(r"https?://", text)
    assert "<script" not in text and "<link" not in text
    for phrase in ("test_impossible", "alice", "bob", "failed to grade", "not a finding"):
        assert phrase in text
    assert "<html" in text and "</html>" in text


def test_regrade_diff_finds_the_moved_cell(pristine, tmp_path):
    from nbgrader.api import Gradebook

    root = tmp_path / "course"
    shutil.copytree(pristine, root)
    first = build_report(root)
    assert not first.previous_found and first.moves == []
    snap = json.loads(first.scores_json.read_text())
    assert snap["scores"]["carol"]["a1"]["nb1/test_norm"] == 0
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "dlmath") as gb:
        gb.find_grade("test_norm", "nb1", "a1", "carol").auto_score = 2.0
        gb.db.commit()
    second = build_report(root)
    assert second.previous_found
    assert [(m.student, m.assignment, m.before, m.after, m.delta) for m in second.moves] == [
        ("carol", "a1", 1.0, 3.0, 2.0)]
    assert second.moves[0].cells == [("nb1/test_norm", 0.0, 2.0)]
    assert "carol" in second.index.read_text().split('id=regrade')[1]
    third = build_report(root)
    assert third.previous_found and third.moves == []


def test_command_line(course_root, tmp_path, capsys):
    out = tmp_path / "out"
    assert report_main(["--root", str(course_root), "--out", str(out), "--canvas-id", "a2=99"]) == 0
    assert {p.name for p in out.iterdir()} == {"index.html", "items.csv", "canvas.csv", "scores.json"}
    assert "a2 (99)" in (out / "canvas.csv").read_text()
    assert "index.html" in capsys.readouterr().out
    assert report_main(["--root", str(tmp_path / "nothing")]) == 1


# -- the pieces ---------------------------------------------------------------

def test_point_biserial_matches_the_textbook_formula():
    rng = np.random.default_rng(0)
    item = rng.integers(0, 2, size=50).astype(float)
    rest = rng.normal(size=50) + 2 * item
    p = item.mean()
    expected = (rest[item == 1].mean() - rest[item == 0].mean()) / rest.std() * math.sqrt(p * (1 - p))
    assert items.point_biserial(item, rest) == pytest.approx(expected)
    assert items.point_biserial([0, 1, 1], [1, 2, 2]) == pytest.approx(1.0)
    assert items.point_biserial([1, 0, 0], [1, 2, 2]) == pytest.approx(-1.0)


def test_point_biserial_is_nan_safe():
    assert math.isnan(items.point_biserial([1, 1, 1], [0, 1, 2]))   # everyone right
    assert math.isnan(items.point_biserial([0, 1, 0], [2, 2, 2]))   # rest constant
    assert math.isnan(items.point_biserial([1], [3]))
    assert math.isnan(items.point_biserial([], []))
    assert items.point_biserial([0, 1, np.nan, 1], [0, 2, 5, 2]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        items.point_biserial([0, 1], [1, 2, 3])


def test_normalise_renames_by_first_appearance_and_keeps_the_language():
    a = "total = 0\nfor item in values:  # loop\n    total += len(item)\nreturn total\n"
    b = "s = 0\n\nfor   x in values:\n    s += len(x)   # count\nreturn s\n"
    ta = [t.text for t in similarity.normalise(a)]
    assert ta == [t.text for t in similarity.normalise(b)]
    assert ta[:3] == ["v0", "=", "0"]
    assert {"for", "in", "return", "len", "+="} <= set(ta)
    assert "values" not in ta and not any("#" in t for t in ta)


def test_normalise_keeps_attribute_names_and_blanks_strings():
    toks = [t.text for t in similarity.normalise('y = np.exp(x, out="name")\n')]
    assert toks == ["v0", "=", "v1", ".", "exp", "(", "v2", ",", "v3", "=", "<str>", ")", "<nl>"]


def test_normalise_removes_the_template():
    template = TEMPLATES["sq"]
    assert similarity.normalise(template, template) == []
    kept = [t.text for t in similarity.normalise(ANSWERS["carol"]["sq"], template)]
    assert "def" not in kept and "square" not in kept and "<str>" not in kept
    assert kept[:3] == ["return", "v0", "**"]


def test_tokens_survive_code_that_does_not_parse():
    toks = similarity.tokens("def f(x:\n    return (x +\n")
    assert [t.text for t in toks][:4] == ["def", "f", "(", "x"]


def test_winnow_picks_the_minimum_of_each_window():
    hashes = [77, 72, 42, 17, 98, 50, 17, 98, 8, 88, 67, 39, 77, 72, 42, 17, 98]
    picked = similarity.winnow(hashes, 4)
    # The example of Schleimer et al. (2003), windows of 4: 17 17 8 39 17
    assert [h for h, _ in picked] == [17, 17, 8, 39, 17]
    assert [p for _, p in picked] == [3, 6, 8, 11, 15]
    assert similarity.winnow([], 4) == []
    assert similarity.winnow([5, 3], 4) == [(3, 1)]


def test_winnowing_guarantees_shared_runs_are_seen():
    k, w = 5, 4
    shared = [f"t{i}" for i in range(k + w - 1)]
    a = ["a1", "a2", "a3"] + shared + ["a4"]
    b = ["b1"] + shared + ["b2", "b3", "b4", "b5"]
    fa = {h for h, _ in similarity.winnow(similarity.kgram_hashes(a, k), w)}
    fb = {h for h, _ in similarity.winnow(similarity.kgram_hashes(b, k), w)}
    assert fa & fb
    assert similarity.kgram_hashes(["x", "y"], k) == similarity.kgram_hashes(["x", "y"], k)
    assert len(similarity.kgram_hashes(["x", "y"], k)) == 1


def test_message_normalisation():
    norm = mistakes.normalise_message
    assert norm("softmax returned nan for inputs near 1e4") == "softmax returned nan for inputs near <n>"
    assert norm("got array([0.1, 0.2,\n       nan]) not [1. 2. 3.]") == "got <array> not <array>"
    assert norm("x2 has shape (3, 4)") == "x2 has shape (<n>, <n>)"
    assert norm("KeyError: 'a very long key that goes on and on'") == "KeyError: 'a very long key that…'"
    assert norm("<function f at 0x7f3a2b>") == "<function f at <addr>>"
    assert norm("list ['a', 'b'] kept") == "list ['a', 'b'] kept"
    assert norm("can't multiply sequence by non-int of type 'str'") == \
        "can't multiply sequence by non-int of type 'str'"
    assert norm("\x1b[0;31mValueError\x1b[0m") == "ValueError"


def test_failure_message_uses_the_failing_line_for_bare_asserts():
    out = _error("zed", "test_sq")
    assert mistakes.failure_message(out) == "AssertionError at: assert square(3) == 9"
    assert mistakes.failure_message({"ename": "ZeroDivisionError", "evalue": "division by zero"}) == \
        "ZeroDivisionError: division by zero"
