r"""The documentation's version of a document section: MyST Markdown with the same content as the PDF.

The paper pages of the documentation (``docs/_ext/paperpages.py``) show what ``symness latex``
prints for a paper -- the full reference, the conventions, the symbol table and the assumptions
once, then each result with its equations broken exactly as in the PDF (see
:mod:`symness.latex.breaking`).  Displays are ``align*``/``equation*`` blocks that MathJax renders
(no ``\intertext``); running text is converted from LaTeX to Markdown (:func:`text_to_myst`).
"""

from __future__ import annotations

import re
from typing import Any

from pylatexenc.latex2text import LatexNodes2Text

from .bib import bib_key, full_citation, short_citation
from .breaking import aligned_rows
from .document import Section, _assumptions, _forms, _is_form, _is_units, _symbol_table, form_notes
from .forms import convention_items, equation_body, form_equations
from .text import tex_text

__all__ = ["section_markdown", "text_to_myst", "latex_to_myst"]

#: what :func:`~symness.latex.tex_text` made of non-ASCII characters (``\textdownarrow{}``, ``\'e``)
_ACCENT = re.compile(r"\\(?:text[a-z]+\{\}|[`'^\"~=.][A-Za-z]|[`'^\"~=.]\{[A-Za-z]\}|[a-zA-Z]+\{\})")
_UNLATEX = LatexNodes2Text()

_MATH_ENV = re.compile(r"(\\begin\{(align\*?|equation\*?|gather\*?|multline\*?)\}.*?\\end\{\2\})", re.S)
_SUBS = [(r"\noindent", ""), (r"\textasciicircum{}", "^"), (r"\textasciitilde{}", "~"), (r"\^{}", "^"),
         (r"\_", "_"), (r"\&", "&"), (r"\%", "%"), (r"\#", "#"), (r"\textless{}", "<"), (r"\textgreater{}", ">"),
         (r"\$", "\\$"), ("~", " "), ("---", "—"), ("--", "–")]


def text_to_myst(text: str) -> str:
    """LaTeX running text (inline ``$...$`` math kept) as MyST Markdown."""
    out = []
    for k, part in enumerate(re.split(r"(?<!\\)(\$[^$]*\$)", text)):
        if k % 2 == 1:
            out.append(part)
            continue
        part = re.sub(r"\\cite\{([^{}]*)\}", lambda m: f"[{short_citation(m.group(1))}]", part)
        part = re.sub(r"\\hyperref\[[^\]]*\]\{([^{}]*)\}", r"\1", part)
        part = re.sub(r"\\label\{[^{}]*\}", "", part)
        part = re.sub(r"\\textbf\{([^{}]*)\}", r"**\1**", part)
        part = re.sub(r"\\(?:emph|textit)\{([^{}]*)\}", r"*\1*", part)
        part = re.sub(r"\\texttt\{([^{}]*)\}", r"`\1`", part)
        part = re.sub(r"\\ensuremath\{([^{}]*)\}", r"$\1$", part)
        for a, b in _SUBS:
            part = part.replace(a, b)
        out.append(_ACCENT.sub(lambda m: _UNLATEX.latex_to_text(m.group(0)), part))
    return "".join(out).replace("$$", "")  # adjacent inline maths is one piece (never display maths)


def latex_to_myst(body: str) -> str:
    """LaTeX source (text and amsmath displays) as MyST Markdown; displays are kept as they are."""
    pieces = []
    for k, part in enumerate(_MATH_ENV.split(body)):
        if k % 3 == 0:
            pieces.append(text_to_myst(part))
        elif k % 3 == 1:
            pieces.append("\n\n" + part.replace("\\intertext{where}", "&\\text{where} \\\\").strip() + "\n\n")
    return re.sub(r"\n{3,}", "\n\n", "".join(pieces)).strip() + "\n"


def _display(form: Any, width: float | None) -> str:
    eqs = form_equations(form, width)
    if len(eqs) == 1 and len(eqs[0].lines) == 1:
        return "\\begin{equation*}\n" + equation_body(eqs) + "\n\\end{equation*}"
    return "\\begin{align*}\n" + aligned_rows(eqs) + "\n\\end{align*}"


def _form_markdown(form: Any, state: dict[str, Any], width: float | None) -> str:
    parts = []
    if form.description:
        parts.append(text_to_myst(tex_text(form.description)))
    parts.append(_display(form, width))
    notes = form_notes(form, state)
    if notes:
        parts.append(text_to_myst(" ".join(notes)))
    return "\n\n".join(parts)


def section_markdown(sec: Section, *, width: float | None = None, level: int = 2) -> str:
    """MyST Markdown of a :class:`~symness.latex.Section` (its subsections as headings one level down).

    The reference, conventions, symbols and assumptions of all its results are stated once, at the
    start, as in the PDF; ``level`` is the heading level of the subsections' titles minus one.
    """
    forms = _forms(sec.items)
    table, _ = _symbol_table(forms)
    common, labels = _assumptions(forms)
    conventions: list[str] = []
    for f in forms:
        for c in convention_items(f.conventions):
            if c not in conventions and not _is_units(c):
                conventions.append(c)
    state = {"symbols": table, "labels": labels, "conventions": conventions}
    parts = []
    if sec.paper and bib_key(sec.paper):
        parts.append("**Paper.** " + full_citation(sec.paper, "markdown"))
    if sec.intro:
        parts.append(latex_to_myst(sec.intro))
    if conventions:
        parts.append(text_to_myst("**Conventions.** " + "; ".join(conventions) + "."))
    if table:
        rows = ["| Symbol | Meaning |", "| --- | --- |"] + [
            f"| ${t}$ | {text_to_myst(m).replace('|', '&#124;')} |" for t, m in table.values()]
        parts.append("**Symbols.**\n\n" + "\n".join(rows))
    if common or labels:
        text = "**Assumptions.**"
        if common:
            text += " Throughout: " + text_to_myst("; ".join(common)) + "."
        if labels:
            text += " Where stated:\n\n" + "\n".join(f"- ({lab}) {text_to_myst(a)}" for a, lab in labels.items())
        parts.append(text)

    def items(sub: Section, depth: int) -> None:
        if sub is not sec:
            parts.append("#" * depth + " " + text_to_myst(sub.title))
            if sub.intro:
                parts.append(latex_to_myst(sub.intro))
        for it in sub.items:
            if _is_form(it):
                parts.append(_form_markdown(it, state, width))
            elif isinstance(it, Section):
                items(it, depth + 1)
            elif isinstance(it, str):
                parts.append(latex_to_myst(it))
            elif hasattr(it, "latex"):
                parts.append(latex_to_myst(str(it.latex())))
    items(sec, level)
    return "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"
