r"""Truncated Laurent series of closed forms, with exact coefficients and a numeric shadow.

The engine behind :mod:`symness.kernels.expansions`.  An expression (with its
auxiliary definitions: Bohr frequencies, rates, tree polynomials) is expanded in
one small variable :math:`h` by walking it once, bottom-up, with truncated
power-series arithmetic -- the Bose functions are expanded through the
derivative recursion :math:`n' = -n(1+n)` (coefficients stay polynomials in the
Bose functions at the expansion point, e.g. :math:`n_h(\omega_1)`), or through
the Laurent series :math:`1/y - 1/2 + y/12 - \dots` where their argument
vanishes (high temperature, a Bohr frequency that closes).  Much faster than
``sympy.series`` on the written-out form, and the result keeps the papers'
notation.

Zero coefficients.  Leading orders of kernel currents vanish through identities
between exponentials (detailed balance at equal temperatures, Kolmogorov's
cycle condition), which SymPy's polynomial arithmetic does not see when the Bose
functions are opaque.  Every coefficient therefore carries its value at one
random point of the parameters (60-digit mpmath in a private context, plus a
bound on the size of the terms it was computed from): a coefficient is zero
when its value is below :math:`10^{-40}` of that bound.  An identity that fails
at a random point fails almost everywhere, so a non-zero coefficient is never
dropped; undefined spectral functions (and their derivatives) get random values.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from typing import Any

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from ..closedform import LazyDefinition
from ..errors import InvalidParameterError
from .functions import Bose, BoseDifference, FermiDifference

__all__ = ["ExpansionError", "Engine", "Series"]

INF = math.inf
_NONANALYTIC = (sympy.Abs, sympy.sign, sympy.Piecewise, sympy.Max, sympy.Min, sympy.Heaviside)
_DPS = 60            # digits of the numeric shadow
_ZERO_DIGITS = 40    # a coefficient is zero if |value| < 10^-40 * (size of its terms)


class ExpansionError(InvalidParameterError):
    """The expansion asked for does not exist as a power series, or could not be computed.

    The message says why (an essential singularity such as :math:`e^{-\\omega/T}` at
    :math:`T \\to 0`, a fractional power, no non-vanishing term up to a limit) and what
    to use instead.
    """


class Num:
    """A coefficient: exact SymPy expression ``e``, its values ``v`` at the sample points, size bounds ``m``."""

    __slots__ = ("e", "v", "m")

    def __init__(self, e: sympy.Expr, v: tuple[Any, ...], m: tuple[Any, ...]):
        self.e, self.v, self.m = e, v, m

    def is_zero(self, ctx: Any) -> bool:
        """Zero at every sample point (to 40 digits of the terms it was computed from)."""
        if self.e == 0:
            return True
        tol = ctx.mpf(10) ** -_ZERO_DIGITS
        flags = [abs(v) <= m * tol for v, m in zip(self.v, self.m)]
        if all(flags):
            return True
        if any(flags):
            raise ExpansionError(
                f"the coefficient {sympy.sstr(self.e)[:120]} vanishes at some sample points and not at others: "
                "the form changes structure between them (e.g. the order of two levels, |omega_1 - omega_2|). "
                "Pass assume= with the conditions the form holds under (e.g. omega_1 > omega_2).")
        return False

    def __repr__(self) -> str:
        return f"Num({self.e}, {[mpmath.nstr(v, 8) for v in self.v]})"


class Series:
    r"""Truncated Laurent series :math:`\sum_{k=\mathrm{val}}^{\mathrm{prec}-1} c_k h^k + O(h^{\mathrm{prec}})`.

    ``c[0]`` is the coefficient of :math:`h^{\mathrm{val}}` and is non-zero unless
    no coefficient is known (``c == []``, then ``val == prec``).  ``prec`` is
    ``math.inf`` for an exact (finite) series.
    """

    __slots__ = ("val", "c", "prec")

    def __init__(self, val: int, c: list[Num], prec: float):
        self.val, self.c, self.prec = val, c, prec

    def coeff(self, k: int, zero: Num) -> Num:
        i = k - self.val
        return self.c[i] if 0 <= i < len(self.c) else zero

    def __repr__(self) -> str:
        return f"Series(val={self.val}, prec={self.prec}, {[c.e for c in self.c]})"


def _bernoulli_laurent(n: int) -> list[sympy.Rational]:
    """Coefficients b_k of 1/(e^y - 1) = sum_k b_k y^(k-1), k = 0..n-1 (b_k = B_k/k!, B_1 = -1/2)."""
    return [sympy.Rational(-1, 2) if k == 1 else sympy.bernoulli(k) / sympy.factorial(k) for k in range(n)]


class Engine:
    """Expands expressions in ``h`` with ``n`` significant terms per intermediate series.

    Parameters
    ----------
    leaves
        ``engine -> {symbol: Series}`` for the symbols that depend on ``h`` (e.g.
        ``T_h -> T_c + h``); called once the engine can build series.
    definitions
        Auxiliary symbols and their definitions (expanded where they depend on ``h``, kept as
        symbols where they do not and ``keep`` accepts them).
    keep
        Whether an independent definition stays a symbol in the coefficients.
    points
        Sample points (values of the free parameters, SymPy numbers) for the zero tests: a
        coefficient is zero if it vanishes at all of them; vanishing at some only is an error.
    rules
        Extra ``function class -> handler(engine, expr) -> Series`` (the low-temperature
        bookkeeping replaces the Bose functions this way).
    """

    def __init__(self, leaves: Callable[[Engine], Mapping[sympy.Symbol, Series]],
                 definitions: Mapping[sympy.Symbol, Any],
                 points: list[Mapping[sympy.Symbol, Any]], n: int, *,
                 keep: Callable[[sympy.Symbol], bool] | None = None,
                 rules: Mapping[type, Callable[[Engine, sympy.Expr], Series]] | None = None, seed: int = 7):
        self.ctx = mpmath.MPContext()
        self.ctx.dps = _DPS
        self.n = n
        self.definitions = dict(definitions)
        self.rules = dict(rules or {})
        self._rng = random.Random(seed)
        self._memo: dict[sympy.Basic, Series] = {}
        self._num_memo: dict[sympy.Basic, Any] = {}
        self._undef: dict[sympy.Basic, Any] = {}
        #: non-analytic atoms (Abs, sign, ...) met in the coefficients: the result depends on the region
        self.nonanalytic: set[str] = set()
        #: whether the sample points are known to lie in the form's region (set by the caller)
        self.informed = False
        K = len(points)
        zero, one = self.ctx.mpf(0), self.ctx.mpf(1)
        self.zero = Num(sympy.S.Zero, (zero,) * K, (zero,) * K)
        self.one = Num(sympy.S.One, (one,) * K, (one,) * K)
        # numeric values at each sample point: parameters, then every definition (in dependency order)
        self.values: list[dict[sympy.Symbol, Any]] = []
        for k, point in enumerate(points):
            vals = {s: sympy.sympify(v) for s, v in point.items()}
            self.values.append(vals)
            pending = dict(self.definitions)
            for _ in range(len(pending) + 1):
                if not pending:
                    break
                for s, d in list(pending.items()):
                    if not (_free(d) & set(pending)):
                        vals[s] = (d.evaluate(vals, _DPS + 10) if isinstance(d, LazyDefinition)
                                   else self._eval_sympy(d, k))
                        del pending[s]
            if pending:
                raise InvalidParameterError("the definitions refer to each other in a cycle: "
                                            f"{sorted(map(str, pending))}.")
        self.leaves = dict(leaves(self))
        dep = dependent_definitions(self.definitions, set(self.leaves))
        self.dependent = dep
        keep = keep or (lambda s: True)
        self.kept = {s for s in self.definitions if s not in dep and keep(s)}

    # ----------------------------------------------------------------- numbers
    def _eval_sympy(self, e: sympy.Expr, k: int) -> sympy.Expr:
        e = sympy.sympify(e)
        undef = [a for a in e.atoms(AppliedUndef, sympy.Derivative, sympy.Subs)]
        if undef:
            e = e.xreplace({a: self._random_undef(a, k) for a in undef})
        return e.xreplace(self.values[k]).evalf(_DPS + 10)

    def _random_undef(self, a: sympy.Basic, k: int) -> sympy.Expr:
        """A random value standing for an undefined function (or derivative) at a point."""
        key = (k, a.xreplace(self.values[k]) if not isinstance(a, sympy.Derivative) else a)
        if key not in self._undef:
            self._undef[key] = sympy.Rational(self._rng.randint(300, 3000), 1000)
        return self._undef[key]

    def _mp(self, val: sympy.Expr, e: sympy.Expr) -> Any:
        try:
            re, im = val.as_real_imag()
            r = self.ctx.mpf(str(sympy.Float(re, _DPS + 5)))
            v = self.ctx.mpc(r, self.ctx.mpf(str(sympy.Float(im, _DPS + 5)))) if im != 0 else r
        except (TypeError, ValueError):
            raise ExpansionError(f"cannot evaluate the coefficient {e} at a sample point (got {val}); "
                                 "every symbol must be a parameter or a definition.") from None
        if not self.ctx.isfinite(v):
            raise ExpansionError(f"the coefficient {e} is not finite at a sample point ({val}).")
        return v

    def num(self, e: sympy.Expr) -> Num:
        """A constant coefficient (no h) with its values at the sample points."""
        e = sympy.sympify(e)
        if e.is_Rational:
            v = self.ctx.mpf(int(e.p)) / int(e.q)
            return Num(e, (v,) * len(self.values), (abs(v),) * len(self.values))
        if e not in self._num_memo:
            self.nonanalytic.update(map(str, e.atoms(*_NONANALYTIC)))
            vs = tuple(self._mp(self._eval_sympy(e, k), e) for k in range(len(self.values)))
            self._num_memo[e] = (vs, tuple(abs(v) for v in vs))
        return Num(e, *self._num_memo[e])

    def add(self, a: Num, b: Num) -> Num:
        r = Num(a.e + b.e, tuple(x + y for x, y in zip(a.v, b.v)), tuple(max(x, y) for x, y in zip(a.m, b.m)))
        return self.zero if r.is_zero(self.ctx) else r

    def mul(self, a: Num, b: Num) -> Num:
        if a.e == 0 or b.e == 0:
            return self.zero
        return Num(a.e * b.e, tuple(x * y for x, y in zip(a.v, b.v)), tuple(x * y for x, y in zip(a.m, b.m)))

    def inv(self, a: Num) -> Num:
        return Num(1 / a.e, tuple(1 / x for x in a.v), tuple(m / abs(x) ** 2 for x, m in zip(a.v, a.m)))

    def scale(self, a: Num, r: sympy.Rational) -> Num:
        if r == 0 or a.e == 0:
            return self.zero
        f = self.ctx.mpf(int(r.p)) / int(r.q)
        return Num(r * a.e, tuple(f * x for x in a.v), tuple(abs(f) * m for m in a.m))

    # ----------------------------------------------------------------- series arithmetic
    def const(self, e: sympy.Expr) -> Series:
        c = self.num(e)
        return ZERO if c.is_zero(self.ctx) else self._norm(0, [c], INF)

    def cseries(self, c: Num, power: int = 0) -> Series:
        """The series c h^power (exact)."""
        return ZERO if c.is_zero(self.ctx) else self._norm(power, [c], INF)

    def exact(self, coeffs: Mapping[int, Any]) -> Series:
        """The exact finite series ``sum_k coeffs[k] h^k``."""
        items = {k: self.num(v) for k, v in coeffs.items()}
        items = {k: v for k, v in items.items() if not v.is_zero(self.ctx)}
        if not items:
            return ZERO
        lo, hi = min(items), max(items)
        return Series(lo, [items.get(k, self.zero) for k in range(lo, hi + 1)], INF)

    def big_o(self, p: float) -> Series:
        """O(h^p): nothing known below p."""
        return ZERO if p == INF else Series(p, [], p)

    def _norm(self, val: float, c: list[Num], prec: float) -> Series:
        """Strip leading zeros and keep at most n significant terms."""
        i = 0
        while i < len(c) and c[i].is_zero(self.ctx):
            i += 1
        c = c[i:]
        val = val + i
        if not c:
            return ZERO if prec == INF else Series(prec, [], prec)
        prec = min(prec, val + self.n)
        return Series(val, c[:int(prec - val)], prec)

    def sadd(self, a: Series, b: Series) -> Series:
        if a is ZERO:
            return b
        if b is ZERO:
            return a
        prec = min(a.prec, b.prec)
        lo = min(a.val, b.val)
        if lo >= prec:
            return self.big_o(prec)
        hi = min(max(a.val + len(a.c), b.val + len(b.c)), prec)
        c = [self.add(a.coeff(k, self.zero), b.coeff(k, self.zero)) for k in range(int(lo), int(hi))]
        return self._norm(lo, c, prec)

    def ssum(self, items: list[Series]) -> Series:
        """The sum of many series, each coefficient built as one SymPy ``Add`` (not term by term)."""
        items = [a for a in items if a is not ZERO]
        if not items:
            return ZERO
        if len(items) == 1:
            return items[0]
        prec = min(a.prec for a in items)
        lo = min(a.val for a in items)
        if lo >= prec:
            return self.big_o(prec)
        hi = min(max(a.val + len(a.c) for a in items), prec)
        if hi > lo + self.n:   # keep n terms: what lies beyond is then unknown, not zero
            hi = prec = lo + self.n
        K = len(self.values)
        c = []
        for k in range(int(lo), int(hi)):
            parts = [a.c[k - a.val] for a in items if 0 <= k - a.val < len(a.c)]
            if not parts:
                c.append(self.zero)
                continue
            v = tuple(sum((p.v[j] for p in parts), self.ctx.mpf(0)) for j in range(K))
            m = tuple(max(p.m[j] for p in parts) for j in range(K))
            r = Num(sympy.Add(*[p.e for p in parts]), v, m)
            c.append(self.zero if r.is_zero(self.ctx) else r)
        return self._norm(lo, c, prec)

    def polynomial(self, ring: Any, poly: Any) -> Series:
        """A python-flint polynomial in the ring's symbols, evaluated on their series term by term."""
        coeffs, exps = ring.terms(poly)
        gens = [self.expand(s) for s in ring.symbols]
        powers: dict[tuple[int, int], Series] = {}

        def power(i: int, k: int) -> Series:
            if (i, k) not in powers:
                powers[(i, k)] = gens[i] if k == 1 else self.smul(power(i, k - 1), gens[i])
            return powers[(i, k)]
        terms = []
        for c, row in zip(coeffs, exps):
            t = self.cseries(self.num(sympy.Integer(c)))
            for i in row.nonzero()[0]:
                t = self.smul(t, power(int(i), int(row[i])))
            terms.append(t)
        return self.ssum(terms)

    def sneg(self, a: Series) -> Series:
        return Series(a.val, [self.scale(x, sympy.S.NegativeOne) for x in a.c], a.prec)

    def smul(self, a: Series, b: Series) -> Series:
        if a is ZERO or b is ZERO:
            return ZERO
        val = a.val + b.val
        prec = min(a.prec + b.val, b.prec + a.val, val + self.n)
        if not a.c or not b.c:
            return Series(prec, [], prec)
        hi = prec if prec != INF else val + len(a.c) + len(b.c) - 1
        c = []
        for k in range(int(val), int(hi)):
            acc = self.zero
            for i, x in enumerate(a.c):
                j = k - a.val - i - b.val
                if 0 <= j < len(b.c):
                    acc = self.add(acc, self.mul(x, b.c[j]))
            c.append(acc)
        return self._norm(val, c, prec)

    def sinv(self, a: Series) -> Series:
        if not a.c:
            raise _NeedPrecision()
        rel = a.prec - a.val
        m = int(min(rel, self.n))
        a0inv = self.inv(a.c[0])
        c = [a0inv]
        for k in range(1, m):
            acc = self.zero
            for j in range(1, k + 1):
                if j < len(a.c):
                    acc = self.add(acc, self.mul(a.c[j], c[k - j]))
            c.append(self.scale(self.mul(acc, a0inv), sympy.S.NegativeOne))
        return self._norm(-a.val, c, -a.val + m)

    def spow(self, a: Series, k: int) -> Series:
        if k < 0:
            return self.spow(self.sinv(a), -k)
        out = ONE_SERIES(self)
        base = a
        while k:
            if k & 1:
                out = self.smul(out, base)
            k >>= 1
            if k:
                base = self.smul(base, base)
        return out

    def compose(self, derivs: Callable[[int], list[Num]], u: Series) -> Series:
        """sum_k d_k u^k for a small u (val >= 1), with ``derivs(m) = [d_0, ..., d_{m-1}]``."""
        if u is ZERO or not u.c:
            d0 = derivs(1)[0]
            return self.sadd(self.cseries(d0), self.big_o(u.prec))
        m = self.n + 1
        d = derivs(m)
        out = self.cseries(d[0])
        p = ONE_SERIES(self)
        for k in range(1, m):
            p = self.smul(p, u)
            out = self.sadd(out, self.smul(self.cseries(d[k]), p))
        return self.sadd(out, self.big_o(m * u.val))   # the first neglected term, u^m

    def split(self, a: Series) -> tuple[Num, Series]:
        """(value at h = 0, the rest) of a series without a pole."""
        if a is ZERO:
            return self.zero, ZERO
        if a.c and a.val < 0:
            raise AssertionError("split of a series with a pole")
        if not a.c and a.prec <= 0:
            raise _NeedPrecision()
        if a.val > 0 or not a.c:
            return self.zero, a
        return a.c[0], self._norm(1, a.c[1:], a.prec)

    # ----------------------------------------------------------------- expressions
    def depends(self, e: sympy.Basic) -> bool:
        return bool(_free(e) & self.dependent)

    def expand(self, e: Any) -> Series:
        e = sympy.sympify(e)
        if e in self._memo:
            return self._memo[e]
        out = self._expand(e)
        self._memo[e] = out
        return out

    def _expand(self, e: sympy.Expr) -> Series:
        if e in self.leaves:
            return self.leaves[e]
        if isinstance(e, sympy.Symbol) and e in self.definitions and e in self.dependent:
            d = self.definitions[e]
            if isinstance(d, LazyDefinition):
                ring, poly = getattr(d, "ring", None), getattr(d, "poly", None)
                return self.polynomial(ring, poly) if ring is not None and poly is not None else self.expand(d.sympy())
            return self.expand(d)
        if not self.depends(e):
            return self.const(self._constant(e))
        rule = self.rules.get(type(e))
        if rule is not None:
            return rule(self, e)
        if e.is_Add:
            return self.ssum([self.expand(a) for a in e.args])
        if e.is_Mul:
            out = ONE_SERIES(self)
            for a in e.args:
                out = self.smul(out, self.expand(a))
            return out
        if e.is_Pow:
            return self._pow(e)
        if isinstance(e, sympy.exp):
            return self.exp(self.expand(e.args[0]))
        if isinstance(e, Bose):
            return self.bose(self.expand(e.args[0]), self.expand(e.args[1]))
        if isinstance(e, BoseDifference):
            w = self.expand(e.args[0])
            return self.sadd(self.bose(w, self.expand(e.args[1])), self.sneg(self.bose(w, self.expand(e.args[2]))))
        if isinstance(e, FermiDifference):
            wA, TA, wB, TB = (self.expand(a) for a in e.args)
            return self.sadd(self.fermi(wA, TA), self.sneg(self.fermi(wB, TB)))
        exp_form = getattr(e, "exp_form", None)
        if exp_form is not None:  # BoltzmannDifference and any other ExpDefinedFunction
            return self.expand(exp_form(*e.args))
        if isinstance(e, AppliedUndef) and len(e.args) == 1:
            return self.undefined(e)
        raise ExpansionError(
            f"cannot expand {type(e).__name__} ({sympy.sstr(e)[:80]}) as a power series; the supported "
            "building blocks are rational operations, powers, exp, the Bose/Fermi/Boltzmann functions and "
            "undefined spectral functions of one argument.")

    def _constant(self, e: sympy.Expr) -> sympy.Expr:
        """A coefficient free of h: definitions that are not kept are written out."""
        drop = {s: d for s, d in self.definitions.items() if s not in self.kept and s in _free(e)}
        for _ in range(len(self.definitions) + 1):
            if not drop:
                return e
            e = e.xreplace({s: (d.sympy() if isinstance(d, LazyDefinition) else d) for s, d in drop.items()})
            drop = {s: d for s, d in self.definitions.items() if s not in self.kept and s in _free(e)}
        return e

    def _pow(self, e: sympy.Pow) -> Series:
        base, ex = e.args
        if self.depends(ex):
            return self.exp(self.expand(ex * sympy.log(base)))
        if ex.is_Integer:
            return self.spow(self.expand(base), int(ex))
        b = self.expand(base)
        if not b.c:
            raise _NeedPrecision()
        lead_pow = b.val * ex
        if not sympy.sympify(lead_pow).is_Integer:
            raise ExpansionError(f"{sympy.sstr(e)[:80]} has a fractional power of the expansion variable "
                                 f"(h^{lead_pow}); expand in a variable that makes it a power series.")
        b0 = b.c[0]
        u = self.smul(b, self.cseries(self.inv(b0), -int(b.val)))          # 1 + O(h)
        _, du = self.split(u)
        pre = self.num(b0.e ** ex)

        def derivs(m: int) -> list[Num]:
            return [self.num(sympy.binomial(ex, k)) for k in range(m)]
        return self.smul(self.compose(derivs, du), self.cseries(pre, int(lead_pow)))

    def exp(self, a: Series) -> Series:
        if a.val < 0 and a.c:
            raise ExpansionError("exp of a pole: an essential singularity (e.g. exp(-omega/T) at T -> 0) has "
                                 "no power series; use low_temperature() for T -> 0.")
        a0, du = self.split(a)
        e0 = self.num(sympy.exp(a0.e)) if a0.e != 0 else self.one

        def derivs(m: int) -> list[Num]:
            return [self.scale(e0, sympy.Rational(1, math.factorial(k))) for k in range(m)]
        return self.compose(derivs, du)

    def bose(self, w: Series, T: Series) -> Series:
        y = self.smul(w, self.sinv(T))
        if y.c and y.val < 0:
            raise ExpansionError("a Bose function whose argument omega/T diverges (T -> 0 or omega -> oo) has "
                                 "no power series (an essential singularity); use low_temperature().")
        if not y.c:
            raise _NeedPrecision()
        if y.val > 0:  # y -> 0: the Laurent series 1/y - 1/2 + y/12 - ... (b_k y^(k-1))
            m = self.n + 2
            b = _bernoulli_laurent(m)
            out = self.sinv(y)
            p = ONE_SERIES(self)
            for k in range(1, m):
                if k > 1:
                    p = self.smul(p, y)
                if b[k] != 0:
                    out = self.sadd(out, self.smul(self.cseries(self.num(b[k])), p))
            return self.sadd(out, self.big_o((m - 1) * y.val))   # the first neglected term, y^(m-1)
        w0 = w.c[0] if w.val == T.val and w.c else None
        T0 = T.c[0] if w.val == T.val and T.c else None
        y0, dy = self.split(y)
        n0 = self.num(Bose(w0.e, T0.e) if w0 is not None and T0 is not None else Bose(y0.e, 1))
        return self.compose(lambda m: self._poly_derivs(n0, m, (1, 1)), dy)

    def fermi(self, w: Series, T: Series) -> Series:
        y = self.smul(w, self.sinv(T))
        if y.c and y.val < 0:
            raise ExpansionError("a Fermi function whose argument omega/T diverges (T -> 0) has no power series; "
                                 "use low_temperature().")
        y0, dy = self.split(y)
        f0 = self.num(1 / (sympy.exp(y0.e) + 1))
        return self.compose(lambda m: self._poly_derivs(f0, m, (-1, 1)), dy)

    def _poly_derivs(self, x0: Num, m: int, q: tuple[int, int]) -> list[Num]:
        r"""Taylor coefficients P_k(x0)/k! of a function with x' = q0 x + q1 x^2 (n' = n + n^2 up to sign).

        Bose: :math:`n' = -n(1+n)` (q = (1, 1) with an overall minus per derivative);
        Fermi: :math:`f' = f^2 - f` (q = (-1, 1)).
        """
        z = sympy.Dummy("z")
        sign = -1 if q == (1, 1) else 1
        P = sympy.Poly(z, z)
        out = [x0]
        dq = sympy.Poly(sign * (q[0] * z + q[1] * z**2), z)
        for k in range(1, m):
            P = P.diff(z) * dq
            acc = self.zero
            xk = self.one
            coeffs = dict(P.terms())
            for p in range(P.degree() + 1):
                if p > 0:
                    xk = self.mul(xk, x0)
                c = coeffs.get((p,), 0)
                if c != 0:
                    acc = self.add(acc, self.scale(xk, sympy.Rational(c) / math.factorial(k)))
            out.append(acc)
        return out

    def undefined(self, e: AppliedUndef) -> Series:
        w = self.expand(e.args[0])
        w0, dw = self.split(w)
        z = sympy.Dummy("z")
        f = e.func

        def derivs(m: int) -> list[Num]:
            out = [self.num(f(w0.e))]
            for k in range(1, m):
                d = sympy.Subs(sympy.Derivative(f(z), (z, k)), z, w0.e)
                out.append(self.scale(self.num(d), sympy.Rational(1, math.factorial(k))))
            return out
        return self.compose(derivs, dw)


