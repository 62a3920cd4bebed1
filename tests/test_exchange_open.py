"""The open exchange chain (cold-atom paper, eqs. 8-11, Figs. 5-6): Lindblad dynamics and steady states."""

import math

import numpy as np
import pytest

from symness.exchange import linear_profile
from symness.exchange.open_chain import open_liouvillian, open_quench, steady_state
from symness.spins import op_product

GAMMA, GAMMA_I = 3.102, 0.620


def test_open_quench_against_qutip_mesolve():
    qutip = pytest.importorskip("qutip")
    a = linear_profile(5, 0.0, 2.0)
    times = np.linspace(0, 6, 13)
    r = open_quench(a, "↑↑↓↑↑", times, gamma=GAMMA)
    L, model, values = open_liouvillian(a, gamma=GAMMA)
    H = qutip.Qobj(model.hamiltonian(**{s.name: v for s, v in values.items()})).to("csr")
    c_ops = [math.sqrt(GAMMA) * qutip.Qobj(op_product({i: "+"}, 5)).to("csr") for i in (1, 5)]
    psi = np.zeros((32, 1))
    psi[4] = 1  # down spin at site 3: index 2^(5-3)
    e_ops = [qutip.Qobj(op_product({i: "z"}, 5)).to("csr") for i in range(1, 6)]
    e_ops.append(qutip.Qobj(sum(op_product({i: "y", i + 1: "x"}, 5) - op_product({i: "x", i + 1: "y"}, 5)
                                for i in range(1, 5))).to("csr"))
    out = qutip.mesolve(H, qutip.Qobj(psi), times, c_ops, e_ops=e_ops,
                        options={"atol": 1e-12, "rtol": 1e-10})
    m_ref = 0.5 * sum(np.real(out.expect[i]) for i in range(5))
    np.testing.assert_allclose(r.magnetization, m_ref, atol=1e-8)
    np.testing.assert_allclose(r.current_paper, np.real(out.expect[5]), atol=1e-8)


def test_block_propagation_equals_full_evolution():
    a = linear_profile(5, 0.0, 3.0)
    t = np.linspace(0, 5, 6)
    rb = open_quench(a, "↑↑↑↑↑", t, gamma_I=GAMMA_I)
    rf = open_quench(a, "↑↑↑↑↑", t, gamma_I=GAMMA_I, method="evolve")
    np.testing.assert_allclose(rb.states, rf.states, atol=1e-12)


def test_physical_state_trace_hermiticity_positivity():
    r = open_quench(linear_profile(5, 0.0, 2.0), "↑↓↑↑↑", np.linspace(0, 8, 9), gamma_I=GAMMA_I)
    np.testing.assert_allclose(r.trace, 1, atol=1e-12)
    assert np.all(r.min_eigenvalue > -1e-12)
    assert np.max(np.abs(r.states - np.conj(np.swapaxes(r.states, 1, 2)))) < 1e-13


@pytest.mark.parametrize("pump", [False, True])
def test_zero_current_without_gradient_at_all_times(pump):
    t = np.linspace(0, 20, 41)
    for prof in (np.ones(4), linear_profile(5, 1.5, 1.5)):
        r = open_quench(prof, "↑↑↑↑↑" if pump else "↑↑↓↑↑", t, gamma_I=GAMMA_I if pump else 0.0)
        assert np.max(np.abs(r.current_paper)) < 1e-12
        assert np.max(np.abs(r.current)) < 1e-12
    s = steady_state(np.ones(4), gamma_I=GAMMA_I)
    assert abs(s.current_paper) < 1e-12


def test_impurity_lost_to_polarized_reservoirs():
    """Fig. 5: m(t -> infinity) = N/2, the link ends fully polarized."""
    r = open_quench(linear_profile(5, 0.0, 2.0), "↑↑↓↑↑", [0.0, 5.0, 200.0])
    assert r.magnetization[0] == pytest.approx(1.5)
    assert r.magnetization[-1] == pytest.approx(2.5, abs=1e-9)
    assert abs(r.current_paper[-1]) < 1e-9


def test_printed_operators_contradict_the_text():
    """Eqs. (8), (11) read literally: edges create down spins, the pump leaves |↑...↑> alone."""
    a = linear_profile(5, 0.0, 2.0)
    r = open_quench(a, "↑↑↓↑↑", [0.0, 200.0], jumps="printed")
    assert r.magnetization[-1] == pytest.approx(-2.5, abs=1e-6)  # all down, not N/2
    r = open_quench(a, "↑↑↑↑↑", [0.0, 5.0, 20.0], gamma=0.0, gamma_I=GAMMA_I, jumps="printed")
    np.testing.assert_allclose(r.magnetization, 2.5, atol=1e-14)  # no pumping at all
    r = open_quench(a, "↑↑↑↑↑", [0.0, 5.0], gamma=0.0, gamma_I=GAMMA_I)
    assert r.magnetization[-1] < 2.4


def test_steady_state_balance_and_continuity():
    a = linear_profile(5, 0.0, 2.0)
    s = steady_state(a, gamma=GAMMA, gamma_I=GAMMA_I)
    n = s.down
    # magnon number balance: pumped in at the centre = lost at the edges
    assert GAMMA_I * (1 - n[2]) == pytest.approx(GAMMA * (n[0] + n[4]), rel=1e-10)
    # continuity: j_1 = j_2 = -gamma n_1 (flow to the left edge), j_3 = j_4 = gamma n_5
    np.testing.assert_allclose(s.bond_currents[:2], -GAMMA * n[0], rtol=1e-10)
    np.testing.assert_allclose(s.bond_currents[2:], GAMMA * n[4], rtol=1e-10)
    assert s.residual < 1e-12
    d = steady_state(a, gamma=GAMMA, gamma_I=GAMMA_I, method="gksl_ness")
    np.testing.assert_allclose(s.rho, d.rho, atol=1e-12)


def test_steady_current_flows_to_the_hot_side_and_grows():
    cur = [steady_state(linear_profile(5, 0.0, d)).current for d in (0.5, 1.0, 2.0)]
    assert 0 < cur[0] < cur[1] < cur[2]


def _log_slope(N, alpha, d1, d2):
    j = [steady_state(linear_profile(N, 0.0, d, alpha=alpha)).current for d in (d1, d2)]
    return math.log(j[1] / j[0]) / math.log(d2 / d1)


def test_low_temperature_law_sommerfeld_alpha_is_quadratic():
    """With the Sommerfeld alpha(T) (eq. 5) the steady current grows as Delta T^2 (the paper's claim)."""
    assert _log_slope(5, "sommerfeld", 0.05, 0.1) == pytest.approx(2.0, abs=0.01)


def test_low_temperature_law_exact_alpha_is_activated():
    """With the exact finite-N alpha(T) the link has a gap: the current is activated, far steeper than T^2."""
    s = _log_slope(5, "exact", 0.2, 0.3)
    assert s > 5.0
    assert _log_slope(5, "exact", 0.1, 0.15) > 2 * s - 2  # the slope keeps growing as T -> 0


def test_fig5_protocol_n7_runs_fast():
    r = open_quench(linear_profile(7, 0.0, 2.0), "↑↑↑↓↑↑↑", np.linspace(0, 4, 9))
    assert r.current_paper[1] > 0  # transient spin current toward the hot side
    assert r.states.shape == (9, 128, 128)
