r"""Heat baths: spectral densities, the Bose function, the canonical rate convention.

Canonical convention (see ``docs/conventions.md``)
--------------------------------------------------
A system operator :math:`S` (Hermitian) couples to a bath operator :math:`B`
through :math:`H_{SB} = S \otimes B`.  With the bath correlation function
:math:`C(t) = \mathrm{Tr}[\rho_B B(t) B(0)]` the bath enters every master
equation in symness only through

.. math::

    \gamma(\omega) = \int_{-\infty}^{\infty} dt\, e^{i\omega t} C(t) \ge 0,
    \qquad
    \Gamma(\omega) = \int_0^\infty dt\, e^{i\omega t} C(t)
                   = \tfrac12\gamma(\omega) + i\,\sigma(\omega),

where :math:`\omega > 0` is energy **given by the system to the bath**
(emission).  Detailed balance (KMS) reads
:math:`\gamma(-\omega) = e^{-\omega/T}\gamma(\omega)`, and the Lamb-shift
part is :math:`\sigma(\omega) = \frac{1}{2\pi}\,\mathrm{P}\!\int
d\omega'\,\gamma(\omega')/(\omega-\omega')`.  A golden-rule transition
:math:`m \to n` between eigenstates, :math:`\omega = E_m - E_n`, has rate
:math:`\gamma(\omega)\,|\langle n|S|m\rangle|^2`.

For a linear bosonic bath, :math:`B = \sum_k c_k (b_k + b_k^\dagger)`, the
canonical spectral density is :math:`J(\omega) = 2\pi\sum_k c_k^2
\delta(\omega-\omega_k)` (extended oddly, :math:`J(-\omega) = -J(\omega)`), and

.. math::

    \gamma(\omega) = J(\omega)\,[1 + n(\omega)] = \frac{J(\omega)}{1 - e^{-\omega/T}},
    \qquad n(\omega) = \frac{1}{e^{\omega/T} - 1},

valid for both signs of :math:`\omega`; :math:`\gamma(0) = T\,J'(0)`.

Presets translate each paper's parameters into the canonical
:math:`\gamma(\omega)`:

=================  ===========================================================
preset             canonical rate from the user's spectrum
=================  ===========================================================
``canonical``      :math:`\gamma = J(1+n)`, the spectrum *is* the canonical J
``ring4``          :math:`\gamma = 2 J(1+n)`; J of eq. (7) with its
                   :math:`1/\pi` (:math:`J = \pi\sum_k c_k^2\delta`)
``magnification``  :math:`\gamma = 2 J(1+n)`; eq. (28) gives
                   :math:`\mathrm{Re}\,\Gamma = \gamma_{\rm paper} J N`, so pass
                   ``ohmic(gamma=(sqrt gamma)**2, cutoff=Omega_C)``
``qubit_kernels``  :math:`\gamma = g(1+n)`, :math:`g = 2\pi\sum\lambda^2\delta`
                   (eqs. 3.6, 5.8--5.10)
``weak_coupling``  :math:`\gamma(\omega) = c\,[1+\tanh(\omega/2T)]`,
                   :math:`\gamma(0) = d`: eqs. (B6)--(B8), (B32)--(B33), with
                   :math:`\tilde\Phi_\beta(\omega) = \gamma(-\omega)`
=================  ===========================================================

All energies and temperatures share one unit (:math:`\hbar = k_B = 1`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from scipy import integrate

from .errors import InvalidParameterError, NegativeCouplingError
from .validation import as_finite_expr, check_nonnegative, check_positive, check_temperature, is_symbolic

__all__ = [
    "bose",
    "bose_sym",
    "Spectrum",
    "SpectralDensity",
    "ohmic",
    "flat",
    "drude",
    "custom",
    "SymmetrizedSpectrum",
    "RateFunction",
    "weak_coupling_spectrum",
    "Preset",
    "PRESETS",
    "Bath",
]


# --------------------------------------------------------------------------- Bose function
def _frequencies(omega: Any, name: str = "omega", *, allow_inf: bool = True) -> np.ndarray:
    """``omega`` as a float array; refuse strings, complex values and NaN (and +-inf unless allowed)."""
    if omega is None or isinstance(omega, (str, bytes)):
        raise InvalidParameterError(f"{name} = {omega!r} is not a number; pass real frequencies.")
    try:
        w = np.asarray(omega, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"{name} = {omega!r} cannot be read as real frequencies ({exc}); pass real numbers."
        ) from None
    if np.isfinite(w).all():  # the common case: one reduction
        return w
    if np.isnan(w).any():
        raise InvalidParameterError(f"{name} contains NaN; pass finite frequencies.")
    if not allow_inf and np.isinf(w).any():
        raise InvalidParameterError(f"{name} = {omega} is infinite; pass finite frequencies.")
    return w


def bose(omega: Any, T: Any) -> np.ndarray | float:
    r"""Bose function :math:`n(\omega, T) = 1/(e^{\omega/T} - 1)`, vectorised.

    Accurate to a few ulp for every :math:`\omega/T` (``expm1`` near 0, the
    form :math:`e^{-x}/(1-e^{-x})` for large :math:`x`, :math:`T/\omega - 1/2`
    where :math:`\omega/T` is below :math:`10^{-10}` or underflows).  Negative
    frequencies give :math:`n(-\omega) = -1 - n(\omega)`.  ``T = 0`` is
    allowed: :math:`n = 0` for :math:`\omega > 0`, :math:`-1` for
    :math:`\omega < 0`.  At :math:`\omega = 0` the function has a pole and
    ``+inf`` is returned.

    Parameters
    ----------
    omega
        Frequency / energy (same unit as ``T``; :math:`\hbar = k_B = 1`).
    T
        Temperature, ``>= 0`` (numeric; use :func:`bose_sym` for a symbolic ``T``).

    Raises
    ------
    InvalidParameterError
        Symbolic ``T`` (use :func:`bose_sym`), NaN input, or a :math:`\omega \ne 0`
        with :math:`|n| \approx T/|\omega|` beyond the float64 range (about
        :math:`1.8\times 10^{308}`; rescale the units or use :func:`bose_sym`).
    NegativeTemperatureError
        ``T < 0``.
    """
    if is_symbolic(T):
        raise InvalidParameterError(
            f"T = {T} is symbolic; bose() is the numeric Bose function. Use bose_sym(omega, T) "
            "for a SymPy expression, or pass a number.")
    check_temperature(T, "T")
    if isinstance(omega, (bool, np.bool_)):
        raise InvalidParameterError(f"omega = {omega!r} is not a number; pass real frequencies.")
    w = _frequencies(omega)
    try:
        t = np.asarray(T, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"T = {T!r} is not a real number; pass temperatures >= 0.") from None
    w, t = np.broadcast_arrays(w, t)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        hot = t > 0
        tt = np.where(hot, t, 1.0)
        ax = np.where(hot, np.abs(w) / tt, np.inf)  # |omega|/T (may underflow to 0 for omega != 0)
        # n(|x|) = e^{-|x|} / (1 - e^{-|x|}) = e^{-|x|} / (-expm1(-|x|))
        n_pos = np.exp(-ax) / (-np.expm1(-ax))
        # |x| < 1e-10: n = 1/|x| - 1/2 + O(|x|), formed as T/|omega| so an underflowed x is harmless
        small = hot & (ax < 1e-10) & (w != 0)
        n_pos = np.where(small, tt / np.where(w != 0, np.abs(w), 1.0) - 0.5, n_pos)
        out = np.where(w > 0, n_pos, -1.0 - n_pos)
        out = np.where(w == 0, np.inf, out)
    bad = (w != 0) & ~np.isfinite(out)
    if np.any(bad):
        k = np.flatnonzero(bad.ravel())[0]
        raise InvalidParameterError(
            f"n(omega, T) ~ T/|omega| at omega = {w.ravel()[k]:.3g}, T = {t.ravel()[k]:.3g} exceeds the "
            "float64 range; rescale omega and T to a common unit nearer 1, or use bose_sym for an "
            "exact expression.")
    return out if out.ndim else float(out)


def bose_sym(omega: Any, T: Any) -> sympy.Expr:
    r"""SymPy :math:`1/(e^{\omega/T} - 1)` (``T > 0``; numbers or SymPy expressions)."""
    check_temperature(T, "T", allow_zero=False)
    w = as_finite_expr(omega, "omega")
    return 1 / (sympy.exp(w / sympy.sympify(T)) - 1)


# --------------------------------------------------------------------------- spectra
class Spectrum:
    r"""Anything that gives a bath's transition-rate function :math:`\gamma(\omega; T)`.

    Subclasses implement :meth:`rate` (numeric, vectorised over ``omega``) and
    :meth:`rate_sym` (SymPy), both in the user's (preset) units.
    """

    #: characteristic frequency scale (used to split principal-value integrals)
    scale: float = 1.0

    def rate(self, omega: Any, T: float) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def rate_sym(self, omega: Any, T: Any) -> sympy.Expr:  # pragma: no cover - abstract
        raise NotImplementedError

    def lamb_shift_defined(self) -> bool:
        """Whether the principal-value integral of this spectrum converges."""
        return True


@dataclass(frozen=True)
class SpectralDensity(Spectrum):
    r"""A bosonic spectral density :math:`J(\omega)`, :math:`\omega \ge 0`, extended oddly.

    Build one with :func:`ohmic`, :func:`flat`, :func:`drude` or :func:`custom`.

    Attributes
    ----------
    name
        Human-readable description.
    func
        Numeric :math:`J(\omega)` for :math:`\omega \ge 0` (vectorised).
    expr
        SymPy expression of :math:`J(\omega)` in the symbol ``omega_symbol``
        (``None`` if only a numeric callable is known).
    slope0
        :math:`\lim_{\omega\to 0^+} J(\omega)/\omega`, giving the zero-frequency
        rate :math:`\gamma(0) = T\,J'(0)`; ``inf`` for a flat density.
    scale
        Characteristic frequency (cutoff), used to split integrals.
    decays
        Whether :math:`J(\omega)/\omega \to 0` fast enough for the Lamb shift.
    """

    name: str
    func: Callable[[np.ndarray], np.ndarray]
    expr: sympy.Expr | None = None
    omega_symbol: sympy.Symbol | None = None
    slope0: float = math.nan
    scale: float = 1.0
    decays: bool = True

    def __call__(self, omega: Any) -> np.ndarray | float:
        """Numeric :math:`J(\\omega)` with the odd extension to negative frequencies."""
        w = np.asarray(omega, dtype=float)
        with np.errstate(invalid="ignore", over="ignore", under="ignore"):
            out = self._values(w)
        return out if out.ndim else float(out)

    def _values(self, w: np.ndarray) -> np.ndarray:
        """:meth:`__call__` on a float array, without the floating-point error context."""
        return np.where(w == 0, 0.0, np.sign(w) * np.asarray(self.func(np.abs(w)), dtype=float))

    def sym(self, omega: Any) -> sympy.Expr:
        """SymPy :math:`J(\\omega)` for :math:`\\omega > 0`."""
        if self.expr is None:
            f = sympy.Function("J")
            return f(omega)
        return self.expr.subs(self.omega_symbol, omega)

    def rate(self, omega: Any, T: Any) -> np.ndarray | float:
        r""":math:`J(\omega)[1+n(\omega)]`, with :math:`T J'(0)` at :math:`\omega = 0`.

        ``T`` is one temperature, or an array of positive temperatures broadcast against
        ``omega`` (several baths sharing this density, evaluated at once).
        """
        check_temperature(T, "T")
        w = np.asarray(omega, dtype=float)
        if np.ndim(T):
            T = np.asarray(T, dtype=float)
            if not (T > 0).all():
                raise InvalidParameterError("an array of temperatures must be positive; pass T = 0 alone.")
        hot = bool(np.ndim(T)) or T > 0
        if hot and not np.isfinite(self.slope0) and (w == 0).any():
            raise InvalidParameterError(
                f"the zero-frequency rate T*J'(0) of spectral density '{self.name}' is "
                "infinite (J(0) != 0). A zero Bohr frequency (pure dephasing) needs a "
                "spectral density with J(0) = 0, e.g. ohmic()."
            )
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            if hot:
                out = self._rate_values(w, T)
            else:
                out = np.where(w > 0, self._values(w), 0.0)
        return out if np.ndim(out) else float(out)

    def _rate_values(self, w: np.ndarray, T: Any) -> np.ndarray:
        """:meth:`rate` on a float array at positive temperature(s) ``T``, without checks or error context.

        :math:`J/(1 - e^{-x}) = -J/\\mathrm{expm1}(-x)`, :math:`x = \\omega/T`; :math:`TJ'(0)` at :math:`\\omega = 0`
        (infinite when :math:`J(0) \\ne 0`: the caller checks)."""
        out = -self._values(w) / np.expm1(-(w / T))
        zero = w == 0
        if zero.any():
            out = np.where(zero, T * self.slope0, out)
        return out

    def rate_sym(self, omega: Any, T: Any) -> sympy.Expr:
        r"""SymPy :math:`J(\omega)/(1 - e^{-\omega/T})` for a positive symbol ``omega``.

        For absorption use ``rate_sym(-w, T)`` with ``w > 0``: it returns
        :math:`J(w)/(e^{w/T} - 1)` (the odd extension is applied symbolically
        when the sign of ``omega`` is known).
        """
        omega = sympy.sympify(omega)
        T = sympy.sympify(T)
        if omega.is_negative or (omega.could_extract_minus_sign() and (-omega).is_positive):
            w = -omega
            return self.sym(w) / (sympy.exp(w / T) - 1)
        return self.sym(omega) / (1 - sympy.exp(-omega / T))

    def lamb_shift_defined(self) -> bool:
        return self.decays

    @property
    def free_symbols(self) -> set[sympy.Symbol]:
        """Symbolic parameters of the density (its frequency variable excluded)."""
        if self.expr is None:
            return set()
        return set(self.expr.free_symbols) - {self.omega_symbol}

    def subs(self, values: Any) -> SpectralDensity:
        """The density with its symbolic parameters replaced by ``values`` (``{symbol or name: number}``)."""
        if self.expr is None or not self.free_symbols:
            return self
        by_name = {s.name: s for s in self.free_symbols}
        vals = {by_name.get(k, k) if isinstance(k, str) else k: v for k, v in dict(values).items()}
        expr = self.expr.subs({k: v for k, v in vals.items() if k in self.free_symbols})
        used = {str(k): v for k, v in vals.items() if k in self.free_symbols}
        name = f"{self.name} at {used}"
        if expr.free_symbols - {self.omega_symbol}:
            return SpectralDensity(name=name, func=_symbolic_func(name, [expr]), expr=expr,
                                   omega_symbol=self.omega_symbol, slope0=self.slope0, scale=self.scale,
                                   decays=self.decays)
        sc = sympy.sympify(self.scale).subs(vals) if isinstance(self.scale, sympy.Basic) else self.scale
        return custom(expr, self.omega_symbol, name=name, scale=float(sc), decays=self.decays)



def _param(value: Any, name: str, *, positive: bool = False) -> tuple[sympy.Expr, float | None]:
    """A spectral-density parameter as (SymPy value, float or ``None`` if symbolic), validated."""
    (check_positive if positive else check_nonnegative)(value, name)
    if isinstance(value, sympy.Basic) and value.free_symbols:
        return value, None
    if isinstance(value, sympy.Basic):
        return value, float(value)
    return sympy.sympify(value), float(value)


def _symbolic_func(name: str, params: list[sympy.Expr]) -> Callable[[np.ndarray], np.ndarray]:
    """Numeric J(omega) of a density with symbolic parameters: refuse, saying what to do."""
    free = sorted({str(s) for p in params for s in getattr(p, "free_symbols", ())})

    def func(x: np.ndarray) -> np.ndarray:
        raise InvalidParameterError(
            f"the spectral density {name} has symbolic parameters {free}; substitute numbers first "
            f"(spectrum.subs({{{free[0] if free else 'g'}: 0.01}})), or give the model values for them "
            "so the numeric solvers can substitute them.")
    return func


def _slope0(expr: sympy.Expr, w: sympy.Symbol) -> Any:
    r""":math:`\lim_{\omega\to 0^+} J(\omega)/\omega` (a number, ``inf``, or a SymPy expression)."""
    slope = sympy.limit(expr / w, w, 0, "+")
    if slope.free_symbols:
        return slope
    return float(slope) if slope.is_finite else math.inf


def ohmic(gamma: Any, cutoff: Any, s: Any = 1.0) -> SpectralDensity:
    r"""(Sub/super-)ohmic density :math:`J(\omega) = \gamma\,\omega\,(\omega/\omega_c)^{s-1} e^{-\omega/\omega_c}`.

    Parameters
    ----------
    gamma
        Coupling strength :math:`\gamma >= 0` (units: dimensionless for
        ``s = 1``).  Its meaning depends on the bath preset (see module doc).
        A number or a SymPy expression (e.g. a positive symbol).
    cutoff
        Cutoff frequency :math:`\omega_c > 0` (energy units), number or SymPy expression.
    s
        Ohmicity; ``s = 1`` (default) is ohmic.

    Notes
    -----
    Symbolic parameters work in every symbolic derivation (``pauli_kernel``...);
    the numeric solvers substitute them from a model's values, or use
    :meth:`SpectralDensity.subs`.
    """
    (g, gf), (wc, cf), (sv, sf) = (_param(gamma, "gamma"), _param(cutoff, "cutoff", positive=True),
                                   _param(s, "s", positive=True))
    w = sympy.Symbol("omega", positive=True)
    if sf == 1.0:
        sv = sympy.S.One
    expr = g * w * (w / wc) ** (sv - 1) * sympy.exp(-w / wc)
    name = f"ohmic(gamma={gamma}, cutoff={cutoff}, s={s})"
    if gf is None or cf is None or sf is None:
        return SpectralDensity(name=name, func=_symbolic_func(name, [g, wc, sv]), expr=expr, omega_symbol=w,
                               slope0=_slope0(expr, w), scale=cf if cf is not None else 1.0)

    if sf == 1.0:  # (x / cf)**0 = 1 exactly: the same values without the power
        def func(x: np.ndarray) -> np.ndarray:
            return gf * x * np.exp(-x / cf)
    else:
        def func(x: np.ndarray) -> np.ndarray:
            return gf * x * (x / cf) ** (sf - 1.0) * np.exp(-x / cf)

    slope0 = gf if sf == 1.0 else (0.0 if sf > 1.0 else math.inf)
    return SpectralDensity(name=name, func=func, expr=expr, omega_symbol=w, slope0=slope0, scale=cf)


def flat(value: Any) -> SpectralDensity:
    r"""Flat spectral function :math:`J(\omega) = g` for :math:`\omega > 0`.

    The qubit-kernel paper's "numbers" for :math:`g_A, g_B` (eq. 3.6 evaluated at
    the relevant frequencies); ``value`` may be a number or a SymPy expression
    (e.g. ``flat(g)`` with ``g = Symbol("g", positive=True)``).  The
    zero-frequency rate and the Lamb shift are infinite for a flat density;
    both raise if requested.
    """
    v, vf = _param(value, "value")
    w = sympy.Symbol("omega", positive=True)
    name = f"flat({value})"
    if vf is None:
        return SpectralDensity(name=name, func=_symbolic_func(name, [v]), expr=v + 0 * w, omega_symbol=w,
                               slope0=math.inf, scale=1.0, decays=False)
    return SpectralDensity(
        name=name,
        func=lambda x: np.full_like(np.asarray(x, dtype=float), vf),
        expr=v + 0 * w, omega_symbol=w,
        slope0=math.inf if vf != 0 else 0.0, scale=1.0, decays=False,
    )


def drude(gamma: Any, cutoff: Any) -> SpectralDensity:
    r"""Drude (Lorentz) density :math:`J(\omega) = \gamma\,\omega\,\omega_c^2/(\omega^2 + \omega_c^2)`.

    Normalised so that :math:`J'(0) = \gamma`, like :func:`ohmic`; parameters may be SymPy expressions.
    """
    (g, gf), (wc, cf) = _param(gamma, "gamma"), _param(cutoff, "cutoff", positive=True)
    w = sympy.Symbol("omega", positive=True)
    expr = g * w * wc**2 / (w**2 + wc**2)
    name = f"drude(gamma={gamma}, cutoff={cutoff})"
    if gf is None or cf is None:
        return SpectralDensity(name=name, func=_symbolic_func(name, [g, wc]), expr=expr, omega_symbol=w,
                               slope0=g, scale=cf if cf is not None else 1.0)
    return SpectralDensity(
        name=name,
        func=lambda x: gf * x * cf**2 / (x**2 + cf**2),
        expr=expr, omega_symbol=w, slope0=gf, scale=cf,
    )


def custom(J: Callable[[np.ndarray], np.ndarray] | sympy.Expr, omega: sympy.Symbol | None = None,
           *, name: str = "custom", scale: float = 1.0, decays: bool = True,
           slope0: float | None = None) -> SpectralDensity:
    r"""A user spectral density, from a vectorised callable or a SymPy expression.

    Parameters
    ----------
    J
        Callable :math:`\omega \mapsto J(\omega)` for :math:`\omega \ge 0`, or a
        SymPy expression in ``omega``.
    omega
        The frequency symbol of a SymPy expression.
    scale
        Characteristic frequency, used to split integrals.
    slope0
        :math:`\lim_{\omega\to0^+}J(\omega)/\omega` of a callable, giving the
        zero-frequency rate :math:`\gamma(0) = T J'(0)`.  Default: the limit, taken
        symbolically when the callable accepts a SymPy symbol, else by Richardson
        extrapolation (round-off accurate for densities analytic at 0).
    """
    if isinstance(J, sympy.Basic):
        if omega is None:
            syms = sorted(J.free_symbols, key=str)
            if len(syms) != 1:
                raise InvalidParameterError(
                    "custom(expr): pass omega= to say which symbol is the frequency.")
            omega = syms[0]
        wpos = sympy.Symbol("omega", positive=True)
        expr = J.subs(omega, wpos)
        if expr.free_symbols - {wpos}:
            return SpectralDensity(name=name, func=_symbolic_func(name, [expr]), expr=expr, omega_symbol=wpos,
                                   slope0=_slope0(expr, wpos), scale=scale, decays=decays)
        func = sympy.lambdify(wpos, expr, "numpy")
        slope0 = _slope0(expr, wpos)
        return SpectralDensity(name=name, func=lambda x: np.asarray(func(x), float) + 0 * x,
                               expr=expr, omega_symbol=wpos, slope0=slope0, scale=scale, decays=decays)
    if not callable(J):
        raise InvalidParameterError("custom() takes a callable J(omega) or a SymPy expression.")
    check_positive(scale, "scale")
    if slope0 is None:
        slope0 = _callable_slope0(J, float(scale))
    else:
        check_nonnegative(slope0, "slope0")
        slope0 = float(slope0)
    return SpectralDensity(name=name, func=J, slope0=slope0, scale=scale, decays=decays)


def _callable_slope0(J: Callable[[Any], Any], scale: float) -> float:
    r""":math:`\lim_{\omega\to0^+}J(\omega)/\omega` of a user callable, as a limit (not a difference quotient).

    First symbolically: a callable written with SymPy-compatible operations (``lambda w:
    g * w * sympy.exp(-w / wc)``, or plain arithmetic) is called with a SymPy symbol and
    the limit taken exactly.  Otherwise numerically: Richardson (Neville) extrapolation of
    :math:`J(h)/h` to :math:`h = 0` from :math:`h = 2^{-k}\,10^{-2}\,\omega_c`, exact to
    round-off for a density analytic at 0 (``ohmic``-like :math:`J = \omega f(\omega)`);
    a :class:`~symness.errors.PrecisionWarning` if the extrapolation does not settle.
    """
    w = sympy.Symbol("omega", positive=True)
    try:
        expr = J(w)
    except Exception:  # noqa: BLE001 - numpy-only callables cannot take a symbol
        expr = None
    if isinstance(expr, sympy.Basic) and expr.free_symbols <= {w}:
        try:
            val = _slope0(expr, w)
        except Exception:  # noqa: BLE001 - fall back to the numeric limit
            val = None
        if isinstance(val, float) and not math.isnan(val):
            return val
    return _limit_at_zero(lambda h: np.asarray(J(h), dtype=float).reshape(-1) / h, scale,
                          "custom(J): J(omega)/omega", "pass slope0= (the limit of J(omega)/omega at 0)")


def _limit_at_zero(f: Callable[[np.ndarray], np.ndarray], scale: float, what: str, fix: str) -> float:
    """``lim_{h -> 0+} f(h)`` by Richardson (Neville) extrapolation from ``h = 2^-k 1e-2 scale``."""
    import warnings

    from .errors import PrecisionWarning

    h = 1e-2 * scale * 2.0 ** -np.arange(12)
    with np.errstate(all="ignore"):
        f = np.asarray(f(h), dtype=float).reshape(-1)
    if f.shape != h.shape or not np.all(np.isfinite(f)):
        raise InvalidParameterError(f"{what} is not finite for small omega > 0, so its limit at omega = 0 is "
                                    f"undefined; {fix}.")
    # Neville's table for the polynomial through (h_k, f_k), evaluated at h = 0
    best, err = f[0], math.inf
    T = f.copy()
    for m in range(1, h.size):
        T[:-m] = (h[m:] * T[:-m] - h[:-m] * T[1:h.size - m + 1]) / (h[m:] - h[:-m])
        e = abs(T[0] - best)
        if e < err:
            best, err = T[0], e
        elif e > 4 * err:
            break
    tol = 1e-10 * max(abs(best), float(np.max(np.abs(f))), 1e-300)
    if not err <= tol:
        warnings.warn(f"{what} -> {best:.12g} at omega -> 0 is uncertain by {err:.2g}; {fix}.",
                      PrecisionWarning, stacklevel=4)
    return float(best)


@dataclass(frozen=True)
class RateFunction(Spectrum):
    r"""A bath given directly by its canonical rate :math:`\gamma(\omega)` at one temperature.

    ``func(omega)`` (vectorised, ``omega > 0`` = emission) is the canonical rate of the
    module docstring -- for a QuTiP environment its ``power_spectrum`` -- at the
    temperature ``T``; it must obey detailed balance
    :math:`\gamma(-\omega) = e^{-\omega/T}\gamma(\omega)` (checked by :class:`Bath` at a
    few frequencies).  It cannot be evaluated at another temperature, and it has no
    symbolic form.  Build it with ``Bath(func, T)`` or :meth:`Bath.from_qutip`.
    """

    func: Callable[[np.ndarray], np.ndarray]
    T: float
    name: str = "rate"
    scale: float = 1.0
    decays: bool = True

    def __post_init__(self) -> None:
        if not callable(self.func) or isinstance(self.func, Spectrum):
            raise InvalidParameterError(
                f"RateFunction needs a callable rate gamma(omega) (vectorised over omega), got "
                f"{type(self.func).__name__}.")
        check_temperature(self.T, "T")
        if is_symbolic(self.T):
            raise InvalidParameterError("a rate function needs a numeric temperature T.")
        check_positive(self.scale, "scale")
        object.__setattr__(self, "T", float(self.T))
        object.__setattr__(self, "scale", float(self.scale))

    def rate(self, omega: Any, T: float) -> np.ndarray | float:
        check_temperature(T, "T")
        if float(T) != self.T:
            raise InvalidParameterError(
                f"the rate function {self.name!r} is given at T = {self.T}; it cannot be evaluated at "
                f"T = {T}. Build a Bath from a spectral density (custom(J)) to change the temperature.")
        w = np.asarray(omega, dtype=float)
        with np.errstate(all="ignore"):
            out = np.real(np.asarray(self.func(w), dtype=complex)).astype(float)
        out = np.broadcast_to(out, w.shape).copy() if out.shape != w.shape else out.copy()
        zero = (w == 0) & ~np.isfinite(out)
        if np.any(zero):  # e.g. J(w)/(1 - e^{-w/T}) at w = 0: the limit, not 0/0
            out[zero] = self.zero_rate
        return out if out.ndim else float(out)

    @property
    def zero_rate(self) -> float:
        """:math:`\\gamma(0)` as the limit :math:`\\omega\\to0^+` (Richardson extrapolation), kept."""
        g0 = self.__dict__.get("_zero_rate")
        if g0 is None:
            g0 = _limit_at_zero(lambda h: np.real(np.asarray(self.func(h), dtype=complex)), self.scale,
                                f"the rate function {self.name!r}", "make it finite at omega = 0")
            object.__setattr__(self, "_zero_rate", g0)
        return g0

    def rate_sym(self, omega: Any, T: Any) -> sympy.Expr:
        raise InvalidParameterError(
            f"the rate function {self.name!r} is numeric only; the symbolic path needs a spectral density "
            "(ohmic(), drude(), custom(sympy expression)).")

    def lamb_shift_defined(self) -> bool:
        return self.decays


def _check_detailed_balance(spec: RateFunction) -> None:
    """Refuse a rate function that breaks detailed balance at its temperature (or is negative)."""
    T = spec.T
    w = spec.scale * np.array([1e-3, 1e-2, 0.1, 0.5, 1.0, 2.0])
    if T > 0:
        w = w[w / T < 30]  # where both rates are well above underflow
    if w.size == 0:
        return
    g = np.asarray(spec.rate(np.concatenate([w, -w, [0.0]]), T), dtype=float)
    ge, ga, g0 = g[:w.size], g[w.size:2 * w.size], g[-1]
    if not (np.all(np.isfinite(g)) and np.all(g >= 0)):
        raise InvalidParameterError(
            f"the rate function {spec.name!r} must be finite and >= 0 (got {g.tolist()} at omega = "
            f"{np.concatenate([w, -w, [0.0]]).tolist()}).")
    want = ge * np.exp(-w / T) if T > 0 else np.zeros_like(ge)
    bad = np.abs(ga - want) > 1e-6 * np.maximum(np.abs(want), 1e-300) + 1e-12 * float(np.max(ge, initial=0))
    if np.any(bad):
        k = int(np.argmax(bad))
        raise InvalidParameterError(
            f"the rate function {spec.name!r} breaks detailed balance at T = {T}: gamma(-omega) = {ga[k]:.6g} "
            f"but exp(-omega/T) gamma(omega) = {want[k]:.6g} at omega = {w[k]:.6g}. Pass the bath's own "
            "temperature (omega > 0 is energy given to the bath), or a spectral density (custom(J)).")
    del g0


@dataclass(frozen=True)
class SymmetrizedSpectrum(Spectrum):
    r"""A rate function given by its symmetric part and detailed balance.

    :math:`\gamma(\omega) = c\,[1 + \tanh(\omega/2T)]` for :math:`\omega \ne 0`
    and :math:`\gamma(0) = d`, so that :math:`(\gamma(\omega)+\gamma(-\omega))/2 = c`
    and :math:`\gamma(-\omega) = e^{-\omega/T}\gamma(\omega)`.  This is the
    parametrisation of the weak-coupling paper, eqs. (B6)--(B8), (B32)--(B33).
    ``c`` may be a callable of :math:`|\omega|`.
    """

    c: Any
    d: Any
    scale: float = 1.0

    def _c(self, w: np.ndarray) -> np.ndarray:
        return np.asarray(self.c(np.abs(w)) if callable(self.c) else self.c * np.ones_like(w), float)

    def rate(self, omega: Any, T: float) -> np.ndarray | float:
        check_temperature(T, "T")
        w = np.asarray(omega, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            th = np.tanh(w / (2 * T)) if T > 0 else np.sign(w)
        out = np.where(w == 0, float(self.d), self._c(w) * (1 + th))
        return out if out.ndim else float(out)

    def rate_sym(self, omega: Any, T: Any) -> sympy.Expr:
        omega = sympy.sympify(omega)
        if omega == 0:
            return sympy.sympify(self.d)
        c = self.c(sympy.Abs(omega)) if callable(self.c) else sympy.sympify(self.c)
        return 2 * c / (1 + sympy.exp(-omega / sympy.sympify(T)))

    def lamb_shift_defined(self) -> bool:
        return False


def weak_coupling_spectrum(c: float, d: float) -> SymmetrizedSpectrum:
    r"""Bath of the weak-coupling hierarchy paper, parameters ``c`` and ``d`` (eqs. B32, B33).

    ``c`` :math:`= (\tilde\Phi_\beta(2h) + \tilde\Phi_\beta(-2h))/2` and
    ``d`` :math:`= \tilde\Phi_\beta(0)`, both ``>= 0``.
    """
    check_nonnegative(c, "c")
    check_nonnegative(d, "d")
    return SymmetrizedSpectrum(c=c, d=d)


# --------------------------------------------------------------------------- presets
@dataclass(frozen=True)
class Preset:
    """How a paper's bath parameters map onto the canonical rate ``gamma(omega)``.

    ``canonical_rate = factor * spectrum.rate(omega, T)``.
    """

    name: str
    factor: float
    paper: str
    description: str
    lamb_shift_default: bool = False


PRESETS: dict[str, Preset] = {
    "canonical": Preset("canonical", 1.0, "symness",
                        "gamma(w) = J(w)(1+n(w)), J = 2 pi sum_k c_k^2 delta(w - w_k)"),
    "ring4": Preset("ring4", 2.0, "ring4_xxz_redfield_heat_spin_currents",
                    "C(t) of eq. (7) with J(w)/pi: gamma(w) = 2 J(w)(1+n(w)); Lamb shift dropped"),
    "magnification": Preset("magnification", 2.0,
                            "current_magnification_classical_quantum_spin_networks",
                            "Re W = gamma_paper J(w) N(w) (eq. 28): gamma(w) = 2 gamma_paper J(w)"
                            "(1+n(w)); pass gamma=gamma_paper in the spectral density"),
    "qubit_kernels": Preset("qubit_kernels", 1.0, "qubit_heat_currents_kernels",
                            "D(w) = g(w)(1+n(w)), g = 2 pi sum lambda^2 delta (eqs. 3.6, 5.8-5.10)"),
    "weak_coupling": Preset("weak_coupling", 1.0, "weak_coupling_temperature_gradient_hierarchy",
                            "Phi~_beta(w) = gamma(-w); c = (Phi~(2h)+Phi~(-2h))/2, d = Phi~(0) "
                            "(eqs. B6-B8, B32-B33); Lamb shift (Psi) dropped"),
}


class Bath:
    r"""A thermal bath: a spectrum, a temperature and a convention preset.

    Parameters
    ----------
    spectrum
        A :class:`SpectralDensity` (``ohmic``, ``flat``, ``drude``, ``custom``) or,
        for the weak-coupling preset, :func:`weak_coupling_spectrum`.  A plain
        number is read as a flat spectral density.
    T
        Temperature (energy units, ``>= 0``).
    preset
        Convention of the spectrum's parameters; one of :data:`PRESETS`.
    lamb_shift
        Keep the principal-value (Lamb-shift) part :math:`\sigma(\omega)` of
        :math:`\Gamma(\omega)` (default: ``False``, as in every paper here).
    name
        Label used in results (e.g. ``"L"``).

    Notes
    -----
    :meth:`rate` returns the canonical :math:`\gamma(\omega)`; ``omega > 0`` is
    energy given by the system to the bath.
    """

    def __init__(self, spectrum: Spectrum | float, T: Any, preset: str = "canonical", *,
                 lamb_shift: bool | None = None, name: str | None = None):
        if isinstance(spectrum, (int, float)) and not isinstance(spectrum, bool):
            spectrum = flat(spectrum)
        if callable(spectrum) and not isinstance(spectrum, Spectrum):  # a plain rate function gamma(omega)
            check_temperature(T, "T")
            if is_symbolic(T):
                raise InvalidParameterError("a Bath from a rate function needs a numeric temperature T.")
            spectrum = RateFunction(spectrum, float(T), name=getattr(spectrum, "__name__", "rate"))
            _check_detailed_balance(spectrum)
        if not isinstance(spectrum, Spectrum):
            raise InvalidParameterError(
                f"spectrum must be a symness spectrum (ohmic(), flat(), drude(), custom(), "
                f"weak_coupling_spectrum()) or a rate function gamma(omega), got {type(spectrum).__name__}.")
        if isinstance(spectrum, RateFunction):
            check_temperature(T, "T")
            if is_symbolic(T) or float(T) != spectrum.T:
                raise InvalidParameterError(
                    f"the rate function {spectrum.name!r} is given at T = {spectrum.T}, not T = {T}; a rate "
                    "function cannot change its temperature (build the Bath from a spectral density).")
            if preset != "canonical":
                raise InvalidParameterError("a rate function is the canonical rate gamma(omega); use "
                                            "preset='canonical'.")
        if preset not in PRESETS:
            raise InvalidParameterError(f"unknown bath preset {preset!r}; choose one of {sorted(PRESETS)}.")
        if preset == "weak_coupling" and not isinstance(spectrum, SymmetrizedSpectrum):
            raise InvalidParameterError(
                "the 'weak_coupling' preset takes weak_coupling_spectrum(c, d).")
        check_temperature(T, "T")
        if lamb_shift is not None and not isinstance(lamb_shift, (bool, np.bool_)):
            raise InvalidParameterError(
                f"lamb_shift must be True, False or None (the preset's default), got {lamb_shift!r}.")
        self.spectrum = spectrum
        self.T = T
        self.preset = PRESETS[preset]
        self.lamb_shift = self.preset.lamb_shift_default if lamb_shift is None else bool(lamb_shift)
        if self.lamb_shift and not spectrum.lamb_shift_defined():
            raise InvalidParameterError(
                f"the Lamb shift of {getattr(spectrum, 'name', spectrum)!r} diverges (flat or "
                "symmetrised spectrum); use lamb_shift=False or a decaying spectral density.")
        if name is not None and not isinstance(name, str):
            raise InvalidParameterError(f"name = {name!r} must be a string (the bath's label, e.g. 'L') or None.")
        self.name = name

    def __repr__(self) -> str:
        return (f"Bath({getattr(self.spectrum, 'name', self.spectrum)!s}, T={self.T}, "
                f"preset={self.preset.name!r}, lamb_shift={self.lamb_shift})")

    @classmethod
    def from_rate(cls, rate: Callable[[np.ndarray], np.ndarray], T: float, *, name: str | None = None,
                  scale: float = 1.0, lamb_shift: bool | None = None) -> Bath:
        r"""A bath from its canonical rate :math:`\gamma(\omega)` at temperature ``T`` (a plain callable).

        ``rate(omega)`` is vectorised, ``omega > 0`` is energy given *to* the bath, and
        it must obey detailed balance at ``T``
        (:math:`\gamma(-\omega) = e^{-\omega/T}\gamma(\omega)`, checked at a few
        frequencies around ``scale``).  ``Bath(rate, T)`` is the same.
        """
        check_positive(scale, "scale")
        check_temperature(T, "T")
        spec = RateFunction(rate, float(T), name=getattr(rate, "__name__", "rate"), scale=float(scale))
        _check_detailed_balance(spec)
        return cls(spec, T, "canonical", lamb_shift=lamb_shift, name=name)

    @classmethod
    def from_qutip(cls, env: Any, T: float | None = None, *, name: str | None = None,
                   lamb_shift: bool | None = None) -> Bath:
        r"""A bath from a QuTiP bosonic environment (``qutip.core.environment.BosonicEnvironment``).

        QuTiP couples :math:`H_I = Q\otimes X` with :math:`C(t) = \langle X(t)X(0)\rangle`
        and the power spectrum :math:`S(\omega) = \int dt\, e^{i\omega t}C(t)
        = 2J_{\rm QuTiP}(\omega)[n(\omega) + 1]`, which *is* the canonical rate
        :math:`\gamma(\omega)` of this module (:math:`\omega > 0`: emission), so
        :math:`J_{\rm canonical} = 2J_{\rm QuTiP}`.  Use ``(Q, Bath.from_qutip(env))`` as a
        coupling.

        * ``DrudeLorentzEnvironment(T, lam, gamma)`` -> :func:`drude` with
          :math:`\gamma_{\rm drude} = 4\lambda/\gamma`, cutoff :math:`\gamma`;
        * ``OhmicEnvironment(T, alpha, wc, s)`` -> :func:`ohmic` with coupling :math:`2\alpha`;
        * ``UnderDampedEnvironment(T, lam, gamma, w0)`` -> :func:`custom` of
          :math:`2\lambda^2\Gamma\omega/((\omega^2-\omega_0^2)^2+\Gamma^2\omega^2)`;

        all exact, symbolic too, and usable at any temperature.  Any other environment
        (``BosonicEnvironment.from_power_spectrum``, ``from_spectral_density``,
        ``from_correlation_function``) becomes a :class:`RateFunction` of its
        ``power_spectrum`` at its temperature (``T`` if the environment has none).
        """
        try:
            from qutip.core import environment as qenv
        except ImportError:  # pragma: no cover - qutip is a test dependency
            raise InvalidParameterError("Bath.from_qutip needs QuTiP >= 5 (pip install qutip).") from None
        if not isinstance(env, qenv.BosonicEnvironment):
            raise InvalidParameterError(
                f"Bath.from_qutip takes a QuTiP bosonic environment (qutip.DrudeLorentzEnvironment, "
                f"OhmicEnvironment, UnderDampedEnvironment, BosonicEnvironment.from_power_spectrum, ...), "
                f"got {type(env).__name__}.")
        Tenv = getattr(env, "T", None)
        if T is None:
            T = Tenv
        if T is None:
            raise InvalidParameterError("this QuTiP environment has no temperature; pass T=.")
        check_temperature(T, "T")
        if Tenv is not None and float(Tenv) != float(T):
            raise InvalidParameterError(f"T = {T} differs from the environment's own T = {Tenv}.")
        label = name if name is not None else (env.tag if isinstance(env.tag, str) else None)
        if type(env) is qenv.DrudeLorentzEnvironment:
            lam, gam = float(env.lam), float(env.gamma)
            return cls(drude(4 * lam / gam, gam), T, "canonical", lamb_shift=lamb_shift, name=label)
        if type(env) is qenv.OhmicEnvironment:
            return cls(ohmic(2 * float(env.alpha), float(env.wc), float(env.s)), T, "canonical",
                       lamb_shift=lamb_shift, name=label)
        if type(env) is qenv.UnderDampedEnvironment:
            lam, gam, w0 = (sympy.Float(float(v)) for v in (env.lam, env.gamma, env.w0))
            w = sympy.Symbol("omega", positive=True)
            J = 2 * lam**2 * gam * w / ((w**2 - w0**2) ** 2 + gam**2 * w**2)
            return cls(custom(J, w, name=f"underdamped(lam={env.lam}, gamma={env.gamma}, w0={env.w0})",
                              scale=float(env.w0)), T, "canonical", lamb_shift=lamb_shift, name=label)
        scale = float(getattr(env, "wMax", None) or 1.0)

        def power_spectrum(w: np.ndarray) -> np.ndarray:
            return np.asarray(env.power_spectrum(np.asarray(w, dtype=float)), dtype=float)

        spec = RateFunction(power_spectrum, float(T), name=f"qutip {type(env).__name__}", scale=min(scale, 1.0))
        _check_detailed_balance(spec)
        return cls(spec, T, "canonical", lamb_shift=lamb_shift, name=label)

    def with_temperature(self, T: Any) -> Bath:
        """A copy of this bath at temperature ``T``."""
        return Bath(self.spectrum, T, self.preset.name, lamb_shift=self.lamb_shift, name=self.name)

    # numeric -----------------------------------------------------------------
    def rate(self, omega: Any) -> np.ndarray | float:
        r"""Canonical :math:`\gamma(\omega)` (vectorised); :math:`\omega>0` = emission."""
        if is_symbolic(self.T):
            raise InvalidParameterError("this bath has a symbolic temperature; use rate_sym().")
        out = self.preset.factor * self.spectrum.rate(_frequencies(omega, allow_inf=False),
                                                      float(self.T))
        arr = np.asarray(out)
        if not np.isfinite(arr).all():
            raise InvalidParameterError(
                f"the rate of spectrum {getattr(self.spectrum, 'name', self.spectrum)!r} is not "
                f"finite at omega = {omega}; check the spectral density (it must be finite for "
                "omega > 0).")
        if (arr < 0).any():
            raise NegativeCouplingError(
                f"the rate of spectrum {getattr(self.spectrum, 'name', self.spectrum)!r} is "
                f"negative at omega = {omega}; a spectral density must satisfy J(omega) >= 0 "
                "for omega > 0.")
        return out

    def lamb(self, omega: Any) -> np.ndarray | float:
        r"""Lamb-shift part :math:`\sigma(\omega)` of :math:`\Gamma(\omega)` (principal value)."""
        w = _frequencies(omega, allow_inf=False)
        out = np.vectorize(self._lamb_scalar, otypes=[float])(w)
        return out if out.ndim else float(out)

    def half_sided(self, omega: Any) -> np.ndarray | complex:
        r""":math:`\Gamma(\omega) = \gamma(\omega)/2 + i\sigma(\omega)` (:math:`\sigma` only if ``lamb_shift``)."""
        g = np.asarray(self.rate(omega), dtype=float) / 2
        if self.lamb_shift:
            g = g + 1j * np.asarray(self.lamb(omega))
        else:
            g = g.astype(complex)
        return g if g.ndim else complex(g)

    def _lamb_scalar(self, w: float) -> float:
        if not self.spectrum.lamb_shift_defined():
            raise InvalidParameterError("the Lamb shift of this spectrum diverges.")
        scale = float(getattr(self.spectrum, "scale", 1.0))
        width = max(abs(w), scale, 1e-300)
        f = self.rate
        a, b = w - width, w + width
        opts = dict(limit=400, epsabs=0.0, epsrel=1e-11)
        # P int f(x)/(x - w) dx on [a, b]; regular tails outside
        core, _ = integrate.quad(f, a, b, weight="cauchy", wvar=w, **opts)
        right, _ = integrate.quad(lambda x: f(x) / (x - w), b, np.inf, **opts)
        left, _ = integrate.quad(lambda x: f(x) / (x - w), -np.inf, a, **opts)
        return -(core + right + left) / (2 * np.pi)

    # symbolic ----------------------------------------------------------------
    def rate_sym(self, omega: Any) -> sympy.Expr:
        r"""SymPy canonical :math:`\gamma(\omega)` (``omega`` may be a signed symbol)."""
        omega = as_finite_expr(omega, "omega")
        factor = sympy.nsimplify(self.preset.factor)
        return factor * self.spectrum.rate_sym(omega, self.T)


def shared_spectrum_rates(baths: list[Bath], omegas: list[np.ndarray]) -> list[np.ndarray] | None:
    r"""``[bath.rate(w) for bath, w in zip(baths, omegas)]`` in one vectorised evaluation, or ``None``.

    For baths that share one :class:`SpectralDensity` object and preset at numeric
    temperatures :math:`T_b > 0` (e.g. the two contacts of a model): :math:`J` is
    evaluated once on all frequencies and :math:`\gamma = fJ(\omega)/(1 - e^{-\omega/T_b})`
    elementwise with each frequency's own :math:`T_b` (:meth:`SpectralDensity.rate` with an
    array of temperatures) -- the same operations as :meth:`Bath.rate`, so the same values.
    ``None`` when the baths do not qualify or any value would fail a check of
    :meth:`Bath.rate` (non-finite or negative rate, an infinite zero-frequency rate): the
    caller then calls :meth:`Bath.rate` per bath, which raises its own error.
    """
    if not baths:
        return []
    spec, preset = baths[0].spectrum, baths[0].preset
    if type(spec) is not SpectralDensity:
        return None
    temps = []
    for b in baths:
        T = b.T
        if (b.spectrum is not spec or b.preset is not preset or isinstance(T, bool)
                or not isinstance(T, (int, float)) or not 0 < T < math.inf):
            return None
        temps.append(float(T))
    parts = [np.asarray(o, dtype=float).reshape(-1) for o in omegas]
    sizes = [o.size for o in parts]
    w = np.concatenate(parts)
    # a non-finite frequency, or J(0) != 0 at a zero frequency, gives a non-finite rate: refused below
    with np.errstate(all="ignore"):
        out = preset.factor * spec._rate_values(w, np.repeat(temps, sizes))
    if not np.isfinite(out).all() or (out < 0).any():
        return None
    return np.split(out, np.cumsum(sizes[:-1]))
