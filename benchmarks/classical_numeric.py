"""Numeric stationary state of 16-spin Q2R rings (issue 8 target: < 5 s), with accuracy.

For N_S = 16 (65536 configurations, 32768 after the spin-flip lumping) at the paper's
parameter points, times ``IsingRing.heat_currents`` (transitions, classes, Krylov solve,
currents) from a fresh ring object, and prints it against a reference measured in the
same run: 1000 products of the same sparse generator with a vector (machine speed).
The 12-spin ring is also solved by sparse LU to show the Krylov accuracy.

Run from the repository root: ``python benchmarks/classical_numeric.py``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# Multi-threaded OpenBLAS dot products on an oversubscribed machine make the Krylov solves
# 10x slower; one BLAS thread is the right setting for these vector sizes (override by
# exporting OPENBLAS_NUM_THREADS).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symness.classical import IsingRing  # noqa: E402

POINTS = [(2.0, 1.9, 2.0, 0.1), (1.0, 1.0, 2.0, 1.0), (2.0, 1.0, 0.3, 0.05), (1.0, 1.0, 10.0, 1.0)]


def main() -> None:
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    ref_ring = IsingRing(7, 7)
    W = ref_ring.generator(*POINTS[0])
    v = np.ones(W.shape[0])
    t0 = time.perf_counter()
    for _ in range(1000):
        W @ v
    ref = time.perf_counter() - t0
    print(f"reference: 1000 sparse mat-vecs of the 16-spin generator = {ref:.3f} s\n")
    print(f"{'ring':10s} {'(J_U, J_D, T_L, T_R)':24s} {'seconds':>8s} {'/ ref':>7s}  I_L")
    worst = 0.0
    for nu, nd in ((7, 7), (14, 0), (0, 14), (3, 11)):
        for pt in POINTS:
            ring = IsingRing(nu, nd)
            t0 = time.perf_counter()
            I = ring.heat_currents(*pt)
            dt = time.perf_counter() - t0
            worst = max(worst, dt)
            print(f"({nu}, {nd}){'':4s} {str(pt):24s} {dt:8.2f} {dt / ref:7.1f}  {I['left']:.6g}")
    print(f"\nslowest 16-spin solve: {worst:.2f} s (target < 5 s)")
    ring = IsingRing(5, 5)
    for pt in POINTS:
        a = ring.heat_currents(*pt, method="lu")
        b = ring.heat_currents(*pt, method="krylov")
        err = max(abs(a[k] - b[k]) / abs(a[k]) for k in a)
        print(f"12 spins {pt}: Krylov vs LU, max relative current difference {err:.1e}")


if __name__ == "__main__":
    main()
