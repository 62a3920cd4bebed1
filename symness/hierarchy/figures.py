r"""Reproductions of Figs. 4--6 of the weak-coupling paper (matplotlib imported lazily).

Each function writes ``<key>.png`` and ``<key>.txt`` (caption, with every difference from
the paper) into ``outdir`` and returns the written paths.  Numerics: the exact NESS of
:math:`\mathcal L(\lambda)` (:func:`symness.hierarchy.exact_ness`); lines: the zeroth-order
closed form (two spins) or the numeric hierarchy (N spins).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SymnessError
from ..models.tilted_ising import tilted_ising
from .exact import exact_ness
from .numeric import Hierarchy
from .observables import eq150_sides, local_temperatures
from .two_spin import tilted_ising_two_spin

__all__ = ["fig4", "fig5", "fig6", "FIG4_CAPTION", "FIG5_CAPTION", "FIG6_CAPTION"]

TL, TR = 1.5, 0.5

FIG4_CAPTION = (
    "Fig. 4 (weak_coupling): two-spin tilted Ising temperature profiles, theta = pi/4 (left) and pi/2 "
    "(right); T_L = 1.5 at site 0, T_R = 0.5 at site 3; h = c_L = c_R = d_L = d_R = 1. Line: exact zeroth "
    "order (tilted_ising_two_spin, = eqs. 111-112 for identical baths); circles/squares: exact NESS of "
    "L0 + lam L1 + lam^2 L2 for lam = 0.1, 0.01. Differences from the paper: the bath sites are drawn at "
    "their temperatures; local temperatures T_l = h/artanh(t_l) with t_l = -<sigma^z_l>.")
FIG5_CAPTION = (
    "Fig. 5 (weak_coupling): N = 6 tilted Ising temperature profiles, theta = pi/4 (left) and pi/2 "
    "(right), other parameters as Fig. 4; markers: exact NESS for lam = 1e-1, 1e-2, 1e-3, 1e-4. Line "
    "(left only): zeroth order of the numeric hierarchy. Difference from the paper: at theta = pi/2 and "
    "N = 6 H1 is degenerate inside the H0 blocks (XX hopping), so the hierarchy of eqs. (45)-(47) does not "
    "apply (DegeneracyError) and no zeroth-order line is drawn; the numerics are flat as in the paper.")
FIG6_CAPTION = (
    "Fig. 6 (weak_coupling): left (circles, t_N - t_1) and right (squares) sides of eq. (150) vs lam for "
    "the tilted Ising chain, theta = pi/4, N = 3..6, exact NESS at lam = 0.001, 0.005, 0.01, 0.02, 0.05, "
    "0.1, 0.2; the horizontal lines are the common lam -> 0 value from the hierarchy's rho_0. Difference "
    "from the paper: all N = 3..6 are shown (the paper shows one chain).")


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _write(outdir: Path, key: str, fig: Any, caption: str) -> list[Path]:
    from ..figstyle import save_figure

    return save_figure(fig, Path(outdir) / f"{key}.png", caption)


def fig4(outdir: Path, key: str = "hierarchy_fig4") -> list[Path]:
    """Two-spin temperature profiles (Fig. 4)."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, th, title in zip(axes, (np.pi / 4, np.pi / 2), (r"$\theta=\pi/4$", r"$\theta=\pi/2$")):
        cf = tilted_ising_two_spin(th, TL, TR)
        ax.plot([0, 1, 2, 3], [TL, cf["T1"], cf["T2"], TR], "k-", label=r"$\lambda\to0$ (closed form)")
        for lam, mk in ((0.1, "o"), (0.01, "s")):
            T = local_temperatures(exact_ness(tilted_ising(2, theta=th), lam), 2)
            ax.plot([1, 2], T, mk, mfc="none", ms=8, label=rf"exact, $\lambda={lam}$")
        ax.set_title(title)
        ax.set_xlabel("site")
        ax.set_xticks([0, 1, 2, 3])
    axes[0].set_ylabel("local temperature (energy units)")
    axes[0].legend(fontsize=8)
    return _write(outdir, key, fig, FIG4_CAPTION)


def fig5(outdir: Path, key: str = "hierarchy_fig5", n: int = 6) -> list[Path]:
    """N-spin temperature profiles (Fig. 5)."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    sites = np.arange(n + 2)
    for ax, th, title in zip(axes, (np.pi / 4, np.pi / 2), (r"$\theta=\pi/4$", r"$\theta=\pi/2$")):
        m = tilted_ising(n, theta=th)
        try:
            T0 = local_temperatures(Hierarchy(m).rho(0), n)
            ax.plot(sites, [TL, *T0, TR], "k-", label=r"$\lambda\to0$ (hierarchy)")
        except SymnessError:  # degenerate H1 (theta = pi/2): no zeroth-order line
            ax.plot([0, n + 1], [TL, TR], "kD", ms=5, label="baths")
        for lam, mk in ((1e-1, "o"), (1e-2, "^"), (1e-3, "s"), (1e-4, "x")):
            T = local_temperatures(exact_ness(m, lam), n)
            ax.plot(sites[1:-1], T, mk, mfc="none", ms=7, label=rf"$\lambda=10^{{{int(np.log10(lam))}}}$")
        ax.set_title(title)
        ax.set_xlabel("site")
    axes[0].set_ylabel("local temperature (energy units)")
    axes[0].legend(fontsize=7)
    axes[1].legend(fontsize=7)
    return _write(outdir, key, fig, FIG5_CAPTION)


def fig6(outdir: Path, key: str = "hierarchy_fig6", ns: tuple[int, ...] = (3, 4, 5, 6)) -> list[Path]:
    """Both sides of eq. (150) vs lambda (Fig. 6)."""
    plt = _plt()
    lams = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]
    tl, tr = np.tanh(1 / TL), np.tanh(1 / TR)
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, n in enumerate(ns):
        col = f"C{i}"
        m = tilted_ising(n)
        lhs, rhs = zip(*(eq150_sides(exact_ness(m, lam), n, np.pi / 4, tl, tr) for lam in lams))
        ax.plot(lams, lhs, "o", color=col, mfc="none", label=f"N={n} LHS")
        ax.plot(lams, rhs, "s", color=col, ms=4, label=f"N={n} RHS")
        l0, _ = eq150_sides(Hierarchy(m).rho(0), n, np.pi / 4, tl, tr)
        ax.axhline(l0, color=col, lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel(r"$\lambda$")
    ax.set_ylabel(r"$t_N - t_1$ (LHS) and RHS of eq. (150)")
    ax.legend(fontsize=7, ncol=2)
    return _write(outdir, key, fig, FIG6_CAPTION)
