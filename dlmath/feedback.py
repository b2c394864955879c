"""Feedback pages whose math renders without a network.

nbgrader's ``generate_feedback`` renders each graded notebook with
nbconvert's HTML exporter and its ``feedback`` template, which loads MathJax
from a CDN: offline, the learner sees raw ``$...$``.  ``nbgrader_config.py``
points ``GenerateFeedback``'s exporter at the template ``dlmath_feedback``
(``dlmath/templates/``), which extends nbgrader's and replaces the MathJax
macro with :func:`mathjax_script`: MathJax 3's single-file ``tex-svg-full``
build, inlined.  It comes from the pinned package ``django-static-mathjax``
(MathJax 3.2.2; the Python package is named ``mathjax``).  SVG output needs
no font files, and the full build loads no extensions at run time, so the
page is self-contained (about 2.3 MB).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

#: Folder holding the ``dlmath_feedback`` template.
TEMPLATES = Path(__file__).resolve().parent / "templates"

#: The same delimiters as nbconvert's own MathJax configuration; code and
#: preformatted output are never typeset (MathJax skips <pre> and <code>).
CONFIG = r"""
window.MathJax = {
  tex: {
    inlineMath: [['$', '$'], ['\\(', '\\)']],
    displayMath: [['$$', '$$'], ['\\[', '\\]']],
    processEscapes: true,
    processEnvironments: true,
    tags: 'ams'
  },
  svg: {fontCache: 'global'},
  startup: {typeset: true}
};
"""


def mathjax_file() -> Path:
    """The MathJax 3 build that is inlined (raises FileNotFoundError when not installed)."""
    import mathjax  # django-static-mathjax

    path = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5" / "tex-svg-full.js"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: install django-static-mathjax (requirements.lock)")
    return path


@functools.lru_cache(maxsize=1)
def _script() -> str:
    code = mathjax_file().read_text(encoding="utf-8").replace("</script", "<\\/script")
    return (f"<script type=\"text/javascript\">{CONFIG}</script>\n"
            f"<script type=\"text/javascript\">\n{code}\n</script>")


def mathjax_script(_: object = "") -> str:
    """Jinja filter ``dlmath_mathjax``: the MathJax configuration and library as inline scripts."""
    from markupsafe import Markup

    return Markup(_script())


def template_basedirs() -> list[str]:
    """Template folders for the feedback exporter: ours, then nbgrader's (which holds ``feedback``)."""
    import nbgrader

    nbgrader_templates = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions",
                                      "formgrader", "templates")
    return [str(TEMPLATES), nbgrader_templates]
