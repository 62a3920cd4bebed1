r"""Full counting statistics of a Markov chain: tilted generator, cumulants, symbolic and numeric.

Count an increment :math:`q_e` each time transition ``e`` fires (e.g. the energy
a bath gives to the system).  The moment generating function of the counted
quantity :math:`Q_t` grows as :math:`\langle e^{\chi Q_t}\rangle \sim e^{t\lambda(\chi)}`,
with :math:`\lambda(\chi)` the eigenvalue of the *tilted generator*

.. math::

    K(\chi)_{ds} = W_{d\leftarrow s}\,e^{\chi q_{s\to d}}\ (d \ne s), \qquad
    K(\chi)_{ss} = -\sum_{d} W_{d\leftarrow s},

that vanishes at :math:`\chi = 0`.  The scaled cumulants are its derivatives,
:math:`\kappa_j = \lambda^{(j)}(0)`: :math:`\kappa_1 = J` the mean current,
:math:`\kappa_2 = S` the zero-frequency noise (variance per unit time).

Symbolically (no eigenvalue solve): with the characteristic polynomial
:math:`P(\lambda, \chi) = \det(\lambda - K(\chi)) = \sum_{km} p_{km}\lambda^k\chi^m`,
:math:`P(\lambda(\chi), \chi) = 0` is solved order by order in :math:`\chi`;
:math:`\kappa_1 = -p_{01}/p_{10}`, and every higher cumulant is a rational
function of the :math:`p_{km}` with :math:`k + m \le j`.  The :math:`p_{km}` are
computed as polynomials in the rate symbols (python-flint), by the memoised
Laplace expansion of :mod:`symness.markov.symbolic` applied to
:math:`\lambda - K(\chi)` with every entry a series in :math:`(\lambda, \chi)`
truncated at total order :math:`j`: only the low orders are ever formed.

Numerically: the same cumulants by the standard recursion on the stationary
state and the (Drazin) solution of :math:`K v = b`,
:math:`\kappa_1 = \mathbf 1^T K_1\rho`,
:math:`\kappa_2 = \mathbf 1^T K_2\rho + 2\,\mathbf 1^T K_1 v_1`, ... with
:math:`K_m = \partial_\chi^m K(\chi)|_0`.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import factorial
from typing import Any

import flint
import numpy as np
import sympy

from .numeric import gth_stationary
from .symbolic import minor

__all__ = ["cumulants_numeric", "characteristic_coefficients", "cumulant_formulas", "scgf_numeric",
           "simulate_counting"]


# ----------------------------------------------------------------------------- numeric
def _generators(n: int, edges: Sequence[tuple[int, int, float, float]], order: int) -> list[np.ndarray]:
    """``[K_0, K_1, ..., K_order]``: derivatives of the tilted generator at chi = 0."""
    Ks = [np.zeros((n, n)) for _ in range(order + 1)]
    for s, d, w, q in edges:
        if s == d:
            continue
        Ks[0][d, s] += w
        Ks[0][s, s] -= w
        for m in range(1, order + 1):
            Ks[m][d, s] += w * q**m
    return Ks


def cumulants_numeric(n: int, edges: Sequence[tuple[int, int, float, float]], order: int = 2,
                      diagnostics: bool = False) -> Any:
    r"""Scaled cumulants :math:`\kappa_1..\kappa_{order}` of the counted quantity (float64).

    Parameters
    ----------
    n
        Number of states.
    edges
        ``(source, target, rate, increment)`` for every transition.
    order
        Highest cumulant.
    diagnostics
        Also return an estimate of the absolute error of each cumulant (rounding
        of its sums, and the errors of the solves estimated by one step of
        iterative refinement with the residual in extended precision):
        ``(kappa, error)``.

    Notes
    -----
    Perturbation theory of the eigenvalue of :math:`K(\chi)` that vanishes at
    :math:`\chi = 0` (right eigenvector normalised to :math:`\mathbf 1^Tv = 1`):
    at order :math:`j`, :math:`\lambda_j/j! = \mathbf 1^T\sum_{m\ge1} K_m v_{j-m}/m!`
    and :math:`K_0 v_j = \sum_{i<j}\lambda_{j-i}v_i/(j-i)! - \sum_{m\ge1} K_m v_{j-m}/m!`
    with :math:`\mathbf 1^T v_j = 0`, solved through the bordered (non-singular)
    matrix :math:`\begin{pmatrix}K_0 & \rho\\ \mathbf 1^T & 0\end{pmatrix}`.
    """
    Ks = _generators(n, edges, order)
    Q = np.zeros((n, n))
    for s, d, w, _ in edges:
        if s != d:
            Q[s, d] += w
    rho = gth_stationary(Q)
    if rho is None:
        raise ZeroDivisionError("reducible chain: the stationary state is not unique")
    B = np.zeros((n + 1, n + 1))
    B[:n, :n] = Ks[0]
    B[:n, n] = rho
    B[n, :n] = 1.0
    Bl = B.astype(np.longdouble)
    vs = [rho]
    dvs = [np.abs(rho) * (n + 4) * np.finfo(float).eps]  # error bounds of the v_j
    lam = [0.0]  # lam[j] = j-th derivative of lambda at 0
    errs = []
    for j in range(1, order + 1):
        acc = sum(Ks[m] @ vs[j - m] / factorial(m) for m in range(1, j + 1))
        lam_j = factorial(j) * float(np.sum(acc))
        lam.append(lam_j)
        # rounding of the sum and the propagated errors of the v's
        scale = sum(np.sum(np.abs(Ks[m]) @ np.abs(vs[j - m])) / factorial(m) for m in range(1, j + 1))
        prop = sum(np.sum(np.abs(Ks[m]) @ dvs[j - m]) / factorial(m) for m in range(1, j + 1))
        errs.append(factorial(j) * float((n + 4) * np.finfo(float).eps * scale + prop))
        if j == order:
            break
        rhs = -acc + sum(lam[j - i] / factorial(j - i) * vs[i] for i in range(j))
        b = np.concatenate([rhs, [0.0]])
        sol = np.linalg.solve(B, b)
        # one step of refinement with the residual in extended precision: its size is the error estimate
        res = (b.astype(np.longdouble) - Bl @ sol.astype(np.longdouble)).astype(float)
        corr = np.linalg.solve(B, res)
        sol = sol + corr
        vs.append(sol[:n])
        dvs.append(np.abs(corr[:n]) + (n + 4) * np.finfo(float).eps * np.abs(sol[:n]))
    if diagnostics:
        return np.array(lam[1:]), np.array(errs)
    return np.array(lam[1:])


def scgf_numeric(n: int, edges: Sequence[tuple[int, int, Any, Any]], chi: Any) -> Any:
    r"""The leading eigenvalue :math:`\lambda(\chi)` of the tilted generator (mpmath if ``chi`` is an mpf).

    An independent route to the cumulants (finite differences of
    :math:`\lambda(\chi)` at high precision), used by the tests.
    """
    import mpmath

    K = mpmath.zeros(n, n)
    for s, d, w, q in edges:
        if s == d:
            continue
        K[d, s] += w * mpmath.exp(chi * q)
        K[s, s] -= w
    ev = mpmath.eig(K, left=False, right=False)
    return max(ev, key=lambda z: mpmath.re(z)).real


# ----------------------------------------------------------------------------- symbolic
def characteristic_coefficients(n: int, edges: Sequence[tuple[int, int, sympy.Symbol, Any]], ring_symbols:
                                Sequence[sympy.Symbol], order: int) -> tuple[dict[tuple[int, int], Any], Any]:
    r"""Coefficients :math:`p_{km}` (:math:`k + m \le` ``order``) of :math:`\det(\lambda - K(\chi))`.

    Parameters
    ----------
    n
        Number of states.
    edges
        ``(source, target, rate symbol, increment)``; the increment is a SymPy
        expression that is a signed ring symbol (e.g. :math:`\pm\omega`) or 0.
    ring_symbols
        Symbols of the polynomial ring (rates and increments).
    order
        Highest total order :math:`k + m` needed (the cumulant order).

    Returns
    -------
    ``({(k, m): fmpq_mpoly}, context)``: rational polynomials whose generators
    ``x0, x1, ...`` are ``ring_symbols`` in order.
    """
    names = tuple(f"x{k}" for k in range(len(ring_symbols)))
    ctx = flint.fmpq_mpoly_ctx.get(names, "degrevlex")
    gens = ctx.gens()
    index = {s: k for k, s in enumerate(ring_symbols)}
    one = ctx.constant(1)

    def as_poly(e: Any) -> Any:
        e = sympy.sympify(e)
        if e == 0:
            return ctx.constant(0)
        c, rest = e.as_coeff_Mul()
        r = sympy.Rational(c)
        k = ctx.constant(flint.fmpq(int(r.p), int(r.q)))
        return k if rest == 1 else k * gens[index[rest]]

    # entries of lambda - K(chi) as truncated series {(k, m): coefficient of lambda^k chi^m}
    M: list[list[Any]] = [[None] * n for _ in range(n)]
    diag: list[Any] = [ctx.constant(0) for _ in range(n)]
    for s, d, w, q in edges:
        if s == d:
            continue
        W = gens[index[w]]
        diag[s] = diag[s] + W  # -K on the diagonal: the rates out of s
        qp = as_poly(q)
        entry = {(0, 0): -W}
        if not qp.is_zero():
            term = -W
            for m in range(1, order + 1):
                term = term * qp / m
                entry[(0, m)] = term
        if M[d][s] is None:
            M[d][s] = _Series(entry, order)
        else:
            M[d][s] = M[d][s] + _Series(entry, order)
    for i in range(n):
        M[i][i] = _Series({(0, 0): diag[i], (1, 0): one}, order)
    det = minor(M, list(range(n)), list(range(n)), _Series({(0, 0): one}, order))
    zero = ctx.constant(0)
    return {(k, m): det.c.get((k, m), zero) for k in range(order + 1) for m in range(order + 1 - k)}, ctx


class _Series:
    """Truncated bivariate series in (lambda, chi): ``{(k, m): polynomial}`` with ``k + m <= order``."""

    __slots__ = ("c", "order")

    def __init__(self, c: dict[tuple[int, int], Any], order: int):
        self.c = c
        self.order = order

    def __mul__(self, o: Any) -> Any:
        if isinstance(o, int):
            return _Series({k: v * o for k, v in self.c.items()}, self.order)
        out: dict[tuple[int, int], Any] = {}
        for (k1, m1), a in self.c.items():
            for (k2, m2), b in o.c.items():
                k, m = k1 + k2, m1 + m2
                if k + m > self.order:
                    continue
                t = a * b
                out[(k, m)] = t if (k, m) not in out else out[(k, m)] + t
        return _Series(out, self.order)

    def _combine(self, o: Any, sign: int) -> Any:
        out = dict(self.c)
        for k, v in o.c.items():
            out[k] = (out[k] + v if sign > 0 else out[k] - v) if k in out else (v if sign > 0 else -v)
        return _Series(out, self.order)

    def __add__(self, o: Any) -> Any:
        return self._combine(o, 1)

    def __sub__(self, o: Any) -> Any:
        return self._combine(o, -1)

    def __neg__(self) -> Any:
        return _Series({k: -v for k, v in self.c.items()}, self.order)

    def is_zero(self) -> bool:
        return all(v.is_zero() for v in self.c.values())


def cumulant_formulas(order: int) -> tuple[dict[tuple[int, int], sympy.Symbol], list[sympy.Expr]]:
    r"""Cumulants :math:`\kappa_1..\kappa_{order}` as rational functions of the symbols :math:`p_{km}`.

    Solves :math:`\sum_{km} p_{km}\lambda(\chi)^k\chi^m = 0` order by order with
    :math:`p_{00} = 0`; returns ``(symbols p_km, [kappa_1, ...])``.
    """
    p = {(k, m): sympy.Symbol(f"p_{{{k}{m}}}") for k in range(order + 1) for m in range(order + 1 - k)
         if (k, m) != (0, 0)}
    chi = sympy.Symbol("chi")
    cs = sympy.symbols(f"c1:{order + 1}")
    lam = sum(c * chi ** (j + 1) for j, c in enumerate(cs))
    poly = sympy.expand(sum(v * lam**k * chi**m for (k, m), v in p.items()))
    sol: dict[sympy.Symbol, sympy.Expr] = {}
    for j in range(1, order + 1):  # c_j enters the order-j equation linearly, as p_10 c_j
        eq = sympy.expand(poly.coeff(chi, j).subs(sol))
        c = cs[j - 1]
        sol[c] = sympy.together(-(eq - eq.coeff(c) * c) / eq.coeff(c))
    return p, [sympy.factorial(j + 1) * sympy.together(sol[c]) for j, c in enumerate(cs)]


def simulate_counting(n: int, edges: Sequence[tuple[int, int, float, float]], time: float, walkers: int = 4000,
                      seed: int | None = None) -> dict[str, float]:
    r"""Kinetic Monte Carlo (Gillespie) of the chain, counting the increments: mean and noise with error bars.

    ``walkers`` independent trajectories, each started from the stationary
    state and run for ``time``, are simulated side by side (NumPy over walkers).
    The counted quantity :math:`Q_t` gives the mean rate :math:`\langle Q_t\rangle/t`
    and the scaled variance :math:`\mathrm{Var}(Q_t)/t` -- the zero-frequency noise
    up to an :math:`O(\tau/t)` correction (:math:`\tau` the relaxation time) -- with
    their standard errors.  An independent check of :func:`cumulants_numeric`
    and of the symbolic cumulants.

    Returns
    -------
    dict
        ``mean``, ``mean_err``, ``noise``, ``noise_err``, ``jumps`` (total).
    """
    rng = np.random.default_rng(seed)
    out: list[list[tuple[int, float, float]]] = [[] for _ in range(n)]
    Q = np.zeros((n, n))
    for s, d, w, q in edges:
        if s != d and w > 0:
            out[s].append((d, float(w), float(q)))
            Q[s, d] += w
    deg = max(len(o) for o in out)
    if any(len(o) == 0 for o in out):
        raise ZeroDivisionError("a state has no outgoing rate")
    total = np.array([sum(w for _, w, _ in o) for o in out])
    cum = np.ones((n, deg))
    dest = np.zeros((n, deg), dtype=int)
    inc = np.zeros((n, deg))
    for i, o in enumerate(out):
        c = np.cumsum([w for _, w, _ in o]) / total[i]
        cum[i, : len(o)] = c
        cum[i, len(o) - 1:] = 1.0
        dest[i, : len(o)] = [d for d, _, _ in o]
        inc[i, : len(o)] = [q for _, _, q in o]
    rho = gth_stationary(Q)
    state = rng.choice(n, size=walkers, p=rho)
    t = np.zeros(walkers)
    count = np.zeros(walkers)
    active = np.ones(walkers, dtype=bool)
    jumps = 0
    while active.any():
        idx = np.nonzero(active)[0]
        st = state[idx]
        t[idx] += rng.exponential(1.0 / total[st])
        done = t[idx] >= time
        active[idx[done]] = False
        go = idx[~done]
        st = state[go]
        k = (rng.random(go.size)[:, None] >= cum[st]).sum(axis=1)
        k = np.minimum(k, deg - 1)
        count[go] += inc[st, k]
        state[go] = dest[st, k]
        jumps += go.size
    mean = float(count.mean() / time)
    mean_err = float(count.std(ddof=1) / np.sqrt(walkers) / time)
    var = float(count.var(ddof=1) / time)
    noise_err = float(var * np.sqrt(2.0 / (walkers - 1)))
    return {"mean": mean, "mean_err": mean_err, "noise": var, "noise_err": noise_err, "jumps": jumps}
