r"""The effective temperature-dependent exchange chain of the cold-atom paper.

Paper ``coldatom`` (Barfknecht et al., Commun. Phys. 4, 252 (2021)), eqs. (3),
(6) and (8)-(11):

.. math:: h = \sum_{l=1}^{N-1} \frac{\alpha_l}{2g}\,
          \boldsymbol\sigma_l\cdot\boldsymbol\sigma_{l+1},

with a site-dependent exchange coefficient :math:`\alpha_l = \alpha(T_l)` set by
the local temperature (local-density approximation), and -- for the open
chain -- Lindblad jump operators (a list of :class:`Jump`):

* edge jumps :math:`L = \sigma^+_1, \sigma^+_N` at rate :math:`\gamma`
  (:math:`|{\downarrow}\rangle\to|{\uparrow}\rangle`: a down-spin impurity that
  reaches the edge is swapped with an up-spin atom of the spin-polarized
  reservoir -- "the loss rate of down spins at the edges", Fig. 6 caption);
* the centre pump :math:`L = \sigma^-_{(N+1)/2}` at rate :math:`\gamma_I`
  (:math:`|{\uparrow}\rangle\to|{\downarrow}\rangle`: "introduces spin-down
  spins in the system", text below eq. 11).

The printed eqs. (8) and (11) have the two operators the other way round
(dissipator :math:`2S^-\rho S^+` at the edges, :math:`2S^+\rho S^-` at the
centre with :math:`S^\pm = (\sigma^x\pm i\sigma^y)/2`); read literally they
create down spins at the edges and make the pump act trivially on the
polarized initial state.  See ``docs/coldatom.md`` and ``docs/errata.md``.

Units and conventions
---------------------
:math:`\hbar = 1`; energies and rates in units of :math:`J_0 = \alpha_1/g`
(defaults :math:`g = 1`, :math:`\alpha_l = 1`, i.e. :math:`\alpha_l` is
:math:`\alpha(T_l)/\alpha_1`).  :math:`\sigma^z = \mathrm{diag}(1,-1)`, up =
+1, site 1 leftmost (``docs/conventions.md``).  Dissipator of a jump
:math:`(L, r)`: :math:`r\,(L\rho L^\dagger - \tfrac12\{L^\dagger L,\rho\})`,
i.e. the paper's :math:`\tfrac{\gamma}{2}(2L\rho L^\dagger - \{L^\dagger L,\rho\})`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from ..errors import InvalidModelError, InvalidParameterError
from .base import Model, Term, check_sites, terms_operator

__all__ = ["exchange_chain", "ExchangeChain", "Jump", "alpha_symbols"]


@dataclass(frozen=True)
class Jump:
    """A Lindblad jump operator ``L`` (a sum of :class:`Term`) with its rate symbol."""

    name: str
    terms: tuple[Term, ...]
    rate: sympy.Symbol

    def operator(self, n: int, backend: str = "sparse", values: dict | None = None):
        return terms_operator(self.terms, n, backend, values)


@dataclass(repr=False)
class ExchangeChain(Model):
    """A :class:`~symness.models.base.Model` with Lindblad jumps (no bath couplings).

    Attributes
    ----------
    jumps
        :class:`Jump` list: edge jumps ``"edge 1"``, ``"edge N"`` and, with
        ``pump=True``, ``"pump"``.
    alphas
        The bond symbols :math:`\\alpha_1..\\alpha_{N-1}`.
    g
        The interaction-strength symbol.
    """

    jumps: list[Jump] = field(default_factory=list)
    alphas: tuple[sympy.Symbol, ...] = ()
    g: sympy.Symbol | None = None

    def profile_values(self, alphas: Sequence[float]) -> dict[str, float]:
        """Keyword values ``{"alpha_1": a_1, ...}`` for :meth:`hamiltonian` from a bond profile."""
        a = list(alphas)
        if len(a) != self.n - 1:
            raise InvalidParameterError(
                f"a chain of {self.n} sites has {self.n - 1} bonds; got {len(a)} exchange "
                "coefficients. Pass one alpha per bond (l = 1..N-1).")
        return {s.name: float(v) for s, v in zip(self.alphas, a)}

    def jump_operators(self, backend: str = "sparse", **kw: Any) -> list[tuple[Any, float]]:
        """``[(L, rate), ...]`` with numeric rates (zero-rate jumps are dropped)."""
        vals = self.resolve(**kw)
        out = []
        for j in self.jumps:
            r = sympy.sympify(j.rate).subs(vals)
            if r.free_symbols:
                raise InvalidParameterError(f"no numeric value for the rate {j.rate} of jump {j.name!r}.")
            r = float(r)
            if r < 0:
                raise InvalidParameterError(f"rate {j.rate} = {r} of jump {j.name!r} must be >= 0.")
            if r > 0:
                out.append((j.operator(self.n, backend), r))
        return out


def alpha_symbols(n: int) -> tuple[sympy.Symbol, ...]:
    r"""Bond symbols :math:`\alpha_1, \dots, \alpha_{n-1}` (positive)."""
    return tuple(sympy.Symbol(f"alpha_{l}", positive=True) for l in range(1, n))


def exchange_chain(n: int = 7, *, pump: bool = False) -> ExchangeChain:
    r"""The effective chain :math:`h = \sum_l \frac{\alpha_l}{2g}\boldsymbol\sigma_l\cdot\boldsymbol\sigma_{l+1}`.

    Paper ``coldatom`` eq. (3) with site-dependent :math:`\alpha_l` (Closed
    system, Figs. 3-4), plus the Lindblad jumps of eqs. (8) and (11) (Figs. 5-6).

    Parameters
    ----------
    n
        Number of sites (atoms in the link), ``n >= 2``.
    pump
        Add the centre pump :math:`L = \sigma^-_{(n+1)/2}` at rate ``gamma_I``
        (eq. 11); needs an odd ``n``.

    Returns
    -------
    ExchangeChain
        Symbols ``alpha_1..alpha_{n-1}`` (default 1), ``g`` (default 1),
        ``gamma`` (edge rate, default 3.102, the paper's value in units of
        :math:`J_0`), ``gamma_I`` (pump rate, default 0.620).  ``bonds`` holds
        the bond energies :math:`h_{l,l+1}`; ``jumps`` the Lindblad operators
        (edge :math:`\sigma^+_1, \sigma^+_n`; pump :math:`\sigma^-_c`) -- the
        physically meant operators, see the module docstring.
    """
    n = check_sites(n, "the exchange chain", 2)
    if not isinstance(pump, bool):
        raise InvalidModelError(f"pump must be True or False, got {pump!r}.")
    alphas = alpha_symbols(n)
    g = sympy.Symbol("g", positive=True)
    gamma = sympy.Symbol("gamma", nonnegative=True)
    gamma_I = sympy.Symbol("gamma_I", nonnegative=True)
    bonds: dict[tuple[int, int], list[Term]] = {}
    terms: list[Term] = []
    for l, a in enumerate(alphas, start=1):
        bond = [Term.of(a / (2 * g), (l, op), (l + 1, op)) for op in ("x", "y", "z")]
        bonds[(l, l + 1)] = bond
        terms.extend(bond)
    jumps = [Jump("edge 1", (Term.of(1, (1, "+")),), gamma),
             Jump(f"edge {n}", (Term.of(1, (n, "+")),), gamma)]
    if pump:
        if n % 2 == 0:
            raise InvalidModelError(
                f"the centre pump acts on site (n+1)/2 and needs an odd number of sites; got n = {n}.")
        c = (n + 1) // 2
        jumps.append(Jump("pump", (Term.of(1, (c, "-")),), gamma_I))
    symbols = {a: f"exchange coefficient of bond {l} (units of alpha_1 with g = 1)"
               for l, a in enumerate(alphas, start=1)}
    symbols[g] = "interaction strength (energies in units of J_0 = alpha_1/g)"
    symbols[gamma] = "edge rate of |down> -> |up> flips (units of J_0)"
    symbols[gamma_I] = "centre pump rate of |up> -> |down> flips (units of J_0)"
    values: dict[sympy.Symbol, Any] = {a: 1.0 for a in alphas}
    values.update({g: 1.0, gamma: 3.102, gamma_I: 0.620})
    return ExchangeChain(
        name="exchange_chain", n=n, terms=terms, couplings=[], values=values, bonds=bonds,
        symbols=symbols, paper="coldatom", equation="(3), (6), (8)-(11)",
        jumps=jumps, alphas=alphas, g=g)
