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
    if hasattr(gen, "At_s"):
        return _redfield_heat_currents(gen, rho_e, state_error)
    E = np.asarray(gen.space.E, dtype=float)
    d = E.size
    Ebar = 0.5 * (E[0] + E[-1]) if d else 0.0
    w = np.abs(E - Ebar)
    Escale = float(np.max(np.abs(E))) if d else 0.0
    R = np.abs(rho_e)
    vals: dict[str, float] = {}
    errs: dict[str, float] = {}
    for name in gen.names:
        Dr = gen.dissipator_eigen(name, rho_e)
        diag = np.real(np.diagonal(Dr))
        vals[name] = float(np.sum((E - Ebar) * diag))
        # Davies: the dissipator blocks hold every term
        mag = np.zeros(d)
        sens = 0.0
        Dm = _davies_dissipator_abs(gen, name)
        if Dm is not None:
            mag, dnorm = Dm(R)
            sens = float(np.max(w, initial=0.0)) * dnorm
        flows = float(np.sum(mag))
        errs[name] = float((2 * d + 8) * _EPS * np.sum(w * mag) + 4 * _EPS * Escale * flows + sens * state_error)
    return vals, errs


def _redfield_heat_currents(gen: Any, rho_e: np.ndarray, state_error: float = 0.0
                            ) -> tuple[dict[str, float], dict[str, float]]:
    """:func:`eigen_heat_currents` of a Redfield generator, every channel at once (:func:`redfield_currents`)."""
    names = list(gen.names)
    return redfield_currents(np.asarray(gen.space.E, dtype=float), names,
                             [names.index(ch.bath) for ch in gen.channels],
                             gen.A_s, gen.At_s, gen.Ad_s, gen.Mk_s, rho_e, state_error)


def redfield_currents(E: np.ndarray, names: list[str], bath_of: list[int], A: np.ndarray, At: np.ndarray,
                      Ad: np.ndarray, Mk: np.ndarray, rho_e: np.ndarray, state_error: float = 0.0
                      ) -> tuple[dict[str, float], dict[str, float]]:
    r"""Heat currents :math:`\mathrm{tr}(H\mathcal D_b\rho)` of Redfield channels and their error estimates.

    ``E``: the energies (ascending); ``names``: the baths; ``bath_of[j]``: the bath of channel
    ``j``; ``A, At, Ad, Mk``: stacks ``(k, d, d)`` of :math:`A_j`, :math:`\tilde A_j = \Gamma_j\circ A_j`,
    :math:`A_j^\dagger`, :math:`A_j^\dagger\tilde A_j` (eigenbasis); ``rho_e``: the state in the eigenbasis.
    Only the diagonal of :math:`\mathcal D_b\rho` enters :math:`\mathrm{tr}(H\mathcal D_b\rho)`
    (:math:`H` is diagonal), so each channel costs two matrix products with the state.
    The error of each current: round-off of its terms,
    :math:`(2d+8)\epsilon\sum_a|E_a-\bar E|\,m_a + 4\epsilon\max|E|\sum_a m_a` with
    :math:`m = \mathrm{diag}(|\tilde A||\rho||A|^T + |A||\rho||\tilde A|^T + |M||\rho| + |\rho||M|)`,
    plus the propagated state error
    :math:`\|\mathcal D_b^\dagger(H-\bar E)\|_F\,\|\delta\rho\|_F`.
    """
    d = E.size
    k = len(bath_of)
    if d == 0 or k == 0:
        zero = {name: 0.0 for name in names}
        return dict(zero), dict(zero)
    Ebar = 0.5 * (E[0] + E[-1])
    Hs = E - Ebar
    w = np.abs(Hs)
    Escale = max(abs(float(E[0])), abs(float(E[-1])))  # E ascending
    rho = np.asarray(rho_e)
    R = np.abs(rho)
    aA, aT = np.abs(A), np.abs(At)
    Mabs = aA.transpose(0, 2, 1) @ aT
    if not (np.iscomplexobj(A) or np.iscomplexobj(At)):
        # real operators: the real part of every term involves only Re(rho), which is symmetric, as
        # |rho| is; so (A~ rho A^T)_aa = (A rho A~^T)_aa and (M_k rho)_aa = (rho M_k^T)_aa: each pair twice
        X = np.ascontiguousarray(rho.real)
        per_chan = 2 * (((At @ X) * A - Mk * X).sum(axis=2) @ Hs)  # (k,): tr((H - E_bar) D_k rho)
        mag = 2 * ((aT @ R) * aA + Mabs * R).sum(axis=2)  # (k, d): magnitude of the terms of diag(D_k rho)
        # sensitivity to the state: J_b = tr(D_b^dagger(H - E_bar) rho), |dJ_b| <= ||D_b^dagger(H - E_bar)||_F
        # ||d rho||_F, with D_b^dagger(H - E_bar) = C + C^T, C = A^T (H - E_bar) A~ - (H - E_bar) M_k
        C = Ad @ (Hs[:, None] * At) - Hs[:, None] * Mk
        G = C + C.transpose(0, 2, 1)
    else:
        Atc, Mkc = At.conj(), Mk.conj()
        # diag(D_k rho)_a = (A~ rho A^+)_aa + (A rho A~^+)_aa - (M_k rho)_aa - (rho M_k^+)_aa
        terms = (At @ rho) * A.conj() + (A @ rho) * Atc - Mk * rho.T - rho * Mkc
        per_chan = terms.sum(axis=2).real @ Hs
        mag = (2 * ((aT @ R) * aA) + Mabs * (R.T + R)).sum(axis=2)
        G = (Ad @ (Hs[:, None] * At) + Atc.transpose(0, 2, 1) @ (Hs[:, None] * A)
             - Mkc.transpose(0, 2, 1) * Hs[None, :] - Hs[:, None] * Mk)
    wmag = mag @ w
    flows = mag.sum(axis=1)
    if len(set(bath_of)) < k:  # several channels of one bath: add their G first
        ind = np.zeros((len(names), k))
        ind[bath_of, np.arange(k)] = 1.0
        G = (ind @ G.reshape(k, d * d)).reshape(len(names), d, d)
        owner = list(range(len(names)))
    else:
        owner = bath_of
    aG = np.abs(G)
    sens = np.sqrt((aG * aG).sum(axis=(1, 2)))  # Frobenius norms
    if not np.isfinite(sens).all():  # entries beyond 1e154: scaled by the largest entry (no overflow)
        sens = np.array([safe_norm(g) for g in G])
    pv, pw, pf = per_chan.tolist(), wmag.tolist(), flows.tolist()
    vals = dict.fromkeys(names, 0.0)
    wsum = dict.fromkeys(names, 0.0)
    fsum = dict.fromkeys(names, 0.0)
    for j, b in enumerate(bath_of):
        name = names[b]
        vals[name] += pv[j]
        wsum[name] += pw[j]
        fsum[name] += pf[j]
    sens_of = dict.fromkeys(names, 0.0)
    for g, b in zip(sens.tolist(), owner):
        sens_of[names[b]] = g
    errs = {name: float((2 * d + 8) * _EPS * wsum[name] + 4 * _EPS * Escale * fsum[name]
                        + sens_of[name] * state_error) for name in names}
    return {name: float(v) for name, v in vals.items()}, errs


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
