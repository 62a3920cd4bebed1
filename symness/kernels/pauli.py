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

Degenerate levels: the populations close under the secular (Davies)
dynamics only if no reservoir couples a population to a coherence inside a
degenerate eigenspace.  :func:`pauli_kernel` checks this exactly and raises
:class:`~symness.errors.DegeneracyError` otherwise.  Degenerate *Bohr
frequencies* (e.g. :math:`\omega_+ = E_{42} = E_{31}` of the coupled qubits)
are fine: they only couple coherences among themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sympy

from ..baths import Bath, SpectralDensity
from ..closedform import ClosedForm
from ..errors import DegeneracyError, InvalidModelError, InvalidParameterError
from ..models.base import Coupling, Model
from ..validation import check_square
from .diagonalize import Eigensystem, diagonalize, resolve_point
from .functions import Bose, BoseDifference

__all__ = ["Transition", "BohrChannel", "PauliKernel", "pauli_kernel", "manifestly_nonnegative",
           "substitute_definitions"]

CONVENTIONS = ("hbar = k_B = 1; canonical bath convention (docs/conventions.md): omega > 0 is "
               "energy given to the bath; qubit_kernels preset gamma = g(1+n); heat currents are "
               "energy per unit time from each reservoir into the system")


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
            out.append(_CouplingSpec(item.name, sympy.Matrix(op), item.bath, item.kind))
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
        out.append(_CouplingSpec(name, sympy.Matrix(op), bath, kind))
    names = [c.name for c in out]
    if len(set(names)) != len(names):
        raise InvalidModelError(f"bath names must be unique, got {names}.")
    for c in out:
        check_square(c.op, f"coupling operator {c.name}", dim)
        if c.kind == "hermitian":
            from ..validation import check_hermitian
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
        Energies :math:`E_1 \le E_2 \le\dots`, eigenvectors, mixing definitions.
    channels
        ``name -> BohrChannel`` (distinct Bohr frequencies, decreasing).
    transitions
        Every driven transition, with its weight and rate symbols.
    rates
        Rate symbol -> rate expression (e.g. :math:`A_{++} = \alpha^2 g_A(\omega_+)(1+n_A(\omega_+))`).
    definitions
        Auxiliary symbols (mixing amplitudes, Bohr frequencies) -> expressions
        in the Hamiltonian's parameters; :meth:`explicit` substitutes them.
    """

    def __init__(self, eig: Eigensystem, couplings: list[_CouplingSpec], channels: dict[str, BohrChannel],
                 transitions: list[Transition], rates: dict[sympy.Symbol, sympy.Expr],
                 symbols: dict[sympy.Symbol, str], assumptions: list[str], paper: str, equation: str,
                 elements: dict[str, sympy.Matrix] | None = None):
        self.eigensystem = eig
        self._couplings = couplings
        #: coupling operators (S, or L for RWA couplings) in the energy eigenbasis, by bath
        self.elements = elements or {}
        self.channels = channels
        self.transitions = transitions
        self.rates = rates
        self.symbols = symbols
        self.assumptions = assumptions
        self.paper = paper
        self.equation = equation
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
        return (f"PauliKernel(levels={self.dim}, baths={self.baths}, channels="
                f"{ {k: sympy.sstr(c.expr) for k, c in self.channels.items()} })")

    def _repr_latex_(self) -> str:
        rows = [f"E_{{{k + 1}}} &= {sympy.latex(e)}" for k, e in enumerate(self.energies)]
        rows += [f"{sympy.latex(s)} &= {sympy.latex(e)}" for s, e in self.rates.items()]
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

    def explicit(self, expr: Any) -> Any:
        """Substitute the auxiliary symbols (mixing amplitudes, Bohr frequencies) by their definitions."""
        if isinstance(expr, ClosedForm):
            return expr.map(self.explicit)
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

    # ------------------------------------------------------------- steady state
    @cached_property
    def _steady(self) -> sympy.Matrix:
        K = self.kernel()
        d = self.dim
        if d == 1:
            return sympy.Matrix([1])
        minors = []
        for i in range(d):
            idx = [k for k in range(d) if k != i]
            minors.append(sympy.expand((-K).extract(idx, idx).det(method="berkowitz")))
        Z = sympy.expand(sum(minors))
        if Z == 0:
            raise DegeneracyError(
                "the population kernel has more than one steady state (a level or group of levels "
                "is not connected to the others by any reservoir); add a coupling that connects "
                "them or solve within one invariant subspace.")
        return sympy.Matrix([sympy.factor(sympy.cancel(m / Z)) for m in minors])

    def steady_state(self, *, expand: bool = True) -> sympy.Matrix:
        r"""Populations :math:`\rho_1..\rho_d` solving :math:`K\rho = 0`, :math:`\sum\rho = 1` (eqs. 2.3--2.4)."""
        p = self._steady
        return p.xreplace(self.rates) if expand else p

    # ------------------------------------------------------------- currents
    def _channel_current_raw(self, channel: str, bath: str) -> sympy.Expr:
        p = self._steady
        ch = self.channels[channel]
        total = sympy.S.Zero
        for t in self.transitions:
            if t.bath == bath and t.channel == channel:
                total += t.up * p[t.lower] - t.down * p[t.upper]
        return ch.symbol * total

    @cached_property
    def _channel_raw(self) -> dict[str, dict[str, sympy.Expr]]:
        return {c: {b: sympy.factor(sympy.cancel(self._channel_current_raw(c, b))) for b in self.baths}
                for c in self.channels}

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
                out[c] = {b: sympy.factor(sympy.cancel(e.xreplace(self.rates))) for b, e in by_bath.items()}
        return out

    def heat_currents(self, *, expand: bool = True) -> dict[str, sympy.Expr]:
        r"""``bath -> q^X`` (eqs. 2.11--2.12), the sum of the channel currents."""
        ch = self.channel_currents(expand=expand)
        return {b: sum((ch[c][b] for c in ch), sympy.S.Zero) for b in self.baths}

    @cached_property
    def _factors(self) -> dict[str, sympy.Expr | None]:
        out: dict[str, sympy.Expr | None] = {}
        if len(self.baths) != 2:
            return {c: None for c in self.channels}
        A, B = self.baths
        for c, ch in self.channels.items():
            q = self._channel_raw[c][A].xreplace(self.rates)
            nA = Bose(ch.symbol, self.temperatures[A])
            nB = Bose(ch.symbol, self.temperatures[B])
            F = sympy.cancel(q / (nA - nB))
            if sympy.cancel(q - F * (nA - nB)) != 0 or F.has(sympy.zoo, sympy.nan):
                out[c] = None
                continue
            out[c] = _present_factor(F)
        return out

    def channel_factor(self, channel: str) -> sympy.Expr | None:
        r"""The factor :math:`F_\omega` with :math:`q^A_\omega = F_\omega[n_A(\omega) - n_B(\omega)]`.

        ``None`` if the channel current does not have this form (more than
        two reservoirs, or no factorisation).  :meth:`thermodynamics` proves
        :math:`F_\omega \ge 0`.
        """
        return self._factors[channel]

    # ------------------------------------------------------------- thermodynamics
    def thermodynamics(self) -> dict[str, Any]:
        r"""Symbolic first and second law for the secular (global) kernel.

        Returns a dict with

        * ``"first_law"``: :math:`\sum_X q^X = 0` identically (checked as an
          identity in the rate symbols *and* with the rates written out);
        * ``"factorised"``: every channel current is :math:`F_\omega[n_A-n_B]`;
        * ``"nonnegative"``: every :math:`F_\omega` is manifestly :math:`\ge 0`
          (ratio of polynomials with non-negative coefficients in
          non-negative quantities), so heat flows from the hotter reservoir
          (larger :math:`n(\omega)`) to the colder one in every channel.
        """
        raw = self.heat_currents(expand=False)
        first_raw = sympy.cancel(sum(raw.values(), sympy.S.Zero)) == 0
        written = {b: e.xreplace(self.rates) for b, e in raw.items()}
        first = sympy.cancel(sum(written.values(), sympy.S.Zero)) == 0
        factors = {c: self.channel_factor(c) for c in self.channels}
        factorised = all(f is not None for f in factors.values())
        nonneg = factorised and all(manifestly_nonnegative(f) for f in factors.values())
        return {"first_law": bool(first_raw and first), "factorised": factorised,
                "nonnegative": bool(nonneg), "factors": factors}

    # ------------------------------------------------------------- closed forms
    def _form(self, expr: Any, *, name: str, description: str, equation: str) -> ClosedForm:
        syms = dict(self.symbols)
        return ClosedForm(expr, syms, name=name, assumptions=self.assumptions, paper=self.paper,
                          equation=equation, conventions=CONVENTIONS, description=description)

    def populations_form(self) -> ClosedForm:
        """Steady populations as a ClosedForm column (energy order)."""
        return self._form(self.steady_state(), name=r"\rho", equation="(2.3)-(2.4)",
                          description="Steady populations of the energy levels E_1 <= E_2 <= ...")

    def heat_currents_form(self) -> ClosedForm:
        """Heat currents ``{bath: q}`` as a ClosedForm mapping."""
        return self._form(self.heat_currents(), name="q", equation="(2.11)-(2.12)",
                          description="Steady heat current from each reservoir into the system.")


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
                 mixing_names: list[tuple[str, ...]] | None = None) -> PauliKernel:
    r"""Population kernel of each reservoir from the general kernel formula (qubit_kernels eqs. 5.2--5.4).

    Parameters
    ----------
    H
        Symbolic Hermitian Hamiltonian (``sympy.Matrix``), or a
        :class:`~symness.models.Model` (then ``couplings`` defaults to the
        model's and ``at`` to its default values).
    couplings
        ``[(S, Bath), (S, Bath, "rwa"), ...]``, ``{name: (S, Bath[, kind])}``
        or :class:`~symness.models.Coupling` objects.  ``kind="hermitian"``:
        :math:`S\otimes B`; ``kind="rwa"``: :math:`L^\dagger\otimes B + L\otimes B^\dagger`
        with ``S = L``.  Bath temperatures may be symbols; the spectrum's
        ``sym(omega)`` gives :math:`g(\omega)` (canonical rate
        :math:`\gamma = \mathrm{factor}\cdot g\,(1+n)`).
    at
        Representative parameter point deciding level order and signs when
        the symbols' assumptions do not (recorded as an assumption).
    channel_names
        Names of the Bohr-frequency channels in decreasing order of
        frequency (default ``"1", "2", ...``); a channel named ``"+"`` gets
        the symbol :math:`\omega_+`.
    mixing_names
        Names of the mixing-amplitude symbols of each 2 x 2 block.

    Returns
    -------
    PauliKernel
        Mapping bath name -> ClosedForm kernel matrix, with steady state,
        heat currents, channels and thermodynamics.

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
    """
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
    if hasattr(H, "full") and hasattr(H, "dims"):  # qutip.Qobj, duck-typed
        H = H.full()
    try:
        Hm = sympy.Matrix(H)
    except (TypeError, ValueError, sympy.SympifyError):
        raise InvalidParameterError(
            f"pauli_kernel: H must be a square matrix (sympy.Matrix, numpy array) or a Model, got "
            f"{type(H).__name__}.") from None
    dim = Hm.rows
    n_sites = dim.bit_length() - 1 if dim and (dim & (dim - 1)) == 0 else None
    specs = _couplings(couplings, dim, n_sites)
    eig = diagonalize(Hm, at=at, mixing_names=mixing_names)
    free = set(Hm.free_symbols)
    for c in specs:
        free |= c.op.free_symbols
    point = resolve_point(at, free)
    V = eig.vectors
    Vd = V.H
    elems = {c.name: (Vd * c.op * V).applyfunc(lambda e: sympy.expand(e)) for c in specs}
    _check_degenerate(eig, elems, specs)

    # transitions and Bohr frequencies
    raw: list[tuple[str, int, int, sympy.Expr, sympy.Expr]] = []
    freqs: list[sympy.Expr] = []
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
                omega = sympy.simplify(eig.energies[hi] - eig.energies[lo])
                raw.append((c.name, lo, hi, w, omega))
                if not any(sympy.simplify(omega - f) == 0 for f in freqs):
                    freqs.append(omega)
    values = [(_num(substitute_definitions(f, eig.definitions), point), f) for f in freqs]
    if any(v is None for v, _ in values) and len(values) > 1:
        raise InvalidParameterError(
            "cannot order the Bohr frequencies " + str([sympy.sstr(f) for _, f in values]) +
            "; pass a representative point at={symbol: value, ...}.")
    values.sort(key=lambda t: -t[0] if t[0] is not None else 0.0)
    if channel_names is None:
        channel_names = [str(k + 1) for k in range(len(values))]
    if len(channel_names) < len(values):
        raise InvalidParameterError(f"{len(values)} Bohr frequencies need {len(values)} channel names, "
                                    f"got {channel_names}.")
    channels: dict[str, BohrChannel] = {}
    for name, (val, f) in zip(channel_names, values):
        sym = f if isinstance(f, sympy.Symbol) else sympy.Symbol(f"omega_{name}", positive=True)
        channels[name] = BohrChannel(name, sym, f, val)

    def channel_of(omega: sympy.Expr) -> BohrChannel:
        for ch in channels.values():
            if sympy.simplify(omega - ch.expr) == 0:
                return ch
        raise AssertionError("unreachable")

    rates: dict[sympy.Symbol, sympy.Expr] = {}
    keys: dict[tuple[str, str, str, sympy.Expr], sympy.Symbol] = {}
    transitions: list[Transition] = []
    bath_of = {c.name: c for c in specs}
    for bname, lo, hi, w, omega in raw:
        ch = channel_of(omega)
        syms = []
        for direction, emission in (("+", True), ("-", False)):
            key = (bname, ch.name, direction, w)
            if key not in keys:
                same = [k for k in keys if k[:3] == key[:3]]
                suffix = f",{len(same) + 1}" if same else ""
                s = sympy.Symbol(f"{bname}_{{{direction}{ch.name}{suffix}}}", positive=True)
                keys[key] = s
                rates[s] = w * _rate_expr(bath_of[bname].bath, ch.symbol, emission)
            syms.append(keys[key])
        transitions.append(Transition(bname, lo, hi, ch.name, w, syms[0], syms[1]))
    meanings = dict(symbols)
    meanings.update(eig.meanings)
    for ch in channels.values():
        if ch.symbol != ch.expr:
            meanings[ch.symbol] = f"Bohr frequency {sympy.sstr(ch.expr)}"
    for c in specs:
        T = sympy.sympify(c.bath.T)
        if isinstance(T, sympy.Symbol) and T not in meanings:
            meanings[T] = f"temperature of reservoir {c.name}"
    assumptions = list(eig.assumptions)
    assumptions.append("Born-Markov, secular populations (Pauli master equation); Lamb shift dropped")
    for c in specs:
        if c.kind == "rwa":
            M = elems[c.name]
            counter = [(lo, hi) for lo in range(dim) for hi in range(lo + 1, dim) if M[hi, lo] != 0]
            if counter:
                assumptions.append(f"RWA coupling {c.name}: L raises the energy in transitions "
                                   f"{[(lo + 1, hi + 1) for lo, hi in counter]}, which the reservoir "
                                   "cannot drive (dropped)")
    return PauliKernel(eig, specs, channels, transitions, rates, meanings, assumptions, paper, equation,
                       elems)


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
