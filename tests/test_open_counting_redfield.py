"""Counting statistics of Redfield (non-secular) steady states (``redfield_ness(...).heat_cumulants``).

Independent route (``symness.checks.redfield_counting``, also a ``symness verify`` row): the scaled cumulant
generating function lambda(chi) as the eigenvalue nearest zero of a tilted Redfield tensor built from the
channels' operators and bath rates, with the principal-value parts S_chi(omega) = P int gamma(w') e^{-chi w'} /
(omega - w') dw' / 2pi integrated directly for each complex chi (no spectral moments, no Drazin recursion),
differentiated by the Cauchy integral on a circle.  Limits: the
Davies statistics as the coupling goes to zero (difference of relative order gamma^2 without the Lamb shift),
the counted mean against tr(H D rho) (the same order).  Physical laws: S > 0, TUR >= 2 far from equilibrium.
"""

from math import factorial

import mpmath
import numpy as np
import pytest

from symness import spins
from symness.baths import Bath, drude, ohmic
from symness.checks.redfield_counting import contour_cumulants
from symness.errors import InvalidModelError, InvalidParameterError
from symness.models import xxz_ring
from symness.open import OpenSystem, davies_ness, lindblad_ness, redfield_ness
from symness.open import redfield_counting as rc

Z1, Z2 = spins.sigma("z", 1, 2, "numpy"), spins.sigma("z", 2, 2, "numpy")
X1, X2 = spins.sigma("x", 1, 2, "numpy"), spins.sigma("x", 2, 2, "numpy")


def _qubits(g: float = 0.02, lamb: bool = False, rwa: bool = False, TL: float = 2.0, TR: float = 0.5) -> OpenSystem:
    """A user's model: detuned qubits (omega_1 = 1, omega_2 = 1.3) with an XX bond, one bath each."""
    H = 0.5 * Z1 + 0.65 * Z2 + 0.2 * X1 @ X2
    bL = Bath(ohmic(g, 5.0), TL, name="L", lamb_shift=lamb)
    bR = Bath(ohmic(g, 4.0), TR, name="R", lamb_shift=lamb)
    if rwa:
        lower = spins.sigma("-", 1, 2, "numpy")
        return OpenSystem(H, [(lower, bL, "rwa"), (X2, bR)])
    return OpenSystem(H, [(X1, bL), (X2 + 0.3 * Z2, bR)])


def _ring():
    return redfield_ness(xxz_ring(n=4, Delta=0.7, J=1.0, fields={2: 0.5, 3: 0.3}, contacts=(1, 3),
                                  T_left=2.0, T_right=1.0), up_spins=2)


def _contour_cumulants(ness, bath: str, order: int = 4) -> np.ndarray:
    kap = contour_cumulants(ness, bath, order)
    # the contour's round-off ~ j! eps ||L|| / r^j (||L|| includes the Bohr frequencies): its imaginary part
    # measures it; it must stay well inside the tolerances of the comparison
    assert np.all(np.abs(kap.imag) <= 0.1 * np.array([1e-10, 1e-9, 1e-7, 1e-5])[:order] * np.abs(kap.real))
    return kap.real


CASES = {
    "hermitian": lambda: redfield_ness(_qubits()),
    "hermitian+Lamb": lambda: redfield_ness(_qubits(lamb=True)),
    "rotating-wave+Lamb": lambda: redfield_ness(_qubits(lamb=True, rwa=True)),
    "ring sector": _ring,
}


@pytest.mark.parametrize("case", list(CASES))
def test_cumulants_match_the_tilted_eigenvalue(case):
    ness = CASES[case]()
    for bath in ness.generator.names:
        k = ness.heat_cumulants(bath, order=4)
        ref = _contour_cumulants(ness, bath)
        # contour round-off grows as 1/r^j: 1e-12, 1e-10, 1e-8, 1e-6 of the values
        rel = np.abs(k / ref - 1)
        assert np.all(rel <= [1e-10, 1e-9, 1e-7, 1e-5]), (bath, k, ref, rel)
        assert k[1] > 0


def test_the_secular_limit_is_davies():
    """Without the Lamb shift, Redfield - Davies ~ gamma^2 relative: 100x smaller for 10x weaker coupling."""
    diffs = []
    for g in (0.02, 0.002):
        red = redfield_ness(_qubits(g=g)).heat_cumulants("L", order=3)
        dav = davies_ness(_qubits(g=g)).heat_cumulants("L", order=3)
        diffs.append(np.abs(red / dav - 1))
    ratio = diffs[0] / diffs[1]
    assert np.all((ratio > 70) & (ratio < 130)), ratio
    assert np.all(diffs[1] < 1e-3)


def test_counted_mean_vs_system_energy_change():
    """kappa_1 (the energy that left the bath) and tr(H D rho) differ only at order gamma^2 (relative)."""
    rel = []
    for g in (0.02, 0.002):
        ness = redfield_ness(_qubits(g=g))
        rel.append(abs(ness.heat_cumulants("L", 1)[0] / ness.heat_current("L") - 1))
    assert 70 < rel[0] / rel[1] < 130
    # with the Lamb shift the two differ at order gamma: 10x for 10x weaker coupling
    rel = []
    for g in (0.02, 0.002):
        ness = redfield_ness(_qubits(g=g, lamb=True))
        rel.append(abs(ness.heat_cumulants("L", 1)[0] / ness.heat_current("L") - 1))
    assert 7 < rel[0] / rel[1] < 13


