r"""Local versus global master equation for the coupled qubits (qubit_kernels Sec. IV C 2).

The *local* Lindblad equation damps each qubit at its own bare frequency,
ignoring the flip-flop coupling in the dissipators (the qubit analogue of the
paper's eqs. 4.32--4.35):

.. math::

    \dot\rho = -i[H_S, \rho] + \sum_{X=A,B}\Gamma_X\Bigl[(1-f_X)\mathcal D[\sigma_X^-]
               + f_X\mathcal D[\sigma_X^+]\Bigr]\rho,
    \qquad \mathcal D[L]\rho = L\rho L^\dagger - \tfrac12\{L^\dagger L, \rho\},

with :math:`\Gamma_X = g_X(\omega_X)[1 + 2n_X(\omega_X)]` and the local
excitation probability :math:`f_X = n_X/(1+2n_X) = 1/(e^{\omega_X/T_X}+1)`
(:math:`\omega_A = \omega_1`, :math:`\omega_B = \omega_2`).  Everything below is
derived by SymPy from the model (:func:`symness.models.coupled_qubits_model`):
the generator on the invariant block of populations and the one-excitation
coherence, the coherence eliminated exactly (Schur complement), the
populations from the matrix-tree theorem, and the heat currents
:math:`J_X = \mathrm{tr}(H_S\mathcal D_X\rho)`.  The result has the form

.. math:: J_A = P\,[f_A(\omega_1) - f_B(\omega_2)] = -J_B,\qquad P \ge 0,

so the local equation sends heat from the cold reservoir to the hot one
whenever :math:`(T_A - T_B)(\omega_2 T_A - \omega_1 T_B) < 0`, i.e. for
:math:`\omega_1 > \omega_2`: :math:`T_B < T_A < (\omega_1/\omega_2)T_B` -- a
violation of the second law (the global kernel never does this).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import sympy

from ..closedform import ClosedForm
from ..errors import InvalidParameterError
from ..models.base import sites_of
from ..models.qubits import LAM, TA, TB, W1, W2, coupled_qubits_model
from ..validation import check_positive, check_temperature
from .functions import Bose, FermiDifference, fermi_difference_numeric
from .pauli import CONVENTIONS, manifestly_nonnegative
from .qubits import G_A, G_B, _g_numeric, _g_symbolic, _substitute, _symbolic_args, _validate

__all__ = ["LocalDerivation", "local_derivation", "local_lindblad", "LocalResult", "violation_condition"]

GAMMA_A, GAMMA_B = sympy.symbols("Gamma_A Gamma_B", positive=True)
F_A, F_B = sympy.symbols("f_A f_B", positive=True)


class LocalDerivation:
    """Symbolic steady state of the local Lindblad equation (rates as Gamma_X, f_X symbols)."""

    def __init__(self, rho: sympy.Matrix, currents: dict[str, sympy.Expr], factor: sympy.Expr,
                 rates: dict[sympy.Symbol, sympy.Expr], local_freqs: dict[str, sympy.Expr]):
        self.rho = rho
        self.currents = currents
        self.factor = factor
        self.rates = rates
        self.local_frequencies = local_freqs

    def explicit(self, expr: Any) -> Any:
        """Substitute Gamma_X and f_X by g_X, n_X at the bare frequencies."""
        if isinstance(expr, sympy.MatrixBase):
            return expr.applyfunc(self.explicit)
        return sympy.sympify(expr).xreplace(self.rates)


def _dissipator(L: sympy.Matrix, rho: sympy.Matrix) -> sympy.Matrix:
    Ld = L.H
    return L * rho * Ld - (Ld * L * rho + rho * Ld * L) / 2


@cache
def local_derivation() -> LocalDerivation:
    r"""Derive the local-Lindblad steady state and heat currents of the coupled qubits (see module doc)."""
    model = coupled_qubits_model(G_A, G_B)
    H = sympy.Matrix(model.hamiltonian("sympy"))
    d = H.rows
    gam = {"A": GAMMA_A, "B": GAMMA_B}
    occ = {"A": F_A, "B": F_B}
    jumps: dict[str, list[tuple[sympy.Matrix, sympy.Expr]]] = {}
    rates: dict[sympy.Symbol, sympy.Expr] = {}
    local_freqs: dict[str, sympy.Expr] = {}
    for c in model.couplings:
        L = sympy.Matrix(c.operator(model.n, "sympy"))
        sites = sites_of(c.terms)
        h_loc = sum((sympy.Matrix(t.operator(model.n, "sympy")) for t in model.terms
                     if {s for s, _ in t.factors} <= sites), sympy.zeros(d, d))
        comm = h_loc * L - L * h_loc  # = -omega L for a lowering operator of h_loc
        i, j = next((i, j) for i in range(d) for j in range(d) if L[i, j] != 0)
        omega = sympy.simplify(-comm[i, j] / L[i, j])
        if sympy.simplify(comm + omega * L) != sympy.zeros(d, d):
            raise InvalidParameterError(f"coupling {c.name} is not a lowering operator of its local Hamiltonian.")
        local_freqs[c.name] = omega
        G, f = gam[c.name], occ[c.name]
        jumps[c.name] = [(L, (1 - f) * G), (L.H, f * G)]
        g = c.bath.spectrum.sym(omega)
        n = Bose(omega, sympy.sympify(c.bath.T))
        rates[G] = g * (1 + 2 * n)
        rates[f] = n / (1 + 2 * n)

    def gen(rho: sympy.Matrix) -> sympy.Matrix:
        out = -sympy.I * (H * rho - rho * H)
        for lst in jumps.values():
            for L, r in lst:
                out += r * _dissipator(L, rho)
        return out

    # invariant block that contains the populations
    def unit(i: int, j: int) -> sympy.Matrix:
        E = sympy.zeros(d, d)
        E[i, j] = 1
        return E
    images = {(i, j): gen(unit(i, j)).applyfunc(sympy.expand) for i in range(d) for j in range(d)}
    block = [(i, i) for i in range(d)]
    changed = True
    while changed:
        changed = False
        for (i, j), img in images.items():
            touches = any(img[a, b] != 0 for a, b in block) or \
                any(images[(a, b)][i, j] != 0 for a, b in block)
            if (i, j) not in block and touches:
                block.append((i, j))
                changed = True
    n = len(block)
    M = sympy.zeros(n, n)
    for col, (i, j) in enumerate(block):
        for row, (a, b) in enumerate(block):
            M[row, col] = images[(i, j)][a, b]
    P = list(range(d))
    C = list(range(d, n))
    Mpp, Mpc, Mcp, Mcc = (M.extract(P, P), M.extract(P, C), M.extract(C, P), M.extract(C, C))
    Mcc_inv = Mcc.inv() if C else Mcc
    Keff = (Mpp - Mpc * Mcc_inv * Mcp).applyfunc(sympy.cancel) if C else Mpp
    # clear denominators first: minors of a polynomial matrix are fast, the common factor cancels
    den = sympy.S.One
    for e in Keff:
        den = sympy.lcm(den, sympy.fraction(sympy.together(e))[1])
    Kpoly = (Keff * den).applyfunc(lambda e: sympy.expand(sympy.cancel(e)))
    minors = []
    for i in range(d):
        idx = [k for k in range(d) if k != i]
        minors.append(sympy.expand((-Kpoly).extract(idx, idx).det(method="berkowitz")))
    gens = sorted(set().union(*[m.free_symbols for m in minors]), key=str)
    polys = [sympy.Poly(m, *gens) for m in minors]
    G = polys[0]
    for q in polys[1:]:
        G = G.gcd(q)
    polys = [q.exquo(G) for q in polys]
    Z = sum(polys[1:], polys[0]).as_expr()
    pops = [q.as_expr() / Z for q in polys]
    coh = (-(Mcc_inv * Mcp) * sympy.Matrix(pops)).applyfunc(sympy.cancel) \
        if C else sympy.zeros(0, 1)
    rho = sympy.zeros(d, d)
    for k, (i, j) in enumerate(block):
        rho[i, j] = pops[k] if k < d else coh[k - d]
    currents = {}
    for name, lst in jumps.items():
        D = sum((r * _dissipator(L, rho) for L, r in lst), sympy.zeros(d, d))
        currents[name] = sympy.cancel(sympy.expand((H * D).trace()))
    factor = sympy.factor(sympy.cancel(currents["A"] / (F_A - F_B)))
    if sympy.cancel(currents["A"] - factor * (F_A - F_B)) != 0:
        raise AssertionError("local current does not factorise as P (f_A - f_B)")
    return LocalDerivation(rho, currents, factor, rates, local_freqs)


def violation_condition(w1: Any = W1, w2: Any = W2, T_A: Any = TA, T_B: Any = TB) -> sympy.Expr:
    r"""Where the local equation sends heat from cold to hot: :math:`(T_A-T_B)(\omega_2T_A-\omega_1T_B) < 0`.

    Derived from :math:`J_A = P[f_A(\omega_1) - f_B(\omega_2)]` with :math:`P \ge 0`
    (proved in :func:`local_derivation`) and :math:`f_X = 1/(e^{\omega_X/T_X}+1)`
    decreasing in :math:`\omega_X/T_X`: :math:`\mathrm{sign}(f_A - f_B) =
    \mathrm{sign}(\omega_2/T_B - \omega_1/T_A)`.
    """
    check_temperature(T_A, "T_A")
    check_temperature(T_B, "T_B")
    check_positive(w1, "qubit splitting w1")
    check_positive(w2, "qubit splitting w2")
    return sympy.StrictLessThan((T_A - T_B) * (w2 * T_A - w1 * T_B), 0)


class LocalResult:
    """Steady state and heat currents of the local Lindblad equation (symbolic or numeric).

    Attributes
    ----------
    rho
        Density matrix in the computational (site) basis, index 0 = both qubits up.
    heat_currents
        ``{"A": J_A, "B": J_B}``, energy per unit time from each reservoir into the system.
    factor
        :math:`P \\ge 0` with :math:`J_A = P(f_A - f_B)`.
    bias
        :math:`f_A(\\omega_1) - f_B(\\omega_2)`.
    violates_second_law
        (numeric) heat flows from the colder to the hotter reservoir.
    """

    def __init__(self, symbolic: bool, rho: Any, heat_currents: dict[str, Any], factor: Any, bias: Any,
                 parameters: dict[str, Any]):
        self.symbolic = symbolic
        self.rho = rho
        self.heat_currents = heat_currents
        self.factor = factor
        self.bias = bias
        self.parameters = parameters
        if symbolic:
            self.violates_second_law: Any = None
        else:
            dT = np.asarray(parameters["T_A"], float) - np.asarray(parameters["T_B"], float)
            q = np.asarray(heat_currents["A"], float)
            v = (np.sign(q) * np.sign(dT)) < 0
            self.violates_second_law = bool(v) if np.ndim(v) == 0 else v

    def __repr__(self) -> str:
        return f"LocalResult({'symbolic' if self.symbolic else 'numeric'}, heat_currents={self.heat_currents})"

    def form(self) -> ClosedForm:
        """The heat current ``J_A = P (f_A - f_B)`` as a ClosedForm."""
        fa, fb = sympy.symbols("f_A f_B", positive=True)
        return ClosedForm({"A": self.heat_currents["A"], "B": self.heat_currents["B"]}, {},
                          name="J", paper="qubit_kernels", equation="Sec. IV C 2, (4.32)-(4.35)",
                          conventions=CONVENTIONS,
                          assumptions=["local Lindblad equation: each qubit damped at its bare frequency"],
                          description="Heat currents of the local master equation for the coupled qubits.")


def local_lindblad(w1: Any, w2: Any, lam: Any, T_A: Any, T_B: Any, g_A: Any, g_B: Any) -> LocalResult:
    r"""The local Lindblad equation of the coupled qubits: steady state and heat currents.

    Same arguments and conventions as :func:`~symness.kernels.coupled_qubits`
    (no restriction on :math:`\lambda`); the dissipator of reservoir X acts on
    its own qubit at the bare frequency :math:`\omega_X` (A: :math:`\omega_1`,
    B: :math:`\omega_2`), rates :math:`g_X(\omega_X)(1+n_X)` (decay) and
    :math:`g_X(\omega_X)n_X` (excitation).  See the module docstring for the
    derived form :math:`J_A = P[f_A(\omega_1) - f_B(\omega_2)]`.
    """
    _validate(T_A, T_B, {"w1": w1, "w2": w2}, g_A, g_B)
    der = local_derivation()
    params = {"w1": w1, "w2": w2, "lam": lam, "T_A": T_A, "T_B": T_B, "g_A": g_A, "g_B": g_B}
    subs = {W1: w1, W2: w2, LAM: lam, TA: T_A, TB: T_B}
    if _symbolic_args(w1, w2, lam, T_A, T_B, g_A, g_B):
        gA, gB = _g_symbolic(g_A, "A"), _g_symbolic(g_B, "B")

        def S(e: Any) -> Any:
            return _substitute(der.explicit(e), subs, gA, gB)
        P = S(der.factor)
        # the same value as S(F_A - F_B), written for stable numerics near f_A = f_B
        bias = _substitute(FermiDifference(W1, TA, W2, TB), subs, gA, gB)
        return LocalResult(True, S(der.rho), {"A": P * bias, "B": -P * bias}, P, bias, params)
    fA, fB = _g_numeric(g_A, "A"), _g_numeric(g_B, "B")
    vals = _numeric_values(w1, w2, lam, T_A, T_B, fA, fB)
    fun = _numeric_functions()
    P = fun["factor"](*vals)
    rho = fun["rho"](*vals)
    w1a, w2a = np.asarray(w1, float), np.asarray(w2, float)
    ta, tb = np.asarray(T_A, float), np.asarray(T_B, float)
    bias = fermi_difference_numeric(w1a, ta, w2a, tb)
    qa = np.asarray(P) * bias
    qa = qa.item() if np.ndim(qa) == 0 else qa
    return LocalResult(False, rho, {"A": qa, "B": -qa}, P, bias, params)


def _fermi(w: np.ndarray, T: np.ndarray) -> np.ndarray:
    """:math:`1/(e^{w/T}+1)`, stable (0 at T = 0)."""
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        x = np.where(T > 0, w / np.where(T > 0, T, 1.0), np.inf)
        return np.exp(-x) / (1 + np.exp(-x))


def _numeric_values(w1: Any, w2: Any, lam: Any, T_A: Any, T_B: Any, fA: Any, fB: Any) -> list[Any]:
    from .functions import bose_numeric
    w1a, w2a = np.asarray(w1, float), np.asarray(w2, float)
    nA = bose_numeric(w1a, np.asarray(T_A, float))
    nB = bose_numeric(w2a, np.asarray(T_B, float))
    GA = fA(w1a) * (1 + 2 * np.asarray(nA))
    GB = fB(w2a) * (1 + 2 * np.asarray(nB))
    return [w1a, w2a, np.asarray(lam, float), GA, GB, _fermi(w1a, np.asarray(T_A, float)),
            _fermi(w2a, np.asarray(T_B, float))]


@cache
def _numeric_functions() -> dict[str, Any]:
    der = local_derivation()
    args = [W1, W2, LAM, GAMMA_A, GAMMA_B, F_A, F_B]
    return {"factor": ClosedForm(der.factor).lambdify(args),
            "rho": ClosedForm(der.rho).lambdify(args)}


def local_factor_nonnegative() -> bool:
    """Proof that :math:`P \\ge 0`: numerator manifestly >= 0; denominator manifestly >= 0 in
    :math:`\\delta^2 = (\\omega_1 - \\omega_2)^2` after :math:`\\omega_1 = \\omega_2 + \\delta`."""
    der = local_derivation()
    num, den = sympy.fraction(sympy.together(der.factor))
    if not manifestly_nonnegative(num):
        return False
    delta = sympy.Symbol("delta", real=True)
    d2 = sympy.Symbol("delta2", nonnegative=True)
    den2 = sympy.expand(sympy.expand(den.subs(W1, W2 + delta)).subs(delta**2, d2))
    if den2.has(delta):
        return False
    return manifestly_nonnegative(den2) and den2 != 0
