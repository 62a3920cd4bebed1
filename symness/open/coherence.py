r"""Coherence-order blocks: the U(1) superoperator symmetry of a GKSL generator.

If :math:`H` conserves the number of up spins :math:`N_\uparrow` and every
jump operator changes it by a definite amount :math:`\delta_j`
(:math:`\sigma^\pm_l`, :math:`\sigma^z_l`, products of them, ...), then
:math:`\mathcal L` commutes with :math:`\rho\mapsto e^{i\phi N_\uparrow}\rho\,
e^{-i\phi N_\uparrow}` and conserves the *coherence order*
:math:`q = N_\uparrow(\text{ket}) - N_\uparrow(\text{bra})` of every matrix
element.  The trace, and hence the steady state, lives in the :math:`q = 0`
block: the matrices :math:`\rho = \bigoplus_k \rho_{kk}` that are
block-diagonal in the magnetisation sectors, of dimension
:math:`\sum_k\binom nk^2` instead of :math:`4^n` (3432 instead of 16384 for
:math:`n = 7`).  On it

.. math::

    (\mathcal L\rho)_{kk} = G_k\rho_{kk} + \rho_{kk}G_k^\dagger
    + \sum_j r_j\,L_j^{(k\leftarrow k-\delta_j)}\rho_{k-\delta_j,k-\delta_j}
      L_j^{(k\leftarrow k-\delta_j)\dagger},
    \qquad G_k = -iH_k - \tfrac12\sum_j r_j (L_j^\dagger L_j)_k .

A one-dimensional kernel of the :math:`q = 0` block implies a one-dimensional
kernel of :math:`\mathcal L` (the group is compact and connected: see
:mod:`symness.open.pauli` for the argument), so solving in the block keeps
the uniqueness guarantee.  Jumps with :math:`\delta_j \ne 0` connect the
sectors :math:`k - \delta_j \to k`; sectors that no jump connects carry
independent traces, and then the steady state is not unique (one per group
of connected sectors): :class:`~symness.errors.NonUniqueSteadyStateError`
lists them.

A generator without the symmetry is handled by the same code with a single
"sector" holding the whole working space (:meth:`BlockLayout.full`).

Conventions: :math:`\hbar = 1`, rates :math:`r_j` in the energy units of
:math:`H`; the basis of :mod:`symness.spins` (index 0 = all up); used for the
cold-atom open chain (paper ``coldatom``, eqs. 8-11) and any
:func:`~symness.open.gksl_liouvillian` / local Lindblad generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import NonUniqueSteadyStateError
from ..spins import up_count_of_index
from .superop import HermitianParam

__all__ = ["BlockLayout", "up_counts", "coherence_blocks"]


def up_counts(n: int) -> np.ndarray:
    """Number of up spins of every basis state of ``n`` spins (index 0 = all up)."""
    return up_count_of_index(np.arange(2**n), n)


def _definite_change(op: sp.csr_matrix, ups: np.ndarray, tol: float) -> int | None:
    """The change of ``ups`` under ``op`` if it is the same for every non-zero entry, else ``None``."""
    coo = op.tocoo()
    keep = np.abs(coo.data) > tol
    if not np.any(keep):
        return 0
    delta = ups[coo.row[keep]] - ups[coo.col[keep]]
    return int(delta[0]) if np.all(delta == delta[0]) else None


@dataclass
class BlockLayout:
    r"""The working-space basis split into sectors, with the generator's pieces on them.

    Attributes
    ----------
    sectors
        Basis indices of each sector (working basis), in sector order.
    labels
        Their labels (numbers of up spins), or ``[None]`` for the whole space.
    G
        :math:`G_k = -iH_k - \frac12\sum_j r_j(L_j^\dagger L_j)_k` (dense).
    pieces
        ``(target, source, rate, L_block)``: the jump sandwiches between sectors.
    symmetric
        Whether the layout is the coherence-order (:math:`q = 0`) block.
    reason
        Why the symmetry does not apply (``""`` when it does).
    """

    d: int
    sectors: list[np.ndarray]
    labels: list[Any]
    G: list[np.ndarray]
    pieces: list[tuple[int, int, float, sp.csr_matrix]]
    symmetric: bool
    reason: str = ""
    _params: list[HermitianParam] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._params = [HermitianParam(s.size) for s in self.sectors]
        sizes = [s.size for s in self.sectors]
        self.param_offsets = np.r_[0, np.cumsum([p.size for p in self._params])]
        self.sizes = sizes

    # ------------------------------------------------------------------ construction
    @classmethod
    def build(cls, H: Any, jumps: list[tuple[Any, float]], n: int | None, *, use_symmetry: bool = True,
              tol: float = 1e-12) -> BlockLayout:
        """Detect the coherence-order symmetry (if ``use_symmetry``) and build the layout.

        Entries below ``tol`` times the largest entry of ``H`` and the jumps count as
        round-off in the detection (operators transformed from an eigenbasis, such as
        the local Lindblad jumps, carry ~1e-17 of them) and are left out of the
        blocks; anything larger that breaks the symmetry selects the full space.
        """
        Hs = sp.csr_matrix(H, dtype=complex)
        d = Hs.shape[0]
        js = [(sp.csr_matrix(L, dtype=complex), float(r)) for L, r in jumps if r != 0.0]
        reason = ""
        if not use_symmetry:
            reason = "not requested"
        elif n is None or 2**n != d:
            reason = "the working space is not the full space of n spins-1/2"
        else:
            ups = up_counts(n)
            scale = max([abs(Hs).max() if Hs.nnz else 0.0] + [abs(L).max() if L.nnz else 0.0 for L, _ in js]
                        + [1e-300])
            if _definite_change(Hs, ups, tol * scale) != 0:
                reason = "H does not conserve the number of up spins"
            else:
                deltas = [_definite_change(L, ups, tol * scale) for L, _ in js]
                bad = [i for i, dl in enumerate(deltas) if dl is None]
                if bad:
                    reason = (f"jump operator(s) {bad} change the number of up spins by more than one "
                              "amount")
        if reason:
            return cls._assemble(Hs, js, [np.arange(d)], [None], [0] * len(js), np.zeros(d, dtype=int),
                                 False, reason)
        labels = sorted(set(ups.tolist()))
        sectors = [np.flatnonzero(ups == k) for k in labels]
        return cls._assemble(Hs, js, sectors, labels, deltas, ups, True, "")

    @classmethod
    def full(cls, H: Any, jumps: list[tuple[Any, float]]) -> BlockLayout:
        """The whole working space as one block (no symmetry)."""
        return cls.build(H, jumps, None, use_symmetry=False)

    @classmethod
    def _assemble(cls, Hs: sp.csr_matrix, js: list[tuple[sp.csr_matrix, float]], sectors: list[np.ndarray],
                  labels: list[Any], deltas: list[int], ups: np.ndarray, symmetric: bool, reason: str
                  ) -> BlockLayout:
        d = Hs.shape[0]
        K = sp.csr_matrix((d, d), dtype=complex)
        for L, r in js:
            K = K + r * (L.conj().T @ L)
        K = sp.csr_matrix(K)
        pos = {lab: i for i, lab in enumerate(labels)}
        G = []
        for s in sectors:
            G.append(np.asarray(-1j * Hs[s][:, s].toarray() - 0.5 * K[s][:, s].toarray()))
        pieces = []
        for (L, r), dl in zip(js, deltas):
            for i, s in enumerate(sectors):
                src = labels[i] if not symmetric else labels[i] - dl
                if symmetric and src not in pos:
                    continue
                j = i if not symmetric else pos[src]
                blk = sp.csr_matrix(L[s][:, sectors[j]])
                blk.eliminate_zeros()
                if blk.nnz:
                    pieces.append((i, j, r, blk))
        return cls(d, sectors, labels, G, pieces, symmetric, reason)

    # ------------------------------------------------------------------ structure
    @property
    def dim(self) -> int:
        """Number of complex unknowns :math:`\\sum_k d_k^2`."""
        return int(sum(s * s for s in self.sizes))

    def components(self) -> list[list[Any]]:
        """Groups of sectors connected by the jumps (each carries its own conserved trace)."""
        m = len(self.sectors)
        parent = list(range(m))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for t, s, _, _ in self.pieces:
            a, b = find(t), find(s)
            if a != b:
                parent[a] = b
        groups: dict[int, list[Any]] = {}
        for i in range(m):
            groups.setdefault(find(i), []).append(self.labels[i])
        return sorted(groups.values(), key=lambda g: g[0] if g[0] is not None else -1)

    def check_connected(self) -> None:
        """Raise :class:`~symness.errors.NonUniqueSteadyStateError` if the sectors fall into several groups."""
        comps = self.components()
        if len(comps) > 1:
            listing = "; ".join("up_spins = " + ", ".join(str(k) for k in c) for c in comps)
            raise NonUniqueSteadyStateError(
                f"H conserves the number of up spins and the jump operators connect the magnetisation "
                f"sectors only within {len(comps)} separate groups, each with its own conserved trace, so "
                f"the steady state is not unique: {listing}. Add a jump that changes the number of up "
                "spins between the groups, or solve in one sector (up_spins=k).",
                reason="disconnected magnetisation sectors", classes=comps)

    def vec_index(self) -> np.ndarray:
        """Positions in the row-major ``vec`` of the working space of the block's complex unknowns."""
        return np.concatenate([(s[:, None] * self.d + s[None, :]).ravel() for s in self.sectors])

    # ------------------------------------------------------------------ maps
    def split(self, rho: np.ndarray) -> list[np.ndarray]:
        rho = np.asarray(rho)
        return [rho[np.ix_(s, s)] for s in self.sectors]

    def join(self, blocks: list[np.ndarray]) -> np.ndarray:
        out = np.zeros((self.d, self.d), dtype=complex)
        for s, b in zip(self.sectors, blocks):
            out[np.ix_(s, s)] = b
        return out

    def to_param(self, blocks: list[np.ndarray]) -> np.ndarray:
        return np.concatenate([P.to_param(b) for P, b in zip(self._params, blocks)])

    def from_param(self, x: np.ndarray) -> list[np.ndarray]:
        o = self.param_offsets
        return [P.from_param(x[o[i]:o[i + 1]]) for i, P in enumerate(self._params)]

    def trace_vector(self) -> np.ndarray:
        return np.concatenate([P.trace_vector() for P in self._params])

    def apply(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        """:math:`\\mathcal L\\rho` on the block (list of sector matrices), by matrix products."""
        out = []
        for G, X in zip(self.G, blocks):
            GX = G @ X
            out.append(GX + GX.conj().T if _is_hermitian_hint(X) else GX + X @ G.conj().T)
        for t, s, r, Lb in self.pieces:
            Y = Lb @ blocks[s]
            out[t] = out[t] + r * (Lb @ Y.conj().T).conj().T
        return out


def _is_hermitian_hint(X: np.ndarray) -> bool:
    """Cheap test used by :meth:`BlockLayout.apply`: exact Hermiticity of the input block."""
    return X.shape[0] < 2 or bool(np.array_equal(X, X.conj().T))


def coherence_blocks(generator: Any, use_symmetry: bool = True) -> BlockLayout:
    """The :class:`BlockLayout` of a :class:`~symness.open.GKSLLiouvillian` (full space or one sector)."""
    space = generator.space
    jumps = [item for lst in generator.jumps.values() for item in lst]
    if space.sector is not None:
        lay = BlockLayout.full(generator.H, jumps)
        lay.reason = (f"the working space is the sector up_spins = {space.sector.up_spins}, already a "
                      "single block")
        return lay
    k = int(round(np.log2(space.dim))) if space.dim > 0 else 0
    n = k if 2**k == space.dim else None
    return BlockLayout.build(generator.H, jumps, n, use_symmetry=use_symmetry)
