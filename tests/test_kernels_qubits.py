"""single_qubit / coupled_qubits: derived closed forms vs independent numerics and physical laws."""

import mpmath
import numpy as np
import pytest
import sympy

from symness.errors import (
    InvalidParameterError,
    NegativeCouplingError,
    NegativeTemperatureError,
    NonUniqueSteadyStateError,
    SymnessError,
    SymnessWarning,
)
from symness.kernels import coupled_qubits, single_qubit
from symness.kernels.functions import Bose
from symness.models import coupled_qubits_model, single_qubit_model
from symness.open import davies_ness

w0, w1, w2, lam, TA, TB = sympy.symbols("omega_0 omega_1 omega_2 lambda T_A T_B", positive=True)
gA_f, gB_f = sympy.Function("g_A"), sympy.Function("g_B")


def _points(rng, n):
    for _ in range(n):
        a, b = sorted(rng.uniform(0.3, 2.0, 2))[::-1]
        yield dict(w1=a, w2=b, lam=rng.uniform(0.05, 0.95) * np.sqrt(a * b),
                   T_A=rng.uniform(0.1, 3.0), T_B=rng.uniform(0.1, 3.0),
                   g_A=rng.uniform(1e-3, 0.05), g_B=rng.uniform(1e-3, 0.05))


def test_coupled_vs_davies_solver(rng):
    """Closed form = numeric secular (Davies) steady state of the same model, to ~1e-13."""
    for p in list(_points(rng, 4)) + [dict(w1=1.0, w2=0.6, lam=0.2, T_A=1.0, T_B=0.5, g_A=0.01, g_B=0.02)]:
        r = coupled_qubits(**p)
        model = coupled_qubits_model(g_A=p["g_A"], g_B=p["g_B"])
        ness = davies_ness(model, omega_1=p["w1"], omega_2=p["w2"], **{"lambda": p["lam"]},
                           T_A=p["T_A"], T_B=p["T_B"])
        np.testing.assert_allclose(r.populations, ness.populations(), rtol=1e-12, atol=0)
        q = ness.bath_heat_currents()
        for b in "AB":
            assert abs(r.heat_currents[b] - q[b]) <= 1e-11 * abs(q[b]) + 1e-18


def test_coupled_ohmic_callable_vs_davies():
    def g(w):
        return 0.02 * w * np.exp(-w / 5.0)
    from symness.baths import ohmic
    r = coupled_qubits(1.3, 0.7, 0.4, 2.0, 0.3, g, g)
    ness = davies_ness(coupled_qubits_model(g_A=ohmic(0.02, 5.0), g_B=ohmic(0.02, 5.0)),
                       omega_1=1.3, omega_2=0.7, **{"lambda": 0.4}, T_A=2.0, T_B=0.3)
    np.testing.assert_allclose(r.populations, ness.populations(), rtol=1e-12)
    assert abs(r.heat_currents["A"] - ness.bath_heat_currents()["A"]) < 1e-12 * abs(r.heat_currents["A"])


def test_single_vs_davies():
    r = single_qubit(0.8, 1.5, 0.2, 0.03, 0.01)
    ness = davies_ness(single_qubit_model(g_A=0.03, g_B=0.01), omega_0=0.8, T_A=1.5, T_B=0.2)
    np.testing.assert_allclose(r.populations, ness.populations(), rtol=1e-13)
    assert abs(r.heat_currents["A"] - ness.bath_heat_currents()["A"]) < 1e-13 * abs(r.heat_currents["A"])


def test_numeric_kernels_match_solver_free_golden_rule():
    """Kernel columns sum to zero; detailed balance with each bath's temperature (KMS)."""
    r = coupled_qubits(1.0, 0.6, 0.2, 1.0, 0.5, 0.01, 0.02)
    E = np.array(r.energies)
    for b, T in (("A", 1.0), ("B", 0.5)):
        K = r.kernels[b]
        np.testing.assert_allclose(K.sum(axis=0), 0, atol=1e-17)
        for p in range(4):
            for q in range(4):
                if p != q and K[p, q] > 0:
                    assert K[p, q] / K[q, p] == pytest.approx(np.exp(-(E[p] - E[q]) / T), rel=1e-13)


