"""LaTeX a physicist can paste: ``symness latex`` compiles cleanly and reads as mathematics (issue 14).

The derivation document is built once per session (``latex_file`` fixture, as a user runs it) and
compiled once per module; a user's own document (a Pauli kernel with auxiliary definitions, its
heat-current noise, a hierarchy result) is compiled too.  Checks read pdflatex's log (overfull boxes,
undefined references) and the text ``pdftotext`` extracts (no Python, no ASCII pseudo-maths).
"""

import io
import re
import shutil
import subprocess

import numpy as np
import pytest
import sympy
from sympy.physics.quantum import TensorProduct as TP

from symness import ClosedForm, cli
from symness.errors import InvalidParameterError
from symness.latex import PAPER_KEYS, Section, document, scientific, tex_text
from symness.latex.breaking import DEFAULT_WIDTH, layout, tex_width
from symness.latex.myst import section_markdown

HAVE_TEX = shutil.which("pdflatex") is not None and shutil.which("pdftotext") is not None
needs_tex = pytest.mark.skipif(not HAVE_TEX, reason="pdflatex/pdftotext not installed (.ci/run installs them)")

#: what must never reach the reader: Python syntax, ASCII pseudo-maths, OT1's < and > glyphs
FORBIDDEN = ["**", "exp(", "¿", "¡", "{'", "hbar", "lam**", "->"]


def _compile(tmp, name, text):
    """pdflatex twice (references), then pdftotext: (log, extracted text)."""
    tex = tmp / f"{name}.tex"
    tex.write_text(text, encoding="utf-8")
    for _ in range(2):
        r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                           capture_output=True, text=True, timeout=600, cwd=tmp)
        assert r.returncode == 0, r.stdout[-3000:]
    subprocess.run(["pdftotext", "-layout", f"{name}.pdf", f"{name}.txt"], check=True, cwd=tmp, timeout=120)
    log = (tmp / f"{name}.log").read_text(encoding="latin-1")
    return log, (tmp / f"{name}.txt").read_text(encoding="utf-8")


def _assert_clean(log, text):
    over = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert not [w for w in over if w > 10], f"overfull boxes (pt): {over}"
    assert "undefined" not in log.replace("\n", ""), re.findall(r".*undefined.*", log)
    bad = {s: text.count(s) for s in FORBIDDEN if s in text}
    assert not bad, bad


@pytest.fixture(scope="module")
def derivations(latex_file, tmp_path_factory):
    if not HAVE_TEX:
        pytest.skip("pdflatex/pdftotext not installed (.ci/run installs them)")
    tmp = tmp_path_factory.mktemp("derivations")
    source = latex_file.read_text(encoding="utf-8")
    log, text = _compile(tmp, "symness", source)
    return source, log, text


@needs_tex
def test_derivation_document_compiles_cleanly(derivations):
    _, log, text = derivations
    _assert_clean(log, text)


@needs_tex
def test_derivation_document_structure(derivations):
    source, _, text = derivations
    assert r"\usepackage[T1]{fontenc}" in source and r"\usepackage{amsmath" in source
    # one section per paper, each opening with the full reference from the shipped papers.bib
    assert source.count(r"\textbf{Paper.}") == len(PAPER_KEYS) == 5
    for key in PAPER_KEYS.values():
        assert rf"\bibitem{{{key}}}" in source and rf"\cite{{{key}}}" in source
    for author in ("Xiansong Xu", "Upadhyay", "Fogedby", "Ishida", "Barfknecht"):
        assert author in text
    # symbols, assumptions and conventions once per section, not once per result
    n_sections = source.count(r"\section{")
    assert source.count(r"\textbf{Conventions.}") <= n_sections
    assert source.count(r"\textbf{Symbols.}") <= n_sections
    assert "Conventions:" not in source or source.count("Conventions:") < 10
    assert "Symbols:" not in source
    # results cite their equations; the units are said once
    assert "eqs.~(11)--(13)" in source
    assert text.count("ℏ = kB = 1") + text.count("ℏ = k B = 1") <= 2


def test_cli_refuses_an_unwritable_output_before_deriving(monkeypatch, capsys, tmp_path):
    def boom(*a, **k):
        raise AssertionError("derived before checking the output path")

    monkeypatch.setattr(cli, "latex_document", boom)
    for bad in ("/nonexistent/x.tex", str(tmp_path)):
        assert cli.main(["latex", "-o", bad], out=io.StringIO()) == 2
        err = capsys.readouterr().err
        assert "symness latex: error:" in err and "Traceback" not in err
    assert cli.main(["latex", "-o", str(tmp_path / "a.tex"), "--width", "5"], out=io.StringIO()) == 2


# ----------------------------------------------------------------- closed forms in LaTeX
x, y, T = sympy.symbols("x y T", positive=True)


