"""Redfield NESS of XXZ rings, N = 4..12, half-filling sector: time, peak memory, Krylov iterations.

Target (issue 3): N = 12 (sector dimension 924, Liouvillian 853,776) in < 60 s and < 8 GB
on a 2-core machine.  Each N runs in a fresh subprocess so that its peak resident memory
is its own.  As a same-run reference the table also gives the time of one dense
eigendecomposition of the sector Hamiltonian (``eigh``) and the ratio to it.

Ring: J = 1, Delta = 1.5, fields h_2 = 2, h_3 = 1, contacts (1, N//2 + 1), sigma^z couplings,
ring4 baths (T_L = 2, T_R = 1, gamma = 0.01, cutoff = 10).

    python benchmarks/open_scaling.py [--nmax 12] [--nmin 4]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _memory import peak_memory_mb  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


def one(N: int) -> dict:
    import numpy as np

    from symness.models import xxz_ring
    from symness.open import OpenSystem, redfield_ness

    ring = xxz_ring(n=N, J=1.0, Delta=1.5, fields={2: 2.0, 3: 1.0}, contacts=(1, N // 2 + 1))
    t0 = time.perf_counter()
    system = OpenSystem.from_model(ring)
    ness = redfield_ness(system, up_spins=N // 2)
    total = time.perf_counter() - t0
    H = ness.space.H
    t1 = time.perf_counter()
    np.linalg.eigh(H)
    t_eigh = time.perf_counter() - t1
    J = ness.bath_heat_currents()
    return {"N": N, "dim": ness.space.dim, "seconds": total, "eigh": t_eigh,
            "iterations": ness.info.get("iterations", 0), "method": ness.info["method"],
            "residual": ness.residual, "jL": J["L"], "balance": abs(J["L"] + J["R"]) / abs(J["L"]),
            "maxrss_MB": peak_memory_mb()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nmin", type=int, default=4)
    ap.add_argument("--nmax", type=int, default=12)
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one)))
        return
    print(f"{'N':>3} {'dim':>5} {'d^2':>9} {'method':>7} {'iter':>5} {'time [s]':>9} {'eigh [s]':>9} "
          f"{'ratio':>7} {'peak MB':>8} {'|L rho|':>9} {'j_L':>11} {'|jL+jR|/jL':>10}")
    for N in range(args.nmin, args.nmax + 1):
        out = subprocess.run([sys.executable, __file__, "--one", str(N)], capture_output=True, text=True,
                             check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['N']:>3} {r['dim']:>5} {r['dim']**2:>9} {r['method']:>7} {r['iterations']:>5} "
              f"{r['seconds']:>9.3f} {r['eigh']:>9.4f} {r['seconds'] / max(r['eigh'], 1e-9):>7.0f} "
              f"{r['maxrss_MB']:>8.0f} {r['residual']:>9.1e} {r['jL']:>11.4e} {r['balance']:>10.1e}",
              flush=True)
    print("target: N = 12 in < 60 s and < 8 GB (2 cores)")


if __name__ == "__main__":
    main()
