"""Symbolic two-spin hierarchy: closed forms vs the numeric hierarchy and the exact NESS (weak_coupling)."""

import numpy as np
import pytest
import sympy

from symness.errors import InvalidParameterError, NegativeTemperatureError, NonUniqueSteadyStateError
from symness.hierarchy import Hierarchy, exact_ness, small_bias_form, tilted_ising_two_spin, zeroth_order_form
from symness.hierarchy.observables import exact_currents, local_t
from symness.hierarchy.pauli import string_matrix
from symness.hierarchy.two_spin import current_forms, first_order_coefficients, two_spin_hierarchy
from symness.models import tilted_ising

LAB = {"I": 0, "x": 1, "y": 2, "z": 3}
POINTS = [dict(theta=0.7, T_L=1.3, T_R=0.45, h=1.2, c_L=0.8, c_R=1.3, d_L=0.6, d_R=1.7),
          dict(theta=1.9, T_L=0.7, T_R=2.5, h=0.8, c_L=1.5, c_R=0.3, d_L=2.0, d_R=0.1)]


def _subs(p):
    s = {sympy.Symbol("theta", positive=True): p["theta"], sympy.Symbol("h", positive=True): p["h"],
         sympy.Symbol("t_L"): np.tanh(p["h"] / p["T_L"]), sympy.Symbol("t_R"): np.tanh(p["h"] / p["T_R"])}
    for k in ("c_L", "c_R", "d_L", "d_R"):
        s[sympy.Symbol(k, nonnegative=True)] = p[k]
    return s


def _matrix(coeffs, p):
    sub = {k: sympy.Float(v) for k, v in _subs(p).items()}  # xreplace: 4x faster than subs
    M = np.zeros((4, 4), dtype=complex)
    for k, v in coeffs.items():
        M += complex(v.xreplace(sub)) * string_matrix(tuple(LAB[c] for c in k))
    return M


@pytest.mark.parametrize("p", POINTS)
def test_rho0_symbolic_vs_numeric(p):
    sh = two_spin_hierarchy()
    M = _matrix(sh.coefficients(0), p)
    assert np.abs(M - Hierarchy(tilted_ising(2), **p).rho(0)).max() < 1e-13


def test_eq44_exactly_zero_and_conditions():
    sh = two_spin_hierarchy()
    assert sh.eq44().to_dok() == {}
    cond = sh.conditions()[0]
    assert cond.free_symbols  # the non-degeneracy condition depends on theta, t_L, t_R


@pytest.fixture(scope="module")
def rho1():
    return first_order_coefficients()


@pytest.mark.parametrize("p", POINTS)
def test_rho1_symbolic_vs_numeric(rho1, p):
    assert np.abs(_matrix(rho1, p) - Hierarchy(tilted_ising(2), **p).rho(1)).max() < 1e-12


def test_two_spin_closed_form_vs_exact_limit():
    """t1, t2, g of the closed form against the exact NESS, Richardson-extrapolated to lambda -> 0."""
    p = POINTS[0]
    cf = tilted_ising_two_spin(**p)
    m = tilted_ising(2, **p)
    vals = {}
    for lam in (0.002, 0.001, 0.0005):
        r = exact_ness(m, lam)
        t = local_t(r, 2)
        zz = np.trace(np.kron(np.diag([1, -1]), np.diag([1, -1])) @ r).real
        vals[lam] = np.array([t[0], t[1], (zz - t[0] * t[1]) / 4])
    lim = (8 * vals[0.0005] - 6 * vals[0.001] + vals[0.002]) / 3  # Richardson, error O(lambda^3)
    assert np.allclose([cf["t1"], cf["t2"], cf["g"]], lim, atol=1e-8, rtol=0)


def test_two_spin_gibbs_equal_temperatures():
    out = tilted_ising_two_spin(0.9, 0.7, 0.7, h=1.1, c_L=0.5, c_R=2.0, d_L=0.3, d_R=1.0)
    t = np.tanh(1.1 / 0.7)
    assert abs(out["t1"] - t) < 1e-14 and abs(out["t2"] - t) < 1e-14 and abs(out["g"]) < 1e-15
    assert abs(out["T1"] - 0.7) < 1e-12