def test_gibbs_at_equal_temperatures_symbolic():
    T = sympy.Symbol("T", positive=True)
    r = coupled_qubits(w1, w2, lam, T, T, gA_f, gB_f)
    assert r.heat_currents["A"] == 0 and r.heat_currents["B"] == 0
    p = r.populations
    for k in range(1, 4):
        ratio = (p[k] / p[0]).rewrite(sympy.exp)
        expected = sympy.exp(-(r.energies[k] - r.energies[0]) / T)
        diff = sympy.simplify(r.explicit(ratio - expected).rewrite(sympy.exp))
        assert diff == 0
    rs = single_qubit(w0, T, T, gA_f, gB_f)
    assert sympy.simplify((rs.populations[1] / rs.populations[0]).rewrite(sympy.exp) - sympy.exp(-w0 / T)) == 0


def test_gibbs_at_equal_temperatures_numeric():
    r = coupled_qubits(1.1, 0.4, 0.3, 0.7, 0.7, 0.02, 0.005)
    E = np.array(r.energies)
    gibbs = np.exp(-(E - E[0]) / 0.7)
    np.testing.assert_allclose(r.populations, gibbs / gibbs.sum(), rtol=1e-14)
    assert r.heat_currents["A"] == 0.0


def test_currents_vanish_at_zero_coupling_and_quenched_bath():
    r = coupled_qubits(w1, w2, lam, TA, TB, gA_f, gB_f)
    q0 = r.explicit(r.heat_currents["A"]).subs(lam, 0)
    assert sympy.simplify(q0) == 0
    r0 = coupled_qubits(w1, w2, lam, TA, TB, gA_f, 0)
    assert r0.heat_currents["A"] == 0
    assert coupled_qubits(1.0, 0.5, 0.0, 2.0, 1.0, 0.1, 0.1).heat_currents["A"] == 0.0
    assert coupled_qubits(1.0, 0.5, 0.3, 2.0, 1.0, 0.1, 0.0).heat_currents["A"] == 0.0
    assert single_qubit(1.0, 2.0, 1.0, 0.1, 0.0).heat_currents["A"] == 0.0


def test_thermodynamics_symbolic():
    for r in (coupled_qubits(w1, w2, lam, TA, TB, gA_f, gB_f), single_qubit(w0, TA, TB, gA_f, gB_f)):
        th = r.thermodynamics()
        assert th["first_law"] and th["factorised"] and th["nonnegative"]
        assert sympy.simplify(r.heat_currents["A"] + r.heat_currents["B"]) == 0
        for c in r.channels.values():
            assert sympy.simplify(c.currents["A"] - c.factor * c.bias) == 0


def test_second_law_numeric_random(rng):
    """Heat flows from hot to cold in every channel (global kernel)."""
    for p in _points(rng, 20):
        r = coupled_qubits(**p)
        s = np.sign(p["T_A"] - p["T_B"])
        for c in r.channels.values():
            assert c.factor >= 0
            assert np.sign(c.currents["A"]) in (s, 0)


def test_broadcasting_and_symbolic_agree(rng):
    r = coupled_qubits(w1, w2, lam, TA, TB, gA_f, gB_f)
    lam_v = np.array([0.05, 0.2, 0.4])
    rn = coupled_qubits(1.0, 0.6, lam_v, 1.3, 0.4, 0.02, 0.01)
    assert rn.populations.shape == (3, 4)
    g = sympy.Lambda(sympy.Symbol("x"), 0.02), sympy.Lambda(sympy.Symbol("x"), 0.01)
    for k, lv in enumerate(lam_v):
        subs = {w1: 1.0, w2: 0.6, lam: lv, TA: 1.3, TB: 0.4}
        q = r.explicit(r.heat_currents["A"]).replace(gA_f, g[0]).replace(gB_f, g[1]).subs(subs)
        assert abs(float(q.evalf(30)) - rn.heat_currents["A"][k]) < 1e-14 * abs(rn.heat_currents["A"][k])


def test_low_temperature_and_small_bias_accuracy():
    """Numbers stay finite and accurate where float64 naive forms fail (vs 50-digit evaluation)."""
    r = coupled_qubits(w1, w2, lam, TA, TB, gA_f, gB_f)
    g = sympy.Lambda(sympy.Symbol("x"), sympy.Rational(1, 50))
    for T_A, T_B in ((0.004, 0.002), (1.0, 1.0 + 1e-9), (3.0, 0.01)):
        rn = coupled_qubits(1.0, 0.6, 0.2, T_A, T_B, 0.02, 0.02)
        subs = {w1: 1, w2: sympy.Rational(3, 5), lam: sympy.Rational(1, 5), TA: sympy.Float(T_A, 40),
                TB: sympy.Float(T_B, 40)}
        q = r.explicit(r.heat_currents["A"].rewrite(Bose)).replace(gA_f, g).replace(gB_f, g)
        exact = float(q.subs(subs).rewrite(sympy.exp).evalf(60))
        assert np.isfinite(rn.heat_currents["A"])
        assert abs(rn.heat_currents["A"] - exact) <= 1e-12 * abs(exact) + 1e-300


