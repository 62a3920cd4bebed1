"""symness: a symbolic-analytic companion for heat and spin transport in spin networks.

SymPy derives the closed forms, :class:`ClosedForm` turns them into fast
numeric functions and LaTeX, and independent numeric solvers check them.

Subpackages
-----------
``symness.spins``       spin operators on N sites, sectors (symbolic + numeric)
``symness.baths``       spectral densities, Bose function, canonical rates, presets
``symness.closedform``  :class:`ClosedForm`
``symness.sweep``       parameter sweeps with progress and executors
``symness.registry``    cross-checks, LaTeX sections and figures for the CLI
"""

from ._version import __version__
from .closedform import ClosedForm
from .errors import (
    ConvergenceError,
    DegeneracyError,
    InvalidModelError,
    InvalidParameterError,
    NegativeCouplingError,
    NegativeTemperatureError,
    NonHermitianError,
    NonUniqueSteadyStateError,
    PositivityWarning,
    PrecisionWarning,
    SectorError,
    ShapeMismatchError,
    SiteOutOfRangeError,
    SymnessError,
    SymnessWarning,
)
from .sweep import sweep

__all__ = [
    "__version__",
    "ClosedForm",
    "sweep",
    "SymnessError",
    "InvalidModelError",
    "NonHermitianError",
    "ShapeMismatchError",
    "SiteOutOfRangeError",
    "InvalidParameterError",
    "NegativeTemperatureError",
    "NegativeCouplingError",
    "NonUniqueSteadyStateError",
    "SectorError",
    "ConvergenceError",
    "DegeneracyError",
    "SymnessWarning",
    "PositivityWarning",
    "PrecisionWarning",
]
