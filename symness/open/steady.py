r"""Steady states: dense LU, sparse LU and matrix-free Krylov solvers, and the NESS result.

Every solver finds :math:`\rho` with :math:`\mathcal L\rho = 0`,
:math:`\mathrm{tr}\rho = 1` by solving the non-singular system

.. math::

    (\mathcal L + w\,\mathrm{tr})\,x = w,\qquad \mathrm{tr}\,w = 1,

which has the unique solution :math:`x = \rho` exactly when the kernel of
:math:`\mathcal L` is one-dimensional (:math:`\mathcal L` is trace-annihilating,
so its range is the traceless matrices).  A singular or numerically singular
system means a non-unique steady state: :class:`~symness.errors.NonUniqueSteadyStateError`.

Before solving, a system whose Hamiltonian and couplings all conserve the
number of up spins is refused on the full space (one steady state per
sector, any mixture of them is stationary) unless ``up_spins`` is given.

Solvers (``method=``)
---------------------
Redfield:

``"dense"``
    LU of the dense :math:`d^2\times d^2` matrix in the eigenbasis, with the
    LAPACK condition estimate as the uniqueness test.  Default for
    :math:`d \le 12` (:data:`DENSE_MAX_DIM`).
``"krylov"``
    Matrix-free GMRES: the generator is applied as :math:`O(d^3)` matrix
    products in the eigenbasis, on isometric real coordinates of Hermitian
    matrices, right-preconditioned by the exact inverse of its secular part
    (:class:`~symness.open.secular.SecularSolver`).  Default for :math:`d > 12`;
    if its secular preconditioner is singular and :math:`d \le 48`, the dense
    solver decides.

Davies:

``"pauli"`` (default)
    The zero-frequency block only (:class:`~symness.open.pauli.PauliBlock`):
    populations (closed classes + GTH) and coherences inside degenerate levels (LU).
``"full"``
    The connected population block of the full sparse secular matrix (the
    fallback when the zero-frequency block is not decoupled).

GKSL (``gksl_ness``, ``lindblad_ness``), in the coherence-order :math:`q = 0` block
when :mod:`symness.open.coherence` finds the U(1) symmetry, else on the full space:

``"dense"``
    Dense LU; default up to ``DENSE_MAX_DIM**2`` unknowns.
``"sparse"``
    SuperLU (ordering :data:`SPARSE_ORDERING`) with a one-norm condition
    estimate; default up to :data:`GKSL_SPARSE_MAX` unknowns.
``"krylov"``
    GMRES preconditioned by the no-jump evolution, with a uniqueness
    certificate (:mod:`symness.open.nojump`); default above.
``"dense-full"``, ``"sparse-full"``, ``"krylov-full"``
    The same on the full Liouville space (the symmetry ignored).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, gmres

from ..errors import (
    ConvergenceError,
    InvalidModelError,
    InvalidParameterError,
    NonUniqueSteadyStateError,
    PositivityWarning,
    PrecisionWarning,
    SectorError,
    SiteOutOfRangeError,
)
from ..spins import op_product
from ..validation import as_array
from . import fast_redfield
from .channels import Channel
from .coherence import BlockLayout, coherence_blocks
from .currents import conserve, eigen_heat_currents, pauli_heat_currents, site_heat_currents
from .extended import (
    EXTENDED_AUTO_MAX_DIM,
    EXTENDED_MAX_BITS,
    EXTENDED_MAX_DIM,
    PAULI_EXTENDED_AUTO_MAX_DIM,
    PAULI_EXTENDED_MAX_DIM,
    ExtendedPauli,
    ExtendedRedfield,
)
from .linsolve import RCOND_MIN, dense_solve, safe_norm, sparse_solve, stationary_dense
from .liouvillian import (
    DaviesLiouvillian,
    GKSLLiouvillian,
    Liouvillian,
    RedfieldLiouvillian,
    _degeneracy_tol,
    as_system,
    davies_liouvillian,
    gksl_liouvillian,
    local_lindblad_liouvillian,
    redfield_liouvillian,
)
from .nojump import krylov_steady_state
from .observables import (
    bond_current_operator,
    concurrence,
    ergotropy,
    partial_trace,
    passive_state,
    spin_current_operator,
    two_site_part,
    von_neumann_entropy,
)
from .response import rate_increment, reference_temperature
from .secular import SecularSolver, secular_matrices
from .superop import HermitianParam
from .system import OpenSystem, Space, bond_operator, eigh

__all__ = [
    "NESS",
    "steady_state",
    "redfield_ness",
    "davies_ness",
    "lindblad_ness",
    "gksl_ness",
    "DENSE_MAX_DIM",
]

#: largest working dimension solved by dense LU when ``method="auto"`` (Redfield: Krylov above;
#: the matrix-free solver is already ~10x faster than a dense LU at d = 32)
DENSE_MAX_DIM = 12
#: up to this dimension a Krylov solve whose secular preconditioner is singular is re-done densely
#: (the non-secular terms may still select a unique state)
DENSE_CONFIRM_DIM = 48
_RCOND_MIN = RCOND_MIN
#: GKSL solvers; ``"<solver>-full"`` ignores the coherence-order blocks
GKSL_METHODS = ("dense", "sparse", "krylov")
#: GKSL ``method="auto"``: SuperLU up to this many complex unknowns (in the block), Krylov above
GKSL_SPARSE_MAX = 1024
#: a Krylov solve that fails to converge is re-done by SuperLU up to this many unknowns (auto only)
GKSL_SPARSE_FALLBACK = 20000
#: fill-reducing column ordering of SuperLU for GKSL generators (less fill than COLAMD for
#: boundary-driven chains: 2.5M instead of 3.3M non-zeros in the n = 7 coherence block)
SPARSE_ORDERING = "MMD_AT_PLUS_A"


#: choices of ``precision=``
PRECISIONS = ("auto", "double", "extended")
#: an observable whose estimated error exceeds this fraction of its value is recomputed in extended
#: precision (``precision="auto"``, Redfield, small sectors) or reported by a PrecisionWarning
PRECISION_RTOL = 1e-8
#: relative agreement of two successive extended precisions
EXTENDED_RTOL = 1e-13
_EPS = float(np.finfo(float).eps)


def _check_precision(precision: Any, gen: Any = None) -> None:
    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise InvalidParameterError(f"precision must be one of {PRECISIONS}, not {precision!r}.")
    if precision == "extended" and gen is not None and not isinstance(gen, (RedfieldLiouvillian,
                                                                             DaviesLiouvillian)):
        raise InvalidParameterError(
            f"precision='extended' is implemented for Redfield and Davies steady states; this is a {gen.kind} "
            "state (use 'auto' or 'double').")


# ---------------------------------------------------------------------------- uniqueness guard
def _sector_guard(system: OpenSystem, up_spins: int | None) -> None:
    if up_spins is not None or system.n is None:
        return
    if system.conserves_up_count():
        dims = system.sector_dims()
        listing = ", ".join(f"{k} (dim {v})" for k, v in dims.items())
        raise NonUniqueSteadyStateError(
            f"H and every bath coupling conserve the number of up spins, so the steady state on "
            f"the full space is not unique: there is one per sector, and any mixture of them is "
            f"stationary. Sectors up_spins = {listing}. Pass up_spins=k to solve in one sector.",
            reason="conserved total S^z", classes=list(dims))


def _structure_guard(system: OpenSystem, up_spins: int | None) -> None:
    """Refuse a working space that H and every coupling split into invariant blocks (exact pattern test)."""
    space = system.space(up_spins)
    if space.dim > 1 and all(space.coupling_is_zero(c) for c in system.couplings):
        raise NonUniqueSteadyStateError(
            "the generator has more than one stationary state: no bath is coupled to the system (no "
            "coupling, or only zero coupling operators), so every eigenstate of H is stationary. Add bath "
            "couplings (S, Bath(...)) with non-zero operators.",
            reason="no bath")
    blocks = system.invariant_blocks(up_spins)
    if len(blocks) <= 1:
        return
    space = system.space(up_spins)
    why = ""
    if system.n is not None:
        full = [b if space.sector is None else space.sector.basis[b] for b in blocks]
        n = system.n
        fixed = [l for l in range(1, n + 1)
                 if all(np.unique((f >> (n - l)) & 1).size == 1 for f in full)]
        if fixed:
            why = (f" The sigma^z of site(s) {fixed} is conserved: no bond and no bath flips "
                   "those spins (a decoupled spin?).")
    sizes = [int(b.size) for b in blocks]
    raise NonUniqueSteadyStateError(
        f"the generator has more than one stationary state: H and every bath coupling leave "
        f"{len(blocks)} subspaces of the "
        f"{'sector' if space.sector is not None else 'Hilbert space'} invariant (dimensions {sizes}; "
        f"exact zero pattern in the site basis), so each keeps its own weight and the steady state is "
        f"not unique.{why} Couple every part of the system to the rest (a bond, a transverse field, "
        "a bath), or solve the blocks separately.", reason="invariant subspaces",
        classes=[b.tolist() for b in blocks])


# ---------------------------------------------------------------------------- linear algebra
def _dense_solve(Mmat: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, float]:
    return dense_solve(Mmat, b)


def _sparse_solve(Mmat: sp.spmatrix, b: np.ndarray, permc_spec: str = "COLAMD") -> tuple[np.ndarray, float]:
    return sparse_solve(Mmat, b, permc_spec=permc_spec)


def _trace_fixed(L: Any, d: int) -> tuple[Any, np.ndarray]:
    """``L + w tr`` with ``w = |0><0|`` (one extra row) and the right-hand side ``vec(w)``."""
    n = d * d
    diag = np.arange(d) * (d + 1)
    if sp.issparse(L):
        fix = sp.csr_matrix((np.ones(d), (np.zeros(d, dtype=int), diag)), shape=(n, n))
        M = sp.csr_matrix(L + fix)
    else:
        M = np.array(L, dtype=complex)
        M[0, diag] += 1.0
    b = np.zeros(n, dtype=complex)
    b[0] = 1.0
    return M, b


def _redfield_dense(gen: RedfieldLiouvillian, rhs: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, Any]]:
    """The steady state (``rhs=None``) or the traceless ``x`` with ``L x = rhs`` (eigenbasis, dense LU).

    ``info["generator_matrix"]`` is the dense generator itself (popped by :func:`steady_state`, which
    computes the residual of the final state with it).
    """
    R = gen.dense_eigen()
    rho_e, rcond, state_error = stationary_dense(R, gen.dim, rhs)
    return rho_e, {"rcond": rcond, "iterations": 0, "generator_matrix": R, "state_error": state_error}


def _redfield_krylov(gen: RedfieldLiouvillian, tol: float, maxiter: int, restart: int,
                     degeneracy_tol: float | None, rhs: np.ndarray | None = None
                     ) -> tuple[np.ndarray, dict[str, Any]]:
    """The steady state (``rhs=None``) or the traceless ``x`` with ``L x = rhs`` (Hermitian ``rhs``, GMRES)."""
    d = gen.dim
    space = gen.space
    dtol = _degeneracy_tol(space, degeneracy_tol)
    Ls, _, _ = secular_matrices(space.E, gen.channels, dtol, per_class=False)
    pre = SecularSolver(Ls, d)
    P = HermitianParam(d)
    t = P.trace_vector()
    w = t / d

    def matvec(x: np.ndarray) -> np.ndarray:
        rho = P.from_param(np.asarray(x).ravel())
        return P.to_param(gen.apply_eigen(rho, hermitian=True)) + w * (t @ x)

    def precond(r: np.ndarray) -> np.ndarray:
        y = pre.solve(P.from_param(np.asarray(r).ravel()).reshape(-1))
        return P.to_param(y.reshape(d, d))

    # right preconditioning: solve (A P^{-1}) y = w, x = P^{-1} y.  The secular steady state
    # rho_sec satisfies P rho_sec = w, so y0 = w starts GMRES from it.
    AP = LinearOperator((d * d, d * d), matvec=lambda y: matvec(precond(y)), dtype=float)
    b = w if rhs is None else P.to_param(np.asarray(rhs))
    y0 = w.copy() if rhs is None else np.zeros(d * d)
    count = [0]

    def cb(_: Any) -> None:
        count[0] += 1

    bnorm = np.linalg.norm(b)
    if bnorm == 0:
        return np.zeros((d, d), dtype=complex), {"iterations": 0, "relative_residual": 0.0,
                                                 "secular_rcond": pre.rcond, "state_error": 0.0}
    y, info = gmres(AP, b, x0=y0, rtol=tol, atol=0.0, restart=restart, maxiter=maxiter,
                    callback=cb, callback_type="pr_norm")
    x = precond(y)
    res = np.linalg.norm(matvec(x) - b) / bnorm
    if info != 0 and res > max(1e3 * tol, 1e-11):
        raise ConvergenceError(
            f"GMRES did not converge for the Redfield steady state (relative residual {res:.2e} "
            f"after {count[0]} iterations, {maxiter} restart cycles of {restart}); raise maxiter=, or "
            "use method='dense' for small systems.")
    state_error = float(max(res, _EPS) * np.linalg.norm(x) / max(pre.rcond, 1e-300))
    return P.from_param(x), {"iterations": count[0], "relative_residual": float(res),
                             "secular_rcond": pre.rcond, "state_error": state_error}


def _redfield_solve(gen: RedfieldLiouvillian, method: str, tol: float, maxiter: int, restart: int,
                    degeneracy_tol: float | None, rhs: np.ndarray | None = None
                    ) -> tuple[np.ndarray, dict[str, Any]]:
    """Dense or Krylov Redfield solve in the eigenbasis (``rhs``: see :func:`_redfield_dense`)."""
    d = gen.dim
    m = _choose(method, d, ("dense", "krylov"))
    if m == "dense":
        x, info = _redfield_dense(gen, rhs)
    else:
        try:
            x, info = _redfield_krylov(gen, tol, maxiter, restart, degeneracy_tol, rhs)
        except (NonUniqueSteadyStateError, ConvergenceError):
            if method != "auto" or d > DENSE_CONFIRM_DIM:
                raise
            m = "dense"
            x, info = _redfield_dense(gen, rhs)
    info["method"] = m
    return x, info


def _scale_note(gen: RedfieldLiouvillian) -> str:
    """The spread of rates and Bohr frequencies, when it is wide enough to make a solve ill-conditioned."""
    rates = np.concatenate([np.abs(np.real(ch.Gamma))[ch.A != 0].ravel() * 2 for ch in gen.channels]
                           + [np.zeros(0)])
    rates = rates[rates > 0]
    w = np.abs(gen.omega[gen.omega != 0])
    if rates.size == 0:
        return (" Every bath rate at the Bohr frequencies of H is zero (a spectral density that vanishes "
                "there, e.g. a cutoff far below the level spacing): nothing relaxes.")
    scales = np.concatenate([rates, w])
    spread = float(scales.max() / scales.min())
    if spread < 1e8:
        return ""
    return (f" The rates ({rates.min():.2g}..{rates.max():.2g}) and Bohr frequencies "
            f"({(w.min() if w.size else 0):.2g}..{(w.max() if w.size else 0):.2g}) span {np.log10(spread):.0f} "
            "decades, so this may be ill-conditioning (a relaxation far slower than the fastest process, e.g. a "
            "bath much hotter than the level spacing) rather than a conserved quantity: working dimensions up to "
            f"{EXTENDED_MAX_DIM} are decided in extended precision (precision='auto' up to "
            f"{EXTENDED_AUTO_MAX_DIM}, or 'extended'); otherwise bring the scales closer (units, weaker "
            "coupling, davies_ness when rates << Bohr frequencies).")


def _redfield_singular(gen: RedfieldLiouvillian, exc: NonUniqueSteadyStateError, method: str, precision: str
                       ) -> tuple[np.ndarray, dict[str, Any]]:
    """Decide a Redfield system that is singular in double precision, in extended precision.

    The state is solved (doubling the bits until the currents settle), then twice more with
    the coupling operators perturbed at their round-off level (8 eps max|A|, random): a unique
    but ill-conditioned state does not move; a non-unique one (a conserved quantity the
    exact-zero tests do not see) is picked by the perturbation and moves by O(1).
    """
    d = gen.dim
    limit = EXTENDED_MAX_DIM if precision == "extended" else EXTENDED_AUTO_MAX_DIM
    note = _scale_note(gen)
    if precision == "double" or d > limit or method not in ("auto", "dense") or "nothing relaxes" in note:
        raise NonUniqueSteadyStateError(str(exc) + note, reason=exc.reason, classes=exc.classes) from None
    ex = ExtendedRedfield(gen)
    try:
        _, _, bits = ex.currents(rtol=1e-10, max_bits=1024)
    except NonUniqueSteadyStateError as exc2:
        raise NonUniqueSteadyStateError(f"{exc} {exc2}{note}", reason=exc.reason, classes=exc.classes) from None
    tries = [b for b in (bits, 2 * bits, 4 * bits, 8 * bits, 16 * bits) if b <= EXTENDED_MAX_BITS]
    if not any(ex.certified(b) for b in tries):
        raise NonUniqueSteadyStateError(
            f"{exc} Decided in extended precision: ball arithmetic at {tries[-1]} bits cannot prove the system "
            "invertible, so it is singular (a conserved quantity of H and the couplings)." + note,
            reason=exc.reason or "singular generator", classes=exc.classes) from None
    states = [np.vectorize(complex)(ex.state(bits)["rho"])]
    for seed in (1, 2):
        states.append(np.vectorize(complex)(ExtendedRedfield(gen, noise_seed=seed).state(bits)["rho"]))
    moved = max(float(np.max(np.abs(s - states[0]))) for s in states[1:])
    if not moved <= 1e-6:
        raise NonUniqueSteadyStateError(
            f"{exc} Decided in extended precision ({bits} bits): perturbing the coupling operators at their "
            f"round-off level (8 eps) moves the state by {moved:.2g}, so it is not determined: not unique (a "
            "conserved quantity or a dark state), or so ill-conditioned that double-precision inputs cannot "
            "fix it.", reason=exc.reason or "singular generator", classes=exc.classes) from None
    return states[0], {"method": "extended", "precision_bits": bits, "iterations": 0,
                       "state_error": float(moved + 4 * _EPS), "double_precision": str(exc)}


def _redfield_split(gen: RedfieldLiouvillian, method: str, tol: float, maxiter: int, restart: int,
                    degeneracy_tol: float | None, lamb_shift: bool | None
                    ) -> tuple[np.ndarray, dict[str, Any]] | None:
    """Near-equal temperatures: ``rho = rho_0 + Delta`` (:mod:`symness.open.response`), or ``None``."""
    system = gen.system
    T0 = reference_temperature(system, lamb_shift)
    if T0 is None:
        return None
    kinds = [(c, which) for c in system.couplings for which in (("S",) if c.kind == "hermitian" else ("L", "Ldag"))]
    dchans, chans0 = [], []
    for ch, (cpl, which) in zip(gen.channels, kinds):
        w = ch.omega
        inc = rate_increment(cpl.bath, w, T0)
        if which == "L":
            inc = np.where(w > 0, inc, np.where(w == 0, inc / 2, 0.0))
        elif which == "Ldag":
            inc = np.where(w < 0, inc, np.where(w == 0, inc / 2, 0.0))
        dG = np.where(ch.A != 0, inc / 2, 0.0)
        dchans.append(Channel(ch.bath, ch.A, dG, 2 * dG, None, None, w))
        chans0.append(Channel(ch.bath, ch.A, ch.Gamma - dG, ch.rate - 2 * dG, None, None, w))
    # L = L_0 + L_tau as operators (both channel sets), never the rounded rates at T_b: the
    # rounding of L_0 is then common to every term and drops out with tr(H D^0 rho_0) = 0
    gen0 = RedfieldLiouvillian(system, gen.space, chans0)
    dgen = RedfieldLiouvillian(system, gen.space, dchans)
    genL = RedfieldLiouvillian(system, gen.space, chans0 + dchans)
    rho0, info0 = _redfield_solve(gen0, method, tol, maxiter, restart, degeneracy_tol)
    rho0 = (rho0 + rho0.conj().T) / 2
    tr0 = np.trace(rho0).real
    rho0 = rho0 / tr0
    rhs = -sum(dgen.dissipator_eigen(name, rho0) for name in dgen.names)
    rhs = (rhs + rhs.conj().T) / 2
    delta, info = _redfield_solve(genL, method, tol, maxiter, restart, degeneracy_tol, rhs)
    delta = (delta + delta.conj().T) / 2
    delta -= np.eye(gen.dim) * (np.trace(delta).real / gen.dim)  # exactly traceless
    info = dict(info)
    info["linear_response"] = {"T0": T0, "state_error_0": float(info0.get("state_error", 0.0)) / tr0,
                               "state_error_delta": float(info.get("state_error", 0.0))}
    info["state_error"] = info["linear_response"]["state_error_0"] + info["linear_response"]["state_error_delta"]
    info["split"] = (dgen, genL, rho0, delta)
    return rho0 + delta, info


def _gksl_methods(method: str) -> tuple[str | None, bool]:
    """``method`` -> (solver or None for auto, use the coherence-order blocks)."""
    if method == "auto":
        return None, True
    if not isinstance(method, str):
        raise InvalidParameterError(f"method must be a string such as 'auto', 'dense' or 'sparse', not {method!r}.")
    base, _, scope = method.partition("-")
    if base not in GKSL_METHODS or scope not in ("", "full"):
        allowed = ("auto",) + GKSL_METHODS + tuple(f"{m}-full" for m in GKSL_METHODS)
        raise InvalidParameterError(f"method must be one of {allowed} for a GKSL generator, not {method!r}.")
    return base, scope != "full"


def _gksl_direct(gen: GKSLLiouvillian, layout: BlockLayout, solver: str) -> tuple[list[np.ndarray], float]:
    """LU (dense or SuperLU) of the generator restricted to the layout's block, trace fixed on row 0."""
    idx = layout.vec_index()
    Lb = gen.L_site
    if not (layout.dim == gen.dim**2 and idx[-1] == idx.size - 1):  # the full space needs no extraction
        Lb = Lb[idx][:, idx]
    offs = np.r_[0, np.cumsum([k * k for k in layout.sizes])]
    diag = np.concatenate([o + np.arange(k) * (k + 1) for o, k in zip(offs[:-1], layout.sizes)])
    b = np.zeros(layout.dim, dtype=complex)
    b[0] = 1.0
    if solver == "dense":
        M = Lb.toarray()
        M[0, diag] += 1.0
        x, rcond = _dense_solve(M, b)
    else:
        fix = sp.csr_matrix((np.ones(diag.size), (np.zeros(diag.size, dtype=np.int64), diag)), shape=Lb.shape)
        x, rcond = _sparse_solve(sp.csr_matrix(Lb + fix), b, permc_spec=SPARSE_ORDERING)
    blocks = [x[o:o + k * k].reshape(k, k) for o, k in zip(offs[:-1], layout.sizes)]
    return blocks, rcond


