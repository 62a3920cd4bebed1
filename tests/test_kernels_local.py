"""Local Lindblad equation of the coupled qubits: derived forms vs the numeric solver; second-law map."""

import numpy as np
import pytest
import sympy

from symness.kernels import coupled_qubits
from symness.kernels.local import local_derivation, local_factor_nonnegative, local_lindblad, violation_condition
from symness.models import coupled_qubits_model
from symness.open import lindblad_ness


@pytest.fixture(scope="module")
def der():
    return local_derivation()


def test_local_vs_numeric_lindblad(rng, der):
    for _ in range(3):
        w1, w2 = rng.uniform(0.5, 2.0, 2)
        p = dict(w1=w1, w2=w2, lam=rng.uniform(0.01, 0.5), T_A=rng.uniform(0.2, 3), T_B=rng.uniform(0.2, 3),
                 g_A=rng.uniform(1e-3, 0.05), g_B=rng.uniform(1e-3, 0.05))
        r = local_lindblad(**p)
        n = lindblad_ness(coupled_qubits_model(g_A=p["g_A"], g_B=p["g_B"]), omega_1=w1, omega_2=w2,
                          **{"lambda": p["lam"]}, T_A=p["T_A"], T_B=p["T_B"])
        np.testing.assert_allclose(r.rho, n.rho, atol=1e-14)
        q = n.bath_heat_currents()
        assert abs(r.heat_currents["A"] - q["A"]) < 1e-10 * abs(q["A"]) + 1e-17
        assert abs(r.heat_currents["A"] + r.heat_currents["B"]) == 0.0


def test_local_structure(der):
    assert der.local_frequencies == {"A": sympy.Symbol("omega_1", positive=True),
                                     "B": sympy.Symbol("omega_2", positive=True)}
    assert local_factor_nonnegative()
    assert sympy.cancel(der.currents["A"] + der.currents["B"]) == 0
    assert sympy.simplify(der.rho.trace() - 1) == 0
    assert sympy.simplify(der.rho - der.rho.H) == sympy.zeros(4, 4)


def test_violation_region_numeric():
    """T_B < T_A < (w1/w2) T_B: the local equation pumps heat from cold B into hot A; global never does."""
    w1, w2, T_B = 1.0, 0.5, 0.4
    for T_A in (0.45, 0.6, 0.79):
        loc = local_lindblad(w1, w2, 0.2, T_A, T_B, 0.01, 0.01)
        glob = coupled_qubits(w1, w2, 0.2, T_A, T_B, 0.01, 0.01)
        cond = bool(violation_condition(w1, w2, T_A, T_B))
        assert cond and loc.violates_second_law
        assert loc.heat_currents["A"] < 0 < glob.heat_currents["A"]
    for T_A in (0.81, 1.5):
        loc = local_lindblad(w1, w2, 0.2, T_A, T_B, 0.01, 0.01)
        assert not loc.violates_second_law and not bool(violation_condition(w1, w2, T_A, T_B))


def test_violation_region_random(rng):
    for _ in range(50):
        w1, w2 = rng.uniform(0.3, 2.0, 2)
        TA, TB = rng.uniform(0.1, 3.0, 2)
        loc = local_lindblad(w1, w2, 0.1, TA, TB, 0.02, 0.03)
        assert loc.violates_second_law == bool(violation_condition(w1, w2, TA, TB))


def test_local_symbolic_result(der):
    w1, w2, lam, TA, TB = sympy.symbols("omega_1 omega_2 lambda T_A T_B", positive=True)
    r = local_lindblad(w1, w2, lam, TA, TB, sympy.Function("g_A"), sympy.Function("g_B"))
    assert r.symbolic and r.heat_currents["A"].has(lam)
    assert r.form().latex()
