"""Redfield NESS of an XXZ ring, N = 5, sigma^x bath couplings (unique NESS, Liouvillian 1024 x 1024).

Target (issue 3): symness >= 100x faster than QuTiP's
``bloch_redfield_tensor(..., sec_cutoff=-1)`` + ``steadystate``, same steady state to 1e-8.
Both are timed in this run (best of ``--repeat``); the ratio is what matters.

    python benchmarks/open_qutip_ratio.py [--repeat 3]
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


def best(f, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ring = xxz_ring(n=5, J=1.0, Delta=1.3, fields={2: 0.7, 3: 0.3}, contacts=(1, 3), coupling="x")
    system = OpenSystem.from_model(ring)
    n = 5
    dims = [[2] * n, [2] * n]
    H = qt.Qobj(np.asarray(system.H.todense() if hasattr(system.H, "todense") else system.H), dims=dims)
    a_ops = []
    for c in system.couplings:
        op = np.asarray(c.op.todense() if hasattr(c.op, "todense") else c.op)
        a_ops.append([qt.Qobj(op, dims=dims), (lambda b: (lambda w: float(b.rate(w))))(c.bath)])

    def qutip_run():
        R = qt.bloch_redfield_tensor(H, a_ops, sec_cutoff=-1, fock_basis=True)
        return qt.steadystate(R).full()

    def symness_run():
        return redfield_ness(OpenSystem.from_model(ring)).rho

    symness_run()  # warm-up (imports, model compilation)
    t_s, rho_s = best(symness_run, max(args.repeat, 5))
    t_q, rho_q = best(qutip_run, args.repeat)
    diff = float(np.max(np.abs(rho_s - rho_q)))
    print(f"N = 5 XXZ ring, sigma^x couplings, Liouvillian {4**n} x {4**n}")
    print(f"  QuTiP bloch_redfield_tensor(sec_cutoff=-1) + steadystate : {t_q * 1e3:9.1f} ms")
    print(f"  symness redfield_ness (model -> NESS)                    : {t_s * 1e3:9.1f} ms")
    print(f"  speed-up {t_q / t_s:7.1f}x   (target >= 100x)")
    print(f"  max |rho_symness - rho_qutip| = {diff:.2e}   (target <= 1e-8)")


if __name__ == "__main__":
    main()