def test_tur_and_positive_noise_for_random_models():
    rng = np.random.default_rng(7)
    for _ in range(6):
        d = int(rng.integers(3, 6))
        X = rng.normal(size=(d, d))
        H = np.diag(np.sort(rng.uniform(0, 3, d))) + 0.1 * (X + X.T)
        SL, SR = (rng.normal(size=(d, d)) for _ in range(2))
        s = OpenSystem(H, [(SL + SL.T, Bath(ohmic(0.005, 5.0), float(rng.uniform(1.5, 3)), name="L")),
                           (SR + SR.T, Bath(ohmic(0.005, 5.0), float(rng.uniform(0.2, 1)), name="R"))])
        ness = redfield_ness(s)
        assert ness.heat_current_noise("L") > 0
        assert ness.tur_ratio("L") >= 2


def test_refusals():
    with pytest.raises(InvalidModelError, match="Davies .* and Redfield"):
        ring = xxz_ring(n=4, Delta=0.7, fields={2: 0.5, 3: 0.3}, T_left=2.0, T_right=1.0)
        lindblad_ness(ring, up_spins=2).heat_current_noise("L")
    drude_lamb = OpenSystem(0.5 * Z1 + 0.65 * Z2 + 0.2 * X1 @ X2,
                            [(X1, Bath(drude(0.01, 1.0), 2.0, name="L", lamb_shift=True)),
                             (X2, Bath(ohmic(0.01, 5.0), 1.0, name="R"))])
    ness = redfield_ness(drude_lamb)
    # the mean needs no moment (the constant part of S^(1) cancels); S_chi itself exists only for real chi >= 0
    assert ness.heat_cumulants("L", 1)[0] == pytest.approx(ness.heat_current("L"), rel=0.05)
    with pytest.raises(InvalidParameterError, match="mu_0 .* diverges.*lamb_shift=False"):
        ness.heat_current_noise("L")
    assert redfield_ness(drude_lamb, lamb_shift=False).heat_current_noise("L") > 0


def test_size_guard_before_allocation(monkeypatch):
    ness = redfield_ness(_qubits())
    monkeypatch.setattr(rc, "MAX_REDFIELD_COUNTING_DIM", 3)
    called = []
    monkeypatch.setattr(type(ness.generator), "dense_eigen", lambda self: called.append(1))
    with pytest.raises(InvalidParameterError, match="up_spins=k.*davies_ness"):
        ness.heat_current_noise("L")
    assert not called


def test_spectral_moments_against_closed_forms():
    """Ohmic gamma(w) = g w e^{-|w|/wc} (1 + n(w)) (canonical preset): at T = 0 only w > 0 contributes,
    mu_i = (1/2pi) g wc^{i+2} (i+1)!; at T > 0 against mpmath quadrature."""
    g, wc = 0.03, 4.0
    b = Bath(ohmic(g, wc), 0.0)
    mu = rc.spectral_moments(b.rate, 3, wc, 0.0)
    want = [g * wc ** (i + 2) * factorial(i + 1) / (2 * np.pi) for i in range(3)]
    np.testing.assert_allclose(mu, want, rtol=1e-10)
    bT = Bath(ohmic(g, wc), 0.7)
    mpmath.mp.dps = 30
    try:
        def gam(w):
            return g * w * mpmath.exp(-abs(w) / wc) / (1 - mpmath.exp(-w / mpmath.mpf("0.7")))
        pts = [-mpmath.inf, -1, 0, 1, wc, mpmath.inf]
        want = [float(mpmath.quad(lambda w, i=i: gam(w) * w**i, pts) / (2 * mpmath.pi)) for i in range(3)]
    finally:
        mpmath.mp.dps = 15
    np.testing.assert_allclose(rc.spectral_moments(bT.rate, 3, wc, 0.7), want, rtol=1e-10)


def test_tur_near_equilibrium_and_second_law_refusal():
    """S sigma / J^2 -> 2 as the bias and the coupling go to zero: the fluctuation-dissipation relation of the
    counted noise holds up to relative order gamma^2 (the Redfield steady state is not Gibbs to that order);
    with the Lamb shift, Redfield carries heat between baths at equal temperatures, where sigma = -sum_b J_b/T
    is zero up to round-off: refused (sigma not resolvably > 0) rather than a ratio of round-off."""
    excess = []
    for g in (0.02, 0.002):
        excess.append(redfield_ness(_qubits(g=g, TL=1.0 + 1e-4, TR=1.0)).tur_ratio("L") - 2)
    assert 0 < excess[0] < 1e-4
    assert 50 < excess[0] / excess[1] < 200
    with pytest.raises(InvalidParameterError, match="second law.*lamb_shift=False"):
        redfield_ness(_qubits(lamb=True, TL=1.0, TR=1.0)).tur_ratio("L")


def test_unresolved_mean_near_equilibrium_is_said():
    """At a bias of 1e-7 the counted mean cancels below double precision: a PrecisionWarning names kappa_1;
    the noise, which does not cancel, comes without one."""
    import warnings

    from symness.errors import PrecisionWarning
    ness = redfield_ness(_qubits(TL=1.0 + 1e-7, TR=1.0))
    with pytest.warns(PrecisionWarning, match="kappa_1"):
        k = ness.heat_cumulants("L", 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrecisionWarning)
        assert ness.heat_current_noise("L") == pytest.approx(k[1], rel=1e-12)
