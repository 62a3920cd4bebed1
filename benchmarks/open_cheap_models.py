"""Cheap models: a user's natural parameter loop against a plain numpy sector Redfield solver.

Issue 16 ("Cheap models"): a new ``xxz_ring(...)`` per point used to cost 40-90 ms (sparse
krons and a lambdify per build), so the natural loop was 85x slower than a plain numpy
sector Redfield solver and the compiled route 2.3x slower.  Targets, against the reference
measured in this run (written below in plain numpy: sector basis and operators built
directly, eigh, the Redfield tensor in the eigenbasis, one dense solve, the bath currents):

* compiled route ``redfield_ness(ring, up_spins=2, Delta=D).bath_heat_currents()``:
  at least as fast as the reference (ratio <= 1);
* natural loop ``redfield_ness(xxz_ring(..., Delta=D), up_spins=2).bath_heat_currents()``:
  within 5x of the reference;
* issue 15: ``redfield_ness(xxz_ring(n=24), up_spins=1)`` (a 24-state sector of a
  2**24-dimensional space) must be cheap: printed against the reference on the same sector.

Both routes are checked against the reference to 1e-10 relative.

Measured (shared 2-core machine, 200 points, routes timed in turn chunk by chunk, best of 5): before the fused path
(main at 97044a1) compiled 3.6x, natural 4.3x; with the fused general route compiled 2.0-2.2x,
natural 2.8x; with the array route (``symness.open.fast_redfield``: an ordinary point of a compiled
model's sector solved from arrays, every unusual point left to the general route) reference
300-600 us/point (the machine's speed drifts by 2x within minutes; timing the routes in turn chunk
by chunk keeps the ratio steady), compiled 0.86-0.89x, natural 1.5-1.7x, n = 24 one-magnon sector
0.8-1.2x.
The array route keeps every check and error estimate of the general route; what made it cheaper
than the reference is doing the same arithmetic in fewer, larger calls: the Redfield tensor as one
matrix product (the reference: four ``np.kron``), H and the couplings as one product with the
compiled program (the reference: the sector basis and H rebuilt from bit strings), the rates of
all baths at all Bohr frequencies in one evaluation, a real system for real channels (the tensor on
Hermitian matrices), LAPACK ``geequb`` for the equilibration, and the system, working space and
generator of the result built only when asked for.

    python benchmarks/open_cheap_models.py [--points 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from symness.models import xxz_ring  # noqa: E402
from symness.open import redfield_ness  # noqa: E402


# ------------------------------------------------------------------ the reference: plain numpy
def reference_currents(n: int, up: int, J: float, Delta: float, fields: dict[int, float],
                       contacts: tuple[int, int], T: tuple[float, float], gamma: float = 0.01,
                       cutoff: float = 10.0) -> tuple[float, float]:
    """Heat currents (L, R) of the XXZ ring (ring4 eqs. 1-3, sigma^z contacts, ring4 bath preset).

    Plain numpy, no symness: the sector basis as bit strings, H and the contact operators
    in it, eigh, the Redfield tensor in the eigenbasis (Gamma = gamma(omega)/2, no Lamb
    shift, gamma(omega) = 2 J(omega)(1 + n(omega)), J = gamma omega e^{-omega/omega_c}),
    trace condition on one row, one dense solve, J_b = tr(H D_b rho).
    """
    states = np.array(sorted(sum(1 << (n - s) for s in range(1, n + 1) if s not in ups)
                             for ups in combinations(range(1, n + 1), up)), dtype=np.int64)
    d = states.size
    bits = (states[:, None] >> (n - np.arange(1, n + 1))) & 1  # 1 = down
    z = 1.0 - 2.0 * bits
    l = np.arange(n)
    m = (l + 1) % n
    diag = Delta * np.sum((1 - bits[:, l]) * (1 - bits[:, m]), axis=1)
    for site, h in fields.items():
        diag = diag + h * z[:, site - 1]
    H = np.diag(diag)
    # J (xx + yy) = 2 J (s+ s- + s- s+): swap the spins of sites l, m where they differ
    k, b = np.nonzero(bits[:, l] != bits[:, m])
    flipped = states[k] ^ ((1 << (n - 1 - l[b])) | (1 << (n - 1 - m[b])))
    np.add.at(H, (np.searchsorted(states, flipped), k), 2 * J)
    E, V = np.linalg.eigh(H)
    w = E[None, :] - E[:, None]  # omega[a, c] = E_c - E_a (energy given to the bath by c -> a)
    A_ops, At_ops = [], []
    rates = []
    for site, Tb in zip(contacts, T):
        A = V.T @ (z[:, site - 1, None] * V)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = 2 * gamma * w * np.exp(-np.abs(w) / cutoff) / -np.expm1(-w / Tb)
        g[w == 0] = 2 * gamma * Tb
        rates.append(g)
        A_ops.append(A)
        At_ops.append(0.5 * g * A)
    I = np.eye(d)
    R = np.diag(-1j * (E[:, None] - E[None, :]).ravel()).astype(complex)
    M = sum(A.T @ At for A, At in zip(A_ops, At_ops))
    for A, At in zip(A_ops, At_ops):
        R += np.kron(At, A) + np.kron(A, At)
    R -= np.kron(M, I) + np.kron(I, M)
    R[0, np.arange(d) * (d + 1)] += 1.0  # trace condition on the first row
    b = np.zeros(d * d, dtype=complex)
    b[0] = 1.0
    rho = np.linalg.solve(R, b).reshape(d, d)
    out = []
    for A, At in zip(A_ops, At_ops):  # tr(H D[rho]), H = diag(E) in the eigenbasis
        Mk = A.T @ At
        D = At @ rho @ A + A @ rho @ At.T - Mk @ rho - rho @ Mk.T
        out.append(float(np.real(np.sum(E * np.diagonal(D)))))
    return out[0], out[1]


def timed(f, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


def interleaved(fs, chunks, repeat: int) -> list[float]:
    """Per-point times of the routes ``fs`` (each ``f(chunk)`` runs one chunk of the sweep), taken in turn
    chunk by chunk: a shared machine's speed drifts within seconds, so every route is timed in the same
    phases; each chunk's best of ``repeat``, summed over the chunks."""
    total = [0.0] * len(fs)
    for chunk in chunks:
        best = [np.inf] * len(fs)
        for _ in range(repeat):
            for i, f in enumerate(fs):
                t0 = time.perf_counter()
                f(chunk)
                best[i] = min(best[i], time.perf_counter() - t0)
        total = [t + b for t, b in zip(total, best)]
    n = sum(len(c) for c in chunks)
    return [t / n for t in total]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    fields = {2: 2.0, 3: 1.0}
    kw = dict(J=1.0, fields=fields, contacts=(1, 3), T_left=2.0, T_right=1.0)
    deltas = np.linspace(-3, 3, args.points)
    ring = xxz_ring(n=4, Delta=0.0, **kw)
    redfield_ness(ring, up_spins=2)  # warm-up: imports and the compiled structure

    def reference(ds=deltas):
        return [reference_currents(4, 2, 1.0, D, fields, (1, 3), (2.0, 1.0))[0] for D in ds]

    def compiled(ds=deltas):
        return [redfield_ness(ring, up_spins=2, Delta=D).bath_heat_currents()["L"] for D in ds]

    def natural(ds=deltas):
        return [redfield_ness(xxz_ring(n=4, Delta=D, **kw), up_spins=2).bath_heat_currents()["L"]
                for D in ds]

    ref, comp, nat = reference(), compiled(), natural()
    err = max(float(np.max(np.abs(np.subtract(x, ref)) / np.max(np.abs(ref)))) for x in (comp, nat))
    chunks = [deltas[i:i + 20] for i in range(0, len(deltas), 20)]
    t_ref, t_comp, t_nat = interleaved((reference, compiled, natural), chunks, args.repeat)
    print(f"ring4 XXZ ring n = 4, two-up-spin sector (d = 6), {len(deltas)}-point Delta sweep of j_L")
    print(f"  reference (plain numpy sector Redfield) : {t_ref * 1e6:8.1f} us/point")
    print(f"  compiled  redfield_ness(ring, Delta=D)  : {t_comp * 1e6:8.1f} us/point   ratio "
          f"{t_comp / t_ref:5.2f}  (target <= 1)")
    print(f"  natural   redfield_ness(xxz_ring(...))  : {t_nat * 1e6:8.1f} us/point   ratio "
          f"{t_nat / t_ref:5.2f}  (target <= 5)")
    print(f"  max relative deviation from the reference: {err:.1e}; compiled route: "
          f"{redfield_ness(ring, up_spins=2, Delta=0.5).info.get('route', 'general')}")

    # issue 15: a 1-up sector of a 24-site ring (2**24-dimensional full space)
    kw24 = dict(J=1.0, fields={2: 0.5, 5: 0.3}, contacts=(1, 13), T_left=2.0, T_right=1.0)
    t_r24 = timed(lambda: reference_currents(24, 1, 1.0, 0.7, kw24["fields"], (1, 13), (2.0, 1.0)), 3)
    t0 = time.perf_counter()
    ness = redfield_ness(xxz_ring(n=24, Delta=0.7, **kw24), up_spins=1)
    jl = ness.bath_heat_currents()["L"]
    t24 = time.perf_counter() - t0
    jr = reference_currents(24, 1, 1.0, 0.7, kw24["fields"], (1, 13), (2.0, 1.0))[0]
    print(f"n = 24 ring, one-up-spin sector (d = 24 of 2**24): first call {t24 * 1e3:.1f} ms "
          f"(reference {t_r24 * 1e3:.1f} ms, ratio {t24 / t_r24:.1f}); |j_L - ref| / |ref| = "
          f"{abs(jl - jr) / abs(jr):.1e}")


if __name__ == "__main__":
    main()
