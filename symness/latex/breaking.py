r"""Long expressions broken for the page, the notebook and the docs alike.

A closed form of 3000 characters on one line is unreadable (and 93 cm wide in
a PDF).  :func:`layout` turns equations ``lhs = rhs`` into printed lines:

1. a *long denominator* (or one shared by several results) is named,
   ``\frac{N}{D}`` with "where :math:`D = \dots`";
2. a large subexpression that occurs more than once (:func:`sympy.cse`) is
   named likewise;
3. a sum wider than ``width`` is split between its terms over several lines,
   a product ``c\,(a + b + \dots)`` or a fraction ``N/D`` inside
   ``\Bigl(\dots\Bigr)`` brackets; a term that still does not fit is named.

Widths are estimated from the LaTeX source (:func:`tex_width`, in units of an
average math character, about 0.5 em; an 11 pt A4 line with 2.2 cm margins
holds about 70; the left-hand side and the continuation indent come off the
width).  The result is a list of :class:`Equation` (the named subexpressions
come last, as "where" rows) that :func:`aligned_rows` prints as ``align*``/``aligned`` rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter

__all__ = ["DEFAULT_WIDTH", "Equation", "tex_width", "layout", "aligned_rows"]

#: Default width of one printed line, left-hand side included (units of :func:`tex_width`; measured with
#: pdflatex: one unit is 6.2 pt on average, at most 7.3 pt, and an 11 pt A4 line with 2.2 cm margins is 472 pt).
DEFAULT_WIDTH = 64

_ZERO = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "big", "Big", "bigg", "middle",
         "displaystyle", "textstyle", "limits", "nolimits", "mathclose", "mathopen", "hphantom",
         "label", "nonumber", "notag", "begin", "end"}
_GROUP = {"text", "mathrm", "operatorname", "mathit", "mathbf", "mathtt", "textrm", "mbox", "mathbb",
          "mathcal", "mathsf", "boldsymbol", "textit", "textbf", "mathscr", "overline", "hat", "tilde", "bar",
          "vec", "dot", "ddot", "widehat", "widetilde", "underline", "check", "breve", "mathfrak"}
_SPACE = {",": 0.3, ";": 0.5, ":": 0.4, "!": -0.3, " ": 0.5, "quad": 2.0, "qquad": 4.0}
_WIDE = {"cdot": 1.4, "times": 1.8, "ldots": 2.5, "cdots": 2.5, "dots": 2.5, "to": 2.0, "rightarrow": 2.0,
         "leq": 2.0, "geq": 2.0, "neq": 2.0, "approx": 2.0, "equiv": 2.0, "sum": 1.5, "prod": 1.5, "int": 1.0,
         "infty": 1.3, "otimes": 1.8, "dagger": 0.6, "prime": 0.4, "sin": 3.0, "cos": 3.0, "tan": 3.0,
         "exp": 3.2, "log": 2.8, "ln": 2.0, "tanh": 4.0, "sinh": 4.0, "cosh": 4.0, "coth": 4.0, "max": 3.5,
         "min": 3.2, "det": 2.8, "lim": 2.6, "langle": 0.8, "rangle": 0.8, "mid": 1.2}
_CHAR = {"+": 2.0, "-": 2.0, "=": 2.2, "<": 2.2, ">": 2.2, ",": 0.6, "(": 0.7, ")": 0.7, "[": 0.6, "]": 0.6,
         "|": 0.5, "'": 0.4, " ": 0.0, "&": 0.0, "~": 0.5, ".": 0.5, "/": 0.8, "!": 0.5}


def _group(s: str, i: int) -> tuple[str, int]:
    """The brace group starting at ``s[i] == '{'``: (content, index after it)."""
    depth, j = 0, i
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == "{":
            depth += 1
        elif s[j] == "}":
            depth -= 1
            if depth == 0:
                return s[i + 1:j], j + 1
        j += 1
    return s[i + 1:], len(s)


def _atom(s: str, i: int) -> tuple[float, int]:
    """Width of the next atom (a group, a command or a character) and the index after it."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return 0.0, i
    if s[i] == "{":
        inner, j = _group(s, i)
        return tex_width(inner), j
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        name = m.group(1) if m else ""
        j = i + (len(m.group(0)) if m else 1)
        return _command(name, s, j)
    return _CHAR.get(s[i], 1.0), i + 1


def _command(name: str, s: str, j: int) -> tuple[float, int]:
    if name in ("frac", "dfrac", "tfrac", "binom"):
        a, j = _atom(s, j)
        b, j = _atom(s, j)
        return max(a, b) + 0.4, j
    if name == "sqrt":
        if j < len(s) and s[j] == "[":
            j = s.find("]", j) + 1
        a, j = _atom(s, j)
        return a + 1.2, j
    if name in ("begin", "end"):
        if j < len(s) and s[j] == "{":
            _, j = _group(s, j)
        return 0.0, j
    if name in _ZERO:
        return 0.0, j
    if name in _GROUP:
        if j < len(s) and s[j] == "{":
            inner, j = _group(s, j)
            return tex_width(inner), j
        return 1.0, j
    if name in _SPACE:
        return _SPACE[name], j
    return _WIDE.get(name, 1.0), j


