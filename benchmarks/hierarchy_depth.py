"""Depth of the symbolic two-spin hierarchy (issue 12), as ratios to references measured in this run.

Targets (two spins, every parameter symbolic: theta, h, t_L, t_R, c_L, c_R, d_L, d_R):
rho_1 < 10 s and rho_0..rho_2 < 120 s, from building the hierarchy to SymPy expressions.

References, measured here:

* the *field route*: the same recursion (eqs. 52, 55, 62-63) with SymPy's ``DomainMatrix`` over
  the rational-function field ``QQ(gens)`` -- the arithmetic of the hierarchy before python-flint --
  for rho_1 with the bath parameters numeric (c = d = 1; all symbolic it takes minutes, run it
  with ``--full-reference``);
* the numeric hierarchy (``Hierarchy(tilted_ising(2), ...).series(2)``) at one point.

Run from the repository root: ``python benchmarks/hierarchy_depth.py [--full-reference]``.
"""

from __future__ import annotations

import sys
import time
from typing import Any


def timed(f: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def field_route(sh: Any, order: int) -> list[Any]:
    """rho_0..rho_order with DomainMatrix products over SymPy's fraction field (the reference)."""
    from sympy.polys.matrices import DomainMatrix
    K, D = sh.K, sh.D
    Z = DomainMatrix({}, (D, D), K)
    M = {j: sh.M.get(j, Z) for j in range(order + 3)}
    core_inv = (sh.B1 * M[1] * sh.B1.transpose()).to_dense().inv().to_sparse()
    rhos = [sh._g0]
    for m in range(1, order + 1):
        q0 = DomainMatrix({}, (D, 1), K)
        for n in range(1, m + 1):
            q0 = q0 - sh.R0 * (M[n] * rhos[m - n])
        rhs = M[1] * q0
        for n in range(2, m + 2):
            rhs = rhs + M[n] * rhos[m + 1 - n]
        y = q0 - sh.B1.transpose() * (core_inv * (sh.B1 * rhs))
        b = sh.N1 * (M[1] * (sh.R0 * (M[1] * y))) - sh.N1 * (M[2] * y)
        for n in range(2, m + 2):
            r = rhos[m + 1 - n]
            b = b + sh.N1 * (M[1] * (sh.R0 * (M[n] * r))) - sh.N1 * (M[n + 1] * r)
        rhos.append(y + sh._Gdm * b)
    return rhos


def main(argv: list[str]) -> int:
    import numpy as np

    from symness.hierarchy import Hierarchy, SymbolicHierarchy
    from symness.models import tilted_ising

    point = dict(theta=0.7, T_L=1.3, T_R=0.45, h=1.2, c_L=0.8, c_R=1.3, d_L=0.6, d_R=1.7)
    # ---- references
    t_num, _ = timed(lambda: [Hierarchy(tilted_ising(2), **point).series(2) for _ in range(10)])
    t_num /= 10
    numeric_cd = {"c_L": 1, "c_R": 1, "d_L": 1, "d_R": 1}
    sh_ref = SymbolicHierarchy(tilted_ising(2), values=numeric_cd)
    t_field, _ = timed(lambda: field_route(sh_ref, 1))
    sh_cd = SymbolicHierarchy(tilted_ising(2), values=numeric_cd)
    t_flint_cd, _ = timed(lambda: sh_cd.rho_vec(1))
    print("references (same run):")
    print(f"  numeric hierarchy rho_0..rho_2 at one point: {t_num * 1e3:.1f} ms")
    print(f"  field route (SymPy QQ(gens) DomainMatrix), rho_1 with c = d = 1: {t_field:.2f} s; the flint "
          f"route on the same: {t_flint_cd:.2f} s -> {t_field / t_flint_cd:.1f}x faster")
    # ---- every parameter symbolic
    t_setup, sh = timed(lambda: SymbolicHierarchy(tilted_ising(2)))
    assert {str(g) for g in sh.gens} == {"C_theta", "h", "t_L", "t_R", "c_L", "c_R", "d_L", "d_R"}
    t_r0, _ = timed(lambda: sh.rho_vec(0))
    t_r1, _ = timed(lambda: sh.rho_vec(1))
    t_c1, _ = timed(lambda: sh.coefficients(1))
    rho1 = t_setup + t_r0 + t_r1 + t_c1
    t_r2, v2 = timed(lambda: sh.rho_vec(2))
    t_c2, _ = timed(lambda: sh.coefficients(2))
    t_c0, _ = timed(lambda: sh.coefficients(0))
    total = rho1 + t_r2 + t_c2 + t_c0
    t_ev, r2 = timed(lambda: sh.evaluate(2, point))
    err = float(np.abs(r2 - Hierarchy(tilted_ising(2), **point).rho(2)).max())
    terms = max(len(v2.entry(i)[0]) for i in v2.num)
    print("two spins, every parameter symbolic (theta, h, t_L, t_R, c_L, c_R, d_L, d_R):")
    print(f"  set-up (projections in SymPy's field): {t_setup:.2f} s")
    print(f"  rho_1: set-up + rho_0, rho_1 {t_r0 + t_r1:.2f} s + SymPy expressions {t_c1:.2f} s = {rho1:.1f} s "
          f"(target < 10 s: {'ok' if rho1 < 10 else 'MISSED'}); ratio to the c = d = 1 field route "
          f"{rho1 / t_field:.1f}")
    print(f"  rho_0..rho_2: rho_2 {t_r2:.2f} s (numerators up to {terms} terms) + SymPy expressions "
          f"{t_c2:.1f} s; total {total:.1f} s (target < 120 s: {'ok' if total < 120 else 'MISSED'}); ratio to "
          f"the numeric hierarchy at one point {total / t_num:.0f}")
    print(f"  exact evaluation of rho_2 at a point: {t_ev:.2f} s; max |symbolic - numeric| = {err:.1e}")
    if "--full-reference" in argv:
        sh_full = SymbolicHierarchy(tilted_ising(2))
        t_full, _ = timed(lambda: field_route(sh_full, 1))
        print(f"  field route, rho_1 all symbolic: {t_full:.1f} s -> flint rho_0 + rho_1 "
              f"{t_full / (t_r0 + t_r1):.0f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
