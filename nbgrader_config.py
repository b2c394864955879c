"""nbgrader configuration of the dlmath course.

Instructors run every nbgrader command from this folder (the course root).
"""

import os

c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "dlmath"
c.CourseDirectory.solution_directory = "solutions"
# The gradebook: SQLite (gradebook.db) unless DLMATH_DB_URL names another
# database, e.g. postgresql://grader@db.example.org/dlmath for many graders.
if os.environ.get("DLMATH_DB_URL"):
    c.CourseDirectory.db_url = os.environ["DLMATH_DB_URL"]

# Every cell of a submission gets at most this many seconds; a learner's
# infinite loop costs that cell, not the whole batch.  The slowest correct
# cell of the course runs in well under a second.
c.Execute.timeout = 60
# No wall-clock timestamps in executed notebooks: regenerating solutions/
# twice gives the same cells.
c.Execute.record_timing = False

# The hidden tests import dlmath; kernels started by nbgrader inherit this
# environment, so the reference package is importable from any submission
# folder even when dlmath is not installed in the environment.
_path = os.environ.get("PYTHONPATH", "")
if COURSE_ROOT not in _path.split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (COURSE_ROOT, _path) if p)

# Grading: the learner's notebook runs in the "dlmath-grader" kernel, the
# *runner*: dlmath/launch.py starts it inside a bubblewrap sandbox as a user of
# its own (dlmath/isolation.py).  Hidden tests never reach it: the executor
# runs them here, in the *judge* (dlmath/judge.py).  Every setting below is a
# traitlet of dlmath.execution.ResilientExecute (see `nbgrader --help-all`).
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    p for p in (os.path.join(COURSE_ROOT, "dlmath", "jupyter"), os.environ.get("JUPYTER_PATH", "")) if p)
c.ResilientExecute.kernel_name = "dlmath-grader"
# Generating solutions runs the instructor's own notebook (no hidden tests):
# an ordinary kernel.
c.Execute.kernel_name = "python3"
# That kernel talks over loopback TCP; its warning about it is not for anyone.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
c.ResilientExecute.sandbox = os.environ.get("DLMATH_SANDBOX", "auto")  # "bwrap" to require it
c.ResilientExecute.call_seconds = float(os.environ.get("DLMATH_CALL_SECONDS", "20"))
c.ResilientExecute.memory_mb = 3072   # address space of the learner's kernel
c.ResilientExecute.file_mb = 64       # largest file it may write
c.ResilientExecute.home_mb = 128      # its private writable folder
c.ResilientExecute.processes = 64     # processes and threads of its user
# Plots are not rasterised while grading (nobody looks at them; plt.show()
# still runs).  DLMATH_FEEDBACK_PLOTS=1 puts them into graded notebooks and
# feedback.
c.ResilientExecute.render_figures = os.environ.get("DLMATH_FEEDBACK_PLOTS", "0") == "1"
# Worked examples (cells tagged "demo") that nothing graded needs are left out
# while grading (dlmath/demos.py); feedback with pictures runs them.
c.ResilientExecute.run_demos = c.ResilientExecute.render_figures

# autograde, step 1: every submission is rebuilt from the release notebook
# (dlmath/sanitize.py, the same repairs as dlmath.batch's intake), then
# nbgrader's own sanitizing.  Its metadata check is nbgrader's, with the schema
# compiled once per process instead of once per cell (dlmath/check_metadata.py).
c.Autograde.sanitize_preprocessors = [
    "dlmath.sanitize.CanonicalCells",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "dlmath.check_metadata.CheckCellMetadata",
]

# autograde: nbgrader's pipeline with an executor that survives kernel deaths
# and output floods (dlmath/execution.py), and nbgrader's score saving with one
# read and one commit per notebook instead of a join and a commit per cell
# (dlmath/save_grades.py).
c.Autograde.autograde_preprocessors = [
    "dlmath.execution.ResilientExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "dlmath.save_grades.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "dlmath.check_metadata.CheckCellMetadata",
]

# The executor's record of what happened (events, isolation) survives the
# metadata clean-up, for the batch summary.
c.ClearMetadataPreprocessor.preserve_nb_metadata_mask = {("language_info", "name"), ("dlmath",)}

# generate_solution: keep solutions, drop the hidden tests (they stay secret
# and reusable for the next cohort), then execute so outputs and plots show.
c.GenerateSolution.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.Execute",
]

# autograde of an honest submission prints nothing alarming.  nbgrader records
# locked cells with their hidden tests, so its OverwriteCells warns "checksum
# has changed" for every hidden-test cell of every learner (upstream #1961):
# dlmath/locked.py first gives untouched cells their hidden tests back (real
# edits still get the warning).  nbgrader's SQLAlchemy "not in session"
# warnings are noise as well.
if "nbgrader.preprocessors.OverwriteCells" in c.Autograde.sanitize_preprocessors:
    _pps = list(c.Autograde.sanitize_preprocessors)
    _pps.insert(_pps.index("nbgrader.preprocessors.OverwriteCells"), "dlmath.locked.RestoreHiddenTests")
    c.Autograde.sanitize_preprocessors = _pps
import warnings as _warnings  # noqa: E402
_warnings.filterwarnings("ignore", message=".*not in session.*")

# generate_feedback: math renders offline.  nbgrader's feedback template loads
# MathJax from a CDN; the template dlmath/templates/dlmath_feedback extends it
# and inlines MathJax 3 from the pinned package django-static-mathjax
# (dlmath/feedback.py).  Set on GenerateFeedback's own exporter only, so the
# Formgrader's pages are unchanged.
c.GenerateFeedback.HTMLExporter.template_name = "dlmath_feedback"
c.GenerateFeedback.HTMLExporter.extra_template_basedirs = [
    os.path.join(COURSE_ROOT, "dlmath", "templates"),
    os.path.join(os.path.dirname(__import__("nbgrader").__file__), "server_extensions", "formgrader", "templates"),
]
c.GenerateFeedback.HTMLExporter.filters = {"dlmath_mathjax": "dlmath.feedback.mathjax_script"}
