"""The intake's cell-level repairs as an nbgrader preprocessor, for plain ``nbgrader autograde``.

``dlmath.batch`` rebuilds every submission from the release notebook before
grading (:mod:`dlmath.intake`).  Plain ``nbgrader autograde`` would not: one
duplicated or re-pointed grade cell makes its sanitize step fail, and the
run stops for every student after it.  :class:`CanonicalCells` runs first
in nbgrader's sanitize pipeline (``nbgrader_config.py``) and applies the
same rebuild, so both paths grade the same notebook and record the same
scores.  Its notes go to ``nb.metadata["dlmath"]["intake"]`` and nbgrader's
log.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from dlmath import intake
from dlmath import notebooks as nbs


class CanonicalCells(NbGraderPreprocessor):
    """Rebuild a submission from its release notebook before nbgrader reads its cells."""

    release_root = Unicode(
        "", help="Course root whose release/<assignment>/<notebook>.ipynb is the template; "
                 "empty means CourseDirectory.root (or the working folder)."
    ).tag(config=True)

    def _release(self, resources: dict) -> Path | None:
        info = resources.get("nbgrader", {})
        assignment, notebook = info.get("assignment"), info.get("notebook")
        if not assignment or not notebook:
            return None
        root = self.release_root or self.config.get("CourseDirectory", {}).get("root") or os.getcwd()
        path = Path(root) / "release" / assignment / f"{notebook}.ipynb"
        return path if path.exists() else None

    def preprocess(self, nb, resources):
        """Replace ``nb``'s cells with the canonical ones (the learner's file is not touched)."""
        path = self._release(resources)
        if path is None:
            return nb, resources
        data = json.loads(nbformat.writes(nb))
        out, notes, _ = intake.rebuild(nbs.read(path), data)
        for note in notes:
            self.log.info("dlmath intake: %s", note)
        nb.cells = out.cells
        nb.metadata.setdefault("dlmath", {})["intake"] = notes
        return nb, resources
