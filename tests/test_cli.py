"""The command line: tasks.py, dlmath.batch and dlmath.classroom.

The first tests are fast (no kernels): unknown commands and ids, flag
spellings, exit codes, the .venv lock, the learner's working copy, the batch
summary.  The last ones (marked ``notebook``) run nbgrader on one small
course: generating twice gives the same bytes, an honest submission grades
without alarming output, and feedback needs no network for its math.
"""

from __future__ import annotations

import fcntl
import importlib.util
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from dlmath import batch, classroom, course, submissions

ROOT = course.ROOT


def _tasks():
    spec = importlib.util.spec_from_file_location("dlmath_tasks_cli", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_tasks(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tasks.py"), *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


# ---------------------------------------------------------------- tasks.py


def test_unknown_command_says_so_and_exits_2():
    done = _run_tasks("frobnicate")
    assert done.returncode == 2
    assert "unknown command" in done.stderr and "frobnicate" in done.stderr
    assert "installing" not in done.stdout  # nothing was set up for it


def test_no_command_prints_usage_help_exits_0():
    assert _run_tasks().returncode == 2
    done = _run_tasks("--help")
    assert done.returncode == 0 and "tasks.py lab" in done.stdout and "instructor" in done.stdout


def test_test_command_shows_progress_per_file():
    cmd = _tasks().COMMANDS["test"]
    assert "-q" not in cmd  # pytest names each file as it starts
    assert any(a.startswith("--durations") for a in cmd)


def test_chromium_is_a_system_package_of_the_test_command():
    tasks = _tasks()
    assert tasks.SYSTEM_PACKAGES["chromium"] == "chromium"
    assert tasks.SYSTEM_PACKAGES["bwrap"] == "bubblewrap"
    assert "chromium" in tasks.TASK_PACKAGES["test"]
    assert "chromium" not in tasks.TASK_PACKAGES.get("class", ("bwrap",))


def _locked_elsewhere(path: Path) -> bool:
    """True if another open file description holds an flock on ``path``."""
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_ensure_environment_holds_the_lock(monkeypatch, tmp_path):
    tasks = _tasks()
    lock = tmp_path / ".venv.lock"
    seen = []
    monkeypatch.setattr(tasks, "LOCK", lock)
    monkeypatch.setattr(tasks, "_ensure_environment", lambda: seen.append(_locked_elsewhere(lock)))
    tasks.ensure_environment()
    assert seen == [True]
    assert not _locked_elsewhere(lock)  # released afterwards
    assert tasks.LOCK.parent == tmp_path and _tasks().LOCK == ROOT / ".venv.lock"
    assert _tasks().LOCK.parent == _tasks().VENV.parent  # next to .venv


def test_a_second_command_waits_for_the_lock(tmp_path):
    lock = tmp_path / ".venv.lock"
    script = (f"import importlib.util, sys, time; from pathlib import Path\n"
              f"spec = importlib.util.spec_from_file_location('t', {str(ROOT / 'tasks.py')!r})\n"
              f"t = importlib.util.module_from_spec(spec); spec.loader.exec_module(t)\n"
              f"with t.environment_lock(Path({str(lock)!r})):\n"
              f"    print('got it at', time.time(), flush=True)\n")
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        time.sleep(1.5)
        assert proc.poll() is None, "the second command did not wait for the lock"
        released = time.time()
        fcntl.flock(handle, fcntl.LOCK_UN)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "waiting for another tasks.py command" in out
    assert float(out.split("got it at")[1]) >= released


def test_work_copy_is_made_once_and_never_overwritten(tmp_path):
    tasks = _tasks()
    release, work = tmp_path / "release", tmp_path / "work"
    (release / "01_a").mkdir(parents=True)
    (release / "01_a" / "a.ipynb").write_text("release a v1")
    (release / "01_a" / ".ipynb_checkpoints").mkdir()
    (release / "01_a" / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("x")
    assert tasks.sync_work_copy(release, work) == [work / "01_a" / "a.ipynb"]
    (work / "01_a" / "a.ipynb").write_text("my answers")
    (release / "01_a" / "a.ipynb").write_text("release a v2")
    (release / "02_b").mkdir()
    (release / "02_b" / "b.ipynb").write_text("release b")
    assert tasks.sync_work_copy(release, work) == [work / "02_b" / "b.ipynb"]
    assert (work / "01_a" / "a.ipynb").read_text() == "my answers"
    assert (work / "02_b" / "b.ipynb").read_text() == "release b"
    assert not (work / "01_a" / ".ipynb_checkpoints").exists()


def test_work_copy_is_ignored_by_git():
    done = subprocess.run(["git", "check-ignore", "-q", "work/01_vectors/vectors.ipynb"], cwd=ROOT)
    assert done.returncode == 0
    done = subprocess.run(["git", "check-ignore", "-q", ".venv.lock"], cwd=ROOT)
    assert done.returncode == 0


def test_jupyter_args_allow_root_only_as_root(monkeypatch):
    tasks = _tasks()
    monkeypatch.setattr(tasks.os, "geteuid", lambda: 0)
    args = tasks.jupyter_lab_args(Path("/x/work"), [])
    assert "--allow-root" in args and "--ServerApp.root_dir=/x/work" in args
    assert args.count("--allow-root") == 1
    assert tasks.jupyter_lab_args(Path("/x"), ["--allow-root"]).count("--allow-root") == 1
    monkeypatch.setattr(tasks.os, "geteuid", lambda: 1000)
    assert "--allow-root" not in tasks.jupyter_lab_args(Path("/x"), [])


def test_kernel_config_silences_the_tcp_warning(tmp_path):
    tasks = _tasks()
    target = tmp_path / "etc" / "ipython" / "ipython_kernel_config.py"
    tasks.write_kernel_config(target)
    assert "c.IPKernelApp.log_level = 'ERROR'" in target.read_text()
    assert tasks.KERNEL_CONFIG == tasks.VENV / "etc" / "ipython" / "ipython_kernel_config.py"


@pytest.mark.notebook
def test_kernels_of_the_venv_do_not_warn_about_tcp():
    tasks = _tasks()
    if Path(sys.prefix).resolve() != tasks.VENV.resolve():
        pytest.skip("not running inside the course's .venv")
    tasks.write_kernel_config()  # what every tasks.py command does
    script = ("import nbformat\nfrom nbclient import NotebookClient\n"
              "nb = nbformat.v4.new_notebook()\n"
              "nb.cells.append(nbformat.v4.new_code_cell('print(6 * 7)'))\n"
              "NotebookClient(nb, kernel_name='python3').execute()\n"
              "print(nb.cells[0].outputs[0]['text'])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=tasks.ROOT)
    assert "42" in done.stdout, done.stderr[-2000:]
    assert "without encryption" not in done.stdout + done.stderr


# ---------------------------------------------------------- dlmath.batch


def _fake_course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    (root / "submitted" / "ada" / "01_vectors").mkdir(parents=True)
    return root


@pytest.mark.parametrize("flag", ["--assignment", "--assignments"])
def test_batch_unknown_assignment(flag, tmp_path, capsys):
    root = _fake_course(tmp_path)
    assert batch.main(["--root", str(root), flag, "99_nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown assignment '99_nope'" in err and "nothing submitted" not in err


def test_batch_known_assignment_nobody_submitted(tmp_path, capsys):
    root = _fake_course(tmp_path)
    assert batch.main(["--root", str(root), "--assignments", "02_matrices"]) == 2
    assert "nobody submitted assignment '02_matrices'" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--student", "--students"])
def test_batch_unknown_student(flag, tmp_path, capsys):
    root = _fake_course(tmp_path)
    assert batch.main(["--root", str(root), flag, "bob"]) == 2
    assert "unknown student 'bob'" in capsys.readouterr().err


def test_batch_nothing_submitted_exits_1(tmp_path, capsys):
    assert batch.main(["--root", str(tmp_path)]) == 1
    assert "nothing submitted" in capsys.readouterr().out


def test_batch_help_documents_exit_codes(capsys):
    with pytest.raises(SystemExit):
        batch.main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes" in out and "--assignments" in out and "3  graded" in out


def test_summary_names_the_marks_it_uses():
    ok = batch.Outcome(batch.Task("01_vectors", "ada"), 20.0, 20.0)
    broken = batch.Outcome(batch.Task("01_vectors", "bob"), ok=False, reasons=["kernel died"])
    partly = batch.Outcome(batch.Task("01_vectors", "cy"), 5.0, 20.0, ok=False, reasons=["retry"])
    text = batch.summary([ok, broken])
    assert "marked error in the table" in text and "marked !" not in text
    text = batch.summary([ok, partly])
    assert "marked ! in the table" in text and "5/20!" in text
    assert "marked ! or error" in batch.summary([ok, broken, partly])
    assert "with problems." in batch.summary([ok])


def test_zero_cell_notebook_gets_a_note(tmp_path):
    a = course.get("01_vectors")
    root = tmp_path / "course"
    shutil.copytree(a.release().parent, root / "release" / a.id)
    folder = root / "submitted" / "ada" / a.id
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    assert nb.cells == []
    (folder / f"{a.notebook}.ipynb").write_text(nbformat.writes(nb))
    staged = batch.stage(root, batch.Task(a.id, "ada"))
    assert any("no cells" in n and "graded as blank" in n for n in staged.notes), staged.notes


# ------------------------------------------------------ dlmath.classroom


@pytest.mark.parametrize("flag", ["--assignment", "--assignments"])
def test_classroom_bad_id_keeps_previous_results(flag, tmp_path, capsys):
    root = tmp_path / "classroom"
    (root / "feedback").mkdir(parents=True)
    (root / "grades.csv").write_text("previous results")
    assert classroom.main(["--root", str(root), flag, "01_vectors", "99_nope"]) == 2
    assert "unknown assignment '99_nope'" in capsys.readouterr().err
    assert (root / "grades.csv").read_text() == "previous results"


def test_classroom_help_documents_exit_codes(capsys):
    with pytest.raises(SystemExit):
        classroom.main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes" in out and "--assignment" in out


# ------------------------------------------- nbgrader on one small course


@pytest.fixture(scope="module")
def small_course(tmp_path_factory) -> Path:
    """A course with 01_vectors generated (release and solutions) and one honest submission."""
    from dlmath import assign

    a = course.get("01_vectors")
    root = tmp_path_factory.mktemp("small_course")
    shutil.copytree(ROOT / "source" / a.id, root / "source" / a.id)
    assign.regenerate([a.id], root)
    nb = submissions.fill(a.release(root), classroom.LEARNERS["complete"](a))
    submissions.write(nb, root / "submitted" / "complete" / a.id / f"{a.notebook}.ipynb")
    return root


@pytest.mark.notebook
def test_generating_twice_gives_the_same_bytes(small_course, tmp_path):
    from dlmath import assign

    a = course.get("01_vectors")
    first = {p.relative_to(small_course): p.read_bytes()
             for d in ("release", "solutions") for p in (small_course / d).rglob("*") if p.is_file()}
    assert any(b"image/png" in data for data in first.values()), "the solutions should hold a plot"
    assign.regenerate([a.id], small_course)
    second = {p.relative_to(small_course): p.read_bytes()
              for d in ("release", "solutions") for p in (small_course / d).rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    changed = [str(k) for k in first if first[k] != second[k]]
    assert not changed, f"regenerating changed {changed}"


ALARMS = re.compile(r"checksum|has changed|without encryption|SAWarning|not in session|Traceback",
                    re.I)


@pytest.fixture(scope="module")
def autograded(small_course) -> str:
    """Plain ``nbgrader autograde`` of the honest submission: its output."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "autograde", "01_vectors",
         "--student", "complete", "--force", f"--CourseDirectory.root={small_course}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    return output


@pytest.mark.notebook
def test_honest_submission_autogrades_quietly(small_course, autograded):
    alarms = [line for line in autograded.splitlines() if ALARMS.search(line)]
    assert not alarms, "\n".join(alarms)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{small_course / 'gradebook.db'}") as gb:
        sub = gb.find_submission("01_vectors", "complete")
        assert sub.score == sub.max_score > 0


@pytest.mark.notebook
def test_feedback_math_needs_no_network(small_course, autograded):
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "generate_feedback", "01_vectors",
         "--student", "complete", "--force", f"--CourseDirectory.root={small_course}"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    html = (small_course / "feedback" / "complete" / "01_vectors" / "vectors.html").read_text()
    head = html.split("</head>")[0]
    assert not re.search(r"<script[^>]*\ssrc=[\"']https?://", html)
    assert "cdnjs.cloudflare.com" not in html
    assert "window.MathJax" in head and "MathJax" in head
    assert re.search(r"\$[^$\n]+\$", html), "the notebook's math should be in the page for MathJax"
