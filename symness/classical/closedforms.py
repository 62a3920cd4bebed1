r"""Closed forms of the classical Ising ring, derived by the code (magnification paper, Sec. II).

Every result here is *computed* from the model (:func:`symness.models.ising.ising_ring`)
by :class:`~symness.classical.IsingRing`: exact elimination of the master
equation over polynomials in the Metropolis factors, then eqs. (6), (9) for the
currents.  Nothing is transcribed from the paper.

Variables
---------
The compact forms use the Metropolis factors of the nodal spins,

* equal couplings :math:`J`: :math:`x_\alpha = e^{-4J/T_\alpha}`;
* unequal couplings: :math:`a_\alpha = e^{-2(J_U + J_D)/T_\alpha}` and
  :math:`b_\alpha = e^{-2|J_U - J_D|/T_\alpha}` (:math:`\alpha = L, R`),

in which every current is a ratio of polynomials with small integer
coefficients.  Because all exponentials *decay* (:math:`0 < x, a, b \le 1`) the
explicit forms never overflow, whatever the temperature, and the denominators
have positive coefficients (no cancellation) -- the lambdified functions are
finite and accurate from :math:`T = 10^{-3}J` to :math:`10^3 J`.

The numerators vanish at :math:`T_L = T_R`.  In the explicit forms they are
written as sums of :class:`BoltzmannDifference` terms
:math:`c\,(e^{-P/T_L - Q/T_R} - e^{-P/T_R - Q/T_L})` (the antisymmetry of the
currents under :math:`L \leftrightarrow R`), each evaluated as
:math:`e^{A}\,(-\operatorname{expm1}(\delta))` with
:math:`\delta = (P-Q)(T_R - T_L)/(T_LT_R)`: full relative accuracy also for a
small bias :math:`T_L \approx T_R` (linear response), where the expanded
polynomial would lose :math:`\log_{10}(T/|T_L - T_R|)` digits.

Results
-------
:func:`three_spin_equal`, :func:`three_spin_stationary`,
:func:`three_spin_large_TL` (eqs. 11-16); :func:`three_spin_unequal` (the case
the paper calls too complicated to print) and :func:`three_spin_magnification`
(an analytic proof that it never magnifies); :func:`four_spin_unequal`
(:math:`N_U = N_D = 1`, the ring of Figs. 6-7); :func:`branch_ratio` (Ohm's law
for equal couplings, any :math:`N_U, N_D`); :func:`ring_cumulants` (noise and
higher cumulants of the heat currents from the master equation with a counting
field).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np
import sympy

from ..closedform import ClosedForm
from ..errors import InvalidParameterError
from ..expfunction import ExpDefinedFunction
from ..models.ising import J_lower as J_D
from ..models.ising import J_upper as J_U
from ..models.ising import T_left as T_L
from ..models.ising import T_right as T_R
from .ring import ExactCurrents, IsingRing

__all__ = [
    "J", "J_U", "J_D", "T_L", "T_R",
    "ring_currents", "ring_cumulants", "three_spin_equal", "three_spin_stationary", "three_spin_large_TL",
    "three_spin_unequal", "three_spin_magnification", "four_spin_unequal", "branch_ratio",
    "MagnificationDecision", "Derivation", "BoltzmannDifference",
]

#: Common coupling of the equal-coupling forms (energy units).
J = sympy.Symbol("J", positive=True)

PAPER = "magnification"
CONVENTIONS = ("k_B = 1; I_L from the left bath into the ring, I_U left->right through the upper "
               "branch, I_D right->left through the lower branch (eqs. 6, 9), I_L = I_U - I_D")
_MEANING = {
    J: "spin-spin coupling (equal in both branches), energy units",
    J_U: "upper-branch coupling J_U (paper: J_1)",
    J_D: "lower-branch coupling J_D (paper: J_2)",
    T_L: "left-bath temperature (k_B = 1)",
    T_R: "right-bath temperature",
}
_NORM_TEXT = {
    "paper": "energy per single-spin update attempt (the paper's normalisation, eqs. 14-16)",
    "literal": "energy per unit time of the master equation (4) with the rates of eq. (5) "
               "(eqs. 6, 9 read literally; N_S times the paper's values)",
}
_KEYS = ("left", "upper", "lower")
_TEX = {"left": "I_L", "right": "I_R", "upper": "I_U", "lower": "I_D"}


def _boltzmann_difference_numeric(A: Any, B: Any, delta: Any) -> Any:
    r""":math:`e^A - e^B` with :math:`\delta = B - A` given separately (arrays or mpmath numbers).

    mpmath numbers are evaluated in *their own* context (``value.context``), so a
    caller working in a private :class:`mpmath.MPContext` keeps its precision and
    the global ``mpmath.mp`` is never consulted.
    """
    mp_args = [v for v in (A, B, delta) if hasattr(v, "_mpf_") or hasattr(v, "_mpc_")]
    if mp_args:
        ctx = getattr(mp_args[0], "context", mpmath.mp)
        A, B, delta = (ctx.convert(v) for v in (A, B, delta))
        return ctx.exp(A) * -ctx.expm1(delta) if delta <= 0 else -ctx.exp(B) * -ctx.expm1(-delta)
    a, b, d = (np.asarray(v, dtype=float) for v in (A, B, delta))
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        out = np.where(d <= 0, np.exp(a) * -np.expm1(d), -np.exp(b) * -np.expm1(-d))
    return out if out.ndim else float(out)


class BoltzmannDifference(ExpDefinedFunction):
    r"""Difference of two Boltzmann factors :math:`e^{A} - e^{B}`, arguments ``(A, B, delta)``.

    ``delta`` is :math:`B - A` written so that it is formed without cancellation (e.g.
    :math:`4J(T_R - T_L)/(T_LT_R)`); the NumPy implementation (picked up by
    :meth:`ClosedForm.lambdify`) is :math:`e^{A}(-\operatorname{expm1}\delta)` for
    :math:`\delta \le 0` and :math:`-e^{B}(-\operatorname{expm1}(-\delta))` otherwise: full
    relative accuracy for :math:`T_L \approx T_R` and no overflow.  Printed
    :math:`\left(e^{A} - e^{B}\right)`; ``.rewrite(sympy.exp)`` gives the plain difference.
    Series, limits and assumptions act on that difference
    (:class:`~symness.expfunction.ExpDefinedFunction`): positive where :math:`A > B`.
    ``delta`` only serves the numerics: the value (and every derivative) is that of
    :math:`e^A - e^B`.
    """

    nargs = 3
    is_real = True
    _imp_ = staticmethod(_boltzmann_difference_numeric)

    @classmethod
    def eval(cls, A: sympy.Expr, B: sympy.Expr, delta: sympy.Expr) -> sympy.Expr | None:
        if A == B or delta == 0:
            return sympy.S.Zero
        return None

    @classmethod
    def exp_form(cls, A: sympy.Expr, B: sympy.Expr, delta: sympy.Expr) -> sympy.Expr:
        return sympy.exp(A) - sympy.exp(B)

    @classmethod
    def regular_at(cls, A: sympy.Expr, B: sympy.Expr, delta: sympy.Expr) -> bool:
        return bool(A.is_finite and B.is_finite)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        A, B, _ = self.args
        if argindex == 1:
            return sympy.exp(A)
        if argindex == 2:
            return -sympy.exp(B)
        if argindex == 3:
            return sympy.S.Zero
        raise sympy.ArgumentIndexError(self, argindex)

    def _eval_is_positive(self) -> bool | None:
        A, B, _ = self.args
        return (A - B).is_positive if A.is_real and B.is_real else None

    def _eval_is_negative(self) -> bool | None:
        A, B, _ = self.args
        return (A - B).is_negative if A.is_real and B.is_real else None

    def _eval_is_zero(self) -> bool | None:
        A, B, _ = self.args
        return (A - B).is_zero if A.is_real and B.is_real else None

    def _latex(self, printer: Any, exp: Any = None) -> str:
        A, B, _ = self.args
        base = f"\\left({printer._print(sympy.exp(A))} - {printer._print(sympy.exp(B))}\\right)"
        return f"{base}^{{{exp}}}" if exp is not None else base


def _antisymmetric_explicit(expr: sympy.Expr, defs: dict[sympy.Symbol, sympy.Expr]) -> sympy.Expr:
    r"""Explicit form of a current with its numerator as a sum of :class:`BoltzmannDifference` terms.

    ``expr`` is a ratio of polynomials in the Metropolis factors ``defs`` (``x_L = exp(-E/T_L)``,
    ...).  If the numerator is antisymmetric under :math:`L \leftrightarrow R`, every pair of
    monomials :math:`c(m_Lm'_R - m_Rm'_L)` becomes :math:`c\,(e^{-P/T_L-Q/T_R} - e^{-P/T_R-Q/T_L})`;
    otherwise the plain substitution is returned.  The value is unchanged (tested).
    """
    plain = expr.xreplace(defs)
    sides = {"L": T_L, "R": T_R}
    energy: dict[sympy.Symbol, sympy.Expr] = {}
    for v, d in defs.items():
        side = v.name.rsplit("_", 1)[-1]
        if not isinstance(d, sympy.exp) or side not in sides:
            return plain
        energy[v] = sympy.factor(-d.args[0] * sides[side])
    left = sorted((v for v in defs if v.name.endswith("_L")), key=lambda v: v.name)
    right = [next((w for w in defs if w.name == v.name[:-1] + "R"), None) for v in left]
    if None in right or len(right) != len(defs) - len(left) or any(
            sympy.simplify(energy[v] - energy[w]) != 0 for v, w in zip(left, right)):
        return plain
    num, den = sympy.fraction(sympy.factor(expr))
    const, poly = num.as_independent(*defs, as_Add=False)
    P = sympy.Poly(sympy.expand(poly), *left, *right)
    terms = dict(P.terms())
    k = len(left)
    pairs = []
    seen = set()
    for mono, c in P.terms():
        if mono in seen:
            continue
        partner = mono[k:] + mono[:k]
        if partner == mono or sympy.expand(terms.get(partner, 0) + c) != 0:
            return plain  # not antisymmetric
        seen.update({mono, partner})
        e_left = sum((m * energy[v] for m, v in zip(mono[:k], left)), sympy.S.Zero)
        e_right = sum((m * energy[v] for m, v in zip(mono[k:], left)), sympy.S.Zero)
        A = -sympy.factor(e_left) / T_L - sympy.factor(e_right) / T_R
        B = -sympy.factor(e_left) / T_R - sympy.factor(e_right) / T_L
        delta = sympy.factor(e_left - e_right) * (T_R - T_L) / (T_L * T_R)
        pairs.append(c.as_expr() * BoltzmannDifference(A, B, delta))
    return const * sympy.Add(*pairs) / den.xreplace(defs)


@dataclass
class Derivation:
    """A derived current set with its compact form, cost and provenance.

    Attributes
    ----------
    form
        :class:`~symness.closedform.ClosedForm` of the currents in
        :math:`T_L, T_R` (explicit, lambdify-ready).
    compact
        The same in the Metropolis-factor variables (``definitions`` give them).
    definitions
        ``{variable: exp(-E/T)}``.
    seconds
        Derivation time (from the model, without caches).
    size
        ``{"terms in Z": ..., "operations": ...}``.
    """

    form: ClosedForm
    compact: ClosedForm
    definitions: dict[sympy.Symbol, sympy.Expr]
    seconds: float
    size: dict[str, int] = field(default_factory=dict)

    def _repr_latex_(self) -> str:
        return self.compact._repr_latex_()

    def latex_block(self) -> str:
        defs = ", ".join(f"{sympy.latex(k)} = {sympy.latex(v)}" for k, v in self.definitions.items())
        return self.compact.latex_block() + f"\n\n\\noindent with ${defs}$."


def _nice_names(ec: ExactCurrents) -> dict[sympy.Symbol, sympy.Symbol]:
    """Rename the solver's variables x_alpha (one energy) or a_alpha, b_alpha (two energies)."""
    probe = {J_U: sympy.Integer(3), J_D: sympy.Integer(2), J: sympy.Integer(1), T_L: 1, T_R: 1}
    out: dict[sympy.Symbol, sympy.Symbol] = {}
    for side in ("L", "R"):
        vs = [v for v in ec.variables if v.name.startswith(f"v_{side}")]
        # value exp(-E/T): larger energy = smaller value at the probe point
        vs.sort(key=lambda v: float(ec.values[v].subs(probe)))
        names = ["x"] if len(vs) == 1 else ["a", "b", "c", "d"][:len(vs)]
        for v, nm in zip(vs, names):
            out[v] = sympy.Symbol(f"{nm}_{side}", positive=True)
    return out


