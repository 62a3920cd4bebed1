r"""Observables of density matrices: currents, magnetisations, concurrence, ergotropy, entropy.

Functions of a density matrix that do not need a generator.  Site indices are
1-based; operators follow the foundation's basis convention
(:mod:`symness.spins`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidParameterError, ShapeMismatchError, SiteOutOfRangeError
from ..spins import _check_site, op_product
from ..validation import as_array, check_hermitian

__all__ = [
    "as_state",
    "STATE_TOL",
    "partial_trace",
    "concurrence",
    "von_neumann_entropy",
    "passive_state",
    "ergotropy",
    "two_site_part",
    "bond_current_operator",
    "spin_current_operator",
]

_SY2 = np.array([[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]], dtype=complex)  # sy x sy


def _matrix(m: Any, name: str, dim: int | None = None) -> np.ndarray:
    """``m`` as a finite square complex numpy matrix (QuTiP / sparse accepted), of size ``dim``."""
    m = as_array(m)
    m = m.toarray() if sp.issparse(m) else np.asarray(m)
    if m.dtype.kind not in "biufc":
        raise InvalidParameterError(f"{name} must be a numeric matrix, got dtype {m.dtype}.")
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise ShapeMismatchError(f"{name} has shape {m.shape}; it must be a square matrix.")
    if dim is not None and m.shape[0] != dim:
        raise ShapeMismatchError(f"{name} has shape {m.shape}; expected {dim} x {dim}.")
    if not np.all(np.isfinite(m)):
        raise InvalidParameterError(f"{name} has non-finite entries; pass finite numbers.")
    return m.astype(complex)


#: default tolerance of :func:`as_state` (Hermiticity, unit trace, positivity)
STATE_TOL = 1e-8


def as_state(rho: Any, name: str = "rho", dim: int | None = None, *, tol: float = STATE_TOL,
             positive: bool = True) -> np.ndarray:
    r"""``rho`` as a density matrix: Hermitian, trace one, no eigenvalue below ``-tol``.

    Tolerance-aware: deviations up to ``tol`` (relative to ``max(1, max|rho|)``
    for Hermiticity) are round-off and accepted; the Hermitian part is returned.
    ``positive=False`` skips the eigenvalue test (a Redfield steady state, whose
    negativity is reported by :class:`~symness.errors.PositivityWarning`).

    Raises
    ------
    InvalidParameterError
        Not Hermitian, trace not one, or a negative eigenvalue; the message says
        what to change (normalise, symmetrise, pass a state).
    """
    m = _matrix(rho, name, dim)
    if (isinstance(tol, bool) or not isinstance(tol, (int, float, np.number)) or not np.isfinite(tol)
            or tol < 0):
        raise InvalidParameterError(f"tol = {tol!r} must be a finite number >= 0.")
    scale = max(1.0, float(np.max(np.abs(m)))) if m.size else 1.0
    herm = float(np.max(np.abs(m - m.conj().T))) if m.size else 0.0
    if herm > tol * scale:
        raise InvalidParameterError(
            f"{name} is not Hermitian (max |rho - rho^dagger| = {herm:.3g}); a density matrix is Hermitian. "
            "Pass a state, e.g. (rho + rho^dagger) / 2 if the asymmetry is round-off.")
    m = (m + m.conj().T) / 2
    tr = float(np.real(np.trace(m)))
    if not abs(tr - 1.0) <= tol:
        raise InvalidParameterError(
            f"{name} has trace {tr:.12g}, not 1; a density matrix has unit trace. Normalise it "
            "(rho / trace(rho)), or for a ket divide by its norm.")
    if positive and m.size:
        lam = float(np.linalg.eigvalsh(m)[0])
        if lam < -tol:
            raise InvalidParameterError(
                f"{name} has a negative eigenvalue {lam:.3g}; a density matrix is positive semidefinite. "
                "Pass a state.")
    return m


def _operator(m: Any, name: str, dim: int | None = None) -> Any:
    """A finite square numeric operator, sparse kept sparse (CSR), else a complex array."""
    if m is None or isinstance(m, (str, bytes)):
        raise InvalidParameterError(f"{name} is {m!r}; pass a square numeric matrix.")
    a = as_array(m)
    if sp.issparse(a):
        if a.shape[0] != a.shape[1] or (dim is not None and a.shape[0] != dim):
            raise ShapeMismatchError(f"{name} has shape {a.shape}; expected a square"
                                     f"{'' if dim is None else f' {dim} x {dim}'} matrix.")
        a = sp.csr_matrix(a, dtype=complex)
        if a.nnz and not np.all(np.isfinite(a.data)):
            raise InvalidParameterError(f"{name} has non-finite entries; pass finite numbers.")
        return a
    return _matrix(a, name, dim)


def partial_trace(rho: np.ndarray, keep: list[int] | tuple[int, ...], n: int) -> np.ndarray:
    """Reduced density matrix of the (1-based, increasing) sites ``keep`` of ``n`` spins."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidParameterError(f"n = {n!r} must be a positive integer number of spins.")
    if isinstance(keep, (str, bytes)) or not hasattr(keep, "__iter__"):
        raise InvalidParameterError(f"keep = {keep!r} must be a list of 1-based sites, e.g. (1, 2).")
    keep = list(keep)
    for k in keep:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise SiteOutOfRangeError(f"site {k!r} is not an integer; sites are 1-based (1..{n}).")
        if not 1 <= k <= n:
            raise SiteOutOfRangeError(f"site {k} is out of range 1..{n}.")
    keep = sorted(int(k) for k in keep)
    if len(set(keep)) != len(keep):
        raise InvalidParameterError(f"sites {keep} repeat; give distinct sites.")
    rho = _matrix(rho, "rho", 2**n)
    t = rho.reshape((2,) * (2 * n))
    drop = [l for l in range(1, n + 1) if l not in keep]
    # move kept row/col axes first, contract the dropped ones
    rows = [k - 1 for k in keep] + [l - 1 for l in drop]
    cols = [n + k - 1 for k in keep] + [n + l - 1 for l in drop]
    t = np.transpose(t, rows + cols)
    dk, dd = 2 ** len(keep), 2 ** len(drop)
    t = t.reshape(dk, dd, dk, dd)
    return np.einsum("ajbj->ab", t)


