r"""Exchange coefficients :math:`\alpha_{A,l}` of a manifold from their definition (paper ``coldatom``, eq. 14).

.. math:: \alpha_{A,l} = \int_{x_1<\dots<x_{N-1}} dx_1\cdots dx_{N-1}
          \left|\frac{\partial\Psi_A(x_1,\dots,x_N)}{\partial x_N}\right|^2_{x_N = x_l},

with :math:`\Psi_A` the Slater determinant of box orbitals
:math:`\phi_n(x) = \sqrt{2/L}\sin(n\pi x/L)` on :math:`[0, L]` (the paper's
:math:`[-L/2, L/2]`, shifted), normalized to one over :math:`[0,L]^N`.

The paper states (text above eq. 3) that :math:`\alpha_{A,l}` does not depend on
``l`` -- checked there "within 0.01 %", proven only for the ground manifold --
and that :math:`\alpha_A = 2E_A/L`.  :func:`exchange_coefficients` evaluates
eq. (14) by Gauss-Legendre quadrature on the ordered simplex (mapped to a cube,
so the integrand stays smooth and the rule converges exponentially); the
tests find :math:`\alpha_{A,l}` independent of ``l`` to 1e-15 and
:math:`\alpha_{A,l} = 2E_A/(N!\,L)` exactly for every manifold tried (N = 2-5):
the paper's :math:`2E_A/L` holds for :math:`\Psi_A` normalized to one on a
single ordering sector (:math:`\Psi_A\to\sqrt{N!}\,\Psi_A`).  Either way
:math:`\alpha_A/\alpha_1 = E_A/E_1`, which is all :func:`~symness.exchange.alpha_ratio` uses.

Units: :math:`\hbar = m = 1`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InvalidParameterError

__all__ = ["exchange_coefficients", "manifold_energy"]


def _orbitals(orbitals: Sequence[int]) -> tuple[int, ...]:
    if isinstance(orbitals, (str, bytes)) or not hasattr(orbitals, "__iter__"):
        raise InvalidParameterError(f"orbitals = {orbitals!r} must be a sequence of positive integers.")
    orbitals = list(orbitals)
    if len(orbitals) > MAX_ORBITALS:
        raise InvalidParameterError(
            f"{len(orbitals)} orbitals: the quadrature of eq. (14) costs npts**(N-1) determinants and is "
            f"limited to N <= {MAX_ORBITALS} particles.")
    if any(isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) for n in orbitals):
        raise InvalidParameterError(f"orbitals = {orbitals!r} must be a sequence of positive integers.")
    orbs = tuple(int(n) for n in orbitals)
    if len(orbs) < 2 or len(set(orbs)) != len(orbs) or min(orbs) < 1:
        raise InvalidParameterError(
            f"orbitals = {orbitals!r}: give N >= 2 distinct box orbitals n >= 1 (a Slater determinant).")
    return tuple(sorted(orbs))


#: Most particles of the eq. (14) quadrature (npts**(N-1) points).
MAX_ORBITALS = 8


def _length(L: Any, N: int) -> float:
    """Box length: default ``N`` (density one); a finite number > 0."""
    if L is None:
        return float(N)
    if isinstance(L, (bool, np.bool_)) or not isinstance(L, (int, float, np.integer, np.floating)) \
            or not np.isfinite(L) or L <= 0:
        raise InvalidParameterError(f"L = {L!r} must be a finite box length > 0.")
    return float(L)


def manifold_energy(orbitals: Sequence[int], L: float | None = None) -> float:
    r""":math:`E_A = \sum_i \pi^2 n_i^2/(2L^2)` (default ``L = N``, density 1)."""
    orbs = _orbitals(orbitals)
    L = _length(L, len(orbs))
    return math.pi**2 * sum(n * n for n in orbs) / (2 * L**2)


def exchange_coefficients(orbitals: Sequence[int], L: float | None = None, npts: int | None = None
                          ) -> np.ndarray:
    r""":math:`\alpha_{A,l}`, ``l = 1..N-1``, of the manifold with the given box orbitals (eq. 14).

    Parameters
    ----------
    orbitals
        The occupied orbitals :math:`n_1 < \dots < n_N` of :math:`\Psi_A`.
    L
        Box length (default ``N``: density one).
    npts
        Gauss-Legendre points per dimension (default ``4 max(n) + 12``; the cost
        is ``npts**(N-1)`` determinants -- fine up to N = 5).

    Returns
    -------
    ndarray
        :math:`\alpha_{A,l}` for :math:`\Psi_A` normalized over :math:`[0,L]^N`
        (units :math:`\hbar = m = 1`: energy x length).
    """
    orbs = _orbitals(orbitals)
    N = len(orbs)
    L = _length(L, N)
    if npts is not None and (isinstance(npts, (bool, np.bool_)) or not isinstance(npts, (int, np.integer))
                             or npts < 1):
        raise InvalidParameterError(f"npts = {npts!r} must be None or an integer >= 1.")
    n_pts = int(npts) if npts is not None else 4 * max(orbs) + 12
    if (N - 1) * math.log(n_pts) > math.log(3_000_000):
        raise InvalidParameterError(f"{n_pts}^{N - 1} quadrature points are too many; use N <= 5 or fewer points.")
    g, w = np.polynomial.legendre.leggauss(n_pts)
    g, w = (g + 1) / 2, w / 2
    U = np.meshgrid(*([g] * (N - 1)), indexing="ij")
    Wt = np.prod(np.meshgrid(*([w] * (N - 1)), indexing="ij"), axis=0)
    # ordered x_1 < ... < x_{N-1} in [0, L]: x_{N-1} = L u_{N-1}, x_k = x_{k+1} u_k
    xs: list[np.ndarray] = [np.empty(0)] * (N - 1)
    xs[N - 2] = L * U[N - 2]
    jac = np.full(Wt.shape, L)
    for k in range(N - 3, -1, -1):
        xs[k] = xs[k + 1] * U[k]
        jac = jac * xs[k + 1]
    kn = np.array(orbs, dtype=float) * math.pi / L
    amp = math.sqrt(2 / L)
    rows = np.stack([amp * np.sin(np.multiply.outer(x, kn)) for x in xs], axis=-2)  # (..., N-1, N)
    norm = 1 / math.sqrt(math.factorial(N))
    out = np.empty(N - 1)
    for l in range(N - 1):
        last = (amp * kn * np.cos(np.multiply.outer(xs[l], kn)))[..., None, :]
        d = np.linalg.det(np.concatenate([rows, last], axis=-2)) * norm
        out[l] = float(np.sum(Wt * jac * d**2))
    return out
