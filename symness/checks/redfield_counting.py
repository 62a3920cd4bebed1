r"""Cross-check of the Redfield counting statistics (:mod:`symness.open.redfield_counting`).

The package computes the scaled cumulants of the heat from a bath by the Drazin recursion on the
Redfield tensor, with the derivative jump terms :math:`\Gamma^{(m)}` from the spectral moments.
The independent route here builds the tilted Redfield tensor :math:`\mathcal L_\chi` itself for
complex :math:`\chi` -- the jump terms of the bath with :math:`\frac12\gamma(\omega)e^{-\chi\omega}
\pm iS_\chi(\omega)`, the principal value
:math:`S_\chi(\omega) = \frac1{2\pi}\mathrm P\!\int\gamma(\omega')e^{-\chi\omega'}/(\omega-\omega')`
integrated directly for each :math:`\chi` (real and imaginary parts of the tilted spectrum) -- takes
its eigenvalue nearest zero, and differentiates by the Cauchy integral
:math:`\kappa_j = \frac{j!}{2\pi i}\oint\lambda(\chi)\chi^{-j-1}d\chi` on a circle (trapezoid rule,
exponentially accurate): no moments, no recursion, no derivative terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from math import factorial
from typing import Any

import numpy as np

from ..registry import Comparison, cross_check


def tilted_eigenvalue(ness: Any, bath: str, chi: complex) -> complex:
    r""":math:`\lambda(\chi)`: the eigenvalue nearest 0 of the Redfield tensor with ``bath``'s jump terms tilted."""
    from ..open.channels import lamb_shift_values

    gen = ness.generator
    E = gen.space.E
    d = E.size
    W = E[None, :] - E[:, None]  # W[a, c] = E_c - E_a: the energy given to the bath by c -> a
    L = np.array(gen.dense_eigen(), dtype=complex)
    L4 = L.reshape(d, d, d, d)
    b = {c.name: c.bath for c in gen.system.couplings}[bath]
    for ch in gen.channels:
        if ch.bath != bath:
            continue
        A, f = ch.A, ch.rate_f
        mask = np.abs(A) > 1e-14 * np.abs(A).max()
        g = np.where(mask, np.asarray(f(W.ravel()), dtype=float).reshape(d, d), 0.0)
        G0, G1, G2 = g / 2 + 0j, g / 2 * np.exp(-chi * W), g / 2 * np.exp(-chi * W)
        if ch.lamb_f is not None:
            def pv(fun: Any, mask: np.ndarray = mask) -> np.ndarray:
                vals = lamb_shift_values(fun, W.ravel(), b.spectrum.scale, b.T).reshape(d, d)
                return np.where(mask, vals, 0.0)
            S0 = pv(f)
            Sc = pv(lambda x, f=f: f(x) * np.real(np.exp(-chi * np.asarray(x)))) \
                + 1j * pv(lambda x, f=f: f(x) * np.imag(np.exp(-chi * np.asarray(x))))
            G0, G1, G2 = G0 + 1j * S0, G1 + 1j * Sc, G2 - 1j * Sc
        At0 = G0 * A  # the untilted jump terms At0 rho A^dag + A rho At0^dag, removed
        L4 -= At0[:, None, :, None] * A.conj()[None, :, None, :] + A[:, None, :, None] * At0.conj()[None, :, None, :]
        # tilted, continued to complex chi: (G1 o A) rho A^dag + A rho X with X^T = G2 o A^*
        L4 += (G1 * A)[:, None, :, None] * A.conj()[None, :, None, :] \
            + A[:, None, :, None] * (G2 * A.conj())[None, :, None, :]
    ev = np.linalg.eigvals(L)
    return complex(ev[np.argmin(np.abs(ev))])


def contour_cumulants(ness: Any, bath: str, order: int = 4, n: int = 24) -> np.ndarray:
    r""":math:`\kappa_1..\kappa_{order}` from :func:`tilted_eigenvalue` on :math:`|\chi| = 0.2/(E_{max}-E_{min})`.

    Returns complex values: their imaginary parts measure the round-off, which grows as
    :math:`r^{-j}` (about :math:`10^{-12}..10^{-6}` of the value for orders 1..4).
    """
    r = 0.2 / np.ptp(ness.generator.space.E)
    th = 2 * np.pi * np.arange(n) / n
    lam = np.array([tilted_eigenvalue(ness, bath, r * np.exp(1j * t)) for t in th])
    return np.array([factorial(j) * np.mean(lam * np.exp(-1j * j * th)) / r**j for j in range(1, order + 1)])


def _cases(quick: bool) -> list[tuple[str, Any]]:
    from ..baths import Bath, ohmic
    from ..models import xxz_ring
    from ..open import OpenSystem, redfield_ness
    from ..spins import sigma

    z1, z2, x1, x2 = (sigma(a, i, 2, "numpy") for a, i in (("z", 1), ("z", 2), ("x", 1), ("x", 2)))
    H = 0.5 * z1 + 0.65 * z2 + 0.2 * x1 @ x2

    def qubits(lamb: bool, rwa: bool) -> Any:
        bL = Bath(ohmic(0.02, 5.0), 2.0, name="L", lamb_shift=lamb)
        bR = Bath(ohmic(0.02, 4.0), 0.5, name="R", lamb_shift=lamb)
        first = (sigma("-", 1, 2, "numpy"), bL, "rwa") if rwa else (x1, bL)
        return redfield_ness(OpenSystem(H, [first, (x2 + 0.3 * z2, bR)]))

    out = [("detuned XX qubits, Lamb shift", lambda: qubits(True, False))]
    if not quick:
        out += [("detuned XX qubits", lambda: qubits(False, False)),
                ("rotating-wave sigma^- contact, Lamb shift", lambda: qubits(True, True)),
                ("XXZ ring n = 4, two-up sector", lambda: redfield_ness(
                    xxz_ring(n=4, Delta=0.7, J=1.0, fields={2: 0.5, 3: 0.3}, contacts=(1, 3), T_left=2.0,
                             T_right=1.0), up_spins=2))]
    return out


@cross_check("Redfield counting statistics: Drazin recursion vs Cauchy contour of the tilted Redfield eigenvalue",
             paper="ring4", equation="(4)-(10) with a counting field on the bath energy")
def check_redfield_counting(quick: bool) -> Iterator[Comparison]:
    """kappa_1..4 of the heat from each bath (non-secular Redfield, with and without the Lamb shift)."""
    tols = (1e-10, 1e-9, 1e-7, 1e-5)
    for label, make in _cases(quick):
        ness = make()
        for bath in ness.generator.names:
            kap = ness.heat_cumulants(bath, order=4)
            ref = contour_cumulants(ness, bath).real
            for j in range(4):
                yield Comparison(f"kappa_{j + 1} (heat from {bath})", float(kap[j]), float(ref[j]), tols[j],
                                 point=label)
