"""GKSL steady states in the coherence-order (U(1)) block and by no-jump-preconditioned GMRES.

References: the dense LU of the full d^2 x d^2 generator (``method="dense-full"``, the
pre-block solver) and QuTiP's ``steadystate`` as an independent peer; the uniqueness theory
(a one-dimensional kernel of the q = 0 block <=> of the whole generator) is checked by SVD of
dense generators.
"""

import numpy as np
import pytest
import qutip as qt
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symness import InvalidParameterError, NonUniqueSteadyStateError
from symness.baths import ohmic
from symness.open import Bath, OpenSystem, gksl_liouvillian, gksl_ness, lindblad_ness
from symness.open.coherence import BlockLayout, coherence_blocks, up_counts
from symness.spins import bond_op, op_product, sigma


def chain(n, J=1.0, Delta=1.0, g=3.102, g_pump=0.62, alphas=None):
    """Heisenberg chain, sigma^+ at both ends, sigma^- in the middle (the cold-atom open chain)."""
    a = np.ones(n - 1) if alphas is None else alphas
    H = sum(a[l - 1] * bond_op(l, l + 1, n, [(J, "x", "x"), (J, "y", "y"), (J * Delta, "z", "z")])
            for l in range(1, n))
    jumps = [(op_product({1: "+"}, n), g), (op_product({n: "+"}, n), g)]
    if g_pump:
        jumps.append((op_product({(n + 1) // 2: "-"}, n), g_pump))
    return H, jumps


def qutip_state(H, jumps, n):
    dims = [[2] * n, [2] * n]
    q = lambda A: qt.Qobj(A.toarray() if sp.issparse(A) else np.asarray(A), dims=dims)  # noqa: E731
    return qt.steadystate(q(H), [np.sqrt(r) * q(L) for L, r in jumps]).full()


# ----------------------------------------------------------------------------- agreement
def test_every_solver_agrees_with_qutip_on_the_pumped_chain():
    n = 4
    H, jumps = chain(n, alphas=[1.0, 1.2, 1.5])
    ref = qutip_state(H, jumps, n)
    gen = gksl_liouvillian(H, jumps)
    for method in ("dense-full", "sparse-full", "krylov-full", "dense", "sparse", "krylov", "auto"):
        ness = gksl_ness(gen, method=method)
        assert np.max(np.abs(ness.rho - ref)) < 1e-12, method
        assert ness.residual < 1e-13
    ness = gksl_ness(gen, method="krylov")
    assert ness.info["blocks"] == "coherence order q = 0" and ness.info["block_dim"] == 70
    assert ness.info["certified"]


def test_block_solution_equals_full_solution_for_n5():
    n = 5
    H, jumps = chain(n, Delta=0.7)
    gen = gksl_liouvillian(H, jumps)
    full = gksl_ness(gen, method="sparse-full").rho
    for method in ("sparse", "krylov"):
        assert np.max(np.abs(gksl_ness(gen, method=method).rho - full)) < 1e-13
    # the state is block-diagonal in the magnetisation sectors (q = 0)
    ups = up_counts(n)
    assert np.max(np.abs(full[ups[:, None] != ups[None, :]])) < 1e-15
    ness = gksl_ness(gen)
    assert abs(ness.min_eigenvalue - np.linalg.eigvalsh(ness.rho)[0]) < 1e-15


def test_dark_polarized_state_is_found_with_a_shifted_preconditioner():
    """Without the pump the polarized chain is the (unique, pure) steady state: the no-jump
    operator is singular there and gets shifted."""
    n = 4
    H, jumps = chain(n, g_pump=0.0)
    ness = gksl_ness(H, jumps, method="krylov")
    assert ness.info["preconditioner_shift"] > 0
    pol = np.zeros((2**n, 2**n))
    pol[0, 0] = 1.0  # all up
    assert np.max(np.abs(ness.rho - pol)) < 1e-12


def test_no_symmetry_falls_back_to_the_full_space_and_agrees():
    n = 4
    H, jumps = chain(n)
    H = H + 0.4 * op_product({2: "x"}, n)  # a transverse field breaks U(1)
    gen = gksl_liouvillian(H, jumps)
    layout = coherence_blocks(gen)
    assert not layout.symmetric and "conserve" in layout.reason
    ref = gksl_ness(gen, method="dense-full").rho
    ness = gksl_ness(gen, method="krylov")
    assert ness.info["blocks"] == "full"
    assert np.max(np.abs(ness.rho - ref)) < 1e-12
    # a jump mixing two changes of N_up (sigma^x = sigma^+ + sigma^-) also disables the blocks
    H2, jumps2 = chain(n)
    lay2 = coherence_blocks(gksl_liouvillian(H2, jumps2 + [(op_product({2: "x"}, n), 0.1)]))
    assert not lay2.symmetric and "more than one amount" in lay2.reason


def test_local_lindblad_uses_the_blocks():
    """sigma^x couplings of a Heisenberg chain: the local Lindblad jumps are sigma^+ and sigma^- of
    the contact sites (definite changes), so the full-space NESS is solved in the q = 0 block."""
    from symness.models import xxz_ring

    ring = xxz_ring(n=4, J=1.0, Delta=1.5, fields={1: 0.9, 2: 0.7, 3: 0.4}, contacts=(1, 3), coupling="x")
    system = OpenSystem.from_model(ring)
    a = lindblad_ness(system)
    b = lindblad_ness(system, method="dense-full")
    assert a.info["blocks"] == "coherence order q = 0"
    assert np.max(np.abs(a.rho - b.rho)) < 1e-12
    J = a.bath_heat_currents()
    assert abs(J["L"] + J["R"]) < 1e-12 * abs(J["L"])


# ----------------------------------------------------------------------------- random generators
def random_covariant(rng, n, n_jumps, density=1.0):
    """Random H conserving N_up and random jumps with definite changes delta in {-1, 0, 1}."""
    d = 2**n
    ups = up_counts(n)
    A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    H = np.where(ups[:, None] == ups[None, :], A + A.conj().T, 0.0)
    jumps = []
    for _ in range(n_jumps):
        delta = int(rng.integers(-1, 2))
        mask = (ups[:, None] - ups[None, :] == delta) & (rng.random((d, d)) < density)
        L = np.where(mask, rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)), 0.0)
        jumps.append((L, float(rng.uniform(0.1, 2.0))))
    return H, jumps


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.sampled_from([2, 3]), n_jumps=st.integers(2, 4))
def test_random_covariant_generators_block_equals_full(seed, n, n_jumps):
    rng = np.random.default_rng(seed)
    H, jumps = random_covariant(rng, n, n_jumps)
    if not {-1, 1} & {int(x) for x in _deltas(jumps, n)}:
        jumps.append((op_product({1: "+"}, n), 0.5))
        jumps.append((op_product({1: "-"}, n), 0.3))
    gen = gksl_liouvillian(H, jumps)
    ref = gksl_ness(gen, method="dense-full").rho
    for method in ("dense", "sparse", "krylov", "krylov-full"):
        ness = gksl_ness(gen, method=method)
        assert np.max(np.abs(ness.rho - ref)) < 1e-10, method
        assert abs(np.trace(ness.rho) - 1) < 1e-13
        assert np.max(np.abs(ness.rho - ness.rho.conj().T)) < 1e-15


def _deltas(jumps, n):
    ups = up_counts(n)
    out = []
    for L, _ in jumps:
        r, c = np.nonzero(np.abs(L) > 0)
        if r.size:
            out.append(ups[r[0]] - ups[c[0]])
    return out


def test_kernel_of_the_block_is_one_dimensional_iff_the_kernel_is():
    """The U(1) theory: nullity(L restricted to q = 0) == 1  <=>  nullity(L) == 1, on 60 random
    sparse covariant generators (sparse jumps often leave dark or decoupled subspaces, so both
    unique and non-unique cases occur)."""
    n = 3
    seen = set()
    for seed in range(60):
        rng = np.random.default_rng(seed)
        H, jumps = random_covariant(rng, n, 3, rng.uniform(0.05, 0.6))
        H = np.where(rng.random(H.shape) < 0.3, H, 0.0)
        H = (H + H.conj().T) / 2
        gen = gksl_liouvillian(H, jumps)
        L = gen.L_site.toarray()
        sv = np.linalg.svd(L, compute_uv=False)
        idx = coherence_blocks(gen).vec_index()
        svb = np.linalg.svd(L[np.ix_(idx, idx)], compute_uv=False)
        tol = 1e-9 * sv[0]
        full, block = int(np.sum(sv < tol)), int(np.sum(svb < tol))
        assert (full == 1) == (block == 1), seed
        assert block <= full
        seen.add(full == 1)
    assert seen == {True, False}


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), d=st.sampled_from([3, 5, 8]))
def test_random_general_gksl_krylov_equals_dense(seed, d):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    H = A + A.conj().T
    jumps = [(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)), float(rng.uniform(0.05, 1.0)))
             for _ in range(2)]
    gen = gksl_liouvillian(H, jumps)
    a = gksl_ness(gen, method="dense-full").rho
    b = gksl_ness(gen, method="krylov")
    assert b.info["certified"]
    assert np.max(np.abs(a - b.rho)) < 1e-10


