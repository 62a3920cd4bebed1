r"""Closed-form stationary states of rate matrices with opaque rate symbols (python-flint).

Markov-chain tree theorem: for an irreducible generator ``K`` (``K[p, q]`` = rate
of ``q -> p``) the stationary state is

.. math::

    \rho_r = P_r / Z, \qquad P_r = \det\,(-K)_{\hat r\hat r}, \qquad Z = \sum_r P_r,

where :math:`P_r` is the sum over spanning trees directed towards ``r`` of the
product of their rates: a polynomial with non-negative integer coefficients in
the rate symbols (no cancellation, so populations are positive term by term).

How it is computed, and what each choice bought (8-level three-qubit absorption
refrigerator, 36 rate symbols, 8100 terms per minor):

* rates are ring generators of python-flint's ``fmpz_mpoly`` (C arithmetic on
  sparse integer polynomials), never SymPy expressions while solving;
* each principal minor is a determinant evaluated by Laplace expansion along
  the rows with the minors of the remaining columns memoised by bitmask
  (:math:`2^{n-1}` sub-minors, each a short sum of products of a *single-entry*
  rate polynomial with a cached minor): 0.13 s for all eight minors.  Fraction-free
  (Bareiss) elimination over the same ring multiplies pairs of dense 8000-term
  minors at every step and took 250 s; SymPy's ``DomainMatrix`` did not finish in
  300 s;
* Bohr frequencies and Bose functions enter only afterwards, when the rate
  symbols are given their meaning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain, combinations
from typing import Any

import flint
import numpy as np
import sympy

from ..closedform import LazyDefinition

__all__ = ["PolyRing", "minor", "principal_minor", "stationary_polynomials", "PolynomialDefinition"]


class PolyRing:
    """A python-flint integer polynomial ring whose generators stand for SymPy symbols.

    Parameters
    ----------
    symbols
        The SymPy symbols (rates, Bohr frequencies, ...) that become generators.
    """

    def __init__(self, symbols: Sequence[sympy.Symbol]):
        self.symbols = list(symbols)
        if len(set(self.symbols)) != len(self.symbols):
            raise ValueError("PolyRing: symbols must be distinct")
        names = tuple(f"x{k}" for k in range(max(1, len(self.symbols))))
        self.ctx = flint.fmpz_mpoly_ctx.get(names, "degrevlex")
        self._gens = self.ctx.gens()
        self._index = {s: k for k, s in enumerate(self.symbols)}
        self._terms: dict[int, tuple[Any, list[int], np.ndarray]] = {}

    @property
    def nvars(self) -> int:
        return len(self.symbols)

    def gen(self, symbol: sympy.Symbol) -> flint.fmpz_mpoly:
        return self._gens[self._index[symbol]]

    def zero(self) -> flint.fmpz_mpoly:
        return self.ctx.constant(0)

    def one(self) -> flint.fmpz_mpoly:
        return self.ctx.constant(1)

    def terms(self, p: flint.fmpz_mpoly) -> tuple[list[int], np.ndarray]:
        """``(integer coefficients, exponent matrix of shape (terms, nvars))`` (cached per polynomial)."""
        hit = self._terms.get(id(p))
        if hit is not None and hit[0] is p:
            return hit[1], hit[2]
        monoms = p.monoms()
        coeffs = [int(c) if isinstance(c, flint.fmpz) else sympy.Rational(int(c.p), int(c.q)) for c in p.coeffs()]
        nv = self.ctx.nvars()
        exps = np.fromiter(chain.from_iterable(monoms), dtype=np.int64, count=len(monoms) * nv)
        exps = exps.reshape(len(monoms), nv)[:, : self.nvars]
        self._terms[id(p)] = (p, coeffs, exps)  # keeps p alive, so its id is not reused
        return coeffs, exps

    def to_sympy(self, p: flint.fmpz_mpoly) -> sympy.Expr:
        """The polynomial as a SymPy expression in the ring's symbols."""
        coeffs, exps = self.terms(p)
        out = []
        for c, e in zip(coeffs, exps):
            factors = [sympy.sympify(c)]
            for k in np.nonzero(e)[0]:
                s = self.symbols[k]
                factors.append(s if e[k] == 1 else s ** int(e[k]))
            out.append(sympy.Mul(*factors))
        return sympy.Add(*out)

    def factor_sympy(self, p: flint.fmpz_mpoly) -> sympy.Expr:
        """``p`` factored over the integers (python-flint), as a SymPy product."""
        if p.is_zero():
            return sympy.S.Zero
        c, facs = p.factor()
        out = [sympy.Integer(int(c))]
        for f, m in facs:
            fe = self.to_sympy(f)
            out.append(fe if m == 1 else sympy.Pow(fe, m, evaluate=False))
        return sympy.Mul(*out)


def principal_minor(M: Sequence[Sequence[Any]], idx: Sequence[int], one: Any) -> Any:
    """``det M[idx, idx]`` (see :func:`minor`)."""
    return minor(M, idx, idx, one)


