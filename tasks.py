#!/usr/bin/env python3
"""One entry point for the course's jobs, runnable with nothing but python3.

    python3 tasks.py class      # simulated class, autograded end to end
    python3 tasks.py test       # the whole test suite (what CI runs)
    python3 tasks.py generate   # regenerate release/ and solutions/
    python3 tasks.py grade      # batch-autograde everything under submitted/
    python3 tasks.py bench      # where grading time goes (prints ratios)
    python3 tasks.py lab        # open the release notebooks in JupyterLab

Each command first creates ``.venv`` (or reuses it) and installs the pinned
packages of ``requirements.lock`` into it when they changed.  Extra
arguments are passed on (e.g. ``python3 tasks.py test -k vectors``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".dlmath-installed"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create ``.venv`` and install the pinned requirements if needed."""
    if not PY.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
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


COMMANDS = {
    "class": ["-m", "dlmath.classroom"],
    "test": ["-m", "pytest", "-q"],
    "generate": ["-m", "dlmath.assign"],
    "grade": ["-m", "dlmath.batch"],
    "bench": [str(ROOT / "bench" / "bench_grading.py")],
    "lab": ["-m", "jupyter", "lab", "--notebook-dir", str(ROOT / "release")],
}


def main(argv: list[str]) -> int:
    """Run one command inside the course's virtual environment."""
    if not argv or argv[0] not in COMMANDS:
        print(__doc__)
        return 2
    ensure_environment()
    env = dict(os.environ, PATH=f"{PY.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [str(PY)] + COMMANDS[argv[0]] + argv[1:]
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
