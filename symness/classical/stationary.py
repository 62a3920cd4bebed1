r"""Stationary states of classical master equations :math:`\dot P = W P`.

Convention: ``W[j, i]`` is the rate of the transition ``i -> j`` (columns are
"from" states), so every column sums to zero, as in eq. (11) of the
magnification paper.

* :func:`closed_classes` -- the closed communicating classes of the transition
  graph (strongly connected components with no exit), found from the
  *structure* of the allowed moves, so a rate that underflows in float64 never
  fakes a broken ergodicity.
* :func:`numeric_stationary` -- the stationary distribution on one closed
  class: Grassmann-Taksar-Heyman elimination (subtraction-free, so every
  probability has full *relative* accuracy however small) for small classes,
  sparse LU for medium ones, and a BiCGSTAB/GMRES Krylov solve on the
  jump-chain-scaled generator for large ones (a 16-spin Q2R ring), each
  followed by a backward-error check.
* :func:`exact_stationary` -- the exact stationary state as polynomials in
  exponential variables :math:`v = e^{-\Delta E/T}`: fraction-free elimination
  over :math:`\mathbb{Z}[v_1, \dots]` (SymPy ``DomainMatrix.solve_den``), never
  ``Matrix.nullspace`` on exponentials.

Both solvers use the global spin-flip symmetry when a class is invariant
under it: the lumped chain on pairs :math:`\{\eta, -\eta\}` has half the states
and its stationary state gives :math:`P(\eta) = P(-\eta)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import sympy
from scipy.sparse.csgraph import connected_components
from sympy import ZZ
from sympy.polys.matrices import DomainMatrix

from ..errors import ConvergenceError, InvalidParameterError
from ..markov import gth_stationary

__all__ = ["closed_classes", "transient_states", "numeric_stationary", "exact_stationary",
           "ExactStationary", "lumping", "GTH_MAX", "LU_MAX", "EXACT_MAX", "EXACT_MAX_MANY"]

#: Largest (lumped) class solved by dense GTH elimination.
GTH_MAX = 600
#: Largest (lumped) class solved by sparse LU; larger ones use Krylov iterations.
LU_MAX = 2500
#: Largest (lumped) class the exact symbolic elimination accepts, with at most two
#: exponential variables (equal couplings) and with more (unequal couplings): beyond these
#: the fraction-free elimination takes minutes and the results are unreadable.
EXACT_MAX = 32
EXACT_MAX_MANY = 16


def closed_classes(n_states: int, src: np.ndarray, dst: np.ndarray) -> list[np.ndarray]:
    """Closed communicating classes (sorted index arrays, ordered by their smallest state)."""
    g = sp.csr_matrix((np.ones(src.size), (src, dst)), shape=(n_states, n_states))
    ncomp, lab = connected_components(g, directed=True, connection="strong")
    leaves = np.ones(ncomp, dtype=bool)
    cross = lab[src] != lab[dst]
    leaves[np.unique(lab[src[cross]])] = False
    classes = [np.flatnonzero(lab == c) for c in np.flatnonzero(leaves)]
    classes.sort(key=lambda a: int(a[0]))
    return classes


def transient_states(n_states: int, classes: Sequence[np.ndarray]) -> np.ndarray:
    """States in no closed class."""
    mask = np.ones(n_states, dtype=bool)
    for c in classes:
        mask[c] = False
    return np.flatnonzero(mask)


def lumping(states: np.ndarray, partner: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Orbits of an involution restricted to a class.

    Returns ``(reps, orbit_of)`` -- representatives (the smaller index of each
    pair) and, for every state of the class, the position of its orbit -- or
    ``None`` if the class is not invariant under the involution.
    """
    states = np.asarray(states)
    part = np.asarray(partner)[states]
    if not np.isin(part, states).all():
        return None
    rep = np.minimum(states, part)
    reps = np.unique(rep)
    return reps, np.searchsorted(reps, rep)


