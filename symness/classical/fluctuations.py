r"""Counting statistics of the heat exchanged by the classical Ising ring (magnification paper, Sec. II).

Beyond the mean currents of eqs. (6), (9): every spin flip caused by a bath moves
the energy :math:`\Delta E_i` (eq. 3) from that bath into the ring.  Counting
these increments along a trajectory gives the heat :math:`Q^X_t` received from
bath :math:`X` up to time :math:`t`; its scaled cumulants

.. math::

    \kappa_j = \lim_{t\to\infty} \frac{\langle\langle (Q^X_t)^j\rangle\rangle}{t}
             = \partial_\chi^j\lambda(\chi)\big|_{\chi=0}

are the derivatives of the eigenvalue :math:`\lambda(\chi)` of the *tilted
generator* (the generator of eq. 4 with :math:`W_{\eta^i\leftarrow\eta}` multiplied
by :math:`e^{\chi\,\Delta E_i(\eta)}` for the flips counted) that vanishes at
:math:`\chi = 0` (:mod:`symness.markov.counting`).  :math:`\kappa_1` is the mean
current of :meth:`IsingRing.heat_currents`, :math:`\kappa_2 = S` the
zero-frequency noise of the heat current, :math:`\kappa_3` its skewness rate.
The branch "currents" (``"upper"``, ``"lower"``, eq. 9) are counted the same way,
with the energy a flip moves into the bond that defines them.

Units and sign conventions are those of :meth:`IsingRing.heat_currents`:
:math:`k_B = 1`, energies in units of the couplings; heat *from* the bath *into*
the ring is positive.  ``normalization="literal"`` counts per unit time of the
master equation (4); ``"paper"`` per single-spin update attempt, i.e. the
continuous-time chain with rates :math:`W/N_S` (every cumulant is the literal one
divided by :math:`N_S`).  The paper's *discrete-time* random-sequential chain has
the tilted transition matrix :math:`1 + K(\chi)/N_S`, hence the SCGF
:math:`\ln(1 + \lambda(\chi)/N_S)` per attempt: its per-attempt variance is
:math:`S_{\rm paper} - I_{\rm paper}^2`, not :math:`S_{\rm paper}`.
:func:`symness.classical.montecarlo.simulate` counts time with a Poisson clock of
rate :math:`N_S` attempts per unit time, which *is* the master equation, so its
noise estimates compare directly with these.

Numerics: the chain restricted to one closed class (lumped by the global spin
flip when the class allows it, which leaves every increment unchanged) goes to
:func:`~symness.markov.counting.cumulants_numeric`; when its error estimate is
not small against the result (:data:`RTOL`), the same recursion is recomputed in
ball arithmetic (python-flint ``arb``, rates and energies recomputed from the
arguments, precision raised until 12 digits are certified), or a
:class:`~symness.errors.PrecisionWarning` is issued for classes too large for
that (:data:`MAX_PRECISE_STATES`).  At equal temperatures (detailed balance) the
odd cumulants are exactly zero and returned as such.  Symbolic arguments give exact expressions from the
characteristic polynomial :math:`\det(\lambda - K(\chi))`
(:func:`~symness.markov.counting.characteristic_coefficients`), no eigenvalue
solve, for classes of at most :data:`MAX_SYMBOLIC_STATES` lumped states.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from math import factorial
from typing import TYPE_CHECKING, Any

import flint
import numpy as np
import sympy

from ..errors import InvalidParameterError, NonUniqueSteadyStateError, PrecisionWarning
from ..markov.counting import (
    characteristic_coefficients,
    cumulant_formulas,
    cumulants_numeric,
)
from .dynamics import BULK, LEFT, energy_sign
from .stationary import closed_classes, lumping

if TYPE_CHECKING:  # pragma: no cover
    from .ring import IsingRing

__all__ = ["heat_cumulants", "heat_current_noise", "counting_edges", "exact_cumulants", "symbolic_increments",
           "MAX_ORDER", "MAX_NUMERIC_STATES", "MAX_SYMBOLIC_STATES", "MAX_PRECISE_STATES"]

#: Highest cumulant order.
MAX_ORDER = 4
#: Largest (lumped) closed class for the float64 cumulants (dense matrices of order ``n x n``).
MAX_NUMERIC_STATES = 1024
#: Largest (lumped) closed class for the exact (symbolic) cumulants.
MAX_SYMBOLIC_STATES = 16
#: Largest (lumped) closed class recomputed in ball arithmetic when float64 cannot resolve the cumulants.
MAX_PRECISE_STATES = 256
#: Relative accuracy demanded of the float64 cumulants before the recomputation in ball arithmetic.
RTOL = 1e-9
_KEYS = ("left", "right", "upper", "lower")


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or key not in _KEYS:
        raise InvalidParameterError(
            f"bath = {key!r}: count the heat from 'left' or 'right' (or the branch energy 'upper' / "
            "'lower', the keys of IsingRing.heat_currents).")
    return key


def _check_order(order: Any) -> int:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 1 <= order <= MAX_ORDER:
        raise InvalidParameterError(f"order = {order!r}: cumulants of order 1..{MAX_ORDER} are available "
                                    "(an integer; 2 is the noise).")
    return int(order)


def _class_states(ring: IsingRing, tr: Any, initial: Any, cls: Any, sym: bool) -> np.ndarray:
    """States of the one closed class the statistics refer to."""
    classes = closed_classes(ring.n_states, tr.src, tr.dst)
    weights = ring._class_weights(classes, initial, cls, sym)
    if len(weights) > 1:
        raise NonUniqueSteadyStateError(
            f"the initial distribution spreads over {len(weights)} closed classes of {ring!r}; the heat "
            "exchanged then has a class-dependent mean current and its variance is not linear in time. "
            "Give one class with cls=<index> (ring.classes() lists them) or an initial state inside one "
            "class.", reason="several closed classes", classes=classes)
    return classes[weights[0][0]]


def counting_edges(ring: IsingRing, tr: Any, states: np.ndarray, rates: Sequence[Any],
                   increments: Sequence[Any]) -> tuple[int, list[tuple[int, int, Any, Any]]]:
    """``(n, [(source, target, rate, increment), ...])`` of the chain on one closed class.

    The class is lumped by the global spin flip when it is invariant under it
    (the flip leaves rates and increments unchanged); ``rates`` and
    ``increments`` are per transition of ``tr`` (floats, python-flint ``arb`` or SymPy).
    """
    lump = lumping(states, ring._partner)
    pos = np.full(ring.n_states, -1, dtype=np.int64)
    if lump is None:
        pos[states] = np.arange(states.size)
        n = int(states.size)
        keep = pos[tr.src] >= 0
    else:
        reps, orbit = lump
        pos[states] = orbit
        n = int(reps.size)
        is_rep = np.zeros(ring.n_states, dtype=bool)
        is_rep[reps] = True
        keep = is_rep[tr.src]
    edges = []
    for t in np.flatnonzero(keep):
        s, d = int(pos[tr.src[t]]), int(pos[tr.dst[t]])
        if s == d:  # pragma: no cover - a single flip never maps a state to its global flip (N_S >= 2)
            raise AssertionError("a counted self-loop in the lumped chain")
        edges.append((s, d, rates[t], increments[t]))
    return n, edges


def _lumped_size(ring: IsingRing, states: np.ndarray) -> int:
    lump = lumping(states, ring._partner)
    return int(states.size if lump is None else lump[0].size)


def _numeric(ring: IsingRing, J: Sequence[float], T: Sequence[float], key: str, order: int, scale: int,
             states: np.ndarray) -> np.ndarray:
    tr = ring._transitions(J)
    n_lumped = _lumped_size(ring, states)
    if n_lumped > MAX_NUMERIC_STATES:
        raise InvalidParameterError(
            f"the exact counting statistics of {ring!r} need a {n_lumped}-state tilted generator, more "
            f"than MAX_NUMERIC_STATES = {MAX_NUMERIC_STATES} (dense matrices); use a smaller ring, or "
            "estimate the noise with IsingRing.simulate (SimulationResult.noise).")
    rates = ring._checked_rates(tr, J, T)
    mask, coef = ring._current_masks(tr)[key]
    inc = np.where(mask, coef @ np.asarray(J, dtype=float), 0.0)
    n, edges = counting_edges(ring, tr, states, rates.tolist(), inc.tolist())
    kappa, err = cumulants_numeric(n, edges, order, diagnostics=True)
    if T[0] == T[1]:
        # equilibrium (detailed balance, increments odd under time reversal): Q_t is symmetric in law,
        # so every odd cumulant vanishes exactly
        kappa[0::2] = 0.0
        err[0::2] = 0.0
    resolved = err <= RTOL * np.abs(kappa)
    if not np.all(resolved):
        precise = _arb_cumulants(ring, tr, J, T, key, order, states) if n <= MAX_PRECISE_STATES else None
        if precise is not None:
            kappa = precise
        else:
            why = (f"a class of {n} lumped states is too large for the recomputation in ball arithmetic, "
                   f"MAX_PRECISE_STATES = {MAX_PRECISE_STATES}" if n > MAX_PRECISE_STATES
                   else "the recomputation in ball arithmetic did not reach 12 digits at 2048 bits")
            warnings.warn(
                f"the float64 cumulants of {ring!r} at J = {tuple(J)}, T = {tuple(T)} have estimated "
                f"relative errors up to {float(np.max(err / np.maximum(np.abs(kappa), 1e-300))):.1e} "
                f"({why}).", PrecisionWarning, stacklevel=4)
    return np.asarray(kappa, dtype=float) / scale


def _arb_cumulants(ring: IsingRing, tr: Any, J: Sequence[float], T: Sequence[float], key: str, order: int,
                   states: np.ndarray) -> np.ndarray | None:
    """The cumulant recursion of :func:`cumulants_numeric` in ball arithmetic (python-flint ``arb``).

    Rates :math:`e^{-\\Delta E/T}` and increments are recomputed from the (exactly
    represented) float arguments; the working precision doubles from 128 bits
    until every cumulant is certified to 12 digits (up to 2048 bits).  Returns
    ``None`` if that fails.
    """
    Jm = [flint.arb(float(v)) for v in J]
    Tb = {LEFT: flint.arb(float(T[0])), 2: flint.arb(float(T[1]))}
    mask, coef = ring._current_masks(tr)[key]
    old = flint.ctx.prec
    try:
        for prec in (128, 256, 512, 1024, 2048):
            flint.ctx.prec = prec
            zero = flint.arb(0)
            rates, inc = [], []
            for t in range(len(tr)):
                e = sum((int(c) * v for c, v in zip(tr.dE[t], Jm)), zero)
                b = int(tr.bath[t])
                rates.append(flint.arb(1) if b == BULK or float(e.mid()) <= 0 else (-e / Tb[b]).exp())
                inc.append(sum((int(c) * v for c, v in zip(coef[t], Jm)), zero) if mask[t] else zero)
            n, edges = counting_edges(ring, tr, states, rates, inc)
            kappa = _arb_recursion(n, edges, order)
            if kappa is None:
                continue
            if T[0] == T[1]:
                kappa[0::2] = [zero] * len(kappa[0::2])
            if all(k.rad() <= 1e-12 * abs(k.mid()) for k in kappa):
                return np.array([float(k.mid()) for k in kappa])
        return None
    finally:
        flint.ctx.prec = old


def _arb_recursion(n: int, edges: Sequence[tuple[int, int, Any, Any]], order: int) -> list[Any] | None:
    """Perturbation theory of the eigenvalue of K(chi) vanishing at 0 (as in cumulants_numeric), in arb."""
    Ks = [flint.arb_mat(n, n) for _ in range(order + 1)]
    for s, d, w, q in edges:
        Ks[0][d, s] += w
        Ks[0][s, s] -= w
        qm = w
        for m in range(1, order + 1):
            qm = qm * q
            Ks[m][d, s] += qm
    # bordered matrix [[K0, 1], [1^T, 0]]: non-singular for an irreducible chain, and 1^T rhs = 0 for
    # every right-hand side of the recursion, so its solution has v with 1^T v = 0 (and 1 for rho)
    B = flint.arb_mat(n + 1, n + 1)
    for i in range(n):
        for k in range(n):
            B[i, k] = Ks[0][i, k]
        B[i, n] = 1
        B[n, i] = 1
    rhs = flint.arb_mat(n + 1, 1)
    rhs[n, 0] = 1
    try:
        sol = B.solve(rhs)
    except ZeroDivisionError:
        return None
    vs = [flint.arb_mat([[sol[i, 0]] for i in range(n)])]
    lam = [flint.arb(0)]
    for j in range(1, order + 1):
        acc = Ks[1] * vs[j - 1]
        for m in range(2, j + 1):
            acc = acc + Ks[m] * vs[j - m] * flint.arb(1) / factorial(m)
        lam.append(factorial(j) * sum((acc[i, 0] for i in range(n)), flint.arb(0)))
        if j == order:
            break
        r = flint.arb_mat(n + 1, 1)
        for i in range(n):
            v = -acc[i, 0]
            for k in range(j):
                v += lam[j - k] / factorial(j - k) * vs[k][i, 0]
            r[i, 0] = v
        try:
            sol = B.solve(r)
        except ZeroDivisionError:
            return None
        vs.append(flint.arb_mat([[sol[i, 0]] for i in range(n)]))
    return lam[1:]


# ----------------------------------------------------------------------------- symbolic
def _symbolic(ring: IsingRing, J: Sequence[Any], T: Sequence[Any], key: str, order: int, scale: int,
              states: np.ndarray) -> list[sympy.Expr]:
    from .ring import _SymbolicChain

    n_lumped = _lumped_size(ring, states)
    if n_lumped > MAX_SYMBOLIC_STATES:
        raise InvalidParameterError(
            f"exact symbolic counting statistics of {ring!r} are limited to closed classes of "
            f"{MAX_SYMBOLIC_STATES} lumped states (this one has {n_lumped}); pass numbers for the exact "
            "numeric cumulants.")
    tr = ring._transitions(J)
    split, cases = ring._cases(tr, J)
    energies = symbolic_increments(ring, tr, J, key)
    per_case = []
    for case in cases:
        chain = _SymbolicChain(tr, J, T, split, case)
        per_case.append(exact_cumulants(ring, tr, states, chain.rate_vars, energies, order,
                                        chain.values, split, case))
    return [ring._piecewise([c[j] / scale for c in per_case], split) for j in range(order)]


def symbolic_increments(ring: IsingRing, tr: Any, J: Sequence[Any], key: str) -> list[sympy.Expr]:
    """Energy counted on every transition for the current ``key`` (eqs. 3, 8; zero if not counted)."""
    mask, coef = ring._current_masks(tr)[key]
    return [sum((int(c) * v for c, v in zip(coef[t], J)), sympy.Integer(0)) if mask[t] else sympy.Integer(0)
            for t in range(len(tr))]


def exact_cumulants(ring: IsingRing, tr: Any, states: np.ndarray, rate_vars: Sequence[Any],
                    increments: Sequence[sympy.Expr], order: int, values: dict[sympy.Symbol, sympy.Expr] | None,
                    split: sympy.Expr | None = None, case: int = 0) -> list[sympy.Expr]:
    r"""Exact literal cumulants :math:`\kappa_1..\kappa_{order}` from the characteristic polynomial.

    ``rate_vars`` are 1 or Metropolis-factor symbols (as in the exact
    stationary solver); the results are rational functions of those symbols
    (``values`` substituted if given) and of the couplings.
    """
    one = sympy.Dummy("one", positive=True)
    rates = [one if r == 1 else r for r in rate_vars]
    # every distinct nonzero increment (up to sign) becomes one symbol of the polynomial ring
    energy_sym: dict[sympy.Expr, sympy.Symbol] = {}
    incs = []
    for e in increments:
        e = sympy.expand(e)
        if e == 0:
            incs.append(sympy.Integer(0))
            continue
        sgn = 1
        if (-e) in energy_sym:
            e, sgn = -e, -1
        elif e not in energy_sym:
            try:
                if energy_sign(e, split, case) < 0:
                    e, sgn = -e, -1
            except InvalidParameterError:
                pass
            if e not in energy_sym:
                energy_sym[e] = sympy.Dummy(f"q{len(energy_sym)}", positive=True)
        incs.append(sgn * energy_sym[e])
    n, edges = counting_edges(ring, tr, states, rates, incs)
    rate_symbols = sorted({w for _, _, w, _ in edges}, key=str)
    symbols = rate_symbols + list(energy_sym.values())
    coeffs, _ = characteristic_coefficients(n, edges, symbols, order)
    p, kappas = cumulant_formulas(order)
    names = [sympy.Symbol(f"x{k}") for k in range(len(symbols))]
    back = dict(zip(names, symbols))
    back_vals: dict[sympy.Symbol, Any] = {one: sympy.Integer(1)}
    back_vals.update({s: e for e, s in energy_sym.items()})
    psub = {}
    for km, sym_p in p.items():
        poly = coeffs[km]
        expr = sympy.Add(*[sympy.Rational(int(c.p), int(c.q)) * sympy.Mul(*[back[names[i]] ** int(k)
                                                                           for i, k in enumerate(mono) if k])
                           for mono, c in poly.to_dict().items()])
        psub[sym_p] = sympy.expand(expr.xreplace(back_vals))
    out = []
    for kap in kappas:
        e = sympy.factor(kap.xreplace(psub))
        out.append(e.xreplace(values) if values else e)
    return out


# ----------------------------------------------------------------------------- entry points
def heat_cumulants(ring: IsingRing, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
                   bath: str = "left", order: int = 3, normalization: str = "paper", initial: Any = None,
                   cls: int | None = None) -> dict[str, Any]:
    r"""Scaled cumulants :math:`\kappa_1..\kappa_{order}` of the heat from ``bath`` into the ring.

    See :meth:`symness.classical.IsingRing.heat_cumulants`.
    """
    key = _check_key(bath)
    order = _check_order(order)
    scale = ring._norm(normalization)
    sym, J, T = ring._args(J_upper, J_lower, T_left, T_right)
    tr = ring._transitions(J)
    states = _class_states(ring, tr, initial, cls, sym)
    if sym:
        vals: Sequence[Any] = _symbolic(ring, J, T, key, order, scale, states)
    else:
        vals = [float(v) for v in _numeric(ring, J, T, key, order, scale, states)]
    return {f"kappa_{j + 1}": v for j, v in enumerate(vals)}


def heat_current_noise(ring: IsingRing, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
                       normalization: str = "paper", initial: Any = None, cls: int | None = None
                       ) -> dict[str, Any]:
    r"""Zero-frequency noise :math:`S = \kappa_2` of every current of :meth:`IsingRing.heat_currents`.

    See :meth:`symness.classical.IsingRing.heat_current_noise`.
    """
    return {k: heat_cumulants(ring, J_upper, J_lower, T_left, T_right, bath=k, order=2,
                              normalization=normalization, initial=initial, cls=cls)["kappa_2"]
            for k in _KEYS}
