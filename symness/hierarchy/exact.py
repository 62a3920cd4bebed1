r"""Exact NESS of the weak-coupling master equation at finite :math:`\lambda` (the validation path).

Paper: weak_coupling, eqs. (5)--(19).  The generator

.. math::

    \mathcal L(\lambda)\rho = -i[H(\lambda), \rho]
        + \sum_\alpha \big(-[X_\alpha, S_\alpha\rho] + \mathrm{h.c.}\big),
    \qquad S_\alpha = \sum_{pq}\Xi_\alpha(E_p - E_q)\,|p\rangle\langle p|X_\alpha|q\rangle\langle q| ,

is built *directly* from the model -- :math:`H(\lambda)` and the coupling operators
:math:`X_\alpha = \lambda\hat X_\alpha` as given, :math:`E_p` the eigenvalues of
:math:`H(0) = H_0` (eqs. 12--13) -- as a sparse :math:`4^N\times 4^N` matrix acting on the
row-major vectorisation :math:`\mathrm{vec}(A\rho B) = (A\otimes B^T)\mathrm{vec}\,\rho`, and its
null vector is found by a sparse LU of the bordered system
:math:`\begin{pmatrix}\mathcal L & u\\ \mathrm{tr} & 0\end{pmatrix}`.  It shares nothing with
the perturbative code of :mod:`symness.hierarchy.numeric` except the model and bath
definitions, so agreement between the two is a genuine check.

Conventions: :math:`\hbar = 1`; :math:`\Xi(\omega) = \Gamma(-\omega)` of the canonical bath.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..errors import NonUniqueSteadyStateError
from ..models.base import Model
from .expansion import check_spins, expansion_symbol

__all__ = ["exact_generator", "exact_ness"]

#: Liouville dimension up to which the bordered system is solved densely (N <= 6 spins)
DENSE_LIMIT = 4096
#: Largest number of spins of :func:`exact_ness` (4**N unknowns; N = 6 takes ~10 s, N = 7 over 5 min).
MAX_SPINS = 6
#: Largest number of spins of :func:`exact_generator` (a sparse 4**N x 4**N matrix).
MAX_GENERATOR_SPINS = 8


def _bohr_dissipator_ops(H0: sp.spmatrix, X: sp.spmatrix, bath: Any) -> sp.csr_matrix:
    """S of eq. (13) with the Bohr frequencies of H0."""
    H0d = H0.toarray()
    off = H0d - np.diag(np.diag(H0d))
    if not np.any(off):
        E = np.diag(H0d).real
        Xc = sp.coo_matrix(X)
        w = E[Xc.row] - E[Xc.col]
        scale = max(1.0, float(np.abs(E).max()))
        w = np.where(np.abs(w) <= 1e-12 * scale, 0.0, w)
        xi = np.asarray(bath.half_sided(-w), dtype=complex)
        return sp.csr_matrix((xi * Xc.data, (Xc.row, Xc.col)), shape=X.shape)
    E, U = np.linalg.eigh(H0d)
    Xe = U.conj().T @ X.toarray() @ U
    w = E[:, None] - E[None, :]
    scale = max(1.0, float(np.abs(E).max()))
    w = np.where(np.abs(w) <= 1e-9 * scale, 0.0, w)
    xi = np.asarray(bath.half_sided(-w), dtype=complex)
    return sp.csr_matrix(U @ (xi * Xe) @ U.conj().T)


def exact_generator(model: Model, lam: float, *, small: Any = None, **values: Any) -> sp.csr_matrix:
    r"""The sparse generator :math:`\mathcal L(\lambda)` on row-major vectorised density matrices.

    Parameters
    ----------
    model
        The model (e.g. ``tilted_ising(n)``); its couplings carry the factor :math:`\lambda`.
    lam
        Value of the weak-coupling parameter.
    small
        Name of the expansion parameter if it is not ``lambda``.
    **values
        Other parameter values by name (default: the model's).
    """
    check_spins(model, MAX_GENERATOR_SPINS, "exact_generator",
                "symness.hierarchy.exact.MAX_GENERATOR_SPINS")
    name = expansion_symbol(model, small).name
    vals = dict(values)
    vals[name] = lam
    H = sp.csr_matrix(model.hamiltonian(**vals), dtype=complex)
    vals0 = dict(vals)
    vals0[name] = 0
    H0 = sp.csr_matrix(model.hamiltonian(**vals0), dtype=complex)
    d = H.shape[0]
    Id = sp.identity(d, dtype=complex, format="csr")
    L = -1j * (sp.kron(H, Id) - sp.kron(Id, H.T))
    Xs = model.coupling_operators(**vals)
    baths = model.numeric_baths(**vals)
    for X, bath in zip(Xs, baths):
        X = sp.csr_matrix(X, dtype=complex)
        S = _bohr_dissipator_ops(H0, X, bath)
        XS = X @ S
        SdX = S.conj().T @ X
        # -X S rho + S rho X - rho S^dag X + X rho S^dag
        L = L - sp.kron(XS, Id) + sp.kron(S, X.T) - sp.kron(Id, SdX.T) + sp.kron(X, S.conj())
    return sp.csr_matrix(L)


def exact_ness(model: Model, lam: float, *, small: Any = None, **values: Any) -> np.ndarray:
    r"""Null vector of :math:`\mathcal L(\lambda) = \mathcal L_0 + \lambda\mathcal L_1 + \lambda^2\mathcal L_2`.

    Normalised to trace one.

    Returns the :math:`2^N\times 2^N` density matrix (computational basis, site 1 leftmost).
    Accuracy: relative error about :math:`10^{-16}/\lambda^2` (the spectral gap is
    :math:`O(\lambda^2)`), i.e. :math:`10^{-8}` at :math:`\lambda = 10^{-4}`.

    Raises
    ------
    NonUniqueSteadyStateError
        If the generator has more than one stationary state (bordered system singular).
    """
    check_spins(model, MAX_SPINS, "exact_ness", "symness.hierarchy.exact.MAX_SPINS")
    L = exact_generator(model, lam, small=small, **values)
    D = L.shape[0]
    d = int(round(np.sqrt(D)))
    tr = sp.csr_matrix(np.eye(d).reshape(1, -1))
    u = sp.csr_matrix(np.eye(d).reshape(-1, 1) / d)
    B = sp.bmat([[L, u], [tr, None]], format="csc")
    rhs = np.zeros(D + 1, dtype=complex)
    rhs[-1] = 1.0
    try:
        if D <= DENSE_LIMIT:  # dense LU beats SuperLU's fill-in on these Kronecker structures
            sol = np.linalg.solve(B.toarray(), rhs)
        else:
            sol = spla.splu(B, permc_spec="MMD_AT_PLUS_A").solve(rhs)
    except (RuntimeError, np.linalg.LinAlgError) as exc:
        raise NonUniqueSteadyStateError(
            "the exact generator has more than one stationary state (the bordered system is "
            "singular); check that the baths relax every sector.", reason="singular generator") from exc
    if abs(sol[-1]) > 1e-6 * max(1.0, float(np.abs(sol[:-1]).max())) or not np.all(np.isfinite(sol)):
        raise NonUniqueSteadyStateError(
            "the exact generator's steady state is not unique or numerically ill-defined at "
            f"lambda = {lam}.", reason="ill-conditioned generator")
    rho = sol[:-1].reshape(d, d)
    return (rho + rho.conj().T) / 2
