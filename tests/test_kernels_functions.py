"""Stable Bose functions vs 50-digit mpmath; SymPy behaviour (rewrite, evalf, LaTeX, lambdify)."""

import mpmath
import numpy as np
import pytest
import sympy

from symness.closedform import ClosedForm
from symness.kernels.functions import Bose, BoseDifference, bose_difference_numeric, bose_numeric


def _exact_n(w, T):
    with mpmath.workdps(60):
        return 1 / mpmath.expm1(mpmath.mpf(w) / mpmath.mpf(T))


@pytest.mark.parametrize("x", [1e-10, 1e-4, 0.3, 1.0, 7.0, 50.0, 700.0, 2000.0])
def test_bose_numeric_vs_mpmath(x):
    exact = _exact_n(x, 1)
    got = bose_numeric(x, 1.0)
    if exact < 1e-300:
        assert got == 0.0 or abs(got - float(exact)) < 1e-320
    else:
        assert abs(got - float(exact)) <= 4e-16 * float(exact)


@pytest.mark.parametrize("TA,TB", [(1.0, 1.0 + 1e-9), (1.0, 0.999999), (2.0, 0.5), (0.01, 0.02), (5e-3, 1e-3),
                                   (100.0, 99.999999), (1.0, 0.0), (0.0, 1.0), (1e-4, 1e4)])
def test_bose_difference_is_accurate(TA, TB):
    w = 0.7
    with mpmath.workdps(60):
        def n(T):
            return mpmath.mpf(0) if T == 0 else 1 / mpmath.expm1(mpmath.mpf(w) / mpmath.mpf(T))
        exact = n(TA) - n(TB)
    got = bose_difference_numeric(w, TA, TB)
    assert np.isfinite(got)
    # condition number of e^{-w/T} in w/T is w/T: allow for the rounding of w/T itself
    cond = max([1.0] + [w / T for T in (TA, TB) if T > 0])
    assert abs(got - float(exact)) <= 4e-16 * cond * abs(float(exact)) + 1e-300


def test_bose_difference_zero_at_equal_temperatures():
    T = sympy.Symbol("T", positive=True)
    w = sympy.Symbol("w", positive=True)
    assert BoseDifference(w, T, T) == 0
    assert bose_difference_numeric(1.0, 0.3, 0.3) == 0.0


def test_sympy_behaviour():
    w, TA, TB = sympy.symbols("omega_+ T_A T_B", positive=True)
    n = Bose(w, TA)
    assert n.is_positive
    assert sympy.simplify(n.rewrite(sympy.exp) - 1 / (sympy.exp(w / TA) - 1)) == 0
    assert abs(float(Bose(w, TA).subs({w: 1, TA: 2}).evalf(30)) - float(_exact_n(1, 2))) < 1e-15
    assert sympy.latex(n) == r"n_{A}\left(\omega_{+}\right)"
    assert r"\left[n_{A}" in sympy.latex(BoseDifference(w, TA, TB))
    d = sympy.diff(n, w)
    assert sympy.simplify((d - sympy.diff(n.rewrite(sympy.exp), w)).rewrite(sympy.exp)) == 0


def test_lambdify_uses_stable_numerics():
    w, TA, TB = sympy.symbols("w T_A T_B", positive=True)
    f = ClosedForm(w * BoseDifference(w, TA, TB) / (1 + 2 * Bose(w, TA))).lambdify([w, TA, TB])
    # deep low temperature: no overflow, no mpmath fallback needed
    val = f(1.0, 1e-3, 2e-3)
    assert np.isfinite(val)
    assert f.fallback_count == 0
    # tiny bias keeps relative accuracy
    TB = 1.0 + 1e-10
    with mpmath.workdps(60):
        exact = (1 / mpmath.expm1(mpmath.mpf(1)) - 1 / mpmath.expm1(1 / mpmath.mpf(TB))) / (1 + 2 / mpmath.expm1(1))
    assert abs(f(1.0, 1.0, TB) - float(exact)) <= 1e-14 * abs(float(exact))
