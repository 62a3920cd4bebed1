"""Series of a user's kernel: symness.kernels.expansions.series vs sympy.series on the written-out form (same run).

ZZ-coupled qubits with local sigma_x baths (flat spectra), the heat current to O(g^2)
(its leading term): ``series(q, g, 2)`` against ``sympy.series`` of the explicit form
(what ``ClosedForm.series`` does), run in a subprocess with a time limit.  Both results
are evaluated at g = 0.01 and must agree to 1e-25.

    python benchmarks/kernels_expansions.py [--limit 300]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sympy  # noqa: E402
from sympy.physics.quantum import TensorProduct as TP  # noqa: E402

from symness.baths import Bath, flat  # noqa: E402
from symness.kernels import pauli_kernel  # noqa: E402
from symness.kernels.expansions import series  # noqa: E402

w1, w2, g, T_h, T_c, gamma = sympy.symbols("omega_1 omega_2 g T_h T_c gamma", positive=True)
POINT = {w1: 1, w2: sympy.Rational(3, 5), g: sympy.Rational(1, 100), T_h: 2, T_c: sympy.Rational(1, 2),
         gamma: sympy.Rational(1, 100)}


def _form():
    sz, sx, I2 = sympy.Matrix([[1, 0], [0, -1]]), sympy.Matrix([[0, 1], [1, 0]]), sympy.eye(2)
    H = w1 / 2 * TP(sz, I2) + w2 / 2 * TP(I2, sz) + g * TP(sz, sz)
    pk = pauli_kernel(H, [(TP(sx, I2), Bath(flat(gamma), T_h, name="h")),
                          (TP(I2, sx), Bath(flat(gamma), T_c, name="c"))], at={w1: 1, w2: 0.6, g: 0.1})
    return pk.heat_currents_form()


def _reference(queue: mp.Queue) -> None:
    q = _form()
    t0 = time.perf_counter()
    s = q["h"].series(g, 0, 3).expr       # sympy.series on the explicit form, through O(g^2)
    queue.put((time.perf_counter() - t0, str(sympy.N(s.subs(POINT), 40))))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=300.0, help="seconds allowed to the sympy.series reference")
    args = ap.parse_args()
    q = _form()
    t0 = time.perf_counter()
    ours = series(q, g, 2).expr["h"]
    t_ours = time.perf_counter() - t0
    v_ours = sympy.N(ours.subs(POINT), 40)
    queue: mp.Queue = mp.Queue()
    proc = mp.Process(target=_reference, args=(queue,))
    proc.start()
    proc.join(args.limit)
    if proc.is_alive():
        proc.terminate()
        print(f"series(q, g, 2): {t_ours:.2f} s; sympy.series did not finish in {args.limit:.0f} s "
              f"(ratio > {args.limit / t_ours:.0f})")
        return 0
    t_ref, v_ref = queue.get()
    agree = abs(v_ours - sympy.Float(v_ref, 40)) <= 1e-25 * abs(v_ours)
    print(f"series(q, g, 2): {t_ours:.2f} s; sympy.series: {t_ref:.1f} s; ratio {t_ref / t_ours:.0f}; "
          f"values at g = 0.01 agree: {agree}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
