"""The Davies steady state from its zero-frequency (Pauli) block vs the full secular generator.

The reference is the full d^2 x d^2 secular matrix of ``symness.open.secular`` solved as
before (``steady_state(gen, method="full")``); the blocked GTH reduction is checked against a
plain GTH loop and against 40-digit mpmath.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symness import NonUniqueSteadyStateError
from symness.baths import ohmic
from symness.open import Bath, OpenSystem, davies_liouvillian, davies_ness, steady_state
from symness.open.pauli import PauliBlock, closed_classes
from symness.open.secular import gth_stationary
from symness.spins import bond_op, sigma

SPEC = ohmic(0.01, 10.0)


def hermitian(rng, d, scale=1.0):
    A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return scale * (A + A.conj().T) / 2


def sparse_hermitian(rng, d, density):
    A = np.where(rng.random((d, d)) < density, rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)), 0)
    return A + A.conj().T


def plain_gth(Q):
    Q = np.array(Q, dtype=float)
    n = Q.shape[0]
    np.fill_diagonal(Q, 0.0)
    for k in range(n - 1, 0, -1):
        s = Q[k, :k].sum()
        Q[:k, k] /= s
        Q[:k, :k] += np.outer(Q[:k, k], Q[k, :k])
    p = np.zeros(n)
    p[0] = 1.0
    for k in range(1, n):
        p[k] = p[:k] @ Q[:k, k]
    return p / p.sum()


def both(system, **kw):
    gen = davies_liouvillian(system, **kw)
    a, ia = steady_state(gen, "pauli")
    b, ib = steady_state(davies_liouvillian(system, **kw), "full")
    return gen, a, b, ia, ib


# ----------------------------------------------------------------------------- GTH
@pytest.mark.parametrize("d", [1, 2, 31, 32, 33, 97])
def test_blocked_gth_equals_plain_gth(rng, d):
    Q = rng.random((d, d)) * np.exp(-40 * rng.random((d, d)))  # rates spanning 17 decades
    p = gth_stationary(Q)
    assert np.max(np.abs(p - plain_gth(Q)) / plain_gth(Q)) < 1e-13


def test_blocked_gth_is_relative_accurate_against_mpmath(rng):
    """A stiff 40-state chain (populations down to ~1e-60) in 50-digit arithmetic."""
    import mpmath

    d = 40
    Q = rng.random((d, d)) * np.exp(-3.5 * np.arange(d))[None, :]  # rate i -> j falls off with j
    p = gth_stationary(Q, block=7)
    with mpmath.workdps(50):
        G = mpmath.matrix(d, d)
        for i in range(d):
            for j in range(d):
                if i != j:
                    G[j, i] = mpmath.mpf(Q[i, j])
            G[i, i] = -mpmath.fsum(mpmath.mpf(Q[i, j]) for j in range(d) if j != i)
        for j in range(d):  # replace the first balance equation by the normalisation
            G[0, j] = 1
        rhs = mpmath.matrix([1] + [0] * (d - 1))
        exact = mpmath.lu_solve(G, rhs)
        exact = np.array([float(v) for v in exact])
    assert exact.min() < 1e-50
    assert np.max(np.abs(p - exact) / exact) < 1e-12


# ----------------------------------------------------------------------------- block vs full
def test_pauli_equals_full_on_a_ring_sector():
    from symness.models import xxz_ring

    ring = xxz_ring(n=6, J=1.0, Delta=1.5, fields={2: 2.0, 3: 1.0}, contacts=(1, 4))
    system = OpenSystem.from_model(ring)
    gen, a, b, ia, ib = both(system, up_spins=3)
    assert ia["method"] == "pauli+GTH" and ib["method"].startswith("secular-block")
    assert np.max(np.abs(a - b)) < 1e-13
    na, nb = davies_ness(system, up_spins=3), None
    nb = steady_state(davies_liouvillian(system, up_spins=3), "full")
    assert np.max(np.abs(na.rho_sector - nb[0])) < 1e-13
    J = na.bath_heat_currents()
    assert abs(J["L"] + J["R"]) < 1e-12 * abs(J["L"])
    # the heat currents from the block equal those of the full dissipator on the same state
    full = {k: float(np.real(gen.space.E @ np.diagonal(
        (gen.D_eigen[k] @ na.rho_eigen().reshape(-1)).reshape(gen.dim, gen.dim)))) for k in J}
    assert all(abs(J[k] - full[k]) < 1e-14 for k in J)


def test_degenerate_levels_and_lamb_shift_agree_with_full():
    """Two identical qubits: a degenerate level (|ud>, |du>), coherences inside it that the
    baths drive, and the Lamb shift (which only enters through those coherences)."""
    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.5 * sigma("z", 2, n)
    cpl = [(sigma("x", 1, n) + 0.3 * sigma("x", 2, n), Bath(SPEC, 1.3, lamb_shift=True)),
           (sigma("x", 2, n) - 0.2 * sigma("z", 1, n), Bath(SPEC, 0.4, lamb_shift=True))]
    system = OpenSystem(H, cpl)
    gen, a, b, ia, ib = both(system)
    assert not gen.pauli.populations_only and gen.pauli.dim > gen.dim
    assert ia["method"] == "pauli-block"
    assert np.max(np.abs(a - b)) < 1e-12
    ness = davies_ness(system)
    assert ness.residual < 1e-14
    assert abs(ness.min_eigenvalue - np.linalg.eigvalsh(ness.rho)[0]) < 1e-14


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), d=st.sampled_from([2, 3, 5, 8]),
       TL=st.floats(0.1, 5.0), TR=st.floats(0.1, 5.0))
def test_random_davies_block_equals_full(seed, d, TL, TR):
    rng = np.random.default_rng(seed)
    H = hermitian(rng, d)
    system = OpenSystem(H, [(hermitian(rng, d), Bath(SPEC, TL)), (hermitian(rng, d), Bath(SPEC, TR))])
    _, a, b, ia, _ = both(system)
    assert ia["closed_classes"] == 1
    assert np.max(np.abs(a - b)) < 1e-11


def test_zero_temperature_leaves_only_the_ground_state():
    n = 3
    H = sum(bond_op(l, l + 1, n, "heisenberg") for l in (1, 2)) + 0.3 * sigma("z", 1, n)
    system = OpenSystem(H, [(sigma("x", 1, n), Bath(SPEC, 0.0)), (sigma("x", 3, n), Bath(SPEC, 0.0))])
    ness = davies_ness(system)
    p = ness.populations()
    assert p[0] == 1.0 and np.all(p[1:] == 0.0)
    assert ness.info["transient_levels"] == 2**n - 1


# ----------------------------------------------------------------------------- uniqueness
def test_two_closed_classes_are_listed():
    """sigma^x on site 1 never flips site 2: the levels with site 2 up and down are two closed classes."""
    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.15 * sigma("z", 2, n)
    system = OpenSystem(H, [(sigma("x", 1, n), Bath(SPEC, 1.0)), (sigma("x", 1, n), Bath(SPEC, 2.0))])
    with pytest.raises(NonUniqueSteadyStateError, match="sigma.z of site.s. .2. is conserved") as exc:
        davies_ness(system)  # the exact zero pattern of H and the couplings, before any eigenbasis
    assert exc.value.reason == "invariant subspaces"
    with pytest.raises(NonUniqueSteadyStateError, match="2 closed classes") as exc:
        steady_state(davies_liouvillian(system))  # the Pauli block's own test
    # ascending energies -0.65, -0.35, 0.35, 0.65: site 2 down = {0, 2}, site 2 up = {1, 3}
    assert exc.value.classes == [[0, 2], [1, 3]]
    assert exc.value.reason == "several closed classes"


def test_closed_classes_of_a_chain_with_transient_states():
    W = np.zeros((5, 5))
    W[0, 1] = W[1, 0] = 1.0       # closed {0, 1}
    W[2, 1] = W[2, 3] = 1.0       # 2 is transient
    W[3, 4] = W[4, 3] = 1.0       # closed {3, 4}
    closed, transient = closed_classes(W)
    assert [c.tolist() for c in closed] == [[0, 1], [3, 4]] and transient.tolist() == [2]


def test_dark_state_in_a_degenerate_level_is_refused_with_the_level():
    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.5 * sigma("z", 2, n)
    system = OpenSystem(H, [(sigma("x", 1, n) + sigma("x", 2, n), Bath(SPEC, 0.8))])
    with pytest.raises(NonUniqueSteadyStateError, match="degenerate levels") as exc:
        davies_ness(system)
    assert exc.value.classes == [[1, 2]]


def test_chained_bohr_classes_fall_back_to_the_full_generator():
    """Bohr frequencies 1 - 0.75e-9, 1, 1 + 0.75e-9, 1 + 1.5e-9 chain within the 1e-9 tolerance into
    one class that joins levels 1 and 2 (1.5e-9 apart, so distinct) seen from level 0: the
    zero-frequency block is not decoupled, and the full secular matrix is used instead."""
    E = np.array([0.0, 1.0, 1.0 + 1.5e-9, 2.0 + 0.75e-9])
    H = np.diag(E)
    rng = np.random.default_rng(3)
    system = OpenSystem(H, [(hermitian(rng, 4), Bath(SPEC, 1.0)), (hermitian(rng, 4), Bath(SPEC, 2.0))])
    gen = davies_liouvillian(system, degeneracy_tol=1e-9)
    assert not PauliBlock.applies(gen.structure) and gen.pauli is None
    ness = davies_ness(system, degeneracy_tol=1e-9)
    assert ness.info["method"].startswith("secular-block")


def test_kernel_of_the_pauli_block_is_one_dimensional_iff_the_kernel_is():
    """Equally spaced, degenerate spectra (E = 0, 1, 1, 2, 3, 3, 4: degenerate levels *and*
    degenerate Bohr frequencies) with sparse random couplings: the nullity of the full secular
    generator is one exactly when that of its zero-frequency block is (both outcomes occur)."""
    seen = set()
    for seed in range(60):
        rng = np.random.default_rng(seed)
        E = np.array([0, 1, 1, 2, 3, 3, 4.0])[:rng.integers(3, 8)]
        d = E.size
        dens = rng.uniform(0.05, 0.5)

        S1, S2 = (sparse_hermitian(rng, d, dens) for _ in range(2))
        system = OpenSystem(np.diag(E), [(S1, Bath(SPEC, 1.0)), (S2, Bath(SPEC, 2.5, lamb_shift=bool(seed % 2)))])
        gen = davies_liouvillian(system)
        B = gen.pauli.B.toarray() if hasattr(gen.pauli.B, "toarray") else gen.pauli.B
        sv = np.linalg.svd(gen.L_eigen.toarray(), compute_uv=False)
        svb = np.linalg.svd(B, compute_uv=False)
        tol = 1e-9 * sv[0]
        full, block = int(np.sum(sv < tol)), int(np.sum(svb < tol))
        assert (full == 1) == (block == 1), seed
        seen.add(full == 1)
    assert seen == {True, False}


def test_divergent_zero_frequency_lamb_shift_is_still_refused():
    """The Pauli block never needs the Lamb shift of a non-degenerate level, but a rotating-wave
    coupling with a zero Bohr frequency makes the generator itself ill-defined: same clear error."""
    from symness import InvalidParameterError

    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.3 * sigma("z", 2, n)
    L = sigma("-", 1, n) @ sigma("z", 2, n) + sigma("z", 1, n)
    system = OpenSystem(H, [(L, Bath(SPEC, 1.0, lamb_shift=True), "rwa"), (sigma("-", 2, n), Bath(SPEC, 2.0), "rwa")])
    with pytest.raises(InvalidParameterError, match="zero Bohr frequency"):
        davies_ness(system)