def test_sympy_latex_is_the_forms_latex(capsys):
    long = sum(sympy.exp(-k * x / T) * (k + y) ** 2 for k in range(1, 12)) / (1 + x + y + x * y + x**2 * y)
    forms = [ClosedForm(x**2 + y, name="f"), ClosedForm({"L": x / T, "R": -x / T}, name="J"),
             ClosedForm(long, {x: "energy", T: "temperature"}, name="Q"),
             ClosedForm(sympy.Symbol("a") * x, definitions={sympy.Symbol("a"): sympy.exp(-x / T)}, name="g")]
    for f in forms:
        assert sympy.latex(f) == f.latex()
        sympy.print_latex(f)
        assert capsys.readouterr().out.strip() == f.latex().strip()
    assert "ClosedForm" not in sympy.latex(forms[2]) and "mathtt" not in sympy.latex(forms[2])
    assert sympy.latex(forms[0], mul_symbol="dot") == forms[0].latex(mul_symbol="dot")
    assert r"\cdot" in sympy.latex(ClosedForm(2 * x * y, name="p"), mul_symbol="dot")


def test_long_expressions_are_broken_at_the_width():
    den = sum((k + 1) * x**k * y ** (k % 3) for k in range(12))
    e1 = sum(sympy.exp(-k * x / T) * (k + y) for k in range(1, 9)) / den
    e2 = (x - y) ** 3 / den
    for width in (40, DEFAULT_WIDTH, 100):
        eqs = layout([("A", e1), ("B", e2)], width=width)
        lines = [ln for eq in eqs for ln in eq.lines]
        assert max(tex_width(ln) for ln in lines) <= width
        if width > 70:  # everything fits: nothing is named
            assert not any(eq.where for eq in eqs)
            continue
        # the long shared denominator is named once and given after "where"
        where = [eq for eq in eqs if eq.where]
        assert [eq.lhs for eq in where].count("D") == 1
        assert all("D" in "".join(eq.lines) for eq in eqs if eq.lhs in ("A", "B"))


def test_scientific_notation():
    assert scientific(5.7e-15) == r"5.7\times10^{-15}"
    assert scientific(-1e20) == "-10^{20}"
    assert scientific(0.25) == "0.25" and scientific(0) == "0"
    assert scientific(complex(0, -2e-9)) == r"-2\times10^{-9}\,i"
    assert scientific(float("inf")) == r"\infty"


def test_ness_repr_latex_has_no_float_exponents():
    from small_systems import system

    from symness.open import redfield_ness

    tex = redfield_ness(system())._repr_latex_()
    math_parts = re.findall(r"\$([^$]*)\$", tex)
    assert math_parts and not any(re.search(r"\de[-+]?\d", p) for p in math_parts), tex
    assert r"\times10^{" in tex


def test_text_is_escaped_and_ascii_formulas_become_maths():
    assert tex_text("5% & #1 of x_1") == r"5\% \& \#1 of $x_{1}$"
    assert tex_text("T_L -> infinity, lam**2 < w1*w2") == r"$T_{L} \to \infty, \lambda^{2} < w_{1} w_{2}$"
    assert tex_text("factor exp(-4*J/T_L)") == r"factor $e^{-4 J/T_{L}}$"
    assert tex_text("already $a<b$ maths") == "already $a<b$ maths"
    assert tex_text("a < b as prose") == r"a \textless{} b as prose" or "$" in tex_text("a < b as prose")
    assert "ħ" not in tex_text("ħω → 0") and r"\hbar" in tex_text("ħω → 0")


def test_bad_documents_are_refused():
    f = ClosedForm(x**2, name="f")
    with pytest.raises(InvalidParameterError, match="width"):
        document([f], width=3)
    with pytest.raises(InvalidParameterError, match="nothing"):
        document([])
    with pytest.raises(InvalidParameterError, match="ClosedForm"):
        document([object()])
    with pytest.raises(InvalidParameterError):
        f.latex(width=float("nan"))


