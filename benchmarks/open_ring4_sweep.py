"""ring4: a 200-point Delta sweep of the Redfield NESS in the two-up-spin sector.

Target (issue 3): < 2 s.  Same-run reference: QuTiP's bloch_redfield_tensor + steadystate
on the same sector Hamiltonian for a subset of the points (per-point time, ratio).

    python benchmarks/open_ring4_sweep.py [--points 200] [--ref-points 10]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import qutip as qt  # noqa: E402

from symness.models import xxz_ring  # noqa: E402
from symness.open import OpenSystem, redfield_ness  # noqa: E402
from symness.sweep import sweep  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=200)
    ap.add_argument("--ref-points", type=int, default=10)
    args = ap.parse_args()
    ring = xxz_ring(n=4, J=1.0, Delta=0.0, fields={2: 2.0, 3: 1.0}, contacts=(1, 3))
    deltas = np.linspace(-3, 3, args.points)
    redfield_ness(ring, up_spins=2)  # warm-up: imports and model compilation

    def point(Delta):
        ness = redfield_ness(ring, up_spins=2, Delta=Delta)
        return ness.bath_heat_currents()["L"], ness.bond_heat_current(2), ness.bond_heat_current(4), \
            ness.spin_current(), ness.ergotropy()

    t0 = time.perf_counter()
    res = sweep(point, {"Delta": deltas}, progress=False)
    t_sweep = time.perf_counter() - t0
    jL = res.array()[:, 0]

    # reference: QuTiP on the same sector problem
    ref = deltas[:: max(1, args.points // args.ref_points)][: args.ref_points]
    t1 = time.perf_counter()
    for D in ref:
        system = OpenSystem.from_model(ring, Delta=D)
        sp_ = system.space(2)
        H = qt.Qobj(sp_.H)
        a_ops = [[qt.Qobj(sp_.restrict(c.op)), (lambda b: (lambda w: float(b.rate(w))))(c.bath)]
                 for c in system.couplings]
        qt.steadystate(qt.bloch_redfield_tensor(H, a_ops, sec_cutoff=-1, fock_basis=True))
    t_ref = (time.perf_counter() - t1) / len(ref)
    per = t_sweep / len(deltas)
    print(f"ring4 two-up-spin sector, {len(deltas)}-point Delta sweep (NESS + j_L, j_2, j_4, j_S, ergotropy)")
    print(f"  symness: {t_sweep:.3f} s total, {per * 1e3:.2f} ms/point   (target < 2 s)")
    print(f"  QuTiP bloch_redfield_tensor + steadystate: {t_ref * 1e3:.1f} ms/point  -> ratio {t_ref / per:.0f}x")
    print(f"  min j_L at Delta = {deltas[np.argmin(jL)]:.3f}")


if __name__ == "__main__":
    main()
