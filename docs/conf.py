"""Sphinx configuration for the symness documentation (MyST Markdown + autodoc)."""

import os
import sys

sys.path.insert(0, os.path.abspath(".."))
sys.path.insert(0, os.path.abspath("_ext"))

from symness import __version__  # noqa: E402

project = "symness"
author = "The symness developers"
release = version = __version__
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "paperpages",
]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_ext", "figures/**/*.txt", "examples/*.py"]
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
