"""Classical Ising rings between two baths (magnification paper, Sec. II): every closed form, as LaTeX.

Run from the repository root::

    python derivations/classical.py            # LaTeX of every closed form to stdout
    python derivations/classical.py --errata   # the paper's printed equations vs the derivation

Every block is derived by symness from the model of ``symness/models/ising.py``
(the Hamiltonian of eq. 17, written once) through :class:`symness.classical.IsingRing`:
the master equation (4) with Metropolis nodes (5) and Q2R bulk (10), its exact
stationary state by fraction-free elimination over polynomials in the
Metropolis factors, and the currents of eqs. (6), (9).  The ``--errata`` mode
types in the paper's *printed* formulas only to compare them with the
derivation (they are never used to test the code).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sympy  # noqa: E402

from symness.classical import IsingRing  # noqa: E402
from symness.classical import closedforms as cf  # noqa: E402


def blocks() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    t = time.perf_counter()
    out.append(("three-spin ring: stationary state, eqs. (11)-(13)", cf.three_spin_stationary().latex_block()))
    out.append(("three-spin ring, equal J: currents, eqs. (14)-(15) (paper normalisation)",
                cf.three_spin_equal("paper").latex_block()))
    out.append(("three-spin ring, equal J: currents, eqs. (6), (9) read literally",
                cf.three_spin_equal("literal").latex_block()))
    big = cf.three_spin_large_TL("paper")
    out.append(("three-spin ring: T_L -> infinity, eq. (16)", big["limit_compact"].latex_block()))
    out.append(("three-spin ring: 1/T_L correction to eq. (16)", big["slope_compact"].latex_block()))
    for case in ("J_U>J_D", "J_U<J_D"):
        out.append((f"three-spin ring, unequal couplings ({case})", cf.three_spin_unequal(case).latex_block()))
    out.append(("three-spin ring: no current magnification (proof)", cf.three_spin_magnification().latex()))
    four = cf.four_spin_unequal("J_U>J_D")
    out.append((f"four-spin ring N_U = N_D = 1, J_U > J_D ({four.size['terms in Z']} terms in Z, "
                f"{four.size['operations']} operations, {four.seconds:.2f} s)", four.latex_block()))
    out.append(("Ohm's law for equal couplings, any N_U, N_D", cf.branch_ratio().latex_block()))
    out.append(("timing", f"% all derivations: {time.perf_counter() - t:.2f} s"))
    return out


# ---------------------------------------------------------------------------- errata
J, bL, bR = sympy.symbols("J beta_L beta_R", positive=True)


def printed() -> dict[str, sympy.Expr]:
    """The paper's printed eqs. (12)-(16), in beta = 1/T (typed in for comparison only)."""
    D1 = 2 * sympy.exp(2 * J * (bR + bL)) * (3 * sympy.cosh(2 * J * (bR - bL)) + sympy.exp(2 * J * (bL + bR)))
    D = 3 * sympy.cosh(2 * J * (bR - bL)) + sympy.exp(2 * J * (bL + bR))
    eL, eR = sympy.exp(4 * J * bL), sympy.exp(4 * J * bR)
    s = sympy.sinh(2 * J * (bR - bL))
    Pddd = eL * eR / D1
    Pudd = (3 * eL + 5 * eR) / (8 * D1)
    return {
        "(12) P(ddd)": Pddd, "(12) P(udd)": Pudd, "(12) P(dud)": (eL + eR) / (2 * D1),
        "(12) P(uud)": (5 * eL + 3 * eR) / (8 * D1),
        "(14) I_L first form": sympy.Rational(8, 3) * J * (sympy.exp(-4 * J * bL) * Pddd - Pudd),
        "(14) I_L": J * s / D, "(15) I_U": J / 3 * s / D, "(15) I_D": -2 * J / 3 * s / D,
        "(16) I_L": J * sympy.sinh(2 * J * bR) / (3 * sympy.cosh(2 * J * bR) + sympy.exp(2 * J * bR)),
    }


