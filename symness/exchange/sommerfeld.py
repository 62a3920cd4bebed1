r"""Low-temperature (Sommerfeld) expansion of :math:`\alpha(T)` and the infinite-gas reference.

Paper ``coldatom``, eqs. (4)-(5): for spinless fermions of density
:math:`\rho` in 1D (:math:`\hbar = m = k_B = 1`)

.. math:: \frac{\epsilon(T)}{L} = \frac{\pi^2\rho^3}{6} + \frac{T^2}{6\rho} + O(T^4),
   \qquad \frac{\alpha(T)}{\alpha_1} = 1 + \frac{T^2}{\pi^2\rho^4} + O(T^4).

:func:`sommerfeld_energy` *derives* this (to any order) from the box
dispersion: the density of states per length follows from the level counting
:math:`n(E)/L = \sqrt{2E}/\pi`; the Sommerfeld lemma
:math:`\int_0^\infty H f\,dE = \int_0^\mu H\,dE + \sum_{j\ge1} a_j T^{2j}
H^{(2j-1)}(\mu)`, :math:`a_j = 2(1-2^{1-2j})\zeta(2j)`, is applied to the
particle number and the energy; the chemical potential is solved order by
order in :math:`T^2` at fixed :math:`\rho`.

:func:`alpha_ratio_thermodynamic` evaluates the same infinite-gas quantity
*exactly* (Fermi-Dirac integrals as polylogarithms, chemical potential by root
finding, mpmath), the independent reference the expansion is tested against.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import mpmath
import numpy as np
import sympy

from ..closedform import ClosedForm
from ..errors import InvalidParameterError
from .alpha import EPS0, _check_x

__all__ = [
    "T_sym",
    "rho_sym",
    "x_sym",
    "sommerfeld_energy",
    "sommerfeld_alpha",
    "alpha_ratio_sommerfeld",
    "alpha_ratio_thermodynamic",
]

T_sym = sympy.Symbol("T", positive=True)
rho_sym = sympy.Symbol("rho", positive=True)
x_sym = sympy.Symbol("x", nonnegative=True)
_E = sympy.Symbol("E", positive=True)
_mu = sympy.Symbol("mu", positive=True)

_SYMBOLS = {T_sym: "k_B T (energy units, hbar = m = k_B = 1)",
            rho_sym: "density N/L of the gas"}


#: Highest Sommerfeld order derived (the SymPy series grows quickly; the expansion is asymptotic).
MAX_ORDER = 6
#: Largest working precision of :func:`alpha_ratio_thermodynamic`.
MAX_DPS = 1000
#: Below this x the Sommerfeld series (to T^6) replaces the root finding (degenerate gas).
_SOMMERFELD_BELOW = 1e-2


def _check_order(order: int) -> int:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 1 <= order <= MAX_ORDER:
        raise InvalidParameterError(
            f"order = {order!r} must be an integer in 1..{MAX_ORDER} (powers of T^2; the Sommerfeld "
            "series is asymptotic, so higher orders do not help -- use alpha_ratio_thermodynamic for "
            "the exact infinite-gas value).")
    return int(order)


@lru_cache(maxsize=8)
def _derive(order: int) -> tuple[sympy.Expr, sympy.Expr]:
    """(energy per length, chemical potential) to O(T^(2 order)) for fixed rho."""
    E, mu, T, rho = _E, _mu, T_sym, rho_sym
    s = sympy.Symbol("s", positive=True)
    counting = sympy.sqrt(2 * E) / sympy.pi  # states per length below E: k/pi, E = k^2/2
    g = sympy.diff(counting, E)  # density of states per length
    coeff = [2 * (1 - sympy.Integer(2) ** (1 - 2 * j)) * sympy.zeta(2 * j) for j in range(order + 1)]

    def lemma(H: sympy.Expr) -> sympy.Expr:
        res = sympy.integrate(H.subs(E, s), (s, 0, mu))
        for j in range(1, order + 1):
            res += coeff[j] * T ** (2 * j) * sympy.diff(H, E, 2 * j - 1).subs(E, mu)
        return res

    dens, energy = lemma(g), lemma(E * g)
    t = sympy.Symbol("t", positive=True)  # t = T^2
    cs = sympy.symbols(f"c0:{order + 1}")
    mu_t = sum(cs[i] * t**i for i in range(order + 1))
    eq = sympy.series(dens.subs(T, sympy.sqrt(t)).subs(mu, mu_t), t, 0, order + 1).removeO()
    sol: dict[Any, Any] = {}
    for i in range(order + 1):
        ci = sympy.expand(eq.coeff(t, i).subs(sol))
        root = sympy.solve(sympy.Eq(ci, rho), cs[0]) if i == 0 else sympy.solve(ci, cs[i])
        sol[cs[i]] = sympy.simplify(root[0])
    u = sympy.series(energy.subs(T, sympy.sqrt(t)).subs(mu, mu_t).subs(sol), t, 0, order + 1).removeO()
    u = sympy.expand(sympy.simplify(u.subs(t, T**2)))
    mu_T = sympy.expand(mu_t.subs(sol).subs(t, T**2))
    return u, mu_T


def sommerfeld_energy(order: int = 1) -> ClosedForm:
    r"""Energy per length :math:`\epsilon(T)/L` of the 1D Fermi gas to :math:`O(T^{2\,\mathrm{order}})`.

    Paper ``coldatom`` eq. (4) (``order=1``).  Units :math:`\hbar = m = k_B = 1`;
    symbols ``T`` (:math:`k_B T`) and ``rho`` (density).
    """
    u, _ = _derive(_check_order(order))
    return ClosedForm(u, _SYMBOLS, name=r"\epsilon(T)/L", paper="coldatom", equation="(4)",
                      assumptions=[f"Sommerfeld expansion, terms O(T^{2 * order + 2}) dropped",
                                   "infinite 1D gas of spinless fermions at fixed density"],
                      conventions="hbar = m = k_B = 1",
                      description="Energy per length of free spinless fermions in 1D at low T, "
                                  "derived from the box dispersion with the Sommerfeld lemma.")


def sommerfeld_alpha(order: int = 1) -> ClosedForm:
    r""":math:`\alpha(T)/\alpha_1 = \epsilon(T)/\epsilon(0)` to :math:`O(T^{2\,\mathrm{order}})` (paper eq. 5).

    ``order=1`` gives :math:`1 + T^2/(\pi^2\rho^4)`; ``order=2`` adds
    :math:`4T^4/(5\pi^4\rho^8)`.
    """
    u, _ = _derive(_check_order(order))
    ratio = sympy.expand(sympy.simplify(u / u.subs(T_sym, 0)))
    return ClosedForm(ratio, _SYMBOLS, name=r"\alpha(T)/\alpha_1", paper="coldatom", equation="(5)",
                      assumptions=[f"Sommerfeld expansion, terms O(T^{2 * order + 2}) dropped",
                                   "thermodynamic limit"],
                      conventions="hbar = m = k_B = 1; alpha = 2 eps/L",
                      description="Low-temperature expansion of the exchange coefficient.")


@lru_cache(maxsize=8)
def _sommerfeld_x(order: int):
    f = sommerfeld_alpha(order).subs({rho_sym: 1, T_sym: x_sym * sympy.pi**2 / 6})
    return f.lambdify([x_sym])


def alpha_ratio_sommerfeld(x: Any, order: int = 1) -> np.ndarray | float:
    r"""Eq. (5) in the units of :func:`~symness.exchange.alpha_ratio`: :math:`1 + \pi^2 x^2/36` (``order=1``).

    ``x = k_B T/\epsilon_0``, :math:`\epsilon_0 = \pi^2/6`, :math:`\rho = 1`.
    """
    arr = _check_x(x)
    out = np.asarray(_sommerfeld_x(_check_order(order))(arr), dtype=float)
    return out.item() if out.ndim == 0 else out


def _fd_density_energy(eta: Any, T: Any, ctx: Any) -> tuple[Any, Any]:
    """(rho, u) of the 1D Fermi gas with fugacity e^eta (hbar = m = 1), via polylogarithms."""
    z = -ctx.exp(eta)
    rho = -ctx.sqrt(T / (2 * ctx.pi)) * ctx.re(ctx.polylog(0.5, z))
    u = -T * ctx.sqrt(T / (2 * ctx.pi)) / 2 * ctx.re(ctx.polylog(1.5, z))
    return rho, u


def _eta_float(T: float) -> float:
    """Reduced chemical potential mu/T at rho = 1 (float64 root bracketing)."""
    from scipy.optimize import brentq

    def f(e: float) -> float:
        return float(_fd_density_energy(e, T, mpmath.fp)[0]) - 1.0
    lo, hi = -1.0, 1.0
    while f(lo) > 0:
        lo *= 2
    while f(hi) < 0:
        hi *= 2
    return brentq(f, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=200)


def alpha_ratio_thermodynamic(x: Any, dps: int | None = 30) -> np.ndarray | float:
    r"""Exact :math:`\alpha(T)/\alpha_1 = u(T)/u(0)` of the *infinite* 1D gas at :math:`\rho = 1`.

    Grand-canonical Fermi-Dirac integrals in closed form,
    :math:`\rho = -\sqrt{T/2\pi}\,\mathrm{Li}_{1/2}(-e^{\mu/T})`,
    :math:`u = -\tfrac{T}{2}\sqrt{T/2\pi}\,\mathrm{Li}_{3/2}(-e^{\mu/T})`,
    with :math:`\mu` found by root finding; :math:`u(0) = \pi^2/6`.
    ``x = k_B T/\epsilon_0`` as in :func:`~symness.exchange.alpha_ratio`.
    ``dps=None`` works in float64 (~1e-14, milliseconds per point); an integer
    polishes the root and evaluates :math:`u` in mpmath at ``dps`` digits
    (~0.5 s per point; ``dps`` in 15..``MAX_DPS``).  A reference for the
    Sommerfeld expansion and the :math:`N\to\infty` limit of the canonical result.
    Below ``x = 0.01`` (a degenerate gas, where :math:`e^{\mu/T}` overflows the
    root finder) the Sommerfeld series to :math:`T^6` is used: its neglected terms,
    :math:`O(x^8)` and :math:`O(e^{-\mu/T})`, are below double precision there.
    Where float64 overflows at huge ``x`` the mpmath path is used automatically.
    """
    if dps is not None and (isinstance(dps, bool) or not isinstance(dps, (int, np.integer))
                            or not 15 <= dps <= MAX_DPS):
        raise InvalidParameterError(
            f"dps = {dps!r} must be None (float64) or an integer in 15..{MAX_DPS} digits.")
    arr = _check_x(x)
    out = np.empty(arr.size)
    for i, xi in enumerate(arr.reshape(-1)):
        if xi == 0:
            out[i] = 1.0
            continue
        if xi < _SOMMERFELD_BELOW:
            # degenerate gas: the Sommerfeld series to T^6 is exact to double precision here (the
            # neglected terms are O(x^8) and O(e^{-mu/T})), while e^{mu/T} overflows the root finder
            out[i] = float(_sommerfeld_x(3)(xi))
            continue
        Tf = float(xi) * math.pi**2 / 6
        eta = _eta_float(Tf)
        if dps is None:
            out[i] = float(_fd_density_energy(eta, Tf, mpmath.fp)[1]) / (math.pi**2 / 6)
            if np.isfinite(out[i]):
                continue
        ctx = mpmath.MPContext()  # private precision: thread-safe, global mpmath.mp untouched
        ctx.dps = int(dps) if dps is not None else 30
        T = ctx.mpf(float(xi)) * ctx.pi**2 / 6
        e0 = ctx.mpf(eta)
        em = ctx.findroot(lambda e, T=T, ctx=ctx: _fd_density_energy(e, T, ctx)[0] - 1,
                          (e0, e0 * (1 + 1e-9) + 1e-12))
        out[i] = float(_fd_density_energy(em, T, ctx)[1] / (ctx.pi**2 / 6))
    out = out.reshape(arr.shape)
    return out.item() if out.ndim == 0 else out


# keep the float constant importable next to its symbolic origin
assert math.isclose(EPS0, math.pi**2 / 6)