# --------------------------------------------------------------------------- numeric
def _class_generator(states: np.ndarray, src: np.ndarray, dst: np.ndarray, rates: np.ndarray,
                     lump: tuple[np.ndarray, np.ndarray] | None) -> tuple[sp.csr_matrix, np.ndarray]:
    """Generator restricted to a class (lumped if ``lump``), and the map state -> row."""
    pos = np.full(int(max(src.max(initial=0), dst.max(initial=0), states.max())) + 1, -1, dtype=np.int64)
    pos[states] = np.arange(states.size)
    inside = pos[src] >= 0
    s, d, r = src[inside], dst[inside], rates[inside]
    if lump is None:
        rows, cols, m = pos[d], pos[s], states.size
        row_of = np.arange(states.size)
    else:
        reps, orbit = lump
        is_rep = states == reps[orbit]
        keep = is_rep[pos[s]]  # rates out of the representative of each orbit
        rows, cols, m = orbit[pos[d[keep]]], orbit[pos[s[keep]]], reps.size
        r = r[keep]
        row_of = orbit
    keep = rows != cols
    W = sp.csr_matrix((r[keep], (rows[keep], cols[keep])), shape=(m, m))
    out = np.asarray(W.sum(axis=0)).ravel()
    W = (W - sp.diags(out)).tocsr()
    return W, row_of


def _gth(W: np.ndarray) -> np.ndarray:
    """Grassmann-Taksar-Heyman: stationary vector of a dense generator (columns = from)."""
    p = gth_stationary(np.asarray(W, dtype=float).T)  # rate matrix Q[i, j] = rate i -> j
    if p is None:
        raise ConvergenceError(
            "GTH elimination met a state with no exit rate (a rate underflowed to 0 in "
            "float64); the temperatures are too low for float64 -- use the closed form "
            "(ClosedForm.lambdify falls back to mpmath) or raise the temperatures.")
    return p


def _krylov(W: sp.csr_matrix, tol: float) -> np.ndarray:
    """Null vector of a large generator by Krylov iterations on the jump-chain scaling ``W D^-1``.

    BiCGSTAB first (fast when the chain mixes well); if it stalls or breaks down
    -- typical when a bath is cold and the chain is nearly decomposable -- GMRES
    preconditioned by an incomplete LU factorisation, in rounds, until the
    backward error of the distribution is below the target.
    """
    d = -W.diagonal()
    if np.any(d <= 0):
        raise ConvergenceError(
            "a state has no exit rate (rates underflowed in float64); raise the temperatures or "
            "use the closed form.")
    P = (W @ sp.diags(1.0 / d)).tocsc()
    A = P[1:, 1:].tocsc()
    b = -np.asarray(P[1:, 0].todense()).ravel()
    target = max(1e3 * tol, 1e-13)

    def dist(x: np.ndarray) -> np.ndarray | None:
        if not np.all(np.isfinite(x)):
            return None
        p = np.maximum(np.concatenate([[1.0], x]) / d, 0.0)
        return p / p.sum()

    def good(p: np.ndarray | None) -> bool:
        return p is not None and _backward_error(W, p) <= target

    with np.errstate(all="ignore"):
        x, _ = spla.bicgstab(A, b, x0=np.ones(A.shape[0]), rtol=tol, atol=0.0, maxiter=1500)
    p = dist(x)
    if good(p):
        return p  # type: ignore[return-value]
    try:
        ilu = spla.spilu(A, drop_tol=1e-4, fill_factor=10, permc_spec="MMD_AT_PLUS_A")
    except RuntimeError as exc:  # pragma: no cover - singular factor
        raise ConvergenceError(f"incomplete LU failed ({exc}); rates may have underflowed.") from exc
    M = spla.LinearOperator(A.shape, ilu.solve)
    x = x if p is not None else np.ones(A.shape[0])
    for _ in range(40):
        with np.errstate(all="ignore"):
            x, _ = spla.gmres(A, b, x0=x, M=M, rtol=1e-15, atol=0.0, restart=60, maxiter=1)
        p = dist(x)
        if good(p):
            return p  # type: ignore[return-value]
        if p is None:
            break
    raise ConvergenceError(
        f"Krylov solvers did not reach a backward error of {target:.1g} for the stationary state "
        f"({W.shape[0]} states); try method='lu' (slow for large rings).")


