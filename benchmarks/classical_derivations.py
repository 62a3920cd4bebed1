"""Classical Ising ring: cold-start derivation times (issue 8 targets: < 5 s each).

Each measurement runs in a fresh interpreter (imports included, no caches):

* ``equal``: the three-spin ring with equal couplings -- model -> exact stationary state ->
  currents (eqs. 11-15) -> ClosedForm -> LaTeX;
* ``unequal``: the three-spin ring with J_U != J_D, both sign cases, plus the analytic
  no-magnification proof;
* ``four``: the four-spin ring N_U = N_D = 1 with J_U != J_D (Figs. 6-7);
* ``import``: the interpreter + ``import sympy, symness.classical`` alone (machine-speed reference);
* ``naive``: the textbook SymPy route for the equal-J three-spin ring -- ``Matrix.nullspace`` of
  the symbolic generator with exponentials, then ``simplify`` of I_L (stopped after
  ``--naive-timeout`` seconds).

Run from the repository root: ``python benchmarks/classical_derivations.py``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPTS = {
    "import": r"""
import time; t0 = time.perf_counter()
import sympy, symness, symness.classical
print(time.perf_counter() - t0)
""",
    "equal": r"""
import time; t0 = time.perf_counter()
from symness.classical import closedforms as cf
d = cf.three_spin_equal(); d.latex_block(); cf.three_spin_stationary().latex_block()
cf.three_spin_large_TL()["limit"].latex()
print(time.perf_counter() - t0)
""",
    "unequal": r"""
import time; t0 = time.perf_counter()
from symness.classical import closedforms as cf
for case in ("J_U>J_D", "J_U<J_D"):
    cf.three_spin_unequal(case).latex_block()
assert cf.three_spin_magnification().possible is False
print(time.perf_counter() - t0)
""",
    "four": r"""
import time; t0 = time.perf_counter()
from symness.classical import closedforms as cf
d = cf.four_spin_unequal("J_U>J_D"); d.latex_block()
print(time.perf_counter() - t0, d.size["terms in Z"], d.size["operations"])
""",
    "naive": r"""
import time; t0 = time.perf_counter()
import sympy
from symness.classical import IsingRing
J, TL, TR = sympy.symbols("J T_L T_R", positive=True)
W = IsingRing(1, 0).generator(J, J, TL, TR)
v = W.nullspace()[0]
P = v / sum(v)
dE = [4 * J, 0, 0, -4 * J]   # flips of site 1 from states 0, 2, 4, 6 (ddd, dud, ddu, duu)
I = sympy.simplify(sum(W[s ^ 1, s] * P[s] * e - W[s, s ^ 1] * P[s ^ 1] * e for s, e in zip((0, 2, 4, 6), dE)))
print(time.perf_counter() - t0)
""",
}


def run(name: str, timeout: float) -> str:
    try:
        r = subprocess.run([sys.executable, "-c", SCRIPTS[name]], capture_output=True, text=True,
                           timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return f">{timeout:g}"
    if r.returncode != 0:
        return "error: " + r.stderr.strip().splitlines()[-1]
    return r.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--naive-timeout", type=float, default=120.0)
    args = ap.parse_args()
    res = {k: run(k, args.naive_timeout if k == "naive" else 600) for k in SCRIPTS}
    t_imp = float(res["import"])
    print(f"{'measurement':10s} {'seconds':>10s} {'/ import':>9s}  notes")
    for k in ("import", "equal", "unequal", "four", "naive"):
        parts = res[k].split()
        try:
            t = float(parts[0])
            ratio = f"{t / t_imp:9.1f}"
        except ValueError:
            t, ratio = None, "        -"
        note = {"equal": "target < 5 s", "unequal": "target < 5 s",
                "four": f"Z: {parts[1]} terms, {parts[2]} operations" if len(parts) > 2 else "",
                "naive": "Matrix.nullspace + simplify (equal J only)"}.get(k, "reference")
        print(f"{k:10s} {(f'{t:.2f}' if t is not None else parts[0]):>10s} {ratio}  {note}")
    try:
        print(f"\nnaive / ours (equal J): {float(res['naive']) / float(res['equal']):.1f}x")
    except ValueError:
        print(f"\nnaive route did not finish within {args.naive_timeout:g} s")


if __name__ == "__main__":
    main()
