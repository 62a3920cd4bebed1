r"""Appendix B (and Sect. IV B) of the weak-coupling paper, re-derived by the code, with errata.

Paper: weak_coupling, eqs. (87)--(103), (B3), (B9)--(B18), (B23)--(B25).

Every *derived* quantity below comes from the model (:func:`symness.models.tilted_ising`)
through the Pauli-string algebra of :mod:`symness.hierarchy.pauli` and the projections of
the hierarchy.  The paper's *printed* forms appear only in :func:`printed_forms`, which
exists to compare them with the derivation for ``docs/errata.md``; no test uses them as
an oracle.  Run ``python -m symness.hierarchy.appendix_b`` to print the comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

from ..baths import Bath, weak_coupling_spectrum
from .pauli import PauliOp

__all__ = ["single_spin_dissipator", "two_spin_projections", "printed_forms", "compare", "main"]

theta = sympy.Symbol("theta", positive=True)
C, S = sympy.cos(theta), sympy.sin(theta)
t, tL, tR = sympy.symbols("t t_L t_R")
c, d = sympy.symbols("c d", nonnegative=True)
cL, cR, dL, dR = sympy.symbols("c_L c_R d_L d_R", nonnegative=True)
t1, t2, g = sympy.symbols("t_1 t_2 g")
h = sympy.Symbol("h", positive=True)
T = sympy.Symbol("T", positive=True)

_IDX = {"0": 0, "x": 1, "y": 2, "z": 3}


def _op(n: int, items: dict[str, Any]) -> PauliOp:
    """PauliOp from {'xz': coeff} labels (site 1 first); '0' is the identity."""
    out = PauliOp(n, zero=sympy.S.Zero)
    for lab, coef in items.items():
        coef = sympy.sympify(coef)
        out._add(tuple(_IDX[ch] for ch in lab), coef, sympy.S.Zero)
    return out


def _rate_to_t(expr: sympy.Expr, temp: sympy.Symbol, tt: sympy.Symbol) -> sympy.Expr:
    r"""Rewrite :math:`e^{\pm 2h/T}` as :math:`((1\pm t)/(1\mp t))` with :math:`t = \tanh(h/T)`."""
    e = expr.subs(temp, h / sympy.atanh(tt))
    return sympy.simplify(sympy.simplify(e.rewrite(sympy.log)))


def _redfield(n: int, site: int, X: PauliOp, cc: Any, dd: Any, tt: sympy.Symbol
              ) -> Callable[[PauliOp], PauliOp]:
    r"""Eq. (7) for a coupling on ``site`` with H_e = h sigma^z_site: D rho = -[X, S rho] + h.c.

    S is built from the canonical bath ``weak_coupling_spectrum(c, d)`` at temperature T
    (:math:`\Xi(\omega) = \gamma(-\omega)/2`), Bohr frequencies 0, :math:`\pm 2h` read off the
    Pauli strings (sigma^+ raises the energy by 2h).
    """
    bath = Bath(weak_coupling_spectrum(cc, dd), T, "weak_coupling")

    def xi(w: sympy.Expr) -> sympy.Expr:
        return _rate_to_t(bath.rate_sym(-w), T, tt) / 2
    # decompose X on the site into sigma^z, sigma^+, sigma^- parts (Bohr 0, +2h, -2h for |p><q|)
    Sop = PauliOp(n, zero=sympy.S.Zero)
    for s, (re, im) in X.terms.items():
        p = s[site - 1]
        coef = re + sympy.I * im
        if p in (0, 3):
            Sop._add(s, *_split(xi(sympy.S.Zero) * coef))
        else:
            # sigma^x = s+ + s-, sigma^y = -i s+ + i s-;  s+ = |up><down|: E_p - E_q = 2h
            a_plus = coef * (1 if p == 1 else -sympy.I)
            a_minus = coef * (1 if p == 1 else sympy.I)
            ap, am = a_plus * xi(2 * h), a_minus * xi(-2 * h)
            # back to x, y: s+ = (x + i y)/2, s- = (x - i y)/2
            sx, sy = list(s), list(s)
            sx[site - 1], sy[site - 1] = 1, 2
            Sop._add(tuple(sx), *_split((ap + am) / 2))
            Sop._add(tuple(sy), *_split(sympy.I * (ap - am) / 2))

    def D(rho: PauliOp) -> PauliOp:
        SP = Sop * rho
        comm = X * SP - SP * X
        return (-(comm + comm.dagger())).map(sympy.simplify)
    D.S = Sop  # type: ignore[attr-defined]
    return D


def _split(z: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    z = sympy.expand(z)
    re = z.subs(sympy.I, 0)
    return sympy.simplify(re), sympy.simplify(sympy.expand((z - re) / sympy.I))


def single_spin_dissipator() -> dict[str, sympy.Expr]:
    r"""Derived :math:`S` (eq. B9) and :math:`\mathcal D\sigma_j` (eqs. B13--B16) for one spin.

    Coupling :math:`\sigma^{z'} = \sigma^z\cos\theta - \sigma^x\sin\theta` (eq. B1) to a bath
    ``weak_coupling_spectrum(c, d)`` at temperature :math:`T`, :math:`t = \tanh(h/T)`.
    Returns SymPy expressions keyed ``"S"``, ``"D sigma0"``, ``"D sigmax"``, ... (as
    combinations of the symbols ``sigma0, sigmax, sigmay, sigmaz``).
    """
    X = _op(1, {"z": C, "x": -S})
    D = _redfield(1, 1, X, c, d, t)
    sig = sympy.symbols("sigma0 sigmax sigmay sigmaz", commutative=False)
    out: dict[str, sympy.Expr] = {"S": _to_expr(D.S, sig)}  # type: ignore[attr-defined]
    for name, lab in (("sigma0", "0"), ("sigmax", "x"), ("sigmay", "y"), ("sigmaz", "z")):
        out[f"D {name}"] = _to_expr(D(_op(1, {lab: 1})), sig)
    return out


def _to_expr(op: PauliOp, sig: tuple) -> sympy.Expr:
    tot = sympy.S.Zero
    for s, (re, im) in op.terms.items():
        tot += sympy.factor(re + sympy.I * im) * sig[s[0]]
    return tot


def two_spin_projections() -> dict[str, Any]:
    r"""Derived eqs. (87)--(95), (102), (103) and (B18) for the two-spin tilted Ising model.

    Returns the coefficients of :math:`\mathcal P_0\mathcal L_{I,E}` on the basis of eq. (81),
    of :math:`\mathcal P_0\mathcal L_1\rho_{LE}\otimes\rho_{LE}`, the :math:`\rho^A` coefficient of
    the general solution of eq. (46), and of :math:`\mathcal P_1\mathcal L_2\rho_0` on
    :math:`\sigma^{zz}`, :math:`\sigma^{0z}+\sigma^{z0}`, :math:`\rho^{C'}`.
    """
    n = 2
    azz, axz, axx = C**2, -C * S, S**2
    HI = _op(n, {"zz": azz, "zx": axz, "xz": axz, "xx": axx})
    # mean field (B20): -cos(theta)(t_L sigma^z'_1 + t_R sigma^z'_2)
    HE = _op(n, {"z0": -C * tL * C, "x0": C * tL * S, "0z": -C * tR * C, "0x": C * tR * S})
    ap = axx  # alpha_+ = alpha_xx + alpha_yy
    dalpha = -C**2 * tL - (-C**2 * tR)  # alpha^z_L - alpha^z_R
    gamma = sympy.simplify(ap / dalpha)
    basis = {"s00": _op(n, {"00": 1}), "szz": _op(n, {"zz": 1}), "s0z+sz0": _op(n, {"0z": 1, "z0": 1}),
             "rhoA": _op(n, {"xx": 1, "yy": 1}), "rhoB": _op(n, {"xy": 1, "yx": -1}),
             "rhoC": _op(n, {"0z": 1, "z0": -1})}

    def comm(H: PauliOp) -> Callable[[PauliOp], PauliOp]:
        return lambda r: (H * r - r * H).scale(0, -1)

    def coords(op: PauliOp, names: list[str], base: dict[str, PauliOp]) -> dict[str, sympy.Expr]:
        """Orthogonal-projection coordinates of op on (mutually orthogonal) basis elements."""
        out = {}
        for nm in names:
            b = base[nm]
            num = sum((op.terms.get(s, (0, 0))[0] * re for s, (re, _) in b.terms.items()), sympy.S.Zero)
            den = sum((re**2 for _, (re, _) in b.terms.items()), sympy.S.Zero)
            val = sympy.simplify(num / den)
            if val != 0:
                out[nm] = val
        return out

    ker0 = ["s00", "szz", "s0z+sz0", "rhoA", "rhoB", "rhoC"]
    # Ker L0 also contains sigma^{0z}, sigma^{z0} separately: (s0z+sz0, rhoC) span them
    res: dict[str, Any] = {}
    LI, LE = comm(HI), comm(HE)
    for nm in ker0:
        res[f"P0 L_I {nm}"] = coords(LI(basis[nm]), ker0, basis)
        res[f"P0 L_E {nm}"] = coords(LE(basis[nm]), ker0, basis)
    # local-equilibrium product (100)
    rle = _op(n, {"00": sympy.Rational(1, 4), "zz": t1 * t2 / 4, "0z": -t2 / 4, "z0": -t1 / 4})
    L1 = comm(HI + HE)
    res["P0 L1 rhoLE x rhoLE"] = coords(L1(rle), ker0, basis)
    # general solution of P0 L1 rho = 0 (eq. 103): rho = rle + x rhoA + g szz, solve for x
    x = sympy.Symbol("x")
    cand = rle + basis["rhoA"].scale(x) + basis["szz"].scale(g)
    cc = coords(L1(cand), ker0, basis)
    sol = sympy.solve([v for v in cc.values()], x, dict=True)
    res["rhoA coefficient of rho_0"] = sympy.factor(sol[0][x]) if sol else None
    res["gamma"] = gamma
    # (B18): P1 L2 rho_0 on sigma^zz, s0z+sz0, rhoC' = rhoC - gamma rhoA
    rho0 = rle + basis["rhoA"].scale((t2 - t1) / 8 * gamma) + basis["szz"].scale(g)
    XL = _op(n, {"z0": C, "x0": -S})
    XR = _op(n, {"0z": C, "0x": -S})
    DL = _redfield(n, 1, XL, cL, dL, tL)
    DR = _redfield(n, 2, XR, cR, dR, tR)
    L2rho = DL(rho0) + DR(rho0)
    base1 = dict(basis)
    base1["rhoC'"] = basis["rhoC"] - basis["rhoA"].scale(gamma)
    res["P1 L2 rho0"] = coords(L2rho, ["s00", "szz", "s0z+sz0", "rhoC'"], base1)
    res["sign conventions"] = "rhoA = xx + yy, rhoB = xy - yx, rhoC = 0z - z0 (eqs. 79-83)"
    return res


def printed_forms() -> dict[str, Any]:
    """The paper's printed equations, typed in *only* for the errata comparison."""
    a, b = c * S, d * C
    aL, aR, bL, bR = cL * S, cR * S, dL * C, dR * C
    ap = S**2
    dalpha = -(tL - tR) * C**2
    gamma = ap / dalpha
    return {
        "_B": {"D sigma0": {"x": -2 * a * t * C, "z": -2 * a * t * S},
               "D sigmax": {"x": -2 * b * C, "z": 2 * b * S},
               "D sigmay": {"y": -2 * (b * C + a * S)},
               "D sigmaz": {"x": -2 * a * C, "z": -2 * a * S}},
        "(89) P0 L_I rhoB": {"rhoC": 2 * ap},
        "(90) P0 L_I rhoC": {"rhoB": -2 * ap},
        "(93) P0 L_E rhoA": {"rhoB": -2 * dalpha},
        "(94) P0 L_E rhoB": {"rhoA": 2 * dalpha},
        "(102) P0 L1 rhoLE x rhoLE": {"rhoB": (t2 - t1) / 4 * ap},
        "(103) rhoA coefficient": (t2 - t1) / 8 * gamma,
        "(B18)": {"szz": -S / 2 * (aL * (t1 - tL) * t2 + aR * (t2 - tR) * t1 + 4 * g * (aL + aR)),
                  "s0z+sz0": S / 4 * (aL * (t1 - tL) + aR * (t2 - tR)),
                  "rhoC'": 1 / (8 * (1 + gamma**2)) * (2 * S * (aR * (t2 - tR) - aL * (t1 - tL))
                                                       + gamma**2 * (t2 - t1) * (2 * (bL + bR) * C
                                                                                 + (aL + aR) * S))},
    }


