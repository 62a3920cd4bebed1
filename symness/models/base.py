r"""Model definitions shared by the symbolic and the numeric paths.

"One model, two paths": a :class:`Model` is defined **once** from spin-operator
terms with SymPy coefficients.  The symbolic derivations take
``model.hamiltonian(backend="sympy")`` (exact, parameters as symbols); the
numeric solvers take ``model.hamiltonian(backend="sparse", **values)`` -- the
same terms with numbers substituted.  A cross-check between the two therefore
compares physics, not two transcriptions of a Hamiltonian.

A :class:`Term` is ``coeff * prod_l O_l`` with ``O_l`` a single-site operator
name of :data:`symness.spins.SINGLE_SITE` (``"x"``, ``"y"``, ``"z"``, ``"+"``,
``"-"``, ``"u"``, ``"d"``).  A :class:`Coupling` attaches a system operator
(a sum of terms) to a :class:`~symness.baths.Bath`:

* ``kind="hermitian"``: :math:`H_{SB} = S \otimes B` with :math:`S = S^\dagger`
  (ring4, magnification, weak-coupling papers);
* ``kind="rwa"``: :math:`H_{SB} = L^\dagger \otimes B + L \otimes B^\dagger`
  with a bath operator :math:`B = \sum_k \lambda_k b_k` (rotating-wave dipole
  coupling of the qubit-kernel paper, eqs. 3.2, 3.17); the terms give ``L``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
import sympy

from ..baths import Bath, SpectralDensity, SymmetrizedSpectrum
from ..errors import InvalidModelError, InvalidParameterError, SiteOutOfRangeError
from ..spins import SINGLE_SITE, check_full_space, conserves_up_count, op_product
from ..validation import as_finite_expr, check_nonnegative, check_temperature

__all__ = ["Term", "Coupling", "Model", "terms_operator"]

_KINDS = ("hermitian", "rwa")

#: Largest number of sites of a model (its terms are SymPy objects, built in O(n));
#: the numeric solvers need far fewer (full space: ``symness.spins.MAX_SITES``).
MAX_MODEL_SITES = 1000
#: Largest ``(number of terms) x 2**n`` for which a full-space operator is assembled
#: (about 20 s of sparse arithmetic); larger models are solved in sectors.
MAX_TERM_WORK = 2**27


def check_sites(n: Any, name: str, minimum: int = 1, what: str = "sites") -> int:
    """``n`` as an int: an integer ``minimum <= n <= MAX_MODEL_SITES``, else :class:`InvalidModelError`."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise InvalidModelError(f"{name} needs an integer n >= {minimum} {what}, got n = {n!r}.")
    if n > MAX_MODEL_SITES:
        raise InvalidModelError(
            f"{name}: n = {n} {what} is beyond the model limit n <= {MAX_MODEL_SITES} (the model holds "
            "SymPy terms per site; numeric solvers handle far fewer: 2**n states on the full space, "
            "a few hundred sites in the one-magnon sector). Raise symness.models.base.MAX_MODEL_SITES "
            "if you really need a longer chain.")
    return int(n)


def _check_coefficient(coeff: Any, where: str) -> sympy.Expr:
    """A term coefficient as a SymPy expression: numbers or SymPy objects, finite."""
    return as_finite_expr(coeff, f"{where}: coefficient", InvalidModelError)


