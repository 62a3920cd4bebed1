"""Cross-checks and figures of the open-system solvers (issue 3).

Every check compares two *independent* computations: two solvers (dense LU,
matrix-free Krylov, SVD null vector), a solver and an exact state (Gibbs from
exact diagonalisation and mpmath), a generator and the paper's bath
definition (numerical Fourier transform of ring4 eq. 7), or two sides of an
exact identity (energy conservation, j_L = j_2 - j_4, magnetisation reversal).
QuTiP comparisons live in the tests (QuTiP is a test-only dependency).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import scipy.linalg as sla

from ..baths import Bath, ohmic
from ..models.rings import xxz_ring
from ..open import OpenSystem, davies_ness, redfield_liouvillian, redfield_ness
from ..open.channels import lamb_shift_values
from ..open.papers import (
    magnification_model,
    ring4_current_minimum,
    ring4_model,
    ring4_spin_current_inversion,
)
from ..registry import Comparison, cross_check, figure, latex_section
from ..spins import op_product, sigma

_R4_POINTS = [(2.19, 2), (2.19, 3), (0.0, 2), (-1.5, 2), (1.0, 1)]


@cross_check("ring4 Redfield: energy conservation j_L = -j_R", paper="ring4", equation="(4)-(10), Sec. IV")
def check_energy_conservation(quick: bool) -> Iterator[Comparison]:
    """tr(H D_L[rho]) = -tr(H D_R[rho]) at the NESS (two separately computed dissipators)."""
    ring = ring4_model()
    rng = np.random.default_rng(3)
    pts = _R4_POINTS[:3] if quick else _R4_POINTS + [(float(rng.uniform(-3, 3)), 2) for _ in range(3)]
    for D, up in pts:
        J = redfield_ness(ring, up_spins=up, Delta=D).bath_heat_currents()
        yield Comparison("j_L vs -j_R", J["L"], -J["R"], tol=1e-10, point=f"Delta={D:.3g}, up={up}")


@cross_check("ring4 Redfield: j_L = j_2 - j_4", paper="ring4", equation="(11), (12), Sec. IV")
def check_branch_sum(quick: bool) -> Iterator[Comparison]:
    """Bath current tr(H D_L[rho]) vs the bond currents <i[h_{l-1,l}, h_{l,l+1}]> of the two branches."""
    ring = ring4_model()
    for D, up in (_R4_POINTS[:3] if quick else _R4_POINTS):
        ness = redfield_ness(ring, up_spins=up, Delta=D)
        yield Comparison("j_L vs j_2 - j_4", ness.bath_heat_currents()["L"],
                         ness.bond_heat_current(2) - ness.bond_heat_current(4), tol=1e-10,
                         point=f"Delta={D:.3g}, up={up}")


@cross_check("ring4 spin current: eq. (13) vs i[h_{l,l+1}, sigma^u_{l+1}], uniform", paper="ring4",
             equation="(13)")
def check_spin_current(quick: bool) -> Iterator[Comparison]:
    """J<sx_l sy_{l+1} - sy_l sx_{l+1}> at every bond vs the continuity current of the up spins at bond (1,2)."""
    ring = ring4_model()
    n = 4
    for D in ([2.19] if quick else [2.19, 0.5, -2.0]):
        ness = redfield_ness(ring, up_spins=2, Delta=D)
        ref = ness.spin_current((1, 2))
        for l in range(1, n + 1):
            m = l % n + 1
            op = op_product({l: "x", m: "y"}, n) - op_product({l: "y", m: "x"}, n)
            yield Comparison(f"j_S eq.(13) bond ({l},{m})", float(np.real(ness.expect(op))), ref, tol=1e-9,
                             point=f"Delta={D}")


def _gibbs_populations(E: np.ndarray, T: float) -> list[float]:
    mp = mpmath.MPContext()  # private precision: the global mpmath.mp is never changed
    mp.dps = 40
    w = [mp.exp(-(mp.mpf(float(e)) - mp.mpf(float(E[0]))) / T) for e in E]
    Z = mp.fsum(w)
    return [float(x / Z) for x in w]


@cross_check("Davies and Redfield NESS at equal temperatures = Gibbs state", paper="ring4",
             equation="(4)-(10); KMS")
def check_gibbs(quick: bool) -> Iterator[Comparison]:
    """Populations of the NESS with T_L = T_R vs e^{-E/T}/Z (exact diagonalisation, mpmath).

    Davies populations are relative-accurate (GTH state reduction) down to 1e-28; Redfield
    populations are accurate to ~1e-15 absolute (compared with atol = 1).
    """
    for T in ([1.5] if quick else [0.2, 1.5, 6.0]):
        ring = ring4_model(T_left=T, T_right=T, Delta=2.19)
        ref = _gibbs_populations(redfield_ness(ring, up_spins=2).energies, T)
        dav, red = davies_ness(ring, up_spins=2).populations(), redfield_ness(ring, up_spins=2).populations()
        for k in (0, 2, 5):
            yield Comparison(f"Davies p_{k + 1} (relative)", dav[k], ref[k], tol=1e-10, point=f"T={T}")
            yield Comparison(f"Redfield p_{k + 1} (absolute)", red[k], ref[k], tol=1e-12, point=f"T={T}", atol=1.0)


@cross_check("Redfield NESS: Krylov (matrix-free) vs dense LU vs SVD null vector", paper="ring4",
             equation="(8)-(9)")
def check_solvers(quick: bool) -> Iterator[Comparison]:
    """Three independent linear-algebra routes to the same Redfield steady state (ring, N = 6, 3 up)."""
    ring = xxz_ring(n=6, J=1.0, Delta=1.5, fields={2: 2.0, 3: 1.0}, contacts=(1, 4))
    dense = redfield_ness(ring, up_spins=3, method="dense")
    kry = redfield_ness(ring, up_spins=3, method="krylov")
    yield Comparison("j_L Krylov vs dense", kry.bath_heat_currents()["L"], dense.bath_heat_currents()["L"],
                     tol=1e-9, point="N=6, up=3")
    L = redfield_liouvillian(ring, up_spins=3).matrix("site")
    _, s, vh = sla.svd(L)
    v = vh[-1].conj().reshape(dense.space.dim, dense.space.dim)
    v = v / np.trace(v)
    yield Comparison("rho_11 SVD vs dense", float(np.real(v[0, 0])), float(np.real(dense.rho_sector[0, 0])),
                     tol=1e-9, point="N=6, up=3")
    yield Comparison("max |rho_SVD - rho_Krylov|", 1.0 + float(np.max(np.abs(v - kry.rho_sector))), 1.0,
                     tol=1e-9, point="N=6, up=3")


@cross_check("Lamb shift: Gauss-Legendre principal value vs adaptive quadrature", paper="foundation",
             equation="sigma(w) = (1/2pi) P int gamma(w')/(w - w') dw'")
def check_lamb(quick: bool) -> Iterator[Comparison]:
    """The fast vectorised principal value used by the generators vs Bath.lamb (scipy quad, Cauchy weight)."""
    pts = [(0.7, 1.0)] if quick else [(0.7, 1.0), (-2.3, 0.3), (5.0, 4.0), (0.0, 1.0)]
    for w, T in pts:
        bath = Bath(ohmic(0.01, 10.0), T, "ring4", lamb_shift=True)
        yield Comparison("sigma(w)", float(lamb_shift_values(bath.rate, w, 10.0, T)[0]), bath.lamb(w), tol=1e-9,
                         point=f"w={w}, T={T}")


@cross_check("ring4 generator rates vs the Fourier transform of eq. (7)", paper="ring4", equation="(7), (10)")
def check_generator_rates(quick: bool) -> Iterator[Comparison]:
    """Population-transfer element R_{aa,cc} of the Redfield tensor (left bath only) vs gamma(w)|S_ac|^2,
    gamma from the correlation function of eq. (7) Fourier-transformed by quadrature."""
    from .foundation import ring4_rate_from_correlation

    full = OpenSystem.from_model(ring4_model(Delta=2.19))
    left = full.coupling("L")
    system = OpenSystem(full.H, [(left.op, left.bath)], names=["L"], n=4)
    gen = redfield_liouvillian(system, up_spins=2)
    R = gen.dense_eigen()
    E, d = gen.space.E, gen.dim
    S = gen.space.to_eigen(gen.space.restrict(left.op))
    for a, c in ([(0, 2)] if quick else [(0, 2), (3, 1), (5, 0)]):
        w = E[c] - E[a]  # the transition c -> a gives w to the bath
        rate, _ = ring4_rate_from_correlation(w, 0.01, 10.0, 2.0)
        yield Comparison("R_{aa,cc} (left bath)", float(np.real(R[a * d + a, c * d + c])), rate * abs(S[a, c]) ** 2,
                         tol=1e-6, point=f"{c + 1}->{a + 1}, w={w:.3f}")


@cross_check("magnification: total current invariant under magnetisation reversal", paper="magnification",
             equation="(22)-(28), Fig. 10(a,b)")
def check_reversal(quick: bool) -> Iterator[Comparison]:
    """I_L of 5(3 up 2 down) vs 5(2 up 3 down): a global spin flip maps one sector onto the other."""
    m = magnification_model(2, 1)
    for D in ([2.1] if quick else [2.1, -1.0, 0.5, 6.0]):
        a = redfield_ness(m, up_spins=3, Delta=D).bath_heat_currents()["L"]
        b = redfield_ness(m, up_spins=2, Delta=D).bath_heat_currents()["L"]
        yield Comparison("I_L(3 up) vs I_L(2 up)", a, b, tol=1e-9, point=f"Delta={D}")


@cross_check("rotating-wave Davies (L = sigma^-) = Hermitian Davies (sigma^x) when L only lowers",
             paper="qubit_kernels", equation="(3.16)-(3.18)")
def check_rwa(quick: bool) -> Iterator[Comparison]:
    """Two couplings that share their secular limit: the RWA generator and the sigma^x generator."""
    n = 2
    H = 0.65 * sigma("z", 1, n) + 0.5 * sigma("z", 2, n) + 0.2 * (op_product({1: "+", 2: "-"}, n)
                                                                  + op_product({1: "-", 2: "+"}, n))
    bA, bB = Bath(ohmic(0.01, 10.0), 2.0, "qubit_kernels"), Bath(ohmic(0.01, 10.0), 0.5, "qubit_kernels")
    rwa = OpenSystem(H, [(sigma("-", 1, n), bA, "rwa"), (sigma("-", 2, n), bB, "rwa")], names=["A", "B"])
    herm = OpenSystem(H, [(sigma("x", 1, n), bA), (sigma("x", 2, n), bB)], names=["A", "B"])
    a, b = davies_ness(rwa), davies_ness(herm)
    yield Comparison("q_A", a.bath_heat_currents()["A"], b.bath_heat_currents()["A"], tol=1e-12,
                     point="w1=1.3, w2=1, lambda=0.2")
    for k in range(4):
        yield Comparison(f"p_{k + 1}", a.populations()[k], b.populations()[k], tol=1e-12, atol=1e-15)


@cross_check("ring4: total-current minimum and spin-current inversion (paper: Delta ~ 2.19)", paper="ring4",
             equation="Sec. IV, Fig. 2(b,d)", quick=False)
def check_ring4_features(quick: bool) -> Iterator[Comparison]:
    """Located by Brent minimisation / root finding on the Redfield NESS; compared with the paper's 2.19."""
    D_min, _ = ring4_current_minimum()
    yield Comparison("Delta at min j_L", D_min, 2.19, tol=5e-3, note="paper: Delta ~ 2.19")
    yield Comparison("Delta at j_S = 0", ring4_spin_current_inversion(), 2.19, tol=1e-2,
                     note="paper: inversion near 2.19")


