"""Cross-checks, LaTeX sections and figures of the cold-atom exchange chain (issue 4).

Every comparison sets a result against an *independent* computation:
alpha_ratio against the textbook recursion in mpmath (hundreds of digits) and
a brute-force manifold sum; the derived Sommerfeld law against the exact
infinite gas (polylogarithms); derived one-magnon/Bessel/flux closed forms
against many-body time evolution or lattice Green's functions; the open
chain's steady state against exact balance laws; the Gaussian packet against
FFT propagation.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mpmath
import numpy as np

from ..exchange import alpha_ratio, alpha_ratio_mpmath, excitation_ratio, ground_energy
from ..exchange.chain import linear_profile, step_profile
from ..exchange.closed_chain import quench
from ..exchange.flux import (
    DENSITY,
    RATIO,
    flux_ratio,
    flux_ratio_low_T,
    gaussian_packet,
    lattice_flux_ratio,
)
from ..exchange.magnon import (
    bessel_probability,
    one_magnon_equations,
    one_magnon_probability,
    open_chain_magnons,
)
from ..exchange.manifolds import enumerate_manifolds, truncated_alpha_ratio
from ..exchange.sommerfeld import (
    alpha_ratio_sommerfeld,
    alpha_ratio_thermodynamic,
    sommerfeld_alpha,
    sommerfeld_energy,
)
from ..registry import Comparison, cross_check, figure, latex_section

P = "coldatom"


@cross_check("coldatom alpha(T)/alpha_1 vs 500-digit textbook recursion", paper=P, equation="(3), Fig. 2")
def check_alpha_mpmath(quick: bool) -> Iterator[Comparison]:
    """Stable float64 alpha_ratio (and alpha/alpha_1 - 1) vs the alternating recursion in mpmath."""
    pts = [(7, 0.01), (7, 2.0), (9, 100.0)] if quick else \
        [(N, x) for N in (5, 7, 9) for x in (0.01, 0.3, 2.0, 100.0)]
    rng = np.random.default_rng(4)
    if not quick:
        pts += [(int(rng.integers(1, 10)), float(10 ** rng.uniform(-2, 2))) for _ in range(4)]
    for N, x in pts:
        ref = alpha_ratio_mpmath(N, x)
        yield Comparison("alpha/alpha_1", alpha_ratio(N, x), float(ref), tol=1e-12, point=f"N={N}, x={x:.3g}")
        if ref - 1 > mpmath.mpf("1e-300"):
            yield Comparison("alpha/alpha_1 - 1", excitation_ratio(N, x), float(ref - 1), tol=1e-12,
                             point=f"N={N}, x={x:.3g}")


@cross_check("coldatom alpha(T) vs brute-force manifold sum; 1e6-manifold truncation", paper=P,
             equation="(16)-(17), Fig. 2 text")
def check_alpha_manifolds(quick: bool) -> Iterator[Comparison]:
    """Explicit Boltzmann sum over enumerated Slater determinants; the paper's 1e6-manifold remark."""
    for N, x in ([(3, 1.0)] if quick else [(2, 0.5), (3, 1.0), (4, 2.0)]):
        T = x * math.pi**2 / 6
        E1 = ground_energy(N)
        E, _ = enumerate_manifolds(N, E1 + 60 * T)
        w = np.exp(-(E - E1) / T)
        yield Comparison("alpha/alpha_1 (enumerated)", alpha_ratio(N, x), float((w * E).sum() / w.sum() / E1),
                         tol=1e-12, point=f"N={N}, x={x}")
    yield Comparison("alpha/alpha_1 from 1e6 manifolds", truncated_alpha_ratio(9, 2.0, 10**6), alpha_ratio(9, 2.0),
                     tol=1e-6, point="N=9, x=2", note="the paper: 1e6 manifolds converge Fig. 2")


@cross_check("coldatom eq. (14): alpha_{A,l} by quadrature = 2 E_A/(N! L) on every bond", paper=P,
             equation="(14), text above (3)")
def check_eq14(quick: bool) -> Iterator[Comparison]:
    """Exchange coefficients of excited manifolds from their integral definition (Gauss-Legendre on the
    ordered simplex): independent of the bond and proportional to E_A (the paper checked 0.01 %)."""
    from ..exchange.coefficients import exchange_coefficients, manifold_energy

    for orbs in ([(1, 2, 4, 7)] if quick else [(1, 3, 6), (1, 2, 3, 4), (1, 2, 4, 7), (2, 3, 5, 6)]):
        N = len(orbs)
        a = exchange_coefficients(orbs)
        ref = 2 * manifold_energy(orbs) / (math.factorial(N) * N)
        for l, v in enumerate(a, start=1):
            yield Comparison(f"alpha_(A,{l}) vs 2E_A/(N! L)", ref, v, tol=1e-12, point=f"orbitals {orbs}")


