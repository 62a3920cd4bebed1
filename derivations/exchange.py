"""Derivations of the cold-atom exchange-chain paper (issue 4), printed as LaTeX.

Run from the repository root:  python derivations/exchange.py

Each block calls the package (nothing is typed in): the Sommerfeld expansion
of alpha(T) (eqs. 4-5), the one-magnon block of the model and its exact
open-chain eigenpairs (eq. 20), the Bessel propagator (eq. 7), the flux
ratio across a temperature step (eqs. 22-23) and the Gaussian packet (eq. 21).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from symness.exchange.flux import flux_ratio, flux_ratio_low_T, gaussian_packet, schrodinger_residual  # noqa: E402
from symness.exchange.magnon import (  # noqa: E402
    bessel_probability,
    bessel_residual,
    one_magnon_equations,
    open_chain_magnons,
)
from symness.exchange.sommerfeld import sommerfeld_alpha, sommerfeld_energy  # noqa: E402


def main() -> None:
    blocks = [
        ("Eq. (4): energy per length, Sommerfeld", sommerfeld_energy(1)),
        ("Eq. (5) and the next order", sommerfeld_alpha(2)),
        ("One-magnon block of h (from the model)", one_magnon_equations(4)),
        ("Eq. (20): open-chain magnons (printed: p = 2 pi n/N, +2 alpha/g (1 - cos p))", open_chain_magnons()),
        ("Eq. (7): Bessel law (printed argument: J_0 t)", bessel_probability()),
        ("Eqs. (22)-(23): probability currents", flux_ratio()),
        ("Eq. (23), fixed energy", flux_ratio_low_T("energy")),
        ("Eq. (23), fixed momentum", flux_ratio_low_T("momentum")),
        ("Eq. (21): Gaussian packet", gaussian_packet()),
    ]
    print("% residual of the Bessel ansatz in the lattice equation:", bessel_residual())
    print("% residual of the Gaussian packet in the free Schrodinger equation:", schrodinger_residual())
    for title, cf in blocks:
        print(f"\n% --- {title}")
        print(cf.latex_block())


if __name__ == "__main__":
    main()
