r"""The papers' numerical experiments: ring4 (Figs. 2-4) and the magnification paper (Sec. III).

Data for the figures and the located features (total-current minimum,
spin-current inversion, avoided crossings, current regimes), computed with
the Redfield solver from the models of :mod:`symness.models.rings`.

Branch-current convention
-------------------------
Sites are numbered clockwise (left contact = 1).  For a ring with contacts
``1`` and ``c``: the upper-branch current ``I_U`` is the bond current through
site 2 (left to right), the lower-branch current ``I_D`` (left to right) is
minus the bond current through site ``n`` (ring4: :math:`I_D = -j_4`).  At
steady state :math:`j_L = I_U + I_D` (ring4: :math:`j_L = j_2 - j_4`).
Regimes: *parallel* when :math:`I_U I_D > 0`; *clockwise* when
:math:`I_U > 0 > I_D` (energy circulates 1 -> 2 -> ... -> n -> 1);
*counterclockwise* when :math:`I_U < 0 < I_D`.  A circulating regime is the
"current magnification" of the magnification paper: one branch carries more
than the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize

from ..errors import NonUniqueSteadyStateError
from ..models.rings import two_branch_ring, xxz_ring
from .channels import cluster_values
from .steady import redfield_ness

__all__ = [
    "RING4",
    "ring4_model",
    "magnification_model",
    "RingSweep",
    "ring_sweep",
    "regimes",
    "ring4_current_minimum",
    "ring4_spin_current_inversion",
    "min_gap",
    "level_populations",
]

#: ring4 paper parameters (Sec. II, Fig. 2 caption)
RING4 = dict(n=4, J=1.0, fields={2: 2.0, 3: 1.0}, contacts=(1, 3), T_left=2.0, T_right=1.0, gamma=0.01,
             cutoff=10.0)


def ring4_model(**kw: Any):
    """The ring4 XXZ ring with the paper's parameters (``kw`` overrides them)."""
    return xxz_ring(**(RING4 | kw))


def magnification_model(n_upper: int = 2, n_lower: int = 1, **kw: Any):
    """The two-branch ring of the magnification paper (J = 1, sqrt(gamma) = 0.1, Omega_C = 10, T = 2, 1)."""
    return two_branch_ring(n_upper, n_lower, **kw)


def regimes(I_U: np.ndarray, I_D: np.ndarray) -> np.ndarray:
    """``+1`` clockwise, ``0`` parallel, ``-1`` counterclockwise (see module docstring)."""
    I_U, I_D = np.asarray(I_U), np.asarray(I_D)
    out = np.zeros(np.broadcast(I_U, I_D).shape, dtype=int)
    out[(I_U > 0) & (I_D < 0)] = 1
    out[(I_U < 0) & (I_D > 0)] = -1
    return out