def _backward_error(W: sp.csr_matrix, p: np.ndarray) -> float:
    absW = abs(W)
    num = np.abs(W @ p).sum()
    den = (absW @ np.abs(p)).sum()
    return float(num / den) if den > 0 else 0.0


def numeric_stationary(states: np.ndarray, src: np.ndarray, dst: np.ndarray, rates: np.ndarray,
                       partner: np.ndarray | None = None, method: str = "auto",
                       tol: float = 1e-13) -> np.ndarray:
    """Stationary distribution on one closed class (returned on ``states``, summing to one).

    Parameters
    ----------
    states
        The class (sorted state indices).
    src, dst, rates
        All transitions of the chain and their rates.
    partner
        Global spin-flip partner of every state (enables the :math:`Z_2` lumping).
    method
        ``"auto"``, ``"gth"``, ``"lu"`` or ``"krylov"``.
    tol
        Relative tolerance of the Krylov solve; the backward error of every
        result is checked against ``max(1e3 * tol, 1e-10)``.
    """
    states = np.asarray(states)
    if states.size == 1:
        return np.ones(1)
    lump = lumping(states, partner) if partner is not None else None
    W, row_of = _class_generator(states, src, dst, rates, lump)
    m = W.shape[0]
    if method == "auto":
        method = "gth" if m <= GTH_MAX else ("lu" if m <= LU_MAX else "krylov")
    if method == "gth":
        q = _gth(W.toarray())
    elif method == "lu":
        A = W[1:, 1:].tocsc()
        b = -np.asarray(W[1:, 0].todense()).ravel()
        try:
            x = spla.splu(A, permc_spec="MMD_AT_PLUS_A").solve(b)
        except RuntimeError as exc:
            raise ConvergenceError(f"sparse LU failed ({exc}); rates may have underflowed.") from exc
        q = np.concatenate([[1.0], x])
    elif method == "krylov":
        q = _krylov(W, tol)  # already normalised and checked
    else:
        raise InvalidParameterError(f"method must be 'auto', 'gth', 'lu' or 'krylov', not {method!r}.")
    if not np.all(np.isfinite(q)):
        raise ConvergenceError("the stationary solve produced non-finite values; rates may have "
                               "underflowed (temperatures too low for float64).")
    q = np.maximum(q, 0.0)
    q /= q.sum()
    err = _backward_error(W, q)
    if err > max(1e3 * tol, 1e-10):
        raise ConvergenceError(f"stationary state has backward error {err:.2g} ({method}); try "
                               "another method.")
    p = q[row_of]
    return p / p.sum()


# --------------------------------------------------------------------------- exact
@dataclass
class ExactStationary:
    r"""Exact stationary state of one class as polynomials in exponential variables.

    :math:`P(\eta) = q_\eta(v) / Z(v)` with :math:`q_\eta, Z \in \mathbb{Z}[v]` and
    :math:`v_k = e^{-E_k/T_{\alpha_k}}` (``values``).

    Attributes
    ----------
    ring
        The polynomial ring :math:`\mathbb{Z}[v_1, \dots]`.
    variables
        The symbols :math:`v_k`.
    values
        ``{v_k: exp(-E_k/T)}``.
    states
        The class.
    weights
        :math:`q_\eta` for every state of the class (ring elements, same order).
    Z
        :math:`\sum_\eta q_\eta`.
    """

    ring: Any
    variables: list[sympy.Symbol]
    values: dict[sympy.Symbol, sympy.Expr]
    states: np.ndarray
    weights: list[Any]
    Z: Any

    def probability(self, k: int) -> sympy.Expr:
        """:math:`P(\\eta_k)` with the exponentials substituted (0 outside the class)."""
        i = int(np.searchsorted(self.states, k))
        if i >= self.states.size or self.states[i] != k:
            return sympy.Integer(0)
        if not hasattr(self, "_Z_expr"):
            self._Z_expr = self.to_expr(self.Z)
        return self.to_expr(self.weights[i]) / self._Z_expr

    def to_expr(self, poly: Any, substitute: bool = True) -> sympy.Expr:
        """A ring element as a SymPy expression (``v_k -> exp(-E_k/T)`` if ``substitute``)."""
        e = self.ring.to_sympy(poly)
        return e.xreplace(self.values) if substitute else e