def ring_currents(n_upper: int, n_lower: int, *, equal: bool = True, normalization: str = "paper",
                  case: str | None = None) -> Derivation:
    r"""Derive the exact steady-state heat currents of a Q2R ring.

    Parameters
    ----------
    n_upper, n_lower
        Branch sizes :math:`N_U, N_D` (small rings: the exact elimination is
        limited to 32 lumped states for equal couplings, 16 for unequal ones).
    equal
        ``True``: one coupling :math:`J` in both branches; ``False``: :math:`J_U, J_D`.
    normalization
        ``"paper"`` or ``"literal"`` (see :meth:`IsingRing.heat_currents`).
    case
        For unequal couplings: ``"J_U>J_D"`` or ``"J_U<J_D"`` (the Metropolis
        factors differ in the two cases).

    Returns
    -------
    Derivation
        Keys ``"left"``, ``"upper"``, ``"lower"`` (:math:`I_R = -I_L`).
    """
    t0 = time.perf_counter()
    if not isinstance(equal, (bool, np.bool_)):
        raise InvalidParameterError(f"equal = {equal!r} must be True or False.")
    ring = IsingRing(n_upper, n_lower)
    if equal:
        if case is not None:
            raise InvalidParameterError("case= is only for unequal couplings (equal=False).")
        results = ring.exact_currents(J, J, T_L, T_R, normalization=normalization)
        chosen = results[0]
        syms = {J: _MEANING[J], T_L: _MEANING[T_L], T_R: _MEANING[T_R]}
        assumptions = ["T_L, T_R > 0", "J > 0", "Q2R bulk, Metropolis nodes"]
    else:
        if case not in ("J_U>J_D", "J_U<J_D"):
            raise InvalidParameterError("for unequal couplings pass case='J_U>J_D' or case='J_U<J_D'.")
        results = ring.exact_currents(J_U, J_D, T_L, T_R, normalization=normalization)
        chosen = results[0] if case == "J_U>J_D" else results[1]
        syms = {J_U: _MEANING[J_U], J_D: _MEANING[J_D], T_L: _MEANING[T_L], T_R: _MEANING[T_R]}
        assumptions = ["T_L, T_R > 0", case.replace(">", " > ").replace("<", " < ") + " > 0",
                       "Q2R bulk, Metropolis nodes"]
    names = _nice_names(chosen)
    defs = {names[v]: chosen.values[v] for v in chosen.variables}
    compact = {k: sympy.factor(chosen.current(k, substitute=False).xreplace(names)) for k in _KEYS}
    explicit = {k: _antisymmetric_explicit(compact[k], defs) for k in _KEYS}
    seconds = time.perf_counter() - t0
    Zc = sympy.expand(chosen.Z.xreplace(names))
    size = {"states": ring.n_states, "terms in Z": len(sympy.Add.make_args(Zc)),
            "operations": int(sum(sympy.count_ops(e) for e in compact.values()))}
    geometry = f"N_U = {n_upper}, N_D = {n_lower}"
    desc = (f"Steady-state heat currents of the {ring.n_spins}-spin Q2R ring ({geometry}), "
            f"{'equal couplings' if equal else 'unequal couplings, ' + case}; "
            f"{_NORM_TEXT[normalization]}.")
    common = dict(name="", paper=PAPER, conventions=CONVENTIONS, description=desc,
                  assumptions=assumptions)
    form = ClosedForm({_TEX[k]: explicit[k] for k in _KEYS}, syms, **common)
    csyms = dict(syms)
    for s_, v in defs.items():
        csyms[s_] = f"Metropolis factor {v}"
    comp = ClosedForm({_TEX[k]: compact[k] for k in _KEYS}, csyms, **common)
    return Derivation(form, comp, defs, seconds, size)