@pytest.mark.parametrize("kw,err", [
    (dict(lam=0.8), InvalidParameterError),          # lam >= sqrt(w1 w2) = 0.7746
    (dict(T_A=-1.0), NegativeTemperatureError),
    (dict(T_B=-0.1), NegativeTemperatureError),
    (dict(g_A=-0.1), NegativeCouplingError),
    (dict(w2=0.0), NegativeCouplingError),
])
def test_bad_input(kw, err):
    p = dict(w1=1.0, w2=0.6, lam=0.2, T_A=1.0, T_B=0.5, g_A=0.01, g_B=0.01)
    p.update(kw)
    with pytest.raises(err) as exc:
        coupled_qubits(**p)
    assert isinstance(exc.value, SymnessError)
    assert len(str(exc.value)) > 30


def test_bad_symbolic_lambda():
    with pytest.raises(InvalidParameterError, match="sqrt"):
        coupled_qubits(w1, w1, 2 * w1, TA, TB, gA_f, gB_f)


def test_disconnected_qubit_is_reported():
    with pytest.raises(NonUniqueSteadyStateError):
        coupled_qubits(1.0, 0.6, 0.0, 1.0, 0.5, 0.0, 0.01)


def test_latex_rendering():
    r = coupled_qubits(w1, w2, lam, TA, TB, gA_f, gB_f)
    tex = r._repr_latex_()
    assert r"n_{A}\left(\omega_{+}\right)" in tex and r"g_{A}" in tex
    for f in r.forms().values():
        assert f.latex_block()
    assert "E_{1}" in single_qubit(1.0, 1.0, 0.5, 0.1, 0.1).latex()


def test_mpmath_reference_single():
    """Single qubit numbers vs an independent 50-digit rate-equation solve (2 x 2, by hand)."""
    w, T1, T2, a, b = 0.9, 0.45, 2.2, 0.013, 0.031
    r = single_qubit(w, T1, T2, a, b)
    with mpmath.workdps(50):
        def n(T):
            return 1 / mpmath.expm1(mpmath.mpf(w) / T)
        nA, nB = n(mpmath.mpf(T1)), n(mpmath.mpf(T2))
        up = a * nA + b * nB
        down = a * (1 + nA) + b * (1 + nB)
        p_up = up / (up + down)
        qA = w * (a * nA * (1 - p_up) - a * (1 + nA) * p_up)
    assert abs(r.populations[1] - float(p_up)) < 1e-15
    assert abs(r.heat_currents["A"] - float(qA)) < 1e-14 * abs(float(qA))


@pytest.mark.parametrize("w", [1e-300, 1e-200, 1e-155])
def test_extreme_splitting_keeps_the_current(w):
    """Issue 15: w0 = 1e-300 gave NaN (the factor ~ w0^2 underflows, the bias ~ 1/w0 overflowed).
    Reference: the same 2 x 2 rate-equation solve in 50-digit mpmath (exponents unbounded);
    for w0 << T it is the classical limit w0 (T_A - T_B) / (2 (T_A + T_B)) per unit coupling."""
    T1, T2, a, b = 2.0, 1.0, 0.3, 0.7
    r = single_qubit(w, T1, T2, a, b)
    with mpmath.workdps(50):
        W = mpmath.mpf(w)
        nA, nB = (1 / mpmath.expm1(W / T) for T in (mpmath.mpf(T1), mpmath.mpf(T2)))
        up, down = a * nA + b * nB, a * (1 + nA) + b * (1 + nB)
        p_up = up / (up + down)
        qA = W * (a * nA * (1 - p_up) - a * (1 + nA) * p_up)
    assert r.heat_currents["A"] == pytest.approx(float(qA), rel=1e-13)
    assert r.heat_currents["A"] == pytest.approx(w * a * b * (T1 - T2) / (a * T1 + b * T2) / 2, rel=1e-12)
    assert r.heat_currents["A"] + r.heat_currents["B"] == 0
    with pytest.warns(SymnessWarning, match="secular"):  # rates ~ 0.3 >> splittings ~ w: warned, rightly
        r2 = coupled_qubits(w, 0.6 * w, 0.2 * w, T1, T2, a, b)
    assert np.isfinite(r2.heat_currents["A"]) and r2.heat_currents["A"] > 0


