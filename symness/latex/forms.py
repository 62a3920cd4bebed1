r"""A :class:`~symness.closedform.ClosedForm` as LaTeX: equations, symbols, assumptions, source.

:func:`form_equations` lays out the equations of a form (mappings one row per
key, wide matrices entry by entry, auxiliary definitions and named
subexpressions as "where" rows, long sums broken, see
:mod:`symness.latex.breaking`).  :func:`equation_body` is what
``ClosedForm.latex()`` returns, :func:`notebook` what Jupyter shows and
:func:`block` the self-contained block of ``ClosedForm.latex_block()``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter

from .bib import bib_key, short_citation
from .breaking import Equation, aligned_rows, layout, tex_width
from .text import math_pieces, tex_text

__all__ = ["UNITS", "form_equations", "equation_body", "environment", "notebook", "block",
           "assumption_tex", "convention_items", "source_tex", "symbol_tex"]

#: The unit convention, stated once per document (and dropped from the forms' conventions there).
UNITS = r"$\hbar = k_B = 1$"


def _key_tex(k: str) -> str:
    return f"\\mathrm{{{k}}}" if len(k) > 1 and k.isalpha() else k


def _matrix_rows(lhs: str, m: sympy.MatrixBase, width: float, printer: LatexPrinter) -> list[tuple[str, Any]]:
    """A matrix as one row if it fits, else entry by entry (``lhs_{i}`` for a vector, ``lhs_{ij}``)."""
    cols = [max(tex_width(printer.doprint(m[i, j])) for i in range(m.rows)) for j in range(m.cols)]
    fractions = any(isinstance(v, sympy.Expr) and sympy.fraction(v)[1] != 1 for v in m)
    if sum(cols) + 2 * m.cols <= width and not (m.cols == 1 and m.rows > 2 and fractions):
        return [(lhs, m)]  # (a column of fractions is set entry by entry: cramped in a matrix)
    name = lhs or "M"
    out = []
    for i in range(m.rows):
        for j in range(m.cols):
            idx = f"{i + 1}" if m.cols == 1 else (f"{j + 1}" if m.rows == 1 else f"{i + 1}{j + 1}")
            out.append((f"{{{name}}}_{{{idx}}}", m[i, j]))
    return out


def form_equations(form: Any, width: float | None = None, settings: Mapping[str, Any] | None = None
                   ) -> list[Equation]:
    """The printed equations of a ClosedForm (its auxiliary definitions last, as "where" rows)."""
    from .breaking import DEFAULT_WIDTH

    width = float(width or DEFAULT_WIDTH)
    settings = dict(settings or {})
    printer = LatexPrinter(settings)
    rows: list[tuple[str, Any]] = []
    items = form.expr.items() if form.is_mapping else [(None, form.expr)]
    for key, e in items:
        if key is None:
            lhs = form.name
        else:
            lhs = f"{form.name}_{{{_key_tex(key)}}}" if form.name else _key_tex(key)
        if isinstance(e, sympy.MatrixBase):
            rows += _matrix_rows(lhs, e, width, printer)
        else:
            rows.append((lhs, e))
    defs = form._used_definitions()
    taken = {s.name for s in form.free_symbols} | {s.name for s in defs}

    def lazy(v: Any) -> str:
        return v.latex()
    return layout(rows, width=width, taken=taken, definitions=defs, settings=settings, lazy_latex=lazy)


def equation_body(eqs: list[Equation], *, intertext: bool = False) -> str:
    """``lhs = rhs`` for one short equation, else ``align*``/``aligned`` rows."""
    if len(eqs) == 1 and len(eqs[0].lines) == 1:
        eq = eqs[0]
        return f"{eq.lhs} = {eq.lines[0]}" if eq.lhs else eq.lines[0]
    return aligned_rows(eqs, intertext=intertext)


def environment(eqs: list[Equation]) -> str:
    """The display environment of a form's equations (``equation*`` or ``align*``, with ``\\intertext``)."""
    if len(eqs) == 1 and len(eqs[0].lines) == 1:
        return f"\\begin{{equation*}}\n{equation_body(eqs)}\n\\end{{equation*}}"
    return f"\\begin{{align*}}\n{aligned_rows(eqs, intertext=True)}\n\\end{{align*}}"


def notebook(eqs: list[Equation]) -> str:
    """Jupyter/MathJax: ``$\\displaystyle ...$`` or ``$\\begin{aligned}...\\end{aligned}$``."""
    if len(eqs) == 1 and len(eqs[0].lines) == 1:
        return "$\\displaystyle " + equation_body(eqs) + "$"
    return "$\\begin{aligned}" + aligned_rows(eqs) + "\\end{aligned}$"


def symbol_tex(s: Any) -> str:
    return sympy.latex(s)


def assumption_tex(a: Any) -> str:
    """An assumption as LaTeX text: a SymPy relation or boolean becomes ``$...$``."""
    if isinstance(a, sympy.Basic):
        return f"${sympy.latex(a)}$"
    return tex_text(a)


def convention_items(conventions: Any) -> list[str]:
    """A conventions string split at ``;`` outside math, each item as LaTeX text."""
    if not conventions:
        return []
    if isinstance(conventions, (list, tuple)):
        parts = [str(c) for c in conventions]
    else:
        parts, cur = [], ""
        for is_math, piece in math_pieces(str(conventions)):
            if is_math:
                cur += f"${piece}$"
                continue
            bits = piece.split(";")
            cur += bits[0]
            for b in bits[1:]:
                parts.append(cur)
                cur = b
        parts.append(cur)
    return [tex_text(p.strip()) for p in parts if p.strip()]


_RANGE = re.compile(r"(?<=[\d)])-(?=[\d(])")


def _equation_tex(equation: str) -> str:
    eq = tex_text(_RANGE.sub("--", equation.strip()), plain_math=False)
    if eq.startswith("("):
        many = "," in eq or "--" in eq
        return ("eqs.~" if many else "eq.~") + eq
    return eq


def source_tex(paper: str, equation: str, cite: Any = None) -> str:
    """``\\cite{key}, eqs.~(11)--(15)`` (``cite(paper)`` gives the citation; default: short text)."""
    if not paper and not equation:
        return ""
    key = bib_key(paper) if paper else None
    if key is not None:
        who = cite(paper) if cite is not None else tex_text(short_citation(paper))
    else:
        who = tex_text(paper, plain_math=False)
    eq = _equation_tex(equation) if equation else ""
    return ", ".join(x for x in (who, eq) if x)


def block(form: Any, width: float | None = None) -> str:
    """A self-contained LaTeX block: description, the equations, symbols, assumptions, source, conventions."""
    eqs = form_equations(form, width)
    parts = []
    if form.description:
        parts.append(tex_text(form.description))
    parts.append(environment(eqs))
    if form.symbols:
        items = "; ".join(f"${symbol_tex(s)}$: {tex_text(m)}" for s, m in form.symbols.items())
        parts.append(f"\\noindent Symbols: {items}.")
    if form.assumptions:
        parts.append("\\noindent Assumptions: " + "; ".join(assumption_tex(a) for a in form.assumptions) + ".")
    src = source_tex(form.paper, form.equation)
    if src:
        parts.append(f"\\noindent Source: {src}.")
    conv = convention_items(form.conventions)
    if conv:
        parts.append("\\noindent Conventions: " + "; ".join(conv) + ".")
    return "\n\n".join(parts)
