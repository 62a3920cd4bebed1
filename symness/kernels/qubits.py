r"""Single and coupled qubits between two heat reservoirs (qubit_kernels Sec. III).

:func:`single_qubit` and :func:`coupled_qubits` take the model of
:mod:`symness.models.qubits` (defined once), derive its Pauli kernels from the
general kernel formula (:func:`~symness.kernels.pauli_kernel`, eqs. 5.2--5.4),
the steady populations (eqs. 2.3--2.4) and the heat currents (eqs. 2.11--2.12)
split into Bohr-frequency channels, and return a :class:`QubitResult`:

* symbolic (SymPy expressions, LaTeX in Jupyter) when any argument is
  symbolic -- a SymPy symbol or expression, an undefined SymPy function as
  spectral function;
* numeric (floats, or NumPy arrays broadcasting over array arguments) when
  every argument is a number or array and the spectral functions are numbers
  or callables.  Numbers are the derived closed forms evaluated with stable
  Bose functions (no overflow at low temperature, full relative accuracy for
  a small bias :math:`T_A \approx T_B`).

Conventions: :math:`\hbar = k_B = 1` (energies, frequencies and temperatures
in one unit); populations in energy order :math:`E_1 \le E_2 \le \dots`;
``heat_currents["A"]`` is the energy per unit time flowing from reservoir A
into the system (:math:`q^A + q^B = 0`); spectral functions
:math:`g_X(\omega) = 2\pi\sum_k(\lambda^X_k)^2\delta(\omega-\omega^X_k)` (eq. 3.6),
emission rate :math:`g(1+n)`, absorption :math:`g\,n` (bath preset
``qubit_kernels``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import sympy
from sympy.utilities.lambdify import implemented_function

from ..baths import Spectrum
from ..closedform import ClosedForm, EvaluationError, MPMathFunction
from ..errors import InvalidParameterError, NegativeCouplingError, NonUniqueSteadyStateError, SymnessWarning
from ..models.qubits import LAM, TA, TB, W0, W1, W2, coupled_qubits_model, single_qubit_model, spectral_function
from ..validation import _real_or_none, check_nonnegative, check_positive, check_temperature, is_symbolic
from .expansions import high_temperature as _high_t
from .expansions import low_temperature as _low_t
from .functions import Bose, BoseDifference
from .pauli import CONVENTIONS, PauliKernel, pauli_kernel, substitute_definitions

__all__ = ["Channel", "QubitResult", "single_qubit", "coupled_qubits", "derivation", "G_A", "G_B"]

#: the general spectral functions of the derivation (replaced by the user's g_A, g_B)
G_A = sympy.Function("g_A")
G_B = sympy.Function("g_B")
_X = sympy.Dummy("x")


@cache
def derivation(system: str) -> PauliKernel:
    """The cached symbolic derivation (``"single_qubit"`` or ``"coupled_qubits"``) with general g_A, g_B."""
    if system == "single_qubit":
        return pauli_kernel(single_qubit_model(G_A, G_B), channel_names=["0"])
    if system == "coupled_qubits":
        return pauli_kernel(coupled_qubits_model(G_A, G_B), channel_names=["+", "-"])
    raise InvalidParameterError(f"unknown system {system!r}; use 'single_qubit' or 'coupled_qubits'.")


@dataclass
class Channel:
    r"""One Bohr-frequency channel: :math:`q^A_\omega = F_\omega\,[n_A(\omega) - n_B(\omega)] = -q^B_\omega`.

    Attributes
    ----------
    name
        ``"0"`` (single qubit), ``"+"`` or ``"-"`` (coupled qubits, :math:`\omega_\pm`).
    omega
        The Bohr frequency (energy units).
    factor
        :math:`F_\omega \ge 0` (energy per unit time).
    bias
        :math:`n_A(\omega) - n_B(\omega)`, positive when A is hotter.
    currents
        ``{"A": F*bias, "B": -F*bias}``.
    """

    name: str
    omega: Any
    factor: Any
    bias: Any
    currents: dict[str, Any]

    def _repr_latex_(self) -> str:
        if isinstance(self.factor, sympy.Basic):
            return f"$q^A_{{{self.name}}} = {sympy.latex(self.currents['A'])}$"
        return repr(self)


def _is_symbolic_g(g: Any) -> bool:
    if isinstance(g, (sympy.FunctionClass, sympy.Lambda)):
        return True
    return isinstance(g, sympy.Basic) and bool(g.free_symbols)


def _g_symbolic(g: Any, label: str) -> Any:
    """A SymPy callable standing for g in the symbolic results."""
    if isinstance(g, sympy.FunctionClass) or isinstance(g, sympy.Lambda):
        return g
    if isinstance(g, Spectrum):
        spec = g
        w = sympy.Dummy("omega", positive=True)
        return sympy.Lambda(w, spec.sym(w)) if hasattr(spec, "sym") else None
    if isinstance(g, sympy.Basic):
        omegas = [s for s in g.free_symbols if s.name in ("omega", "w", "ω")]
        if omegas:
            return sympy.Lambda(omegas[0], g)
        return sympy.Lambda(_X, g)
    if isinstance(g, (int, float, np.integer, np.floating)):
        return sympy.Lambda(_X, sympy.sympify(g))
    if callable(g):
        return implemented_function(sympy.Function(f"g_{label}"), g)
    raise InvalidParameterError(f"g_{label}: cannot use {type(g).__name__} as a spectral function.")


def _g_numeric(g: Any, label: str) -> Callable[[np.ndarray], np.ndarray]:
    spec = spectral_function(g, label)

    def f(w: np.ndarray) -> np.ndarray:
        val = np.asarray(spec(np.asarray(w, dtype=float)), dtype=float)  # type: ignore[operator]
        if np.any(~np.isfinite(val)):
            raise InvalidParameterError(f"g_{label}(omega) is not finite at omega = {w}.")
        if np.any(val < 0):
            raise NegativeCouplingError(f"g_{label}(omega) < 0 at omega = {w}; spectral functions are >= 0.")
        return val
    return f


def _check_order(order: Any) -> None:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise InvalidParameterError(f"order = {order!r} must be an integer >= 1 (number of orders).")


class QubitResult:
    r"""Steady state and heat currents of qubits between reservoirs A and B.

    Attributes
    ----------
    system
        ``"single_qubit"`` or ``"coupled_qubits"``.
    symbolic
        Whether the entries are SymPy expressions.
    energies
        :math:`E_1 \le E_2 \le \dots` (the paper's levels).
    populations
        Steady populations in energy order: a SymPy column ``Matrix``
        (symbolic) or an array with the level index last (numeric).
    heat_currents
        ``{"A": q^A, "B": q^B}``, energy per unit time from each reservoir
        into the system.
    channels
        ``{name: Channel}``, the split of the currents by Bohr frequency.
    kernels
        ``{"A": K^A, "B": K^B}``, population kernels (rate q -> p in ``K[p, q]``).
    definitions
        Auxiliary symbols (:math:`\alpha, \beta, \Omega, \omega_\pm`) ->
        expressions (symbolic) or values (numeric).
    """

    def __init__(self, system: str, symbolic: bool, energies: list[Any], populations: Any,
                 channels: dict[str, Channel], kernels: dict[str, Any], definitions: dict[Any, Any],
                 parameters: dict[str, Any], derivation: PauliKernel, assumptions: list[str]):
        self.system = system
        self.symbolic = symbolic
        self.energies = energies
        self.populations = populations
        self.channels = channels
        self.kernels = kernels
        self.definitions = definitions
        self.parameters = parameters
        self.derivation = derivation
        self.assumptions = assumptions
        zero: Any = sympy.S.Zero if symbolic else 0.0
        self.heat_currents = {b: sum((c.currents[b] for c in channels.values()), zero) for b in ("A", "B")}

    def __repr__(self) -> str:
        kind = "symbolic" if self.symbolic else "numeric"
        return (f"QubitResult({self.system}, {kind}, channels={list(self.channels)}, "
                f"heat_currents={self.heat_currents})")

    # ------------------------------------------------------------- symbolic helpers
    def _need_symbolic(self, what: str) -> None:
        if not self.symbolic:
            raise InvalidParameterError(f"{what} needs a symbolic result; call {self.system}() with "
                                        "symbols for the parameters involved.")

    def explicit(self, expr: Any) -> Any:
        """Substitute :math:`\\alpha, \\beta, \\Omega, \\omega_\\pm` by their definitions."""
        self._need_symbolic("explicit()")
        if isinstance(expr, sympy.MatrixBase):
            return expr.applyfunc(self.explicit)
        return substitute_definitions(expr, self.definitions)

    def _symbols(self) -> dict[sympy.Symbol, str]:
        out: dict[sympy.Symbol, str] = {}
        meanings = self.derivation.symbols
        for s, m in meanings.items():
            out[s] = m
        return out

    def _mapping(self, pops: Any, chans: Mapping[str, Any]) -> dict[str, Any]:
        d: dict[str, Any] = {f"rho_{k + 1}": pops[k] for k in range(len(self.energies))}
        for name, q in chans.items():
            d[f"q^A_{name}"] = q
        d["q^A"] = sum(chans.values(), sympy.S.Zero)
        d["q^B"] = -d["q^A"]
        return d

    def forms(self) -> dict[str, ClosedForm]:
        """ClosedForms: ``populations``, ``heat_currents``, ``channels`` (factors) and ``definitions``."""
        self._need_symbolic("forms()")
        kw = dict(assumptions=self.assumptions, paper="qubit_kernels", conventions=CONVENTIONS)
        syms = self._symbols()
        eq = "(3.12)-(3.13)" if self.system == "single_qubit" else "(3.46)-(3.49)"
        eqq = "(3.14)-(3.15)" if self.system == "single_qubit" else "(3.52)-(3.57)"
        out = {
            "populations": ClosedForm(self.populations, syms, name=r"\rho", equation=eq,
                                      description="Steady populations of the levels E_1 <= E_2 <= ...", **kw),
            "heat_currents": ClosedForm(self.heat_currents, syms, name="q", equation=eqq,
                                        description="Heat current from each reservoir into the system.", **kw),
            "channels": ClosedForm({k: c.factor for k, c in self.channels.items()}, syms, name="F",
                                   equation=eqq, description="Channel factors F: q^A_w = F_w [n_A(w) - n_B(w)]"
                                   " >= 0.", **kw),
        }
        if self.definitions:
            out["definitions"] = ClosedForm({sympy.latex(k): v for k, v in self.definitions.items()}, syms,
                                            name="", equation="(3.19)-(3.33)",
                                            description="Auxiliary symbols.", **kw)
        return out

    # ------------------------------------------------------------- expansions and limits
    def high_temperature(self, order: int = 1) -> ClosedForm:
        r"""Expansion for :math:`T_A, T_B \gg \omega` (eqs. 4.2--4.3, 4.12--4.15; classical limit)."""
        self._need_symbolic("high_temperature()")
        self._need_symbol_T()
        _check_order(order)
        chans = {k: _high_t(c.currents["A"], order) for k, c in self.channels.items()}
        pops = _high_t(self.populations, order)
        return self._expansion_form(pops, chans, f"high temperature T >> omega ({order} order(s))",
                                    "(4.2)-(4.3)" if self.system == "single_qubit" else "(4.12)-(4.15)")

    def low_temperature(self, order: int = 1) -> ClosedForm:
        r"""Expansion for :math:`T_A, T_B \ll \omega` in Boltzmann factors (eqs. 4.4--4.5, 4.16--4.19)."""
        self._need_symbolic("low_temperature()")
        self._need_symbol_T()
        _check_order(order)
        chans = {k: _low_t(c.currents["A"], order) for k, c in self.channels.items()}
        pops = _low_t(self.populations, order)
        return self._expansion_form(pops, chans, f"low temperature T << omega ({order} order(s) in "
                                    "Boltzmann factors)",
                                    "(4.4)-(4.5)" if self.system == "single_qubit" else "(4.16)-(4.19)")

    def _need_symbol_T(self) -> None:
        T = [self.parameters["T_A"], self.parameters["T_B"]]
        if not all(isinstance(t, sympy.Basic) and t.free_symbols for t in T):
            raise InvalidParameterError("temperature expansions need symbolic T_A and T_B.")

    def _expansion_form(self, pops: Any, chans: dict[str, Any], note: str, eq: str) -> ClosedForm:
        return ClosedForm(self._mapping(pops, chans), self._symbols(), name="",
                          assumptions=self.assumptions + [note], paper="qubit_kernels", equation=eq,
                          conventions=CONVENTIONS,
                          description=f"{self.system}: populations and heat currents, {note}.")

    def weak_coupling_limit(self) -> ClosedForm:
        r""":math:`\lambda \to 0` (coupled qubits): product populations (eqs. 4.6--4.11) and the
        leading :math:`O(\lambda^2)` currents.

        Requires a symbolic ``lam`` and :math:`\omega_1 > \omega_2` (the paper's
        :math:`\Delta\omega > 0`); the limit is taken on the explicit forms.
        """
        self._need_symbolic("weak_coupling_limit()")
        if self.system != "coupled_qubits":
            raise InvalidParameterError("weak_coupling_limit() is defined for coupled_qubits().")
        lam = self.parameters["lam"]
        w1, w2 = self.parameters["w1"], self.parameters["w2"]
        if not (isinstance(lam, sympy.Symbol)):
            raise InvalidParameterError("weak_coupling_limit() needs lam to be a SymPy symbol.")
        delta = sympy.Dummy("delta", positive=True)
        if isinstance(w1, sympy.Symbol):
            fwd, back = {w1: w2 + 2 * delta}, {delta: (w1 - w2) / 2}
        elif isinstance(w2, sympy.Symbol):
            fwd, back = {w2: w1 - 2 * delta}, {delta: (w1 - w2) / 2}
        else:
            if not (sympy.sympify(w1) - sympy.sympify(w2)).is_positive:
                raise InvalidParameterError("weak_coupling_limit() assumes w1 > w2 (Delta omega > 0).")
            fwd, back = {}, {}

        def lim(e: sympy.Expr, power: int) -> sympy.Expr:
            x = self.explicit(e).subs(fwd) / lam**power
            x = sympy.simplify(x.subs(lam, 0))
            return sympy.factor(x.subs(back)) * lam**power
        pops = self.populations.applyfunc(lambda e: lim(e, 0))
        chans = {k: lim(c.currents["A"], 2) for k, c in self.channels.items()}
        return ClosedForm(self._mapping(pops, chans), self._symbols(), name="",
                          assumptions=self.assumptions + ["lambda -> 0 (leading order), omega_1 > omega_2"],
                          paper="qubit_kernels", equation="(4.6)-(4.11)", conventions=CONVENTIONS,
                          description="Coupled qubits for lambda -> 0: populations (limit) and heat "
                                      "currents to O(lambda^2).")

    def thermodynamics(self) -> dict[str, Any]:
        """First and second law of the global kernel, proved symbolically (see :meth:`PauliKernel.thermodynamics`)."""
        return self.derivation.thermodynamics()

    # ------------------------------------------------------------- LaTeX
    def latex(self) -> str:
        """LaTeX of the result (``align*`` body)."""
        if not self.symbolic:
            def fmt(x: Any) -> str:
                a = np.asarray(x)
                return f"{a.item():.12g}" if a.ndim == 0 else f"\\text{{array of shape {a.shape}}}"
            rows = [f"E_{{{k + 1}}} &= {fmt(e)}" for k, e in enumerate(self.energies)]
            pops = np.asarray(self.populations)
            rows += [f"\\rho_{{{k + 1}}} &= {fmt(pops[..., k])}" for k in range(pops.shape[-1])]
            rows += [f"q^{{{b}}}_{{{c.name}}} &= {fmt(c.currents[b])}" for c in self.channels.values() for b in "AB"]
            rows += [f"q^{{{b}}} &= {fmt(self.heat_currents[b])}" for b in "AB"]
            return " \\\\\n".join(rows)
        L = sympy.latex
        rows = []
        for k, v in self.definitions.items():
            rows.append(f"{L(k)} &= {L(v)}")
        for k, e in enumerate(self.energies):
            rows.append(f"E_{{{k + 1}}} &= {L(e)}")
        for k in range(len(self.energies)):
            rows.append(f"\\rho_{{{k + 1}}} &= {L(self.populations[k])}")
        for name, c in self.channels.items():
            rows.append(f"q^A_{{{name}}} &= {L(c.currents['A'])}")
        rows.append(f"q^B &= -q^A = {L(self.heat_currents['B'])}")
        return " \\\\\n".join(rows)

    def _repr_latex_(self) -> str:
        return "$\\begin{aligned}" + self.latex() + "\\end{aligned}$"


# ----------------------------------------------------------------- argument handling
def _validate(T_A: Any, T_B: Any, freqs: dict[str, Any], g_A: Any, g_B: Any) -> None:
    check_temperature(T_A, "T_A")
    check_temperature(T_B, "T_B")
    for name, w in freqs.items():
        if isinstance(w, sympy.Basic) and w.free_symbols:
            if w.is_nonpositive:
                raise NegativeCouplingError(f"{name} = {w} is declared <= 0; qubit splittings must be > 0.")
        else:
            try:
                check_positive(w, name)
            except NegativeCouplingError as exc:
                raise NegativeCouplingError(
                    f"qubit splitting {name} = {w} must be > 0 (energy units); pass a positive splitting "
                    "(a zero splitting has no Bohr frequency to carry heat).") from exc
    for lab, g in (("A", g_A), ("B", g_B)):
        if isinstance(g, (int, float, np.integer, np.floating)) and not isinstance(g, bool):
            check_nonnegative(g, f"g_{lab}")


def _symbolic_args(*args: Any) -> bool:
    return any(is_symbolic(a) or _is_symbolic_g(a) for a in args)


def _substitute(expr: Any, subs: dict[sympy.Symbol, Any], gA: Any, gB: Any) -> Any:
    e = sympy.sympify(expr) if not isinstance(expr, sympy.MatrixBase) else expr
    e = e.xreplace({k: sympy.sympify(v) for k, v in subs.items()})
    if gA is not None:
        e = e.replace(G_A, gA)
    if gB is not None:
        e = e.replace(G_B, gB)
    return e


def _symbolic_result(system: str, subs: dict[sympy.Symbol, Any], g_A: Any, g_B: Any,
                     parameters: dict[str, Any], extra_assumptions: list[str]) -> QubitResult:
    pk = derivation(system)
    gA, gB = _g_symbolic(g_A, "A"), _g_symbolic(g_B, "B")

    def S(e: Any) -> Any:
        return _substitute(e, subs, gA, gB)
    channels: dict[str, Channel] = {}
    for name, ch in pk.channels.items():
        F = pk.channel_factor(name)
        Fs = S(F)
        bias = S(BoseDifference(ch.symbol, TA, TB))
        channels[name] = Channel(name, S(ch.symbol), Fs, bias, {"A": Fs * bias, "B": -Fs * bias})
    defs = {k: S(v) for k, v in pk.definitions.items()}
    gatoms = _g_atoms(g_A, g_B)
    pops = S(pk.steady_state()).applyfunc(lambda e: _tidy(e, gatoms))
    kernels = {b: S(pk.kernel(b, expand=True)) for b in ("A", "B")}
    assumptions = list(pk.assumptions) + extra_assumptions
    return QubitResult(system, True, [S(e) for e in pk.energies], pops, channels, kernels, defs,
                       parameters, pk, assumptions)


def _g_atoms(g_A: Any, g_B: Any) -> set[sympy.Basic]:
    out: set[sympy.Basic] = set()
    for g in (g_A, g_B):
        if isinstance(g, sympy.Basic) and not isinstance(g, sympy.Lambda):
            out |= g.free_symbols
    return out


def _tidy(e: sympy.Expr, gatoms: set[sympy.Basic]) -> sympy.Expr:
    """Denominator factors collected by spectral functions: g_A (1 + 2 n_A) + ... (the paper's layout)."""
    num, den = sympy.fraction(e)

    def one(f: sympy.Expr) -> sympy.Expr:
        if not f.is_Add:
            return f
        gs = sorted(f.atoms(sympy.core.function.AppliedUndef) | (f.free_symbols & gatoms), key=str)
        return sympy.collect(sympy.expand(f), gs, func=sympy.factor) if gs else f
    factors = den.args if den.is_Mul else (den,)
    den = sympy.Mul(*[one(f) for f in factors])
    return num / den


@cache
def _numeric_forms(system: str) -> tuple[Any, Any, MPMathFunction, list[sympy.Symbol]]:
    """Lambdified compact forms: (populations, channel factors, channel currents in mpmath) with g values
    as arguments."""
    pk = derivation(system)
    gsyms: dict[Any, sympy.Symbol] = {}
    args: list[sympy.Symbol] = []
    for ch in pk.channels.values():
        args.append(ch.symbol)
    if system == "coupled_qubits":
        alpha, beta = sympy.Symbol("alpha", positive=True), sympy.Symbol("beta", positive=True)
        args += [alpha, beta]
    for G, lab in ((G_A, "A"), (G_B, "B")):
        for ch in pk.channels.values():
            s = sympy.Symbol(f"g_{lab}_{ch.name}", nonnegative=True)
            gsyms[G(ch.symbol)] = s
            args.append(s)
    args += [TA, TB]
    pops = ClosedForm(pk.steady_state().xreplace(gsyms))
    factors = ClosedForm({k: pk.channel_factor(k).xreplace(gsyms) for k in pk.channels})
    # inputs are validated by the callers; alpha, beta and the g's reach 0 at the edges (lam = 0, g = 0),
    # where the forms are continuous: no per-call assumption check
    currents = MPMathFunction(args, [pk.channel_factor(k).xreplace(gsyms) * BoseDifference(ch.symbol, TA, TB)
                                     for k, ch in pk.channels.items()])
    return pops.lambdify(args, check=False), factors.lambdify(args, check=False), currents, args


def _numeric_result(system: str, vals: dict[str, Any], g_A: Any, g_B: Any,
                    parameters: dict[str, Any]) -> QubitResult:
    pk = derivation(system)
    fA, fB = _g_numeric(g_A, "A"), _g_numeric(g_B, "B")
    TA_ = np.asarray(vals["T_A"], dtype=float)
    TB_ = np.asarray(vals["T_B"], dtype=float)
    defs: dict[str, Any] = {}
    if system == "single_qubit":
        w0 = np.asarray(vals["w0"], dtype=float)
        omegas = {"0": w0}
        energies = [-w0 / 2, w0 / 2]
        mix: list[Any] = []
    else:
        w1 = np.asarray(vals["w1"], dtype=float)
        w2 = np.asarray(vals["w2"], dtype=float)
        r = np.abs(np.asarray(vals["lam"], dtype=float))
        D = (w1 - w2) / 2
        Om = np.hypot(D, r)
        wm = (w1 + w2) / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            safe = np.where(Om > 0, Om, 1.0)
            # r^2 / (2 Omega (Omega +- D)) written as (r/Omega)(r/(Omega +- D))/2: no cancellation, no underflow
            a2 = np.where(D >= 0, (Om + D) / (2 * safe),
                          (r / safe) * (r / np.where(Om - D > 0, Om - D, 1.0)) / 2)
            b2 = np.where(D >= 0, (r / safe) * (r / np.where(Om + D > 0, Om + D, 1.0)) / 2,
                          (Om - D) / (2 * safe))
            a2 = np.where(Om > 0, a2, 1.0)
            b2 = np.where(Om > 0, b2, 0.0)
        wp = wm + Om
        sq = np.sqrt(w1) * np.sqrt(w2)
        wmn = (sq - r) / (wm + Om) * (sq + r)  # (w1 w2 - r^2)/(wm + Om), no under/overflow of the squares
        omegas = {"+": wp, "-": wmn}
        energies = [-wm, -Om, Om, wm]
        mix = [np.sqrt(a2), np.sqrt(b2)]
        defs = {"alpha": mix[0], "beta": mix[1], "Omega": Om, "omega_+": wp, "omega_-": wmn}
    gvals = [fA(w) for w in omegas.values()] + [fB(w) for w in omegas.values()]
    args = list(omegas.values()) + mix + gvals + [TA_, TB_]
    pops_f, fac_f, cur_mp, _ = _numeric_forms(system)
    try:
        pops = pops_f(*args)
    except EvaluationError as exc:
        raise NonUniqueSteadyStateError(
            "the steady state is not unique at these parameters: a level (or a qubit) is connected to no "
            "reservoir (e.g. g_A = 0 with lam = 0); give every qubit a path to a reservoir.",
            reason="disconnected levels") from exc
    pops = np.asarray(pops, dtype=float)[..., 0]
    factors = fac_f(*args)
    channels = {}
    for k, (name, w) in enumerate(omegas.items()):
        F = np.asarray(factors[name], dtype=float)
        bias = np.asarray(BoseDifference._imp_(w, TA_, TB_), dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            qa = F * bias
        # extreme scales (w0 = 1e-300: F ~ w0^2 underflows, the bias ~ 1/w0 is huge): the product is an
        # ordinary number; evaluate it in mpmath (unbounded exponents) where float64 lost it
        redo = ~np.isfinite(qa) | ((np.abs(F) < np.finfo(float).tiny) & (bias != 0))
        if np.any(redo):
            qa = np.array(np.broadcast_to(qa, np.broadcast(qa, *args).shape), dtype=float)
            cols = [np.broadcast_to(np.asarray(a, dtype=float), qa.shape) for a in args]
            for idx in zip(*np.nonzero(np.broadcast_to(redo, qa.shape))) if qa.ndim else [()]:
                qa[idx] = float(cur_mp(30, *[c[idx] for c in cols])[k])
        F, bias, qa = (x.item() if x.ndim == 0 else x for x in (F, bias, qa))
        channels[name] = Channel(name, w.item() if np.ndim(w) == 0 else w, F, bias,
                                 {"A": qa, "B": -qa})
    kernels = _numeric_kernels(system, omegas, mix, {"A": (fA, TA_), "B": (fB, TB_)})
    if system == "coupled_qubits":
        _secular_warning(kernels, 2 * np.asarray(defs["Omega"]), mix[0] * mix[1])
    energies = [e.item() if np.ndim(e) == 0 else e for e in energies]
    defs = {k: (v.item() if np.ndim(v) == 0 else v) for k, v in defs.items()}
    return QubitResult(system, False, energies, pops, channels, kernels, defs, parameters, pk,
                       list(pk.assumptions))


def _secular_warning(kernels: dict[str, np.ndarray], splitting: np.ndarray, mixing: np.ndarray) -> None:
    """Warn where the (mixed) doublet splitting 2 Omega is not large compared with the relaxation rates."""
    K = kernels["A"] + kernels["B"]
    rate = np.max(-np.diagonal(K, axis1=-2, axis2=-1), axis=-1)
    bad = (splitting < rate) & (rate > 0) & (np.asarray(mixing) > 0)
    if np.any(bad):
        ratio = np.min(splitting / np.where(rate > 0, rate, 1.0))
        warnings.warn(
            "secular approximation not justified: the splitting 2*Omega of the one-excitation doublet is "
            f"smaller than the relaxation rate (min 2*Omega/rate = {ratio:.3g}); the Pauli kernel (and the "
            "paper's result) ignores the coherence rho_23, which matters here. Compare with "
            "symness.open.redfield_ness, or increase |w1 - w2| or lam.", SymnessWarning, stacklevel=3)


@cache
def _weights(system: str) -> list[Callable[..., Any]]:
    pk = derivation(system)
    mix = [sympy.Symbol("alpha", positive=True), sympy.Symbol("beta", positive=True)]
    return [sympy.lambdify(mix, t.weight, "numpy") for t in pk.transitions]


def _numeric_kernels(system: str, omegas: dict[str, Any], mix: list[Any],
                     rate_args: dict[str, Any]) -> dict[str, np.ndarray]:
    """Kernel matrices evaluated from the symbolic transitions (shape ``(..., d, d)``)."""
    pk = derivation(system)
    d = pk.dim
    out: dict[str, np.ndarray] = {}
    mixv = mix if mix else [1.0, 0.0]
    shape = np.broadcast(*[np.asarray(v) for v in list(omegas.values()) + list(mixv) +
                           [rate_args["A"][1], rate_args["B"][1]]]).shape
    weights = _weights(system)
    for b in ("A", "B"):
        f, T = rate_args[b]
        K = np.zeros(shape + (d, d))
        for t, wf in zip(pk.transitions, weights):
            if t.bath != b:
                continue
            w = np.asarray(omegas[t.channel], dtype=float)
            weight = wf(*mixv)
            g = f(w)
            n = Bose._imp_(w, T)
            up = weight * g * n
            down = weight * g * (1 + n)
            K[..., t.upper, t.lower] += up
            K[..., t.lower, t.lower] -= up
            K[..., t.lower, t.upper] += down
            K[..., t.upper, t.upper] -= down
        out[b] = K
    return out


# ----------------------------------------------------------------- public entry points
def single_qubit(w0: Any, T_A: Any, T_B: Any, g_A: Any, g_B: Any) -> QubitResult:
    r"""A qubit between reservoirs A and B (qubit_kernels Sec. III A, eqs. 3.1--3.15).

    :math:`H_S = \frac{\omega_0}{2}\sigma^z`, RWA couplings
    :math:`\sigma^+X + \sigma^-X^\dagger` to both reservoirs.  The kernels
    (3.8)--(3.11), populations (3.12)--(3.13) and currents (3.14)--(3.15) are
    derived from the general kernel formula, not typed in.

    Parameters
    ----------
    w0
        Qubit splitting :math:`\omega_0 > 0` (energy units).
    T_A, T_B
        Reservoir temperatures :math:`\ge 0` (energy units, :math:`k_B = 1`).
    g_A, g_B
        Spectral functions :math:`g_X(\omega)` (eq. 3.6, rate units): numbers
        (flat), callables of :math:`\omega`, SymPy symbols/expressions, or SymPy
        (undefined) functions of :math:`\omega`.

    Returns
    -------
    QubitResult
        ``.populations`` :math:`(\rho_-, \rho_+)` (energy order),
        ``.heat_currents`` ``{"A": q^A, "B": q^B}``, ``.channels["0"]``.
        Symbolic when any argument is symbolic.

    Examples
    --------
    >>> r = single_qubit(1.0, 2.0, 1.0, 0.1, 0.1)
    >>> round(r.heat_currents["A"] + r.heat_currents["B"], 15)
    0.0
    """
    _validate(T_A, T_B, {"w0": w0}, g_A, g_B)
    params = {"w0": w0, "T_A": T_A, "T_B": T_B, "g_A": g_A, "g_B": g_B}
    if _symbolic_args(w0, T_A, T_B, g_A, g_B):
        return _symbolic_result("single_qubit", {W0: w0, TA: T_A, TB: T_B}, g_A, g_B, params, [])
    return _numeric_result("single_qubit", {"w0": w0, "T_A": T_A, "T_B": T_B}, g_A, g_B, params)


def coupled_qubits(w1: Any, w2: Any, lam: Any, T_A: Any, T_B: Any, g_A: Any, g_B: Any) -> QubitResult:
    r"""Two flip-flop coupled qubits, qubit 1 driven by A and qubit 2 by B (qubit_kernels Sec. III B).

    :math:`H_S = \frac{\omega_1}{2}\sigma_1^z + \frac{\omega_2}{2}\sigma_2^z +
    \lambda(\sigma_1^+\sigma_2^- + \sigma_1^-\sigma_2^+)`.  Levels (3.21)--(3.28)
    :math:`E_1 = -\omega_m < E_2 = -\Omega < E_3 = \Omega < E_4 = \omega_m`,
    :math:`\Omega = \sqrt{\Delta\omega^2 + \lambda^2}`; channels
    :math:`\omega_\pm = \omega_m \pm \Omega`.  Kernels (3.42)--(3.43),
    populations (3.46)--(3.49), channel currents (3.52)--(3.57), derived from
    the general kernel formula.

    Parameters
    ----------
    w1, w2
        Bare splittings :math:`\omega_{1,2} > 0` (energy units).
    lam
        Flip-flop coupling :math:`\lambda`, with :math:`\lambda^2 < \omega_1\omega_2`
        (so that :math:`\omega_- > 0` and the level order holds); results
        depend on :math:`\lambda^2` only.
    T_A, T_B
        Temperatures :math:`\ge 0` of the reservoirs on qubit 1 and qubit 2.
    g_A, g_B
        Spectral functions (numbers = flat, callables of :math:`\omega`, SymPy
        expressions or undefined functions); evaluated at :math:`\omega_\pm`.

    Returns
    -------
    QubitResult
        ``.populations`` :math:`\rho_1..\rho_4`, ``.heat_currents``,
        ``.channels["+"]``, ``.channels["-"]``; symbolic when any argument is
        symbolic (then also ``.high_temperature()``, ``.low_temperature()``,
        ``.weak_coupling_limit()``).

    Raises
    ------
    InvalidParameterError
        :math:`\lambda^2 \ge \omega_1\omega_2`.
    NegativeTemperatureError
        A negative temperature.
    """
    _validate(T_A, T_B, {"w1": w1, "w2": w2}, g_A, g_B)
    lam_s = sympy.sympify(lam) if isinstance(lam, sympy.Basic) else lam
    if isinstance(lam_s, sympy.Basic) or isinstance(w1, sympy.Basic) or isinstance(w2, sympy.Basic):
        gap = sympy.sympify(w1) * sympy.sympify(w2) - sympy.sympify(lam) ** 2
        if gap.is_nonpositive:
            raise InvalidParameterError(
                f"lam**2 >= w1*w2 ({lam}**2 >= {w1}*{w2}): the lower channel omega_- = omega_m - Omega is not "
                "positive and the paper's level order (3.25)-(3.28) breaks; choose |lam| < sqrt(w1*w2).")
    else:
        lam_v = _real_or_none(lam, "lam")
        if lam_v is None or not np.all(np.isfinite(lam_v)):
            raise InvalidParameterError(f"lam = {lam!r} must be a finite real number (the flip-flop coupling).")
        # |lam| >= sqrt(w1) sqrt(w2): the squares under- or overflow at extreme scales
        bad = np.abs(lam_v) >= np.sqrt(np.asarray(w1, dtype=float)) * np.sqrt(np.asarray(w2, dtype=float))
        if np.any(bad):
            raise InvalidParameterError(
                f"lam = {lam} but sqrt(w1*w2) = {np.sqrt(np.asarray(w1, float) * np.asarray(w2, float))}: "
                "lam**2 >= w1*w2 makes omega_- <= 0 and breaks the level order (3.25)-(3.28); "
                "choose |lam| < sqrt(w1*w2).")
    params = {"w1": w1, "w2": w2, "lam": lam, "T_A": T_A, "T_B": T_B, "g_A": g_A, "g_B": g_B}
    if _symbolic_args(w1, w2, lam, T_A, T_B, g_A, g_B):
        return _symbolic_result("coupled_qubits", {W1: w1, W2: w2, LAM: lam, TA: T_A, TB: T_B}, g_A, g_B,
                                params, ["lam**2 < w1*w2"])
    return _numeric_result("coupled_qubits", {"w1": w1, "w2": w2, "lam": lam, "T_A": T_A, "T_B": T_B},
                           g_A, g_B, params)
