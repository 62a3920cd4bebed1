r"""The user's own model, derived (issue 12 targets), each against a reference measured in the same run.

Every measurement runs in a fresh interpreter (imports included, no caches):

* ``fridge``: the three-qubit absorption refrigerator of Linden, Popescu and
  Skrzypczyk (2010), 8 levels, every frequency, temperature and rate symbolic
  (resonance :math:`\omega_2 = \omega_1 + \omega_3`): ``pauli_kernel`` -> closed-form
  heat currents -> ``lambdify`` -> one evaluation (target < 60 s, stretch < 10 s);
* ``fridge-naive``: the previous route on the same kernel -- SymPy Berkowitz
  determinants of the eight principal minors with opaque rate symbols (stopped
  after ``--naive-timeout`` seconds);
* ``xx3``: three-qubit XX chain, uniform fields, baths on the end qubits,
  symbolic temperatures (target < 60 s);
* ``xx4-refusal``: a 16-level four-qubit XX chain: the refusal (target < 1 s)
  and then the implicit route it names, built and evaluated once;
* ``zz`` / ``zz-naive``: the 4-level ZZ-coupled qubits, ours vs the naive route;
* ``import``: the interpreter + ``import symness.kernels`` (machine-speed reference).

Run from the repository root: ``python benchmarks/kernels_user_models.py``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MODELS = r"""
import sympy as sp
from sympy.physics.quantum import TensorProduct as TP
from symness.baths import Bath, flat
from symness.spins import sigma
SZ = sp.Matrix([[1, 0], [0, -1]]); SX = sp.Matrix([[0, 1], [1, 0]]); SM = sp.Matrix([[0, 0], [1, 0]]); I2 = sp.eye(2)
def fridge():
    names = "omega_1 omega_3 g T_c T_r T_h kappa_1 kappa_2 kappa_3"
    w1, w3, g, Tc, Tr, Th, k1, k2, k3 = sp.symbols(names, positive=True)
    k = lambda a, b, c: TP(TP(a, b), c)
    L = k(SM, SM.T, SM)
    H = w1 / 2 * k(SZ, I2, I2) + (w1 + w3) / 2 * k(I2, SZ, I2) + w3 / 2 * k(I2, I2, SZ) + g * (L + L.T)
    cs = [(k(SX, I2, I2), Bath(flat(k1), Tc, name="c")), (k(I2, SX, I2), Bath(flat(k2), Tr, name="r")),
          (k(I2, I2, SX), Bath(flat(k3), Th, name="h"))]
    return H, cs, {w1: 1.0, w3: 0.7, g: 0.05}, dict(omega_1=1.0, omega_3=0.7, g=0.05, T_c=0.4, T_r=0.5,
                                                    T_h=2.0, kappa_1=0.01, kappa_2=0.02, kappa_3=0.015)
def xx(n, fields=None):
    w, J, TL, TR, kap = sp.symbols("omega J T_L T_R kappa", positive=True)
    ws = fields or [w] * n
    S = lambda a, i: sp.Matrix(sigma(a, i, n, "sympy"))
    H = sum((ws[i] / 2 * S("z", i + 1) for i in range(n)), sp.zeros(2**n))
    for i in range(1, n):
        H += J * (S("x", i) * S("x", i + 1) + S("y", i) * S("y", i + 1))
    cs = [(S("x", 1), Bath(flat(kap), TL, name="L")), (S("x", n), Bath(flat(kap), TR, name="R"))]
    at = {J: 0.1, **{s: 1.0 + 0.37 * j + 0.11 * j * j for j, s in enumerate(ws) if isinstance(s, sp.Symbol)}}
    return H, cs, at, dict(J=0.1, T_L=2.0, T_R=0.5, kappa=0.01, **{str(s): v for s, v in at.items() if s != J})
def zz():
    w1, w2, g, Th, Tc, gam = sp.symbols("omega_1 omega_2 g T_h T_c gamma", positive=True)
    H = w1 / 2 * TP(SZ, I2) + w2 / 2 * TP(I2, SZ) + g * TP(SZ, SZ)
    cs = [(TP(SX, I2), Bath(flat(gam), Th, name="h")), (TP(I2, SX), Bath(flat(sp.Rational(1, 50)), Tc, name="c"))]
    return H, cs, {w1: 1.0, w2: 0.6, g: 0.1}, dict(omega_1=1.0, omega_2=0.6, g=0.1, T_h=2.0, T_c=0.5, gamma=0.01)
