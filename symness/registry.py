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
import math
import pkgutil
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
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
    "select_checks",
    "iter_checks",
    "run_checks",
    "parse_point",
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
    the comparison passes when it is ``<= tol``.  ``point`` names the
    parameter point, either as a mapping ``{"T_L": 2.0, ...}`` or as text
    ``"T_L=2, T_R=0.5"`` (parsed by :func:`parse_point` for the JSON output).
    """

    quantity: str
    closed_form: complex | float
    numeric: complex | float
    tol: float
    point: str | Mapping[str, Any] = ""
    atol: float = 1e-300
    note: str = ""

    @property
    def point_text(self) -> str:
        """The point as ``name=value, ...`` text (as given, when given as text)."""
        if isinstance(self.point, Mapping):
            return ", ".join(f"{k}={_short(v)}" for k, v in self.point.items())
        return str(self.point)

    @property
    def point_fields(self) -> dict[str, Any]:
        """The point as a mapping (text points parsed by :func:`parse_point`)."""
        if isinstance(self.point, Mapping):
            return {str(k): _jsonable(v) for k, v in self.point.items()}
        return parse_point(str(self.point))

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
    func: Callable[[], Any]  # LaTeX source, or a list of ClosedForms and LaTeX paragraphs
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
                  ) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Decorator registering a document section: ``func()`` returns its content.

    The content is a list of :class:`~symness.closedform.ClosedForm` results and paragraphs of LaTeX
    source (``str``), in order (or one ``str``).  ``symness latex`` (:mod:`symness.latex`) states the
    symbols, assumptions and conventions of a paper's results once, at the start of its section.
    """
    def deco(func: Callable[[], Any]) -> Callable[[], Any]:
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


def select_checks(checks: Iterable[CrossCheck] | None = None, *, quick: bool = False,
                  select: str | None = None) -> list[CrossCheck]:
    """The checks a run would execute: ``select`` matches name or paper key (case-insensitive substring);
    ``quick`` keeps only the checks registered with ``quick=True``."""
    todo = list(checks) if checks is not None else registered_checks()
    if select:
        key = select.lower()
        todo = [c for c in todo if key in c.name.lower() or key in c.paper.lower()]
    if quick:
        todo = [c for c in todo if c.quick]
    return todo


def run_one(chk: CrossCheck, *, quick: bool = False) -> CheckOutcome:
    """Run one cross-check; an exception becomes a failed outcome (never lost)."""
    t0 = time.perf_counter()
    out = CheckOutcome(chk)
    try:
        out.comparisons = list(chk.func(quick))
        if not out.comparisons:
            out.error = "the check produced no comparisons"
    except Exception as exc:  # noqa: BLE001 - reported, and the run fails
        out.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    out.seconds = time.perf_counter() - t0
    return out


def iter_checks(checks: Iterable[CrossCheck] | None = None, *, quick: bool = False,
                select: str | None = None) -> Iterator[CheckOutcome]:
    """Run cross-checks one by one, yielding each outcome as soon as it is known."""
    for chk in select_checks(checks, quick=quick, select=select):
        yield run_one(chk, quick=quick)


def run_checks(checks: Iterable[CrossCheck] | None = None, *, quick: bool = False,
               select: str | None = None) -> list[CheckOutcome]:
    """Run cross-checks; exceptions become failed outcomes (never lost)."""
    return list(iter_checks(checks, quick=quick, select=select))


def _short(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _value(text: str) -> Any:
    t = text.strip()
    if re.fullmatch(r"[-+]?\d+", t):
        return int(t)
    if _NUMBER.fullmatch(t):
        return float(t)
    inner = t[1:-1] if t[:1] in "[(" and t[-1:] in "])" else t
    parts = [q.strip() for q in inner.split(",")]
    if len(parts) > 1 and all(_NUMBER.fullmatch(q) for q in parts):
        return [_value(q) for q in parts]
    return t


def _top_level_split(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for i, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and ch in ",;" and text[i + 1:i + 2] == " ":
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def parse_point(text: str) -> dict[str, Any]:
    """A point label ``"T_L=2, T_R=0.5; ring4"`` as ``{"T_L": 2, "T_R": 0.5, "label": "ring4"}``.

    Separators are ``", "`` and ``"; "`` outside brackets; ``name=value``
    segments become entries (numbers as numbers, ``1,2,3`` or ``[1, 2]`` as
    lists), the other segments are joined into ``"label"``.
    """
    out: dict[str, Any] = {}
    labels = []
    for seg in _top_level_split(text):
        key, eq, val = seg.partition("=")
        if not eq or not key.strip() or any(c in key for c in "([{"):
            labels.append(seg)
            continue
        name, k = key.strip(), 2
        while name in out or name == "label":
            name, k = f"{key.strip()}#{k}", k + 1
        out[name] = _value(val)
    if labels:
        out["label"] = "; ".join(labels)
    return out


def _jsonable(x: Any) -> Any:
    """A number for JSON: floats (non-finite ones as the strings "nan", "inf", "-inf"), [re, im] for complex."""
    if isinstance(x, (str, bool)) or x is None:
        return x
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    try:
        c = complex(x)
    except (TypeError, ValueError):
        return str(x)
    if c.imag != 0:
        return [_jsonable(c.real), _jsonable(c.imag)]
    v = c.real
    if math.isfinite(v):
        return int(v) if isinstance(x, int) else v
    return "nan" if v != v else ("inf" if v > 0 else "-inf")
