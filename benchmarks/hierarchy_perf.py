"""Performance of the weak-coupling hierarchy (issue 7 targets), as ratios to references in this run.

Targets: two-spin rho_1 with symbolic theta and bath parameters < 60 s; N = 8 zeroth-order
state numerically < 30 s.  References measured in the same run: a dense 256 x 256 complex
eigen-decomposition repeated 20 times (numeric) and the symbolic rho_0 (symbolic).

Run from the repository root: ``python benchmarks/hierarchy_perf.py [--no-symbolic]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def main(argv: list[str]) -> int:
    from symness.hierarchy import Hierarchy
    from symness.models import tilted_ising

    rng = np.random.default_rng(0)
    A = rng.normal(size=(256, 256)) + 1j * rng.normal(size=(256, 256))
    A = A + A.conj().T
    t_ref, _ = timed(lambda: [np.linalg.eigh(A) for _ in range(20)])
    t8, rho = timed(lambda: Hierarchy(tilted_ising(8)).rho(0))
    print(f"N=8 rho_0 numerically: {t8:.2f} s (target < 30 s: {'ok' if t8 < 30 else 'MISSED'}); "
          f"ratio to reference (20 dense 256x256 eigh = {t_ref:.2f} s): {t8 / t_ref:.1f}")
    t8b, _ = timed(lambda: Hierarchy(tilted_ising(8)).series(2))
    print(f"N=8 rho_0..rho_2 numerically: {t8b:.2f} s; ratio {t8b / t_ref:.1f}")
    if "--no-symbolic" not in argv:
        from symness.hierarchy import SymbolicHierarchy
        sh = SymbolicHierarchy(tilted_ising(2))
        t0, _ = timed(lambda: sh.rho_vec(0))
        t1, _ = timed(lambda: sh.rho_vec(1))
        tc, c1 = timed(lambda: sh.coefficients(1))
        ops = sum(int(sympy_count(v)) for v in c1.values())
        total = t1 + tc
        print(f"two-spin rho_1, symbolic theta, t_L, t_R, c_L, c_R, d_L, d_R, h: {total:.1f} s "
              f"(target < 60 s: {'ok' if total < 60 else 'MISSED'}); {ops} SymPy operations; ratio to "
              f"symbolic rho_0 ({t0:.2f} s): {total / max(t0, 1e-3):.0f}")
    return 0


def sympy_count(e) -> int:
    import sympy
    return sympy.count_ops(e)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
