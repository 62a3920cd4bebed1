r"""Exact values of the tree polynomials: where double precision cannot resolve a result.

The closed forms of :mod:`symness.markov.symbolic` are ratios of integer
polynomials in non-negative variables (rates, Bohr frequencies).  A heat
current's numerator is a *difference* of large positive sums, so close to
equilibrium (or where the rates span many decades) double precision loses
every digit.  :class:`ExactPolynomials` evaluates the polynomials in exact
rational arithmetic (python-flint ``fmpq_mpoly``, in C) at the exact binary
values of variables computed to any precision: the only error left is that of
the variables, amplified by the condition number -- the caller picks their
precision from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import flint
import mpmath
import numpy as np

from .symbolic import PolyRing

__all__ = ["ExactPolynomials", "mpf_to_fmpq", "as_rational"]


class ExactPolynomials:
    """Exact rational evaluation of integer polynomials of one :class:`PolyRing`.

    The rational copies are built on first use (``to_dict`` of a 400 000-term
    polynomial takes a few seconds), so constructing this object is free.
    """

    def __init__(self, ring: PolyRing, polys: Sequence[Any]):
        self.ring = ring
        self.polys = list(polys)
        self._q: list[Any] | None = None

    def _rational(self) -> list[Any]:
        if self._q is None:
            self._q = [as_rational(p) for p in self.polys]
        return self._q

    def __call__(self, x: Sequence[Any]) -> list[flint.fmpq]:
        """Values at ``x`` (mpmath numbers, floats, ints or python-flint rationals, in ring order).

        A polynomial with more generators than the ring (e.g. a counting field
        already differentiated away) gets 0 for the extra ones.
        """
        nv = self.ring.nvars
        q = [v if isinstance(v, flint.fmpq) else mpf_to_fmpq(v) for v in list(x)[:nv]]
        out = []
        for p in self._rational():
            m = p.context().nvars()
            args = q[:m] + [flint.fmpq(0)] * (m - len(q[:m]))
            out.append(p(*args))
        return out


def as_rational(p: Any) -> Any:
    """An integer polynomial as a rational one over the same generators (rational ones unchanged)."""
    if isinstance(p, flint.fmpz_mpoly):
        ctx = p.context()
        return flint.fmpq_mpoly(p, flint.fmpq_mpoly_ctx.get(ctx.names(), ctx.ordering()))
    return p


def mpf_to_fmpq(v: Any) -> flint.fmpq:
    """The exact binary value of an mpmath number (or float, int) as a python-flint rational."""
    if isinstance(v, (int, np.integer)):
        return flint.fmpq(int(v))
    if isinstance(v, (float, np.floating)):
        n, d = float(v).as_integer_ratio()  # exact; raises for inf / nan
        return flint.fmpq(n, d)
    f = v if hasattr(v, "_mpf_") else mpmath.mpf(v)
    if not mpmath.isfinite(f):
        raise ValueError(f"not a finite number: {v}")
    sign, man, exp, _ = f._mpf_  # mpmath keeps the mantissa unsigned: the sign is separate
    man = -int(man) if sign else int(man)
    exp = int(exp)
    if exp >= 0:
        return flint.fmpq(man * (1 << exp))
    return flint.fmpq(man, 1 << (-exp))


def fmpq_to_mpf(r: flint.fmpq, ctx: Any) -> Any:
    """A python-flint rational as an mpmath number of context ``ctx`` (correctly rounded)."""
    return ctx.mpf(int(r.p)) / ctx.mpf(int(r.q))