#: the exact zero series
ZERO = Series(INF, [], INF)


def ONE_SERIES(engine: Engine) -> Series:  # noqa: N802
    return Series(0, [engine.one], INF)


class _NeedPrecision(Exception):
    """An intermediate series lost all its known terms: redo with more terms."""


def dependent_definitions(definitions: Mapping[sympy.Symbol, Any], symbols: set[sympy.Symbol]
                          ) -> set[sympy.Symbol]:
    """``symbols`` and the definitions that depend on them (directly or through other definitions)."""
    dep = set(symbols)
    grow = True
    while grow:
        grow = False
        for s, d in definitions.items():
            if s not in dep and _free(d) & dep:
                dep.add(s)
                grow = True
    return dep


def _free(e: Any) -> set[sympy.Symbol]:
    return set(e.free_symbols) if hasattr(e, "free_symbols") else set()


# ---------------------------------------------------------------- exact simplification of coefficients
def simplify_rational(exprs: list[sympy.Expr], collect: Callable[[sympy.Basic], bool] | None = None
                      ) -> list[sympy.Expr]:
    r"""Each expression as one cancelled, factored fraction of polynomials in its atoms (python-flint).

    With ``collect`` (a predicate on atoms, e.g. "is an exponential"), the result is written
    as :math:`\sum_j c_j \prod_a a^{k_{ja}}` over the collected atoms :math:`a`, each
    :math:`c_j` factored (when no collected atom is left in the denominator); products of
    exponentials are merged into one exponential.

    The coefficients of a series are built as expression DAGs with much sharing; their
    written-out size grows exponentially with the order, which makes ``sympy.cancel``
    (it expands first) take minutes.  Here the DAG is converted once, node by node
    (memoised), to fractions of ``fmpz_mpoly`` with the common factor cancelled at every
    step (gcd); every node that is not a sum, product, integer power or rational number
    (a symbol, a Bose function, an exponential, a square root) is a generator.
    """
    from ..markov.symbolic import PolyRing

    atoms: dict[sympy.Basic, sympy.Dummy] = {}
    seen: set[int] = set()
    keep_alive = []
    stack = list(exprs)
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        keep_alive.append(e)
        if e.is_Add or e.is_Mul or (e.is_Pow and e.exp.is_Integer):
            stack.extend(e.args)
        elif not e.is_Rational and e not in atoms:
            atoms[e] = sympy.Dummy("a")
    if not atoms:
        return [sympy.nsimplify(e) if not e.is_Rational else e for e in exprs]
    ring = PolyRing(list(atoms.values()))
    gen = {a: ring.gen(d) for a, d in atoms.items()}
    one = ring.one()
    memo: dict[int, tuple[Any, Any]] = {}

    def frac(num: Any, den: Any) -> tuple[Any, Any]:
        if den.is_one():
            return num, den
        if num.is_zero():
            return num, one
        g = num.gcd(den)
        if not g.is_one():
            num, den = num / g, den / g
        if den.leading_coefficient() < 0:
            num, den = -num, -den
        return num, den

    def conv(e: sympy.Expr) -> tuple[Any, Any]:
        hit = memo.get(id(e))
        if hit is not None:
            return hit
        if e.is_Rational:
            out = (ring.ctx.constant(int(e.p)), ring.ctx.constant(int(e.q)))
        elif e in gen:
            out = (gen[e], one)
        elif e.is_Add:
            num, den = ring.zero(), one
            for a in e.args:
                n2, d2 = conv(a)
                if d2 == den:
                    num = num + n2
                else:
                    g = den.gcd(d2)
                    num, den = num * (d2 / g) + n2 * (den / g), den * (d2 / g)
                num, den = frac(num, den)
            out = (num, den)
        elif e.is_Mul:
            num, den = one, one
            for a in e.args:
                n2, d2 = conv(a)
                num, den = frac(num * n2, den * d2)
            out = (num, den)
        else:  # integer power
            n2, d2 = conv(e.base)
            k = int(e.exp)
            out = (n2**k, d2**k) if k >= 0 else frac(d2**-k, n2**-k)
        memo[id(e)] = out
        return out

    back = {d: a for a, d in atoms.items()}

    def factored(p: Any) -> tuple[sympy.Rational, sympy.Expr]:
        """(integer content with sign, product of factors written with a leading plus sign)."""
        c, facs = p.factor()
        coeff = sympy.Integer(int(c))
        out = []
        for f, m in facs:
            fe = ring.to_sympy(f).xreplace(back)
            if fe.could_extract_minus_sign():
                fe, coeff = -fe, coeff * (-1) ** int(m)
            out.append(fe if m == 1 else sympy.Pow(fe, int(m)))
        return coeff, sympy.Mul(*out)

    def ratio(num: Any, den: Any) -> sympy.Expr:
        cn, fn = factored(num)
        cd, fd = factored(den)
        return sympy.Rational(cn, cd) * fn / fd

    order = list(atoms)
    picked = [k for k, a in enumerate(order) if collect is not None and collect(a)]
    result = []
    for e in exprs:
        num, den = conv(e)
        if num.is_zero():
            result.append(sympy.S.Zero)
            continue
        if not picked or any(den.degrees()[k] for k in picked):
            result.append(ratio(num, den))
            continue
        groups: dict[tuple[int, ...], dict[tuple[int, ...], int]] = {}
        for mono, c in num.to_dict().items():
            key = tuple(mono[k] for k in picked)
            rest = tuple(0 if k in picked else m for k, m in enumerate(mono))
            groups.setdefault(key, {})[rest] = c
        total = sympy.S.Zero
        for key, terms in groups.items():
            factor = sympy.Mul(*[order[k] ** m for k, m in zip(picked, key) if m])
            factor = sympy.powsimp(factor)     # exp(a) exp(b) -> exp(a + b)
            total += ratio(ring.ctx.from_dict(terms), den) * factor
        result.append(total)
    return result
