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

import ast
import random
import re
from collections.abc import Mapping
from typing import Any

import sympy

from ..classical.closedforms import BoltzmannDifference
from ..closedform import ClosedForm, LazyDefinition
from ..errors import DerivationTooLargeError, InvalidParameterError
from .functions import Bose, BoseDifference, FermiDifference
from .powerseries import (
    _NONANALYTIC,
    INF,
    ZERO,
    Engine,
    ExpansionError,
    Series,
    _NeedPrecision,
    dependent_definitions,
    simplify_rational,
)

__all__ = ["series", "high_temperature", "low_temperature", "stable_exp_differences", "representative_point",
           "ExpansionError"]

_MAX_ORDER = 12      # largest order / number of terms accepted (the work grows like its square)
#: default limit on the terms of the tree polynomials an expansion writes out: about 8 ms per term
#: (SymPy coefficients), so 2000 terms ~ 20 s; the 8-level XX chain has 19 200 + 2 x 45 600 (~15 min)
MAX_TERMS = 2000
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


_SAMPLES = 2        # sample points of the zero tests (a coefficient must vanish at all or none)


def representative_point(form: Any) -> dict[sympy.Symbol, Any]:
    """The parameter point a form was derived at (``pauli_kernel(..., at=...)``), if it says so.

    Read from the attribute ``point`` if the form has one, else from the assumption row
    ``"... taken at {'omega_1': 1, ...}"`` that the kernels write.  ``{}`` if unknown.
    """
    if not isinstance(form, ClosedForm):
        return {}
    names = {s.name: s for s in form.free_symbols}
    raw = getattr(form, "point", None)
    if raw is None:
        for a in form.assumptions:
            m = re.search(r"taken at (\{[^{}]*\})", a)
            if m:
                try:
                    raw = ast.literal_eval(m.group(1))
                except (ValueError, SyntaxError):
                    raw = None
                break
    out = {}
    for k, v in (raw or {}).items():
        s = names.get(str(k)) if not isinstance(k, sympy.Symbol) else k
        if s is not None:
            out[s] = sympy.nsimplify(v, rational=True)
    return out


def _sample_points(symbols: set[sympy.Symbol], seed: int, assume: Any, near: Mapping[sympy.Symbol, Any]
                   ) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """Sample points for the zero tests: within 10 % of the form's representative point ``near`` where
    known, rationals of order 1 otherwise (negative for negative symbols), inside ``assume``."""
    rng = random.Random(seed)
    out: list[dict[sympy.Symbol, sympy.Rational]] = []
    for _ in range(400):
        pt = {}
        for s in sorted(symbols, key=str):
            if s in near and near[s] != 0:
                pt[s] = near[s] * sympy.Rational(rng.randint(900, 1100), 1000)
            else:
                v = sympy.Rational(rng.randint(300, 3000), 1000)
                pt[s] = -v if s.is_negative or s.is_nonpositive else v
        if assume is True or bool(sympy.sympify(assume).subs(pt)):
            out.append(pt)
            if len(out) == _SAMPLES:
                return out
    raise InvalidParameterError(f"assume = {assume}: no sample point satisfies it (values of order 1 or near "
                                "the form's representative point); check the condition.")


def _resolve_nonanalytic(e: sympy.Expr, eng: Engine, informed: bool) -> sympy.Expr:
    """Abs(a) -> +-a and sign(a) -> +-1 by the sign of ``a`` at the sample points (the region the form holds in)."""
    atoms = e.atoms(*_NONANALYTIC)
    if not atoms:
        return e
    if not informed:
        raise ExpansionError(
            f"the expansion contains {sorted(map(str, atoms))[:3]}: it depends on the region of the parameters "
            "(e.g. the level order), which this form does not state. Pass assume= (e.g. omega_1 > omega_2).")
    reps = {}
    for a in atoms:
        if not isinstance(a, (sympy.Abs, sympy.sign)):
            continue
        signs = {int(sympy.sign(eng._eval_sympy(a.args[0], k))) for k in range(len(eng.values))}
        if len(signs) != 1 or 0 in signs:
            raise ExpansionError(f"{a} changes sign between the sample points; pass assume= to fix the region.")
        sgn = signs.pop()
        reps[a] = sgn * a.args[0] if isinstance(a, sympy.Abs) else sympy.Integer(sgn)
    return e.xreplace(reps)


