r"""Order-by-order steady state of :math:`\mathcal L = \sum_n \lambda^n\mathcal L_n`, numerically.

Paper: weak_coupling, Sect. III, eqs. (20)--(67), Appendix A.

Representation
--------------
Operators are :math:`2^N\times 2^N` matrices written in the basis
:math:`|E_{n,k}\rangle` of degenerate perturbation theory (eqs. 25--27): eigenvectors
of :math:`H_0` (energy :math:`E_n`) that diagonalise the block-diagonal part of
:math:`H_1` (eigenvalue :math:`e^{(n)}_k`).  In that basis every projection and
pseudo-inverse of the paper acts element-wise on :math:`\tilde\rho_{ab}`:

* :math:`\mathcal P_0` keeps :math:`E_a = E_b` (eq. 29), :math:`\mathcal Q_0 = 1-\mathcal P_0` (35);
* :math:`(\mathcal Q_0\mathcal L_0\mathcal Q_0)^{-1}`: :math:`\tilde\rho_{ab}\mapsto\tilde\rho_{ab}/(-i(E_a-E_b))`
  on :math:`\mathrm{Im}\,\mathcal Q_0` (eqs. 39--40);
* :math:`\mathcal P_1` keeps the diagonal (eq. 33), :math:`\mathcal Q_1 = \mathcal P_0-\mathcal P_1` (36);
* :math:`(\mathcal Q_1\mathcal L_1\mathcal Q_1)^{-1}`: :math:`\tilde\rho_{ab}\mapsto\tilde\rho_{ab}/(-i(e_a-e_b))`
  for :math:`a\ne b` in one :math:`H_0` block;
* :math:`\mathcal P_1\mathcal L_2\mathcal P_1` is the classical rate matrix
  :math:`W_{ab} = \langle a|\mathcal L_2(|b\rangle\langle b|)|a\rangle`; its pseudo-inverse is taken on
  traceless vectors, the kernel component being fixed by :math:`\mathrm{Tr}\rho_m = 0` (eqs. 62--63).

Hypotheses checked (never silently assumed)
-------------------------------------------
* the :math:`e^{(n)}_k` are non-degenerate inside each :math:`H_0` block (after eq. 27) -- else
  :class:`~symness.errors.DegeneracyError`; :meth:`Hierarchy.eq44_residual` then shows that the
  identity (44) fails on the true :math:`\mathrm{Ker}\,\mathcal P_0\mathcal L_1\mathcal P_0`;
* :math:`\mathcal P_1\mathcal L_2\mathcal P_1` has a one-dimensional kernel -- else
  :class:`~symness.errors.NonUniqueSteadyStateError`.

Conventions: :math:`\hbar = 1`; :math:`\mathcal L_0\rho = -i[H_0,\rho]`; dissipators of eq. (7) with
:math:`\Xi(\omega) = \Gamma(-\omega)` of the canonical bath (``docs/conventions.md``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import numpy as np
import scipy.linalg as sla

from ..errors import (
    DegeneracyError,
    InvalidParameterError,
    NonUniqueSteadyStateError,
    ShapeMismatchError,
    SymnessWarning,
)
from ..models.base import Model, terms_operator
from .expansion import OrderedModel, bath_xi, check_spins, expand_model

__all__ = ["Hierarchy", "perturbative_ness"]


#: Largest number of spins of the numeric hierarchy (dense 2**N x 2**N matrices; N = 10 takes ~30 s).
MAX_SPINS = 10
#: Highest order of lambda computed (each order m costs O(m) generator applications).
MAX_ORDER = 50


def _check_order(m: Any, name: str) -> None:
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 0:
        raise InvalidParameterError(f"{name} = {m!r} must be an integer >= 0 (a power of lambda).")
    if m > MAX_ORDER:
        raise InvalidParameterError(
            f"{name} = {m} is beyond MAX_ORDER = {MAX_ORDER} powers of lambda; a weak-coupling series "
            "is used at a few orders (raise symness.hierarchy.numeric.MAX_ORDER deliberately).")



class Hierarchy:
    r"""The perturbative NESS hierarchy of a model, numerically (any N that fits in memory).

    Parameters
    ----------
    model
        A :class:`~symness.models.base.Model` (e.g. :func:`symness.models.tilted_ising`) whose
        coefficients are polynomials in the weak-coupling parameter.
    small
        The expansion parameter (default: the model's symbol ``lambda``).
    values
        Numeric parameter values (by name), overriding the model defaults.
    tol
        Relative tolerance for degeneracies of :math:`H_0` and of :math:`H_1` inside the blocks.
    allow_degenerate
        Build the object even when :math:`H_1` is degenerate inside an :math:`H_0` block
        (for diagnostics such as :meth:`eq44_residual`); :meth:`rho` then raises.

    Attributes
    ----------
    V
        Unitary whose columns are :math:`|E_{n,k}\rangle` (eqs. 25--27).
    E
        :math:`H_0` energies of the columns (equal within a block, exactly).
    e
        :math:`e^{(n)}_k`, the :math:`H_1` eigenvalues inside each block.
    block
        Block label of each column.
    """

    def __init__(self, model: Model | OrderedModel, small: Any = None,
                 values: Mapping[Any, Any] | None = None, *, tol: float = 1e-9,
                 allow_degenerate: bool = False, **kw: Any):
        if (isinstance(tol, bool) or not isinstance(tol, (int, float, np.number))
                or not np.isfinite(tol) or tol <= 0):
            raise InvalidParameterError(f"tol = {tol!r} must be a finite number > 0 (relative).")
        check_spins(model, MAX_SPINS, "the numeric hierarchy", "symness.hierarchy.numeric.MAX_SPINS")
        if values is not None and not isinstance(values, Mapping):
            raise InvalidParameterError(
                f"values must be a mapping {{name: number}}, got {type(values).__name__} {values!r}.")
        vals = dict(values or {})
        vals.update(kw)
        om = model if isinstance(model, OrderedModel) else expand_model(model, small, vals)
        self.ordered = om
        self.n = om.n
        self.dim = 2**om.n
        self.tol = tol
        self.H = {k: np.asarray(terms_operator(t, om.n, "numpy"), dtype=complex)
                  for k, t in om.hamiltonian.items()}
        H0 = self.H[0]
        H1 = self.H.get(1, np.zeros_like(H0))
        scale0 = max(1.0, float(np.abs(H0).max()))
        # --- H0 eigenbasis, blocks with exactly equal energies
        if np.count_nonzero(H0 - np.diag(np.diag(H0))) == 0:
            E0 = np.diag(H0).real.copy()
            U0 = np.eye(self.dim, dtype=complex)
        else:
            E0, U0 = np.linalg.eigh(H0)
        order = np.argsort(E0, kind="stable")
        E0, U0 = E0[order], U0[:, order]
        labels = np.zeros(self.dim, dtype=int)
        for i in range(1, self.dim):
            labels[i] = labels[i - 1] + (1 if E0[i] - E0[i - 1] > tol * scale0 else 0)
        nblocks = labels[-1] + 1
        E = np.array([E0[labels == b].mean() for b in range(nblocks)])[labels]
        # --- degenerate perturbation theory inside each block (eqs. 25-27)
        V = np.zeros_like(U0)
        e = np.zeros(self.dim)
        scale1 = max(1.0, float(np.abs(H1).max()))
        self.degenerate_pairs: list[tuple[int, int]] = []
        for b in range(nblocks):
            idx = np.flatnonzero(labels == b)
            Ub = U0[:, idx]
            hb = Ub.conj().T @ H1 @ Ub
            eb, wb = np.linalg.eigh((hb + hb.conj().T) / 2)
            V[:, idx] = Ub @ wb
            e[idx] = eb
            for i in range(len(idx)):
                for j in range(i + 1, len(idx)):
                    if abs(eb[i] - eb[j]) <= tol * scale1:
                        self.degenerate_pairs.append((int(idx[i]), int(idx[j])))
        self.V, self.E, self.e, self.block = V, E, e, labels
        if self.degenerate_pairs and not allow_degenerate:
            a, b = self.degenerate_pairs[0]
            raise DegeneracyError(
                f"H1 is degenerate inside the H0 block of energy {E[a]:.6g}: e_k = {e[a]:.12g} and "
                f"{e[b]:.12g} ({len(self.degenerate_pairs)} degenerate pair(s)). The hierarchy of eqs. "
                "(45)-(47), (52)-(62) assumes non-degenerate E_{n,k} (after eq. 27); with a degeneracy "
                "Ker P0 L1 P0 contains coherences and eq. (44) fails. Break the degeneracy (unequal bath "
                "temperatures, a tilt theta != pi/2, ...) or use the exact NESS "
                "(symness.hierarchy.exact_ness).")
        # --- element-wise masks in the |E_{n,k}> basis
        same = labels[:, None] == labels[None, :]
        dE = E[:, None] - E[None, :]
        de = e[:, None] - e[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            self._R0 = np.where(same, 0.0, 1.0 / (-1j * np.where(same, 1.0, dE)))
            off = same & ~np.eye(self.dim, dtype=bool)
            self._R1 = np.where(off, 1.0 / (-1j * np.where(off, de, 1.0)), 0.0)
        self._same = same
        # --- Hamiltonians and dissipators in the rotated basis
        self.Ht = {k: V.conj().T @ Hk @ V for k, Hk in self.H.items()}
        self.dissipators: list[tuple[str, int, np.ndarray, np.ndarray]] = []
        for name, k, terms, bath in om.couplings:
            X = np.asarray(terms_operator(terms, om.n, "numpy"), dtype=complex)
            Xt = V.conj().T @ X @ V
            St = bath_xi(bath, dE) * Xt  # eq. (13): S_ab = Xi(E_a - E_b) X_ab
            self.dissipators.append((name, 2 * k, Xt, St))
        self.max_order = max([*self.Ht, *(o for _, o, _, _ in self.dissipators)])

    # ------------------------------------------------------------------ basis
    def _square(self, m: Any, name: str) -> np.ndarray:
        try:
            a = np.asarray(m.full() if hasattr(m, "full") and hasattr(m, "dims") else m)
        except (TypeError, ValueError):
            a = np.asarray(None)
        if a.dtype.kind not in "biufc":
            raise InvalidParameterError(f"{name} must be a numeric {self.dim} x {self.dim} matrix, got {m!r}.")
        if a.shape != (self.dim, self.dim):
            raise ShapeMismatchError(
                f"{name} has shape {a.shape}; the {self.n}-spin hierarchy needs a "
                f"{self.dim} x {self.dim} matrix.")
        if not np.all(np.isfinite(a)):
            raise InvalidParameterError(f"{name} has NaN or infinite entries; pass a finite matrix.")
        return a

    def to_basis(self, rho: np.ndarray) -> np.ndarray:
        """Matrix in the computational basis -> the :math:`|E_{n,k}\\rangle` basis."""
        rho = self._square(rho, "rho")
        return self.V.conj().T @ rho @ self.V

    def from_basis(self, rt: np.ndarray) -> np.ndarray:
        """Matrix in the :math:`|E_{n,k}\\rangle` basis -> the computational basis."""
        rt = self._square(rt, "rt")
        return self.V @ rt @ self.V.conj().T

    # ------------------------------------------------------------ superoperators
    def L(self, k: int, rt: np.ndarray) -> np.ndarray:
        r""":math:`\mathcal L_k` applied to ``rt`` (rotated basis): :math:`-i[H_k,\cdot]` + order-k dissipators."""
        _check_order(k, "k")
        rt = self._square(rt, "rt")
        out = np.zeros_like(rt, dtype=complex)
        if k in self.Ht:
            Hk = self.Ht[k]
            out += -1j * (Hk @ rt - rt @ Hk)
        for _, o, X, S in self.dissipators:
            if o == k:
                out += dissipate(X, S, rt)
        return out

    def P0(self, rt: np.ndarray) -> np.ndarray:
        """Projection on Ker L0 (eq. 29)."""
        rt = self._square(rt, "rt")
        return np.where(self._same, rt, 0.0)

    def Q0(self, rt: np.ndarray) -> np.ndarray:
        """1 - P0 (eq. 35)."""
        rt = self._square(rt, "rt")
        return np.where(self._same, 0.0, rt)

    def P1(self, rt: np.ndarray) -> np.ndarray:
        """Projection on Ker P0 L1 P0: the diagonal in the ``|E_{n,k}>`` basis (eq. 33)."""
        rt = self._square(rt, "rt")
        return np.diag(np.diag(rt))

    def Q1(self, rt: np.ndarray) -> np.ndarray:
        """P0 - P1 (eq. 36)."""
        rt = self._square(rt, "rt")
        return self.P0(rt) - self.P1(rt)

    def R0(self, rt: np.ndarray) -> np.ndarray:
        r""":math:`(\mathcal Q_0\mathcal L_0\mathcal Q_0)^{-1}\mathcal Q_0` (eqs. 39--40)."""
        rt = self._square(rt, "rt")
        return self._R0 * rt

    def R1(self, rt: np.ndarray) -> np.ndarray:
        r""":math:`(\mathcal Q_1\mathcal L_1\mathcal Q_1)^{-1}\mathcal Q_1` (eq. 55)."""
        rt = self._square(rt, "rt")
        return self._R1 * rt

    @cached_property
    def W(self) -> np.ndarray:
        r"""Rate matrix :math:`\mathcal P_1\mathcal L_2\mathcal P_1` on populations (eq. 47)."""
        W = np.zeros((self.dim, self.dim))
        for _, o, X, S in self.dissipators:
            if o == 2:
                W += 2 * np.real(S * X.T) - np.diag(2 * np.real(np.einsum("ab,ba->a", X, S)))
        return W

    @cached_property
    def _bordered(self) -> Any:
        n = self.dim
        # conditioning: a singular bordered matrix = more than one stationary population vector.
        # W is a sum of terms of size |S||X| that cancel down to ~sin(theta)^2 for a small tilt: its
        # rounding error is ~ u sum|S||X|, which bounds what float64 can resolve
        sv = np.linalg.svd(self.W, compute_uv=False)
        scale = sv[0] if sv[0] > 0 else 1.0
        mag = sum(float(np.abs(S).max() * np.abs(X).max()) for _, o, X, S in self.dissipators if o == 2)
        noise = np.finfo(float).eps * mag
        if n > 1 and sv[-2] <= max(1e-10 * scale, 100 * noise):
            nk = int(np.sum(sv <= max(1e-10 * scale, 100 * noise)))
            raise NonUniqueSteadyStateError(
                f"P1 L2 P1 has a {nk}-dimensional kernel (to float64 precision): the baths do not connect "
                "all the states |E_nk> (e.g. theta = 0, where the couplings commute with H0), so eq. (47) "
                "does not fix rho_0. Choose couplings that relax every H0 block (0 < theta); close to such "
                "a point use SymbolicHierarchy(...).evaluate(m, point) (two spins, exact).",
                reason="P1 L2 P1 kernel dimension > 1", classes=[nk])
        if noise / scale > 1e-8:
            warnings.warn(
                f"P1 L2 P1 is {scale:.3g}, small against its terms ({mag:.3g}): float64 resolves the "
                f"populations only to a relative ~{noise / scale:.1g} (e.g. sin(theta) close to 0). For two "
                "spins use SymbolicHierarchy(...).evaluate(m, point) (exact), or exact_ness.",
                SymnessWarning, stacklevel=3)
        # the border carries W's own scale: with a unit border, rates ~ sin(theta)^2 ~ 1e-29 (theta
        # within 1e-15 of pi) gave populations of 1e15
        B = np.zeros((n + 1, n + 1))
        B[:n, :n] = self.W
        B[:n, n] = scale
        B[n, :n] = scale
        self._border = scale
        lu = sla.lu_factor(B)
        return lu

    def solve_W(self, r: np.ndarray, total: float = 0.0) -> np.ndarray:
        r"""Solve :math:`W x = r` with :math:`\sum_a x_a` = ``total`` (``r`` must sum to zero)."""
        try:
            r = np.asarray(r, dtype=complex).reshape(-1)
            total = float(total)
        except (TypeError, ValueError):
            raise InvalidParameterError(
                f"solve_W needs a vector r of {self.dim} numbers and a real total.") from None
        if r.size != self.dim or not np.all(np.isfinite(r)) or not np.isfinite(total):
            raise InvalidParameterError(
                f"solve_W needs a finite vector r of {self.dim} numbers (got {r.size}) and a finite total.")
        lu = self._bordered
        rhs = np.concatenate([np.real(r), [total * self._border]])
        sol = sla.lu_solve(lu, rhs)
        return sol[:-1]

    # ------------------------------------------------------------------ orders
    @cached_property
    def _rhos(self) -> list[np.ndarray]:
        if self.degenerate_pairs:
            raise DegeneracyError(
                "H1 is degenerate inside an H0 block; the hierarchy's P1 (eq. 33) is not the kernel "
                "projection and eqs. (44)-(47) fail. See eq44_residual().")
        p = self.solve_W(np.zeros(self.dim), 1.0)
        return [np.diag(p).astype(complex)]

    def rho_tilde(self, m: int) -> np.ndarray:
        r""":math:`\rho_m` in the :math:`|E_{n,k}\rangle` basis (eqs. 45--47 for m = 0, 52/55/62 above)."""
        _check_order(m, "m")
        rhos = self._rhos
        while len(rhos) <= m:
            rhos.append(self._next(rhos))
        return rhos[m]

    def _next(self, rhos: list[np.ndarray]) -> np.ndarray:
        m = len(rhos)
        L = self.L
        # eq. (52)
        A = sum((L(n, rhos[m - n]) for n in range(1, m + 1)), np.zeros_like(rhos[0]))
        q0 = -self.R0(A)
        # eq. (55)
        B = L(1, q0) + sum((L(n, rhos[m + 1 - n]) for n in range(2, m + 2)), np.zeros_like(q0))
        q1 = -self.R1(B)
        # eq. (62)
        y = q0 + q1
        rhs = L(1, self.R0(L(1, y))) - L(2, y)
        for n in range(2, m + 2):
            r = rhos[m + 1 - n]
            rhs = rhs + L(1, self.R0(L(n, r))) - L(n + 1, r)
        d = np.real(np.diag(rhs))
        x = self.solve_W(d, 0.0)  # eq. (63): Tr rho_m = 0 fixes the multiple of rho_0
        return q0 + q1 + np.diag(x)

    def rho(self, m: int) -> np.ndarray:
        r""":math:`\rho_m` in the computational basis (Hermitian; trace 1 for m = 0, 0 otherwise)."""
        rt = self.rho_tilde(m)
        out = self.from_basis(rt)
        return (out + out.conj().T) / 2

    def series(self, order: int) -> list[np.ndarray]:
        """``[rho_0, ..., rho_order]`` in the computational basis."""
        _check_order(order, "order")
        return [self.rho(m) for m in range(order + 1)]

    def truncated(self, lam: float, order: int) -> np.ndarray:
        r""":math:`\sum_{m\le \mathrm{order}}\lambda^m\rho_m`."""
        if (isinstance(lam, bool) or not isinstance(lam, (int, float, np.number))
                or not np.isfinite(lam)):
            raise InvalidParameterError(f"lam = {lam!r} must be a finite real number.")
        return sum(lam**m * r for m, r in enumerate(self.series(order)))

    # -------------------------------------------------------------- diagnostics
    def eq44_residual(self) -> float:
        r"""Max norm of :math:`\mathcal P\mathcal L_1(\mathcal Q_0\mathcal L_0\mathcal Q_0)^{-1}\mathcal L_1\mathcal P`
        on :math:`\mathrm{Ker}\,\mathcal P_0\mathcal L_1\mathcal P_0` (eq. 44, Appendix A).

        :math:`\mathcal P` is the *true* kernel projection: the diagonal plus the coherences
        between degenerate :math:`e^{(n)}_k`.  Zero (to rounding) when the hypothesis of
        non-degeneracy holds; typically of order :math:`\|H_1\|^2/h` when it fails.
        """
        basis = [(a, a) for a in range(self.dim)] + self.degenerate_pairs + \
            [(b, a) for a, b in self.degenerate_pairs]
        keep = np.zeros((self.dim, self.dim), dtype=bool)
        for a, b in basis:
            keep[a, b] = True
        worst = 0.0
        for a, b in basis:
            rt = np.zeros((self.dim, self.dim), dtype=complex)
            rt[a, b] = 1.0
            out = self.L(1, self.R0(self.L(1, rt)))
            worst = max(worst, float(np.abs(np.where(keep, out, 0.0)).max()))
        return worst

    def kernel_check(self) -> float:
        r""":math:`\max|\mathcal P_0\mathcal L_1\mathcal P_1 X|` over the basis of Im P1 (eq. 32-33; zero)."""
        worst = 0.0
        for a in range(self.dim):
            rt = np.zeros((self.dim, self.dim), dtype=complex)
            rt[a, a] = 1.0
            worst = max(worst, float(np.abs(self.P0(self.L(1, rt))).max()))
        return worst


def dissipate(X: np.ndarray, S: np.ndarray, rho: np.ndarray) -> np.ndarray:
    r"""Eq. (7): :math:`\mathcal D\rho = -[X, S\rho] + \mathrm{h.c.}` for one coupling (any basis)."""
    a = X @ (S @ rho) - (S @ rho) @ X
    return -(a + a.conj().T)


def perturbative_ness(model: Model, order: int, **values: Any) -> list[np.ndarray]:
    r"""The weak-coupling expansion :math:`\rho = \rho_0 + \lambda\rho_1 + \dots` of the NESS.

    Solves eqs. (45)--(47) for :math:`\rho_0` and eqs. (52), (55), (62) with the trace
    condition (63) for :math:`\rho_m`, :math:`m\ge 1` (paper: weak_coupling, Sect. III).

    Parameters
    ----------
    model
        A model whose Hamiltonian and couplings are polynomials in :math:`\lambda`
        (e.g. ``symness.models.tilted_ising(n)``); the couplings carry one factor
        :math:`\lambda` so that their dissipators are :math:`\lambda^2\mathcal L_2`.
    order
        Highest order :math:`m` returned.
    **values
        Numeric parameter values by name (default: the model's), e.g. ``theta=0.7``.
        ``small=`` names the expansion parameter if it is not ``lambda``.

    Returns
    -------
    list of numpy.ndarray
        ``[rho_0, rho_1, ..., rho_order]`` as :math:`2^N\times 2^N` matrices in the
        computational basis (site 1 the leftmost factor, index 0 = all up);
        :math:`\mathrm{Tr}\rho_0 = 1`, :math:`\mathrm{Tr}\rho_m = 0`, all Hermitian.

    Raises
    ------
    DegeneracyError
        :math:`H_1` degenerate inside an :math:`H_0` block (the hypothesis after eq. 27).
    NonUniqueSteadyStateError
        :math:`\mathcal P_1\mathcal L_2\mathcal P_1` with a kernel of dimension > 1.
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise InvalidParameterError(f"order must be a non-negative integer, got {order!r}.")
    _check_order(order, "order")
    small = values.pop("small", None)
    hier = Hierarchy(model, small, values)
    return hier.series(int(order))
