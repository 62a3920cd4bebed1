"""Cross-checks, LaTeX and figures of the weak-coupling hierarchy (paper: weak_coupling).

Closed forms derived by :mod:`symness.hierarchy` are compared with the *independent*
exact NESS of :math:`L(\\lambda) = L_0 + \\lambda L_1 + \\lambda^2 L_2`
(:func:`symness.hierarchy.exact_ness`), extrapolated to :math:`\\lambda \\to 0` by
Richardson's rule, at the papers' parameter point and at seeded random points.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..registry import Comparison, cross_check, figure, latex_section


def _exact_zeroth(p: dict, lams: tuple[float, ...] = (0.002, 0.001, 0.0005)) -> np.ndarray:
    """(t1, t2, g) of the exact NESS extrapolated to lambda -> 0 (error O(lambda^3))."""
    from ..hierarchy import exact_ness
    from ..hierarchy.observables import local_t
    from ..models.tilted_ising import tilted_ising

    m = tilted_ising(2, **p)
    zz = np.kron(np.diag([1.0, -1.0]), np.diag([1.0, -1.0]))
    vals = []
    for lam in lams:
        r = exact_ness(m, lam)
        t = local_t(r, 2)
        vals.append(np.array([t[0], t[1], (np.trace(zz @ r).real - t[0] * t[1]) / 4]))
    return (8 * vals[2] - 6 * vals[1] + vals[0]) / 3


def _points(quick: bool) -> list[dict]:
    pts = [dict(theta=np.pi / 4, T_L=1.5, T_R=0.5),  # Fig. 4
           dict(theta=0.7, T_L=1.3, T_R=0.45, h=1.2, c_L=0.8, c_R=1.3, d_L=0.6, d_R=1.7)]
    if not quick:
        rng = np.random.default_rng(150)
        for _ in range(2):
            pts.append(dict(theta=rng.uniform(0.3, 2.8), T_L=rng.uniform(0.3, 3), T_R=rng.uniform(0.3, 3),
                            h=rng.uniform(0.5, 1.5), c_L=rng.uniform(0.2, 2), c_R=rng.uniform(0.2, 2),
                            d_L=rng.uniform(0.1, 2), d_R=rng.uniform(0.1, 2)))
    return pts


def _fmt(p: dict) -> str:
    return ", ".join(f"{k}={v:.3g}" for k, v in p.items())


@cross_check("weak_coupling two-spin t1, t2, g vs lambda->0 exact NESS", paper="weak_coupling",
             equation="(103), (B23)-(B25)", quick=False)
def check_two_spin_zeroth(quick: bool) -> Iterator[Comparison]:
    """Exact zeroth-order closed form against the exact NESS extrapolated to lambda -> 0."""
    from ..hierarchy import tilted_ising_two_spin

    for p in _points(quick):
        cf = tilted_ising_two_spin(**p)
        ex = _exact_zeroth(p)
        for i, k in enumerate(("t1", "t2", "g")):
            yield Comparison(k, cf[k], ex[i], tol=1e-6 if k != "g" else 1e-4, point=_fmt(p), atol=1e-6)


@cross_check("weak_coupling K form (111)-(114) vs numeric hierarchy", paper="weak_coupling",
             equation="(111)-(114)", quick=False)
def check_k_form(quick: bool) -> Iterator[Comparison]:
    """The derived K form (identical baths) against rho_0 of the numeric hierarchy (matrix path)."""
    from ..hierarchy import Hierarchy, small_bias_form
    from ..hierarchy.observables import local_t
    from ..models.tilted_ising import tilted_ising

    K = small_bias_form()["K"].lambdify(["theta", "t_L", "t_R", "c", "d"])
    pts = [(np.pi / 4, 1.5, 0.5, 1.0, 1.0), (1.1, 0.8, 2.0, 0.5, 1.7)]
    for th, TL, TR, c, d in pts[: 1 if quick else 2]:
        t = local_t(Hierarchy(tilted_ising(2, theta=th, T_L=TL, T_R=TR, c_L=c, c_R=c, d_L=d, d_R=d)).rho(0), 2)
        tl, tr = np.tanh(1 / TL), np.tanh(1 / TR)
        k = K(th, tl, tr, c, d)
        yield Comparison("t1 (eq. 111)", (tl + tr) / 2 + k / 2 * (tl - tr), t[0], tol=1e-12,
                         point=f"theta={th:.3g}, T_L={TL}, T_R={TR}, c={c}, d={d}")
        yield Comparison("t2 (eq. 112)", (tl + tr) / 2 - k / 2 * (tl - tr), t[1], tol=1e-12,
                         point=f"theta={th:.3g}, T_L={TL}, T_R={TR}, c={c}, d={d}")


@cross_check("weak_coupling two-spin heat current j2 vs exact NESS", paper="weak_coupling",
             equation="(16), (45)-(47)", quick=False)
def check_currents(quick: bool) -> Iterator[Comparison]:
    """Closed-form lambda^2 coefficient of J_L, J_R, J_12 against J(lambda)/lambda^2 of the exact NESS."""
    import sympy

    from ..hierarchy import exact_ness
    from ..hierarchy.observables import exact_currents
    from ..hierarchy.two_spin import current_forms
    from ..models.tilted_ising import tilted_ising

    forms = current_forms((2,))
    for p in _points(True)[: 1 if quick else 2]:
        full = dict(theta=np.pi / 4, T_L=1.5, T_R=0.5, h=1.0, c_L=1.0, c_R=1.0, d_L=1.0, d_R=1.0)
        full.update(p)
        sub = {sympy.Symbol("theta", positive=True): full["theta"], sympy.Symbol("h", positive=True): full["h"],
               sympy.Symbol("t_L"): np.tanh(full["h"] / full["T_L"]),
               sympy.Symbol("t_R"): np.tanh(full["h"] / full["T_R"])}
        for k in ("c_L", "c_R", "d_L", "d_R"):
            sub[sympy.Symbol(k, nonnegative=True)] = full[k]
        m = tilted_ising(2, **p)
        js = {}
        for lam in (0.002, 0.001, 0.0005):
            js[lam] = exact_currents(m, lam, exact_ness(m, lam))
        for key, name in (("J_L", "L"), ("J_R", "R"), ("J_12", "bond 1")):
            cf = float(complex(forms[f"{key}^(2)"].expr.subs(sub)).real)
            # J/lam^2 = j2 + j3 lam + j4 lam^2 + ...: Richardson extrapolation to lam -> 0
            f = {lam: js[lam][name] / lam**2 for lam in js}
            est = (8 * f[0.0005] - 6 * f[0.001] + f[0.002]) / 3
            yield Comparison(f"{key} lambda^2 coefficient", cf, est, tol=1e-7, point=_fmt(p))


@cross_check("weak_coupling eq. (150) LHS vs RHS as lambda -> 0", paper="weak_coupling", equation="(150)")
def check_eq150(quick: bool) -> Iterator[Comparison]:
    """Both sides of eq. (150) from the exact NESS, extrapolated to lambda -> 0, for N = 3, 4."""
    from ..hierarchy import exact_ness
    from ..hierarchy.observables import eq150_sides
    from ..models.tilted_ising import tilted_ising

    tl, tr = np.tanh(1 / 1.5), np.tanh(1 / 0.5)
    for n in (3,) if quick else (3, 4):
        m = tilted_ising(n)
        s = {lam: np.array(eq150_sides(exact_ness(m, lam), n, np.pi / 4, tl, tr)) for lam in (0.002, 0.001)}
        lim = 2 * s[0.001] - s[0.002]
        yield Comparison("t_N - t_1 (LHS) vs RHS", lim[1], lim[0], tol=1e-4, point=f"N={n}, theta=pi/4")


@latex_section("weak_coupling", title="Weak-coupling hierarchy: two-spin tilted Ising model",
               paper="weak_coupling", order=40)
def latex_weak_coupling() -> list:
    from ..hierarchy import current_forms, small_bias_form, zeroth_order_form

    return [zeroth_order_form(), small_bias_form(), current_forms((2,)),
             "\\noindent Errata: eq. (B14) prints $\\mathcal D\\sigma_x = -2b(\\sigma_x\\cos\\theta - "
             "\\sigma_z\\sin\\theta)$; the derivation gives $-2b(\\sigma_x\\cos\\theta + \\sigma_z\\sin\\theta)$ "
             "(see the errata page of the documentation)."]


@figure("hierarchy_fig4", paper="weak_coupling", caption="Fig. 4: two-spin temperature profiles")
def figure4(outdir: Path) -> list:
    from ..hierarchy.figures import fig4
    return fig4(Path(outdir) / "hierarchy")


@figure("hierarchy_fig5", paper="weak_coupling", caption="Fig. 5: N = 6 temperature profiles")
def figure5(outdir: Path) -> list:
    from ..hierarchy.figures import fig5
    return fig5(Path(outdir) / "hierarchy")


@figure("hierarchy_fig6", paper="weak_coupling", caption="Fig. 6: both sides of eq. (150) vs lambda")
def figure6(outdir: Path) -> list:
    from ..hierarchy.figures import fig6
    return fig6(Path(outdir) / "hierarchy")