def tex_width(s: str) -> float:
    """Estimated printed width of LaTeX math ``s`` (units of an average math character, about 0.5 em).

    Fractions count their wider part, scripts 0.7 of their content, ``\\left``/``\\right`` nothing.
    """
    w, i = 0.0, 0
    while i < len(s):
        c = s[i]
        if c in "^_":
            a, i = _atom(s, i + 1)
            w += 0.7 * a
            continue
        a, i = _atom(s, i)
        w += a
    return w


@dataclass
class Equation:
    """One printed equation: ``lhs`` and the right-hand side as ``lines`` (the 2nd, ... start with an operator)."""

    lhs: str
    lines: list[str]
    where: bool = False  # a named subexpression (printed after "where")


@dataclass
class _Namer:
    taken: set[str]
    defs: dict[sympy.Symbol, Any] = field(default_factory=dict)
    bases: Sequence[str] = ("S", "Q", "U", "V", "W")

    def fresh(self, base: str) -> sympy.Symbol:
        if base not in self.taken and base == "D":
            self.taken.add(base)
            return sympy.Symbol(base)
        for k in range(1, 1000):
            name = f"{base}_{k}"
            if name not in self.taken:
                self.taken.add(name)
                return sympy.Symbol(name)
        raise RuntimeError("no free name")  # pragma: no cover

    def name(self, expr: Any, base: str | None = None) -> sympy.Symbol:
        for k, v in self.defs.items():
            if v == expr:
                return k
        s = self.fresh(base or self.bases[0])
        self.defs[s] = expr
        return s


