r"""Bose functions as SymPy functions with stable numerics and the paper's LaTeX.

The kernels and heat currents of the qubit paper are written in terms of the
Planck distribution of each reservoir, :math:`n_X(\omega) = 1/(e^{\omega/T_X}-1)`
(qubit_kernels eqs. 3.7, 5.11), and every channel current is a non-negative
factor times the difference :math:`n_A(\omega) - n_B(\omega)`.  Two SymPy
function classes keep that structure visible and numerically safe:

* :class:`Bose` -- :math:`n(\omega, T)`, printed :math:`n_A(\omega)` when the
  temperature symbol is ``T_A``;
* :class:`BoseDifference` -- :math:`n(\omega, T_A) - n(\omega, T_B)`, printed
  :math:`[n_A(\omega) - n_B(\omega)]`, identically zero for ``T_A == T_B``.

Both are opaque for algebra (so :math:`q^A + q^B = 0` and the channel
factorisation are checked as polynomial identities), rewrite to exponentials
with ``.rewrite(sympy.exp)`` (series, limits, Gibbs checks), evaluate with
mpmath in ``evalf``, and carry a NumPy implementation that
:func:`sympy.lambdify` (and therefore :meth:`ClosedForm.lambdify`) picks up:

* :math:`n = e^{-x}/(-\mathrm{expm1}(-x))`, :math:`x = \omega/T`: no overflow at
  low temperature, full relative accuracy at high temperature;
* :math:`n_A - n_B = [e^{-x_A} - e^{-x_B}] / [\mathrm{expm1}(-x_A)\,\mathrm{expm1}(-x_B)]`
  with the numerator written as :math:`-e^{-x_A}\mathrm{expm1}(-d)` or
  :math:`e^{-x_B}\mathrm{expm1}(d)`, :math:`d = \omega (T_A - T_B)/(T_A T_B)`:
  full relative accuracy for a small bias :math:`T_A \approx T_B` (linear
  response) and no overflow for a strong one.

Units: :math:`\hbar = k_B = 1`; :math:`\omega > 0`, :math:`T \ge 0`.
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np
import sympy

from ..errors import NegativeTemperatureError
from ..expfunction import ExpDefinedFunction

__all__ = ["Bose", "BoseDifference", "FermiDifference", "bose_numeric", "bose_difference_numeric",
           "fermi_difference_numeric", "bose_atoms"]


def _is_mp(*args: Any) -> bool:
    return any(isinstance(a, (mpmath.mpf, mpmath.mpc)) for a in args)


def bose_numeric(omega: Any, T: Any) -> Any:
    r"""Stable :math:`n(\omega, T) = 1/(e^{\omega/T} - 1)` for arrays or mpmath numbers.

    ``T = 0`` gives 0 for :math:`\omega > 0`; negative frequencies use
    :math:`n(-\omega) = -1 - n(\omega)`; :math:`\omega = 0` is a pole (``inf``).
    """
    if _is_mp(omega, T):
        if T == 0:
            return mpmath.mpf(0) if omega > 0 else mpmath.mpf(-1)
        return 1 / mpmath.expm1(omega / T)
    w = np.asarray(omega, dtype=float)
    t = np.asarray(T, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        x = np.where(t > 0, w / np.where(t > 0, t, 1.0), np.sign(w) * np.inf)
        ax = np.abs(x)
        pos = np.exp(-ax) / (-np.expm1(-ax))
        out = np.where(x >= 0, pos, -1.0 - pos)
    return out if out.ndim else float(out)


def bose_difference_numeric(omega: Any, TA: Any, TB: Any) -> Any:
    r"""Stable :math:`n(\omega, T_A) - n(\omega, T_B)` for :math:`\omega > 0` (arrays or mpmath)."""
    if _is_mp(omega, TA, TB):
        return bose_numeric(omega, TA) - bose_numeric(omega, TB)
    w = np.asarray(omega, dtype=float)
    ta = np.asarray(TA, dtype=float)
    tb = np.asarray(TB, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        x = np.where(ta > 0, w / np.where(ta > 0, ta, 1.0), np.inf)
        y = np.where(tb > 0, w / np.where(tb > 0, tb, 1.0), np.inf)
        # d = y - x = w (T_A - T_B) / (T_A T_B), accurate for T_A close to T_B
        both = (ta > 0) & (tb > 0)
        d = np.where(both, w * (ta - tb) / np.where(both, ta * tb, 1.0), np.where(ta > 0, np.inf, -np.inf))
        num = np.where(d >= 0, -np.exp(-x) * np.expm1(-d), np.exp(-y) * np.expm1(d))
        den = np.expm1(-x) * np.expm1(-y)
        out = num / den
        out = np.where(ta == tb, 0.0, out)
    return out if out.ndim else float(out)


def fermi_difference_numeric(wA: Any, TA: Any, wB: Any, TB: Any) -> Any:
    r"""Stable :math:`f(\omega_A/T_A) - f(\omega_B/T_B)`, :math:`f(x) = 1/(e^x + 1)`, :math:`\omega \ge 0`.

    With :math:`\Delta = x_B - x_A = (\omega_B T_A - \omega_A T_B)/(T_A T_B)` (one rounding
    per product, so the error is the condition number of the inputs times the unit round-off):
    :math:`\sinh(\Delta/2)\,\mathrm{sech}(x_A/2)\,\mathrm{sech}(x_B/2)/2` for
    :math:`|\Delta| \le 2`, otherwise the plain difference (the two values then differ by a
    factor of at least 4: no cancellation).  ``T = 0`` gives :math:`f = 0`.
    """
    if _is_mp(wA, TA, wB, TB):
        fa = 1 / (mpmath.exp(wA / TA) + 1) if TA > 0 else mpmath.mpf(0)
        fb = 1 / (mpmath.exp(wB / TB) + 1) if TB > 0 else mpmath.mpf(0)
        return fa - fb
    wa, ta, wb, tb = (np.asarray(v, dtype=float) for v in (wA, TA, wB, TB))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        xa = np.where(ta > 0, wa / np.where(ta > 0, ta, 1.0), np.inf)
        xb = np.where(tb > 0, wb / np.where(tb > 0, tb, 1.0), np.inf)
        both = (ta > 0) & (tb > 0)
        delta = np.where(both, (wb * ta - wa * tb) / np.where(both, ta * tb, 1.0), np.inf)

        def sech_half(x: np.ndarray) -> np.ndarray:
            e = np.exp(-np.abs(x) / 2)
            return 2 * e / (1 + e * e)

        def fermi(x: np.ndarray) -> np.ndarray:
            e = np.exp(-x)
            return e / (1 + e)
        near = np.sinh(np.where(np.abs(delta) <= 2, delta, 0.0) / 2) * sech_half(xa) * sech_half(xb) / 2
        out = np.where(np.abs(delta) <= 2, near, fermi(xa) - fermi(xb))
    return out if out.ndim else float(out)


class FermiDifference(ExpDefinedFunction):
    r""":math:`f_A(\omega_A) - f_B(\omega_B)` with :math:`f_X(\omega) = 1/(e^{\omega/T_X} + 1)`.

    Arguments ``(w_A, T_A, w_B, T_B)``.

    The bias of the local Lindblad current (qubit_kernels Sec. IV C 2).  Printed
    :math:`[f_A(\omega_1) - f_B(\omega_2)]`; NumPy implementation
    :func:`fermi_difference_numeric` (accurate for :math:`\omega_A/T_A \approx \omega_B/T_B`).
    Series, limits and assumptions act on the exponential formula
    (:class:`~symness.expfunction.ExpDefinedFunction`); its sign is the sign of
    :math:`\omega_B T_A - \omega_A T_B` (positive temperatures).
    """

    nargs = 4
    is_real = True
    _imp_ = staticmethod(fermi_difference_numeric)

    @classmethod
    def eval(cls, wA: sympy.Expr, TA: sympy.Expr, wB: sympy.Expr, TB: sympy.Expr) -> sympy.Expr | None:
        if wA == wB and TA == TB:
            return sympy.S.Zero
        return None

    @classmethod
    def exp_form(cls, wA: sympy.Expr, TA: sympy.Expr, wB: sympy.Expr, TB: sympy.Expr) -> sympy.Expr:
        return _fermi(wA, TA) - _fermi(wB, TB)

    @classmethod
    def regular_at(cls, wA: sympy.Expr, TA: sympy.Expr, wB: sympy.Expr, TB: sympy.Expr) -> bool:
        return bool(wA.is_real and wB.is_real and TA.is_positive and TB.is_positive)

    def _eval_rewrite_as_Bose(self, wA: sympy.Expr, TA: sympy.Expr, wB: sympy.Expr, TB: sympy.Expr,
                              **kw: Any) -> sympy.Expr:
        nA, nB = Bose(wA, TA), Bose(wB, TB)
        return nA / (2 * nA + 1) - nB / (2 * nB + 1)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        if argindex not in (1, 2, 3, 4):
            raise sympy.ArgumentIndexError(self, argindex)
        k = (argindex - 1) // 2
        w, T = self.args[2 * k], self.args[2 * k + 1]
        f = _fermi(w, T)
        df = -f * (1 - f) / T if argindex % 2 == 1 else f * (1 - f) * w / T**2
        return df if k == 0 else -df

    def _bias(self) -> sympy.Expr | None:
        wA, TA, wB, TB = self.args
        if TA.is_positive and TB.is_positive:
            return sympy.expand(wB * TA - wA * TB)
        return None

    def _eval_is_positive(self) -> bool | None:
        b = self._bias()
        return None if b is None else b.is_positive

    def _eval_is_negative(self) -> bool | None:
        b = self._bias()
        return None if b is None else b.is_negative

    def _eval_is_zero(self) -> bool | None:
        b = self._bias()
        return None if b is None else b.is_zero

    def _latex(self, printer: Any, exp: Any = None) -> str:
        wA, TA, wB, TB = self.args

        def f(w: sympy.Expr, T: sympy.Expr) -> str:
            lab = _sub_label(T)
            pw = printer._print(w)
            return f"f_{{{lab}}}\\left({pw}\\right)" if lab else f"f\\left({pw}, {printer._print(T)}\\right)"
        base = f"\\left[{f(wA, TA)} - {f(wB, TB)}\\right]"
        return f"{base}^{{{exp}}}" if exp is not None else base


def _fermi(w: sympy.Expr, T: sympy.Expr) -> sympy.Expr:
    return 1 / (sympy.exp(w / T) + 1)


def _sub_label(T: sympy.Basic) -> str | None:
    if isinstance(T, sympy.Symbol) and T.name.startswith("T_") and len(T.name) > 2:
        return T.name[2:]
    return None


class Bose(ExpDefinedFunction):
    r"""Planck distribution :math:`n(\omega, T) = 1/(e^{\omega/T} - 1)` (qubit_kernels eq. 3.7).

    ``Bose(omega, T_A)`` prints as :math:`n_A(\omega)`.  Series, limits and
    assumptions act on the exponential formula
    (:class:`~symness.expfunction.ExpDefinedFunction`): :math:`n > 0` for
    :math:`\omega, T > 0`, :math:`n < -1` for :math:`\omega < 0`; ``T = 0`` gives
    0 (:math:`\omega > 0`) or -1 (:math:`\omega < 0`); :math:`\omega = 0` is a pole.
    """

    nargs = 2
    is_real = True
    _imp_ = staticmethod(bose_numeric)

    @classmethod
    def eval(cls, omega: sympy.Expr, T: sympy.Expr) -> sympy.Expr | None:
        if T.is_negative:
            raise NegativeTemperatureError(
                f"Bose({omega}, {T}): the temperature {T} is negative; temperatures must be >= 0.")
        if omega.is_zero:
            return sympy.S.ComplexInfinity
        if T.is_zero:
            if omega.is_positive:
                return sympy.S.Zero
            if omega.is_negative:
                return sympy.S.NegativeOne
        if omega.is_Number and T.is_Number and T > 0 and omega != 0:
            return 1 / (sympy.exp(omega / T) - 1)
        return None

    @classmethod
    def exp_form(cls, omega: sympy.Expr, T: sympy.Expr) -> sympy.Expr:
        return 1 / (sympy.exp(omega / T) - 1)

    @classmethod
    def regular_at(cls, omega: sympy.Expr, T: sympy.Expr) -> bool:
        return bool(omega.is_real and omega.is_nonzero and T.is_positive)

    def _eval_is_positive(self) -> bool | None:
        omega, T = self.args
        if omega.is_positive and T.is_positive:
            return True
        if omega.is_negative and T.is_nonnegative:
            return False
        return None

    def _eval_is_nonnegative(self) -> bool | None:
        omega, T = self.args
        if omega.is_positive and T.is_nonnegative:
            return True
        if omega.is_negative and T.is_nonnegative:
            return False
        return None

    def _eval_is_negative(self) -> bool | None:
        omega, T = self.args
        if omega.is_negative and T.is_nonnegative:
            return True
        if omega.is_positive and T.is_nonnegative:
            return False
        return None

    def _eval_is_zero(self) -> bool | None:
        omega, T = self.args
        if omega.is_nonzero and T.is_positive:
            return False
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        omega, T = self.args
        n = self
        if argindex == 1:
            return -n * (1 + n) / T
        if argindex == 2:
            return n * (1 + n) * omega / T**2
        raise sympy.ArgumentIndexError(self, argindex)

    def _latex(self, printer: Any, exp: Any = None) -> str:
        omega, T = self.args
        lab = _sub_label(T)
        w = printer._print(omega)
        base = f"n_{{{lab}}}\\left({w}\\right)" if lab else f"n\\left({w}, {printer._print(T)}\\right)"
        return f"{base}^{{{exp}}}" if exp is not None else base


class BoseDifference(ExpDefinedFunction):
    r""":math:`n(\omega, T_A) - n(\omega, T_B)`, the thermodynamic bias of one channel.

    Printed :math:`[n_A(\omega) - n_B(\omega)]`; zero when the two
    temperatures are the same expression.  Its sign is the sign of
    :math:`\omega\,(T_A - T_B)` (the Bose function of a positive frequency
    increases with :math:`T`); series, limits and assumptions act on the
    exponential formula (:class:`~symness.expfunction.ExpDefinedFunction`).
    """

    nargs = 3
    is_real = True
    _imp_ = staticmethod(bose_difference_numeric)

    @classmethod
    def eval(cls, omega: sympy.Expr, TA: sympy.Expr, TB: sympy.Expr) -> sympy.Expr | None:
        for T in (TA, TB):
            if T.is_negative:
                raise NegativeTemperatureError(
                    f"BoseDifference({omega}, {TA}, {TB}): the temperature {T} is negative; "
                    "temperatures must be >= 0.")
        if TA == TB:
            return sympy.S.Zero
        return None

    @classmethod
    def exp_form(cls, omega: sympy.Expr, TA: sympy.Expr, TB: sympy.Expr) -> sympy.Expr:
        return 1 / (sympy.exp(omega / TA) - 1) - 1 / (sympy.exp(omega / TB) - 1)

    @classmethod
    def regular_at(cls, omega: sympy.Expr, TA: sympy.Expr, TB: sympy.Expr) -> bool:
        return bool(omega.is_real and omega.is_nonzero and TA.is_positive and TB.is_positive)

    def _eval_rewrite_as_Bose(self, omega: sympy.Expr, TA: sympy.Expr, TB: sympy.Expr, **kw: Any
                              ) -> sympy.Expr:
        return Bose(omega, TA) - Bose(omega, TB)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        omega, TA, TB = self.args
        nA, nB = Bose(omega, TA), Bose(omega, TB)
        if argindex == 1:
            return -nA * (1 + nA) / TA + nB * (1 + nB) / TB
        if argindex == 2:
            return nA * (1 + nA) * omega / TA**2
        if argindex == 3:
            return -nB * (1 + nB) * omega / TB**2
        raise sympy.ArgumentIndexError(self, argindex)

    def _sign(self) -> tuple[bool | None, bool | None, bool | None]:
        """(positive, negative, zero) from the signs of omega and T_A - T_B."""
        omega, TA, TB = self.args
        d = TA - TB
        if not (TA.is_nonnegative and TB.is_nonnegative):
            return None, None, None
        if d.is_zero:
            return False, False, True
        if omega.is_positive:
            return d.is_positive, d.is_negative, d.is_zero
        if omega.is_negative:
            return d.is_negative, d.is_positive, d.is_zero
        return None, None, None

    def _eval_is_positive(self) -> bool | None:
        return self._sign()[0]

    def _eval_is_negative(self) -> bool | None:
        return self._sign()[1]

    def _eval_is_zero(self) -> bool | None:
        return self._sign()[2]

    def _latex(self, printer: Any, exp: Any = None) -> str:
        omega, TA, TB = self.args
        a = Bose(omega, TA)._latex(printer)
        b = Bose(omega, TB)._latex(printer)
        base = f"\\left[{a} - {b}\\right]"
        return f"{base}^{{{exp}}}" if exp is not None else base


def bose_atoms(expr: Any) -> set[sympy.Basic]:
    """The :class:`Bose` and :class:`BoseDifference` applications inside ``expr``."""
    return set(expr.atoms(Bose)) | set(expr.atoms(BoseDifference))
