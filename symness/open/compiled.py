r"""Compiled models: a model's terms as numeric programs on a working basis, cached by structure.

A :class:`~symness.models.base.Model` is a list of :class:`~symness.models.base.Term`\ s,
each a SymPy coefficient times a product of named single-site operators.  Everything
about an operator except the parameter values -- which basis state each product sends
where, with which amplitude -- is fixed by the model's *structure*.  It is computed once
per structure and working basis (the full space or one magnetisation sector) and kept:

* :class:`Coefficients` evaluates every coefficient expression of the model (and the bath
  temperatures) in one lambdified call: a vector ``c``;
* :class:`Program` holds a sum of terms on a working basis as the matrix ``Q`` with
  ``entries = Q @ c`` (one entry per distinct matrix position), built with
  :func:`symness.spins.product_action` from the basis states alone -- a sector of a long
  ring never touches the :math:`2^n` space;
* :class:`CompiledModel` holds both, the programs of the Hamiltonian, the couplings, the
  bonds and the contacts' local Hamiltonians, and an exact test of up-spin conservation
  (the terms expanded in :math:`\sigma^\pm, \sigma^u, \sigma^d` monomials, so the test does
  not depend on ``n`` or the sector).

:func:`compiled` returns the compiled model of a ``Model``: by identity for the same
object (checked against its current terms), else by structure from a bounded cache, so
``xxz_ring(..., Delta=D)`` built anew at every point of a sweep is compiled once.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
import sympy

from ..errors import InvalidParameterError, SectorError
from ..spins import MAX_SECTOR_SITES, Sector, product_action

__all__ = ["Coefficients", "Program", "CompiledModel", "compiled", "resolve", "MAX_COMPILED", "MAX_PROGRAM_WORK"]

#: structures kept in the compilation cache (least recently used dropped first)
MAX_COMPILED = 64
#: largest ``(number of terms) x (working dimension)`` compiled into one program
MAX_PROGRAM_WORK = 2**27
#: programs with at most this many ``entries x coefficients`` keep ``Q`` dense
_DENSE_Q = 200_000


class Coefficients:
    """Every coefficient expression of a model (and its bath temperatures), evaluated at once."""

    def __init__(self, exprs: Sequence[sympy.Expr], params: Sequence[sympy.Symbol]):
        self.params = list(params)
        self.size = len(exprs)
        self.const = np.zeros(self.size, dtype=complex)
        self.symbolic = np.array([bool(e.free_symbols) for e in exprs], dtype=bool)
        for k, e in enumerate(exprs):
            if not self.symbolic[k]:
                self.const[k] = complex(e)
        sym = [e for e, s in zip(exprs, self.symbolic) if s]
        self._f = sympy.lambdify(self.params, sym, "numpy") if sym else None

    def __call__(self, pvals: Sequence[Any]) -> np.ndarray:
        out = self.const.copy()
        if self._f is not None:
            out[self.symbolic] = np.asarray(self._f(*pvals), dtype=complex)
        if not np.isfinite(out).all():
            raise InvalidParameterError(
                "a term coefficient or bath temperature of the model is not finite at the given "
                "parameter values; pass finite values.")
        return out


class Program:
    r"""A sum of terms :math:`\sum_k c_{j(k)} P_k` on a working basis (``states``; ``None``: the full space).

    ``entries = Q @ c`` gives the matrix elements at the distinct positions
    ``(rows, cols)``; ``leaks = L @ c`` the amplitudes that leave the working basis
    (zero for an operator that conserves it).
    """

    def __init__(self, factors: Sequence[tuple[tuple[int, str], ...]], cidx: Sequence[int], ncoef: int,
                 n: int, states: np.ndarray | None):
        self.n = n
        self.dim = 2**n if states is None else int(states.size)
        if len(factors) * self.dim > MAX_PROGRAM_WORK:
            raise InvalidParameterError(
                f"{len(factors)} terms on a {self.dim}-dimensional space are too many to assemble (limit: "
                f"terms x dimension <= {MAX_PROGRAM_WORK}, symness.open.compiled.MAX_PROGRAM_WORK); solve in "
                "a magnetisation sector (up_spins=k).")
        basis = np.arange(self.dim, dtype=np.int64) if states is None else np.asarray(states, dtype=np.int64)
        cols_all = np.arange(basis.size, dtype=np.int64)
        rows, cols, amps, coef = [], [], [], []
        lkeys, lcols, lamps, lcoef = [], [], [], []
        for f, j in zip(factors, cidx):
            new, amp = product_action(f, n, basis)
            keep = amp != 0
            new, amp, col = new[keep], amp[keep], cols_all[keep]
            if states is None:
                inside = np.ones(new.size, dtype=bool)
                pos = new
            else:
                pos = np.minimum(np.searchsorted(basis, new), max(basis.size - 1, 0))
                inside = basis[pos] == new if basis.size else np.zeros(0, dtype=bool)
            rows.append(pos[inside])
            cols.append(col[inside])
            amps.append(amp[inside])
            coef.append(np.full(int(inside.sum()), j, dtype=np.int64))
            if not np.all(inside):
                out = ~inside
                lkeys.append(new[out])
                lcols.append(col[out])
                lamps.append(amp[out])
                lcoef.append(np.full(int(out.sum()), j, dtype=np.int64))
        self.rows, self.cols, self.Q = _merge(rows, cols, amps, coef, self.dim, ncoef)
        self.L = None
        if lkeys:
            _, _, self.L = _merge(lkeys, lcols, lamps, lcoef, None, ncoef)

    def entries(self, c: np.ndarray) -> np.ndarray:
        v = self.Q @ c
        return np.asarray(v).ravel()

    def leak(self, c: np.ndarray, entries: np.ndarray | None = None) -> float:
        """Largest amplitude leaving the working basis at coefficients ``c`` (relative to the largest entry).

        ``entries``: :meth:`entries` at ``c`` when already known."""
        if self.L is None:
            return 0.0
        lk = np.abs(np.asarray(self.L @ c).ravel())
        if not lk.size:
            return 0.0
        inside = np.abs(self.entries(c) if entries is None else entries)
        top = float(lk.max())
        scale = max(float(inside.max()) if inside.size else 0.0, top, 1e-300)
        return top / scale

    def matrix(self, c: np.ndarray, dense: bool | None = None) -> np.ndarray | sp.csr_matrix:
        """The operator at coefficients ``c``: dense up to ``DENSE_OPERATOR_DIM`` (or as asked), else CSR."""
        from .system import DENSE_OPERATOR_DIM, _maybe_real

        v = self.entries(c)
        d = self.dim
        if dense is None:
            dense = d <= DENSE_OPERATOR_DIM
        if dense:
            out = np.zeros((d, d), dtype=complex)
            out[self.rows, self.cols] = v
            return _maybe_real(out)
        m = sp.csr_matrix((v, (self.rows, self.cols)), shape=(d, d), dtype=complex)
        m.eliminate_zeros()
        return m


class ProgramStack:
    """Several programs on one working basis, evaluated together into a ``(k, d, d)`` array.

    One product ``Q @ c`` for the entries of every operator and one scatter: what the
    solvers do at every point of a parameter sweep, so the per-operator overhead of
    :meth:`Program.matrix` is paid once per structure, not once per operator and point.
    """

    def __init__(self, programs: Sequence[Program]):
        self.programs = list(programs)
        self.k = len(self.programs)
        d = self.dim = self.programs[0].dim if self.programs else 0
        Qs = [p.Q for p in self.programs]
        if all(isinstance(Q, np.ndarray) for Q in Qs):
            self.Q: Any = _maybe_real_q(np.vstack(Qs).astype(complex)) if Qs else np.zeros((0, 0))
        else:
            self.Q = sp.vstack([sp.csr_matrix(Q) for Q in Qs]).tocsr()
        self.pos = (np.concatenate([j * d * d + p.rows * d + p.cols for j, p in enumerate(self.programs)])
                    if self.programs else np.zeros(0, dtype=np.int64))
        sizes = [p.rows.size for p in self.programs]
        self.bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def evaluate(self, c: np.ndarray, leaks: bool = True) -> tuple[np.ndarray, list[float]]:
        """``(ops, leaks)``: the operators at coefficients ``c`` as one dense ``(k, d, d)`` array (real
        when every entry is), and :meth:`Program.leak` of each (zeros with ``leaks=False``)."""
        d = self.dim
        v = np.asarray(self.Q @ c).ravel()
        out_leaks = [0.0] * self.k
        for j, p in enumerate(self.programs):
            if leaks and p.L is not None:
                out_leaks[j] = p.leak(c, v[self.bounds[j]:self.bounds[j + 1]])
        if np.iscomplexobj(v) and not v.imag.any():
            v = v.real
        out = np.zeros((self.k, d, d), dtype=v.dtype)
        out.reshape(-1)[self.pos] = v
        return out, out_leaks


def _merge(rows: list[np.ndarray], cols: list[np.ndarray], amps: list[np.ndarray], coef: list[np.ndarray],
           dim: int | None, ncoef: int) -> tuple[np.ndarray, np.ndarray, Any]:
    """Distinct positions ``(row, col)`` and ``Q[position, coefficient] = sum of amplitudes``."""
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    a = np.concatenate(amps) if amps else np.zeros(0, dtype=complex)
    j = np.concatenate(coef) if coef else np.zeros(0, dtype=np.int64)
    if r.size == 0:
        return r, c, np.zeros((0, ncoef), dtype=complex)
    keys = np.stack([r, c], axis=1)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    inv = inv.ravel()
    Q = sp.coo_matrix((a, (inv, j)), shape=(uniq.shape[0], ncoef)).tocsr()
    Q.sum_duplicates()
    if uniq.shape[0] * ncoef <= _DENSE_Q:
        Q = _maybe_real_q(Q.toarray())
    return uniq[:, 0], uniq[:, 1], Q


def _maybe_real_q(Q: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(Q.real) if not np.any(Q.imag) else Q


# ---------------------------------------------------------------------------- up-spin conservation
_EXPAND = {  # each named operator as a sum of coefficient * {+, -, u, d}
    "x": ((1, "+"), (1, "-")), "y": ((-1j, "+"), (1j, "-")), "z": ((1, "u"), (-1, "d")),
    "+": ((1, "+"),), "-": ((1, "-"),), "u": ((1, "u"),), "d": ((1, "d"),), "1": ((1, "u"), (1, "d")),
}
_CHANGE = {"+": 1, "-": -1, "u": 0, "d": 0}


class Conservation:
    r"""Exact test that a sum of terms conserves the number of up spins, independent of ``n``.

    Each term is expanded in monomials of :math:`\sigma^\pm, \sigma^u, \sigma^d` (a
    monomial changes the up count by a definite amount, and distinct monomials are
    linearly independent operators); the sum conserves the up count exactly when the
    total coefficient of every changing monomial vanishes.
    """

    def __init__(self, factors: Sequence[tuple[tuple[int, str], ...]], cidx: Sequence[int], ncoef: int):
        keys: dict[tuple[tuple[int, str], ...], int] = {}
        rows, cols, vals = [], [], []
        for f, j in zip(factors, cidx):
            monos: list[tuple[complex, tuple[tuple[int, str], ...]]] = [(1.0, ())]
            for site, name in f:
                monos = [(a * b, m + ((site, o),)) for a, m in monos for b, o in _EXPAND[name]]
            for a, m in monos:
                if sum(_CHANGE[o] for _, o in m) == 0:
                    continue
                key = tuple(sorted(m))
                rows.append(keys.setdefault(key, len(keys)))
                cols.append(j)
                vals.append(a)
        self.M = (sp.csr_matrix((vals, (rows, cols)), shape=(len(keys), ncoef), dtype=complex).toarray()
                  if keys else None)

    def violation(self, c: np.ndarray) -> float:
        """Largest total coefficient of an up-count-changing monomial, relative to ``max |c|``."""
        if self.M is None:
            return 0.0
        v = np.abs(self.M @ c)
        scale = max(float(np.abs(c).max()) if c.size else 0.0, 1e-300)
        return float(v.max()) / scale if v.size else 0.0


# ---------------------------------------------------------------------------- the compiled model
class CompiledModel:
    """The numeric structure of a model: coefficients, programs per working basis, conservation tests.

    Operators are named ``"H"``, ``("coupling", name)``, ``("local", name)`` and
    ``("bond", (l, m))``; :meth:`program` builds (and keeps) the program of one on the
    full space (``up_spins=None``) or in a sector.
    """

    def __init__(self, model: Any):
        self.n = int(model.n)
        exprs: list[sympy.Expr] = []
        index: dict[sympy.Expr, int] = {}

        def idx(e: Any) -> int:
            e = sympy.sympify(e)
            if e not in index:
                index[e] = len(exprs)
                exprs.append(e)
            return index[e]

        def ops(terms: Sequence[Any]) -> tuple[tuple[tuple[tuple[int, str], ...], ...], tuple[int, ...]]:
            return tuple(t.factors for t in terms), tuple(idx(t.coeff) for t in terms)

        self.ops: dict[Any, tuple[Any, Any]] = {"H": ops(model.terms)}
        self.names = [c.name for c in model.couplings]
        self.kinds = [c.kind for c in model.couplings]
        for c in model.couplings:
            self.ops[("coupling", c.name)] = ops(c.terms)
            sites = {s for t in c.terms for s, _ in t.factors}
            self.ops[("local", c.name)] = ops([t for t in model.terms if {s for s, _ in t.factors} <= sites])
        for k, v in model.bonds.items():
            self.ops[("bond", k)] = ops(v)
        self.bonds = list(model.bonds)
        self.temp_index = [idx(c.bath.T) if isinstance(c.bath.T, sympy.Basic) else None for c in model.couplings]
        self.ncoef = len(exprs)
        self.params: list[sympy.Symbol] = sorted(set().union(*(e.free_symbols for e in exprs)),
                                                 key=lambda s: s.name)
        self.coefficients = Coefficients(exprs, self.params)
        self._programs: dict[tuple[Any, ...], Any] = {}
        self._conservation: dict[Any, Conservation] = {}
        self._sectors: dict[int, Sector] = {}

    # ------------------------------------------------------------------ values
    def pvals(self, values: Mapping[Any, Any]) -> list[Any]:
        missing = [p for p in self.params if p not in values]
        if missing:
            raise InvalidParameterError(
                f"no numeric value for {sorted(map(str, missing))}; pass them as keyword "
                "arguments (e.g. OpenSystem.from_model(model, J=1.0)).")
        out = []
        for p in self.params:
            v = values[p]
            if v is None or isinstance(v, (str, bytes, bool, np.bool_)):
                raise InvalidParameterError(f"parameter {p} = {v!r} is not a number; give a number.")
            if isinstance(v, sympy.Basic):
                if v.free_symbols:
                    raise InvalidParameterError(f"parameter {p} = {v} is symbolic; give a number.")
                v = complex(v)
                v = v.real if v.imag == 0 else v
            out.append(v)
        return out

    def coefficient_values(self, values: Mapping[Any, Any]) -> np.ndarray:
        """The coefficient vector ``c`` at the parameter values ``{Symbol: number}``."""
        return self.coefficients(self.pvals(values))

    # ------------------------------------------------------------------ programs
    def has(self, name: Any) -> bool:
        return name in self.ops

    def sector(self, up_spins: int) -> Sector:
        s = self._sectors.get(up_spins)
        if s is None:
            if self.n > MAX_SECTOR_SITES:
                raise InvalidParameterError(f"sectors are limited to n <= {MAX_SECTOR_SITES} spins.")
            s = self._sectors[up_spins] = Sector(self.n, int(up_spins))
        return s

    def program(self, name: Any, up_spins: int | None = None) -> Program:
        key = (name, up_spins)
        prog = self._programs.get(key)
        if prog is None:
            factors, cidx = self.ops[name]
            states = None if up_spins is None else self.sector(up_spins).basis
            prog = self._programs[key] = Program(factors, cidx, self.ncoef, self.n, states)
        return prog

    def stack(self, names: tuple[Any, ...], up_spins: int | None = None) -> ProgramStack:
        """The :class:`ProgramStack` of the operators ``names`` on one working basis (kept)."""
        key = ("stack", names, up_spins)
        st = self._programs.get(key)
        if st is None:
            st = self._programs[key] = ProgramStack([self.program(n, up_spins) for n in names])
        return st

    def operator(self, name: Any, c: np.ndarray, up_spins: int | None = None, dense: bool | None = None):
        """The operator ``name`` at coefficients ``c`` on the working basis (raises if it leaves the sector)."""
        prog = self.program(name, up_spins)
        if up_spins is not None and prog.leak(c) > 1e-12:
            raise SectorError(f"{op_label(name)} does not conserve the number of up spins, so the sector "
                              f"up_spins={up_spins} is not invariant; drop up_spins to solve on the full space.")
        return prog.matrix(c, dense)

    def conserves(self, name: Any, c: np.ndarray, tol: float = 1e-12) -> bool:
        """Whether operator ``name`` conserves the number of up spins at coefficients ``c`` (exact test)."""
        cons = self._conservation.get(name)
        if cons is None:
            factors, cidx = self.ops[name]
            cons = self._conservation[name] = Conservation(factors, cidx, self.ncoef)
        return cons.violation(c) <= tol

    def always_conserves(self, name: Any) -> bool:
        """Whether operator ``name`` conserves the number of up spins for every value of the parameters
        (no up-count-changing monomial in any of its terms)."""
        self.conserves(name, np.zeros(self.ncoef, dtype=complex))
        M = self._conservation[name].M
        return M is None or not M.any()

    def temperature(self, k: int, c: np.ndarray) -> float | None:
        """Numeric temperature of coupling ``k`` when the model gives it as an expression, else ``None``."""
        j = self.temp_index[k]
        if j is None:
            return None
        v = c[j]
        if v.imag != 0:
            raise InvalidParameterError(f"the temperature of bath {self.names[k]!r} is complex ({v}); "
                                        "pass a real temperature.")
        return float(v.real)


def op_label(name: Any) -> str:
    """Readable name of a compiled operator key (``"H"``, ``("coupling", bath)``, ...) for messages."""
    if name == "H":
        return "H"
    kind, key = name
    return {"coupling": f"the coupling of bath {key!r}", "local": f"the local Hamiltonian of bath {key!r}",
            "bond": f"the bond operator {key}"}[kind]


# ---------------------------------------------------------------------------- the cache
_BY_STRUCTURE: OrderedDict[Any, CompiledModel] = OrderedDict()
_BY_ID: dict[int, tuple[Any, Any, CompiledModel]] = {}


def _token(model: Any) -> Any:
    """Identity of everything a compiled model depends on (terms are immutable; lists and couplings are not)."""
    return (model.n, tuple(map(id, model.terms)),
            tuple((c.name, c.kind, tuple(map(id, c.terms)), id(c.bath), _hashable(c.bath.T)) for c in model.couplings),
            tuple((k, tuple(map(id, v))) for k, v in model.bonds.items()))


def _hashable(v: Any) -> Any:
    try:
        hash(v)
    except TypeError:
        return id(v)
    return v


def _structure(model: Any) -> Any:
    return (model.n, tuple(model.terms),
            tuple((c.name, c.kind, tuple(c.terms), _hashable(c.bath.T)) for c in model.couplings),
            tuple((k, tuple(v)) for k, v in model.bonds.items()))


def compiled(model: Any) -> CompiledModel:
    """The :class:`CompiledModel` of ``model`` (by identity, else by structure; both cached)."""
    key = id(model)
    token = _token(model)
    hit = _BY_ID.get(key)
    if hit is not None and hit[0]() is model and hit[1] == token:
        return hit[2]
    struct = _structure(model)
    comp = _BY_STRUCTURE.get(struct)
    if comp is None:
        comp = CompiledModel(model)
        _BY_STRUCTURE[struct] = comp
        while len(_BY_STRUCTURE) > MAX_COMPILED:
            _BY_STRUCTURE.popitem(last=False)
    else:
        _BY_STRUCTURE.move_to_end(struct)
    if key not in _BY_ID:
        weakref.finalize(model, _BY_ID.pop, key, None)
    _BY_ID[key] = (weakref.ref(model), token, comp, {})
    return comp


def compiled_and_cache(model: Any) -> tuple[CompiledModel, dict[str, Any]]:
    """:func:`compiled` and :func:`model_cache` of ``model`` (its identity checked once)."""
    comp = compiled(model)
    return comp, _BY_ID[id(model)][3]


def model_cache(model: Any) -> dict[str, Any]:
    """A scratch dict kept with ``model`` for as long as its terms, couplings and baths stay the same."""
    hit = _BY_ID.get(id(model))
    if hit is None or hit[0]() is not model or hit[1] != _token(model):
        compiled(model)
        hit = _BY_ID[id(model)]
    return hit[3]


_check_value: Any = None  # symness.models.base._check_value, imported on first use


def resolve(model: Any, values: Mapping[str, Any], extras: dict[str, Any] | None = None) -> dict[Any, Any]:
    """``model.resolve(**values)`` with the model's parameter names kept between calls.

    The same merge and checks as :meth:`~symness.models.base.Model.resolve` (defaults,
    then keyword overrides by symbol name); the name table is cached per model object
    and its set of default values (a model is rebuilt for new terms, so its terms are
    checked by :func:`compiled`).
    """
    global _check_value
    if _check_value is None:
        from ..models.base import _check_value
    if extras is None:
        extras = model_cache(model)
    defaults = model.values
    vkey = tuple(defaults)
    hit = extras.get("by_name")
    if hit is None or hit[0] != vkey:
        by_name = {s.name: s for s in model.parameters} | {s.name: s for s in defaults}
        hit = extras["by_name"] = (vkey, by_name)
    by_name = hit[1]
    out = dict(defaults)
    for k, v in values.items():
        if k not in by_name:
            raise InvalidParameterError(
                f"model {model.name!r} has no parameter {k!r}; parameters: {sorted(by_name)}.")
        _check_value(by_name[k], v)
        out[by_name[k]] = v
    return out
