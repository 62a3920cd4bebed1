r"""Sparse Pauli-string algebra and superoperators in the Pauli basis, over any coefficient ring.

An operator on :math:`N` spins is a sparse sum :math:`\sum_P c_P\,\sigma^{P}` of Pauli strings
:math:`P = (p_1,\dots,p_N)`, :math:`p_l\in\{0,x,y,z\} = \{0,1,2,3\}`, site 1 first (the
``symness.spins`` convention).  Coefficients are complex numbers over a real coefficient
ring -- Python floats for the numeric path, elements of a SymPy rational-function field
(:class:`sympy.polys.fields.FracField`) or SymPy expressions for the symbolic path -- stored
as pairs ``(re, im)`` so that a real field suffices.  The single-site products
:math:`\sigma^a\sigma^b = \delta_{ab} + i\epsilon_{abc}\sigma^c` are exact.

Superoperators that preserve Hermiticity (:math:`-i[H,\cdot]`, the dissipator of eq. (7))
are *real* matrices in the Pauli basis: :func:`superop_columns` returns them as sparse
columns ``{P: {R: value}}`` with :math:`\mathcal L(\sigma^P) = \sum_R M_{RP}\sigma^R`.

One definition, two paths: the same :class:`~symness.models.base.Term` objects become
:class:`PauliOp` with SymPy/field coefficients (symbolic) or floats (numeric).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from functools import lru_cache
from itertools import product
from typing import Any

import numpy as np
import sympy

from ..errors import InvalidModelError
from ..models.base import Term

__all__ = ["PauliOp", "pauli_of_terms", "string_product", "superop_columns", "all_strings", "pauli_superoperators",
           "string_label", "string_matrix"]

String = tuple[int, ...]

#: single-site operator names -> Pauli decomposition {index: (re, im)} with exact rationals
_SITE: dict[str, dict[int, tuple[Fraction, Fraction]]] = {
    "1": {0: (Fraction(1), Fraction(0))},
    "x": {1: (Fraction(1), Fraction(0))},
    "y": {2: (Fraction(1), Fraction(0))},
    "z": {3: (Fraction(1), Fraction(0))},
    "+": {1: (Fraction(1, 2), Fraction(0)), 2: (Fraction(0), Fraction(1, 2))},
    "-": {1: (Fraction(1, 2), Fraction(0)), 2: (Fraction(0), Fraction(-1, 2))},
    "u": {0: (Fraction(1, 2), Fraction(0)), 3: (Fraction(1, 2), Fraction(0))},
    "d": {0: (Fraction(1, 2), Fraction(0)), 3: (Fraction(-1, 2), Fraction(0))},
}
_LETTER = "Ixyz"


def _mul1(a: int, b: int) -> tuple[int, int]:
    """sigma^a sigma^b = i^k sigma^c -> (k, c)."""
    if a == 0:
        return 0, b
    if b == 0 or a == b:
        return 0, (a if b == 0 else 0)
    c = 6 - a - b
    return (1 if (a, b) in ((1, 2), (2, 3), (3, 1)) else 3), c


_TABLE = {(a, b): _mul1(a, b) for a in range(4) for b in range(4)}


@lru_cache(maxsize=1 << 16)
def string_product(P: String, Q: String) -> tuple[int, String]:
    r""":math:`\sigma^P\sigma^Q = i^k\sigma^R` -> ``(k mod 4, R)``."""
    k = 0
    out = []
    for a, b in zip(P, Q):
        kk, c = _TABLE[a, b]
        k += kk
        out.append(c)
    return k % 4, tuple(out)


def string_label(P: String) -> str:
    """``(1, 0, 3) -> 'xIz'``."""
    return "".join(_LETTER[p] for p in P)


def all_strings(n: int) -> list[String]:
    """All 4^n Pauli strings in lexicographic order (I, x, y, z per site, site 1 slowest)."""
    return [tuple(p) for p in product(range(4), repeat=n)]


def string_matrix(P: String) -> np.ndarray:
    """Dense matrix of a Pauli string (site 1 leftmost factor)."""
    mats = [np.eye(2), np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1, -1])]
    out = np.ones((1, 1), dtype=complex)
    for p in P:
        out = np.kron(out, mats[p])
    return out


def _rot(re: Any, im: Any, k: int) -> tuple[Any, Any]:
    """(re + i im) * i^k."""
    if k == 0:
        return re, im
    if k == 1:
        return -im, re
    if k == 2:
        return -re, -im
    return im, -re


class PauliOp:
    """A sparse sum of Pauli strings with complex coefficients ``(re, im)`` over a real ring.

    Parameters
    ----------
    n
        Number of sites.
    terms
        ``{string: (re, im)}``.
    zero
        The ring's zero (``0.0``, ``K.zero`` of a fraction field, ``sympy.S.Zero``).
    """

    __slots__ = ("n", "terms", "zero")

    def __init__(self, n: int, terms: Mapping[String, tuple[Any, Any]] | None = None, zero: Any = 0):
        self.n = n
        self.zero = zero
        self.terms: dict[String, tuple[Any, Any]] = {}
        for s, c in (terms or {}).items():
            self._add(s, c[0], c[1])

    def _add(self, s: String, re: Any, im: Any) -> None:
        if s in self.terms:
            r0, i0 = self.terms[s]
            re, im = r0 + re, i0 + im
        if re == 0 and im == 0:
            self.terms.pop(s, None)
        else:
            self.terms[s] = (re, im)

    def copy(self) -> PauliOp:
        out = PauliOp(self.n, zero=self.zero)
        out.terms = dict(self.terms)
        return out

    def __add__(self, other: PauliOp) -> PauliOp:
        out = self.copy()
        for s, (re, im) in other.terms.items():
            out._add(s, re, im)
        return out

    def __neg__(self) -> PauliOp:
        out = PauliOp(self.n, zero=self.zero)
        out.terms = {s: (-re, -im) for s, (re, im) in self.terms.items()}
        return out

    def __sub__(self, other: PauliOp) -> PauliOp:
        return self + (-other)

    def scale(self, re: Any, im: Any = 0) -> PauliOp:
        """Multiply by the complex scalar ``re + i im``."""
        out = PauliOp(self.n, zero=self.zero)
        for s, (a, b) in self.terms.items():
            out._add(s, a * re - b * im, a * im + b * re)
        return out

    def __mul__(self, other: PauliOp) -> PauliOp:
        out = PauliOp(self.n, zero=self.zero)
        for s1, (a1, b1) in self.terms.items():
            for s2, (a2, b2) in other.terms.items():
                k, s = string_product(s1, s2)
                re, im = _rot(a1 * a2 - b1 * b2, a1 * b2 + b1 * a2, k)
                out._add(s, re, im)
        return out

    def dagger(self) -> PauliOp:
        out = PauliOp(self.n, zero=self.zero)
        out.terms = {s: (re, -im) for s, (re, im) in self.terms.items()}
        return out

    def commutator(self, other: PauliOp) -> PauliOp:
        return self * other - other * self

    def map(self, f: Callable[[Any], Any]) -> PauliOp:
        """Apply ``f`` to every real and imaginary part (e.g. a change of ring)."""
        out = PauliOp(self.n, zero=f(self.zero))
        for s, (re, im) in self.terms.items():
            out._add(s, f(re), f(im))
        return out

    def is_hermitian(self) -> bool:
        return all(im == 0 for _, im in self.terms.values())

    def real_vector(self) -> dict[String, Any]:
        """Coefficients of a Hermitian operator (raises if an imaginary part is non-zero)."""
        out = {}
        for s, (re, im) in self.terms.items():
            if im != 0:
                raise InvalidModelError(f"operator is not Hermitian: string {string_label(s)} has "
                                        f"imaginary coefficient {im}.")
            out[s] = re
        return out

    def matrix(self) -> np.ndarray:
        """Dense numeric matrix (float coefficients only)."""
        out = np.zeros((2**self.n, 2**self.n), dtype=complex)
        for s, (re, im) in self.terms.items():
            out += complex(float(re), float(im)) * string_matrix(s)
        return out

    def __repr__(self) -> str:
        items = ", ".join(f"{string_label(s)}: ({re}) + ({im})j" for s, (re, im) in list(self.terms.items())[:8])
        return f"PauliOp(n={self.n}, {{{items}{', ...' if len(self.terms) > 8 else ''}}})"


def pauli_of_terms(terms: Iterable[Term], n: int, conv: Callable[[Any], Any] = float,
                   zero: Any = 0.0) -> PauliOp:
    r"""The Pauli expansion of :math:`\sum_t c_t \prod_l O_l` with ring coefficients ``conv(c_t)``.

    ``conv`` maps a SymPy coefficient into the ring (``float`` for numbers, a fraction
    field's ``from_expr``, or the identity for SymPy).  Non-real coefficients are split
    into real and imaginary parts.
    """
    out = PauliOp(n, zero=zero)
    for t in terms:
        c = t.coeff
        if c.has(sympy.I):
            ce = sympy.expand(c)
            cre = ce.subs(sympy.I, 0)
            cim = sympy.expand((ce - cre) / sympy.I)
        else:
            cre, cim = c, sympy.S.Zero
        re_c, im_c = conv(cre), conv(cim)
        parts: list[tuple[String, tuple[Fraction, Fraction]]] = [((0,) * n, (Fraction(1), Fraction(0)))]
        for site, op in t.factors:
            dec = _SITE.get(op)
            if dec is None:
                raise InvalidModelError(f"operator {op!r} has no Pauli decomposition.")
            new = []
            for s, (a, b) in parts:
                for p, (x, y) in dec.items():
                    s2 = list(s)
                    s2[site - 1] = p
                    new.append((tuple(s2), (a * x - b * y, a * y + b * x)))
            parts = new
        for s, (a, b) in parts:
            # (re_c + i im_c)(a + i b)
            re = _frac_times(re_c, a) - _frac_times(im_c, b)
            im = _frac_times(re_c, b) + _frac_times(im_c, a)
            out._add(s, re, im)
    return out


def _frac_times(x: Any, f: Fraction) -> Any:
    if f == 0:
        return x * 0
    if f.denominator == 1:
        return x * f.numerator
    return x * f.numerator / f.denominator


def superop_columns(func: Callable[[PauliOp], PauliOp], basis: Iterable[String], n: int,
                    one: Any = 1.0) -> dict[String, dict[String, Any]]:
    r"""Sparse real matrix of a Hermiticity-preserving superoperator in the Pauli basis.

    Column ``P`` holds :math:`\mathcal L(\sigma^P) = \sum_R M_{RP}\sigma^R`.
    """
    cols: dict[String, dict[String, Any]] = {}
    zero = one * 0
    for P in basis:
        op = PauliOp(n, {P: (one, zero)}, zero=zero)
        cols[P] = func(op).real_vector()
    return cols


def pauli_superoperators(model: Any, *, small: Any = None, **values: Any) -> dict[int, Any]:
    r"""Numeric :math:`\mathcal L_k` of a model as sparse real matrices in the Pauli-string basis.

    The same :class:`~symness.models.base.Term` definitions as the symbolic path
    (:class:`~symness.hierarchy.symbolic.SymbolicHierarchy`), with float coefficients:
    :math:`\mathcal L_k\sigma^P = \sum_R (M_k)_{RP}\sigma^R`, strings ordered as
    :func:`all_strings`.  Dissipators use the Bohr frequencies of :math:`H_0` (which must be
    diagonal) and :math:`\Xi(\omega) = \Gamma(-\omega)` of each coupling's bath.

    Returns
    -------
    dict
        ``{k: scipy.sparse.csr_matrix}`` of shape ``(4^N, 4^N)``.
    """
    import scipy.sparse as sp

    from .expansion import bath_xi, expand_model

    om = expand_model(model, small, values)
    n = om.n
    basis = all_strings(n)
    index = {P: i for i, P in enumerate(basis)}
    H = {k: pauli_of_terms(ts, n, float) for k, ts in om.hamiltonian.items()}
    H0 = H[0].matrix()
    E = np.diag(H0).real
    if np.abs(H0 - np.diag(E)).max() > 0:
        raise InvalidModelError("pauli_superoperators needs H0 diagonal in the computational basis.")
    mats = {P: string_matrix(P) for P in basis}
    out: dict[int, Any] = {}

    def add(k: int, cols: dict[String, dict[String, Any]]) -> None:
        rows, cidx, vals = [], [], []
        for P, col in cols.items():
            for R, v in col.items():
                rows.append(index[R])
                cidx.append(index[P])
                vals.append(float(v))
        M = sp.csr_matrix((vals, (rows, cidx)), shape=(len(basis), len(basis)))
        out[k] = out[k] + M if k in out else M
    for k, Hk in H.items():
        add(k, superop_columns(lambda op, Hk=Hk: (Hk * op - op * Hk).scale(0.0, -1.0), basis, n))
    dE = E[:, None] - E[None, :]
    for _, k, ts, bath in om.couplings:
        X = pauli_of_terms(ts, n, float)
        Sm = bath_xi(bath, dE) * X.matrix()
        S = PauliOp(n, zero=0.0)
        for P in basis:
            z = np.trace(mats[P].conj().T @ Sm) / 2**n
            if abs(z) > 1e-15:
                S._add(P, float(z.real), float(z.imag))

        def D(op: PauliOp, X: PauliOp = X, S: PauliOp = S) -> PauliOp:
            SP = S * op
            comm = X * SP - SP * X
            res = -(comm + comm.dagger())
            res.terms = {s: (re, 0.0 if abs(im) < 1e-14 else im) for s, (re, im) in res.terms.items()}
            return res
        add(2 * k, superop_columns(D, basis, n))
    return out