# ----------------------------------------------------------------------------- uniqueness and errors
def test_conserving_jumps_leave_one_state_per_sector():
    n = 3
    H, _ = chain(n)
    jumps = [(op_product({1: "z"}, n), 1.0), (op_product({1: "+", 2: "-"}, n), 0.5)]
    for method in ("auto", "krylov", "sparse"):
        with pytest.raises(NonUniqueSteadyStateError, match="4 separate groups") as exc:
            gksl_ness(H, jumps, method=method)
        assert exc.value.classes == [[0], [1], [2], [3]]
        assert exc.value.reason == "disconnected magnetisation sectors"


def test_jumps_by_two_split_the_sectors_by_parity():
    n = 4
    H, _ = chain(n)
    jumps = [(op_product({1: "+", 2: "+"}, n), 1.0), (op_product({3: "-", 4: "-"}, n), 0.7)]
    with pytest.raises(NonUniqueSteadyStateError) as exc:
        gksl_ness(H, jumps)
    assert exc.value.classes == [[0, 2, 4], [1, 3]]


def test_krylov_certificate_detects_a_singular_generator_without_symmetry():
    """Site 2 only precesses about x (no jump acts on it): a continuum of steady states, and no
    U(1) symmetry to list sectors by.  The Krylov certificate and the sparse LU both refuse."""
    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.8 * sigma("x", 2, n)
    jumps = [(sigma("-", 1, n), 0.4), (sigma("+", 1, n), 0.1)]
    with pytest.raises(NonUniqueSteadyStateError, match="random right-hand side"):
        gksl_ness(H, jumps, method="krylov")
    with pytest.raises(NonUniqueSteadyStateError):
        gksl_ness(H, jumps, method="sparse")


