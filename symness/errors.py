"""Errors and warnings raised by symness.

Every error the package raises on purpose is a subclass of :class:`SymnessError`,
so ``except symness.SymnessError`` catches all of them.  Each message says what
was wrong *and what to change*.

Hierarchy
---------
::

    SymnessError
    ├── InvalidModelError            (also a ValueError)
    │   ├── NonHermitianError
    │   ├── ShapeMismatchError
    │   └── SiteOutOfRangeError      (also an IndexError)
    ├── InvalidParameterError        (also a ValueError)
    │   ├── NegativeTemperatureError
    │   └── NegativeCouplingError
    ├── NonUniqueSteadyStateError    (carries .reason and .classes)
    ├── SectorError                  (also a ValueError; empty / non-existent sector)
    ├── ConvergenceError             (also a RuntimeError)
    ├── DegeneracyError              (a derivation's non-degeneracy hypothesis fails)
    └── DerivationTooLargeError      (a closed form would be too large or intractable; names the route)

    SymnessWarning (UserWarning)
    ├── PositivityWarning            (a steady state with negative eigenvalues)
    └── PrecisionWarning             (a result float64 cannot resolve to the wanted accuracy)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
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
    "DerivationTooLargeError",
    "MissingDependencyError",
    "SymnessWarning",
    "PositivityWarning",
    "PrecisionWarning",
]


class SymnessError(Exception):
    """Base class of every error raised by symness."""


class InvalidModelError(SymnessError, ValueError):
    """The model definition (Hamiltonian, couplings, geometry) is invalid."""


class NonHermitianError(InvalidModelError):
    """An operator that must be Hermitian (Hamiltonian, coupling) is not."""


class ShapeMismatchError(InvalidModelError):
    """Operators have incompatible shapes (e.g. not the Hilbert-space dimension)."""


class SiteOutOfRangeError(InvalidModelError, IndexError):
    """A site index is outside ``1..n`` (sites are 1-based, as in the papers)."""


class InvalidParameterError(SymnessError, ValueError):
    """A physical parameter is outside its allowed range."""


class NegativeTemperatureError(InvalidParameterError):
    """A temperature is negative (or zero where zero is not allowed)."""


class NegativeCouplingError(InvalidParameterError):
    """A coupling or rate that must be non-negative is negative."""


class SectorError(SymnessError, ValueError):
    """A requested symmetry sector does not exist or is empty."""


class ConvergenceError(SymnessError, RuntimeError):
    """An iterative solver did not converge to the requested tolerance."""


class DegeneracyError(SymnessError, ValueError):
    """A derivation's non-degeneracy hypothesis is violated.

    Raised instead of returning a result that silently assumes a
    non-degenerate spectrum (degenerate Bohr frequencies, degenerate
    perturbation-theory blocks, ...).
    """


class MissingDependencyError(SymnessError, ImportError):
    """A core dependency of symness is not installed (a stale installation); the message says what to install.

    Attribute :attr:`missing` lists the distribution names.
    """

    def __init__(self, message: str, missing: list[str] | None = None):
        super().__init__(message)
        self.missing = list(missing or [])


class DerivationTooLargeError(SymnessError):
    """A symbolic derivation was refused before expanding: its result would be too large (or intractable).

    Raised in well under a second from a size estimate (number of spanning
    trees, polynomial degree, block size), before anything is expanded.  The
    message names the route to take instead (implicit spectrum or implicit
    populations, a numeric solver, a smaller model) and the limit to raise.
    Attribute :attr:`estimate` holds the estimated size.
    """

    def __init__(self, message: str, *, estimate: float | None = None):
        super().__init__(message)
        self.estimate = estimate


class NonUniqueSteadyStateError(SymnessError):
    """The stationary state is not unique.

    Parameters
    ----------
    message
        What happened and what to change.
    reason
        Short machine-readable reason, e.g. ``"conserved total S^z"`` or
        ``"several closed classes"``.
    classes
        The invariant subspaces / closed classes / sectors found, as a list
        (e.g. ``[0, 1, 2, 3, 4]`` up-spin numbers, or lists of state indices).
    """

    def __init__(self, message: str, *, reason: str = "", classes: Sequence[Any] = ()):
        super().__init__(message)
        self.reason = reason
        self.classes = list(classes)


class SymnessWarning(UserWarning):
    """Base class of symness warnings."""


class PositivityWarning(SymnessWarning):
    """A density matrix has eigenvalues below ``-tol``.

    Redfield (non-GKSL) steady states are not guaranteed positive; a negative
    eigenvalue signals the master equation is used beyond its validity.
    """


class PrecisionWarning(SymnessWarning):
    """A reported number is less accurate than requested and could not be recomputed.

    Issued when the estimated forward error of a result (round-off in the
    terms that cancel, the residual and conditioning of the linear solve)
    exceeds its tolerance and no extended-precision recomputation was done
    (too large a problem, or ``precision="double"``).  The message gives the
    estimated error; increase the precision or change the parameters.
    """
