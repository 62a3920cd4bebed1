"""Temperature-dependent exchange chain (paper ``coldatom``)."""

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

__all__ = [
    "EPS0",
    "alpha_ratio",
    "alpha_ratio_mpmath",
    "box_levels",
    "canonical_energy",
    "excitation_ratio",
    "ground_energy",
    "temperature",
]
