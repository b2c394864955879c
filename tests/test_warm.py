"""Warm runners, started for real: forked fast, and nothing shared between submissions.

Each test starts this process's runner template (:mod:`dlmath.warm`) and real
kernels forked from it through the ``dlmath-grader`` kernel spec, exactly as
grading does.  What a runner can see and do is probed from inside it; what
outlives it is checked from outside.  Where the sandbox cannot start, the
sandbox tests are skipped with the reason (``.ci/run`` installs bubblewrap).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from jupyter_client import KernelManager

from dlmath import course, isolation, launch, runner, warm

OK, WHY = isolation.available()
needs_sandbox = pytest.mark.skipif(not OK, reason=f"no sandbox here: {WHY}")


@pytest.fixture
def kernel_env(monkeypatch):
    """The environment grading gives the launcher (kernel spec, venv on PATH)."""
    import sys

    monkeypatch.setenv("JUPYTER_PATH", str(course.ROOT / "dlmath" / "jupyter"))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(launch.ENV["figures"], "0")
    for key in ("memory_mb", "cpu_seconds", "processes", "file_mb", "home_mb", "uid"):
        monkeypatch.delenv(launch.ENV[key], raising=False)


class Runner:
    """One kernel started like grading starts it; ``run`` returns what the code printed."""

    def __init__(self, template: warm.Zygote | None, submission: Path, cold_control: str = ""):
        if template is not None:
            folder = template.run_folder()
            os.environ[launch.ENV["warm"]] = launch.warm_request(
                str(template.control), template.sandboxed, isolation.Limits(), isolation.HOME)
        else:
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="dlmath-run-"))
            os.chmod(folder, 0o755)
            os.environ[launch.ENV["warm"]] = json.dumps(
                {"control": cold_control, "sandboxed": OK, "home": isolation.HOME,
                 "limits": {}, "uid_base": isolation.UID_BASE})
        sandboxed = template.sandboxed if template is not None else OK
        hide = () if sandboxed else ("dlmath", "nbgrader")
        (folder / "boot.py").write_text(runner.boot_source(hide=hide, close_figures=True))
        self.folder = folder
        self.km = KernelManager(kernel_name="dlmath-grader", transport="ipc",
                                ip=str(folder / "kernel"))
        self.started = time.perf_counter()
        self.km.start_kernel(cwd=str(submission))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.ready = time.perf_counter() - self.started

    def run(self, code: str) -> str:
        out: list[str] = []

        def keep(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

        self.kc.execute_interactive(code, timeout=60, output_hook=keep)
        return "".join(out)

    def probe(self, code: str) -> dict:
        return json.loads(self.run(code).strip().splitlines()[-1])

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def _eventually(condition, seconds: float = 10.0) -> bool:
    """Whether ``condition()`` holds within ``seconds`` (polled)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def _processes_of(uid: int) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.fixture
def template(kernel_env):
    """This process's sandboxed runner template."""
    found = warm.zygote(True, launch.runner_env(True, False), wait=warm.START_SECONDS)
    assert found is not None, warm.failure()
    return found


@pytest.fixture
def submission(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "data.txt").write_text("mine")
    return folder


PROBE_STATE = """
import json, os, random, numpy
def sockets():
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink("/proc/self/fd/" + fd)
        except OSError:
            continue
        if target.startswith("socket:"):
            found.add(target)
    return sorted(found)
status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines()
              if ":\\t" in line)
print(json.dumps({
    "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "cwd": os.getcwd(),
    "files": sorted(os.listdir(".")), "mine": open("data.txt").read(),
    "numpy": numpy.random.random(), "random": random.random(),
    "caps": [status[k].strip() for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")],
    "no_new_privs": status.get("NoNewPrivs", "").strip(),
    "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "tmp": sorted(os.listdir("/tmp")), "shm": sorted(os.listdir("/dev/shm")),
    "sockets": sockets(),
}))
"""


def _template_sockets(template: warm.Zygote) -> set[str]:
    """``socket:[inode]`` of the template's control socket and its open connections."""
    script = str(template.spool / "zygote.py")
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if script not in open(f"/proc/{pid}/cmdline").read() or os.stat(f"/proc/{pid}").st_uid:
                continue
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:"):
                    found.add(target)
        except OSError:
            pass
    return found


