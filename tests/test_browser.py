"""The learner's loop and the feedback page, in a real browser.

Playwright drives Debian's ``chromium`` (``tasks.py test`` installs it as
root; elsewhere ``apt-get install chromium``).  One test walks what a learner
does: JupyterLab on a working copy of ``release/`` (what ``tasks.py lab``
serves), open ``01_vectors``, run it, paste a correct ``l1_norm``, run its
visible test, press nbgrader's *Validate* button.  The other opens the
feedback nbgrader generates for a learner with failing answers: the failure
messages show, the hidden checks' code does not, and the math is typeset by
the MathJax inlined into the page (no network needed).

Screenshots go to ``build/screenshots/``.  Without a browser the tests skip
and say why (a skip is not a pass).
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dlmath import course, submissions

pytestmark = pytest.mark.notebook

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = course.ROOT / "build" / "screenshots"
ASSIGNMENT = course.get("01_vectors")


def _tasks_module():
    spec = importlib.util.spec_from_file_location("dlmath_tasks", course.ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def browser():
    """A headless chromium driven by Playwright, or a skip that says what is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - pinned in requirements.lock
        pytest.skip(f"playwright is not importable: {exc}")
    if not CHROMIUM.exists():
        pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium; "
                    "tasks.py test installs it when run as root on Debian)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                         headless=True)
        except Exception as exc:  # noqa: BLE001 -- e.g. missing shared libraries
            pytest.skip(f"chromium would not start: {str(exc).splitlines()[0]}")
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a learner's working copy of release/: ``(url, token, work dir)``."""
    base = tmp_path_factory.mktemp("lab")
    work = base / "work"
    copied = _tasks_module().sync_work_copy(course.ROOT / "release", work)
    assert (work / ASSIGNMENT.id / f"{ASSIGNMENT.notebook}.ipynb") in copied
    port, token = _free_port(), secrets.token_hex(16)
    args = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
            "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={base / 'settings'}",
            f"--LabApp.workspaces_dir={base / 'workspaces'}"]
    if os.geteuid() == 0:
        args.append("--allow-root")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(base / "config"), HOME=str(base / "home"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), IPYTHONDIR=str(base / "ipython"))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    (base / "home").mkdir()
    # Every cell stays rendered (no windowing), so the page shows what the model holds.
    tracker = base / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    # No news or update checks from the browser (nothing is fetched offline).
    (base / "config" / "labconfig").mkdir(parents=True)
    (base / "config" / "labconfig" / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}')
    log = open(base / "jupyter.log", "w")
    proc = subprocess.Popen(args, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + (base / "jupyter.log").read_text()[-3000:])
                time.sleep(0.5)
        yield url, token, work
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _cell_index(page, grade_id: str) -> int:
    return page.evaluate("""gid => {
        const nb = window.jupyterapp.shell.currentWidget.content;
        return nb.widgets.findIndex(w => (w.model.getMetadata('nbgrader') || {}).grade_id === gid);
    }""", grade_id)


def _output_text(page, index: int) -> str:
    """Everything cell ``index`` printed or raised, read from the notebook model."""
    return page.evaluate(_OUTPUT_JS + "; return outputText(i); }", index)


_OUTPUT_JS = """i => {
    function outputText(i) {
        const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
        return cell.model.outputs.toJSON().map(o => [
            o.text ? [].concat(o.text).join('') : '',
            o.ename ? o.ename + ': ' + o.evalue : '',
            o.data && o.data['text/plain'] ? [].concat(o.data['text/plain']).join('') : ''
        ].join('')).join('\\n');
    }"""


def _wait_output(page, index: int, needle: str, timeout: float = 90_000) -> None:
    page.wait_for_function(_OUTPUT_JS + "; return outputText(i[0]).includes(i[1]); }",
                           arg=[index, needle], timeout=timeout)