# ---------------------------------------------------------------------------- LaTeX
@latex_section("open_master_equations", title="Master equations of the numeric solvers", paper="ring4", order=20)
def master_equations_section() -> str:
    """The generators symness.open solves, in the canonical convention."""
    text = r"""Every bath enters through channels $(A_k, \Gamma_k)$ with
$\Gamma_k(\omega) = \gamma_k(\omega)/2 + i\sigma_k(\omega)$ and
\begin{equation*}
\mathcal{L}\rho = -i[H,\rho] + \sum_k [\tilde A_k\rho, A_k^\dagger] + [A_k, \rho \tilde A_k^\dagger],
\qquad (\tilde A_k)_{ac} = \Gamma_k(E_c - E_a)\,(A_k)_{ac},
\end{equation*}
in the eigenbasis $H|a\rangle = E_a|a\rangle$ (ring4 eqs. (4)--(10); magnification eqs. (26)--(28)).
A Hermitian coupling $S \otimes B$ is one channel $A = S$ with the canonical rate $\gamma$.
Without the Lamb shift, detailed balance makes the Gibbs state an exact stationary state of this
Redfield generator at equal temperatures; the Davies generator keeps only the terms with equal Bohr
frequencies, grouped into one jump operator per (degenerate) Bohr frequency.

"""
    return text