@needs_sandbox
def test_each_warm_runner_is_a_fresh_sandboxed_process(template, submission):
    first = Runner(template, submission)
    try:
        one = first.probe(PROBE_STATE)
        first.run("import subprocess, os\n"
                  "open('/tmp/left-behind', 'w').write('x')\n"
                  "open('/dev/shm/left-behind', 'w').write('x')\n"
                  "open('notes.txt', 'w').write('x')\n"
                  "subprocess.Popen(['sleep', '300'])\n")
    finally:
        first.stop()
    second = Runner(template, submission)
    try:
        two = second.probe(PROBE_STATE)
    finally:
        second.stop()
    for report in (one, two):
        assert report["uid"] >= isolation.UID_BASE and report["gid"] == report["uid"], report
        assert report["groups"] == [] and report["no_new_privs"] == "1", report
        assert set(report["caps"]) == {"0000000000000000"}, report["caps"]
        assert report["cwd"] == isolation.HOME and report["mine"] == "mine"
        assert len(report["pids"]) <= 3, report["pids"]  # init, the kernel, a probe at most
    assert one["uid"] != two["uid"], "each runner gets a user of its own"
    assert one["numpy"] != two["numpy"] and one["random"] != two["random"], "RNG state inherited"
    allowed = {template.spool.name} | {Path(root).parts[2] for root in isolation._python_roots()
                                       if root.startswith("/tmp/")}  # a venv in a clone there
    assert set(two["tmp"]) <= allowed and "left-behind" not in two["tmp"], two["tmp"]
    assert two["shm"] == [], "a runner's /dev/shm reached the next"
    assert "notes.txt" not in two["files"]
    inherited = set(two["sockets"]) & _template_sockets(template)
    assert not inherited, f"the runner holds the template's sockets {inherited}"
    assert not _processes_of(one["uid"]), "a process of the first runner outlived it"


@needs_sandbox
def test_a_warm_runner_sees_only_its_own_folder(template, submission):
    other = template.run_folder()
    (other / "kernel.json").write_text("{}")
    item = Runner(template, submission)
    try:
        seen = item.probe(f"""
import json, os
root = {str(course.ROOT)!r}
spool = {str(template.spool)!r}
try:
    import dlmath
    course_package = True
except ImportError:
    course_package = False
print(json.dumps({{"spool": sorted(os.listdir(spool)), "course": any(os.path.exists(root + p) for p in ("/dlmath", "/solutions", "/source")),
                  "control": os.path.exists({str(template.control)!r}),
                  "other": os.path.exists({str(other)!r}), "dlmath": course_package,
                  "own": os.path.exists({str(item.folder / 'kernel.json')!r})}}))
""")
    finally:
        item.stop()
    assert seen["spool"] == [item.folder.name], seen
    assert not seen["control"] and not seen["other"] and not seen["course"], seen
    assert not seen["dlmath"] and seen["own"], seen


@needs_sandbox
def test_a_warm_runner_keeps_its_limits(template, submission):
    item = Runner(template, submission)
    try:
        seen = item.probe("""
import json, os, resource
out = {}
try:
    open("big", "wb").write(b"x" * (80 << 20))
    out["file"] = "written"
except OSError as e:
    out["file"] = e.errno
try:
    for i in range(50):
        open(f"part{i}", "wb").write(b"x" * (4 << 20))
    out["disk"] = "filled"
except OSError as e:
    out["disk"] = e.errno
out["limits"] = {name: resource.getrlimit(getattr(resource, name))[0]
                 for name in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_NPROC", "RLIMIT_CORE")}
print(json.dumps(out))
""")
    finally:
        item.stop()
    import errno

    limits = isolation.Limits()
    assert seen["file"] == errno.EFBIG and seen["disk"] == errno.ENOSPC, seen
    assert seen["limits"] == {"RLIMIT_AS": limits.memory_mb << 20, "RLIMIT_CPU": limits.cpu_seconds,
                              "RLIMIT_NPROC": limits.processes, "RLIMIT_CORE": 0}, seen