def _gksl_steady(gen: GKSLLiouvillian, method: str, tol: float, maxiter: int, restart: int
                 ) -> tuple[np.ndarray, dict[str, Any]]:
    solver, blocks_wanted = _gksl_methods(method)
    layout = coherence_blocks(gen, use_symmetry=blocks_wanted)
    if layout.symmetric:
        layout.check_connected()
    m = layout.dim
    if solver is None:
        solver = "dense" if m <= DENSE_MAX_DIM**2 else ("sparse" if m <= GKSL_SPARSE_MAX else "krylov")
    info: dict[str, Any] = {"block_dim": m, "blocks": "coherence order q = 0" if layout.symmetric else "full",
                            "symmetry": layout.reason or "U(1): H conserves N_up, each jump changes it by "
                            "a definite amount"}
    if solver == "krylov":
        try:
            blocks, kinfo = krylov_steady_state(layout, tol=tol, maxiter=maxiter, restart=restart)
            info.update(kinfo)
        except ConvergenceError:
            if method != "auto" or m > GKSL_SPARSE_FALLBACK:
                raise
            solver = "sparse"
    if solver in ("dense", "sparse"):
        blocks, rcond = _gksl_direct(gen, layout, solver)
        info.update(rcond=rcond, iterations=0)
    info["method"] = solver
    tr = sum(np.trace(b).real for b in blocks)
    blocks = [(b + b.conj().T) / (2 * tr) for b in blocks]
    if len(blocks) > 1:  # block-diagonal state: its spectrum is that of the blocks
        info["min_eigenvalue"] = float(min(np.linalg.eigvalsh(b)[0] for b in blocks if b.size))
    return layout.join(blocks), info


