r"""LaTeX documents of closed forms: the derivation document of ``symness latex`` and a user's own.

>>> import sympy
>>> from symness import ClosedForm
>>> from symness.latex import document
>>> x = sympy.Symbol("x", positive=True)
>>> tex = document([ClosedForm(x**2, {x: "a length (m)"}, name="A", assumptions=["$x > 0$"])])
>>> tex.startswith(r"\documentclass")
True

A document is a list of :class:`Section` (or of closed forms, gathered into one
section).  Each top-level section states once, at its start, the paper it
reproduces (full reference from the shipped ``papers.bib``), the conventions of
its results, a table of every symbol with its meaning and the assumptions:
those shared by all its results, and the others labelled (A1), (A2), ... and
referred to by each result.  The units (:data:`~symness.latex.forms.UNITS`) are
stated once for the document.  Each result then shows its description, its
equations (broken for the page, see :mod:`symness.latex.breaking`) and its
source with equation numbers and a citation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidParameterError
from .bib import bib_key, full_citation, thebibliography
from .forms import (
    UNITS,
    assumption_tex,
    convention_items,
    environment,
    form_equations,
    source_tex,
    symbol_tex,
)
from .text import tex_text

__all__ = ["Section", "document", "PREAMBLE", "section_body", "derivations_document", "paper_sections"]

#: The preamble: T1 fonts (``<``, ``>`` print as themselves), Latin Modern, amsmath, hyperref.
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath,amssymb}
\usepackage[a4paper,margin=2.2cm]{geometry}
\usepackage{longtable}
\usepackage[hidelinks]{hyperref}
\allowdisplaybreaks
\setlength{\emergencystretch}{3em}
\providecommand{\newblock}{}"""


@dataclass
class Section:
    """A section of a document.

    Parameters
    ----------
    title
        Section title (LaTeX text).
    items
        Its content, in order: :class:`~symness.closedform.ClosedForm` results, subsections
        (:class:`Section`), paragraphs of LaTeX source (``str``), or objects with a
        ``latex_block()`` or ``latex()`` method giving LaTeX source.
    paper
        Paper key (``"ring4"``, ...) or BibTeX key of ``papers.bib``: the section starts with its
        full reference, and results from that paper cite it.
    intro
        A first paragraph (LaTeX source).
    """

    title: str
    items: Sequence[Any] = field(default_factory=list)
    paper: str = ""
    intro: str = ""


def _is_form(x: Any) -> bool:
    from ..closedform import ClosedForm

    return isinstance(x, ClosedForm)


def _forms(items: Iterable[Any]) -> list[Any]:
    out = []
    for it in items:
        if _is_form(it):
            out.append(it)
        elif isinstance(it, Section):
            out += _forms(it.items)
    return out


class _Context:
    """What a document has stated so far: the cited papers (in order of first citation)."""

    def __init__(self, width: float | None):
        self.width = width
        self.cited: list[str] = []

    def cite(self, paper: str) -> str:
        key = bib_key(paper)
        if key is None:
            return tex_text(paper)
        if key not in self.cited:
            self.cited.append(key)
        return f"\\cite{{{key}}}"


def _symbol_table(forms: list[Any]) -> tuple[dict[str, tuple[str, str]], str]:
    """``{symbol latex: (symbol latex, meaning)}`` (first meaning wins) and the table's LaTeX."""
    table: dict[str, tuple[str, str]] = {}
    for f in forms:
        for s, m in f.symbols.items():
            t = symbol_tex(s)
            if t not in table:
                table[t] = (t, tex_text(m))
    if not table:
        return table, ""
    rows = "\n".join(f"${t}$ & {m} \\\\" for t, m in table.values())
    tex = ("\\begin{longtable}{@{}l@{\\quad}p{0.86\\linewidth}@{}}\n" + rows + "\n\\end{longtable}")
    return table, tex


def _assumptions(forms: list[Any]) -> tuple[list[str], dict[str, str]]:
    """Assumptions shared by every form, and labels (A1), (A2), ... of the others."""
    sets = [[assumption_tex(a) for a in f.assumptions] for f in forms]
    if not sets:
        return [], {}
    common = [a for a in dict.fromkeys(sets[0]) if all(a in s for s in sets)] if len(forms) > 1 else []
    labels: dict[str, str] = {}
    for s in sets:
        for a in s:
            if a not in common and a not in labels:
                labels[a] = f"A{len(labels) + 1}"
    return common, labels


