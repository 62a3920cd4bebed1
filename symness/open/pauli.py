r"""The Pauli block of the Davies generator: populations and coherences inside degenerate levels.

The Davies (secular) generator of :mod:`symness.open.secular` never mixes matrix
elements :math:`\rho_{ab}` of different Bohr classes (:math:`E_a - E_b`,
grouped within the degeneracy tolerance).  Its *zero-frequency block* -- the
populations :math:`\rho_{aa}` and the coherences between degenerate states
:math:`a, b` of one level -- is therefore closed, and it holds the steady
state.  For a non-degenerate spectrum it is the Pauli master equation

.. math::

    \dot p_a = \sum_c \big(W_{c\to a}\,p_c - W_{a\to c}\,p_a\big),\qquad
    W_{c\to a} = \sum_k \gamma_k(E_c - E_a)\,|\langle a|A_k|c\rangle|^2,

:math:`d` unknowns instead of :math:`d^2`; degenerate levels of multiplicity
:math:`g_\ell` add their :math:`g_\ell^2` elements.  :class:`PauliBlock` builds
this block directly from the channels -- the :math:`d^2\times d^2` generator is
never formed -- with exactly the entries of the full secular matrix (the same
Bohr classes, per-class rates and grouped jump operators), and solves it:

* populations only: the closed communicating classes of the rate graph decide
  uniqueness (one closed class, else
  :class:`~symness.errors.NonUniqueSteadyStateError` listing them), transient
  levels get population zero, and the Grassmann-Taksar-Heyman reduction
  (:func:`~symness.open.secular.gth_stationary`) gives every population to high
  *relative* accuracy;
* with degenerate levels: LU of the block (dense, or sparse above
  :data:`DENSE_BLOCK_MAX`) with the condition-number test.

Why the block decides uniqueness.  The Davies generator is covariant under the
time translations :math:`\rho\mapsto e^{-iHt}\rho e^{iHt}` (a compact torus
action whose invariant operators are exactly the zero-frequency block).  For a
GKSL generator covariant under a compact connected abelian group, the kernel
is one-dimensional as soon as its invariant part is: the stationary states form
the state space of an algebra :math:`\bigoplus_i M_{n_i}` (Baumgartner &
Narnhofer, J. Phys. A 41, 395303 (2008)), on which the group acts by inner
automorphisms; the identities of the blocks, and the diagonal states in a
common eigenbasis of the unitaries, are invariant, so a one-dimensional
invariant kernel forces a single block with :math:`n_1 = 1`.  (The same
argument is used for the coherence-order blocks of
:mod:`symness.open.coherence`.)

The block is *decoupled* only if no Bohr class joins two different level
pairs with a common level (single-linkage chaining of frequencies within the
tolerance, a pathological case); :meth:`PauliBlock.applies` checks this and
the caller falls back to the full secular matrix.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from ..errors import InvalidParameterError, NonUniqueSteadyStateError
from .channels import Channel
from .linsolve import dense_solve, safe_norm, sparse_solve
from .secular import SecularStructure, group_pairs, gth_stationary

__all__ = ["PauliBlock", "DENSE_BLOCK_MAX", "closed_classes"]

#: blocks up to this size are factorised densely (with degenerate levels); larger ones by SuperLU
DENSE_BLOCK_MAX = 3000


def closed_classes(W: sp.spmatrix | np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Closed communicating classes of a rate graph ``W[c, a] > 0`` (rate ``c -> a``).

    Returns ``(classes, transient)``: the index arrays of the closed classes (in
    order of their lowest index) and the indices of the transient states.
    """
    C = sp.coo_matrix(W)
    keep = (C.row != C.col) & (C.data != 0)
    G = sp.csr_matrix((np.ones(int(keep.sum())), (C.row[keep], C.col[keep])), shape=C.shape)
    ncomp, comp = csgraph.connected_components(G, directed=True, connection="strong")
    src, dst = G.nonzero()
    leaves = np.ones(ncomp, dtype=bool)
    leaves[comp[src[comp[src] != comp[dst]]]] = False
    closed = [np.flatnonzero(comp == c) for c in np.flatnonzero(leaves)]
    closed.sort(key=lambda a: a[0])
    transient = np.flatnonzero(~leaves[comp])
    return closed, transient


