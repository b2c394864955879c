"""The runner's sandbox, started for real: what learner code can and cannot reach.

Each test starts bubblewrap the way :mod:`dlmath.launch` does and runs a
probe inside.  Where the sandbox cannot start (not root, no bubblewrap, no
namespaces), the tests are skipped with the reason; a skip is not a pass,
and ``.ci/run`` installs bubblewrap so they run there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from dlmath import batch, course, isolation, launch, runner

OK, WHY = isolation.available()
needs_sandbox = pytest.mark.skipif(not OK, reason=f"no sandbox here: {WHY}")


def _run(tmp_path, code, limits=isolation.Limits(), timeout=60):
    submission = tmp_path / "submission"
    submission.mkdir(exist_ok=True)
    (submission / "data.txt").write_text("mine")
    sockets = tmp_path / "sockets"
    sockets.mkdir(exist_ok=True)
    uid = isolation.runner_uid(os.getpid() + 7)
    os.chown(sockets, uid, uid)
    env = dict(launch.BASE_ENV, HOME=isolation.HOME)
    probe = [sys.executable, "-P", "-c", textwrap.dedent(code)]
    cmd = isolation.command(probe, submission=submission, sockets=sockets, uid=uid,
                            limits=limits, env=env, quiet=False)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return done.stdout, done.stderr


@needs_sandbox
def test_the_runner_sees_only_its_submission(tmp_path):
    out, err = _run(tmp_path, f"""
        import json, os
        root = {str(course.ROOT)!r}
        seen = {{p: os.path.exists(p) for p in [root + "/dlmath", root + "/solutions",
                 root + "/source", root + "/gradebook.db", "/etc/passwd", "/root/.ssh"]}}
        try:
            import dlmath
            seen["dlmath"] = True
        except ImportError:
            seen["dlmath"] = False
        print(json.dumps({{"uid": os.getuid(), "cwd": os.getcwd(), "files": os.listdir("."),
                          "seen": seen, "mine": open("data.txt").read()}}))
    """)
    report = json.loads(out.strip().splitlines()[-1])
    assert report["uid"] >= isolation.UID_BASE, report
    assert report["cwd"] == isolation.HOME and report["mine"] == "mine"
    assert not any(report["seen"].values()), report["seen"]


@needs_sandbox
def test_the_runner_has_no_network_and_no_other_processes(tmp_path):
    out, _ = _run(tmp_path, """
        import os, socket
        try:
            socket.create_connection(("127.0.0.1", 22), timeout=2)
            print("net: open")
        except OSError:
            print("net: closed")
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
        print("pids:", len(pids))
        try:
            os.kill(1, 9)
            print("kill: allowed")
        except PermissionError:
            print("kill: refused")
    """)
    assert "net: closed" in out
    assert int(out.split("pids:")[1].split()[0]) <= 4
    assert "kill: refused" in out


@needs_sandbox
def test_the_runner_cannot_fill_the_disk_or_memory(tmp_path):
    limits = isolation.Limits(memory_mb=512, file_mb=8, home_mb=16, processes=16)
    out, _ = _run(tmp_path, """
        import os
        try:
            open("big", "wb").write(b"x" * (32 << 20))
            print("file: written")
        except OSError as e:
            print("file: refused", e.errno)
        try:
            for i in range(40):
                open(f"part{i}", "wb").write(b"x" * (4 << 20))
            print("disk: filled")
        except OSError as e:
            print("disk: refused", e.errno)
        try:
            b = bytearray(1 << 30)
            print("memory: allocated")
        except MemoryError:
            print("memory: refused")
        n = 0
        try:
            for _ in range(100):
                if os.fork() == 0:
                    import time; time.sleep(5); os._exit(0)
                n += 1
        except OSError:
            pass
        print("forks:", n)
    """, limits=limits)
    assert "file: refused" in out and "disk: refused" in out and "memory: refused" in out
    assert int(out.split("forks:")[1].split()[0]) < 16


@needs_sandbox
def test_sockets_folder_is_private_to_the_runner(tmp_path):
    (tmp_path / "sockets").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "kernel.json").write_text("{}")
    out, _ = _run(tmp_path, f"""
        import os
        print("other:", os.path.exists({str(tmp_path / 'other')!r}))
    """)
    assert "other: False" in out


def test_boot_source_has_no_course_import():
    source = runner.boot_source()
    compile(source, "<boot>", "exec")
    assert "from dlmath" not in source.replace("from dlmath.wire import", "")


def test_unsandboxed_grading_is_said_loudly():
    outcome = batch.Outcome(batch.Task("01_vectors", "a"), score=1.0, max_score=2.0,
                            isolation={"sandboxed": False, "how": "bubblewrap is not installed"})
    text = batch.summary([outcome])
    assert "WITHOUT a sandbox" in text and "bubblewrap is not installed" in text
    sandboxed = batch.Outcome(batch.Task("01_vectors", "b"), score=1.0, max_score=2.0,
                              isolation={"sandboxed": True, "how": "bubblewrap 0.8.0"})
    assert "WITHOUT" not in batch.summary([sandboxed])
