r"""Sector operators, observables and bond profiles of the exchange chain.

Paper ``coldatom``: the effective chain :math:`h = \sum_l \frac{\alpha_l}{2g}
\boldsymbol\sigma_l\cdot\boldsymbol\sigma_{l+1}` (eq. 3) with a local
exchange coefficient :math:`\alpha_l = \alpha(T_l)` (local-density
approximation), the impurity density :math:`S^\downarrow_i = (1-\sigma^z_i)/2`
(eq. 6), the spin current (eq. 9) and the magnetization (eq. 10).

Everything is built from the single model definition
:func:`symness.models.exchange_chain` (its ``Term`` list); operators inside
a magnetization sector are assembled directly from the terms by acting on the
sector's basis configurations (:func:`sector_operator`), so no
:math:`2^N\times 2^N` matrix is needed for the one-magnon sector of a long chain.

Conventions: :math:`\hbar = 1`, energies in units of :math:`J_0 = \alpha_1/g`
(``g = 1`` and :math:`\alpha_l` in units of :math:`\alpha_1`), time in units
of :math:`1/J_0`; temperatures as :math:`x = k_BT/\epsilon_0`,
:math:`\epsilon_0 = \pi^2/6`; sites 1-based, site 1 on the cold side (T1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
import sympy

from ..errors import InvalidModelError, InvalidParameterError, SectorError
from ..models.base import Model, Term, _check_terms, _check_value, terms_operator
from ..spins import MAX_SECTOR_SITES, SINGLE_SITE, Sector
from .alpha import _check_x, alpha_ratio, check_particle_number
from .sommerfeld import alpha_ratio_sommerfeld

__all__ = [
    "sector_basis",
    "sector_operator",
    "parse_configuration",
    "local_alpha",
    "step_profile",
    "linear_profile",
    "bond_temperatures",
    "down_terms",
    "paper_current_terms",
    "bond_current_terms",
    "magnetization_terms",
]

_TABLE = {k: np.array([[complex(sympy.sympify(v)) for v in row] for row in rows])
          for k, rows in SINGLE_SITE.items()}


# ---------------------------------------------------------------------- sectors
def _coeff(t: Term, values: Mapping[Any, Any] | None) -> complex:
    c = t.coeff
    if values and c.free_symbols:
        for s in c.free_symbols:
            if s in values:
                _check_value(s, values[s])
        c = c.xreplace({s: sympy.sympify(values[s]) for s in c.free_symbols if s in values})
    if c.free_symbols:
        raise InvalidParameterError(
            f"no numeric value for {sorted(map(str, c.free_symbols))} in a term; pass them as "
            "keyword values (e.g. alpha_1=1.0).")
    z = complex(c)
    if not np.isfinite(z):
        raise InvalidParameterError(f"the coefficient {t.coeff} is {c} (not finite) at the given values.")
    return z


def sector_basis(n: int, up_spins: int) -> np.ndarray:
    """Full-space indices of the sector ``up_spins`` in increasing order (``Sector(n, up_spins).basis``).

    Enumerated combinatorially, so it works for long chains (e.g. one magnon on
    61 sites) where ``2**n`` indices cannot be listed.
    """
    if isinstance(n, bool) or not (isinstance(n, (int, np.integer)) and 1 <= n <= MAX_SECTOR_SITES):
        raise InvalidParameterError(
            f"n = {n!r} must be an integer in 1..{MAX_SECTOR_SITES} for sector bases.")
    if isinstance(up_spins, bool) or not (isinstance(up_spins, (int, np.integer)) and 0 <= up_spins <= n):
        raise SectorError(f"there is no sector with {up_spins!r} up spins for n = {n}; "
                          f"choose up_spins in 0..{n}.")
    return Sector(int(n), int(up_spins)).basis


def sector_operator(terms: Iterable[Term], n: int, up_spins: int,
                    values: Mapping[Any, Any] | None = None) -> sp.csr_matrix:
    r"""The block of :math:`\sum` ``terms`` inside the sector with ``up_spins`` up spins.

    Assembled by acting with each product of single-site operators on the
    sector's basis configurations (:func:`sector_basis`, the ordering of
    :class:`symness.spins.Sector`), so it equals ``Sector(n, up).restrict(op)``
    without building the :math:`2^n` operator.

    Raises
    ------
    SectorError
        A term maps the sector out of itself (does not conserve the up count).
    """
    basis = sector_basis(n, up_spins)
    terms = _check_terms(terms, "sector_operator")
    if values is not None and not isinstance(values, Mapping):
        raise InvalidParameterError(f"values must be a mapping {{symbol: number}}, got {values!r}.")
    rows, cols, vals = [], [], []
    leak_idx, leak_col, leak_amp = [], [], []
    col_idx = np.arange(basis.size)
    for t in terms:
        c = _coeff(t, values)
        if c == 0:
            continue
        amp = np.full(basis.size, c, dtype=complex)
        new = basis.copy()
        for site, op in t.factors:
            shift = n - site
            bit = (basis >> shift) & 1
            tab = _TABLE[op]
            # each column of a single-site table has at most one non-zero entry
            out_bit = np.where(tab[1, bit] != 0, 1, 0)
            amp *= tab[out_bit, bit]
            new = (new & ~(1 << shift)) | (out_bit << shift)
        keep = amp != 0
        if not np.any(keep):
            continue
        pos = np.minimum(np.searchsorted(basis, new[keep]), basis.size - 1)
        inside = basis[pos] == new[keep]
        rows.append(pos[inside])
        cols.append(col_idx[keep][inside])
        vals.append(amp[keep][inside])
        if not np.all(inside):  # single terms (sx sx) may leave; their sum must not
            leak_idx.append(new[keep][~inside])
            leak_col.append(col_idx[keep][~inside])
            leak_amp.append(amp[keep][~inside])
    if leak_idx:
        keys = np.stack([np.concatenate(leak_idx), np.concatenate(leak_col)], axis=1)
        _, inv = np.unique(keys, axis=0, return_inverse=True)
        amp = np.concatenate(leak_amp)
        tot = np.bincount(inv.ravel(), weights=amp.real) + 1j * np.bincount(inv.ravel(), weights=amp.imag)
        scale = max(1.0, float(np.abs(amp).max()))
        if np.any(np.abs(tot) > 1e-12 * scale):
            raise SectorError("the operator does not conserve the number of up spins; it has no "
                              f"block inside the sector with {up_spins} up spins.")
    if not rows:
        return sp.csr_matrix((basis.size, basis.size), dtype=complex)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(basis.size, basis.size), dtype=complex)


def parse_configuration(state: str | Sequence[int], n: int | None = None) -> tuple[int, np.ndarray]:
    """A product configuration: ``"↑↑↑↓↑↑↑"``/``"uuuduuu"`` or a list of 1-based down sites.

    Returns ``(n, down_sites)``.
    """
    if isinstance(state, str):
        s = state.strip().strip("|>⟩")
        ups, downs = set("↑uU+0"), set("↓dD-1")
        if not s or any(ch not in ups | downs for ch in s):
            raise InvalidParameterError(
                f"cannot read the configuration {state!r}; write it site 1 first with "
                "'↑'/'u' and '↓'/'d', e.g. '↑↑↑↓↑↑↑'.")
        if n is not None and len(s) != n:
            raise InvalidParameterError(f"configuration {state!r} has {len(s)} sites, the chain {n}.")
        return len(s), np.array([i + 1 for i, ch in enumerate(s) if ch in downs], dtype=int)
    if n is None:
        raise InvalidParameterError("give n when the configuration is a list of down sites.")
    try:
        d = np.array(sorted(set(int(v) for v in state)), dtype=int)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"cannot read the configuration {state!r}: pass a string like '↑↑↑↓↑↑↑' or a list "
            "of 1-based down sites.") from None
    if d.size and (d.min() < 1 or d.max() > n):
        raise InvalidParameterError(f"down sites {list(d)} must lie in 1..{n}.")
    return n, d


# ---------------------------------------------------------------------- profiles
def local_alpha(alpha: str | Callable[[np.ndarray], np.ndarray] = "exact", particles: int | None = None
                ) -> Callable[[np.ndarray], np.ndarray]:
    r"""The function :math:`x \mapsto \alpha(T)/\alpha_1` used for a local temperature.

    ``"exact"``: :func:`~symness.exchange.alpha_ratio` of ``particles`` atoms
    (canonical, finite :math:`N`); ``"sommerfeld"``: eq. (5),
    :math:`1 + \pi^2x^2/36`; or any callable of ``x``.
    """
    if callable(alpha):
        def checked(x: np.ndarray, f: Callable[[np.ndarray], np.ndarray] = alpha) -> np.ndarray:
            try:
                a = np.asarray(f(x), dtype=float)
            except (TypeError, ValueError):
                raise InvalidParameterError(
                    "the alpha callable must return real numbers alpha(T)/alpha_1 for the array x.") from None
            if a.shape != np.shape(x) or not np.all(np.isfinite(a)) or np.any(a <= 0):
                raise InvalidParameterError(
                    "the alpha callable must return one finite alpha(T)/alpha_1 > 0 per temperature; "
                    f"got {a!r}.")
            return a
        return checked
    if alpha == "exact":
        if particles is None:
            raise InvalidParameterError("alpha='exact' needs the particle number (particles=N).")
        N = check_particle_number(particles)
        return lambda x: np.asarray(alpha_ratio(N, x), dtype=float)
    if alpha == "sommerfeld":
        return lambda x: np.asarray(alpha_ratio_sommerfeld(x), dtype=float)
    raise InvalidParameterError(f"alpha = {alpha!r}: use 'exact', 'sommerfeld' or a callable of x.")


def _check_n(N: Any) -> int:
    N = check_particle_number(N)
    if N < 2:
        raise InvalidModelError(f"a chain needs N >= 2 sites, got {N}.")
    return N


def bond_temperatures(N: int, x1: float, x2: float, shape: str = "linear") -> np.ndarray:
    r"""Local temperatures :math:`x_l` of the bonds ``l = 1..N-1`` (units :math:`\epsilon_0`).

    ``"step"``: :math:`x_1` for :math:`l < (N+1)/2`, :math:`x_2` otherwise (paper,
    closed system).  ``"linear"``: a linear :math:`T(s)` across the chain with
    :math:`T(1) = T_1` at site 1 and :math:`T(N) = T_2` at site ``N``, sampled at the bond
    midpoints :math:`s = l + 1/2`: :math:`x_l = x_1 + (l - 1/2)(x_2 - x_1)/(N-1)` (open
    system; the paper only says the gradient is linear with edge difference :math:`\Delta T`).
    """
    N = _check_n(N)
    x1v, x2v = (float(_check_x(v)) for v in (x1, x2))
    l = np.arange(1, N)
    if shape == "step":
        return np.where(l < (N + 1) / 2, x1v, x2v)
    if shape == "linear":
        return x1v + (l - 0.5) * (x2v - x1v) / (N - 1)
    raise InvalidParameterError(f"shape = {shape!r}: use 'step' or 'linear'.")


def step_profile(N: int, x1: float, x2: float, *, alpha: Any = "exact",
                 particles: int | None = None) -> np.ndarray:
    r"""Bond coefficients :math:`\alpha_l/\alpha_1` for a temperature step (paper, Figs. 3-4).

    :math:`\alpha_l = \alpha(T_1)` for :math:`l < (N+1)/2`, :math:`\alpha(T_2)` otherwise;
    ``x = k_BT/\epsilon_0``.  ``alpha`` as in :func:`local_alpha` with ``particles``
    defaulting to ``N`` (the atoms of the link).
    """
    f = local_alpha(alpha, N if particles is None else particles)
    return f(bond_temperatures(N, x1, x2, "step"))


def linear_profile(N: int, x1: float, x2: float, *, alpha: Any = "exact",
                   particles: int | None = None) -> np.ndarray:
    r"""Bond coefficients :math:`\alpha_l/\alpha_1` for a linear temperature gradient (Figs. 5-6).

    Local temperatures from :func:`bond_temperatures` (``"linear"``).
    """
    f = local_alpha(alpha, N if particles is None else particles)
    return f(bond_temperatures(N, x1, x2, "linear"))


# ---------------------------------------------------------------------- observables
def down_terms(site: int) -> list[Term]:
    r""":math:`S^\downarrow_i = (1-\sigma^z_i)/2` (eq. 6)."""
    return [Term.of(1, (site, "d"))]


def magnetization_terms(n: int) -> list[Term]:
    r""":math:`m = \tfrac12\sum_i \sigma^z_i` (eq. 10)."""
    return [Term.of(sympy.Rational(1, 2), (i, "z")) for i in range(1, n + 1)]


def paper_current_terms(n: int, bonds: Iterable[int] | None = None) -> list[Term]:
    r"""The paper's eq. (9) operator :math:`\sum_i (\sigma^y_i\sigma^x_{i+1} - \sigma^x_i\sigma^y_{i+1})`.

    Without the bond's exchange coefficient: for an inhomogeneous chain this is
    *not* the sum of the continuity-equation currents (:func:`bond_current_terms`),
    see ``docs/errata.md``.
    """
    out = []
    for i in (range(1, n) if bonds is None else bonds):
        out += [Term.of(1, (i, "y"), (i + 1, "x")), Term.of(-1, (i, "x"), (i + 1, "y"))]
    return out


def bond_current_terms(model: Model, bond: int) -> list[Term]:
    r"""Down-spin current through bond ``bond`` (from site l to l+1), derived from the model.

    :math:`j_l = i[h_{l,l+1}, S^\downarrow_{l+1}]`, so that the continuity equation
    :math:`\dot S^\downarrow_i = j_{i-1} - j_i` holds for :math:`h = \sum_l h_{l,l+1}`.
    Computed symbolically on the two sites of the bond and expanded in Pauli
    strings; for the exchange chain it is
    :math:`\frac{\alpha_l}{2g}(\sigma^y_l\sigma^x_{l+1} - \sigma^x_l\sigma^y_{l+1})`.
    """
    key = (bond, bond + 1)
    if key not in model.bonds:
        raise InvalidModelError(f"model {model.name!r} has no bond {key}.")
    sites = {bond: 1, bond + 1: 2}
    coeffs, local = [], []
    for i, t in enumerate(model.bonds[key]):
        if any(s not in sites for s, _ in t.factors):
            raise InvalidModelError(f"bond term {t} acts outside the bond {key}.")
        coeffs.append(t.coeff)
        local.append((f"_c{i}", tuple((sites[s], o) for s, o in t.factors)))
    # the commutator is derived once per operator structure, with placeholder coefficients
    back = {sympy.Symbol(name): c for (name, _), c in zip(local, coeffs)}
    inv = {1: bond, 2: bond + 1}
    return [Term(sympy.cancel(c.xreplace(back)), tuple((inv[s], o) for s, o in fac))
            for c, fac in _two_site_current(tuple(local))]


@lru_cache(maxsize=64)
def _two_site_current(local: tuple[tuple[str, tuple[tuple[int, str], ...]], ...]
                      ) -> tuple[tuple[sympy.Expr, tuple[tuple[int, str], ...]], ...]:
    """Pauli expansion of i[h_12, S_2^down] for h_12 = sum_i c_i P_i (placeholder symbols c_i)."""
    h = terms_operator([Term(sympy.Symbol(name), fac) for name, fac in local], 2, "sympy")
    nd = terms_operator([Term.of(1, (2, "d"))], 2, "sympy")
    comm = sympy.I * (h * nd - nd * h)
    out = []
    for a in ("1", "x", "y", "z"):
        for b in ("1", "x", "y", "z"):
            factors = tuple((s, o) for s, o in ((1, a), (2, b)) if o != "1")
            P = terms_operator([Term(1, factors)], 2, "sympy") if factors else sympy.eye(4)
            coeff = sympy.expand((P * comm).trace() / 4)  # Pauli strings: Tr(P Q) = 4 delta_PQ
            if coeff != 0:
                out.append((coeff, factors))
    return tuple(out)
