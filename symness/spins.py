r"""Spin-1/2 operators on N sites, symbolic and numeric from one definition.

Conventions (used everywhere in symness)
----------------------------------------
* Sites are **1-based**, as in the papers: ``site in 1..n``.
* Standard tensor-product basis, **site 1 is the leftmost factor**:
  :math:`O_1 \otimes O_2 \otimes \cdots \otimes O_n`.
* :math:`\sigma^z = \mathrm{diag}(1, -1)`, so single-site index 0 is spin up
  :math:`|{\uparrow}\rangle` and index 1 spin down.  The full basis index of a
  configuration is :math:`\sum_l b_l 2^{n-l}` with :math:`b_l = 0` (up) or 1
  (down); index 0 is all spins up.
* :math:`\sigma^\pm = (\sigma^x \pm i \sigma^y)/2`, so
  :math:`\sigma^+|{\downarrow}\rangle = |{\uparrow}\rangle`.
* :math:`\sigma^u = (\sigma^z + 1)/2` (the up-projector of the ring4 and
  magnification papers, written :math:`\sigma^{z'}` in the latter) and
  :math:`\sigma^d = (1 - \sigma^z)/2`.

Every operator is built from the exact single-site tables in
:data:`SINGLE_SITE`; the ``backend`` argument only chooses the container:
``"sparse"`` (scipy.sparse CSR, complex), ``"numpy"`` (dense complex array) or
``"sympy"`` (exact ``sympy.SparseMatrix``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from math import comb
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
import sympy

from .errors import InvalidParameterError, SectorError, ShapeMismatchError, SiteOutOfRangeError
from .validation import as_finite_expr

__all__ = [
    "SINGLE_SITE",
    "Backend",
    "site_op",
    "op_product",
    "sigma",
    "identity",
    "bond_op",
    "BOND_KINDS",
    "total_up",
    "total_sz",
    "Sector",
    "sectors",
    "sector_of_index",
    "basis_label",
    "up_count_of_index",
    "conserves_up_count",
    "check_full_space",
    "MAX_SITES",
    "MAX_SYMPY_SITES",
    "MAX_SECTOR_SITES",
    "MAX_SECTOR_DIM",
]

Backend = Literal["sparse", "numpy", "sympy"]
I = sympy.I

#: Exact single-site 2x2 tables, rows/cols indexed (up, down).
SINGLE_SITE: dict[str, tuple[tuple[Any, Any], tuple[Any, Any]]] = {
    "1": ((1, 0), (0, 1)),
    "x": ((0, 1), (1, 0)),
    "y": ((0, -I), (I, 0)),
    "z": ((1, 0), (0, -1)),
    "+": ((0, 1), (0, 0)),
    "-": ((0, 0), (1, 0)),
    "u": ((1, 0), (0, 0)),
    "d": ((0, 0), (0, 1)),
}
_ALIASES = {"I": "1", "id": "1", "0": "1", "p": "+", "m": "-", "X": "x", "Y": "y", "Z": "z"}

OpKind = Any  # a name from SINGLE_SITE or a 2x2 matrix (numpy / SymPy)


def _table(kind: OpKind) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    if isinstance(kind, str):
        key = _ALIASES.get(kind, kind)
        if key not in SINGLE_SITE:
            raise InvalidParameterError(
                f"unknown single-site operator {kind!r}; use one of {sorted(SINGLE_SITE)} "
                "or pass a 2x2 matrix."
            )
        return SINGLE_SITE[key]
    if isinstance(kind, sympy.MatrixBase):
        m = kind
    else:
        if sp.issparse(kind):
            kind = kind.toarray()
        arr = np.asarray(kind) if not isinstance(kind, (bytes, dict, set)) else np.asarray(None)
        if arr.dtype.kind not in "biufcO" or (arr.dtype.kind == "O" and not all(
                isinstance(v, (int, float, complex, np.number, sympy.Basic)) and not isinstance(v, bool)
                for v in arr.ravel())):
            raise InvalidParameterError(
                f"a single-site operator must be a name from {sorted(SINGLE_SITE)} or a 2x2 matrix of "
                f"numbers or SymPy expressions, got {kind!r}.")
        if arr.shape != (2, 2):
            raise InvalidParameterError(f"a single-site operator must be 2x2, got shape {arr.shape}.")
        m = sympy.Matrix(arr.tolist())
    if m.shape != (2, 2):
        raise InvalidParameterError(f"a single-site operator must be 2x2, got shape {m.shape}.")
    if any(v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) for v in m):
        raise InvalidParameterError(
            f"the single-site operator {m.tolist()} has NaN or infinite entries; pass finite numbers.")
    return ((m[0, 0], m[0, 1]), (m[1, 0], m[1, 1]))


#: Largest number of spins for which full-space operators are built (2**n basis states):
#: one product operator has 2**n non-zeros (about 400 MB at n = 24).
MAX_SITES = 24
#: Largest number of spins for exact (SymPy) full-space operators (2**n SymPy entries).
MAX_SYMPY_SITES = 12
#: Largest number of spins of a :class:`Sector` (its basis indices are int64).
MAX_SECTOR_SITES = 62
#: Largest sector dimension whose basis is listed (int64 indices, 8 bytes each).
MAX_SECTOR_DIM = 20_000_000


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _check_n(n: int, limit: int = MAX_SITES) -> None:
    if not _is_int(n) or n < 1:
        raise InvalidParameterError(f"number of sites n = {n!r} must be a positive integer.")
    if n > limit:
        raise InvalidParameterError(
            f"n = {n} spins means a 2**{n}-dimensional Hilbert space, too large to build "
            f"operators on; use n <= {limit} (or work in a sector with Sector(n, up_spins), e.g. "
            "symness.exchange.chain.sector_operator). The limit is symness.spins.MAX_SITES "
            "(MAX_SYMPY_SITES for the SymPy backend)."
        )


def check_full_space(n: int, backend: Backend = "sparse") -> None:
    """Raise :class:`InvalidParameterError` unless full-space operators on ``n`` spins can be built.

    ``n`` must be a positive integer, at most :data:`MAX_SITES` (numeric backends) or
    :data:`MAX_SYMPY_SITES` (``backend="sympy"``).
    """
    _check_n(n, MAX_SYMPY_SITES if backend == "sympy" else MAX_SITES)


def _check_site(site: int, n: int) -> None:
    if not _is_int(n) or n < 1:
        raise InvalidParameterError(f"number of sites n = {n!r} must be a positive integer.")
    if not _is_int(site) or not 1 <= site <= n:
        raise SiteOutOfRangeError(
            f"site {site!r} is out of range for n = {n} sites; sites are 1-based (1..{n})."
        )


def _to_complex(x: Any) -> complex:
    if isinstance(x, (int, float, complex)):
        return complex(x)
    try:
        return complex(sympy.sympify(x))
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"the single-site entry {x} is symbolic; use backend='sympy' for symbolic operators "
            "(or substitute numbers first).") from None


@lru_cache(maxsize=256)
def _numeric_table(kind_key: str) -> np.ndarray:
    t = SINGLE_SITE[kind_key]
    return np.array([[_to_complex(v) for v in row] for row in t], dtype=complex)


def _numeric_site_matrix(kind: OpKind) -> sp.csr_matrix:
    if isinstance(kind, str) and _ALIASES.get(kind, kind) in SINGLE_SITE:
        return sp.csr_matrix(_numeric_table(_ALIASES.get(kind, kind)))
    t = _table(kind)  # raises a helpful error for unknown names / wrong shapes
    return sp.csr_matrix(np.array([[_to_complex(v) for v in row] for row in t], dtype=complex))


def op_product(factors: Mapping[int, OpKind], n: int, backend: Backend = "sparse"):
    r"""Tensor product :math:`\bigotimes_l O_l` with ``O_l = factors[l]`` (identity elsewhere).

    Parameters
    ----------
    factors
        Mapping ``site -> operator`` (1-based sites); operators are names from
        :data:`SINGLE_SITE` (``"x"``, ``"y"``, ``"z"``, ``"+"``, ``"-"``, ``"u"``, ``"d"``,
        ``"1"``) or 2x2 matrices.
    n
        Number of sites.
    backend
        ``"sparse"`` (default), ``"numpy"`` or ``"sympy"``.
    """
    if not isinstance(factors, Mapping):
        raise InvalidParameterError(
            f"factors must be a mapping {{site: operator}} (1-based sites), got "
            f"{type(factors).__name__}; e.g. op_product({{1: 'x', 3: 'z'}}, n)."
        )
    if backend == "sympy":
        _check_n(n, MAX_SYMPY_SITES)
    for s in factors:
        _check_site(s, n)
    _check_n(n, MAX_SYMPY_SITES if backend == "sympy" else MAX_SITES)
    if backend == "sympy":
        return _sympy_product(factors, n)
    if backend not in ("sparse", "numpy"):
        raise InvalidParameterError(f"backend must be 'sparse', 'numpy' or 'sympy', not {backend!r}.")
    out = sp.identity(1, dtype=complex, format="csr")
    run = 1  # pending identity dimension, to keep kron cheap
    for l in range(1, n + 1):
        if l in factors:
            if run > 1:
                out = sp.kron(out, sp.identity(run, dtype=complex, format="csr"), format="csr")
                run = 1
            out = sp.kron(out, _numeric_site_matrix(factors[l]), format="csr")
        else:
            run *= 2
    if run > 1:
        out = sp.kron(out, sp.identity(run, dtype=complex, format="csr"), format="csr")
    out = sp.csr_matrix(out)
    out.eliminate_zeros()
    return out.toarray() if backend == "numpy" else out


def _sympy_product(factors: Mapping[int, OpKind], n: int) -> sympy.SparseMatrix:
    tables = [_table(factors.get(l, "1")) for l in range(1, n + 1)]
    per_site = []
    for t in tables:
        nz = [(a, b, sympy.sympify(t[a][b])) for a in (0, 1) for b in (0, 1) if t[a][b] != 0]
        per_site.append(nz)
    entries: dict[tuple[int, int], Any] = {}
    for combo in itertools.product(*per_site):
        r = c = 0
        val: Any = sympy.Integer(1)
        for a, b, v in combo:
            r = 2 * r + a
            c = 2 * c + b
            val = val * v
        entries[(r, c)] = val
    dim = 2**n
    return sympy.SparseMatrix(dim, dim, entries)


def site_op(kind: OpKind, site: int, n: int, backend: Backend = "sparse"):
    """Single-site operator ``kind`` acting on ``site`` (1-based) of ``n`` spins."""
    return op_product({site: kind}, n, backend)


def sigma(axis: str, site: int, n: int, backend: Backend = "sparse"):
    r"""Pauli operator :math:`\sigma^{axis}_{site}`; ``axis`` in ``x, y, z, +, -, u, d``."""
    return site_op(axis, site, n, backend)


def identity(n: int, backend: Backend = "sparse"):
    """Identity on ``n`` spins."""
    return op_product({}, n, backend)


#: Named two-site interactions: list of (coefficient, op_i, op_j).
BOND_KINDS: dict[str, tuple[tuple[Any, str, str], ...]] = {
    "xx": ((1, "x", "x"),),
    "yy": ((1, "y", "y"),),
    "zz": ((1, "z", "z"),),
    "uu": ((1, "u", "u"),),
    "xx+yy": ((1, "x", "x"), (1, "y", "y")),
    "flipflop": ((1, "+", "-"), (1, "-", "+")),  # sigma+ sigma- + h.c. = (xx+yy)/2
    "heisenberg": ((1, "x", "x"), (1, "y", "y"), (1, "z", "z")),
    "spin_current": ((1, "x", "y"), (-1, "y", "x")),  # sigma^x_i sigma^y_j - sigma^y_i sigma^x_j
}


def bond_op(i: int, j: int, n: int, kind: str | Iterable[tuple[Any, OpKind, OpKind]] = "xx+yy",
            backend: Backend = "sparse"):
    r"""Two-site operator :math:`\sum_k c_k\, A^{(k)}_i B^{(k)}_j`.

    ``kind`` is a name from :data:`BOND_KINDS` or an iterable of
    ``(coefficient, A, B)`` triples.  Example: the XXZ bond of the ring4 paper,
    eq. (1), is ``[(J, "x", "x"), (J, "y", "y"), (Delta, "u", "u")]``.
    """
    _check_site(i, n)
    _check_site(j, n)
    if i == j:
        raise SiteOutOfRangeError(f"a bond needs two different sites, got i = j = {i}.")
    if isinstance(kind, str):
        if kind not in BOND_KINDS:
            raise InvalidParameterError(
                f"unknown bond kind {kind!r}; use one of {sorted(BOND_KINDS)} or a list of "
                "(coefficient, A, B) triples.")
        terms = BOND_KINDS[kind]
    else:
        try:
            terms = tuple(kind)
        except TypeError:
            raise InvalidParameterError(
                f"bond kind must be a name from {sorted(BOND_KINDS)} or a list of "
                f"(coefficient, A, B) triples, got {type(kind).__name__}.") from None
        if not terms or any(not isinstance(t, (tuple, list)) or len(t) != 3 for t in terms):
            raise InvalidParameterError(
                f"bond kind {kind!r}: pass a non-empty list of (coefficient, A, B) triples, "
                "e.g. [(J, 'x', 'x'), (J, 'y', 'y')].")
    total = None
    for coeff, a, b in terms:
        c = _bond_coefficient(coeff, backend)
        term = c * op_product({i: a, j: b}, n, backend)
        total = term if total is None else total + term
    return total


def _bond_coefficient(coeff: Any, backend: Backend) -> Any:
    """A bond coefficient: a finite number, or a SymPy expression for ``backend="sympy"``."""
    c = as_finite_expr(coeff, "bond coefficient")
    if backend == "sympy":
        return c
    if c.free_symbols:
        raise InvalidParameterError(
            f"bond coefficient {coeff} is symbolic; use backend='sympy' or substitute numbers.")
    z = complex(c)
    return z.real if z.imag == 0 else z


def _diagonal(values: np.ndarray, backend: Backend):
    if backend == "sympy":
        return sympy.SparseMatrix(values.size, values.size,
                                  {(k, k): sympy.Integer(int(v)) for k, v in enumerate(values) if v})
    if backend not in ("sparse", "numpy"):
        raise InvalidParameterError(f"backend must be 'sparse', 'numpy' or 'sympy', not {backend!r}.")
    D = sp.diags(values.astype(complex), format="csr")
    D.eliminate_zeros()
    return D.toarray() if backend == "numpy" else D


def total_up(n: int, backend: Backend = "sparse"):
    r"""Number of up spins :math:`\sum_l \sigma^u_l` (diagonal)."""
    _check_n(n, MAX_SYMPY_SITES if backend == "sympy" else MAX_SITES)
    return _diagonal(up_count_of_index(np.arange(2**n), n), backend)


def total_sz(n: int, backend: Backend = "sparse"):
    r"""Total magnetisation :math:`\sum_l \sigma^z_l` (Pauli units, eigenvalues n-2k)."""
    _check_n(n, MAX_SYMPY_SITES if backend == "sympy" else MAX_SITES)
    return _diagonal(2 * up_count_of_index(np.arange(2**n), n) - n, backend)


def up_count_of_index(index: int | np.ndarray, n: int):
    """Number of up spins of basis state(s) ``index`` (bit 0 = up); ``n <= 62`` (int64 indices)."""
    _check_n(n, MAX_SECTOR_SITES)
    idx = _check_index(index, n)
    down = np.zeros_like(idx)
    for l in range(n):
        down = down + ((idx >> l) & 1)
    return n - down


def _check_index(index: Any, n: int) -> np.ndarray:
    if isinstance(index, (bool, np.bool_)):
        raise InvalidParameterError(f"basis index {index!r} must be an integer in 0..{2**n - 1}.")
    try:
        idx = np.asarray(index)
    except (TypeError, ValueError, OverflowError):
        raise InvalidParameterError(f"basis index {index!r} must be an integer in 0..{2**n - 1}.") from None
    if idx.dtype.kind == "O" and all(_is_int(v) for v in idx.ravel()):
        if any(not 0 <= v < 2**n for v in idx.ravel()):
            raise SiteOutOfRangeError(
                f"basis index {index!r} out of range for n = {n} spins; use 0..{2**n - 1}.")
        idx = idx.astype(np.int64)
    if idx.dtype.kind not in "iu":
        raise InvalidParameterError(f"basis index {index!r} must be an integer in 0..{2**n - 1}.")
    if np.any(idx < 0) or np.any(idx >= 2**n):
        raise SiteOutOfRangeError(
            f"basis index {index!r} out of range for n = {n} spins; use 0..{2**n - 1}.")
    return idx


def basis_label(index: int, n: int, up: str = "\u2191", down: str = "\u2193") -> str:
    """Configuration string of basis state ``index``, site 1 first (e.g. ``'↑↓↑'``)."""
    _check_n(n, MAX_SECTOR_SITES)
    if not _is_int(index):
        raise InvalidParameterError(f"basis index {index!r} must be an integer in 0..{2**n - 1}.")
    if not 0 <= index < 2**n:
        raise SiteOutOfRangeError(f"basis index {index} out of range for n = {n} (0..{2**n - 1}).")
    bits = format(int(index), f"0{n}b")
    return "".join(up if b == "0" else down for b in bits)


@dataclass(frozen=True)
class Sector:
    r"""The subspace of ``n`` spins with exactly ``up_spins`` spins up.

    ``basis`` lists the full-space basis indices in increasing order; the
    embedding :math:`E` (``2**n x dim``, columns are those basis vectors) maps
    sector vectors into the full space, so ``E.T @ H @ E`` restricts an
    operator and ``E @ rho_k @ E.T`` lifts a sector density matrix.
    """

    n: int
    up_spins: int

    def __post_init__(self) -> None:
        if not _is_int(self.n) or self.n < 1:
            raise InvalidParameterError(f"n = {self.n!r} must be a positive integer.")
        if self.n > MAX_SECTOR_SITES:
            raise InvalidParameterError(
                f"n = {self.n} spins: sectors are limited to n <= {MAX_SECTOR_SITES} (basis indices "
                "are int64 numbers below 2**n).")
        if not _is_int(self.up_spins) or not 0 <= self.up_spins <= self.n:
            raise SectorError(
                f"there is no sector with {self.up_spins!r} up spins for n = {self.n}; "
                f"choose up_spins in 0..{self.n}."
            )

    @cached_property
    def basis(self) -> np.ndarray:
        """Full-space basis indices of the sector, increasing (int64).

        Enumerated combinatorially (cost and memory proportional to :attr:`dim`, never
        :math:`2^n`), so a one-magnon sector of 60 spins is cheap.
        """
        if self.dim > MAX_SECTOR_DIM:
            raise InvalidParameterError(
                f"sector {self.up_spins} of n = {self.n} spins has C({self.n}, {self.up_spins}) = "
                f"{self.dim} states, more than MAX_SECTOR_DIM = {MAX_SECTOR_DIM} to list; use a "
                "sector with fewer flipped spins (or raise symness.spins.MAX_SECTOR_DIM).")
        return _sector_indices(self.n, self.up_spins)

    @property
    def dim(self) -> int:
        return comb(self.n, self.up_spins)

    @cached_property
    def embedding(self) -> sp.csr_matrix:
        _check_n(self.n)  # a 2**n x dim matrix: the full space must be buildable
        d = self.dim
        return sp.csr_matrix(
            (np.ones(d), (self.basis, np.arange(d))), shape=(2**self.n, d), dtype=float
        )

    def embedding_sympy(self) -> sympy.SparseMatrix:
        """Exact embedding matrix (SymPy)."""
        _check_n(self.n, MAX_SYMPY_SITES)
        return sympy.SparseMatrix(
            2**self.n, self.dim, {(int(b), k): 1 for k, b in enumerate(self.basis)}
        )

    @property
    def labels(self) -> list[str]:
        return [basis_label(int(b), self.n) for b in self.basis]

    def restrict(self, op):
        """``E^T op E``: the block of ``op`` inside the sector (same container type)."""
        op = self._full_space(op, "op")
        if isinstance(op, sympy.MatrixBase):
            return sympy.Matrix(op).extract(list(map(int, self.basis)), list(map(int, self.basis)))
        if sp.issparse(op):
            op = sp.csr_matrix(op)
            return op[self.basis][:, self.basis]
        return np.asarray(op)[np.ix_(self.basis, self.basis)]

    def product(self, factors: Mapping[int, str] | Iterable[tuple[int, str]], coeff: complex = 1.0
                ) -> sp.csr_matrix:
        """The block inside the sector of ``coeff`` times a product of named single-site operators.

        Equals ``restrict(coeff * op_product(factors, n))`` but is built from the sector's
        basis alone (:func:`product_action`), so it works where the :math:`2^n` space cannot
        be built (a one-magnon sector of 60 spins).  ``factors``: ``{site: name}`` or
        ``((site, name), ...)``, 1-based sites.
        """
        items = tuple(factors.items()) if isinstance(factors, Mapping) else tuple(factors)
        if any(not isinstance(f, tuple) or len(f) != 2 for f in items):
            raise InvalidParameterError(
                f"factors must be {{site: name}} or ((site, name), ...), 1-based sites; got {factors!r}.")
        c = complex(as_finite_expr(coeff, "coeff"))
        basis = self.basis
        new, amp = product_action(items, self.n, basis)
        pos = np.minimum(np.searchsorted(basis, new), basis.size - 1)
        keep = (basis[pos] == new) & (amp != 0)
        d = basis.size
        return sp.csr_matrix((c * amp[keep], (pos[keep], np.arange(d)[keep])), shape=(d, d), dtype=complex)

    def _full_space(self, op: Any, name: str) -> Any:
        op = _as_operator(op)
        d = 2**self.n
        if getattr(op, "shape", None) != (d, d):
            raise ShapeMismatchError(
                f"{name} has shape {getattr(op, 'shape', None)}, but n = {self.n} spins need a "
                f"{d} x {d} operator on the full space.")
        _check_finite(op, name)
        return op

    def lift(self, op_k):
        """``E op_k E^T``: embed a sector operator into the full space."""
        E = self.embedding
        op_k = _as_operator(op_k)
        if getattr(op_k, "shape", None) != (self.dim, self.dim):
            raise ShapeMismatchError(
                f"op_k has shape {getattr(op_k, 'shape', None)}, but sector {self.up_spins} of "
                f"n = {self.n} has dimension {self.dim}; pass a {self.dim} x {self.dim} operator.")
        _check_finite(op_k, "op_k")
        if isinstance(op_k, sympy.MatrixBase):
            Es = self.embedding_sympy()
            return Es * op_k * Es.T
        if sp.issparse(op_k):
            return E @ op_k @ E.T
        return E @ np.asarray(op_k) @ E.T.toarray()

    def leakage(self, op) -> float:
        """Norm of the part of ``op`` that maps the sector out of itself (0 if conserved)."""
        op = self._full_space(op, "op")
        A = sp.csr_matrix(op) if not isinstance(op, sympy.MatrixBase) else sp.csr_matrix(
            np.array(op.evalf(), dtype=complex))
        cols = A[:, self.basis]
        mask = np.ones(A.shape[0], dtype=bool)
        mask[self.basis] = False
        out = cols[mask]
        return float(abs(out).max()) if out.nnz else 0.0


#: named single-site operators as (output bit, amplitude) per input bit (0 = up, 1 = down):
#: every column of their 2x2 table has at most one non-zero entry
_ACTION: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def _action_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    hit = _ACTION.get(name)
    if hit is None:
        t = _numeric_table(_ALIASES.get(name, name))
        out_bit = np.array([1 if t[1, b] != 0 else 0 for b in (0, 1)], dtype=np.int64)
        amp = np.array([t[out_bit[b], b] for b in (0, 1)], dtype=complex)
        if any(t[1 - out_bit[b], b] != 0 for b in (0, 1)):  # pragma: no cover - named tables only
            raise InvalidParameterError(f"single-site operator {name!r} is not a generalised permutation.")
        hit = _ACTION[name] = (out_bit, amp)
    return hit


def product_action(factors: Iterable[tuple[int, str]], n: int, states: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    r"""Where a product of named single-site operators sends basis states.

    A product :math:`\bigotimes_l O_l` of the named operators of :data:`SINGLE_SITE`
    maps a basis configuration to at most one configuration, so its action on the
    basis states ``states`` (full-space indices, site 1 the most significant bit) is
    ``O|s> = amp[k] |new[k]>``.  Cost :math:`O(\text{len(states)} \times \text{sites})`,
    never :math:`2^n`: the way to build operators inside a sector of a long chain.

    Parameters
    ----------
    factors
        ``((site, name), ...)`` with 1-based sites and names from :data:`SINGLE_SITE`.
    n
        Number of sites (at most :data:`MAX_SECTOR_SITES`).
    states
        Basis indices (int64), e.g. ``Sector(n, k).basis``.

    Returns
    -------
    (new, amp)
        int64 indices and complex amplitudes (zero where the product annihilates the state).
    """
    _check_n(n, MAX_SECTOR_SITES)
    states = np.asarray(states, dtype=np.int64)
    new = states.copy()
    amp = np.ones(states.shape, dtype=complex)
    for site, name in factors:
        _check_site(site, n)
        if not isinstance(name, str) or _ALIASES.get(name, name) not in SINGLE_SITE:
            raise InvalidParameterError(
                f"unknown single-site operator {name!r}; use one of {sorted(SINGLE_SITE)}.")
        out_bit, a = _action_table(name)
        shift = np.int64(n - site)
        bit = (states >> shift) & 1
        amp *= a[bit]
        new = (new & ~(np.int64(1) << shift)) | (out_bit[bit] << shift)
    return new, amp


def _sector_indices(n: int, up: int) -> np.ndarray:
    """Sorted indices of the ``n``-spin states with ``up`` up spins (site 1 = most significant bit).

    Row by row over the number of sites ``m`` (the new site is the most significant
    bit): the states of ``m`` sites with ``j`` up spins are those of ``m - 1`` sites
    with ``j - 1`` up spins (new site up, bit 0) followed by ``2**(m-1) +`` those with
    ``j`` up spins (new site down) -- already in increasing order.  Only the band of
    ``j`` that can still reach ``up`` is kept.
    """
    rows: dict[int, np.ndarray] = {0: np.zeros(1, dtype=np.int64)}
    for m in range(1, n + 1):
        lo, hi = max(0, up - (n - m)), min(m, up)
        new: dict[int, np.ndarray] = {}
        for j in range(lo, hi + 1):
            parts = []
            if j - 1 in rows:
                parts.append(rows[j - 1])
            if j in rows and m - 1 - j >= 0:
                parts.append(rows[j] + (np.int64(1) << np.int64(m - 1)))
            new[j] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        rows = new
    return rows[up]


def _check_finite(op: Any, name: str) -> None:
    """Refuse numeric operators with NaN or infinite entries (SymPy matrices: zoo, nan, oo)."""
    if isinstance(op, sympy.MatrixBase):
        if any(v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo) for v in op.values()):
            raise InvalidParameterError(f"{name} has NaN or infinite entries; pass a finite operator.")
        return
    data = op.data if sp.issparse(op) else np.asarray(op)
    if data.dtype.kind in "fc" and not np.all(np.isfinite(data)):
        raise InvalidParameterError(f"{name} has NaN or infinite entries; pass a finite operator.")


def _as_operator(op: Any) -> Any:
    """SymPy matrices stay SymPy; QuTiP objects and array-likes become numpy / sparse."""
    if isinstance(op, sympy.MatrixBase) or sp.issparse(op):
        return op
    if hasattr(op, "full") and hasattr(op, "dims"):  # qutip.Qobj, duck-typed
        return np.asarray(op.full())
    try:
        arr = np.asarray(op)
    except (TypeError, ValueError):
        arr = np.asarray(None)
    if arr.dtype.kind not in "biufc":
        raise InvalidParameterError(
            f"expected a numeric matrix (numpy, scipy.sparse, SymPy or QuTiP), got "
            f"{type(op).__name__}.")
    return arr


def sectors(n: int) -> list[Sector]:
    """All total-S^z sectors of ``n`` spins, ``up_spins = 0..n``."""
    _check_n(n)
    return [Sector(n, k) for k in range(n + 1)]


def sector_of_index(index: int, n: int) -> Sector:
    """The sector containing basis state ``index``."""
    return Sector(n, int(up_count_of_index(index, n)))


def conserves_up_count(op, n: int, tol: float = 1e-12) -> bool:
    """True if ``op`` commutes with the total number of up spins (block-diagonal in sectors)."""
    _check_n(n)
    op = _as_operator(op)
    _check_finite(op, "op")
    A = sp.csr_matrix(op) if not isinstance(op, sympy.MatrixBase) else sp.csr_matrix(
        np.array(op.evalf(), dtype=complex))
    if A.shape != (2**n, 2**n):
        raise ShapeMismatchError(f"operator shape {A.shape} does not match n = {n} spins.")
    A = A.tocoo()
    keep = np.abs(A.data) > tol
    return bool(np.all(up_count_of_index(A.row[keep].astype(np.int64), n)
                       == up_count_of_index(A.col[keep].astype(np.int64), n)))