class _Breaker:
    """Splits one expression into printed lines of at most ``width`` (naming what cannot be split)."""

    def __init__(self, width: float, namer: _Namer, settings: Mapping[str, Any]):
        self.width = width
        self.namer = namer
        self.printer = LatexPrinter(dict(settings))

    def tex(self, e: Any) -> str:
        return self.printer.doprint(e)

    def lines(self, e: Any, width: float, depth: int = 0) -> list[str]:
        s = self.tex(e)
        if tex_width(s) <= width or depth > 6:
            return [s]
        if isinstance(e, sympy.Add):
            named = self._name_denominators(e, width)
            if named is not None:
                return self.lines(named, width, depth + 1)
            return self._sum(e, width, depth)
        if isinstance(e, sympy.Mul):
            out = self._product(e, width, depth)
            if out is not None:
                return out
        big = self._widest_add(e)
        if big is not None and big != e:
            sym = self.namer.name(big)
            return self.lines(e.xreplace({big: sym}), width, depth + 1)
        return [s]

    def _name_denominators(self, e: sympy.Add, width: float) -> Any:
        """The sum with its terms' long denominators named (None if there are none)."""
        repl: dict[Any, Any] = {}
        for t in e.args:
            top, core = _denominator_core(t)
            if core != 1 and not core.is_Atom and tex_width(self.tex(core)) > width / 3:
                repl[t] = top / self.namer.name(core, "D")
        return e.xreplace(repl) if repl else None

    def _widest_add(self, e: Any) -> Any:
        """The widest sum inside ``e`` (a candidate to be named), or None."""
        best, best_w = None, 0.0
        for sub in sympy.preorder_traversal(e):
            if isinstance(sub, sympy.Add) and sub is not e:
                w = tex_width(self.tex(sub))
                if w > best_w:
                    best, best_w = sub, w
        return best if best_w > 8 else None

    def _terms(self, e: sympy.Add) -> list[tuple[str, Any]]:
        """The terms of a sum in printed order as (sign, term) pairs, the first sign '' (or '-')."""
        terms = self.printer._as_ordered_terms(e)
        out = []
        for k, t in enumerate(terms):
            neg = t.could_extract_minus_sign()
            if k == 0:
                out.append(("-" if neg else "", -t if neg else t))
            else:
                out.append(("-" if neg else "+", -t if neg else t))
        return out

    def _term_tex(self, t: Any) -> str:
        s = self.tex(t)
        if isinstance(t, sympy.Add):
            s = rf"\left({s}\right)"
        return s

    def _sum(self, e: sympy.Add, width: float, depth: int) -> list[str]:
        lines: list[str] = []
        cur, cur_w = "", 0.0
        for sign, t in self._terms(e):
            s = self._term_tex(t)
            w = tex_width(s) + (2.0 if sign else 0.0)
            if w > width:  # a term wider than a line: on lines of its own
                if cur:
                    lines.append(cur)
                sub = self.lines(t, width - 2.5, depth + 1)
                sub[0] = f"{sign} {sub[0]}" if sign else sub[0]
                lines.extend(sub[:-1])
                cur, cur_w = sub[-1], tex_width(sub[-1])
                continue
            if cur and cur_w + w > width:
                lines.append(cur)
                cur, cur_w = "", 0.0
            piece = f"{sign} {s}" if sign else s
            cur = f"{cur} {piece}" if cur else piece
            cur_w += w
        if cur:
            lines.append(cur)
        return lines

    def _product(self, e: sympy.Mul, width: float, depth: int) -> list[str] | None:
        if e.could_extract_minus_sign():
            inner = self.lines(-e, width - 2, depth)
            return ["- " + inner[0]] + inner[1:]
        num, den = sympy.fraction(e)
        if den != 1:
            dtex = self.tex(den)
            if tex_width(dtex) > width / 2:
                sym = self.namer.name(den, "D")
                return self.lines(num / sym, width, depth + 1)
            body = self._bracketed(num, width - tex_width(dtex) - 3, depth)
            if body is None:
                return None
            return [rf"\frac{{1}}{{{dtex}}} " + body[0]] + body[1:]
        coeff, rest = e.as_coeff_Mul()
        factors = list(sympy.Mul.make_args(rest))
        widest = max(factors, key=lambda f: tex_width(self.tex(f)))
        base, power = (widest.base, widest.exp) if isinstance(widest, sympy.Pow) else (widest, None)
        if not isinstance(base, sympy.Add):
            return None
        others = [f for f in factors if f is not widest]
        prefix = self.tex(sympy.Mul(coeff, *others)) if (others or coeff != 1) else ""
        if tex_width(prefix) > width / 2:  # several long factors: one bracket after the other
            return self._factors(coeff, factors, width, depth)
        body = self._bracketed(base, width - tex_width(prefix) - 2, depth, power)
        if body is None:
            return None
        return [(prefix + " " + body[0]).strip()] + body[1:]

    def _factors(self, coeff: Any, factors: list[Any], width: float, depth: int) -> list[str] | None:
        r"""``c a \Bigl(sum_1\Bigr) \times \Bigl(sum_2\Bigr) ...``, each sum broken over lines."""
        def base(f: Any) -> Any:
            return f.base if isinstance(f, sympy.Pow) and f.exp.is_Integer and f.exp > 0 else f
        sums = [f for f in factors if isinstance(base(f), sympy.Add)]
        rest = [f for f in factors if not isinstance(base(f), sympy.Add)]
        lead = self.tex(sympy.Mul(coeff, *rest)) if (rest or coeff != 1) else ""
        if not sums or tex_width(lead) > width / 2:
            return None
        out: list[str] = []
        for k, f in enumerate(sums):
            power = f.exp if f is not base(f) else None
            body = self._bracketed(base(f), width - 4, depth, power)
            if body is None:
                return None
            body[0] = (lead + " " + body[0]).strip() if k == 0 else r"\times " + body[0]
            out += body
        return out

    def _bracketed(self, e: Any, width: float, depth: int, power: Any = None) -> list[str] | None:
        if not isinstance(e, sympy.Add):
            return None
        inner = self._sum(e, max(width, self.width / 2), depth + 1)
        close = r"\Bigr)" + (f"^{{{self.tex(power)}}}" if power is not None else "")
        inner[0] = r"\Bigl(" + inner[0]
        inner[-1] = inner[-1] + close
        return inner


def _scalars(e: Any) -> list[Any]:
    return list(e) if isinstance(e, sympy.MatrixBase) else [e]


def _denominator_core(e: sympy.Expr) -> tuple[Any, Any]:
    """``(numerator / c, core)`` with the denominator ``c * core`` (``c`` its numeric coefficient)."""
    num, den = sympy.fraction(e)
    c, core = den.as_coeff_Mul()
    return num / c, core


def _substitute(e: Any, common: Mapping[Any, sympy.Symbol]) -> Any:
    """``e`` with the named denominators and subexpressions replaced by their names."""
    if not isinstance(e, sympy.Basic):
        return e
    if isinstance(e, sympy.Expr) and common:
        top, core = _denominator_core(e)
        if core in common:
            e = top.xreplace(common) / common[core]
    return e.xreplace(common)


