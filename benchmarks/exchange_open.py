"""Benchmark: the open cold-atom chain (N = 7), magnon-block propagation vs the full space.

Prints the wall time of Fig. 5-type dynamics and of one steady state of the
pumped chain with :class:`symness.exchange.open_chain.MagnonBlocks` and the
ratio against :func:`symness.open.evolve` on the full 16384-dimensional
Liouville space, measured in the same run (same results to 1e-12).

Run: ``python benchmarks/exchange_open.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from symness.exchange import linear_profile  # noqa: E402
from symness.exchange.open_chain import open_quench, steady_state  # noqa: E402


def main() -> None:
    a = linear_profile(7, 0.0, 2.0)
    t = np.linspace(0, 10, 21)
    t0 = time.perf_counter()
    rb = open_quench(a, "↑↑↑↓↑↑↑", t, gamma=3.102)
    tb = time.perf_counter() - t0
    t0 = time.perf_counter()
    rf = open_quench(a, "↑↑↑↓↑↑↑", t, gamma=3.102, method="evolve")
    tf = time.perf_counter() - t0
    err = float(np.max(np.abs(rb.states - rf.states)))
    t0 = time.perf_counter()
    s = steady_state(a, gamma=3.102, gamma_I=0.620)
    ts = time.perf_counter() - t0
    print("open exchange chain, N = 7 (Liouville space 16384, magnon blocks 3432)")
    print(f"  Fig. 5 dynamics, 21 times : blocks {tb:6.2f} s, full evolve {tf:6.2f} s, ratio {tb / tf:.2f}"
          f" (max |drho| = {err:.1e})")
    print(f"  pumped steady state       : {ts:6.2f} s (residual {s.residual:.1e}, j = {s.current_paper:.6f})")


if __name__ == "__main__":
    main()
