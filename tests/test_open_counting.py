"""Counting statistics of Davies steady states (``NESS.heat_current_noise``, ``heat_cumulants``, ``tur_ratio``).

Independent routes: the closed-form noise of the symbolic Pauli kernel of the same model; finite differences
(mpmath) of the leading eigenvalue of the dense d^2 x d^2 tilted generator, built from the generator's GKSL jump
operators; QuTiP's ``countstat_current_noise`` with the same jumps.  Physical laws: S >= 0, TUR >= 2, the
fluctuation-dissipation relation S = 2 T^2 dJ/dT_L at equal temperatures.
"""

import warnings

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symness import spins
from symness.baths import Bath, ohmic
from symness.errors import InvalidModelError, InvalidParameterError, PrecisionWarning, SymnessError
from symness.kernels import pauli_kernel
from symness.models import xxz_ring
from symness.open import OpenSystem, davies_ness, lindblad_ness
from symness.open import counting as oc

H3 = np.array([[0.0, 0.25, 0.0], [0.25, 1.0, 0.25], [0.0, 0.25, 2.3]])
S3L = np.array([[0.0, 1.0, 0.3], [1.0, 0.0, 1.0], [0.3, 1.0, 0.0]])
S3R = np.diag([1.0, 0.0, -1.0]) + 0.2 * np.eye(3, k=1) + 0.2 * np.eye(3, k=-1)


def _three_level(TL: float = 2.0, TR: float = 0.3) -> OpenSystem:
    return OpenSystem(H3, [(S3L, Bath(ohmic(0.02, 5.0), TL, name="L")), (S3R, Bath(ohmic(0.01, 4.0), TR, name="R"))])


def _degenerate() -> OpenSystem:
    """Two identical qubits: a doubly degenerate middle level and one (degenerate) Bohr frequency."""
    z1, z2 = spins.sigma("z", 1, 2, "numpy"), spins.sigma("z", 2, 2, "numpy")
    x1, x2 = spins.sigma("x", 1, 2, "numpy"), spins.sigma("x", 2, 2, "numpy")
    return OpenSystem(0.5 * (z1 + z2), [(x1 + 0.6 * x2, Bath(ohmic(0.02, 5.0), 1.7)),
                                        (x2 - 0.3 * x1, Bath(ohmic(0.03, 5.0), 0.4))])


def _tilted_dense(ness, bath, chi):
    """Leading eigenvalue of the tilted Davies generator (mpmath): the full d^2 x d^2 secular matrix plus the
    tilted GKSL jumps, restricted to the elements rho_ab with E_a = E_b (the tilt keeps the Bohr-frequency
    blocks; the others only decay)."""
    gen = ness.generator
    E = gen.space.E
    K = gen.L_eigen.toarray()
    keep = np.flatnonzero(np.abs(E[:, None] - E[None, :]).reshape(-1) < 1e-9)
    tilt = []
    for A, rate in gen.jump_operators(basis="eigen")[bath]:
        a, c = np.nonzero(A)
        q = E[a[0]] - E[c[0]]  # energy from the bath into the system (the class's levels)
        J = np.kron(A, A.conj()) * rate  # rho -> A rho A^dag, row-major vec
        tilt.append((q, J[np.ix_(keep, keep)]))
    K = mpmath.matrix(K[np.ix_(keep, keep)].tolist())
    for q, J in tilt:
        f = mpmath.exp(chi * mpmath.mpf(q)) - 1
        for i, j in zip(*np.nonzero(J)):
            K[int(i), int(j)] += f * mpmath.mpc(complex(J[i, j]))
    ev = mpmath.eig(K, left=False, right=False)
    return max((mpmath.re(z) for z in ev), key=lambda x: x if abs(x) < 1e-3 else -mpmath.inf)


def _fd_cumulants(ness, bath, order=3):
    """kappa_1..kappa_order (order 2 or 3) by central differences of lambda(chi) at 40 digits."""
    mpmath.mp.dps = 40
    try:
        h = mpmath.mpf("1e-8")
        f = {k: _tilted_dense(ness, bath, k * h) for k in ((-2, -1, 0, 1, 2) if order == 3 else (-1, 0, 1))}
        out = [(f[1] - f[-1]) / (2 * h), (f[1] - 2 * f[0] + f[-1]) / h**2]
        if order == 3:
            out.append((f[2] - 2 * f[1] + 2 * f[-1] - f[-2]) / (2 * h**3))
    finally:
        mpmath.mp.dps = 15
    return [float(x) for x in out]


