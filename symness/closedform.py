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

Inputs are checked before anything is computed: an argument whose symbol is
``positive``/``nonnegative``/``negative``/``nonpositive``/``real``/``integer``
must satisfy that assumption at every point (a closed form derived for
:math:`T > 0` is not continued to :math:`T < 0` silently); ``lambdify(check=False)``
skips the check where speed matters and the inputs are known to be valid.

Strings are never parsed (SymPy's ``sympify`` of a string runs ``eval``):
pass SymPy expressions and symbols, or symbol *names* where a method says so.

mpmath precision is one global setting: the mpmath fallback of lambdified
forms computes in a private ``mpmath.MPContext`` (:class:`MPMathFunction`), and
every extended-precision section of this module also holds :data:`MPMATH_LOCK`
(see :func:`mpmath_precision`) for SymPy's ``evalf`` and for mpmath code that
uses the module-level functions, so threads evaluating closed forms at
different precisions do not change each other's precision half-way.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import mpmath
import numpy as np
import sympy

from .errors import InvalidParameterError, NegativeTemperatureError, SymnessError

__all__ = ["ClosedForm", "NumericFunction", "NumericBackend", "LazyDefinition", "EvaluationError",
           "mpmath_precision", "mpmath_namespace", "MPMathFunction", "MAX_DPS", "MAX_SERIES_ORDER"]

#: Largest number of decimal digits accepted for extended-precision evaluation
#: (``lambdify(mp_dps=)``, ``evaluate(dps=)``); beyond it one evaluation takes minutes.
MAX_DPS = 10_000
#: Largest order accepted by :meth:`ClosedForm.series` (the cost of a series grows steeply with it).
MAX_SERIES_ORDER = 50
#: Held around every section that sets mpmath's (global) working precision: the mpmath
#: fallback of :class:`NumericFunction` (:class:`MPMathFunction`), numeric backends' exact
#: paths, :meth:`ClosedForm.evaluate`.  Lambdified code itself computes in a private
#: ``mpmath.MPContext``; the lock covers SymPy's ``evalf`` and mpmath implementations of
#: functions (a user's spectral density, ...) that call the module-level mpmath functions.
MPMATH_LOCK = threading.RLock()


class EvaluationError(SymnessError, ArithmeticError):
    """A closed form is not finite at a requested point, even in exact arithmetic."""


def _check_dps(dps: Any, name: str = "dps") -> int:
    """``dps`` as an int in ``1..MAX_DPS`` (decimal digits), else InvalidParameterError."""
    if isinstance(dps, (bool, np.bool_)) or not isinstance(dps, (int, np.integer)) or not 1 <= dps <= MAX_DPS:
        raise InvalidParameterError(
            f"{name} = {dps!r} must be an integer number of decimal digits in 1..{MAX_DPS} "
            "(symness.closedform.MAX_DPS); 30-50 digits resolve anything float64 cannot.")
    return int(dps)


def mpmath_namespace(ctx: Any) -> dict[str, Any]:
    """The names of mpmath's module namespace bound to the private context ``ctx``.

    Passed first in ``sympy.lambdify(..., modules=[mpmath_namespace(ctx), "mpmath"])``,
    lambdified mpmath code computes in ``ctx`` (its own precision) instead of the
    global ``mpmath.mp`` that any thread may change.
    """
    if not isinstance(ctx, mpmath.ctx_base.StandardBaseContext):
        raise InvalidParameterError(f"mpmath_namespace needs an mpmath context (mpmath.MPContext()), got {ctx!r}.")
    return {name: getattr(ctx, name) for name in dir(mpmath)
            if not name.startswith("_") and hasattr(ctx, name)}


class MPMathFunction:
    """``sympy.lambdify`` to mpmath, evaluated in a private :class:`mpmath.MPContext`.

    ``f(dps, *values)`` evaluates at ``dps`` decimal digits.  The lambdified code
    computes in the private context, so a thread changing the global
    ``mpmath.mp.dps`` does not change its precision; the call also holds
    :data:`MPMATH_LOCK` with the global precision at ``dps``, for functions in the
    expressions whose mpmath implementation uses the module-level functions.
    Results are numbers of :attr:`context`.

    Parameters
    ----------
    args
        The symbols, in call order.
    exprs
        An expression or a list of them.
    definitions
        Auxiliary symbols evaluated in order before ``exprs`` (as in :class:`ClosedForm`).
    """

    def __init__(self, args: Sequence[sympy.Symbol], exprs: Any,
                 definitions: Mapping[sympy.Symbol, Any] | None = None):
        if isinstance(args, (str, bytes)) or not isinstance(args, Iterable) or \
                not all(isinstance(a, sympy.Symbol) for a in args):
            raise InvalidParameterError(f"MPMathFunction: args must be a list of SymPy Symbols, got {args!r}.")
        self.args = list(args)
        self.context = mpmath.MPContext()
        single = not isinstance(exprs, (list, tuple))
        flat = [exprs] if single else list(exprs)
        _refuse_string("MPMathFunction", flat)
        if not all(isinstance(e, (sympy.Basic, int, float, complex)) for e in flat):
            raise InvalidParameterError(
                f"MPMathFunction: exprs must be SymPy expressions (or a list of them), got {exprs!r}.")
        fn = _chain(list(args), definitions or {}, flat, [mpmath_namespace(self.context), "mpmath"], cse=False)
        self._fn: Callable[..., Any] = (lambda *v: fn(*v)[0]) if single else fn

    def __call__(self, dps: int, *values: Any) -> Any:
        if len(values) != len(self.args):
            raise InvalidParameterError(
                f"MPMathFunction: {len(values)} values for the {len(self.args)} arguments "
                f"{[str(a) for a in self.args]}.")
        with mpmath_precision(dps):
            self.context.dps = dps
            try:
                point = [self.context.convert(v) for v in values]
            except (TypeError, ValueError):
                raise InvalidParameterError(
                    f"MPMathFunction: the values must be numbers, got {values!r}.") from None
            if any(self.context.isnan(v) for v in point):
                raise InvalidParameterError(f"MPMathFunction: a value is NaN in {values!r}; pass numbers.")
            return self._fn(*point)


@contextmanager
def mpmath_precision(dps: int) -> Iterator[None]:
    """Hold :data:`MPMATH_LOCK` and set mpmath's global working precision to ``dps`` digits.

    For code that must use the module-level mpmath functions (lambdified
    mpmath code, ``mpmath.expm1``, ...): other threads that go through this
    context manager wait instead of changing the precision half-way.

    Parameters
    ----------
    dps
        Decimal digits, ``1..MAX_DPS``.
    """
    dps = _check_dps(dps)
    with MPMATH_LOCK, mpmath.workdps(dps):
        yield


def _is_mapping(expr: Any) -> bool:
    return isinstance(expr, Mapping)


def _has_string(obj: Any, depth: int = 0) -> bool:
    if isinstance(obj, (str, bytes)):
        return True
    if isinstance(obj, (list, tuple)) and depth < 3:
        return any(_has_string(o, depth + 1) for o in obj)
    return False


def _refuse_string(what: str, obj: Any) -> None:
    if _has_string(obj):
        raise InvalidParameterError(
            f"{what}: strings are not parsed (SymPy would run them as Python code): pass a SymPy "
            f"expression or Symbol instead of {obj!r} -- e.g. sympy.Symbol('x', positive=True), or "
            "sympy.sympify(text) yourself if the text is trusted.")


def _refuse_nonfinite(what: str, e: Any) -> None:
    if isinstance(e, sympy.Basic) and e.has(sympy.nan, sympy.zoo):
        raise InvalidParameterError(
            f"{what} is NaN or complex infinity ({sympy.sstr(e)[:120]}): the expression is singular -- "
            "take a limit (ClosedForm.limit) instead of substituting the singular point, or pass a finite "
            "expression.")


def _sympify(expr: Any) -> Any:
    if expr is None:
        raise InvalidParameterError("ClosedForm needs an expression, got None.")
    _refuse_string("ClosedForm", expr)
    try:
        if isinstance(expr, (sympy.MatrixBase, list, tuple)):
            out = sympy.ImmutableMatrix(expr)
        else:
            out = sympy.sympify(expr, strict=True)
    except (sympy.SympifyError, TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"ClosedForm: cannot read {expr!r} as a SymPy expression ({exc.__class__.__name__}); "
            "pass a SymPy expression, matrix or a mapping of them.") from None
    if not isinstance(out, (sympy.Basic, sympy.MatrixBase)):
        raise InvalidParameterError(f"ClosedForm: {expr!r} is not a SymPy expression or matrix.")
    _refuse_nonfinite("ClosedForm: the expression", out)
    return out


def _strict_value(what: str, v: Any) -> Any:
    """A substitution or limit point as a SymPy object (strings refused, never parsed)."""
    _refuse_string(what, v)
    if v is None:
        raise InvalidParameterError(f"{what}: got None; pass a number or a SymPy expression.")
    if isinstance(v, sympy.FunctionClass):  # a function to replace, e.g. subs({g_A: Lambda(x, x / 50)})
        return v
    try:
        out = sympy.sympify(v, strict=True)
    except (sympy.SympifyError, TypeError, ValueError):
        raise InvalidParameterError(f"{what}: {v!r} is not a number or a SymPy expression.") from None
    if not isinstance(out, (sympy.Basic, sympy.MatrixBase)):
        raise InvalidParameterError(f"{what}: {v!r} is not a number or a SymPy expression.")
    _refuse_nonfinite(what, out)
    return out


def _symbol_meanings(symbols: Any) -> dict[sympy.Symbol, str]:
    if symbols is None:
        return {}
    if not isinstance(symbols, Mapping):
        raise InvalidParameterError(
            "ClosedForm: symbols must be a mapping Symbol -> meaning (e.g. {T_L: 'left bath temperature'}), "
            f"got {type(symbols).__name__}.")
    for k, v in symbols.items():
        if not isinstance(k, sympy.Basic) or isinstance(k, sympy.MatrixBase):
            raise InvalidParameterError(
                f"ClosedForm: the keys of symbols are SymPy symbols (got {k!r}); names are not parsed.")
        if not isinstance(v, str):
            raise InvalidParameterError(f"ClosedForm: the meaning of {k} must be a text (str), got {v!r}.")
    return dict(symbols)


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
        self.symbols: dict[sympy.Symbol, str] = _symbol_meanings(symbols)
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
        if not callable(func):
            raise InvalidParameterError(
                f"ClosedForm.map needs a function of one expression (e.g. sympy.simplify), got {func!r}.")

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
        """Substitute, as ``sympy.Expr.subs``: ``subs(old, new)``, ``subs({old: new, ...})``,
        ``subs([(old, new), ...])`` or by symbol name, ``subs(T_L=2)``.

        Strings are not parsed: ``old`` and ``new`` are SymPy objects or numbers
        (use keyword arguments to refer to a symbol by its name).  A result that
        is NaN or complex infinity (a singular point) is refused: take
        :meth:`limit` there.
        """
        if len(args) == 2 and not isinstance(args[0], (Mapping, list, tuple, set, frozenset)):
            args = ({args[0]: args[1]},)
        steps: list[dict[Any, Any]] = []
        for a in args:
            if isinstance(a, Mapping):
                items = list(a.items())
            elif isinstance(a, (list, tuple)) and all(isinstance(p, (list, tuple)) and len(p) == 2 for p in a):
                items = [tuple(p) for p in a]
            else:
                raise InvalidParameterError(
                    f"ClosedForm.subs: pass subs(old, new), subs({{old: new, ...}}), subs([(old, new), ...]) "
                    f"or subs(name=value); got {a!r}.")
            if any(isinstance(k, str) for k, _ in items):
                raise InvalidParameterError(
                    "ClosedForm.subs: strings are not parsed (SymPy would run them as Python code); refer to a "
                    f"symbol by its name with a keyword, e.g. subs(T_L=2), or pass the Symbol itself; got {a!r}.")
            steps.append({_strict_value("ClosedForm.subs: old", k): _strict_value("ClosedForm.subs: new", v)
                          for k, v in items})
        if kwargs:
            by_name = {s.name: s for s in self.free_symbols | set(self.definitions)}
            unknown = [k for k in kwargs if k not in by_name]
            if unknown:
                raise InvalidParameterError(
                    f"no symbol named {unknown} in this closed form; symbols: "
                    f"{sorted(by_name)}")
            steps.append({by_name[k]: _strict_value(f"ClosedForm.subs: {k}", v) for k, v in kwargs.items()})
        out = self
        for a in steps:
            try:
                defs = {k: _definition_subs(v, a) for k, v in out.definitions.items()}
                out = out.map(lambda e, a=a: e.subs(a), definitions=defs)
            except SymnessError:
                raise
            except (TypeError, ValueError, AttributeError, sympy.SympifyError) as exc:
                raise InvalidParameterError(f"ClosedForm.subs({a}) failed: {exc}") from None
        return out

    def simplify(self, **kwargs: Any) -> ClosedForm:
        """``sympy.simplify`` every expression."""
        return self.map(lambda e: sympy.simplify(e, **kwargs))

    def factor(self) -> ClosedForm:
        return self.map(sympy.factor)

    def _variable(self, x: Any, what: str) -> sympy.Symbol:
        """``x`` as a symbol of this form: a SymPy Symbol, or the name of a free symbol."""
        if isinstance(x, str):
            by_name = {s.name: s for s in self.explicit().free_symbols}
            if x not in by_name:
                raise InvalidParameterError(
                    f"{what}: no symbol named {x!r} in this closed form; symbols: {sorted(by_name)}.")
            return by_name[x]
        if not isinstance(x, sympy.Symbol):
            raise InvalidParameterError(f"{what}: the variable must be a SymPy Symbol or the name of one, got {x!r}.")
        return x

    def series(self, x: sympy.Symbol | str, x0: Any = 0, n: int = 3, dir: str = "+",
               remove_order: bool = True) -> ClosedForm:
        """Series of every expression in ``x`` about ``x0`` to order ``n`` (exclusive).

        ``x`` is a Symbol or the name of a free symbol; ``n`` is ``1..MAX_SERIES_ORDER``;
        ``dir`` is ``"+"`` or ``"-"`` (side of ``x0``).
        """
        x = self._variable(x, "ClosedForm.series")
        x0 = _strict_value("ClosedForm.series: x0", x0)
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_SERIES_ORDER:
            raise InvalidParameterError(
                f"ClosedForm.series: the order n = {n!r} must be an integer in 1..{MAX_SERIES_ORDER} "
                "(symness.closedform.MAX_SERIES_ORDER; the cost grows steeply with n).")
        if dir not in ("+", "-"):
            raise InvalidParameterError(f"ClosedForm.series: dir = {dir!r}; use '+' or '-'.")
        n = int(n)

        def one(e: Any) -> Any:
            s = sympy.series(e, x, x0, n, dir)
            return s.removeO() if remove_order else s
        note = f"series in {x} about {x0} to O(({x}-{x0})^{n})" if x0 != 0 else \
            f"series in {x} to O({x}^{n})"
        return self._explicit_map(one, note, f"SymPy cannot expand this closed form in {x} about {x0}",
                                  "try another point, a limit, or simplify first", "ClosedForm.series")

    def limit(self, x: sympy.Symbol | str, x0: Any, dir: str = "+") -> ClosedForm:
        """Limit of every expression as ``x -> x0`` (on the explicit form); ``dir`` is ``"+"``, ``"-"`` or ``"+-"``."""
        x = self._variable(x, "ClosedForm.limit")
        x0 = _strict_value("ClosedForm.limit: x0", x0)
        if dir not in ("+", "-", "+-"):
            raise InvalidParameterError(f"ClosedForm.limit: dir = {dir!r}; use '+', '-' or '+-'.")
        return self._explicit_map(lambda e: sympy.limit(e, x, x0, dir), f"limit {x} -> {x0}",
                                  f"SymPy cannot take the limit {x} -> {x0}",
                                  "try a series (ClosedForm.series) or simplify first", "ClosedForm.limit")

    def _explicit_map(self, fn: Any, note: str, failure: str, advice: str, where: str) -> ClosedForm:
        """``fn`` on every explicit expression, ``note`` added to the assumptions; SymPy failures explained."""
        try:
            return self.explicit().map(fn, assumptions=self.assumptions + [note])
        except SymnessError:
            raise
        except (ValueError, TypeError, NotImplementedError, sympy.PoleError) as exc:
            raise InvalidParameterError(f"{where}: {failure} ({exc}); {advice}.") from None

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
                 nonfinite: str = "raise", check: bool = True) -> NumericFunction:
        """A vectorised, broadcasting numeric function of this closed form.

        Parameters
        ----------
        args
            Argument order (symbols or their names); default :attr:`args`.
            Every free symbol must be listed.
        mp_dps
            Decimal digits of the mpmath fallback used where float64 overflows
            (``1..MAX_DPS``).
        nonfinite
            ``"raise"`` (default): raise :class:`EvaluationError` where the exact
            value is not finite; ``"keep"``: return ``inf``/``nan`` there.
        check
            ``True`` (default): every call checks its inputs against the
            assumptions of the symbols (``positive``, ``nonnegative``, ``real``,
            ``integer``, ...) and refuses NaN inputs, raising
            :class:`~symness.errors.InvalidParameterError`
            (:class:`~symness.errors.NegativeTemperatureError` for a temperature)
            that names the argument -- a closed form derived for :math:`T > 0` is
            not evaluated at :math:`T < 0`.  ``False`` skips the check (a few
            microseconds per call) for inputs known to be valid.
        """
        if args is None:
            args = self.args
        if isinstance(args, (str, bytes)) or not isinstance(args, Iterable):
            raise InvalidParameterError(
                f"lambdify: args must be a list of symbols or symbol names, got {args!r}.")
        args = list(args)
        bad = [a for a in args if not isinstance(a, (str, sympy.Symbol))]
        if bad:
            raise InvalidParameterError(f"lambdify: args must be symbols or symbol names; got {bad!r}.")
        by_name = {s.name: s for s in self.free_symbols}
        syms = [by_name.get(a, sympy.Symbol(a)) if isinstance(a, str) else a for a in args]
        missing = self.free_symbols - set(syms)
        if missing:
            raise InvalidParameterError(
                f"lambdify: free symbols {sorted(map(str, missing))} are not among the arguments "
                f"{[str(s) for s in syms]}; pass them in args= or substitute values first.")
        if len(set(syms)) != len(syms):
            raise InvalidParameterError(f"lambdify: an argument is listed twice in {[str(s) for s in syms]}.")
        return NumericFunction(self, syms, mp_dps=mp_dps, nonfinite=nonfinite, check=check)

    def evaluate(self, values: Mapping[Any, Any] | None = None, dps: int = 30, **kw: Any) -> Any:
        """Exact/high-precision value at one point (mpmath, ``dps`` digits, ``1..MAX_DPS``), as float/complex.

        Values are given in ``values`` (``{Symbol or name: value}``) or as keywords by
        symbol name.  Each value must satisfy its symbol's assumptions (``positive``,
        ``real``, ...), as for :meth:`lambdify`; strings are not parsed.
        """
        dps = _check_dps(dps)
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
            sym = by_name[k] if isinstance(k, str) else k
            if isinstance(sym, sympy.Symbol) and val.is_number:
                _check_scalar_domain(sym, val, self.symbols.get(sym, ""), "evaluate")
            subs[sym] = val
        missing = self.free_symbols - set(subs)
        if missing:
            raise InvalidParameterError(
                f"evaluate: no value for {sorted(map(str, missing))}; pass them in values= "
                "(or as keyword arguments).")
        with MPMATH_LOCK:  # definitions and functions may evaluate through mpmath's global context
            return self._evaluate(subs, vals, dps)

    def _evaluate(self, subs: dict[Any, Any], vals: Mapping[Any, Any], dps: int) -> Any:
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


