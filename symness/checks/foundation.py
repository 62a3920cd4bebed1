"""Cross-checks of the foundation: the Bose function and the bath presets.

The presets are checked against each paper's *own definition* of its bath,
evaluated independently of :mod:`symness.baths`:

* ring4: the correlation function of eq. (7) is computed by numerical
  quadrature in time and Fourier-transformed numerically (full transform ->
  rate, half-sided imaginary part -> Lamb shift);
* Bose function: mpmath at 50 digits.
"""

from __future__ import annotations

from collections.abc import Iterator

import mpmath
import numpy as np
import sympy
from scipy import integrate

from ..baths import Bath, bose, ohmic
from ..closedform import ClosedForm
from ..registry import Comparison, cross_check, latex_section

_QUAD = dict(limlst=100)


def ring4_correlation(gamma: float, cutoff: float, T: float):
    r"""Eq. (7) of the ring4 paper, literally, by quadrature.

    :math:`C(\tau) = \int_0^\infty \frac{d\omega}{\pi} J(\omega)[\coth(\omega/2T)\cos\omega\tau
    - i\sin\omega\tau]` with :math:`J = \gamma\omega e^{-\omega/\omega_c}`.
    Returns ``(ReC, ImC)`` as functions of ``tau >= 0``.
    """
    def J(w: float) -> float:
        return gamma * w * np.exp(-w / cutoff)

    def re_integrand(w: float) -> float:
        return J(w) / np.tanh(w / (2 * T)) / np.pi if w > 0 else 2 * T * gamma / np.pi

    def re_c(tau: float) -> float:
        if tau == 0:
            return integrate.quad(re_integrand, 0, np.inf, limit=200)[0]
        return integrate.quad(re_integrand, 0, np.inf, weight="cos", wvar=tau, **_QUAD)[0]

    def im_c(tau: float) -> float:
        if tau == 0:
            return 0.0
        return -integrate.quad(lambda w: J(w) / np.pi, 0, np.inf, weight="sin", wvar=tau,
                               **_QUAD)[0]
    return re_c, im_c


def ring4_rate_from_correlation(omega: float, gamma: float, cutoff: float, T: float
                                ) -> tuple[float, float]:
    r"""Full Fourier transform (rate) and half-sided imaginary part (Lamb shift) of eq. (7).

    :math:`\gamma(\omega) = 2\int_0^\infty[\mathrm{Re}C\cos\omega\tau - \mathrm{Im}C\sin\omega\tau]`,
    :math:`\sigma(\omega) = \int_0^\infty[\mathrm{Re}C\sin\omega\tau + \mathrm{Im}C\cos\omega\tau]`.
    """
    re_c, im_c = ring4_correlation(gamma, cutoff, T)
    a = integrate.quad(re_c, 0, np.inf, weight="cos", wvar=omega, **_QUAD)[0]
    b = integrate.quad(im_c, 0, np.inf, weight="sin", wvar=omega, **_QUAD)[0]
    rate = 2 * (a - b)
    c = integrate.quad(re_c, 0, np.inf, weight="sin", wvar=omega, **_QUAD)[0]
    d = integrate.quad(im_c, 0, np.inf, weight="cos", wvar=omega, **_QUAD)[0]
    return rate, c + d


@cross_check("bose function vs mpmath", paper="foundation", equation="n = 1/(e^{w/T}-1)")
def check_bose(quick: bool) -> Iterator[Comparison]:
    """Float64 Bose function against 50-digit mpmath over omega/T in [1e-8, 1e3]."""
    xs = [1e-8, 1e-3, 0.5, 3.0, 40.0, 700.0] if quick else list(np.geomspace(1e-8, 1e3, 12))
    mp = mpmath.MPContext()  # private precision: the global mpmath.mp is never changed
    mp.dps = 50
    for x in xs:
        exact = float(1 / mp.expm1(mp.mpf(x)))
        yield Comparison("n(w/T)", bose(x, 1.0), exact, tol=1e-14, point=f"w/T={x:.3g}")


@cross_check("ring4 bath preset vs eq. (7)", paper="ring4", equation="(7), (10)")
def check_ring4_preset(quick: bool) -> Iterator[Comparison]:
    """Bath(..., preset='ring4') rate and Lamb shift vs the numerically transformed eq. (7)."""
    pts = [(1.3, 2.0)] if quick else [(1.3, 2.0), (-1.3, 2.0), (0.4, 1.0), (4.0, 0.5)]
    for w, T in pts:
        bath = Bath(ohmic(0.01, 10.0), T, "ring4", lamb_shift=True)
        rate, shift = ring4_rate_from_correlation(w, 0.01, 10.0, T)
        yield Comparison("gamma(w)", bath.rate(w), rate, tol=1e-6, point=f"w={w}, T={T}")
        yield Comparison("sigma(w) (Lamb)", bath.lamb(w), shift, tol=1e-6, point=f"w={w}, T={T}")


@latex_section("conventions", title="Canonical bath convention", paper="foundation", order=0)
def conventions_section() -> list:
    w, T = sympy.symbols("omega T", positive=True)
    J = sympy.Function("J")
    bath_rate = ClosedForm(
        {"emission": J(w) / (1 - sympy.exp(-w / T)), "absorption": J(w) / (sympy.exp(w / T) - 1)},
        {w: r"Bohr frequency (energy), $\omega > 0$", T: "bath temperature (energy units)"},
        name=r"\gamma",
        description="Golden-rule rates of the canonical convention: a transition that gives "
                    "energy $\\omega>0$ to the bath (emission) or takes it (absorption); "
                    "$J(\\omega) = 2\\pi\\sum_k c_k^2\\delta(\\omega-\\omega_k)$ for "
                    "$H_{SB} = S\\otimes\\sum_k c_k(b_k+b_k^\\dagger)$.",
        conventions=r"$\hbar = k_B = 1$; $\gamma(-\omega) = e^{-\omega/T}\gamma(\omega)$",
    )
    return [bath_rate, (
        "Presets: ring4 and magnification use $\\gamma = 2J(1+n)$ with their $J$; "
        "qubit kernels use $\\gamma = g(1+n)$; the weak-coupling hierarchy uses "
        "$\\gamma(\\omega) = c[1+\\tanh(\\omega/2T)]$, $\\gamma(0)=d$."
    )]
