r"""The two-branch classical Ising ring between two heat baths (magnification paper, Sec. II).

>>> from symness.classical import IsingRing
>>> ring = IsingRing(1, 0)                      # the three-spin ring of Fig. 3
>>> I = ring.heat_currents(J_upper=1, J_lower=1, T_left=2, T_right=1)
>>> abs(I["left"] - (I["upper"] - I["lower"])) < 1e-15
True

Geometry (eq. 17)
-----------------
:math:`N_S = N_U + N_D + 2` spins numbered clockwise: site 1 touches the left
bath, sites :math:`2..N_U+1` are the upper-branch bulk, site :math:`N_U+2`
touches the right bath, sites :math:`N_U+3..N_S` are the lower-branch bulk.
The :math:`N_U+1` bonds from site 1 to site :math:`N_U+2` have coupling
``J_upper`` (the paper's :math:`J_1`), the :math:`N_D+1` others ``J_lower``
(:math:`J_2`).  Units: :math:`k_B = 1`, temperatures and currents in units of
the couplings.

Sign conventions (eqs. 6, 9)
----------------------------
* ``"left"``, ``"right"``: energy per unit time flowing *from* that bath into the
  ring (eq. 6); at steady state ``left = -right``.
* ``"upper"``: energy per unit time carried through the upper branch from left
  to right; ``"lower"``: through the lower branch *from right to left*
  (clockwise, in the direction of increasing site number).  Both are eq. (9):
  the energy that flipping spin :math:`i` moves into bond :math:`(i, i+1)`,
  for the first bulk spin of the branch (or the nodal spin that starts the
  branch when the branch has no bulk spin).  Hence :math:`I_L = I_U - I_D`.
  Both branch currents of the same sign means a circulating, *magnified*
  current (clockwise if positive).

Normalisation of the currents
-----------------------------
``normalization="paper"`` (default): per single-spin update attempt, as in the
paper's random-sequential simulations; the paper's printed closed forms
(eqs. 14-16) are in this normalisation.  It is eqs. (6) and (9) read literally,
with the rates of eq. (5) (the generator of eq. 11), divided by :math:`N_S`.
``normalization="literal"``: eqs. (6) and (9) with the rates of eq. (5), each
configuration pair :math:`(\eta, \eta^i)` counted once -- energy per unit time of
the master equation (4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
import sympy

from ..errors import (
    InvalidModelError,
    InvalidParameterError,
    NonUniqueSteadyStateError,
    PrecisionWarning,
)
from ..models.ising import J_lower as J_LOWER_SYM
from ..models.ising import J_upper as J_UPPER_SYM
from ..models.ising import ising_ring
from ..validation import check_positive, check_temperature, is_symbolic
from .dynamics import (
    BULK,
    LEFT,
    RIGHT,
    Transitions,
    build_transitions,
    energy_sign,
    numeric_rates,
    symbolic_rate,
)
from .states import StateSpace
from .stationary import (
    ExactStationary,
    closed_classes,
    exact_stationary,
    numeric_stationary,
    transient_states,
)

__all__ = ["IsingRing", "Regime", "ExactCurrents", "NORMALIZATIONS"]

#: Largest number of states of a symbolic (dense SymPy) generator.
MAX_SYMBOLIC_STATES = 256
#: Largest number of configurations for any symbolic (exact) work: transitions carry SymPy energies.
MAX_EXACT_STATES = 4096
#: Accepted values of the ``normalization`` argument.
NORMALIZATIONS = ("paper", "literal")
_KEYS = ("left", "right", "upper", "lower")



_U = np.finfo(float).eps / 2
#: Relative accuracy the float64 currents must reach, else they are recomputed exactly (near-equal T).
_CURRENT_RTOL = 1e-11
#: Estimated relative error above which an unresolvable current warns (PrecisionWarning).
_WARN_RTOL = 1e-8

@dataclass
class Regime:
    """How heat flows through the two branches (Fig. 1 of the paper).

    Attributes
    ----------
    direction
        ``"parallel"`` (both branches carry heat from the hot side, no
        magnification), ``"clockwise"`` (upper branch left -> right, lower branch
        right -> left), ``"anticlockwise"``, or ``"none"`` (no current: equal
        temperatures).
    magnified
        True when a branch current exceeds the total current, i.e. for a
        circulating current (``I_U * I_D > 0``).
    magnification
        :math:`\\max(|I_U|, |I_D|)/|I_L|` (>= 1 exactly when magnified; ``inf``
        when :math:`I_L = 0` but a branch current is not; ``None`` for the
        regime ``"none"``, where no current flows and the ratio is undefined).
    currents
        The heat currents used (``"left"``, ``"right"``, ``"upper"``, ``"lower"``).
    """

    direction: str
    magnified: bool
    magnification: float | None
    currents: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        if self.magnification is None:
            return f"{self.direction} (no heat current)"
        m = " (magnified)" if self.magnified else ""
        return f"{self.direction}{m}, |I_branch|/|I_L| = {self.magnification:.4g}"


@dataclass
class ExactCurrents:
    """Exact currents of one sign case: :math:`I_k = N_k(v) / (s Z(v))`.

    Attributes
    ----------
    condition
        Where this case holds (``J_U - J_D >= 0``, ``< 0``, or ``True``).
    variables, values
        Exponential variables :math:`v` and ``{v: exp(-E/T)}``.
    Z
        Partition-function-like denominator (polynomial in ``variables``).
    numerators
        ``{"left"|"right"|"upper"|"lower": N_k}`` (polynomials times couplings).
    scale
        :math:`N_S` (paper normalisation) or 1 (literal).
    stationary
        The underlying :class:`~symness.classical.stationary.ExactStationary`.
    """

    condition: Any
    variables: list[sympy.Symbol]
    values: dict[sympy.Symbol, sympy.Expr]
    Z: sympy.Expr
    numerators: dict[str, sympy.Expr]
    scale: int
    stationary: ExactStationary

    def current(self, key: str, substitute: bool = True) -> sympy.Expr:
        """:math:`N_k / (s Z)`, with the exponentials substituted if ``substitute``."""
        e = self.numerators[key] / (self.scale * self.Z)
        return e.xreplace(self.values) if substitute else e


class _SymbolicChain:
    """Rates of one sign case as monomials in exponential variables."""

    def __init__(self, tr: Transitions, J: Sequence[Any], T: Sequence[Any],
                 split: sympy.Expr | None, case: int):
        energies = tr.energy_sym(list(J))
        self.variables: list[sympy.Symbol] = []
        self.values: dict[sympy.Symbol, sympy.Expr] = {}
        self.rates: list[sympy.Expr] = []      # exact rates (exp form)
        self.rate_vars: list[Any] = []         # as monomials in the variables
        lookup: dict[tuple[int, sympy.Expr], sympy.Symbol] = {}
        for t in range(len(tr)):
            b = int(tr.bath[t])
            if b == BULK:
                self.rates.append(sympy.Integer(1))
                self.rate_vars.append(1)
                continue
            e = energies[t]
            sign = energy_sign(e, split, case)
            if sign <= 0:
                self.rates.append(sympy.Integer(1))
                self.rate_vars.append(1)
                continue
            Tb = T[0] if b == LEFT else T[1]
            key = (b, sympy.expand(e))
            if key not in lookup:
                v = sympy.Symbol(f"v_{'L' if b == LEFT else 'R'}{len(self.variables)}", positive=True)
                lookup[key] = v
                self.variables.append(v)
                self.values[v] = sympy.exp(-key[1] / Tb)
            self.rates.append(self.values[lookup[key]])
            self.rate_vars.append(lookup[key])


class IsingRing:
    r"""A ring of Ising spins between two heat baths (magnification paper, Sec. II).

    Parameters
    ----------
    n_upper, n_lower
        Bulk spins :math:`N_U, N_D \ge 0` of the upper and lower branch;
        :math:`N_S = N_U + N_D + 2`.
    bulk
        Dynamics of the bulk spins: ``"q2r"`` (flip only when the energy does
        not change, eq. 10) or ``"cca"`` (Creutz cellular automaton: a demon with
        levels 0..3 and energy ``mu`` per quantum on every bulk site, eqs. 20-21).
    mu
        CCA energy quantum :math:`\mu > 0` (required for ``"cca"``, not allowed
        for ``"q2r"``).

    Notes
    -----
    The Hamiltonian is the model :func:`symness.models.ising.ising_ring`
    (one definition for the symbolic and numeric paths).  Nodal spins flip with
    Metropolis rates :math:`\min(1, e^{-\Delta E/T_\alpha})` (eq. 5).  The
    state order is documented in :mod:`symness.classical.states` (eq. 11 for
    three spins); :meth:`labels` lists it.  Methods taking
    ``(J_upper, J_lower, T_left, T_right)`` return SymPy objects when any
    argument is symbolic and numbers otherwise.
    """

    def __init__(self, n_upper: int, n_lower: int, *, bulk: str = "q2r", mu: Any = None):
        for name, v in (("n_upper", n_upper), ("n_lower", n_lower)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
                raise InvalidModelError(
                    f"{name} = {v!r}: the number of bulk spins in a branch must be an integer >= 0 "
                    "(N_S = n_upper + n_lower + 2 spins in total).")
        if bulk not in ("q2r", "cca"):
            raise InvalidModelError(f"bulk = {bulk!r}: use 'q2r' (eq. 10) or 'cca' (eqs. 20-21).")
        if bulk == "cca":
            if mu is None:
                raise InvalidParameterError(
                    "the CCA dynamics needs the demon energy quantum: IsingRing(..., bulk='cca', mu=4).")
            check_positive(mu, "mu")
            if is_symbolic(mu):
                raise InvalidParameterError("mu must be a number: the CCA bulk rule (eq. 21) depends on "
                                            "whether Delta E / mu is an integer.")
        elif mu is not None:
            raise InvalidParameterError("mu is the CCA demon quantum; drop it for bulk='q2r' or use "
                                        "bulk='cca'.")
        self.n_upper = int(n_upper)
        self.n_lower = int(n_lower)
        self.bulk = bulk
        self.mu = mu
        #: The Hamiltonian, defined once (symness.models.ising).
        self.model = ising_ring(self.n_upper, self.n_lower)
        self.n_spins = self.model.n
        #: 1-based sites of the left and right nodal spins.
        self.nodes = (1, self.n_upper + 2)
        self.bulk_sites = tuple(s for s in range(1, self.n_spins + 1) if s not in self.nodes)
        self.space = StateSpace(self.n_spins, self.bulk_sites if bulk == "cca" else ())
        # bonds in ring order and their coupling parameter, read from the model
        self.bonds = list(self.model.bonds)
        self.params = [J_UPPER_SYM, J_LOWER_SYM]
        self._bond_params = []
        for key in self.bonds:
            (term,) = self.model.bonds[key]
            coupling = -term.coeff
            if coupling not in self.params:
                raise InvalidModelError(f"unexpected bond coefficient {term.coeff} in the model.")
            self._bond_params.append(self.params.index(coupling))
        #: site whose flips define the upper / lower branch current (eq. 9)
        self.upper_site = 2 if self.n_upper >= 1 else 1
        self.lower_site = self.n_upper + 3 if self.n_lower >= 1 else self.n_upper + 2
        self._tr_cache: dict[Any, Transitions] = {}

    def __repr__(self) -> str:
        extra = f", bulk='cca', mu={self.mu}" if self.bulk == "cca" else ""
        return f"IsingRing({self.n_upper}, {self.n_lower}{extra})"

    # ------------------------------------------------------------------ states
    @property
    def n_states(self) -> int:
        """Number of configurations (:math:`2^{N_S}`, times :math:`4^{N_U+N_D}` for CCA)."""
        return self.space.n_states

    def labels(self) -> list[str]:
        """State labels in index order: arrows for sites 1..N_S (and ``|demons`` for CCA)."""
        return self.space.labels()

    def states(self) -> np.ndarray:
        """``(n_states, N_S)`` array of spins :math:`\\pm 1` (column ``i-1`` = site ``i``)."""
        return self.space.spins

    def energies(self, J_upper: Any, J_lower: Any) -> Any:
        """Energy of every state: :math:`H_S` (eq. 17), plus :math:`\\mu\\sum\\tilde\\sigma` for CCA (eq. 20)."""
        J_upper, J_lower = self._couplings(J_upper, J_lower)
        sym = is_symbolic(J_upper, J_lower)
        spins = self.space.spins.astype(np.int64)
        coef = np.zeros((self.n_states, 2), dtype=np.int64)
        for b, (i, j) in enumerate(self.bonds):
            coef[:, self._bond_params[b]] -= spins[:, i - 1] * spins[:, j - 1]
        demon = self.space.demons.sum(axis=1).astype(np.int64) if self.bulk == "cca" else None
        if sym:
            out = [int(a) * J_upper + int(b) * J_lower for a, b in coef]
            if demon is not None:
                out = [e + int(d) * sympy.sympify(self.mu) for e, d in zip(out, demon)]
            return sympy.Matrix(out)
        e = coef @ np.array([float(J_upper), float(J_lower)])
        if demon is not None:
            e = e + float(self.mu) * demon
        return e

    # ------------------------------------------------------------------ dynamics
    def _transitions(self, J: Sequence[Any]) -> Transitions:
        if self.bulk == "q2r":
            key: Any = "q2r"
        else:
            key = tuple(sympy.nsimplify(v, rational=True) if isinstance(v, sympy.Basic) else v for v in J)
        if key not in self._tr_cache:
            self.space.check_listable(f"the exact master equation of {self!r}")
            cca = {"J": list(J), "mu": self.mu} if self.bulk == "cca" else None
            self._tr_cache[key] = build_transitions(self.space, self._bond_params, self.params,
                                                    self.nodes, self.bulk, cca)
        return self._tr_cache[key]

    def transitions(self, J_upper: Any = 1, J_lower: Any = 1) -> Transitions:
        """All allowed single-spin flips (see :class:`~symness.classical.dynamics.Transitions`)."""
        return self._transitions(self._couplings(J_upper, J_lower))

    @cached_property
    def _partner(self) -> np.ndarray:
        return np.asarray(self.space.flip_all(np.arange(self.n_states)))

    # ------------------------------------------------------------------ arguments
    @staticmethod
    def _scalar(v: Any, name: str) -> Any:
        if isinstance(v, sympy.Basic):
            return v
        if np.ndim(v) != 0:
            raise InvalidParameterError(
                f"{name} must be a scalar; for many parameter points use symness.sweep or the "
                "lambdified closed form (symness.classical.closedforms).")
        return v

    def _couplings(self, J_upper: Any, J_lower: Any) -> tuple[Any, Any]:
        J_upper = self._scalar(J_upper, "J_upper")
        J_lower = self._scalar(J_lower, "J_lower")
        check_positive(J_upper, "J_upper")
        check_positive(J_lower, "J_lower")
        return J_upper, J_lower

    def _args(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any
              ) -> tuple[bool, tuple[Any, Any], tuple[Any, Any]]:
        J = self._couplings(J_upper, J_lower)
        T = (self._scalar(T_left, "T_left"), self._scalar(T_right, "T_right"))
        check_temperature(T[0], "T_left", allow_zero=False)
        check_temperature(T[1], "T_right", allow_zero=False)
        sym = is_symbolic(*J, *T)
        if sym:
            self._check_symbolic_size("symbolic work")
        if not sym:
            J = (float(J[0]), float(J[1]))
            T = (float(T[0]), float(T[1]))
        else:
            J = tuple(sympy.sympify(x) for x in J)  # type: ignore[assignment]
            T = tuple(sympy.sympify(x) for x in T)  # type: ignore[assignment]
        return sym, J, T

    def _check_symbolic_size(self, what: str, limit: int = MAX_EXACT_STATES) -> None:
        """Refuse symbolic work on rings with more than ``limit`` configurations."""
        if self.n_states > limit:
            raise InvalidParameterError(
                f"{what} of {self!r} ({self.n_states} configurations) is limited to {limit} "
                "configurations; pass numbers for the numeric solvers, or use IsingRing.simulate for "
                "large rings.")

    def _cases(self, tr: Transitions, J: Sequence[Any]) -> tuple[sympy.Expr | None, list[int]]:
        """Sign cases of J_U - J_D needed to write the Metropolis rates without ``Min``."""
        energies = {sympy.expand(e) for e, b in zip(tr.energy_sym(list(J)), tr.bath) if b != BULK}
        try:
            for e in energies:
                energy_sign(e)
            return None, [0]
        except InvalidParameterError:
            split = sympy.expand(J[0] - J[1])
            for e in energies:  # every undecided energy must be a multiple of J_U - J_D
                energy_sign(e, split, 1)
            return split, [1, -1]

    # ------------------------------------------------------------------ generator
    def generator(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any):
        r"""The master-equation generator :math:`W` of eq. (4): :math:`\dot P = W P`.

        ``W[j, i]`` is the rate of ``i -> j`` (columns sum to zero); state order
        of :mod:`symness.classical.states` -- for ``IsingRing(1, 0)`` this is the
        matrix of eq. (11).  Returns a SymPy ``Matrix`` when any argument is
        symbolic (Metropolis rates as ``exp`` or, if the sign of the energy cost is
        undecided, ``Min(1, exp(-dE/T))``), else ``scipy.sparse`` CSR.
        """
        sym, J, T = self._args(J_upper, J_lower, T_left, T_right)
        tr = self._transitions(J)
        n = self.n_states
        if not sym:
            r = numeric_rates(tr, np.array(J), T[0], T[1])
            W = sp.csr_matrix((r, (tr.dst, tr.src)), shape=(n, n))
            out = np.asarray(W.sum(axis=0)).ravel()
            return (W - sp.diags(out)).tocsr()
        self._check_symbolic_size("a symbolic (dense SymPy) generator", MAX_SYMBOLIC_STATES)
        energies = tr.energy_sym(list(J))
        W = sympy.zeros(n, n)
        for t in range(len(tr)):
            b = int(tr.bath[t])
            if b == BULK:
                r = sympy.Integer(1)
            else:
                Tb = T[0] if b == LEFT else T[1]
                try:
                    sign: int | None = energy_sign(energies[t])
                except InvalidParameterError:
                    sign = None
                r = symbolic_rate(energies[t], Tb, sign)
            i, j = int(tr.src[t]), int(tr.dst[t])
            W[j, i] += r
            W[i, i] -= r
        return W

    # ------------------------------------------------------------------ classes
    def classes(self, J_upper: Any = 1, J_lower: Any = 1) -> list[np.ndarray]:
        """Closed communicating classes of the dynamics (arrays of state indices).

        They do not depend on the (positive) temperatures.  Q2R rings have one
        class; for CCA the demons carry conserved residues (and are frozen when
        :math:`4J/\\mu` is not an integer <= 3), which splits the
        configurations into several classes.  For CCA the couplings matter.
        """
        tr = self._transitions(self._couplings(J_upper, J_lower))
        return closed_classes(self.n_states, tr.src, tr.dst)

    def _class_weights(self, classes: list[np.ndarray], initial: Any, cls: Any, sym: bool
                       ) -> list[tuple[int, Any]]:
        """(class index, weight) pairs of the requested stationary state."""
        if initial is not None and cls is not None:
            raise InvalidParameterError("give either initial= or cls=, not both.")
        if cls is not None:
            if isinstance(cls, bool) or not isinstance(cls, (int, np.integer)) or not 0 <= cls < len(classes):
                raise InvalidParameterError(
                    f"cls = {cls!r}: choose a class index 0..{len(classes) - 1} (see ring.classes()).")
            return [(int(cls), 1)]
        if initial is not None:
            if isinstance(initial, (int, np.integer)) and not isinstance(initial, bool):
                if not 0 <= initial < self.n_states:
                    raise InvalidParameterError(
                        f"initial state {initial} is outside 0..{self.n_states - 1}.")
                p0 = np.zeros(self.n_states)
                p0[int(initial)] = 1.0
            else:
                try:
                    p0 = np.asarray(initial, dtype=float).ravel()
                except (TypeError, ValueError):
                    p0 = np.full(1, np.nan)
                if (p0.size != self.n_states or not np.all(np.isfinite(p0)) or np.any(p0 < 0)
                        or not np.isclose(p0.sum(), 1.0)):
                    raise InvalidParameterError(
                        f"initial must be a state index or a probability vector of length "
                        f"{self.n_states} (non-negative, summing to 1).")
            trans = transient_states(self.n_states, classes)
            if trans.size and p0[trans].sum() > 0:
                raise InvalidParameterError("the initial distribution has weight on transient states; "
                                            "start inside a closed class.")
            out = []
            for c, states in enumerate(classes):
                w = float(p0[states].sum())
                if w > 0:
                    out.append((c, sympy.nsimplify(w) if sym else w))
            return out
        if len(classes) > 1:
            shown = "; ".join(f"class {c}: {s.size} states, e.g. {self.space.label(int(s[0]))}"
                              for c, s in enumerate(classes[:6]))
            more = f"; ... ({len(classes) - 6} more)" if len(classes) > 6 else ""
            raise NonUniqueSteadyStateError(
                f"{self!r} has {len(classes)} closed classes, so the stationary state is not unique "
                f"({shown}{more}). Name one with cls=<index> or give initial=<state index or "
                "distribution>.", reason="several closed classes", classes=classes)
        return [(0, 1)]

    # ------------------------------------------------------------------ stationary
    def stationary(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
                   initial: Any = None, cls: int | None = None, method: str = "auto"):
        r"""Exact stationary distribution :math:`P(\eta)` of eq. (4).

        Parameters
        ----------
        J_upper, J_lower, T_left, T_right
            Couplings and temperatures (numbers or SymPy expressions; positive).
        initial
            Initial state index or distribution: selects the stationary state
            reached from it when the dynamics has several closed classes.
        cls
            Index of one closed class (:meth:`classes`) instead of ``initial``.
        method
            Numeric: ``"auto"`` (GTH for small, sparse LU for medium, Krylov for
            large classes), ``"gth"``, ``"lu"``, ``"krylov"``.

        Returns
        -------
        numpy.ndarray or sympy.Matrix
            Probabilities in the documented state order.  Symbolic results are
            exact (elimination over polynomials in :math:`e^{-\Delta E/T}`); when
            the sign of :math:`J_U - J_D` is not decidable they are ``Piecewise``.

        Raises
        ------
        NonUniqueSteadyStateError
            Several closed classes and neither ``initial`` nor ``cls`` given
            (``.classes`` lists them).
        """
        sym, J, T = self._args(J_upper, J_lower, T_left, T_right)
        tr = self._transitions(J)
        classes = closed_classes(self.n_states, tr.src, tr.dst)
        weights = self._class_weights(classes, initial, cls, sym)
        if not sym:
            rates = self._checked_rates(tr, J, T)
            p = np.zeros(self.n_states)
            for c, w in weights:
                p[classes[c]] += w * numeric_stationary(classes[c], tr.src, tr.dst, rates,
                                                        self._partner, method)
            return p
        sols = self._exact(J, T, classes, weights)
        split, cases = sols["split"], sols["cases"]
        out = []
        for k in range(self.n_states):
            per_case = []
            for case in cases:
                e = sympy.Integer(0)
                for c, w in weights:
                    e += w * sols[case][c].probability(k)
                per_case.append(e)
            out.append(self._piecewise(per_case, split))
        return sympy.Matrix(out)

    @staticmethod
    def _checked_rates(tr: Transitions, J: Sequence[float], T: Sequence[float]) -> np.ndarray:
        """Numeric rates; refuse Metropolis factors below the float64 normal range."""
        rates = numeric_rates(tr, np.array(J), T[0], T[1])
        tiny = rates < np.finfo(float).tiny
        if np.any(tiny):
            e = float(np.max(tr.energy(np.array(J))[tiny]))
            raise InvalidParameterError(
                f"a Metropolis factor exp(-dE/T) with dE = {e:g} underflows float64 at T_left = "
                f"{T[0]:g}, T_right = {T[1]:g}; the numeric solvers need T > dE/700. Use the exact "
                "solution instead (pass SymPy symbols, or symness.classical.closedforms; its "
                "lambdified forms stay accurate at any temperature).")
        return rates

    @staticmethod
    def _piecewise(per_case: list[sympy.Expr], split: sympy.Expr | None) -> sympy.Expr:
        if split is None or len(per_case) == 1:
            return per_case[0]
        if per_case[0] == per_case[1]:
            return per_case[0]
        return sympy.Piecewise((per_case[0], split >= 0), (per_case[1], True))

    def _exact(self, J: Sequence[Any], T: Sequence[Any], classes: list[np.ndarray],
               weights: list[tuple[int, Any]]) -> dict[Any, Any]:
        tr = self._transitions(J)
        split, cases = self._cases(tr, J)
        out: dict[Any, Any] = {"split": split, "cases": cases, "chains": {}}
        for case in cases:
            chain = _SymbolicChain(tr, J, T, split, case)
            out["chains"][case] = chain
            out[case] = {}
            for c, _ in weights:
                out[case][c] = exact_stationary(classes[c], tr.src, tr.dst, chain.rate_vars,
                                                chain.variables, chain.values, self._partner)
        return out

    # ------------------------------------------------------------------ currents
    def _current_masks(self, tr: Transitions) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Transitions and energy coefficients entering each current (eqs. 6, 9)."""
        return {
            "left": (tr.bath == LEFT, tr.dE),
            "right": (tr.bath == RIGHT, tr.dE),
            "upper": (tr.site == self.upper_site, tr.d_right),
            "lower": (tr.site == self.lower_site, tr.d_right),
        }

    def _norm(self, normalization: str) -> int:
        if normalization not in NORMALIZATIONS:
            raise InvalidParameterError(
                f"normalization = {normalization!r}: use 'paper' (per update attempt, as printed in "
                "eqs. 14-16) or 'literal' (eqs. 6, 9 per unit time of eq. 4).")
        return self.n_spins if normalization == "paper" else 1

    def heat_currents(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
                      normalization: str = "paper", initial: Any = None, cls: int | None = None,
                      method: str = "auto") -> dict[str, Any]:
        r"""Steady-state heat currents, eqs. (6) and (9).

        Parameters
        ----------
        J_upper, J_lower, T_left, T_right
            Couplings (the paper's :math:`J_1, J_2`) and bath temperatures.
        normalization
            ``"paper"`` (default; energy per single-spin update attempt -- what
            the paper prints in eqs. 14-16 and plots) or ``"literal"`` (eqs. 6 and
            9 with the rates of eq. 5: energy per unit time of eq. 4;
            ``literal = N_S * paper``).
        initial, cls, method
            As in :meth:`stationary`.

        Returns
        -------
        dict
            ``"left"`` (:math:`I_L`, from the left bath into the ring),
            ``"right"`` (:math:`I_R`, from the right bath), ``"upper"``
            (:math:`I_U`, left -> right through the upper branch), ``"lower"``
            (:math:`I_D`, right -> left through the lower branch).  Floats, or
            SymPy expressions when any argument is symbolic.  Steady state:
            :math:`I_L = -I_R = I_U - I_D`.
        """
        sym, J, T = self._args(J_upper, J_lower, T_left, T_right)
        if not sym:
            return self._numeric_currents(J, T, normalization=normalization, initial=initial, cls=cls,
                                          method=method)[0]
        tr = self._transitions(J)
        return self._symbolic_currents(J, T, tr, self._current_masks(tr), self._norm(normalization), initial, cls)

    def _numeric_currents(self, J: Sequence[Any], T: Sequence[Any], *, normalization: str = "paper",
                          initial: Any = None, cls: int | None = None, method: str = "auto"
                          ) -> tuple[dict[str, float], Transitions, np.ndarray, np.ndarray, int]:
        """Numeric currents with what they were computed from: ``(I, transitions, rates, P, scale)``."""
        scale = self._norm(normalization)
        tr = self._transitions(J)
        p = self.stationary(*J, *T, initial=initial, cls=cls, method=method)
        rates = numeric_rates(tr, np.array(J), T[0], T[1])
        flux = rates * p[tr.src]
        Jv = np.array(J)
        I: dict[str, float] = {}
        unresolved: dict[str, float] = {}
        for k, (m, coef) in self._current_masks(tr).items():
            terms = flux[m] * (coef[m] @ Jv)
            total = float(np.sum(terms))
            # forward error of a sum of terms, each accurate to ~(n + 4) u relative (GTH populations)
            err = (len(p) + 4) * _U * float(np.sum(np.abs(terms)))
            I[k] = total / scale
            if err > _CURRENT_RTOL * abs(total):
                unresolved[k] = err / abs(total) if total else np.inf
        if unresolved and T[0] == T[1]:
            # equal temperatures: detailed balance with one temperature, every net edge flux vanishes
            I = {k: 0.0 for k in I}
        elif unresolved:  # near-equal temperatures: differences of nearly equal fluxes -> exact recomputation
            I.update(self._precise_currents(J, T, list(unresolved), normalization, initial, cls, unresolved))
        return I, tr, rates, p, scale

    def _precise_currents(self, J: Sequence[Any], T: Sequence[Any], keys: list[str], normalization: str,
                          initial: Any, cls: int | None, estimates: dict[str, float]) -> dict[str, float]:
        """Currents the float64 sum cannot resolve: the mean of the counting statistics, in ball arithmetic."""
        import warnings

        from .fluctuations import heat_cumulants
        out = {}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", PrecisionWarning)
                for k in keys:
                    out[k] = heat_cumulants(self, *J, *T, bath=k, order=1, normalization=normalization,
                                            initial=initial, cls=cls)["kappa_1"]
            return out
        except (PrecisionWarning, NonUniqueSteadyStateError, InvalidParameterError):
            worst = max(estimates.values())
            if worst > _WARN_RTOL:
                warnings.warn(
                    f"the heat currents of {self!r} at J = {tuple(J)}, T = {tuple(T)} are differences of nearly "
                    f"equal fluxes: estimated relative error up to {worst:.1e} in double precision, and the "
                    "exact recomputation is not available here (start spread over several classes, or a class "
                    "too large for ball arithmetic).", PrecisionWarning, stacklevel=4)
            return {}

    def _symbolic_currents(self, J: Sequence[Any], T: Sequence[Any], tr: Transitions,
                           masks: dict[str, tuple[np.ndarray, np.ndarray]], scale: int,
                           initial: Any, cls: Any) -> dict[str, sympy.Expr]:
        classes = closed_classes(self.n_states, tr.src, tr.dst)
        weights = self._class_weights(classes, initial, cls, True)
        sols = self._exact(J, T, classes, weights)
        split, cases = sols["split"], sols["cases"]
        result: dict[str, list[sympy.Expr]] = {k: [] for k in masks}
        for case in cases:
            chain = sols["chains"][case]
            for k, (m, coef) in masks.items():
                total = sympy.Integer(0)
                for c, w in weights:
                    sol = sols[case][c]
                    num = self._current_numerator(sol, tr, chain, m, coef, J)
                    total += w * (num / sympy.factor(sol.to_expr(sol.Z, False))).xreplace(sol.values)
                result[k].append(total / scale)
        return {k: self._piecewise(v, split) for k, v in result.items()}

    @staticmethod
    def _current_numerator(sol: ExactStationary, tr: Transitions, chain: _SymbolicChain,
                           mask: np.ndarray, coef: np.ndarray, J: Sequence[Any]) -> sympy.Expr:
        r""":math:`Z(v)\sum_t w_t r_t P(src_t) = \sum_p J_p N_p(v)` (polynomials in the variables)."""
        R = sol.ring
        pos = {int(s): i for i, s in enumerate(sol.states)}
        nums = [R.zero for _ in J]
        for t in np.flatnonzero(mask):
            i = pos.get(int(tr.src[t]))
            if i is None:
                continue
            w = sol.weights[i] * R.from_sympy(sympy.sympify(chain.rate_vars[t]))
            for p_, c in enumerate(coef[t]):
                if c:
                    nums[p_] += int(c) * w
        num = sympy.Integer(0)
        for Jp, Np in zip(J, nums):
            if Np:
                num += Jp * sympy.factor(R.to_sympy(Np))
        return num

    def exact_currents(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
                       normalization: str = "paper", cls: int | None = None) -> list[ExactCurrents]:
        r"""Exact heat currents as rational functions of :math:`v = e^{-\Delta E/T}`, per sign case.

        Returns one :class:`ExactCurrents` per case of the sign of
        :math:`J_U - J_D` (a single one when the sign is known): the
        currents are :math:`I_k = N_k(v) / (s\,Z(v))` with polynomials
        :math:`N_k, Z` in the exponential variables (positive coefficients in
        :math:`Z`), :math:`s = N_S` for the paper's normalisation.  This is the
        compact form used by :mod:`symness.classical.closedforms`; use
        :meth:`heat_currents` for ready expressions.
        """
        scale = self._norm(normalization)
        sym, J, T = self._args(J_upper, J_lower, T_left, T_right)
        if not sym:
            raise InvalidParameterError("exact_currents() is symbolic: pass at least one SymPy symbol.")
        tr = self._transitions(J)
        masks = self._current_masks(tr)
        classes = closed_classes(self.n_states, tr.src, tr.dst)
        weights = self._class_weights(classes, None, cls, True)
        sols = self._exact(J, T, classes, weights)
        (c, _), = weights
        out = []
        for case in sols["cases"]:
            chain, sol = sols["chains"][case], sols[case][c]
            nums = {k: self._current_numerator(sol, tr, chain, m, coef, J) for k, (m, coef) in masks.items()}
            if sols["split"] is None:
                cond: Any = sympy.true
            else:
                cond = sols["split"] >= 0 if case > 0 else sols["split"] < 0
            out.append(ExactCurrents(cond, list(chain.variables), dict(chain.values),
                                     sympy.factor(sol.to_expr(sol.Z, False)), nums, scale, sol))
        return out

    # ------------------------------------------------------------------ beyond the mean
    def heat_cumulants(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *, bath: str = "left",
                       order: int = 3, normalization: str = "paper", initial: Any = None,
                       cls: int | None = None) -> dict[str, Any]:
        r"""Exact scaled cumulants of the heat from ``bath`` into the ring (full counting statistics).

        :math:`\kappa_j = \lim_{t\to\infty}\langle\langle (Q^X_t)^j\rangle\rangle/t` for the
        heat :math:`Q^X_t` received from bath :math:`X` up to time :math:`t`: every flip
        of the nodal spin of :math:`X` adds its energy change :math:`\Delta E_i` (eq. 3),
        so :math:`\kappa_1` is the current :math:`I_X` of :meth:`heat_currents` (eq. 6)
        and :math:`\kappa_2` the zero-frequency noise.  Computed from the master
        equation (4) with a counting field, the tilted generator, on one closed
        class (:mod:`symness.classical.fluctuations`); no simulation.

        Parameters
        ----------
        J_upper, J_lower, T_left, T_right
            As in :meth:`heat_currents` (numbers, or SymPy expressions for rings
            whose closed class has at most
            :data:`~symness.classical.fluctuations.MAX_SYMBOLIC_STATES` lumped states).
        bath
            ``"left"`` or ``"right"`` (heat from that bath, positive into the
            ring), or a branch ``"upper"`` / ``"lower"`` (the energy of eq. 9,
            signs as in :meth:`heat_currents`).
        order
            Highest cumulant, 1..4.
        normalization
            ``"paper"`` (default; per update attempt: the continuous-time chain
            with rates :math:`W/N_S`, every cumulant the literal one over
            :math:`N_S`) or ``"literal"`` (per unit time of eq. 4).  Units:
            :math:`\kappa_j` is (energy)\ :math:`^j` per unit time, energy in units of the couplings.
        initial, cls
            Select one closed class when the dynamics has several (CCA); the
            statistics of a mixture of classes are refused.

        Returns
        -------
        dict
            ``{"kappa_1": ..., ..., "kappa_<order>": ...}``: floats, or SymPy
            expressions when any argument is symbolic.

        Examples
        --------
        >>> ring = IsingRing(1, 0)
        >>> k = ring.heat_cumulants(1.0, 1.0, 2.0, 1.0, order=2)
        >>> abs(k["kappa_1"] - ring.heat_currents(1.0, 1.0, 2.0, 1.0)["left"]) < 1e-15
        True
        """
        from .fluctuations import heat_cumulants

        return heat_cumulants(self, J_upper, J_lower, T_left, T_right, bath=bath, order=order,
                              normalization=normalization, initial=initial, cls=cls)

    def heat_current_noise(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
                           normalization: str = "paper", initial: Any = None,
                           cls: int | None = None) -> dict[str, Any]:
        r"""Exact zero-frequency noise :math:`S_X = \lim_{t\to\infty}\mathrm{Var}(Q^X_t)/t` of every current.

        The second scaled cumulant of :meth:`heat_cumulants` for each key of
        :meth:`heat_currents`: ``"left"``, ``"right"`` (heat from that bath into
        the ring, eq. 6), ``"upper"``, ``"lower"`` (branch energies, eq. 9).
        Units: energy squared per unit time (``"literal"``) or per update attempt
        (``"paper"``, the literal noise over :math:`N_S`).  :math:`S \ge 0`; at
        equal temperatures :math:`S_L = 2T^2\,\partial I_L/\partial T_L`
        (fluctuation-dissipation), and away from it the thermodynamic uncertainty
        relation :math:`S_L\sigma/I_L^2 \ge 2` holds with
        :math:`\sigma = -I_L/T_L - I_R/T_R`.

        >>> S = IsingRing(1, 0).heat_current_noise(1.0, 1.0, 2.0, 1.0)
        >>> abs(S["left"] - S["right"]) < 1e-12 and S["left"] > 0   # the ring stores bounded energy
        True
        """
        from .fluctuations import heat_current_noise

        return heat_current_noise(self, J_upper, J_lower, T_left, T_right, normalization=normalization,
                                  initial=initial, cls=cls)

    def entropy_production(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
                           normalization: str = "paper", initial: Any = None, cls: int | None = None) -> Any:
        r"""Entropy production rate :math:`\sigma = -I_L/T_L - I_R/T_R \ge 0` of the steady state (second law).

        Evaluated as :math:`\sigma = I_L\,(T_L - T_R)/(T_LT_R)` (first law
        :math:`I_R = -I_L`), a product of factors of equal sign, so it keeps full
        relative precision for :math:`T_L \approx T_R`.  Units of :math:`k_B`
        per update attempt (``"paper"``) or per unit time (``"literal"``).
        """
        I = self.heat_currents(J_upper, J_lower, T_left, T_right, normalization=normalization, initial=initial,
                               cls=cls)
        sym, _, T = self._args(J_upper, J_lower, T_left, T_right)
        sigma = I["left"] * (T[0] - T[1]) / (T[0] * T[1])
        return sympy.factor(sigma) if sym else float(sigma) + 0.0  # no -0.0 at equal temperatures

    def tur_ratio(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *, bath: str = "left",
                  normalization: str = "paper", initial: Any = None, cls: int | None = None) -> Any:
        r"""Thermodynamic uncertainty ratio :math:`S_X\sigma/I_X^2` of the current ``bath`` (the TUR: :math:`\ge 2`).

        :math:`S_X` from :meth:`heat_current_noise`, :math:`\sigma` from
        :meth:`entropy_production`, :math:`I_X` from :meth:`heat_currents`
        (dimensionless; the same in both normalisations).  Undefined at equal
        temperatures (no current; the limit is 2 for the bath heat, by
        fluctuation-dissipation), where it raises.
        """
        from .fluctuations import _check_key

        key = _check_key(bath)
        sym, _, T = self._args(J_upper, J_lower, T_left, T_right)
        if not sym and T[0] == T[1]:
            raise InvalidParameterError(
                "tur_ratio is 0/0 at T_left = T_right (no current flows); take unequal temperatures (its limit "
                "for the bath heat is 2, by fluctuation-dissipation).")
        kw = dict(normalization=normalization, initial=initial, cls=cls)
        k = self.heat_cumulants(J_upper, J_lower, T_left, T_right, bath=key, order=2, **kw)
        sigma = self.entropy_production(J_upper, J_lower, T_left, T_right, **kw)
        if not sym and k["kappa_1"] == 0:
            raise InvalidParameterError(f"the current {key!r} vanishes at these parameters: no TUR ratio.")
        ratio = k["kappa_2"] * sigma / k["kappa_1"] ** 2
        return sympy.factor(ratio) if sym else float(ratio)

    def correlation(self, i: int, j: int, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any,
                    **kw: Any) -> Any:
        r"""Spin-spin correlation :math:`\langle\sigma_i\sigma_j\rangle` in the stationary state (eq. 18)."""
        for s in (i, j):
            if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)) or not 1 <= s <= self.n_spins:
                raise InvalidModelError(f"site {s!r} is outside 1..{self.n_spins} (sites are 1-based integers).")
        p = self.stationary(J_upper, J_lower, T_left, T_right, **kw)
        prod = (self.space.spins[:, i - 1] * self.space.spins[:, j - 1]).astype(int)
        if isinstance(p, sympy.MatrixBase):
            return sympy.simplify(sum(int(s) * pk for s, pk in zip(prod, p)))
        return float(prod @ p)

    def classify(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
                 rtol: float = 1e-12, **kw: Any) -> Regime:
        """Name the current regime (Fig. 1): parallel, clockwise or anticlockwise, and magnification.

        A current smaller than ``rtol`` times the largest one, or than
        :math:`10^{-13}` times the one-way energy flux exchanged with the left
        bath (roundoff), counts as zero.  Keyword arguments go to
        :meth:`heat_currents`.
        """
        if (isinstance(rtol, bool) or not isinstance(rtol, (int, float, np.number))
                or not 0 <= rtol < 1):
            raise InvalidParameterError(f"rtol = {rtol!r} must be a number in [0, 1).")
        sym, J, T = self._args(J_upper, J_lower, T_left, T_right)
        if sym:
            raise InvalidParameterError("classify() needs numbers; pass numeric couplings and temperatures.")
        I, tr, rates, p, scale = self._numeric_currents(J, T, **kw)
        # roundoff scale: the one-way energy flux exchanged with the left bath
        m = tr.bath == LEFT
        gross = float(np.sum(np.abs(tr.energy(np.array(J))[m]) * rates[m] * p[tr.src[m]])) / scale
        big = max(max(abs(v) for v in I.values()), 0.0)
        zero = max(rtol * big, 1e-13 * gross)
        if big <= zero:
            return Regime("none", False, None, I)
        u, d, left = (0.0 if abs(I[k]) <= zero else I[k] for k in ("upper", "lower", "left"))
        if u * d > 0:
            direction = "clockwise" if u > 0 else "anticlockwise"
        elif u == 0 and d == 0:
            direction = "none"
        else:
            direction = "parallel"
        ratio = max(abs(u), abs(d)) / abs(left) if left != 0 else float("inf")
        return Regime(direction, u * d > 0, ratio, I)

    # ------------------------------------------------------------------ Monte Carlo
    def simulate(self, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
                 steps: int = 10**6, seed: int | None = None, walkers: int = 2048,
                 burn_in: int | None = None, initial: Any = None, cls: int | None = None,
                 normalization: str = "paper", record_states: bool = False):
        """Kinetic Monte Carlo of the same dynamics (random sequential updates), with standard errors.

        See :func:`symness.classical.montecarlo.simulate`.
        """
        from .montecarlo import simulate

        return simulate(self, J_upper, J_lower, T_left, T_right, steps=steps, seed=seed,
                        walkers=walkers, burn_in=burn_in, initial=initial, cls=cls,
                        normalization=normalization, record_states=record_states)