def _choose(method: str, d: int, allowed: tuple[str, ...]) -> str:
    if method == "auto":
        return allowed[0] if d <= DENSE_MAX_DIM else allowed[1]
    if method not in allowed:
        raise InvalidParameterError(f"method must be one of {('auto',) + allowed}, not {method!r}.")
    return method


def _check_solver_options(*, tol: Any = 1e-14, maxiter: Any = 10, restart: Any = 60,
                          positivity_tol: Any = 0.0) -> None:
    """Refuse solver options that would be ignored or make the solver loop forever."""
    for name, v in (("tol", tol), ("positivity_tol", positivity_tol)):
        if (isinstance(v, bool) or not isinstance(v, (int, float, np.number))
                or not math.isfinite(v) or v < 0 or (name == "tol" and v == 0)):
            raise InvalidParameterError(
                f"{name} = {v!r} must be a finite number {'> 0' if name == 'tol' else '>= 0'}.")
    for name, v in (("maxiter", maxiter), ("restart", restart)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise InvalidParameterError(f"{name} = {v!r} must be an integer >= 1.")


def steady_state(gen: Liouvillian, method: str = "auto", *, tol: float = 1e-14, maxiter: int = 10,
                 restart: int = 60, degeneracy_tol: float | None = None, near_equal_temperatures: bool = True,
                 precision: str = "auto") -> tuple[np.ndarray, dict[str, Any]]:
    """Trace-one stationary state of a generator, in the working site basis.

    Returns ``(rho, info)``; ``info`` holds ``method``, ``seconds``,
    ``iterations``, ``rcond`` / ``relative_residual``, ``residual``
    (:math:`\\|\\mathcal L\\rho\\|_F`) and ``state_error`` (an estimate of the
    forward error :math:`\\|\\delta\\rho\\|_F`).  A Redfield generator whose baths are
    within :data:`~symness.open.response.LR_MAX_BIAS` of one temperature is solved as
    the equal-temperature state plus its deviation (:mod:`symness.open.response`;
    ``near_equal_temperatures=False`` solves it directly); ``info["linear_response"]``
    then holds the reference temperature.  A Redfield system that is numerically
    singular in double precision is decided in extended precision when it is small
    enough (``precision``, :func:`_redfield_singular`).
    """
    _check_precision(precision)
    if not isinstance(gen, Liouvillian):
        raise InvalidParameterError(
            f"steady_state needs a generator (redfield_liouvillian(...), davies_liouvillian(...), "
            f"gksl_liouvillian(...)), got {type(gen).__name__}.")
    _check_solver_options(tol=tol, maxiter=maxiter, restart=restart)
    t0 = time.perf_counter()
    d = gen.dim
    space = gen.space
    split = None
    if d == 1:
        rho = np.ones((1, 1), dtype=complex)
        info: dict[str, Any] = {"method": "trivial", "iterations": 0}
    elif isinstance(gen, RedfieldLiouvillian):
        split = _redfield_split(gen, method, tol, maxiter, restart, degeneracy_tol, None) \
            if near_equal_temperatures else None
        if split is not None:
            rho_e, info = split
        else:
            try:
                rho_e, info = _redfield_solve(gen, method, tol, maxiter, restart, degeneracy_tol)
            except NonUniqueSteadyStateError as exc:
                rho_e, info = _redfield_singular(gen, exc, method, precision)
            rho_e = (rho_e + rho_e.conj().T) / 2
            rho_e = rho_e / rho_e.trace().real
        info["rho_eigen"] = rho_e
        rho = space.from_eigen(rho_e)
    elif isinstance(gen, DaviesLiouvillian):
        m = method
        if m == "auto":
            m = "pauli" if gen.pauli is not None else "full"
        if m == "pauli":
            if gen.pauli is None:
                raise InvalidParameterError(
                    "the zero-frequency block of this secular generator is not decoupled (per-pair rates, "
                    "or Bohr frequencies chained within the degeneracy tolerance); use method='full'.")
            rho_e, info = gen.pauli.steady_state()
        elif m == "full":
            pre = SecularSolver(gen.L_eigen, d, gen.structure)
            rho_e = pre.steady_state()
            info = {"method": "secular-block" + ("+GTH" if pre._rates is not None else ""), "rcond": pre.rcond}
        else:
            raise InvalidParameterError(f"method must be 'auto', 'pauli' or 'full' for a Davies generator, "
                                        f"not {method!r}.")
        info["iterations"] = 0
        info["rho_eigen"] = rho_e
        if info["method"] == "pauli+GTH":  # diagonal in the eigenbasis: one matrix product
            V = space.V
            rho = (V * np.diagonal(rho_e)) @ V.conj().T
        else:
            rho = space.from_eigen(rho_e)
    elif isinstance(gen, GKSLLiouvillian):
        rho, info = _gksl_steady(gen, method, tol, maxiter, restart)
    else:  # pragma: no cover - defensive
        raise InvalidParameterError(f"unknown generator {type(gen).__name__}.")
    rho = (rho + rho.conj().T) / 2
    rho = rho / rho.trace().real
    R = info.pop("generator_matrix", None)
    if R is not None and split is None:
        # ||L rho||_F of the returned (site-basis) state, taken back to the eigenbasis (unitarily
        # invariant): one product with the dense generator the solver already built
        info["residual"] = safe_norm(R @ space.to_eigen(rho).reshape(-1))
    if "residual" not in info:
        info["residual"] = safe_norm(gen.apply(rho))
    info["seconds"] = time.perf_counter() - t0
    return rho, info


# ---------------------------------------------------------------------------- the result
class NESS:
    r"""A non-equilibrium steady state and its observables.

    Attributes
    ----------
    rho_sector
        The state in the working space (the sector block, or the full state),
        in the site/sector basis.
    generator
        The :class:`~symness.open.liouvillian.Liouvillian` it is stationary for.
    system
        The :class:`~symness.open.OpenSystem`.
    info
        Solver information: ``method``, ``seconds``, ``iterations``,
        ``residual`` (:math:`\|\mathcal L\rho\|_F`), ``rcond`` or
        ``relative_residual``.

    Notes
    -----
    Sites are numbered from 1 (``magnetization(1)`` is the first spin; QuTiP's
    tensor factor ``k`` is site ``k + 1``).  ``expect(op)`` takes numpy,
    scipy.sparse or QuTiP operators on the full space or the working space;
    ``to_qutip()`` returns the state as a ``qutip.Qobj`` (:mod:`symness.open.interop`).
    Units: :math:`\hbar = k_B = 1`; currents are energy (or up spins) per unit
    time.  ``bath_heat_currents()`` is the energy flowing **from each bath into
    the system**, :math:`\mathrm{tr}(H\mathcal D_b[\rho])` (ring4 "j_L =
    tr(H_S R_L[rho])", magnification eq. 35).
    """

    def __init__(self, generator: Liouvillian, rho: np.ndarray, info: Mapping[str, Any],
                 positivity_tol: float = 1e-9, precision: str = "auto"):
        _check_solver_options(positivity_tol=positivity_tol)
        _check_precision(precision, generator)
        self.precision = precision
        self.generator = generator
        self.space: Space = generator.space
        self.system: OpenSystem | None = generator.system
        self.rho_sector = rho
        self.info = dict(info)
        self._rho_eigen = self.info.pop("rho_eigen", None)
        self._split = self.info.pop("split", None)  # (L_tau, rho_0, Delta) near equal temperatures
        mev = self.info.pop("min_eigenvalue", None)
        if mev is not None:  # known from the solver's block structure: no d^3 eigvalsh
            self.__dict__["min_eigenvalue"] = float(mev)
        self.positivity_tol = positivity_tol
        if self.min_eigenvalue < -positivity_tol:
            warnings.warn(
                f"the {generator.kind} steady state has a negative eigenvalue "
                f"{self.min_eigenvalue:.3g}: the master equation is used beyond its validity "
                "(weaken the system-bath coupling).", PositivityWarning, stacklevel=3)

    # ----------------------------------------------------------------- state
    @cached_property
    def rho(self) -> np.ndarray:
        """The full-space density matrix (dense; zero outside the sector)."""
        return self.space.lift(self.rho_sector)

    @property
    def sector(self):
        return self.space.sector

    @property
    def up_spins(self) -> int | None:
        return None if self.space.sector is None else self.space.sector.up_spins

    @property
    def energies(self) -> np.ndarray:
        """Eigenenergies of H in the working space, ascending."""
        return self.space.E

    @property
    def residual(self) -> float:
        return float(self.info.get("residual", np.nan))

    @cached_property
    def min_eigenvalue(self) -> float:
        """Smallest eigenvalue of :math:`\\rho` (negative values signal Redfield beyond validity)."""
        return float(eigh(self.rho_sector, vectors=False)[0])

    def populations(self) -> np.ndarray:
        """Occupations :math:`\\langle E_k|\\rho|E_k\\rangle` in ascending energy (working space).

        Taken from the solver's eigenbasis solution when there is one (Redfield,
        Davies): no basis round trip, so tiny populations keep their relative accuracy.
        """
        return np.real(np.diagonal(self.rho_eigen())).copy()

    def rho_eigen(self) -> np.ndarray:
        """:math:`\\rho` in the energy eigenbasis of the working space."""
        if self._rho_eigen is not None:
            return self._rho_eigen
        return self.space.to_eigen(self.rho_sector)

    def to_qutip(self, sector: bool = False) -> Any:
        """The state as a QuTiP density matrix (``qutip.Qobj``; :mod:`symness.open.interop`).

        ``dims`` are those of the ``Qobj`` Hamiltonian the system was built from, else
        ``[[2]*n, [2]*n]`` (site 1 = QuTiP's tensor factor 0).  A sector state is embedded
        in the full space as a sparse ``Qobj``; ``sector=True`` gives the sector block
        (``dims = [[d], [d]]``, basis ``self.sector.basis``).
        """
        from .interop import state_to_qutip

        return state_to_qutip(self.rho_sector, self.space, self.system, sector)

    # ----------------------------------------------------------------- generic expectation
    def _restrict(self, op: Any) -> np.ndarray:
        """A full-space operator (or one already in the working space) in the working basis.

        numpy, scipy.sparse (kept sparse until restricted) or a QuTiP ``Qobj``."""
        arr = as_array(op)
        if not sp.issparse(arr) and arr.dtype.kind not in "biufc":
            raise InvalidParameterError(f"the operator must be a numeric matrix, got {op!r}.")
        vals = arr.data if sp.issparse(arr) else arr
        if not np.all(np.isfinite(vals)):
            raise InvalidParameterError("the operator has non-finite entries; pass finite numbers.")
        if arr.shape == (self.space.full_dim,) * 2:
            return self.space.restrict(arr)
        if arr.shape == (self.space.dim,) * 2:
            return arr.toarray() if sp.issparse(arr) else arr
        raise InvalidParameterError(
            f"operator of shape {arr.shape} does not act on this system (dimension {self.space.full_dim}, "
            f"working dimension {self.space.dim}).")

    def expect(self, op: Any) -> complex | float:
        """:math:`\\mathrm{tr}(O\\rho)` for a full-space operator (real if ``O`` is Hermitian).

        ``op``: numpy, scipy.sparse or a QuTiP ``Qobj``, on the full space (site 1 =
        QuTiP's tensor factor 0) or already in the working space (the sector block).

        With an error estimate (round-off of the sum, forward error of the state);
        where it exceeds :data:`PRECISION_RTOL` of the value, a Redfield state of a
        small sector is recomputed in extended precision (``precision``), otherwise
        a :class:`~symness.errors.PrecisionWarning` is issued.
        """
        O = self._restrict(op)
        O = O.toarray() if sp.issparse(O) else np.asarray(O)
        val = complex(np.sum(O.T * self.rho_sector))
        err = (self.space.dim + 4) * _EPS * float(np.sum(np.abs(O.T) * np.abs(self.rho_sector))) \
            + float(np.linalg.norm(O)) * float(self.info.get("state_error", 0.0))
        err0 = err
        if self._extend_wanted(abs(val), err, "expect"):
            val, e, bits = self._extended.expect(O, rtol=EXTENDED_RTOL, floor=err)
            err = e + 16 * _EPS * abs(val)
            self.info["precision_bits"] = max(bits, self.info.get("precision_bits", 0))
        self._warn_precision({"<O>": abs(val)}, {"<O>": err}, "the expectation value", {"<O>": err0})
        return val.real if abs(val.imag) <= 1e-12 * max(1.0, abs(val)) else val

    # ----------------------------------------------------------------- precision
    def _pauli_populations(self) -> bool:
        return self.info.get("method") == "pauli+GTH"

    def _extendable(self, what: str = "currents") -> bool:
        gen = self.generator
        if self.precision == "double":
            return False
        ext = self.precision == "extended"
        if isinstance(gen, RedfieldLiouvillian):
            return gen.dim <= (EXTENDED_MAX_DIM if ext else EXTENDED_AUTO_MAX_DIM)
        if self._pauli_populations():
            return gen.dim <= (PAULI_EXTENDED_MAX_DIM if ext else PAULI_EXTENDED_AUTO_MAX_DIM)
        return False

    def _extend_wanted(self, value: float, err: float, what: str = "currents") -> bool:
        # the cheap test first: _extendable looks at the generator, which may not be built yet
        return (self.precision == "extended" or err > PRECISION_RTOL * value) and self._extendable(what)

    @cached_property
    def _extended(self) -> ExtendedRedfield | ExtendedPauli:
        if isinstance(self.generator, RedfieldLiouvillian):
            return ExtendedRedfield(self.generator)
        return ExtendedPauli(self.generator)

    def _warn_precision(self, values: Mapping[str, float], errors: Mapping[str, float], what: str,
                        floors: Mapping[str, float]) -> None:
        """Warn about values whose error exceeds PRECISION_RTOL of them (``floors``: the double-precision
        errors; a value resolved to 2^-100 of them is zero to every precision that matters)."""
        bad = {k: (values[k], errors[k]) for k in values
               if not errors[k] <= PRECISION_RTOL * abs(values[k]) + floors[k] * 2.0**-100}
        if not bad:
            return
        gen = self.generator
        if isinstance(gen, RedfieldLiouvillian) or self._pauli_populations():
            lim = EXTENDED_MAX_DIM if isinstance(gen, RedfieldLiouvillian) else PAULI_EXTENDED_MAX_DIM
            auto = EXTENDED_AUTO_MAX_DIM if isinstance(gen, RedfieldLiouvillian) else PAULI_EXTENDED_AUTO_MAX_DIM
            if self.precision == "double":
                why = "precision='double' was asked for"
            elif gen.dim > lim:
                why = (f"the working dimension {gen.dim} is above the {lim} of extended precision; "
                       "solve in a smaller sector")
            elif not self._extendable():
                why = (f"the working dimension {gen.dim} is above the {auto} of precision='auto'; pass "
                       "precision='extended'")
            else:
                why = f"even {EXTENDED_MAX_BITS} bits did not settle it"
        else:
            why = (f"extended precision is implemented for Redfield states and the Davies populations only "
                   f"(this is {gen.kind}, {what})")
        listing = ", ".join(f"{k} = {v:.6g} +- {e:.2g}" for k, (v, e) in bad.items())
        warnings.warn(
            f"{what} cannot be resolved to {PRECISION_RTOL:g} relative in double precision: {listing} "
            f"(estimated error: round-off in cancelling terms, conditioning of the solve). Not recomputed: "
            f"{why}.", PrecisionWarning, stacklevel=3)

    def _n(self) -> int:
        n = None if self.system is None else self.system.n
        if n is None:
            k = int(round(np.log2(self.space.full_dim)))
            if 2**k != self.space.full_dim:
                raise InvalidModelError("site observables need a system of n spins-1/2.")
            n = k
        return n

    # ----------------------------------------------------------------- currents
    @cached_property
    def _currents(self) -> tuple[dict[str, float], dict[str, float]]:
        gen = self.generator
        state_error = float(self.info.get("state_error", 0.0))
        if self.space.dim == 1 and self.system is not None:
            # a one-state sector: rho = |psi><psi| with psi an eigenstate; D_b[rho] = s^2 - s^2 = 0 for every
            # sector-conserving coupling, so no energy flows (exactly)
            zero = {c.name: 0.0 for c in self.system.couplings}
            return dict(zero), dict(zero)
        if self._split is not None:  # J_b = tr(H D^tau_b rho_0) + tr(H D_b Delta); tr(H D^0_b rho_0) = 0
            dgen, genL, rho0, delta = self._split
            lr = self.info["linear_response"]
            v0, e0 = eigen_heat_currents(dgen, rho0, lr["state_error_0"])
            v1, e1 = eigen_heat_currents(genL, delta, lr["state_error_delta"])
            vals = {k: v0[k] + v1[k] for k in v0}
            errs = {k: e0[k] + e1[k] for k in e0}
        elif self.info.get("method") == "pauli+GTH":
            vals, errs = pauli_heat_currents(self.space.E, gen.pauli.D, np.real(np.diagonal(self._rho_eigen)))
        elif self._rho_eigen is not None and hasattr(gen, "dissipator_eigen"):
            vals, errs = eigen_heat_currents(gen, self._rho_eigen, state_error)
        else:
            vals, errs = site_heat_currents(gen, self.rho_sector, state_error)
        if gen.conserves_energy:
            vals, errs = conserve(vals, errs)
        floors = dict(errs)
        if any(self._extend_wanted(abs(vals[k]), errs[k]) for k in vals):
            vals, errs, bits = self._extended.currents(rtol=EXTENDED_RTOL, floor=errs)
            errs = {k: errs[k] + 16 * _EPS * abs(vals[k]) for k in vals}
            self.info["precision_bits"] = max(bits, self.info.get("precision_bits", 0))
        self._warn_precision(vals, errs, "the bath heat currents", floors)
        return vals, errs

    def bath_heat_currents(self) -> dict[str, float]:
        """Energy per unit time from each bath into the system, :math:`\\mathrm{tr}(H\\mathcal D_b[\\rho])`.

        Computed with an error estimate (:meth:`current_errors`); when one bath's
        current is dominated by cancellation (a very hot bath), energy
        conservation :math:`\\sum_b J_b = 0` gives it from the others
        (:mod:`symness.open.currents`).
        """
        return dict(self._currents[0])

    def current_errors(self) -> dict[str, float]:
        """Estimated absolute forward error of each :meth:`bath_heat_currents` value (same units)."""
        return dict(self._currents[1])

    def heat_current(self, name: str) -> float:
        """Energy per unit time from bath ``name`` into the system (the model's bath names, e.g. ``"L"``)."""
        currents = self.bath_heat_currents()
        if name not in currents:
            raise InvalidModelError(f"no bath named {name!r}; this system's baths are {sorted(currents)}.")
        return currents[name]

    def entropy_production(self) -> float:
        r"""Entropy production rate :math:`\dot S = -\sum_b J_b/T_b \ge 0` (:math:`J_b` into the system).

        Returns ``inf`` if a bath at :math:`T = 0` exchanges energy.
        """
        if self.system is None:
            raise InvalidModelError("entropy production needs the bath temperatures (an OpenSystem).")
        T = self.system.temperatures
        total = 0.0
        for name, J in self.bath_heat_currents().items():
            if T[name] == 0:
                if J != 0:
                    return float("inf")
                continue
            total -= J / T[name]
        return total

    # ----------------------------------------------------------------- counting statistics (Davies, Redfield)
    def heat_cumulants(self, name: str, order: int = 3) -> np.ndarray:
        """Scaled cumulants of the heat from bath ``name``: mean, noise, ...
        (:func:`~symness.open.counting.heat_cumulants`)."""
        from .counting import heat_cumulants
        return heat_cumulants(self, name, order)

    def heat_current_noise(self, name: str) -> float:
        """Zero-frequency noise :math:`\\lim\\mathrm{Var}(Q_t)/t` of the heat from bath ``name`` (energy^2/time;
        :func:`~symness.open.counting.heat_current_noise`)."""
        from .counting import heat_current_noise
        return heat_current_noise(self, name)

    def tur_ratio(self, name: str) -> float:
        """TUR ratio :math:`S\\sigma/J^2 \\ge 2` of the heat current from bath ``name``
        (:func:`~symness.open.counting.tur_ratio`)."""
        from .counting import tur_ratio
        return tur_ratio(self, name)

    def _bond_op(self, bond: tuple[int, int]) -> Any:
        """A model's bond operator in the working space when it conserves the sector, else full-space."""
        sysm = self.system
        sec = self.space.sector
        if sec is not None:
            try:
                return bond_operator(sysm, bond, sec.up_spins)
            except SectorError:
                pass
        return bond_operator(sysm, bond)

    def _site_op(self, factors: Mapping[int, str]) -> Any:
        """A product of single-site operators (1-based sites) in the working space (sector: built there)."""
        n = self._n()
        sec = self.space.sector
        if sec is None:
            return op_product(factors, n)
        return sec.product(factors)

    def _bond(self, a: int, b: int) -> Any:
        sysm = self.system
        if sysm is not None and sysm.model is not None:
            bonds = sysm.model.bonds
            if (a, b) in bonds:
                return self._bond_op((a, b))
            if (b, a) in bonds:
                return self._bond_op((b, a))
            raise InvalidModelError(f"model {sysm.model.name!r} has no bond between sites {a} and {b}; "
                                    f"bonds: {list(bonds)}.")
        return two_site_part(self.generator.system.H if sysm is not None else self.space.H, a, b,
                             self._n())

    def bond_heat_current(self, site: int, incoming: tuple[int, int] | None = None,
                          outgoing: tuple[int, int] | None = None) -> float:
        r"""Energy current through ``site``: :math:`\langle i[h_{k,l}, h_{l,m}]\rangle` (ring4 eq. 12).

        ``incoming = (k, l)`` and ``outgoing = (l, m)`` default to the model's
        unique bonds ending / starting at ``site`` (ring order).  The sign is
        positive when energy flows from bond ``(k, l)`` to bond ``(l, m)``.
        """
        sysm = self.system
        if sysm is None or sysm.model is None:
            raise InvalidModelError("bond heat currents need the model's bond decomposition; build the "
                                    "system with OpenSystem.from_model(model) or pass the model.")
        bonds = list(sysm.model.bonds)
        n = self._n()
        if isinstance(site, bool) or not isinstance(site, (int, np.integer)) or not 1 <= site <= n:
            raise SiteOutOfRangeError(f"site {site!r} is out of range; sites are 1-based (1..{n}).")
        for label, b in (("incoming", incoming), ("outgoing", outgoing)):
            if b is not None and b not in bonds:
                raise InvalidModelError(f"{label} = {b!r} is not a bond of model {sysm.model.name!r}; "
                                        f"bonds: {bonds}.")
        if incoming is None:
            cand = [b for b in bonds if b[1] == site]
            if len(cand) != 1:
                raise InvalidModelError(f"site {site} has {len(cand)} bonds ending at it; pass incoming=.")
            incoming = cand[0]
        if outgoing is None:
            cand = [b for b in bonds if b[0] == site]
            if len(cand) != 1:
                raise InvalidModelError(f"site {site} has {len(cand)} bonds starting at it; pass outgoing=.")
            outgoing = cand[0]
        if incoming == outgoing or incoming[1] != site or outgoing[0] != site:
            raise InvalidParameterError(
                f"incoming = {incoming} and outgoing = {outgoing} must be two different bonds (k, {site}) "
                f"and ({site}, m) meeting at site {site}.")
        h_in, h_out = self._bond_op(incoming), self._bond_op(outgoing)
        if h_in.shape != h_out.shape:  # one of them leaves the sector: both on the full space
            h_in, h_out = bond_operator(sysm, incoming), bond_operator(sysm, outgoing)
        op = bond_current_operator(h_in, h_out)
        return float(np.real(self.expect(op)))

    def spin_current(self, bond: tuple[int, int] = (1, 2)) -> float:
        r"""Up-spin current from site ``bond[0]`` to ``bond[1]``: :math:`\langle i[h_{ij},\sigma^u_j]\rangle`.

        For the XXZ bond this is ring4 eq. (13),
        :math:`J\langle\sigma^x_i\sigma^y_j - \sigma^y_i\sigma^x_j\rangle`.  ``h_ij`` is the
        model's bond operator, or the two-site Pauli part of :math:`H`.
        """
        if (not isinstance(bond, (tuple, list)) or len(bond) != 2
                or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in bond)):
            raise InvalidParameterError(
                f"bond = {bond!r}: pass a pair of 1-based sites, e.g. spin_current((1, 2)).")
        i, j = bond
        if i == j:
            raise InvalidParameterError(
                f"bond = {bond!r} joins site {i} to itself; a spin current flows between two different "
                "sites, e.g. spin_current((1, 2)).")
        n = self._n()
        h = self._bond(i, j)
        sec = self.space.sector
        if sec is not None and h.shape == (sec.dim, sec.dim):
            op = bond_current_operator(h, sec.product({j: "u"}).toarray())
        else:
            op = spin_current_operator(h, j, n, dense=self.space.full_dim <= 256)
        return float(np.real(self.expect(op)))

    # ----------------------------------------------------------------- local observables
    def magnetization(self, site: int) -> float:
        """:math:`\\langle\\sigma^z_l\\rangle` (magnification eq. 36)."""
        return float(np.real(self.expect(self._site_op({site: "z"}))))

    def magnetizations(self) -> np.ndarray:
        """:math:`\\langle\\sigma^z_l\\rangle` for ``l = 1..n``."""
        return np.array([self.magnetization(l) for l in range(1, self._n() + 1)])

    def zz_correlation(self, i: int, j: int) -> float:
        """:math:`\\langle\\sigma^z_i\\sigma^z_j\\rangle` (magnification eq. 37); ``1`` for ``i == j``."""
        n = self._n()
        for s_ in (i, j):  # checks the sites (1-based) before anything is built
            if isinstance(s_, bool) or not isinstance(s_, (int, np.integer)) or not 1 <= s_ <= n:
                raise SiteOutOfRangeError(f"site {s_!r} is out of range; sites are 1-based (1..{n}), so QuTiP's "
                                          "0-based index k is site k + 1.")
        if i == j:  # (sigma^z_i)^2 = 1
            return float(np.real(np.trace(self.rho_sector)))
        return float(np.real(self.expect(self._site_op({i: "z", j: "z"}))))

    def reduced(self, sites: tuple[int, ...] | list[int]) -> np.ndarray:
        """Reduced density matrix of ``sites`` (sorted, site basis)."""
        return partial_trace(self.rho, sites, self._n())

    def concurrence(self, i: int, j: int) -> float:
        """Wootters concurrence of sites ``i`` and ``j`` (magnification eq. 38)."""
        return concurrence(self.reduced((i, j)), positive=False)

    # ----------------------------------------------------------------- thermodynamics
    def passive_state(self) -> np.ndarray:
        """Passive state in the working space (ring4 eq. 15): same spectrum, decreasing with energy."""
        return passive_state(self.rho_sector, self.space.H, positive=False)

    def ergotropy(self) -> float:
        """Ergotropy within the working space (the sector, as the papers plot it; ring4 eq. 14)."""
        return ergotropy(self.rho_sector, self.space.H, positive=False)

    def entropy(self) -> float:
        """Von Neumann entropy :math:`-\\mathrm{tr}\\rho\\ln\\rho`."""
        return von_neumann_entropy(self.rho_sector, positive=False)

    def energy(self) -> float:
        """:math:`\\mathrm{tr}(H\\rho)`."""
        return float(np.real(np.sum(self.space.H.T * self.rho_sector)))

    def summary(self) -> dict[str, Any]:
        """Key numbers: solver, dimension, residual, smallest eigenvalue, bath heat currents."""
        out: dict[str, Any] = {"generator": self.generator.kind, "dim": self.space.dim, "up_spins": self.up_spins,
                               "method": self.info.get("method"), "residual": self.residual,
                               "min_eigenvalue": self.min_eigenvalue}
        out.update({f"J_{k}": v for k, v in self.bath_heat_currents().items()})
        return out

    def _repr_latex_(self) -> str:
        from ..latex.text import scientific

        rows = " \\\\ ".join(
            f"J_{{\\mathrm{{{k}}}}} & {scientific(v, 7)}" for k, v in self.bath_heat_currents().items())
        sec = "" if self.up_spins is None else f", $N_\\uparrow = {self.up_spins}$"
        return (f"NESS ({self.generator.kind}, $d = {self.space.dim}${sec}, residual "
                f"${scientific(self.residual, 2)}$, "
                f"$\\lambda_{{\\min}}(\\rho) = {scientific(self.min_eigenvalue, 3)}$): "
                f"$\\begin{{array}}{{lr}} {rows} \\end{{array}}$")

    def __repr__(self) -> str:
        sec = "" if self.up_spins is None else f", up_spins={self.up_spins}"
        return (f"NESS({self.generator.kind}, dim={self.space.dim}{sec}, method={self.info.get('method')}, "
                f"residual={self.residual:.1e})")