class PauliBlock:
    r"""The zero-frequency block of a Davies generator (see module docstring).

    Parameters
    ----------
    E
        Energies of the working space, ascending.
    structure
        The :class:`~symness.open.secular.SecularStructure` (levels, Bohr classes).
    chans
        The channels (operators in the eigenbasis and rate functions; per-pair
        rates are not needed).

    Attributes
    ----------
    dim
        Block dimension :math:`\sum_\ell g_\ell^2`.
    B
        The block of the generator (``dim x dim``; a dense real rate matrix for a
        non-degenerate spectrum, else CSR), block index of
        :math:`\rho_{ab}` (:math:`a, b` in level :math:`\ell`, first state
        :math:`s_\ell`): ``offset[l] + (a - s_l) g_l + (b - s_l)``.
    D
        ``{bath: block of its dissipator}``.
    populations_only
        ``True`` for a non-degenerate spectrum (the Pauli master equation).
    """

    def __init__(self, E: np.ndarray, structure: SecularStructure, chans: list[Channel]):
        self.E = np.asarray(E, dtype=float)
        self.structure = st = structure
        d = self.E.size
        self.d = d
        level = st.level
        if np.any(np.diff(level) < 0):  # pragma: no cover - eigh sorts, clustering keeps the order
            raise InvalidParameterError("energies must be sorted for the Pauli block.")
        nl = st.level_energy.size
        self.size = np.bincount(level, minlength=nl)
        self.start = np.r_[0, np.cumsum(self.size)[:-1]]
        self.offset = np.r_[0, np.cumsum(self.size**2)[:-1]]
        self.dim = int(np.sum(self.size**2))
        self.populations_only = bool(np.all(self.size == 1))
        self.diag = self.index(np.arange(d), np.arange(d))
        self.D: dict[str, Any] = {}
        if self.populations_only:  # dense d x d rate matrices (A is dense in the eigenbasis anyway)
            B = np.zeros((d, d))
            self.solid = np.zeros((d, d), dtype=bool)  # rates c -> a that round-off cannot fake
            noise = self.eigenvector_noise()
            for ch in chans:
                Dk = self._rates(ch, noise)
                self.D[ch.bath] = self.D[ch.bath] + Dk if ch.bath in self.D else Dk
                B += Dk
            self.B = B
            return
        rows, cols, vals = [], [], []
        for ch in chans:
            r, c, v = self._channel(ch)
            Dk = sp.csr_matrix((v, (r, c)), shape=(self.dim, self.dim))
            self.D[ch.bath] = self.D[ch.bath] + Dk if ch.bath in self.D else Dk
            rows.append(r)
            cols.append(c)
            vals.append(v)
        a, b = self._pairs()  # -i (E_a - E_b) on the coherences inside levels
        rows.append(self.index(a, b))
        cols.append(self.index(a, b))
        vals.append(-1j * (self.E[a] - self.E[b]))
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        v = np.concatenate(vals) if vals else np.zeros(0, dtype=complex)
        B = sp.csr_matrix((v, (r, c)), shape=(self.dim, self.dim))
        B.sum_duplicates()
        self.B = B
        for k in self.D:
            self.D[k].sum_duplicates()

    # ------------------------------------------------------------------ indexing
    @staticmethod
    def applies(structure: SecularStructure) -> bool:
        """Whether the zero-frequency block is decoupled: no Bohr class repeats along a row of level pairs."""
        bc = structure.bclass
        if bc.shape[0] <= 1:
            return True
        s = np.sort(bc, axis=1)
        return not bool(np.any(s[:, 1:] == s[:, :-1]))

    def index(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Block index of :math:`\\rho_{ab}` (``a``, ``b`` in the same level)."""
        lv = self.structure.level[a]
        g = self.size[lv]
        s = self.start[lv]
        return self.offset[lv] + (a - s) * g + (b - s)

    def _pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """All ``(a, b)`` in the block, in block order."""
        if self.populations_only:
            ar = np.arange(self.d)
            return ar, ar
        g = self.size[self.structure.level]
        a = np.repeat(np.arange(self.d), g)              # row a, repeated g_l times
        first = self.start[self.structure.level]
        within = np.arange(a.size) - np.repeat(np.cumsum(g) - g, g)
        b = np.repeat(first, g) + within
        return a, b

    def to_block(self, rho: np.ndarray) -> np.ndarray:
        a, b = self._pairs()
        return np.asarray(rho)[a, b]

    def from_block(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros((self.d, self.d), dtype=np.result_type(x, float))
        a, b = self._pairs()
        out[a, b] = x
        return out

    def supports(self, rho: np.ndarray) -> bool:
        """Whether ``rho`` (eigenbasis) vanishes outside the block."""
        rho = np.asarray(rho)
        if self.populations_only:
            return not np.any(rho[~np.eye(self.d, dtype=bool)])
        mask = np.zeros((self.d, self.d), dtype=bool)
        a, b = self._pairs()
        mask[a, b] = True
        return not np.any(rho[~mask])

    # ------------------------------------------------------------------ construction
    def _entries(self, ch: Channel) -> tuple[np.ndarray, ...]:
        """Non-zero entries ``(a, c)`` of a channel operator, their levels, classes and per-class rates."""
        st = self.structure
        A = ch.A
        scale = np.max(np.abs(A)) if A.size else 0.0
        a, c = np.nonzero(np.abs(A) > 1e-14 * max(scale, 1e-300))
        Ap = A[a, c]
        la, lc = st.level[a], st.level[c]
        cls = st.bclass[la, lc]
        used = np.zeros(st.bfreq.size, dtype=bool)  # the classes present, without sorting d^2 labels
        used[cls] = True
        ucls = np.flatnonzero(used)
        pos = np.cumsum(used) - 1
        g = np.asarray(ch.rate_f(st.bfreq[ucls]), dtype=float).reshape(-1)
        if np.any(~np.isfinite(g)):
            raise InvalidParameterError(
                f"bath {ch.bath!r} has a non-finite rate at a Bohr frequency of this system.")
        if ch.lamb_f is not None and np.any(la == lc):  # a zero frequency: the full generator's error, if any
            ch.lamb_f(np.zeros(1))
        return a, c, Ap, la, lc, cls, g[pos[cls]]

    def eigenvector_noise(self) -> np.ndarray:
        r"""Round-off of each eigenvector, relative: :math:`\sim 32\sqrt d\,\epsilon\,\|H\|/g_a`.

        :math:`g_a` is the distance from :math:`E_a` to the nearest *other* level.
        A computed eigenvector carries components of size ``noise[a]`` along the
        other eigenvectors (LAPACK's backward error over the gap), so a matrix
        element :math:`|\langle a|A|c\rangle|` below
        ``(noise[a] + noise[c]) * max|A|`` may be pure round-off: e.g. the
        leakage between the two sectors of a conserved quantity that the
        eigensolver does not know about.
        """
        st = self.structure
        lev = st.level_energy
        gap = np.full(lev.size, np.inf)
        if lev.size > 1:
            dl = np.diff(lev)
            gap[:-1] = dl
            gap[1:] = np.minimum(gap[1:], dl)
        scale = float(np.max(np.abs(self.E))) if self.E.size else 0.0
        with np.errstate(divide="ignore"):
            noise = 32.0 * np.sqrt(self.d) * np.finfo(float).eps * scale / gap
        return noise[st.level]

    def _rates(self, ch: Channel, noise: np.ndarray | None = None) -> np.ndarray:
        """Pauli rate matrix of one channel: ``W_{c->a}`` at ``[a, c]``, minus the outflow on the diagonal.

        With ``noise`` (:meth:`eigenvector_noise`), the rates whose matrix element
        is above the round-off of the eigenvectors are marked in ``self.solid``.
        """
        a, c, Ap, _, _, _, gam = self._entries(ch)
        d = self.d
        if noise is not None and Ap.size:
            big = np.abs(Ap) > np.max(np.abs(Ap)) * (noise[a] + noise[c])
            sel = big & (gam > 0)
            self.solid[a[sel], c[sel]] = True
        w = gam * np.abs(Ap) ** 2
        if not np.all(np.isfinite(w)):
            raise InvalidParameterError(
                f"the Davies rates of bath {ch.bath!r} times |<a|A|c>|^2 overflow double precision; rescale: put "
                "the coupling strength into the spectral density and keep the operators of order one.")
        W = np.bincount(a * d + c, weights=w, minlength=d * d).reshape(d, d)
        W[np.diag_indices(d)] -= np.bincount(c, weights=w, minlength=d)
        return W

    def _channel(self, ch: Channel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Block entries of one channel: jump part and :math:`-(M\\rho + \\rho M^\\dagger)`."""
        st = self.structure
        a, c, Ap, la, lc, cls, gam = self._entries(ch)
        # jump part: (a, b) <- (c, d) for entries p = (a, c), q = (b, d) of the same level pair
        p, q = group_pairs(la.astype(np.int64) * st.level_energy.size + lc)
        rows = [self.index(a[p], a[q])]
        cols = [self.index(c[p], c[q])]
        vals = [gam[p] * Ap[p] * np.conj(Ap[q])]
        # M_{xy} = sum_k conj(A_kx) Gamma_k A_ky for x, y in one level (k = row index)
        G = gam / 2 + 0j
        if ch.lamb_f is not None:
            need = (self.size[lc] > 1) | (la == lc)
            if np.any(need):
                cl = np.unique(cls[need])
                sig = np.zeros(st.bfreq.size)
                sig[cl] = np.asarray(ch.lamb_f(st.bfreq[cl]), dtype=float)
                G = G + 1j * np.where(need, sig[cls], 0.0)
        p2, q2 = group_pairs(a.astype(np.int64) * st.level_energy.size + lc)
        x, y = c[p2], c[q2]
        m = np.conj(Ap[p2]) * G[q2] * Ap[q2]
        # -(M rho)_{xz} = -M_xy rho_yz and -(rho M^dag)_{zx} = -conj(M_xy) rho_zy, z over the level
        lv = st.level[x]
        gz = self.size[lv]
        rep = np.repeat(np.arange(x.size), gz)
        z = np.repeat(self.start[lv], gz) + (np.arange(rep.size) - np.repeat(np.cumsum(gz) - gz, gz))
        xr, yr, mr = x[rep], y[rep], m[rep]
        rows += [self.index(xr, z), self.index(z, xr)]
        cols += [self.index(yr, z), self.index(z, yr)]
        vals += [-mr, -np.conj(mr)]
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)

    # ------------------------------------------------------------------ action
    def apply(self, rho: np.ndarray) -> np.ndarray:
        """:math:`\\mathcal L\\rho` for ``rho`` (eigenbasis) supported in the block."""
        return self.from_block(self.B @ self.to_block(rho))

    def dissipator(self, name: str, rho: np.ndarray) -> np.ndarray:
        if name not in self.D:
            return np.zeros((self.d, self.d), dtype=complex)
        return self.from_block(self.D[name] @ self.to_block(rho))

    # ------------------------------------------------------------------ steady state
    def steady_state(self) -> tuple[np.ndarray, dict[str, Any]]:
        """The trace-one stationary state (eigenbasis, ``d x d``) and solver information.

        Raises
        ------
        NonUniqueSteadyStateError
            Several closed classes of levels (listed in ``exc.classes`` as level
            indices in ascending energy), or a singular block.
        """
        if self.populations_only:
            return self._pauli()
        return self._block_lu()

    def _pauli(self) -> tuple[np.ndarray, dict[str, Any]]:
        d = self.d
        rates = self.B.T.copy()  # rates[c, a] = rate c -> a
        np.fill_diagonal(rates, 0.0)
        if np.any(rates < 0):  # pragma: no cover - rates are gamma |A|^2 >= 0
            raise InvalidParameterError("negative Davies rate; check the bath spectrum.")
        closed, transient = closed_classes(rates)
        if len(closed) > 1:
            listing = "; ".join(
                f"levels {c.tolist()} (E = {', '.join(f'{e:.6g}' for e in self.E[c][:4])}"
                f"{', ...' if c.size > 4 else ''})" for c in closed)
            raise NonUniqueSteadyStateError(
                f"the Davies rates have {len(closed)} closed classes of energy levels that never "
                f"exchange population, so the steady state is not unique: {listing}. Add a coupling "
                "that connects them, or solve in a symmetry sector.",
                reason="several closed classes", classes=[c.tolist() for c in closed])
        solid_closed, _ = closed_classes(np.where(self.solid.T, rates, 0.0))
        if len(solid_closed) > 1:
            listing = "; ".join(
                f"levels {c.tolist()[:8]}{' ...' if c.size > 8 else ''}" for c in solid_closed[:4])
            raise NonUniqueSteadyStateError(
                f"the Davies rates connect the {d} energy levels only through matrix elements at the "
                f"round-off level of the eigenvectors (below (noise_a + noise_c) max|A|, noise ~ "
                f"32 sqrt(d) eps ||H|| / gap): without them there are {len(solid_closed)} closed classes "
                f"({listing}), which is what a quantity conserved by H and every coupling (e.g. a "
                "decoupled spin in a transverse field) looks like after diagonalisation, so the steady "
                "state is not unique. Couple every part of the system to the rest, or solve in a "
                "symmetry sector.", reason="closed classes up to round-off",
                classes=[c.tolist() for c in solid_closed])
        cls = closed[0]
        Q = rates[np.ix_(cls, cls)]
        p_cls = gth_stationary(Q) if cls.size > 1 else np.ones(1)
        if p_cls is None:  # pragma: no cover - a closed class is irreducible
            raise NonUniqueSteadyStateError("the Pauli rate matrix is reducible.", reason="reducible")
        p = np.zeros(d)
        p[cls] = p_cls
        info = {"method": "pauli+GTH", "block_dim": self.dim, "closed_classes": 1,
                "transient_levels": int(transient.size), "min_eigenvalue": float(p.min())}
        info["residual"] = safe_norm(self.B @ p)
        return np.diag(p), info

    def _block_lu(self) -> tuple[np.ndarray, dict[str, Any]]:
        d = self.d
        dense = self.dim <= DENSE_BLOCK_MAX
        # trace fixing (B + w tr) x = w: w = 1/d on the populations (dense), |0><0| (sparse, no fill-in)
        rhs = np.zeros(self.dim, dtype=complex)
        if dense:
            M = self.B.toarray()
            M[np.ix_(self.diag, self.diag)] += 1.0 / d
            rhs[self.diag] = 1.0 / d
        else:
            fix = sp.csr_matrix((np.ones(d), (np.zeros(d, dtype=np.int64), self.diag)), shape=self.B.shape)
            M = sp.csr_matrix(self.B + fix)
            rhs[0] = 1.0
        B = sp.csr_matrix(self.B)
        pattern = sp.csr_matrix((np.ones(B.nnz), B.indices, B.indptr), shape=B.shape)
        ncomp, comp = csgraph.connected_components(pattern, directed=False)
        pc = np.unique(comp[self.diag])
        if len(pc) > 1:
            classes = [np.flatnonzero(comp[self.diag] == k).tolist() for k in pc]
            raise NonUniqueSteadyStateError(
                f"the secular (Davies) rates split the {d} energy levels into {len(pc)} classes that never "
                f"exchange population, so the steady state is not unique: levels (indices in ascending "
                f"energy) {classes}. Add a coupling that connects them, or solve in a symmetry sector.",
                reason="disconnected rate graph", classes=classes)
        deg = [np.arange(s, s + g).tolist() for s, g in zip(self.start, self.size) if g > 1]
        err = dict(reason="singular secular generator", classes=deg,
                   hint=(f"The Davies block of populations and coherences inside the degenerate levels {deg} "
                         "is singular: some quantity is conserved by H and every coupling (a dark state, a "
                         "reflection that maps each contact onto itself, free-fermion modes at Delta = 0); "
                         "break the symmetry (a local field, an extra coupling) or restrict to one of its "
                         "sectors."))
        if dense:
            x, rcond = dense_solve(M, rhs, **err)
            method = "pauli-block"
        else:
            x, rcond = sparse_solve(M, rhs, **err)
            method = "pauli-block-sparse"
        x = x / np.sum(x[self.diag]).real
        rho = self.from_block(x)
        rho = (rho + rho.conj().T) / 2
        x = self.to_block(rho)
        lam = []
        for s, g in zip(self.start, self.size):
            blk = rho[s:s + g, s:s + g]
            lam.append(np.real(blk[0, 0]) if g == 1 else np.linalg.eigvalsh(blk)[0])
        info = {"method": method, "block_dim": self.dim, "rcond": rcond,
                "min_eigenvalue": float(min(lam)), "residual": safe_norm(self.B @ x)}
        return rho, info