# ----------------------------------------------------------------- assumptions of the arguments
_TEMPERATURE_NAME = re.compile(r"^T(_|$|\^)")
#: assumption -> (numpy test on a real array, what the message says)
_DOMAINS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], str]] = {
    "positive": (lambda x: x > 0, "positive (> 0)"),
    "nonnegative": (lambda x: x >= 0, "non-negative (>= 0)"),
    "negative": (lambda x: x < 0, "negative (< 0)"),
    "nonpositive": (lambda x: x <= 0, "non-positive (<= 0)"),
    "integer": (lambda x: np.isfinite(x) & (x == np.round(x)), "an integer"),
}


def _assumed(sym: sympy.Symbol) -> tuple[bool, list[str]]:
    """``(real, [domain names])`` that the symbol's assumptions demand of a value."""
    kinds = [k for k in ("positive", "nonnegative", "negative", "nonpositive") if getattr(sym, f"is_{k}")]
    kinds = kinds[:1]  # positive implies nonnegative, etc.: keep the strongest
    if sym.is_integer:
        kinds.append("integer")
    return bool(sym.is_extended_real), kinds


def _is_temperature(sym: sympy.Symbol, meaning: str) -> bool:
    return bool(_TEMPERATURE_NAME.match(sym.name)) or "temperature" in meaning.lower()


