"""Counting statistics, entropy production and the TUR of Pauli kernels, against independent computations.

Independent routes: the leading eigenvalue of the numeric tilted generator (mpmath, 50 digits) with
high-precision finite differences; kinetic Monte Carlo of the same jump process (3 sigma); the numeric
Davies solver's currents.  Physical laws: sigma >= 0, TUR >= 2, kappa_1 = mean current.
"""

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.physics.quantum import TensorProduct as TP

from symness.baths import Bath, flat, ohmic
from symness.errors import InvalidParameterError
from symness.kernels import pauli_kernel
from symness.markov.counting import cumulants_numeric, scgf_numeric, simulate_counting

w1, w2, g, Th, Tc, gam = sympy.symbols("omega_1 omega_2 g T_h T_c gamma", positive=True)
SZ = sympy.Matrix([[1, 0], [0, -1]])
SX = sympy.Matrix([[0, 1], [1, 0]])
I2 = sympy.eye(2)
VALS = {"omega_1": 1.0, "omega_2": 0.6, "g": 0.1, "T_h": 2.0, "T_c": 0.5, "gamma": 0.01}


@pytest.fixture(scope="module")
def zz():
    H = w1 / 2 * TP(SZ, I2) + w2 / 2 * TP(I2, SZ) + g * TP(SZ, SZ)
    cs = [(TP(SX, I2), Bath(flat(gam), Th, name="h")), (TP(I2, SX), Bath(flat(sympy.Rational(1, 50)), Tc, name="c"))]
    return pauli_kernel(H, cs, at={w1: 1.0, w2: 0.6, g: 0.1})


def _numeric_edges(pk, bath, vals):
    """(source, target, rate, heat increment) at ``vals`` from the kernel's rate definitions (explicit, SymPy)."""
    subs = {s: vals[s.name] for s in pk.parameters}
    edges = []
    for t in pk.transitions:
        up = float(pk.explicit(pk.rates[t.up]).subs(subs).evalf(30))
        down = float(pk.explicit(pk.rates[t.down]).subs(subs).evalf(30))
        w = float(pk.explicit(pk.channels[t.channel].symbol).subs(subs).evalf(30)) if t.bath == bath else 0.0
        edges += [(t.lower, t.upper, up, w), (t.upper, t.lower, down, -w)]
    return edges


def test_cumulants_vs_scgf_finite_differences(zz):
    kap = zz.heat_cumulants("h", 3).lambdify()(**VALS)
    edges = _numeric_edges(zz, "h", VALS)
    mpmath.mp.dps = 60
    try:
        E = [(s, d, mpmath.mpf(w), mpmath.mpf(q)) for s, d, w, q in edges]
        h = mpmath.mpf("1e-15")
        f = {k: scgf_numeric(4, E, k * h) for k in (-2, -1, 0, 1, 2)}
        k1 = (f[1] - f[-1]) / (2 * h)
        k2 = (f[1] - 2 * f[0] + f[-1]) / h**2
        k3 = (f[2] - 2 * f[1] + 2 * f[-1] - f[-2]) / (2 * h**3)
    finally:
        mpmath.mp.dps = 15
    assert kap["kappa_1"] == pytest.approx(float(k1), rel=1e-10)
    assert kap["kappa_2"] == pytest.approx(float(k2), rel=1e-10)
    assert kap["kappa_3"] == pytest.approx(float(k3), rel=1e-8)
    # the mean is the heat current, computed by a different route
    assert kap["kappa_1"] == pytest.approx(zz.heat_currents_form().lambdify()(**VALS)["h"], rel=1e-12)


def test_noise_vs_monte_carlo():
    """Kinetic MC of the same jumps: Var(Q_t)/t at t and 2t, Richardson-extrapolated (the O(1/t) bias cancels)."""
    kc = sympy.Symbol("kappa_c", positive=True)
    H = w1 / 2 * TP(SZ, I2) + w2 / 2 * TP(I2, SZ) + g * TP(SZ, SZ)
    pk = pauli_kernel(H, [(TP(SX, I2), Bath(flat(gam), Th, name="h")), (TP(I2, SX), Bath(flat(kc), Tc, name="c"))],
                      at={w1: 1.0, w2: 0.6, g: 0.1})
    vals = dict(VALS, gamma=0.5, kappa_c=0.5)
    S = pk.heat_current_noise("h").lambdify()(**vals)
    mean = pk.heat_currents_form().lambdify()(**vals)["h"]
    edges = _numeric_edges(pk, "h", vals)
    a = simulate_counting(4, edges, time=60.0, walkers=4000, seed=7)
    b = simulate_counting(4, edges, time=120.0, walkers=4000, seed=8)
    assert abs(b["mean"] - mean) < 3 * b["mean_err"]
    extrapolated = 2 * b["noise"] - a["noise"]
    err = np.hypot(2 * b["noise_err"], a["noise_err"])
    assert abs(extrapolated - S) < 3 * err