def ring_cumulants(n_upper: int, n_lower: int, *, bath: str = "left", order: int = 2, equal: bool = True,
                   normalization: str = "paper", case: str | None = None) -> Derivation:
    r"""Derive the exact scaled cumulants of the heat from ``bath`` into a small Q2R ring.

    :math:`\kappa_j = \partial_\chi^j\lambda(\chi)|_0` for the eigenvalue of the tilted
    generator (counting field :math:`\chi` on the energy :math:`\Delta E_i` of every
    flip of the bath's nodal spin) that vanishes at :math:`\chi = 0`, obtained from
    the coefficients of :math:`\det(\lambda - K(\chi))` -- no eigenvalue solve
    (:mod:`symness.classical.fluctuations`).  :math:`\kappa_1` is the current of
    :func:`ring_currents`, :math:`\kappa_2` the zero-frequency noise (energy squared
    per update attempt, or per unit time of eq. 4 for ``"literal"``).  Heat from the
    bath into the ring counts positive.

    Parameters
    ----------
    n_upper, n_lower
        Branch sizes (the chain lumped by the global spin flip may have at most
        :data:`~symness.classical.fluctuations.MAX_SYMBOLIC_STATES` states: up to
        five spins).
    bath
        ``"left"``, ``"right"``, or a branch ``"upper"`` / ``"lower"`` (eq. 9).
    order
        Highest cumulant, 1..4.
    equal, normalization, case
        As in :func:`ring_currents`.

    Returns
    -------
    Derivation
        Keys ``"kappa_1"``, ..., compact in the Metropolis factors
        (:math:`x_\alpha = e^{-4J/T_\alpha}`, or :math:`a_\alpha, b_\alpha`).

    Examples
    --------
    >>> d = ring_cumulants(1, 0, order=2)            # three-spin ring, equal couplings
    >>> f = d.form.lambdify([J, T_L, T_R])
    >>> S = f(1.0, 2.0, 1.0)["kappa_2"]
    >>> abs(S - IsingRing(1, 0).heat_current_noise(1.0, 1.0, 2.0, 1.0)["left"]) < 1e-12
    True
    """
    from .fluctuations import (
        MAX_SYMBOLIC_STATES,
        _check_key,
        _check_order,
        _class_states,
        _lumped_size,
        exact_cumulants,
        symbolic_increments,
    )
    from .ring import _SymbolicChain

    t0 = time.perf_counter()
    key = _check_key(bath)
    order = _check_order(order)
    if not isinstance(equal, (bool, np.bool_)):
        raise InvalidParameterError(f"equal = {equal!r} must be True or False.")
    ring = IsingRing(n_upper, n_lower)
    scale = ring._norm(normalization)
    if equal:
        if case is not None:
            raise InvalidParameterError("case= is only for unequal couplings (equal=False).")
        Jv: tuple[Any, Any] = (J, J)
        syms = {J: _MEANING[J], T_L: _MEANING[T_L], T_R: _MEANING[T_R]}
        assumptions = ["T_L, T_R > 0", "J > 0", "Q2R bulk, Metropolis nodes"]
    else:
        if case not in ("J_U>J_D", "J_U<J_D"):
            raise InvalidParameterError("for unequal couplings pass case='J_U>J_D' or case='J_U<J_D'.")
        Jv = (J_U, J_D)
        syms = {J_U: _MEANING[J_U], J_D: _MEANING[J_D], T_L: _MEANING[T_L], T_R: _MEANING[T_R]}
        assumptions = ["T_L, T_R > 0", case.replace(">", " > ").replace("<", " < ") + " > 0",
                       "Q2R bulk, Metropolis nodes"]
    ring._check_symbolic_size("symbolic counting statistics")
    tr = ring._transitions(Jv)
    states = _class_states(ring, tr, None, None, True)
    n_lumped = _lumped_size(ring, states)
    if n_lumped > MAX_SYMBOLIC_STATES:
        raise InvalidParameterError(
            f"ring_cumulants is limited to rings whose lumped chain has at most {MAX_SYMBOLIC_STATES} states "
            f"({ring!r} has {n_lumped}); use IsingRing.heat_cumulants with numbers.")
    split, cases = ring._cases(tr, Jv)
    sign = cases[0] if split is None else (1 if case == "J_U>J_D" else -1)
    chain = _SymbolicChain(tr, Jv, (T_L, T_R), split, sign)
    kappas = exact_cumulants(ring, tr, states, chain.rate_vars, symbolic_increments(ring, tr, Jv, key), order,
                             None, split, sign)
    names = _nice_names(chain)  # type: ignore[arg-type]
    defs = {names[v]: chain.values[v] for v in chain.variables}
    compact = {f"kappa_{j + 1}": sympy.factor(k.xreplace(names) / scale) for j, k in enumerate(kappas)}
    explicit = {k: v.xreplace(defs) for k, v in compact.items()}
    seconds = time.perf_counter() - t0
    geometry = f"N_U = {n_upper}, N_D = {n_lower}"
    what = {"left": "heat from the left bath into the ring", "right": "heat from the right bath into the ring",
            "upper": "energy through the upper branch (left -> right)",
            "lower": "energy through the lower branch (right -> left)"}[key]
    desc = (f"Scaled cumulants kappa_1..kappa_{order} of the {what} (kappa_2: zero-frequency noise) of the "
            f"{ring.n_spins}-spin Q2R ring ({geometry}), "
            f"{'equal couplings' if equal else 'unequal couplings, ' + str(case)}; {_NORM_TEXT[normalization]}; "
            "from the master equation with a counting field.")
    common = dict(name=rf"\kappa^{{{key}}}", paper=PAPER, conventions=CONVENTIONS, description=desc,
                  assumptions=assumptions, equation="(3)-(6), (9) with a counting field")
    csyms = dict(syms)
    for s_, v in defs.items():
        csyms[s_] = f"Metropolis factor {v}"
    size = {"states": ring.n_states, "lumped states": n_lumped,
            "operations": int(sum(sympy.count_ops(e) for e in compact.values()))}
    return Derivation(ClosedForm(explicit, syms, **common), ClosedForm(compact, csyms, **common), defs, seconds,
                      size)


