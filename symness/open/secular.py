r"""The secular (Davies) generator as a sparse matrix in the energy eigenbasis.

Degenerate levels and degenerate Bohr frequencies are grouped explicitly:

1. energies closer than ``tol`` form one *level* (single linkage on the
   sorted spectrum), with the mean energy :math:`\bar E_\ell`;
2. level-pair frequencies :math:`\bar E_{\ell'} - \bar E_\ell` closer than
   ``tol`` form one *Bohr class* :math:`\omega_B` (the class of zero is exactly
   zero);
3. the jump operator of a channel :math:`A` and class :math:`B` is
   :math:`A(\omega_B) = \sum_{(a,c):\,B(\ell_a,\ell_c)=B} A_{ac}|a\rangle\langle c|`.

The Davies generator is then the GKSL form

.. math::

    \mathcal L\rho = -i[H + H_{LS},\rho] + \sum_{k,B}\gamma_k(\omega_B)
    \Big(A_k(\omega_B)\rho A_k(\omega_B)^\dagger
    - \tfrac12\{A_k(\omega_B)^\dagger A_k(\omega_B),\rho\}\Big),
    \qquad H_{LS} = \sum_{k,B}\sigma_k(\omega_B)A_k(\omega_B)^\dagger A_k(\omega_B),

built element by element: the jump part couples :math:`\rho_{cd}\to\rho_{ab}`
only when :math:`(a,c)` and :math:`(b,d)` are in the same class.  With
per-pair rates instead of per-class rates the same construction gives the
*secular part of the Redfield tensor* (used as the Krylov preconditioner).

:class:`SecularSolver` solves systems with this matrix plus the trace
condition: the block connected to the populations (populations and coherences
inside degenerate levels) by a dense LU, the remaining coherence blocks by
division (singletons) or a sparse LU.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import splu

from ..errors import InvalidParameterError, NonUniqueSteadyStateError
from ..markov import gth_stationary  # noqa: F401  (re-exported: symness.open.secular.gth_stationary)
from .channels import Channel, bohr_frequencies, cluster_values
from .linsolve import rcond_from_lu

__all__ = ["SecularStructure", "secular_matrices", "SecularSolver", "group_pairs"]


def group_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All ordered pairs ``(i, j)`` of positions with ``keys[i] == keys[j]`` (vectorised)."""
    keys = np.asarray(keys)
    if keys.size == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[starts, k.size])
    g = np.repeat(np.arange(starts.size), sizes)
    s = sizes[g]
    st = starts[g]
    i = np.repeat(np.arange(k.size), s)
    offs = np.arange(i.size) - np.repeat(np.cumsum(s) - s, s)
    j = np.repeat(st, s) + offs
    return order[i], order[j]


