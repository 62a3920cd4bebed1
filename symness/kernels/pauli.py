r"""Pauli population kernels from the general Born--Markov kernel formula.

qubit_kernels Sec. II and Appendix V A.  For a system Hamiltonian
:math:`H_S|n\rangle = E_n|n\rangle` coupled to independent reservoirs, the
dissipative kernel restricted to the populations :math:`\rho_p = \rho_{pp}` is
(eq. 5.3)

.. math::

    K_{pq} = -\delta_{pq}\sum_{l}\sum_{\alpha\beta} S^\alpha_{pl}S^\beta_{lp}
             D^{\alpha\beta}(E_{pl}) + \sum_{\alpha\beta} S^\beta_{pq}S^\alpha_{qp}
             D^{\alpha\beta}(E_{qp}),
    \qquad
    D^{\alpha\beta}(\omega) = \int dt\, e^{i\omega t}\,\mathrm{Tr}[\rho_B B^\alpha(t)B^\beta(0)],

for :math:`H_{SB} = \sum_\alpha S^\alpha B^\alpha`.  In the canonical
convention of ``docs/conventions.md`` (:math:`\omega > 0` = energy given to
the bath, :math:`\gamma(\omega)` the canonical rate) this is the golden rule:
the rate of :math:`m \to n`, :math:`\omega = E_m - E_n`, is

* Hermitian coupling :math:`S\otimes B`: :math:`W_{n\leftarrow m} = |S_{nm}|^2\gamma(\omega)`;
* RWA coupling :math:`L^\dagger\otimes B + L\otimes B^\dagger` (:math:`S^1 = L^\dagger`,
  :math:`S^2 = L`, :math:`D^{12}(\omega) = \theta(\omega)\gamma(\omega)`,
  :math:`D^{21}(\omega) = \theta(-\omega)\gamma(\omega)`, eqs. 5.6--5.9):
  :math:`W_{n\leftarrow m} = |L_{nm}|^2\gamma(\omega)` for emission
  (:math:`\omega > 0`) and :math:`|L_{mn}|^2\gamma(\omega)` for absorption; a
  transition in which :math:`L` would *raise* the energy is not driven.

With :math:`\gamma(\omega) = g(\omega)[1+n(\omega)]` and
:math:`\gamma(-\omega) = g(\omega)n(\omega)` (preset ``qubit_kernels``) the
emission rate of a transition :math:`hi \to lo` of Bohr frequency
:math:`\omega` is :math:`w\,g(\omega)(1+n(\omega))` and the absorption rate
:math:`w\,g(\omega)n(\omega)`, with the weight :math:`w = |S_{lo,hi}|^2`.

Steady state (eqs. 2.3--2.4) by the Markov-chain tree theorem:
:math:`\rho_i \propto \det(-K)_{\hat i\hat i}` (principal minors), which gives
polynomials with positive coefficients in the rates -- exact, fast and free of
cancellation.  Heat currents (eqs. 2.11--2.12): :math:`q^X = \sum_{np}E_n
K^X_{np}\rho_p` (energy per unit time from reservoir X into the system),
split into channels by Bohr frequency,
:math:`q^X = \sum_\omega q^X_\omega`, :math:`q^X_\omega = \omega\sum_{hi\to lo\,\in\,\omega}
(W^X_{hi\leftarrow lo}\rho_{lo} - W^X_{lo\leftarrow hi}\rho_{hi})`.

Scaling to the user's own models (issue "Your own model"): the rates stay opaque
symbols while solving; the principal minors are computed by python-flint
(:mod:`symness.markov.symbolic`); the size of the result is estimated from the
transition graph at a representative point before anything symbolic is done
(:class:`~symness.errors.DerivationTooLargeError` names the implicit routes);
blocks of H whose eigenvalues SymPy cannot give are handled by the implicit
spectrum (:mod:`symness.kernels.spectrum`); forms are evaluated by
:mod:`symness.kernels.numerics` with a condition estimate and an exact fallback.

Degenerate levels: the populations close under the secular (Davies)
dynamics only if no reservoir couples a population to a coherence inside a
degenerate eigenspace.  :func:`pauli_kernel` checks this exactly and raises
:class:`~symness.errors.DegeneracyError` otherwise.  Degenerate *Bohr
frequencies* (e.g. :math:`\omega_+ = E_{42} = E_{31}` of the coupled qubits)
are fine: they only couple coherences among themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import sympy

from ..baths import PRESETS, Bath, SpectralDensity
from ..closedform import ClosedForm
from ..errors import (
    DegeneracyError,
    DerivationTooLargeError,
    InvalidModelError,
    InvalidParameterError,
    NonUniqueSteadyStateError,
)
from ..markov import closed_classes, tree_counts
from ..markov.evaluate import ExactPolynomials
from ..markov.symbolic import PolynomialDefinition, PolyRing, stationary_polynomials
from ..models.base import Coupling, Model
from ..naming import SymbolNamer, names_in
from ..validation import check_hermitian, check_square
from .diagonalize import Eigensystem, diagonalize, resolve_point
from .functions import Bose, BoseDifference
from .numerics import Edge, PauliBackend
from .spectrum import (
    Eigenvalue,
    ImplicitSpectrum,
    TransitionWeight,
    eigenvalue,
    exact_matrix,
    probe_structure,
    representative_point,
    stationary_population,
    transition_weight,
)

__all__ = ["Transition", "BohrChannel", "PauliKernel", "pauli_kernel", "manifestly_nonnegative",
           "substitute_definitions", "DEFAULT_MAX_TERMS"]

CONVENTIONS = ("hbar = k_B = 1; canonical bath convention (docs/conventions.md): omega > 0 is "
               "energy given to the bath; qubit_kernels preset gamma = g(1+n); heat currents are "
               "energy per unit time from each reservoir into the system")

#: default limit on the number of terms of a closed-form stationary state (spanning trees, summed over levels)
DEFAULT_MAX_TERMS = 2_000_000
#: up to this many terms a result is factored and written out with the rates substituted
SMALL_TERMS = 600


def conventions_of(specs: Iterable[Any]) -> str:
    """The conventions sentence of a derivation, from its baths' presets (never another paper's)."""
    presets = {}
    for c in specs:
        presets.setdefault(c.bath.preset.name, []).append(c.name)
    which = "; ".join(f"bath{'s' if len(v) > 1 else ''} {', '.join(v)}: preset {k!r} ({_preset_rule(k)})"
                      for k, v in presets.items())
    return ("hbar = k_B = 1; canonical bath convention (docs/conventions.md): omega > 0 is energy given to "
            f"the bath; {which}; heat currents are energy per unit time from each reservoir into the system")


def _preset_rule(name: str) -> str:
    return PRESETS[name].description


@dataclass(frozen=True)
class Transition:
    """One driven transition ``upper <-> lower`` (0-based level indices, energy order)."""

    bath: str
    lower: int
    upper: int
    channel: str
    weight: sympy.Expr
    down: sympy.Symbol  #: rate symbol of upper -> lower (emission into the bath)
    up: sympy.Symbol    #: rate symbol of lower -> upper (absorption from the bath)


@dataclass
class BohrChannel:
    """A distinct Bohr frequency carried by the couplings."""

    name: str
    symbol: sympy.Symbol
    expr: sympy.Expr
    value: float | None = None


@dataclass
class _CouplingSpec:
    name: str
    op: sympy.Matrix
    bath: Bath
    kind: str


@dataclass
class _Engine:
    """The tree-theorem polynomials (python-flint) of a kernel."""

    ring: PolyRing
    P: list[Any]
    Z: Any
    N: dict[tuple[str, str], Any]  #: (bath, channel) -> omega_c * net upward flux numerator
    states: list[int]
    terms: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _couplings(couplings: Any, dim: int, n_sites: int | None) -> list[_CouplingSpec]:
    if couplings is None:
        raise InvalidParameterError("pauli_kernel needs couplings: a list of (S, Bath[, kind]) or "
                                    "symness.models.Coupling objects, or pass a Model.")
    items: Iterable[Any]
    if isinstance(couplings, Mapping):
        items = [(k, *(v if isinstance(v, tuple) else (v,))) for k, v in couplings.items()]
    else:
        try:
            items = list(couplings)
        except TypeError:
            raise InvalidParameterError(
                "pauli_kernel: couplings must be a list of (S, Bath[, kind]) tuples or "
                f"symness.models.Coupling objects, got {type(couplings).__name__}.") from None
    out: list[_CouplingSpec] = []
    default_names = iter("ABCDEFGHIJ")
    for item in items:
        if isinstance(item, Coupling):
            if n_sites is None:
                raise InvalidParameterError("Coupling objects need a Hamiltonian of 2^n x 2^n.")
            op = item.operator(n_sites, "sympy")
            out.append(_CouplingSpec(item.name, exact_matrix(op, f'coupling operator {item.name}'), item.bath,
                                      item.kind))
            continue
        if not isinstance(item, tuple):
            raise InvalidParameterError(f"a coupling must be (S, Bath[, kind]), (name, S, Bath[, kind]) "
                                        f"or a Coupling, not {type(item).__name__}.")
        name = None
        if isinstance(item[0], str):
            name, item = item[0], item[1:]
        if len(item) not in (2, 3):
            raise InvalidParameterError("a coupling tuple is (S, Bath) or (S, Bath, kind).")
        op, bath = item[0], item[1]
        kind = item[2] if len(item) == 3 else "hermitian"
        if not isinstance(bath, Bath):
            raise InvalidParameterError(f"the bath of a coupling must be a symness.baths.Bath, not "
                                        f"{type(bath).__name__}.")
        if kind not in ("hermitian", "rwa"):
            raise InvalidModelError(f"coupling kind must be 'hermitian' or 'rwa', not {kind!r}.")
        name = name or bath.name or next(default_names)
        out.append(_CouplingSpec(name, exact_matrix(op, f'coupling operator {name}'), bath, kind))
    names = [c.name for c in out]
    if len(set(names)) != len(names):
        raise InvalidModelError(f"bath names must be unique, got {names}.")
    for c in out:
        check_square(c.op, f"coupling operator {c.name}", dim)
        if c.kind == "hermitian":
            check_hermitian(c.op, f"coupling operator {c.name} (kind='hermitian')")
    return out


def _rate_expr(bath: Bath, omega: sympy.Expr, emission: bool) -> sympy.Expr:
    """Canonical rate gamma(+omega) (emission) or gamma(-omega) (absorption), omega > 0."""
    T = sympy.sympify(bath.T)
    factor = sympy.nsimplify(bath.preset.factor)
    spec = bath.spectrum
    if isinstance(spec, SpectralDensity):
        g = spec.sym(omega)
        n = Bose(omega, T)
        return factor * g * ((1 + n) if emission else n)
    return bath.rate_sym(omega if emission else -omega)


def manifestly_nonnegative(expr: sympy.Expr) -> bool:
    """True if ``expr`` is a ratio of polynomials with non-negative coefficients in non-negative atoms.

    Atoms: symbols declared non-negative, :class:`Bose` functions of a positive
    frequency, and spectral functions :math:`g(\\omega)` (undefined SymPy
    functions, non-negative by definition).  A sufficient (not necessary)
    criterion, used to prove that channel factors are :math:`\\ge 0`.
    """
    expr = sympy.together(sympy.sympify(expr))
    reps: dict[sympy.Basic, sympy.Symbol] = {}
    for a in expr.atoms(sympy.Function):
        if isinstance(a, Bose):
            if not a.args[0].is_positive:
                return False
        elif not isinstance(a, sympy.core.function.AppliedUndef):
            return False
        reps[a] = sympy.Dummy(nonnegative=True)
    e = expr.xreplace(reps)
    num, den = sympy.fraction(sympy.together(e))
    for part in (num, den):
        part = sympy.expand(part)
        syms = sorted(part.free_symbols, key=str)
        if any(not s.is_nonnegative for s in syms):
            return False
        if not syms:
            if not part.is_nonnegative:
                return False
            continue
        if any(c.is_negative or not c.is_real for c in sympy.Poly(part, *syms).coeffs()):
            return False
    return not den.is_zero


class PauliKernel(Mapping[str, ClosedForm]):
    r"""Population kernels of each reservoir in the energy eigenbasis (qubit_kernels eqs. 2.6, 5.3).

    A mapping ``bath name -> ClosedForm`` (the kernel matrix :math:`K^X_{pq}`,
    rates written out with :math:`g_X`, :math:`n_X`, Bohr-frequency and mixing
    symbols).  Build with :func:`pauli_kernel`.

    Attributes
    ----------
    eigensystem
        Energies :math:`E_1 \le E_2 \le\dots`, eigenvectors (exact spectrum),
        definitions of the auxiliary symbols.
    spectrum
        ``"exact"`` or ``"numeric"`` (implicit spectrum: energies and squared
        matrix elements are :class:`~symness.kernels.spectrum.Eigenvalue` and
        :class:`~symness.kernels.spectrum.TransitionWeight` of H).
    channels
        ``name -> BohrChannel`` (distinct Bohr frequencies, decreasing).
    transitions
        Every driven transition, with its weight and rate symbols.
    rates
        Rate symbol -> rate expression (e.g. :math:`A_{++} = \alpha^2 g_A(\omega_+)(1+n_A(\omega_+))`).
    definitions
        Auxiliary symbols (mixing amplitudes, Bohr frequencies, energies and
        weights of an implicit spectrum) -> expressions in the Hamiltonian's
        parameters; :meth:`explicit` substitutes them.  Every generated symbol
        has a name that no symbol of the user's model has.
    parameters
        The model's own parameters that the numeric forms take.
    """

    def __init__(self, eig: Eigensystem, couplings: list[_CouplingSpec], channels: dict[str, BohrChannel],
                 transitions: list[Transition], rates: dict[sympy.Symbol, sympy.Expr],
                 symbols: dict[sympy.Symbol, str], assumptions: list[str], paper: str, equation: str,
                 elements: dict[str, sympy.Matrix] | None = None, *, spectrum: str = "exact",
                 steady: str = "closed", conventions: str = CONVENTIONS, max_terms: int = DEFAULT_MAX_TERMS,
                 hamiltonian: sympy.Matrix | None = None, namer: SymbolNamer | None = None):
        self.eigensystem = eig
        self._namer = namer or SymbolNamer(names_in(list(symbols), list(rates), list(eig.definitions)))
        self._couplings = couplings
        #: coupling operators (S, or L for RWA couplings) in the energy eigenbasis, by bath (exact spectrum)
        self.elements = elements or {}
        self.channels = channels
        self.transitions = transitions
        self.rates = rates
        self.symbols = symbols
        self.assumptions = assumptions
        self.paper = paper
        self.equation = equation
        self.spectrum = spectrum
        self.steady = steady
        self.conventions = conventions
        self.max_terms = max_terms
        self.hamiltonian = hamiltonian
        self.baths = [c.name for c in couplings]
        self.temperatures = {c.name: sympy.sympify(c.bath.T) for c in couplings}

    # ------------------------------------------------------------- mapping
    def __getitem__(self, bath: str) -> ClosedForm:
        if bath not in self.baths:
            raise KeyError(f"no bath {bath!r}; baths: {self.baths}")
        return self._form(self.kernel(bath, expand=True), name=f"K^{{{bath}}}",
                          description=f"Population kernel of reservoir {bath} in the energy eigenbasis, "
                                      "K_pq = rate q -> p (p != q), columns sum to zero.",
                          equation="(2.6), (5.3)")

    def __iter__(self) -> Iterator[str]:
        return iter(self.baths)

    def __len__(self) -> int:
        return len(self.baths)

    def __repr__(self) -> str:
        return (f"PauliKernel(levels={self.dim}, baths={self.baths}, spectrum={self.spectrum!r}, channels="
                f"{ {k: sympy.sstr(c.expr) for k, c in self.channels.items()} })")

    def _repr_latex_(self) -> str:
        rows = [f"E_{{{k + 1}}} &= {sympy.latex(e)}" for k, e in enumerate(self.energies)]
        rows += [f"{sympy.latex(s)} &= {sympy.latex(e)}" for s, e in self.rates.items()]
        if self.dim <= 6:
            rows += [f"K^{{{b}}} &= {sympy.latex(self.kernel(b))}" for b in self.baths]
        return "$\\begin{aligned}" + " \\\\ ".join(rows) + "\\end{aligned}$"

    @property
    def dim(self) -> int:
        return self.eigensystem.dim

    @property
    def energies(self) -> list[sympy.Expr]:
        return self.eigensystem.energies

    @property
    def definitions(self) -> dict[sympy.Symbol, sympy.Expr]:
        d = dict(self.eigensystem.definitions)
        for ch in self.channels.values():
            if ch.symbol != ch.expr:
                d[ch.symbol] = ch.expr
        return d

    @property
    def parameters(self) -> list[sympy.Symbol]:
        """The model's own parameters (Hamiltonian, couplings, temperatures, spectral densities) in the rates."""
        free: set[sympy.Symbol] = set()
        for e in self.rates.values():
            free |= e.free_symbols
        for d in self.definitions.values():
            free |= d.free_symbols
        return sorted(free - set(self.definitions) - set(self.rates), key=str)

    def explicit(self, expr: Any) -> Any:
        """Substitute the auxiliary symbols (mixing amplitudes, Bohr frequencies) by their definitions."""
        if isinstance(expr, ClosedForm):
            return expr.map(self.explicit, definitions={})
        if isinstance(expr, Mapping):
            return {k: self.explicit(v) for k, v in expr.items()}
        return substitute_definitions(expr, self.definitions)

    # ------------------------------------------------------------- kernels
    def coupling(self, bath: str) -> tuple[str, Bath]:
        """``(kind, Bath)`` of a reservoir."""
        for c in self._couplings:
            if c.name == bath:
                return c.kind, c.bath
        raise KeyError(bath)

    def kernel(self, bath: str | None = None, *, expand: bool = False) -> sympy.Matrix:
        """The kernel matrix of one reservoir (``None``: the sum), in rate symbols or written out."""
        d = self.dim
        K = sympy.zeros(d, d)
        for t in self.transitions:
            if bath is not None and t.bath != bath:
                continue
            K[t.upper, t.lower] += t.up
            K[t.lower, t.lower] -= t.up
            K[t.lower, t.upper] += t.down
            K[t.upper, t.upper] -= t.down
        return K.xreplace(self.rates) if expand else K

    # ------------------------------------------------------------- the polynomial engine
    @cached_property
    def _engine(self) -> _Engine:
        """Tree-theorem polynomials of the steady state and channel-current numerators (python-flint)."""
        d = self.dim
        pairs = [(t.lower, t.upper) for t in self.transitions] + [(t.upper, t.lower) for t in self.transitions]
        closed, transient = closed_classes(d, pairs)
        if len(closed) != 1:
            raise NonUniqueSteadyStateError(
                "the population kernel has more than one steady state: the levels split into "
                f"{len(closed)} groups that no reservoir connects ({[[k + 1 for k in c] for c in closed]}, "
                "1-based, energy order). Add a coupling that connects them, or solve within one group.",
                reason="several closed classes", classes=[[k + 1 for k in c] for c in closed])
        omegas = sorted({self.channels[t.channel].symbol for t in self.transitions}, key=str)
        rate_syms = list(self.rates)
        ring = PolyRing(rate_syms + [w for w in omegas if w not in self.rates])
        edges = [(t.lower, t.upper, ring.gen(t.up)) for t in self.transitions]
        edges += [(t.upper, t.lower, ring.gen(t.down)) for t in self.transitions]
        P, Z = stationary_polynomials(d, edges, ring, closed[0])
        N: dict[tuple[str, str], Any] = {}
        for t in self.transitions:
            key = (t.bath, t.channel)
            flux = ring.gen(t.up) * P[t.lower] - ring.gen(t.down) * P[t.upper]
            N[key] = flux if key not in N else N[key] + flux
        for (b, c), v in N.items():
            N[(b, c)] = v * ring.gen(self.channels[c].symbol)
        terms = len(Z.coeffs())
        return _Engine(ring, P, Z, N, closed[0], terms)

    @property
    def size(self) -> int:
        """Number of terms of the partition sum :math:`Z` of the closed-form steady state."""
        return self._engine.terms

    def _small(self) -> bool:
        return self.steady == "closed" and self._engine.terms <= SMALL_TERMS

    def _ratio_sympy(self, num: Any, den: Any) -> sympy.Expr:
        """``num / den`` (ring elements) as SymPy: common factor cancelled, factored when small."""
        ring = self._engine.ring
        if num.is_zero():
            return sympy.S.Zero
        g = num.gcd(den)
        if not g.is_one():
            num, den = num / g, den / g
        if len(num.coeffs()) + len(den.coeffs()) <= 2 * SMALL_TERMS:
            return ring.factor_sympy(num) / ring.factor_sympy(den)
        return ring.to_sympy(num) / ring.to_sympy(den)

    # ------------------------------------------------------------- steady state
    @cached_property
    def _steady(self) -> sympy.Matrix:
        if self.steady == "numeric":
            K = self.kernel()
            return sympy.Matrix([stationary_population(K, k) for k in range(self.dim)])
        eng = self._engine
        if self.dim == 1:
            return sympy.Matrix([1])
        return sympy.Matrix([self._ratio_sympy(eng.P[k], eng.Z) for k in range(self.dim)])

    def steady_state(self, *, expand: bool = True) -> sympy.Matrix:
        r"""Populations :math:`\rho_1..\rho_d` solving :math:`K\rho = 0`, :math:`\sum\rho = 1` (eqs. 2.3--2.4).

        Markov-chain tree theorem: :math:`\rho_k = P_k / Z` with :math:`P_k` the sum over
        spanning trees directed to level ``k`` of their rate products (positive
        coefficients, no cancellation).  With ``steady="numeric"`` the entries
        are :class:`~symness.kernels.spectrum.StationaryPopulation` of the kernel.
        """
        p = self._steady
        return p.xreplace(self.rates) if expand else p

    # ------------------------------------------------------------- currents
    def _channel_current_raw(self, channel: str, bath: str) -> sympy.Expr:
        if self.steady == "numeric":
            p = self._steady
            total = sympy.S.Zero
            for t in self.transitions:
                if t.bath == bath and t.channel == channel:
                    total += t.up * p[t.lower] - t.down * p[t.upper]
            return self.channels[channel].symbol * total
        eng = self._engine
        num = eng.N.get((bath, channel))
        if num is None:
            return sympy.S.Zero
        return self._ratio_sympy(num, eng.Z)

    @cached_property
    def _channel_raw(self) -> dict[str, dict[str, sympy.Expr]]:
        return {c: {b: self._channel_current_raw(c, b) for b in self.baths} for c in self.channels}

    def channel_currents(self, *, expand: bool = True) -> dict[str, dict[str, sympy.Expr]]:
        r"""``channel -> {bath: q^X_omega}``: the heat current of each reservoir through each Bohr frequency."""
        raw = self._channel_raw
        if not expand:
            return {c: dict(v) for c, v in raw.items()}
        out: dict[str, dict[str, sympy.Expr]] = {}
        for c, by_bath in raw.items():
            f = self.channel_factor(c)
            if f is not None:
                A, B = self.baths
                bias = BoseDifference(self.channels[c].symbol, self.temperatures[A], self.temperatures[B])
                out[c] = {A: f * bias, B: -f * bias}
            else:
                out[c] = {b: e.xreplace(self.rates) for b, e in by_bath.items()}
        return out

    def heat_currents(self, *, expand: bool = True) -> dict[str, sympy.Expr]:
        r"""``bath -> q^X`` (eqs. 2.11--2.12), the sum of the channel currents."""
        ch = self.channel_currents(expand=expand)
        return {b: sum((ch[c][b] for c in ch), sympy.S.Zero) for b in self.baths}

    @cached_property
    def _factors(self) -> dict[str, sympy.Expr | None]:
        out: dict[str, sympy.Expr | None] = {}
        if len(self.baths) != 2 or not self._small():
            return {c: None for c in self.channels}
        A, B = self.baths
        eng = self._engine
        zero = eng.ring.zero()
        for c, ch in self.channels.items():
            # F [n_A - n_B] describes the channel only if its energy goes from one bath to the other
            if not (eng.N.get((A, c), zero) + eng.N.get((B, c), zero)).is_zero() or (A, c) not in eng.N:
                out[c] = None
                continue
            q = self._channel_raw[c][A].xreplace(self.rates)
            nA = Bose(ch.symbol, self.temperatures[A])
            nB = Bose(ch.symbol, self.temperatures[B])
            # q = F (n_A - n_B) with F free of a pole at n_A = n_B: the bias must divide the numerator
            num, den = sympy.fraction(sympy.cancel(q))
            x = sympy.Dummy("x")
            quo, rem = sympy.div(sympy.expand(num.xreplace({nA: nB + x})), x, x)
            if rem != 0 or quo.has(sympy.zoo, sympy.nan):
                out[c] = None
                continue
            out[c] = _present_factor(quo.xreplace({x: nA - nB}) / den)
        return out

    def channel_factor(self, channel: str) -> sympy.Expr | None:
        r"""The factor :math:`F_\omega` with :math:`q^A_\omega = F_\omega[n_A(\omega) - n_B(\omega)]`.

        ``None`` if the channel current does not have this form (more than
        two reservoirs, a large model, or no factorisation).
        :meth:`thermodynamics` proves :math:`F_\omega \ge 0`.
        """
        return self._factors[channel]

    # ------------------------------------------------------------- thermodynamics
    def thermodynamics(self) -> dict[str, Any]:
        r"""Symbolic first and second law for the secular (global) kernel.

        Returns a dict with

        * ``"first_law"``: :math:`\sum_X q^X = 0` identically.  Proved in the
          rate symbols, for *any* rates: every transition carries exactly its
          Bohr frequency :math:`E_h - E_l` (checked with the definitions
          substituted, so dependent frequencies such as
          :math:`\omega_h = \omega_2 + \omega_c` are recognised), so
          :math:`\sum_X q^X = \sum_k E_k (K P)_k`, and :math:`K P = 0` holds as a
          polynomial identity for the tree-theorem weights :math:`P`;
        * ``"factorised"``: every channel current is :math:`F_\omega[n_A-n_B]`
          (two reservoirs, small models);
        * ``"nonnegative"``: every :math:`F_\omega` is manifestly :math:`\ge 0`
          (ratio of polynomials with non-negative coefficients in
          non-negative quantities), so heat flows from the hotter reservoir
          (larger :math:`n(\omega)`) to the colder one in every channel.
        """
        first = self._first_law()
        factors = {c: self.channel_factor(c) for c in self.channels}
        factorised = all(f is not None for f in factors.values())
        nonneg = factorised and all(manifestly_nonnegative(f) for f in factors.values())
        return {"first_law": bool(first), "factorised": factorised, "nonnegative": bool(nonneg),
                "factors": factors}

    def _first_law(self) -> bool:
        defs = self.definitions
        for t in self.transitions:  # each transition carries its channel's frequency, identically
            gap = substitute_definitions(self.energies[t.upper] - self.energies[t.lower], defs)
            w = substitute_definitions(self.channels[t.channel].expr, defs)
            if not _identically_zero(gap - w):
                return False
        if self.steady == "numeric":
            return True  # K rho = 0 holds for the numeric null vector by construction
        eng = self._engine
        ring = eng.ring
        balance = [ring.zero() for _ in range(self.dim)]
        for t in self.transitions:
            flux = ring.gen(t.up) * eng.P[t.lower] - ring.gen(t.down) * eng.P[t.upper]
            balance[t.upper] += flux
            balance[t.lower] -= flux
        return all(b.is_zero() for b in balance)

    # ------------------------------------------------------------- closed forms
    def _rate_definitions(self) -> dict[sympy.Symbol, sympy.Expr]:
        """Definitions in dependency order: spectrum, Bohr frequencies, rates."""
        out = dict(self.definitions)
        out.update(self.rates)
        return out

    def _form(self, expr: Any, *, name: str, description: str, equation: str,
              numeric: PauliBackend | None = None, extra: Mapping[sympy.Symbol, Any] | None = None
              ) -> ClosedForm:
        equation = equation if self.paper == "qubit_kernels" else self.equation
        defs = self._rate_definitions()
        defs.update(extra or {})
        return ClosedForm(expr, dict(self.symbols), name=name, assumptions=self.assumptions, paper=self.paper,
                          equation=equation, conventions=self.conventions, description=description,
                          definitions=defs, numeric=numeric)

    def _backend(self, outputs: list[tuple[str, Any]], *, extra_polys: Mapping[Any, Any] | None = None,
                 formulas: Mapping[int, Any] | None = None, temperatures: bool = False) -> PauliBackend | None:
        """Numeric backend of populations, heat currents and their statistics.

        ``None`` if the rates cannot be evaluated (undefined spectral functions).
        """
        defs = self._rate_definitions()
        exact = None
        keys: list[Any] = []
        if self.steady == "closed":
            eng = self._engine
            syms = list(eng.ring.symbols)
            nums = self._current_numerators()
            polys = {("Z",): eng.Z}
            for kind, k in outputs:
                if kind == "population":
                    polys[("P", k)] = eng.P[k]
                elif kind == "flux":
                    t = self.transitions[k]
                    polys[("F", k)] = (eng.ring.gen(t.up) * eng.P[t.lower] - eng.ring.gen(t.down) * eng.P[t.upper])
            if any(kind in ("current", "entropy", "tur") for kind, _ in outputs):
                polys.update({("N", b): nums[b] for b in range(len(self.baths))})
            polys.update(extra_polys or {})
            keys = list(polys)
            exact = ExactPolynomials(eng.ring, list(polys.values()))
        else:
            syms = list(self.rates) + sorted({ch.symbol for ch in self.channels.values()} - set(self.rates), key=str)
        temps: list[int] = []
        if temperatures:
            for b in self.baths:
                T = self.temperatures[b]
                if T not in syms:
                    syms.append(T)
                temps.append(syms.index(T))
        index = {s: k for k, s in enumerate(syms)}
        edges = [Edge(self.baths.index(t.bath), t.lower, t.upper, index[t.up], index[t.down],
                      index[self.channels[t.channel].symbol]) for t in self.transitions]
        used = {e.up for e in edges} | {e.down for e in edges} | {e.omega for e in edges} | set(temps)
        spectrum = None
        if self.spectrum == "numeric":  # energies and weights from one eigendecomposition per point
            spec_syms = [s for s, d in self.eigensystem.definitions.items()
                         if isinstance(d, (Eigenvalue, TransitionWeight))]
            defs = {k: v for k, v in defs.items() if k not in set(spec_syms)}
            n2 = self.dim**2
            weights = {}
            for s in spec_syms:
                d = self.eigensystem.definitions[s]
                if isinstance(d, TransitionWeight):
                    S = sympy.Matrix(self.dim, self.dim, d.args[2 + n2:])
                    weights[s] = (S, int(d.args[0]), int(d.args[1]))
            energies = [s for s in spec_syms if isinstance(self.eigensystem.definitions[s], Eigenvalue)]
            hparams = sorted(self.hamiltonian.free_symbols.union(*(w[0].free_symbols for w in weights.values())),
                             key=str)
            spectrum = ImplicitSpectrum(self.hamiltonian, energies, weights, hparams)
        variables = [substitute_definitions(s, defs) if k in used else sympy.S.One for k, s in enumerate(syms)]
        free = set().union(*(v.free_symbols for v in variables))
        if spectrum is not None:
            free = (free - set(spectrum.symbols)) | set(spectrum.params)
        params = sorted(free, key=str)
        if spectrum is not None:
            spectrum.params = params
        try:
            return PauliBackend(self.dim, edges, variables, params, outputs, exact, spectrum=spectrum, keys=keys,
                                temperatures=temps, formulas=formulas)
        except InvalidParameterError:
            return None  # undefined spectral functions: the form stays symbolic-only

    @cached_property
    def _named(self) -> tuple[list[sympy.Symbol], sympy.Symbol, dict[str, sympy.Symbol],
                              dict[sympy.Symbol, PolynomialDefinition]]:
        """Symbols for the tree polynomials of a large model, with lazy (python-flint) definitions."""
        eng = self._engine
        namer = self._namer
        Ps = namer.family("P", [str(k + 1) for k in range(self.dim)], nonnegative=True)
        Z = namer.symbol("Z", positive=True)
        Ns = {b: namer.exact(f"N_{{{b}}}", real=True) for b in self.baths}
        defs: dict[sympy.Symbol, PolynomialDefinition] = {}
        for k, Pk in enumerate(Ps):
            defs[Pk] = PolynomialDefinition(eng.ring, eng.P[k], rf"\sum_{{\mathcal{{T}}\to {k + 1}}}\,"
                                            r"\prod_{e\in\mathcal{T}} W_e")
        defs[Z] = PolynomialDefinition(eng.ring, eng.Z, r"\sum_k P_k")
        for b, Nb in Ns.items():
            defs[Nb] = PolynomialDefinition(eng.ring, self._current_numerators()[self.baths.index(b)],
                                            rf"\sum_{{t \in {b}}} \omega_t \left(W^{{\uparrow}}_t P_{{l_t}}"
                                            r" - W^{\downarrow}_t P_{h_t}\right)")
        return Ps, Z, Ns, defs

    def _current_numerators(self) -> list[Any]:
        return self._numerators

    @cached_property
    def _numerators(self) -> list[Any]:
        """Numerator of each bath's heat current over Z (sum of its channels), ring elements."""
        eng = self._engine
        nums = []
        for b in self.baths:
            acc = eng.ring.zero()
            for (bb, _), v in eng.N.items():
                if bb == b:
                    acc += v
            nums.append(acc)
        return nums

    def populations_form(self) -> ClosedForm:
        r"""Steady populations as a ClosedForm column (energy order).

        Small models: the factored populations with the rates written out.  Large
        models: :math:`\rho_k = P_k/Z` with the tree polynomials :math:`P_k`, :math:`Z`
        as definitions held by python-flint (expanded to SymPy only on
        :meth:`~symness.closedform.ClosedForm.explicit`).
        """
        if self.steady == "numeric":
            return self._form(self.steady_state(expand=False), name=r"\rho", equation="(2.3)-(2.4)",
                              numeric=self._backend([("population", k) for k in range(self.dim)]),
                              description="Steady populations of the energy levels E_1 <= E_2 <= ... (implicit: "
                                          "the kernel's null vector at each point).")
        numeric = self._backend([("population", k) for k in range(self.dim)])
        extra: dict[sympy.Symbol, Any] = {}
        if self._small():
            expr = self.steady_state(expand=True)
        else:
            Ps, Z, _, defs = self._named
            expr = sympy.Matrix([Pk / Z for Pk in Ps])
            extra = {k: v for k, v in defs.items() if k in set(Ps) | {Z}}
        return self._form(expr, name=r"\rho", equation="(2.3)-(2.4)", numeric=numeric, extra=extra,
                          description="Steady populations of the energy levels E_1 <= E_2 <= ...")

    def heat_currents_form(self) -> ClosedForm:
        """Heat currents ``{bath: q}`` as a ClosedForm mapping (energy per unit time into the system).

        Large models: :math:`q^X = N_X / Z` with the numerators and partition sum as
        python-flint definitions (see :meth:`populations_form`).
        """
        extra: dict[sympy.Symbol, Any] = {}
        numeric = self._backend([("current", k) for k in range(len(self.baths))])
        if self.steady == "numeric":
            expr = self.heat_currents(expand=False)
        else:
            if self._small():
                expr = self.heat_currents(expand=True)
            else:
                _, Z, Ns, defs = self._named
                expr = {b: Ns[b] / Z for b in self.baths}
                extra = {k: v for k, v in defs.items() if k in set(Ns.values()) | {Z}}
        return self._form(expr, name="q", equation="(2.11)-(2.12)", numeric=numeric, extra=extra,
                          description="Steady heat current from each reservoir into the system.")


    # ------------------------------------------------------------- beyond the mean (symness.kernels.statistics)
    def heat_cumulants(self, bath: str, order: int = 3) -> ClosedForm:
        """Scaled cumulants of the heat from ``bath`` (see :func:`symness.kernels.statistics.heat_cumulants`)."""
        from .statistics import heat_cumulants
        return heat_cumulants(self, bath, order)

    def heat_current_noise(self, bath: str) -> ClosedForm:
        """Zero-frequency noise of the heat current from ``bath`` (see statistics.heat_current_noise)."""
        from .statistics import heat_current_noise
        return heat_current_noise(self, bath)

    def entropy_production(self) -> ClosedForm:
        """Entropy production rate (:func:`symness.kernels.statistics.entropy_production`)."""
        from .statistics import entropy_production
        return entropy_production(self)

    def linear_response(self) -> ClosedForm:
        """Onsager matrix dq_X/dT_Y at equal temperatures (:func:`symness.kernels.statistics.linear_response`)."""
        from .statistics import linear_response
        return linear_response(self)

    def thermal_conductance(self) -> ClosedForm:
        """Two baths: lim q^A/(T_A - T_B) (:func:`symness.kernels.statistics.thermal_conductance`)."""
        from .statistics import thermal_conductance
        return thermal_conductance(self)

    def tur_ratio(self, bath: str) -> ClosedForm:
        """TUR ratio of the heat current from ``bath`` (:func:`symness.kernels.statistics.tur_ratio`)."""
        from .statistics import tur_ratio
        return tur_ratio(self, bath)

    # ------------------------------------------------------------- machines (symness.kernels.machines)
    def cooling_power(self, cold: str) -> ClosedForm:
        """Heat drawn from ``cold`` per unit time (:func:`symness.kernels.machines.cooling_power`)."""
        from .machines import cooling_power
        return cooling_power(self, cold)

    def coefficient_of_performance(self, cold: str, hot: str) -> ClosedForm:
        """q_cold / q_hot (:func:`symness.kernels.machines.coefficient_of_performance`)."""
        from .machines import coefficient_of_performance
        return coefficient_of_performance(self, cold, hot)

    def absorption_refrigerator(self, hot: str, room: str, cold: str) -> Any:
        """Cooling power, COP and Carnot bound (:func:`symness.kernels.machines.absorption_refrigerator`)."""
        from .machines import absorption_refrigerator
        return absorption_refrigerator(self, hot, room, cold)

    def cycle_decomposition(self) -> Any:
        """Schnakenberg cycles, sigma = sum J_C A_C (:func:`symness.kernels.machines.cycle_decomposition`)."""
        from .machines import cycle_decomposition
        return cycle_decomposition(self)


