r"""Split a model into orders of the weak-coupling parameter: :math:`\mathcal L = \sum_n \lambda^n\mathcal L_n`.

Paper: weak_coupling, eqs. (5), (10), (15)--(19), (48).  The model is the one
definition both paths start from: its Hamiltonian terms are expanded as polynomials
in the small parameter :math:`\lambda`,

.. math::

    H(\lambda) = \sum_k \lambda^k H_k , \qquad
    \mathcal L_k\rho \ni -i[H_k, \rho],

and a coupling whose operator is :math:`\lambda^k \hat X` contributes a Born--Markov
dissipator :math:`\lambda^{2k}\mathcal D` (eq. 7) to :math:`\mathcal L_{2k}`.  The Bohr
frequencies inside the dissipator are those of :math:`H_0` (eqs. 12--13: the
:math:`O(\lambda)` corrections of :math:`S_{jl}` are dropped, as in the paper).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from ..baths import Bath, SpectralDensity, SymmetrizedSpectrum
from ..errors import InvalidModelError, InvalidParameterError
from ..models.base import Model, Term, terms_operator

__all__ = ["check_spins", "expansion_symbol", "split_terms", "OrderedModel", "expand_model"]


def expansion_symbol(model: Model, small: sympy.Symbol | str | None = None) -> sympy.Symbol:
    """The model's weak-coupling parameter (a symbol named ``lambda`` or ``lam`` by default)."""
    if not isinstance(model, Model):
        raise InvalidModelError(
            f"expected a symness.models.Model (e.g. tilted_ising(3)), got {type(model).__name__}.")
    syms = set(model.parameters) | set(model.values)
    for c in model.couplings:
        for t in c.terms:
            syms |= t.coeff.free_symbols
    by_name = {s.name: s for s in syms}
    if small is None:
        for name in ("lambda", "lam"):
            if name in by_name:
                return by_name[name]
        raise InvalidModelError(
            f"model {model.name!r} has no parameter named 'lambda'; pass small=<symbol> to say which "
            "parameter is the weak-coupling expansion parameter.")
    if isinstance(small, str):
        if small not in by_name:
            raise InvalidParameterError(f"model {model.name!r} has no parameter {small!r}.")
        return by_name[small]
    if not isinstance(small, sympy.Symbol):
        raise InvalidParameterError(
            f"small = {small!r} must be the name or the SymPy symbol of the expansion parameter.")
    return small


def split_terms(terms: list[Term] | tuple[Term, ...], small: sympy.Symbol,
                values: Mapping[sympy.Symbol, Any] | None = None) -> dict[int, list[Term]]:
    r"""Terms grouped by their power of ``small``: ``{k: [terms with coefficient / small**k]}``.

    ``values`` (other parameters -> numbers) are substituted first; a coefficient must be a
    polynomial in ``small``.
    """
    out: dict[int, list[Term]] = {}
    for t in terms:
        c = t.coeff
        if values:
            c = c.subs({s: v for s, v in values.items() if s != small})
        c = sympy.expand(c)
        if c == 0:
            continue
        if small not in c.free_symbols:
            out.setdefault(0, []).append(Term(c, t.factors))
            continue
        try:
            poly = sympy.Poly(c, small)
        except sympy.PolynomialError as exc:
            raise InvalidModelError(
                f"the coefficient {t.coeff} of a term is not a polynomial in {small}; the weak-coupling "
                "hierarchy needs H(lambda) = sum_k lambda^k H_k.") from exc
        for (k,), ck in poly.terms():
            if ck != 0:
                out.setdefault(int(k), []).append(Term(ck, t.factors))
    return out


def check_spins(model: Any, limit: int, what: str, knob: str) -> None:
    """Refuse models with more than ``limit`` spins before any matrix is built.

    ``knob`` names the module constant holding the limit (for the message).
    """
    n = getattr(model, "n", None)
    if isinstance(n, (int, np.integer)) and n > limit:
        raise InvalidParameterError(
            f"{what} is limited to N <= {limit} spins (got N = {n}): its matrices grow as 2**N x 2**N "
            f"(superoperators 4**N). Use a shorter chain, or raise {knob} if you have the memory and "
            "time.")


