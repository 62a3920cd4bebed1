r"""SymPy functions defined by an exponential formula: series, limits and evaluation through it.

The closed forms of the package keep thermal factors as opaque SymPy functions
(:class:`~symness.kernels.functions.Bose`, ``BoseDifference``, ``FermiDifference``,
:class:`~symness.classical.closedforms.BoltzmannDifference`): they print as the
papers write them and evaluate without cancellation.  SymPy's calculus must
still see through them.  :class:`ExpDefinedFunction` gives a function class
whose value is one exponential expression (:meth:`ExpDefinedFunction.exp_form`)
the rules SymPy asks for:

* ``rewrite(sympy.exp)`` and ``rewrite("tractable")`` (the Gruntz limit
  algorithm rewrites to tractable functions before it looks at the
  expression), so :func:`sympy.limit` is computed on the exponential formula;
* ``_eval_nseries`` and ``_eval_as_leading_term`` (used by :func:`sympy.series`,
  ``leadterm`` and the first stage of :func:`sympy.limit`) and
  ``_eval_is_meromorphic``: where the arguments tend to a point at which the
  function is provably analytic (:meth:`ExpDefinedFunction.regular_at`, e.g.
  :math:`n(\omega, T)` at :math:`\omega \ne 0`, :math:`0 < T < \infty`) SymPy's
  Taylor expansion through ``fdiff`` is kept (the result stays in the function's
  own notation and large expressions stay fast); elsewhere everything is computed
  on the exponential formula -- without that SymPy expanded the function as if it
  were analytic in every argument (wrong at a pole such as :math:`n(\omega\to 0)`
  and at :math:`T \to 0, \infty`);
* ``_eval_evalf`` with SymPy's adaptive evaluation of the formula, so a
  difference of nearly equal terms keeps all requested digits.

Subclasses implement :meth:`exp_form`, ``fdiff`` (partial derivatives written
with the function itself, so derivatives stay short) and the ``_eval_is_*``
assumptions.
"""

from __future__ import annotations

from typing import Any

import sympy
from mpmath.libmp import prec_to_dps

__all__ = ["ExpDefinedFunction"]


class ExpDefinedFunction(sympy.Function):
    """Base class of a SymPy function whose value is the expression :meth:`exp_form` of its arguments."""

    @classmethod
    def exp_form(cls, *args: sympy.Expr) -> sympy.Expr:
        """The value written with ``exp`` (the definition of the function)."""
        raise NotImplementedError

    def _eval_rewrite_as_exp(self, *args: Any, **kw: Any) -> sympy.Expr:
        return self.exp_form(*args)

    def _eval_rewrite_as_tractable(self, *args: Any, limitvar: Any = None, **kw: Any) -> sympy.Expr:
        return self.exp_form(*args)

    @classmethod
    def regular_at(cls, *args: sympy.Expr) -> bool:
        """True if the function is provably analytic at these (finite) argument values."""
        return False

    def _limit_args(self, x: sympy.Symbol, a: Any = 0) -> list[sympy.Expr] | None:
        """The arguments at x = a if the function is provably analytic there, else None."""
        if a in (sympy.oo, -sympy.oo, sympy.zoo):
            return None
        args0 = [t.subs(x, a) for t in self.args]
        if any(t.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) or t.is_finite is False for t in args0):
            return None
        return args0 if self.regular_at(*args0) else None

    def _eval_nseries(self, x: sympy.Symbol, n: int, logx: Any, cdir: Any = 0) -> sympy.Expr:
        if self._limit_args(x) is not None:   # Taylor through fdiff, in the function's own notation
            return super()._eval_nseries(x, n, logx, cdir)
        return self.exp_form(*self.args)._eval_nseries(x, n, logx, cdir)

    def _eval_as_leading_term(self, x: sympy.Symbol, logx: Any = None, cdir: Any = 0) -> sympy.Expr:
        args0 = self._limit_args(x)
        if args0 is not None:
            value = self.func(*args0)
            if value.is_zero is False:
                return value
        return self.exp_form(*self.args).as_leading_term(x, logx=logx, cdir=cdir)

    def _eval_is_meromorphic(self, x: sympy.Symbol, a: Any) -> bool | None:
        if self._limit_args(x, a) is not None:
            return True
        return self.exp_form(*self.args).is_meromorphic(x, a)

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        if not all(a.is_number for a in self.args):
            return self.exp_form(*(a.evalf(prec_to_dps(prec)) for a in self.args))
        # adaptive: SymPy raises the working precision where the terms cancel
        return self.exp_form(*self.args).evalf(prec_to_dps(prec))
