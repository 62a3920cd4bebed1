r"""Allowed single-spin flips of the ring and their rates (magnification paper, Sec. II A, D, G).

Every transition flips one spin :math:`i` of a configuration :math:`\eta`.  Its
energy bookkeeping comes from the bond terms of the model
(:func:`symness.models.ising.ising_ring`): bond :math:`(i, i+1)` has energy
:math:`c_b\,\sigma_i\sigma_{i+1}` with :math:`c_b = -J_b`, so flipping
:math:`\sigma_i` changes it by :math:`2J_b\sigma_i\sigma_{i+1}` (eq. 8, pre-flip
spins) and the spin energy by
:math:`\Delta E_i = 2J_i\sigma_i\sigma_{i+1} + 2J_{i-1}\sigma_i\sigma_{i-1}` (eq. 3).
Energy changes are stored as integer coefficients on the coupling parameters
(``J_U``, ``J_D``), so the same table serves the symbolic and the numeric path.

Rates
-----
* nodal spins (site 1: left bath, site :math:`N_U+2`: right bath) --
  Metropolis, eq. (5): :math:`r = \min(1, e^{-\Delta E_i/T_\alpha})`;
* bulk spins, Q2R (eq. 10): :math:`r = 1` if :math:`\Delta E_i = 0`, else the flip
  is forbidden;
* bulk spins, CCA (eqs. 20-21): :math:`r = 1` if
  :math:`\mu\tilde\sigma_i - \Delta E_i \in \{0, \mu, 2\mu, 3\mu\}`, and the demon
  becomes :math:`\tilde\sigma_i - \Delta E_i/\mu`; otherwise forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from ..errors import InvalidParameterError
from .states import StateSpace

__all__ = ["Transitions", "build_transitions", "numeric_rates", "symbolic_rate"]

BULK, LEFT, RIGHT = 0, 1, 2


@dataclass
class Transitions:
    """All allowed single-spin flips (structural: independent of the temperatures).

    Attributes
    ----------
    src, dst
        State indices before / after the flip.
    site
        1-based flipped site.
    bath
        0 bulk, 1 left node, 2 right node.
    dE
        ``(n, n_params)`` integer coefficients of the spin-energy change
        :math:`\\Delta E_i` (eq. 3) on :attr:`params`.
    d_right, d_left
        Same for the energy change of bond :math:`(i, i+1)` (eq. 8) and of
        bond :math:`(i-1, i)`; ``d_right + d_left = dE``.
    params
        Coupling symbols, in column order (``J_U``, ``J_D``).
    """

    src: np.ndarray
    dst: np.ndarray
    site: np.ndarray
    bath: np.ndarray
    dE: np.ndarray
    d_right: np.ndarray
    d_left: np.ndarray
    params: list[sympy.Symbol]

    def __len__(self) -> int:
        return int(self.src.size)

    def energy(self, values: np.ndarray) -> np.ndarray:
        """Numeric :math:`\\Delta E` for coupling values in :attr:`params` order."""
        return self.dE @ np.asarray(values, dtype=float)

    def energy_sym(self, values: list[Any], which: str = "dE") -> list[sympy.Expr]:
        """Symbolic energy changes (``which`` = ``"dE"``, ``"d_right"``, ``"d_left"``)."""
        coef = getattr(self, which)
        return [sum((int(c) * v for c, v in zip(row, values)), sympy.Integer(0)) for row in coef]


def _rational(x: Any, name: str) -> Fraction:
    """Exact rational value of a number (floats by their shortest decimal repr)."""
    if isinstance(x, sympy.Basic):
        if x.free_symbols:
            raise InvalidParameterError(
                f"{name} = {x} is symbolic, but the CCA bulk rule (eq. 21) needs to know whether "
                "Delta E / mu is an integer: pass numeric J_upper, J_lower and mu (temperatures may "
                "stay symbolic).")
        x = sympy.nsimplify(x, rational=True)
        return Fraction(int(x.p), int(x.q))
    return Fraction(str(float(x))) if isinstance(x, float) else Fraction(x)


def build_transitions(space: StateSpace, bond_params: list[int], params: list[sympy.Symbol],
                      nodes: tuple[int, int], bulk: str, cca: dict[str, Any] | None = None
                      ) -> Transitions:
    """Enumerate the allowed flips.

    Parameters
    ----------
    space
        The configuration space.
    bond_params
        For each bond ``b`` (0-based, bond ``b`` joins sites ``b+1`` and ``b+2``
        mod :math:`N_S`), the column of its coupling in ``params``.
    params
        Coupling symbols.
    nodes
        1-based sites of the left and right nodal spin.
    bulk
        ``"q2r"`` or ``"cca"``.
    cca
        For CCA: ``{"J": [values in params order], "mu": mu}`` (numbers).
    """
    n = space.n
    spins = space.spins.astype(np.int64)
    npar = len(params)
    src_all = np.arange(space.n_states, dtype=np.int64)
    out: dict[str, list[np.ndarray]] = {k: [] for k in
                                        ("src", "dst", "site", "bath", "dE", "d_right", "d_left")}
    if bulk == "cca":
        assert cca is not None
        mu = _rational(cca["mu"], "mu")
        Jr = [_rational(v, str(p)) for v, p in zip(cca["J"], params)]
        demon_col = {site: m for m, site in enumerate(space.demon_sites)}
    for idx in range(n):
        site = idx + 1
        left, right = (idx - 1) % n, (idx + 1) % n
        b_right, b_left = idx, (idx - 1) % n
        d_right = np.zeros((space.n_states, npar), dtype=np.int64)
        d_left = np.zeros((space.n_states, npar), dtype=np.int64)
        d_right[:, bond_params[b_right]] += 2 * spins[:, idx] * spins[:, right]
        d_left[:, bond_params[b_left]] += 2 * spins[:, idx] * spins[:, left]
        dE = d_right + d_left
        dst = src_all ^ (1 << idx)
        if site == nodes[0] or site == nodes[1]:
            allowed = np.ones(space.n_states, dtype=bool)
            bath = LEFT if site == nodes[0] else RIGHT
        elif bulk == "q2r":
            allowed = ~dE.any(axis=1)
            bath = BULK
        else:  # CCA, eq. (21)
            bath = BULK
            m = demon_col[site]
            demon = space.demons[:, m].astype(np.int64)
            allowed = np.zeros(space.n_states, dtype=bool)
            shift = np.zeros(space.n_states, dtype=np.int64)
            # classify by the (few) distinct energy-coefficient rows
            rows, inv = np.unique(dE, axis=0, return_inverse=True)
            inv = inv.ravel()
            for r, row in enumerate(rows):
                e = sum((int(c) * Jr[p] for p, c in enumerate(row)), Fraction(0))
                q = -e / mu  # demon change
                if q.denominator != 1:
                    continue
                q = int(q)
                sel = inv == r
                ok = sel & (demon + q >= 0) & (demon + q <= space.levels - 1)
                allowed |= ok
                shift[ok] = q
            dst = dst + shift * space.n_spin_states * space.levels ** m
        src = src_all[allowed]
        out["src"].append(src)
        out["dst"].append(dst[allowed])
        out["site"].append(np.full(src.size, site, dtype=np.int64))
        out["bath"].append(np.full(src.size, bath, dtype=np.int8))
        out["dE"].append(dE[allowed])
        out["d_right"].append(d_right[allowed])
        out["d_left"].append(d_left[allowed])
    cat = {k: np.concatenate(v) for k, v in out.items()}
    return Transitions(cat["src"], cat["dst"], cat["site"], cat["bath"], cat["dE"],
                       cat["d_right"], cat["d_left"], list(params))


def numeric_rates(tr: Transitions, J: np.ndarray, T_left: float, T_right: float) -> np.ndarray:
    """Rates of every transition: Metropolis at the nodes (eq. 5), 1 in the bulk."""
    e = tr.energy(J)
    rates = np.ones(len(tr))
    for b, T in ((LEFT, T_left), (RIGHT, T_right)):
        m = tr.bath == b
        with np.errstate(under="ignore"):
            rates[m] = np.exp(-np.maximum(e[m], 0.0) / T)
    return rates


def energy_sign(e: sympy.Expr, split: sympy.Expr | None = None, case: int = 0) -> int:
    """Sign (+1, 0, -1) of a symbolic energy ``e``; ``split`` = ``J_U - J_D`` with sign ``case``.

    Raises :class:`InvalidParameterError` if the sign cannot be decided.
    """
    e = sympy.expand(e)
    if e == 0:
        return 0
    if e.is_positive:
        return 1
    if e.is_negative:
        return -1
    if split is not None and case != 0:
        ratio = sympy.simplify(e / split)
        if ratio.is_number:
            return int(sympy.sign(ratio)) * case
    raise InvalidParameterError(
        f"cannot decide the sign of the energy change {e}; declare the coupling symbols positive "
        "(sympy.Symbol(..., positive=True)) or pass numbers.")


def symbolic_rate(e: sympy.Expr, T: Any, sign: int | None) -> sympy.Expr:
    """Metropolis rate :math:`\\min(1, e^{-\\Delta E/T})` with a known (or unknown: ``None``) sign."""
    if sign is None:
        return sympy.Min(1, sympy.exp(-e / T))
    if sign <= 0:
        return sympy.Integer(1)
    return sympy.exp(-e / T)
