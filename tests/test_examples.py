"""Every example notebook (jupytext percent scripts in docs/examples) executes as a notebook.

The documentation build (the session fixture ``docs_build``) executes each one in a Jupyter
kernel (myst-nb, ``nb_execution_raise_on_error``), so outputs go through IPython's display
machinery -- ``_repr_latex_`` included.  These tests read that build rather than executing
the notebooks a second time.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.py"))
LATEX_OUTPUT = re.compile(r'<div class="output text_latex math[^"]*">\s*(.*?)</div>', re.S)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_notebook_executed(script, docs_build):
    html, r = docs_build
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    page = (html / "examples" / f"{script.stem}.html").read_text(encoding="utf-8")
    n_cells = len(re.findall(r"^# %%(?! \[markdown\])", script.read_text(encoding="utf-8"), re.M))
    assert page.count('class="cell docutils container') == n_cells  # every code cell is on the page
    assert 'class="cell_output' in page  # ... with the outputs of its execution
    assert "Traceback" not in page and 'class="output traceback' not in page and "output error" not in page


def test_notebooks_render_latex_and_figures(docs_build):
    """Displayed closed forms come out of ``_repr_latex_`` as math; a plotting notebook shows its figure."""
    html, _ = docs_build
    pages = {p.stem: (html / "examples" / f"{p.stem}.html").read_text(encoding="utf-8") for p in EXAMPLES}
    latex = {k: LATEX_OUTPUT.findall(v) for k, v in pages.items()}
    assert sum(map(len, latex.values())) >= 5
    # a ClosedForm mapping's _repr_latex_ is an aligned block, one row per key (magnification, eqs. 11-15)
    assert any(r"\begin{aligned}I_L &amp;=" in s for s in latex["magnification"])
    assert re.search(r'<img[^>]+src="\.\./_images/[^"]+\.png"', pages["ring4"])


def test_notebook_gallery_links_every_example(docs_build):
    html, _ = docs_build
    gallery = (html / "gallery.html").read_text(encoding="utf-8")
    for p in EXAMPLES:
        assert f'href="examples/{p.stem}.html"' in gallery, p.stem


def test_readme_quick_start_runs(tmp_path):
    """Every ```python block of the README runs as written (a new user's first stop)."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 2
    script = tmp_path / "readme.py"
    script.write_text("\n\n".join(blocks), encoding="utf-8")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=600, cwd=tmp_path, env=env)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
