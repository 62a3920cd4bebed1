r"""Vectors and matrices of rational functions with *factored common denominators*.

The hierarchy's right-hand sides share a few large denominators (the determinant of
:math:`\mathcal P_1\mathcal L_2\mathcal P_1` in the coordinates of :math:`\mathrm{Im}\,\mathcal P_1`,
and small factors such as :math:`h`, :math:`1-t`).  Adding fractions entry by entry in a
rational-function field costs a multivariate GCD per operation; instead a :class:`RVec`
keeps polynomial numerators over one denominator stored as a product of known
irreducible factors, so sums need only multiplications (the LCM of factored
denominators is a max of exponents) and cancellation is a trial division by the known
factors.  Used by :mod:`symness.hierarchy.symbolic` for :math:`\rho_{m\ge1}`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sympy.polys.matrices import DomainMatrix
from sympy.polys.polyerrors import ExactQuotientFailed

__all__ = ["FMat", "RVec"]


#: polynomials with more terms than this are not factored: known factors are divided out
#: and the cofactor is kept whole (a valid, possibly non-minimal, common denominator)
FACTOR_TERMS = 40


def _factored(poly: Any, known: list[Any] | None = None) -> tuple[Any, Counter]:
    """poly = const * prod f^k -> (const, Counter{f: k}) with non-constant f."""
    if len(poly.terms()) <= FACTOR_TERMS:
        const, facs = poly.factor_list()
        out = Counter({f: k for f, k in facs})
        if known is not None:
            known.extend(f for f in out if f not in known)
        return const, out
    out = Counter()
    rest = poly
    for f in (known or []):
        while True:
            try:
                q = rest.exquo(f)
            except ExactQuotientFailed:
                break
            rest = q
            out[f] += 1
    if rest.is_ground:
        return rest.LC, out
    const = rest.LC
    rest = rest * (1 / const)
    out[rest] += 1
    if known is not None and rest not in known:
        known.append(rest)
    return const, out


def _power(fac: Counter, ring: Any) -> Any:
    out = ring.one
    for f, k in fac.items():
        out = out * f**k
    return out


class FMat:
    """A sparse matrix ``num / den`` with polynomial numerators and one factored denominator."""

    def __init__(self, rows: dict[int, dict[int, Any]], den: Counter, shape: tuple[int, int], ring: Any):
        self.rows, self.den, self.shape, self.ring = rows, den, shape, ring

    @classmethod
    def from_domain(cls, A: DomainMatrix) -> FMat:
        K = A.domain
        ring = K.field.ring if hasattr(K, "field") else None
        entries = A.to_dok()
        dens: dict[Any, Counter] = {}
        lcm: Counter = Counter()
        cache: dict[Any, tuple[Any, Counter]] = {}
        known: list[Any] = []
        for key, x in sorted(entries.items(), key=lambda kv: len(kv[1].denom.terms())):
            d = x.denom
            if d not in cache:
                cache[d] = _factored(d, known)
            const, fac = cache[d]
            dens[key] = fac
            for f, k in fac.items():
                lcm[f] = max(lcm[f], k)
        rows: dict[int, dict[int, Any]] = {}
        for (i, j), x in entries.items():
            const, fac = cache[x.denom]
            miss = lcm - fac
            num = x.numer * _power(miss, ring) * (1 / const)
            rows.setdefault(i, {})[j] = num
        return cls(rows, lcm, A.shape, ring)

    def __matmul__(self, v: RVec) -> RVec:
        out: dict[int, Any] = {}
        for i, row in self.rows.items():
            acc = None
            for j, a in row.items():
                b = v.num.get(j)
                if b is not None:
                    acc = a * b if acc is None else acc + a * b
            if acc:
                out[i] = acc
        return RVec(out, self.den + v.den, self.shape[0], self.ring).cancel()


class RVec:
    """A sparse vector ``num / den`` of rational functions (factored common denominator)."""

    def __init__(self, num: dict[int, Any], den: Counter, size: int, ring: Any):
        self.num = {i: p for i, p in num.items() if p}
        self.den = Counter({f: k for f, k in den.items() if k > 0})
        self.size, self.ring = size, ring

    @classmethod
    def from_domain(cls, v: DomainMatrix) -> RVec:
        m = FMat.from_domain(v)
        return cls({i: row[0] for i, row in m.rows.items() if 0 in row}, m.den, v.shape[0], m.ring)

    @classmethod
    def zero(cls, size: int, ring: Any) -> RVec:
        return cls({}, Counter(), size, ring)

    def _lift(self, den: Counter) -> dict[int, Any]:
        miss = den - self.den
        if not miss:
            return dict(self.num)
        f = _power(miss, self.ring)
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
            while den[f] > 0:
                try:
                    new = {i: p.exquo(f) for i, p in num.items()}
                except ExactQuotientFailed:
                    break
                num = new
                den[f] -= 1
        return RVec(num, den, self.size, self.ring)

    def entry(self, i: int) -> tuple[Any, Any]:
        """(numerator, denominator) polynomials of entry ``i`` after cancelling common factors."""
        p = self.num.get(i)
        if p is None:
            return self.ring.zero, self.ring.one
        den = Counter(self.den)
        for f in list(den):
            while den[f] > 0:
                try:
                    p = p.exquo(f)
                except ExactQuotientFailed:
                    break
                den[f] -= 1
        return p, _power(den, self.ring)
