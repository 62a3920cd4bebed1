"""Weak-coupling perturbation hierarchy (paper: weak_coupling)."""

from .exact import exact_generator, exact_ness
from .numeric import Hierarchy, perturbative_ness

__all__ = ["Hierarchy", "perturbative_ness", "exact_generator", "exact_ness"]
