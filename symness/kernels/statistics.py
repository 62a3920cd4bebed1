r"""Thermodynamics beyond the mean for any Pauli kernel: counting statistics, entropy production, TUR.

For a :class:`~symness.kernels.PauliKernel` the heat :math:`Q^X_t` a reservoir
:math:`X` gives to the system is counted on the kernel's transitions: an
absorption :math:`l \to h` from :math:`X` adds :math:`+\omega`, an emission
:math:`h \to l` into :math:`X` adds :math:`-\omega`.  The scaled cumulant
generating function is the eigenvalue of the tilted kernel that vanishes at zero
counting field (:mod:`symness.markov.counting`); its derivatives are the
cumulants -- :math:`\kappa_1 = q^X` (the mean heat current, equal to
:meth:`~symness.kernels.PauliKernel.heat_currents`), :math:`\kappa_2 = S^X` the
zero-frequency noise of the heat current.  They are closed forms: rational
functions of the coefficients :math:`p_{km}` of the characteristic polynomial
:math:`\det(\lambda - K(\chi))`, themselves polynomials in the rate symbols.

Entropy production :math:`\sigma = -\sum_X q^X/T_X \ge 0` (second law) and the
thermodynamic uncertainty relation :math:`S^X\sigma/(q^X)^2 \ge 2` follow.
Units: :math:`\hbar = k_B = 1`; currents are energy per unit time, noise energy
squared per unit time, :math:`\sigma` per unit time (units of :math:`k_B`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import sympy

from ..closedform import ClosedForm
from ..errors import InvalidParameterError
from ..markov.counting import characteristic_coefficients, cumulant_formulas
from ..markov.symbolic import PolynomialDefinition

if TYPE_CHECKING:  # pragma: no cover
    from .pauli import PauliKernel


def substitute_definitions(expr: Any, defs: Any) -> Any:
    from .pauli import substitute_definitions as sub
    return sub(expr, defs)

__all__ = ["heat_cumulants", "heat_current_noise", "entropy_production", "tur_ratio", "linear_response",
           "thermal_conductance"]

MAX_ORDER = 4


def _check(pk: PauliKernel, bath: str, order: int) -> None:
    if bath not in pk.baths:
        raise InvalidParameterError(f"no bath {bath!r}; baths: {pk.baths}.")
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        raise InvalidParameterError(f"order = {order!r}: cumulants of order 1..{MAX_ORDER} are available.")
    if pk.steady != "closed":
        raise InvalidParameterError("closed-form counting statistics need the closed-form steady state "
                                    "(pauli_kernel(..., steady='closed')); for large models use "
                                    "symness.open.davies_ness(...).heat_current_noise(bath).")


@lru_cache(maxsize=8)
def _formulas(order: int) -> tuple[list[tuple[int, int]], list[sympy.Expr], Any]:
    p, kappas = cumulant_formulas(order)
    keys = list(p)
    fn = sympy.lambdify([p[k] for k in keys], kappas, modules=[{}, "math"])
    return keys, [k.subs({p[key]: sympy.Symbol(f"p_{key[0]}{key[1]}") for key in keys}) for k in kappas], fn


def _coefficients(pk: PauliKernel, bath: str, order: int) -> dict[tuple[int, int], Any]:
    """p_km of the bath's tilted kernel, rational polynomials in the generators of the kernel's ring."""
    cache = pk.__dict__.setdefault("_counting_cache", {})
    if (bath, order) in cache:
        return cache[(bath, order)]
    eng = pk._engine
    ring = eng.ring
    edges = []
    for t in pk.transitions:
        w = pk.channels[t.channel].symbol if t.bath == bath else 0
        edges += [(t.lower, t.upper, t.up, w), (t.upper, t.lower, t.down, -w if w != 0 else 0)]
    coeffs, _ = characteristic_coefficients(pk.dim, edges, ring.symbols, order)
    out = {key: v for key, v in coeffs.items() if key != (0, 0)}  # generators x0.. as the ring's, then lam, chi, eps
    cache[(bath, order)] = out
    return out


def heat_cumulants(pk: PauliKernel, bath: str, order: int = 3) -> ClosedForm:
    r"""Scaled cumulants :math:`\kappa_1..\kappa_{order}` of the heat from reservoir ``bath`` into the system.

    :math:`\kappa_j = \partial_\chi^j\lambda(\chi)|_0` with :math:`\lambda` the eigenvalue of
    the tilted kernel (counting field :math:`\chi` on the energy exchanged with
    ``bath``) that vanishes at :math:`\chi = 0`; obtained from the characteristic
    polynomial without an eigenvalue solve (:mod:`symness.markov.counting`).
    :math:`\kappa_1` is the mean heat current (energy per unit time), :math:`\kappa_2`
    the zero-frequency noise (energy squared per unit time).

    Returns
    -------
    ClosedForm
        Mapping ``{"kappa_1": ..., ..., "kappa_order": ...}``.
    """
    _check(pk, bath, order)
    coeffs = _coefficients(pk, bath, order)
    keys, kappas, fn = _formulas(order)
    b = pk.baths.index(bath)
    names = {key: pk._namer.exact(f"p^{{{bath}}}_{{{key[0]}{key[1]}}}", real=True) for key in keys}
    defs = {names[key]: PolynomialDefinition(pk._engine.ring, coeffs[key],
                                             rf"[\lambda^{key[0]}\chi^{key[1]}]\,\det(\lambda - K_{{{bath}}}(\chi))")
            for key in keys}
    psyms = {sympy.Symbol(f"p_{key[0]}{key[1]}"): names[key] for key in keys}
    expr = {f"kappa_{j + 1}": k.xreplace(psyms) for j, k in enumerate(kappas)}
    extra = {("p", b, k, m): coeffs[(k, m)] for (k, m) in keys}
    numeric = pk._backend([("cumulant", (b, order, j)) for j in range(order)], extra_polys=extra,
                          formulas={order: lambda p: fn(*[p[key] for key in keys])})
    return pk._form(expr, name=rf"\kappa^{{{bath}}}", equation="", numeric=numeric, extra=defs,
                    description=f"Scaled cumulants of the heat from reservoir {bath} into the system (kappa_1: mean "
                                "current, kappa_2: zero-frequency noise), from the tilted Pauli kernel.")


def heat_current_noise(pk: PauliKernel, bath: str) -> ClosedForm:
    r"""Zero-frequency noise :math:`S^X = \kappa_2` of the heat current from ``bath`` (energy^2 per unit time)."""
    form = heat_cumulants(pk, bath, order=2)
    out = form["kappa_2"]
    out.name = f"S^{{{bath}}}"
    out.description = (f"Zero-frequency noise of the heat current from reservoir {bath} (variance of the heat "
                       "exchanged per unit time, long-time limit).")
    return out


def entropy_production(pk: PauliKernel) -> ClosedForm:
    r"""Entropy production rate :math:`\sigma = -\sum_X q^X/T_X \ge 0` (units of :math:`k_B` per unit time).

    Evaluated as :math:`\sigma = -\sum_X q^X (1/T_X - 1/T_1)` (first law), so it keeps
    full relative precision as the temperatures approach each other.  For two
    reservoirs and factorised channels, :math:`\sigma = \sum_\omega F_\omega\,\omega\,[n_A - n_B]
    (1/T_B - 1/T_A)`, a sum of manifestly non-negative terms.
    """
    q = pk.heat_currents_form()
    Ts = [pk.temperatures[b] for b in pk.baths]
    expr = -sum((q.expr[b] / T for b, T in zip(pk.baths, Ts)), sympy.S.Zero)
    numeric = pk._backend([("entropy", None)], temperatures=True)
    return ClosedForm(expr, q.symbols, name=r"\sigma", assumptions=q.assumptions, paper=q.paper,
                      equation=q.equation, conventions=q.conventions, definitions=q.definitions, numeric=numeric,
                      description="Entropy production rate -sum_X q_X/T_X (second law: >= 0).")


def tur_ratio(pk: PauliKernel, bath: str) -> ClosedForm:
    r"""Thermodynamic uncertainty ratio :math:`S^X\sigma/(q^X)^2` (the TUR states it is :math:`\ge 2`)."""
    _check(pk, bath, 2)
    cum = heat_cumulants(pk, bath, order=2)
    sig = entropy_production(pk)
    expr = cum.expr["kappa_2"] * sig.expr / cum.expr["kappa_1"] ** 2
    b = pk.baths.index(bath)
    coeffs = _coefficients(pk, bath, 2)
    keys, _, fn = _formulas(2)
    numeric = pk._backend([("tur", (b, 2))], extra_polys={("p", b, k, m): coeffs[(k, m)] for (k, m) in keys},
                          formulas={2: lambda p: fn(*[p[key] for key in keys])}, temperatures=True)
    defs = dict(sig.definitions)
    defs.update(cum.definitions)
    return ClosedForm(expr, cum.symbols, name=rf"\mathcal{{Q}}^{{{bath}}}", assumptions=cum.assumptions,
                      paper=cum.paper, equation=cum.equation, conventions=cum.conventions, definitions=defs,
                      numeric=numeric, description=f"TUR ratio S sigma / q^2 of the heat current from {bath} "
                                                   "(>= 2 by the thermodynamic uncertainty relation).")


def linear_response(pk: PauliKernel) -> ClosedForm:
    r"""Onsager linear response :math:`G_{XY} = \partial q^X/\partial T_Y` at :math:`T_X = T` for every bath.

    Derived directly, as the first-order deviation from the Gibbs state: the
    current numerators :math:`N_X` vanish at equal temperatures, so
    :math:`G_{XY} = \sum_v (\partial N_X/\partial x_v)\,\partial_{T_Y}x_v\,/Z`, the sum over the
    rates :math:`x_v` of bath :math:`Y` (python-flint derivatives of the tree
    polynomials; SymPy derivatives of the rates).  Onsager symmetry
    :math:`G_{XY} = G_{YX}` and :math:`\sum_X G_{XY} = 0` (first law) hold; two baths:
    :math:`G_{AA}` is the thermal conductance.

    Returns
    -------
    ClosedForm
        Matrix ``G[X, Y]`` in the order of ``pk.baths``; parameter ``T`` (fresh name) is the common temperature.
    """
    if pk.steady != "closed":
        raise InvalidParameterError("linear_response needs the closed-form steady state (steady='closed').")
    Ts = [pk.temperatures[b] for b in pk.baths]
    if not all(isinstance(t, sympy.Symbol) for t in Ts) or len(set(Ts)) != len(Ts):
        raise InvalidParameterError("linear_response needs a distinct temperature symbol for every bath "
                                    f"(got {Ts}).")
    T = pk._namer.symbol("T", positive=True)
    eq = {t: T for t in Ts}
    eng = pk._engine
    ring = eng.ring
    nums = pk._current_numerators()
    defs = pk._rate_definitions()
    rate_bath = {}
    for t in pk.transitions:
        rate_bath[t.up] = t.bath
        rate_bath[t.down] = t.bath
    nb = len(pk.baths)
    D_defs: dict[sympy.Symbol, Any] = {}
    dW: dict[sympy.Symbol, sympy.Symbol] = {}
    derivatives: list[tuple[int, int, sympy.Expr]] = []
    dindex: dict[sympy.Symbol, int] = {}
    terms: list[tuple[int, int, int, int]] = []
    polys: list[Any] = []
    G = sympy.zeros(nb, nb)
    Zs = pk._namer.symbol("Z", positive=True)
    for v, bY in rate_bath.items():
        Y = pk.baths.index(bY)
        k = ring.symbols.index(v)
        if v not in dindex:
            dindex[v] = len(derivatives)
            expr = sympy.diff(substitute_definitions(pk.rates[v], pk.definitions), Ts[Y]).xreplace(eq)
            derivatives.append((Y, k, expr))
            dW[v] = pk._namer.exact(f"\\dot{{{v.name}}}", real=True)
        for X in range(nb):
            D = nums[X].derivative(f"x{k}")
            if D.is_zero():
                continue
            Dsym = pk._namer.exact(f"D_{{{pk.baths[X]},{v.name}}}", real=True)
            D_defs[Dsym] = PolynomialDefinition(ring, D, rf"\partial N_{{{pk.baths[X]}}}/\partial {sympy.latex(v)}")
            G[X, Y] += Dsym * dW[v]
            terms.append((X, Y, k, dindex[v]))
            polys.append(D)
    G = G / Zs
    from ..markov.evaluate import ExactPolynomials
    from .numerics import Edge, ResponseBackend
    index = {s: k for k, s in enumerate(ring.symbols)}
    edges = [Edge(pk.baths.index(t.bath), t.lower, t.upper, index[t.up], index[t.down],
                  index[pk.channels[t.channel].symbol]) for t in pk.transitions]
    variables = [substitute_definitions(s, defs).xreplace(eq) for s in ring.symbols]
    params = sorted(set().union(*(v.free_symbols for v in variables), *(d.free_symbols for *_, d in derivatives)),
                    key=str)
    try:
        numeric = ResponseBackend(pk.dim, edges, variables, derivatives, params,
                                  [(X, Y) for X in range(nb) for Y in range(nb)],
                                  ExactPolynomials(ring, polys + [eng.Z]), terms)
    except InvalidParameterError:
        numeric = None
    definitions = {s: e.xreplace(eq) for s, e in defs.items()}
    definitions.update({dW[v]: d for v, (_, _, d) in zip(dindex, [derivatives[dindex[v]] for v in dindex])})
    definitions.update(D_defs)
    definitions[Zs] = PolynomialDefinition(ring, eng.Z, r"\sum_k P_k")
    meanings = {s: m for s, m in pk.symbols.items() if s not in eq}
    meanings[T] = "common temperature of all reservoirs (equilibrium point of the linear response)"
    return ClosedForm(G, meanings, name="G", definitions=definitions, numeric=numeric,
                      assumptions=pk.assumptions + ["linear response around equal temperatures T"],
                      paper=pk.paper, equation=pk.equation, conventions=pk.conventions,
                      description="Linear response G_XY = dq_X/dT_Y at equal temperatures (Onsager matrix; "
                                  f"rows/columns in the order {pk.baths}).")


def thermal_conductance(pk: PauliKernel) -> ClosedForm:
    r"""Thermal conductance :math:`\lim q^A/(T_A - T_B)` at :math:`T_A = T_B = T` (two baths).

    Units: energy per unit time per unit temperature (:math:`k_B = 1`).
    """
    if len(pk.baths) != 2:
        raise InvalidParameterError(f"thermal_conductance is defined for two baths, this kernel has {pk.baths}; "
                                    "use linear_response() for the full Onsager matrix.")
    G = linear_response(pk)
    out = ClosedForm(G.expr[0, 0], G.symbols, name=r"\kappa_{\mathrm{th}}", definitions=G.definitions,
                     numeric=G.numeric.select([0]) if G.numeric is not None else None,
                     assumptions=G.assumptions, paper=G.paper, equation=G.equation, conventions=G.conventions,
                     description=f"Thermal conductance between {pk.baths[0]} and {pk.baths[1]}: q^{pk.baths[0]} "
                                 "= kappa_th (T_A - T_B) to first order in the temperature difference.")
    return out