# ----------------------------------------------------------------- a user's own results
@pytest.fixture(scope="module")
def user_document():
    from symness.baths import Bath, flat
    from symness.hierarchy import SymbolicHierarchy
    from symness.kernels import pauli_kernel
    from symness.models import tilted_ising

    w1, w2, g, Th, Tc, gam = sympy.symbols("omega_1 omega_2 g T_h T_c gamma", positive=True)
    SZ, SX, I2 = sympy.Matrix([[1, 0], [0, -1]]), sympy.Matrix([[0, 1], [1, 0]]), sympy.eye(2)
    H = w1 / 2 * TP(SZ, I2) + w2 / 2 * TP(I2, SZ) + g * TP(SZ, SZ)
    cs = [(TP(SX, I2), Bath(flat(gam), Th, name="h")), (TP(I2, SX), Bath(flat(sympy.Rational(1, 50)), Tc, name="c"))]
    pk = pauli_kernel(H, cs, at={w1: 1.0, w2: 0.6, g: 0.1})
    mine = ClosedForm(Th / (Th + Tc), {Th: "hot temperature (ħ = 1, 5% precision)", Tc: "cold, T_c < T_h"},
                      name=r"\eta_{\mathrm{mine}}", description="My own ratio, from a_1 -> 0 & my notes",
                      paper="my lab book", equation="p. 12")
    sh = SymbolicHierarchy(tilted_ising(2))  # a user's own hierarchy: zeroth order, wrapped as a ClosedForm
    t_L, t_R = sympy.symbols("t_L t_R")
    hierarchy = ClosedForm(sh.coefficients(0), {t_L: "tanh(h/T_L)", t_R: "tanh(h/T_R)"}, name="r",
                           description="Pauli-string coefficients of rho^(0) of my two-spin model",
                           paper="weak_coupling", equation="(103)")
    items = [Section("Two coupled qubits", [pk.populations_form(), pk.heat_currents_form(),
                                            pk.heat_current_noise("h")]),
             Section("Hierarchy", [hierarchy], paper="weak_coupling"),
             mine]
    return document(items, title="My model", author="A. Physicist"), pk


def test_user_document_keeps_the_users_symbols_and_provenance(user_document):
    tex, pk = user_document
    assert r"$T_{h}$ & temperature of reservoir $h$" in tex
    assert r"\nu_{1} &=" in tex  # the kernel's auxiliary definitions are given after "where"
    assert "my lab book, p. 12" in tex and r"\cite{ishida2022gradient}" in tex
    assert r"\bibitem{ishida2022gradient}" in tex


@needs_tex
def test_user_document_compiles_cleanly(user_document, tmp_path):
    log, text = _compile(tmp_path, "mine", user_document[0])
    _assert_clean(log, text)
    assert "A. Physicist" in text and "My own ratio" in text


def test_docs_markdown_states_symbols_once():
    f1 = ClosedForm(x / T, {x: "energy", T: "temperature"}, name="a", conventions="hbar = k_B = 1; x > 0 up")
    f2 = ClosedForm({"L": x**2 / T, "R": -(x**2) / T}, {x: "energy", T: "temperature"}, name="b",
                    conventions="hbar = k_B = 1; x > 0 up", paper="ring4", equation="(4)")
    md = section_markdown(Section("S", [Section("one", [f1]), Section("two", [f2])], paper="ring4"))
    assert md.count("| Symbol | Meaning |") == 1 and md.count("**Conventions.**") == 1
    assert "\\begin{align*}" in md and "### one" in md and "Entropy" in md
    assert "Xu et al., Entropy 21, 228 (2019), eq. (4)" in md and "hbar" not in md


def test_scientific_in_every_repr_latex():
    """No float in a notebook repr is printed as 1e-05 (the e would be a variable)."""
    f = ClosedForm(sympy.Float(5.7e-15) * x, name="f")
    assert not re.search(r"\de[-+]\d", f._repr_latex_())
    assert np.isfinite(float(scientific(1e-300).split("10^{")[1].rstrip("}")))


# ----------------------------------------------------------------- figures for print
def test_save_figure_writes_vector_pdf_png_and_caption(tmp_path):
    pytest.importorskip("matplotlib")
    from symness.figstyle import STYLE, _covers, _data_points, save_figure, style

    with style():
        import matplotlib.pyplot as plt

        assert plt.rcParams["font.size"] == STYLE["font.size"]
        fig, ax = plt.subplots(figsize=(4, 3))
        t = np.linspace(0, 1, 200)
        ax.plot(t, np.ones_like(t), label="flat at the top")  # data under the default upper-right corner
        ax.plot(t, t, label="rising")
        leg = ax.legend(loc="upper right")
        ax.set(xlabel="$T$ (energy units)", ylabel="$J$ (energy / time)")
        fig.canvas.draw()
        assert _covers(leg, _data_points(ax), fig.canvas.get_renderer())  # the legend sits on data
        paths = save_figure(fig, tmp_path / "demo" / "demo.png", "A demo caption.", notes=["a note"])
    png, pdf, txt = paths
    assert png.read_bytes()[:4] == b"\x89PNG" and pdf.read_bytes().startswith(b"%PDF")
    assert b"/Subject" in pdf.read_bytes()  # the caption is in the PDF's metadata
    caption = txt.read_text()
    assert caption.startswith("A demo caption. Units: hbar = k_B = 1") and "- a note" in caption
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # the saved figure is closed: draw it once more
    canvas.draw()
    assert not _covers(ax.get_legend(), _data_points(ax), canvas.get_renderer())  # ... and not after saving