def _domain_error(sym: sympy.Symbol, meaning: str, kind: str, value: Any, where: str) -> InvalidParameterError:
    what = _DOMAINS[kind][1] if kind in _DOMAINS else "real"
    cls = NegativeTemperatureError if kind in ("positive", "nonnegative") and _is_temperature(sym, meaning) \
        else InvalidParameterError
    return cls(f"{where}: argument {sym.name} = {value!r} is outside the closed form's assumptions: {sym.name} must "
               f"be {what} (the result was derived under that assumption and is not valid elsewhere). Pass values "
               "in that range, or lambdify(check=False) if you know what the continuation means.")


def _check_scalar_domain(sym: sympy.Symbol, val: sympy.Expr, meaning: str, where: str) -> None:
    real, kinds = _assumed(sym)
    if val.has(sympy.nan):
        raise InvalidParameterError(f"{where}: argument {sym.name} is NaN; pass a number.")
    if real and val.is_extended_real is False:
        raise _domain_error(sym, meaning, "real", val, where)
    for k in kinds:
        if getattr(val, f"is_{k}") is False:
            raise _domain_error(sym, meaning, k, val, where)


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
                 nonfinite: str = "raise", check: bool = True):
        if nonfinite not in ("raise", "keep"):
            raise InvalidParameterError(f"nonfinite = {nonfinite!r}: use 'raise' or 'keep'.")
        if not isinstance(check, (bool, np.bool_)):
            raise InvalidParameterError(f"check = {check!r} must be True or False.")
        self.form = form
        self.args = list(args)
        self.mp_dps = _check_dps(mp_dps, "mp_dps")
        self.nonfinite = nonfinite
        #: whether calls check the inputs against the symbols' assumptions
        self.check = bool(check)
        # (index, symbol, real?, [domains], meaning) of the arguments with assumptions to check
        self._domain: list[tuple[int, sympy.Symbol, bool, list[str], str]] = []
        for i, sym in enumerate(self.args):
            real, kinds = _assumed(sym)
            self._domain.append((i, sym, real, kinds, form.symbols.get(sym, "")))
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
            _refuse_undefined_functions(flat, self._defs)
            self._np = _chain(self.args, self._defs, flat, ["scipy", "numpy"])
        self._flat = flat
        self._mp: MPMathFunction | None = None
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
        if self.check:
            self._check_domain(out)
        return out

    def _check_domain(self, inputs: list[np.ndarray]) -> None:
        """Refuse NaN inputs and values outside the symbols' assumptions (vectorised; scalars in Python)."""
        for i, sym, real, kinds, meaning in self._domain:
            x = inputs[i]
            if x.ndim == 0:  # the common scalar call: plain Python comparisons, a fraction of a microsecond
                self._check_scalar(sym, x.item(), real, kinds, meaning)
                continue
            if x.dtype.kind == "f" and x.size and "integer" not in kinds:
                lo = x.min()  # NaN propagates: then the detailed pass below names the point
                if lo == lo and all(self._bound_ok(k, lo, x) for k in kinds):
                    continue
            if x.dtype.kind in "biu":
                if kinds:
                    self._check_kinds(sym, x, kinds, meaning)
                continue
            if np.isnan(x).any():
                at = tuple(int(i) for i in np.unravel_index(np.argmax(np.isnan(x)), x.shape))
                raise InvalidParameterError(f"argument {sym.name} is NaN (at index {at}); pass numbers.")
            if x.dtype.kind == "c":
                if not real:
                    continue
                imag = x.imag != 0
                if imag.any():
                    raise _domain_error(sym, meaning, "real", x[imag][0].item() if x.ndim else x.item(),
                                        "NumericFunction")
                x = x.real
            if kinds:
                self._check_kinds(sym, x, kinds, meaning)

    @staticmethod
    def _bound_ok(kind: str, lo: Any, x: np.ndarray) -> bool:
        if kind == "positive":
            return bool(lo > 0)
        if kind == "nonnegative":
            return bool(lo >= 0)
        hi = x.max()
        return bool(hi < 0) if kind == "negative" else bool(hi <= 0)

    @staticmethod
    def _check_scalar(sym: sympy.Symbol, v: Any, real: bool, kinds: list[str], meaning: str) -> None:
        if isinstance(v, complex):
            if v != v:
                raise InvalidParameterError(f"argument {sym.name} is NaN; pass a number.")
            if not real:
                return
            if v.imag != 0:
                raise _domain_error(sym, meaning, "real", v, "NumericFunction")
            v = v.real
        if v != v:
            raise InvalidParameterError(f"argument {sym.name} is NaN; pass a number.")
        for k in kinds:
            if not (v > 0 if k == "positive" else v >= 0 if k == "nonnegative" else v < 0 if k == "negative"
                    else v <= 0 if k == "nonpositive" else float(v).is_integer()):
                raise _domain_error(sym, meaning, k, v, "NumericFunction")

    @staticmethod
    def _check_kinds(sym: sympy.Symbol, x: np.ndarray, kinds: list[str], meaning: str) -> None:
        for k in kinds:
            ok = _DOMAINS[k][0](x)
            if not np.all(ok):
                bad = x[~ok][0].item() if x.ndim else x.item()
                raise _domain_error(sym, meaning, k, bad, "NumericFunction")

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
            with MPMATH_LOCK:  # backends evaluate through mpmath's global context
                vals = self._backend.exact(point, self.mp_dps)
            return np.array([complex(v) if np.isfinite(complex(v)) else np.nan for v in vals], dtype=complex)
        point = [c[j].item() for c in cols]
        if any(v != v for v in point):  # a NaN input (check=False): not finite, reported by the caller
            return np.full(len(self._flat), np.nan, dtype=complex)
        if self._mp is None:  # a private mpmath context: other threads cannot change its precision
            self._mp = MPMathFunction(self.args, self._flat, self._defs)
        try:
            vals = self._mp(self.mp_dps, *point)
        except ZeroDivisionError:
            return np.full(len(self._flat), np.nan, dtype=complex)
        return np.array([complex(v) if np.isfinite(complex(v)) else np.nan for v in vals], dtype=complex)


def _refuse_undefined_functions(flat: list[Any], defs: Mapping[sympy.Symbol, Any]) -> None:
    """Refuse undefined functions (e.g. a spectral function ``g_A(omega)``) with no numeric implementation:
    the lambdified code would raise NameError when called."""
    exprs = list(flat) + [d.sympy() if isinstance(d, LazyDefinition) else d for d in defs.values()]
    undef: set[Any] = set()
    for e in exprs:
        if isinstance(e, sympy.Basic):
            undef |= {a for a in e.atoms(sympy.core.function.AppliedUndef) if not hasattr(a, "_imp_")}
    if undef:
        names = sorted({a.func.__name__ for a in undef})
        raise InvalidParameterError(
            f"lambdify: the closed form contains the undefined function(s) {sorted(map(str, undef))} with no "
            "numeric value; substitute them first, e.g. form.subs({" + names[0] + ": sympy.Lambda(w, w / 50)}) "
            "for a spectral function, or give the model numeric spectral densities.")


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
