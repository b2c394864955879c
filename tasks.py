#!/usr/bin/env python3
"""One entry point for the course's jobs, runnable with nothing but python3.

    python3 tasks.py class      # simulated class, autograded end to end
    python3 tasks.py test       # the whole test suite (what CI runs)
    python3 tasks.py generate   # regenerate release/ and solutions/
    python3 tasks.py grade      # batch-autograde everything under submitted/
    python3 tasks.py bench      # where grading time goes (prints ratios)
    python3 tasks.py report     # class report of a graded course (report/index.html)
    python3 tasks.py lab        # learners: JupyterLab on your own copy, work/
    python3 tasks.py instructor # JupyterLab at the course root (nbgrader's Formgrader)

Each command first creates ``.venv`` (or reuses it) and installs the pinned
packages of ``requirements.lock`` into it when they changed.  Extra
arguments are passed on (e.g. ``python3 tasks.py test -k vectors``).

``lab`` copies release/ to work/ (kept out of git) on first use and later
copies only notebooks that are new: saved work is never overwritten.
Exit codes: 0 success, 2 unknown command, otherwise the command's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".dlmath-installed"
#: Held while .venv is created or updated, so two commands started at once on
#: a fresh clone do not build it over each other (it sits next to .venv).
LOCK = ROOT / ".venv.lock"
#: The learner's working copy of release/ (listed in .gitignore).
WORK = ROOT / "work"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


#: Debian packages the course uses where it can install them (as root):
#: command it provides -> package.  bubblewrap is the grading sandbox;
#: chromium runs the browser test (tests/test_browser.py); postgresql's server
#: (pg_ctlcluster is its wrapper on PATH) the PostgreSQL gradebook test.
SYSTEM_PACKAGES = {"bwrap": "bubblewrap", "chromium": "chromium", "pg_ctlcluster": "postgresql"}
#: What is lost without each command, for the note when it is missing.
WITHOUT = {"bwrap": "grading runs WITHOUT its sandbox (see the README's grading section)",
           "chromium": "the browser test is skipped",
           "pg_ctlcluster": "the PostgreSQL gradebook test is skipped"}
#: Which system commands each task needs (default: the sandbox only).
TASK_PACKAGES = {"test": ("bwrap", "chromium", "pg_ctlcluster"), "lab": (), "instructor": ()}


def ensure_system_packages(commands: dict[str, str] = SYSTEM_PACKAGES) -> None:
    """Install missing Debian packages when running as root on Debian; else say what is missing."""
    missing = {cmd: pkg for cmd, pkg in commands.items() if not shutil.which(cmd)}
    if not missing:
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {', '.join(missing.values())} (apt-get) ...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        done = subprocess.run(["apt-get", "install", "-y", "-q", *missing.values()], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:  # the package lists may be missing on a fresh machine
            subprocess.run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            done = subprocess.run(["apt-get", "install", "-y", "-q", *missing.values()], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode == 0:
            return
        print(f"could not install {', '.join(missing.values())}: {done.stderr.strip()[-300:]}")
    for cmd, pkg in missing.items():
        if not shutil.which(cmd):
            print(f"note: {pkg} not installed: {WITHOUT.get(cmd, cmd + ' is missing')}", flush=True)


@contextlib.contextmanager
def environment_lock(path: Path | None = None):
    """Hold an exclusive ``flock`` on ``path`` (default :data:`LOCK`), waiting while another holds it."""
    import fcntl

    path = path or LOCK
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another tasks.py command to finish setting up .venv ({path.name}) ...",
                  flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_environment() -> None:
    """Create ``.venv`` and install the pinned requirements if needed (under :data:`LOCK`)."""
    with environment_lock():
        _ensure_environment()


#: IPython kernels of .venv read this file: it silences the kernel's own
#: warning "Kernel is running over TCP without encryption" (kernels here talk
#: over loopback) in JupyterLab's console, nbclient runs and validation alike.
KERNEL_CONFIG = VENV / "etc" / "ipython" / "ipython_kernel_config.py"
KERNEL_CONFIG_TEXT = (
    "# Written by tasks.py: the kernels of this environment talk over loopback TCP;\n"
    "# ipykernel's warning about it (and its other INFO/WARNING lines) is not for learners.\n"
    "c.IPKernelApp.log_level = 'ERROR'\n")


def write_kernel_config(path: Path | None = None) -> None:
    """Write :data:`KERNEL_CONFIG_TEXT` to ``path`` (default :data:`KERNEL_CONFIG`) if it differs."""
    path = path or KERNEL_CONFIG
    if not path.exists() or path.read_text() != KERNEL_CONFIG_TEXT:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(KERNEL_CONFIG_TEXT)


def _ensure_environment() -> None:
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    write_kernel_config()
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    print("installing pinned packages into .venv ...", flush=True)
    pip = [str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["-r", str(ROOT / "requirements.lock")], check=True)
    # Make the course package importable in .venv (and in the kernels it
    # starts) without building it: a .pth file naming the course root.
    site = subprocess.run([str(PY), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "dlmath-course.pth").write_text(str(ROOT) + "\n")
    STAMP.write_text(_fingerprint())


def sync_work_copy(release: Path = ROOT / "release", work: Path = WORK) -> list[Path]:
    """Copy into ``work`` every file of ``release`` that ``work`` does not have yet.

    Files already in ``work`` are never touched (they hold the learner's
    answers), so a regenerated release/ only brings new notebooks.

    Returns
    -------
    list of Path
        The files copied.
    """
    copied = []
    for item in sorted(release.rglob("*")):
        if not item.is_file() or ".ipynb_checkpoints" in item.parts:
            continue
        target = work / item.relative_to(release)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(item, target)
        copied.append(target)
    return copied


def jupyter_lab_args(root_dir: Path, extra: list[str]) -> list[str]:
    """Arguments of ``jupyter lab`` serving ``root_dir`` (``--allow-root`` when run as root)."""
    args = ["-m", "jupyter", "lab", f"--ServerApp.root_dir={root_dir}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        args.append("--allow-root")  # Jupyter refuses to start as root without it
    return args + extra


COMMANDS = {
    "class": ["-m", "dlmath.classroom"],
    # Without -q pytest names each file as its first test starts, so a long
    # file shows where the run is (pyproject's -ra lists skips with reasons).
    "test": ["-m", "pytest", "--durations=10"],
    "generate": ["-m", "dlmath.assign"],
    "grade": ["-m", "dlmath.batch"],
    "bench": [str(ROOT / "bench" / "bench_grading.py")],
    "report": ["-m", "dlmath.report"],
    "lab": [],         # see main(): JupyterLab on work/
    "instructor": [],  # see main(): JupyterLab at the course root
}


def main(argv: list[str]) -> int:
    """Run one command inside the course's virtual environment."""
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    if argv[0] not in COMMANDS:
        print(f"unknown command: {argv[0]!r} (commands: {', '.join(COMMANDS)})", file=sys.stderr)
        return 2
    name, extra = argv[0], argv[1:]
    ensure_environment()
    needed = TASK_PACKAGES.get(name, ("bwrap",))
    with environment_lock():
        ensure_system_packages({c: SYSTEM_PACKAGES[c] for c in needed})
    env = dict(os.environ, PATH=f"{PY.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    cwd = ROOT
    if name == "lab":
        copied = sync_work_copy()
        print(f"your working copy: {WORK} ({len(copied)} new file(s) copied from release/; "
              "files already there are never overwritten)", flush=True)
        cmd = [str(PY)] + jupyter_lab_args(WORK, extra)
        cwd = WORK  # the learner's view: the course's nbgrader_config.py is not loaded
    elif name == "instructor":
        print(f"JupyterLab at the course root {ROOT}: the Nbgrader menu opens the Formgrader",
              flush=True)
        cmd = [str(PY)] + jupyter_lab_args(ROOT, extra)
    else:
        cmd = [str(PY)] + COMMANDS[name] + extra
    if name in ("lab", "instructor"):
        print("Open the URL with its token that JupyterLab prints below (Ctrl-C stops it).",
              flush=True)
    return subprocess.run(cmd, cwd=cwd, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