def concurrence(rho2: np.ndarray, *, tol: float = STATE_TOL, positive: bool = True) -> float:
    r"""Wootters concurrence of a two-qubit density matrix (magnification eq. 38).

    :math:`C = \max(0, \lambda_1-\lambda_2-\lambda_3-\lambda_4)` with
    :math:`\lambda_i` the decreasing square roots of the eigenvalues of
    :math:`\rho\tilde\rho`, :math:`\tilde\rho = (\sigma^y\otimes\sigma^y)\rho^*(\sigma^y\otimes\sigma^y)`
    (basis independent of the :math:`\sigma^z` sign convention).  Tiny negative
    eigenvalues from round-off or a non-positive Redfield state are clipped to 0.
    ``rho2`` must be a state (:func:`as_state` with ``tol``, ``positive``).
    """
    rho2 = as_array(rho2)
    rho2 = rho2.toarray() if sp.issparse(rho2) else np.asarray(rho2)
    if rho2.shape != (4, 4):
        raise InvalidParameterError(f"concurrence needs a 4 x 4 two-qubit state, got {rho2.shape}.")
    rho2 = as_state(rho2, "rho2", 4, tol=tol, positive=positive)
    rt = _SY2 @ rho2.conj() @ _SY2
    ev = np.linalg.eigvals(rho2 @ rt)
    lam = np.sort(np.sqrt(np.clip(ev.real, 0.0, None)))[::-1]
    return float(max(0.0, lam[0] - lam[1] - lam[2] - lam[3]))


def von_neumann_entropy(rho: np.ndarray, *, tol: float = STATE_TOL, positive: bool = True) -> float:
    r""":math:`S = -\mathrm{tr}\,\rho\ln\rho` (natural log; eigenvalues :math:`\le 0` contribute 0).

    ``rho`` must be a state (:func:`as_state` with ``tol``, ``positive``).
    """
    rho = as_state(rho, "rho", tol=tol, positive=positive)
    p = np.linalg.eigvalsh(rho)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


def _state_and_hamiltonian(rho: Any, H: Any, tol: float, positive: bool) -> tuple[np.ndarray, np.ndarray]:
    rho = _matrix(rho, "rho")
    H = _matrix(H, "H", rho.shape[0])
    rho = as_state(rho, "rho", tol=tol, positive=positive)
    check_hermitian(H, "H")
    return rho, H