def test_entropy_production_and_tur(zz):
    sigma = zz.entropy_production().lambdify()(**VALS)
    q = zz.heat_currents_form().lambdify()(**VALS)
    assert sigma == pytest.approx(-(q["h"] / VALS["T_h"] + q["c"] / VALS["T_c"]), rel=1e-12)
    assert sigma > 0
    assert zz.tur_ratio("h").lambdify()(**VALS) >= 2
    # near equilibrium: sigma keeps its precision and the TUR ratio tends to 2
    near = dict(VALS, T_h=0.5 * (1 + 1e-9))
    s_near = zz.entropy_production().lambdify()(**near)
    ref = zz.entropy_production().evaluate(near, dps=60)
    assert s_near == pytest.approx(ref, rel=1e-10) and s_near > 0
    assert zz.tur_ratio("h").lambdify()(**near) == pytest.approx(2.0, abs=1e-6)


def test_bad_arguments(zz):
    with pytest.raises(InvalidParameterError):
        zz.heat_cumulants("x")
    with pytest.raises(InvalidParameterError):
        zz.heat_cumulants("h", order=9)


def test_fridge_noise_closed_form_vs_numeric():
    """The 8-level absorption refrigerator: noise of the cold-bath heat current, closed form vs Drazin numerics."""
    from test_kernels_user_models import _fridge
    H, cs = _fridge()
    pk = pauli_kernel(H, cs, at={sympy.Symbol("omega_1", positive=True): 1.0,
                                 sympy.Symbol("omega_3", positive=True): 0.7, g: 0.05})
    vals = dict(omega_1=1.0, omega_3=0.7, g=0.05, T_c=0.4, T_r=0.5, T_h=2.0, kappa_1=0.01, kappa_2=0.02,
                kappa_3=0.015)
    S = pk.heat_current_noise("c").lambdify()(**vals)
    ref = cumulants_numeric(8, _numeric_edges(pk, "c", vals), 2)
    assert S == pytest.approx(ref[1], rel=1e-9)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6))
def test_second_law_and_tur_on_random_models(seed):
    rng = np.random.default_rng(seed)
    d = 3
    A = rng.integers(-9, 10, size=(d, d))
    Hn = (A + A.T) / 10 + np.diag(np.arange(d) * 1.7)
    B = rng.integers(-3, 4, size=(d, d))
    S1 = (B + B.T) / 4 + np.eye(d, k=1) + np.eye(d, k=-1)
    S2 = np.eye(d, k=1) + np.eye(d, k=-1)
    T1, T2 = sympy.symbols("T_1 T_2", positive=True)
    try:
        pk = pauli_kernel(Hn, [(S1, Bath(ohmic(0.02, 6.0), T1, name="L")), (S2, Bath(ohmic(0.01, 3.0), T2, name="R"))])
    except Exception:  # noqa: BLE001 - degenerate random spectra are refused; nothing to test
        return
    t1, t2 = float(rng.uniform(0.2, 3)), float(rng.uniform(0.2, 3))
    sigma = pk.entropy_production().lambdify()(T_1=t1, T_2=t2)
    assert sigma >= -1e-18
    if abs(t1 - t2) > 1e-3:
        assert pk.tur_ratio("L").lambdify()(T_1=t1, T_2=t2) >= 2 - 1e-9


def test_linear_response_conductance_onsager_and_fdt(zz):
    """G = dq/dT at equal T: symmetric, rows sum to zero, equals finite differences of the exact current and
    the equilibrium noise over 2 T^2 (fluctuation-dissipation) -- three independent routes."""
    G = zz.linear_response()
    vals = dict(omega_1=1.0, omega_2=0.6, g=0.1, gamma=0.01)
    T = 0.8
    M = G.lambdify()(T=T, **vals)
    assert M[0, 1] == pytest.approx(M[1, 0], rel=1e-12)
    assert abs(M[0, 0] + M[0, 1]) < 1e-12 * abs(M[0, 0])
    kth = zz.thermal_conductance().lambdify()(T=T, **vals)
    q = zz.heat_currents_form()
    h = 1e-12
    qp = q.evaluate(dict(vals, T_h=T + h, T_c=T), dps=50)["h"]
    qm = q.evaluate(dict(vals, T_h=T - h, T_c=T), dps=50)["h"]
    # the step actually taken: T +- h rounded to doubles (exact difference by Sterbenz's lemma)
    assert kth == pytest.approx((qp - qm) / ((T + h) - (T - h)), rel=1e-9)
    S_eq = zz.heat_current_noise("h").lambdify()(T_h=T, T_c=T, **vals)
    assert kth == pytest.approx(S_eq / (2 * T**2), rel=1e-10)


def test_onsager_symmetry_three_baths():
    from test_kernels_user_models import _fridge
    H, cs = _fridge()
    w1s, w3s = sympy.Symbol("omega_1", positive=True), sympy.Symbol("omega_3", positive=True)
    pk = pauli_kernel(H, cs, at={w1s: 1.0, w3s: 0.7, g: 0.05})
    M = pk.linear_response().lambdify()(omega_1=1.0, omega_3=0.7, g=0.05, T=0.6, kappa_1=0.01, kappa_2=0.02,
                                        kappa_3=0.015)
    np.testing.assert_allclose(M, M.T, rtol=1e-10, atol=1e-18)
    np.testing.assert_allclose(M.sum(axis=0), 0, atol=1e-14 * np.abs(M).max())
    assert np.all(np.linalg.eigvalsh(-M) >= -1e-15 * np.abs(M).max()) or np.all(np.linalg.eigvalsh(M) >= -1e-15)