def minor(M: Sequence[Sequence[Any]], rows: Sequence[int], cols: Sequence[int], one: Any) -> Any:
    """``det M[rows, cols]`` by Laplace expansion along rows, sub-minors memoised by column bitmask.

    ``M`` holds ring elements (or ``None`` for zero); ``rows`` and ``cols`` are
    taken in the order given.  Cost: :math:`2^{m}` cached sub-minors for an
    ``m x m`` minor, each a sum over the non-zero entries of one row -- cheap for
    the sparse generators of spin networks (``m <= 12`` or so).
    """
    m = len(rows)
    if m != len(cols):
        raise ValueError("minor: as many rows as columns")
    idx = list(cols)
    if m == 0:
        return one
    memo: dict[int, Any] = {0: one}
    for size in range(1, m + 1):
        r = rows[m - size]
        row = M[r]
        for S in combinations(range(m), size):
            mask = 0
            for s in S:
                mask |= 1 << s
            acc = None
            for pos, s in enumerate(S):
                a = row[idx[s]]
                if a is None:
                    continue
                sub = memo.get(mask & ~(1 << s))
                if sub is None:
                    continue
                t = a * sub
                if pos % 2:
                    acc = -t if acc is None else acc - t
                else:
                    acc = t if acc is None else acc + t
            if acc is not None and not acc.is_zero():
                memo[mask] = acc
        # sub-minors two sizes down are no longer needed
        if size >= 2:
            for key in [k for k in memo if k and bin(k).count("1") == size - 2]:
                del memo[key]
    return memo.get((1 << m) - 1, one * 0)


def stationary_polynomials(n: int, edges: Sequence[tuple[int, int, Any]], ring: PolyRing,
                           states: Sequence[int] | None = None) -> tuple[list[Any], Any]:
    """Tree-theorem weights ``P_r`` (``0`` outside ``states``) and ``Z = sum_r P_r``.

    Parameters
    ----------
    n
        Number of states.
    edges
        ``(source, target, rate)`` with ``rate`` a ring element (usually a generator).
    ring
        The :class:`PolyRing` of the rates.
    states
        The closed class to solve on (default: all states; the caller checks
        that it is the unique closed class).
    """
    states = list(range(n)) if states is None else sorted(states)
    inside = set(states)
    # M = -K restricted to the class: M[p][q] = -rate(q -> p), M[q][q] = sum of rates out of q
    M: list[list[Any]] = [[None] * n for _ in range(n)]
    for a, b, r in edges:
        if a == b or a not in inside:
            continue
        M[a][a] = r if M[a][a] is None else M[a][a] + r
        if b in inside:
            M[b][a] = -r if M[b][a] is None else M[b][a] - r
    one = ring.one()
    P = [ring.zero() for _ in range(n)]
    for r in states:
        P[r] = principal_minor(M, [k for k in states if k != r], one)
    Z = ring.zero()
    for r in states:
        Z += P[r]
    return P, Z


class PolynomialDefinition(LazyDefinition):
    """A ring polynomial as a :class:`~symness.closedform.LazyDefinition` of a ClosedForm.

    Parameters
    ----------
    ring, poly
        The python-flint polynomial and its :class:`PolyRing`.
    summary
        LaTeX shown in place of the expanded sum (the number of terms is appended).
    """

    def __init__(self, ring: PolyRing, poly: Any, summary: str = ""):
        self.ring = ring
        self.poly = poly
        self.nterms = len(poly)
        self.free_symbols = {s for s, d in zip(ring.symbols, poly.degrees()) if d > 0}
        self.summary = summary
        self._expr: sympy.Expr | None = None
        self._q: Any = None

    def __repr__(self) -> str:
        return f"PolynomialDefinition({self.nterms} terms in {sorted(map(str, self.free_symbols))})"

    def sympy(self) -> sympy.Expr:
        if self._expr is None:
            self._expr = self.ring.to_sympy(self.poly)
        return self._expr

    def latex(self) -> str:
        n = f"\\text{{a polynomial of {self.nterms} terms}}"
        return f"{self.summary} \\quad ({n})" if self.summary else n

    def evaluate(self, values: Mapping[sympy.Symbol, Any], dps: int) -> sympy.Expr:
        if self._q is None:
            from .evaluate import as_rational
            self._q = as_rational(self.poly)
        args = []
        for s in self.ring.symbols:
            v = values.get(s, 0) if s in self.free_symbols else 0
            v = sympy.sympify(v)
            r = sympy.Rational(v) if v.is_Rational else sympy.Rational(sympy.Float(v, dps + 10))
            args.append(flint.fmpq(int(r.p), int(r.q)))
        args += [flint.fmpq(0)] * (self._q.context().nvars() - len(args))
        r = self._q(*args)
        return sympy.Rational(int(r.p), int(r.q)).evalf(dps)