@needs_sandbox
def test_killing_the_launcher_ends_the_runner_and_everything_it_started(template, submission):
    item = Runner(template, submission)
    uid = item.probe("import json, os, subprocess\n"
                     "subprocess.Popen(['sleep', '300'])\n"
                     "print(json.dumps({'uid': os.getuid()}))")["uid"]
    assert _processes_of(uid)
    item.kc.stop_channels()
    item.km.provisioner.process.kill()  # SIGKILL to the launcher alone
    item.km.provisioner.process.wait(timeout=10)
    gone = _eventually(lambda: not _processes_of(uid))
    item.km.cleanup_resources()
    assert gone, "the runner outlived its launcher"
    assert template.alive(), "the template must outlive its runners"


GRADER = """
import json, sys, time
from pathlib import Path
from types import SimpleNamespace
sys.path.insert(0, sys.argv[1])
from test_warm import Runner
control, sandboxed, folder, submission = sys.argv[2], sys.argv[3] == "1", Path(sys.argv[4]), Path(sys.argv[5])
template = SimpleNamespace(control=control, sandboxed=sandboxed, run_folder=lambda: folder)
item = Runner(template, submission) if control else Runner(None, submission, cold_control="/no-such.sock")
print(json.dumps(item.probe("import json, os, subprocess\\nsubprocess.Popen(['sleep', '300'])\\n"
                            "print(json.dumps({'uid': os.getuid()}))")), flush=True)
time.sleep(300)
"""


@pytest.mark.parametrize("start", ["warm", "cold"])
def test_a_runner_ends_with_the_grader_that_started_it(template, submission, start):
    """A grader killed outright (a batch worker stopped, a Dask worker lost) takes its runner along."""
    import subprocess
    import sys

    control = str(template.control) if start == "warm" else ""
    grader = subprocess.Popen(
        [sys.executable, "-c", GRADER, str(Path(__file__).parent), control,
         "1" if template.sandboxed else "0", str(template.run_folder()), str(submission)],
        stdout=subprocess.PIPE, text=True, cwd=course.ROOT)
    try:
        uid = json.loads(grader.stdout.readline())["uid"]
        assert _processes_of(uid)
    finally:
        grader.kill()
        grader.wait()
    assert _eventually(lambda: not _processes_of(uid)), "the runner outlived the grader that started it"
    assert template.alive(), "the template must outlive its runners"


def test_a_launcher_whose_grader_is_gone_starts_nothing(kernel_env, tmp_path):
    import subprocess
    import sys

    conn = tmp_path / "kernel.json"
    conn.write_text("{}")
    gone = subprocess.Popen(["true"])
    gone.wait()  # a grader that ended before its launcher got going
    done = subprocess.run([sys.executable, "-m", "dlmath.launch", "-f", str(conn)],
                          env=dict(os.environ, JPY_PARENT_PID=str(gone.pid)), capture_output=True,
                          text=True, timeout=60, cwd=course.ROOT)
    assert done.returncode != 0
    assert f"the grader that started this runner (process {gone.pid}) is gone" in done.stderr
    assert list(tmp_path.iterdir()) == [conn], "nothing may be prepared for a runner nobody will use"


@needs_sandbox
def test_the_launcher_ends_with_the_runners_exit_code(template, submission):
    item = Runner(template, submission)
    try:
        item.kc.execute("import os; os._exit(7)")
        assert _eventually(lambda: not item.km.is_alive())
        assert item.km.provisioner.process.wait(timeout=5) == 7
    finally:
        item.kc.stop_channels()
        item.km.cleanup_resources()


def test_without_a_template_the_launcher_starts_cold(kernel_env, submission, tmp_path):
    item = Runner(None, submission, cold_control=str(tmp_path / "no-such.sock"))
    try:
        assert item.probe("import json; print(json.dumps({'x': 1 + 1}))") == {"x": 2}
    finally:
        item.stop()


def test_an_unsandboxed_template_hides_the_course_like_a_cold_runner(kernel_env, submission):
    template = warm.zygote(False, launch.runner_env(False, False), wait=warm.START_SECONDS)
    assert template is not None, warm.failure()
    item = Runner(template, submission)
    try:
        seen = item.probe("import json, os\n"
                          "try:\n    import dlmath\n    hidden = False\n"
                          "except ImportError:\n    hidden = True\n"
                          "print(json.dumps({'hidden': hidden, 'cwd': os.getcwd()}))")
    finally:
        item.stop()
    assert seen == {"hidden": True, "cwd": str(submission)}