@latex_section("open_rwa_channels", title="Rotating-wave coupling: the two channels", paper="qubit_kernels",
               order=39)
def rwa_channels_section() -> list:
    """The Born-Markov channels of a rotating-wave coupling (the qubit paper's convention)."""
    import sympy

    from ..closedform import ClosedForm

    w, T = sympy.symbols("omega T", positive=True)
    g = sympy.Function("gamma")
    rwa = ClosedForm(
        {"emission": g(w), "absorption": g(-w)},
        {w: r"Bohr frequency $E_c - E_a > 0$", T: "bath temperature"},
        description=r"Rotating-wave coupling $H_{SB} = L^\dagger B + L B^\dagger$, $B = \sum_k \lambda_k b_k$: "
                    r"the Born--Markov generator has two channels, $A_1 = L$ with rate "
                    r"$\theta(\omega)\gamma(\omega)$ and $A_2 = L^\dagger$ with rate "
                    r"$\theta(-\omega)\gamma(\omega)$, where $\gamma$ is the canonical rate of the bath "
                    r"($\theta(0) = 1/2$).",
        conventions=r"$\hbar = k_B = 1$; $\omega > 0$ is energy given to the bath; emission is the rate of "
                    r"channel $L$ at $+\omega$, absorption the rate of channel $L^\dagger$ at $-\omega$",
        name=r"\gamma", paper="qubit_kernels", equation="(3.2), (3.17)-(3.18)")
    return [rwa]


# ---------------------------------------------------------------------------- figures
def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _write(outdir: Path, sub: str, key: str, fig: Any, caption: str) -> list[Path]:
    from ..figstyle import save_figure

    return save_figure(fig, Path(outdir) / sub / f"{key}.png", caption)


_REGIME_COLORS = {1: ("#b8e6b8", "clockwise"), 0: ("#fff2a8", "parallel"), -1: ("#f7c6d9", "counterclockwise")}


