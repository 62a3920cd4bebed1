"""GKSL steady states: coherence-order blocks and no-jump-preconditioned GMRES vs full-space SuperLU.

1. The cold-atom open chain, N = 7 (Heisenberg exchange with the linear temperature profile of
   Fig. 6, jumps sigma^+ on sites 1 and 7 at gamma = 3.102, sigma^- on site 4 at gamma_I = 0.620;
   d = 128, Liouvillian 16384^2).  Reference, measured in the same run: the solver on main before
   this change -- SuperLU (COLAMD) of the full trace-fixed Liouvillian with its condition
   estimate.  Printed: time, ratio, max |rho - rho_ref|, SuperLU fill-in.
2. Scaling N = 5..10 of such a chain (alpha_l = 1 + 0.1 (l - 1), sigma^- on site ceil(N/2)): the
   q = 0 block dimension
   sum_k C(N,k)^2, the automatic solver, GMRES iterations (solve + uniqueness certificate), time,
   peak memory (each N in a fresh subprocess), and the full-space SuperLU time where it is
   affordable (N <= 7, or --full-max).
3. Without the symmetry (a transverse field 0.4 sigma^x_2 breaks U(1)), N = 5..7: GMRES on the
   full Liouville space vs SuperLU (--nosym-lu-max, default 6: at N = 7 the LU takes minutes).

    OPENBLAS_NUM_THREADS=1 python benchmarks/open_gksl_blocks.py [--nmax 10] [--full-max 7]

Set OPENBLAS_NUM_THREADS=1 on a shared machine: SuperLU's BLAS calls with several threads can be
5-10x slower when the cores are oversubscribed (39 s instead of 7 s for the N = 7 reference).
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


def chain(n: int, transverse: float = 0.0):
    """Heisenberg chain with exchange alpha_l / 2 rising along the chain (alpha_l = 1 + 0.1 (l - 1),
    the shape of the cold-atom profile), sigma^+ on both ends, sigma^- on site ceil(N/2)."""
    from symness.spins import bond_op, op_product

    alphas = 1.0 + 0.1 * np.arange(n - 1)
    H = sum(a / 2 * bond_op(l, l + 1, n, "heisenberg") for l, a in zip(range(1, n), alphas))
    jumps = [(op_product({1: "+"}, n), 3.102), (op_product({n: "+"}, n), 3.102),
             (op_product({(n + 1) // 2: "-"}, n), 0.620)]
    if transverse:
        H = H + transverse * op_product({2: "x"}, n)
    return H, jumps


def reference(gen):
    """The solver on main before this change: SuperLU (COLAMD) of the full trace-fixed Liouvillian."""
    from scipy.sparse.linalg import splu

    from symness.open.linsolve import sparse_solve
    from symness.open.steady import _trace_fixed

    M, b = _trace_fixed(gen.L_site, gen.dim)
    x, rcond = sparse_solve(M, b, permc_spec="COLAMD")
    lu = splu(M.tocsc(), permc_spec="COLAMD")
    rho = x.reshape(gen.dim, gen.dim)
    rho = (rho + rho.conj().T) / 2
    return rho / np.trace(rho).real, lu.L.nnz + lu.U.nnz


def one(n: int, full: bool, transverse: float) -> dict:
    from symness.open import gksl_liouvillian, gksl_ness

    H, jumps = chain(n, transverse)
    t0 = time.perf_counter()
    gen = gksl_liouvillian(H, jumps)
    ness = gksl_ness(gen)
    t_new = time.perf_counter() - t0
    out = {"N": n, "block_dim": ness.info["block_dim"], "method": ness.info["method"],
           "blocks": ness.info["blocks"], "iterations": ness.info.get("iterations", 0),
           "cert_iterations": ness.info.get("certificate_iterations", 0), "seconds": t_new,
           "residual": ness.residual, "maxrss_MB": peak_memory_mb()}
    if full:
        t0 = time.perf_counter()
        gen2 = gksl_liouvillian(H, jumps)
        rho_ref, fill = reference(gen2)
        out["ref_seconds"] = time.perf_counter() - t0
        out["ref_fill"] = fill
        out["diff"] = float(np.max(np.abs(ness.rho - rho_ref)))
    return out


def subprocess_one(n: int, full: bool, transverse: float) -> dict:
    args = [sys.executable, __file__, "--one", str(n), "--transverse", str(transverse)]
    if full:
        args.append("--with-full")
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def headline() -> None:
    from symness.exchange import linear_profile
    from symness.exchange.open_chain import open_liouvillian
    from symness.open import gksl_ness

    gen, _, _ = open_liouvillian(linear_profile(7, 0.0, 2.0), gamma=3.102, gamma_I=0.620)
    print("1. cold-atom open chain N = 7 (symness.exchange.open_chain.open_liouvillian), d = 128, "
          "Liouvillian 16384^2")
    t0 = time.perf_counter()
    rho_ref, fill = reference(gen)
    t_ref = time.perf_counter() - t0
    rows = [("reference: full-space SuperLU COLAMD (main)", t_ref, 0.0, f"fill {fill / 1e6:.1f}M")]
    for label, method in [("auto (q = 0 block, GMRES + certificate)", "auto"),
                          ("q = 0 block, SuperLU MMD(A^T+A)", "sparse"),
                          ("full space, GMRES + certificate", "krylov-full")]:
        t0 = time.perf_counter()
        ness = gksl_ness(gen, method=method)
        dt = time.perf_counter() - t0
        extra = (f"{ness.info['iterations']}+{ness.info['certificate_iterations']} it"
                 if "certificate_iterations" in ness.info else f"rcond {ness.info['rcond']:.1e}")
        rows.append((label, dt, float(np.max(np.abs(ness.rho - rho_ref))), extra))
    print(f"   {'solver':<46} {'time [s]':>9} {'speed-up':>9} {'max|drho|':>10}  notes")
    for label, dt, diff, extra in rows:
        print(f"   {label:<46} {dt:>9.3f} {t_ref / dt:>9.1f} {diff:>10.1e}  {extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nmin", type=int, default=5)
    ap.add_argument("--nmax", type=int, default=10)
    ap.add_argument("--full-max", type=int, default=7)
    ap.add_argument("--nosym-lu-max", type=int, default=6)
    ap.add_argument("--skip-headline", action="store_true")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--with-full", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--transverse", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.one, args.with_full, args.transverse)))
        return
    if not args.skip_headline:
        headline()
    print("\n2. scaling, U(1)-symmetric chain (each N in a fresh process)")
    print(f"   {'N':>2} {'q=0 dim':>8} {'4^N':>8} {'method':>7} {'iter':>9} {'time [s]':>9} {'peak MB':>8} "
          f"{'|L rho|':>8} {'full LU [s]':>11} {'ratio':>7} {'max|drho|':>9}")
    for n in range(args.nmin, args.nmax + 1):
        r = subprocess_one(n, n <= args.full_max, 0.0)
        its = f"{r['iterations']}+{r['cert_iterations']}" if r["method"] == "krylov" else "-"
        ref = (f"{r['ref_seconds']:>11.2f} {r['ref_seconds'] / r['seconds']:>7.1f} {r['diff']:>9.1e}"
               if "ref_seconds" in r else f"{'-':>11} {'-':>7} {'-':>9}")
        print(f"   {n:>2} {r['block_dim']:>8} {4**n:>8} {r['method']:>7} {its:>9} {r['seconds']:>9.3f} "
              f"{r['maxrss_MB']:>8.0f} {r['residual']:>8.0e} {ref}", flush=True)
    print("\n3. no symmetry (transverse field 0.4 sigma^x_2): full Liouville space")
    print(f"   {'N':>2} {'d^2':>8} {'method':>7} {'iter':>9} {'time [s]':>9} {'SuperLU [s]':>11} {'ratio':>7} "
          f"{'max|drho|':>9}")
    for n in range(args.nmin, min(args.nmax, 7) + 1):
        r = subprocess_one(n, n <= args.nosym_lu_max, 0.4)
        its = f"{r['iterations']}+{r['cert_iterations']}" if r["method"] == "krylov" else "-"
        ref = (f"{r['ref_seconds']:>11.2f} {r['ref_seconds'] / r['seconds']:>7.1f} {r['diff']:>9.1e}"
               if "ref_seconds" in r else f"{'-':>11} {'-':>7} {'-':>9}")
        print(f"   {n:>2} {r['block_dim']:>8} {r['method']:>7} {its:>9} {r['seconds']:>9.3f} {ref}", flush=True)


if __name__ == "__main__":
    main()