def _identically_zero(e: sympy.Expr) -> bool:
    e = sympy.expand(e)
    if e == 0:
        return True
    return sympy.simplify(e) == 0


def substitute_definitions(expr: Any, defs: Mapping[sympy.Symbol, sympy.Expr]) -> Any:
    """Replace auxiliary symbols by their (possibly nested) definitions until none is left."""
    out = sympy.sympify(expr)
    for _ in range(len(defs) + 1):
        new = out.xreplace(dict(defs))
        if new == out:
            return new
        out = new
    return out


def _present_factor(F: sympy.Expr) -> sympy.Expr:
    """Write F as (factored numerator) / (denominator collected by spectral functions)."""
    num, den = sympy.fraction(sympy.cancel(F))
    num = sympy.factor(num)
    gs = sorted(den.atoms(sympy.core.function.AppliedUndef), key=str)
    if gs:
        den = sympy.collect(sympy.expand(den), gs, func=sympy.factor)
    else:
        den = sympy.factor(den)
    return num / den


def pauli_kernel(H: Any, couplings: Any = None, *, at: Mapping[Any, Any] | None = None,
                 channel_names: list[str] | None = None,
                 mixing_names: list[tuple[str, ...]] | None = None,
                 spectrum: str = "auto", steady: str = "closed",
                 max_terms: int = DEFAULT_MAX_TERMS) -> PauliKernel:
    r"""Population kernel of each reservoir from the general kernel formula (qubit_kernels eqs. 5.2--5.4).

    Parameters
    ----------
    H
        Hermitian Hamiltonian: a ``sympy.Matrix`` (symbols with the assumptions
        you mean, e.g. ``positive=True``), a numpy array or scipy.sparse matrix
        (floats are made exact: ``0.1 -> 1/10``), a ``qutip.Qobj``, or a
        :class:`~symness.models.Model` (then ``couplings`` defaults to the
        model's and ``at`` to its default values).
    couplings
        ``[(S, Bath), (S, Bath, "rwa"), ...]``, ``{name: (S, Bath[, kind])}``
        or :class:`~symness.models.Coupling` objects.  ``kind="hermitian"``:
        :math:`S\otimes B`; ``kind="rwa"``: :math:`L^\dagger\otimes B + L\otimes B^\dagger`
        with ``S = L``.  Bath temperatures and spectral-density parameters may
        be symbols (``flat(g)``, ``ohmic(gamma, omega_c)``); the canonical rate is
        :math:`\gamma = \mathrm{factor}\cdot J\,(1+n)` (``docs/conventions.md``).
    at
        Representative parameter point deciding level order and signs when
        the symbols' assumptions do not (recorded as an assumption).
    channel_names
        Names of the Bohr-frequency channels in decreasing order of
        frequency (default ``"1", "2", ...``); a channel named ``"+"`` gets
        the symbol :math:`\omega_+`.
    mixing_names
        Names of the mixing-amplitude symbols of each 2 x 2 block.
    spectrum
        ``"exact"``: SymPy eigenvalues (refused with
        :class:`~symness.errors.DerivationTooLargeError` when a block's
        characteristic polynomial has an irreducible cubic or higher factor);
        ``"numeric"``: the *implicit spectrum* -- energies and squared matrix
        elements are :class:`~symness.kernels.spectrum.Eigenvalue` /
        :class:`~symness.kernels.spectrum.TransitionWeight` of H, evaluated
        from a numeric eigendecomposition at each point (needs ``at=`` or a
        model's values to fix the level structure); ``"auto"`` (default): exact
        where tractable, else implicit.
    steady
        ``"closed"`` (default): populations and currents as closed forms (tree
        theorem); ``"numeric"``: *implicit populations* -- the kernel and the
        current expressions stay closed forms, the populations are
        :class:`~symness.kernels.spectrum.StationaryPopulation` of the kernel
        (GTH at each point): the route for models whose closed form is too large.
    max_terms
        Refuse ``steady="closed"`` (in well under a second, before anything is
        expanded) when the stationary state would have more terms than this
        (spanning trees summed over levels; the absorption refrigerator has
        64 800, a three-qubit XX chain with end baths 393 216).

    Returns
    -------
    PauliKernel
        Mapping bath name -> ClosedForm kernel matrix, with steady state,
        heat currents, channels and thermodynamics.  Generated symbols
        (Bohr frequencies, mixing amplitudes, rates) never share a name with the
        model's symbols; forms take exactly the model's parameters in
        :meth:`~symness.closedform.ClosedForm.lambdify`.

    Raises
    ------
    NonHermitianError
        ``H`` (or a Hermitian coupling operator) is not Hermitian.
    ShapeMismatchError
        A coupling operator does not match ``H``.
    DegeneracyError
        Degenerate levels whose coherences a reservoir couples to the
        populations (the Pauli kernel would be wrong); lift the degeneracy
        or use the full secular solver ``symness.open.davies_ness``.
    NonUniqueSteadyStateError
        The reservoirs leave groups of levels unconnected.
    DerivationTooLargeError
        The closed form would exceed ``max_terms``, or the exact spectrum is
        intractable with ``spectrum="exact"``; the message names the route.
    """
    if spectrum not in ("auto", "exact", "numeric"):
        raise InvalidParameterError(f"spectrum = {spectrum!r}: use 'auto', 'exact' or 'numeric'.")
    if steady not in ("closed", "numeric"):
        raise InvalidParameterError(f"steady = {steady!r}: use 'closed' or 'numeric'.")
    if isinstance(max_terms, bool) or not isinstance(max_terms, (int, np.integer)) or max_terms < 1:
        raise InvalidParameterError(f"max_terms = {max_terms!r} must be a positive integer.")
    symbols: dict[sympy.Symbol, str] = {}
    paper, equation = "", ""
    if isinstance(H, Model):
        model = H
        couplings = model.couplings if couplings is None else couplings
        if at is None:
            at = dict(model.values)
        symbols.update(model.symbols)
        paper, equation = model.paper, model.equation
        H = model.hamiltonian("sympy")
    Hm = exact_matrix(H, "pauli_kernel: H")
    check_square(Hm, "H")
    check_hermitian(Hm, "H")
    dim = Hm.rows
    n_sites = dim.bit_length() - 1 if dim and (dim & (dim - 1)) == 0 else None
    specs = _couplings(couplings, dim, n_sites)
    free = set(Hm.free_symbols)
    for c in specs:
        free |= c.op.free_symbols
    point = resolve_point(at, free)
    namer = SymbolNamer(names_in(Hm, [c.op for c in specs], [c.bath.T for c in specs], list(symbols),
                                 [_spectrum_names(c.bath.spectrum) for c in specs], list(point)))

    # 1. structure at a representative point: the size of the result before anything symbolic
    rep = representative_point(free, point)
    struct = probe_structure(Hm, {c.name: c.op for c in specs}, rep)
    directed = struct.directed()
    if steady == "closed":
        estimate = float(tree_counts(dim, directed).sum()) if dim > 1 else 1.0
        if estimate > max_terms:
            raise DerivationTooLargeError(
                f"the closed-form steady state of this {dim}-level model would have about {estimate:.3g} terms "
                f"(spanning trees of its transition graph, > max_terms = {max_terms}). Take the implicit route: "
                "pauli_kernel(..., steady='numeric', spectrum='numeric') keeps the rates, kernel and heat-current "
                "expressions as closed forms in the Bohr frequencies and matrix elements and evaluates the "
                "spectrum and the populations numerically at each point; or use symness.open.davies_ness for "
                "numbers; or a smaller model; or raise max_terms (cost grows with the term count).",
                estimate=estimate)

    # 2. the spectrum
    eig: Eigensystem | None = None
    mode = spectrum
    if spectrum in ("auto", "exact"):
        try:
            eig = diagonalize(Hm, at=point or None, mixing_names=mixing_names, namer=namer)
            mode = "exact"
        except DerivationTooLargeError:
            if spectrum == "exact":
                raise
    if eig is None:
        mode = "numeric"
        eig = _implicit_eigensystem(Hm, struct, namer, point, free)

    # 3. transitions and Bohr-frequency channels
    if mode == "exact":
        V = eig.vectors
        Vd = V.H
        elems = {c.name: (Vd * c.op * V).applyfunc(lambda e: sympy.expand(e)) for c in specs}
        _check_degenerate(eig, elems, specs)
        raw = _exact_transitions(eig, elems, specs)
    else:
        elems = {}
        raw = [(c.name, lo, hi, transition_weight(Hm, c.op, lo, hi), eig.energies[hi] - eig.energies[lo])
               for c in specs for lo, hi in struct.pairs[c.name]]
    freqs: list[sympy.Expr] = []
    for *_, omega in raw:
        if not any(_same(omega, f) for f in freqs):
            freqs.append(omega)
    if mode == "numeric":  # E_h - E_l at the representative point, from the probe's eigenvalues
        Eidx = {E: k for k, E in enumerate(eig.energies)}
        values = [(float(sum(c * struct.energies[Eidx[a]] for a, c in f.as_coefficients_dict().items())), f)
                  for f in freqs]
    else:
        values = [(_num(substitute_definitions(f, eig.definitions), point or rep), f) for f in freqs]
    if any(v is None for v, _ in values) and len(values) > 1:
        raise InvalidParameterError(
            "cannot order the Bohr frequencies " + str([sympy.sstr(f) for _, f in values]) +
            "; pass a representative point at={symbol: value, ...}.")
    values.sort(key=lambda t: -t[0] if t[0] is not None else 0.0)
    if channel_names is None:
        if mode == "numeric":
            channel_names = [_pair_name(f) for _, f in values]
        else:
            channel_names = [str(k + 1) for k in range(len(values))]
    if len(channel_names) < len(values):
        raise InvalidParameterError(f"{len(values)} Bohr frequencies need {len(values)} channel names, "
                                    f"got {channel_names}.")
    fresh_names = [nm for (val, f), nm in zip(values, channel_names) if not isinstance(f, sympy.Symbol)]
    fresh = dict(zip(fresh_names, namer.family("omega", fresh_names, positive=True)))
    channels: dict[str, BohrChannel] = {}
    for name, (val, f) in zip(channel_names, values):
        sym = f if isinstance(f, sympy.Symbol) else fresh[name]
        channels[name] = BohrChannel(name, sym, f, val)

    def channel_of(omega: sympy.Expr) -> BohrChannel:
        for ch in channels.values():
            if _same(omega, ch.expr):
                return ch
        raise AssertionError("unreachable")

    # 4. rate symbols
    rates: dict[sympy.Symbol, sympy.Expr] = {}
    keys: dict[tuple[str, str, str, sympy.Expr], sympy.Symbol] = {}
    weights: dict[sympy.Expr, sympy.Symbol] = {}
    transitions: list[Transition] = []
    bath_of = {c.name: c for c in specs}
    meanings = dict(symbols)
    for bname, lo, hi, w, omega in raw:
        ch = channel_of(omega)
        if mode == "numeric":  # a named weight symbol per transition, defined by the implicit spectrum
            if w not in weights:
                ws = namer.exact(f"w_{{{bname},{hi + 1}{lo + 1}}}", nonnegative=True)
                weights[w] = ws
                eig.definitions[ws] = w
                meanings[ws] = (f"|<{lo + 1}|S_{bname}|{hi + 1}>|^2, squared matrix element of the coupling "
                                f"of reservoir {bname} in the eigenbasis of H (numeric)")
            w = weights[w]
        syms = []
        for direction, emission in (("+", True), ("-", False)):
            key = (bname, ch.name, direction, w)
            if key not in keys:
                same = [k for k in keys if k[:3] == key[:3]]
                suffix = f",{len(same) + 1}" if same else ""
                s = namer.exact(f"{bname}_{{{direction}{ch.name}{suffix}}}", positive=True)
                keys[key] = s
                rates[s] = w * _rate_expr(bath_of[bname].bath, ch.symbol, emission)
            syms.append(keys[key])
        transitions.append(Transition(bname, lo, hi, ch.name, w, syms[0], syms[1]))
    meanings.update(eig.meanings)
    for ch in channels.values():
        if ch.symbol != ch.expr:
            meanings[ch.symbol] = f"Bohr frequency {sympy.sstr(ch.expr)}"
    for c in specs:
        T = sympy.sympify(c.bath.T)
        if isinstance(T, sympy.Symbol) and T not in meanings:
            meanings[T] = f"temperature of reservoir {c.name}"
        for g in sorted(getattr(c.bath.spectrum, "free_symbols", None) or (), key=str):
            meanings.setdefault(g, f"parameter of the spectral density of reservoir {c.name}")
    for s in sorted(free, key=str):
        meanings.setdefault(s, "parameter of the Hamiltonian or of a coupling operator")
    for s in rates:
        meanings[s] = f"rate of reservoir {s.name.split('_')[0]} ({'emission' if '{+' in s.name else 'absorption'})"
    assumptions = list(eig.assumptions)
    assumptions.append("Born-Markov, secular populations (Pauli master equation); Lamb shift dropped")
    if mode == "numeric":
        assumptions.append("implicit spectrum: energies and matrix elements from a numeric eigendecomposition of "
                           "H at each point; level structure (non-degenerate levels, driven transitions) as at "
                           f"{ {str(k): v for k, v in (point or rep).items()} }")
    if steady == "numeric":
        assumptions.append("implicit populations: the kernel's null vector computed numerically (GTH) at each point")
    for c in specs:
        if c.kind == "rwa" and mode == "exact":
            M = elems[c.name]
            counter = [(lo, hi) for lo in range(dim) for hi in range(lo + 1, dim) if M[hi, lo] != 0]
            if counter:
                assumptions.append(f"RWA coupling {c.name}: L raises the energy in transitions "
                                   f"{[(lo + 1, hi + 1) for lo, hi in counter]}, which the reservoir "
                                   "cannot drive (dropped)")
    conventions = CONVENTIONS if all(c.bath.preset.name == "qubit_kernels" for c in specs) and \
        paper == "qubit_kernels" else conventions_of(specs)
    if paper != "qubit_kernels":  # a user's model: the method is cited, the model's own source (if any) kept
        assumptions.append("method: general Pauli-kernel formula of Fogedby, Heat currents in qubit systems "
                           "(qubit_kernels eqs. 5.2-5.4); heat currents as in its eqs. 2.11-2.12")
    pk = PauliKernel(eig, specs, channels, transitions, rates, meanings, assumptions, paper, equation, elems,
                     spectrum=mode, steady=steady, conventions=conventions, max_terms=max_terms,
                     hamiltonian=Hm, namer=namer)
    if steady == "closed":
        pk._engine  # noqa: B018 - solve now: refuse a non-unique steady state at construction
    return pk


