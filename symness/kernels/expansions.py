r"""Expansions of any closed form: a series in a parameter, high- and low-temperature asymptotics.

Works on the closed forms of :func:`~symness.kernels.pauli_kernel` for the user's
own model (``pk.heat_currents_form()``, ``pk.populations_form()``), on the
paper results, and on plain SymPy expressions containing the package's thermal
functions (:class:`~symness.kernels.functions.Bose`, ``BoseDifference``,
``FermiDifference``, :class:`~symness.classical.closedforms.BoltzmannDifference`):

* :func:`series` -- Taylor (or Laurent) series in one parameter about a point:
  weak inter-qubit coupling :math:`g \to 0`, a small bias
  :math:`T_h \to T_c`, one temperature :math:`\to\infty`;
* :func:`high_temperature` -- every temperature :math:`T_X \to T_X/\epsilon`
  (fixed ratios), the first non-vanishing orders in :math:`\epsilon`
  (:math:`\omega/T \to 0`);
* :func:`low_temperature` -- the first non-vanishing orders in the Boltzmann
  factors :math:`e^{-\omega/T_X}` (each Bose function
  :math:`n = y + y^2 + \dots`, :math:`y = e^{-\omega/T}`, with a bookkeeping
  parameter counting the factors).  Differences of Boltzmann factors come out
  as :class:`~symness.classical.closedforms.BoltzmannDifference`, so the
  result keeps full relative precision at a small bias.

A :class:`~symness.closedform.ClosedForm` gives a ClosedForm (same symbols,
source and conventions; the auxiliary definitions that do not depend on the
expansion variable -- Bohr frequencies, mixing amplitudes -- stay as ``where``
rows; an assumption row names the expansion); an expression gives an
expression; a matrix a matrix.  The coefficients are exact; they are computed
by truncated power-series arithmetic on the form and its definitions
(:mod:`symness.kernels.powerseries`), where vanishing coefficients are
recognised exactly at a random point (60 digits), including the cancellations
that hold only through exponential identities (detailed balance).

Conventions: :math:`\hbar = k_B = 1`; ``order`` counts orders as documented per
function.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

import sympy

from ..classical.closedforms import BoltzmannDifference
from ..closedform import ClosedForm, LazyDefinition
from ..errors import InvalidParameterError
from .functions import Bose, BoseDifference, FermiDifference
from .powerseries import INF, ZERO, Engine, ExpansionError, Series, _NeedPrecision, simplify_rational

__all__ = ["series", "high_temperature", "low_temperature", "stable_exp_differences", "ExpansionError"]

_MAX_ORDER = 12      # largest order / number of terms accepted (the work grows like its square)
_EXTRA = 8           # how many more significant terms may be tried before giving up


# ---------------------------------------------------------------- input and output
class _Target:
    """The expressions of a form (flattened), its definitions and how to rebuild the result."""

    def __init__(self, obj: Any):
        self.form = obj if isinstance(obj, ClosedForm) else None
        if self.form is not None:
            expr = self.form.expr
            self.definitions: dict[sympy.Symbol, Any] = dict(self.form.definitions)
        else:
            expr = obj if isinstance(obj, sympy.MatrixBase) else sympy.sympify(obj)
            self.definitions = {}
        self.layout: list[tuple[Any, Any]] = []
        self.flat: list[sympy.Expr] = []
        items = expr.items() if isinstance(expr, dict) else [(None, expr)]
        for key, e in items:
            if isinstance(e, sympy.MatrixBase):
                self.layout.append((key, e.shape))
                self.flat.extend(list(e))
            else:
                self.layout.append((key, None))
                self.flat.append(sympy.sympify(e))
        self.is_matrix = isinstance(expr, sympy.MatrixBase)
        self.mutable = isinstance(expr, sympy.MutableDenseMatrix)

    def free_symbols(self) -> set[sympy.Symbol]:
        out: set[sympy.Symbol] = set()
        for e in self.flat:
            out |= e.free_symbols
        for d in self.definitions.values():
            out |= set(d.free_symbols)
        return out - set(self.definitions)

    def thermal_atoms(self) -> set[sympy.Basic]:
        out: set[sympy.Basic] = set()
        for e in self.flat + [d for d in self.definitions.values() if not isinstance(d, LazyDefinition)]:
            out |= sympy.sympify(e).atoms(Bose, BoseDifference, FermiDifference)
        return out

    def rebuild(self, flat: list[sympy.Expr], note: str, kept: Mapping[sympy.Symbol, Any]) -> Any:
        pos = 0
        out: dict[Any, Any] = {}
        for key, shape in self.layout:
            if shape is None:
                out[key] = flat[pos]
                pos += 1
            else:
                size = shape[0] * shape[1]
                m = sympy.Matrix(shape[0], shape[1], flat[pos:pos + size])
                out[key] = m if self.mutable or self.form is not None else sympy.ImmutableMatrix(m)
                pos += size
        expr = out[None] if list(out) == [None] else out
        if self.form is None:
            return expr
        f = self.form
        return ClosedForm(expr, dict(f.symbols), name=f.name, assumptions=list(f.assumptions) + [note],
                          paper=f.paper, equation=f.equation, conventions=f.conventions,
                          description=f.description, definitions=dict(kept))


def _check_count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > _MAX_ORDER:
        raise InvalidParameterError(f"{name} = {value!r} must be an integer from 0 to {_MAX_ORDER}.")
    return value


def _random_point(symbols: set[sympy.Symbol], seed: int) -> dict[sympy.Symbol, sympy.Rational]:
    """Generic values for the zero tests: positive (negative for negative symbols) rationals of order 1."""
    rng = random.Random(seed)
    out = {}
    for s in sorted(symbols, key=str):
        v = sympy.Rational(rng.randint(500, 2000), 1000)
        out[s] = -v if s.is_negative or s.is_nonpositive else v
    return out


def _spectral(definitions: Mapping[sympy.Symbol, Any]) -> set[sympy.Symbol]:
    """Definitions that stay as symbols when independent of the expansion variable.

    The spectrum (Bohr frequencies, mixing amplitudes, energies) is kept; rates and tree
    polynomials (which carry Bose functions and temperatures) are written out.
    """
    thermal: set[sympy.Symbol] = set()
    for s, d in definitions.items():
        if isinstance(d, LazyDefinition) or sympy.sympify(d).has(Bose, BoseDifference, FermiDifference):
            thermal.add(s)
    grow = True
    while grow:
        grow = False
        for s, d in definitions.items():
            if s not in thermal and set(d.free_symbols) & thermal:
                thermal.add(s)
                grow = True
    return set(definitions) - thermal


def _tidy(e: sympy.Expr) -> sympy.Expr:
    """A readable exact coefficient: one fraction, common factors cancelled, factored (python-flint)."""
    return e if e == 0 else simplify_rational([e])[0]


def _run(target: _Target, leaves_of: Any, *, n0: int, need: Any, rules: Any = None, seed: int = 11,
         what: str = "the expansion") -> tuple[list[Series], Engine]:
    """Expand every entry with increasing precision until ``need(series)`` holds for all of them."""
    point = _random_point(target.free_symbols(), seed)
    keep = _spectral(target.definitions)
    n = n0
    while True:
        eng = Engine(leaves_of, target.definitions, point, n, keep=lambda s: s in keep, rules=rules, seed=seed)
        try:
            out = [eng.expand(e) for e in target.flat]
        except _NeedPrecision:
            out = None
        if out is not None and all(need(s) for s in out):
            return out, eng
        n += 2
        if n > n0 + _EXTRA:
            raise ExpansionError(
                f"{what}: no result with the requested number of terms after {n - 2} significant terms "
                "per intermediate series (the leading orders cancel further than that); ask for fewer "
                "terms or check that the expansion exists.")


def _kept_definitions(target: _Target, eng: Engine) -> dict[sympy.Symbol, Any]:
    return {s: d for s, d in target.definitions.items() if s in eng.kept}


# ---------------------------------------------------------------- series in a parameter
def series(form: Any, x: sympy.Symbol | str, order: int | None = None, *, about: Any = 0,
           terms: int | None = None) -> Any:
    r"""Series of a closed form in one parameter ``x`` about ``about`` (a number, an expression, or ``oo``).

    Parameters
    ----------
    form
        A :class:`~symness.closedform.ClosedForm` (e.g. ``pk.heat_currents_form()``), a SymPy
        expression or matrix.  The auxiliary definitions of a form (Bohr frequencies, rates)
        are expanded where they depend on ``x``.
    x
        The small parameter (a symbol of the form, or its name).  For a small bias write
        ``series(q, T_h, about=T_c)``.
    order
        Keep the powers :math:`(x - x_0)^k` with :math:`k \le` ``order`` (for ``about=oo``:
        :math:`x^{-k}`); the error is :math:`O((x - x_0)^{\mathrm{order}+1})`.
    terms
        Instead of ``order``: the first ``terms`` non-vanishing terms of each entry (e.g.
        ``terms=1``: the leading behaviour, whatever its power).

    Returns
    -------
    The same kind of object as ``form``.  Coefficients are exact (Bose functions at the
    expansion point, e.g. :math:`n_c(\nu_1)`, derivatives of undefined spectral functions).

    Raises
    ------
    ExpansionError
        The function has no power series there (e.g. :math:`e^{-\omega/T}` at :math:`T \to 0`: use
        :func:`low_temperature`; a fractional power of ``x``), or the leading orders cancel
        beyond the working precision.

    Examples
    --------
    Weak coupling of ZZ-coupled qubits (current :math:`\propto g^2`)::

        q = pk.heat_currents_form()
        series(q, g, 2)                     # through O(g^2)
        series(q, T_h, 1, about=T_c)        # linear response in T_h - T_c
    """
    target = _Target(form)
    if (order is None) == (terms is None):
        raise InvalidParameterError("series: give exactly one of order= (highest power kept) and terms= "
                                    "(number of non-vanishing terms).")
    if order is not None:
        _check_count(order, "order")
    else:
        _check_count(terms, "terms")
        if terms == 0:
            raise InvalidParameterError("terms = 0: ask for at least one term.")
    if isinstance(x, str):
        by_name = {s.name: s for s in target.free_symbols() | set(target.definitions)}
        if x not in by_name:
            raise InvalidParameterError(f"series: no symbol named {x!r}; symbols: {sorted(by_name)}.")
        x = by_name[x]
    if not isinstance(x, sympy.Symbol):
        raise InvalidParameterError(f"series: x = {x!r} must be a SymPy symbol (or a symbol's name).")
    if x in target.definitions:
        raise InvalidParameterError(f"series: {x} is an auxiliary symbol of the form (defined as "
                                    f"{target.definitions[x]}); expand in a parameter of the model.")
    about = sympy.sympify(about)
    infinite = about in (sympy.oo, sympy.S.Infinity)
    if about.has(x) or (about.is_infinite and not infinite):
        raise InvalidParameterError(f"series: about = {about} must be a finite expression without {x}, or oo.")

    def leaves(eng: Engine) -> dict[sympy.Symbol, Series]:
        if infinite:
            return {x: eng.cseries(eng.one, -1)}
        return {x: eng.exact({0: about, 1: sympy.S.One})}

    def need(s: Series) -> bool:
        if order is not None:
            return s.prec > order
        nz = sum(1 for c in s.c if c.e != 0)
        return nz >= terms or s.prec == INF

    n0 = (order + 2) if order is not None else terms + 1
    out, eng = _run(target, leaves, n0=n0, need=need, what=f"series in {x}")
    h = (1 / x) if infinite else (x - about)
    flat = []
    for s in out:
        acc = sympy.S.Zero
        count = 0
        for k, c in enumerate(s.c, start=int(s.val) if s.c else 0):
            if order is not None and k > order:
                break
            if c.e == 0:
                continue
            acc += _tidy(c.e) * h**k
            count += 1
            if terms is not None and count >= terms:
                break
        flat.append(acc)
    where = f"{x} -> oo" if infinite else f"{x} -> {about}"
    note = (f"series for {where} through O({sympy.sstr(h)}^{order})" if order is not None else
            f"first {terms} non-vanishing term(s) for {where}")
    return target.rebuild(flat, note, _kept_definitions(target, eng))


# ---------------------------------------------------------------- temperatures
def _temperatures(target: _Target, temperatures: Any) -> list[sympy.Symbol]:
    if temperatures is not None:
        Ts = [sympy.sympify(t) for t in temperatures]
        if not all(isinstance(t, sympy.Symbol) for t in Ts):
            raise InvalidParameterError(f"temperatures = {temperatures!r} must be SymPy symbols.")
        return Ts
    Ts: set[sympy.Basic] = set()
    for a in target.thermal_atoms():
        if isinstance(a, Bose):
            Ts.add(a.args[1])
        elif isinstance(a, BoseDifference):
            Ts.update(a.args[1:])
        else:
            Ts.update((a.args[1], a.args[3]))
    syms = {t for t in Ts if isinstance(t, sympy.Symbol)}
    if not syms:
        syms = {s for s in target.free_symbols() if re.fullmatch(r"T(_.*)?", s.name)}
    if not syms:
        raise ExpansionError("no temperature found (no Bose function, no symbol named T or T_...); pass "
                             "temperatures=[...].")
    return sorted(syms, key=str)


def high_temperature(form: Any, order: int = 1, temperatures: Any = None) -> Any:
    r"""Expansion for :math:`T_X \gg \omega`: the first ``order`` non-vanishing orders in :math:`1/T`.

    All temperatures are scaled together (:math:`T_X = \tau_X/\epsilon`, fixed ratios), so
    the result is an expansion in :math:`\omega/T` at fixed :math:`T_A/T_B`; each entry
    keeps its own first ``order`` non-vanishing terms.  ``temperatures`` defaults to the
    temperature arguments of the Bose functions (or the symbols named ``T``/``T_...``).
    """
    _check_count(order, "order")
    if order == 0:
        raise InvalidParameterError("order = 0: ask for at least one order.")
    target = _Target(form)
    Ts = _temperatures(target, temperatures)

    def leaves(eng: Engine) -> dict[sympy.Symbol, Series]:
        return {T: eng.cseries(eng.num(T), -1) for T in Ts}

    def need(s: Series) -> bool:
        return sum(1 for c in s.c if c.e != 0) >= order or s.prec == INF

    out, eng = _run(target, leaves, n0=order + 1, need=need, what="high_temperature")
    flat = [_first_terms(s, order) for s in out]
    return target.rebuild(flat, f"high temperature T >> omega ({order} order(s))", _kept_definitions(target, eng))


def _first_terms(s: Series, k: int) -> sympy.Expr:
    acc = sympy.S.Zero
    count = 0
    for c in s.c:
        if c.e == 0:
            continue
        acc += _tidy(c.e)
        count += 1
        if count >= k:
            break
    return acc


# ---------------------------------------------------------------- low temperature
def _boltzmann_factor(eng: Engine, arg: sympy.Expr, Ts: set[sympy.Symbol]) -> Series:
    r""":math:`e^{\mathrm{arg}}` as (t y)^k: every term of ``arg`` with a temperature is a Boltzmann factor."""
    out = eng.const(sympy.S.One)
    rest = sympy.S.Zero
    for term in sympy.Add.make_args(sympy.expand(arg)):
        if not (term.free_symbols & Ts):
            rest += term
            continue
        if term.is_negative:
            out = eng.smul(out, eng.cseries(eng.num(sympy.exp(term)), 1))
        elif term.is_positive:
            out = eng.smul(out, eng.cseries(eng.num(sympy.exp(term)), 0))
            out = eng.smul(out, eng.cseries(eng.one, -1))
        else:
            raise ExpansionError(f"low_temperature: the sign of {term} is unknown, so exp({term}) cannot be "
                                 "ordered as T -> 0; give the symbols positive=True (or negative=True).")
    return eng.smul(out, eng.const(sympy.exp(rest))) if rest != 0 else out


def _low_rules(Ts: set[sympy.Symbol]) -> dict[type, Any]:
    def bose(eng: Engine, e: sympy.Expr) -> Series:
        w, T = (eng._constant(a) for a in e.args)
        if w.is_negative:   # n(-|w|) = -1 - n(|w|)
            return eng.sadd(eng.const(sympy.S.NegativeOne), eng.sneg(bose(eng, Bose(-w, T))))
        if not w.is_positive:
            raise ExpansionError(f"low_temperature: the sign of the frequency {w} is unknown; give its symbols "
                                 "positive=True.")
        y = _boltzmann_factor(eng, -w / T, Ts)     # t y
        out = ZERO
        p = eng.const(sympy.S.One)
        for _ in range(eng.n + 1):
            p = eng.smul(p, y)
            out = eng.sadd(out, p)
        return eng.sadd(out, eng.big_o((eng.n + 2) * y.val))

    def bose_difference(eng: Engine, e: sympy.Expr) -> Series:
        w, A, B = e.args
        return eng.sadd(eng.expand(Bose(w, A)), eng.sneg(eng.expand(Bose(w, B))))

    def fermi(eng: Engine, w: sympy.Expr, T: sympy.Expr) -> Series:
        if not w.is_positive:
            raise ExpansionError(f"low_temperature: the Fermi function of {w} needs a positive frequency.")
        y = _boltzmann_factor(eng, -w / T, Ts)     # f = y - y^2 + ...
        out = ZERO
        p = eng.const(sympy.S.One)
        for _ in range(eng.n + 1):
            p = eng.sneg(eng.smul(p, y))
            out = eng.sadd(out, eng.sneg(p))
        return eng.sadd(out, eng.big_o((eng.n + 2) * y.val))

    def fermi_difference(eng: Engine, e: sympy.Expr) -> Series:
        wA, TA, wB, TB = (eng._constant(a) for a in e.args)
        return eng.sadd(fermi(eng, wA, TA), eng.sneg(fermi(eng, wB, TB)))

    def exp(eng: Engine, e: sympy.Expr) -> Series:
        return _boltzmann_factor(eng, eng._constant(e.args[0]), Ts)

    return {Bose: bose, BoseDifference: bose_difference, FermiDifference: fermi_difference, sympy.exp: exp}


def low_temperature(form: Any, order: int = 1, temperatures: Any = None) -> Any:
    r"""Expansion for :math:`T_X \ll \omega`: the first ``order`` non-vanishing orders in the Boltzmann factors.

    Every Boltzmann factor :math:`y = e^{-\omega/T_X}` (inside a Bose function,
    :math:`n = y + y^2 + \dots`, a Fermi function or an explicit exponential) is counted
    by a bookkeeping parameter; each entry keeps its first ``order`` non-vanishing orders
    in that count.  Differences :math:`e^{a} - e^{b}` of Boltzmann factors are returned as
    :class:`~symness.classical.closedforms.BoltzmannDifference` (see
    :func:`stable_exp_differences`), which evaluates without cancellation at a small bias.
    """
    _check_count(order, "order")
    if order == 0:
        raise InvalidParameterError("order = 0: ask for at least one order.")
    target = _Target(form)
    Ts = set(_temperatures(target, temperatures))

    def leaves(eng: Engine) -> dict[sympy.Symbol, Series]:
        return {T: eng.const(T) for T in Ts}

    def need(s: Series) -> bool:
        return sum(1 for c in s.c if c.e != 0) >= order or s.prec == INF

    out, eng = _run(target, leaves, n0=order + 1, need=need, rules=_low_rules(Ts), what="low_temperature")
    flat = [_first_terms_low(s, order, Ts) for s in out]
    return target.rebuild(flat, f"low temperature T << omega ({order} order(s) in Boltzmann factors)",
                          _kept_definitions(target, eng))


def _first_terms_low(s: Series, k: int, Ts: Any) -> sympy.Expr:
    acc = sympy.S.Zero
    count = 0
    for c in s.c:
        if c.e == 0:
            continue
        acc += stable_exp_differences(_collect_exp(c.e), Ts)   # within one order
        count += 1
        if count >= k:
            break
    return acc


def _collect_exp(e: sympy.Expr) -> sympy.Expr:
    """``sum_j c_j exp(a_j)``: one exponential per distinct exponent, coefficients cancelled and factored."""
    return simplify_rational([e], collect=lambda a: isinstance(a, sympy.exp))[0] if e != 0 else e


# ---------------------------------------------------------------- stable differences of exponentials
def stable_exp_differences(expr: Any, temperatures: Any = None) -> Any:
    r"""Write sums of exponentials that cancel at equal temperatures with
    :class:`~symness.classical.closedforms.BoltzmannDifference`.

    Terms :math:`\sum_j c_j e^{a_j}` whose exponents become equal when all
    ``temperatures`` are equal (default: the symbols named ``T``/``T_...``) are rewritten as
    :math:`\sum_{j \ne r} c_j\,(e^{a_j} - e^{a_r}) + (\sum_j c_j)\, e^{a_r}`; the last term
    vanishes identically in the usual case (a current at zero bias).  Each difference
    carries :math:`\delta = a_r - a_j` formed symbolically (e.g. :math:`\omega(T_A -
    T_B)/(T_AT_B)`), so the value keeps full relative precision at a small bias, where the
    plain sum loses :math:`\log_{10}|1/\delta|` digits.  The value is unchanged.
    """
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(lambda e: stable_exp_differences(e, temperatures))
    expr = sympy.sympify(expr)
    if temperatures is None:
        temperatures = [s for s in expr.free_symbols if re.fullmatch(r"T(_.*)?", s.name)]
    Ts = list(temperatures)
    if not expr.args or not Ts:
        return expr
    args = [stable_exp_differences(a, Ts) for a in expr.args]
    expr = expr.func(*args) if tuple(args) != expr.args else expr
    if not expr.is_Add:
        return expr
    T0 = sympy.Dummy("T", positive=True)
    equal = {T: T0 for T in Ts}
    groups: dict[sympy.Expr, list[tuple[sympy.Expr, sympy.Expr]]] = {}
    out = sympy.S.Zero
    for t in sympy.Add.make_args(expr):
        c, f = t.as_independent(sympy.exp, as_Add=False)
        if isinstance(f, sympy.exp) and not c.has(sympy.exp):
            a = sympy.expand(f.args[0])
            groups.setdefault(sympy.expand(a.xreplace(equal)), []).append((c, a))
        else:
            out += t
    for terms in groups.values():
        if len(terms) == 1:
            out += terms[0][0] * sympy.exp(terms[0][1])
            continue
        # the reference: a term with a negative coefficient, so that two-term groups print c (e^a - e^b), c > 0
        r = next((k for k, (c, _) in enumerate(terms) if c.could_extract_minus_sign()), len(terms) - 1)
        c_r, a_r = terms[r]
        total = sympy.cancel(sum((c for c, _ in terms), sympy.S.Zero))
        for k, (c, a) in enumerate(terms):
            if k != r:
                out += c * BoltzmannDifference(a, a_r, sympy.factor(sympy.together(a_r - a)))
        if total != 0:
            out += _tidy(total) * sympy.exp(a_r)
    return out