def level_populations(E: np.ndarray, p: np.ndarray, tol: float = 1e-8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct levels (energies within ``tol`` merged), their populations and degeneracies."""
    lab, centers = cluster_values(E, tol)
    pops = np.bincount(lab, weights=p, minlength=centers.size)
    deg = np.bincount(lab, minlength=centers.size)
    return centers, pops, deg


@dataclass
class RingSweep:
    """Observables of a ring's Redfield NESS over a parameter sweep (one row per point)."""

    x: np.ndarray
    up_spins: int
    jL: np.ndarray = field(default_factory=lambda: np.zeros(0))
    I_U: np.ndarray = field(default_factory=lambda: np.zeros(0))
    I_D: np.ndarray = field(default_factory=lambda: np.zeros(0))
    j_spin: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ergotropy: np.ndarray = field(default_factory=lambda: np.zeros(0))
    energies: np.ndarray = field(default_factory=lambda: np.zeros(0))
    populations: np.ndarray = field(default_factory=lambda: np.zeros(0))
    magnetizations: np.ndarray = field(default_factory=lambda: np.zeros(0))
    zz23: np.ndarray = field(default_factory=lambda: np.zeros(0))
    concurrence23: np.ndarray = field(default_factory=lambda: np.zeros(0))
    min_eigenvalue: np.ndarray = field(default_factory=lambda: np.zeros(0))
    balance: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def regime(self) -> np.ndarray:
        return regimes(self.I_U, self.I_D)


def ring_sweep(model: Any, param: str, values: Sequence[float], up_spins: int, *, local: bool = False,
               **fixed: Any) -> RingSweep:
    """Sweep ``param`` of a ring model and collect the Redfield NESS observables.

    Points where the NESS is not unique (e.g. the XX point of the six-spin ring)
    are NaN.  ``local=True`` also records magnetisations, the
    :math:`\\langle\\sigma^z_2\\sigma^z_3\\rangle` correlation and the concurrence of sites 2, 3.
    """
    xs = np.asarray(values, dtype=float)
    n = model.n
    rows: dict[str, list[Any]] = {k: [] for k in ("jL", "I_U", "I_D", "j_spin", "ergotropy", "energies",
                                                  "populations", "magnetizations", "zz23", "concurrence23",
                                                  "min_eigenvalue", "balance")}
    d = None
    for x in xs:
        try:
            ness = redfield_ness(model, up_spins=up_spins, **(fixed | {param: x}))
        except NonUniqueSteadyStateError:
            for k in rows:
                rows[k].append(None)
            continue
        J = ness.bath_heat_currents()
        d = ness.space.dim
        rows["jL"].append(J["L"])
        rows["balance"].append(J["L"] + J["R"])
        rows["I_U"].append(ness.bond_heat_current(2))
        rows["I_D"].append(-ness.bond_heat_current(n))
        rows["j_spin"].append(ness.spin_current((1, 2)))
        rows["ergotropy"].append(ness.ergotropy())
        rows["energies"].append(ness.energies)
        rows["populations"].append(ness.populations())
        rows["min_eigenvalue"].append(ness.min_eigenvalue)
        if local:
            rows["magnetizations"].append(ness.magnetizations())
            rows["zz23"].append(ness.zz_correlation(2, 3))
            rows["concurrence23"].append(ness.concurrence(2, 3))
    out = RingSweep(xs, up_spins)
    for k, v in rows.items():
        if not v or all(e is None for e in v):
            continue
        shape = np.shape(next(e for e in v if e is not None))
        arr = np.array([np.full(shape, np.nan) if e is None else e for e in v], dtype=float)
        setattr(out, k, arr)
    del d
    return out


def _jL(model: Any, up_spins: int, **kw: Any) -> float:
    return redfield_ness(model, up_spins=up_spins, **kw).bath_heat_currents()["L"]


def ring4_current_minimum(bracket: tuple[float, float] = (1.8, 2.6), up_spins: int = 2, **kw: Any
                          ) -> tuple[float, float]:
    """``(Delta_min, j_L(Delta_min))`` of the total heat current (ring4 Sec. IV: ~2.19)."""
    model = ring4_model(**kw)
    res = optimize.minimize_scalar(lambda D: _jL(model, up_spins, Delta=D), bounds=bracket, method="bounded",
                                   options={"xatol": 1e-7})
    return float(res.x), float(res.fun)


def ring4_spin_current_inversion(bracket: tuple[float, float] = (2.0, 2.4), up_spins: int = 2, **kw: Any
                                 ) -> float:
    """The interaction Delta where the spin current changes sign (ring4 Fig. 2(d))."""
    model = ring4_model(**kw)
    return float(optimize.brentq(lambda D: redfield_ness(model, up_spins=up_spins, Delta=D).spin_current(),
                                 *bracket, xtol=1e-12))


def min_gap(model: Any, up_spins: int, k: int, bracket: tuple[float, float], param: str = "Delta",
            **kw: Any) -> tuple[float, float]:
    """Avoided crossing: ``(x*, min gap)`` of :math:`E_{k+1} - E_k` (1-based levels) over ``bracket``."""
    from .system import OpenSystem

    def gap(x: float) -> float:
        E = OpenSystem.from_model(model, **(kw | {param: x})).space(up_spins).E
        return float(E[k] - E[k - 1])

    grid = np.linspace(*bracket, 61)
    g = [gap(x) for x in grid]
    i = int(np.argmin(g))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = optimize.minimize_scalar(gap, bounds=(lo, hi), method="bounded", options={"xatol": 1e-9})
    return float(res.x), float(res.fun)
