"""Time evolution under every generator."""

import numpy as np
import pytest
import qutip as qt

from symness import InvalidParameterError
from symness.baths import ohmic
from symness.models import xxz_ring
from symness.open import (
    Bath,
    OpenSystem,
    davies_liouvillian,
    evolve,
    gksl_liouvillian,
    redfield_liouvillian,
    redfield_ness,
)
from symness.spins import bond_op, sigma

SPEC = ohmic(0.05, 10.0)


def small_system():
    n = 3
    H = sum(bond_op(l, l % n + 1, n, [(1.0, "x", "x"), (1.0, "y", "y"), (0.8, "u", "u")]) for l in range(1, n + 1))
    H = H + 0.6 * sigma("z", 2, n)
    return n, H, OpenSystem(H, [(sigma("x", 1, n), Bath(SPEC, 2.0)), (sigma("x", 3, n), Bath(SPEC, 0.5))])


def test_redfield_evolution_expm_equals_ode_and_relaxes_to_ness():
    n, H, system = small_system()
    psi = np.zeros(2**n)
    psi[0] = 1.0
    times = np.linspace(0, 40, 5)
    a = evolve(system, psi, times, method="expm")
    b = evolve(system, psi, times, method="ode")
    assert np.max(np.abs(a.states - b.states)) < 1e-8
    for st in a.states:
        assert abs(np.trace(st) - 1) < 1e-12
        assert np.max(np.abs(st - st.conj().T)) < 1e-12
    late = evolve(system, psi, [0, 4000.0])
    assert np.max(np.abs(late.states[-1] - redfield_ness(system).rho)) < 1e-8


def test_gksl_evolution_matches_qutip_mesolve():
    n = 2
    H = bond_op(1, 2, n, "flipflop") + 0.5 * sigma("z", 1, n)
    jumps = [(sigma("-", 1, n), 0.2), (sigma("-", 2, n), 0.1)]
    psi0 = np.kron([0, 1], [1, 0]).astype(complex)  # |down up>
    times = np.linspace(0, 10, 11)
    ours = evolve(gksl_liouvillian(H, jumps), psi0, times, e_ops={"z1": sigma("z", 1, n)})
    dims = [[2, 2], [2, 2]]
    res = qt.mesolve(qt.Qobj(H.toarray(), dims=dims), qt.Qobj(psi0, dims=[[2, 2], [1, 1]]), times,
                     [np.sqrt(r) * qt.Qobj(L.toarray(), dims=dims) for L, r in jumps],
                     e_ops=[qt.Qobj(sigma("z", 1, n).toarray(), dims=dims)],
                     options={"atol": 1e-12, "rtol": 1e-10})
    assert np.max(np.abs(ours.expect["z1"] - res.expect[0])) < 1e-8


def test_davies_evolution_in_a_sector_conserves_trace_and_decays_coherences():
    ring = xxz_ring(n=4, Delta=1.0, fields={2: 2.0, 3: 1.0}, gamma=0.05)
    gen = davies_liouvillian(ring, up_spins=2)
    psi = np.zeros(16)
    psi[3] = 1.0  # |uudd> (two up spins)
    ev = evolve(gen, psi, [0.0, 1.0, 5000.0])
    assert ev.states.shape == (3, 6, 6)
    for st in ev.states:
        assert abs(np.trace(st) - 1) < 1e-12
    rho_e = ev.space.to_eigen(ev.states[-1])
    assert np.max(np.abs(rho_e - np.diag(np.diag(rho_e)))) < 1e-8


def test_evolve_errors():
    n, H, system = small_system()
    with pytest.raises(InvalidParameterError):
        evolve(system, np.eye(8) / 8, [1.0, 0.0])
    ring = xxz_ring(n=4)
    with pytest.raises(InvalidParameterError, match="outside the sector"):
        evolve(redfield_liouvillian(ring, up_spins=2), np.eye(16) / 16, [0, 1])


def test_matrix_free_redfield_evolution_in_a_larger_sector():
    """d = 35 (ring of 7, 3 up): the default ODE on the matrix-free generator vs the exact exponential."""
    ring = xxz_ring(n=7, Delta=1.2, fields={2: 1.0, 3: 0.5}, contacts=(1, 4), gamma=0.05)
    gen = redfield_liouvillian(ring, up_spins=3)
    rho0 = np.zeros((35, 35))
    rho0[0, 0] = 1.0
    times = [0.0, 0.7, 3.0]
    a = evolve(gen, rho0, times)  # auto: ODE for d > 32
    b = evolve(gen, rho0, times, method="expm")
    assert np.max(np.abs(a.states - b.states)) < 1e-8
