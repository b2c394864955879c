"""dlmath: auto-graded exercises on the mathematics of deep learning.

Subpackages and modules, split by what they do:

* :mod:`dlmath.reference` -- reference solutions, one module per assignment.
* :mod:`dlmath.grading` -- helpers every hidden test reuses.
* :mod:`dlmath.hidden` -- the hidden tests, one module per assignment.
* ``tests/fixtures/variants`` (outside the package) -- alternative correct answers and typical mistakes,
  used by the test suite and the simulated class.
* :mod:`dlmath.course` -- the list of assignments and the course folders.
* :mod:`dlmath.assign` -- regenerate ``release/`` and ``solutions/``.
* :mod:`dlmath.classroom` -- build and grade a simulated class.
"""

__version__ = "0.1.0"
