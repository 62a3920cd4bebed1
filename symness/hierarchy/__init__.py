r"""Weak-coupling perturbation hierarchy for spin chains between two baths.

Paper: Ishida & Sugita, weak-coupling hierarchy and temperature gradients
(``weak_coupling`` in :data:`symness.registry.PAPERS`).

Entry points
------------
:func:`tilted_ising_two_spin`
    Exact zeroth-order :math:`t_1, t_2, g` of the two-spin tilted Ising model (eqs. 103,
    B23--B25), SymPy or floats.
:func:`perturbative_ness`
    :math:`[\rho_0, \rho_1, \dots]` of any model whose generator is
    :math:`\mathcal L_0 + \lambda\mathcal L_1 + \lambda^2\mathcal L_2 + \dots` (eqs. 45--67).
:class:`Hierarchy`
    The numeric hierarchy with its projections :math:`\mathcal P_0, \mathcal P_1, \mathcal Q_0,
    \mathcal Q_1`, pseudo-inverses and the eq. (44) diagnostic.
:class:`SymbolicHierarchy`
    The same in exact rational-function arithmetic (small N, symbolic parameters).
:func:`exact_ness`
    The independent exact NESS of :math:`\mathcal L(\lambda)` used for validation.

Modules: ``expansion`` (orders of lambda), ``pauli`` (Pauli-string algebra), ``numeric``,
``symbolic``, ``ratvec``, ``exact``, ``observables`` (temperatures, currents, eq. 150),
``two_spin`` (closed forms), ``appendix_b`` (re-derivation and errata), ``figures``.
"""

from .exact import exact_generator, exact_ness
from .numeric import Hierarchy, perturbative_ness
from .symbolic import SymbolicHierarchy
from .two_spin import current_forms, small_bias_form, tilted_ising_two_spin, zeroth_order_form

__all__ = ["Hierarchy", "SymbolicHierarchy", "perturbative_ness", "tilted_ising_two_spin",
           "zeroth_order_form", "small_bias_form", "current_forms", "exact_generator", "exact_ness"]
