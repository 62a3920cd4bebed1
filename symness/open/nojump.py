r"""Matrix-free GKSL steady state: GMRES preconditioned by the no-jump evolution.

Split the GKSL generator on a :class:`~symness.open.coherence.BlockLayout` into
the *no-jump* part and the jump (recycling) part,

.. math::

    \mathcal L\rho = \underbrace{G\rho + \rho G^\dagger}_{\mathcal S\rho}
    + \sum_j r_j L_j\rho L_j^\dagger,\qquad G = -iH - \tfrac12\sum_j r_j L_j^\dagger L_j .

:math:`\mathcal S` is a Sylvester operator, inverted exactly by one complex
Schur decomposition :math:`G = QTQ^\dagger` per sector (LAPACK ``trsyl``,
:math:`O(d_k^3)` per application).  GMRES solves the trace-fixed system
:math:`(\mathcal L + w\,\mathrm{tr})x = w` (:math:`w = \mathbb 1/d`) in the
isometric real coordinates of Hermitian matrices, right-preconditioned by
:math:`\mathcal S^{-1}`; every iteration costs a few matrix products of the
sector sizes, no :math:`d^2\times d^2` matrix is formed, and 30-45 iterations
reach a relative residual of 1e-14 for the boundary-driven chains (the
no-jump part holds the whole Hamiltonian and the decay rates).

If :math:`G` has (nearly) purely imaginary eigenvalue pairs
:math:`\lambda_i + \bar\lambda_j \approx 0` (dark states: no decay out of
them), :math:`\mathcal S` is singular; it is then shifted by :math:`-\mu`
(:math:`G \to G - \mu/2`) with :math:`\mu` a tenth of the largest decay rate
-- still an exact inverse of a nearby operator, so only the iteration count
changes.

Uniqueness.  A singular trace-fixed system still has solutions (every
stationary state), so convergence of the first solve proves nothing.  A
second solve with a random right-hand side does: if the system is singular, a
generic right-hand side is not in its range and GMRES stagnates at a residual
of order :math:`1/\sqrt{\dim}`, far above the tolerance.  Convergence of both
solves certifies a one-dimensional kernel (``info["certified"]``); a
stagnating certificate raises :class:`~symness.errors.NonUniqueSteadyStateError`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as sla
from scipy.sparse.linalg import LinearOperator, gmres

from ..errors import ConvergenceError, NonUniqueSteadyStateError
from .coherence import BlockLayout

__all__ = ["NoJumpPreconditioner", "krylov_steady_state"]


class NoJumpPreconditioner:
    r"""Exact inverse of :math:`\mathcal S\rho = G\rho + \rho G^\dagger` (shifted if singular), per sector."""

    def __init__(self, layout: BlockLayout, singular_tol: float = 1e-10):
        self.layout = layout
        self.schur: list[tuple[np.ndarray, np.ndarray]] = []
        self.shift = 0.0
        lams = []
        for G in layout.G:
            T, Q = sla.schur(G.astype(complex), output="complex")
            self.schur.append((T, Q))
            lams.append(np.diagonal(T))
        lam = np.concatenate(lams) if lams else np.zeros(0)
        scale = float(np.max(np.abs(lam))) if lam.size else 1.0
        decay = float(np.max(-lam.real)) if lam.size else 0.0
        gap = min(float(np.min(np.abs(ls[:, None] + np.conj(ls)[None, :]))) for ls in lams) if lams else 1.0
        if gap < singular_tol * max(scale, 1e-300):
            self.shift = 0.1 * decay if decay > 0 else max(scale, 1.0) * 1e-2
            self.schur = [(T - 0.5 * self.shift * np.eye(T.shape[0]), Q) for T, Q in self.schur]
        self.gap = gap

    def solve_blocks(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        out = []
        for (T, Q), R in zip(self.schur, blocks):
            if T.shape[0] == 0:
                out.append(R)
                continue
            C = Q.conj().T @ R @ Q
            Y, scale, _ = sla.lapack.ztrsyl(T, T, C, trana="N", tranb="C", isgn=1)
            X = Q @ (Y / scale) @ Q.conj().T
            out.append((X + X.conj().T) / 2)
        return out


def krylov_steady_state(layout: BlockLayout, *, tol: float = 1e-14, maxiter: int = 10, restart: int = 80,
                        certify: bool = True, seed: int = 0) -> tuple[list[np.ndarray], dict[str, Any]]:
    """Steady state on ``layout`` (list of sector blocks, trace one) and solver information.

    Raises
    ------
    ConvergenceError
        GMRES stops above ``max(1e3 tol, 1e-11)`` relative residual.
    NonUniqueSteadyStateError
        The certificate solve with a random right-hand side stagnates (singular system).
    """
    pre = NoJumpPreconditioner(layout)
    t = layout.trace_vector()
    d = layout.d
    w = t / d
    n = t.size

    def matvec(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x).ravel()
        return layout.to_param(layout.apply(layout.from_param(x))) + w * (t @ x)

    def precond(r: np.ndarray) -> np.ndarray:
        return layout.to_param(pre.solve_blocks(layout.from_param(np.asarray(r).ravel())))

    AP = LinearOperator((n, n), matvec=lambda y: matvec(precond(y)), dtype=float)

    def run(b: np.ndarray, rtol: float) -> tuple[np.ndarray, float, int]:
        count = [0]

        def cb(_: Any) -> None:
            count[0] += 1

        y, _ = gmres(AP, b, rtol=rtol, atol=0.0, restart=min(restart, n), maxiter=maxiter, callback=cb,
                     callback_type="pr_norm")
        x = precond(y)
        res = float(np.linalg.norm(matvec(x) - b) / np.linalg.norm(b))
        return x, res, count[0]

    x, res, its = run(w, tol)
    if res > max(1e3 * tol, 1e-11):
        raise ConvergenceError(
            f"GMRES did not converge for the GKSL steady state (relative residual {res:.2e} after {its} "
            f"iterations); use method='sparse' (direct LU), or raise maxiter=.")
    info: dict[str, Any] = {"iterations": its, "relative_residual": res, "preconditioner_shift": pre.shift}
    if certify:
        rng = np.random.default_rng(seed)
        y = rng.standard_normal(n)
        y *= np.linalg.norm(w) / np.linalg.norm(y)
        z, cres, cits = run(y, 1e-12)
        info.update(certificate_residual=cres, certificate_iterations=cits,
                    inverse_norm_estimate=float(np.linalg.norm(z) / np.linalg.norm(y)))
        if cres > 1e-9:
            raise NonUniqueSteadyStateError(
                f"the GKSL steady state is not unique, or too close to degenerate to tell: the "
                f"trace-fixed system with a random right-hand side stagnates at relative residual "
                f"{cres:.1e} (a singular system cannot be solved for a generic right-hand side). Look for "
                "a conserved quantity or decoupled part of the system; method='sparse' decides by LU "
                "with a condition estimate.", reason="singular generator (Krylov certificate)")
        info["certified"] = True
    blocks = layout.from_param(x)
    return blocks, info
