"""Derived closed forms vs the numeric solvers, limits, accuracy of the lambdified forms."""

import mpmath
import numpy as np
import pytest
import sympy

from symness.classical import IsingRing
from symness.classical import closedforms as cf


def numeric(nu, nd, *args, **kw):
    return IsingRing(nu, nd).heat_currents(*args, **kw)


def test_three_spin_equal_vs_numeric(rng):
    f = cf.three_spin_equal().form.lambdify(["J", "T_L", "T_R"])
    for _ in range(5):
        J = rng.uniform(0.3, 2.0)
        TL, TR = rng.uniform(0.2, 5.0, 2)
        got = f(J, TL, TR)
        ref = numeric(1, 0, J, J, TL, TR)
        for k, key in (("I_L", "left"), ("I_U", "upper"), ("I_D", "lower")):
            assert got[k] == pytest.approx(ref[key], rel=1e-12, abs=1e-300)


def test_three_spin_literal_is_N_S_times_paper():
    p = cf.three_spin_equal("paper").form
    lit = cf.three_spin_equal("literal").form
    for k in ("I_L", "I_U", "I_D"):
        assert sympy.simplify(lit.expr[k] - 3 * p.expr[k]) == 0


def test_three_spin_stationary_vs_numeric():
    d = cf.three_spin_stationary()
    P = d.form.lambdify(["J", "T_L", "T_R"])(1.0, 2.5, 0.4)
    assert np.allclose(P.ravel(), IsingRing(1, 0).stationary(1.0, 1.0, 2.5, 0.4), rtol=1e-13, atol=0)
    # the compact form is a proper distribution for any Metropolis factors
    assert sympy.simplify(sum(d.compact.expr) - 1) == 0


def test_large_TL_limit_and_slope():
    res = cf.three_spin_large_TL()
    lim = res["limit"].lambdify(["J", "T_R"])
    slope = res["slope"].lambdify(["J", "T_R"])
    for J, TR in ((1.0, 1.0), (1.0, 0.3), (2.0, 5.0)):
        big = numeric(1, 0, J, J, 1e9, TR)
        L = lim(J, TR)
        assert L["I_L"] == pytest.approx(big["left"], rel=1e-8)
        # finite-difference check of the 1/T_L coefficient at large T_L
        TL = 1e4
        at = numeric(1, 0, J, J, TL, TR)
        assert (at["upper"] - L["I_U"]) * TL == pytest.approx(slope(J, TR)["I_U"], rel=1e-3)
    # monotonic saturation: I_L increases with T_L towards the limit (Fig. 4(b))
    TLs = np.geomspace(1.01, 1e4, 30)
    IL = [numeric(1, 0, 1.0, 1.0, t, 1.0)["left"] for t in TLs]
    assert np.all(np.diff(IL) > 0) and IL[-1] < lim(1.0, 1.0)["I_L"]


@pytest.mark.parametrize("case,J1,J2", [("J_U>J_D", 2.0, 1.9), ("J_U>J_D", 1.0, 0.2),
                                        ("J_U<J_D", 1.9, 2.0), ("J_U<J_D", 0.3, 1.5)])
def test_three_spin_unequal_vs_numeric(case, J1, J2):
    f = cf.three_spin_unequal(case).form.lambdify(["J_U", "J_D", "T_L", "T_R"])
    for TL, TR in ((2.0, 0.1), (0.5, 3.0), (1.0, 1.0)):
        got = f(J1, J2, TL, TR)
        ref = numeric(1, 0, J1, J2, TL, TR)
        for k, key in (("I_L", "left"), ("I_U", "upper"), ("I_D", "lower")):
            assert got[k] == pytest.approx(ref[key], rel=1e-11, abs=1e-15)


def test_unequal_reduces_to_equal():
    eq = cf.three_spin_equal().form
    for case in ("J_U>J_D", "J_U<J_D"):
        un = cf.three_spin_unequal(case).form.subs({cf.J_U: cf.J, cf.J_D: cf.J})
        for k in ("I_L", "I_U", "I_D"):
            diff = (un.expr[k] - eq.expr[k]).subs({cf.J: 1, cf.T_L: sympy.Rational(7, 3),
                                                    cf.T_R: sympy.Rational(2, 5)})
            assert abs(sympy.N(diff, 30)) < 1e-25