def _shade(ax: Any, x: np.ndarray, reg: np.ndarray) -> None:
    """Shade contiguous runs of the current regime (green clockwise, yellow parallel, pink counterclockwise)."""
    if x.size < 2:
        return
    edges = np.concatenate([[x[0]], (x[1:] + x[:-1]) / 2, [x[-1]]])
    start = 0
    for i in range(1, x.size + 1):
        if i == x.size or reg[i] != reg[start]:
            color, _ = _REGIME_COLORS[int(reg[start])]
            ax.axvspan(edges[start], edges[i], color=color, alpha=0.6, lw=0)
            start = i


def _sign_changes(x: np.ndarray, y: np.ndarray) -> list[float]:
    """Linear-interpolated zeros of y(x) on the grid."""
    out = []
    for i in range(x.size - 1):
        if np.isfinite(y[i]) and np.isfinite(y[i + 1]) and y[i] * y[i + 1] < 0:
            out.append(float(x[i] - y[i] * (x[i + 1] - x[i]) / (y[i + 1] - y[i])))
    return out


def _fmt_list(v: list[float]) -> str:
    return ", ".join(f"{a:.3f}" for a in v) if v else "none"


@figure("ring4_fig2", paper="ring4", caption="Local heat currents and spin current vs Delta, sectors 3 and 2 up")
def ring4_fig2(outdir: Path) -> list[Path]:
    from ..open.papers import ring_sweep

    plt = _plt()
    ring = ring4_model()
    D = np.linspace(-3, 3, 241)
    s3 = ring_sweep(ring, "Delta", D, 3)
    s2 = ring_sweep(ring, "Delta", D, 2)
    fig, axs = plt.subplots(2, 2, figsize=(10, 7), sharex=True)
    for col, s, lab in ((0, s3, "3 up"), (1, s2, "2 up")):
        ax = axs[0, col]
        _shade(ax, D, s.regime)
        ax.plot(D, s.I_U, "--", color="tab:orange", label=r"$j^H_2$")
        ax.plot(D, -s.I_D, "-.", color="tab:green", label=r"$j^H_4$")
        ax.plot(D, s.jL, "-", color="tab:red", label=r"$j^H_L$")
        ax.set_title(f"({'ab'[col]}) {lab}")
        ax.set_ylabel("heat current (energy / time)")
        ax.legend(fontsize=8)
        ax = axs[1, col]
        _shade(ax, D, s.regime)
        ax.plot(D, s.j_spin, ":", color="tab:blue", lw=2, label=r"$j^S$")
        ax.axhline(0, color="k", lw=0.5)
        ax.set_title(f"({'cd'[col]}) {lab}")
        ax.set_xlabel(r"$\Delta$")
        ax.set_ylabel("spin current (1 / time)")
        ax.legend(fontsize=8)
    fig.tight_layout()
    D_min, j_min = ring4_current_minimum()
    D_inv = ring4_spin_current_inversion()
    cap = f"""ring4 Fig. 2 reproduced (symness Redfield NESS, ring4 preset): T_L = 2, T_R = 1, gamma = 0.01,
omega_c = 10, J = 1, h_2 = 2, h_3 = 1, contacts 1 and 3, sigma^z couplings, Lamb shift dropped (as in the paper).
(a,c) sector with 3 up spins, (b,d) sector with 2 up spins; 241 points in Delta.
j^H_2 = <i[h_12, h_23]> (upper branch, left to right), j^H_4 = <i[h_34, h_41]> (lower branch, right to left,
site order 3 -> 4 -> 1), j^H_L = tr(H D_L[rho]) = j^H_2 - j^H_4, j^S = J<sx_1 sy_2 - sy_1 sx_2> (eq. 13, up spins
moving 1 -> 2, i.e. clockwise for positive values).  Shading: green clockwise (j2 > 0 and j4 > 0), yellow
parallel (j2 j4 < 0), pink counterclockwise (j2 < 0 and j4 < 0).

Located features:
* 3 up: j^H_L = {s3.jL[0]:.6f} and j^S = {s3.j_spin[0]:.6f} independent of Delta (spread {np.ptp(s3.jL):.1e},
  {np.ptp(s3.j_spin):.1e}); j2 = 0 at Delta = {_fmt_list(_sign_changes(D, s3.I_U))}, j4 = 0 at Delta =
  {_fmt_list(_sign_changes(D, s3.I_D))}: counterclockwise -> parallel -> clockwise, as in the paper.
* 2 up: regime boundaries at Delta = {_fmt_list(sorted(_sign_changes(D, s2.I_U) + _sign_changes(D, s2.I_D)))}
  (parallel -> clockwise -> counterclockwise, as in the paper).
* minimum of the total current j^H_L = {j_min:.6e} at Delta = {D_min:.4f} (paper: Delta ~ 2.19);
  spin-current inversion (clockwise -> counterclockwise) at Delta = {D_inv:.4f}.
* smallest NESS eigenvalue over both sweeps: {min(np.nanmin(s3.min_eigenvalue), np.nanmin(s2.min_eigenvalue)):.2e}
  (> 0: no negative probabilities, as the paper states).

Differences from the paper: in the 2-up sector we find a narrow parallel window between the clockwise and the
counterclockwise regimes (Delta between the last two boundaries above, ~0.05 wide) which the paper describes
as a direct clockwise -> counterclockwise change.  The paper's text calls the counterclockwise shading "pink"
for (a) and "red" for (b); we use one colour (pink).
"""
    return _write(outdir, "ring4", "ring4_fig2", fig, cap)


