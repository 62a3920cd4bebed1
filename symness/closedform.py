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

__all__ = ["ClosedForm", "NumericFunction", "NumericBackend", "LazyDefinition", "EvaluationError"]


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
    definitions
        Auxiliary symbols and their definitions, in order (a definition may use
        the model's parameters and earlier auxiliary symbols): Bohr frequencies,
        mixing amplitudes, rate symbols, named sub-expressions.  They are printed
        as "where ..." rows, are *not* arguments of :meth:`lambdify` (they are
        computed inside) and :meth:`explicit` substitutes them.
    numeric
        Optional numeric implementation (see :class:`NumericBackend`) used by
        :meth:`lambdify` instead of SymPy's code generation -- for derived
        results too large to print as one expression.
    """

    def __init__(self, expr: Any, symbols: Mapping[sympy.Symbol, str] | None = None, *,
                 name: str = "", assumptions: Iterable[str] = (), paper: str = "",
                 equation: str = "", conventions: str = "", description: str = "",
                 definitions: Mapping[sympy.Symbol, Any] | None = None,
                 numeric: NumericBackend | None = None):
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
        self.definitions: dict[sympy.Symbol, Any] = {}
        for k, v in (definitions or {}).items():
            if not isinstance(k, sympy.Symbol):
                raise InvalidParameterError(f"ClosedForm: a definition's key must be a SymPy symbol, got {k!r}.")
            self.definitions[k] = v if isinstance(v, LazyDefinition) else _sympify(v)
        self.numeric = numeric

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
        numeric = None
        if self.is_mapping:
            sub = self._expr[str(key)]
            name = f"{self.name}_{{{key}}}" if self.name else str(key)
            if self.numeric is not None:
                start = 0
                for k, v in self._expr.items():
                    size = len(v) if isinstance(v, sympy.MatrixBase) else 1
                    if k == str(key):
                        numeric = self.numeric.select(list(range(start, start + size)))
                    start += size
        else:
            sub = self._expr[key]
            name = f"{self.name}_{{{key}}}" if self.name else ""
        return self._derive(sub, name=name, numeric=numeric)

    def _exprs(self) -> list[Any]:
        return list(self._expr.values()) if self.is_mapping else [self._expr]

    @property
    def free_symbols(self) -> set[sympy.Symbol]:
        """The parameters of the result: free symbols, auxiliary (defined) symbols excluded."""
        out: set[sympy.Symbol] = set()
        for e in self._exprs():
            out |= e.free_symbols
        for v in self.definitions.values():
            out |= v.free_symbols
        return out - set(self.definitions)

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
                  description=self.description, definitions=self.definitions)
        kw.update(changes)
        return ClosedForm(expr, **kw)

    def map(self, func: Callable[[Any], Any], **changes: Any) -> ClosedForm:
        """Apply ``func`` to every expression (element-wise for matrices); definitions are kept."""
        def one(e: Any) -> Any:
            if isinstance(e, sympy.MatrixBase):
                return e.applyfunc(func)
            return func(e)
        new = {k: one(v) for k, v in self._expr.items()} if self.is_mapping else one(self._expr)
        return self._derive(new, **changes)

    def explicit(self) -> ClosedForm:
        """The result with every auxiliary symbol replaced by its definition (no ``where`` rows)."""
        if not self.definitions:
            return self
        defs = self.definitions
        return self._derive(self.map(lambda e: _substitute_all(e, defs)).expr, definitions={})

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
            defs = {k: _definition_subs(v, a) for k, v in out.definitions.items()}
            out = out.map(lambda e, a=a: e.subs(a), definitions=defs)
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
        return self.explicit().map(one, assumptions=self.assumptions + [note])

    def limit(self, x: sympy.Symbol, x0: Any, dir: str = "+") -> ClosedForm:
        """Limit of every expression as ``x -> x0`` (on the explicit form)."""
        return self.explicit().map(lambda e: sympy.limit(e, x, x0, dir),
                                   assumptions=self.assumptions + [f"limit {x} -> {x0}"])

    # ----------------------------------------------------------------- LaTeX
    def _equations(self, width: float | None, settings: Mapping[str, Any]) -> list[Any]:
        from .latex.forms import form_equations

        if width is not None and (isinstance(width, bool) or not isinstance(width, (int, float))
                                  or not np.isfinite(width) or width < 10):
            raise InvalidParameterError(f"width = {width!r} must be a number >= 10 (about characters per line).")
        try:
            return form_equations(self, width, settings)
        except TypeError as exc:
            if "setting" in str(exc):
                raise InvalidParameterError(
                    f"latex: {exc} Pass sympy.latex settings (e.g. mul_symbol='dot') or width=.") from None
            raise

    def latex(self, *, width: float | None = None, **settings: Any) -> str:
        """LaTeX source (``equation*``/``align*`` body without the environment).

        One short equation is ``name = expr``; otherwise ``align*`` rows, one per key or matrix entry,
        long sums broken over lines of ``width`` (default :data:`symness.latex.DEFAULT_WIDTH`), long
        or shared denominators and repeated subexpressions named, and the auxiliary definitions as
        "where" rows.  ``settings`` are :func:`sympy.latex` settings.  ``sympy.latex(form)`` gives the
        same text.
        """
        from .latex.forms import equation_body

        return equation_body(self._equations(width, settings))

    def _latex(self, printer: Any = None) -> str:
        """SymPy's printer hook: ``sympy.latex(form, **settings) == form.latex(**settings)``."""
        settings: dict[str, Any] = {}
        if printer is not None:  # the settings the caller changed (e.g. mul_symbol="dot")
            defaults = getattr(type(printer), "_default_settings", {})
            settings = {k: v for k, v in getattr(printer, "_settings", {}).items()
                        if k in defaults and defaults[k] != v}
        return self.latex(**settings)

    def _used_definitions(self) -> dict[sympy.Symbol, Any]:
        """The definitions the expressions need (directly or through other definitions), in order."""
        if not self.definitions:
            return {}
        need: set[sympy.Symbol] = set()
        for e in self._exprs():
            need |= e.free_symbols & set(self.definitions)
        keys = set(self.definitions)
        grow = True
        while grow:
            more = set().union(*(self.definitions[k].free_symbols & keys for k in need)) - need if need else set()
            grow = bool(more)
            need |= more
        return {k: v for k, v in self.definitions.items() if k in need}

    def latex_block(self, *, width: float | None = None) -> str:
        """A self-contained LaTeX block: description, the equation(s), symbols, assumptions, source, conventions.

        For a document of several results (symbols and conventions stated once, citations, the
        bibliography) use :func:`symness.latex.document`.
        """
        from .latex.forms import block

        self._equations(width, {})  # validates width
        return block(self, width)

    def _repr_latex_(self) -> str:
        from .latex.forms import notebook

        return notebook(self._equations(None, {}))

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

        for k, d in self.definitions.items():  # auxiliary symbols, in order, at dps digits
            if isinstance(d, LazyDefinition):
                subs[k] = d.evaluate(subs, dps)
            else:
                subs[k] = sympy.sympify(d).subs(subs).evalf(dps)

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


class LazyDefinition:
    """A definition too large to hold as a SymPy expression until someone asks for it.

    E.g. a tree-theorem polynomial with 50 000 terms, kept in python-flint:
    building it as a SymPy expression takes tens of seconds, evaluating it
    exactly from the ring takes milliseconds.  Implementations give
    :attr:`free_symbols`, :meth:`sympy` (the expression, built on demand),
    :meth:`latex` (a summary line) and :meth:`evaluate` (an exact value).
    """

    free_symbols: set[sympy.Symbol]

    def sympy(self) -> sympy.Expr:
        raise NotImplementedError

    def latex(self) -> str:
        raise NotImplementedError

    def evaluate(self, values: Mapping[sympy.Symbol, Any], dps: int) -> sympy.Expr:
        """The value (a SymPy number, ``dps`` digits) with ``values`` for the free symbols."""
        raise NotImplementedError

    def subs(self, *args: Any) -> Any:
        return self.sympy().subs(*args)


def _definition_subs(v: Any, a: Any) -> Any:
    if isinstance(v, LazyDefinition):
        keys = set(a) if isinstance(a, Mapping) else {a[0]} if isinstance(a, tuple) else set()
        keys = {sympy.sympify(k) for k in keys}
        return v.subs(a) if keys & v.free_symbols else v
    return v.subs(a)


class NumericBackend:
    """Numeric implementation of a :class:`ClosedForm` that SymPy's code generation cannot handle well.

    Its outputs are the form's *flattened* entries (mapping values in order,
    matrices row by row).  Subclasses implement :meth:`fast` (vectorised
    float64, flagging the points it cannot resolve) and :meth:`exact` (one point
    in extended precision).
    """

    #: the parameters the backend needs (the form's free symbols)
    params: list[sympy.Symbol]

    def fast(self, values: Mapping[sympy.Symbol, np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
        """``(outputs, unresolved)`` at 1-d arrays of parameter values; ``unresolved`` is a boolean mask."""
        raise NotImplementedError

    def exact(self, values: Mapping[sympy.Symbol, Any], dps: int) -> list[Any]:
        """The outputs at one point (mpmath or Python numbers in), at least ``dps`` digits."""
        raise NotImplementedError

    def select(self, indices: Sequence[int]) -> NumericBackend:
        """A backend for a subset of the outputs."""
        return _Selected(self, list(indices))


class _Selected(NumericBackend):
    def __init__(self, parent: NumericBackend, indices: list[int]):
        self.parent, self.indices, self.params = parent, indices, parent.params

    def fast(self, values: Mapping[sympy.Symbol, np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
        out, bad = self.parent.fast(values)
        return [out[i] for i in self.indices], bad

    def exact(self, values: Mapping[sympy.Symbol, Any], dps: int) -> list[Any]:
        out = self.parent.exact(values, dps)
        return [out[i] for i in self.indices]


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
        self._backend: NumericBackend | None = None
        if form.numeric is not None and set(form.numeric.params) <= set(self.args):
            self._backend = form.numeric
            self._np = None
        else:
            # auxiliary symbols are computed inside, one definition after the other (never substituted:
            # nested definitions substituted into each other can grow without bound)
            self._defs = form._used_definitions()
            self._np = _chain(self.args, self._defs, flat, ["scipy", "numpy"])
        self._flat = flat
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
        if self._backend is not None:
            vals, bad = self._backend.fast(dict(zip(self.args, sub)))
            if np.any(bad):
                raise _Unresolved(np.asarray(bad))
            return [np.broadcast_to(np.asarray(v), idx.shape) for v in vals]
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
        except _Unresolved as exc:  # the backend names the points it cannot resolve in float64
            good = idx[~exc.mask]
            for j in idx[exc.mask]:
                out[:, j] = self._exact(cols, j)
            if good.size:
                self._fill(cols, good, out)
            return
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
        if self._backend is not None:
            point = {s: c[j].item() for s, c in zip(self.args, cols)}
            vals = self._backend.exact(point, self.mp_dps)
            return np.array([complex(v) if np.isfinite(complex(v)) else np.nan for v in vals], dtype=complex)
        if self._mp is None:
            self._mp = _chain(self.args, self._defs, self._flat, "mpmath", cse=False)
        with mpmath.workdps(self.mp_dps):
            point = [mpmath.mpmathify(c[j].item()) for c in cols]
            try:
                vals = self._mp(*point)
            except ZeroDivisionError:
                return np.full(len(self._flat), np.nan, dtype=complex)
            return np.array([complex(v) if np.isfinite(complex(v)) else np.nan for v in vals],
                            dtype=complex)


def _chain(args: list[sympy.Symbol], defs: Mapping[sympy.Symbol, Any], flat: list[Any], modules: Any,
           cse: bool = True) -> Callable[..., Any]:
    """A numeric function of ``args`` that evaluates ``defs`` in order, then ``flat``."""
    keys = list(defs)
    steps = []
    for k, key in enumerate(keys):
        d = defs[key]
        expr = d.sympy() if isinstance(d, LazyDefinition) else d
        steps.append(sympy.lambdify(list(args) + keys[:k], expr, modules=modules, cse=cse))
    main = sympy.lambdify(list(args) + keys, flat, modules=modules, cse=cse)
    if not steps:
        return main

    def run(*vals: Any) -> Any:
        env = list(vals)
        for f in steps:
            env.append(f(*env))
        return main(*env)
    return run


class _Unresolved(Exception):
    """Raised by a numeric backend's fast path: the points in ``mask`` need extended precision."""

    def __init__(self, mask: np.ndarray):
        super().__init__("unresolved points")
        self.mask = mask


def _substitute_all(expr: Any, defs: Mapping[sympy.Symbol, Any]) -> Any:
    """Replace auxiliary symbols by their (possibly nested) definitions until none is left."""
    out = sympy.sympify(expr) if not isinstance(expr, sympy.MatrixBase) else expr
    keys = set(defs)
    if any(isinstance(v, LazyDefinition) for v in defs.values()):
        defs = {k: v.sympy() if isinstance(v, LazyDefinition) else v for k, v in defs.items()}
    for _ in range(len(defs) + 1):
        if not (out.free_symbols & keys):
            return out
        out = out.xreplace(dict(defs))
    raise InvalidParameterError("ClosedForm: the definitions refer to each other in a cycle; "
                                f"check {sorted(map(str, out.free_symbols & keys))}.")