class _ArrayNESS(NESS):
    """A :class:`NESS` solved by the array route (:mod:`symness.open.fast_redfield`).

    The state, its eigenbasis form, solver information, smallest eigenvalue and bath heat
    currents (with their error estimates) come from the solve; the system, working space and
    generator are built by the general route on first use, each only when something needs it
    (:class:`~symness.open.fast_redfield.LazyObjects`).
    """

    def __init__(self, res: Any, lazy: Any, positivity_tol: float, precision: str):
        self.precision = precision
        self.positivity_tol = positivity_tol
        self._lazy = lazy
        self._res = res
        self._rho_eigen = res.rho_e
        self._split = None
        self.__dict__["min_eigenvalue"] = res.min_eigenvalue
        self.__dict__["_currents"] = (res.currents, res.errors)

    @cached_property
    def rho_sector(self) -> np.ndarray:  # type: ignore[override]
        return self._res.rho()

    @cached_property
    def info(self) -> dict[str, Any]:  # type: ignore[override]
        return self._res.info | {"residual": self._res.residual(self.rho_sector)}

    @property
    def generator(self) -> Liouvillian:  # type: ignore[override]
        return self._lazy.generator

    @property
    def space(self) -> Space:  # type: ignore[override]
        return self._lazy.space

    @property
    def system(self) -> OpenSystem | None:  # type: ignore[override]
        return self._lazy.system


