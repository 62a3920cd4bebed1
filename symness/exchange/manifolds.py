r"""Energy manifolds of :math:`N` spinless fermions in a box: enumeration and truncation.

Paper ``coldatom``, Methods (eqs. 12-18) and the remark below Fig. 2 that
:math:`10^6` manifolds are needed for converged :math:`\alpha(T)`.

A manifold :math:`A` is one many-body eigenstate :math:`\Psi_A` of :math:`N`
spin-polarized fermions (a Slater determinant of box orbitals
:math:`n_1 < \dots < n_N`), energy
:math:`E_A = c\sum_i n_i^2`, :math:`c = \pi^2/(2N^2)` (``L = N``, :math:`\hbar = m = 1`).
The energies are integer multiples ``s`` of ``c``, so the number of manifolds
per energy, :math:`d_N(s) = \#\{n_1<\dots<n_N : \sum n_i^2 = s\}`, is an exact
integer computed by a counting recursion (:func:`degeneracies`);
:func:`enumerate_manifolds` lists them one by one (brute force, small ``N``).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from .alpha import EPS0, _check_x, alpha_ratio, check_particle_number, ground_energy

__all__ = [
    "degeneracies",
    "enumerate_manifolds",
    "energy_distribution",
    "truncated_alpha_ratio",
    "ManifoldCount",
    "manifolds_needed",
]


def _c(N: int) -> float:
    return math.pi**2 / (2.0 * N**2)


#: Largest (N + 1) x (s_max + 1) table of :func:`degeneracies` (int64 entries, 400 MB).
_DEG_TABLE_MAX = 5 * 10**7


def degeneracies(N: int, s_max: int) -> np.ndarray:
    r"""Number of manifolds :math:`d_N(s)` with :math:`\sum_i n_i^2 = s`, for ``s = 0..s_max``.

    Exact integers (``int64``; raises if they could overflow).  Energies are
    :math:`E = c\,s`, :math:`c = \pi^2/(2N^2)`; :math:`d_N(s) = 0` below the
    Fermi sea :math:`s_0 = N(N+1)(2N+1)/6`.
    """
    N = check_particle_number(N)
    if isinstance(s_max, bool) or not isinstance(s_max, (int, np.integer)):
        raise InvalidParameterError(f"s_max = {s_max!r} must be an integer >= 0.")
    s_max = int(s_max)
    if s_max < 0:
        raise InvalidParameterError(f"s_max = {s_max} must be >= 0.")
    if (N + 1) * (s_max + 1) > _DEG_TABLE_MAX:
        raise InvalidParameterError(
            f"degeneracies(N={N}, s_max={s_max}) needs a {N + 1} x {s_max + 1} table, more than "
            f"{_DEG_TABLE_MAX:.0e} entries; lower s_max (energies E = c s, c = pi^2/(2 N^2)).")
    mmax = math.isqrt(s_max)
    if math.comb(mmax, min(N, mmax)) > 2**62:
        raise InvalidParameterError(
            f"degeneracies(N={N}, s_max={s_max}) could overflow int64; lower s_max.")
    d = np.zeros((N + 1, s_max + 1), dtype=np.int64)
    d[0, 0] = 1
    for m in range(1, mmax + 1):
        m2 = m * m
        for k in range(min(m, N), 0, -1):
            d[k, m2:] += d[k - 1, : s_max + 1 - m2]
    return d[N]


#: Limits of the brute-force enumeration (manifolds listed; largest sum of n_i^2 counted).
_ENUM_MAX = 200_000
_ENUM_S_MAX = 200_000


def enumerate_manifolds(N: int, e_max: float) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    r"""Brute force: every manifold with :math:`E_A \le` ``e_max``, sorted by energy.

    Returns ``(energies, orbitals)`` with ``orbitals[A] = (n_1, ..., n_N)``.
    Enumerates all :math:`N`-subsets of the admissible orbitals: use for small
    ``N`` and modest ``e_max`` (a test of :func:`degeneracies` and
    :func:`~symness.exchange.alpha_ratio`).
    """
    N = check_particle_number(N)
    if (isinstance(e_max, bool) or not isinstance(e_max, (int, float, np.number))
            or not np.isfinite(e_max)):
        raise InvalidParameterError(f"e_max = {e_max!r} must be a finite real energy.")
    c = _c(N)
    s_max = int(math.floor(e_max / c + 1e-9))
    s0 = N * (N + 1) * (2 * N + 1) // 6
    if s_max < s0:
        return np.zeros(0), []
    count = int(degeneracies(N, s_max).sum()) if s_max <= _ENUM_S_MAX else None
    if count is None or count > _ENUM_MAX:
        raise InvalidParameterError(
            f"enumerate_manifolds(N={N}, e_max={e_max}) would list "
            f"{'too many' if count is None else count} manifolds (more than {_ENUM_MAX}); lower "
            "e_max, or use degeneracies() / manifolds_needed() for counts.")
    # the largest orbital leaves room for the N-1 lowest ones
    mmax = math.isqrt(s_max - (N - 1) * N * (2 * N - 1) // 6)
    out = []
    for comb in itertools.combinations(range(1, mmax + 1), N):
        s = sum(n * n for n in comb)
        if s <= s_max:
            out.append((s, comb))
    out.sort()
    return np.array([c * s for s, _ in out]), [o for _, o in out]


def _s_cut(N: int, x_max: float, tail: float = 60.0) -> int:
    s0 = N * (N + 1) * (2 * N + 1) // 6
    return int(s0 + math.ceil(tail * x_max * EPS0 / _c(N))) + 1


def energy_distribution(N: int, x: float, tail: float = 60.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Canonical distribution over manifold energies at :math:`x = k_BT/\epsilon_0`.

    Returns ``(E, d, P)``: the distinct energies :math:`E = c s` (with
    :math:`d_N(s) > 0`, up to where :math:`e^{-\beta(E - E_1)} < e^{-60}`),
    their degeneracies and the probabilities :math:`P(E) = d\,e^{-\beta E}/Z`
    (summing to one).  Used for the manifold average of eq. (17).
    """
    N = check_particle_number(N)
    if (isinstance(tail, bool) or not isinstance(tail, (int, float, np.number))
            or not np.isfinite(tail) or tail <= 0):
        raise InvalidParameterError(
            f"tail = {tail!r} must be a finite number > 0 (neglected weight < e^-tail).")
    xv = float(_check_x(x))
    c = _c(N)
    s0 = N * (N + 1) * (2 * N + 1) // 6
    if xv == 0:
        return np.array([c * s0]), np.array([1], dtype=np.int64), np.array([1.0])
    d = degeneracies(N, _s_cut(N, xv, tail))
    s = np.nonzero(d)[0]
    beta = 1.0 / (xv * EPS0)
    logw = np.log(d[s].astype(float)) - beta * c * (s - s0)
    w = np.exp(logw - logw.max())
    return c * s, d[s], w / w.sum()


