"""The instructor's class report: what the grades of a batch mean.

After a batch an instructor has a score table and ``grades.csv``; the
questions that follow are about the class: how each assignment went, which
checks are too hard or do not separate good answers from weak ones, what
many learners got wrong in the same way, which answers are unusually alike,
and whose marks moved after a regrade.  :func:`build_report` answers them
in one self-contained HTML page plus CSV exports::

    python -m dlmath.report [--root COURSE_ROOT] [--out DIR]

One module per job:

=============================  ==========================================
:mod:`~dlmath.report.gather`   gradebook and notebooks → plain records
:mod:`~dlmath.report.items`    score distributions, item statistics
:mod:`~dlmath.report.mistakes` failure messages clustered across learners
:mod:`~dlmath.report.similarity` winnowed fingerprints of answers
:mod:`~dlmath.report.regrade`  ``scores.json`` and the diff between runs
:mod:`~dlmath.report.export`   ``items.csv`` and Canvas's ``canvas.csv``
:mod:`~dlmath.report.figures`  matplotlib (Agg) pictures as base64 PNG
:mod:`~dlmath.report.page`     the HTML page
:mod:`~dlmath.report.build`    one call writing everything
=============================  ==========================================
"""

from dlmath.report.build import Report, build_report

__all__ = ["Report", "build_report"]