def _array_route(system: Any, up_spins: Any, method: str, lamb_shift: Any, tol: Any, maxiter: Any,
                 positivity_tol: Any, precision: Any, near_equal_temperatures: Any,
                 values: dict[str, Any]) -> NESS | None:
    """:func:`redfield_ness` by :mod:`symness.open.fast_redfield` when the options are valid and the
    point is ordinary, else ``None`` (the general route then decides, errors and warnings included)."""
    if (method not in ("auto", "dense") or precision not in ("auto", "double")
            or not (lamb_shift is None or isinstance(lamb_shift, (bool, np.bool_)))
            or not isinstance(near_equal_temperatures, (bool, np.bool_))):
        return None
    try:
        _check_solver_options(tol=tol, maxiter=maxiter, positivity_tol=positivity_tol)
    except InvalidParameterError:
        return None
    found = fast_redfield.plan(system, up_spins, lamb_shift)
    if found is None:
        return None
    p, extras = found
    res = fast_redfield.solve(p, system, values, extras, near_equal_temperatures=bool(near_equal_temperatures),
                              positivity_tol=positivity_tol, precision_rtol=PRECISION_RTOL)
    if res is None:
        return None
    lazy = fast_redfield.LazyObjects(system, dict(values), p.up_spins, lamb_shift, res.eig)
    return _ArrayNESS(res, lazy, positivity_tol, precision)


