"""Bath conventions: every preset recomputed from its paper's own definition."""

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symness import InvalidParameterError, NegativeCouplingError, NegativeTemperatureError
from symness.baths import (
    PRESETS,
    Bath,
    bose,
    bose_sym,
    custom,
    drude,
    flat,
    ohmic,
    weak_coupling_spectrum,
)
from symness.checks.foundation import ring4_rate_from_correlation


# ---------------------------------------------------------------- Bose function
def mp_bose(x):
    with mpmath.workdps(50):
        return float(1 / mpmath.expm1(mpmath.mpf(x)))


@pytest.mark.parametrize("x", np.geomspace(1e-8, 1e3, 60))
def test_bose_vs_mpmath(x):
    assert bose(x, 1.0) == pytest.approx(mp_bose(x), rel=2e-15, abs=0)


@settings(max_examples=200, deadline=None)
@given(st.floats(-18.4, 6.9).map(lambda e: 10**e), st.floats(-3, 3).map(lambda e: 10**e))
def test_bose_property(x, T):
    w = x * T
    exact = mp_bose(w / T)
    assert bose(w, T) == pytest.approx(exact, rel=1e-13, abs=1e-300)
    # n(-w) = -1 - n(w)
    assert bose(-w, T) == pytest.approx(-1 - exact, rel=1e-13)


def test_bose_limits():
    assert bose(1.0, 0.0) == 0.0
    assert bose(-1.0, 0.0) == -1.0
    assert bose(0.0, 1.0) == np.inf
    assert np.all(np.isfinite(bose(np.array([720.0, 744.0, 1e5]), 1.0)))
    with pytest.raises(NegativeTemperatureError):
        bose(1.0, -1.0)
    w, T = sympy.symbols("w T", positive=True)
    assert sympy.simplify(bose_sym(w, T) - 1 / (sympy.exp(w / T) - 1)) == 0


# ---------------------------------------------------------------- spectra
SPECTRA = [ohmic(0.01, 10.0), ohmic(0.3, 2.0, s=3), drude(0.2, 5.0),
           custom(lambda w: 0.1 * w * np.exp(-(w / 4) ** 2), scale=4.0)]


@pytest.mark.parametrize("spec", SPECTRA, ids=lambda s: s.name)
@pytest.mark.parametrize("preset", ["canonical", "ring4", "magnification", "qubit_kernels"])
def test_kms_and_positivity(spec, preset):
    for T in [0.1, 1.0, 7.0]:
        b = Bath(spec, T, preset)
        w = np.linspace(0.05, 20, 41)
        g_em, g_ab = b.rate(w), b.rate(-w)
        assert np.all(g_em >= 0) and np.all(g_ab >= 0)
        np.testing.assert_allclose(g_ab, np.exp(-w / T) * g_em, rtol=1e-13, atol=1e-300)
        # gamma(w) - gamma(-w) = factor * J(w): the T-independent part
        np.testing.assert_allclose(g_em - g_ab, b.preset.factor * spec(w), rtol=1e-12, atol=1e-300)


def test_zero_frequency_rate_is_the_limit():
    for spec in [ohmic(0.05, 3.0), drude(0.2, 5.0)]:
        b = Bath(spec, 1.7, "ring4")
        assert b.rate(0.0) == pytest.approx(b.rate(1e-7), rel=1e-6)
    with pytest.raises(InvalidParameterError, match="zero-frequency"):
        Bath(flat(0.1), 1.0).rate(0.0)
    assert Bath(ohmic(0.05, 3.0), 0.0).rate(0.0) == 0.0


def test_zero_temperature():
    b = Bath(ohmic(0.05, 3.0), 0.0)
    assert b.rate(-1.0) == 0.0
    assert b.rate(1.0) == pytest.approx(0.05 * np.exp(-1 / 3))


def test_symbolic_rates_match_numeric():
    w, T = sympy.symbols("omega T", positive=True)
    b = Bath(ohmic(sympy.Rational(1, 100), 10), T, "ring4")
    em = b.rate_sym(w)
    ab = b.rate_sym(-w)
    vals = {w: 1.3, T: 0.7}
    nb = Bath(ohmic(0.01, 10.0), 0.7, "ring4")
    assert float(em.subs(vals)) == pytest.approx(nb.rate(1.3), rel=1e-13)
    assert float(ab.subs(vals)) == pytest.approx(nb.rate(-1.3), rel=1e-13)
    assert sympy.simplify(ab - em * sympy.exp(-w / T)) == 0


def test_custom_from_sympy():
    w = sympy.Symbol("w")
    spec = custom(sympy.Rational(1, 10) * w * sympy.exp(-w / 3), w)
    assert spec.slope0 == pytest.approx(0.1)
    assert spec(1.0) == pytest.approx(0.1 * np.exp(-1 / 3))
    assert spec(-1.0) == pytest.approx(-0.1 * np.exp(-1 / 3))


# ---------------------------------------------------------------- presets vs papers
@pytest.mark.parametrize("w,T", [(1.3, 2.0), (-0.7, 1.0), (3.0, 0.5)])
def test_ring4_preset_from_eq7(w, T):
    """Numerically Fourier-transform eq. (7) of the ring4 paper and compare."""
    bath = Bath(ohmic(0.01, 10.0), T, "ring4", lamb_shift=True)
    rate, shift = ring4_rate_from_correlation(w, 0.01, 10.0, T)
    assert bath.rate(w) == pytest.approx(rate, rel=1e-7)
    assert bath.lamb(w) == pytest.approx(shift, rel=1e-7)
    assert bath.half_sided(w) == pytest.approx(rate / 2 + 1j * shift, rel=1e-7)