def truncated_alpha_ratio(N: int, x: Any, n_manifolds: int) -> np.ndarray | float:
    r""":math:`\alpha(T)/\alpha_1` from the lowest ``n_manifolds`` manifolds only.

    :math:`\epsilon_K = \sum_{A\le K} E_A e^{-\beta E_A}/\sum_{A\le K} e^{-\beta E_A}`
    over the ``K`` lowest-energy manifolds (a degenerate energy shell is cut
    where ``K`` falls), divided by :math:`E_1`.  This is the manifold-sum the
    paper describes below Fig. 2.
    """
    N = check_particle_number(N)
    arr = _check_x(x)
    if (isinstance(n_manifolds, (bool, np.bool_)) or not isinstance(n_manifolds, (int, np.integer))
            or n_manifolds < 1):
        raise InvalidParameterError(f"n_manifolds = {n_manifolds!r} must be an integer >= 1.")
    K = int(n_manifolds)
    c = _c(N)
    s0 = N * (N + 1) * (2 * N + 1) // 6
    # find the shell where the K-th manifold lies (grow the table until it holds K manifolds)
    s_max = s0 + 64
    while True:
        d = degeneracies(N, s_max)
        if d.sum() >= K:
            break
        s_max *= 2
    s = np.nonzero(d)[0]
    cnt = d[s].astype(float)
    cum = np.cumsum(cnt)
    last = int(np.searchsorted(cum, K))
    cnt = cnt[: last + 1].copy()
    cnt[-1] -= cum[last] - K
    s = s[: last + 1]
    flat = arr.reshape(-1)
    out = np.ones_like(flat)
    pos = flat > 0
    beta = 1.0 / (flat[pos] * EPS0)
    logw = np.log(cnt)[None, :] - np.outer(beta, c * (s - s0))
    w = np.exp(logw - logw.max(axis=1, keepdims=True))
    exc = (w * (c * (s - s0))[None, :]).sum(axis=1) / w.sum(axis=1)
    out[pos] = 1.0 + exc / ground_energy(N)
    out = out.reshape(arr.shape)
    return out.item() if out.ndim == 0 else out