def _assumption(assume: Any) -> Any:
    """``assume`` as one SymPy boolean (``True`` if none)."""
    if assume is None:
        return True
    items = assume if isinstance(assume, (list, tuple, set)) else [assume]
    out = []
    for a in items:
        a = sympy.sympify(a)
        if not isinstance(a, (sympy.logic.boolalg.Boolean, sympy.core.relational.Relational)):
            raise InvalidParameterError(f"assume: {a} is not a condition; pass e.g. omega_1 > omega_2.")
        out.append(a)
    return sympy.And(*out)


def _finish(e: sympy.Expr, kept: Mapping[sympy.Symbol, Any], cond: Any, eng: Engine) -> sympy.Expr:
    """Presentation of one final coefficient: short differences, assumptions, the region's signs."""
    return _resolve_nonanalytic(_refine(_shorten(e, kept), cond), eng, eng.informed)


def _refine(e: sympy.Expr, assume: Any) -> sympy.Expr:
    if assume is True:
        return e
    q = sympy.And(*[_as_q(a) for a in sympy.And.make_args(assume)])
    return sympy.refine(e, q)


def _as_q(a: Any) -> Any:
    """A relation ``x > y`` as the assumption ``Q.positive(x - y)`` (what ``refine`` understands)."""
    if isinstance(a, (sympy.StrictGreaterThan, sympy.GreaterThan)):
        return sympy.Q.positive(a.lhs - a.rhs) if a.rel_op == ">" else sympy.Q.nonnegative(a.lhs - a.rhs)
    if isinstance(a, (sympy.StrictLessThan, sympy.LessThan)):
        return sympy.Q.positive(a.rhs - a.lhs) if a.rel_op == "<" else sympy.Q.nonnegative(a.rhs - a.lhs)
    return a


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


def _explicit(e: sympy.Expr, defs: Mapping[sympy.Symbol, Any]) -> sympy.Expr:
    for _ in range(len(defs) + 1):
        if not (e.free_symbols & set(defs)):
            break
        e = e.xreplace(defs)
    return e


def _shorten(e: sympy.Expr, defs: Mapping[sympy.Symbol, Any]) -> sympy.Expr:
    r"""Sums of auxiliary symbols that are shorter written out, written out and factored.

    E.g. :math:`\nu_1 - \nu_2 \to 4g` for :math:`\nu_{1,2} = \omega_1 \pm 2g`: shorter, and
    evaluated without the cancellation of two nearly equal frequencies at a small coupling.
    """
    defs = {k: v for k, v in defs.items() if not isinstance(v, LazyDefinition)}
    if not defs or not (e.free_symbols & set(defs)):
        return e
    if e.is_Add:
        ex = sympy.expand(_explicit(e, defs))
        if len(sympy.Add.make_args(ex)) < len(e.args):
            return sympy.factor(ex)
        return e.func(*[_shorten(a, defs) for a in e.args])
    if e.is_Mul or e.is_Pow:
        return e.func(*[_shorten(a, defs) for a in e.args])
    return e


def _tidy(e: sympy.Expr) -> sympy.Expr:
    """A readable exact coefficient: one fraction, common factors cancelled, factored (python-flint)."""
    return e if e == 0 else simplify_rational([e])[0]


def _check_size(target: _Target, variables: set[sympy.Symbol], max_terms: int, what: str) -> None:
    """Refuse before expanding when the form's polynomials that depend on the variables are large."""
    dep = dependent_definitions(target.definitions, variables)
    big = {str(s): d.nterms for s, d in target.definitions.items()
           if isinstance(d, LazyDefinition) and s in dep and hasattr(d, "nterms")}
    total = sum(big.values())
    if total > max_terms:
        raise DerivationTooLargeError(
            f"{what}: the form's tree polynomials that depend on the expansion variable have {total} terms "
            f"({big}); expanding them symbolically would take minutes to hours (limit max_terms={max_terms}). "
            "Evaluate the exact form numerically at small values of the parameter instead (form.lambdify(), "
            "form.evaluate(..., dps=50)), expand a smaller model, or raise max_terms.", estimate=total)


