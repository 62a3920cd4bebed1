r"""Cost of the call-time assumption check of lambdified closed forms (issue 15: "cheaply").

``ClosedForm.lambdify()`` checks every call's inputs against the symbols' assumptions
(``T > 0``, real, ...); ``lambdify(check=False)`` skips it.  For the three-spin closed form
(``classical.closedforms.three_spin_equal``) this prints checked / unchecked time for a
scalar call and for a 10^4-point array, both measured in this run (target: ratio < 1.2).
Run: ``python benchmarks/closedform_checks.py``.
"""

from __future__ import annotations

import timeit

import numpy as np

from symness.classical.closedforms import three_spin_equal


def best(f, args, number: int = 300) -> float:
    return min(timeit.repeat(lambda: f(*args), number=number, repeat=7)) / number


def main() -> None:
    form = three_spin_equal().form
    checked, unchecked = form.lambdify(), form.lambdify(check=False)
    print(f"{'call':<16} {'checked us':>11} {'unchecked us':>13} {'ratio':>6}  target < 1.2")
    for label, args in (("scalar", (1.0, 2.0, 0.5)), ("1e4 points", (1.0, np.linspace(1.0, 2.0, 10_000), 0.5))):
        tc, tu = best(checked, args), best(unchecked, args)
        print(f"{label:<16} {tc * 1e6:>11.1f} {tu * 1e6:>13.1f} {tc / tu:>6.2f}")


if __name__ == "__main__":
    main()