@dataclass(frozen=True)
class Term:
    """``coeff * prod(op at site)``: one product of single-site operators.

    Parameters
    ----------
    coeff
        SymPy expression (may contain the model's parameter symbols) or number.
    factors
        ``((site, op), ...)`` with 1-based sites and op names from
        :data:`symness.spins.SINGLE_SITE`.
    """

    coeff: Any
    factors: tuple[tuple[int, str], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "coeff", _check_coefficient(self.coeff, "Term"))
        try:
            pairs = [tuple(f) for f in self.factors]
        except TypeError:
            pairs = [()]
        factors = []
        for f in pairs:
            if (len(f) != 2 or isinstance(f[0], (bool, np.bool_))
                    or not isinstance(f[0], (int, np.integer)) or not isinstance(f[1], str)):
                raise InvalidModelError(
                    f"term factors must be (site, operator) pairs with a 1-based integer site and an "
                    f"operator name, e.g. Term.of(J, (1, 'x'), (2, 'x')); got {self.factors!r}.")
            if f[0] < 1:
                raise SiteOutOfRangeError(f"term site {f[0]} is not allowed; sites are 1-based.")
            factors.append((int(f[0]), f[1]))
        object.__setattr__(self, "factors", tuple(factors))
        sites = [s for s, _ in self.factors]
        if len(set(sites)) != len(sites):
            raise InvalidModelError(f"a term acts twice on the same site: {self.factors}; "
                                    "multiply the single-site operators first.")
        for _, o in self.factors:
            if o not in SINGLE_SITE:
                raise InvalidModelError(f"unknown operator {o!r} in a term; use {sorted(SINGLE_SITE)}.")

    @staticmethod
    def of(coeff: Any, *factors: tuple[int, str]) -> Term:
        """``Term.of(J, (1, "x"), (2, "x"))``."""
        return Term(coeff, tuple(factors))

    def operator(self, n: int, backend: str = "sparse", values: Mapping[Any, Any] | None = None):
        op = op_product(dict(self.factors), n, backend)  # type: ignore[arg-type]
        c = self.coeff.subs(values) if values else self.coeff
        if backend == "sympy":
            return c * op
        if c.free_symbols:
            raise InvalidParameterError(
                f"no numeric value for {sorted(map(str, c.free_symbols))}; pass them as keyword "
                "arguments (e.g. model.hamiltonian(J=1.0, Delta=2.19)).")
        try:
            cv = complex(c)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"the coefficient {self.coeff} evaluates to {c}, not a number.") from None
        if not np.isfinite(cv):
            raise InvalidParameterError(
                f"the coefficient {self.coeff} evaluates to {c} (not finite) at the given values; "
                "pass finite parameter values.")
        return (cv.real if cv.imag == 0 else cv) * op


def _check_terms(terms: Any, where: str) -> tuple[Term, ...]:
    """``terms`` as a tuple of :class:`Term` (refuses anything else with a clear message)."""
    if isinstance(terms, Term):
        terms = (terms,)
    if isinstance(terms, (str, bytes, Mapping)) or not isinstance(terms, Iterable):
        raise InvalidModelError(f"{where}: terms must be a list of Term objects, got {type(terms).__name__}.")
    out = tuple(terms)
    bad = [t for t in out if not isinstance(t, Term)]
    if bad:
        raise InvalidModelError(
            f"{where}: terms must be Term objects (Term.of(coeff, (site, 'x'), ...)), got {bad[0]!r}.")
    return out


def _check_values(values: Any) -> Mapping[Any, Any] | None:
    if values is not None and not isinstance(values, Mapping):
        raise InvalidParameterError(
            f"values must be a mapping {{symbol or name: number}}, got {type(values).__name__} {values!r}.")
    return values


def terms_operator(terms: Iterable[Term], n: int, backend: str = "sparse",
                   values: Mapping[Any, Any] | None = None):
    """Sum of terms as an operator (``sympy.Matrix``, ``scipy.sparse`` CSR or dense numpy).

    Raises :class:`~symness.errors.InvalidParameterError` before building anything when
    ``len(terms) * 2**n`` exceeds :data:`MAX_TERM_WORK` (use a sector instead).
    """
    terms = list(_check_terms(terms, "terms_operator"))
    values = _check_values(values)
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool) and 0 < n <= 64 \
            and len(terms) * 2**int(n) > MAX_TERM_WORK:
        raise InvalidParameterError(
            f"assembling {len(terms)} terms on the full 2**{n}-dimensional space is too large "
            f"(limit: terms x 2**n <= {MAX_TERM_WORK}); work in a magnetization sector "
            "(symness.exchange.chain.sector_operator, symness.spins.Sector) or raise "
            "symness.models.base.MAX_TERM_WORK.")
    total = None
    for t in terms:
        op = t.operator(n, backend, values)
        total = op if total is None else total + op
    if total is None:
        check_full_space(n, "sympy" if backend == "sympy" else "sparse")
        if backend == "sympy":
            return sympy.zeros(2**n, 2**n)
        z = sp.csr_matrix((2**n, 2**n), dtype=complex)
        return z.toarray() if backend == "numpy" else z
    if backend == "sparse":
        total = sp.csr_matrix(total)
    return total


