"""Observables (concurrence, ergotropy, passive state, entropy, partial trace) and the local Lindblad equation."""

import numpy as np
import pytest
import qutip as qt

from symness.baths import ohmic
from symness.errors import InvalidModelError
from symness.open import (
    Bath,
    OpenSystem,
    concurrence,
    davies_ness,
    ergotropy,
    lindblad_ness,
    partial_trace,
    passive_state,
    redfield_ness,
    von_neumann_entropy,
)
from symness.spins import bond_op, sigma

SPEC = ohmic(0.01, 10.0)


def random_state(rng, d):
    A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = A @ A.conj().T
    return rho / np.trace(rho)


def test_concurrence_limits_and_qutip(rng):
    bell = np.zeros(4)
    bell[[1, 2]] = 1 / np.sqrt(2)
    assert abs(concurrence(np.outer(bell, bell)) - 1) < 1e-12
    prod = np.kron(random_state(rng, 2), random_state(rng, 2))
    assert concurrence(prod) < 1e-7
    for _ in range(5):
        rho = random_state(rng, 4)
        assert abs(concurrence(rho) - qt.concurrence(qt.Qobj(rho, dims=[[2, 2], [2, 2]]))) < 1e-10


def test_partial_trace_matches_qutip(rng):
    rho = random_state(rng, 8)
    q = qt.Qobj(rho, dims=[[2, 2, 2], [2, 2, 2]])
    for keep in ([1], [2], [1, 3], [2, 3]):
        ours = partial_trace(rho, keep, 3)
        ref = q.ptrace([k - 1 for k in keep]).full()
        assert np.max(np.abs(ours - ref)) < 1e-14


def test_ergotropy_and_passive_state(rng):
    H = np.diag([0.0, 1.0, 2.5])
    excited = np.diag([0.0, 0.0, 1.0])
    assert abs(ergotropy(excited, H) - 2.5) < 1e-14
    thermal = np.diag(np.exp(-np.diag(H)) / np.exp(-np.diag(H)).sum())
    assert abs(ergotropy(thermal, H)) < 1e-14
    rho = random_state(rng, 3)
    P = passive_state(rho, H)
    assert abs(ergotropy(P, H)) < 1e-13
    assert np.allclose(np.sort(np.linalg.eigvalsh(P)), np.sort(np.linalg.eigvalsh(rho)))
    assert ergotropy(rho, H) >= -1e-14
    assert abs(von_neumann_entropy(rho) - qt.entropy_vn(qt.Qobj(rho))) < 1e-12


def qubits(w1=3.0, w2=1.0, lam=0.1):
    n = 2
    H = 0.5 * w1 * sigma("z", 1, n) + 0.5 * w2 * sigma("z", 2, n) + lam * bond_op(1, 2, n, "flipflop")
    return n, H


def test_local_lindblad_matches_qutip_and_violates_second_law():
    """Local master equation of two flip-flop-coupled qubits, each damped at its bare frequency
    (qubit paper Sec. IV C 2).  With T_A > T_B but n_A(w1) < n_B(w2) it pumps heat from the cold bath B
    into the hot bath A; the global (Davies) equation does not."""
    n, H = qubits()
    TA, TB = 1.0, 0.5
    bA, bB = Bath(SPEC, TA, "qubit_kernels"), Bath(SPEC, TB, "qubit_kernels")
    system = OpenSystem(H, [(sigma("-", 1, n), bA, "rwa"), (sigma("-", 2, n), bB, "rwa")], names=["A", "B"],
                        local_hamiltonians={"A": 1.5 * sigma("z", 1, n), "B": 0.5 * sigma("z", 2, n)})
    loc = lindblad_ness(system)
    w1, w2 = 3.0, 1.0
    c_ops = [np.sqrt(bA.rate(w1)) * sigma("-", 1, n), np.sqrt(bA.rate(-w1)) * sigma("+", 1, n),
             np.sqrt(bB.rate(w2)) * sigma("-", 2, n), np.sqrt(bB.rate(-w2)) * sigma("+", 2, n)]
    dims = [[2, 2], [2, 2]]
    rho_q = qt.steadystate(qt.Qobj(H.toarray(), dims=dims), [qt.Qobj(c.toarray(), dims=dims) for c in c_ops])
    assert np.max(np.abs(loc.rho - rho_q.full())) < 1e-12
    qA_local = loc.bath_heat_currents()["A"]
    qA_global = davies_ness(system).bath_heat_currents()["A"]
    assert qA_local < 0 < qA_global  # local: heat from the cold bath into the hot one
    assert loc.entropy_production() < 0 < davies_ness(system).entropy_production()


def test_ness_observables_on_a_ring():
    from symness.models import xxz_ring

    ring = xxz_ring(n=4, Delta=1.0, fields={2: 2.0, 3: 1.0})
    ness = redfield_ness(ring, up_spins=2)
    M = ness.magnetizations()
    assert abs(M.sum() - 0.0) < 1e-12  # 2 up of 4: total sigma^z = 0 in the sector
    assert -1 <= ness.zz_correlation(1, 3) <= 1
    assert 0 <= ness.concurrence(2, 3) <= 1
    assert ness.entropy() <= np.log(6) + 1e-12
    assert ness.ergotropy() >= 0
    assert ness.entropy_production() > 0
    P = ness.passive_state()
    assert abs(np.trace(P) - 1) < 1e-12
    assert abs(ness.energy() - np.real(np.trace(ness.space.H @ ness.rho_sector))) < 1e-14
    assert np.isclose(ness.expect(sigma("z", 2, 4)), M[1])
    assert "up_spins=2" in repr(ness)
    assert ness.heat_current("L") == ness.bath_heat_currents()["L"]
    with pytest.raises(InvalidModelError, match="baths are"):
        ness.heat_current("left")


def test_positivity_warning_for_strong_coupling():
    """Redfield beyond its validity (strong coupling, low temperature) goes non-positive: warn."""
    from symness import PositivityWarning

    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.727 * sigma("z", 2, n) + 0.23 * bond_op(1, 2, n, "flipflop")
    spec = ohmic(0.95, 10.0)  # gamma ~ 1: far outside weak coupling, at low temperature
    system = OpenSystem(H, [(sigma("x", 1, n), Bath(spec, 0.1)), (sigma("x", 2, n), Bath(spec, 0.2))])
    with pytest.warns(PositivityWarning):
        ness = redfield_ness(system)
    assert ness.min_eigenvalue < 0
