r"""The papers symness derives: a BibTeX file shipped with the package, and citations from it.

``papers.bib`` (package data, :func:`bib_path`) holds the five papers; :data:`PAPER_KEYS`
maps the project's paper keys (``"ring4"``, ``"magnification"``, ...) to its entries.
Entries are read and formatted by :mod:`pybtex` (the ``unsrt`` style), so the LaTeX
document, the documentation pages and a user's own ``\bibliography`` agree.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["PAPER_KEYS", "bib_path", "bibtex", "bib_key", "full_citation", "short_citation",
           "thebibliography"]

#: The project's paper keys (:data:`symness.registry.PAPERS`) -> BibTeX keys of ``papers.bib``.
PAPER_KEYS: dict[str, str] = {
    "ring4": "xu2019ring",
    "magnification": "upadhyay2023magnification",
    "qubit_kernels": "fogedby2023qubits",
    "weak_coupling": "ishida2022gradient",
    "coldatom": "barfknecht2021spin",
}


def bib_path() -> Path:
    """Path of the shipped ``papers.bib`` (copy it next to a document that uses ``\\bibliography``)."""
    return Path(str(resources.files("symness.latex").joinpath("papers.bib")))


def bibtex() -> str:
    """The text of ``papers.bib``."""
    return bib_path().read_text(encoding="utf-8")


def bib_key(paper: str) -> str | None:
    """The BibTeX key of a paper key (or of a BibTeX key itself), None if it is not a shipped paper."""
    if paper in PAPER_KEYS:
        return PAPER_KEYS[paper]
    return paper if paper in _database().entries else None


@lru_cache(maxsize=1)
def _database() -> Any:
    from pybtex.database import parse_string

    return parse_string(bibtex(), "bibtex")


@lru_cache(maxsize=4)
def _formatted(backend: str) -> dict[str, str]:
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "unsrt")()
    render = find_plugin("pybtex.backends", backend)()
    return {e.key: e.text.render(render) for e in style.format_bibliography(_database()).entries}


def full_citation(paper: str, fmt: str = "latex") -> str:
    """The full reference of a paper (authors, title, journal or arXiv number, year, DOI).

    ``fmt``: ``"latex"`` (``\\newblock``-separated, as in ``thebibliography``), ``"text"`` or
    ``"markdown"``.
    """
    key = bib_key(paper)
    if key is None:
        return ""
    return _formatted(fmt)[key]


def short_citation(paper: str) -> str:
    """``Xu et al., Entropy 21, 228 (2019)`` -- plain text (no LaTeX specials), for running text."""
    key = bib_key(paper)
    if key is None:
        return paper
    e = _database().entries[key]
    people = e.persons.get("author", [])
    last = " ".join(people[0].last_names) if people else ""
    who = last if len(people) == 1 else (f"{last} and {' '.join(people[1].last_names)}" if len(people) == 2
                                         else f"{last} et al.")
    f = e.fields
    year = f.get("year", "")
    if "journal" in f:
        where = f"{f['journal']} {f.get('volume', '')}, {f.get('pages', '')} ({year})"
    elif "eprint" in f:
        where = f"arXiv:{f['eprint']} ({year})"
    else:
        where = f"{f.get('howpublished', 'preprint')} ({year})"
    return f"{who}, {where}"


def thebibliography(keys: list[str]) -> str:
    """A ``thebibliography`` environment of the given BibTeX keys, in that order (needs ``hyperref``)."""
    if not keys:
        return ""
    items = _formatted("latex")
    rows = [f"\\bibitem{{{k}}}\n{items[k]}" for k in keys]
    return "\\begin{thebibliography}{9}\n" + "\n\n".join(rows) + "\n\\end{thebibliography}"
