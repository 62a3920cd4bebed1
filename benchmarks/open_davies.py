"""Davies steady state of XXZ rings, N = 8..12, half filling: the Pauli block vs the full secular matrix.

Reference, measured in the same run: the solver on main before this change -- per-pair rate
matrices of every channel (``symness.open.channels.channels``), the full d^2 x d^2 sparse secular
generator, its connected components, and the unblocked Grassmann-Taksar-Heyman reduction of the
population block (``reference`` below reproduces that path step by step).  New:
``davies_ness`` (the zero-frequency block built directly from the channels, closed classes,
blocked GTH).  Both start from a fresh ``OpenSystem`` (the Hamiltonian's eigendecomposition is
included in both times).  Each N runs in a fresh subprocess (peak memory of the new path).

Ring: J = 1, Delta = 1.5, fields h_2 = 2, h_3 = 1, contacts (1, N//2 + 1), sigma^z couplings,
ring4 baths (T_L = 2, T_R = 1, gamma = 0.01, cutoff = 10) -- as in ``open_scaling.py``.

    OPENBLAS_NUM_THREADS=1 python benchmarks/open_davies.py [--nmin 8] [--nmax 12]

Target (follow-up of issue 3): N = 12 (d = 924) in < 2 s.
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

import numpy as np  # noqa: E402
from _memory import peak_memory_mb  # noqa: E402  (benchmarks/ is on sys.path when run as a script)


def plain_gth(Q: np.ndarray) -> np.ndarray:
    """The unblocked GTH reduction as it was on main."""
    Q = np.array(Q, dtype=float)
    n = Q.shape[0]
    np.fill_diagonal(Q, 0.0)
    for k in range(n - 1, 0, -1):
        s = Q[k, :k].sum()
        Q[:k, k] /= s
        Q[:k, :k] += np.outer(Q[:k, k], Q[k, :k])
    p = np.zeros(n)
    p[0] = 1.0
    for k in range(1, n):
        p[k] = p[:k] @ Q[:k, k]
    return p / p.sum()


def system(N: int):
    from symness.models import xxz_ring
    from symness.open import OpenSystem

    ring = xxz_ring(n=N, J=1.0, Delta=1.5, fields={2: 2.0, 3: 1.0}, contacts=(1, N // 2 + 1))
    return OpenSystem.from_model(ring)


def reference(N: int) -> tuple[np.ndarray, dict]:
    """main's davies_ness: channels with per-pair rates, full secular matrix, SecularSolver, plain GTH."""
    from symness.open.channels import channels
    from symness.open.liouvillian import DaviesLiouvillian
    from symness.open.secular import SecularSolver

    sysm = system(N)
    space = sysm.space(N // 2)
    chans = channels(sysm, space, None)
    gen = DaviesLiouvillian(sysm, space, chans, 1e-9 * space.energy_scale, per_class=True)
    pre = SecularSolver(gen.L_eigen, gen.dim, gen.structure)
    p = plain_gth(pre._rates)
    V = space.V
    rho = (V * p) @ V.conj().T
    residual = float(np.linalg.norm(gen.apply(rho)))
    E = space.E
    J = {k: float(E @ (gen.D_eigen[k] @ np.diag(p).reshape(-1)).reshape(gen.dim, gen.dim).diagonal().real)
         for k in gen.names}
    return p, {"residual": residual, "J": J}


def one(N: int, with_ref: bool) -> dict:
    from symness.open import davies_ness

    system(N)  # compile the model once (cached): both timings start from a fresh OpenSystem
    davies_ness(system(4), up_spins=2)  # and load the solver's modules
    t0 = time.perf_counter()
    ness = davies_ness(system(N), up_spins=N // 2)
    J = ness.bath_heat_currents()
    t_new = time.perf_counter() - t0
    out = {"N": N, "dim": ness.space.dim, "seconds": t_new, "method": ness.info["method"],
           "residual": ness.residual, "jL": J["L"], "balance": abs(J["L"] + J["R"]) / abs(J["L"]),
           "maxrss_MB": peak_memory_mb()}
    if with_ref:
        t0 = time.perf_counter()
        p_ref, info = reference(N)
        out["ref_seconds"] = time.perf_counter() - t0
        p = ness.populations()
        out["pop_rel"] = float(np.max(np.abs(p - p_ref) / p_ref))
        out["J_rel"] = float(abs(J["L"] - info["J"]["L"]) / abs(info["J"]["L"]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nmin", type=int, default=8)
    ap.add_argument("--nmax", type=int, default=12)
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, not args.no_reference)))
        return
    print(f"{'N':>3} {'dim':>5} {'method':>10} {'time [s]':>9} {'main [s]':>9} {'speed-up':>9} {'peak MB':>8} "
          f"{'|L rho|':>8} {'max rel dp':>10} {'rel dJ_L':>9} {'|jL+jR|/jL':>10}")
    for N in range(args.nmin, args.nmax + 1):
        cmd = [sys.executable, __file__, "--one", str(N)] + (["--no-reference"] if args.no_reference else [])
        r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
        ref = (f"{r['ref_seconds']:>9.2f} {r['ref_seconds'] / r['seconds']:>9.1f}" if "ref_seconds" in r
               else f"{'-':>9} {'-':>9}")
        cmp_ = (f"{r['pop_rel']:>10.1e} {r['J_rel']:>9.1e}" if "pop_rel" in r else f"{'-':>10} {'-':>9}")
        print(f"{r['N']:>3} {r['dim']:>5} {r['method']:>10} {r['seconds']:>9.3f} {ref} {r['maxrss_MB']:>8.0f} "
              f"{r['residual']:>8.0e} {cmp_} {r['balance']:>10.1e}", flush=True)
    print("target: N = 12 (d = 924) in < 2 s")


if __name__ == "__main__":
    main()
