r"""The open exchange chain: edge spin flips and the centre pump (paper ``coldatom``, eqs. 8-11).

Master equation (the paper's eq. 8 with eq. 11 added), :math:`\hbar = 1`:

.. math:: \dot\rho = -i[h,\rho] + \gamma\sum_{i=1,N}\mathcal D[L_i]\rho
          + \gamma_I\,\mathcal D[L_c]\rho,\qquad
          \mathcal D[L]\rho = L\rho L^\dagger - \tfrac12\{L^\dagger L,\rho\},

i.e. the paper's :math:`\tfrac{\gamma}{2}(2L\rho L^\dagger - \{L^\dagger L,\rho\})`.

Choice of operators (``jumps="physical"``, the default).  The text says the
reservoirs are spin-up polarized, :math:`\gamma` is "the loss rate of down
spins at the edges" (Fig. 6 caption), the impurity is "completely lost to the
reservoirs" with :math:`m(t\to\infty) = N/2` (Fig. 5), and the pump
"introduces spin-down spins" into the polarized chain (below eq. 11).  With
the paper's own :math:`S^\downarrow = (1-\sigma^z)/2` and
:math:`S^\pm = (\sigma^x\pm i\sigma^y)/2` this requires

* edges: :math:`L_1 = \sigma^+_1`, :math:`L_N = \sigma^+_N` (:math:`|{\downarrow}\rangle\to|{\uparrow}\rangle`);
* centre: :math:`L_c = \sigma^-_{(N+1)/2}` (:math:`|{\uparrow}\rangle\to|{\downarrow}\rangle`).

The printed eqs. (8) and (11) have them the other way round
(``jumps="printed"`` reproduces that literally: the edges then *create*
down spins, and the pump annihilates the polarized initial state, so nothing
happens in the protocol of Fig. 6).  The generator is
:func:`symness.open.gksl_liouvillian`; jump operators and the Hamiltonian come
from the one model definition :func:`symness.models.exchange_chain`.

Observables: eq. (9) as printed (``current_paper``), the continuity-equation
currents :math:`j_l = \frac{\alpha_l}{2g}\langle\sigma^y_l\sigma^x_{l+1}-\sigma^x_l\sigma^y_{l+1}\rangle`
(``bond_currents``, units of :math:`J_0`), eq. (10) and :math:`\langle S^\downarrow_i\rangle`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import expm_multiply

from ..errors import ConvergenceError, InvalidParameterError, NonUniqueSteadyStateError
from ..models.base import terms_operator
from ..open import evolve, gksl_liouvillian, gksl_ness
from ..spins import op_product
from ..sweep import sweep
from ..validation import check_nonnegative, is_symbolic
from .chain import (
    _check_n,
    bond_current_terms,
    linear_profile,
    magnetization_terms,
    paper_current_terms,
    parse_configuration,
)
from .closed_chain import chain_for

__all__ = ["MagnonBlocks", "OpenChainResult", "open_liouvillian", "open_quench", "steady_state", "SteadyResult",
           "steady_current_curve"]

_JUMPS = ("physical", "printed")


#: Longest open chain (full-space Lindblad generator; N = 9 takes ~30 s to its steady state).
MAX_OPEN_SITES = 11
#: Largest number of stored density-matrix entries of :func:`open_quench` (16 bytes each).
MAX_STORED = 5 * 10**7


def _observables(model: Any, values: dict) -> dict[str, Any]:
    n = model.n
    ops: dict[str, Any] = {"current_paper": terms_operator(paper_current_terms(n), n),
                           "magnetization": terms_operator(magnetization_terms(n), n)}
    for l in range(1, n):
        ops[f"j{l}"] = terms_operator(bond_current_terms(model, l), n, "sparse", values)
    for i in range(1, n + 1):
        ops[f"down{i}"] = op_product({i: "d"}, n)
    return ops


class MagnonBlocks:
    r"""The generator restricted to operators block-diagonal in the magnon number.

    :math:`h` conserves the number of down spins and every jump changes it by
    :math:`\pm1`, so :math:`\mathcal L` maps operators that are block-diagonal in
    that number (:math:`\rho_{ab} = 0` unless :math:`a, b` have equal down counts)
    to such operators.  Product initial states and the steady state live there:
    :math:`\sum_k\binom{N}{k}^2` instead of :math:`4^N` entries (3432 vs 16384
    for :math:`N = 7`).  The restriction of the :mod:`symness.open` generator is
    exact (its leakage is checked to vanish); states are propagated with the
    Krylov matrix exponential (:func:`scipy.sparse.linalg.expm_multiply`).
    """

    def __init__(self, L: Any, n: int):
        d = 2**n
        if L.dim != d:
            raise InvalidParameterError(f"generator dimension {L.dim} does not match n = {n}.")
        k = np.array([bin(i).count("1") for i in range(d)])
        mask = (k[:, None] == k[None, :]).reshape(-1)
        self.n, self.d = n, d
        self.idx = np.nonzero(mask)[0]
        Ls = sp.csr_matrix(L.L_site)
        leak = Ls[~mask][:, self.idx]
        scale = float(abs(Ls).max())
        if leak.nnz and float(abs(leak).max()) > 1e-14 * scale:
            raise InvalidParameterError("the generator does not preserve magnon-number blocks; "
                                        "use symness.open.evolve on the full space.")
        self.L = sp.csc_matrix(Ls[self.idx][:, self.idx])

    def vec(self, rho: np.ndarray) -> np.ndarray:
        return np.asarray(rho, dtype=complex).reshape(-1)[self.idx]

    def full(self, v: np.ndarray) -> np.ndarray:
        out = np.zeros(self.d * self.d, dtype=complex)
        out[self.idx] = v
        return out.reshape(self.d, self.d)

    def expect_row(self, op: Any) -> np.ndarray:
        """Row ``w`` with ``tr(O rho) = w @ v`` (row-major vec: tr(O rho) = sum_ij O_ji rho_ij)."""
        O = op.toarray() if sp.issparse(op) else np.asarray(op)
        return O.T.reshape(-1)[self.idx]

    def propagate(self, v0: np.ndarray, times: np.ndarray) -> np.ndarray:
        out = np.empty((times.size, v0.size), dtype=complex)
        v = v0.astype(complex)
        out[0] = v
        for i in range(1, times.size):
            dt = times[i] - times[i - 1]
            if dt > 0:
                v = expm_multiply(self.L * dt, v)
            out[i] = v
        return out

    def steady(self, v0: np.ndarray, tol: float = 1e-13, chunk: float = 25.0, t_max: float = 1e5
               ) -> tuple[np.ndarray, float]:
        """Propagate until the residual ``|L v|`` (Frobenius) is below ``tol``; returns (v, residual)."""
        v = v0.astype(complex)
        t = 0.0
        while True:
            res = float(np.linalg.norm(self.L @ v))
            if res <= tol:
                return v, res
            if t >= t_max:
                raise ConvergenceError(f"no stationary state reached by t = {t_max:g} (residual {res:.1e}).")
            v = expm_multiply(self.L * chunk, v)
            t += chunk
            chunk *= 1.5


def open_liouvillian(alphas: Sequence[float], *, gamma: float = 3.102, gamma_I: float = 0.0,
                     jumps: str = "physical", g: float = 1.0):
    r"""GKSL generator of the open chain, with the model and its numeric values.

    Parameters
    ----------
    alphas
        Bond coefficients :math:`\alpha_l/\alpha_1` (``N-1`` values).
    gamma
        Edge rate :math:`\gamma` (units of :math:`J_0`; the paper's Figs. 5-6 use 3.102).
    gamma_I
        Centre pump rate :math:`\gamma_I` (0 = no pump; Fig. 6 uses 0.620); needs odd ``N``.
    jumps
        ``"physical"`` (default, see module docstring) or ``"printed"`` (eqs. 8, 11 literally).

    Returns
    -------
    (GKSLLiouvillian, ExchangeChain, values)
    """
    check_nonnegative(gamma, "gamma")
    check_nonnegative(gamma_I, "gamma_I")
    if is_symbolic(gamma, gamma_I):
        raise InvalidParameterError("gamma and gamma_I must be numbers (the open chain is solved numerically).")
    if not isinstance(jumps, str) or jumps not in _JUMPS:
        raise InvalidParameterError(f"jumps = {jumps!r}: use 'physical' or 'printed'.")
    model, values = chain_for(alphas, g)
    n = model.n
    if n > MAX_OPEN_SITES:
        raise InvalidParameterError(
            f"the open chain works on the full 2**N-dimensional space (density matrices 4**N); "
            f"N = {n} sites is beyond MAX_OPEN_SITES = {MAX_OPEN_SITES} (the steady state of N = 9 "
            "already takes ~30 s). Use a shorter chain, or the closed-chain quench "
            "(symness.exchange.quench) which works in one magnon sector.")
    if gamma_I > 0:
        from ..models.exchange_chain import exchange_chain

        model = exchange_chain(n, pump=True)
    values = model.resolve(g=g, gamma=gamma, gamma_I=gamma_I, **model.profile_values(alphas))
    H = model.hamiltonian(**{s.name: v for s, v in values.items()})
    ops = model.jump_operators(**{s.name: v for s, v in values.items()})
    if jumps == "printed":  # eqs. (8) and (11) as printed: S^- rho S^+ at the edges, S^+ rho S^- at the centre
        ops = [(L.conj().T.tocsr(), r) for L, r in ops]
    return gksl_liouvillian(H, {"edges+pump": ops} if ops else []), model, values


@dataclass
class OpenChainResult:
    r"""Open-chain dynamics (arrays over ``times``).

    ``current_paper`` (eq. 9 as printed), ``bond_currents`` (``(t, N-1)``, units of
    :math:`J_0`), ``magnetization`` (eq. 10), ``down`` (``(t, N)``), ``trace`` and
    ``min_eigenvalue`` of :math:`\rho(t)` (physicality checks).
    """

    times: np.ndarray
    current_paper: np.ndarray
    bond_currents: np.ndarray
    magnetization: np.ndarray
    down: np.ndarray
    trace: np.ndarray
    min_eigenvalue: np.ndarray
    states: np.ndarray = field(repr=False)

    @property
    def current(self) -> np.ndarray:
        """Total continuity-equation down-spin current :math:`\\sum_l j_l` (units of :math:`J_0`)."""
        return self.bond_currents.sum(axis=1)


def _collect(model: Any, values: dict, blocks: MagnonBlocks, vs: np.ndarray) -> dict[str, np.ndarray]:
    ops = _observables(model, values)
    n = model.n

    def ev(op: Any) -> np.ndarray:
        return (vs @ blocks.expect_row(op)).real
    return dict(
        current_paper=ev(ops["current_paper"]),
        bond_currents=np.stack([ev(ops[f"j{l}"]) for l in range(1, n)], axis=1),
        magnetization=ev(ops["magnetization"]),
        down=np.stack([ev(ops[f"down{i}"]) for i in range(1, n + 1)], axis=1),
    )


def _product_state(n: int, initial: Any) -> np.ndarray:
    n, down = parse_configuration(initial, n)
    psi = np.zeros(2**n, dtype=complex)
    psi[sum(1 << (n - int(s)) for s in down)] = 1.0
    return np.outer(psi, psi.conj())


def open_quench(alphas: Sequence[float], initial: Any, times: Any, *, gamma: float = 3.102,
                gamma_I: float = 0.0, jumps: str = "physical", g: float = 1.0,
                method: str = "blocks") -> OpenChainResult:
    r"""Lindblad dynamics of the open chain from a product configuration (Figs. 5 and 6a).

    ``initial`` as in :func:`~symness.exchange.closed_chain` (``"↑↑↑↓↑↑↑"`` for Fig. 5,
    ``"↑↑↑↑↑↑↑"`` with ``gamma_I > 0`` for Fig. 6); ``times`` in :math:`1/J_0`,
    increasing.  ``method="blocks"`` (default) propagates the
    :func:`symness.open.gksl_liouvillian` generator restricted to magnon-number
    blocks (:class:`MagnonBlocks`, exact); ``"evolve"`` uses
    :func:`symness.open.evolve` on the full space (slower, same result).
    """
    L, model, values = open_liouvillian(alphas, gamma=gamma, gamma_I=gamma_I, jumps=jumps, g=g)
    n = model.n
    rho0 = _product_state(n, initial)
    try:
        t = np.asarray(times, dtype=float).ravel()
    except (TypeError, ValueError):
        raise InvalidParameterError(f"times = {times!r} must be real numbers (units of 1/J_0).") from None
    if t.size == 0 or not np.all(np.isfinite(t)) or np.any(np.diff(t) < 0):
        raise InvalidParameterError("times must be a non-empty increasing sequence of finite numbers.")
    if t.size * 4**n > MAX_STORED:
        raise InvalidParameterError(
            f"{t.size} times x 4**{n} density-matrix entries is more than {MAX_STORED:.0e}; ask for "
            "fewer times.")
    blocks = MagnonBlocks(L, n)
    if method == "blocks":
        vs = blocks.propagate(blocks.vec(rho0), t)
    elif method == "evolve":
        vs = np.array([blocks.vec(r) for r in evolve(L, rho0, t).states])
    else:
        raise InvalidParameterError(f"method = {method!r}: use 'blocks' or 'evolve'.")
    obs = _collect(model, values, blocks, vs)
    states = np.array([blocks.full(v) for v in vs])
    tr = np.einsum("tii->t", states).real
    mins = np.array([np.linalg.eigvalsh(0.5 * (r + r.conj().T))[0] for r in states])
    return OpenChainResult(t, obs["current_paper"], obs["bond_currents"], obs["magnetization"], obs["down"],
                           tr, mins, states)


@dataclass
class SteadyResult:
    """Steady state of the pumped chain: currents, magnetization, densities and the state."""

    current_paper: float
    bond_currents: np.ndarray
    magnetization: float
    down: np.ndarray
    rho: np.ndarray = field(repr=False)
    residual: float = 0.0

    @property
    def current(self) -> float:
        return float(self.bond_currents.sum())


def steady_state(alphas: Sequence[float], *, gamma: float = 3.102, gamma_I: float = 0.620,
                 jumps: str = "physical", g: float = 1.0, method: str = "blocks") -> SteadyResult:
    r"""The steady state of the pumped open chain (the :math:`t\to\infty` of Fig. 6a).

    ``method="blocks"`` (default): propagate the polarized chain with the
    block-restricted generator (:class:`MagnonBlocks`) until
    :math:`\|\mathcal L\rho\| < 10^{-13}` (about a second for ``N = 7``);
    ``"gksl_ness"``: the direct sparse solve of :func:`symness.open.gksl_ness`
    (which also proves uniqueness; minutes for ``N = 7``).  With ``gamma_I = 0``
    the steady state is the polarized chain (zero current).
    """
    L, model, values = open_liouvillian(alphas, gamma=gamma, gamma_I=gamma_I, jumps=jumps, g=g)
    if not is_symbolic(gamma) and float(gamma) == 0:
        raise NonUniqueSteadyStateError(
            "gamma = 0: without the edge baths nothing restores the up spins, and the chain's "
            "single-magnon modes with a node at the pumped centre site (or every state, without "
            "the pump) never relax, so the steady state is not unique. Pass gamma > 0.",
            reason="no edge dissipation")
    n = model.n
    blocks = MagnonBlocks(L, n)
    if method == "blocks":
        v, res = blocks.steady(blocks.vec(_product_state(n, [])))
    elif method == "gksl_ness":
        ness = gksl_ness(L, method="sparse")
        v, res = blocks.vec(ness.rho), float(ness.residual)
    else:
        raise InvalidParameterError(f"method = {method!r}: use 'blocks' or 'gksl_ness'.")
    obs = _collect(model, values, blocks, v[None])
    return SteadyResult(float(obs["current_paper"][0]), obs["bond_currents"][0], float(obs["magnetization"][0]),
                        obs["down"][0], blocks.full(v), res)


def steady_current_curve(N: int, delta_x: Any, *, gamma: float = 3.102, gamma_I: float = 0.620,
                         alpha: Any = "exact", x1: float = 0.0, progress: bool = True,
                         executor: Any = None) -> dict[str, np.ndarray]:
    r"""Steady-state currents against the temperature difference (Fig. 6b).

    Linear gradient :math:`T_1 = x_1\epsilon_0` at site 1 to :math:`T_2 = T_1 + \Delta T`
    at site ``N`` (:func:`~symness.exchange.linear_profile`); ``alpha`` = ``"exact"``
    (finite-N canonical :math:`\alpha(T)`) or ``"sommerfeld"`` (eq. 5).  Returns
    ``{"delta_x", "current_paper", "current", "magnetization"}``; runs through
    :func:`symness.sweep.sweep` (progress bar, optional executor).
    """
    N = _check_n(N)
    if N > MAX_OPEN_SITES:
        raise InvalidParameterError(f"N = {N} sites is beyond MAX_OPEN_SITES = {MAX_OPEN_SITES}.")
    try:
        dx = np.atleast_1d(np.asarray(delta_x, dtype=float))
    except (TypeError, ValueError):
        raise InvalidParameterError(f"delta_x = {delta_x!r} must be real numbers (units of eps_0).") from None
    linear_profile(N, x1, x1 + float(np.max(dx, initial=0.0)), alpha=alpha)  # validate N, x1, alpha at once
    if np.any(x1 + dx < 0) or not np.all(np.isfinite(dx)):
        raise InvalidParameterError(
            f"delta_x = {delta_x!r}: temperatures x1 + delta_x must be finite and >= 0.")

    def one(d: float) -> tuple[float, float, float]:
        prof = linear_profile(N, x1, x1 + d, alpha=alpha)
        s = steady_state(prof, gamma=gamma, gamma_I=gamma_I)
        return s.current_paper, s.current, s.magnetization
    res = sweep(one, list(dx), executor=executor, progress=progress, label="steady current").array()
    return {"delta_x": dx, "current_paper": res[:, 0], "current": res[:, 1], "magnetization": res[:, 2]}
