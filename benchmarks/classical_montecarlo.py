"""Kinetic Monte Carlo throughput (issue 8: 10^7 attempts "in seconds").

Times ``IsingRing.simulate(steps=10**7)`` for the three-spin ring, the seven-spin Q2R ring
of Fig. 5 and the seven-spin CCA ring of Fig. 8, and prints each against a reference
measured in the same run: drawing the 2 x 10^7 random numbers (site, uniform) the
simulation needs, i.e. the cost floor of any vectorised implementation.

Run from the repository root: ``python benchmarks/classical_montecarlo.py``.
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

STEPS = 10**7


def main() -> None:
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for _ in range(STEPS // 2**20 + 1):
        rng.integers(0, 7, size=2**20)
        rng.random(2**20)
    ref = time.perf_counter() - t0
    print(f"reference: 2 x 10^7 random numbers = {ref:.3f} s\n")
    cases = [("3 spins, Q2R", IsingRing(1, 0), (1.0, 1.0, 2.0, 1.0), {}),
             ("7 spins, Q2R (Fig. 5)", IsingRing(2, 3), (2.0, 1.9, 2.0, 0.1), {}),
             ("7 spins, CCA mu=4 (Fig. 8)", IsingRing(2, 3, bulk="cca", mu=4), (2.0, 1.0, 2.0, 0.1),
              {"cls": 0})]
    print(f"{'ring':28s} {'seconds':>8s} {'/ ref':>6s}  attempts/s   I_L +- stderr")
    for name, ring, args, kw in cases:
        res = ring.simulate(*args, steps=STEPS, seed=1, **kw)
        rate = (res.attempts + res.burn_in * res.walkers) / res.seconds
        print(f"{name:28s} {res.seconds:8.2f} {res.seconds / ref:6.1f}  {rate:10.3g}   "
              f"{res.currents['left']:.5g} +- {res.stderr['left']:.2g}")


if __name__ == "__main__":
    main()
