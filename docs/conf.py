"""Sphinx configuration for the symness documentation (MyST Markdown + notebooks + autodoc).

The example notebooks (jupytext percent scripts in ``examples/``) are executed by
myst-nb at every build, so their pages show real outputs (LaTeX from
``_repr_latex_``, figures).  Math renders offline: MathJax is copied into the
build from the ``sphinx-mathjax-offline`` package, nothing is loaded from the network.
"""

import os
import sys

ROOT = os.path.abspath("..")
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.abspath("_ext"))
# the notebook kernels are subprocesses: they import this checkout's symness too
os.environ["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                                                     if p and os.path.abspath(p) != ROOT])
# the kernels plot with IPython's inline backend (figures on the pages): an inherited MPLBACKEND=Agg
# (CI, a test runner) would make plt.show() display nothing
os.environ.pop("MPLBACKEND", None)

from symness import __version__  # noqa: E402

project = "symness"
author = "The symness developers"
release = version = __version__
extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "paperpages",
]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
source_suffix = {".md": "myst-nb", ".py": "myst-nb"}
nb_custom_formats = {".py": ["jupytext.reads", {"fmt": "py:percent"}]}
nb_execution_mode = "force"          # execute every notebook at every build (once: the tests reuse this build)
nb_execution_raise_on_error = True   # a failing cell fails the build
nb_execution_timeout = 600
nb_execution_in_temp = True
nb_merge_streams = True
nb_ipywidgets_js = {}                # no widget JavaScript from a CDN: the docs work offline
exclude_patterns = ["_build", "_ext", "conf.py", "figures/**", "papers/*.py"]
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
# ref.python: the ambiguous type-hint name "Channel" (symness.open.channels vs symness.kernels.qubits)
suppress_warnings = ["myst.header", "ref.python"]
nitpicky = False
html_theme = "alabaster"
html_title = f"symness {version}"
