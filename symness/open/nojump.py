r"""Matrix-free GKSL steady state: GMRES preconditioned by the no-jump evolution.

Split the GKSL generator on a :class:`~symness.open.coherence.BlockLayout` into
the *no-jump* part and the jump (recycling) part,

.. math::

    \mathcal L\rho = \underbrace{G\rho + \rho G^\dagger}_{\mathcal S\rho}
    + \sum_j r_j L_j\rho L_j^\dagger,\qquad G = -iH - \tfrac12\sum_j r_j L_j^\dagger L_j .

:math:`\mathcal S` is a Sylvester operator, inverted exactly from one
eigendecomposition :math:`G = V\Lambda V^{-1}` per sector (four matrix products
of the sector size per application; the Schur form and LAPACK ``trsyl`` for a
nearly defective :math:`G`).  GMRES solves the trace-fixed system
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

Conventions: :math:`\hbar = 1`; jump rates :math:`r_j` and :math:`H` in the
same energy units; row-major vectorisation (:mod:`symness.open.superop`).
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
    r"""Exact inverse of :math:`\mathcal S\rho = G\rho + \rho G^\dagger` (shifted if singular), per sector.

    With :math:`G = V\Lambda V^{-1}`, :math:`\mathcal S^{-1}R = V\,[(V^{-1}RV^{-\dagger})_{ij}
    /(\lambda_i + \bar\lambda_j)]\,V^\dagger`: four matrix products per sector.  A sector
    whose eigenvector matrix is ill-conditioned (cond > ``max_cond``, a nearly defective
    :math:`G`) uses the complex Schur form and LAPACK ``trsyl`` instead (slower, backward stable).
    """

    def __init__(self, layout: BlockLayout, singular_tol: float = 1e-10, max_cond: float = 1e8):
        self.layout = layout
        self.shift = 0.0
        self.kinds: list[str] = []
        self.data: list[tuple[np.ndarray, ...]] = []
        lams = []
        for G in layout.G:
            G = np.asarray(G, dtype=complex)
            if G.shape[0] == 0:
                self.kinds.append("empty")
                self.data.append(())
                lams.append(np.zeros(0, dtype=complex))
                continue
            lam, V = sla.eig(G)
            cond = np.linalg.cond(V)
            if np.isfinite(cond) and cond <= max_cond:
                self.kinds.append("eig")
                self.data.append((lam, V, np.linalg.inv(V)))
            else:
                T, Q = sla.schur(G, output="complex")
                lam = np.diagonal(T).copy()
                self.kinds.append("schur")
                self.data.append((T, Q))
            lams.append(lam)
        lam_all = np.concatenate(lams) if lams else np.zeros(0)
        scale = float(np.max(np.abs(lam_all))) if lam_all.size else 1.0
        decay = float(np.max(-lam_all.real)) if lam_all.size else 0.0
        gap = min((float(np.min(np.abs(ls[:, None] + np.conj(ls)[None, :]))) for ls in lams if ls.size),
                  default=1.0)
        if gap < singular_tol * max(scale, 1e-300):
            self.shift = 0.1 * decay if decay > 0 else max(scale, 1.0) * 1e-2
        self.gap = gap
        self.denominators = [None if k != "eig" else (dat[0][:, None] + np.conj(dat[0])[None, :] - self.shift)
                             for k, dat in zip(self.kinds, self.data)]

    def solve_blocks(self, blocks: list[np.ndarray]) -> list[np.ndarray]:
        out = []
        for kind, dat, den, R in zip(self.kinds, self.data, self.denominators, blocks):
            if kind == "empty":
                out.append(R)
                continue
            if kind == "eig":
                _, V, Vi = dat
                X = V @ (((Vi @ R) @ Vi.conj().T) / den) @ V.conj().T
            else:
                T, Q = dat
                Ts = T - 0.5 * self.shift * np.eye(T.shape[0])
                C = Q.conj().T @ R @ Q
                Y, scale, _ = sla.lapack.ztrsyl(Ts, Ts, C, trana="N", tranb="C", isgn=1)
                X = Q @ (Y / scale) @ Q.conj().T
            out.append((X + X.conj().T) / 2)
        return out


def krylov_steady_state(layout: BlockLayout, *, tol: float = 1e-14, maxiter: int = 10, restart: int = 120,
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
        """Restart cycles by hand: stop when the true residual is below ``rtol``, or when a cycle's
        own (recursive) residual went below ``rtol`` but the true one cannot (the round-off floor)."""
        hist: list[float] = []
        bnorm = np.linalg.norm(b)
        y = np.zeros(n)
        res = 1.0
        for _ in range(max(1, maxiter)):
            start = len(hist)
            y, _ = gmres(AP, b, x0=y, rtol=rtol, atol=0.0, restart=min(restart, n), maxiter=1,
                         callback=hist.append, callback_type="pr_norm")
            res = float(np.linalg.norm(matvec(precond(y)) - b) / bnorm)
            if res <= rtol or (len(hist) > start and min(hist[start:]) <= rtol):
                break
        return precond(y), res, len(hist)

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
