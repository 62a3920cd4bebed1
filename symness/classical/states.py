r"""Configuration space of a classical Ising ring (with optional CCA demons).

State order (documented API)
----------------------------
A spin configuration :math:`\eta = (\sigma_1, \dots, \sigma_{N_S})` has index

.. math::  k = \sum_{i=1}^{N_S} u_i\, 2^{i-1}, \qquad u_i = (1 + \sigma_i)/2,

i.e. site 1 is the *least* significant bit and "up" is 1.  For three spins this
is exactly the order of the magnification paper's eq. (11):
:math:`(\downarrow\downarrow\downarrow), (\uparrow\downarrow\downarrow),
(\downarrow\uparrow\downarrow), (\uparrow\uparrow\downarrow),
(\downarrow\downarrow\uparrow), \dots, (\uparrow\uparrow\uparrow)` with the
arrows listing sites 1, 2, 3 from left to right.  (This differs from the
quantum basis of :mod:`symness.spins`, where site 1 is the *most* significant
bit and index 0 is all up; :func:`quantum_index` converts.)

For the Creutz cellular automaton (CCA) every bulk site :math:`j` carries a
demon :math:`\tilde\sigma_j \in \{0, 1, 2, 3\}`; the full index is
:math:`k + 2^{N_S} \sum_m \tilde\sigma_{b_m} 4^{m}` with :math:`b_0 < b_1 < \dots`
the bulk sites in increasing order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidParameterError, SiteOutOfRangeError

__all__ = ["StateSpace", "quantum_index", "spin_index"]

UP, DOWN = "\u2191", "\u2193"

#: Largest ``n_states * n`` for which configurations are listed (int8 spins, about 50 MB);
#: the exact master equation and state listings refuse larger rings.
MAX_LISTED = 5 * 10**7


def spin_index(spins: np.ndarray) -> np.ndarray:
    """Index :math:`\\sum_i u_i 2^{i-1}` of spin configurations (last axis = sites, values +-1)."""
    s = np.asarray(spins)
    up = (s > 0).astype(np.int64)
    return (up << np.arange(s.shape[-1], dtype=np.int64)).sum(axis=-1)


def quantum_index(k: int | np.ndarray, n: int) -> int | np.ndarray:
    """The :mod:`symness.spins` basis index of classical spin configuration ``k``.

    symness.spins: site 1 is the most significant bit and a bit is 1 for *down*;
    here site 1 is the least significant bit and a bit is 1 for *up*.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidParameterError(f"n = {n!r} must be a positive integer number of spins.")
    k_in = np.asarray(k)
    if k_in.dtype.kind not in "iu":
        raise InvalidParameterError(f"k = {k!r} must be an integer configuration index.")
    if np.any(k_in < 0) or np.any(k_in >= 2**n):
        raise SiteOutOfRangeError(
            f"configuration index k = {k!r} is out of range for n = {n} spins; use 0..{2**n - 1}.")
    k = k_in.astype(np.int64)
    out = np.zeros_like(k)
    for i in range(n):  # site i+1
        down = 1 - ((k >> i) & 1)
        out |= down << (n - 1 - i)
    return out.item() if out.ndim == 0 else out


@dataclass
class StateSpace:
    """All configurations of ``n`` spins plus one 4-level demon per site in ``demon_sites``.

    Attributes
    ----------
    n
        Number of spins :math:`N_S`.
    demon_sites
        1-based sites carrying a CCA demon (empty for Q2R).
    levels
        Demon levels (4: :math:`\\tilde\\sigma \\in \\{0,1,2,3\\}`, eq. 20).
    """

    n: int
    demon_sites: tuple[int, ...] = ()
    levels: int = 4
    _spins: np.ndarray | None = field(default=None, repr=False)
    _demons: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_spin_states(self) -> int:
        return 1 << self.n

    @property
    def n_states(self) -> int:
        return self.n_spin_states * self.levels ** len(self.demon_sites)

    @property
    def listable(self) -> bool:
        """Whether the configurations can be listed (``n_states * n <= MAX_LISTED``)."""
        return self.n_states * self.n <= MAX_LISTED

    def check_listable(self, what: str = "listing every configuration") -> None:
        """Raise :class:`InvalidParameterError` if the configurations are too many to list."""
        if not self.listable:
            raise InvalidParameterError(
                f"{what} needs all 2**{self.n}"
                f"{f' x 4**{len(self.demon_sites)}' if self.demon_sites else ''} configurations of "
                f"{self.n} spins{' with demons' if self.demon_sites else ''}: more than the limit "
                f"n_states * N_S <= {MAX_LISTED:.0e} (symness.classical.states.MAX_LISTED). For rings "
                "this large use IsingRing.simulate (Monte Carlo, Q2R bulk) without record_states.")

    @property
    def spins(self) -> np.ndarray:
        """``(n_states, n)`` int8 array of :math:`\\sigma_i = \\pm 1` (column ``i-1`` is site ``i``)."""
        if self._spins is None:
            self.check_listable()
            k = np.arange(self.n_states, dtype=np.int64) % self.n_spin_states
            self._spins = (((k[:, None] >> np.arange(self.n)) & 1) * 2 - 1).astype(np.int8)
        return self._spins

    @property
    def demons(self) -> np.ndarray:
        """``(n_states, len(demon_sites))`` int8 array of demon levels."""
        if self._demons is None:
            self.check_listable()
            d = np.arange(self.n_states, dtype=np.int64) // self.n_spin_states
            m = len(self.demon_sites)
            self._demons = ((d[:, None] // self.levels ** np.arange(m)) % self.levels).astype(np.int8)
        return self._demons

    def index(self, spins: np.ndarray, demons: np.ndarray | None = None) -> np.ndarray:
        """Index of configurations given spins (``..., n``) and demons (``..., m``)."""
        k = spin_index(spins)
        if self.demon_sites:
            if demons is None:
                demons = np.zeros(np.shape(spins)[:-1] + (len(self.demon_sites),), dtype=np.int64)
            d = np.asarray(demons, dtype=np.int64)
            k = k + self.n_spin_states * (d * self.levels ** np.arange(d.shape[-1])).sum(axis=-1)
        return k

    def flip_all(self, k: np.ndarray | int) -> np.ndarray | int:
        """Index after flipping every spin (demons unchanged): the global :math:`Z_2` partner."""
        return np.asarray(k) ^ (self.n_spin_states - 1)

    def label(self, k: int) -> str:
        """``"↑↓↓"`` (sites 1..n left to right), plus ``"|d1,d2,..."`` demon levels for CCA."""
        s = "".join(UP if x > 0 else DOWN for x in self.spins[k])
        if self.demon_sites:
            s += "|" + ",".join(str(int(x)) for x in self.demons[k])
        return s

    def labels(self) -> list[str]:
        """Labels of all states in index order."""
        return [self.label(k) for k in range(self.n_states)]
