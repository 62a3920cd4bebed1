r"""Near-equal temperatures: the steady state as the equal-temperature state plus its exact deviation.

When every bath is at nearly the same temperature, :math:`T_b = T_0 + \tau_b`
with :math:`|\tau_b| \ll T_0`, the heat currents are differences of nearly
equal flows and a direct solve loses :math:`\sim\log_{10}(T_0/\tau)` digits.
Write the generator as :math:`\mathcal L = \mathcal L_0 + \mathcal L_\tau`,
:math:`\mathcal L_0` with every bath at :math:`T_0`, and the state as
:math:`\rho = \rho_0 + \Delta`:

.. math::

    \mathcal L_0\rho_0 = 0,\qquad
    (\mathcal L + w\,\mathrm{tr})\,\Delta = -\mathcal L_\tau\rho_0 \quad(\mathrm{tr}\,\Delta = 0),

with no approximation (the first-order linear-response problem
:math:`\mathcal L_0\Delta_1 = -\mathcal L_\tau\rho_0` is its leading term).
:math:`\mathcal L_\tau` is the Redfield dissipator built from the *rate
increments* :math:`\gamma(\omega; T_b) - \gamma(\omega; T_0)`, computed without
cancellation (:func:`rate_increment`), so :math:`\mathcal L_\tau\rho_0` has full
relative precision.  The currents are

.. math::

    J_b = \underbrace{\mathrm{tr}(H\mathcal D^0_b\rho_0)}_{=\,0}
          + \mathrm{tr}(H\mathcal D^\tau_b\rho_0) + \mathrm{tr}(H\mathcal D_b\Delta):

the first term vanishes exactly -- no heat flows between baths at one
temperature (each bath's rates obey detailed balance at :math:`T_0`; verified
to 80 digits with mpmath for random Hamiltonians and couplings, see the
tests) -- and is dropped instead of being computed as round-off.  The other
two terms are :math:`O(\tau)` and computed to relative precision, so the
currents keep full relative precision as :math:`\tau\to0`.

Applies to baths whose rates are a :class:`~symness.baths.SpectralDensity`
(:math:`\gamma = fJ(\omega)[1 + n(\omega)]`) or a
:class:`~symness.baths.SymmetrizedSpectrum`, without Lamb shift, all at
:math:`T > 0`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..baths import Bath, SpectralDensity, SymmetrizedSpectrum

__all__ = ["LR_MAX_BIAS", "reference_temperature", "rate_increment"]

#: the split is used when every ``(T_b - T_0) / T_0`` is at most this (``T_0`` the lowest bath temperature)
LR_MAX_BIAS = 1e-2


def _eligible(bath: Bath, lamb: bool) -> bool:
    T = float(bath.T)
    return (not lamb) and T > 0 and isinstance(bath.spectrum, (SpectralDensity, SymmetrizedSpectrum))


def reference_temperature(system: Any, lamb_shift: bool | None = None) -> float | None:
    """``T_0`` (the lowest bath temperature) if the split applies to this system, else ``None``."""
    cs = system.couplings
    if len(cs) < 2:
        return None
    lambs = [c.bath.lamb_shift if lamb_shift is None else bool(lamb_shift) for c in cs]
    if not all(_eligible(c.bath, lb) for c, lb in zip(cs, lambs)):
        return None
    return near_equal_reference([float(c.bath.T) for c in cs])


def near_equal_reference(T: list[float]) -> float | None:
    """The lowest of the (positive) temperatures ``T`` when all are within :data:`LR_MAX_BIAS` of it
    but not all equal, else ``None``: where :func:`reference_temperature` splits the state."""
    T0 = min(T)  # a few numbers: plain floats (the same arithmetic as numpy's)
    bias = max(t - T0 for t in T) / T0
    if bias == 0.0 or bias > LR_MAX_BIAS:
        return None
    return T0


def _dn(x_b: np.ndarray, dx: np.ndarray) -> np.ndarray:
    r""":math:`n(x_b) - n(x_b + \delta x)` for :math:`x > 0` (:math:`n(x) = 1/(e^x - 1)`), without cancellation.

    ``dx`` is passed on its own (not as ``x_0 - x_b``), so it keeps its relative precision.
    """
    # n(x) = e^{-x} / (1 - e^{-x}); the difference is e^{-x_b}(1 - e^{-dx}) / ((1-e^{-x_b})(1-e^{-x_0}))
    num = -np.exp(-x_b) * np.expm1(-dx)
    den = np.expm1(-x_b) * np.expm1(-(x_b + dx))
    return num / den


def rate_increment(bath: Bath, omega: np.ndarray, T0: float) -> np.ndarray:
    r""":math:`\gamma(\omega; T_b) - \gamma(\omega; T_0)` of a bath, to full relative precision.

    ``omega`` may have either sign (:math:`\omega > 0`: emission).  For a
    spectral density :math:`\gamma = fJ(\omega)[1+n(\omega)]` the increment is
    :math:`fJ(|\omega|)[n(|\omega|;T_b) - n(|\omega|;T_0)]` for both signs
    (:math:`fJ'(0)\tau` at :math:`\omega = 0`); for a symmetrised spectrum
    :math:`c\,[\tanh(\omega/2T_b) - \tanh(\omega/2T_0)]`.  The difference of the
    inverse temperatures is formed from :math:`\tau = T_b - T_0` (exact).
    """
    w = np.asarray(omega, dtype=float)
    Tb = float(bath.T)
    tau = Tb - T0
    f = float(bath.preset.factor)
    spec = bath.spectrum
    aw = np.abs(w)
    out = np.zeros(w.shape)
    nz = aw > 0
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        if isinstance(spec, SpectralDensity):
            J = np.asarray(spec(aw[nz]), dtype=float)
            x_b = aw[nz] / Tb
            dx = aw[nz] * (tau / (Tb * T0))  # x_0 - x_b
            out[nz] = f * J * _dn(x_b, dx)
            out[~nz] = f * float(spec.slope0) * tau if np.isfinite(spec.slope0) else 0.0
        else:  # SymmetrizedSpectrum: c [tanh(w / 2T_b) - tanh(w / 2T_0)]
            c = spec._c(aw[nz])
            a = w[nz] / (2 * Tb)
            da = w[nz] * (tau / (2 * Tb * T0))  # a_0 - a, a_0 = w / 2T_0
            out[nz] = f * c * np.sinh(-da) / (np.cosh(a) * np.cosh(a + da))
    out = np.where(np.isfinite(out), out, 0.0)
    return out
