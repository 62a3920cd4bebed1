"""Cross-checks, LaTeX sections and figures of the classical Ising ring (magnification paper, Sec. II).

Every check compares a closed form derived by :mod:`symness.classical.closedforms`
with independent computations: the numeric stationary state of the sparse
generator (GTH / LU / Krylov, :mod:`symness.classical.stationary`) and the kinetic
Monte Carlo of :mod:`symness.classical.montecarlo` (a separate implementation
of the rules; compared within three standard errors).  Points: the paper's
parameter points plus seeded random ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..registry import Comparison, cross_check, figure, latex_section

PAPER = "magnification"
_KEYS = (("I_L", "left"), ("I_U", "upper"), ("I_D", "lower"))


def _mc_comparison(name: str, closed: float, res: Any, key: str, point: str) -> Comparison:
    """Closed form vs Monte Carlo: passes when within 3 standard errors."""
    mc, se = res.currents[key], res.stderr[key]
    tol = 3 * se / max(abs(mc), 1e-300)
    return Comparison(f"{name} (Monte Carlo, 3 sigma)", closed, mc, tol=tol, point=point)


def _random_points(seed: int, n: int, unequal: bool) -> list[tuple[float, float, float, float]]:
    rng = np.random.default_rng(seed)
    pts = []
    for _ in range(n):
        J1 = float(rng.uniform(0.5, 2.0))
        J2 = float(rng.uniform(0.5, 2.0)) if unequal else J1
        TL, TR = (float(x) for x in np.exp(rng.uniform(np.log(0.3), np.log(5.0), 2)))
        pts.append((J1, J2, TL, TR))
    return pts


@cross_check("classical: three-spin equal-J currents (closed form vs solver vs MC)", paper=PAPER,
             equation="(11)-(15)")
def check_three_spin_equal(quick: bool) -> Iterator[Comparison]:
    """Derived I_L, I_U, I_D of the three-spin ring vs the sparse solver and Monte Carlo."""
    from ..classical import IsingRing
    from ..classical.closedforms import three_spin_equal

    f = three_spin_equal().form.lambdify(["J", "T_L", "T_R"])
    ring = IsingRing(1, 0)
    pts = [(1.0, 1.0, 2.0, 1.0), (1.0, 1.0, 6.0, 1.0)] + _random_points(81, 1 if quick else 3, False)
    for i, (J, _, TL, TR) in enumerate(pts):
        pt = f"J={J:.3g}, T_L={TL:.3g}, T_R={TR:.3g}"
        cf = f(J, TL, TR)
        num = ring.heat_currents(J, J, TL, TR)
        for k, key in _KEYS:
            yield Comparison(f"{k} 3-spin (sparse solver)", cf[k], num[key], tol=1e-12, point=pt)
        if i < (1 if quick else 2):
            res = ring.simulate(J, J, TL, TR, steps=10**6 if quick else 4 * 10**6, seed=100 + i)
            for k, key in _KEYS:
                yield _mc_comparison(f"{k} 3-spin", cf[k], res, key, pt)


@cross_check("classical: three-spin stationary state eq. (12) vs null vector", paper=PAPER,
             equation="(11)-(13)")
def check_three_spin_stationary(quick: bool) -> Iterator[Comparison]:
    """P(eta) of the derived closed form vs the GTH null vector of the numeric generator."""
    from ..classical import IsingRing
    from ..classical.closedforms import three_spin_stationary

    f = three_spin_stationary().form.lambdify(["J", "T_L", "T_R"])
    ring = IsingRing(1, 0)
    labels = ring.labels()
    for J, _, TL, TR in [(1.0, 1.0, 2.0, 1.0)] + _random_points(82, 1, False):
        P = f(J, TL, TR).ravel()
        p = ring.stationary(J, J, TL, TR)
        for k in range(8) if not quick else (0, 1, 2):
            yield Comparison(f"P({labels[k]})", P[k], p[k], tol=1e-13,
                             point=f"J={J:.3g}, T_L={TL:.3g}, T_R={TR:.3g}")


@cross_check("classical: large-T_L asymptotics eq. (16) vs solver", paper=PAPER, equation="(16)")
def check_large_TL(quick: bool) -> Iterator[Comparison]:
    """T_L -> infinity limit and 1/T_L slope of the derived currents vs the solver at large T_L."""
    from ..classical import IsingRing
    from ..classical.closedforms import three_spin_large_TL

    big = three_spin_large_TL()
    lim = big["limit"].lambdify(["J", "T_R"])
    slope = big["slope"].lambdify(["J", "T_R"])
    ring = IsingRing(1, 0)
    for TR in (1.0,) if quick else (1.0, 0.3, 4.0):
        L, S = lim(1.0, TR), slope(1.0, TR)
        num = ring.heat_currents(1.0, 1.0, 1e12, TR)
        for k, key in _KEYS:
            yield Comparison(f"{k}(T_L->inf)", L[k], num[key], tol=1e-10, point=f"J=1, T_R={TR:g}")
        TL = 1e5
        num = ring.heat_currents(1.0, 1.0, TL, TR)
        yield Comparison("c_1 = lim T_L (I_L - I_L(inf))", S["I_L"], (num["left"] - L["I_L"]) * TL,
                         tol=1e-4, point=f"J=1, T_R={TR:g}, T_L={TL:g}")


@cross_check("classical: three-spin unequal-J currents (closed form vs solver vs MC)", paper=PAPER,
             equation="(17), (6), (9)", quick=False)
def check_three_spin_unequal(quick: bool) -> Iterator[Comparison]:
    """The derived J_U != J_D currents (both sign cases) vs the solver and Monte Carlo."""
    from ..classical import IsingRing
    from ..classical.closedforms import three_spin_unequal

    ring = IsingRing(1, 0)
    fs = {c: three_spin_unequal(c).form.lambdify(["J_U", "J_D", "T_L", "T_R"])
          for c in ("J_U>J_D", "J_U<J_D")}
    pts = [(2.0, 1.9, 2.0, 0.1), (1.9, 2.0, 2.0, 0.1)] + _random_points(83, 1 if quick else 3, True)
    for i, (J1, J2, TL, TR) in enumerate(pts):
        f = fs["J_U>J_D" if J1 >= J2 else "J_U<J_D"]
        pt = f"J_U={J1:.3g}, J_D={J2:.3g}, T_L={TL:.3g}, T_R={TR:.3g}"
        cf = f(J1, J2, TL, TR)
        num = ring.heat_currents(J1, J2, TL, TR)
        for k, key in _KEYS:
            yield Comparison(f"{k} 3-spin unequal (solver)", cf[k], num[key], tol=1e-11, point=pt)
        if i == 0:
            res = ring.simulate(J1, J2, TL, TR, steps=10**6 if quick else 4 * 10**6, seed=200)
            for k, key in _KEYS:
                yield _mc_comparison(f"{k} 3-spin unequal", cf[k], res, key, pt)


@cross_check("classical: four-spin N_U=N_D=1 currents (closed form vs solver vs MC)", paper=PAPER,
             equation="(17), Fig. 7", quick=False)
def check_four_spin(quick: bool) -> Iterator[Comparison]:
    """Derived four-spin currents vs the solver and Monte Carlo at the Fig. 7 point."""
    from ..classical import IsingRing
    from ..classical.closedforms import four_spin_unequal

    ring = IsingRing(1, 1)
    f = four_spin_unequal("J_U>J_D").form.lambdify(["J_U", "J_D", "T_L", "T_R"])
    pts = [(2.0, 1.9, 2.0, 0.1), (2.0, 1.5, 2.0, 0.1)]
    for i, (J1, J2, TL, TR) in enumerate(pts if not quick else pts[:1]):
        pt = f"J_U={J1:g}, J_D={J2:g}, T_L={TL:g}, T_R={TR:g}"
        cf = f(J1, J2, TL, TR)
        num = ring.heat_currents(J1, J2, TL, TR)
        for k, key in _KEYS:
            yield Comparison(f"{k} 4-spin (solver)", cf[k], num[key], tol=1e-11, point=pt)
        res = ring.simulate(J1, J2, TL, TR, steps=2 * 10**6 if quick else 6 * 10**6, seed=300 + i)
        for k, key in _KEYS:
            yield _mc_comparison(f"{k} 4-spin", cf[k], res, key, pt)


@cross_check("classical: Ohm's law I_U/I_D = -(N_D+1)/(N_U+1) vs solver", paper=PAPER,
             equation="(9), Sec. II D")
def check_branch_ratio(quick: bool) -> Iterator[Comparison]:
    """The derived branch ratio for equal couplings vs the exact numeric currents."""
    from ..classical import IsingRing
    from ..classical.closedforms import branch_ratio

    form = branch_ratio()
    syms = {s.name: s for s in form.free_symbols}
    geoms = [(1, 0), (2, 3), (4, 1)] if quick else [(1, 0), (0, 3), (2, 3), (4, 1), (3, 3), (6, 2)]
    for (nu, nd), (J, _, TL, TR) in zip(geoms, _random_points(84, len(geoms), False)):
        ratio = float(form.expr["I_U/I_D"].subs({syms["N_U"]: nu, syms["N_D"]: nd}))
        I = IsingRing(nu, nd).heat_currents(J, J, TL, TR)
        yield Comparison("I_U/I_D", ratio, I["upper"] / I["lower"], tol=1e-9,
                         point=f"N_U={nu}, N_D={nd}, J={J:.3g}, T_L={TL:.3g}, T_R={TR:.3g}")


@cross_check("classical: heat-current noise and cumulants (closed form vs tilted generator vs SCGF vs MC)",
             paper=PAPER, equation="(3)-(6) with a counting field")
def check_noise(quick: bool) -> Iterator[Comparison]:
    """Exact cumulants of the heat from the left bath: derived closed form (characteristic polynomial),
    the float64 recursion on the tilted generator, finite differences of its leading eigenvalue (mpmath,
    unlumped chain) and the Monte Carlo noise over a Poisson clock (3 sigma)."""
    import mpmath

    from ..classical import IsingRing
    from ..classical.closedforms import ring_cumulants
    from ..classical.dynamics import LEFT
    from ..markov.counting import scgf_numeric

    f = ring_cumulants(1, 0, order=3, normalization="literal").form.lambdify(["J", "T_L", "T_R"])
    ring = IsingRing(1, 0)
    pts = [(1.0, 1.0, 2.0, 1.0)] + _random_points(85, 0 if quick else 3, False)
    for i, (J, _, TL, TR) in enumerate(pts):
        pt = f"J={J:.3g}, T_L={TL:.3g}, T_R={TR:.3g}"
        cf = f(J, TL, TR)
        num = ring.heat_cumulants(J, J, TL, TR, order=3, normalization="literal")
        for j in (1, 2, 3):
            yield Comparison(f"kappa_{j} 3-spin (tilted-generator recursion)", cf[f"kappa_{j}"], num[f"kappa_{j}"],
                             tol=1e-11, point=pt)
        tr = ring.transitions(J, J)
        W = ring.generator(J, J, TL, TR).tocoo()
        dE = {(int(a), int(b)): float(e) for a, b, e, x in zip(tr.src, tr.dst, tr.energy(np.array([J, J])),
                                                                tr.bath) if x == LEFT}
        edges = [(int(c), int(r), mpmath.mpf(float(w)), mpmath.mpf(dE.get((int(c), int(r)), 0.0)))
                 for r, c, w in zip(W.row, W.col, W.data) if r != c]
        with mpmath.workdps(25):
            d = mpmath.taylor(lambda x, e=edges: scgf_numeric(ring.n_states, e, x), 0, 2)
        yield Comparison("kappa_2 3-spin (SCGF finite differences)", cf["kappa_2"], float(2 * d[2]), tol=1e-11,
                         point=pt)
        if i == 0:
            res = ring.simulate(J, J, TL, TR, steps=10**6 if quick else 4 * 10**6, seed=300,
                                normalization="literal")
            mc, se = res.noise["left"], res.noise_stderr["left"]
            yield Comparison("S_L 3-spin (Monte Carlo, 3 sigma)", cf["kappa_2"], mc, tol=3 * se / abs(mc), point=pt)


@cross_check("classical: Q2R and CCA rings, solver vs Monte Carlo (Figs. 5, 8 points)", paper=PAPER,
             equation="(4)-(9), (20)-(21)")
def check_solver_vs_mc(quick: bool) -> Iterator[Comparison]:
    """Exact numeric currents of larger rings vs Monte Carlo (3 sigma), incl. a CCA ring."""
    from ..classical import IsingRing

    cases = [(IsingRing(2, 3), (2.0, 1.9, 2.0, 0.1), {}, "Q2R N_U=2, N_D=3 (Fig. 5)"),
             (IsingRing(1, 2, bulk="cca", mu=4), (2.0, 1.0, 2.0, 0.1), {"cls": 0},
              "CCA N_U=1, N_D=2, mu=4, class 0")]
    for i, (ring, args, kw, label) in enumerate(cases):
        num = ring.heat_currents(*args, **kw)
        res = ring.simulate(*args, steps=2 * 10**6 if quick else 6 * 10**6, seed=400 + i, **kw)
        pt = f"{label}; J_U={args[0]:g}, J_D={args[1]:g}, T_L={args[2]:g}, T_R={args[3]:g}"
        for k, key in _KEYS:
            yield _mc_comparison(f"{k} solver", num[key], res, key, pt)


@cross_check("classical: Gibbs state at equal temperatures", paper=PAPER, equation="(4), (5)")
def check_gibbs(quick: bool) -> Iterator[Comparison]:
    """T_L = T_R: the numeric stationary state equals exp(-E/T)/Z (Q2R and CCA classes)."""
    from ..classical import IsingRing

    cases = [(IsingRing(2, 3), {}), (IsingRing(1, 2, bulk="cca", mu=4), {"cls": 1})]
    for ring, kw in cases:
        J1, J2, T = 2.0, 1.5, 0.8
        p = ring.stationary(J1, J2, T, T, **kw)
        E = ring.energies(J1, J2)
        support = p > 0
        g = np.exp(-(E[support] - E[support].min()) / T)
        g /= g.sum()
        k = int(np.argmax(p))
        for idx in (k, int(np.flatnonzero(support)[-1])):
            j = int(np.searchsorted(np.flatnonzero(support), idx))
            yield Comparison(f"P({ring.space.label(idx)}) Gibbs", g[j], p[idx], tol=1e-11,
                             point=f"{ring!r}, J_U={J1}, J_D={J2}, T={T}")


# ------------------------------------------------------------------------- LaTeX
@latex_section("classical_three_spin", title="Classical three-spin ring (Q2R, equal couplings)",
               paper=PAPER, order=40)
def latex_three_spin() -> str:
    from ..classical.closedforms import three_spin_equal, three_spin_large_TL, three_spin_stationary

    st = three_spin_stationary()
    parts = [st.latex_block(), three_spin_equal("paper").latex_block()]
    big = three_spin_large_TL("paper")
    parts.append(big["limit_compact"].latex_block())
    parts.append(big["slope_compact"].latex_block())
    parts.append(r"\noindent Literal normalisation (eqs.~6, 9 with the rates of eq.~5): multiply "
                 r"every current by $N_S = 3$.")
    return "\n\n".join(parts)


@latex_section("classical_unequal", title="Classical rings with unequal couplings", paper=PAPER, order=41)
def latex_unequal() -> str:
    from ..classical.closedforms import four_spin_unequal, three_spin_magnification, three_spin_unequal

    parts = [three_spin_unequal("J_U>J_D").latex_block(), three_spin_unequal("J_U<J_D").latex_block(),
             three_spin_magnification().latex()]
    four = four_spin_unequal("J_U>J_D")
    parts.append(r"\noindent Four-spin ring ($N_U = N_D = 1$), $J_U > J_D$: "
                 f"denominator with {four.size['terms in Z']} terms, "
                 f"{four.size['operations']} operations in total.")
    parts.append(four.latex_block())
    return "\n\n".join(parts)


@latex_section("classical_ohm", title="Ohm's law of the Q2R ring", paper=PAPER, order=42)
def latex_ohm() -> str:
    from ..classical.closedforms import branch_ratio

    return branch_ratio().latex_block()


# ------------------------------------------------------------------------- figures
@figure("classical_fig4", paper=PAPER, caption="Fig. 4(a, b): three-spin ring, currents vs T_L")
def fig4(outdir: Any) -> list[Any]:
    from ..classical.figures import figure4

    return figure4(Path(outdir) / "classical")


@figure("classical_fig5", paper=PAPER, caption="Fig. 5(a, d): N_U = 2, N_D = 3, currents vs T_L and J_2")
def fig5(outdir: Any) -> list[Any]:
    from ..classical.figures import figure5

    return figure5(Path(outdir) / "classical")


@figure("classical_fig7", paper=PAPER, caption="Fig. 7: four-spin ring, currents vs T_L and J_2")
def fig7(outdir: Any) -> list[Any]:
    from ..classical.figures import figure7

    return figure7(Path(outdir) / "classical")


@figure("classical_fig8", paper=PAPER, caption="Fig. 8: CCA ring, currents vs T_L, T_R and mu")
def fig8(outdir: Any) -> list[Any]:
    from ..classical.figures import figure8

    return figure8(Path(outdir) / "classical")