# ---------------------------------------------------------------------------- front ends
def _ness(gen: Liouvillian, method: str, positivity_tol: float, precision: str = "auto", **kw: Any) -> NESS:
    _check_precision(precision, gen)
    rho, info = steady_state(gen, method, precision=precision, **kw)
    return NESS(gen, rho, info, positivity_tol, precision)


def redfield_ness(system: Any, up_spins: int | None = None, *, method: str = "auto",
                  lamb_shift: bool | None = None, tol: float = 1e-14, maxiter: int = 10,
                  positivity_tol: float = 1e-9, precision: str = "auto", near_equal_temperatures: bool = True,
                  **values: Any) -> NESS:
    r"""Steady state of the non-secular Redfield equation (ring4 eqs. 4-10; magnification eqs. 26-28).

    Parameters
    ----------
    system
        An :class:`~symness.open.OpenSystem` or a ``Model`` (``values`` then
        override its parameters, e.g. ``Delta=2.19``).
    up_spins
        Solve in the sector with this many up spins.  Required when H and all
        couplings conserve the number of up spins (otherwise
        :class:`~symness.errors.NonUniqueSteadyStateError` lists the sectors).
    method
        ``"auto"`` (dense LU for working dimension <= 12, else Krylov),
        ``"dense"`` or ``"krylov"``.
    lamb_shift
        Override every bath's Lamb-shift flag (default: the bath's own).
    tol, maxiter
        Krylov (GMRES) relative tolerance and number of restart cycles (60 iterations each).
        A run that stops above ``max(1e3 tol, 1e-11)`` raises
        :class:`~symness.errors.ConvergenceError`; the achieved residual is in ``info``.
    positivity_tol
        A :class:`~symness.errors.PositivityWarning` is issued if
        :math:`\rho` has an eigenvalue below ``-positivity_tol``.
    precision
        ``"auto"`` (default): every reported current and expectation value carries
        an error estimate (round-off of its cancelling terms, conditioning of the
        solve); where it exceeds :data:`PRECISION_RTOL` of the value -- low
        temperatures, where currents are :math:`10^{-20}\dots10^{-300}` of the rates
        -- it is recomputed in extended precision (:mod:`symness.open.extended`) for
        working dimensions up to :data:`~symness.open.extended.EXTENDED_AUTO_MAX_DIM`,
        otherwise a :class:`~symness.errors.PrecisionWarning` is issued.
        ``"extended"``: always (up to :data:`~symness.open.extended.EXTENDED_MAX_DIM`);
        ``"double"``: never (warnings only).
    near_equal_temperatures
        When every bath temperature is within :data:`~symness.open.response.LR_MAX_BIAS`
        of the lowest one, solve for the equal-temperature state and its exact deviation
        (:mod:`symness.open.response`): the currents keep full relative precision as the
        bias goes to zero.  ``False`` solves directly.

    Returns
    -------
    NESS

    Notes
    -----
    For a ``Model`` in a sector of working dimension up to :data:`DENSE_MAX_DIM` (a parameter
    sweep), an ordinary point is solved from arrays alone (:mod:`symness.open.fast_redfield`:
    the same kernels on the same inputs, so the same numbers; the system and generator of the
    result are built on first use); any point that is not ordinary takes the general route.
    """
    fast = _array_route(system, up_spins, method, lamb_shift, tol, maxiter, positivity_tol, precision,
                        near_equal_temperatures, values)
    if fast is not None:
        return fast
    system = as_system(system, values)
    _sector_guard(system, up_spins)
    _structure_guard(system, up_spins)
    gen = redfield_liouvillian(system, lamb_shift=lamb_shift, up_spins=up_spins)
    if not isinstance(near_equal_temperatures, (bool, np.bool_)):
        raise InvalidParameterError(f"near_equal_temperatures must be True or False, got {near_equal_temperatures!r}.")
    return _ness(gen, method, positivity_tol, precision, tol=tol, maxiter=maxiter,
                 near_equal_temperatures=bool(near_equal_temperatures))