@dataclass
class OrderedModel:
    r"""A model split into orders of :math:`\lambda` (numeric or symbolic terms).

    Attributes
    ----------
    model
        The source model.
    small
        The expansion parameter.
    hamiltonian
        ``{k: [Term]}``: :math:`H_k`, the coefficient of :math:`\lambda^k` in :math:`H`.
    couplings
        ``[(name, k, [Term], bath)]``: coupling operator :math:`\lambda^k\hat X`; its
        dissipator is of order :math:`2k`.
    values
        Numeric values substituted (empty for the symbolic path).
    """

    model: Model
    small: sympy.Symbol
    hamiltonian: dict[int, list[Term]]
    couplings: list[tuple[str, int, list[Term], Bath]] = field(default_factory=list)
    values: dict[sympy.Symbol, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.model.n

    def operator(self, k: int, backend: str = "numpy") -> Any:
        """:math:`H_k` as a matrix (zero matrix if absent)."""
        return terms_operator(self.hamiltonian.get(k, []), self.n, backend)

    @property
    def max_order(self) -> int:
        ks = list(self.hamiltonian) + [2 * k for _, k, _, _ in self.couplings]
        return max(ks) if ks else 0


def expand_model(model: Model, small: sympy.Symbol | str | None = None,
                 values: Mapping[Any, Any] | None = None, *, symbolic: bool = False) -> OrderedModel:
    r"""Split ``model`` into :math:`H_k` and dissipator orders.

    Parameters
    ----------
    model
        A :class:`~symness.models.base.Model` whose coefficients are polynomials in ``small``.
    small
        The expansion parameter (default: the symbol named ``lambda``).
    values
        Parameter values by name or symbol; for the numeric path every other parameter
        gets its model default unless given.
    symbolic
        Keep the parameters symbolic (only ``values`` explicitly given are substituted).
    """
    lam = expansion_symbol(model, small)
    if values is not None and not isinstance(values, Mapping):
        raise InvalidParameterError(
            f"values must be a mapping {{name: number}}, got {type(values).__name__} {values!r}.")
    vals = dict(values or {})
    vals.pop(lam, None)
    vals.pop(lam.name, None)
    if symbolic:
        resolved = model.resolve(vals) if vals else {}
        given = {s for s in resolved if s.name in {getattr(k, "name", k) for k in vals}}
        resolved = {s: v for s, v in resolved.items() if s in given}
    else:
        resolved = model.resolve(vals)
    resolved.pop(lam, None)
    ham = split_terms(model.terms, lam, resolved)
    cpl = []
    for c in model.couplings:
        if c.kind != "hermitian":
            raise InvalidModelError(
                f"coupling {c.name!r} is of kind {c.kind!r}; the weak-coupling hierarchy implements "
                "Hermitian couplings H_SB = X (x) Y (eq. 4). Write the coupling as Hermitian terms.")
        parts = split_terms(list(c.terms), lam, resolved)
        if len(parts) != 1:
            raise InvalidModelError(
                f"coupling {c.name!r} mixes powers {sorted(parts)} of {lam}; write it as lambda^k times "
                "a lambda-independent operator.")
        (k, terms), = parts.items()
        bath = _given_bath(c.bath, resolved) if symbolic else c.numeric_bath(model.resolve(vals))
        cpl.append((c.name, k, terms, bath))
    if not symbolic:
        for terms in ham.values():
            for t in terms:
                if t.coeff.free_symbols:
                    raise InvalidParameterError(
                        f"no numeric value for {sorted(map(str, t.coeff.free_symbols))}; pass them as "
                        "keyword arguments.")
    if 0 not in ham:
        raise InvalidModelError(f"model {model.name!r} has no lambda-independent Hamiltonian H0.")
    return OrderedModel(model, lam, ham, cpl, resolved)


def _given_bath(bath: Bath, values: Mapping[sympy.Symbol, Any]) -> Bath:
    """The symbolic bath with the explicitly given values substituted (temperature, c, d, J parameters).

    Without this the symbolic path kept e.g. ``c_L`` symbolic although ``values={"c_L": 1}`` was given.
    """
    if not values:
        return bath
    T = bath.T.subs(values) if isinstance(bath.T, sympy.Basic) else bath.T
    spec = bath.spectrum
    if isinstance(spec, SymmetrizedSpectrum) and not callable(spec.c):
        spec = SymmetrizedSpectrum(sympy.sympify(spec.c).subs(values), sympy.sympify(spec.d).subs(values),
                                   spec.scale)
    elif isinstance(spec, SpectralDensity) and spec.free_symbols:
        spec = spec.subs(values)
    return Bath(spec, T, bath.preset.name, lamb_shift=bath.lamb_shift, name=bath.name)


def bath_xi(bath: Bath, omega: np.ndarray) -> np.ndarray:
    r""":math:`\Xi(\omega) = \int_0^\infty dt\,e^{-i\omega t}\Phi(t) = \Gamma(-\omega)` (eq. 14) from a canonical bath.

    With the paper's sign of the transform, :math:`\Xi(\omega) = \tfrac12\tilde\Phi(\omega) + \ldots
    = \tfrac12\gamma(-\omega) + i\sigma(-\omega)` (Lamb part only if the bath keeps it).
    """
    w = np.asarray(omega, dtype=float)
    return np.asarray(bath.half_sided(-w), dtype=complex)
