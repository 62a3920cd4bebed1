r"""Qubits driven by two heat reservoirs (qubit_kernels paper, Fogedby 2023).

Defined once, used by the symbolic kernels (:mod:`symness.kernels`) and by the
numeric solvers (:mod:`symness.open`, ``OpenSystem.from_model``).

Single qubit, eqs. (3.1)--(3.5)
    :math:`H_S = \frac{\omega_0}{2}\sigma^z`,
    :math:`H_{SX} = \sigma^+ X + \sigma^- X^\dagger` for :math:`X = A, B`.
Coupled qubits, eqs. (3.16)--(3.18)
    :math:`H_S = \frac{\omega_1}{2}\sigma^z_1 + \frac{\omega_2}{2}\sigma^z_2
    + \lambda(\sigma_1^+\sigma_2^- + \sigma_1^-\sigma_2^+)`,
    :math:`H_{SA} = \sigma_1^+ A + \sigma_1^- A^\dagger`,
    :math:`H_{SB} = \sigma_2^+ B + \sigma_2^- B^\dagger`.

Both couplings are RWA dipole couplings, ``Coupling(kind="rwa")`` with
:math:`L = \sigma^-` (:math:`H_{SB} = L^\dagger\otimes X + L\otimes X^\dagger`),
with the bath operator :math:`X = \sum_k \lambda_k x_k` (eq. 5.6; the printed
eqs. 3.4--3.5 read :math:`\sum_k\lambda_k x_k^\dagger x_k`, a misprint listed in
``docs/errata.md``).  The reservoirs use the ``qubit_kernels`` bath preset:
canonical rate :math:`\gamma(\omega) = g(\omega)[1 + n(\omega)]` with the
paper's spectral function :math:`g(\omega) = 2\pi\sum_k\lambda_k^2
\delta(\omega-\omega_k)` (eqs. 3.6, 5.8--5.10), i.e. emission
:math:`g(1+n)` and absorption :math:`g\,n`.

Conventions: :math:`\hbar = k_B = 1`; site 1 is the leftmost tensor factor and
:math:`\sigma^z = \mathrm{diag}(1,-1)`, so the basis index 0 is
:math:`|{+}{+}\rangle`; the paper's :math:`|1\rangle = |{-}{-}\rangle` is
index 3.  The energy eigenbasis is ordered by energy,
:math:`E_1 \le E_2 \le \dots`, which for the coupled qubits reproduces the
paper's labels (3.21)--(3.28) when :math:`\lambda < \sqrt{\omega_1\omega_2}`.

Spectral functions :math:`g_A, g_B` (argument ``g_A=`` / ``g_B=`` of the
factories; see :func:`spectral_function`): a number (flat spectral function),
a SymPy symbol or expression (flat, symbolic), an undefined SymPy function
class such as ``sympy.Function("g_A")`` (the paper's general
:math:`g_A(\omega)`, symbolic only), a ``sympy.Lambda``, a SymPy expression in
a symbol named ``omega``, a Python callable of :math:`\omega` (vectorised), or
any :class:`symness.baths.Spectrum` (e.g. ``ohmic(0.01, 10.0)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy
from sympy.utilities.lambdify import implemented_function

from ..baths import Bath, SpectralDensity, Spectrum, flat
from ..errors import InvalidParameterError
from ..validation import check_nonnegative, check_positive
from .base import Coupling, Model, Term, _check_value

__all__ = [
    "OMEGA",
    "W0",
    "W1",
    "W2",
    "LAM",
    "TA",
    "TB",
    "spectral_function",
    "single_qubit_model",
    "coupled_qubits_model",
]

#: frequency argument of the spectral functions g(omega)
OMEGA = sympy.Symbol("omega", positive=True)
#: qubit splitting of the single-qubit model (eq. 3.1)
W0 = sympy.Symbol("omega_0", positive=True)
#: bare splittings of the coupled qubits (eq. 3.16)
W1 = sympy.Symbol("omega_1", positive=True)
W2 = sympy.Symbol("omega_2", positive=True)
#: flip-flop coupling of the coupled qubits (eq. 3.16)
LAM = sympy.Symbol("lambda", positive=True)
#: reservoir temperatures (energy units)
TA = sympy.Symbol("T_A", positive=True)
TB = sympy.Symbol("T_B", positive=True)


def _symbolic_only(label: str) -> Callable[[np.ndarray], np.ndarray]:
    def func(x: np.ndarray) -> np.ndarray:
        raise InvalidParameterError(
            f"the spectral function g_{label} is symbolic; for numeric solvers pass a number, a "
            "callable of omega or a numeric spectrum (e.g. ohmic(0.01, 10.0)) as g_" + label + ".")
    return func


def _density(name: str, expr: sympy.Expr, func: Callable[[np.ndarray], np.ndarray] | None,
             label: str) -> SpectralDensity:
    if func is None:
        return SpectralDensity(name=name, func=_symbolic_only(label), expr=expr, omega_symbol=OMEGA,
                               slope0=math.nan, decays=False)
    h = 1e-7
    try:
        slope0 = float(np.asarray(func(np.array([h])), dtype=float)[0]) / h
    except Exception:  # noqa: BLE001 - only used for a zero-frequency rate
        slope0 = math.nan
    return SpectralDensity(name=name, func=func, expr=expr, omega_symbol=OMEGA, slope0=slope0,
                           decays=False)


def spectral_function(g: Any, label: str = "A") -> Spectrum:
    r"""The reservoir spectral function :math:`g_X(\omega)` (eq. 3.6) as a symness spectrum.

    Parameters
    ----------
    g
        Number (flat, ``>= 0``); SymPy symbol/expression without ``omega``
        (flat, symbolic); SymPy undefined function class (``sympy.Function("g_A")``);
        ``sympy.Lambda``; SymPy expression in a symbol named ``omega``; Python
        callable :math:`\omega \mapsto g(\omega)` (vectorised); or a
        :class:`~symness.baths.Spectrum`.
    label
        Reservoir label, used to name a callable (:math:`g_A(\omega)`) in
        symbolic results.

    Returns
    -------
    Spectrum
        A spectrum whose ``sym(omega)`` is the SymPy :math:`g(\omega)` and whose
        numeric ``__call__``/``rate`` work whenever ``g`` is numeric.
    """
    if isinstance(g, Spectrum):
        return g
    if isinstance(g, bool) or g is None:
        raise InvalidParameterError(f"g_{label} must be a number, a SymPy expression/function or a "
                                    f"callable of omega, not {g!r}.")
    if isinstance(g, (int, float, np.integer, np.floating)):
        check_nonnegative(g, f"g_{label}")
        return flat(float(g))
    if isinstance(g, sympy.FunctionClass):
        expr = g(OMEGA)
        imp = getattr(g, "_imp_", None)
        func = (lambda x, imp=imp: np.asarray(imp(x), dtype=float) + 0 * x) if imp else None
        return _density(f"{g}(omega)", expr, func, label)
    if isinstance(g, sympy.Lambda):
        if len(g.variables) != 1:
            raise InvalidParameterError(f"g_{label}: a Lambda of one variable (omega) is needed.")
        return spectral_function(g(OMEGA), label)
    if isinstance(g, sympy.Basic):
        g = sympy.sympify(g)
        omegas = [s for s in g.free_symbols if s.name in ("omega", "w", "ω")]
        if len(omegas) > 1:
            raise InvalidParameterError(f"g_{label} has several frequency symbols {omegas}.")
        expr = g.subs(omegas[0], OMEGA) if omegas else g
        if expr.is_negative:
            raise InvalidParameterError(f"g_{label} = {g} is negative; spectral functions are >= 0.")
        if expr.free_symbols - {OMEGA}:
            return _density(f"g_{label}={g}", expr, None, label)
        f = sympy.lambdify(OMEGA, expr, "numpy")
        return _density(f"g_{label}={g}", expr, lambda x: np.asarray(f(x), dtype=float) + 0 * x, label)
    if callable(g):
        def func(x: np.ndarray, g: Callable[..., Any] = g) -> np.ndarray:
            return np.asarray(g(x), dtype=float) + 0 * np.asarray(x, dtype=float)
        fcls = implemented_function(sympy.Function(f"g_{label}"), func)
        return _density(f"g_{label}(omega) [callable]", fcls(OMEGA), func, label)
    raise InvalidParameterError(f"g_{label}: cannot use {type(g).__name__} as a spectral function; "
                                "pass a number, a SymPy expression/function or a callable.")


def _rwa_bath(g: Any, T: Any, label: str) -> Bath:
    return Bath(spectral_function(g, label), T, "qubit_kernels", name=label)


def single_qubit_model(g_A: Any = None, g_B: Any = None, *, w0: Any = W0, T_A: Any = TA,
                       T_B: Any = TB) -> Model:
    r"""One qubit between reservoirs A and B (qubit_kernels eqs. 3.1--3.5).

    Parameters
    ----------
    g_A, g_B
        Spectral functions of the reservoirs (see :func:`spectral_function`);
        default: the general symbolic functions :math:`g_A(\omega), g_B(\omega)`.
    w0, T_A, T_B
        Qubit splitting and temperatures: symbols (default) or numbers.

    Returns
    -------
    Model
        ``n = 1``, :math:`H = \frac{\omega_0}{2}\sigma^z`, RWA couplings
        ``"A"`` and ``"B"`` with :math:`L = \sigma^-`, defaults
        ``omega_0 = 1, T_A = 1, T_B = 0.5``.
    """
    check_positive(w0, "qubit splitting w0")
    gA = sympy.Function("g_A") if g_A is None else g_A
    gB = sympy.Function("g_B") if g_B is None else g_B
    values = {W0: 1.0, TA: 1.0, TB: 0.5}
    symbols = {W0: "qubit splitting (energy)", TA: "temperature of reservoir A",
               TB: "temperature of reservoir B"}
    return Model(
        name="single_qubit",
        n=1,
        terms=[Term.of(sympy.sympify(w0) / 2, (1, "z"))],
        couplings=[Coupling("A", (Term.of(1, (1, "-")),), _rwa_bath(gA, T_A, "A"), kind="rwa"),
                   Coupling("B", (Term.of(1, (1, "-")),), _rwa_bath(gB, T_B, "B"), kind="rwa")],
        values=values,
        symbols=symbols,
        paper="qubit_kernels",
        equation="(3.1)-(3.5)",
    )


def coupled_qubits_model(g_A: Any = None, g_B: Any = None, *, w1: Any = W1, w2: Any = W2,
                         lam: Any = LAM, T_A: Any = TA, T_B: Any = TB) -> Model:
    r"""Two flip-flop coupled qubits, qubit 1 driven by A, qubit 2 by B (eqs. 3.16--3.18).

    Parameters
    ----------
    g_A, g_B
        Spectral functions of the reservoirs (see :func:`spectral_function`);
        default: the general symbolic :math:`g_A(\omega), g_B(\omega)`.
    w1, w2, lam, T_A, T_B
        Bare splittings, flip-flop coupling and temperatures: symbols
        (default) or numbers.

    Returns
    -------
    Model
        ``n = 2``; :math:`H = \frac{\omega_1}{2}\sigma_1^z + \frac{\omega_2}{2}\sigma_2^z
        + \lambda(\sigma_1^+\sigma_2^- + \sigma_1^-\sigma_2^+)`; RWA couplings
        ``"A"`` (:math:`L = \sigma_1^-`) and ``"B"`` (:math:`L = \sigma_2^-`);
        defaults ``omega_1 = 1, omega_2 = 0.6, lambda = 0.2, T_A = 1, T_B = 0.5``
        (the paper prints no numerical parameters).  The paper's labels need
        :math:`\lambda < \sqrt{\omega_1\omega_2}`.
    """
    check_positive(w1, "qubit splitting w1")
    check_positive(w2, "qubit splitting w2")
    _check_value("lam", lam, real=True)
    gA = sympy.Function("g_A") if g_A is None else g_A
    gB = sympy.Function("g_B") if g_B is None else g_B
    w1, w2, lam_ = (sympy.sympify(x) for x in (w1, w2, lam))
    values = {W1: 1.0, W2: 0.6, LAM: 0.2, TA: 1.0, TB: 0.5}
    symbols = {W1: "bare splitting of qubit 1 (energy)", W2: "bare splitting of qubit 2 (energy)",
               LAM: "flip-flop coupling between the qubits (energy)",
               TA: "temperature of reservoir A (drives qubit 1)",
               TB: "temperature of reservoir B (drives qubit 2)"}
    terms = [Term.of(w1 / 2, (1, "z")), Term.of(w2 / 2, (2, "z")),
             Term.of(lam_, (1, "+"), (2, "-")), Term.of(lam_, (1, "-"), (2, "+"))]
    return Model(
        name="coupled_qubits",
        n=2,
        terms=terms,
        couplings=[Coupling("A", (Term.of(1, (1, "-")),), _rwa_bath(gA, T_A, "A"), kind="rwa"),
                   Coupling("B", (Term.of(1, (2, "-")),), _rwa_bath(gB, T_B, "B"), kind="rwa")],
        values=values,
        bonds={(1, 2): terms},
        symbols=symbols,
        paper="qubit_kernels",
        equation="(3.16)-(3.18)",
    )
