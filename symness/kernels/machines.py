r"""Thermal machines and the cycle form of the entropy production, for any Pauli kernel.

Three reservoirs -- hot :math:`h`, room :math:`r`, cold :math:`c` -- and no work: an
*absorption refrigerator* uses heat :math:`q^h > 0` from the hot bath to extract
heat :math:`q^c > 0` from the cold one (Linden, Popescu and Skrzypczyk, PRL 105,
130401 (2010)).  With the heat currents :math:`q^X` into the system (energy per
unit time, :math:`\hbar = k_B = 1`):

* cooling power :math:`\dot Q_c = q^c`;
* coefficient of performance :math:`\varepsilon = q^c/q^h`;
* Carnot bound :math:`\varepsilon_C = (1/T_r - 1/T_h)/(1/T_c - 1/T_r)`.

The bound is derived, not assumed: the first law :math:`\sum_X q^X = 0` eliminates
:math:`q^r`, and the second law :math:`\sigma = -\sum_X q^X/T_X \ge 0` becomes
:math:`q^h(1/T_r - 1/T_h) \ge q^c(1/T_c - 1/T_r)`; for :math:`T_c < T_r < T_h` and a
machine that cools (:math:`q^c, q^h > 0`) that is :math:`\varepsilon \le \varepsilon_C`.

Schnakenberg's network theory (Rev. Mod. Phys. 48, 571 (1976)) splits the entropy
production over the cycles of the transition graph: pick a spanning tree of the
levels, every other transition (a *chord*) closes one fundamental cycle
:math:`C`; then :math:`\sigma = \sum_C J_C\,A_C` with :math:`J_C` the net flux on the
chord and :math:`A_C = \sum_{e\in C}\ln(W^+_e/W^-_e)` the cycle affinity.  By
local detailed balance :math:`\ln(W^\uparrow/W^\downarrow) = -\omega/T_X` on a
transition of bath :math:`X`, so an affinity is a sum of :math:`\pm\omega/T` terms:
it vanishes for a cycle that uses one bath only, and at equal temperatures for
every cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..closedform import ClosedForm, NumericBackend
from ..errors import InvalidParameterError

if TYPE_CHECKING:  # pragma: no cover
    from .pauli import PauliKernel

__all__ = ["cooling_power", "coefficient_of_performance", "carnot_cop", "absorption_refrigerator",
           "ThermalMachine", "cycle_decomposition", "CycleDecomposition"]


class MappedBackend(NumericBackend):
    """Outputs of another backend combined by ``combine(outputs, values)`` (NumPy arrays or mpmath numbers)."""

    def __init__(self, parent: NumericBackend, combine: Callable[[list[Any], Mapping[Any, Any]], list[Any]],
                 params: Sequence[sympy.Symbol] | None = None):
        self.parent, self.combine = parent, combine
        self.params = list(params) if params is not None else list(parent.params)

    def fast(self, values: Mapping[sympy.Symbol, np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
        out, bad = self.parent.fast({p: values[p] for p in self.parent.params})
        with np.errstate(all="ignore"):
            res = [np.asarray(v, dtype=float) for v in self.combine(out, values)]
        for v in res:
            bad = bad | ~np.isfinite(v)
        return res, bad

    def exact(self, values: Mapping[sympy.Symbol, Any], dps: int) -> list[Any]:
        import mpmath
        out = self.parent.exact({p: values[p] for p in self.parent.params}, dps + 5)
        with mpmath.workdps(dps + 5):
            return self.combine(out, {p: mpmath.mpmathify(v) for p, v in values.items()})


def _bath(pk: PauliKernel, name: str, role: str) -> str:
    if not isinstance(name, str) or name not in pk.baths:
        raise InvalidParameterError(f"{role} = {name!r} is not a bath of this kernel; baths: {pk.baths}.")
    return name


def _temperature(pk: PauliKernel, bath: str) -> sympy.Expr:
    return pk.temperatures[bath]


def cooling_power(pk: PauliKernel, cold: str) -> ClosedForm:
    r"""Cooling power :math:`\dot Q_c = q^c`: heat drawn from reservoir ``cold`` per unit time.

    Positive when the machine cools ``cold``.  Energy per unit time (:math:`\hbar = k_B = 1`).
    """
    _bath(pk, cold, "cold")
    q = pk.heat_currents_form()
    k = pk.baths.index(cold)
    form = ClosedForm(q.expr[cold], q.symbols, name=rf"\dot{{Q}}_{{{cold}}}", assumptions=q.assumptions,
                      paper=q.paper, equation=q.equation, conventions=q.conventions, definitions=q.definitions,
                      numeric=q.numeric.select([k]) if q.numeric is not None else None,
                      description=f"Cooling power: heat drawn from reservoir {cold} per unit time (> 0: cooling).")
    return form


def coefficient_of_performance(pk: PauliKernel, cold: str, hot: str) -> ClosedForm:
    r"""Coefficient of performance :math:`\varepsilon = q^c/q^h` of an absorption refrigerator.

    Heat drawn from ``cold`` per heat drawn from ``hot`` (dimensionless).  Each
    current is evaluated to relative accuracy :math:`10^{-12}` (exact fallback
    near equilibrium), so the ratio is accurate where the currents are.
    """
    _bath(pk, cold, "cold")
    _bath(pk, hot, "hot")
    if cold == hot:
        raise InvalidParameterError("cold and hot must be different baths.")
    q = pk.heat_currents_form()
    kc, kh = pk.baths.index(cold), pk.baths.index(hot)
    numeric = None
    if q.numeric is not None:
        numeric = MappedBackend(q.numeric, lambda out, _v: [out[kc] / out[kh]])
    return ClosedForm(q.expr[cold] / q.expr[hot], q.symbols, name=r"\varepsilon", assumptions=q.assumptions,
                      paper=q.paper, equation=q.equation, conventions=q.conventions, definitions=q.definitions,
                      numeric=numeric,
                      description=f"Coefficient of performance q_{cold}/q_{hot}: heat extracted from {cold} per "
                                  f"heat drawn from {hot}.")


def carnot_cop(pk: PauliKernel, cold: str, hot: str, room: str) -> ClosedForm:
    r"""Carnot bound :math:`\varepsilon_C = (1/T_r - 1/T_h)/(1/T_c - 1/T_r)` of an absorption refrigerator.

    The largest coefficient of performance the second law allows for
    :math:`T_c < T_r < T_h` (see the module docstring for the derivation).
    """
    for name, role in ((cold, "cold"), (hot, "hot"), (room, "room")):
        _bath(pk, name, role)
    if len({cold, hot, room}) != 3:
        raise InvalidParameterError("cold, hot and room must be three different baths.")
    Tc, Th, Tr = (_temperature(pk, b) for b in (cold, hot, room))
    expr = sympy.factor((1 / Tr - 1 / Th) / (1 / Tc - 1 / Tr))
    meanings = {s: m for s, m in pk.symbols.items() if s in expr.free_symbols}
    return ClosedForm(expr, meanings, name=r"\varepsilon_C", assumptions=[f"T_{cold} < T_{room} < T_{hot}"],
                      paper=pk.paper, conventions=pk.conventions,
                      description="Carnot bound on the coefficient of performance of an absorption refrigerator "
                                  "(second law with the first law).")


@dataclass
class ThermalMachine:
    """An absorption refrigerator built on a Pauli kernel: its closed forms and a performance report.

    Attributes
    ----------
    cooling_power, heat_input, cop, carnot
        :class:`~symness.closedform.ClosedForm` of :math:`q^c`, :math:`q^h`,
        :math:`q^c/q^h` and the Carnot bound.
    """

    kernel: PauliKernel
    hot: str
    room: str
    cold: str
    cooling_power: ClosedForm
    heat_input: ClosedForm
    cop: ClosedForm
    carnot: ClosedForm

    @cached_property
    def _functions(self) -> tuple[Any, Any]:
        return self.kernel.heat_currents_form().lambdify(), self.carnot.lambdify()

    def performance(self, **values: float) -> dict[str, Any]:
        r"""Numbers at one point: currents, COP, Carnot bound, their ratio and the regime.

        ``regime`` is ``"refrigerator"`` when :math:`q^c > 0` and :math:`q^h > 0`,
        otherwise a description of where the heat goes.  ``second_law_ok`` checks
        :math:`\varepsilon \le \varepsilon_C` (with relative slack :math:`10^{-9}`).
        """
        qfn, cfn = self._functions
        q = qfn(**values)
        qc, qh, qr = (float(q[b]) for b in (self.cold, self.hot, self.room))
        Tvals = {b: float(sympy.sympify(self.kernel.temperatures[b]).subs(
            {s: values[s.name] for s in sympy.sympify(self.kernel.temperatures[b]).free_symbols})) for b in
            (self.cold, self.hot, self.room)}
        if not Tvals[self.cold] < Tvals[self.room] < Tvals[self.hot]:
            raise InvalidParameterError(
                f"an absorption refrigerator needs T_{self.cold} < T_{self.room} < T_{self.hot}; got {Tvals}.")
        carnot = float(cfn(**{s.name: values[s.name] for s in self.carnot.args}))
        if qc > 0 and qh > 0:
            regime = "refrigerator"
        elif qc <= 0 and qh > 0:
            regime = "heater (the hot bath's heat does not cool the cold bath)"
        else:
            regime = "not driven (no heat drawn from the hot bath)"
        cop = qc / qh if qh != 0 else float("inf")
        out = {"cooling_power": qc, "heat_input": qh, "room_heat": qr, "cop": cop, "carnot_cop": carnot,
               "cop_over_carnot": cop / carnot, "regime": regime}
        out["second_law_ok"] = regime != "refrigerator" or cop <= carnot * (1 + 1e-9)
        return out


def absorption_refrigerator(pk: PauliKernel, hot: str, room: str, cold: str) -> ThermalMachine:
    """The absorption refrigerator ``hot`` -> (``room``, ``cold``) of a three-bath kernel.

    See the module docstring for the definitions and the derivation of the Carnot bound.
    """
    if len(pk.baths) != 3:
        raise InvalidParameterError(f"an absorption refrigerator has three baths; this kernel has {pk.baths}.")
    carnot = carnot_cop(pk, cold, hot, room)
    heat = cooling_power(pk, hot)
    heat.name = rf"\dot{{Q}}_{{{hot}}}"
    heat.description = f"Heat drawn from the hot reservoir {hot} per unit time (drives the machine)."
    return ThermalMachine(pk, hot, room, cold, cooling_power(pk, cold), heat,
                          coefficient_of_performance(pk, cold, hot), carnot)


# ---------------------------------------------------------------------------------------------- cycles
@dataclass
class CycleDecomposition:
    r"""Schnakenberg's fundamental cycles of a Pauli kernel and :math:`\sigma = \sum_C J_C A_C`.

    Attributes
    ----------
    tree
        Indices (into ``kernel.transitions``) of the spanning-tree transitions.
    cycles
        One per chord: a list of ``(transition index, +1 | -1)``, the sign saying
        whether the cycle runs the transition upwards (lower -> upper).  The first
        entry is the chord, run upwards.
    affinities
        :class:`~symness.closedform.ClosedForm` column of :math:`A_C` (units of
        :math:`k_B`), a sum of :math:`\mp\omega_t/T_{X_t}` terms.
    fluxes
        :class:`~symness.closedform.ClosedForm` column of the chord fluxes
        :math:`J_C` (probability per unit time, lower -> upper).
    sigma
        :math:`\sum_C J_C A_C` as a :class:`~symness.closedform.ClosedForm` (units
        of :math:`k_B` per unit time); equal to
        :meth:`~symness.kernels.PauliKernel.entropy_production`.
    """

    kernel: PauliKernel
    tree: list[int]
    cycles: list[list[tuple[int, int]]]
    affinities: ClosedForm
    fluxes: ClosedForm
    sigma: ClosedForm

    def terms(self, **values: float) -> list[tuple[float, float]]:
        """``[(J_C, A_C), ...]`` at one point (their products sum to the entropy production)."""
        A = np.atleast_1d(np.asarray(self.affinities.lambdify()(
            **{s.name: values[s.name] for s in self.affinities.args}), dtype=float)).reshape(-1)
        J = np.atleast_1d(np.asarray(self.fluxes.lambdify()(
            **{s.name: values[s.name] for s in self.fluxes.args}), dtype=float)).reshape(-1)
        return [(float(j), float(a)) for j, a in zip(J, A)]


def cycle_decomposition(pk: PauliKernel) -> CycleDecomposition:
    r"""Schnakenberg cycle decomposition of the entropy production of a Pauli kernel.

    The spanning tree is chosen breadth-first from the ground level (parallel
    transitions of different baths: the first becomes a tree edge, the others
    chords).  See the module docstring for the definitions; the test suite checks
    :math:`\sum_C J_C A_C = -\sum_X q^X/T_X` and that every affinity vanishes at
    equal temperatures.
    """
    n = pk.dim
    trans = list(pk.transitions)
    if not trans:
        raise InvalidParameterError("the kernel has no transitions: there are no cycles.")
    adj: dict[int, list[tuple[int, int]]] = {k: [] for k in range(n)}
    for i, t in enumerate(trans):
        adj[t.lower].append((i, t.upper))
        adj[t.upper].append((i, t.lower))
    parent: dict[int, tuple[int, int] | None] = {0: None}  # level -> (transition, parent level)
    order = [0]
    for v in order:
        for i, w in adj[v]:
            if w not in parent:
                parent[w] = (i, v)
                order.append(w)
    if len(parent) != n:
        raise InvalidParameterError("the transition graph is not connected; the steady state is not unique.")
    tree = sorted(p[0] for p in parent.values() if p is not None)
    tree_set = set(tree)

    def path_to_root(v: int) -> list[tuple[int, int]]:
        """Transitions from v down to the root, with the direction they are run (+1 lower -> upper)."""
        out = []
        while parent[v] is not None:
            i, u = parent[v]  # type: ignore[misc]
            out.append((i, +1 if trans[i].lower == v else -1))  # run from v to u
            v = u
        return out

    cycles: list[list[tuple[int, int]]] = []
    for i, t in enumerate(trans):
        if i in tree_set:
            continue
        # chord lower -> upper, then upper -> root -> lower through the tree (shared part cancels)
        up = path_to_root(t.upper)
        down = [(j, -s) for j, s in reversed(path_to_root(t.lower))]
        seq = [(i, +1)] + up + down
        count: dict[int, int] = {}
        for j, s in seq:
            count[j] = count.get(j, 0) + s
        cycles.append([(i, +1)] + [(j, s) for j, s in count.items() if j != i and s != 0])
    q = pk.heat_currents_form()

    def force(j: int) -> sympy.Expr:
        t = trans[j]
        return -pk.channels[t.channel].symbol / pk.temperatures[t.bath]

    A = sympy.Matrix([sum((s * force(j) for j, s in c), sympy.S.Zero) for c in cycles])
    defs = {s: d for s, d in q.definitions.items()}
    meanings = {s: m for s, m in q.symbols.items()}
    affinities = ClosedForm(A, meanings, name="A", definitions=defs, assumptions=q.assumptions,
                            paper=pk.paper, conventions=pk.conventions,
                            description="Schnakenberg affinities of the fundamental cycles (sum of -omega/T over the "
                                        "cycle's transitions, run lower -> upper).")
    chords = [c[0][0] for c in cycles]
    backend = pk._backend([("flux", i) for i in chords])
    Jsyms = [pk._namer.exact(f"J_{{C_{k + 1}}}", real=True) for k in range(len(chords))]
    pops = pk.populations_form()
    flux_expr = [trans[i].up * pops.expr[trans[i].lower] - trans[i].down * pops.expr[trans[i].upper]
                 for i in chords]
    fdefs = dict(pops.definitions)
    fluxes = ClosedForm(sympy.Matrix(flux_expr), pops.symbols, name="J", definitions=fdefs,
                        assumptions=pops.assumptions, paper=pk.paper, conventions=pk.conventions, numeric=backend,
                        description="Net probability flux (lower -> upper) on each chord (one per cycle).")
    sig_backend = pk._backend([("entropy", None)], temperatures=True)
    sdefs = dict(defs)
    sdefs.update(fdefs)
    sdefs.update({J: f for J, f in zip(Jsyms, flux_expr)})
    sigma = ClosedForm(sum((J * a for J, a in zip(Jsyms, A)), sympy.S.Zero), meanings, name=r"\sigma",
                       definitions=sdefs, numeric=sig_backend, assumptions=q.assumptions, paper=pk.paper,
                       conventions=pk.conventions,
                       description="Entropy production as a sum over Schnakenberg cycles: flux times affinity.")
    return CycleDecomposition(pk, tree, cycles, affinities, fluxes, sigma)
