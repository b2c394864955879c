"""nbgrader configuration of the dlmath course.

Instructors run every nbgrader command from this folder (the course root).
"""

import os

c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "dlmath"
c.CourseDirectory.solution_directory = "solutions"

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
c.Execute.kernel_name = "dlmath-grader"
c.ResilientExecute.sandbox = os.environ.get("DLMATH_SANDBOX", "auto")  # "bwrap" to require it
c.ResilientExecute.call_seconds = float(os.environ.get("DLMATH_CALL_SECONDS", "20"))
c.ResilientExecute.memory_mb = 3072   # address space of the learner's kernel
c.ResilientExecute.file_mb = 64       # largest file it may write
c.ResilientExecute.home_mb = 128      # its private writable folder
c.ResilientExecute.processes = 64     # processes and threads of its user

# autograde: nbgrader's pipeline with an executor that survives kernel deaths
# and output floods (dlmath/execution.py).
c.Autograde.autograde_preprocessors = [
    "dlmath.execution.ResilientExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
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
