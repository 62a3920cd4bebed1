r"""Thermodynamic-limit impurity flux across a temperature step (paper ``coldatom``, eqs. 20-23).

Infrared magnons of :math:`h` behave as free particles with the mass
:math:`m_{\rm eff} = g/(2\alpha(T))` (from the one-magnon dispersion
:math:`|E| \simeq \alpha p^2/g`, :func:`~symness.exchange.magnon.open_chain_magnons`).
With :math:`T = T_1` for :math:`x<0` and :math:`T_2` for :math:`x>0`
(local-density approximation), a source of energy :math:`E` at :math:`x = 0`
emits :math:`f = e^{-ik_1x}` (left) and :math:`e^{ik_2x}` (right),
:math:`k_i^2\alpha(T_i) = gE` (eq. 22).  :func:`flux_ratio` derives the
probability currents and their ratio :math:`\sqrt{\alpha(T_2)/\alpha(T_1)}`, and
its low-temperature form (eq. 23) with the Sommerfeld :math:`\alpha(T)`;
:func:`lattice_flux_ratio` is the independent numeric check: the exact
outgoing fluxes from a point source on the model's one-magnon lattice with a
coupling step, from lead self-energies computed by decimation.

:func:`gaussian_packet` derives eq. (21) (free spreading of a Gaussian magnon
packet with :math:`m_{\rm eff}`).

Units :math:`\hbar = m = k_B = 1` (restore :math:`m^2k_B^2/\hbar^4` in the
:math:`T^2` term).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy

from ..closedform import ClosedForm
from ..errors import ConvergenceError, InvalidParameterError
from .sommerfeld import T_sym, rho_sym, sommerfeld_alpha

__all__ = ["RATIO", "RATIO_P", "PSI", "DENSITY", "flux_ratio", "flux_ratio_low_T", "lattice_flux_ratio",
           "gaussian_packet", "schrodinger_residual"]

x, E, g = sympy.symbols("x E g", positive=True)
a1, a2 = sympy.symbols("alpha_1:3", positive=True)
T1, T2 = sympy.symbols("T_1 T_2", nonnegative=True)
#: keys of :func:`flux_ratio`
RATIO = "j_P(x>0)/j_P(x<0)"
RATIO_P = "(j_P(x>0)/j_P(x<0))_{p}"
#: keys of :func:`gaussian_packet`
PSI = r"\psi(x,t)"
DENSITY = r"|\psi(x,t)|^2"


@lru_cache(maxsize=1)
def flux_ratio() -> ClosedForm:
    r"""Probability currents :math:`j_P(x<0)`, :math:`j_P(x>0)` and their ratio, derived.

    Solves :math:`-\frac{1}{2m_i}f'' = Ef` with :math:`m_i = g/(2\alpha_i)` for outgoing
    plane waves, then :math:`j = \frac{1}{m}\,\mathrm{Im}(f^*f')` (magnitude).
    Keys ``"j_P(x<0)"``, ``"j_P(x>0)"``, :data:`RATIO` (fixed energy) and
    :data:`RATIO_P` (fixed momentum, the paper's closing remark).
    """
    k = sympy.Symbol("k", positive=True)
    out = {}
    at_k = {}
    for side, a, sgn in (("j_P(x<0)", a1, -1), ("j_P(x>0)", a2, 1)):
        m = g / (2 * a)
        f = sympy.exp(sgn * sympy.I * k * x)
        dispersion = sympy.simplify(-sympy.diff(f, x, 2) / (2 * m) / f - E)  # k^2 alpha/g - E
        kk = [s for s in sympy.solve(dispersion, k) if s.is_positive][0]
        cur = sympy.Abs(sympy.simplify(sympy.im(sympy.conjugate(f) * sympy.diff(f, x)) / m))
        at_k[side] = sympy.simplify(cur)  # 2 alpha k / g
        out[side] = sympy.simplify(cur.subs(k, kk))
    out[RATIO] = sympy.simplify(out["j_P(x>0)"] / out["j_P(x<0)"])
    out[RATIO_P] = sympy.simplify(at_k["j_P(x>0)"] / at_k["j_P(x<0)"])
    return ClosedForm(out, {E: "source energy (hbar = 1)", a1: "alpha(T_1), x < 0",
                            a2: "alpha(T_2), x > 0", g: "interaction strength"},
                      paper="coldatom", equation="(22)-(23)",
                      assumptions=["infrared magnons: m_eff = g/(2 alpha)", "step in T at x = 0"],
                      conventions="hbar = 1", description="Probability currents emitted by a source "
                                                          "at the temperature step.")


@lru_cache(maxsize=2)
def flux_ratio_low_T(fixed: str = "energy") -> ClosedForm:
    r"""Eq. (23): :math:`j_P(x>0)/j_P(x<0)` with the Sommerfeld :math:`\alpha(T)`, to :math:`O(T^2)`.

    ``fixed="energy"`` gives :math:`1 + (T_2-T_1)(T_2+T_1)/(2\pi^2\rho^4)`;
    ``fixed="momentum"`` gives :math:`1 + (T_2^2-T_1^2)/(\pi^2\rho^4)`.
    """
    if fixed not in ("energy", "momentum"):
        raise InvalidParameterError("fixed must be 'energy' or 'momentum'.")
    base = flux_ratio().expr[RATIO if fixed == "energy" else RATIO_P]
    som = sommerfeld_alpha(1).expr
    expr = base.subs({a1: som.subs(T_sym, T1), a2: som.subs(T_sym, T2)})
    eps = sympy.Symbol("epsilon", positive=True)
    ser = sympy.series(expr.subs({T1: eps * T1, T2: eps * T2}), eps, 0, 3).removeO().subs(eps, 1)
    ser = 1 + sympy.factor(sympy.simplify(ser) - 1)
    return ClosedForm(ser, {T1: "k_B T_1 (x < 0)", T2: "k_B T_2 (x > 0)", rho_sym: "density"},
                      name=r"j_P(x>0)/j_P(x<0)", paper="coldatom", equation="(23)",
                      assumptions=["Sommerfeld alpha(T) to O(T^2)", "thermodynamic limit",
                                   f"fixed {fixed}"],
                      conventions="hbar = m = k_B = 1",
                      description="Ratio of the impurity fluxes into the hot and the cold side.")


def _surface_self_energy(z: complex, onsite: float, hop: float, tol: float = 1e-15,
                         maxiter: int = 200) -> complex:
    """Self-energy hop^2 g_s(z) of a semi-infinite chain by Sancho-Rubio decimation."""
    eps_s = eps = complex(onsite)
    a = b = complex(hop)
    for _ in range(maxiter):
        ginv = z - eps
        gb = 1 / ginv
        eps_s = eps_s + a * gb * b
        eps = eps + a * gb * b + b * gb * a
        a = a * gb * a
        b = b * gb * b
        if abs(a) < tol and abs(b) < tol:
            gs = 1 / (z - eps_s)
            return hop * hop * gs
    raise ConvergenceError("decimation did not converge; give the energy a finite imaginary part.")


def lattice_flux_ratio(J1: float, J2: float, energy: float, eta: float = 1e-13) -> float:
    r"""Right/left outgoing probability flux from a point source on the one-magnon lattice.

    Hopping :math:`J_1` (bonds left of site 0) and :math:`J_2` (right), on-site
    energies :math:`-2J_1`, :math:`-(J_1+J_2)`, :math:`-2J_2` relative to the
    polarized state (the model's one-magnon block,
    :func:`~symness.exchange.magnon.one_magnon_equations`).  The flux into a lead is
    :math:`-2\,\mathrm{Im}\,\Sigma(E)|\psi_0|^2`; the lead self-energies come from
    decimation (no closed form used).  ``energy`` lies inside both bands,
    :math:`-4\min(J_1,J_2) < E < 0`; the infrared limit is :math:`E\to0^-`.
    """
    for v, name in ((J1, "J1"), (J2, "J2"), (energy, "energy"), (eta, "eta")):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or not np.isfinite(v):
            raise InvalidParameterError(f"{name} = {v!r} must be a finite real number.")
    if not eta > 0:
        raise InvalidParameterError(f"eta = {eta} must be > 0 (the imaginary part of the energy).")
    if not (J1 > 0 and J2 > 0):
        raise InvalidParameterError("J1 and J2 must be > 0.")
    if not (-4 * min(J1, J2) < energy < 0):
        raise InvalidParameterError(f"energy = {energy} must lie in both magnon bands (-4 min(J1, J2), 0).")
    z = energy + 1j * eta
    sl = _surface_self_energy(z, -2 * J1, J1)
    sr = _surface_self_energy(z, -2 * J2, J2)
    return float(sr.imag / sl.imag)


@lru_cache(maxsize=1)
def schrodinger_residual() -> sympy.Expr:
    """Residual of the Gaussian packet in i psi_t = -psi_xx/(2 m) (zero)."""
    psi = gaussian_packet().expr[PSI]
    xs, ts, ms = (sympy.Symbol(n, real=True) if n != "m" else sympy.Symbol(n, positive=True)
                  for n in ("x", "t", "m"))
    free = {s.name: s for s in psi.free_symbols}
    psi = psi.subs({free["x"]: xs, free["t"]: ts, free["m"]: ms})
    return sympy.simplify(sympy.I * sympy.diff(psi, ts) + sympy.diff(psi, xs, 2) / (2 * ms))


@lru_cache(maxsize=1)
def gaussian_packet() -> ClosedForm:
    r"""Eq. (21): a Gaussian magnon packet spreading with :math:`m_{\rm eff}`.

    :math:`\psi(x,0) = (2/\pi)^{1/4}e^{-x^2}` evolves to
    :math:`\psi = (2/\pi)^{1/4}(1+2it/m)^{-1/2}e^{-x^2/(1+2it/m)}` (checked to solve
    :math:`i\psi_t = -\psi_{xx}/2m`, :func:`schrodinger_residual`), so
    :math:`|\psi|^2 = \sqrt{2/[\pi(1+4t^2/m^2)]}\,e^{-2x^2/(1+4t^2/m^2)}`.
    """
    xs = sympy.Symbol("x", real=True)
    ts = sympy.Symbol("t", real=True)
    ms = sympy.Symbol("m", positive=True)
    s = 1 + 2 * sympy.I * ts / ms
    psi = (2 / sympy.pi) ** sympy.Rational(1, 4) / sympy.sqrt(s) * sympy.exp(-xs**2 / s)
    dens = sympy.simplify(sympy.expand_complex(psi * sympy.conjugate(psi)))
    target = sympy.sqrt(2 / (sympy.pi * (1 + 4 * ts**2 / ms**2))) * sympy.exp(-2 * xs**2 / (1 + 4 * ts**2 / ms**2))
    assert sympy.simplify(dens - target) == 0 or abs(complex(
        (dens - target).subs({xs: 0.7, ts: 0.3, ms: 1.9}).evalf())) < 1e-14
    return ClosedForm({PSI: psi, DENSITY: target},
                      {xs: "position (lattice units)", ts: "time (hbar = 1)", ms: "m_eff = g/(2 alpha(T))"},
                      paper="coldatom", equation="(21)", conventions="hbar = 1",
                      description="Free Gaussian magnon packet with the temperature-dependent mass.")


_ = np  # numpy kept for users composing lattice sweeps