@cross_check("coldatom Sommerfeld alpha(T) vs exact infinite gas", paper=P, equation="(4)-(5)")
def check_sommerfeld(quick: bool) -> Iterator[Comparison]:
    """Derived low-T series (orders T^2, T^4) vs polylogarithm Fermi-Dirac integrals at rho = 1."""
    for x in ([0.05] if quick else [0.02, 0.05, 0.1]):
        exact = alpha_ratio_thermodynamic(x, dps=None)
        # compare the thermal part alpha - 1; the residual is O(x^6) relative to O(x^2)
        yield Comparison("alpha/alpha_1 - 1, order T^4", alpha_ratio_sommerfeld(x, 2) - 1, exact - 1,
                         tol=x**4 + 1e-9, point=f"x={x}")
        yield Comparison("alpha/alpha_1 - 1, eq. (5)", alpha_ratio_sommerfeld(x, 1) - 1, exact - 1,
                         tol=0.3 * x**2, point=f"x={x}")


@cross_check("coldatom one-magnon closed form vs many-body quench", paper=P, equation="(6), (20)")
def check_one_magnon(quick: bool) -> Iterator[Comparison]:
    """Open-chain magnon propagator (derived eigenpairs) vs exact sector evolution of the model."""
    cf = one_magnon_probability(7, 4).lambdify(["alpha", "g", "t"])
    a = float(alpha_ratio(7, 2.0))
    ts = [0.7, 3.1] if quick else [0.2, 0.7, 3.1, 9.4]
    r = quench(np.full(6, a), "↑↑↑↓↑↑↑", ts)
    vals = cf(a, 1.0, np.array(ts))
    for k, t in enumerate(ts):
        for i in (3, 4, 5):
            yield Comparison(f"<S_{i}^down>", vals[str(i)][k], r.down[k, i - 1], tol=1e-11, atol=1e-3,
                             point=f"N=7, J0 t={t}")


@cross_check("coldatom Bessel law eq. (7) vs long-chain dynamics", paper=P, equation="(7)")
def check_bessel(quick: bool) -> Iterator[Comparison]:
    """J_{|i-i0|}(2 alpha t/g)^2 (derived; printed: J0 t) vs a 41-site chain before the edges matter."""
    f = bessel_probability().lambdify(["d", "alpha", "g", "t"])
    ts = [0.5, 2.0] if quick else [0.25, 0.5, 1.0, 2.0, 3.0]
    r = quench(np.ones(40), [21], ts)
    for k, t in enumerate(ts):
        for d in (0, 1, 2):
            yield Comparison(f"P(|i-i0|={d})", f(d, 1.0, 1.0, t), r.down[k, 20 + d], tol=1e-12, atol=1e-3,
                             point=f"J0 t={t}")
    a = step_profile(7, 0.0, 2.0)
    t = 1e-3
    r7 = quench(a, "↑↑↑↓↑↑↑", [t])
    yield Comparison("P_5/t^2 at t->0 (hot bond)", f(1, a[3], 1.0, t) / t**2, r7.down[0, 4] / t**2, tol=1e-5,
                     point="N=7, step, k_B dT=2 eps0")


@cross_check("coldatom flux ratio eqs. (22)-(23) vs lattice point source", paper=P, equation="(22)-(23)")
def check_flux(quick: bool) -> Iterator[Comparison]:
    """sqrt(alpha2/alpha1) vs outgoing fluxes on the one-magnon lattice (decimation) at E -> 0;
    eq. (23) vs the exact infinite-gas alpha(T)."""
    ratio = flux_ratio()[RATIO].lambdify(["alpha_1", "alpha_2", "E", "g"])
    for J2 in ([1.6] if quick else [1.3, 1.6, 3.0]):
        E = 1e-7
        yield Comparison("j_P(x>0)/j_P(x<0)", ratio(1.0, J2, E, 1.0), lattice_flux_ratio(1.0, J2, -E), tol=1e-6,
                         point=f"alpha2/alpha1={J2}, E={E:g}")
    low = flux_ratio_low_T().lambdify(["T_1", "T_2", "rho"])
    for x1, x2 in ([(0.0, 0.05)] if quick else [(0.0, 0.05), (0.02, 0.06)]):
        T1, T2 = x1 * math.pi**2 / 6, x2 * math.pi**2 / 6
        a1, a2 = alpha_ratio_thermodynamic([x1, x2], dps=None)
        yield Comparison("eq. (23) - 1", low(T1, T2, 1.0) - 1, math.sqrt(a2 / a1) - 1, tol=2e-3,
                         point=f"x1={x1}, x2={x2}")