@dataclass
class Coupling:
    """A system operator coupled to one bath.

    Attributes
    ----------
    name
        Bath label (``"L"``, ``"R"``, ``"A"``, ``"B"``); keys of heat-current dicts.
    terms
        The system operator ``S`` (``kind="hermitian"``) or ``L`` (``kind="rwa"``).
    bath
        A :class:`~symness.baths.Bath`; its temperature (and spectrum parameters)
        may be SymPy symbols, given numbers through the model's ``values``.
    kind
        ``"hermitian"`` or ``"rwa"`` (see module docstring).
    """

    name: str
    terms: tuple[Term, ...]
    bath: Bath
    kind: str = "hermitian"

    def __post_init__(self) -> None:
        self.terms = _check_terms(self.terms, f"coupling {self.name!r}")
        if not isinstance(self.name, str):
            raise InvalidModelError(f"a coupling's name must be a string (the bath label), got {self.name!r}.")
        if not isinstance(self.bath, Bath):
            raise InvalidModelError(
                f"coupling {self.name!r}: bath must be a symness.baths.Bath, got {type(self.bath).__name__}.")
        if self.kind not in _KINDS:
            raise InvalidModelError(f"coupling kind must be one of {_KINDS}, not {self.kind!r}.")

    def operator(self, n: int, backend: str = "sparse", values: Mapping[Any, Any] | None = None):
        return terms_operator(self.terms, n, backend, values)

    def numeric_bath(self, values: Mapping[Any, Any] | None = None) -> Bath:
        """The bath with its temperature (and symbolic ``c``, ``d`` of a weak-coupling spectrum) as numbers."""
        T = self.bath.T
        if isinstance(T, sympy.Basic):
            T = T.subs(values or {})
            if T.free_symbols:
                raise InvalidParameterError(
                    f"no numeric value for the temperature {T} of bath {self.name!r}; pass it "
                    "as a keyword argument.")
            check_temperature(T, f"temperature of bath {self.name!r}")
            T = float(T)
        bath = self.bath.with_temperature(T)
        spec = bath.spectrum
        if isinstance(spec, SpectralDensity) and spec.free_symbols:  # e.g. flat(g), ohmic(gamma, omega_c)
            missing = sorted(str(s) for s in spec.free_symbols if s not in (values or {}))
            if missing:
                raise InvalidParameterError(
                    f"no numeric value for the spectral-density parameters {missing} of bath "
                    f"{self.name!r}; pass them as keyword arguments.")
            bath = Bath(spec.subs(values or {}), T, bath.preset.name, lamb_shift=bath.lamb_shift, name=bath.name)
        if isinstance(spec, SymmetrizedSpectrum) and any(
                isinstance(v, sympy.Basic) and v.free_symbols for v in (spec.c, spec.d)):
            num = {}
            for key in ("c", "d"):
                v = sympy.sympify(getattr(spec, key)).subs(values or {})
                if v.free_symbols:
                    raise InvalidParameterError(
                        f"no numeric value for the bath parameter {v} of bath {self.name!r}; pass "
                        "it as a keyword argument.")
                num[key] = float(v)
                check_nonnegative(num[key], f"{key} of bath {self.name!r} ({getattr(spec, key)})")
            bath = Bath(SymmetrizedSpectrum(num["c"], num["d"], spec.scale), T, bath.preset.name,
                        lamb_shift=bath.lamb_shift, name=bath.name)
        return bath


