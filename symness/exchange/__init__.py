r"""Temperature-dependent exchange chain (paper ``coldatom``, issue 4).

Barfknecht, Foerster, Zinner, Volosniev, *Generation of spin currents by a
temperature gradient in a two-terminal device*, Commun. Phys. 4, 252 (2021).

Modules
-------
``alpha``       :func:`alpha_ratio` -- exact canonical :math:`\alpha(T)/\alpha_1` (eq. 3, Fig. 2)
``sommerfeld``  eqs. (4)-(5) derived; the exact infinite-gas reference
``manifolds``   manifold enumeration, degeneracies, truncation counts, eq. (17)
``chain``       bond profiles (step, linear), sector operators, observables (eqs. 6, 9, 10)
``coefficients`` eq. (14): exchange coefficients of single manifolds by quadrature
``closed_chain`` closed-chain quench from flipped spins, :func:`quench` (Figs. 3-4)
``magnon``      one-magnon lattice equations, open-chain magnons (eq. 20), Bessel (eq. 7)
``flux``        flux ratio across a temperature step (eqs. 21-23)
``open_chain``  the Lindblad chain with edge flips and the centre pump (eqs. 8-11, Figs. 5-6)

Units: :math:`\hbar = m = k_B = 1`, density :math:`\rho = 1`; temperatures as
:math:`x = k_BT/\epsilon_0`, :math:`\epsilon_0 = \pi^2/6`; chain energies and
rates in :math:`J_0 = \alpha_1/g`, time :math:`J_0t`.
"""

from .alpha import (
    EPS0,
    alpha_ratio,
    alpha_ratio_mpmath,
    box_levels,
    canonical_energy,
    excitation_ratio,
    ground_energy,
    temperature,
)
from .chain import (
    bond_temperatures,
    linear_profile,
    local_alpha,
    sector_operator,
    step_profile,
)
from .closed_chain import QuenchResult, quench
from .manifolds import (
    degeneracies,
    energy_distribution,
    enumerate_manifolds,
    manifolds_needed,
    truncated_alpha_ratio,
)
from .sommerfeld import (
    alpha_ratio_sommerfeld,
    alpha_ratio_thermodynamic,
    sommerfeld_alpha,
    sommerfeld_energy,
)

__all__ = [
    "EPS0",
    "alpha_ratio",
    "alpha_ratio_mpmath",
    "alpha_ratio_sommerfeld",
    "alpha_ratio_thermodynamic",
    "bond_temperatures",
    "box_levels",
    "canonical_energy",
    "degeneracies",
    "energy_distribution",
    "enumerate_manifolds",
    "excitation_ratio",
    "ground_energy",
    "linear_profile",
    "local_alpha",
    "manifolds_needed",
    "quench",
    "QuenchResult",
    "sector_operator",
    "sommerfeld_alpha",
    "sommerfeld_energy",
    "step_profile",
    "temperature",
    "truncated_alpha_ratio",
]