@lru_cache(maxsize=8)
def three_spin_equal(normalization: str = "paper") -> Derivation:
    r"""Three-spin ring (:math:`N_U = 1, N_D = 0`, Fig. 3), equal couplings: eqs. (14)-(15).

    Derived from the generator of eq. (11).  Compact form in
    :math:`x_\alpha = e^{-4J/T_\alpha}`.
    """
    d = ring_currents(1, 0, equal=True, normalization=normalization)
    d.form.equation = d.compact.equation = "(11)-(15)"
    return d


def three_spin_stationary() -> Derivation:
    r"""Stationary distribution of the three-spin ring, eq. (12), in the state order of eq. (11).

    Compact form :math:`P(\eta) = q_\eta(x_L, x_R)/Z` with :math:`x_\alpha = e^{-4J/T_\alpha}`.
    """
    t0 = time.perf_counter()
    ring = IsingRing(1, 0)
    (ec,) = ring.exact_currents(J, J, T_L, T_R)
    sol = ec.stationary
    names = _nice_names(ec)
    defs = {names[v]: ec.values[v] for v in ec.variables}
    Z = sympy.factor(sol.to_expr(sol.Z, False).xreplace(names))
    P = sympy.Matrix([sympy.factor(sol.to_expr(w, False).xreplace(names) / Z) for w in sol.weights])
    syms = {J: _MEANING[J], T_L: _MEANING[T_L], T_R: _MEANING[T_R]}
    common = dict(name="P", paper=PAPER, equation="(11)-(13)", conventions="k_B = 1",
                  assumptions=["T_L, T_R > 0", "J > 0"],
                  description="Stationary probabilities P(eta) of the three-spin Q2R ring, in the "
                              "order of eq. (11): " + ", ".join(ring.labels()) + ".")
    csyms = dict(syms)
    for s_, v in defs.items():
        csyms[s_] = f"Metropolis factor {v}"
    return Derivation(ClosedForm(P.xreplace(defs), syms, **common), ClosedForm(P, csyms, **common), defs,
                      time.perf_counter() - t0, {"states": 8})


