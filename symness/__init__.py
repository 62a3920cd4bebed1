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

from ._dependencies import check_core as _check_core

_check_core()  # a stale install names what to install instead of failing deep inside a computation

from ._version import __version__  # noqa: E402
from .closedform import ClosedForm  # noqa: E402
from .errors import (  # noqa: E402
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
from .sweep import sweep  # noqa: E402

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
