r"""Spin rings between two baths: the ring4 XXZ ring and the two-branch rings of the magnification paper.

Both are defined once (``Term``\ s with SymPy coefficients) for the symbolic and
the numeric path.

XXZ ring (ring4 eqs. 1-3)
-------------------------
.. math::

    H = \sum_{l=1}^{n}\big[J(\sigma^x_l\sigma^x_{l+1} + \sigma^y_l\sigma^y_{l+1})
        + \Delta\,\sigma^u_l\sigma^u_{l+1}\big] + \sum_l h_l\sigma^z_l,
    \qquad \sigma^u = (\sigma^z + 1)/2,\ \ l = n+1 \equiv 1,

coupled through :math:`\sigma^z` (or another Pauli operator) at the two contact
sites to ohmic baths :math:`J(\omega) = \gamma\omega e^{-\omega/\omega_c}` with
the ``ring4`` preset (eq. 7).  Bond energies (eq. 11, with the field operators,
see ``docs/errata.md``):
:math:`h_{l,l+1} = J(\sigma^x_l\sigma^x_{l+1}+\sigma^y_l\sigma^y_{l+1}) + \Delta\sigma^u_l\sigma^u_{l+1}
+ \tfrac{h_l}{2}\sigma^z_l + \tfrac{h_{l+1}}{2}\sigma^z_{l+1}`.

Two-branch ring (magnification Sec. III, eqs. 22-24)
----------------------------------------------------
Site 1 touches the left bath, sites ``2..N_U+1`` form the upper branch, site
``N_U+2`` touches the right bath and ``N_U+3..N_U+N_D+2`` the lower branch
(clockwise numbering); same XXZ bonds with :math:`\sigma^{z'} = \sigma^u`, no
fields by default, :math:`\sigma^z` couplings with the ``magnification`` preset
(:math:`\sqrt\gamma = 0.1`, :math:`\Omega_C = 10`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy

from ..baths import Bath, ohmic
from ..errors import InvalidModelError, InvalidParameterError
from ..validation import check_nonnegative, check_positive, check_temperature
from .base import Coupling, Model, Term, _check_value, check_sites

__all__ = ["xxz_ring", "two_branch_ring", "ring_model"]


#: ring structures (terms, bonds, contact terms) kept for reuse: they hold symbols only, so a
#: parameter sweep that rebuilds ``xxz_ring(..., Delta=D)`` builds its terms once (issue 16)
_RING_TERMS_MAX = 64
_RING_TERMS: dict[Any, Any] = {}
_OHMIC: dict[Any, Any] = {}


def _ring_terms(n: int, field_sites: tuple[int, ...], contacts: tuple[int, int], coupling: str
                ) -> tuple[list[Term], dict[tuple[int, int], list[Term]], tuple[tuple[Term, ...], ...]]:
    """The symbolic terms of a ring (immutable ``Term``\\ s, fresh lists), cached by structure."""
    key = (n, field_sites, contacts, coupling)
    hit = _RING_TERMS.get(key)
    if hit is None:
        Js = sympy.Symbol("J", real=True)
        Ds = sympy.Symbol("Delta", real=True)
        terms: list[Term] = []
        bonds: dict[tuple[int, int], list[Term]] = {}
        for l in range(1, n + 1):
            m = l % n + 1
            bond = [Term.of(Js, (l, "x"), (m, "x")), Term.of(Js, (l, "y"), (m, "y")),
                    Term.of(Ds, (l, "u"), (m, "u"))]
            terms += bond
            bonds[(l, m)] = list(bond)
        for l in field_sites:
            h = sympy.Symbol(f"h_{l}", real=True)
            terms.append(Term.of(h, (l, "z")))
            prev = (l - 2) % n + 1
            bonds[(prev, l)].append(Term.of(h / 2, (l, "z")))
            bonds[(l, l % n + 1)].append(Term.of(h / 2, (l, "z")))
        contact_terms = ((Term.of(1, (contacts[0], coupling)),), (Term.of(1, (contacts[1], coupling)),))
        if len(_RING_TERMS) >= _RING_TERMS_MAX:
            _RING_TERMS.pop(next(iter(_RING_TERMS)))
        hit = _RING_TERMS[key] = (tuple(terms), {k: tuple(v) for k, v in bonds.items()}, contact_terms)
    terms_t, bonds_t, contact_terms = hit
    return list(terms_t), {k: list(v) for k, v in bonds_t.items()}, contact_terms


def _ohmic(gamma: Any, cutoff: Any) -> Any:
    """``ohmic(gamma, cutoff)``, kept for plain numbers (a frozen, shareable spectral density)."""
    if type(gamma) not in (int, float) or type(cutoff) not in (int, float):
        return ohmic(gamma, cutoff)
    key = (type(gamma), gamma, type(cutoff), cutoff)
    hit = _OHMIC.get(key)
    if hit is None:
        if len(_OHMIC) >= _RING_TERMS_MAX:
            _OHMIC.pop(next(iter(_OHMIC)))
        hit = _OHMIC[key] = ohmic(gamma, cutoff)
    return hit


def ring_model(name: str, n: int, *, J: float, Delta: float, fields: Mapping[int, float] | None,
               contacts: tuple[int, int], T_left: float, T_right: float, gamma: float, cutoff: float,
               preset: str, coupling: str, paper: str, equation: str) -> Model:
    """A ring of ``n`` spins with XXZ (sigma^u) bonds, local fields and two contacts."""
    n = check_sites(n, "a ring", 3)
    if fields is not None and not isinstance(fields, Mapping):
        raise InvalidModelError(
            f"fields must be a mapping {{site: h}} (1-based sites), e.g. fields={{2: 2.0, 3: 1.0}}; "
            f"got {type(fields).__name__} {fields!r}.")
    fields = dict(fields or {})
    if len(contacts) != 2:
        raise InvalidModelError(f"contacts must be two different sites, got {contacts}.")
    for s in list(fields) + list(contacts):
        if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= n:
            raise InvalidModelError(f"site {s!r} is outside the ring's sites 1..{n}.")
    if contacts[0] == contacts[1]:
        raise InvalidModelError(f"contacts must be two different sites, got {contacts}.")
    if not isinstance(coupling, str) or coupling not in ("x", "y", "z", "u"):
        raise InvalidParameterError(f"coupling must be one of 'x', 'y', 'z', 'u', not {coupling!r}.")
    check_temperature(T_left, "T_left")
    check_temperature(T_right, "T_right")
    check_nonnegative(gamma, "gamma")
    check_positive(cutoff, "cutoff")
    for v, name in ((T_left, "T_left"), (T_right, "T_right"), (gamma, "gamma"), (cutoff, "cutoff")):
        _check_value(name, v, real=True)  # scalars only (numbers or SymPy expressions)
    _check_value("J", J, real=True)
    _check_value("Delta", Delta, real=True)
    for l, h in fields.items():
        _check_value(f"fields[{l}]", h, real=True)

    Js = sympy.Symbol("J", real=True)
    Ds = sympy.Symbol("Delta", real=True)
    TL = sympy.Symbol("T_L", positive=True)
    TR = sympy.Symbol("T_R", positive=True)
    hs = {l: sympy.Symbol(f"h_{l}", real=True) for l in sorted(fields)}
    terms, bonds, contact_terms = _ring_terms(n, tuple(sorted(fields)), tuple(contacts), coupling)
    spec = _ohmic(gamma, cutoff)
    couplings = [Coupling("L", contact_terms[0], Bath(spec, TL, preset, name="L")),
                 Coupling("R", contact_terms[1], Bath(spec, TR, preset, name="R"))]
    values: dict[sympy.Symbol, Any] = {Js: J, Ds: Delta, TL: T_left, TR: T_right}
    values.update({hs[l]: fields[l] for l in hs})
    symbols = {Js: "XY exchange J (energy)", Ds: "sigma^u sigma^u interaction Delta (energy)",
               TL: "left bath temperature", TR: "right bath temperature"}
    symbols.update({hs[l]: f"local field on site {l} (energy)" for l in hs})
    return Model(name, n, terms, couplings, values, bonds, symbols, paper=paper, equation=equation)


def xxz_ring(n: int = 4, J: float = 1.0, Delta: float = 0.0, fields: Mapping[int, float] | None = None,
             contacts: tuple[int, int] = (1, 3), T_left: float = 2.0, T_right: float = 1.0,
             gamma: float = 0.01, cutoff: float = 10.0, *, preset: str = "ring4",
             coupling: str = "z") -> Model:
    r"""The XXZ ring of the ring4 paper (eqs. 1-3), generalised to ``n`` sites.

    Parameters
    ----------
    n
        Number of sites (ring4: 4).
    J, Delta
        XY exchange and :math:`\sigma^u\sigma^u` interaction (energy units).
    fields
        ``{site: h}``: local fields :math:`h\sigma^z_{site}` (ring4: ``{2: 2.0, 3: 1.0}``).
    contacts
        Sites coupled to the left and right baths (ring4: ``(1, 3)``).
    T_left, T_right
        Bath temperatures (ring4: 2 and 1).
    gamma, cutoff
        Ohmic spectral density :math:`\gamma\omega e^{-\omega/\omega_c}` (ring4: 0.01, 10).
    preset
        Bath convention (default ``"ring4"``: eq. 7 with its :math:`1/\pi`).
    coupling
        Pauli operator at the contacts (ring4: ``"z"``; ``"x"`` breaks the
        conservation of :math:`S^z` and gives a unique NESS on the full space).

    Returns
    -------
    Model
        Symbols ``J``, ``Delta``, ``h_<site>``, ``T_L``, ``T_R`` with the given
        values as defaults; bonds ``(l, l % n + 1)`` split each field equally
        between the two bonds of its site; baths named ``"L"`` and ``"R"``.
    """
    try:
        contacts = tuple(contacts)
    except TypeError:
        raise InvalidModelError(
            f"contacts must be two different sites (left, right), e.g. (1, 3); got {contacts!r}.") from None
    return ring_model("xxz_ring", n, J=J, Delta=Delta, fields=fields, contacts=contacts,
                      T_left=T_left, T_right=T_right, gamma=gamma, cutoff=cutoff, preset=preset,
                      coupling=coupling, paper="ring4", equation="(1)-(3), (11)")


def two_branch_ring(n_upper: int = 2, n_lower: int = 1, J: float = 1.0, Delta: float = 0.0,
                    T_left: float = 2.0, T_right: float = 1.0, gamma: float = 0.01, cutoff: float = 10.0,
                    *, fields: Mapping[int, float] | None = None, preset: str = "magnification",
                    coupling: str = "z") -> Model:
    r"""Two-branch XXZ ring of the magnification paper (Sec. III, eqs. 22-24).

    Parameters
    ----------
    n_upper, n_lower
        Spins in the upper and lower branch (:math:`N_U, N_D`); the ring has
        :math:`N_S = N_U + N_D + 2` sites, site 1 and site :math:`N_U+2` touch
        the left and right baths.  Fig. 10(a,b): ``(2, 1)``; Fig. 10(c): ``(3, 1)``.
    J, Delta
        Exchange and asymmetry parameter of eq. (22).
    T_left, T_right
        Bath temperatures (paper: 2 and 1).
    gamma, cutoff
        :math:`\gamma_{\rm paper} = (\sqrt\gamma)^2` (paper: 0.01) and
        :math:`\Omega_C` (paper: 10) of eqs. (24), (28), (30).
    fields
        Optional local fields (none in the paper).

    Returns
    -------
    Model
        Upper-branch current :math:`I_U` = ``bond_heat_current(2)`` (left to
        right); lower-branch current (left to right) = ``-bond_heat_current(N_S)``.
    """
    for v, nm in ((n_upper, "n_upper"), (n_lower, "n_lower")):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise InvalidModelError(f"{nm} must be a non-negative integer, got {v!r}.")
    n = check_sites(n_upper + n_lower + 2, "the two-branch ring (n = n_upper + n_lower + 2)", 2)
    return ring_model("two_branch_ring", n, J=J, Delta=Delta, fields=fields, contacts=(1, n_upper + 2),
                      T_left=T_left, T_right=T_right, gamma=gamma, cutoff=cutoff, preset=preset,
                      coupling=coupling, paper="magnification", equation="(22)-(24), (33)")