"""

OURS = MODELS + r"""
import time; t0 = time.perf_counter()
from symness.kernels import pauli_kernel
H, cs, at, vals = __MODEL__
pk = pauli_kernel(H, cs, at=at)
f = pk.heat_currents_form().lambdify()
q = f(**{k: v for k, v in vals.items() if k in {a.name for a in f.args}})
assert pk.thermodynamics()["first_law"]
print(time.perf_counter() - t0)
"""

NAIVE = MODELS + r"""
import time; t0 = time.perf_counter()
import sympy
from symness.kernels import pauli_kernel
H, cs, at, vals = __MODEL__
pk = pauli_kernel(H, cs, at=at)
K = pk.kernel()
d = K.rows
minors = [sympy.expand((-K).extract([k for k in range(d) if k != i], [k for k in range(d) if k != i])
          .det(method="berkowitz")) for i in range(d)]
print(time.perf_counter() - t0)
"""

REFUSAL = MODELS + r"""
import time, sympy as sp
from symness.errors import DerivationTooLargeError
from symness.kernels import pauli_kernel
H, cs, at, vals = xx(4, list(sp.symbols("omega_1:5", positive=True)))
t0 = time.perf_counter()
try:
    pauli_kernel(H, cs, at=at)
    raise SystemExit("not refused")
except DerivationTooLargeError:
    t_refuse = time.perf_counter() - t0
t0 = time.perf_counter()
pk = pauli_kernel(H, cs, at=at, spectrum="numeric", steady="numeric")
f = pk.heat_currents_form().lambdify()
q = f(**{k: v for k, v in vals.items() if k in {a.name for a in f.args}})
print(t_refuse, time.perf_counter() - t0)
"""

IMPORT = r"""
import time; t0 = time.perf_counter()
import symness.kernels
print(time.perf_counter() - t0)
"""


def run(code: str, timeout: float) -> list[float] | None:
    try:
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                             timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(exc.stderr) from None
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--naive-timeout", type=float, default=120.0)
    args = ap.parse_args()
    ref = run(IMPORT, 120)[0]
    print(f"{'measurement':<16} {'seconds':>10} {'/ import':>10}  note")

    def row(name: str, t: float | None, note: str) -> None:
        ts = f"{t:10.2f}" if t is not None else f"> {args.naive_timeout:7.0f}"
        rs = f"{t / ref:10.1f}" if t is not None else "         -"
        print(f"{name:<16} {ts} {rs}  {note}")

    row("import", ref, "interpreter + import symness.kernels")
    fr = run(OURS.replace("__MODEL__", "fridge()"), 600)[0]
    row("fridge", fr, "target < 60 s, stretch < 10 s")
    fn = (run(NAIVE.replace("__MODEL__", "fridge()"), args.naive_timeout) or [None])[0]
    row("fridge-naive", fn, "SymPy Berkowitz minors, opaque rates")
    if fn is not None:
        print(f"  fridge speed-up over the naive route: {fn / fr:.1f}x")
    else:
        print(f"  fridge speed-up over the naive route: > {args.naive_timeout / fr:.1f}x (naive did not finish)")
    xx3 = run(OURS.replace("__MODEL__", "xx(3)"), 600)[0]
    row("xx3", xx3, "target < 60 s")
    zz = run(OURS.replace("__MODEL__", "zz()"), 600)[0]
    zn = (run(NAIVE.replace("__MODEL__", "zz()"), args.naive_timeout) or [None])[0]
    row("zz", zz, "4 levels, full route")
    row("zz-naive", zn, "minors only")
    refusal, implicit = run(REFUSAL, 600)
    row("xx4-refusal", refusal, "target < 1 s (the pauli_kernel call)")
    row("xx4-implicit", implicit, "the named route: build + one evaluation")


if __name__ == "__main__":
    main()