def _check_value(key: Any, v: Any, *, real: bool = False) -> None:
    """Refuse parameter values that cannot be a physical number.

    Accepted: finite numbers (complex ones unless ``real``) and SymPy expressions
    (finite; not known to be non-real when ``real``).  Refused: strings, booleans,
    None, NaN, inf, sequences and other objects.
    """
    if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iufc":
        v = v.item()  # a 0-d array is a number
    if isinstance(v, (str, bytes, bool, np.bool_)) or v is None:
        raise InvalidParameterError(
            f"parameter {key} = {v!r} is not a number; pass a real number (or a SymPy expression).")
    if isinstance(v, (int, float, complex, np.number)):
        if not np.isfinite(v):
            raise InvalidParameterError(f"parameter {key} = {v} is not finite; pass a finite number.")
        if real and np.iscomplexobj(v) and complex(v).imag != 0:
            raise InvalidParameterError(f"parameter {key} = {v} is complex; it must be real.")
        return
    if isinstance(v, sympy.Basic):
        as_finite_expr(v, f"parameter {key}")
        if real and v.is_real is False:
            raise InvalidParameterError(f"parameter {key} = {v} is not real; it must be real.")
        return
    raise InvalidParameterError(
        f"parameter {key} = {v!r} ({type(v).__name__}) is not a number; pass a real number (or a SymPy "
        "expression).")


