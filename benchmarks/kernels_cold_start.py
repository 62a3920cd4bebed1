r"""Coupled qubits from Hamiltonian to simplified heat currents, cold (issue 6 target: < 10 s).

Each measurement runs in a fresh interpreter (imports included, no caches):

* ``ours``: ``pauli_kernel(coupled_qubits_model())`` -> steady populations ->
  heat currents split into channels, in the paper's simplified form
  :math:`\alpha^2\beta^2 g_A g_B\,\omega_\pm[n_A - n_B]/(\dots)` (eqs. 3.52-3.57),
  plus the symbolic first/second-law proof;
* ``import``: the interpreter + ``import sympy, symness`` alone (machine-speed reference);
* ``naive``: the textbook SymPy route on the same model -- ``Matrix.diagonalize``,
  golden-rule kernel, ``sympy.solve`` for the populations and ``simplify`` of the
  current (stopped after ``--naive-timeout`` seconds).

Run from the repository root: ``python benchmarks/kernels_cold_start.py``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

OURS = r"""
import time; t0 = time.perf_counter()
from symness.models import coupled_qubits_model
from symness.kernels import pauli_kernel
pk = pauli_kernel(coupled_qubits_model(), channel_names=["+", "-"])
q = pk.heat_currents()
th = pk.thermodynamics()
assert th["first_law"] and th["factorised"] and th["nonnegative"]
print(time.perf_counter() - t0)
"""

IMPORT = r"""
import time; t0 = time.perf_counter()
import sympy, symness, symness.kernels
print(time.perf_counter() - t0)
"""

NAIVE = r"""
import time; t0 = time.perf_counter()
import sympy
from symness.models import coupled_qubits_model
m = coupled_qubits_model()
H = sympy.Matrix(m.hamiltonian("sympy"))
P, D = H.diagonalize(normalize=True)
E = [D[i, i] for i in range(4)]
ops = [sympy.Matrix(c.operator(2, "sympy")) for c in m.couplings]
gA, gB, TA, TB = sympy.symbols("g_A g_B T_A T_B", positive=True)
def n(w, T): return 1 / (sympy.exp(w / T) - 1)
K = [sympy.zeros(4, 4), sympy.zeros(4, 4)]
for k, (L, g, T) in enumerate(zip(ops, (gA, gB), (TA, TB))):
    Le = sympy.simplify(P.H * L * P)
    for a in range(4):
        for b in range(4):
            if a != b and Le[a, b] != 0:
                w = sympy.simplify(E[b] - E[a])
                r = sympy.simplify(Le[a, b] * sympy.conjugate(Le[a, b])) * g
                K[k][a, b] += r * (1 + n(w, T)); K[k][b, a] += r * n(w, T)
    for b in range(4):
        K[k][b, b] = -sum(K[k][a, b] for a in range(4) if a != b)
p = sympy.symbols("p0:4")
Kt = K[0] + K[1]
sol = sympy.solve(list(Kt * sympy.Matrix(p))[:3] + [sum(p) - 1], p, dict=True)[0]
qA = sum(E[a] * (K[0] * sympy.Matrix([sol[x] for x in p]))[a] for a in range(4))
qA = sympy.simplify(qA)
print(time.perf_counter() - t0)
"""


def run(code: str, timeout: float) -> float | None:
    try:
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                             timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--naive-timeout", type=float, default=120.0)
    args = ap.parse_args()
    t_wall = time.perf_counter()
    ours = min(run(OURS, 300) or float("inf") for _ in range(args.repeat))
    imp = min(run(IMPORT, 300) or float("inf") for _ in range(args.repeat))
    naive = run(NAIVE, args.naive_timeout)
    print("coupled qubits, Hamiltonian -> simplified channel currents + thermodynamics proof, cold start")
    print(f"  ours (best of {args.repeat})         : {ours:7.2f} s   target < 10 s: {'PASS' if ours < 10 else 'FAIL'}")
    print(f"  import sympy+symness (reference) : {imp:7.2f} s   ratio ours/import = {ours / imp:5.1f}")
    if naive is None:
        print(f"  naive SymPy route                : > {args.naive_timeout:.0f} s (stopped)   "
              f"ratio naive/ours > {args.naive_timeout / ours:5.1f}")
    else:
        print(f"  naive SymPy route                : {naive:7.2f} s   ratio naive/ours = {naive / ours:5.1f}")
    print(f"(benchmark wall time {time.perf_counter() - t_wall:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
