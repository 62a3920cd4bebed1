"""High/low temperature expansions and the lambda -> 0 limit vs the exact closed forms (numerically)."""

import numpy as np
import pytest
import sympy

from symness.kernels import coupled_qubits, single_qubit

w1, w2, lam, TA, TB = sympy.symbols("omega_1 omega_2 lambda T_A T_B", positive=True)
X = sympy.Symbol("x")
G = {"g_A": sympy.Lambda(X, sympy.Rational(1, 50) * X), "g_B": sympy.Lambda(X, sympy.Rational(1, 30))}


@pytest.fixture(scope="module")
def sym():
    return coupled_qubits(w1, w2, lam, TA, TB, G["g_A"], G["g_B"])


def _val(r, e, **v):
    subs = {w1: 1.0, w2: 0.6, lam: 0.2, TA: 1.0, TB: 0.5}
    subs.update({sympy.Symbol(k, positive=True): x for k, x in v.items()})
    return complex(r.explicit(sympy.sympify(e)).subs(subs).evalf(30)).real


@pytest.mark.filterwarnings("ignore::symness.errors.SymnessWarning")  # rates ~ g T grow: secular warning is right
def test_high_temperature_converges(sym):
    h = sym.high_temperature().expr
    h2 = sym.high_temperature(order=2).expr
    errs, errs2 = [], []
    for scale in (10.0, 100.0):
        ta, tb = 2.0 * scale, 1.0 * scale
        exact = coupled_qubits(1.0, 0.6, 0.2, ta, tb, lambda w: w / 50, 1 / 30).heat_currents["A"]
        errs.append(abs(_val(sym, h["q^A"], T_A=ta, T_B=tb) / exact - 1))
        errs2.append(abs(_val(sym, h2["q^A"], T_A=ta, T_B=tb) / exact - 1))
    assert errs[1] < errs[0] / 50          # leading order: relative error ~ (omega/T)^2
    assert errs2[1] < errs2[0] / 5000      # next order: ~ (omega/T)^4
    assert sympy.simplify(h["rho_1"] - sympy.Rational(1, 4)) == 0


def test_low_temperature_converges(sym):
    lo = sym.low_temperature().expr
    for ta, tb in ((0.05, 0.03), (0.02, 0.01)):
        exact = coupled_qubits(1.0, 0.6, 0.2, ta, tb, lambda w: w / 50, 1 / 30).heat_currents["A"]
        approx = _val(sym, lo["q^A"], T_A=ta, T_B=tb)
        # corrections are relatively O(exp(-omega_-/T_A)) ~ 1e-4 (at 0.05) and ~1e-10 (at 0.02)
        assert abs(approx / exact - 1) < 20 * np.exp(-0.45 / ta)
    assert lo["rho_1"] == 1


def test_weak_coupling_limit(sym):
    lim = sym.weak_coupling_limit().expr
    for small in (1e-3, 1e-4):
        exact = coupled_qubits(1.0, 0.6, small, 1.0, 0.5, lambda w: w / 50, 1 / 30)
        q = complex(lim["q^A"].subs({w1: 1.0, w2: 0.6, lam: small, TA: 1.0, TB: 0.5}).evalf(30)).real
        assert abs(q / exact.heat_currents["A"] - 1) < 50 * small**2
        p1 = complex(lim["rho_1"].subs({w1: 1.0, w2: 0.6, TA: 1.0, TB: 0.5}).evalf(30)).real
        assert abs(p1 - exact.populations[0]) < 10 * small**2


def test_single_qubit_classical_limit():
    w0, gA, gB = sympy.symbols("omega_0 g_A g_B", positive=True)
    r = single_qubit(w0, TA, TB, gA, gB)
    h = r.high_temperature().expr["q^A"]
    assert sympy.simplify(h - gA * gB * w0 * (TA - TB) / (2 * (gA * TA + gB * TB))) == 0