def _spectrum_names(spec: Any) -> set[str]:
    """User names in a spectrum: its parameters and spectral functions, not its frequency variable."""
    out = {str(x) for x in (getattr(spec, "free_symbols", None) or ())}
    expr = getattr(spec, "expr", None)
    if isinstance(expr, sympy.Basic):
        out |= {str(f.func) for f in expr.atoms(sympy.core.function.AppliedUndef)}
    for k in ("c", "d"):
        v = getattr(spec, k, None)
        if isinstance(v, sympy.Basic):
            out |= {str(x) for x in v.free_symbols}
    return out


def _pair_name(omega: sympy.Expr) -> str:
    """Channel name ``"hl"`` of an implicit Bohr frequency ``E_h - E_l`` (1-based levels)."""
    hi = [a for a in omega.atoms(sympy.Symbol) if omega.coeff(a) == 1]
    lo = [a for a in omega.atoms(sympy.Symbol) if omega.coeff(a) == -1]
    if len(hi) == 1 and len(lo) == 1:
        return f"{hi[0].name.split('_')[-1].strip('{}')}{lo[0].name.split('_')[-1].strip('{}')}"
    return sympy.sstr(omega)


def _implicit_eigensystem(Hm: sympy.Matrix, struct: Any, namer: SymbolNamer, point: Mapping[sympy.Symbol, Any],
                          free: set[sympy.Symbol]) -> Eigensystem:
    """Energies as :class:`Eigenvalue` definitions of fresh symbols ``E_k``."""
    missing = sorted(str(s) for s in Hm.free_symbols if s not in point)
    if missing:
        raise InvalidParameterError(
            f"the implicit spectrum needs a representative point for {missing} (it fixes the level structure "
            "the closed form assumes): pass at={symbol: value, ...} or use a Model with default values.")
    if struct.degenerate:
        raise DegeneracyError(
            f"levels {[[k + 1 for k in g] for g in struct.degenerate]} are degenerate at the representative "
            "point; the implicit spectrum needs non-degenerate levels (their eigenvectors are not unique). "
            "Choose an at= point off the degeneracy, or use symness.open.davies_ness.")
    n = Hm.rows
    Es = namer.family("E", [str(k + 1) for k in range(n)], real=True)
    defs = {E: eigenvalue(Hm, k) for k, E in enumerate(Es)}
    meanings = {E: f"{k + 1}. eigenvalue of H (ascending, numeric eigendecomposition at each point)"
                for k, E in enumerate(Es)}
    order = " < ".join(f"E_{k + 1}" for k in range(n))
    return Eigensystem(list(Es), sympy.eye(n), defs, meanings, [f"levels ordered {order}"], [])