@lru_cache(maxsize=4)
def three_spin_large_TL(normalization: str = "paper") -> dict[str, Any]:
    r"""Large-:math:`T_L` asymptotics of the three-spin currents (eq. 16).

    Returns ``{"limit", "slope"}`` (explicit in :math:`J, T_R`), ``{"limit_compact",
    "slope_compact"}`` (in :math:`x_R`) and ``"definitions"`` (:math:`x_R = e^{-4J/T_R}`): the
    limit :math:`T_L \to \infty` (:math:`x_L \to 1`) and the coefficient :math:`c_1`
    of the leading correction, :math:`I(T_L) = I(\infty) + c_1/T_L + O(T_L^{-2})`,
    both derived from :func:`three_spin_equal`, in :math:`x_R = e^{-4J/T_R}`.
    """
    d = three_spin_equal(normalization)
    xL = sympy.Symbol("x_L", positive=True)
    xR = sympy.Symbol("x_R", positive=True)
    lim, slope = {}, {}
    for k in _KEYS:
        e = d.compact.expr[_TEX[k]]
        # x_L = exp(-4J/T_L) -> 1, and dI/d(1/T_L) = -4J x_L dI/dx_L at x_L = 1
        lim[_TEX[k]] = sympy.factor(e.subs(xL, 1))
        slope[_TEX[k]] = sympy.factor(sympy.diff(e, xL).subs(xL, 1) * (-4 * J))
    defs = {xR: d.definitions[xR]}
    syms = {J: _MEANING[J], T_R: _MEANING[T_R]}
    csyms = {J: _MEANING[J], xR: f"Metropolis factor {defs[xR]}"}
    common = dict(paper=PAPER, equation="(16)", conventions=CONVENTIONS,
                  assumptions=["T_L -> infinity", "T_R > 0"])
    d_lim = f"Currents of the three-spin ring for T_L -> infinity ({_NORM_TEXT[normalization]})."
    d_slope = "Coefficient c_1 of the leading correction I(T_L) = I(infinity) + c_1 / T_L + O(1/T_L^2)."
    explicit = lambda m: {k: v.xreplace(defs) for k, v in m.items()}  # noqa: E731
    return {
        "limit": ClosedForm(explicit(lim), syms, description=d_lim, **common),
        "slope": ClosedForm(explicit(slope), syms, description=d_slope, **common),
        "limit_compact": ClosedForm(lim, csyms, description=d_lim, **common),
        "slope_compact": ClosedForm(slope, csyms, description=d_slope, **common),
        "definitions": defs,
    }