@dataclass
class ManifoldCount:
    """Result of :func:`manifolds_needed`."""

    N: int
    x: float
    rtol: float
    n_manifolds: int  #: manifolds (states) needed for a relative error <= rtol
    energy_cut: float  #: energy of the last manifold kept (hbar = m = 1, rho = 1)
    error: float  #: achieved relative error

    def __str__(self) -> str:
        return (f"N={self.N}, k_B T/eps0={self.x:g}: {self.n_manifolds} manifolds "
                f"(E <= {self.energy_cut:.4g}) for relative error {self.error:.1e} <= {self.rtol:g}")


def manifolds_needed(N: int, x: float, rtol: float = 1e-6, method: str = "count") -> ManifoldCount:
    r"""How many manifolds a truncated sum needs for :math:`\alpha(T)/\alpha_1` to relative ``rtol``.

    Manifolds are added in increasing energy until
    :math:`|\alpha_K/\alpha - 1| \le` ``rtol`` with :math:`\alpha` from
    :func:`~symness.exchange.alpha_ratio`; the count is the number of
    manifolds (many-body states) kept.  ``method="count"`` adds whole
    degenerate shells using the exact :func:`degeneracies` (any ``N``);
    ``method="enumerate"`` lists the manifolds one by one
    (:func:`enumerate_manifolds`, brute force, small ``N`` and ``x``).
    """
    N = check_particle_number(N)
    xv = float(_check_x(x))
    if (isinstance(rtol, (bool, np.bool_)) or not isinstance(rtol, (int, float, np.number))
            or not 0 < rtol < 1):
        raise InvalidParameterError(f"rtol = {rtol!r} must be a number in (0, 1).")
    if method not in ("count", "enumerate"):
        raise InvalidParameterError(f"method = {method!r}: use 'count' or 'enumerate'.")
    exact = float(alpha_ratio(N, xv))
    c = _c(N)
    s0 = N * (N + 1) * (2 * N + 1) // 6
    if xv == 0:
        return ManifoldCount(N, xv, rtol, 1, c * s0, 0.0)
    if method == "enumerate":
        T = xv * EPS0
        E1 = ground_energy(N)
        E, _ = enumerate_manifolds(N, E1 + T * (math.log(1 / rtol) + 30))
        w = np.exp(-(E - E1) / T)
        approx = 1.0 + np.cumsum(w * (E - E1)) / np.cumsum(w) / E1
        err = np.abs(approx / exact - 1.0)
        ok = np.nonzero(err <= rtol)[0]
        i = int(ok[0]) if ok.size else len(E) - 1
        return ManifoldCount(N, xv, rtol, i + 1, float(E[i]), float(err[i]))
    d = degeneracies(N, _s_cut(N, xv))
    s = np.nonzero(d)[0]
    cnt = d[s].astype(float)
    beta = 1.0 / (xv * EPS0)
    logw = np.log(cnt) - beta * c * (s - s0)
    w = np.exp(logw - logw.max())
    z = np.cumsum(w)
    e = np.cumsum(w * c * (s - s0))
    approx = 1.0 + e / z / ground_energy(N)
    err = np.abs(approx / exact - 1.0)
    ok = np.nonzero(err <= rtol)[0]
    i = int(ok[0]) if ok.size else len(s) - 1
    return ManifoldCount(N, xv, rtol, int(np.cumsum(d[s])[i]), float(c * s[i]), float(err[i]))