def _exact_transitions(eig: Eigensystem, elems: Mapping[str, sympy.Matrix], specs: list[_CouplingSpec]
                       ) -> list[tuple[str, int, int, sympy.Expr, sympy.Expr]]:
    dim = eig.dim
    raw = []
    for c in specs:
        M = elems[c.name]
        for lo in range(dim):
            for hi in range(lo + 1, dim):
                if any(lo in g and hi in g for g in eig.degenerate):
                    continue
                amp = M[lo, hi]
                w = sympy.expand(amp * sympy.conjugate(amp))
                if w == 0:
                    continue
                omega = sympy.expand(eig.energies[hi] - eig.energies[lo])
                raw.append((c.name, lo, hi, w, omega))
    return raw


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Whether two Bohr frequencies are the same expression (expanded, then simplified if needed)."""
    d = sympy.expand(a - b)
    if d == 0:
        return True
    if not d.has(sympy.Pow, sympy.Function):  # a non-zero linear combination of symbols
        return False
    return sympy.simplify(d) == 0


def _num(expr: sympy.Expr, point: Mapping[sympy.Symbol, Any]) -> float | None:
    try:
        v = sympy.sympify(expr).subs(point).evalf(30)
        return float(v) if not v.free_symbols else None
    except (TypeError, ValueError):
        return None


def _check_degenerate(eig: Eigensystem, elems: dict[str, sympy.Matrix], specs: list[_CouplingSpec]) -> None:
    """Raise DegeneracyError if a reservoir couples populations to coherences of a degenerate eigenspace."""
    if not eig.degenerate:
        return
    d = eig.dim
    for grp in eig.degenerate:
        for c in specs:
            ops = [elems[c.name]]
            if c.kind == "rwa":
                ops.append(elems[c.name].H)
            for M in ops:
                for a in grp:
                    for b in grp:
                        if a == b:
                            continue
                        if sympy.simplify(M[a, b]) != 0:
                            raise DegeneracyError(
                                f"levels {[k + 1 for k in grp]} are degenerate and reservoir {c.name} "
                                f"couples levels {a + 1} and {b + 1} directly; the Pauli kernel of the "
                                "populations is not closed. Lift the degeneracy, choose a basis in which "
                                "the coupling is diagonal, or use symness.open.davies_ness.")
                        for m in range(d):
                            if m in grp:
                                continue
                            if sympy.simplify(M[a, m] * sympy.conjugate(M[b, m])) != 0 or \
                                    sympy.simplify(M[m, a] * sympy.conjugate(M[m, b])) != 0:
                                raise DegeneracyError(
                                    f"levels {[k + 1 for k in grp]} are degenerate and reservoir {c.name} "
                                    f"connects level {m + 1} to both {a + 1} and {b + 1}: it creates "
                                    "coherences inside the degenerate eigenspace, so the Pauli kernel of "
                                    "the populations alone would be wrong. Lift the degeneracy (e.g. "
                                    "different qubit splittings or a non-zero coupling), or use the secular "
                                    "solver symness.open.davies_ness, which keeps these coherences.")
