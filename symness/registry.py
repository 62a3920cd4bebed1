"""Registry of cross-checks (for ``symness verify``) and LaTeX sections (``symness latex``).

Physics modules register themselves without touching the CLI: add a module
``symness/checks/<area>.py`` that uses the decorators below; every module in
the :mod:`symness.checks` package is imported by :func:`load_plugins`.

A cross-check is a function ``check(quick: bool) -> Iterable[Comparison]``: it
compares a closed form against an *independent* numeric computation at the
papers' parameter points and at seeded random points (fewer when ``quick``).

>>> from symness.registry import cross_check, Comparison
>>> @cross_check("demo", paper="none", equation="(1)", register=False)
... def demo(quick):
...     yield Comparison("1+1", 2.0, 2.0, tol=1e-15)
"""

from __future__ import annotations

import importlib
import pkgutil
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Comparison",
    "CrossCheck",
    "CheckOutcome",
    "LatexSection",
    "FigureSpec",
    "figure",
    "registered_figures",
    "cross_check",
    "latex_section",
    "registered_checks",
    "registered_sections",
    "load_plugins",
    "run_checks",
    "PAPERS",
]

#: Paper keys (file names in shared/papers without .txt) and their titles.
PAPERS: dict[str, str] = {
    "foundation": "Conventions and foundations",
    "ring4": "Heat and spin currents in a four-spin XXZ ring (Redfield)",
    "magnification": "Heat current magnification in classical and quantum spin networks",
    "qubit_kernels": "Heat currents in qubit systems (Fogedby)",
    "weak_coupling": "Weak-coupling perturbation hierarchy and temperature gradients",
    "coldatom": "Spin current from a temperature gradient in a cold-atom chain",
}


@dataclass
class Comparison:
    """One closed-form value compared with one independent numeric value.

    The relative error is ``|closed - numeric| / max(|numeric|, atol)``;
    the comparison passes when it is ``<= tol``.
    """

    quantity: str
    closed_form: complex | float
    numeric: complex | float
    tol: float
    point: str = ""
    atol: float = 1e-300
    note: str = ""

    @property
    def rel_error(self) -> float:
        a, b = complex(self.closed_form), complex(self.numeric)
        if not (abs(a) < float("inf") and abs(b) < float("inf")) or a != a or b != b:
            return float("inf")
        return abs(a - b) / max(abs(b), self.atol)

    @property
    def passed(self) -> bool:
        return bool(self.rel_error <= self.tol)  # plain bool (numpy tol gives np.bool_, not JSON-serialisable)


@dataclass
class CrossCheck:
    name: str
    paper: str
    equation: str
    func: Callable[[bool], Iterable[Comparison]]
    description: str = ""
    quick: bool = True  # included in --quick runs


@dataclass
class CheckOutcome:
    check: CrossCheck
    comparisons: list[Comparison] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.error and bool(self.comparisons) and all(c.passed for c in self.comparisons)


@dataclass
class LatexSection:
    key: str
    title: str
    paper: str
    func: Callable[[], str]
    order: int = 100


@dataclass
class FigureSpec:
    """A reproduced paper figure: ``func(outdir: pathlib.Path) -> list of written paths``.

    Each figure function writes ``outdir/<area>/<key>.png`` and
    ``outdir/<area>/<key>.txt`` (the caption, with every difference from the
    paper noted); ``symness figures -o docs/figures`` refreshes ``docs/figures``.
    """

    key: str
    paper: str
    caption: str
    func: Callable[[Any], list[Any]]


_CHECKS: dict[str, CrossCheck] = {}
_SECTIONS: dict[str, LatexSection] = {}
_FIGURES: dict[str, FigureSpec] = {}


CheckFunc = Callable[[bool], Iterable[Comparison]]


def cross_check(name: str, *, paper: str, equation: str, description: str = "",
                quick: bool = True, register: bool = True) -> Callable[[CheckFunc], CheckFunc]:
    """Decorator registering ``func(quick) -> Iterable[Comparison]`` as a cross-check."""
    def deco(func: CheckFunc) -> CheckFunc:
        if register:
            doc = description or (func.__doc__ or "").strip().split("\n")[0]
            _CHECKS[name] = CrossCheck(name, paper, equation, func, doc, quick)
        return func
    return deco


def latex_section(key: str, *, title: str, paper: str = "", order: int = 100
                  ) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Decorator registering ``func() -> str`` (a LaTeX body) as a document section."""
    def deco(func: Callable[[], str]) -> Callable[[], str]:
        _SECTIONS[key] = LatexSection(key, title, paper, func, order)
        return func
    return deco


def figure(key: str, *, paper: str, caption: str
           ) -> Callable[[Callable[[Any], list[Any]]], Callable[[Any], list[Any]]]:
    """Decorator registering a figure reproduction for ``symness figures``."""
    def deco(func: Callable[[Any], list[Any]]) -> Callable[[Any], list[Any]]:
        _FIGURES[key] = FigureSpec(key, paper, caption, func)
        return func
    return deco


def registered_figures() -> list[FigureSpec]:
    return list(_FIGURES.values())


def load_plugins() -> list[str]:
    """Import every module of :mod:`symness.checks`; returns their names."""
    import symness.checks as pkg

    names = []
    for mod in pkgutil.iter_modules(pkg.__path__):
        if mod.name.startswith("_"):
            continue
        importlib.import_module(f"{pkg.__name__}.{mod.name}")
        names.append(mod.name)
    return names


def registered_checks() -> list[CrossCheck]:
    return list(_CHECKS.values())


def registered_sections() -> list[LatexSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def run_checks(checks: Iterable[CrossCheck] | None = None, *, quick: bool = False,
               select: str | None = None) -> list[CheckOutcome]:
    """Run cross-checks; exceptions become failed outcomes (never lost)."""
    todo = list(checks) if checks is not None else registered_checks()
    if quick:
        todo = [c for c in todo if c.quick]
    if select:
        todo = [c for c in todo if select in c.name or select in c.paper]
    outcomes = []
    for chk in todo:
        t0 = time.perf_counter()
        out = CheckOutcome(chk)
        try:
            out.comparisons = list(chk.func(quick))
            if not out.comparisons:
                out.error = "the check produced no comparisons"
        except Exception as exc:  # noqa: BLE001 - reported, and the run fails
            out.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        out.seconds = time.perf_counter() - t0
        outcomes.append(out)
    return outcomes


def _jsonable(x: Any) -> Any:
    if isinstance(x, complex):
        return x.real if x.imag == 0 else [x.real, x.imag]
    try:
        return float(x)
    except (TypeError, ValueError):
        return str(x)
