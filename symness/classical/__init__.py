r"""Classical spin networks: Ising rings between two heat baths (magnification paper, Sec. II).

``from symness.classical import IsingRing`` is the entry point:

>>> from symness.classical import IsingRing
>>> ring = IsingRing(2, 3)                     # N_U = 2, N_D = 3: seven spins
>>> ring.classify(J_upper=2, J_lower=1.9, T_left=2, T_right=0.1).direction
'clockwise'

Modules
-------
``states``       configuration space and the documented state order (eq. 11)
``dynamics``     allowed flips: Metropolis nodes (eq. 5), Q2R (eq. 10) / CCA (eq. 21) bulk
``stationary``   closed classes, numeric (GTH / sparse LU / Krylov) and exact stationary states
``ring``         :class:`IsingRing`: generator, stationary state, heat currents (eqs. 6, 9), their noise
``montecarlo``   kinetic Monte Carlo with standard errors
``fluctuations`` counting statistics: exact noise and cumulants of the heat currents (tilted generator)
``closedforms``  derived closed forms (:class:`~symness.closedform.ClosedForm`) with LaTeX
"""

from .montecarlo import SimulationResult
from .ring import NORMALIZATIONS, IsingRing, Regime
from .states import quantum_index

__all__ = ["IsingRing", "Regime", "SimulationResult", "NORMALIZATIONS", "quantum_index"]