def passive_state(rho: np.ndarray, H: np.ndarray, *, tol: float = STATE_TOL, positive: bool = True
                  ) -> np.ndarray:
    r"""Passive state :math:`\sum_k p_k|E_k\rangle\langle E_k|`, :math:`p_1\ge p_2\ge\dots`, :math:`E_1\le E_2\le\dots`.

    ring4 eq. (15), magnification eqs. (39)-(40), in the basis of ``rho`` and ``H``.
    ``rho`` must be a state (:func:`as_state` with ``tol``, ``positive``).
    """
    rho, H = _state_and_hamiltonian(rho, H, tol, positive)
    p = np.sort(np.linalg.eigvalsh(rho))[::-1]
    E, V = np.linalg.eigh(H)
    return (V * p) @ V.conj().T


def ergotropy(rho: np.ndarray, H: np.ndarray, *, tol: float = STATE_TOL, positive: bool = True) -> float:
    r"""Ergotropy :math:`\mathrm{tr}(\rho H) - \mathrm{tr}(\rho_{\rm passive}H) \ge 0`.

    ring4 eq. (14), magnification eq. (41); ``rho`` and ``H`` in the same basis;
    ``rho`` must be a state (:func:`as_state` with ``tol``, ``positive``).  The
    difference is never negative (rearrangement inequality, for any Hermitian
    ``rho``), so a negative round-off residue is returned as 0.
    """
    rho, H = _state_and_hamiltonian(rho, H, tol, positive)
    p = np.sort(np.linalg.eigvalsh(rho))[::-1]
    E = np.linalg.eigvalsh(H)
    return max(0.0, float(np.real(np.sum(rho.T * H)) - np.dot(p, E)))


_PAULI = ("x", "y", "z")


def two_site_part(H: Any, i: int, j: int, n: int) -> sp.csr_matrix:
    r"""The two-site Pauli part :math:`\sum_{a,b\in\{x,y,z\}} c_{ab}\sigma^a_i\sigma^b_j` of ``H``.

    :math:`c_{ab} = \mathrm{tr}(H\sigma^a_i\sigma^b_j)/2^n` (terms acting on
    sites ``i`` and ``j`` only, identity elsewhere).
    """
    _check_site(i, n)
    _check_site(j, n)
    if i == j:
        raise InvalidParameterError(f"sites i = j = {i}: a two-site part needs two different sites.")
    Hs = sp.csr_matrix(_operator(H, "H", 2**n))
    out = sp.csr_matrix(Hs.shape, dtype=complex)
    for a in _PAULI:
        for b in _PAULI:
            P = op_product({i: a, j: b}, n)
            c = complex(Hs.multiply(P.T).sum()) / 2**n
            if abs(c) > 1e-15:
                out = out + c * P
    return out


def bond_current_operator(h_in: Any, h_out: Any) -> Any:
    r"""Bond energy current :math:`i[h_{\rm in}, h_{\rm out}]` (ring4 eq. 12, magnification eq. 32).

    Dense if both inputs are dense, else CSR.
    """
    h_in = _operator(h_in, "h_in")
    h_out = _operator(h_out, "h_out", h_in.shape[0])
    if sp.issparse(h_in) or sp.issparse(h_out):
        a, b = sp.csr_matrix(h_in), sp.csr_matrix(h_out)
        return sp.csr_matrix(1j * (a @ b - b @ a))
    a, b = np.asarray(h_in), np.asarray(h_out)
    return 1j * (a @ b - b @ a)


@lru_cache(maxsize=64)
def _up_op(j: int, n: int, dense: bool) -> Any:
    op = op_product({j: "u"}, n)
    return op.toarray() if dense else op


def spin_current_operator(h_bond: Any, j: int, n: int, dense: bool = False) -> Any:
    r"""Spin current into site ``j`` through a bond: :math:`i[h_{ij}, \sigma^u_j]`.

    For the XXZ bond :math:`J(\sigma^x_i\sigma^x_j+\sigma^y_i\sigma^y_j)+\dots` this is
    :math:`J(\sigma^x_i\sigma^y_j - \sigma^y_i\sigma^x_j)`, ring4 eq. (13): the rate
    at which up spins move from ``i`` to ``j``.
    """
    _check_site(j, n)
    h_bond = _operator(h_bond, "h_bond", 2**n)
    return bond_current_operator(h_bond, _up_op(j, n, dense and not sp.issparse(h_bond)))
