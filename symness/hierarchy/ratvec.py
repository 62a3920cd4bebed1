r"""Vectors and matrices of rational functions with *factored common denominators* (python-flint).

The hierarchy's right-hand sides share a few large denominators (the determinant of
:math:`\mathcal P_1\mathcal L_2\mathcal P_1` in the coordinates of :math:`\mathrm{Im}\,\mathcal P_1`,
and small factors such as :math:`h`, :math:`1-t`).  Adding fractions entry by entry in a
rational-function field costs a multivariate GCD per operation; instead a :class:`RVec`
keeps polynomial numerators over one denominator stored as a product of known
irreducible factors, so sums need only multiplications (the LCM of factored
denominators is a max of exponents) and cancellation is a trial division by the known
factors.  Used by :mod:`symness.hierarchy.symbolic` for :math:`\rho_{m\ge1}`.

Arithmetic is python-flint's ``fmpq_mpoly`` (sparse multivariate polynomials over
:math:`\mathbb Q` in C): the trial divisions of :meth:`RVec.cancel` dominated the two-spin
:math:`\rho_1` in SymPy's pure-Python ``PolyElement`` (59 of 67 s); in flint they take
milliseconds.  :class:`FlintRing` converts from and to the SymPy polynomial ring of the
field the hierarchy's projections are built in (same generators, same order).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import flint
import sympy
from flint.utils.flint_exceptions import DomainError
from sympy.core.mul import _mulsort
from sympy.polys.matrices import DomainMatrix

__all__ = ["FlintRing", "FMat", "RVec", "field_parts"]


#: polynomials with more terms than this are not factored: known factors are divided out
#: and the cofactor is kept whole (a valid, possibly non-minimal, common denominator)
FACTOR_TERMS = 400


class FlintRing:
    r"""The polynomial ring :math:`\mathbb Q[x_1, \dots, x_k]` in python-flint, mirroring a SymPy ring.

    Denominator factors are kept primitive over the integers (positive leading coefficient).

    Parameters
    ----------
    symbols
        The generators (SymPy symbols), in the order of the SymPy ring/field they mirror.

    Attributes
    ----------
    factors
        The known irreducible denominator factors (primitive integer polynomials); denominators are ``Counter``\ s
        ``{index into factors: exponent}``.
    """

    def __init__(self, symbols: Sequence[sympy.Symbol]):
        self.symbols = list(symbols)
        self.ctx = flint.fmpq_mpoly_ctx.get(tuple(f"x{k}" for k in range(len(self.symbols))), "degrevlex")
        self.zero = self.ctx.constant(0)
        self.one = self.ctx.constant(1)
        self.factors: list[Any] = []
        self._pow: dict[tuple[tuple[int, int], ...], Any] = {}

    # ------------------------------------------------------------------ conversion
    def from_sympy_poly(self, p: Any) -> Any:
        """A SymPy ``PolyElement`` (same generators) or a rational number -> ``fmpq_mpoly``."""
        if not hasattr(p, "ring"):
            q = flint.fmpq(p) if isinstance(p, int) else flint.fmpq(int(p.numerator), int(p.denominator))
            return self.ctx.constant(q)
        return self.ctx.from_dict({m: flint.fmpq(int(c.numerator), int(c.denominator)) for m, c in p.items()})

    def to_sympy_poly(self, p: Any, ring: Any) -> Any:
        """``fmpq_mpoly`` -> an element of the SymPy polynomial ring ``ring`` (same generators)."""
        if ring is None:
            c = p.leading_coefficient() if p else flint.fmpq(0)
            return sympy.QQ(int(c.p), int(c.q))
        dom = ring.domain
        return ring.from_dict({m: dom(int(c.p), int(c.q)) for m, c in p.to_dict().items()})

    def to_expr(self, p: Any, symbols: Sequence[sympy.Expr] | None = None) -> sympy.Expr:
        """``fmpq_mpoly`` -> an expanded SymPy expression in ``symbols`` (default: the ring's generators).

        When every symbol is an atom or a function application (``cos(theta)``, ``tanh(h/T)``)
        the canonical products are assembled directly: the order of the factors of a
        monomial depends only on which generators occur and whether with exponent 1 (SymPy
        orders a ``Pow`` by its base), so it is sorted once per such pattern by SymPy's own
        ``_mulsort`` -- identical expressions, about 5x faster than ``Mul(*factors)`` per term
        (a 12 700-term numerator of rho_2: 0.7 s instead of 4 s).
        """
        syms = self.symbols if symbols is None else [sympy.sympify(s) for s in symbols]
        items = p.to_dict().items()
        if not all(s.is_commutative and (s.is_Atom or isinstance(s, sympy.Function)) for s in syms):
            return sympy.Add(*[sympy.Mul(sympy.Rational(int(c.p), int(c.q)),
                                         *[s**k for s, k in zip(syms, m) if k]) for m, c in items])
        powers: dict[tuple[int, int], sympy.Expr] = {}
        perms: dict[tuple[tuple[int, bool], ...], list[int]] = {}
        terms = []
        for m, c in items:
            key = tuple((j, k == 1) for j, k in enumerate(m) if k)
            perm = perms.get(key)
            if perm is None:
                rep = [syms[j] if first else sympy.Pow(syms[j], 2) for j, first in key]
                srt = list(rep)
                _mulsort(srt)
                perm = perms[key] = [key[rep.index(x)][0] for x in srt]
            f = []
            for j in perm:
                x = powers.get((j, m[j]))
                if x is None:
                    x = powers[(j, m[j])] = syms[j] if m[j] == 1 else sympy.Pow(syms[j], m[j])
                f.append(x)
            q = sympy.Rational(int(c.p), int(c.q))
            if not f:
                terms.append(q)
            elif q == 1:
                terms.append(f[0] if len(f) == 1 else sympy.Mul._from_args(f))
            else:
                terms.append(sympy.Mul._from_args([q, *f]))
        return sympy.Add(*terms)

    # ------------------------------------------------------------------ factored denominators
    def index(self, f: Any) -> int:
        """Index of the normalised irreducible ``f`` in :attr:`factors` (appended when new)."""
        for k, g in enumerate(self.factors):
            if g == f:
                return k
        self.factors.append(f)
        return len(self.factors) - 1

    def factored(self, poly: Any) -> tuple[Any, Counter]:
        """``poly = const * prod factors[k]**e`` -> ``(const, Counter{k: e})``.

        Polynomials with more than :data:`FACTOR_TERMS` terms are not factored: the known
        factors are divided out and the cofactor becomes a factor of its own.
        """
        if len(poly) <= FACTOR_TERMS:
            const, facs = poly.factor()
            out: Counter = Counter()
            for f, k in facs:
                lc, g = self._monic(f)
                const *= lc**k
                out[self.index(g)] += k
            return const, out
        out = Counter()
        rest = poly
        for k, f in enumerate(list(self.factors)):
            while True:
                try:
                    rest = self.exquo(rest, f)
                except DomainError:
                    break
                out[k] += 1
        if rest.is_constant():
            return rest.leading_coefficient(), out
        const, rest = self._monic(rest)
        out[self.index(rest)] += 1
        return const, out

    def _monic(self, f: Any) -> tuple[Any, Any]:
        """``f = c * g`` with ``g`` primitive over the integers and a positive leading coefficient."""
        num, den = 0, 1
        for c in f.coeffs():
            num = math.gcd(num, int(c.p))
            den = den * int(c.q) // math.gcd(den, int(c.q))
        c = flint.fmpq(num, den) * (1 if f.leading_coefficient() > 0 else -1)
        return c, f * (1 / c)

    @staticmethod
    def denominator_lcm(p: Any) -> int:
        """The least common multiple of the denominators of the coefficients of ``p``."""
        den = 1
        for c in p.coeffs():
            den = den * int(c.q) // math.gcd(den, int(c.q))
        return den

    @staticmethod
    def exquo(p: Any, f: Any) -> Any:
        """Exact quotient ``p / f`` (raises :class:`flint.DomainError` when ``f`` does not divide ``p``)."""
        return p / f

    def power(self, fac: Counter) -> Any:
        """The product ``prod factors[k]**e`` of a factored denominator (cached)."""
        key = tuple(sorted((k, e) for k, e in fac.items() if e > 0))
        out = self._pow.get(key)
        if out is None:
            out = self.one
            for k, e in key:
                out = out * self.factors[k] ** e
            self._pow[key] = out
        return out


def field_parts(x: Any) -> tuple[Any, Any]:
    """(numerator, denominator) of an element of a SymPy fraction field or of QQ."""
    if hasattr(x, "numer") and hasattr(x, "denom"):
        return x.numer, x.denom
    return flint.fmpq(int(x.numerator), int(x.denominator)), 1


class FMat:
    """A sparse matrix ``num / den`` with polynomial numerators and one factored denominator."""

    def __init__(self, rows: dict[int, dict[int, Any]], den: Counter, shape: tuple[int, int], ring: FlintRing):
        self.rows, self.den, self.shape, self.ring = rows, den, shape, ring

    @classmethod
    def from_domain(cls, A: DomainMatrix, ring: FlintRing) -> FMat:
        """From a SymPy ``DomainMatrix`` over the fraction field whose generators ``ring`` mirrors."""
        entries = {key: tuple(ring.from_sympy_poly(p) for p in field_parts(x)) for key, x in A.to_dok().items()}
        return cls.from_fractions(entries, A.shape, ring)

    @classmethod
    def from_fractions(cls, entries: dict[tuple[int, int], tuple[Any, Any]], shape: tuple[int, int],
                       ring: FlintRing) -> FMat:
        """From ``{(i, j): (numerator, denominator)}`` flint polynomials."""
        lcm: Counter = Counter()
        parts: dict[tuple[int, int], tuple[Any, Any, Counter]] = {}
        for key, (num, d) in sorted(entries.items(), key=lambda kv: len(kv[1][1])):
            const, fac = ring.factored(d)
            parts[key] = (num, const, fac)
            lcm |= fac
        rows: dict[int, dict[int, Any]] = {}
        for (i, j), (num, const, fac) in parts.items():
            if num:
                rows.setdefault(i, {})[j] = num * ring.power(lcm - fac) * (1 / const)
        return cls(rows, lcm, shape, ring)

    def __matmul__(self, v: RVec) -> RVec:
        out: dict[int, Any] = {}
        for i, row in self.rows.items():
            acc = None
            for j, a in row.items():
                b = v.num.get(j)
                if b is not None:
                    acc = a * b if acc is None else acc + a * b
            if acc is not None and acc:
                out[i] = acc
        return RVec(out, self.den + v.den, self.shape[0], self.ring).cancel()


class RVec:
    """A sparse vector ``num / den`` of rational functions (factored common denominator)."""

    def __init__(self, num: dict[int, Any], den: Counter, size: int, ring: FlintRing):
        self.num = {i: p for i, p in num.items() if p}
        self.den = Counter({f: k for f, k in den.items() if k > 0})
        self.size, self.ring = size, ring

    @classmethod
    def from_domain(cls, v: DomainMatrix, ring: FlintRing) -> RVec:
        m = FMat.from_domain(v, ring)
        return cls({i: row[0] for i, row in m.rows.items() if 0 in row}, m.den, v.shape[0], ring)

    @classmethod
    def zero(cls, size: int, ring: FlintRing) -> RVec:
        return cls({}, Counter(), size, ring)

    def _lift(self, den: Counter) -> dict[int, Any]:
        miss = den - self.den
        if not miss:
            return dict(self.num)
        f = self.ring.power(miss)
        return {i: p * f for i, p in self.num.items()}

    def __add__(self, other: RVec) -> RVec:
        den = self.den | other.den
        a, b = self._lift(den), other._lift(den)
        for i, p in b.items():
            a[i] = a[i] + p if i in a else p
        return RVec(a, den, self.size, self.ring)

    def __neg__(self) -> RVec:
        return RVec({i: -p for i, p in self.num.items()}, self.den, self.size, self.ring)

    def __sub__(self, other: RVec) -> RVec:
        return self + (-other)

    def cancel(self) -> RVec:
        """Divide out denominator factors that divide every numerator."""
        num, den = dict(self.num), Counter(self.den)
        if not num:
            return RVec({}, Counter(), self.size, self.ring)
        for f in list(den):
            g = self.ring.factors[f]
            while den[f] > 0:
                try:
                    num = {i: self.ring.exquo(p, g) for i, p in num.items()}
                except DomainError:
                    break
                den[f] -= 1
        return RVec(num, den, self.size, self.ring)

    def entry(self, i: int) -> tuple[Any, Any]:
        """(numerator, denominator) flint polynomials of entry ``i`` after cancelling common factors."""
        num, den = self.entry_factored(i)
        return num, self.ring.power(den)

    def entry_factored(self, i: int) -> tuple[Any, Counter]:
        """(numerator, factored denominator) of entry ``i`` after cancelling common factors."""
        p = self.num.get(i)
        if p is None:
            return self.ring.zero, Counter()
        den = Counter(self.den)
        for f in list(den):
            g = self.ring.factors[f]
            while den[f] > 0:
                try:
                    p = self.ring.exquo(p, g)
                except DomainError:
                    break
                den[f] -= 1
        return p, +den