@pytest.mark.parametrize("delta", [0.8, -0.8, 2.5, -2.5])
def test_magnification_preset_from_eq28(delta):
    """Eq. (28): W_ij = J(D) N(D) for D > 0, J(|D|)(1 + N(|D|)) for D < 0, times gamma (eq. 26).

    W_ij is the half-sided transform at -Delta_ij (eq. 27), Lamb shift dropped.
    """
    g, Oc, T = 0.01, 10.0, 1.4
    Jm = lambda x: x * np.exp(-x / Oc)  # eq. (30)
    N = 1 / np.expm1(abs(delta) / T)
    W = g * (Jm(delta) * N if delta > 0 else Jm(abs(delta)) * (1 + N))
    bath = Bath(ohmic(g, Oc), T, "magnification")
    assert bath.half_sided(-delta).real == pytest.approx(W, rel=1e-13)
    assert bath.half_sided(-delta).imag == 0.0


def test_qubit_kernels_preset_from_eqs_3_8_to_3_11():
    """Single qubit, RWA coupling: K_{-,+} = g(1+n) (decay), K_{+,-} = g n (excitation)."""
    g, w0, T = 0.37, 1.1, 0.6
    n = 1 / np.expm1(w0 / T)
    bath = Bath(flat(g), T, "qubit_kernels")
    # |<-|sigma^-|+>|^2 = 1: the golden-rule rate of + -> - (emission of w0)
    assert bath.rate(w0) == pytest.approx(g * (1 + n), rel=1e-14)
    assert bath.rate(-w0) == pytest.approx(g * n, rel=1e-14)


def test_weak_coupling_preset_from_B8_B32_B33():
    c, d, h, T = 0.8, 1.3, 1.0, 0.7
    bath = Bath(weak_coupling_spectrum(c, d), T, "weak_coupling")
    phi = lambda w: bath.rate(-w)  # Phi~_beta(w) = gamma(-w)  (B7 uses e^{-i w t})
    assert (phi(2 * h) + phi(-2 * h)) / 2 == pytest.approx(c, rel=1e-14)  # (B32)
    assert phi(0.0) == pytest.approx(d)  # (B33)
    assert phi(-2 * h) == pytest.approx(phi(2 * h) * np.exp(2 * h / T), rel=1e-13)  # KMS (B8)
    t = np.tanh(h / T)
    assert bath.rate(2 * h) == pytest.approx(c * (1 + t), rel=1e-14)
    with pytest.raises(InvalidParameterError):
        Bath(ohmic(1, 1), 1.0, "weak_coupling")
    with pytest.raises(InvalidParameterError):
        Bath(weak_coupling_spectrum(c, d), 1.0, "weak_coupling", lamb_shift=True)


def test_presets_documented():
    assert set(PRESETS) == {"canonical", "ring4", "magnification", "qubit_kernels",
                            "weak_coupling"}


# ---------------------------------------------------------------- Lamb shift
@pytest.mark.parametrize("w", [0.5, 3.0, -2.0, 0.0])
def test_lamb_shift_T0_vs_mpmath(w):
    """T = 0 ohmic: sigma = (1/2pi)[-wc + w e^{-w/wc} Ei(w/wc)] (principal value)."""
    wc = 10.0
    b = Bath(ohmic(1.0, wc), 0.0, lamb_shift=True)
    with mpmath.workdps(30):
        ex = (-wc + (w * mpmath.e ** (-w / wc) * mpmath.ei(w / wc) if w != 0 else 0)) / (2 * mpmath.pi)
    assert b.lamb(w) == pytest.approx(float(ex), rel=1e-9)


def test_lamb_shift_finite_T_vs_mpmath():
    spec, T, w = drude(0.3, 2.0), 0.8, 1.1
    b = Bath(spec, T, lamb_shift=True)

    def g(x):
        x = mpmath.mpf(x)
        J = 0.3 * x * 4 / (x**2 + 4)
        return J / (1 - mpmath.e ** (-x / T)) if x != 0 else 0.3 * T

    with mpmath.workdps(25):
        # symmetric principal value around the pole
        f = lambda x: g(x) / (w - x)
        # pair the singular part: int (g(w+u)-g(w-u))/(-u) du on (0, 20)
        mid = mpmath.quad(lambda u: (g(w + u) - g(w - u)) / (-u), [0, 1, 5, 20])
        right = mpmath.quad(f, [w + 20, 100, mpmath.inf])
        left = mpmath.quad(f, [-mpmath.inf, -10, w - 20])
        ex = (left + mid + right) / (2 * mpmath.pi)
    assert b.lamb(w) == pytest.approx(float(ex), rel=1e-8)


def test_bath_errors():
    with pytest.raises(NegativeTemperatureError):
        Bath(ohmic(0.1, 1.0), -0.5)
    with pytest.raises(NegativeCouplingError):
        ohmic(-0.1, 1.0)
    with pytest.raises(NegativeCouplingError):
        ohmic(0.1, 0.0)
    with pytest.raises(InvalidParameterError, match="preset"):
        Bath(ohmic(0.1, 1.0), 1.0, "nonsense")
    with pytest.raises(InvalidParameterError):
        Bath(flat(1.0), 1.0, lamb_shift=True)
    with pytest.raises(InvalidParameterError):
        Bath("ohmic", 1.0)
    with pytest.raises(NegativeCouplingError):
        weak_coupling_spectrum(-1, 1)