def test_two_spin_symbolic_output_and_errors():
    th, TL = sympy.symbols("theta T_L", positive=True)
    out = tilted_ising_two_spin(th, TL, sympy.Rational(1, 2))
    assert isinstance(out["t1"], sympy.Expr) and out["t1"].has(sympy.tanh)
    num = out["t1"].subs({th: 0.7, TL: 1.5})
    assert abs(float(num) - tilted_ising_two_spin(0.7, 1.5, 0.5)["t1"]) < 1e-13
    with pytest.raises(NegativeTemperatureError):
        tilted_ising_two_spin(0.7, -1.0, 0.5)
    with pytest.raises(NonUniqueSteadyStateError):
        tilted_ising_two_spin(0.0, 1.5, 0.5)
    with pytest.raises(InvalidParameterError):
        tilted_ising_two_spin(0.7, 1.5, 0.5, h=0)


def test_k_form_exact_for_identical_baths_and_first_order_otherwise():
    f = small_bias_form()
    K = f["K"].lambdify(["theta", "t_L", "t_R", "c", "d"])
    tl, tr = np.tanh(1 / 1.5), np.tanh(1 / 0.5)
    rng = np.random.default_rng(7)
    for _ in range(5):
        th, c, d = rng.uniform(0.2, 1.4), rng.uniform(0.2, 2), rng.uniform(0.2, 2)
        ex = tilted_ising_two_spin(th, 1.5, 0.5, c_L=c, c_R=c, d_L=d, d_R=d)
        k = K(th, tl, tr, c, d)
        assert abs(ex["t1"] - ((tl + tr) / 2 + k / 2 * (tl - tr))) < 1e-14
        assert abs(ex["g"] + k * (1 - k) * (tl - tr) ** 2 / 16) < 1e-14
        assert 0 <= k <= 1
    # unequal c with the averaged c of eq. (B30): the error is first order in c_L - c_R
    errs = []
    for dc in (0.2, 0.1):
        ex = tilted_ising_two_spin(0.7, 1.5, 0.5, c_L=1 + dc, c_R=1 - dc)
        k = K(0.7, tl, tr, 1.0, 1.0)
        errs.append(abs(ex["t1"] - ((tl + tr) / 2 + k / 2 * (tl - tr))))
    assert 1.8 < errs[0] / errs[1] < 2.2
    # unequal d enters only through d_L + d_R: exact
    ex = tilted_ising_two_spin(0.7, 1.5, 0.5, d_L=1.6, d_R=0.4)
    assert abs(ex["t1"] - ((tl + tr) / 2 + K(0.7, tl, tr, 1.0, 1.0) / 2 * (tl - tr))) < 1e-14


def test_zeroth_order_form_latex_and_lambdify():
    f = zeroth_order_form()
    assert "t_{L}" in f.latex() and f.paper == "weak_coupling"
    fn = f.lambdify(["theta", "t_L", "t_R", "c_L", "c_R", "d_L", "d_R"])
    out = fn(0.7, np.tanh(1 / 1.5), np.tanh(2.0), 1, 1, 1, 1)
    assert abs(out["t1"] - tilted_ising_two_spin(0.7, 1.5, 0.5)["t1"]) < 1e-14


def test_current_closed_forms_vs_exact(rho1):
    """Leading power lambda^2 and the lambda^3 coefficient of J_L, J_R, J_12 against the exact NESS."""
    p = POINTS[0]
    forms = current_forms((2, 3))
    sub = {str(k): v for k, v in _subs(p).items()}
    val = {k: complex(forms[k].expr.subs(_subs(p))).real for k in forms.keys()}
    del sub
    m = tilted_ising(2, **p)
    lams = [0.004, 0.002, 0.001]
    J = {lam: exact_currents(m, lam, exact_ness(m, lam)) for lam in lams}
    for key, name in (("J_L", "L"), ("J_R", "R"), ("J_12", "bond 1")):
        j2, j3 = val[f"{key}^(2)"], val[f"{key}^(3)"]
        series = np.array([J[lam][name] for lam in lams])
        slope = np.polyfit(np.log(lams), np.log(np.abs(series)), 1)[0]
        assert abs(slope - 2) < 0.02
        e = [(J[lam][name] - j2 * lam**2) / lam**3 for lam in lams]
        assert abs(2 * e[2] - e[1] - j3) < 1e-3 * max(1.0, abs(j3))
        assert abs(J[0.001][name] / 0.001**2 - j2) < 0.01 * abs(j2)
    assert val["J_L^(2)"] > 0  # T_L > T_R: heat enters from the hot bath
    assert abs(val["J_L^(2)"] + val["J_R^(2)"]) < 1e-14
