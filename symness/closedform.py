r"""Closed-form results: SymPy expressions with meaning, LaTeX and safe numerics.

A :class:`ClosedForm` wraps one SymPy expression, a SymPy matrix, or a mapping
``name -> expression`` together with

* the meaning of each symbol (``{T_L: "left bath temperature"}``),
* the assumptions under which it was derived,
* where it comes from (paper, equation) and the conventions it uses.

It renders as LaTeX (``.latex()``, and in Jupyter via ``_repr_latex_``) and
turns into a fast vectorised numeric function with :meth:`ClosedForm.lambdify`.

Numerics that hold everywhere
-----------------------------
The function returned by :meth:`lambdify` evaluates with NumPy, special
functions (Bessel, ...) with SciPy (common subexpressions eliminated) under
``np.errstate(over/invalid/divide="raise")``.
Points where float64 overflows or produces NaN -- e.g. :math:`e^{E/T}` at low
temperature -- are located by bisection and re-evaluated with mpmath at
``mp_dps`` digits, whose exponent range is unbounded; the result is then
finite and accurate wherever the exact value is.  If even the exact value is
not finite, :class:`~symness.errors.EvaluationError` is raised naming the
point (never a silent NaN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import mpmath
import numpy as np
import sympy

from .errors import InvalidParameterError, SymnessError

__all__ = ["ClosedForm", "NumericFunction", "EvaluationError"]


class EvaluationError(SymnessError, ArithmeticError):
    """A closed form is not finite at a requested point, even in exact arithmetic."""


def _is_mapping(expr: Any) -> bool:
    return isinstance(expr, Mapping)


def _sympify(expr: Any) -> Any:
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr)
    if isinstance(expr, (list, tuple)):
        return sympy.ImmutableMatrix(expr)
    if expr is None:
        raise InvalidParameterError("ClosedForm needs an expression, got None.")
    try:
        return sympy.sympify(expr)
    except sympy.SympifyError as exc:
        raise InvalidParameterError(
            f"ClosedForm: cannot read {expr!r} as a SymPy expression ({exc.__class__.__name__}); "
            "pass a SymPy expression, matrix or a mapping of them.") from None


class ClosedForm:
    r"""A derived closed-form result.

    Parameters
    ----------
    expr
        A SymPy expression, a SymPy matrix (or nested list), or a mapping
        ``key -> expression`` (e.g. ``{"A": q_A, "B": q_B}``).
    symbols
        Mapping ``Symbol -> meaning`` (with units).  Its order is the default
        argument order of :meth:`lambdify`; free symbols not listed are
        appended in alphabetical order.
    name
        LaTeX name of the quantity (e.g. ``r"q^A"``); for a mapping, the keys
        are used (a key ``"A"`` renders as ``name_{A}`` if ``name`` is given).
    assumptions
        Human-readable assumptions (``"T_L, T_R > 0"``, ``"lambda < sqrt(w1 w2)"``).
    paper, equation
        Source of the result (paper key and equation numbers).
    conventions
        Units and conventions the result uses.
    description
        One sentence on what the result is.
    """

    def __init__(self, expr: Any, symbols: Mapping[sympy.Symbol, str] | None = None, *,
                 name: str = "", assumptions: Iterable[str] = (), paper: str = "",
                 equation: str = "", conventions: str = "", description: str = ""):
        if isinstance(expr, ClosedForm):
            expr = expr.expr
        if _is_mapping(expr):
            self._expr: Any = {str(k): _sympify(v) for k, v in expr.items()}
        else:
            self._expr = _sympify(expr)
        self.symbols: dict[sympy.Symbol, str] = dict(symbols or {})
        self.name = name
        self.assumptions = list(assumptions)
        self.paper = paper
        self.equation = equation
        self.conventions = conventions
        self.description = description

    # ----------------------------------------------------------------- structure
    @property
    def expr(self) -> Any:
        """The SymPy expression, matrix, or dict of them."""
        return self._expr

    @property
    def is_mapping(self) -> bool:
        return isinstance(self._expr, dict)

    def keys(self) -> list[str]:
        if not self.is_mapping:
            raise TypeError("this ClosedForm is a single expression, not a mapping.")
        return list(self._expr)

    def __getitem__(self, key: Any) -> ClosedForm:
        if self.is_mapping:
            sub = self._expr[str(key)]
            name = f"{self.name}_{{{key}}}" if self.name else str(key)
        else:
            sub = self._expr[key]
            name = f"{self.name}_{{{key}}}" if self.name else ""
        return self._derive(sub, name=name)

    def _exprs(self) -> list[Any]:
        return list(self._expr.values()) if self.is_mapping else [self._expr]

    @property
    def free_symbols(self) -> set[sympy.Symbol]:
        out: set[sympy.Symbol] = set()
        for e in self._exprs():
            out |= e.free_symbols
        return out

    @property
    def args(self) -> list[sympy.Symbol]:
        """Default argument order: documented symbols first, then the rest by name."""
        free = self.free_symbols
        ordered = [s for s in self.symbols if s in free]
        rest = sorted(free - set(ordered), key=lambda s: s.name)
        return ordered + rest

    def _derive(self, expr: Any, **changes: Any) -> ClosedForm:
        kw = dict(symbols=self.symbols, name=self.name, assumptions=self.assumptions,
                  paper=self.paper, equation=self.equation, conventions=self.conventions,
                  description=self.description)
        kw.update(changes)
        return ClosedForm(expr, **kw)

    def map(self, func: Callable[[Any], Any], **changes: Any) -> ClosedForm:
        """Apply ``func`` to every expression (element-wise for matrices)."""
        def one(e: Any) -> Any:
            if isinstance(e, sympy.MatrixBase):
                return e.applyfunc(func)
            return func(e)
        new = {k: one(v) for k, v in self._expr.items()} if self.is_mapping else one(self._expr)
        return self._derive(new, **changes)

    # ----------------------------------------------------------------- algebra
    def subs(self, *args: Any, **kwargs: Any) -> ClosedForm:
        """Substitute (as ``sympy.Expr.subs``); keyword names refer to symbol names."""
        if kwargs:
            by_name = {s.name: s for s in self.free_symbols}
            unknown = [k for k in kwargs if k not in by_name]
            if unknown:
                raise InvalidParameterError(
                    f"no symbol named {unknown} in this closed form; symbols: "
                    f"{sorted(by_name)}")
            args = args + ({by_name[k]: v for k, v in kwargs.items()},)
        out = self
        for a in args:
            out = out.map(lambda e, a=a: e.subs(a))
        return out

    def simplify(self, **kwargs: Any) -> ClosedForm:
        """``sympy.simplify`` every expression."""
        return self.map(lambda e: sympy.simplify(e, **kwargs))

    def factor(self) -> ClosedForm:
        return self.map(sympy.factor)

    def series(self, x: sympy.Symbol, x0: Any = 0, n: int = 3, dir: str = "+",
               remove_order: bool = True) -> ClosedForm:
        """Series of every expression in ``x`` about ``x0`` to order ``n`` (exclusive)."""
        def one(e: Any) -> Any:
            s = sympy.series(e, x, x0, n, dir)
            return s.removeO() if remove_order else s
        note = f"series in {x} about {x0} to O(({x}-{x0})^{n})" if x0 != 0 else \
            f"series in {x} to O({x}^{n})"
        return self.map(one, assumptions=self.assumptions + [note])

    def limit(self, x: sympy.Symbol, x0: Any, dir: str = "+") -> ClosedForm:
        """Limit of every expression as ``x -> x0``."""
        return self.map(lambda e: sympy.limit(e, x, x0, dir),
                        assumptions=self.assumptions + [f"limit {x} -> {x0}"])

    # ----------------------------------------------------------------- LaTeX
    def latex(self, **kwargs: Any) -> str:
        """LaTeX source (``equation*``/``align*`` body without the environment)."""
        def tex(e: Any) -> str:
            return sympy.latex(e, **kwargs)
        if self.is_mapping:
            rows = []
            for k, v in self._expr.items():
                lhs = f"{self.name}_{{{_tex_key(k)}}}" if self.name else _tex_key(k)
                rows.append(f"{lhs} &= {tex(v)}")
            return " \\\\\n".join(rows)
        lhs = f"{self.name} = " if self.name else ""
        return lhs + tex(self._expr)

    def latex_block(self) -> str:
        """A self-contained LaTeX block: the equation(s), symbols, assumptions, source."""
        env = "align*" if self.is_mapping else "equation*"
        body = self.latex()
        parts = []
        if self.description:
            parts.append(_tex_escape(self.description))
        parts.append(f"\\begin{{{env}}}\n{body}\n\\end{{{env}}}")
        if self.symbols:
            items = ", ".join(f"${sympy.latex(s)}$: {_tex_escape(m)}" for s, m in self.symbols.items())
            parts.append(f"\\noindent Symbols: {items}.")
        if self.assumptions:
            parts.append("\\noindent Assumptions: " + "; ".join(
                _tex_escape(a) for a in self.assumptions) + ".")
        src = ", ".join(x for x in (self.paper, self.equation) if x)
        if src:
            parts.append(f"\\noindent Source: {_tex_escape(src)}.")
        if self.conventions:
            parts.append(f"\\noindent Conventions: {_tex_escape(self.conventions)}.")
        return "\n\n".join(parts)

    def _repr_latex_(self) -> str:
        if self.is_mapping:
            return "$\\begin{aligned}" + self.latex() + "\\end{aligned}$"
        return "$\\displaystyle " + self.latex() + "$"

    def __repr__(self) -> str:
        head = f"ClosedForm({self.name or ''}"
        if self.is_mapping:
            return head + f" keys={self.keys()})"
        return head + f" {sympy.sstr(self._expr)[:200]})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ClosedForm):
            return self._expr == other._expr
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    # ----------------------------------------------------------------- numerics
    def lambdify(self, args: Sequence[sympy.Symbol | str] | None = None, *, mp_dps: int = 50,
                 nonfinite: str = "raise") -> NumericFunction:
        """A vectorised, broadcasting numeric function of this closed form.

        Parameters
        ----------
        args
            Argument order (symbols or their names); default :attr:`args`.
            Every free symbol must be listed.
        mp_dps
            Decimal digits of the mpmath fallback used where float64 overflows.
        nonfinite
            ``"raise"`` (default): raise :class:`EvaluationError` where the exact
            value is not finite; ``"keep"``: return ``inf``/``nan`` there.
        """
        if args is None:
            args = self.args
        by_name = {s.name: s for s in self.free_symbols}
        syms = [by_name.get(a, sympy.Symbol(a)) if isinstance(a, str) else a for a in args]
        missing = self.free_symbols - set(syms)
        if missing:
            raise InvalidParameterError(
                f"lambdify: free symbols {sorted(map(str, missing))} are not among the arguments "
                f"{[str(s) for s in syms]}; pass them in args= or substitute values first.")
        return NumericFunction(self, syms, mp_dps=mp_dps, nonfinite=nonfinite)

    def evaluate(self, values: Mapping[Any, Any] | None = None, dps: int = 30, **kw: Any) -> Any:
        """Exact/high-precision value at one point (mpmath, ``dps`` digits), as float/complex."""
        if isinstance(dps, bool) or not isinstance(dps, (int, np.integer)) or dps < 1:
            raise InvalidParameterError(f"dps = {dps!r} must be a positive integer (decimal digits).")
        vals = dict(values or {})
        vals.update(kw)
        by_name = {s.name: s for s in self.free_symbols}
        subs = {}
        for k, v in vals.items():
            if isinstance(k, str) and k not in by_name:
                raise InvalidParameterError(
                    f"evaluate: {k!r} is not a free symbol of this closed form; its symbols are "
                    f"{sorted(by_name)}.")
            try:
                # a Python float becomes a dps-digit Float holding its exact binary value: a plain
                # sympify gives 15 digits, at which functions that evaluate on Float arguments
                # (Bose, BoseDifference, ...) would be computed -- not at ``dps`` digits
                val = (sympy.Float(v, dps) if isinstance(v, (float, np.floating)) and not isinstance(v, bool)
                       else sympy.sympify(v, strict=True))
            except (sympy.SympifyError, TypeError):
                raise InvalidParameterError(
                    f"evaluate: the value of {k} must be a number or a SymPy expression, got "
                    f"{v!r}.") from None
            subs[by_name[k] if isinstance(k, str) else k] = val
        missing = self.free_symbols - set(subs)
        if missing:
            raise InvalidParameterError(
                f"evaluate: no value for {sorted(map(str, missing))}; pass them in values= "
                "(or as keyword arguments).")

        def num(x: Any) -> Any:
            v = x.subs(subs).evalf(dps)
            try:
                out = _to_py(v)
            except TypeError:
                raise EvaluationError(
                    f"evaluate: the closed form does not reduce to a number at {vals} "
                    f"(got {v}); pass values for every symbol.") from None
            if not np.isfinite(out):
                raise EvaluationError(
                    f"the closed form is not finite at {vals} ({dps}-digit arithmetic); the "
                    "expression is singular there -- take a limit (ClosedForm.limit) or avoid "
                    "the point.")
            return out

        def one(e: Any) -> Any:
            if isinstance(e, sympy.MatrixBase):
                return np.array([[num(x) for x in e.row(i)] for i in range(e.rows)])
            return num(e)
        if self.is_mapping:
            return {k: one(v) for k, v in self._expr.items()}
        return one(self._expr)


def _to_py(x: sympy.Expr) -> float | complex:
    c = complex(x)
    return c.real if c.imag == 0 else c


def _tex_key(k: str) -> str:
    return f"\\mathrm{{{k}}}" if len(k) > 1 and k.isalpha() else k


def _tex_escape(s: str) -> str:
    """Escape LaTeX special characters in plain text (``$...$`` math is kept)."""
    pieces = s.split("$")
    for i in range(0, len(pieces), 2):  # even pieces are text, odd are math
        p = pieces[i]
        for a, b in (("&", "\\&"), ("%", "\\%"), ("#", "\\#"), ("_", "\\_"),
                     ("~", "\\textasciitilde{}"), ("^", "\\textasciicircum{}")):
            p = p.replace(a, b)
        pieces[i] = p
    return "$".join(pieces)


class NumericFunction:
    """Callable produced by :meth:`ClosedForm.lambdify`.

    Call with positional arguments in :attr:`args` order or keywords by symbol
    name; inputs broadcast like NumPy.  Returns a float / array for a scalar
    form, an array of shape ``(*broadcast, m, n)`` for a matrix, a ``dict`` for
    a mapping.
    """

    def __init__(self, form: ClosedForm, args: list[sympy.Symbol], *, mp_dps: int = 50,
                 nonfinite: str = "raise"):
        if nonfinite not in ("raise", "keep"):
            raise InvalidParameterError("nonfinite must be 'raise' or 'keep'.")
        if isinstance(mp_dps, bool) or not isinstance(mp_dps, (int, np.integer)) or mp_dps < 1:
            raise InvalidParameterError(
                f"mp_dps = {mp_dps!r} must be a positive integer (decimal digits).")
        self.form = form
        self.args = list(args)
        self.mp_dps = mp_dps
        self.nonfinite = nonfinite
        # flatten the form to a list of scalar expressions + a recipe to rebuild it
        self._layout: list[tuple[Any, tuple[int, ...]]] = []
        flat: list[sympy.Expr] = []
        items = form.expr.items() if form.is_mapping else [(None, form.expr)]
        for key, e in items:
            if isinstance(e, sympy.MatrixBase):
                self._layout.append((key, e.shape))
                flat.extend(list(e))
            else:
                self._layout.append((key, ()))
                flat.append(e)
        self._flat = flat
        self._np = sympy.lambdify(self.args, flat, modules=["scipy", "numpy"], cse=True)
        self._mp: Callable[..., Any] | None = None
        #: number of points evaluated by the mpmath fallback (diagnostic)
        self.fallback_count = 0

    def __repr__(self) -> str:
        return f"NumericFunction({', '.join(map(str, self.args))})"

    def _inputs(self, a: tuple[Any, ...], kw: Mapping[str, Any]) -> list[np.ndarray]:
        names = [s.name for s in self.args]
        if len(a) > len(names):
            raise InvalidParameterError(f"expected at most {len(names)} arguments {names}.")
        vals: dict[str, Any] = dict(zip(names, a))
        for k, v in kw.items():
            if k not in names:
                raise InvalidParameterError(f"unknown argument {k!r}; arguments are {names}.")
            if k in vals:
                raise InvalidParameterError(f"argument {k!r} given twice.")
            vals[k] = v
        missing = [n for n in names if n not in vals]
        if missing:
            raise InvalidParameterError(f"missing arguments {missing}; arguments are {names}.")
        out = [np.asarray(vals[n]) for n in names]
        for n, x in zip(names, out):
            if x.dtype.kind not in "biufc":
                raise InvalidParameterError(
                    f"argument {n} = {vals[n]!r} is not numeric; pass numbers or numpy arrays.")
        return out

    def __call__(self, *a: Any, **kw: Any) -> Any:
        inputs = self._inputs(a, kw)
        shape = np.broadcast_shapes(*(x.shape for x in inputs)) if inputs else ()
        cols = [np.broadcast_to(x, shape).reshape(-1) for x in inputs]
        npts = int(np.prod(shape)) if shape else 1
        is_complex = any(np.iscomplexobj(c) for c in cols)
        out = np.empty((len(self._flat), npts), dtype=complex)
        self._fill(cols, np.arange(npts), out)
        if not is_complex and np.all(out.imag == 0):
            res: np.ndarray = out.real
        else:
            res = out
        bad = ~np.isfinite(res)
        if np.any(bad) and self.nonfinite == "raise":
            j = int(np.argwhere(bad.any(axis=0))[0, 0])
            point = {s.name: cols[i][j].item() for i, s in enumerate(self.args)}
            raise EvaluationError(
                f"the closed form is not finite at {point} (also in {self.mp_dps}-digit "
                "arithmetic); the expression is singular there -- take a limit (ClosedForm.limit) "
                "or avoid the point, or lambdify(..., nonfinite='keep').")
        return self._assemble(res, shape)

    def _assemble(self, res: np.ndarray, shape: tuple[int, ...]) -> Any:
        outs: dict[Any, Any] = {}
        pos = 0
        for key, mshape in self._layout:
            size = int(np.prod(mshape)) if mshape else 1
            block = res[pos:pos + size]
            pos += size
            if mshape:
                val = np.moveaxis(block.reshape(mshape + shape), (0, 1), (-2, -1))
            else:
                val = block[0].reshape(shape)
                if not shape:
                    val = val.item()
            outs[key] = val
        if self.form.is_mapping:
            return outs
        return outs[None]

    def _fast(self, cols: list[np.ndarray], idx: np.ndarray) -> list[np.ndarray]:
        sub = [c[idx] for c in cols]
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            vals = self._np(*sub)
        outs = []
        for v in vals:
            v = np.broadcast_to(np.asarray(v), idx.shape)
            if not np.all(np.isfinite(v)):
                raise FloatingPointError("non-finite value")
            outs.append(v)
        return outs

    def _fill(self, cols: list[np.ndarray], idx: np.ndarray, out: np.ndarray) -> None:
        """Evaluate at points ``idx``; bisect down to single points on float trouble."""
        if idx.size == 0:
            return
        try:
            vals = self._fast(cols, idx)
        except (FloatingPointError, ZeroDivisionError, OverflowError):
            if idx.size == 1:
                out[:, idx[0]] = self._exact(cols, idx[0])
                return
            h = idx.size // 2
            self._fill(cols, idx[:h], out)
            self._fill(cols, idx[h:], out)
            return
        for k, v in enumerate(vals):
            out[k, idx] = v

    def _exact(self, cols: list[np.ndarray], j: int) -> np.ndarray:
        self.fallback_count += 1
        if self._mp is None:
            self._mp = sympy.lambdify(self.args, self._flat, modules="mpmath")
        with mpmath.workdps(self.mp_dps):
            point = [mpmath.mpmathify(c[j].item()) for c in cols]
            try:
                vals = self._mp(*point)
            except ZeroDivisionError:
                return np.full(len(self._flat), np.nan, dtype=complex)
            return np.array([complex(v) if np.isfinite(complex(v)) else np.nan for v in vals],
                            dtype=complex)
