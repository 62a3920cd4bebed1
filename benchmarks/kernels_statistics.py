r"""Counting statistics closed forms vs mean currents (issue 13 target: noise within 2x the mean's time).

For the two-qubit (ZZ-coupled) model and the three-qubit absorption refrigerator, each in a
fresh interpreter: ``mean`` = ``pauli_kernel`` -> ``heat_currents_form`` -> ``lambdify`` -> one
evaluation; ``noise`` = the same kernel -> ``heat_current_noise`` -> ``lambdify`` -> one evaluation.
The ratio noise / mean is the target (< 2).  Run: ``python benchmarks/kernels_statistics.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from kernels_user_models import MODELS  # noqa: E402

CODE = MODELS + r"""
import time
from symness.kernels import pauli_kernel
H, cs, at, vals = __MODEL__
t0 = time.perf_counter()
pk = pauli_kernel(H, cs, at=at)
f = __FORM__.lambdify()
out = f(**{k: v for k, v in vals.items() if k in {a.name for a in f.args}})
print(time.perf_counter() - t0)
"""


def run(model: str, form: str) -> float:
    code = CODE.replace("__MODEL__", model).replace("__FORM__", form)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    print(f"{'model':<8} {'mean s':>8} {'noise s':>8} {'ratio':>6}  target < 2")
    for name, model, bath in (("zz", "zz()", "h"), ("fridge", "fridge()", "c")):
        mean = run(model, "pk.heat_currents_form()")
        noise = run(model, f"pk.heat_current_noise({bath!r})")
        print(f"{name:<8} {mean:8.2f} {noise:8.2f} {noise / mean:6.2f}")


if __name__ == "__main__":
    main()
