r"""Generators :math:`d\rho/dt = \mathcal L\rho`: Redfield, Davies, GKSL and local Lindblad.

All generators act on the *working space* of an :class:`~symness.open.OpenSystem`
(the full space or one magnetisation sector) and share one interface
(:class:`Liouvillian`): ``apply(rho)``, ``dissipator(name, rho)`` (the part of
one bath, for heat currents), ``matrix(basis)`` in the row-major
vectorisation of :mod:`symness.open.superop`.

Redfield (non-secular), canonical convention
--------------------------------------------
.. math::

    \mathcal L\rho = -i[H,\rho] + \sum_{\rm baths}\sum_k
    [\tilde A_k\rho, A_k^\dagger] + [A_k, \rho\tilde A_k^\dagger],
    \qquad (\tilde A_k)_{ac} = \Gamma_k(E_c-E_a)(A_k)_{ac},

i.e. :math:`\tilde S = \int_0^\infty d\tau\,C(\tau)e^{-iH\tau}Se^{iH\tau}` --
ring4 eqs. (4)-(6) and (10) with :math:`\hat{\tilde S}_l \equiv \tilde S`,
magnification eqs. (26)-(27) -- and the rotating-wave coupling of
:mod:`symness.open.channels`.  In the eigenbasis it reads (with
:math:`M = \sum_k A_k^\dagger\tilde A_k`)
:math:`\mathcal L\rho = -i(K\rho - \rho K^\dagger) + \sum_k(\tilde A_k\rho A_k^\dagger
+ A_k\rho\tilde A_k^\dagger)`, :math:`K = \mathrm{diag}(E) - iM`, which is how
the matrix-free solver applies it (:math:`O(d^3)`).

Davies (secular)
----------------
The secular limit in GKSL form (:mod:`symness.open.secular`): jump operators
:math:`A_k(\omega)` grouped by Bohr frequency with degeneracies, rates
:math:`\gamma_k(\omega)`, Lamb shift :math:`H_{LS}` commuting with :math:`H`.

GKSL and local Lindblad
-----------------------
:func:`gksl_liouvillian` builds
:math:`-i[H,\rho] + \sum_j r_j(L_j\rho L_j^\dagger - \tfrac12\{L_j^\dagger L_j,\rho\})`
from any jump operators; :func:`local_lindblad_liouvillian` derives the jumps
of each bath from the eigen-decomposition of the *local* Hamiltonian of its
contact only (the interaction between sites is ignored in the dissipator:
qubit-kernel paper Sec. IV C 2, eqs. 4.33-4.35; cold-atom eq. 8).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidModelError, InvalidParameterError, ShapeMismatchError
from ..validation import check_nonnegative
from .channels import Channel, bohr_frequencies, channels, operator_channels
from .pauli import PauliBlock
from .secular import SecularStructure, _secular_matrices
from .superop import commutator_superop, sprepost
from .system import OpenSystem, Space, _maybe_real, as_operator, refuse_generator_as_hamiltonian

__all__ = [
    "Liouvillian",
    "RedfieldLiouvillian",
    "DaviesLiouvillian",
    "GKSLLiouvillian",
    "redfield_liouvillian",
    "davies_liouvillian",
    "gksl_liouvillian",
    "local_lindblad_liouvillian",
    "as_system",
]


def as_system(obj: Any, values: Mapping[str, Any] | None = None) -> OpenSystem:
    """An :class:`OpenSystem`, or one built from a ``Model`` and keyword values."""
    if isinstance(obj, OpenSystem):
        if values:
            raise InvalidParameterError(
                f"parameter values {sorted(values)} were given with an OpenSystem; they only apply "
                "to a Model (build the system with OpenSystem.from_model(model, **values)).")
        return obj
    if hasattr(obj, "couplings") and hasattr(obj, "hamiltonian") and hasattr(obj, "resolve"):
        return OpenSystem.from_model(obj, **(values or {}))
    raise InvalidParameterError(
        f"expected an OpenSystem or a symness Model, got {type(obj).__name__}.")


def _mul(X: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """``X @ rho`` with a real ``X`` applied to a complex ``rho`` by one real product."""
    if not np.iscomplexobj(X) and np.iscomplexobj(rho):
        rho = np.ascontiguousarray(rho)
        d = rho.shape[0]
        return (X @ rho.view(np.float64).reshape(d, -1)).view(np.complex128)
    return X @ rho


class Liouvillian:
    """Base class of the generators (see module docstring).

    Attributes
    ----------
    kind
        ``"redfield"``, ``"davies"``, ``"gksl"`` or ``"local_lindblad"``.
    space
        The working :class:`~symness.open.system.Space`.
    system
        The :class:`~symness.open.OpenSystem` (``None`` for a bare GKSL generator).
    names
        Bath names (keys of :meth:`dissipator`).
    """

    kind = "generator"
    native_basis = "site"

    def __init__(self, space: Space, system: OpenSystem | None, names: Sequence[str]):
        self.space = space
        self.system = system
        self.names = list(names)

    @property
    def dim(self) -> int:
        return self.space.dim

    @property
    def conserves_energy(self) -> bool:
        """Whether :math:`\\sum_b \\mathrm{tr}(H\\mathcal D_b\\rho) = \\mathrm{tr}(H\\mathcal L\\rho)`
        (the Hamiltonian part is :math:`-i[H,\\cdot]` with the system's own :math:`H`)."""
        return True

    @property
    def sector(self):
        return self.space.sector

    # in the working site basis -------------------------------------------
    def apply(self, rho: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def dissipator(self, name: str, rho: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def matrix(self, basis: str = "site"):  # pragma: no cover - abstract
        raise NotImplementedError

    def to_qutip(self) -> Any:
        """The generator as a QuTiP superoperator (``qutip.Qobj``, column stacking) on the working space.

        ``qutip.steadystate(L.to_qutip())`` is the state of the matching ``*_ness``
        (for a sector generator: the sector block, ``dims = [[d], [d]]``; else with the
        system's ``dims``).  Sparse generators (GKSL) stay sparse; a dense one is built
        only up to :data:`symness.open.interop.MAX_DENSE_QOBJ_BYTES`.
        """
        from .interop import MAX_DENSE_QOBJ_BYTES, superoperator_to_qutip

        d = self.dim
        if self.native_basis != "site" and 16.0 * float(d) ** 4 > MAX_DENSE_QOBJ_BYTES:
            raise InvalidParameterError(
                f"the {d * d} x {d * d} superoperator of this {self.kind} generator is dense and needs "
                f"{16.0 * float(d) ** 4 / 2**30:.3g} GiB (limit {MAX_DENSE_QOBJ_BYTES / 2**30:.3g} GiB); "
                "solve in a magnetisation sector (up_spins=k).")
        return superoperator_to_qutip(self.matrix("site"), self.space, self.system)

    def _check_rho(self, rho: Any) -> np.ndarray:
        """``rho`` as a finite complex ``d x d`` array of the working space (else a clear error)."""
        if rho is None or isinstance(rho, (str, bytes)):
            raise InvalidParameterError(f"rho is {rho!r}; pass a {self.dim} x {self.dim} matrix.")
        a = rho.toarray() if sp.issparse(rho) else np.asarray(rho)
        if a.dtype.kind not in "biufc":
            raise InvalidParameterError(f"rho must be a numeric matrix, got dtype {a.dtype}.")
        if a.shape != (self.dim, self.dim):
            raise ShapeMismatchError(
                f"rho has shape {a.shape}; this generator acts on {self.dim} x {self.dim} matrices "
                "(the working space: the full space or the sector).")
        if not np.all(np.isfinite(a)):
            raise InvalidParameterError("rho has non-finite entries; pass finite numbers.")
        return np.asarray(a, dtype=complex)

    def _check_name(self, name: str) -> None:
        if name not in self.names:
            raise InvalidParameterError(f"no bath named {name!r}; baths: {self.names}.")

    def _basis_change(self, L, basis: str, from_basis: str):
        """Change a superoperator matrix between the eigen and site bases."""
        if basis == from_basis:
            return L
        if basis not in ("site", "eigen"):
            raise InvalidParameterError(f"basis must be 'site' or 'eigen', not {basis!r}.")
        V = self.space.V
        U = np.kron(V, V.conj())  # vec(V rho V^dag) = U vec(rho)
        Ld = L.toarray() if sp.issparse(L) else np.asarray(L)
        if from_basis == "eigen":  # site = U L_eig U^dag
            return U @ Ld @ U.conj().T
        return U.conj().T @ Ld @ U

    def __repr__(self) -> str:
        sec = "" if self.space.sector is None else f", up_spins={self.space.sector.up_spins}"
        return f"{type(self).__name__}(dim={self.dim}{sec}, baths={self.names})"


class _EigenbasisLiouvillian(Liouvillian):
    """A generator held in the energy eigenbasis: the site-basis action goes through it."""

    native_basis = "eigen"

    def apply_eigen(self, rho: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def dissipator_eigen(self, name: str, rho: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def apply(self, rho: np.ndarray) -> np.ndarray:
        sp_ = self.space
        return sp_.from_eigen(self.apply_eigen(sp_.to_eigen(self._check_rho(rho))))

    def dissipator(self, name: str, rho: np.ndarray) -> np.ndarray:
        self._check_name(name)
        sp_ = self.space
        return sp_.from_eigen(self.dissipator_eigen(name, sp_.to_eigen(self._check_rho(rho))))


class RedfieldLiouvillian(_EigenbasisLiouvillian):
    """Non-secular Redfield generator, held in the energy eigenbasis (see module docstring)."""

    kind = "redfield"

    def __init__(self, system: OpenSystem, space: Space, chans: list[Channel]):
        super().__init__(space, system, system.names)
        self.channels = chans
        E = space.E
        d = space.dim
        self.omega = E[:, None] - E[None, :]  # omega_ab = E_a - E_b
        # every channel at once: stacks (k, d, d) of A_k, A~_k = Gamma_k o A_k, A_k^dagger, M_k = A_k^dagger A~_k
        stacks = getattr(chans, "stacks", None)  # channels() hands them over; other channel lists are stacked here
        if stacks is not None:
            A_s, G_s = stacks
        elif chans:
            A_s = np.stack([np.asarray(ch.A) for ch in chans])
            G_s = np.stack([np.asarray(ch.Gamma) for ch in chans])
        else:
            A_s = G_s = np.zeros((0, d, d))
        self.A_s = A_s
        self.At_s, self.Ad_s, self.Mk_s, self.M = redfield_stacks(A_s, G_s)
        self.At = list(self.At_s)
        self.Ad = list(self.Ad_s)
        if not (np.isfinite(self.M).all() and np.isfinite(self.At_s).all()):
            raise InvalidParameterError(
                "the Redfield rates times the coupling operators overflow double precision (|S|^2 gamma > 1e308); "
                "rescale: put the coupling strength into the spectral density and keep the operators of order one.")

    # eigenbasis -------------------------------------------------------------
    def apply_eigen(self, rho: np.ndarray, hermitian: bool = False) -> np.ndarray:
        """:math:`\\mathcal L\\rho` for ``rho`` in the eigenbasis (``hermitian=True`` halves the cost)."""
        rho = np.asarray(rho, dtype=complex)
        out = -1j * self.omega * rho
        Mr = _mul(self.M, rho)
        if hermitian:
            out -= Mr + Mr.conj().T
            for ch, At in zip(self.channels, self.At):
                Z = _mul(ch.A, _mul(At, rho).conj().T)  # A rho At^dag
                out += Z + Z.conj().T                   # + At rho A^dag
            return out
        rd = np.ascontiguousarray(rho.conj().T)
        out -= Mr + _mul(self.M, rd).conj().T
        for ch, At in zip(self.channels, self.At):
            Y = _mul(At, rho)
            out += _mul(ch.A, Y.conj().T).conj().T      # At rho A^dag
            out += _mul(ch.A, _mul(At, rd).conj().T)    # A rho At^dag
        return out

    def dissipator_eigen(self, name: str, rho: np.ndarray) -> np.ndarray:
        self._check_name(name)
        out = np.zeros_like(rho, dtype=complex)
        for ch, At, Ad, Mk in zip(self.channels, self.At, self.Ad, self.Mk_s):
            if ch.bath != name:
                continue
            Y = At @ rho @ Ad           # At rho A^dag
            Z = ch.A @ rho @ At.conj().T  # A rho At^dag
            out += Y + Z - Mk @ rho - rho @ Mk.conj().T
        return out

    def dense_eigen(self) -> np.ndarray:
        """The Redfield tensor as a dense ``d^2 x d^2`` matrix in the eigenbasis (:func:`redfield_tensor`)."""
        return redfield_tensor(self.omega, self.A_s, self.At_s, self.M)

    def matrix(self, basis: str = "site") -> np.ndarray:
        """Dense matrix (``d^2 x d^2``) on row-major ``vec(rho)`` in ``basis``."""
        return self._basis_change(self.dense_eigen(), basis, "eigen")


class DaviesLiouvillian(_EigenbasisLiouvillian):
    """Secular (Davies) generator in GKSL form, a sparse matrix in the eigenbasis."""

    kind = "davies"

    def __init__(self, system: OpenSystem, space: Space, chans: list[Channel], tol: float,
                 per_class: bool = True):
        super().__init__(space, system, system.names)
        self.channels = chans
        self.tol = tol
        self.per_class = per_class
        self.structure = SecularStructure(np.asarray(space.E, dtype=float), tol)

    @cached_property
    def _full(self) -> tuple[sp.csr_matrix, dict[str, sp.csr_matrix]]:
        return _secular_matrices(self.space.E, self.channels, self.structure, self.per_class)

    @property
    def L_eigen(self) -> sp.csr_matrix:
        """The full ``d^2 x d^2`` sparse generator in the eigenbasis (built on first use)."""
        return self._full[0]

    @property
    def D_eigen(self) -> dict[str, sp.csr_matrix]:
        """``{bath: its dissipator}`` as full sparse matrices in the eigenbasis (built on first use)."""
        return self._full[1]

    @cached_property
    def pauli(self) -> PauliBlock | None:
        """The zero-frequency block (:class:`~symness.open.pauli.PauliBlock`), or ``None`` if not decoupled."""
        if not self.per_class or not PauliBlock.applies(self.structure):
            return None
        return PauliBlock(self.space.E, self.structure, self.channels)

    def _in_block(self, rho: np.ndarray) -> bool:
        return self.pauli is not None and self.pauli.supports(rho)

    def apply_eigen(self, rho: np.ndarray) -> np.ndarray:
        if self._in_block(rho):
            return self.pauli.apply(rho)
        d = self.dim
        return (self.L_eigen @ np.asarray(rho, dtype=complex).reshape(-1)).reshape(d, d)

    def dissipator_eigen(self, name: str, rho: np.ndarray) -> np.ndarray:
        self._check_name(name)
        d = self.dim
        if self._in_block(rho):
            return self.pauli.dissipator(name, rho)
        if name not in self.D_eigen:
            return np.zeros((d, d), dtype=complex)
        return (self.D_eigen[name] @ np.asarray(rho, dtype=complex).reshape(-1)).reshape(d, d)

    def matrix(self, basis: str = "site"):
        """Dense matrix in the site basis (default), or the native sparse matrix (``basis="eigen"``)."""
        return self._basis_change(self.L_eigen, basis, "eigen") if basis != "eigen" else self.L_eigen

    def jump_operators(self, basis: str = "site") -> dict[str, list[tuple[np.ndarray, float]]]:
        """The GKSL jumps ``{bath: [(A_k(omega), gamma_k(omega)), ...]}`` (working basis)."""
        st = self.structure
        out: dict[str, list[tuple[np.ndarray, float]]] = {n: [] for n in self.names}
        for ch in self.channels:
            A = ch.A
            scale = np.max(np.abs(A)) if A.size else 0.0
            a, c = np.nonzero(np.abs(A) > 1e-14 * max(scale, 1e-300))
            cls = st.pair_class(a, c)
            for b in np.unique(cls):
                sel = cls == b
                Aw = np.zeros_like(A, dtype=complex)
                Aw[a[sel], c[sel]] = A[a[sel], c[sel]]
                rate = float(ch.rate_f(np.array([st.bfreq[b]]))[0])
                if rate == 0.0:
                    continue
                if basis == "site":
                    Aw = self.space.from_eigen(Aw)
                out[ch.bath].append((Aw, rate))
        return out


class GKSLLiouvillian(Liouvillian):
    r"""A GKSL generator from jump operators, in the working site basis.

    ``apply`` and ``dissipator`` act by sparse-dense matrix products; the
    ``d^2 x d^2`` sparse matrices ``L_site`` / ``D_site`` are built on first use
    (the steady-state and evolution solvers that need them ask for them).
    """

    kind = "gksl"
    native_basis = "site"

    def __init__(self, space: Space, H: Any, jumps: Mapping[str, list[tuple[Any, float]]],
                 system: OpenSystem | None = None, kind: str = "gksl"):
        super().__init__(space, system, list(jumps))
        self.kind = kind
        self.H = sp.csr_matrix(H, dtype=complex)
        self.jumps = {k: [(sp.csr_matrix(L, dtype=complex), float(r)) for L, r in v]
                      for k, v in jumps.items()}
        self._LdL = {k: [sp.csr_matrix(L.conj().T @ L) for L, _ in v] for k, v in self.jumps.items()}

    @cached_property
    def D_site(self) -> dict[str, sp.csr_matrix]:
        """``{name: dissipator}`` as sparse ``d^2 x d^2`` matrices (row-major vec)."""
        d = self.dim
        out: dict[str, sp.csr_matrix] = {}
        I = sp.identity(d, dtype=complex, format="csr")
        for name, lst in self.jumps.items():
            D = sp.csr_matrix((d * d, d * d), dtype=complex)
            for (L, r), LdL in zip(lst, self._LdL[name]):
                D = D + r * (sprepost(L, L.conj().T.tocsr(), sparse=True)
                             - 0.5 * sp.kron(LdL, I, format="csr")
                             - 0.5 * sp.kron(I, LdL.T, format="csr"))
            out[name] = sp.csr_matrix(D)
        return out

    @cached_property
    def L_site(self) -> sp.csr_matrix:
        """The generator as a sparse ``d^2 x d^2`` matrix (row-major vec)."""
        L = commutator_superop(self.H, sparse=True)
        for D in self.D_site.values():
            L = L + D
        return sp.csr_matrix(L)

    @cached_property
    def conserves_energy(self) -> bool:  # a Lamb shift added to H breaks sum_b J_b = 0
        diff = self.H - sp.csr_matrix(self.space.H)
        return not (diff.nnz and np.max(np.abs(diff.data)) > 0)

    def _dissipate(self, name: str, rho: np.ndarray) -> np.ndarray:
        out = np.zeros_like(rho)
        for (L, r), LdL in zip(self.jumps[name], self._LdL[name]):
            Y = L @ rho
            out += r * ((L @ Y.conj().T).conj().T - 0.5 * (LdL @ rho + (LdL @ rho.conj().T).conj().T))
        return out

    def apply(self, rho: np.ndarray) -> np.ndarray:
        rho = self._check_rho(rho)
        Hr = self.H @ rho
        out = -1j * (Hr - (self.H @ rho.conj().T).conj().T)
        for name in self.jumps:
            out += self._dissipate(name, rho)
        return out

    def dissipator(self, name: str, rho: np.ndarray) -> np.ndarray:
        self._check_name(name)
        return self._dissipate(name, self._check_rho(rho))

    def matrix(self, basis: str = "site"):
        """Sparse matrix in the site basis (default) or dense in the eigenbasis."""
        return self.L_site if basis == "site" else self._basis_change(self.L_site, basis, "site")


def redfield_stacks(A_s: np.ndarray, G_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    r"""``(At_s, Ad_s, Mk_s, M)`` of the channels with operators ``A_s`` and rates ``G_s`` (``(k, d, d)``,
    eigenbasis): :math:`\tilde A_k = \Gamma_k\circ A_k`, :math:`A_k^\dagger`, :math:`M_k = A_k^\dagger\tilde A_k`
    and :math:`M = \sum_k M_k` (real arrays where the values are)."""
    At_s = _maybe_real(G_s * A_s)
    Ad_s = np.ascontiguousarray(A_s.conj().transpose(0, 2, 1))
    Mk_s = Ad_s @ At_s
    M = _maybe_real(Mk_s.sum(axis=0)) if A_s.shape[0] else np.zeros(A_s.shape[1:])
    return At_s, Ad_s, Mk_s, M


def redfield_tensor(omega: np.ndarray, A_s: np.ndarray, At_s: np.ndarray, M: np.ndarray) -> np.ndarray:
    r"""The Redfield tensor as a dense ``d^2 x d^2`` matrix in the eigenbasis (row-major ``vec``).

    :math:`R = -i\omega_{ab}\,\delta + \sum_k(\tilde A_k\otimes A_k^* + A_k\otimes\tilde A_k^*)
    - M\otimes 1 - 1\otimes M^*`: every Kronecker term as one sum over factor pairs, a single
    matrix product (``R[(a, b), (c, e)] = sum_j X_j[a, c] Y_j[b, e]``).  ``A_s``, ``At_s``: the stacks
    ``(k, d, d)`` of :math:`A_k` and :math:`\tilde A_k = \Gamma_k\circ A_k`;
    ``M`` :math:`= \sum_k A_k^\dagger\tilde A_k`.
    """
    d = omega.shape[0]
    n = d * d
    R = np.empty((d, d, d, d), dtype=complex)
    R[...] = _kronecker_terms(A_s, At_s, M, conj=True)  # one copy
    R = R.reshape(n, n)
    R.reshape(-1)[::n + 1] -= 1j * omega.reshape(-1)
    return R


def _kronecker_terms(A_s: np.ndarray, At_s: np.ndarray, M: np.ndarray, conj: bool) -> np.ndarray:
    r""":math:`\sum_k(\tilde A_k\otimes A_k^* + A_k\otimes\tilde A_k^*) - M\otimes 1 - 1\otimes M^*` as a
    ``(d, d, d, d)`` view ``[a, b, c, e]``: one product over the factor pairs,
    ``sum_j X_j[a, c] Y_j[b, e]`` (``conj=False``: without the conjugations, for real channels)."""
    d = M.shape[0]
    n = d * d
    eye = np.eye(d)[None]
    X = np.concatenate([At_s, A_s, -M[None], eye])
    Y = np.concatenate([A_s, At_s, eye, -M[None]])
    m = X.shape[0]
    P = X.reshape(m, n).T @ (Y.conj() if conj else Y).reshape(m, n)  # P[(a, c), (b, e)]
    return P.reshape(d, d, d, d).transpose(0, 2, 1, 3)


_TRANSPOSE_POS: dict[int, np.ndarray] = {}


def redfield_tensor_real(omega: np.ndarray, A_s: np.ndarray, At_s: np.ndarray, M: np.ndarray) -> np.ndarray:
    r"""The Redfield tensor of real channels on real matrices: ``d^2 x d^2``, real.

    For real :math:`A_k, \tilde A_k, M` (a real Hamiltonian and real couplings) the tensor is
    :math:`R = K - i\omega\circ` with :math:`K` real, and it maps Hermitian matrices to Hermitian
    ones.  A Hermitian :math:`\rho = S + iY` (:math:`S` symmetric, :math:`Y` antisymmetric) is the
    real matrix :math:`Z = S + Y` (an isometry), and :math:`R` acts on it as
    :math:`F(Z) = K(Z) - \omega\circ Z^T`: the real and imaginary parts of :math:`R\rho` are the
    symmetric and antisymmetric parts of :math:`F(Z)`.  So the steady state solves a real system
    of the same size and the same 2-norm condition number.  Arguments as :func:`redfield_tensor`.
    """
    d = omega.shape[0]
    n = d * d
    F = np.ascontiguousarray(_kronecker_terms(A_s, At_s, M, conj=False)).reshape(n, n)
    pos = _TRANSPOSE_POS.get(d)
    if pos is None:  # the flat positions of F[(a, b), (b, a)]
        a, b = np.divmod(np.arange(n), d)
        pos = _TRANSPOSE_POS[d] = np.arange(n) * n + b * d + a
    F.reshape(-1)[pos] -= omega.reshape(-1)
    return F

# ---------------------------------------------------------------------------- builders
def _check_lamb(lamb_shift: Any) -> None:
    if lamb_shift is not None and not isinstance(lamb_shift, (bool, np.bool_)):
        raise InvalidParameterError(
            f"lamb_shift must be True, False or None (each bath's own setting), got {lamb_shift!r}.")


#: ``degeneracy_tol`` may not exceed this fraction of the width of the working-space spectrum
DEGENERACY_TOL_MAX_REL = 1e-3


def _degeneracy_tol(space: Space, tol: float | None) -> float:
    """The level/Bohr-frequency grouping tolerance: default, or a user value checked against the spectrum.

    A tolerance of :data:`DEGENERACY_TOL_MAX_REL` times the spectral width or
    more would treat distinct levels as one (e.g. ``1e6`` merges the whole
    spectrum into a single level and every current vanishes): refused.
    """
    if tol is None:
        return 1e-9 * space.energy_scale
    if (isinstance(tol, bool) or not isinstance(tol, (int, float, np.number))
            or not np.isfinite(tol) or tol < 0):
        raise InvalidParameterError(
            f"degeneracy_tol = {tol!r} must be a finite number >= 0 (energy units); default "
            "None is 1e-9 times the energy scale.")
    E = space.E
    width = float(E[-1] - E[0]) if E.size else 0.0
    if width > 0 and tol >= DEGENERACY_TOL_MAX_REL * width:
        gaps = np.diff(E)
        physical = gaps[gaps > 1e-9 * space.energy_scale]
        hint = (f" (the smallest gap above round-off here is {physical.min():.3g})" if physical.size else "")
        raise InvalidParameterError(
            f"degeneracy_tol = {tol!r} is not small compared with the spectrum (width {width:.6g}; "
            f"the bound is {DEGENERACY_TOL_MAX_REL:g} times the width): it would merge distinct levels "
            "and Bohr frequencies, and the secular generator would lose their transitions. Choose it far "
            f"below every physical gap{hint} and far above round-off, or leave the default None "
            "(1e-9 times the energy scale).")
    return float(tol)


def redfield_liouvillian(system: Any, secular: bool = False, lamb_shift: bool | None = None,
                         *, up_spins: int | None = None, **values: Any) -> Liouvillian:
    r"""Non-secular Redfield generator (or its secular limit) of an open system.

    Parameters
    ----------
    system
        :class:`~symness.open.OpenSystem` or a ``Model`` (then ``values``
        override its parameters).
    secular
        ``True`` returns the secular part of the Redfield tensor with per-pair
        rates (use :func:`davies_liouvillian` for the GKSL Davies generator).
    lamb_shift
        ``None`` uses each bath's ``lamb_shift`` flag (off in every paper
        preset); ``True``/``False`` overrides it.  The principal-value part
        :math:`\sigma(\omega)` is computed by quadrature
        (:meth:`symness.baths.Bath.lamb`).
    up_spins
        Work in the magnetisation sector with this many up spins.

    Returns
    -------
    RedfieldLiouvillian
        ``.matrix("site")`` / ``.matrix("eigen")`` give the dense tensor
        (row-major vectorisation, :mod:`symness.open.superop`),
        ``.apply(rho)`` the matrix-free action.

    Notes
    -----
    Canonical convention: :math:`\Gamma(\omega) = \gamma(\omega)/2 + i\sigma(\omega)`
    with :math:`\omega>0` the energy given to the bath; ring4 eqs. (4)-(10),
    magnification eqs. (26)-(28) are this generator with the ``ring4`` /
    ``magnification`` bath presets.
    """
    if not isinstance(secular, (bool, np.bool_)):
        raise InvalidParameterError(f"secular must be True or False, got {secular!r}.")
    _check_lamb(lamb_shift)
    system = as_system(system, values)
    space = system.space(up_spins)
    chans = channels(system, space, lamb_shift)
    if secular:
        gen = DaviesLiouvillian(system, space, chans, _degeneracy_tol(space, None), per_class=False)
        gen.kind = "secular_redfield"
        return gen
    return RedfieldLiouvillian(system, space, chans)


def davies_liouvillian(system: Any, lamb_shift: bool | None = None, *, up_spins: int | None = None,
                       degeneracy_tol: float | None = None, **values: Any) -> DaviesLiouvillian:
    r"""The Davies (secular, GKSL) generator.

    Jump operators :math:`A_k(\omega) = \sum_{E_c - E_a = \omega} (A_k)_{ac}|a\rangle\langle c|`
    with rates :math:`\gamma_k(\omega)` (canonical convention, :math:`\omega>0`
    emission); degenerate levels and Bohr frequencies are grouped within
    ``degeneracy_tol`` (default ``1e-9`` times the energy scale) -- choose it far
    below every physical gap and far above round-off.
    """
    _check_lamb(lamb_shift)
    system = as_system(system, values)
    space = system.space(up_spins)
    tol = _degeneracy_tol(space, degeneracy_tol)
    chans = operator_channels(system, space, lamb_shift)
    return DaviesLiouvillian(system, space, chans, tol, per_class=True)


def gksl_liouvillian(H: Any, jumps: Sequence[tuple[Any, float]] | Mapping[str, Sequence[tuple[Any, float]]],
                     ) -> GKSLLiouvillian:
    r"""A GKSL generator :math:`-i[H,\rho] + \sum_j r_j\,(L_j\rho L_j^\dagger - \frac12\{L_j^\dagger L_j, \rho\})`.

    Parameters
    ----------
    H
        Hermitian Hamiltonian (numpy, scipy.sparse, QuTiP).
    jumps
        ``[(L, rate), ...]`` or ``{name: [(L, rate), ...]}`` (names become the
        keys of :meth:`~symness.open.NESS.bath_heat_currents`; a plain list is
        one channel group named ``"jumps"``).  Rates must be ``>= 0``.

    Returns
    -------
    GKSLLiouvillian
        Sparse matrix in the given basis (row-major ``vec``).
    """
    from ..validation import check_hermitian

    Hm = as_operator(H, "H")
    refuse_generator_as_hamiltonian(Hm, "H")
    check_hermitian(Hm, "H")
    d = Hm.shape[0]
    try:
        groups = dict(jumps) if isinstance(jumps, Mapping) else {"jumps": list(jumps)}
    except TypeError:
        raise InvalidParameterError(
            "jumps must be a list of (L, rate) pairs or a mapping {name: [(L, rate), ...]}, got "
            f"{type(jumps).__name__}.") from None
    clean: dict[str, list[tuple[Any, float]]] = {}
    for name, lst in groups.items():
        if lst is None or isinstance(lst, (str, bytes, Mapping)) or not hasattr(lst, "__iter__"):
            raise InvalidParameterError(
                f"the jumps of {name!r} must be a list of (L, rate) pairs, got {type(lst).__name__}.")
        out = []
        for i, item in enumerate(lst):
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                raise InvalidParameterError(f"jump {i} of {name!r} must be (L, rate).")
            L, r = item
            L = as_operator(L, f"jump operator {i} of {name!r}", d)
            check_nonnegative(r, f"rate of jump {i} of {name!r}")
            out.append((L, float(r)))
        clean[str(name)] = out
    space = Space(d, _maybe_real(Hm.toarray() if sp.issparse(Hm) else Hm), None, d)
    return GKSLLiouvillian(space, Hm, clean)


def local_lindblad_liouvillian(system: Any, lamb_shift: bool | None = None, *,
                               up_spins: int | None = None,
                               local_hamiltonians: Mapping[str, Any] | None = None,
                               degeneracy_tol: float | None = None, **values: Any) -> GKSLLiouvillian:
    r"""Local Lindblad generator: each bath's jumps from its contact's local Hamiltonian only.

    For a bath with coupling :math:`A` (or :math:`L`, :math:`L^\dagger` for a
    rotating-wave coupling) and local Hamiltonian :math:`h_b`, the jumps are
    :math:`A(\omega) = \sum_{\epsilon'-\epsilon=\omega}\Pi_\epsilon A\Pi_{\epsilon'}`
    (:math:`\Pi` the eigenprojectors of :math:`h_b`) with rates
    :math:`\gamma(\omega)`; the Hamiltonian part is the full :math:`H` (plus
    :math:`\sum\sigma(\omega)A(\omega)^\dagger A(\omega)` if ``lamb_shift``).
    For the coupled qubits of the qubit-kernel paper this is eqs. (4.34)-(4.35)
    transcribed to spins: each qubit damped at its own bare frequency.

    Parameters
    ----------
    local_hamiltonians
        ``{bath: h_b}`` (full-space operators).  Default: the ones stored in
        the system (:meth:`OpenSystem.from_model` takes the model terms acting
        only on the contact sites).
    """
    _check_lamb(lamb_shift)
    system = as_system(system, values)
    space = system.space(up_spins)
    tol = _degeneracy_tol(space, degeneracy_tol)
    jumps: dict[str, list[tuple[np.ndarray, float]]] = {}
    extra_H = np.zeros((space.dim, space.dim), dtype=complex)
    unknown = sorted(set(local_hamiltonians or {}) - {c.name for c in system.couplings})
    if unknown:
        raise InvalidParameterError(
            f"local_hamiltonians names baths {unknown} that the system does not have; its baths "
            f"are {[c.name for c in system.couplings]}.")
    for c in system.couplings:
        if c.name in (local_hamiltonians or {}):
            Hl = as_operator(local_hamiltonians[c.name], f"local Hamiltonian of bath {c.name!r}", system.dim)
            if space.sector is not None and space.sector.leakage(Hl) > 1e-12:
                raise InvalidModelError(f"the local Hamiltonian of bath {c.name!r} does not conserve the "
                                        "number of up spins; drop up_spins.")
            h = space.restrict(Hl)
        else:
            h = system.working_local_hamiltonian(c, space)
        if h is None:
            raise InvalidModelError(
                f"bath {c.name!r} has no local Hamiltonian; pass local_hamiltonians={{'{c.name}': h}} "
                "or build the system with OpenSystem.from_model(model).")
        e, U = np.linalg.eigh(h)
        S = U.conj().T @ space.coupling(c) @ U
        lamb = c.bath.lamb_shift if lamb_shift is None else bool(lamb_shift)
        from .channels import _rate_functions

        lst = []
        for which, rate_f, lamb_f in _rate_functions(c.bath, c.kind, lamb):
            A = S if which in ("S", "L") else S.conj().T
            scale = np.max(np.abs(A)) if A.size else 0.0
            mask = np.abs(A) > 1e-14 * max(scale, 1e-300)
            index, freqs = bohr_frequencies(e, mask, tol)
            for b in np.unique(index[mask]):
                sel = index == b
                Aw = np.where(sel, A, 0.0)
                w = np.array([freqs[b]])
                rate = float(rate_f(w)[0])
                Aw_site = U @ Aw @ U.conj().T
                if rate != 0.0:
                    lst.append((_maybe_real(Aw_site, 1e-15 * max(scale, 1e-300)), rate))
                if lamb_f is not None:
                    extra_H += float(lamb_f(w)[0]) * (Aw_site.conj().T @ Aw_site)
        jumps[c.name] = lst
    Hw = space.H + extra_H
    gen = GKSLLiouvillian(space, Hw, jumps, system=system, kind="local_lindblad")
    return gen
