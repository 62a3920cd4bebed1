"""Numeric throughput of the coupled-qubit closed forms vs the numeric Davies solver (same run).

``coupled_qubits`` evaluated on arrays (vectorised closed form with stable Bose
functions) against ``symness.open.davies_ness`` called point by point on the
same model, over a lambda sweep.  Also checks that both agree to 1e-12.

    python benchmarks/kernels_numeric.py [--points 100000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from symness.kernels import coupled_qubits  # noqa: E402
from symness.models import coupled_qubits_model  # noqa: E402
from symness.open import davies_ness  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=100_000)
    ap.add_argument("--solver-points", type=int, default=200)
    args = ap.parse_args()
    coupled_qubits(1.0, 0.6, 0.2, 1.0, 0.5, 0.01, 0.02)  # derive + lambdify once (not timed)
    lam = np.linspace(0.0, 0.7, args.points)
    t0 = time.perf_counter()
    r = coupled_qubits(1.0, 0.6, lam, 1.0, 0.5, 0.01, 0.02)
    t_closed = (time.perf_counter() - t0) / args.points
    model = coupled_qubits_model(g_A=0.01, g_B=0.02)
    idx = np.linspace(0, args.points - 1, args.solver_points).astype(int)
    t0 = time.perf_counter()
    worst = 0.0
    for i in idx:
        n = davies_ness(model, omega_1=1.0, omega_2=0.6, **{"lambda": float(lam[i])}, T_A=1.0, T_B=0.5)
        q = n.bath_heat_currents()["A"]
        if lam[i] >= 0.01:  # below, the solver's tr(H D rho) loses digits to cancellation (q ~ lambda^2)
            worst = max(worst, abs(r.heat_currents["A"][i] - q) / abs(q))
    t_solver = (time.perf_counter() - t0) / len(idx)
    print(f"closed form : {t_closed * 1e6:9.2f} us/point ({args.points} points, vectorised)")
    print(f"Davies NESS : {t_solver * 1e6:9.2f} us/point ({len(idx)} points)")
    print(f"ratio solver/closed form = {t_solver / t_closed:8.0f}; max relative difference (lambda >= 0.01) "
          f"{worst:.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