def test_learner_runs_answers_and_validates(browser, lab):
    url, token, work = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    try:
        path = f"{ASSIGNMENT.id}/{ASSIGNMENT.notebook}.ipynb"
        page.goto(f"{url}/lab/tree/{path}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        page.wait_for_function("""() => {
            const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            return k && k.status === 'idle';
        }""", timeout=90_000)

        # Run the whole notebook: it stops at the first visible test (l1_norm is not written yet).
        solution, visible = _cell_index(page, "l1_norm"), _cell_index(page, "test_l1_norm_visible")
        assert 0 < solution < visible
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        _wait_output(page, visible, "NotImplementedError")

        # Paste the correct answer into the solution cell and run it and its visible test.
        answer = submissions.solution_code(ASSIGNMENT.source())["l1_norm"]
        editor = page.locator(".jp-Notebook .jp-Cell").nth(solution).locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(answer)
        typed = page.evaluate("i => window.jupyterapp.shell.currentWidget.content.widgets[i]"
                              ".model.sharedModel.getSource()", solution)
        assert typed.strip() == answer.strip(), "the pasted answer was changed by the editor"
        page.keyboard.press("Shift+Enter")   # run the answer, select the visible test
        page.keyboard.press("Shift+Enter")   # run the visible test
        _wait_output(page, visible, "visible tests passed")
        assert "l1_norm: visible tests passed" in _output_text(page, visible)
        assert "Error" not in _output_text(page, visible)
        page.locator(".jp-Notebook .jp-Cell").nth(visible).scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "lab_visible_test_passed.png"))

        # nbgrader's Validate button saves the notebook and runs it from the start.
        button = page.locator(".validate-button").first
        button.wait_for(state="visible")
        button.click()
        dialog = page.locator(".jp-Dialog").filter(has_text="Validation Results")
        dialog.wait_for(timeout=120_000)
        text = dialog.inner_text()
        page.screenshot(path=str(SCREENSHOTS / "lab_validate.png"))
        # l1_norm passes; the functions not written yet still fail, and validation says so.
        assert "NotImplementedError" in text, text[:2000]
        assert "There was an error running the validate command" not in text, text[:2000]
        saved = (work / path).read_text()
        assert "raise NotImplementedError()" in saved and answer.strip().splitlines()[-1].strip() in saved
        page.close()
    except BaseException:
        page.screenshot(path=str(SCREENSHOTS / "lab_failure.png"))
        raise


@pytest.fixture(scope="module")
def feedback_html(tmp_path_factory) -> Path:
    """Feedback nbgrader generates for the ``partial`` learner of 01_vectors (failing answers)."""
    from nbgrader.converters import Autograde, GenerateFeedback

    from dlmath import classroom, nbgrader_api

    root = tmp_path_factory.mktemp("course")
    aid = ASSIGNMENT.id
    (root / "source").mkdir()
    shutil.copytree(course.ROOT / "source" / aid, root / "source" / aid)
    from dlmath import assign

    assign.regenerate([aid], root, solutions=False)
    answers = classroom.LEARNERS["partial"](ASSIGNMENT)
    nb = submissions.fill(ASSIGNMENT.release(root), answers)
    submissions.write(nb, root / "submitted" / "partial" / aid / f"{ASSIGNMENT.notebook}.ipynb")
    grader = nbgrader_api.api(root)
    for app, kw in ((Autograde, {"create_student": True}), (GenerateFeedback, {})):
        result = nbgrader_api.run(grader, app, aid, "partial", force=True, **kw)
        assert result["success"], result.get("log", "") + str(result.get("error"))
    return root / "feedback" / "partial" / aid / f"{ASSIGNMENT.notebook}.html"


def test_feedback_shows_failures_and_renders_math_offline(browser, feedback_html):
    html = feedback_html.read_text()
    # No MathJax (nor anything else) is loaded from the network.
    assert not re.search(r"<script[^>]*\ssrc=[\"']https?://", html)
    assert "cdnjs.cloudflare.com/ajax/libs/mathjax" not in html
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.goto(feedback_html.as_uri())
    page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 5",
                           timeout=60_000)
    page.wait_for_function("() => window.MathJax && window.MathJax.startup && "
                           "window.MathJax.startup.promise", timeout=30_000)
    page.evaluate("() => window.MathJax.startup.promise")
    text = page.inner_text("body")
    # The failure the learner must read is visible ...
    assert "GradingFailure: angle(" in text
    # ... the hidden checks' code and the reference are not.
    for secret in ("check_cases", "random_cases(", "dlmath.reference", "ref.angle"):
        assert secret not in text, f"feedback shows {secret!r}"
    # The math of the markdown cells is typeset: no raw $...$ left.
    markdown = page.eval_on_selector_all(".text_cell_render", "els => els.map(e => e.innerText)")
    assert markdown, "no markdown cells found in the feedback"
    raw = [m.group(0) for t in markdown for m in re.finditer(r"\$[^$\n]{1,200}\$", t)]
    assert not raw, f"raw LaTeX left in the feedback: {raw[:5]}"
    assert page.locator("mjx-container svg").count() > 5
    page.locator("mjx-container").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "feedback_math.png"))
    failure = page.get_by_text("GradingFailure: angle(").first
    failure.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "feedback_failure.png"))
    context.close()


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    """The class report of the report tests' class of known structure."""
    import test_report

    from dlmath.report import build_report

    root = tmp_path_factory.mktemp("report") / "course"
    import nbgrader.api

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(nbgrader.api, "get_alembic_version", test_report._alembic_head)
        test_report._write_class(root)
    return build_report(root).index


def test_class_report_renders_with_its_pictures(browser, report_html):
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    page.goto(Path(report_html).as_uri())
    sizes = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])")
    assert sizes and all(done and width > 0 for done, width in sizes), sizes
    text = page.inner_text("body")
    for section in ("Common mistakes", "Similar answers"):
        assert section.lower() in text.lower(), f"the report has no {section!r} section"
    page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=False)
    context.close()