def _item_latex(item: Any, ctx: _Context, state: dict[str, Any], level: int) -> str:
    if _is_form(item):
        return _form_in_section(item, ctx, state)
    if isinstance(item, Section):
        return _section(item, ctx, level + 1, state)
    if isinstance(item, str):
        return item
    for meth in ("latex_block", "latex"):
        if hasattr(item, meth):
            return str(getattr(item, meth)())
    raise InvalidParameterError(f"cannot put a {type(item).__name__} into a LaTeX document; pass ClosedForm "
                                "results (e.g. pk.heat_currents_form()), Section objects or LaTeX source (str).")


def _form_in_section(form: Any, ctx: _Context, state: dict[str, Any]) -> str:
    parts = []
    if form.description:
        parts.append(tex_text(form.description))
    parts.append(environment(form_equations(form, ctx.width)))
    notes = form_notes(form, state, cite=ctx.cite,
                       ref=lambda lab: f"\\hyperref[{state['prefix']}{lab}]{{({lab})}}")
    if notes:
        parts.append("\\noindent " + " ".join(notes))
    return "\n\n".join(parts)


def form_notes(form: Any, state: dict[str, Any], *, cite: Callable[[str], str] | None = None,
               ref: Callable[[str], str] = lambda lab: f"({lab})") -> list[str]:
    """The sentences after a result in a section: symbols that differ from the section's table, the
    labelled assumptions it needs, its source, conventions not stated for the section (LaTeX text)."""
    notes = []
    table = state["symbols"]
    local = [(symbol_tex(s), tex_text(m)) for s, m in form.symbols.items()
             if table.get(symbol_tex(s), (None, tex_text(m)))[1] != tex_text(m)]
    if local:
        notes.append("Here " + "; ".join(f"${t}$: {m}" for t, m in local) + ".")
    labels = [state["labels"][a] for a in (assumption_tex(x) for x in form.assumptions) if a in state["labels"]]
    if labels:
        notes.append("Assumes " + ", ".join(ref(lab) for lab in labels) + ".")
    src = source_tex(form.paper, form.equation, cite=cite)
    if src:
        notes.append(f"Source: {src}.")
    conv = [c for c in convention_items(form.conventions) if c not in state["conventions"] and not _is_units(c)]
    if conv:
        notes.append("Conventions: " + "; ".join(conv) + ".")
    return notes


def _is_units(convention: str) -> bool:
    """True for the statement of :data:`UNITS` (stated once per document), however it was typed."""
    def norm(t: str) -> str:
        return re.sub(r"[\s{}$]", "", t)
    return norm(convention) == norm(tex_text(UNITS))


_HEADINGS = ("section", "subsection", "subsubsection", "paragraph")


def _section(sec: Section, ctx: _Context, level: int, state: dict[str, Any] | None) -> str:
    head = f"\\{_HEADINGS[min(level, 3)]}{{{sec.title}}}"
    parts = [head]
    if state is None or level == 0:
        forms = _forms(sec.items)
        table, table_tex = _symbol_table(forms)
        common, labels = _assumptions(forms)
        prefix = f"asm:{id(sec)}:"
        conventions: list[str] = []
        for f in forms:
            for c in convention_items(f.conventions):
                if c not in conventions and not _is_units(c):
                    conventions.append(c)
        state = {"symbols": table, "labels": labels, "prefix": prefix, "conventions": conventions}
        if sec.paper and bib_key(sec.paper):
            parts.append(f"\\noindent\\textbf{{Paper.}} {full_citation(sec.paper)}~{ctx.cite(sec.paper)}")
        if sec.intro:
            parts.append(sec.intro)
        if conventions:
            parts.append("\\noindent\\textbf{Conventions.} " + "; ".join(conventions) + ".")
        if table_tex:
            parts.append("\\noindent\\textbf{Symbols.}\n" + table_tex)
        if common or labels:
            text = "\\noindent\\textbf{Assumptions.}"
            if common:
                text += " Throughout: " + "; ".join(common) + "."
            if labels:
                text += (" Where stated:\n\\begin{description}\n" + "\n".join(
                    f"\\item[({lab})]\\label{{{prefix}{lab}}} {a}" for a, lab in labels.items())
                    + "\n\\end{description}")
            parts.append(text)
    elif sec.intro:
        parts.append(sec.intro)
    for it in sec.items:
        parts.append(_item_latex(it, ctx, state, level))
    return "\n\n".join(p for p in parts if p)