def errata() -> int:
    ring = IsingRing(1, 0)
    T_L, T_R = cf.T_L, cf.T_R
    P = ring.stationary(J, J, T_L, T_R)
    paper_I = ring.heat_currents(J, J, T_L, T_R, normalization="paper")
    literal_I = ring.heat_currents(J, J, T_L, T_R, normalization="literal")
    lim_paper = cf.three_spin_large_TL("paper")["limit"].expr
    derived = {
        "(12) P(ddd)": P[0], "(12) P(udd)": P[1], "(12) P(dud)": P[2], "(12) P(uud)": P[3],
        "(14) I_L first form": paper_I["left"], "(14) I_L": paper_I["left"],
        "(15) I_U": paper_I["upper"], "(15) I_D": paper_I["lower"], "(16) I_L": lim_paper["I_L"],
    }
    to_beta = {T_L: 1 / bL, T_R: 1 / bR}
    pts = [{J: 1, bL: sympy.Rational(1, 2), bR: 1}, {J: sympy.Rational(3, 2), bL: sympy.Rational(1, 7),
                                                      bR: sympy.Rational(5, 3)}]
    bad = 0
    print(f"{'equation':24s} {'printed':>22s} {'derived':>22s}  verdict")
    for key, pe in printed().items():
        de = derived[key].subs(to_beta)
        for pt in pts:
            pv = sympy.N(pe.subs(pt), 30)
            if key.startswith("(16)"):
                dv = sympy.N(de.subs({**pt, bL: 0}), 30) if de.has(bL) else sympy.N(de.subs(pt), 30)
            else:
                dv = sympy.N(de.subs(pt), 30)
            ok = abs(pv - dv) <= 1e-25 * max(abs(dv), 1)
            bad += not ok
            print(f"{key:24s} {float(pv):22.15g} {float(dv):22.15g}  {'agrees' if ok else 'DIFFERS'}")
    # normalisation: eqs. (6), (9) read literally vs the printed currents
    print("\nEqs. (6), (9) literally (rates of eq. 5, each pair (eta, eta^i) once) vs printed (14)-(15):")
    for key, k in (("I_L", "left"), ("I_U", "upper"), ("I_D", "lower")):
        ratio = sympy.simplify(literal_I[k] / paper_I[k])
        print(f"  {key}: literal / printed = {ratio}  (= N_S: the printed currents are per update attempt)")
    # Sec. II F: "no CM when the two nodal spins are directly connected"
    print("\nSec. II F text: nodal spins directly connected (N_D = 0):")
    for nu, args in ((1, None), (2, (1.9, 2.0, 2.0, 0.1)), (3, (1.0, 2.0, 2.0, 0.3))):
        if args is None:
            print(f"  N_U = {nu}: {cf.three_spin_magnification().statement}")
            continue
        reg = IsingRing(nu, 0).classify(*args)
        mc = IsingRing(nu, 0).simulate(*args, steps=4 * 10**6, seed=1)
        print(f"  N_U = {nu}, (J_U, J_D, T_L, T_R) = {args}: {reg}; I = "
              + ", ".join(f"{k}={v:.5g}" for k, v in reg.currents.items())
              + "; Monte Carlo: " + ", ".join(f"{k}={mc.currents[k]:.5g}+-{mc.stderr[k]:.1g}"
                                             for k in ("upper", "lower")))
    # Sec. II D: "nonmonotonic functions of the temperature difference"
    xL, xR = sympy.symbols("x_L x_R", positive=True)
    IL = cf.three_spin_equal().compact.expr["I_L"]
    print("\nSec. II D text ('nonmonotonic'): dI_L/dx_L =", sympy.factor(sympy.diff(IL, xL)),
          "> 0 with x_L = exp(-4J/T_L) increasing in T_L: I_L is monotonic in T_L.")
    # Fig. 7: four-spin ring at J_2 = 1.9
    I = IsingRing(1, 1).heat_currents(2.0, 1.9, 2.0, 0.1)
    print("\nFig. 7 default point (N_U = N_D = 1, J_1 = 2, J_2 = 1.9, T_L = 2, T_R = 0.1):",
          ", ".join(f"{k}={v:.5g}" for k, v in I.items()), "-> parallel (I_U I_D < 0), not circulating.")
    print(f"\n{bad} printed equation values differ from the derivation.")
    return bad


def main(argv: list[str]) -> int:
    if "--errata" in argv:
        return 1 if errata() else 0
    for title, body in blocks():
        print(f"% ---- {title}")
        print(body)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