@pytest.mark.parametrize("make", [_three_level, _degenerate], ids=["non-degenerate", "degenerate"])
def test_cumulants_vs_tilted_liouvillian_finite_differences(make):
    ness = davies_ness(make())
    assert ness.info["method"] == ("pauli+GTH" if make is _three_level else "pauli-block")
    kap = ness.heat_cumulants(ness.system.names[0], 3)
    k1, k2, k3 = _fd_cumulants(ness, ness.system.names[0])
    assert kap[0] == pytest.approx(k1, rel=1e-10)
    assert kap[1] == pytest.approx(k2, rel=1e-10)
    assert kap[2] == pytest.approx(k3, rel=1e-8)
    assert kap[1] > 0


def test_noise_vs_symbolic_pauli_kernel():
    """The closed form of the Pauli kernel of the same model and baths (non-degenerate spectrum)."""
    TL, TR = sympy.symbols("T_L T_R", positive=True)
    pk = pauli_kernel(H3, [(S3L, Bath(ohmic(0.02, 5.0), TL, name="L")), (S3R, Bath(ohmic(0.01, 4.0), TR, name="R"))])
    ness = davies_ness(_three_level(2.0, 0.3))
    for bath in ("L", "R"):
        S = pk.heat_current_noise(bath).lambdify()(T_L=2.0, T_R=0.3)
        assert ness.heat_current_noise(bath) == pytest.approx(S, rel=1e-10)
    k3 = pk.heat_cumulants("L", 3)
    assert ness.heat_cumulants("L", 3)[2] == pytest.approx(k3.lambdify()(T_L=2.0, T_R=0.3)["kappa_3"], rel=1e-9)
    # near equilibrium kappa_3 ~ bias cancels in double precision: recomputed in extended precision (60 digits ref)
    near = {"T_L": 1.0 + 1e-7, "T_R": 1.0}
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrecisionWarning)
        got = davies_ness(_three_level(*near.values())).heat_cumulants("L", 3)
    ref = k3.evaluate(near, dps=60)
    assert got[2] == pytest.approx(float(ref["kappa_3"]), rel=1e-10)
    assert got[1] == pytest.approx(float(ref["kappa_2"]), rel=1e-12)


def test_noise_vs_qutip_countstat():
    """QuTiP's noise matrix of the counted jumps (the same GKSL jumps), weighted by the jump energies."""
    qutip = pytest.importorskip("qutip")
    ness = davies_ness(_degenerate())
    gen = ness.generator
    E = gen.space.E
    H = qutip.Qobj(np.diag(E))
    c_ops, weights = [], []
    for name in gen.names:
        for A, rate in gen.jump_operators(basis="eigen")[name]:
            a, c = np.nonzero(A)
            c_ops.append(qutip.Qobj(np.sqrt(rate) * A))
            weights.append(E[a[0]] - E[c[0]] if name == gen.names[0] else 0.0)
    L = qutip.liouvillian(H, c_ops)
    jumps = [qutip.sprepost(c, c.dag()) for c in c_ops]
    w = np.array(weights)
    # QuTiP's net current I = sum_i w_i J_i (mean, correlations) and total J = sum_i w_i^2 J_i (the shot-noise term)
    I_op = sum(float(x) * j for x, j in zip(w, jumps) if x != 0)
    J_op = sum(float(x)**2 * j for x, j in zip(w, jumps) if x != 0)
    current, noise, _ = qutip.countstat_current_noise(L, [], J_ops=[J_op], I_ops=[I_op])
    assert ness.heat_current(gen.names[0]) == pytest.approx(float(np.real(np.ravel(current)[0])), rel=1e-9)
    assert ness.heat_current_noise(gen.names[0]) == pytest.approx(float(np.real(np.ravel(noise)[0])), rel=1e-9)


def test_fallback_block_and_sector():
    """The full-secular-matrix path (Bohr classes chained) equals the Pauli block; a sector NESS vs finite
    differences of its own tilted generator."""
    ness = davies_ness(_degenerate())
    ref = ness.heat_cumulants("L", 3)
    ness.generator.__dict__["pauli"] = None  # force the connected block of the full secular matrix
    np.testing.assert_allclose(ness.heat_cumulants("L", 3), ref, rtol=1e-11)
    ring = davies_ness(xxz_ring(n=4, J=1.0, Delta=1.5, fields={2: 2.0, 3: 1.0}), up_spins=2)
    k1, k2 = _fd_cumulants(ring, "L", 2)
    assert ring.heat_cumulants("L", 2) == pytest.approx([k1, k2], rel=1e-9)
    one = davies_ness(xxz_ring(n=4, J=1.0, Delta=1.5, fields={2: 2.0, 3: 1.0}), up_spins=0)  # one state
    assert list(one.heat_cumulants("L", 4)) == [0.0] * 4
    with pytest.raises(InvalidParameterError, match="no net heat"):
        one.tur_ratio("L")