def section_body(sec: Section, width: float | None = None, cite: Callable[[str], str] | None = None) -> str:
    """The LaTeX of one section (``\\section{...}`` and its content), for pasting or for the docs pages."""
    ctx = _Context(width)
    if cite is not None:
        ctx.cite = cite  # type: ignore[method-assign]
    return _section(sec, ctx, 0, None)


def document(items: Sequence[Any], *, title: str = "Derived closed forms", author: str = "",
             intro: str = "", width: float | None = None, units: bool = True) -> str:
    """A complete LaTeX document (``pdflatex`` compiles it as it is).

    Parameters
    ----------
    items
        :class:`Section` objects, or closed forms (and LaTeX paragraphs) that go into one section
        titled "Results".
    title, author
        Title page fields (LaTeX text).
    intro
        A first paragraph (LaTeX source).
    width
        Line width for broken expressions (:func:`~symness.latex.breaking.tex_width` units; default
        :data:`~symness.latex.breaking.DEFAULT_WIDTH`, an 11 pt A4 page with 2.2 cm margins).
    units
        State :data:`~symness.latex.forms.UNITS` once at the start.
    """
    if isinstance(items, (str, Section)) or _is_form(items) or not isinstance(items, Iterable):
        items = [items]
    if width is not None and (isinstance(width, bool) or not isinstance(width, (int, float))
                              or not math.isfinite(width) or width < 20):
        raise InvalidParameterError(f"width = {width!r} must be a number >= 20 (about characters per line).")
    items = list(items)
    if not items:
        raise InvalidParameterError("document: nothing to write; pass a list of ClosedForm results or Sections.")
    sections: list[Section] = []
    loose: list[Any] = []
    for it in items:
        if isinstance(it, Section):
            if loose:
                sections.append(Section("Results", loose))
                loose = []
            sections.append(it)
        else:
            loose.append(it)
    if loose:
        sections.append(Section("Results", loose))
    ctx = _Context(width)
    body = [_section(s, ctx, 0, None) for s in sections]
    parts = [PREAMBLE, f"\\title{{{tex_text(title)}}}", f"\\author{{{tex_text(author)}}}", r"\date{}",
             r"\begin{document}", r"\maketitle"]
    if intro:
        parts.append(intro)
    if units:
        parts.append("\\noindent\\textbf{Units.} " + UNITS + " throughout: energies, frequencies and "
                     "temperatures are measured in one common unit.")
    parts += body
    if ctx.cited:
        parts.append(thebibliography(ctx.cited))
    parts.append(r"\end{document}")
    return "\n\n".join(parts) + "\n"


def paper_sections(progress: bool | None = False) -> list[Section]:
    """Every registered LaTeX section (:func:`symness.registry.latex_section`), one section per paper.

    ``progress`` shows a :mod:`tqdm` bar over the registered sections (``None``: when stderr is a terminal).
    """
    from ..registry import PAPERS, load_plugins, registered_sections
    from ..sweep import progress_bar

    load_plugins()
    regs = registered_sections()
    by_paper: dict[str, list[Any]] = {}
    for s in regs:
        by_paper.setdefault(s.paper or "foundation", []).append(s)
    out = []
    with progress_bar(total=len(regs), desc="latex", enabled=progress, unit="section") as bar:
        for paper, secs in by_paper.items():
            subs = []
            for s in secs:
                bar.set_postfix_str(s.key, refresh=False)
                content = s.func()
                subs.append(Section(s.title, [content] if isinstance(content, str) else list(content)))
                bar.update()
            out.append(Section(PAPERS.get(paper, paper), subs, paper=paper if paper != "foundation" else ""))
    return out


def derivations_document(progress: bool | None = False, width: float | None = None) -> str:
    """The document of ``symness latex``: every registered derivation, one section per paper."""
    from .. import __version__

    intro = (r"Every expression below is generated by the symness code from the model definitions (never "
             r"typed in) and cross-checked against independent numerics by \texttt{symness verify}.")
    return document(paper_sections(progress), title=f"symness {__version__}: derived closed forms",
                    intro=intro, width=width)