@cross_check("coldatom Gaussian magnon packet eq. (21) vs FFT propagation", paper=P, equation="(21)")
def check_gaussian(quick: bool) -> Iterator[Comparison]:
    """|psi(x,t)|^2 with m_eff vs exact free propagation on a grid (FFT)."""
    dens = gaussian_packet()[DENSITY].lambdify(["x", "t", "m"])
    x = np.linspace(-60, 60, 4096, endpoint=False)
    k = 2 * np.pi * np.fft.fftfreq(x.size, d=x[1] - x[0])
    psi0 = (2 / np.pi) ** 0.25 * np.exp(-(x**2))
    for m, t in ([(0.5, 1.3)] if quick else [(0.5, 1.3), (2.0, 4.0), (0.25, 0.7)]):
        psi = np.fft.ifft(np.exp(-1j * k**2 * t / (2 * m)) * np.fft.fft(psi0))
        for xi in (0.0, 1.5):
            j = int(np.argmin(np.abs(x - xi)))
            yield Comparison("|psi|^2", dens(x[j], t, m), abs(psi[j]) ** 2, tol=1e-10, point=f"m={m}, t={t}, x={xi}")


@cross_check("coldatom open chain: pump balance and low-T law", paper=P, equation="(8)-(11), Fig. 6")
def check_open(quick: bool) -> Iterator[Comparison]:
    """Steady state of the pumped chain: gamma_I<S_c^up> = gamma(<S_1^down> + <S_N^down>); with the Sommerfeld
    alpha the steady current grows as Delta T^2 (log-slope 2)."""
    from ..exchange.open_chain import steady_state

    g, gI = 3.102, 0.620
    for dx in ([2.0] if quick else [1.0, 2.0]):
        s = steady_state(linear_profile(5, 0.0, dx), gamma=g, gamma_I=gI)
        n = s.down
        yield Comparison("pumped in = lost at edges", gI * (1 - n[2]), g * (n[0] + n[4]), tol=1e-10,
                         point=f"N=5, dT={dx} eps0")
    j = [steady_state(linear_profile(5, 0.0, d, alpha="sommerfeld"), gamma=g, gamma_I=gI).current for d in (0.05, 0.1)]
    yield Comparison("d ln j / d ln dT (Sommerfeld alpha)", 2.0, math.log(j[1] / j[0]) / math.log(2), tol=1e-2,
                     point="N=5, dT = 0.05..0.1 eps0")


# ----------------------------------------------------------------------------- LaTeX
@latex_section("coldatom_alpha", title="Temperature-dependent exchange coefficient", paper=P, order=50)
def latex_alpha() -> list:
    parts = [
        r"For $N$ spinless fermions in a box of length $L=N$ ($\hbar=m=k_B=1$, $\rho=1$), levels "
        r"$e_n=\pi^2n^2/2N^2$, the exchange coefficient is $\alpha(T)/\alpha_1=\epsilon(T)/E_1$ with "
        r"$\epsilon(T)$ the exact canonical energy, evaluated by the positive-term recursion "
        r"$Z^{(m)}_k=Z^{(m-1)}_k+e^{-\beta e_m}Z^{(m-1)}_{k-1}$ in shifted logarithms (no cancellation).",
        sommerfeld_energy(1),
        sommerfeld_alpha(2),
    ]
    return parts


@latex_section("coldatom_magnons", title="Effective chain: one magnon, Bessel law", paper=P, order=51)
def latex_magnons() -> list:
    return [one_magnon_equations(4), open_chain_magnons(), bessel_probability()]


@latex_section("coldatom_flux", title="Flux ratio across a temperature step", paper=P, order=52)
def latex_flux() -> list:
    return [flux_ratio(), flux_ratio_low_T(), gaussian_packet()]


# ----------------------------------------------------------------------------- figures
def _fig(name: str) -> Any:
    def run(outdir: Any) -> list[Path]:
        from ..exchange import figures

        return figures.ALL[name](outdir)
    return run


for _k, _cap in [("coldatom_fig2", "alpha(T)/alpha_1 for N = 5, 7, 9 and eq. (5)"),
                 ("coldatom_fig3", "impurity probability after a centre flip, N = 7"),
                 ("coldatom_fig4", "sites 3 and 5 vs the Bessel law eq. (7)"),
                 ("coldatom_fig5", "open chain: j(t), m(t) with edge losses"),
                 ("coldatom_fig6", "pumped chain: j(t), m(t), steady current vs Delta T")]:
    figure(_k, paper=P, caption=_cap)(_fig(_k))