def _name_common(exprs: list[Any], width: float, namer: _Namer, printer: LatexPrinter) -> dict[Any, sympy.Symbol]:
    """Long or shared denominators and large repeated subexpressions: ``{subexpression: symbol}``."""
    tex = printer.doprint
    dens: Counter = Counter()
    for e in exprs:
        if isinstance(e, sympy.Expr):
            d = _denominator_core(e)[1]
            if d != 1 and not d.is_Atom:
                dens[d] += 1
    out: dict[Any, sympy.Symbol] = {}
    named = [d for d, n in dens.items()
             if tex_width(tex(d)) > width * 0.4 or (n >= 2 and tex_width(tex(d)) > 16)]
    for d in sorted(named, key=lambda d: -dens[d]):
        out[d] = namer.name(d, "D")
    reduced = [_substitute(e, out) for e in exprs]
    try:
        repl, _ = sympy.cse([e for e in reduced if isinstance(e, sympy.Expr)], optimizations=[], order="none",
                            symbols=sympy.numbered_symbols("_cse"))
    except Exception:  # noqa: BLE001 - naming is an optional nicety
        repl = []
    back: dict[sympy.Symbol, Any] = {}
    for sym, sub in repl:
        sub = sub.xreplace(back)
        if isinstance(sub, sympy.Add) and tex_width(tex(sub)) > 22:
            out[sub] = namer.name(sub)
        back[sym] = sub
    return out


def layout(rows: Iterable[tuple[str, Any]], *, width: float | None = None, taken: Iterable[str] = (),
           definitions: Mapping[sympy.Symbol, Any] | None = None, settings: Mapping[str, Any] | None = None,
           lazy_latex: Callable[[Any], str] | None = None) -> list[Equation]:
    """Printed equations for ``rows = [(lhs_latex, expr), ...]`` and the auxiliary ``definitions``.

    Parameters
    ----------
    rows
        Left-hand sides (LaTeX) and SymPy expressions (scalars; break matrices up first).
    width
        Line width of a right-hand side (:func:`tex_width` units; default :data:`DEFAULT_WIDTH`).
    taken
        Symbol names in use (the new names ``D``, ``S_1``, ... avoid them).
    definitions
        Auxiliary symbols defined by the caller, printed as "where" rows before the new names.
    settings
        :func:`sympy.latex` settings.
    lazy_latex
        LaTeX of a definition that is not a SymPy expression (a ``LazyDefinition`` summary line).
    """
    settings = dict(settings or {})
    rows = list(rows)
    defs = dict(definitions or {})
    namer = _Namer(set(taken) | {s.name for s in defs})
    printer = LatexPrinter(settings)
    # a row is "lhs = rhs" (continuation rows indented by \qquad): the right-hand sides get what is left
    lhs_w = max([tex_width(lhs or "") for lhs, _ in rows] + [tex_width(printer.doprint(k)) for k in defs] + [2.0])
    total = float(width or DEFAULT_WIDTH)
    width = max(total - lhs_w - 6.5, total / 2)
    exprs = [e for _, e in rows] + [v for v in defs.values() if isinstance(v, sympy.Basic)]
    too_wide = any(isinstance(e, sympy.Basic) and tex_width(printer.doprint(e)) > width for e in exprs)
    common = _name_common(exprs, width, namer, printer) if too_wide else {}
    breaker = _Breaker(width, namer, settings)
    out: list[Equation] = []
    for lhs, e in rows:
        out.append(Equation(lhs, breaker.lines(_substitute(e, common), width)))
    for k, v in defs.items():
        if isinstance(v, sympy.Basic):
            out.append(Equation(breaker.tex(k), breaker.lines(_substitute(v, common), width), where=True))
        else:
            out.append(Equation(breaker.tex(k), [lazy_latex(v) if lazy_latex else str(v)], where=True))
    # named subexpressions (a definition may use other names, and is broken in turn)
    done: set[sympy.Symbol] = set()
    while len(done) < len(namer.defs):
        for s in [s for s in namer.defs if s not in done]:
            done.add(s)
            v = namer.defs[s]
            v = _substitute(v, {k: sym for k, sym in common.items() if k != v})
            out.append(Equation(breaker.tex(s), breaker.lines(v, width), where=True))
    return out


def aligned_rows(eqs: Sequence[Equation], *, intertext: bool = False) -> str:
    """``align*``/``aligned`` rows: ``lhs &= line`` then ``&\\qquad line`` continuation rows.

    The "where" rows follow a row ``&\\text{where}`` (``\\intertext{where}`` if ``intertext``: amsmath
    only, not MathJax).
    """
    text = ""
    started_where = False
    for eq in eqs:
        if eq.where and not started_where:
            started_where = True
            if text:
                text += ","
            if intertext:
                text += " \\\\\n\\intertext{where}\n"
            else:
                text += " \\\\\n&\\text{where} \\\\\n"
        elif text:
            text += " \\\\\n"
        text += f"{eq.lhs} &= {eq.lines[0]}" if eq.lhs else f"&{eq.lines[0]}"
        for ln in eq.lines[1:]:
            text += f" \\\\\n&\\qquad {{}}{ln}"
    return text
