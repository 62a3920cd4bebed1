r"""The two-branch classical Ising ring of the magnification paper, Sec. II.

Magnification paper (Upadhyay et al., PRE 107, 034120), eqs. (1)-(2) and (17):
:math:`N_S = N_U + N_D + 2` Ising spins on a ring, numbered clockwise from the
spin touching the left bath (site 1) through the upper branch to the spin
touching the right bath (site :math:`N_U + 2`) and back through the lower branch,

.. math::

    H_S = -J_U \sum_{i=1}^{N_U+1} \sigma_i\sigma_{i+1}
          -J_D \sum_{i=N_U+2}^{N_S} \sigma_i\sigma_{i+1},
    \qquad \sigma_{N_S+1} \equiv \sigma_1 .

The paper's :math:`J_1, J_2` are ``J_upper``, ``J_lower`` here.  The model is
defined once, from :class:`~symness.models.base.Term` objects
:math:`-J\,\sigma^z_i\sigma^z_{i+1}`; the classical solvers in
:mod:`symness.classical` read the bond coefficients from it, so the symbolic and
the numeric paths share one definition.  The baths act classically (Metropolis
flips of the two nodal spins, see :class:`symness.classical.IsingRing`), so the
model has no quantum :class:`~symness.models.base.Coupling`.
"""

from __future__ import annotations

import numpy as np
import sympy

from ..errors import InvalidModelError
from .base import Model, Term, check_sites

__all__ = ["ising_ring", "J_upper", "J_lower", "T_left", "T_right", "mu", "bond_list"]

#: Upper-branch coupling (the paper's :math:`J_1`; :math:`J` when equal), energy units.
J_upper = sympy.Symbol("J_U", positive=True)
#: Lower-branch coupling (the paper's :math:`J_2`), energy units.
J_lower = sympy.Symbol("J_D", positive=True)
#: Left-bath temperature (energy units, :math:`k_B = 1`).
T_left = sympy.Symbol("T_L", positive=True)
#: Right-bath temperature.
T_right = sympy.Symbol("T_R", positive=True)
#: CCA demon energy quantum (eq. 20).
mu = sympy.Symbol("mu", positive=True)


def bond_list(n_upper: int, n_lower: int) -> list[tuple[int, int, str]]:
    """Bonds ``(i, i+1, branch)`` of the ring, clockwise, 1-based; ``branch`` is ``"upper"``/``"lower"``.

    The upper branch holds the :math:`N_U + 1` bonds from site 1 to site
    :math:`N_U + 2`; the lower branch the :math:`N_D + 1` bonds from site
    :math:`N_U + 2` back to site 1 (the last one is :math:`(N_S, 1)`).
    """
    for name, v in (("n_upper", n_upper), ("n_lower", n_lower)):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 0:
            raise InvalidModelError(
                f"{name} = {v!r}: the number of bulk spins in a branch must be an integer >= 0.")
    n = check_sites(n_upper + n_lower + 2, "the Ising ring (N_S = n_upper + n_lower + 2)", 2, "spins")
    return [(i, i % n + 1, "upper" if i <= n_upper + 1 else "lower") for i in range(1, n + 1)]


def ising_ring(n_upper: int = 1, n_lower: int = 0) -> Model:
    r"""The Ising ring of eq. (17) as a :class:`~symness.models.base.Model`.

    Parameters
    ----------
    n_upper, n_lower
        Bulk spins :math:`N_U`, :math:`N_D` in the upper and lower branch (>= 0).

    Returns
    -------
    Model
        ``n = N_U + N_D + 2`` sites; one term :math:`-J\sigma^z_i\sigma^z_{i+1}`
        per bond with :math:`J = J_U` (symbol ``J_U``) on the upper and
        :math:`J_D` (symbol ``J_D``) on the lower branch; ``bonds`` maps
        ``(i, i+1)`` (and ``(N_S, 1)``) to that term.  Energies in units of the
        couplings; :math:`\sigma^z = \pm 1`.
    """
    bonds_spec = bond_list(n_upper, n_lower)
    n = n_upper + n_lower + 2
    bonds: dict[tuple[int, int], list[Term]] = {}
    for i, j, branch in bonds_spec:
        coeff = -J_upper if branch == "upper" else -J_lower
        bonds[(i, j)] = [Term.of(coeff, (i, "z"), (j, "z"))]  # N_S = 2: keys (1, 2) and (2, 1)
    terms = [t for b in bonds.values() for t in b]
    return Model(
        name="ising_ring", n=n, terms=terms, couplings=[],
        values={J_upper: 1.0, J_lower: 1.0}, bonds=bonds,
        symbols={J_upper: "upper-branch coupling J_U (paper: J_1), energy units",
                 J_lower: "lower-branch coupling J_D (paper: J_2), energy units"},
        paper="magnification", equation="(2), (17)",
    )
