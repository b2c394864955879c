"""Broken and hostile submissions, graded in one batch with correct ones.

Every bad learner has a *control twin*: the same notebook with the affected
function simply left unanswered.  A broken submission must score exactly
what its control scores (its working parts keep their points, and the batch
goes on); a hostile one must score no more than its control (cheating earns
nothing).  Correct learners graded in the same batch must get exactly full
marks.  All cases use 01_vectors, the cheapest notebook to run.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time

import nbformat
import pytest

from dlmath import batch, classroom, course, submissions
from dlmath import notebooks as nbs

pytestmark = pytest.mark.notebook

A = course.get("01_vectors")
FULL = sum(float(c.metadata.nbgrader.get("points", 0)) for c in nbs.read(A.release()).cells
           if c.get("metadata", {}).get("nbgrader", {}).get("grade"))
ROOT = str(course.ROOT)
#: Short limits so endless loops cost seconds, not minutes.
OVERRIDES = {"Execute__timeout": 8}
CALL_SECONDS = "3"


def _good():
    return submissions.solution_code(A.source())


def _with(**answers):
    out = _good()
    for name, code in answers.items():
        out[name] = code
    return out


def _stub(function):
    release = nbs.read(A.release())
    return next(c.source for c in release.cells if nbs.grade_id(c) == function)


WRONG_L1 = "def l1_norm(x):\n    return 0.0\n"

#: student -> (answers, function whose control twin it is compared with)
BROKEN = {
    "loop_forever": (_with(l1_norm="def l1_norm(x):\n    while True:\n        pass\n"), "l1_norm"),
    "sleep_in_cell": (_with(l2_norm="import time\ntime.sleep(10**6)\n" + _good()["l2_norm"]), "l2_norm"),
    "os_exit": (_with(angle="import os\ndef angle(x, y):\n    os._exit(1)\n"), "angle"),
    "segfault": (_with(l2_norm="import ctypes\ndef l2_norm(x):\n    return ctypes.string_at(0)\n"), "l2_norm"),
    "sys_exit": (_with(distance="import sys\ndef distance(x, y, ord=2):\n    sys.exit(1)\n"), "distance"),
    "raises_systemexit": (_with(distance="raise SystemExit\n" + _good()["distance"]), "distance"),
    "keyboard_interrupt": (_with(angle="def angle(x, y):\n    raise KeyboardInterrupt\n"), "angle"),
    "memory_bomb": (_with(l1_norm="import numpy\n_hog = numpy.ones(10**11)\n" + _good()["l1_norm"]), "l1_norm"),
    "fork_bomb": (_with(l1_norm="import os\nwhile True:\n    os.fork()\n" + _good()["l1_norm"]), "l1_norm"),
}

#: Broken in ways that must not cost anything: full marks.  (A subprocess is
#: allowed: it lives in the sandbox and dies with it; see
#: test_no_learner_process_outlives_grading.)
HARMLESS = {
    "runaway_subprocess": _with(l2_norm="import subprocess\nsubprocess.Popen(['sleep', '1000'])\n"
                                        + _good()["l2_norm"]),
    "output_flood": _with(l1_norm=_good()["l1_norm"] + "\nfor _ in range(200):\n    print('x' * 100_000)\n"),
    "huge_repr": _with(l2_norm=_good()["l2_norm"] + "\nlist(range(2_000_000))\n"),
    "file_vandal": _with(l1_norm=_good()["l1_norm"] + (
        "\nimport os, pathlib\npathlib.Path('junk.txt').write_text('x')\n"
        "for f in os.listdir('.'):\n    os.rename(f, f + '.moved')\nos.chdir('/tmp')\n")),
    "global_state": _with(angle=_good()["angle"] + (
        "\nimport sys, warnings\nnp.set_printoptions(threshold=1, precision=1)\nnp.seterr(all='raise')\n"
        "np.random.seed(0)\nsys.setrecursionlimit(200)\nwarnings.simplefilter('error')\n"
        "sys.path.clear()\n")),
}

#: student -> (answers, the function it cheats on)
HOSTILE = {
    "imports_reference": (_with(l1_norm="from dlmath.reference.vectors import l1_norm\n"), "l1_norm"),
    "patches_numpy": (_with(l1_norm=WRONG_L1 + "np.isclose = lambda *a, **k: True\n"
                                              "np.allclose = lambda *a, **k: True\n"), "l1_norm"),
    "patches_grading": (_with(l1_norm=WRONG_L1 + (
        "import dlmath.grading as G\nG.assert_matches = lambda *a, **k: None\n"
        "G.check_cases = lambda *a, **k: None\n")), "l1_norm"),
    "patches_hidden_tests": (_with(l1_norm=WRONG_L1 + (
        "import sys\nfor _n in ('l1_norm_values', 'l1_norm_edge_cases'):\n"
        "    setattr(sys.modules['dlmath.hidden.vectors'], _n, lambda f: None)\n")), "l1_norm"),
    "patches_builtins": (_with(l1_norm=WRONG_L1 + (
        "import builtins, math\nbuiltins.abs = lambda v: 0\nmath.isclose = lambda *a, **k: True\n")),
        "l1_norm"),
    "lying_result": (_with(l1_norm=(
        "class Liar(float):\n    def __eq__(self, other):\n        return True\n"
        "    def __float__(self):\n        return 7.0\n    __hash__ = float.__hash__\n"
        "def l1_norm(x):\n    return Liar(0.0)\n")), "l1_norm"),
    "input_transformer": (_with(l1_norm=WRONG_L1 + (
        "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n")), "l1_norm"),
    "ast_transformer": (_with(l1_norm=WRONG_L1 + (
        "import ast\nclass _Blank(ast.NodeTransformer):\n"
        "    def visit_Module(self, node):\n        node.body = []\n        return node\n"
        "get_ipython().ast_transformers.append(_Blank())\n")), "l1_norm"),
    "event_hook": (_with(l1_norm=WRONG_L1 + (
        "get_ipython().events.register('pre_run_cell', "
        "lambda *a: setattr(np, 'isclose', lambda *a, **k: True))\n")), "l1_norm"),
    "hides_tracebacks": (_with(l1_norm=WRONG_L1 + (
        "get_ipython().showtraceback = lambda *a, **k: None\n")), "l1_norm"),
    "hard_codes_visible": (_with(l2_norm=(
        "def l2_norm(x):\n    table = {(3.0, -4.0): 5.0, (1.0, 2.0, 2.0): 3.0}\n"
        "    return table.get(tuple(float(v) for v in x), 0.0)\n")), "l2_norm"),
    "detects_grading": (_with(l2_norm=(
        "import os, inspect\ndef l2_norm(x):\n"
        "    if 'NBGRADER_EXECUTION' in os.environ or len(inspect.stack()) > 3:\n"
        "        from dlmath.reference.vectors import l2_norm as r\n        return r(x)\n"
        "    return 0.0\n")), "l2_norm"),
    "alias_shortcut": (_with(l1_norm=(
        "import numpy.linalg as la\n_n = la.norm\ndef l1_norm(x, _f=_n):\n"
        "    return float(_f(x, 1))\n")), "l1_norm"),
    # the runner's "no shortcut" block switched off, the function reached by a path no alias names:
    # only the judge's reading of the code stands between this and full marks
    "switches_off_the_shortcut_block": (_with(l1_norm=(
        "import sys\n_server = globals().get('__dlmath_runner__')\nif _server is not None:\n"
        "    _server._blocked = lambda forbidden: []\n"
        "def l1_norm(x):\n    return float(sys.modules['numpy'].linalg._linalg.norm(x, 1))\n")), "l1_norm"),
}


#: Attacks on the grader itself (issue: grading decided outside the learner's
#: process).  Each must score no more than its control twin on the function it
#: cheats on, and leave everyone else's grades and files alone.
REACH_REFERENCE = f'''
def l1_norm(x):
    import glob, json, gc, sys
    for name in ("dlmath.reference.vectors",):
        try:
            module = __import__(name, fromlist=["l1_norm"])
            return module.l1_norm(x)
        except Exception:
            pass
    for obj in gc.get_objects():  # the reference's function object, anywhere in memory
        if callable(obj) and getattr(obj, "__module__", "") == "dlmath.reference.vectors":
            return obj(x)
    for path in glob.glob("{ROOT}/dlmath/reference/*.py") + glob.glob("{ROOT}/tests/fixtures/variants/*.py"):
        namespace = {{}}
        exec(open(path).read(), namespace)
        if "l1_norm" in namespace:
            return namespace["l1_norm"](x)
    for path in glob.glob("{ROOT}/solutions/*/*.ipynb"):
        for cell in json.load(open(path))["cells"]:
            if "def l1_norm" in "".join(cell["source"]):
                namespace = {{"np": __import__("numpy")}}
                exec("".join(cell["source"]), namespace)
                return namespace["l1_norm"](x)
    return 0.0
'''

ATTACKS = {
    "reads_grader_frames": _with(l1_norm=(
        "import sys\ndef l1_norm(x):\n    frame = sys._getframe(1)\n    while frame is not None:\n"
        "        for key in ('want', 'expected', 'e'):\n"
        "            if key in frame.f_locals:\n                return frame.f_locals[key]\n"
        "        frame = frame.f_back\n    return 0.0\n")),
    "traces_the_checks": _with(l1_norm=WRONG_L1 + (
        "import sys, threading\ndef _tracer(frame, event, arg):\n"
        "    if frame.f_code.co_name in ('assert_matches', 'check_cases', 'call', '_settle'):\n"
        "        frame.f_locals.update(expected=arg)\n    return _tracer\n"
        "sys.settrace(_tracer); sys.setprofile(_tracer); threading.settrace(_tracer)\n")),
    "reaches_the_reference": _with(l1_norm=REACH_REFERENCE),
    "forges_runner_replies": _with(l1_norm=WRONG_L1 + (
        "import json\nclass _Forger:\n    def serve(self, text):\n"
        "        request = json.loads(text)\n"
        "        replies = [{'status': 'returned', 'result': {'$float': 'nan'}, 'mutated': []}"
        " for _ in request['calls']]\n"
        "        display({'application/vnd.dlmath.reply+json': {'wire': json.dumps("
        "{'id': request['id'], 'replies': replies})}}, raw=True)\n"
        "__dlmath_runner__ = _Forger()\n")),
    "patches_session_send": _with(l1_norm=WRONG_L1 + (
        "_k = get_ipython().kernel\n_send = _k.session.send\n"
        "def _quiet(stream, msg_or_type, content=None, *a, **k):\n"
        "    if isinstance(content, dict) and content.get('status') == 'error':\n"
        "        content = {'status': 'ok', 'execution_count': 1, 'user_expressions': {}, 'payload': []}\n"
        "    if msg_or_type == 'error':\n        return None\n"
        "    return _send(stream, msg_or_type, content, *a, **k)\n_k.session.send = _quiet\n")),
    "patches_builtins_namespace": _with(l1_norm=WRONG_L1 + (
        "import builtins\nclass _B(dict):\n    pass\n"
        "get_ipython().user_ns['__builtins__'] = _B(vars(builtins), AssertionError=Exception)\n")),
}

#: Attacks on other students and on the machine; they must change nothing outside.
DESTRUCTIVE = {
    "writes_gradebook": _with(l1_norm=WRONG_L1 + (
        "import glob, sqlite3\nfor path in glob.glob('/tmp/**/gradebook.db', recursive=True) + "
        f"glob.glob('{ROOT}/**/gradebook.db', recursive=True):\n"
        "    try:\n        c = sqlite3.connect(path)\n"
        "        c.execute('update grade set manual_score = 99'); c.commit()\n"
        "    except Exception:\n        pass\n")),
    "vandalises_files": _with(l1_norm=WRONG_L1 + (
        "import glob, os\n"
        f"for path in glob.glob('{ROOT}/dlmath/hidden/*.py') + glob.glob('/tmp/**/submitted/**/*.ipynb', recursive=True):\n"
        "    try:\n        open(path, 'w').write('')\n    except Exception:\n        pass\n")),
    "late_child": _with(l1_norm=WRONG_L1 + (
        "import _posixsubprocess, os, sys\n"
        "try:\n    _posixsubprocess.fork_exec([sys.executable, '-c', 'import time, glob, sqlite3\\n"
        "time.sleep(3)\\nfor p in glob.glob(\"/tmp/**/gradebook.db\", recursive=True):\\n"
        "    sqlite3.connect(p).execute(\"update grade set manual_score = 99\").connection.commit()'],"
        " [sys.executable.encode()], True, (), None, None, -1, -1, -1, -1, -1, -1, *os.pipe(), "
        "False, False, False, None, None, None, -1, None, False)\nexcept Exception:\n    pass\n")),
    "fills_the_disk": _with(l1_norm=WRONG_L1 + (
        "try:\n    with open('filler.bin', 'wb') as f:\n        for _ in range(4096):\n"
        "            f.write(b'x' * (1 << 20))\nexcept OSError:\n    pass\n")),
    "kills_its_parent": _with(l1_norm=WRONG_L1 + (
        "import os, signal\nfor pid in (os.getppid(), 1, -1):\n"
        "    try:\n        os.kill(pid, signal.SIGKILL)\n    except Exception:\n        pass\n")),
}


def _write(root, student, nb):
    submissions.write(nb, root / "submitted" / student / A.id / f"{A.notebook}.ipynb")


def _structure_cases(root):
    """Submissions whose files or cells are damaged; values: expected score."""
    folder = lambda s: (root / "submitted" / s / A.id)  # noqa: E731
    good = submissions.fill(A.release(root), _good())
    cases = {}

    for s, text in {"invalid_json": "{not json", "empty_file": ""}.items():
        folder(s).mkdir(parents=True)
        (folder(s) / f"{A.notebook}.ipynb").write_text(text)
        cases[s] = 0

    other = course.get("02_matrices")
    wrong = submissions.fill(other.release(), submissions.solution_code(other.source()))
    _write(root, "other_assignment", wrong)
    cases["other_assignment"] = 0

    folder("renamed").mkdir(parents=True)
    nbformat.write(good, str(folder("renamed") / "my copy of vectors.ipynb"))
    cases["renamed"] = FULL

    folder("missing").mkdir(parents=True)
    (folder("missing") / "notes.txt").write_text("I forgot the notebook")
    cases["missing"] = 0

    dup = nbformat.from_dict(json.loads(nbformat.writes(good)))
    extra = [nbformat.from_dict(json.loads(json.dumps(c))) for c in dup.cells
             if nbs.grade_id(c) in ("l1_norm", "test_l1_norm_values")]
    for c in extra:
        c["id"] = c["id"] + "-copy"
    dup.cells[6:6] = extra
    _write(root, "duplicated_cells", dup)
    cases["duplicated_cells"] = FULL

    shuffled = nbformat.from_dict(json.loads(nbformat.writes(good)))
    random.Random(0).shuffle(shuffled.cells)
    _write(root, "reordered_cells", shuffled)
    cases["reordered_cells"] = FULL

    renamed_id = nbformat.from_dict(json.loads(nbformat.writes(good)))
    for c in renamed_id.cells:
        if nbs.grade_id(c) == "l1_norm":
            c.metadata.nbgrader["grade_id"] = "my_l1"
    _write(root, "renamed_grade_id", renamed_id)
    cases["renamed_grade_id"] = FULL

    retyped = nbformat.from_dict(json.loads(nbformat.writes(good)))
    for i, c in enumerate(retyped.cells):
        if nbs.grade_id(c) in ("test_l1_norm_values", "l2_norm"):
            retyped.cells[i] = nbformat.v4.new_raw_cell(c.source, metadata=c.metadata)
    _write(root, "cell_type_changed", retyped)
    cases["cell_type_changed"] = FULL

    tampered = submissions.fill(A.release(root), _with(l1_norm=WRONG_L1))
    for c in tampered.cells:
        gid = nbs.grade_id(c) or ""
        if gid.startswith("test_l1_norm"):
            c.source = "pass"
            c.metadata.nbgrader.update(points=100, grade=False, checksum="0")
    tampered.cells = [c for c in tampered.cells if nbs.grade_id(c) != "test_l1_norm_edge_cases"]
    _write(root, "edits_test_cells", tampered)
    cases["edits_test_cells"] = "control_without_l1_norm"
    return cases


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("robustness")
    classroom.prepare(root, [A.id])
    for learner in list(classroom.LEARNERS):
        if learner not in ("complete", "alternative"):
            shutil.rmtree(root / "submitted" / learner)
    controls = set()
    for student, (answers, function) in {**BROKEN, **HOSTILE}.items():
        _write(root, student, submissions.fill(A.release(root), answers))
        controls.add(function)
    for function in controls:
        _write(root, f"control_without_{function}",
               submissions.fill(A.release(root), _with(**{function: _stub(function)})))
    for student, answers in {**HARMLESS, **ATTACKS, **DESTRUCTIVE}.items():
        _write(root, student, submissions.fill(A.release(root), answers))
    # a numpy.py handed in beside the notebook, and a kernel restart so it would be imported
    shadow = root / "submitted" / "shadows_numpy" / A.id
    _write(root, "shadows_numpy", submissions.fill(A.release(root), _with(
        l1_norm=WRONG_L1 + "import os, sys\nif 'restarted' not in os.listdir('.'):\n"
                           "    open('restarted', 'w').close(); os._exit(1)\n")))
    (shadow / "numpy.py").write_text("def isclose(*a, **k):\n    return True\n"
                                     "allclose = isclose\n")
    hidden_files = {p: p.read_bytes() for p in (course.ROOT / "dlmath" / "hidden").glob("*.py")}
    expected = _structure_cases(root)
    os.environ["DLMATH_CALL_SECONDS"] = CALL_SECONDS
    try:
        outcomes = batch.run(root, batch.discover(root), jobs=2, progress=lambda line: None,
                             overrides=OVERRIDES)
    finally:
        os.environ.pop("DLMATH_CALL_SECONDS", None)
    time.sleep(4)  # a late child would act now
    return root, {o.task.student: o for o in outcomes}, expected, hidden_files


def test_the_batch_finishes_and_records_everyone(graded):
    _, by_student, *_ = graded
    assert all(o.ok for o in by_student.values()), \
        {s: o.reasons for s, o in by_student.items() if not o.ok}
    assert all(o.score is not None for o in by_student.values())


@pytest.mark.parametrize("student", ["complete", "alternative", *HARMLESS])
def test_correct_work_gets_exactly_full_marks(graded, student):
    _, by_student, *_ = graded
    assert by_student[student].score == FULL


@pytest.mark.parametrize("student", list(BROKEN))
def test_broken_submission_keeps_what_works(graded, student):
    _, by_student, *_ = graded
    function = BROKEN[student][1]
    control = by_student[f"control_without_{function}"].score
    assert 0 < control < FULL
    assert by_student[student].score == control, by_student[student].notes


@pytest.mark.parametrize("student", list(HOSTILE))
def test_cheating_earns_nothing(graded, student):
    root, by_student, *_ = graded
    function = HOSTILE[student][1]
    cells = {g: v for (s, a, g), v in batch.cell_scores(root).items()
             if s == student and g.startswith(f"test_{function}_")}
    assert cells and sum(cells.values()) == 0, (cells, by_student[student].flags)


@pytest.mark.parametrize("student", ["imports_reference", "patches_numpy", "patches_grading",
                                     "patches_hidden_tests", "input_transformer",
                                     "ast_transformer", "event_hook", "detects_grading"])
def test_tampering_is_flagged(graded, student):
    _, by_student, *_ = graded
    assert by_student[student].flags


def test_damaged_files_and_cells(graded):
    _, by_student, expected, _ = graded
    for student, score in expected.items():
        outcome = by_student[student]
        if isinstance(score, str):  # no better than its control twin
            assert outcome.score <= by_student[score].score, (student, outcome.score)
            continue
        assert outcome.score == score, (student, outcome.score, outcome.notes)
    for student in ("invalid_json", "empty_file", "other_assignment", "renamed", "missing",
                    "duplicated_cells", "renamed_grade_id", "cell_type_changed"):
        assert by_student[student].notes, f"{student}: the summary must say what was repaired"


def test_output_floods_do_not_bloat_results(graded):
    root, *_ = graded
    for student in ("output_flood", "huge_repr"):
        notebook = root / "autograded" / student / A.id / f"{A.notebook}.ipynb"
        assert notebook.stat().st_size < 1_500_000, notebook.stat().st_size


def test_learners_files_are_left_untouched(graded):
    root, *_ = graded
    raw = (root / "submitted" / "invalid_json" / A.id / f"{A.notebook}.ipynb").read_text()
    assert raw == "{not json"


def test_summary_explains_every_bad_submission(graded):
    _, by_student, *_ = graded
    text = batch.summary(list(by_student.values()))
    for student in ("invalid_json", "os_exit", "output_flood", "patches_numpy"):
        assert f"01_vectors/{student}:" in text


@pytest.mark.parametrize("student", [*ATTACKS, *DESTRUCTIVE, "shadows_numpy"])
def test_attacks_on_the_grader_earn_nothing(graded, student):
    root, by_student, *_ = graded
    cells = {g: v for (s, a, g), v in batch.cell_scores(root).items()
             if s == student and g.startswith("test_l1_norm_")}
    assert cells and sum(cells.values()) == 0, (cells, by_student[student].notes)
    control = by_student["control_without_l1_norm"].score
    assert by_student[student].score <= control


def test_attacks_leave_others_untouched(graded):
    root, by_student, _, hidden_files = graded
    for student in ("complete", "alternative", *HARMLESS):
        assert by_student[student].score == FULL
    now = batch.cell_scores(root)
    assert all(v == by_student[s].score or True for (s, _, _), v in now.items())
    from nbgrader.api import Gradebook

    with Gradebook(batch.db_url(root), "dlmath") as gb:
        for student in ("complete", "alternative"):
            sub = gb.find_submission(A.id, student)
            assert float(sub.score) == FULL
            assert all(g.manual_score is None for nb in sub.notebooks for g in nb.grades)
    for path, data in hidden_files.items():
        assert path.read_bytes() == data, f"{path} was changed"
    for student in ("complete", "alternative"):
        raw = nbs.read(root / "submitted" / student / A.id / f"{A.notebook}.ipynb")
        assert any(c.source.strip() for c in raw.cells)


def test_no_learner_process_outlives_grading(graded):
    import subprocess

    from dlmath import isolation

    def stray():
        out = subprocess.run(["ps", "-eww", "-o", "uid,pid,ppid,stat,etimes,args"],
                             capture_output=True, text=True).stdout
        return [line for line in out.splitlines()[1:]
                if line.split()[0].isdigit() and int(line.split()[0]) >= isolation.UID_BASE]

    deadline = time.monotonic() + 10  # one being torn down right now is not a leak
    while stray() and time.monotonic() < deadline:
        time.sleep(0.2)
    left = stray()
    assert not left, "runner processes left behind (uid pid ppid stat age args):\n" + "\n".join(left)


def test_runner_was_sandboxed_where_it_can_be(graded):
    from dlmath import isolation

    _, by_student, *_ = graded
    ok, why = isolation.available()
    if not ok:
        pytest.skip(f"no sandbox on this machine: {why}")
    assert all(o.isolation and o.isolation["sandboxed"] for o in by_student.values()
               if o.isolation is not None)


# -- the same attacks under plain `nbgrader autograde` --------------------------

@pytest.fixture(scope="module")
def plain_graded(tmp_path_factory):
    """Attacks, a damaged notebook and correct work graded by one plain nbgrader command."""
    import subprocess
    import sys

    root = tmp_path_factory.mktemp("plain") / "course"
    classroom.prepare(root, [A.id])
    for learner in list(classroom.LEARNERS):
        if learner != "complete":
            shutil.rmtree(root / "submitted" / learner)
    for student, answers in {**ATTACKS, **DESTRUCTIVE}.items():
        _write(root, student, submissions.fill(A.release(root), answers))
    _write(root, "control_without_l1_norm",
           submissions.fill(A.release(root), _with(l1_norm=_stub("l1_norm"))))
    good = submissions.fill(A.release(root), _good())
    dup = nbformat.from_dict(json.loads(nbformat.writes(good)))
    extra = [nbformat.from_dict(json.loads(json.dumps(c))) for c in dup.cells
             if nbs.grade_id(c) in ("l1_norm", "test_l1_norm_values")]
    for c in extra:
        c["id"] = c["id"] + "-copy"
    dup.cells[6:6] = extra
    _write(root, "aa_duplicated_cells", dup)  # graded first: it used to stop everyone after it
    env = dict(os.environ, DLMATH_CALL_SECONDS=CALL_SECONDS)
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", A.id,
                    f"--CourseDirectory.root={root}", "--Execute.timeout=8", "--log-level=ERROR"],
                   cwd=course.ROOT, env=env, capture_output=True, timeout=1200)
    return root, batch.cell_scores(root)


def test_plain_nbgrader_grades_everyone_after_a_damaged_notebook(plain_graded):
    root, scores = plain_graded
    graded = {s for s, _, _ in scores}
    expected = {"complete", "control_without_l1_norm", "aa_duplicated_cells",
                *ATTACKS, *DESTRUCTIVE}
    assert graded == expected, expected - graded
    total = lambda s: sum(v for (who, _, _), v in scores.items() if who == s)  # noqa: E731
    assert total("complete") == FULL and total("aa_duplicated_cells") == FULL


@pytest.mark.parametrize("student", [*ATTACKS, *DESTRUCTIVE])
def test_attacks_earn_nothing_under_plain_nbgrader(plain_graded, student):
    _, scores = plain_graded
    cells = {g: v for (s, _, g), v in scores.items() if s == student and g.startswith("test_l1_norm_")}
    assert cells and sum(cells.values()) == 0, cells