def test_the_first_kernel_does_not_wait_for_the_template(kernel_env):
    env = dict(launch.runner_env(False, False), DLMATH_TEST_KEY="first")
    assert warm.zygote(False, env) is None, "a starting template must not be waited for"
    assert warm.zygote(False, env, wait=warm.START_SECONDS) is not None, warm.failure()


@needs_sandbox
def test_a_template_outlives_the_thread_that_asked_for_it(kernel_env, submission):
    """Dask runs each task on a pool thread; the template must survive that thread.

    bubblewrap's ``--die-with-parent`` is ``PR_SET_PDEATHSIG``, which fires
    when the *thread* that forked it ends: the template is started from a
    spawner thread that lives as long as the grading process.
    """
    import threading

    env = dict(launch.runner_env(True, False), DLMATH_TEST_KEY="thread")
    found = []
    asker = threading.Thread(target=lambda: found.append(
        warm.zygote(True, env, wait=warm.START_SECONDS)))
    asker.start()
    asker.join()
    assert found[0] is not None, warm.failure()
    time.sleep(0.5)  # a death signal, if any, has arrived by now
    assert found[0].alive(), "the template died with the thread that started it"
    assert warm.zygote(True, env) is found[0]
    item = Runner(found[0], submission)
    try:
        assert item.probe("import json; print(json.dumps({'x': 2 * 3}))") == {"x": 6}
    finally:
        item.stop()


BORROW = """
import json, sys
from dlmath import launch, warm
found = warm.zygote(False, launch.runner_env(False, False), wait=60)
print(json.dumps({"kind": type(found).__name__, "control": str(found.control) if found else None}))
"""


def _borrower(env: dict) -> dict:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", BORROW], env=env, capture_output=True, text=True,
                          cwd=str(course.ROOT), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_batch_lends_its_template_to_the_workers_it_starts(kernel_env, submission):
    """Workers borrow the parent's template (one import per batch), and fork from it."""
    template = warm.zygote(False, launch.runner_env(False, False), wait=warm.START_SECONDS)
    assert template is not None, warm.failure()
    with warm.lending(template):
        env = dict(os.environ)
        assert warm.SHARED_ENV in env
    assert warm.SHARED_ENV not in os.environ  # lent only while the workers start
    assert _borrower(env) == {"kind": "Borrowed", "control": str(template.control)}
    other = dict(env, LEARNER_SETTING="1")  # another runner environment: no borrowing
    assert _borrower(other)["control"] not in (None, str(template.control))
    borrowed = warm.Borrowed(json.loads(env[warm.SHARED_ENV]))
    assert borrowed.ready(10)
    item = Runner(borrowed, submission)
    try:
        assert item.probe("import json; print(json.dumps({'x': 3 * 3}))") == {"x": 9}
    finally:
        item.stop()
    warm.discard(template)
    assert not borrowed.alive()
    assert _borrower(env)["kind"] == "Zygote"  # the lender's is gone: one of its own


def test_staging_copies_regular_files_within_the_budget(tmp_path):
    source = tmp_path / "source"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text("a" * 10)
    (source / "sub" / "b.txt").write_text("b" * 10)
    (source / "big.bin").write_bytes(b"x" * 1000)
    (source / "link").symlink_to("/etc/passwd")
    os.mkfifo(source / "pipe")
    target = tmp_path / "target"
    launch.stage_submission(source, target, budget=100, uid=None)
    copied = sorted(str(p.relative_to(target)) for p in target.rglob("*"))
    assert copied == ["a.txt", "sub", "sub/b.txt"]


def test_spools_of_killed_graders_are_swept(tmp_path, monkeypatch):
    import subprocess
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale, alive, unknown = (tmp_path / f"dlmath-warm-{name}" for name in ("stale", "alive", "old"))
    for folder in (stale, alive, unknown):
        folder.mkdir()
    (stale / "owner").write_text(str(dead.pid))
    (alive / "owner").write_text(str(os.getpid()))
    monkeypatch.setattr(warm, "_swept", set())
    warm._sweep()
    assert not stale.exists() and alive.exists() and unknown.exists()


def test_running_tells_live_processes_from_ended_ones():
    import subprocess

    assert launch.running(os.getpid())
    child = subprocess.Popen(["true"])
    assert _eventually(lambda: not launch.running(child.pid)), "a zombie has ended"
    child.wait()
    assert not launch.running(child.pid)
