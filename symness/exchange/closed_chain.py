r"""Closed-system quench of the exchange chain from flipped spins (paper ``coldatom``, Figs. 3-4).

At :math:`t = 0` the link is the product configuration
:math:`|\psi_0\rangle` (e.g. :math:`|{\uparrow\uparrow\uparrow\downarrow\uparrow\uparrow\uparrow}\rangle`)
and evolves under :math:`h = \sum_l \frac{\alpha_l}{2g}\boldsymbol\sigma_l\cdot
\boldsymbol\sigma_{l+1}` (eq. 3).  :math:`h` conserves the number of down
spins (magnons), so the evolution is computed exactly inside the sector of the
initial state: the block (assembled from the model's terms, see
:func:`~symness.exchange.chain.sector_operator`) is diagonalised once and
every requested time is a matrix product (sectors larger than 3000 states are
propagated with the Krylov matrix exponential instead).  One magnon: an
:math:`N\times N` tridiagonal problem; any number of magnons: the
:math:`\binom{N}{k}` block.

Units: :math:`\hbar = 1`, energies in :math:`J_0 = \alpha_1/g`, time
:math:`J_0 t`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg as la
from scipy.sparse.linalg import expm_multiply

from ..errors import InvalidParameterError
from ..models.exchange_chain import ExchangeChain, exchange_chain
from .chain import (
    bond_current_terms,
    down_terms,
    magnetization_terms,
    paper_current_terms,
    parse_configuration,
    sector_basis,
    sector_operator,
)

__all__ = ["QuenchResult", "quench", "chain_for"]

#: sectors up to this dimension are diagonalised densely; larger ones use Krylov propagation
_DENSE_MAX = 3000
#: Largest sector dimension of a quench (Krylov propagation; C(20, 10) = 184756 fits).
MAX_QUENCH_DIM = 200_000
#: Largest number of stored amplitudes, len(times) x sector dimension (16 bytes each).
MAX_QUENCH_ENTRIES = 2 * 10**7


def chain_for(alphas: Sequence[float], g: float = 1.0) -> tuple[ExchangeChain, dict]:
    """The model with ``len(alphas) + 1`` sites and its resolved numeric values."""
    try:
        if isinstance(alphas, (str, bytes)):
            raise TypeError
        a = np.asarray(alphas, dtype=float).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        raise InvalidParameterError(
            f"alphas = {alphas!r}: pass the bond coefficients alpha_l/alpha_1 as real numbers "
            "(e.g. step_profile(7, 0.0, 2.0)).") from None
    if a.size < 1:
        raise InvalidParameterError("give at least one exchange coefficient (one bond).")
    if np.any(~np.isfinite(a)) or np.any(a <= 0):
        raise InvalidParameterError(f"exchange coefficients must be finite and > 0, got {a}.")
    if (isinstance(g, (bool, np.bool_)) or not isinstance(g, (int, float, np.integer, np.floating))
            or not np.isfinite(g) or g <= 0):
        raise InvalidParameterError(f"g = {g!r} must be a finite number > 0.")
    model = exchange_chain(int(a.size) + 1)
    return model, model.resolve(g=float(g), **model.profile_values(a))


@dataclass
class QuenchResult:
    r"""Time evolution of a quench (all arrays indexed ``[time, ...]``).

    Attributes
    ----------
    times
        :math:`J_0 t`.
    down
        :math:`\langle S^\downarrow_i(t)\rangle`, shape ``(len(times), N)`` (eq. 6).
    current_paper
        Eq. (9) as printed, :math:`\sum_i\langle\sigma^y_i\sigma^x_{i+1}-\sigma^x_i\sigma^y_{i+1}\rangle`.
    bond_currents
        Continuity-equation down-spin currents :math:`\langle j_l\rangle` through bonds
        ``l = 1..N-1`` (units of :math:`J_0`), shape ``(len(times), N-1)``.
    magnetization
        :math:`m(t) = \tfrac12\sum_i\langle\sigma^z_i\rangle` (eq. 10).
    up_spins, basis
        The magnetization sector (number of up spins) and its full-space basis indices.
    states
        Sector state vectors, shape ``(len(times), dim)``.
    """

    times: np.ndarray
    down: np.ndarray
    current_paper: np.ndarray
    bond_currents: np.ndarray
    magnetization: np.ndarray
    alphas: np.ndarray
    up_spins: int
    basis: np.ndarray = field(repr=False)
    states: np.ndarray = field(repr=False)

    @property
    def current(self) -> np.ndarray:
        r"""Total down-spin current :math:`\sum_l \langle j_l\rangle` (units of :math:`J_0`)."""
        return self.bond_currents.sum(axis=1)


def quench(alphas: Sequence[float], initial: Any, times: Any, *, g: float = 1.0) -> QuenchResult:
    r"""Exact closed-chain dynamics from a product configuration.

    Parameters
    ----------
    alphas
        Bond coefficients :math:`\alpha_l/\alpha_1`, ``l = 1..N-1`` (e.g. from
        :func:`~symness.exchange.step_profile`).
    initial
        The configuration at :math:`t = 0`: ``"↑↑↑↓↑↑↑"`` (``"uuuduuu"``) or
        a list of 1-based down sites; any number of flipped spins.
    times
        :math:`J_0 t` values (array-like, >= 0 not required).
    g
        Interaction strength in units with :math:`\alpha_1 = 1` (default 1,
        i.e. energies in :math:`J_0`).

    Returns
    -------
    QuenchResult
    """
    model, values = chain_for(alphas, g)
    n = model.n
    n, down = parse_configuration(initial, n)
    up = n - int(down.size)
    dim = math.comb(n, up)
    if dim > MAX_QUENCH_DIM:
        raise InvalidParameterError(
            f"the quench from {initial!r} lives in the sector with {n - up} flipped spins of {n} sites, "
            f"C({n}, {n - up}) = {dim} states: more than MAX_QUENCH_DIM = {MAX_QUENCH_DIM}. Flip fewer "
            "spins or shorten the chain (or raise symness.exchange.closed_chain.MAX_QUENCH_DIM).")
    try:
        t = np.atleast_1d(np.asarray(times, dtype=float)).reshape(-1)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"times = {times!r} must be real numbers (units of 1/J_0).") from None
    if not np.all(np.isfinite(t)):
        raise InvalidParameterError("times must be finite numbers (units of 1/J_0).")
    if t.size * dim > MAX_QUENCH_ENTRIES:
        raise InvalidParameterError(
            f"{t.size} times x {dim} sector states = {t.size * dim} stored amplitudes, more than "
            f"MAX_QUENCH_ENTRIES = {MAX_QUENCH_ENTRIES}; ask for fewer times.")
    basis = sector_basis(n, up)
    Hs = sector_operator(model.terms, n, up, values)
    idx0 = sum(1 << (n - int(s)) for s in down)
    psi0 = np.zeros(basis.size, dtype=complex)
    psi0[int(np.searchsorted(basis, idx0))] = 1.0
    if basis.size <= _DENSE_MAX:
        w, V = la.eigh(Hs.toarray())
        c = V.conj().T @ psi0
        states = (np.exp(-1j * np.outer(t, w)) * c[None, :]) @ V.T
    else:  # large sectors: Krylov propagation between the requested times
        states = np.empty((t.size, basis.size), dtype=complex)
        order = np.argsort(t)
        v, t_prev = psi0, 0.0
        A = (-1j * Hs).tocsc()
        for k in order:
            v = expm_multiply(A * (t[k] - t_prev), v) if t[k] != t_prev else v
            t_prev = t[k]
            states[k] = v
    # observables are diagonal (densities) or sector blocks (currents)
    probs = np.abs(states) ** 2
    bits = ((basis[:, None] >> (n - np.arange(1, n + 1))[None, :]) & 1).astype(float)
    downs = probs @ bits
    mag = probs @ (0.5 * (n - 2 * bits.sum(axis=1)))
    Jp = sector_operator(paper_current_terms(n), n, up)
    cur_paper = np.einsum("ti,ti->t", states.conj(), (Jp @ states.T).T).real
    bonds = np.empty((t.size, n - 1))
    for l in range(1, n):
        Jl = sector_operator(bond_current_terms(model, l), n, up, values)
        bonds[:, l - 1] = np.einsum("ti,ti->t", states.conj(), (Jl @ states.T).T).real
    return QuenchResult(t, downs, cur_paper, bonds, mag, np.asarray(alphas, float), up, basis, states)


# silence "imported but unused" for helpers re-exported for users of this module
_ = (down_terms, magnetization_terms)