def davies_ness(system: Any, up_spins: int | None = None, *, lamb_shift: bool | None = None,
                degeneracy_tol: float | None = None, positivity_tol: float = 1e-9, precision: str = "auto",
                **values: Any) -> NESS:
    r"""Steady state of the Davies (secular GKSL) equation.

    Only the zero-frequency block is solved (:class:`~symness.open.pauli.PauliBlock`):
    for a non-degenerate spectrum the Pauli master equation
    :math:`\dot p_a = \sum_c W_{c\to a}p_c - W_{a\to c}p_a`,
    :math:`W_{c\to a} = \sum_k\gamma_k(E_c - E_a)|\langle a|A_k|c\rangle|^2` (closed
    classes, then the relative-accurate GTH reduction; :math:`d` unknowns instead
    of :math:`d^2`), with degenerate levels also the coherences inside them (LU).
    All other coherences vanish.  At equal bath temperatures this is the Gibbs
    state :math:`e^{-H/T}/Z` of the working space.  Units: :math:`\hbar = k_B = 1`,
    rates in the energy units of :math:`H`; canonical bath convention.  See
    :func:`redfield_ness` for ``system``, ``up_spins``, ``values``.

    ``precision`` (``"auto"``, ``"double"``, ``"extended"``): every current carries an
    error estimate; where it exceeds :data:`PRECISION_RTOL` of the value (near-equal
    temperatures, several very hot baths, level spacings far below the temperatures)
    the populations of a non-degenerate spectrum are recomputed in extended precision
    with each bath in exact detailed balance (:class:`~symness.open.extended.ExtendedPauli`,
    up to :data:`~symness.open.extended.PAULI_EXTENDED_AUTO_MAX_DIM` levels), otherwise a
    :class:`~symness.errors.PrecisionWarning` is issued.

    Raises
    ------
    NonUniqueSteadyStateError
        Several closed classes of levels (``exc.classes``: level indices in
        ascending energy), or a singular block with degenerate levels (a dark state).
    """
    system = as_system(system, values)
    _sector_guard(system, up_spins)
    _structure_guard(system, up_spins)
    gen = davies_liouvillian(system, lamb_shift=lamb_shift, up_spins=up_spins,
                             degeneracy_tol=degeneracy_tol)
    return _ness(gen, "auto", positivity_tol, precision)