def _run(target: _Target, leaves_of: Any, *, n0: int, need: Any, variables: set[sympy.Symbol],
         rules: Any = None, seed: int = 11, what: str = "the expansion", assume: Any = True,
         max_terms: int = MAX_TERMS) -> tuple[list[Series], Engine]:
    """Expand every entry with increasing precision until ``need(series)`` holds for all of them."""
    _check_size(target, variables, max_terms, what)
    near = representative_point(target.form)
    points = _sample_points(target.free_symbols(), seed, assume, near)
    keep = _spectral(target.definitions)
    n = n0
    while True:
        eng = Engine(leaves_of, target.definitions, points, n, keep=lambda s: s in keep, rules=rules, seed=seed)
        eng.informed = bool(near) or assume is not True
        try:
            out = [eng.expand(e) for e in target.flat]
        except _NeedPrecision:
            out = None
        if out is not None and all(need(s) for s in out):
            if eng.nonanalytic and not eng.informed:
                raise ExpansionError(
                    f"{what}: the coefficients contain {sorted(eng.nonanalytic)[:3]}, so the expansion depends on "
                    "the region of the parameters (e.g. the level order) and this form does not state it. Pass "
                    "assume= (e.g. omega_1 > omega_2).")
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
           terms: int | None = None, assume: Any = None, max_terms: int = MAX_TERMS) -> Any:
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
    assume
        Conditions under which the form holds, e.g. ``omega_1 > omega_2`` (the level order a
        kernel was derived for): the zero tests use a point inside this region and the
        coefficients are simplified with it (``Abs(omega_1 - omega_2)`` -> ``omega_1 - omega_2``).
        Forms of :func:`~symness.kernels.pauli_kernel` name the point they were derived at, which
        is used when ``assume`` is not given.
    max_terms
        Refuse (:class:`~symness.errors.DerivationTooLargeError`, at once) if the form's tree
        polynomials that depend on ``x`` have more terms in total (large models).

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
    cond = _assumption(assume)
    out, eng = _run(target, leaves, n0=n0, need=need, what=f"series in {x}", assume=cond, max_terms=max_terms,
                    variables={x})
    kept = _kept_definitions(target, eng)
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
            acc += _finish(_tidy(c.e), kept, cond, eng) * h**k
            count += 1
            if terms is not None and count >= terms:
                break
        flat.append(acc)
    where = f"{x} -> oo" if infinite else f"{x} -> {about}"
    note = (f"series for {where} through O({sympy.sstr(h)}^{order})" if order is not None else
            f"first {terms} non-vanishing term(s) for {where}")
    return target.rebuild(flat, note, kept)


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


def high_temperature(form: Any, order: int = 1, temperatures: Any = None, *, assume: Any = None,
                     max_terms: int = MAX_TERMS) -> Any:
    r"""Expansion for :math:`T_X \gg \omega`: the first ``order`` non-vanishing orders in :math:`1/T`.

    All temperatures are scaled together (:math:`T_X = \tau_X/\epsilon`, fixed ratios), so
    the result is an expansion in :math:`\omega/T` at fixed :math:`T_A/T_B`; each entry
    keeps its own first ``order`` non-vanishing terms.  ``temperatures`` defaults to the
    temperature arguments of the Bose functions (or the symbols named ``T``/``T_...``);
    ``assume`` and ``max_terms`` as in :func:`series`.
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

    cond = _assumption(assume)
    out, eng = _run(target, leaves, n0=order + 1, need=need, what="high_temperature", assume=cond,
                    max_terms=max_terms, variables=set(Ts))
    kept = _kept_definitions(target, eng)
    flat = [_finish(_first_terms(s, order), kept, cond, eng) for s in out]
    return target.rebuild(flat, f"high temperature T >> omega ({order} order(s))", kept)


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


def low_temperature(form: Any, order: int = 1, temperatures: Any = None, *, assume: Any = None,
                    max_terms: int = MAX_TERMS) -> Any:
    r"""Expansion for :math:`T_X \ll \omega`: the first ``order`` non-vanishing orders in the Boltzmann factors.

    Every Boltzmann factor :math:`y = e^{-\omega/T_X}` (inside a Bose function,
    :math:`n = y + y^2 + \dots`, a Fermi function or an explicit exponential) is counted
    by a bookkeeping parameter; each entry keeps its first ``order`` non-vanishing orders
    in that count.  Differences :math:`e^{a} - e^{b}` of Boltzmann factors are returned as
    :class:`~symness.classical.closedforms.BoltzmannDifference` (see
    :func:`stable_exp_differences`), which evaluates without cancellation at a small bias.
    ``temperatures``, ``assume`` and ``max_terms`` as in :func:`high_temperature`.
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

    cond = _assumption(assume)
    out, eng = _run(target, leaves, n0=order + 1, need=need, rules=_low_rules(Ts), what="low_temperature",
                    assume=cond, max_terms=max_terms, variables=Ts)
    kept = _kept_definitions(target, eng)
    flat = [_finish(_first_terms_low(s, order, Ts, kept), kept, cond, eng) for s in out]
    return target.rebuild(flat, f"low temperature T << omega ({order} order(s) in Boltzmann factors)",
                          _kept_definitions(target, eng))