@lru_cache(maxsize=4)
def three_spin_unequal(case: str = "J_U>J_D", normalization: str = "paper") -> Derivation:
    r"""Three-spin ring with :math:`J_U \neq J_D` (Sec. II E: "too complicated to be included").

    Compact form in :math:`a_\alpha = e^{-2(J_U+J_D)/T_\alpha}`,
    :math:`b_\alpha = e^{-2|J_U-J_D|/T_\alpha}`.  At :math:`J_U = J_D` both cases
    reduce to :func:`three_spin_equal`.
    """
    d = ring_currents(1, 0, equal=False, normalization=normalization, case=case)
    d.form.equation = d.compact.equation = "(17), (6), (9)"
    return d


@lru_cache(maxsize=4)
def four_spin_unequal(case: str = "J_U>J_D", normalization: str = "paper") -> Derivation:
    r"""Four-spin ring :math:`N_U = N_D = 1` (Figs. 6-7) with :math:`J_U \neq J_D`."""
    d = ring_currents(1, 1, equal=False, normalization=normalization, case=case)
    d.form.equation = d.compact.equation = "(17), (6), (9); Fig. 7"
    return d


@dataclass
class MagnificationDecision:
    """An analytic decision on current magnification, with machine-checked certificates.

    Attributes
    ----------
    possible
        Whether magnification can occur.
    statement
        The theorem in words.
    certificates
        ``(claim, identity)`` pairs: each identity is an expression that SymPy
        expanded to exactly zero, proving the claim together with the stated
        sign facts.
    """

    possible: bool
    statement: str
    certificates: list[tuple[str, sympy.Expr]]
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    statement_latex: str = ""

    def latex(self) -> str:
        rows = [self.statement_latex or self.statement.replace("_", r"\_")]
        for (claim, form, sign), (_, ident) in zip(self.terms, self.certificates):
            rows.append(f"\\noindent {claim} $= {form}$ ({sign}); identity checked by SymPy: "
                        f"difference $= {sympy.latex(ident)}$.")
        return "\n\n".join(rows)


