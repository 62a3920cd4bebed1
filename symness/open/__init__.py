r"""Numeric open-system solvers: Redfield, Davies, local and GKSL Lindblad.

The numeric half of every cross-check in symness.  It never imports the
symbolic layers (kernels, hierarchy, classical).

>>> from symness.open import OpenSystem, Bath, redfield_ness
>>> from symness.baths import ohmic
>>> from symness.spins import sigma
>>> H = 0.5 * sigma("z", 1, 1)
>>> spec = ohmic(gamma=0.01, cutoff=10.0)
>>> sysm = OpenSystem(H, [(sigma("x", 1, 1), Bath(spec, T=2.0)), (sigma("x", 1, 1), Bath(spec, T=1.0))])
>>> ness = redfield_ness(sysm)
>>> round(sum(ness.bath_heat_currents().values()), 12)
0.0

Contents
--------
``OpenSystem``                    H + couplings ``(S, Bath)`` / ``(L, Bath, "rwa")``
``redfield_liouvillian``          non-secular Redfield (canonical convention)
``davies_liouvillian``            secular GKSL (Davies), degeneracies grouped
``gksl_liouvillian``              any GKSL generator from jump operators
``local_lindblad_liouvillian``    local Lindblad (contact Hamiltonians only)
``redfield_ness`` ...             steady states (dense / sparse LU, Krylov), :class:`NESS`
``evolve``                        time evolution for every generator
"""

from ..baths import Bath
from .evolution import Evolution, evolve
from .liouvillian import (
    DaviesLiouvillian,
    GKSLLiouvillian,
    Liouvillian,
    RedfieldLiouvillian,
    davies_liouvillian,
    gksl_liouvillian,
    local_lindblad_liouvillian,
    redfield_liouvillian,
)
from .observables import concurrence, ergotropy, partial_trace, passive_state, von_neumann_entropy
from .steady import NESS, davies_ness, gksl_ness, lindblad_ness, redfield_ness, steady_state
from .superop import HermitianParam, to_column_stacking, unvec, vec
from .system import OpenSystem

__all__ = [
    "OpenSystem",
    "Bath",
    "Liouvillian",
    "RedfieldLiouvillian",
    "DaviesLiouvillian",
    "GKSLLiouvillian",
    "redfield_liouvillian",
    "davies_liouvillian",
    "gksl_liouvillian",
    "local_lindblad_liouvillian",
    "NESS",
    "steady_state",
    "redfield_ness",
    "davies_ness",
    "lindblad_ness",
    "gksl_ness",
    "evolve",
    "Evolution",
    "vec",
    "unvec",
    "to_column_stacking",
    "HermitianParam",
    "concurrence",
    "ergotropy",
    "passive_state",
    "partial_trace",
    "von_neumann_entropy",
]
