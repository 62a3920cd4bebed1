r"""The Redfield (non-secular) generator with a counting field on the energy exchanged with one bath.

Count the energy :math:`Q^X_t` that bath :math:`X` gives to the system up to time :math:`t`
(two-point measurement of the bath Hamiltonian :math:`H_X`; :math:`\hbar = k_B = 1`).  The
moment generating function :math:`\langle e^{\chi Q_t}\rangle = \mathrm{tr}\,\rho_\chi(t)` follows
from the full dynamics with the interaction dressed by the counting field: on the left of
:math:`\rho` the bath operator becomes :math:`B(-i\chi/2)`, on the right :math:`B(+i\chi/2)`
(Heisenberg translation by an imaginary time; for a real-time field :math:`\lambda` these are
:math:`B(\pm\lambda/2)`, Esposito, Harbola and Mukamel, Rev. Mod. Phys. 81, 1665 (2009), Sec. III).
At second order (Born-Markov, the same steps that give the Redfield equation), the terms with
both bath operators on one side of :math:`\rho` keep their correlation function
:math:`C(s)`; the two *jump* terms, one bath operator on each side, get :math:`C(s - \lambda)`
and :math:`C(-s - \lambda)`.  With the spectral decomposition
:math:`C(s) = \frac1{2\pi}\int d\omega\,\gamma(\omega)e^{-i\omega s}`, the one-sided transform
that builds the Redfield rates becomes, continued to :math:`\lambda = i\chi`,

.. math::

    \Gamma_\chi(\omega) = \tfrac12\gamma(\omega)\,e^{-\chi\omega} + i\,S_\chi(\omega),\qquad
    S_\chi(\omega) = \frac1{2\pi}\,\mathrm P\!\int d\omega'\,\frac{\gamma(\omega')\,e^{-\chi\omega'}}{\omega-\omega'},

and the tilted generator is the Redfield generator of :mod:`symness.open.liouvillian` with
:math:`\Gamma` replaced by :math:`\Gamma_\chi` in its jump terms only,

.. math::

    \mathcal L_\chi\rho = -i[H,\rho] - M\rho - \rho M^\dagger
    + \sum_{k\in X}\big(\tilde A^\chi_k\rho A_k^\dagger + A_k\rho\,\tilde A^{\chi\dagger}_k\big)
    + (\text{the other baths' jump terms}),
    \qquad (\tilde A^\chi_k)_{ac} = \Gamma_{k,\chi}(E_c - E_a)\,(A_k)_{ac},

(:math:`\dagger` taken at real :math:`\chi`).  A jump :math:`c\to a` on the left carries
:math:`e^{-\chi\omega_{ac}}`, :math:`\omega_{ac} = E_c - E_a` being the energy given to the
bath; on the right, :math:`e^{-\chi\omega_{bd}}`.  In the secular limit
(:math:`\omega_{ac} = \omega_{bd}`) this is the tilted Davies generator of
:mod:`symness.open.counting`.  The derivatives at :math:`\chi = 0` are again jump terms,

.. math::

    \mathcal K_m = \partial_\chi^m\mathcal L_\chi|_0:\quad
    \Gamma^{(m)}(\omega) = \tfrac12\gamma(\omega)(-\omega)^m + i\,S^{(m)}(\omega),\qquad
    S^{(m)}(\omega) = (-\omega)^m S(\omega) + (-1)^{m+1}\sum_{i=0}^{m-1}\mu_i\,\omega^{m-1-i},

using :math:`\big((-\omega')^m - (-\omega)^m\big)/(\omega - \omega') =
(-1)^{m+1}\sum_{i<m}\omega'^i\omega^{m-1-i}`, with the spectral moments
:math:`\mu_i = \frac1{2\pi}\int d\omega\,\gamma(\omega)\,\omega^i` (:func:`spectral_moments`;
:math:`\mu_0 = C(0)`).  Without the Lamb shift (every paper's setting) the Redfield rates are
:math:`\Gamma = \gamma/2`, i.e. the one-sided time integral replaced by half the two-sided one;
the same approximation applied to :math:`C(s-\lambda)` gives
:math:`\Gamma_\chi = \frac12\gamma\,e^{-\chi\omega}` with no principal-value part.  With the Lamb
shift, frequency-independent parts of :math:`S^{(m)}` cancel between the two jump terms, and so
does all of the principal-value part between the secular pairs (:math:`\omega_{ac} =
\omega_{bd}`): only the non-secular terms feel it.

The mean :math:`\kappa_1 = \mathrm{tr}\,\mathcal K_1\rho` is the energy flow out of bath
:math:`X` measured on the bath.  The NESS's ``heat_current`` is :math:`\mathrm{tr}(H\mathcal
D_X\rho)`, the system's energy change due to :math:`X`; for a non-secular state the two differ
by terms :math:`\propto\Gamma_{ac}A_{ac}A_{bd}^*(E_c - E_b)\rho_{cb}`, i.e. at order
:math:`\gamma^2` (coherences of order :math:`\gamma` times rates) -- beyond the accuracy of a
second-order master equation, and the tests check this scaling.  The Drazin recursion for the
cumulants is that of :mod:`symness.open.counting`, here on the dense :math:`d^2\times d^2`
Redfield tensor in the working space (the sector if the NESS was solved in one), with the
derivative terms applied as matrix products (never a :math:`d^4` array per order).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import integrate

from ..errors import InvalidParameterError
from .liouvillian import RedfieldLiouvillian

__all__ = ["RedfieldTilted", "redfield_tilted_generator", "spectral_moments", "MAX_REDFIELD_COUNTING_DIM"]

#: largest working dimension d for Redfield counting statistics: one dense LU of the bordered
#: (d^2 + 1) x (d^2 + 1) complex Redfield tensor (d = 40: 41 MB, ~1 s)
MAX_REDFIELD_COUNTING_DIM = 40
_EPS = float(np.finfo(float).eps)


def spectral_moments(rate: Any, count: int, scale: float, T: float, name: str = "bath") -> np.ndarray:
    r"""Spectral moments :math:`\mu_i = \frac1{2\pi}\int d\omega\,\gamma(\omega)\,\omega^i`, ``i < count``.

    ``rate`` is the (vectorised) rate function :math:`\gamma(\omega)` of the bath, or its
    positive/negative-frequency part for a rotating-wave channel (:math:`\omega > 0`: energy given
    to the bath); ``scale`` the spectrum's frequency scale, ``T`` its temperature.  Units:
    :math:`\mu_i` has the units of :math:`\gamma\,\omega^{i+1}`.  Each half line is integrated
    adaptively with breaks at the thermal and spectral scales and a mapped tail.

    Raises
    ------
    InvalidParameterError
        A moment diverges (e.g. a Drude-Lorentz density, :math:`\gamma\sim1/\omega`, has no
        :math:`\mu_0`) or cannot be integrated to ``1e-9`` relative.
    """
    s = max(float(scale), 1e-300)
    t = float(T) if T > 0 else s
    X = 60.0 * max(s, t)
    breaks = sorted({min(v, X) for v in (t, s, 2 * s, 5 * s, 10 * s, 5 * t) if 0 < v < X})
    out = np.zeros(int(count))
    opts = dict(epsabs=0.0, epsrel=1e-12, limit=500)
    for i in range(int(count)):
        total = 0.0
        err = 0.0
        size = 0.0
        for side in (1.0, -1.0):
            def g(x: Any, side: float = side, i: int = i) -> Any:
                x = np.asarray(x, dtype=float)
                with np.errstate(all="ignore"):
                    v = np.asarray(rate(side * x), dtype=float) * (side * x) ** i
                return np.where(np.isfinite(v), v, 0.0)

            far = np.array([1e2, 1e4]) * X
            tail = np.abs(g(far)) * far  # x |integrand|: falls by 10 over two decades if it decays as x^-1.5
            if not tail[1] <= 0.1 * tail[0]:
                raise InvalidParameterError(
                    f"the spectral moment mu_{i} = (1/2pi) int gamma(w) w^{i} dw of {name} diverges (the rate "
                    "decays too slowly at large |omega|, e.g. a Drude-Lorentz density), so the Lamb-shift part "
                    "of the counting statistics is undefined at this order; use lamb_shift=False, or a "
                    "spectral density with a faster cutoff (ohmic()).")
            a = integrate.quad(lambda x: float(g(x)), 0.0, X, points=breaks, **opts)
            b = integrate.quad(lambda x: float(g(x)), X, np.inf, **opts)
            total += a[0] + b[0]
            err += a[1] + b[1]
            size += integrate.quad(lambda x: abs(float(g(x))), 0.0, X, points=breaks, **opts)[0]
        if not (np.isfinite(total) and err <= 1e-9 * max(size, 1e-300)):
            raise InvalidParameterError(
                f"the spectral moment mu_{i} of {name} cannot be integrated reliably ({total:.6g} +- {err:.2g}); "
                "use lamb_shift=False for the counting statistics of this bath.")
        out[i] = total / (2 * np.pi)
    return out


class RedfieldTilted:
    r"""The Redfield tensor at :math:`\chi = 0` with the derivative jump terms of one bath (module docstring).

    Attributes
    ----------
    K0
        The Redfield tensor of the working space in the energy eigenbasis (``d^2 x d^2``, row-major
        :math:`\mathrm{vec}\,\rho`), from :meth:`~symness.open.liouvillian.RedfieldLiouvillian.dense_eigen`.
    rho
        :math:`\mathrm{vec}\,\rho` of the steady state (eigenbasis).
    trace
        :math:`\mathrm{vec}\,1`: the trace functional.
    """

    def __init__(self, K0: np.ndarray, rho: np.ndarray, d: int, terms: list[dict[str, Any]]):
        self.K0 = K0
        self.rho = rho
        self.d = d
        self.trace = np.eye(d).reshape(-1)
        self._terms = terms
        self._tilde: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}

    @property
    def n(self) -> int:
        return self.d * self.d

    def jump_factors(self, m: int) -> list[tuple[np.ndarray, np.ndarray]]:
        r"""``[(A_k, \tilde A_k^{(m)})]`` with :math:`(\tilde A^{(m)}_k)_{ac} = \Gamma_k^{(m)}(\omega_{ac})A_{ac}`."""
        if m not in self._tilde:
            out = []
            for t in self._terms:
                w, mask = t["omega"], t["mask"]
                G = 0.5 * t["rate"] * (-w) ** m
                if t["S"] is not None:
                    S = (-w) ** m * t["S"]
                    # (-1)^{m+1} sum_{i<m} mu_i w^{m-1-i}; the constant term (i = m - 1) cancels
                    # between the two jump terms and is left out
                    for i in range(m - 1):
                        S = S + (-1) ** (m + 1) * t["moments"][i] * w ** (m - 1 - i)
                    G = G + 1j * np.where(mask, S, 0.0)
                out.append((t["A"], np.where(mask, G, 0.0) * t["A"]))
            self._tilde[m] = out
        return self._tilde[m]

    def apply(self, m: int, v: np.ndarray) -> np.ndarray:
        r""":math:`\mathcal K_m v`: :math:`\sum_k \tilde A^{(m)}_k V A_k^\dagger + A_k V\tilde A^{(m)\dagger}_k`."""
        V = np.asarray(v).reshape(self.d, self.d)
        out = np.zeros((self.d, self.d), dtype=complex)
        for A, At in self.jump_factors(m):
            out += At @ V @ A.conj().T + A @ V @ At.conj().T
        return out.reshape(-1)

    def apply_abs(self, m: int, w: np.ndarray) -> np.ndarray:
        r"""An element-wise bound of :math:`|\mathcal K_m|\,w` (``w >= 0``), for the error estimates."""
        W = np.abs(np.asarray(w)).reshape(self.d, self.d)
        out = np.zeros((self.d, self.d))
        for A, At in self.jump_factors(m):
            aA, aT = np.abs(A), np.abs(At)
            out += aT @ W @ aA.T + aA @ W @ aT.T
        return out.reshape(-1)


def redfield_tilted_generator(ness: Any, bath: str, order: int) -> RedfieldTilted:
    """The counting-field data of a Redfield NESS for the energy from ``bath``, up to cumulant ``order``.

    Raises
    ------
    InvalidParameterError
        The working dimension exceeds :data:`MAX_REDFIELD_COUNTING_DIM` (checked before anything
        is allocated), or a spectral moment needed by the Lamb-shift part diverges.
    """
    gen = ness.generator
    if not isinstance(gen, RedfieldLiouvillian):  # pragma: no cover - the caller dispatches
        raise InvalidParameterError("not a Redfield steady state.")
    d = gen.dim
    if d > MAX_REDFIELD_COUNTING_DIM:
        raise InvalidParameterError(
            f"the Redfield counting statistics need an LU of the dense {d * d} x {d * d} Redfield tensor "
            f"(working dimension {d}; at most {MAX_REDFIELD_COUNTING_DIM}). Solve in a magnetisation sector "
            "(redfield_ness(system, up_spins=k)), or use davies_ness(system), whose counting statistics "
            "need only its zero-frequency block.")
    baths = {c.name: c.bath for c in gen.system.couplings}
    terms: list[dict[str, Any]] = []
    for ch in gen.channels:
        if ch.bath != bath:
            continue
        A = np.asarray(ch.A)
        scale = float(np.max(np.abs(A))) if A.size else 0.0
        mask = np.abs(A) > 1e-14 * max(scale, 1e-300)
        S = moments = None
        if ch.lamb_f is not None:
            S = np.imag(np.asarray(ch.Gamma))
            if order >= 2:
                b = baths[ch.bath]
                moments = spectral_moments(ch.rate_f, order - 1, float(getattr(b.spectrum, "scale", 1.0)),
                                           float(b.T), f"bath {bath!r}")
            else:
                moments = np.zeros(0)
        terms.append({"A": A, "mask": mask, "rate": np.asarray(ch.rate, dtype=float),
                      "omega": np.asarray(ch.omega, dtype=float), "S": S, "moments": moments})
    rho = np.asarray(ness.rho_eigen(), dtype=complex).reshape(-1)
    return RedfieldTilted(np.asarray(gen.dense_eigen(), dtype=complex), rho, d, terms)
