import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def rng():
    return np.random.default_rng(20261122)


@pytest.fixture(scope="session")
def latex_file(tmp_path_factory):
    """``symness latex -o FILE`` run once per session (a subprocess, as a user would)."""
    out = tmp_path_factory.mktemp("latex") / "symness.tex"
    r = subprocess.run([sys.executable, "-m", "symness", "latex", "-o", str(out)],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="session")
def docs_build(tmp_path_factory):
    """The HTML documentation, built once per session (``sphinx -W``); its build executes every
    example notebook (myst-nb), so the notebook tests read this build instead of running them again.

    Returns ``(html_dir, completed_process)``.
    """
    for mod in ("sphinx", "myst_nb", "jupytext"):
        pytest.importorskip(mod, reason="the [docs] extra (part of [test]) builds the documentation")
    out = tmp_path_factory.mktemp("docs") / "html"
    r = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                        str(ROOT / "docs"), str(out)], capture_output=True, text=True, timeout=1800, cwd=ROOT)
    return out, r