def exact_stationary(states: np.ndarray, src: np.ndarray, dst: np.ndarray,
                     rate_vars: list[Any], variables: list[sympy.Symbol],
                     values: dict[sympy.Symbol, sympy.Expr],
                     partner: np.ndarray | None = None) -> ExactStationary:
    """Exact stationary state of one class.

    Parameters
    ----------
    states, src, dst
        Class and transitions (as in :func:`numeric_stationary`).
    rate_vars
        Rate of each transition as a monomial in ``variables`` (SymPy; 1 for
        unit rates).
    variables, values
        The exponential variables and their meaning.
    partner
        Global spin-flip partner (lumping).
    """
    states = np.asarray(states)
    R = ZZ[tuple(variables)] if variables else ZZ
    lump = lumping(states, partner) if partner is not None else None
    pos = np.full(int(max(src.max(initial=0), dst.max(initial=0), states.max())) + 1, -1, dtype=np.int64)
    pos[states] = np.arange(states.size)
    if lump is None:
        row_of = np.arange(states.size)
        is_rep = np.ones(states.size, dtype=bool)
        m = states.size
    else:
        reps, orbit = lump
        row_of = orbit
        is_rep = states == reps[orbit]
        m = reps.size
    limit = EXACT_MAX if len(variables) <= 2 else EXACT_MAX_MANY
    if m > limit:
        raise InvalidParameterError(
            f"the exact (symbolic) stationary state is limited to classes of <= {limit} (lumped) "
            f"states with {len(variables)} exponential variables; this one has {m}. Pass numbers "
            "for a numeric solution (or equal couplings, which need fewer variables).")
    conv: dict[Any, Any] = {}

    def to_ring(e: Any) -> Any:
        key = e
        if key not in conv:
            conv[key] = R.from_sympy(sympy.sympify(e))
        return conv[key]

    entries: dict[tuple[int, int], Any] = {}
    inside = (pos[src] >= 0) if src.size else np.zeros(0, dtype=bool)
    for t in np.flatnonzero(inside):
        i = pos[src[t]]
        if not is_rep[i]:
            continue
        a, b = int(row_of[i]), int(row_of[pos[dst[t]]])
        if a == b:
            continue
        r = to_ring(rate_vars[t])
        entries[(b, a)] = entries.get((b, a), R.zero) + r
        entries[(a, a)] = entries.get((a, a), R.zero) - r
    if m == 1:
        q = [R.one]
    else:
        dod: dict[int, dict[int, Any]] = {}
        rhs: dict[int, dict[int, Any]] = {}
        for (i, j), v in entries.items():
            if i == 0 or not v:
                continue
            if j == 0:
                rhs.setdefault(i - 1, {})[0] = -v
            else:
                dod.setdefault(i - 1, {})[j - 1] = v
        A = DomainMatrix.from_dod(dod, (m - 1, m - 1), R)
        b = DomainMatrix.from_dod(rhs, (m - 1, 1), R)
        method = "rref" if len(variables) <= 2 else "charpoly"
        x, den = A.solve_den(b, method=method)
        col = x.to_dense().to_list()
        q = [den] + [row[0] for row in col]
    g = q[0]
    for qi in q[1:]:
        g = R.gcd(g, qi)
    q = [R.exquo(qi, g) for qi in q]
    lead = q[0].LC if hasattr(q[0], "LC") else q[0]
    if lead < 0:
        q = [-qi for qi in q]
    weights = [q[int(row_of[i])] for i in range(states.size)]
    Z = sum(weights[1:], weights[0])
    return ExactStationary(R, list(variables), dict(values), states, weights, Z)
