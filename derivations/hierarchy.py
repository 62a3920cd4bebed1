"""Derivation script: the weak-coupling hierarchy for the two-spin tilted Ising model (LaTeX on stdout).

Paper: weak_coupling (Ishida & Sugita), Sect. IV B, Appendix B.

Run from the repository root::

    python derivations/hierarchy.py              # rho_0 closed forms, K form, lambda^2 currents
    python derivations/hierarchy.py --first-order  # also rho_1 and the lambda^3 currents (~5 s)
    python derivations/hierarchy.py --second-order # also rho_2, every parameter symbolic (~15 s)

Every expression is derived by ``symness.hierarchy`` from ``symness.models.tilted_ising``
(projections P0, P1, Q0, Q1 of eqs. 29-40, eqs. 45-67), nothing is transcribed.
"""

from __future__ import annotations

import sys
import time

import sympy

from symness.hierarchy import SymbolicHierarchy, current_forms, small_bias_form, zeroth_order_form
from symness.hierarchy.pauli import string_label
from symness.hierarchy.two_spin import (
    _homogenize,
    first_order_coefficients,
    second_order_coefficients,
    two_spin_hierarchy,
)


def main(argv: list[str]) -> int:
    t0 = time.perf_counter()
    sh: SymbolicHierarchy = two_spin_hierarchy()
    print("% field generators:", ", ".join(map(str, sh.gens)))
    cond = _homogenize(sh.conditions()[0])
    print("% non-degeneracy condition (Q1 L1 Q1 invertible, det != 0):", cond)
    print("% eq. (44) P1 L1 (Q0 L0 Q0)^-1 L1 P1 = 0 exactly:", sh.eq44().to_dok() == {})
    print("\\section*{Zeroth order (eqs. 103, B23--B25)}")
    print(zeroth_order_form().latex_block())
    print("\\section*{Identical baths: the K form (eqs. 111--114)}")
    print(small_bias_form().latex_block())
    print("\\section*{Currents at order $\\lambda^2$}")
    print(current_forms((2,)).latex_block())
    if "--first-order" in argv:
        print("\\section*{First order $\\rho_1$ (eqs. 64--67), Pauli coefficients}")
        for k, v in first_order_coefficients().items():
            print(f"$r_{{{k}}} = {sympy.latex(v)}$\\\\")
        print("\\section*{Currents at order $\\lambda^3$}")
        print(current_forms((3,)).latex_block())
    if "--second-order" in argv:
        print("\\section*{Second order $\\rho_2$ (eqs. 52, 55, 62--63), every parameter symbolic}")
        v = sh.rho_vec(2)
        dens = {sympy.latex(sh.fraction_expr(sh.ring.one, v.entry_factored(i)[1])) for i in v.num}
        print("% common denominators:", "; ".join(sorted(dens)))
        coeffs = second_order_coefficients()
        for i in sorted(v.num):
            k = string_label(sh.basis[i])
            n = len(v.entry(i)[0])
            if n <= 40:
                print(f"$r_{{{k}}} = {sympy.latex(coeffs[k])}$\\\\")
            else:
                print(f"$r_{{{k}}}$: numerator of {n} terms\\\\")
    print(f"% derived in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