@pytest.mark.parametrize("w1,w2,lam", [(0.6, 1.0, 0.2), (1.0, 0.6, -0.3), (0.8, 0.8, 0.1), (1.0, 0.6, 1e-7)])
def test_other_orderings_vs_davies(w1, w2, lam):
    """w1 < w2, negative lambda, resonant qubits, tiny lambda: closed form = Davies."""
    r = coupled_qubits(w1, w2, lam, 1.2, 0.4, 0.02, 0.01)
    ness = davies_ness(coupled_qubits_model(g_A=0.02, g_B=0.01), omega_1=w1, omega_2=w2, **{"lambda": lam},
                       T_A=1.2, T_B=0.4)
    np.testing.assert_allclose(r.populations, ness.populations(), rtol=1e-11)
    if abs(lam) > 1e-3:
        assert abs(r.heat_currents["A"] - ness.bath_heat_currents()["A"]) < 1e-11 * abs(r.heat_currents["A"])
    else:  # q ~ lambda^2: the solver's tr(H D rho) loses digits, the closed form does not
        assert r.heat_currents["A"] > 0
        q1 = coupled_qubits(w1, w2, 2 * lam, 1.2, 0.4, 0.02, 0.01).heat_currents["A"]
        assert q1 / r.heat_currents["A"] == pytest.approx(4.0, rel=1e-9)


hyp = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_pos = st.floats(min_value=0.05, max_value=5.0)


@pytest.mark.filterwarnings("ignore::symness.errors.SymnessWarning")  # strong coupling points warn by design
@settings(max_examples=60, deadline=None)
@given(w1=_pos, w2=_pos, frac=st.floats(0.0, 0.99), TA=st.floats(1e-3, 20.0), TB=st.floats(1e-3, 20.0),
       gA=st.floats(1e-6, 1.0), gB=st.floats(1e-6, 1.0))
def test_laws_property(w1, w2, frac, TA, TB, gA, gB):
    """First law exactly, second law per channel, trace one and positivity: everywhere in parameter space."""
    r = coupled_qubits(w1, w2, frac * np.sqrt(w1 * w2), TA, TB, gA, gB)
    assert np.all(r.populations >= 0) and abs(r.populations.sum() - 1) < 1e-14
    assert r.heat_currents["A"] + r.heat_currents["B"] == 0
    for c in r.channels.values():
        assert np.isfinite(c.currents["A"]) and c.factor >= 0
        assert c.currents["A"] * (TA - TB) >= 0


def test_mixed_symbolic_numeric_arguments_agree():
    """Any single symbolic argument gives a symbolic result that evaluates to the numeric one."""
    from symness.baths import ohmic
    w = sympy.Symbol("w", positive=True)
    rs = single_qubit(w, 1.0, 0.5, ohmic(0.01, 5.0), 0.02)
    assert rs.symbolic and rs.channels["0"].omega == w
    val = complex(rs.explicit(rs.heat_currents["A"]).subs(w, 1.3).evalf(30)).real
    assert val == pytest.approx(single_qubit(1.3, 1.0, 0.5, ohmic(0.01, 5.0), 0.02).heat_currents["A"], rel=1e-13)
    T = sympy.Symbol("T", positive=True)
    rc = coupled_qubits(1.0, 0.6, 0.2, T, 0.5, lambda x: 0.01 * x, 0.02)
    from symness.closedform import ClosedForm
    f = ClosedForm(rc.explicit(rc.heat_currents["A"])).lambdify([T])
    assert f(1.0) == pytest.approx(coupled_qubits(1.0, 0.6, 0.2, 1.0, 0.5, lambda x: 0.01 * x, 0.02)
                                   .heat_currents["A"], rel=1e-13)


def test_secular_warning():
    from symness.errors import SymnessWarning
    with pytest.warns(SymnessWarning, match="secular"):
        coupled_qubits(0.8, 0.8, 1e-4, 1.0, 0.5, 0.01, 0.02)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        coupled_qubits(0.8, 0.8, 0.0, 1.0, 0.5, 0.01, 0.02)   # exactly uncoupled: no mixing, no warning
        coupled_qubits(1.0, 0.6, 0.2, 1.0, 0.5, 0.01, 0.02)


@pytest.mark.filterwarnings("ignore::symness.errors.SymnessWarning")
def test_extreme_mixing_is_finite():
    """Resonant qubits with a vanishing coupling: alpha^2 = beta^2 = 1/2 without underflow (found by hypothesis)."""
    r = coupled_qubits(1.0, 1.0, 2.7e-246, 1.0, 1.0, 1.0, 1.0)
    assert r.definitions["beta"] == pytest.approx(np.sqrt(0.5), rel=1e-15)
    assert np.all(np.isfinite(r.populations))