def test_unknown_method_is_refused():
    H, jumps = chain(3)
    with pytest.raises(InvalidParameterError, match="krylov-full"):
        gksl_ness(H, jumps, method="lu")
    with pytest.raises(InvalidParameterError):
        gksl_ness(H, jumps, method="krylov-blocks")


def test_layout_of_a_sector_space_is_one_block():
    n = 3
    H, _ = chain(n)
    spec = ohmic(0.01, 10.0)
    system = OpenSystem(H, [(sigma("z", 1, n), Bath(spec, 2.0)), (sigma("z", 3, n), Bath(spec, 1.0))])
    for c in system.couplings:
        c.local_hamiltonian = sigma("z", 1, n) if c.name == "L" else sigma("z", 3, n)
    ness = lindblad_ness(system, up_spins=1)
    assert ness.info["blocks"] == "full" and ness.info["block_dim"] == 9
    assert "already a single block" in ness.info["symmetry"]
    lay = BlockLayout.build(sp.csr_matrix(H), [], 3)
    assert lay.symmetric and lay.labels == [0, 1, 2, 3] and lay.dim == 1 + 9 + 9 + 1


def test_a_stalled_krylov_solve_falls_back_to_superlu_in_auto_mode(monkeypatch):
    import symness.open.steady as steady
    from symness import ConvergenceError

    monkeypatch.setattr(steady, "GKSL_SPARSE_MAX", 0)  # force GMRES for a small block
    monkeypatch.setattr(steady, "DENSE_MAX_DIM", 0)
    H, jumps = chain(4)
    gen = gksl_liouvillian(H, jumps)
    with pytest.raises(ConvergenceError, match="GMRES did not converge"):
        steady.steady_state(gen, "krylov", restart=2, maxiter=1)
    rho, info = steady.steady_state(gen, "auto", restart=2, maxiter=1)
    assert info["method"] == "sparse"
    assert np.max(np.abs(rho - gksl_ness(gen, method="dense-full").rho)) < 1e-12


def test_cold_atom_chain_n7_block_krylov_equals_block_superlu():
    """The issue's system: the pumped cold-atom chain, N = 7 (Liouvillian 16384^2, q = 0 block 3432)."""
    from symness.exchange import linear_profile
    from symness.exchange.open_chain import open_liouvillian

    gen, _, _ = open_liouvillian(linear_profile(7, 0.0, 2.0), gamma=3.102, gamma_I=0.620)
    a = gksl_ness(gen)
    assert a.info["method"] == "krylov" and a.info["block_dim"] == 3432 and a.info["certified"]
    b = gksl_ness(gen, method="sparse")
    assert np.max(np.abs(a.rho - b.rho)) < 1e-13
    assert a.residual < 1e-13 and a.min_eigenvalue > -1e-14


def test_no_jump_preconditioner_inverts_the_sylvester_operator_both_ways(rng):
    """Eigendecomposition path and Schur/trsyl path (forced by max_cond=0) both invert
    S X = G X + X G^dagger on every sector, also with the dark-state shift."""
    from symness.open.nojump import NoJumpPreconditioner

    for g_pump in (0.62, 0.0):  # without the pump the polarized state is dark: shifted S
        H, jumps = chain(4, g_pump=g_pump)
        layout = coherence_blocks(gksl_liouvillian(H, jumps))
        R = []
        for s in layout.sectors:
            A = rng.normal(size=(s.size, s.size)) + 1j * rng.normal(size=(s.size, s.size))
            R.append(A + A.conj().T)
        eig, schur = NoJumpPreconditioner(layout), NoJumpPreconditioner(layout, max_cond=0.0)
        assert set(eig.kinds) == {"eig"} and set(schur.kinds) == {"schur"}
        assert (eig.shift > 0) == (g_pump == 0.0) and eig.shift == schur.shift
        for G, X1, X2, Rk in zip(layout.G, eig.solve_blocks(R), schur.solve_blocks(R), R):
            S = G @ X1 + X1 @ G.conj().T - eig.shift * X1
            assert np.max(np.abs(S - Rk)) < 1e-10 * np.max(np.abs(Rk))
            assert np.max(np.abs(X1 - X2)) < 1e-10 * np.max(np.abs(X1))