def _first_terms_low(s: Series, k: int, Ts: Any, defs: Mapping[sympy.Symbol, Any]) -> sympy.Expr:
    acc = sympy.S.Zero
    count = 0
    for c in s.c:
        if c.e == 0:
            continue
        acc += stable_exp_differences(_collect_exp(c.e, Ts), Ts, defs)   # within one order
        count += 1
        if count >= k:
            break
    return acc


def _collect_exp(e: sympy.Expr, Ts: set[sympy.Symbol]) -> sympy.Expr:
    """``sum_j c_j exp(a_j)`` over the Boltzmann factors (exponentials with a temperature), one per
    distinct exponent, coefficients cancelled and factored."""
    if e == 0:
        return e
    return simplify_rational([e], collect=lambda a: isinstance(a, sympy.exp) and bool(a.free_symbols & Ts))[0]


# ---------------------------------------------------------------- stable differences of exponentials
def stable_exp_differences(expr: Any, temperatures: Any = None,
                           definitions: Mapping[sympy.Symbol, Any] | None = None) -> Any:
    r"""Write sums of exponentials that cancel at equal temperatures with
    :class:`~symness.classical.closedforms.BoltzmannDifference`.

    Terms :math:`\sum_j c_j e^{a_j}` whose exponents become equal when all
    ``temperatures`` are equal (default: the symbols named ``T``/``T_...``) are rewritten as
    :math:`\sum_{j \ne r} c_j\,(e^{a_j} - e^{a_r}) + (\sum_j c_j)\, e^{a_r}`; the last term
    vanishes identically in the usual case (a current at zero bias).  Each difference
    carries :math:`\delta = a_r - a_j` formed symbolically (e.g. :math:`\omega(T_A -
    T_B)/(T_AT_B)`), so the value keeps full relative precision at a small bias, where the
    plain sum loses :math:`\log_{10}|1/\delta|` digits.  ``definitions`` (auxiliary symbols
    such as Bohr frequencies) are written out to compare exponents and to form
    :math:`\delta` (:math:`\nu_1 - \nu_2 - \nu_3 + \nu_4` is formed as ``4 g``).
    The value is unchanged.
    """
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(lambda e: stable_exp_differences(e, temperatures, definitions))
    expr = sympy.sympify(expr)
    if temperatures is None:
        temperatures = [s for s in expr.free_symbols if re.fullmatch(r"T(_.*)?", s.name)]
    Ts = list(temperatures)
    if not expr.args or not Ts:
        return expr
    defs = {k: v for k, v in (definitions or {}).items() if not isinstance(v, LazyDefinition)}

    def explicit(e: sympy.Expr) -> sympy.Expr:
        return sympy.expand(_explicit(e, defs))
    args = [stable_exp_differences(a, Ts, defs) for a in expr.args]
    expr = expr.func(*args) if tuple(args) != expr.args else expr
    if not expr.is_Add:
        return expr
    T0 = sympy.Dummy("T", positive=True)
    equal = {T: T0 for T in Ts}
    groups: dict[sympy.Expr, list[tuple[sympy.Expr, sympy.Expr]]] = {}
    out = sympy.S.Zero
    Tset = set(Ts)
    for t in sympy.Add.make_args(expr):
        boltz = [f for f in sympy.Mul.make_args(t) if isinstance(f, sympy.exp) and f.free_symbols & Tset]
        c = sympy.Mul(*[f for f in sympy.Mul.make_args(t) if f not in boltz])
        if boltz and not (c.free_symbols & Tset):
            a = sympy.expand(sum((f.args[0] for f in boltz), sympy.S.Zero))
            groups.setdefault(explicit(a).xreplace(equal), []).append((c, a))
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
                out += c * BoltzmannDifference(a, a_r, sympy.factor(sympy.together(explicit(a_r - a))))
        if total != 0:
            out += _tidy(total) * sympy.exp(a_r)
    return out
