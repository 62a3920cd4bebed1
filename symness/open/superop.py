r"""Superoperators: the vectorisation convention and small helpers.

Vectorisation convention (used by every matrix in :mod:`symness.open`)
-----------------------------------------------------------------------
**Row-major** stacking: ``vec(rho)[a * d + b] = rho[a, b]`` (NumPy's
``rho.reshape(-1)``), so that

.. math::

    \mathrm{vec}(A\rho B) = (A \otimes B^{T})\,\mathrm{vec}(\rho),

and :math:`-i[H,\cdot]` is ``-1j * (kron(H, I) - kron(I, H.T))``.  QuTiP
stacks columns (``vec_qt(rho)[a + b d] = rho[a, b]``): a symness matrix ``Ls``
and the QuTiP superoperator ``Lq`` of the same generator are related by
``Lq = P @ Ls @ P`` with the index swap ``P[(a, b), (b, a)] = 1``
(:func:`to_column_stacking`).

Matrices are given in the working basis named by ``basis``: ``"site"`` (the
tensor-product basis of the working space -- the full space or a magnetisation
sector, in the order of :attr:`symness.spins.Sector.basis`) or ``"eigen"``
(eigenvectors of :math:`H` in the working space, ascending energies).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidParameterError, ShapeMismatchError

__all__ = [
    "vec",
    "unvec",
    "spre",
    "spost",
    "sprepost",
    "commutator_superop",
    "to_column_stacking",
    "HermitianParam",
]


def _numeric(x: Any, name: str) -> np.ndarray:
    a = np.asarray(x.toarray() if sp.issparse(x) else x)
    if a.dtype.kind not in "biufc":
        raise InvalidParameterError(f"{name} must be a numeric array, got {x!r}.")
    if not np.all(np.isfinite(a)):
        raise InvalidParameterError(f"{name} has NaN or infinite entries; pass finite numbers.")
    return a


def vec(rho: np.ndarray) -> np.ndarray:
    """Row-major vectorisation ``rho.reshape(-1)`` of a square matrix."""
    a = _numeric(rho, "rho")
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ShapeMismatchError(f"rho has shape {a.shape}; vec takes a non-empty square matrix.")
    return a.reshape(-1)


def unvec(v: np.ndarray, d: int | None = None) -> np.ndarray:
    """Inverse of :func:`vec`."""
    v = _numeric(v, "v").reshape(-1)
    if d is not None and (isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0):
        raise InvalidParameterError(f"d = {d!r} must be a non-negative integer dimension.")
    if d is None:
        d = int(round(np.sqrt(v.size)))
    if v.size != d * d:
        raise ShapeMismatchError(
            f"a vector of length {v.size} is not a vectorised {d} x {d} matrix (needs {d * d} "
            "entries).")
    return v.reshape(d, d)


def _eye(d: int, sparse: bool):
    return sp.identity(d, dtype=complex, format="csr") if sparse else np.eye(d)


def _kron(a, b, sparse: bool):
    return sp.kron(a, b, format="csr") if sparse else np.kron(a, b)


def spre(A, sparse: bool | None = None):
    """``rho -> A rho`` as a matrix on ``vec(rho)``."""
    sparse = sp.issparse(A) if sparse is None else sparse
    return _kron(A, _eye(A.shape[0], sparse), sparse)


def spost(B, sparse: bool | None = None):
    """``rho -> rho B`` as a matrix on ``vec(rho)``."""
    sparse = sp.issparse(B) if sparse is None else sparse
    return _kron(_eye(B.shape[0], sparse), B.T, sparse)


def sprepost(A, B, sparse: bool | None = None):
    """``rho -> A rho B`` as a matrix on ``vec(rho)``."""
    sparse = (sp.issparse(A) or sp.issparse(B)) if sparse is None else sparse
    return _kron(A, B.T, sparse)


def commutator_superop(H, sparse: bool | None = None):
    """``rho -> -i [H, rho]``."""
    return -1j * (spre(H, sparse) - spost(H, sparse))


def to_column_stacking(L):
    """Convert a row-major superoperator matrix to QuTiP's column stacking (and back)."""
    if not sp.issparse(L):
        L = _numeric(L, "L")
    if L.ndim != 2:
        raise ShapeMismatchError(f"a superoperator must be a d^2 x d^2 matrix, got shape {L.shape}.")
    n = L.shape[0]
    d = int(round(np.sqrt(n)))
    if d * d != n or L.shape != (n, n):
        raise ShapeMismatchError(
            f"a superoperator must be a d^2 x d^2 matrix, got shape {L.shape}.")
    perm = np.arange(n).reshape(d, d).T.reshape(-1)
    if sp.issparse(L):
        L = sp.csr_matrix(L)
        return L[perm][:, perm]
    return np.asarray(L)[np.ix_(perm, perm)]


#: largest dimension of :class:`HermitianParam` (its coordinates and index arrays grow as d**2)
HERMITIAN_PARAM_MAX_DIM = 2**14


class HermitianParam:
    r"""Isometric real coordinates of Hermitian ``d x d`` matrices (dimension ``d**2``).

    ``x = [diag (d), sqrt(2) Re upper (m), sqrt(2) Im upper (m)]`` with
    ``m = d (d - 1) / 2``; the Frobenius inner product of matrices equals the
    Euclidean one of the coordinates.  Krylov solvers work in these
    coordinates: a Hermiticity-preserving generator is then a real-linear map
    of ``R^{d^2}``, applied with half the matrix products of the complex form.
    """

    def __init__(self, d: int):
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
            raise InvalidParameterError(f"d = {d!r} must be a positive integer dimension.")
        if d > HERMITIAN_PARAM_MAX_DIM:
            raise InvalidParameterError(
                f"d = {d} is too large: the coordinates of a {d} x {d} Hermitian matrix need {d}**2 "
                f"numbers; use d <= {HERMITIAN_PARAM_MAX_DIM}.")
        self.d = d
        self.iu = np.triu_indices(d, 1)
        self.m = len(self.iu[0])
        self.size = d * d

    def to_param(self, H: np.ndarray) -> np.ndarray:
        d, m = self.d, self.m
        if np.shape(H) != (d, d):
            raise ShapeMismatchError(f"expected a {d} x {d} matrix, got shape {np.shape(H)}.")
        x = np.empty(d * d)
        x[:d] = np.real(np.diagonal(H))
        up = H[self.iu]
        lo = H.T[self.iu]  # H[j, i] for i < j
        avg = (up + np.conj(lo)) / 2  # symmetrise round-off
        x[d:d + m] = np.sqrt(2) * avg.real
        x[d + m:] = np.sqrt(2) * avg.imag
        return x

    def from_param(self, x: np.ndarray) -> np.ndarray:
        d, m = self.d, self.m
        if np.size(x) != d * d:
            raise ShapeMismatchError(f"expected {d * d} coordinates, got {np.size(x)}.")
        H = np.zeros((d, d), dtype=complex)
        up = (x[d:d + m] + 1j * x[d + m:]) / np.sqrt(2)
        H[self.iu] = up
        H = H + H.conj().T
        H[np.diag_indices(d)] = x[:d]
        return H

    def trace_vector(self) -> np.ndarray:
        t = np.zeros(self.d * self.d)
        t[:self.d] = 1.0
        return t