@dataclass
class Model:
    """A spin network coupled to baths, usable by both symbolic and numeric paths.

    Attributes
    ----------
    name
        Short name (``"xxz_ring"``).
    n
        Number of spin-1/2 sites.
    terms
        Hamiltonian terms.
    couplings
        System-bath couplings, one per bath.
    values
        Default numeric values of the parameter symbols (``{J: 1.0, ...}``).
    bonds
        Bond-energy decomposition ``{(l, l+1): [terms]}`` with
        :math:`H = \\sum_{bonds} h_{l,l+1}` (local fields shared between the two
        bonds of a site), used for bond energy currents
        :math:`i[h_{l-1,l}, h_{l,l+1}]`.
    symbols
        Meaning of every parameter symbol.
    paper, equation
        Where the model is defined.
    """

    name: str
    n: int
    terms: list[Term]
    couplings: list[Coupling] = field(default_factory=list)
    values: dict[sympy.Symbol, Any] = field(default_factory=dict)
    bonds: dict[tuple[int, int], list[Term]] = field(default_factory=dict)
    symbols: dict[sympy.Symbol, str] = field(default_factory=dict)
    paper: str = ""
    equation: str = ""

    def __post_init__(self) -> None:
        self.n = check_sites(self.n, f"model {self.name!r}")
        self.terms = list(_check_terms(self.terms, f"model {self.name!r}"))
        if isinstance(self.couplings, (str, bytes)) or not isinstance(self.couplings, Iterable) or any(
                not isinstance(c, Coupling) for c in self.couplings):
            raise InvalidModelError(f"model {self.name!r}: couplings must be a list of Coupling objects.")
        self.couplings = list(self.couplings)
        if not isinstance(self.bonds, Mapping) or not isinstance(self.values, Mapping):
            raise InvalidModelError(f"model {self.name!r}: bonds and values must be mappings.")
        self.bonds = {k: list(_check_terms(v, f"bond {k} of model {self.name!r}")) for k, v in self.bonds.items()}
        for t in list(self.terms) + [t for c in self.couplings for t in c.terms] + \
                [t for b in self.bonds.values() for t in b]:
            for s, _ in t.factors:
                if not 1 <= s <= self.n:
                    raise SiteOutOfRangeError(
                        f"model {self.name!r} has a term on site {s}, outside 1..{self.n}.")
        names = [c.name for c in self.couplings]
        if len(set(names)) != len(names):
            raise InvalidModelError(f"bath names must be unique, got {names}.")

    # ------------------------------------------------------------- parameters
    @property
    def parameters(self) -> list[sympy.Symbol]:
        """All parameter symbols (Hamiltonian, couplings, bath temperatures and spectral densities)."""
        syms: set[sympy.Symbol] = set()
        for t in self.terms:
            syms |= t.coeff.free_symbols
        for c in self.couplings:
            for t in c.terms:
                syms |= t.coeff.free_symbols
            if isinstance(c.bath.T, sympy.Basic):
                syms |= c.bath.T.free_symbols
            syms |= set(getattr(c.bath.spectrum, "free_symbols", None) or ())
        return sorted(syms, key=lambda s: s.name)

    def resolve(self, values: Mapping[Any, Any] | None = None, **kw: Any) -> dict[sympy.Symbol, Any]:
        """Merge defaults, ``values`` and keyword overrides (by symbol name) into ``{Symbol: value}``."""
        _check_values(values)
        out = dict(self.values)
        by_name = {s.name: s for s in self.parameters} | {s.name: s for s in self.values}
        items = list((values or {}).items()) + list(kw.items())
        for k, v in items:
            if isinstance(k, str):
                if k not in by_name:
                    raise InvalidParameterError(
                        f"model {self.name!r} has no parameter {k!r}; parameters: {sorted(by_name)}.")
                k = by_name[k]
            _check_value(k, v)
            out[k] = v
        return out

    def with_values(self, **kw: Any) -> Model:
        """A copy with new default values."""
        return replace(self, values=self.resolve(**kw))

    # ------------------------------------------------------------- operators
    def hamiltonian(self, backend: str = "sparse", **kw: Any):
        """H: symbolic (``backend="sympy"``, parameters kept unless given) or numeric."""
        if backend == "sympy":
            return terms_operator(self.terms, self.n, "sympy", self._given(kw))
        return terms_operator(self.terms, self.n, backend, self.resolve(**kw))

    def bond_operator(self, bond: tuple[int, int], backend: str = "sparse", **kw: Any):
        """The bond energy operator :math:`h_{l,l+1}` of :attr:`bonds`."""
        if bond not in self.bonds:
            raise InvalidModelError(f"model {self.name!r} has no bond {bond}; bonds: {list(self.bonds)}.")
        vals = self._given(kw) if backend == "sympy" else self.resolve(**kw)
        return terms_operator(self.bonds[bond], self.n, backend, vals)

    def coupling_operators(self, backend: str = "sparse", **kw: Any) -> list[Any]:
        vals = self._given(kw) if backend == "sympy" else self.resolve(**kw)
        return [c.operator(self.n, backend, vals) for c in self.couplings]

    def numeric_baths(self, **kw: Any) -> list[Bath]:
        vals = self.resolve(**kw)
        return [c.numeric_bath(vals) for c in self.couplings]

    def _given(self, kw: Mapping[str, Any]) -> dict[sympy.Symbol, Any]:
        if not kw:
            return {}
        full = self.resolve(**kw)
        names = set(kw)
        return {s: v for s, v in full.items() if s.name in names}

    def conserves_up_count(self, **kw: Any) -> bool:
        """True if H and every coupling operator conserve the number of up spins."""
        ops = [self.hamiltonian(**kw)] + self.coupling_operators(**kw)
        return all(conserves_up_count(o, self.n) for o in ops)

    def check_bonds(self, tol: float = 1e-12, **kw: Any) -> float:
        """``max |H - sum_bonds h|``: zero when the bond decomposition is complete."""
        if not self.bonds:
            raise InvalidModelError(f"model {self.name!r} defines no bond decomposition.")
        H = self.hamiltonian(**kw)
        total = sum(self.bond_operator(b, **kw) for b in self.bonds)
        d = abs(H - total)
        return float(d.max()) if d.nnz else 0.0

    def __repr__(self) -> str:
        return (f"Model({self.name!r}, n={self.n}, {len(self.terms)} terms, baths="
                f"{[c.name for c in self.couplings]})")


def sites_of(terms: Sequence[Term]) -> set[int]:
    """Sites touched by a list of terms."""
    return {s for t in terms for s, _ in t.factors}
