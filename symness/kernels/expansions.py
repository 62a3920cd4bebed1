r"""High- and low-temperature expansions of kernel results, derived with SymPy.

Both act on expressions that contain :class:`~symness.kernels.functions.Bose`
and :class:`~symness.kernels.functions.BoseDifference` functions:

* :func:`high_temperature`: every temperature :math:`T_X \to T_X/\epsilon`,
  the Bose functions replaced by their Laurent series
  :math:`n(\omega,T) = T/\omega - 1/2 + \omega/(12T) + \dots` (obtained from
  ``sympy.series`` of :math:`1/(e^x-1)`), then a series in :math:`\epsilon`;
* :func:`low_temperature`: every Bose function written through its Boltzmann
  factor :math:`y = e^{-\omega/T}`, :math:`n = y/(1-y)`, and a series in a
  common bookkeeping parameter multiplying all :math:`y` (leading orders in
  the Boltzmann factors).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sympy

from .functions import Bose, BoseDifference

__all__ = ["high_temperature", "low_temperature", "bose_laurent", "rational_series", "series_window"]


@lru_cache(maxsize=8)
def bose_laurent(order: int) -> tuple[sympy.Symbol, sympy.Expr]:
    """Laurent series of :math:`1/(e^x - 1)` about 0 to ``O(x^order)``: ``(x, series)``."""
    x = sympy.Symbol("x", positive=True)
    return x, sympy.series(1 / (sympy.exp(x) - 1), x, 0, order).removeO()


def _temperatures(expr: sympy.Expr) -> set[sympy.Expr]:
    Ts = set()
    for f in expr.atoms(Bose):
        Ts.add(f.args[1])
    for f in expr.atoms(BoseDifference):
        Ts.update(f.args[1:])
    return Ts


def rational_series(expr: sympy.Expr, x: sympy.Symbol, nterms: int, max_order: int = 12
                    ) -> list[tuple[int, sympy.Expr]]:
    r"""First ``nterms`` non-zero terms ``(power, coefficient)`` of a rational function of ``x`` about 0.

    Exact power-series division of numerator by denominator polynomials
    (coefficients cancelled at each step) -- much faster than ``sympy.series``
    on large rational expressions.  Laurent powers are allowed.
    """
    num, den = sympy.fraction(sympy.cancel(sympy.together(expr)))
    P = sympy.Poly(num, x)
    Q = sympy.Poly(den, x)
    p = dict((m[0], c) for m, c in P.terms())
    q = dict((m[0], c) for m, c in Q.terms())
    if not p:
        return []
    kp, kq = min(p), min(q)
    q0 = q[kq]
    out: list[tuple[int, sympy.Expr]] = []
    c: list[sympy.Expr] = []
    for k in range(max_order + 1):
        acc = p.get(kp + k, sympy.S.Zero)
        for j in range(1, k + 1):
            qj = q.get(kq + j)
            if qj is not None and c[k - j] != 0:
                acc -= qj * c[k - j]
        ck = sympy.factor(sympy.cancel(acc / q0))
        c.append(ck)
        if ck != 0:
            out.append((kp - kq + k, ck))
            if len(out) >= nterms:
                break
    return out


def _trunc_mul(a: dict[int, sympy.Expr], b: dict[int, sympy.Expr], span: int) -> dict[int, sympy.Expr]:
    if not a or not b:
        return {}
    lo = min(a) + min(b)
    out: dict[int, sympy.Expr] = {}
    for i, ca in a.items():
        for j, cb in b.items():
            if i + j <= lo + span:
                out[i + j] = out.get(i + j, sympy.S.Zero) + ca * cb
    return out


def _inverse(a: dict[int, sympy.Expr], span: int) -> dict[int, sympy.Expr]:
    lo = min(a)
    a0 = a[lo]
    c: list[sympy.Expr] = []
    for k in range(span + 1):
        acc = sympy.S.One if k == 0 else sympy.S.Zero
        for j in range(1, k + 1):
            if lo + j in a:
                acc -= a[lo + j] * c[k - j]
        c.append(sympy.cancel(acc / a0))
    return {-lo + k: ck for k, ck in enumerate(c)}


def series_window(expr: sympy.Expr, x: sympy.Symbol, span: int) -> dict[int, sympy.Expr]:
    """Series of ``expr`` in ``x`` at 0 from its leading power ``p`` to ``p + span`` (``{power: coeff}``).

    Products and integer powers are expanded factor by factor (so large
    factored expressions never get multiplied out); sums use exact
    power-series division of their numerator and denominator.
    """
    expr = sympy.sympify(expr)
    if not expr.has(x):
        return {0: expr} if expr != 0 else {}
    if expr.is_Mul:
        out: dict[int, sympy.Expr] = {0: sympy.S.One}
        for f in expr.args:
            out = _trunc_mul(out, series_window(f, x, span), span)
        return {k: v for k, v in out.items() if v != 0}
    if expr.is_Pow and expr.exp.is_Integer:
        base = series_window(expr.base, x, span)
        if not base:
            raise ZeroDivisionError("series of 0**negative")
        e = int(expr.exp)
        if e < 0:
            base = _inverse(base, span)
            e = -e
        out = {0: sympy.S.One}
        for _ in range(e):
            out = _trunc_mul(out, base, span)
        return out
    if expr == x:
        return {1: sympy.S.One}
    return dict(rational_series(expr, x, 10**6, max_order=span))


def _leading_terms(expr: sympy.Expr, x: sympy.Symbol, order: int) -> sympy.Expr:
    """The first ``order`` non-vanishing terms of the series of ``expr`` in ``x``, as an expression."""
    for span in range(order - 1, 2 * order + 6):
        win = series_window(expr, x, span)
        nz = sorted((k, sympy.factor(v)) for k, v in win.items() if sympy.cancel(v) != 0)
        if len(nz) >= order or span == 2 * order + 5:
            return sum((v * x**k for k, v in nz[:order]), sympy.S.Zero)
    raise AssertionError("unreachable")


def high_temperature(expr: Any, order: int = 1, temperatures: list[sympy.Symbol] | None = None) -> Any:
    r"""Expansion for :math:`T_X \gg \omega`: the first ``order`` non-vanishing orders in :math:`1/T`.

    All temperatures are scaled together (:math:`T_X = \tau_X/\epsilon`,
    fixed ratios), so the result is an expansion in :math:`\omega/T` at fixed
    :math:`T_A/T_B`.
    """
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(lambda e: high_temperature(e, order, temperatures))
    expr = sympy.sympify(expr)
    eps = sympy.Dummy("epsilon", positive=True)
    x, ser = bose_laurent(2 * order + 4)
    expr = expr.replace(BoseDifference, lambda w, a, b: Bose(w, a) - Bose(w, b))
    Ts = temperatures or sorted(_temperatures(expr), key=str)
    scaled = expr.xreplace({T: T / eps for T in Ts})
    scaled = scaled.replace(Bose, lambda w, T: ser.xreplace({x: w / T}))
    return _leading_terms(scaled, eps, order).subs(eps, 1)


def low_temperature(expr: Any, order: int = 1) -> Any:
    r"""Expansion for :math:`T_X \ll \omega`: the first ``order`` non-vanishing orders in the Boltzmann factors.

    :math:`n(\omega, T) = y/(1-y)`, :math:`y = e^{-\omega/T}`; all :math:`y`
    are multiplied by a bookkeeping :math:`t`, the expression is expanded in
    :math:`t` and :math:`t = 1`.
    """
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(lambda e: low_temperature(e, order))
    expr = sympy.sympify(expr)
    expr = expr.replace(BoseDifference, lambda w, a, b: Bose(w, a) - Bose(w, b))
    t = sympy.Dummy("t", positive=True)
    boltz: dict[sympy.Symbol, sympy.Expr] = {}
    reps = {}
    for f in expr.atoms(Bose):
        w, T = f.args
        y = sympy.Dummy("y", positive=True)
        boltz[y] = sympy.exp(-w / T)
        reps[f] = t * y / (1 - t * y)
    return _leading_terms(expr.xreplace(reps), t, order).subs(t, 1).xreplace(boltz)