@figure("ring4_fig3", paper="ring4", caption="Ergotropy vs (Delta, Delta T) and populations vs Delta (2 up)")
def ring4_fig3(outdir: Path) -> list[Path]:
    from ..open.papers import ring_sweep

    plt = _plt()
    ring = ring4_model()
    D = np.linspace(-3, 3, 121)
    dT = np.linspace(-2.8, 2.8, 57)
    erg = np.empty((dT.size, D.size))
    for i, t in enumerate(dT):
        erg[i] = ring_sweep(ring, "Delta", D, 2, T_L=1.5 + t / 2, T_R=1.5 - t / 2).ergotropy
    sb = ring_sweep(ring, "Delta", D, 2, T_L=2.0, T_R=1.0)
    sc = ring_sweep(ring, "Delta", D, 2, T_L=1.0, T_R=2.0)
    fig, axs = plt.subplots(1, 3, figsize=(15, 4.3))
    cs = axs[0].contourf(D, dT, erg, levels=30, cmap="viridis")
    fig.colorbar(cs, ax=axs[0], label=r"ergotropy $\mathcal{E}$")
    axs[0].axhline(1, color="w", lw=0.7, ls="--")
    axs[0].axhline(-1, color="w", lw=0.7, ls="--")
    axs[0].set_xlabel(r"$\Delta$")
    axs[0].set_ylabel(r"$\Delta T = T_L - T_R$ (energy units)")
    axs[0].set_title(r"(a) $(T_L+T_R)/2 = 1.5$")
    colors = ["tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    inv_text = []
    for ax, s, title in ((axs[1], sb, "(b) $T_L=2, T_R=1$"), (axs[2], sc, "(c) $T_L=1, T_R=2$")):
        P = s.populations
        inverted = np.zeros(D.size, dtype=bool)
        for k in range(1, 5):
            inverted |= P[:, k + 1] > P[:, k]
        for i in range(D.size):
            if inverted[i]:
                ax.axvspan(D[max(i - 1, 0)] / 2 + D[i] / 2, D[min(i + 1, D.size - 1)] / 2 + D[i] / 2,
                           color="lightblue", alpha=0.5, lw=0)
        for k in range(1, 6):
            ax.plot(D, P[:, k], color=colors[k - 1], label=rf"$\rho_{{{k + 1}{k + 1}}}$")
        ax.set_xlabel(r"$\Delta$")
        ax.set_ylabel(r"$\rho_{kk}$")
        ax.set_title(title)
        ax.legend(fontsize=8)
        pairs = []
        for k in range(1, 5):
            xs = _sign_changes(D, P[:, k] - P[:, k + 1])
            if xs:
                pairs.append(f"rho_{k + 1}{k + 1} = rho_{k + 2}{k + 2} at Delta = {_fmt_list(xs)}")
        inv_text.append("; ".join(pairs) or "no crossings")
    fig.tight_layout()
    i, j = np.unravel_index(np.nanargmax(erg), erg.shape)
    asym_D = float(np.nanmax(np.abs(erg - erg[:, ::-1])))
    asym_T = float(np.nanmax(np.abs(erg - erg[::-1, :])))
    cap = f"""ring4 Fig. 3 reproduced (Redfield NESS, 2-up sector, h_2 = 2, h_3 = 1, gamma = 0.01, omega_c = 10).
(a) ergotropy (eq. 14, within the sector) on a 121 x 57 grid, Delta in [-3, 3], Delta T in [-2.8, 2.8] at fixed
(T_L + T_R)/2 = 1.5 (dashed: Delta T = +-1).  (b,c) occupations rho_kk = <E_k|rho|E_k> of levels 2..6 (k
increasing with energy) at (T_L, T_R) = (2, 1) and (1, 2); light blue: population inversion (some
rho_{{k+1,k+1}} > rho_kk, k = 2..5).

Located features:
* largest ergotropy {erg[i, j]:.4f} at Delta = {D[j]:.3f}, Delta T = {dT[i]:.2f}; the map is not symmetric in
  Delta (max |E(Delta) - E(-Delta)| = {asym_D:.3g}) nor in Delta T (max |E(dT) - E(-dT)| = {asym_T:.3g}): the
  ergotropy rectification the paper reports.
* (b) T_L = 2, T_R = 1: {inv_text[0]}.
* (c) T_L = 1, T_R = 2: {inv_text[1]}.
* the ergotropy maxima along Delta T = +-1 sit in the population-inversion windows, as the paper says.

Differences from the paper: the paper's Delta T range and colour scale are not stated in the text; we use
|Delta T| <= 2.8 (T_L, T_R >= 0.1).  Paper: in (b) rho_22/rho_33 cross at larger Delta and rho_44/rho_55 at
lower Delta; in (c) rho_33/rho_44 cross -- compare with the located crossings above.
"""
    return _write(outdir, "ring4", "ring4_fig3", fig, cap)


@figure("ring4_fig4", paper="ring4",
        caption="Ergotropy, total current and level gaps vs Delta for five field strengths")
def ring4_fig4(outdir: Path) -> list[Path]:
    from ..open.papers import min_gap, ring_sweep

    plt = _plt()
    D = np.linspace(-3, 3, 241)
    hs = [2.0, 1.8, 1.6, 1.4, 1.2]
    fig, axs = plt.subplots(3, 1, figsize=(7, 10), sharex=True)
    lines = []
    for i, h in enumerate(hs):
        ring = ring4_model(fields={2: h, 3: h / 2})
        s = ring_sweep(ring, "Delta", D, 2)
        t = 0.4 + 0.14 * i  # darker for smaller h_2, as in the paper
        cm = plt.get_cmap
        axs[0].plot(D, s.ergotropy, color=cm("Greens")(t), label=f"$h_2={h}$")
        axs[1].plot(D, 100 * s.jL, color=cm("Reds")(t), label=f"$h_2={h}$")
        E = s.energies
        axs[2].plot(D, E[:, 2] - E[:, 1], color=cm("Oranges")(t))
        axs[2].plot(D, E[:, 3] - E[:, 2], color=cm("Purples")(t))
        axs[2].plot(D, E[:, 4] - E[:, 3], color=cm("Blues")(t))
        kE = int(np.nanargmax(s.ergotropy))
        kJ = int(np.nanargmin(np.where(D > 0, s.jL, np.inf)))
        xg, g32 = min_gap(ring, 2, 2, (0.0, 3.0))
        lines.append(f"  h_2 = {h}: ergotropy max {s.ergotropy[kE]:.4f} at Delta = {D[kE]:.3f}; min j_L (Delta > 0) "
                     f"{s.jL[kJ]:.3e} at Delta = {D[kJ]:.3f}; min(E3 - E2) = {g32:.3f} at Delta = {xg:.3f}")
    axs[0].set_ylabel(r"ergotropy $\mathcal{E}$ (energy units)")
    axs[0].legend(fontsize=8)
    axs[0].set_title("(a)")
    axs[1].set_ylabel(r"$j^H_L \times 10^{2}$ (energy / time)")
    axs[1].set_title("(b)")
    axs[2].set_ylabel(r"$\Delta E$ (energy units)")
    axs[2].set_xlabel(r"$\Delta$")
    axs[2].set_title("(c) $E_3-E_2$ (orange), $E_4-E_3$ (purple), $E_5-E_4$ (blue)")
    fig.tight_layout()
    cap = """ring4 Fig. 4 reproduced (Redfield NESS, 2-up sector, T_L = 2, T_R = 1, gamma = 0.01, omega_c = 10).
h_2 = 2, 1.8, 1.6, 1.4, 1.2 with h_2/h_3 = 2, increasingly dark colours for decreasing h_2.
(a) ergotropy within the sector, (b) total heat current j^H_L (x 10^2), (c) level spacings of the sector
Hamiltonian (levels ascending, E_1 the ground state of the sector), 241 points in Delta in [-3, 3].

Located features (per field strength):
""" + "\n".join(lines) + """

The ergotropy peaks and the total-current dips move to smaller Delta with decreasing field, together with the
closest approach of E_3 and E_2, as the paper says; note that the current minimum and the ergotropy maximum
sit near, not exactly at, the smallest gap (the gap stays ~0.4: an avoided crossing, not a crossing).
Differences from the paper: none in the qualitative features.
"""
    return _write(outdir, "ring4", "ring4_fig4", fig, cap)


def _branch_panel(ax: Any, x: np.ndarray, s: Any, title: str, xlabel: str = r"$\Delta$") -> None:
    _shade(ax, x, s.regime)
    ax.plot(x, s.jL, "-", color="tab:red", label=r"$I_L$ (total)")
    ax.plot(x, s.I_U, "--", color="tab:orange", label=r"$I_U$ (upper)")
    ax.plot(x, s.I_D, "-.", color="tab:green", label=r"$I_D$ (lower)")
    ax.axhline(0, color="k", lw=0.5)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("heat current (energy / time)")
    ax.legend(fontsize=7)


def _cm_windows(x: np.ndarray, s: Any) -> str:
    reg = s.regime
    circ = reg != 0
    if not np.any(circ):
        return "none"
    out, start = [], None
    for i in range(x.size):
        if circ[i] and start is None:
            start = i
        if start is not None and (i == x.size - 1 or not circ[i + 1]):
            kind = _REGIME_COLORS[int(reg[start])][1]
            out.append(f"[{x[start]:.2f}, {x[i]:.2f}] ({kind})")
            start = None
    return ", ".join(out)


@figure("magnification_fig10", paper="magnification",
        caption="Branch and total heat currents vs Delta (5 and 6 spins) and vs T_L")
def magnification_fig10(outdir: Path) -> list[Path]:
    from ..open.papers import ring_sweep

    plt = _plt()
    D = np.linspace(-6, 6, 241)
    m5, m6 = magnification_model(2, 1), magnification_model(3, 1)
    a = ring_sweep(m5, "Delta", D, 3)
    b = ring_sweep(m5, "Delta", D, 2)
    c = ring_sweep(m6, "Delta", D, 4)
    TL = np.linspace(1.0, 10.0, 91)
    dd = ring_sweep(m5, "T_L", TL, 3, local=True, Delta=2.1)
    fig, axs = plt.subplots(2, 2, figsize=(11, 8))
    _branch_panel(axs[0, 0], D, a, r"(a) 5(3$\uparrow$2$\downarrow$)")
    _branch_panel(axs[0, 1], D, b, r"(b) 5(2$\uparrow$3$\downarrow$)")
    _branch_panel(axs[1, 0], D, c, r"(c) 6(4$\uparrow$2$\downarrow$), $N_U=3, N_D=1$")
    _branch_panel(axs[1, 1], TL, dd, r"(d) 5(3$\uparrow$2$\downarrow$), $\Delta = 2.1$", xlabel=r"$T_L$")
    ax2 = axs[1, 1].twinx()
    ax2.plot(TL, 0.2 * dd.zz23, ":", color="tab:blue", label=r"$0.2\langle\sigma^z_2\sigma^z_3\rangle$")
    ax2.plot(TL, 0.2 * dd.concurrence23, ":", color="tab:purple", label=r"$0.2\,C_{23}$")
    ax2.legend(fontsize=7, loc="center right")
    fig.tight_layout()
    i_dip = int(np.nanargmin(np.where(np.abs(D) < 1, a.jL, np.inf)))
    same = float(np.nanmax(np.abs(a.jL - b.jL)))
    cm_T = dd.regime != 0
    cap = f"""Magnification paper Fig. 10 reproduced (symness Redfield NESS, magnification preset: sqrt(gamma) = 0.1,
Omega_C = 10, J = 1, T_L = 2, T_R = 1, sigma^z couplings at site 1 and site N_U + 2, no fields).
Currents are all counted left -> right: I_U = <I[2]> (eq. 32-34, upper branch), I_D = -<I[N_S]> (lower
branch; the paper's clockwise numbering makes <I[N_S]> flow right -> left), I_L = tr(H L_L[rho]) (eq. 35)
= I_U + I_D.  Shading: yellow parallel, green/pink circulating (current magnification, CM): one branch
carries more than the total and the other flows backwards.  (a)-(c): 241 points, Delta in [-6, 6];
(d) 91 points, T_L in [1, 10] at Delta = 2.1, with 0.2 <sz_2 sz_3> and 0.2 C_23 (Wootters, eq. 38).

Located features:
* (a) 5(3u2d): the total current has a sharp dip at Delta = {D[i_dip]:.3f} (I_L = {a.jL[i_dip]:.4e}); the
  levels E_4, E_5 cross there (Fig. 11).  CM windows: {_cm_windows(D, a)}.
* (b) 5(2u3d): I_L identical to (a) (max difference {same:.1e}: a global spin flip maps the sectors onto
  each other, verified in `symness verify -k reversal`), branch currents differ.  CM windows: {_cm_windows(D, b)}.
* (c) 6(4u2d): CM windows: {_cm_windows(D, c)}.  At Delta = 0 exactly (XX ring) the six-spin
  NESS is not unique (NonUniqueSteadyStateError: conserved free-fermion occupations); the sweep grid
  avoids that point, and the dip around it is the approach to it.
* (d) CM at Delta = 2.1 for T_L in {_fmt_list([TL[cm_T].min(), TL[cm_T].max()]) if np.any(cm_T) else "none"};
  <sz_2 sz_3> < 0 throughout; the concurrence falls faster than the correlation and vanishes at T_L ~
  {TL[np.argmax(dd.concurrence23 < 1e-12)]:.2f}.

Differences from the paper (see docs/errata.md): the paper reports CM in 5(3u2d) for positive Delta with its
onset marked by the dip at Delta ~ 0; our currents are parallel around the dip and circulate only for
|Delta| >~ 4 (both signs).  The paper's currents in (d) plateau at large T_L; ours keep growing
(sub-linearly) up to T_L = 10.  The paper's Delta range for (a)-(c) is not stated; we show [-6, 6].
"""
    return _write(outdir, "magnification_quantum", "magnification_fig10", fig, cap)


@figure("magnification_fig11", paper="magnification",
        caption="Levels, populations, magnetisations, ergotropy and currents of the 5(3 up 2 down) ring vs Delta")
def magnification_fig11(outdir: Path) -> list[Path]:
    from ..open.papers import level_populations, ring_sweep

    plt = _plt()
    m5 = magnification_model(2, 1)
    D = np.linspace(-2, 2, 200)  # even number of points: Delta = 0 (E_4 = E_5) is not on the grid
    s = ring_sweep(m5, "Delta", D, 3, local=True)
    s3 = ring_sweep(m5, "Delta", D, 3, T_L=3.0)
    levels, pops = [], []
    for E, p in zip(s.energies, s.populations):
        e, P, _ = level_populations(E, p, tol=1e-8)
        levels.append(e[:6] if e.size >= 6 else np.pad(e, (0, 6 - e.size), constant_values=np.nan))
        pops.append(P[:6] if P.size >= 6 else np.pad(P, (0, 6 - P.size), constant_values=np.nan))
    levels, pops = np.array(levels), np.array(pops)
    DL = np.linspace(-15, 15, 300)
    sl = ring_sweep(m5, "Delta", DL, 3)
    fig, axs = plt.subplots(3, 2, figsize=(11, 11))
    for k in range(6):
        axs[0, 0].plot(D, levels[:, k], label=f"$E_{k + 1}$")
        axs[0, 1].semilogy(D, pops[:, k], label=f"$P_{k + 1}$")
    axs[0, 0].set_title("(a) distinct energy levels")
    axs[0, 1].set_title("(b) level occupations (summed over degenerate states)")
    for l in range(5):
        axs[1, 0].plot(D, s.magnetizations[:, l], label=f"$M_{l + 1}$")
    axs[1, 0].set_title(r"(c) $M_k = \langle\sigma^z_k\rangle$")
    axs[1, 1].plot(D, s.ergotropy, label="$T_L = 2$")
    axs[1, 1].plot(D, s3.ergotropy, label="$T_L = 3$")
    axs[1, 1].set_title(r"(d) ergotropy (within the sector)")
    for E in sl.energies.T:
        axs[2, 0].plot(DL, E, color="k", lw=0.8)
    axs[2, 0].set_title("(e) energy levels (all 10 states)")
    _shade(axs[2, 1], DL, sl.regime)
    axs[2, 1].semilogy(DL, np.abs(sl.jL), color="tab:red", label=r"$|I_L|$")
    axs[2, 1].semilogy(DL, np.abs(sl.I_U), "--", color="tab:orange", label=r"$|I_U|$")
    axs[2, 1].semilogy(DL, np.abs(sl.I_D), "-.", color="tab:green", label=r"$|I_D|$")
    axs[2, 1].set_title("(f) currents (magnitudes)")
    for ax in axs.ravel():
        ax.set_xlabel(r"$\Delta$")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7)
    fig.tight_layout()
    inv23 = _sign_changes(D, pops[:, 1] - pops[:, 2])
    k0 = int(np.flatnonzero(D < 0)[-1])
    ratio = pops[:, 1] / pops[:, 2]
    deg = level_populations(s.energies[k0], s.populations[k0])[2]
    cap = f"""Magnification paper Fig. 11 reproduced (5 spins, N_U = 2, N_D = 1, 3 up spins; T_L = 2, T_R = 1, J = 1,
sqrt(gamma) = 0.1, Omega_C = 10).  (a) the distinct levels E_1 < ... < E_6 of the 10-dimensional sector
(energies within 1e-8 merged; degeneracies {deg.tolist()} near Delta = 0), (b) their occupations (sum over
degenerate states), (c) site magnetisations <sz_k> (eq. 36), (d) ergotropy within the sector (eq. 41) for
T_L = 2 and 3, Delta in [-2, 2] (200 points, Delta = 0 excluded); (e) all levels and (f) |I_L|, |I_U|, |I_D|
(left -> right convention of Fig. 10) for Delta in [-15, 15], shaded by regime as in Fig. 10.

Located features:
* four of the six levels are doubly degenerate for every Delta (translation-like symmetry of the bare
  ring); E_4 and E_5 cross at Delta = 0 (4-fold degenerate there), as the paper says.
* population inversion between levels 2 and 3 (P_2 = P_3) at Delta = {_fmt_list(inv23)}; P_2/P_3 at
  Delta = {D[k0]:.3f}, {D[k0 + 1]:.3f}: {ratio[k0]:.3f}, {ratio[k0 + 1]:.3f} (smooth).
* the magnetisations show the atypical extrema at Delta ~ 0 the paper describes.
* ergotropy peaks at Delta = {D[int(np.nanargmax(s.ergotropy))]:.3f} ({np.nanmax(s.ergotropy):.4f}); larger at
  T_L = 3 ({np.nanmax(s3.ergotropy):.4f}), as the paper says.
* (f) circulating windows for |Delta| <= 15: {_cm_windows(DL, sl)}.

Differences from the paper (docs/errata.md): the paper finds P_2 dropping suddenly and P_3 rising, a
population inversion near Delta = 0; our level occupations are smooth there with P_2 > P_3 (the ergotropy
peak at Delta = 0 comes from coherences in the degenerate E_4 = E_5 manifold, not from an E_2/E_3
inversion).  The paper's plotted ranges for (a)-(d) are not stated; we show [-2, 2].  As in Fig. 10, the
circulating regimes sit at |Delta| >~ 4, not at the dip.
"""
    return _write(outdir, "magnification_quantum", "magnification_fig11", fig, cap)