def test_three_spin_never_magnifies():
    dec = cf.three_spin_magnification()
    assert dec.possible is False
    assert len(dec.certificates) == 4 and all(c[1] == 0 for c in dec.certificates)
    assert "magnification" in dec.latex()
    # numeric confirmation over a wide random sample
    rng = np.random.default_rng(1)
    ring = IsingRing(1, 0)
    for _ in range(200):
        J1, J2 = rng.uniform(0.05, 4.0, 2)
        TL, TR = np.exp(rng.uniform(np.log(0.05), np.log(50.0), 2))
        assert not ring.classify(J1, J2, TL, TR).magnified


def test_four_spin_unequal_vs_numeric():
    d = cf.four_spin_unequal("J_U>J_D")
    assert d.size["terms in Z"] > 10
    f = d.form.lambdify(["J_U", "J_D", "T_L", "T_R"])
    got = f(2.0, 1.9, 2.0, 0.1)   # the Fig. 7 point
    ref = numeric(1, 1, 2.0, 1.9, 2.0, 0.1)
    for k, key in (("I_L", "left"), ("I_U", "upper"), ("I_D", "lower")):
        assert got[k] == pytest.approx(ref[key], rel=1e-11)
    # at the Fig. 7 point (J_2 = 1.9) the flow is parallel (I_D = -2.9e-4); it circulates for J_2 = 1.5
    assert got["I_U"] * got["I_D"] < 0 and abs(got["I_D"]) < 0.03 * got["I_L"]
    got = f(2.0, 1.5, 2.0, 0.1)
    assert got["I_U"] * got["I_D"] > 0


def test_branch_ratio_formula_matches_numerics(rng):
    form = cf.branch_ratio()
    NU, ND = sorted(form.free_symbols, key=lambda s: s.name)[::-1]
    ratio = form.expr["I_U/I_D"]
    for nu in range(4):
        for nd in range(4):
            J = rng.uniform(0.5, 1.5)
            TL, TR = rng.uniform(0.3, 4.0, 2)
            I = numeric(nu, nd, J, J, TL, TR)
            r = float(ratio.subs({sympy.Symbol("N_U", nonnegative=True, integer=True): nu,
                                  sympy.Symbol("N_D", nonnegative=True, integer=True): nd}))
            assert I["upper"] / I["lower"] == pytest.approx(r, rel=1e-9)


@pytest.mark.parametrize("which", ["equal", "unequal"])
def test_lambdified_forms_accurate_from_1e_3_to_1e3(which):
    """Compare float64 evaluation with 50-digit mpmath over T in [1e-3 J, 1e3 J]."""
    if which == "equal":
        form = cf.three_spin_equal().form
        args = ["J", "T_L", "T_R"]
        point = lambda TL, TR: (1.0, TL, TR)  # noqa: E731
    else:
        form = cf.three_spin_unequal("J_U>J_D").form
        args = ["J_U", "J_D", "T_L", "T_R"]
        point = lambda TL, TR: (2.0, 1.9, TL, TR)  # noqa: E731
    f = form.lambdify(args)
    Ts = [1e-3, 0.05, 1.0, 30.0, 1e3]
    syms = [next(s for s in form.free_symbols if s.name == a) for a in args]
    exprs = {k: sympy.lambdify(syms, e, modules="mpmath") for k, e in form.expr.items()}
    for TL in Ts:
        for TR in Ts:
            got = f(*point(TL, TR))
            with mpmath.workdps(50):
                for k, g in exprs.items():
                    exact = g(*[mpmath.mpf(x) for x in point(TL, TR)])
                    assert np.isfinite(got[k])
                    if TL == TR:  # no current: exactly zero up to roundoff
                        assert abs(got[k]) < 1e-15
                        continue
                    if abs(exact) < 1e-290:  # below float64 range: the float result underflows to ~0
                        assert abs(got[k]) < 1e-280
                        continue
                    # condition number of the difference x_L - x_R bounds the attainable accuracy
                    cond = 1.0 + abs(1 / TL + 1 / TR) / abs(1 / TL - 1 / TR)
                    assert abs(got[k] - float(exact)) <= 1e-13 * cond * abs(float(exact)), (k, TL, TR)
    assert f.fallback_count == 0  # decaying exponentials only: never needs the mpmath fallback