def compare() -> list[tuple[str, str, str, bool]]:
    """Rows (equation, printed, derived, agree?) for Appendix B and Sect. IV B."""
    rows: list[tuple[str, str, str, bool]] = []
    pr = printed_forms()
    sd = single_spin_dissipator()
    sig = dict(zip("0xyz", sympy.symbols("sigma0 sigmax sigmay sigmaz", commutative=False)))
    for eq, key in (("(B13)", "D sigma0"), ("(B14)", "D sigmax"), ("(B15)", "D sigmay"), ("(B16)", "D sigmaz")):
        printed = sum((v * sig[k] for k, v in pr["_B"][key].items()), sympy.S.Zero)
        derived = sd[key]
        ok = sympy.simplify(sympy.expand(printed - derived)) == 0
        rows.append((f"{eq} {key}", str(printed), str(derived), ok))
    tp = two_spin_projections()
    for _eq, key, dkey in (("(89)", "(89) P0 L_I rhoB", "P0 L_I rhoB"), ("(90)", "(90) P0 L_I rhoC", "P0 L_I rhoC"),
                          ("(93)", "(93) P0 L_E rhoA", "P0 L_E rhoA"), ("(94)", "(94) P0 L_E rhoB", "P0 L_E rhoB"),
                          ("(102)", "(102) P0 L1 rhoLE x rhoLE", "P0 L1 rhoLE x rhoLE")):
        p, dv = pr[key], tp[dkey]
        ok = set(p) == set(dv) and all(sympy.simplify(p[k] - dv[k]) == 0 for k in p)
        rows.append((key, str(p), str(dv), ok))
    p, dv = pr["(103) rhoA coefficient"], tp["rhoA coefficient of rho_0"]
    rows.append(("(103) rhoA coefficient", str(p), str(dv), sympy.simplify(p - dv) == 0))
    p, dv = pr["(B18)"], tp["P1 L2 rho0"]
    for k in p:
        ok = sympy.simplify(p[k] - dv.get(k, 0)) == 0
        rows.append((f"(B18) {k}", str(sympy.factor(p[k])), str(sympy.factor(dv.get(k, 0))), ok))
    # (B23)-(B25) solved as printed vs the exact zeroth order derived by the hierarchy
    from .two_spin import t_L as tl2
    from .two_spin import t_R as tr2
    from .two_spin import zeroth_order_form
    aL, aR, bL, bR = cL * S, cR * S, dL * C, dR * C
    gam2 = (S**2 / ((tL - tR) * C**2)) ** 2
    eqs = [aL * (t1 - tL) * t2 + aR * (t2 - tR) * t1 + 4 * g * (aL + aR),
           aL * (t1 - tL) + aR * (t2 - tR),
           2 * S * (aR * (t2 - tR) - aL * (t1 - tL)) + gam2 * (t2 - t1) * (2 * (bL + bR) * C + (aL + aR) * S)]
    form = zeroth_order_form().expr
    theta_m = sympy.Symbol("theta", positive=True)
    pts = [{theta: 0.7, tL: 0.6, tR: 0.2, cL: 0.8, cR: 1.3, dL: 0.6, dR: 1.7},
           {theta: 1.1, tL: 0.9, tR: 0.5, cL: 1.0, cR: 0.4, dL: 2.0, dR: 0.3}]
    ok = {"t1": True, "t2": True, "g": True}
    for p in pts:
        num_eqs = [sympy.nsimplify(0) + e.subs(p) for e in eqs]
        sol = sympy.solve(num_eqs, [t1, t2, g], dict=True)[0]
        for k, sym in (("t1", t1), ("t2", t2), ("g", g)):
            derived = form[k].xreplace({tl2: tL, tr2: tR}).subs(theta_m, theta).subs(p)
            ok[k] &= abs(complex(sol[sym]) - complex(derived)) < 1e-12
    for k in ("t1", "t2", "g"):
        rows.append((f"(B23)-(B25) solved at two parameter points: {k}", "solution of the printed equations",
                     "zeroth_order_form()['" + k + "'] (hierarchy)", ok[k]))
    return rows


def main() -> int:
    """Print the comparison table (``python -m symness.hierarchy.appendix_b``)."""
    bad = 0
    for eq, printed, derived, ok in compare():
        print(f"{'ok  ' if ok else 'DIFF'} {eq}\n     printed: {printed}\n     derived: {derived}")
        bad += not ok
    print(f"{bad} difference(s)")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
