"""The documentation builds warning-free, renders math offline, and the LaTeX document compiles."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_sphinx_build_is_warning_free(docs_build):
    html, r = docs_build
    assert r.returncode == 0, r.stdout + r.stderr
    # one generated page per paper: derived closed forms (from the code), figures, errata
    for key in ("ring4", "magnification", "qubit_kernels", "weak_coupling", "coldatom"):
        page = (html / "papers" / f"{key}.html").read_text(encoding="utf-8")
        assert "<img" in page and "Errata" in page and "Derived closed forms" in page, key
    assert "begin{align*}" in (html / "papers" / "magnification.html").read_text(encoding="utf-8")
    assert (html / "scale-out.html").exists() and (html / "gallery.html").exists()


def test_docs_render_math_offline(docs_build):
    """MathJax is bundled into the build; no page loads a script, style sheet or font from the network."""
    html, r = docs_build
    assert r.returncode == 0, r.stdout + r.stderr
    mathjax = html / "_static" / "mathjax"
    assert (mathjax / "tex-chtml.js").stat().st_size > 100_000
    assert list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("MathJax_Main-Regular.woff"))
    pages = list(html.rglob("*.html"))
    assert len(pages) > 20
    remote = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=[\"'](https?:)?//", re.I)
    with_math = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not remote.search(text), f"{page.name} loads {remote.search(text).group(0)}"
        if 'class="math' in text:  # every page with math loads the bundled MathJax
            with_math += 1
            prefix = "../" * (len(page.relative_to(html).parts) - 1)
            assert f'src="{prefix}_static/mathjax/tex-chtml.js"' in text, page.name
    assert with_math >= 10


def test_scale_out_serial_example_runs():
    """The first code block of docs/scale-out.md (a serial Redfield sweep) runs as written."""
    text = (ROOT / "docs" / "scale-out.md").read_text(encoding="utf-8")
    first = re.findall(r"```python\n(.*?)```", text, re.S)[0]
    namespace: dict = {}
    exec(compile(first, "scale-out.md", "exec"), namespace)
    res = namespace["res"]
    assert res.array("j_L").shape == (61, 3)
    assert abs(res.array("j_L") + res.array("j_R")).max() < 1e-9 * abs(res.array("j_L")).max()


def test_latex_document_compiles(tmp_path, latex_file):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (.ci/run installs texlive-latex-base)")
    tex = tmp_path / "symness.tex"
    shutil.copy(latex_file, tex)
    for _ in range(2):
        c = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                           capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert c.returncode == 0, c.stdout[-3000:]
    assert (tmp_path / "symness.pdf").stat().st_size > 1000
