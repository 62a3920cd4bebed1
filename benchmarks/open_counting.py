"""Heat-current noise of a Davies (and Redfield) NESS vs its mean current, XXZ chains of growing size (issue 13).

Reference, measured in the same run: the mean heat current -- ``davies_ness(system)`` (eigendecomposition,
Pauli block, GTH) followed by ``bath_heat_currents()``.  New: ``ness.heat_current_noise("L")`` on that
steady state (the tilted zero-frequency block and one bordered LU, :mod:`symness.open.counting`), and the
third cumulant for comparison.  The ratio noise / mean is printed; the counting statistics should cost a
fraction of the steady state they start from (the same dense d x d work).

Chain: N spins, J = 1, Delta = 0.7, fields h_l = 0.3 l (no degeneracies), sigma^x couplings at sites 1 and N
(no conserved magnetisation: the full 2^N space), ohmic baths (gamma = 0.01, cutoff 10, T_L = 2, T_R = 1).

Second table: the same for the non-secular Redfield NESS (``redfield_ness``; its counting statistics need one
dense LU of the d^2 x d^2 Redfield tensor, :mod:`symness.open.redfield_counting`), N = 2..5 (d <= 32; the limit
is d = 40).  Reference: ``redfield_ness(system)`` + ``bath_heat_currents()``.  Measured (shared 2-core machine):
noise / mean 0.4 (d = 4), 0.5 (d = 8), 0.95 (d = 16), 12 (d = 32: 0.12 s, the dense LU of the 1025 x 1025 tensor,
where the NESS itself takes the Krylov route); the Redfield noise agrees with Davies to 0.15 % (gamma = 0.01).

    OPENBLAS_NUM_THREADS=1 python benchmarks/open_counting.py [--nmin 4] [--nmax 10] [--redfield-nmax 5]
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def system(N: int):
    from symness import spins
    from symness.baths import Bath, ohmic
    from symness.open import OpenSystem

    H = 0
    for l in range(1, N):
        H = H + sum(c * spins.bond_op(l, l + 1, N, p) for c, p in ((1.0, "xx"), (1.0, "yy"), (0.7, "zz")))
    H = H + sum(0.3 * l * spins.sigma("z", l, N) for l in range(1, N + 1))
    spec = ohmic(0.01, 10.0)
    return OpenSystem(H, [(spins.sigma("x", 1, N), Bath(spec, 2.0)), (spins.sigma("x", N, N), Bath(spec, 1.0))])


def timed(f):
    """``(f(), seconds)``."""
    t0 = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t0


def mean_and_noise(solver, sysm):
    """``(ness, J_L, seconds for the NESS and its currents, S_L, seconds for the noise)``."""
    (ness, J), t_mean = timed(lambda: (lambda n: (n, n.bath_heat_currents()["L"]))(solver(sysm)))
    S, t_noise = timed(lambda: ness.heat_current_noise("L"))
    return ness, J, t_mean, S, t_noise


def main() -> None:
    from symness.open import davies_ness, redfield_ness

    ap = argparse.ArgumentParser()
    ap.add_argument("--nmin", type=int, default=4)
    ap.add_argument("--nmax", type=int, default=10)
    ap.add_argument("--redfield-nmax", type=int, default=5)
    args = ap.parse_args()
    davies_ness(system(2)).heat_current_noise("L")  # load the modules
    print(f"{'N':>3} {'dim':>5} {'mean [s]':>9} {'noise [s]':>10} {'ratio':>6} {'kappa_3 [s]':>11} "
          f"{'J_L':>11} {'S_L':>11} {'TUR':>7}")
    for N in range(args.nmin, args.nmax + 1):
        ness, J, t_mean, S, t_noise = mean_and_noise(davies_ness, system(N))
        t_k3 = timed(functools.partial(ness.heat_cumulants, "L", 3))[1]
        print(f"{N:>3} {ness.space.dim:>5} {t_mean:>9.3f} {t_noise:>10.3f} {t_noise / t_mean:>6.2f} {t_k3:>11.3f} "
              f"{J:>11.4e} {S:>11.4e} {ness.tur_ratio('L'):>7.3f}")
    print("\nRedfield (non-secular)")
    print(f"{'N':>3} {'dim':>5} {'mean [s]':>9} {'noise [s]':>10} {'ratio':>6} {'J_L':>11} {'S_L':>11} "
          f"{'S_L Davies':>11}")
    for N in range(2, args.redfield_nmax + 1):
        sysm = system(N)
        ness, J, t_mean, S, t_noise = mean_and_noise(redfield_ness, sysm)
        print(f"{N:>3} {ness.space.dim:>5} {t_mean:>9.3f} {t_noise:>10.3f} {t_noise / t_mean:>6.2f} {J:>11.4e} "
              f"{S:>11.4e} {davies_ness(sysm).heat_current_noise('L'):>11.4e}")


if __name__ == "__main__":
    main()
