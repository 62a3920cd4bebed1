r"""The full (non-secular) kernel of eq. (5.2) and the steady coherences (qubit_kernels Sec. IV C 1).

Born--Markov master equation in the energy eigenbasis (eq. 2.2),
:math:`\dot\rho_{pp'} = -iE_{pp'}\rho_{pp'} + \sum_{qq'}K_{pp',qq'}\rho_{qq'}`, with
(Lamb shift dropped, :math:`H_{SB} = \sum_\alpha S^\alpha B^\alpha`,
:math:`D^{\alpha\beta}(\omega) = \int dt\,e^{i\omega t}\langle B^\alpha(t)B^\beta(0)\rangle`)

.. math::

    K_{pp',qq'} = \tfrac12\sum_{\alpha\beta}S^\beta_{pq}S^\alpha_{q'p'}
        \bigl[D^{\alpha\beta}(E_{q'p'}) + D^{\alpha\beta}(E_{qp})\bigr]
      - \tfrac12\delta_{p'q'}\sum_{l\alpha\beta}S^\alpha_{pl}S^\beta_{lq}D^{\alpha\beta}(E_{ql})
      - \tfrac12\delta_{pq}\sum_{l\alpha\beta}S^\alpha_{q'l}S^\beta_{lp'}D^{\alpha\beta}(E_{q'l}).

This is the Bloch--Redfield tensor (derived from
:math:`-\int_0^\infty ds\,\mathrm{Tr}_B[H_I(t),[H_I(t-s),\rho\otimes\rho_B]]`); the
paper's printed eq. (5.2) evaluates the two loss terms at :math:`E_{pl}` and
:math:`E_{p'l}` instead (``variant="paper"``).  Both agree on the population
block (eq. 5.3) and differ only in non-secular elements that couple
populations to coherences (``docs/errata.md``).

RWA coupling :math:`L^\dagger B + L B^\dagger`: :math:`S = (L^\dagger, L)`,
:math:`D^{12}(\omega) = \theta(\omega)\gamma(\omega)`,
:math:`D^{21}(\omega) = \theta(-\omega)\gamma(\omega)`; Hermitian coupling:
:math:`S = (S)`, :math:`D^{11} = \gamma`.

For the coupled qubits the populations and the coherence :math:`\rho_{23}`
between the two one-excitation levels form an invariant block.  The paper
(eqs. 4.26--4.31) concludes that :math:`\rho_{23}` decays to zero; the
source term :math:`B_1\rho_{11} + B_4\rho_{44}` (and the terms the paper omits)
makes the steady :math:`\rho_{23}` non-zero, of first order in the
system--bath coupling:
:func:`coherence_steady_state` gives its leading order
:math:`\rho_{23} = i\sum_p K_{23,pp}\rho_p/E_{32} + O(g^2)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from ..closedform import ClosedForm
from ..errors import InvalidParameterError
from .functions import Bose
from .pauli import CONVENTIONS, PauliKernel

__all__ = ["RedfieldKernel", "redfield_kernel", "coherence_steady_state"]


class RedfieldKernel:
    r"""The tensor :math:`K_{pp',qq'}` of eq. (5.2) for a :class:`~symness.kernels.PauliKernel`'s system.

    Attributes
    ----------
    elements
        ``{(p, p', q, q'): expr}`` (0-based level indices, energy order),
        non-zero elements only, per bath in :attr:`by_bath`.
    variant
        ``"redfield"`` (Bloch--Redfield, default) or ``"paper"`` (eq. 5.2 as printed).
    """

    def __init__(self, pk: PauliKernel, by_bath: dict[str, dict[tuple[int, int, int, int], sympy.Expr]],
                 variant: str):
        self.pauli = pk
        self.by_bath = by_bath
        self.variant = variant
        total: dict[tuple[int, int, int, int], sympy.Expr] = {}
        for els in by_bath.values():
            for k, v in els.items():
                total[k] = total.get(k, sympy.S.Zero) + v
        self.elements = {k: v for k, v in total.items() if v != 0}

    @property
    def dim(self) -> int:
        return self.pauli.dim

    def __getitem__(self, key: tuple[int, int, int, int]) -> sympy.Expr:
        return self.elements.get(tuple(key), sympy.S.Zero)

    def nonzero(self, rows: list[tuple[int, int]] | None = None) -> dict[tuple[int, int], list[tuple[int, int]]]:
        """``{(p, p'): [(q, q'), ...]}``: the structure of the tensor (1-based pairs like the paper)."""
        out: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for (p, pp, q, qq), v in sorted(self.elements.items()):
            if rows is not None and (p + 1, pp + 1) not in rows:
                continue
            if sympy.simplify(v) != 0:
                out.setdefault((p + 1, pp + 1), []).append((q + 1, qq + 1))
        return out

    def generator(self, block: list[tuple[int, int]]) -> sympy.Matrix:
        r"""The generator :math:`-iE_{pp'}\delta + K` restricted to a list of 0-based pairs ``(p, p')``."""
        E = self.pauli.energies
        n = len(block)
        M = sympy.zeros(n, n)
        for a, (p, pp) in enumerate(block):
            M[a, a] += -sympy.I * (E[p] - E[pp])
            for b, (q, qq) in enumerate(block):
                M[a, b] += self[(p, pp, q, qq)]
        return M


def _channel_sign(pk: PauliKernel, omega: sympy.Expr) -> tuple[int, Any]:
    """Match a signed frequency to ``(+1|-1|0, channel symbol)``."""
    omega = sympy.simplify(omega)
    if omega == 0:
        return 0, sympy.S.Zero
    for ch in pk.channels.values():
        if sympy.simplify(omega - ch.expr) == 0:
            return 1, ch.symbol
        if sympy.simplify(omega + ch.expr) == 0:
            return -1, ch.symbol
    raise InvalidParameterError(f"frequency {omega} is not a Bohr frequency carried by the couplings.")


def _gamma(pk: PauliKernel, bath: str, omega: sympy.Expr) -> sympy.Expr:
    r"""Canonical :math:`\gamma(\omega)` at a signed Bohr frequency, in the kernel's symbols."""
    kind, b = pk.coupling(bath)
    sign, w = _channel_sign(pk, omega)
    T = sympy.sympify(b.T)
    factor = sympy.nsimplify(b.preset.factor)
    spec = b.spectrum
    if sign == 0:
        slope = getattr(spec, "slope0", None)
        return factor * T * sympy.nsimplify(slope) if slope is not None else b.rate_sym(0)
    if hasattr(spec, "sym"):
        g = spec.sym(w)
        n = Bose(w, T)
        return factor * g * ((1 + n) if sign > 0 else n)
    return b.rate_sym(sign * w)


def redfield_kernel(pk: PauliKernel, variant: str = "redfield") -> RedfieldKernel:
    r"""The full kernel :math:`K_{pp',qq'}` of eq. (5.2) (module docstring), Lamb shift dropped.

    Parameters
    ----------
    pk
        A :class:`~symness.kernels.PauliKernel` (its eigenbasis, couplings and
        channel symbols are used).
    variant
        ``"redfield"``: loss terms at :math:`E_{ql}`, :math:`E_{q'l}`
        (Bloch--Redfield, agrees with ``symness.open.redfield_liouvillian``);
        ``"paper"``: at :math:`E_{pl}`, :math:`E_{p'l}` as printed in eq. (5.2).
    """
    if variant not in ("redfield", "paper"):
        raise InvalidParameterError("variant must be 'redfield' or 'paper'.")
    if not isinstance(pk, PauliKernel):
        raise InvalidParameterError(
            f"redfield_kernel takes the PauliKernel of pauli_kernel(...), got {type(pk).__name__}.")
    d = pk.dim
    E = pk.energies
    by_bath: dict[str, dict[tuple[int, int, int, int], sympy.Expr]] = {}
    for bath in pk.baths:
        kind, _ = pk.coupling(bath)
        M = pk.elements[bath]
        if kind == "rwa":
            S = [M.H, M]  # S^1 = L^dagger (pairs with B), S^2 = L (pairs with B^dagger)
            pairs = [(0, 1, 1), (1, 0, -1)]  # (alpha, beta, sign of omega where D^{alpha beta} != 0)
        else:
            S = [M]
            pairs = [(0, 0, 0)]
        cache: dict[Any, sympy.Expr] = {}

        def D(a: int, b: int, sgn: int, omega: sympy.Expr, cache: dict[Any, sympy.Expr] = cache,
              bath: str = bath) -> sympy.Expr:
            key = (a, b, omega)
            if key not in cache:
                s, _w = _channel_sign(pk, omega)
                if sgn != 0 and s != sgn:
                    cache[key] = sympy.S.Zero
                else:
                    cache[key] = _gamma(pk, bath, omega)
            return cache[key]

        els: dict[tuple[int, int, int, int], sympy.Expr] = {}
        for p in range(d):
            for pp in range(d):
                for q in range(d):
                    for qq in range(d):
                        val = sympy.S.Zero
                        for a, b, sgn in pairs:
                            Sa, Sb = S[a], S[b]
                            x = Sb[p, q] * Sa[qq, pp]
                            if x != 0:
                                val += x * (D(a, b, sgn, E[qq] - E[pp]) + D(a, b, sgn, E[q] - E[p])) / 2
                            if pp == qq:
                                for l in range(d):
                                    y = Sa[p, l] * Sb[l, q]
                                    if y != 0:
                                        w = E[q] - E[l] if variant == "redfield" else E[p] - E[l]
                                        val -= y * D(a, b, sgn, w) / 2
                            if p == q:
                                for l in range(d):
                                    y = Sa[qq, l] * Sb[l, pp]
                                    if y != 0:
                                        w = E[qq] - E[l] if variant == "redfield" else E[pp] - E[l]
                                        val -= y * D(a, b, sgn, w) / 2
                        val = sympy.expand(val)
                        if val != 0:
                            els[(p, pp, q, qq)] = val
        by_bath[bath] = els
    return RedfieldKernel(pk, by_bath, variant)


def coherence_steady_state(pk: PauliKernel, pair: tuple[int, int] = (1, 2), *,
                           variant: str = "redfield") -> ClosedForm:
    r"""Leading order of a steady coherence :math:`\rho_{pp'}` from the full kernel (Sec. IV C 1).

    Stationarity of :math:`\rho_{pp'}` with the populations at their Pauli
    (secular) values and the coherence's own decay neglected against its
    oscillation :math:`E_{pp'}` gives

    .. math:: \rho_{pp'} = \frac{-i}{E_{pp'}}\sum_q K_{pp',qq}\,\rho_q + O(g^2/E^2),

    first order in the system--bath coupling :math:`g`.  ``pair`` is 0-based
    (default ``(1, 2)`` = the paper's :math:`\rho_{23}`).
    """
    R = redfield_kernel(pk, variant)
    if (not isinstance(pair, (tuple, list)) or len(pair) != 2
            or any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) for k in pair)
            or not all(0 <= k < pk.dim for k in pair) or pair[0] == pair[1]):
        raise InvalidParameterError(
            f"pair = {pair!r}: pass two different 0-based level indices in 0..{pk.dim - 1} "
            "(e.g. (1, 2) for the paper's rho_23).")
    p, pp = pair
    E = pk.energies
    rho = pk.steady_state()
    src = sum((R[(p, pp, q, q)] * rho[q] for q in range(pk.dim)), sympy.S.Zero)
    expr = -sympy.I * src / (E[p] - E[pp])
    expr = sympy.factor(sympy.cancel(sympy.together(expr)))
    return ClosedForm(expr, pk.symbols, name=f"\\rho_{{{p + 1}{pp + 1}}}",
                      assumptions=pk.assumptions + ["leading order in the system-bath coupling g / |E_pp'|"],
                      paper="qubit_kernels", equation="(4.30)-(4.31)", conventions=CONVENTIONS,
                      description="Steady coherence from the full (non-secular) kernel, leading order: "
                                  "non-zero, of first order in the system-bath coupling.")


def full_steady_state_numeric(R: RedfieldKernel, block: list[tuple[int, int]], values: dict[Any, Any],
                              g_values: dict[Any, Any] | None = None) -> np.ndarray:
    """Numeric steady state of the generator restricted to ``block`` (populations must be in it).

    ``values``: numbers for the free symbols after ``pk.explicit``; ``g_values``:
    replacements for spectral functions (``{G_A: Lambda(...)}``).
    """
    M = R.generator(block)
    M = R.pauli.explicit(M)
    for f, rep in (g_values or {}).items():
        M = M.replace(f, rep)
    Mn = np.array(M.subs(values).evalf(30), dtype=complex)
    pops = [k for k, (p, pp) in enumerate(block) if p == pp]
    A = Mn.copy()
    A[pops[0], :] = 0
    for k in pops:
        A[pops[0], k] = 1
    rhs = np.zeros(len(block), dtype=complex)
    rhs[pops[0]] = 1
    return np.linalg.solve(A, rhs)