def three_spin_magnification() -> MagnificationDecision:
    r"""Decide analytically whether the three-spin ring with :math:`J_U \neq J_D` can magnify.

    It cannot.  Take :math:`T_L > T_R` (the ring is mirror-symmetric, swapping
    the baths flips every current) and write :math:`\sigma = J_U + J_D`,
    :math:`\delta = |J_U - J_D| < \sigma`, :math:`a_\alpha = e^{-2\sigma/T_\alpha}`,
    :math:`b_\alpha = e^{-2\delta/T_\alpha}`.  Then :math:`a_L > a_R`,
    :math:`b_L \ge b_R`, :math:`b_L \le 1`, and
    :math:`C = a_L b_R - a_R b_L > 0` (exponent difference
    :math:`2(\sigma-\delta)(1/T_R - 1/T_L) > 0`).  A lemma:
    :math:`a_L \ge a_R(1 + b_L - b_R)` because with :math:`y = e^{2\delta(1/T_R-1/T_L)}`,
    :math:`1 + b_L - b_R \le 2 - 1/y \le y \le a_L/a_R` (:math:`(y-1)^2 \ge 0`).

    The numerators of :math:`I_U` and :math:`I_D` (common positive
    denominator) are rewritten by identities that SymPy verifies, as sums of
    terms of known sign: :math:`I_U > 0` and :math:`I_D < 0` in both cases,
    i.e. both branches always carry heat from hot to cold (parallel flow), so
    :math:`|I_U|, |I_D| < |I_L|`.
    """
    certs: list[tuple[str, sympy.Expr]] = []
    terms: list[tuple[str, str, str]] = []
    aL, aR, bL, bR = sympy.symbols("a_L a_R b_L b_R", positive=True)
    C = aL * bR - aR * bL
    for case in ("J_U>J_D", "J_U<J_D"):
        d = three_spin_unequal(case, "literal")
        num_u = sympy.fraction(sympy.together(d.compact.expr["I_U"]))[0]
        num_d = sympy.fraction(sympy.together(d.compact.expr["I_D"]))[0]
        den = sympy.fraction(sympy.together(d.compact.expr["I_U"]))[1]
        # the denominator has positive coefficients only
        assert all(c > 0 for c in sympy.Poly(sympy.expand(den), aL, aR, bL, bR).coeffs())
        num_u = num_u / J_U
        num_d = num_d / J_D
        if case == "J_U>J_D":
            # I_U: (a_L + a_R)(b_L - b_R) + 2(a_L - a_R) times a positive constant
            form_u = (aL + aR) * (bL - bR) + 2 * (aL - aR)
            # I_D: -3C - (1 - b_L)(a_L - a_R) - [a_L - a_R(1 + b_L - b_R)]
            form_d = -3 * C - (1 - bL) * (aL - aR) - (aL - aR * (1 + bL - bR))
            tex_u = r"(a_L + a_R)(b_L - b_R) + 2(a_L - a_R)"
            tex_d = r"-3C - (1 - b_L)(a_L - a_R) - [a_L - a_R(1 + b_L - b_R)]"
        else:
            form_u = C
            form_d = -(aL * bL - aR * bR)
            tex_u, tex_d = "C", r"-(a_L b_L - a_R b_R)"
        ku = sympy.simplify(num_u / form_u)
        kd = sympy.simplify(num_d / form_d)
        if not (ku.is_number and ku > 0 and kd.is_number and kd > 0):
            raise AssertionError(f"unexpected structure of the three-spin currents ({case}): {ku}, {kd}")
        certs.append((f"{case}: numerator of I_U = {ku} J_U [{form_u}] (> 0)",
                      sympy.expand(num_u - ku * form_u)))
        certs.append((f"{case}: numerator of I_D = {kd} J_D [{form_d}] (< 0)",
                      sympy.expand(num_d - kd * form_d)))
        cas = "$" + case.replace(">", " > ").replace("<", " < ") + "$"
        terms.append((f"{cas}: numerator of $I_U$", f"{sympy.latex(ku * J_U)}\\,[{tex_u}]", "positive"))
        terms.append((f"{cas}: numerator of $I_D$", f"{sympy.latex(kd * J_D)}\\,[{tex_d}]", "negative"))
    if any(c[1] != 0 for c in certs):
        raise AssertionError("a certificate identity failed")
    statement = ("Three-spin ring (N_U = 1, N_D = 0), any J_U, J_D > 0 and T_L > T_R: I_U > 0 and "
                 "I_D < 0, so the branch currents never have the same sign and there is no current "
                 "magnification (nor for T_L < T_R, by mirror symmetry).")
    statement_latex = (
        r"Three-spin ring ($N_U = 1$, $N_D = 0$), any $J_U, J_D > 0$, $T_L > T_R$: with "
        r"$a_\alpha = e^{-2(J_U+J_D)/T_\alpha}$, $b_\alpha = e^{-2|J_U-J_D|/T_\alpha}$ one has "
        r"$a_L > a_R$, $1 \ge b_L \ge b_R$, $C = a_L b_R - a_R b_L > 0$ and "
        r"$a_L \ge a_R(1 + b_L - b_R)$; the numerators below (over a common denominator with "
        r"positive coefficients) give $I_U > 0 > I_D$: the branch currents never have the same sign, "
        r"so there is no current magnification (nor for $T_L < T_R$, by mirror symmetry).")
    return MagnificationDecision(False, statement, certs, terms, statement_latex)