def test_fluctuation_dissipation():
    """At T_L = T_R = T: S_L = 2 T^2 dJ_L/dT_L (central differences of the mean current)."""
    T, h = 0.8, 1e-4
    S = davies_ness(_three_level(T, T)).heat_current_noise("L")
    Jp = davies_ness(_three_level(T + h, T)).heat_current("L")
    Jm = davies_ness(_three_level(T - h, T)).heat_current("L")
    assert S == pytest.approx(2 * T**2 * (Jp - Jm) / (2 * h), rel=1e-7)
    with pytest.raises(InvalidParameterError, match="TUR"):
        davies_ness(_three_level(T, T)).tur_ratio("L")
    with pytest.warns(PrecisionWarning):  # kappa_3 vanishes at equilibrium: unresolved in double, reported
        davies_ness(_three_level(T, T), precision="double").heat_cumulants("L", 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrecisionWarning)
        k = davies_ness(_three_level(T, T)).heat_cumulants("L", 3)  # extended: exactly zero to 2^-100
    assert abs(k[2]) <= 1e-25 * k[1]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6))
def test_noise_positive_and_tur_on_random_chains(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 4))
    J, Delta = rng.uniform(0.3, 1.5), rng.uniform(-1, 1)
    H = sum(J * spins.bond_op(l, l + 1, n, "xx", "numpy") + J * spins.bond_op(l, l + 1, n, "yy", "numpy")
            + Delta * spins.bond_op(l, l + 1, n, "zz", "numpy") for l in range(1, n))
    H = H + sum(rng.uniform(0.2, 2.0) * spins.sigma("z", l, n, "numpy") for l in range(1, n + 1))
    TL, TR = rng.uniform(0.3, 3.0, size=2)
    sysm = OpenSystem(H, [(spins.sigma("x", 1, n, "numpy"), Bath(ohmic(0.02, 6.0), TL)),
                          (spins.sigma("x", n, n, "numpy"), Bath(ohmic(0.01, 6.0), TR))])
    try:
        ness = davies_ness(sysm)
    except SymnessError:  # a random spectrum with a conserved quantity: nothing to test
        return
    for bath in ("L", "R"):
        assert ness.heat_current_noise(bath) >= 0
    if abs(TL - TR) > 1e-2:
        assert ness.tur_ratio("L") >= 2 - 1e-9


def test_bad_input():
    ness = davies_ness(_three_level())
    with pytest.raises(InvalidModelError, match="baths are"):
        ness.heat_current_noise("X")
    with pytest.raises(InvalidModelError, match="'L'"):  # a 1-based number points to the name
        ness.heat_current_noise(1)
    for order in (0, 5, True, 2.0):
        with pytest.raises(InvalidParameterError, match="order"):
            ness.heat_cumulants("L", order)
    with pytest.raises(InvalidModelError, match="Davies .* and Redfield"):
        ring = xxz_ring(n=4, Delta=0.7, fields={2: 0.5, 3: 0.3}, T_left=2.0, T_right=1.0)
        lindblad_ness(ring, up_spins=2).heat_current_noise("L")
    # three baths: default names A, B, C
    three = OpenSystem(H3, [(S3L, Bath(ohmic(0.02, 5.0), 2.0)), (S3R, Bath(ohmic(0.01, 4.0), 0.3)),
                            (np.diag([0.0, 1.0, 0.0]), Bath(ohmic(0.01, 4.0), 1.0))])
    n3 = davies_ness(three)
    assert sum(n3.heat_cumulants(b, 1)[0] for b in "ABC") == pytest.approx(0, abs=1e-15)
    with pytest.raises(InvalidModelError, match="'A'"):
        n3.heat_current_noise(1)


def test_size_guard(monkeypatch):
    ness = davies_ness(_three_level())
    monkeypatch.setattr(oc, "MAX_DENSE_DIM", 2)
    with pytest.raises(InvalidParameterError, match="up_spins"):
        ness.heat_current_noise("L")
