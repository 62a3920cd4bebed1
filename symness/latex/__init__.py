r"""LaTeX for physicists: the one place that renders closed forms, documents and citations.

Used alike by :class:`~symness.closedform.ClosedForm` (``.latex()``, ``.latex_block()``,
Jupyter's ``_repr_latex_``, ``sympy.latex(form)``), by ``symness latex`` and by the
documentation.  Physics modules hand it structured data -- SymPy expressions,
symbols with their meaning, assumptions, conventions and provenance as LaTeX text
(prose with ``$...$`` math) -- never preformatted blocks.

* :func:`document` -- a complete document of your own results (``pdflatex`` compiles it);
  :class:`Section` groups them; :func:`derivations_document` is ``symness latex``.
* :mod:`~symness.latex.breaking` -- long expressions broken for the page: long or shared
  denominators and repeated subexpressions named ("where :math:`D = \dots`"), sums split over
  lines at :data:`DEFAULT_WIDTH`.
* :mod:`~symness.latex.bib` -- the papers (``papers.bib``, shipped), :func:`full_citation`.
* :func:`tex_text` (escaping, via :mod:`pylatexenc`), :func:`scientific` (``5.7\times10^{-15}``).
"""

from .bib import PAPER_KEYS, bib_path, bibtex, full_citation, short_citation, thebibliography
from .breaking import DEFAULT_WIDTH, Equation, layout, tex_width
from .document import PREAMBLE, Section, derivations_document, document, paper_sections, section_body
from .forms import UNITS
from .text import scientific, tex_text

__all__ = [
    "document", "Section", "derivations_document", "paper_sections", "section_body", "PREAMBLE", "UNITS",
    "DEFAULT_WIDTH", "Equation", "layout", "tex_width",
    "PAPER_KEYS", "bib_path", "bibtex", "full_citation", "short_citation", "thebibliography",
    "tex_text", "scientific",
]
