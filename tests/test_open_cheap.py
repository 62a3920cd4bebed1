"""Issue 16 ("Cheap models"): the fused per-point Redfield path gives what the plain algorithms give.

Each fused step is checked against an independent, one-thing-at-a-time computation: the dense
generator against its action on basis matrices, the channels against per-channel clustering
and ``Bath.rate``, the shared rate evaluation against ``Bath.rate``, the LU solve against
scipy's ``lu_factor``/``gecon``, the currents against ``tr(H D_b rho)`` from the site-basis
dissipator.  The checks that depend on parameter values (up-spin conservation, Hermiticity,
invariant subspaces) are exercised at values that break them, between values that do not,
with the same compiled model (nothing about them is cached by structure).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
import sympy

from symness.baths import Bath, flat, ohmic, shared_spectrum_rates
from symness.errors import InvalidParameterError, NonHermitianError, NonUniqueSteadyStateError, SectorError
from symness.models import xxz_ring
from symness.models.base import Coupling, Model, Term
from symness.open import OpenSystem, redfield_ness
from symness.open.channels import _rate_functions, bohr_frequencies, channels
from symness.open.linsolve import dense_solve, equilibrate
from symness.open.liouvillian import as_system, redfield_liouvillian
from symness.open.system import eigh
from symness.spins import sigma

SPEC = ohmic(0.01, 10.0)
RING = dict(J=1.0, fields={2: 2.0, 3: 1.0}, contacts=(1, 3), T_left=2.0, T_right=1.0)


def _systems():
    """Sector and full-space systems, Hermitian and rotating-wave couplings, a zero coupling, Lamb shift."""
    ring = xxz_ring(n=4, Delta=0.3, **RING)
    H = 0.5 * sigma("z", 1, 2) + 0.3 * sigma("z", 2, 2) + 0.2 * (sigma("x", 1, 2) @ sigma("x", 2, 2))
    rwa = OpenSystem(H, [(sigma("-", 1, 2), Bath(SPEC, 1.0), "rwa"), (sigma("-", 2, 2), Bath(SPEC, 2.0), "rwa")])
    mixed = OpenSystem(H, [(sigma("x", 1, 2), Bath(SPEC, 1.0)), (0 * sigma("x", 2, 2), Bath(SPEC, 2.0)),
                           (sigma("z", 2, 2), Bath(SPEC, 3.0))])
    # equally spaced levels: exactly degenerate Bohr frequencies across different patterns
    Hd = sigma("z", 1, 2) + sigma("z", 2, 2) + 0.0 * sigma("x", 1, 2)
    degen = OpenSystem(Hd, [(sigma("x", 1, 2), Bath(SPEC, 1.5)),
                            (sigma("x", 2, 2) + sigma("z", 1, 2), Bath(SPEC, 0.7))])
    return [(ring, 2, False), (ring, 1, True), (ring, None, False), (rwa, None, False), (rwa, None, True),
            (mixed, None, False), (degen, None, False)]


@pytest.mark.parametrize("case", range(7))
def test_dense_generator_is_the_action_on_basis_matrices(case):
    system, up, lamb = _systems()[case]
    gen = redfield_liouvillian(system, up_spins=up, lamb_shift=lamb)
    d = gen.dim
    R = gen.dense_eigen()
    cols = []
    for j in range(d * d):
        e = np.zeros(d * d, dtype=complex)
        e[j] = 1.0
        cols.append(gen.apply_eigen(e.reshape(d, d)).reshape(-1))
    ref = np.array(cols).T
    assert np.abs(R - ref).max() <= 1e-13 * np.abs(ref).max()


@pytest.mark.parametrize("case", range(7))
def test_channels_match_per_channel_clustering_and_rates(case):
    system, up, lamb = _systems()[case]
    system = as_system(system)
    space = system.space(up)
    chans = channels(system, space, lamb)
    E = space.E
    tol = 1e-12 * space.energy_scale
    k = 0
    for c in system.couplings:
        S = space.to_eigen(space.coupling(c))
        for which, rate_f, lamb_f in _rate_functions(c.bath, c.kind, lamb):
            ch = chans[k]
            k += 1
            A = S if which in ("S", "L") else S.conj().T
            assert np.array_equal(ch.A, A) or np.abs(ch.A - A).max() <= 1e-15 * max(np.abs(A).max(), 1e-300)
            mask = np.abs(A) > 1e-14 * max(np.abs(A).max(), 1e-300)
            if not mask.any():
                assert not np.any(ch.rate) and not np.any(ch.Gamma)
                continue
            index, freqs = bohr_frequencies(E, mask, tol)
            used = np.unique(index[mask])
            g = np.zeros(freqs.size)
            g[used] = rate_f(freqs[used])
            rate = np.where(mask, g[np.maximum(index, 0)], 0.0)
            omega = np.where(mask, freqs[np.maximum(index, 0)], 0.0)
            assert np.array_equal(ch.rate, rate)
            assert np.array_equal(ch.omega, omega)
            if lamb_f is None:
                assert np.array_equal(ch.Gamma, rate / 2)
            else:
                s = np.zeros(freqs.size)
                s[used] = lamb_f(freqs[used])
                assert np.allclose(ch.Gamma, np.where(mask, rate / 2 + 1j * s[np.maximum(index, 0)], 0.0),
                                   rtol=1e-14, atol=0)
    assert k == len(chans)


def test_shared_spectrum_rates_are_bath_rate():
    w = np.array([0.0, 1e-300, 0.3, -0.3, 2.0, -2.0, 700.0, -700.0, 1e-9])
    baths = [Bath(SPEC, 2.0, "ring4"), Bath(SPEC, 1e-3, "ring4"), Bath(SPEC, 1e5, "ring4")]
    parts = [w, w[2:5], w[::-1]]
    out = shared_spectrum_rates(baths, parts)
    for b, x, y in zip(baths, parts, out):
        assert np.array_equal(y, b.rate(x))
    assert shared_spectrum_rates(baths[:1] + [Bath(ohmic(0.01, 10.0), 1.0)], [w, w]) is None  # another spectrum
    assert shared_spectrum_rates([Bath(SPEC, 1.0), Bath(SPEC, 2.0, "ring4")], [w, w]) is None  # another preset
    # a flat spectrum has no finite zero-frequency rate: no shared values, and Bath.rate raises its own error
    fl = [Bath(flat(0.01), 1.0), Bath(flat(0.01), 2.0)]
    fl[1].spectrum = fl[0].spectrum
    assert shared_spectrum_rates(fl, [w, w]) is None
    with pytest.raises(InvalidParameterError, match="zero-frequency"):
        fl[0].rate(w)


def test_dense_solve_matches_lu_factor_and_gecon():
    rng = np.random.default_rng(3)
    for dtype in (float, complex):
        M = rng.standard_normal((12, 12)) * np.logspace(-8, 8, 12)[:, None]
        if dtype is complex:
            M = M + 1j * rng.standard_normal((12, 12))
        b = rng.standard_normal(12) + 1j * rng.standard_normal(12)
        x, rcond = dense_solve(M, b)
        r, c = equilibrate(M)
        Ms = (r[:, None] * M) * c[None, :]
        lu = sla.lu_factor(Ms)
        func = sla.lapack.zgecon if np.iscomplexobj(Ms) else sla.lapack.dgecon
        ref = func(lu[0], np.abs(Ms).sum(axis=0).max(), norm="1")[0]
        assert abs(rcond - ref) <= 1e-12 * ref
        xref = c * sla.lu_solve(lu, r * b)
        assert np.abs(x - xref).max() <= 1e-13 * np.abs(xref).max()
    M[:, 3] = M[:, 4]
    with pytest.raises(NonUniqueSteadyStateError):
        dense_solve(M, b)


def test_eigh_is_numpys():
    rng = np.random.default_rng(4)
    for d in (1, 2, 6, 13):
        a = rng.standard_normal((d, d))
        a = a + a.T
        c = a + 1j * np.triu(rng.standard_normal((d, d)), 1)
        c = c + c.conj().T
        for m in (a, c):
            E, V = eigh(m)
            E0, V0 = np.linalg.eigh(m)
            assert np.array_equal(E, E0) and np.array_equal(V, V0)
            assert np.array_equal(eigh(m, vectors=False), np.linalg.eigvalsh(m))


def test_residual_and_currents_are_the_independent_ones():
    ring = xxz_ring(n=4, Delta=0.0, **RING)
    for D in (-1.3, 0.0, 0.7):
        ness = redfield_ness(ring, up_spins=2, Delta=D)
        gen = ness.generator
        res = float(np.linalg.norm(gen.apply(ness.rho_sector)))
        assert abs(ness.residual - res) <= 1e-3 * res + 1e-17
        H = ness.space.H
        J = ness.bath_heat_currents()
        errs = ness.current_errors()
        for name in ("L", "R"):
            ref = float(np.real(np.trace(H @ gen.dissipator(name, ness.rho_sector))))
            assert abs(J[name] - ref) <= 1e-12 * abs(ref) + errs[name]
            assert 0 < errs[name] < 2e-12 * abs(J[name])  # the estimate is tight (here ~1e-12 relative)


def _model_with_knobs() -> Model:
    """A 3-site chain whose sector structure depends on parameter values: g (a transverse field) breaks
    the up-spin conservation, b != a makes H non-Hermitian, J = 0 cuts the chain."""
    J, g, a, b, T_L, T_R = sympy.symbols("J g a b T_L T_R")
    terms = [Term(J, ((1, "x"), (2, "x"))), Term(J, ((1, "y"), (2, "y"))),
             Term(a, ((2, "+"), (3, "-"))), Term(b, ((2, "-"), (3, "+"))),
             Term(g, ((2, "x"),)), Term(sympy.Float(0.7), ((1, "z"),)), Term(sympy.Float(0.3), ((3, "z"),))]
    couplings = [Coupling("L", (Term(1, ((1, "z"),)),), Bath(SPEC, T_L)),
                 Coupling("R", (Term(1, ((3, "z"),)),), Bath(SPEC, T_R))]
    return Model("knobs", 3, terms, couplings, values={J: 1.0, g: 0.0, a: 1.0, b: 1.0, T_L: 2.0, T_R: 1.0})


def test_value_dependent_checks_stay_per_point():
    model = _model_with_knobs()
    first = redfield_ness(model, up_spins=1)
    assert first.info["route"] == "arrays"  # the array route makes these checks per point too
    ok = first.bath_heat_currents()
    with pytest.raises(SectorError, match="does not conserve"):
        redfield_ness(model, up_spins=1, g=0.25)
    with pytest.raises(NonHermitianError, match="not Hermitian"):
        redfield_ness(model, up_spins=1, b=2.0)
    with pytest.raises(NonUniqueSteadyStateError, match="invariant"):
        redfield_ness(model, up_spins=1, J=0.0)
    with pytest.raises(NonUniqueSteadyStateError, match="invariant"):
        redfield_ness(model, up_spins=1, a=0.0, b=0.0)
    again = redfield_ness(model, up_spins=1).bath_heat_currents()
    assert again == ok
    full = redfield_ness(model, g=0.25).bath_heat_currents()  # the full space with the field: unique
    assert np.isfinite(list(full.values())).all()


def test_bohr_frequencies_are_single_linkage_clusters_of_abs_w():
    """bohr_frequencies (the one clustering of the channels) equals the generic 1-D single linkage of
    cluster_values on [0, |W|]: the zero cluster exactly 0, signs antisymmetric."""
    from symness.open.channels import cluster_values
    rng = np.random.default_rng(3)
    for _ in range(20):
        E = np.sort(np.concatenate([rng.uniform(-2, 2, 5), [0.3, 0.3 + 1e-14, 1.1]]))
        mask = rng.random((E.size, E.size)) < 0.7
        tol = 1e-12
        index, freqs = bohr_frequencies(E, mask, tol)
        W = E[None, :] - E[:, None]
        lab, centers = cluster_values(np.concatenate([[0.0], np.abs(W[mask])]), tol)
        centers = centers.copy()
        centers[lab[0]] = 0.0
        want = np.where(W[mask] < 0, -centers[lab[1:]], centers[lab[1:]])
        np.testing.assert_array_equal(freqs[index[mask]], want)
        assert np.all(index[~mask] == -1)


def test_spectral_density_rate_with_one_temperature_per_frequency():
    from symness.baths import ohmic
    spec = ohmic(0.02, 5.0)
    w = np.array([-1.0, 0.0, 0.5, 2.0])
    T = np.array([0.5, 1.0, 2.0, 0.3])
    got = spec.rate(w, T)
    np.testing.assert_array_equal(got, [spec.rate(x, t) for x, t in zip(w, T)])
    with pytest.raises(InvalidParameterError, match="positive"):
        spec.rate(w, np.array([1.0, 0.0, 1.0, 1.0]))
