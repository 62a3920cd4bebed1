"""Benchmark: alpha_ratio(N=9) over 1000 temperatures (target < 1 s).

Prints the time of :func:`symness.exchange.alpha_ratio` and ratios against two
references measured in the same run:

* the float64 *textbook* recursion Z_N = (1/N) sum_k (-1)^(k+1) Z_1(k beta) Z_{N-k}
  vectorised over the same grid (fast, but loses every digit at low T -- its
  worst error is printed too);
* the 500-digit mpmath reference (per point, extrapolated from 5 points).

Run: ``python benchmarks/exchange_alpha.py``
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from symness.exchange import EPS0, alpha_ratio, alpha_ratio_mpmath  # noqa: E402


def textbook_float64(N: int, x: np.ndarray) -> np.ndarray:
    beta = 1 / (x * EPS0)
    c = math.pi**2 / (2 * N**2)
    M = int(math.sqrt(N**2 + 60 / (beta.min() * c))) + 2
    n2 = (np.arange(1, M + 1) ** 2)[:, None]

    def z1(b):
        w = np.exp(-b[None, :] * c * n2)
        return w.sum(0), (c * n2 * w).sum(0)
    Z, dZ = [np.ones_like(x)], [np.zeros_like(x)]
    for k in range(1, N + 1):
        s = np.zeros_like(x)
        ds = np.zeros_like(x)
        for j in range(1, k + 1):
            a, da = z1(j * beta)
            sg = 1 if j % 2 else -1
            s += sg * a * Z[k - j]
            ds += sg * (-j * da * Z[k - j] + a * dZ[k - j])
        Z.append(s / k)
        dZ.append(ds / k)
    with np.errstate(all="ignore"):
        E1 = c * N * (N + 1) * (2 * N + 1) / 6
        return -dZ[N] / Z[N] / E1


def best_of(f, repeat=5):
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def main() -> None:
    N = 9
    x = np.geomspace(0.01, 100, 1000)
    t_ours = best_of(lambda: alpha_ratio(N, x))
    t_text = best_of(lambda: textbook_float64(N, x))
    pts = [0.01, 0.1, 1.0, 10.0, 100.0]
    t0 = time.perf_counter()
    ref = np.array([float(alpha_ratio_mpmath(N, p)) for p in pts])
    t_mp = (time.perf_counter() - t0) / len(pts) * len(x)
    ours = alpha_ratio(N, np.array(pts))
    with np.errstate(all="ignore"):
        text = textbook_float64(N, np.array(pts))
        err_text = np.nanmax(np.where(np.isfinite(text), np.abs(text / ref - 1), np.inf))
    err_ours = np.max(np.abs(ours / ref - 1))
    print(f"alpha_ratio(N={N}) over {len(x)} temperatures, x in [0.01, 100]")
    print(f"  symness.exchange.alpha_ratio : {t_ours * 1e3:8.1f} ms   max rel. error vs mpmath {err_ours:.1e}")
    print(f"  float64 textbook recursion   : {t_text * 1e3:8.1f} ms   max rel. error vs mpmath {err_text:.1e}")
    print(f"  mpmath reference (estimated) : {t_mp * 1e3:8.1f} ms")
    print(f"  ratio ours / textbook = {t_ours / t_text:.2f};  mpmath / ours = {t_mp / t_ours:.0f}")
    print(f"  target < 1 s: {'PASS' if t_ours < 1.0 else 'FAIL'} ({t_ours:.3f} s)")


if __name__ == "__main__":
    main()