def branch_ratio() -> ClosedForm:
    r"""Ohm's law for equal couplings: :math:`I_U/I_D = -(N_D+1)/(N_U+1)` for any :math:`N_U, N_D, T_L, T_R`.

    Derivation (domain walls).  Let :math:`n_b = 1` when bond :math:`b` is
    broken (:math:`\sigma_i \ne \sigma_{i+1}`), energy :math:`2J n_b - J`.  A
    Q2R flip of a bulk spin with exactly one broken bond moves the wall to the
    other bond at rate 1; a nodal flip with one broken bond costs no energy and
    also moves it at rate 1 (Metropolis); a nodal flip with none (both) broken
    creates (annihilates) a pair.  Hence the mean occupations obey *linear*
    hopping terms, :math:`j_s = \rho_{(s-1,s)} - \rho_{(s,s+1)}` across every
    spin :math:`s` (the exclusion terms cancel), plus pair terms :math:`K_L,
    K_R` at the nodes.  The stationary balance of the four bonds next to the
    nodes and the single-valuedness of :math:`\rho` around the ring,
    :math:`j_1 + N_U j_U + j_R + N_D j_D = 0`, fix :math:`j_U/j_D`; the branch
    currents are :math:`I_U = 2J j_U`, :math:`I_D = 2J j_D` and
    :math:`I_L = 4J K_L`.  This function solves those linear equations with
    SymPy.

    The same holds for the CCA bulk (eqs. 20-21): a zero-energy flip still
    moves a wall at rate 1, and the extra flips pair-create or annihilate
    walls on both bonds of a bulk spin while changing its demon by
    :math:`\mp 4J/\mu`; the demon's mean energy is stationary, so the net pair
    rate at every bulk spin vanishes and the equations are unchanged.
    """
    NU, ND = sympy.symbols("N_U N_D", nonnegative=True, integer=True)
    jU, jD, j1, jR, KL, KR = sympy.symbols("j_U j_D j_1 j_R K_L K_R")
    eqs = [
        sympy.Eq(j1 + KL - jU, 0),     # bond (1, 2): hop in across spin 1 + pair creation = hop out
        sympy.Eq(jD + KL - j1, 0),     # bond (N_S, 1)
        sympy.Eq(jU + KR - jR, 0),     # bond (N_U + 1, N_U + 2)
        sympy.Eq(jR + KR - jD, 0),     # bond (N_U + 2, N_U + 3)
        sympy.Eq(j1 + NU * jU + jR + ND * jD, 0),  # rho single-valued around the ring
    ]
    sol = sympy.solve(eqs, [j1, jR, KR, jU, jD], dict=True)[0]
    ratio = sympy.factor(sol[jU] / sol[jD])
    share_u = sympy.factor(2 * sol[jU] / (4 * KL))   # I_U / I_L
    share_d = sympy.factor(2 * sol[jD] / (4 * KL))   # I_D / I_L
    return ClosedForm({"I_U/I_D": ratio, "I_U/I_L": share_u, "I_D/I_L": share_d},
                      {NU: "bulk spins in the upper branch", ND: "bulk spins in the lower branch"},
                      paper=PAPER, equation="(9), Sec. II D (Ohm's law)",
                      assumptions=["J_U = J_D", "Q2R or CCA bulk, Metropolis nodes", "any T_L, T_R > 0"],
                      conventions=CONVENTIONS,
                      description="Branch-current ratios of the Q2R ring with equal couplings: the "
                                  "N_U + 1 and N_D + 1 bonds of the branches act as equal resistors "
                                  "in series, the branches in parallel.")
