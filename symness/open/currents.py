r"""Bath heat currents of a steady state, with an estimate of their forward error.

The heat current of bath :math:`b` is :math:`J_b = \mathrm{tr}(H\mathcal D_b[\rho])`,
energy per unit time from the bath into the system.  It is a sum of terms
that cancel: for a very hot bath the up and down rates are both
:math:`\sim J(\omega)T/\omega` while the current is :math:`O(J)`; near
equilibrium every bath's flows nearly balance.  Round-off in those terms, in
the energies and in the state then dominates the result.  This module
computes each current together with an estimate of its absolute error,

.. math::

    \delta J_b \approx c\,\epsilon \sum |\text{terms}|
    + \epsilon\|H\|\sum|\text{flows}| + \|E - \bar E\|\,\|\mathcal D_b\|\,\|\delta\rho\|,

(:math:`\epsilon` the unit round-off, :math:`\delta\rho` the forward error of
the state reported by the solver), and uses energy conservation,
:math:`\sum_b J_b = \mathrm{tr}(H\mathcal L\rho) = 0` for every generator whose
Hamiltonian part is :math:`-i[H,\cdot]`: the current with by far the largest
error is replaced by minus the sum of the others
(:func:`conserve`).  For a single very hot bath this gives its current to full
relative precision (the cold baths' flows involve no cancellation).

For the Pauli master equation (Davies, non-degenerate spectrum) the currents
are sums over transitions, :math:`J_b = \sum_{a\ne c}W^b_{c\to a}p_c(E_a - E_c)`,
so no large energy offset enters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import scipy.sparse as sp

from .linsolve import safe_norm

__all__ = ["pauli_heat_currents", "eigen_heat_currents", "site_heat_currents", "conserve"]

_EPS = float(np.finfo(float).eps)


def pauli_heat_currents(E: np.ndarray, D: Mapping[str, np.ndarray], p: np.ndarray
                        ) -> tuple[dict[str, float], dict[str, float]]:
    """Currents of a Pauli master equation (rates ``D[b][a, c]`` for ``c -> a``), transition by transition.

    Returns ``(currents, errors)``.  ``p`` is taken accurate to a few ulp
    relative (GTH), the rates to a few ulp, the energies to ``eps * max|E|``.
    """
    E = np.asarray(E, dtype=float)
    d = E.size
    dE = E[:, None] - E[None, :]
    Escale = float(np.max(np.abs(E))) if d else 0.0
    vals: dict[str, float] = {}
    errs: dict[str, float] = {}
    for name, W in D.items():
        F = np.asarray(W, dtype=float) * p[None, :]
        np.fill_diagonal(F, 0.0)
        terms = F * dE
        vals[name] = float(np.sum(terms))
        errs[name] = float((2 * d + 8) * _EPS * np.sum(np.abs(terms)) + 4 * _EPS * Escale * np.sum(np.abs(F)))
    return vals, errs


def eigen_heat_currents(gen: Any, rho_e: np.ndarray, state_error: float = 0.0
                        ) -> tuple[dict[str, float], dict[str, float]]:
    """Currents of a generator held in the energy eigenbasis (Redfield, Davies), with error estimates.

    ``state_error`` is an estimate of the Frobenius norm of the forward error of ``rho_e``.
    """
    E = np.asarray(gen.space.E, dtype=float)
    d = E.size
    Ebar = 0.5 * (E[0] + E[-1]) if d else 0.0
    w = np.abs(E - Ebar)
    Escale = float(np.max(np.abs(E))) if d else 0.0
    R = np.abs(rho_e)
    vals: dict[str, float] = {}
    errs: dict[str, float] = {}
    chans = getattr(gen, "channels", [])
    redfield = hasattr(gen, "At")
    for name in gen.names:
        Dr = gen.dissipator_eigen(name, rho_e)
        diag = np.real(np.diagonal(Dr))
        vals[name] = float(np.sum((E - Ebar) * diag))
        # magnitude of the terms of diag(D_b rho): |A~||rho||A|^T + |A||rho||A~|^T + |M||rho| + |rho||M|
        mag = np.zeros(d)
        if redfield:
            # sensitivity to the state: J_b = tr(D_b^dagger(H) rho), |dJ_b| <= ||D_b^dagger(H - E_bar)||_F ||d rho||_F
            G = np.zeros((d, d), dtype=complex)
            Hs = E - Ebar
            for ch, At in zip(chans, gen.At):
                if ch.bath != name:
                    continue
                aA, aT = np.abs(ch.A), np.abs(At)
                M = aA.T @ aT
                mag += 2 * np.sum((aT @ R) * aA, axis=1) + np.sum(M * R.T, axis=1) + np.sum(R * M, axis=1)
                A = np.asarray(ch.A)
                Mk = A.conj().T @ At
                HA = Hs[:, None] * A
                HAt = Hs[:, None] * At
                G += A.conj().T @ HAt + At.conj().T @ HA - Mk.conj().T * Hs[None, :] - Hs[:, None] * Mk
            sens = safe_norm(G)
        else:  # Davies: the dissipator blocks hold every term
            sens = 0.0
            Dm = _davies_dissipator_abs(gen, name)
            if Dm is not None:
                mag, dnorm = Dm(R)
                sens = float(np.max(w, initial=0.0)) * dnorm
        flows = float(np.sum(mag))
        errs[name] = float((2 * d + 8) * _EPS * np.sum(w * mag) + 4 * _EPS * Escale * flows + sens * state_error)
    return vals, errs


def _davies_dissipator_abs(gen: Any, name: str):
    """``R -> (diag(|D_b| |R|), ||D_b||)`` for a Davies generator (Pauli block or full sparse matrix)."""
    pb = getattr(gen, "pauli", None)
    if pb is not None:
        if name not in pb.D:
            return None
        Db = pb.D[name]
        aD = sp.csr_matrix(abs(sp.csr_matrix(Db)))
        nrm = float(sp.linalg.norm(aD)) if aD.nnz else 0.0

        def f(R: np.ndarray) -> tuple[np.ndarray, float]:
            x = pb.to_block(R)
            y = aD @ np.abs(x)
            return np.abs(y[pb.diag]), nrm
        return f
    Df = gen.D_eigen.get(name)
    if Df is None:
        return None
    aD = sp.csr_matrix(abs(Df))
    nrm = float(sp.linalg.norm(aD)) if aD.nnz else 0.0
    d = gen.dim

    def g(R: np.ndarray) -> tuple[np.ndarray, float]:
        y = (aD @ R.reshape(-1)).reshape(d, d)
        return np.abs(np.diagonal(y)), nrm
    return g


def site_heat_currents(gen: Any, rho: np.ndarray, state_error: float = 0.0
                       ) -> tuple[dict[str, float], dict[str, float]]:
    """Currents of a site-basis generator (GKSL, local Lindblad) with error estimates."""
    H = np.asarray(gen.space.H)
    d = H.shape[0]
    c = float(np.real(np.trace(H))) / d if d else 0.0
    Hs = H - c * np.eye(d)
    aH = np.abs(Hs)
    R = np.abs(rho)
    Hscale = float(np.max(np.abs(np.linalg.eigvalsh(H)))) if d else 0.0
    vals: dict[str, float] = {}
    errs: dict[str, float] = {}
    for name in gen.names:
        Dr = gen.dissipator(name, rho)
        vals[name] = float(np.real(np.sum(Hs.T * Dr)))
        mag = np.zeros((d, d))
        dnorm = 0.0
        for (L, r), LdL in zip(gen.jumps[name], gen._LdL[name]):
            aL, aM = abs(L), abs(LdL)
            mag += r * ((aL @ (aL @ R.T).T) + 0.5 * (aM @ R) + 0.5 * (aM @ R.T).T)
            dnorm += 2 * r * float(sp.linalg.norm(L)) ** 2
        mag = np.asarray(mag)
        errs[name] = float((2 * d + 8) * _EPS * np.sum(aH.T * mag) + 4 * _EPS * Hscale * float(np.sum(mag))
                           + float(np.linalg.norm(Hs, 2)) * dnorm * state_error)
    return vals, errs


def conserve(vals: dict[str, float], errs: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    r"""Impose :math:`\sum_b J_b = 0` on the current with the largest error, if that lowers it.

    The replaced current is :math:`-\sum_{b'\ne b}J_{b'}`, its new error the
    sum of the others' errors.  With fewer than two baths nothing changes.
    """
    if len(vals) < 2:
        return dict(vals), dict(errs)
    names = list(vals)
    k = max(names, key=lambda n: errs[n])
    rest = sum(errs[n] for n in names if n != k)
    vals, errs = dict(vals), dict(errs)
    if errs[k] > 2 * rest:
        vals[k] = -float(sum(vals[n] for n in names if n != k)) + 0.0  # no -0.0
        errs[k] = rest
    return vals, errs