def lindblad_ness(system: Any, up_spins: int | None = None, *, lamb_shift: bool | None = None,
                  local_hamiltonians: Mapping[str, Any] | None = None, method: str = "auto",
                  positivity_tol: float = 1e-9, **values: Any) -> NESS:
    r"""Steady state of the *local* Lindblad equation (:func:`~symness.open.local_lindblad_liouvillian`).

    Each bath's jumps come from the local Hamiltonian of its contact only
    (qubit-kernel paper Sec. IV C 2).  ``method`` as in :func:`gksl_ness`.
    """
    system = as_system(system, values)
    _sector_guard(system, up_spins)
    gen = local_lindblad_liouvillian(system, lamb_shift=lamb_shift, up_spins=up_spins,
                                     local_hamiltonians=local_hamiltonians)
    return _ness(gen, method, positivity_tol)


def gksl_ness(H_or_generator: Any, jumps: Any = None, *, method: str = "auto",
              positivity_tol: float = 1e-9) -> NESS:
    r"""Steady state of a GKSL generator (:func:`~symness.open.gksl_liouvillian`).

    ``gksl_ness(H, jumps=[(L, rate), ...])`` or ``gksl_ness(liouvillian)``.

    If :math:`H` conserves the number of up spins and every jump changes it by
    a definite amount, the state is solved in the coherence-order :math:`q = 0`
    block (:mod:`symness.open.coherence`; :math:`\sum_k\binom nk^2` unknowns)
    and embedded back; ``ness.info`` records ``blocks``, ``block_dim`` and
    ``symmetry`` (why the blocks do not apply, if they do not).

    Parameters
    ----------
    method
        ``"auto"`` (dense LU up to 144 unknowns, SuperLU up to
        :data:`GKSL_SPARSE_MAX`, else GMRES preconditioned by the no-jump
        evolution with a uniqueness certificate, :mod:`symness.open.nojump`),
        ``"dense"``, ``"sparse"``, ``"krylov"``, or ``"dense-full"``,
        ``"sparse-full"``, ``"krylov-full"`` to ignore the blocks.

    Raises
    ------
    NonUniqueSteadyStateError
        Magnetisation sectors that no jump connects (``exc.classes``: the groups
        of up-spin numbers), a singular generator (LU condition estimate), or a
        failed Krylov certificate.
    ConvergenceError
        GMRES did not converge (``method="krylov"``; ``"auto"`` falls back to SuperLU).
    """
    gen = H_or_generator if isinstance(H_or_generator, Liouvillian) else gksl_liouvillian(H_or_generator,
                                                                                         jumps or [])
    return _ness(gen, method, positivity_tol)