@dataclass
class SecularStructure:
    """Levels and Bohr classes of a spectrum (see module docstring)."""

    E: np.ndarray
    tol: float
    level: np.ndarray = field(init=False)
    level_energy: np.ndarray = field(init=False)
    bclass: np.ndarray = field(init=False)
    bfreq: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.level, self.level_energy = cluster_values(self.E, self.tol)
        self.bclass, self.bfreq = bohr_frequencies(self.level_energy, None, self.tol)

    def pair_class(self, a: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Bohr class of the transition ``c -> a`` (frequency E_c - E_a)."""
        return self.bclass[self.level[a], self.level[c]]


def _channel_entries(ch: Channel, st: SecularStructure, d: int, per_class: bool
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, vals) of the jump part and the dense M = sum A(w)^dag Gamma A(w)."""
    A = ch.A
    scale = np.max(np.abs(A)) if A.size else 0.0
    a, c = np.nonzero(np.abs(A) > 1e-14 * max(scale, 1e-300))
    cls = st.pair_class(a, c)
    if per_class:
        used, inv = np.unique(cls, return_inverse=True)
        w = st.bfreq[used]
        g = np.asarray(ch.rate_f(w), dtype=float)
        if np.any(~np.isfinite(g)):
            raise InvalidParameterError(
                f"bath {ch.bath!r} has a non-finite rate at a Bohr frequency of this system.")
        G = g / 2 + (1j * np.asarray(ch.lamb_f(w), dtype=float) if ch.lamb_f is not None else 0.0)
        Gp = np.asarray(G)[inv]
    else:
        Gp = ch.Gamma[a, c]
    Ap = A[a, c]
    # jump part: (a, b) <- (c, dd) for pairs p=(a,c), q=(b,dd) in the same class
    p, q = group_pairs(cls)
    rows = a[p] * d + a[q]
    cols = c[p] * d + c[q]
    vals = (Gp[p] + np.conj(Gp[q])) * Ap[p] * np.conj(Ap[q])
    # M_{xy} = sum_k conj(A_kx) Gamma_ky A_ky over k with class(k,x) == class(k,y)
    key = cls.astype(np.int64) * d + a  # group by (class, k = row index)
    p2, q2 = group_pairs(key)
    M = np.zeros((d, d), dtype=complex)
    np.add.at(M, (c[p2], c[q2]), np.conj(Ap[p2]) * Gp[q2] * Ap[q2])
    return rows, cols, vals, M


def secular_matrices(E: np.ndarray, chans: list[Channel], tol: float, *, per_class: bool = True
                     ) -> tuple[sp.csr_matrix, dict[str, sp.csr_matrix], SecularStructure]:
    r"""Sparse secular generator in the eigenbasis (row-major vec).

    Returns ``(L, {bath: D_bath}, structure)`` with ``L = -i[H, .] + sum D_bath``.
    ``per_class=True`` evaluates each channel's rate once per Bohr class (the
    Davies GKSL generator); ``False`` uses the per-pair :math:`\Gamma` of the
    channels (the secular part of the Redfield tensor).
    """
    st = SecularStructure(np.asarray(E, dtype=float), tol)
    L, diss = _secular_matrices(E, chans, st, per_class)
    return L, diss, st


def _secular_matrices(E: np.ndarray, chans: list[Channel], st: SecularStructure, per_class: bool
                      ) -> tuple[sp.csr_matrix, dict[str, sp.csr_matrix]]:
    """:func:`secular_matrices` for a given structure."""
    d = E.size
    n = d * d
    diss: dict[str, sp.csr_matrix] = {}
    for ch in chans:
        rows, cols, vals, M = _channel_entries(ch, st, d, per_class)
        J = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
        Ms = sp.csr_matrix(M)
        I = sp.identity(d, dtype=complex, format="csr")
        D = J - sp.kron(Ms, I, format="csr") - sp.kron(I, Ms.conj(), format="csr")
        diss[ch.bath] = diss[ch.bath] + D if ch.bath in diss else D
    w = (E[:, None] - E[None, :]).reshape(-1)
    L = sp.diags(-1j * w, format="csr")
    for D in diss.values():
        L = L + D
    L = sp.csr_matrix(L)
    L.sum_duplicates()
    return L, diss


class SecularSolver:
    r"""Solve :math:`(\mathcal L + w\,\mathrm{tr})\,x = r` for a secular generator.

    ``w`` is the vectorised :math:`\mathbb 1/d`, so that :math:`x` with
    :math:`\mathcal L x = 0, \mathrm{tr}\,x = 1` solves it for ``r = w``.
    The matrix separates into connected blocks: the one holding the
    populations (plus coherences inside degenerate levels) is factorised
    densely; if the populations fall into several unconnected blocks, or the
    block is singular, the stationary state is not unique.
    """

    def __init__(self, L: sp.csr_matrix, d: int, structure: SecularStructure | None = None,
                 rcond_min: float = 1e-13):
        self.d = d
        n = d * d
        pattern = sp.csr_matrix((np.ones(L.nnz), L.indices, L.indptr), shape=L.shape)
        ncomp, comp = csgraph.connected_components(pattern, directed=False)
        diag = np.arange(d) * (d + 1)
        pop_comps = np.unique(comp[diag])
        self.classes: list[list[int]] = [sorted((diag[comp[diag] == pc] // (d + 1)).tolist())
                                         for pc in pop_comps]
        if len(pop_comps) > 1:
            raise NonUniqueSteadyStateError(
                f"the secular (Davies) rates split the {d} energy levels into {len(pop_comps)} "
                "classes that never exchange population, so the steady state is not unique: "
                f"levels (indices in ascending energy) {self.classes}. Add a coupling that connects "
                "them, or solve in a symmetry sector.",
                reason="disconnected rate graph", classes=self.classes)
        in_block = comp == pop_comps[0]
        self.block = np.flatnonzero(in_block)
        B = L[self.block][:, self.block].toarray()
        self._rates = None
        if self.block.size == d:  # populations only: a classical rate matrix (for GTH)
            W = np.real(B).copy()
            np.fill_diagonal(W, 0.0)
            if np.all(W >= 0) and np.max(np.abs(np.imag(B)), initial=0.0) == 0.0:
                self._rates = W.T.copy()  # _rates[c, a] = rate c -> a
        pos = np.searchsorted(self.block, diag)
        B[np.ix_(pos, pos)] += 1.0 / d
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sla.LinAlgWarning)
            self.lu = sla.lu_factor(B, check_finite=False)
        anorm = np.max(np.sum(np.abs(B), axis=0)) if B.size else 0.0
        self.rcond = _rcond(self.lu, anorm)
        if self.rcond < rcond_min:
            raise NonUniqueSteadyStateError(
                f"the secular generator restricted to the populations is singular (reciprocal "
                f"condition number {self.rcond:.2e}): the steady state is not unique (several closed "
                "classes of levels). Some quantity is conserved by H and every coupling (e.g. a "
                "reflection that maps each contact onto itself, or free-fermion modes at Delta = 0): "
                "break the symmetry (a local field, an extra coupling) or restrict to one of its sectors.",
                reason="singular secular generator")
        rest = np.flatnonzero(~in_block)
        sizes = np.bincount(comp[rest], minlength=ncomp) if rest.size else np.zeros(ncomp, int)
        single = rest[sizes[comp[rest]] == 1]
        multi = rest[sizes[comp[rest]] > 1]
        self.single = single
        self.single_diag = np.asarray(L[single, single]).ravel() if single.size else np.zeros(0)
        if np.any(self.single_diag == 0):
            raise NonUniqueSteadyStateError(
                "a coherence of the secular generator neither oscillates nor decays; the steady "
                "state is not unique.", reason="undamped coherence")
        self.multi = multi
        self.multi_lu = splu(sp.csc_matrix(L[multi][:, multi])) if multi.size else None
        self.n = n

    def solve(self, r: np.ndarray) -> np.ndarray:
        x = np.zeros(self.n, dtype=complex)
        x[self.block] = sla.lu_solve(self.lu, r[self.block], check_finite=False)
        if self.single.size:
            x[self.single] = r[self.single] / self.single_diag
        if self.multi_lu is not None:
            x[self.multi] = self.multi_lu.solve(np.asarray(r[self.multi], dtype=complex))
        return x

    def steady_state(self) -> np.ndarray:
        """The trace-one stationary state of the secular generator (d x d).

        When the block holds only populations (no degenerate levels) the
        stationary distribution of the rate matrix is computed by the
        Grassmann-Taksar-Heyman state reduction, which involves no subtractions
        and gives every population to high *relative* accuracy (populations of
        1e-30 at low temperature are exact, not round-off); otherwise by the LU.
        """
        if self._rates is not None:
            p = gth_stationary(self._rates)
            if p is not None:
                return np.diag(p).astype(complex)
        rhs = np.zeros(self.block.size, dtype=complex)
        diag = np.arange(self.d) * (self.d + 1)
        rhs[np.searchsorted(self.block, diag)] = 1.0 / self.d
        x = np.zeros(self.n, dtype=complex)
        x[self.block] = sla.lu_solve(self.lu, rhs, check_finite=False)
        return x.reshape(self.d, self.d)


def _rcond(lu: Any, anorm: float) -> float:
    """Reciprocal 1-norm condition number from an LU factorisation (LAPACK gecon)."""
    return rcond_from_lu(lu, anorm)
