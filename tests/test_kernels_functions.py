"""Stable Bose functions vs 50-digit mpmath; SymPy behaviour (rewrite, evalf, LaTeX, lambdify)."""

import mpmath
import numpy as np
import pytest
import sympy

from symness.closedform import ClosedForm
from symness.kernels.functions import Bose, BoseDifference, FermiDifference, bose_difference_numeric, bose_numeric


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


# ---------------------------------------------------------------- calculus: series, limits, signs
_w, _T, _TA, _TB, _x = sympy.symbols("omega T T_A T_B x", positive=True)


def _mp_n(w, T):
    return 1 / mpmath.expm1(mpmath.mpf(w) / mpmath.mpf(T))


def test_series_at_high_temperature_converges_like_its_order():
    """sympy.series of n(omega, T) about T = oo vs 50-digit mpmath: error ~ (omega/T)^3 after O(1/T^2) terms."""
    s = sympy.series(Bose(_w, _T), _T, sympy.oo, 3).removeO()
    f = sympy.lambdify([_w, _T], s, "mpmath")
    with mpmath.workdps(50):
        errs = [abs(f(1, T) - _mp_n(1, T)) for T in (10, 20)]
    assert errs[1] < errs[0] / 7.5  # next term omega^3/(720 T^3): ratio 8


def test_series_at_the_pole():
    """n(omega -> 0) has a pole: the Laurent series T/omega - 1/2 + omega/(12 T) (not an analytic Taylor series)."""
    s = sympy.series(Bose(_w, _T), _w, 0, 2).removeO()
    assert sympy.simplify(s - (_T / _w - sympy.Rational(1, 2) + _w / (12 * _T))) == 0


def test_series_in_a_shifted_temperature():
    """Small bias T_A = T_B + x: the O(x) term of n_A - n_B equals the numerical derivative (mpmath)."""
    s = sympy.series(BoseDifference(_w, _TB + _x, _TB), _x, 0, 2).removeO()
    c1 = s.coeff(_x, 1).subs({_w: 1, _TB: sympy.Rational(1, 2)})
    with mpmath.workdps(50):
        ref = mpmath.diff(lambda t: _mp_n(1, t), mpmath.mpf(1) / 2)
        assert abs(sympy.N(c1, 50) - ref) < mpmath.mpf(10) ** -40


def test_limits_in_temperature():
    assert sympy.limit(Bose(_w, _T), _T, sympy.oo) == sympy.oo
    assert sympy.limit(Bose(_w, _T), _T, 0) == 0          # no excitation at T = 0
    # the classical (equipartition) limit of n / T, against the 50-digit value at T = 1e20
    assert sympy.limit(Bose(_w, _T) / _T, _T, sympy.oo) == 1 / _w
    with mpmath.workdps(50):
        assert abs(_mp_n(2, 10**20) / 10**20 - mpmath.mpf(1) / 2) < 1e-19


def test_linear_response_limit():
    """lim (n_A - n_B)/(T_A - T_B) at T_A -> T_B = dn/dT (mpmath numerical derivative)."""
    lim = sympy.limit(BoseDifference(_w, _TA, _TB) / (_TA - _TB), _TA, _TB)
    got = sympy.N(lim.subs({_w: sympy.Rational(3, 2), _TB: sympy.Rational(7, 10)}), 40)
    with mpmath.workdps(50):
        ref = mpmath.diff(lambda t: _mp_n(mpmath.mpf(3) / 2, t), mpmath.mpf(7) / 10)
        assert abs(got - ref) < 1e-35 * abs(ref)


def test_fermi_difference_limit_and_derivative():
    lim = sympy.limit(FermiDifference(_w, _TA, _w, _TB), _TA, sympy.oo)   # f_A -> 1/2
    v = {_w: 1, _TB: sympy.Rational(1, 3)}
    with mpmath.workdps(50):
        ref = mpmath.mpf(1) / 2 - 1 / (mpmath.exp(3) + 1)
        assert abs(sympy.N(lim.subs(v), 40) - ref) < 1e-35
        d = sympy.diff(FermiDifference(_w, _TB + _x, 2 * _w, _TB), _x).subs(_x, 0).subs(v)
        ref_d = mpmath.diff(lambda t: 1 / (mpmath.exp(1 / t) + 1), mpmath.mpf(1) / 3)
        assert abs(sympy.N(d, 40) - ref_d) < 1e-35


def test_derivatives_in_composite_arguments():
    """fdiff is taken with respect to each argument, so arguments may be expressions (chain rule)."""
    e = BoseDifference(2 * _w + _x, _TB + _x**2, _TB)
    d = sympy.diff(e, _x).subs({_x: sympy.Rational(1, 5), _w: 1, _TB: 1})
    with mpmath.workdps(50):
        ref = mpmath.diff(lambda x: _mp_n(2 + x, 1 + x**2) - _mp_n(2 + x, 1), mpmath.mpf(1) / 5)
        assert abs(sympy.N(d, 40) - ref) < 1e-35


def test_signs_from_assumptions_agree_with_values():
    """The _eval_is_* rules against the sign of the 50-digit value at random points."""
    rng = np.random.default_rng(12)
    p, n_ = sympy.Symbol("p", positive=True), sympy.Symbol("m", negative=True)
    cases = [Bose(_w, _T), Bose(-_w, _T), BoseDifference(_w, _T + _x, _T), BoseDifference(_w, _T, _T + _x),
             BoseDifference(n_, _T + _x, _T), FermiDifference(_w, _T, _w + p, _T),
             FermiDifference(_w + p, _T, _w, _T)]
    from symness.classical.closedforms import BoltzmannDifference
    cases += [BoltzmannDifference(-_w, -_w - p, -p), BoltzmannDifference(-_w - p, -_w, p)]
    for e in cases:
        assert e.is_positive is not None and e.is_negative is not None
        assert e.is_zero is False or e.is_zero is None
        for _ in range(3):
            pt = {s: sympy.Rational(int(rng.integers(1, 40)), int(rng.integers(1, 20))) * (-1 if s == n_ else 1)
                  for s in e.free_symbols}
            v = sympy.N(e.subs(pt), 30)
            assert (v > 0) == e.is_positive and (v < 0) == e.is_negative
    assert BoseDifference(_w, _T, _T) == 0 and Bose(_w, 0) == 0 and Bose(-_w, 0) == -1
    assert Bose(0, _T) is sympy.zoo


def test_evalf_keeps_digits_at_a_tiny_bias():
    """evalf raises its working precision where n_A - n_B cancels (bias 1e-30, 30 digits asked)."""
    e = BoseDifference(1, 1, 1 + sympy.Rational(1, 10**30))
    with mpmath.workdps(100):
        ref = _mp_n(1, 1) - _mp_n(1, 1 + mpmath.mpf(10) ** -30)
        assert abs(e.evalf(30) - ref) < 1e-28 * abs(ref)


def test_classical_form_limit_at_infinite_temperature():
    """three_spin_equal().form.limit(T_R, oo) (was NotImplementedError) vs the form at T_R = 1e40 (mpmath)."""
    from symness.classical.closedforms import T_L, T_R, J, three_spin_equal
    form = three_spin_equal().form
    lim = form.limit(T_R, sympy.oo)
    pt = {J: 1, T_L: sympy.Rational(3, 2)}
    far = form.evaluate({"J": 1, "T_L": 1.5, "T_R": 1e40}, dps=50)
    for k in ("I_L", "I_U", "I_D"):
        got = sympy.N(lim.expr[k].subs(pt), 30)
        assert abs(got - far[k]) <= 1e-14 * abs(far[k])  # float64 of evaluate()
