r"""Cross-checks of models beyond the papers: a user's own Pauli kernel, its counting statistics and machines.

The Pauli kernel of the qubit_kernels paper (eqs. 5.2-5.4) applied to models the
paper does not treat, written as a user writes them (``omega_1``, ``g``, ``T_h``
positive symbols):

* two qubits with :math:`\sigma^z\sigma^z` coupling (Bohr frequencies that depend
  on each other) and the three-qubit absorption refrigerator of Linden, Popescu
  and Skrzypczyk (PRL 105, 130401 (2010)), 8 levels: closed-form heat currents vs
  the numeric Davies solver;
* the cumulants of the heat from the closed form (characteristic polynomial of
  the tilted kernel) vs finite differences of the numerically computed leading
  eigenvalue of the tilted kernel (mpmath, 60 digits);
* the thermal conductance from the linear-response closed form vs the
  fluctuation-dissipation relation :math:`S_{\rm eq}/(2T^2)` and vs finite
  differences of the exact current;
* the refrigerator's coefficient of performance vs Davies currents, and the
  Schnakenberg cycle sum vs :math:`-\sum_X q^X/T_X`.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from ..registry import Comparison, cross_check

W1, W2, W3, G = sympy.symbols("omega_1 omega_2 omega_3 g", positive=True)
TH, TC, TR, GAM = sympy.symbols("T_h T_c T_r gamma", positive=True)
K1, K2, K3 = sympy.symbols("kappa_1 kappa_2 kappa_3", positive=True)
SZ = sympy.Matrix([[1, 0], [0, -1]])
SX = sympy.Matrix([[0, 1], [1, 0]])
SM = sympy.Matrix([[0, 0], [1, 0]])
I2 = sympy.eye(2)


def _kron(*ms: sympy.Matrix) -> sympy.Matrix:
    out = ms[0]
    for m in ms[1:]:
        out = sympy.kronecker_product(out, m)
    return out


@lru_cache(maxsize=1)
def _zz() -> tuple[Any, Any, Any]:
    from ..baths import Bath, flat
    from ..kernels import pauli_kernel
    H = W1 / 2 * _kron(SZ, I2) + W2 / 2 * _kron(I2, SZ) + G * _kron(SZ, SZ)
    cs = [(_kron(SX, I2), Bath(flat(GAM), TH, name="h")),
          (_kron(I2, SX), Bath(flat(sympy.Rational(1, 50)), TC, name="c"))]
    return H, cs, pauli_kernel(H, cs, at={W1: 1.0, W2: 0.6, G: 0.1})


@lru_cache(maxsize=1)
def _fridge() -> tuple[Any, Any, Any]:
    from ..baths import Bath, flat
    from ..kernels import pauli_kernel
    H = W1 / 2 * _kron(SZ, I2, I2) + (W1 + W3) / 2 * _kron(I2, SZ, I2) + W3 / 2 * _kron(I2, I2, SZ)
    L = _kron(SM, SM.T, SM)
    H = H + G * (L + L.T)
    cs = [(_kron(SX, I2, I2), Bath(flat(K1), TC, name="c")), (_kron(I2, SX, I2), Bath(flat(K2), TR, name="r")),
          (_kron(I2, I2, SX), Bath(flat(K3), TH, name="h"))]
    return H, cs, pauli_kernel(H, cs, at={W1: 1.0, W3: 0.7, G: 0.05})


def _davies(H: Any, couplings: Any, point: dict[str, float]) -> dict[str, float]:
    from ..baths import Bath
    from ..open import OpenSystem, davies_ness
    subs = {s: point[s.name] for s in H.free_symbols}
    cs = []
    for S, bath in couplings:
        spec = bath.spectrum.subs({s: point[s.name] for s in bath.spectrum.free_symbols})
        cs.append((np.array(S, dtype=complex), Bath(spec, float(point[str(bath.T)]),
                                                    bath.preset.name, name=bath.name)))
    return davies_ness(OpenSystem(np.array(H.subs(subs), dtype=complex), cs)).bath_heat_currents()


ZZ_POINTS = [dict(omega_1=1.0, omega_2=0.6, g=0.1, T_h=2.0, T_c=0.5, gamma=0.01),
             dict(omega_1=0.8, omega_2=1.3, g=0.25, T_h=0.7, T_c=1.9, gamma=0.004)]
FRIDGE_POINTS = [dict(omega_1=1.0, omega_3=0.7, g=0.05, T_c=0.4, T_r=0.5, T_h=2.0, kappa_1=0.01, kappa_2=0.02,
                      kappa_3=0.015),
                 dict(omega_1=0.8, omega_3=1.1, g=0.02, T_c=0.3, T_r=0.35, T_h=5.0, kappa_1=0.003, kappa_2=0.01,
                      kappa_3=0.02)]


@cross_check("user models: pauli_kernel closed-form heat currents vs Davies (ZZ qubits, absorption refrigerator)",
             paper="qubit_kernels", equation="(5.2)-(5.4) applied to models beyond the paper")
def check_user_models_davies(quick: bool) -> Iterator[Comparison]:
    """Closed forms of models the paper does not treat, user symbol names, against the numeric Davies solver."""
    models = [("ZZ", _zz, ZZ_POINTS)] + ([] if quick else [("fridge", _fridge, FRIDGE_POINTS)])
    for label, build, points in models:
        H, cs, pk = build()
        fn = pk.heat_currents_form().lambdify()
        for p in points:
            q = fn(**p)
            ref = _davies(H, cs, p)
            for b in pk.baths:
                yield Comparison(f"{label}: q_{b}", float(q[b]), float(ref[b]), 1e-9, point=p)


@cross_check("counting statistics: closed-form heat cumulants vs finite differences of the tilted-kernel SCGF",
             paper="qubit_kernels", equation="tilted kernel (5.2)-(5.4) with a counting field")
def check_cumulants_scgf(quick: bool) -> Iterator[Comparison]:
    """kappa_1..3 of the heat from the hot bath (ZZ qubits) vs mpmath finite differences of lambda(chi)."""
    import mpmath

    from ..markov.counting import scgf_numeric
    _, _, pk = _zz()
    form = pk.heat_cumulants("h", 3).lambdify()
    for p in ZZ_POINTS[:1] if quick else ZZ_POINTS:
        kap = form(**p)
        subs = {s: p[s.name] for s in pk.parameters}
        ctx = mpmath.MPContext()
        ctx.dps = 60
        edges = []
        for t in pk.transitions:
            up = ctx.mpf(str(pk.explicit(pk.rates[t.up]).subs(subs).evalf(70)))
            down = ctx.mpf(str(pk.explicit(pk.rates[t.down]).subs(subs).evalf(70)))
            w = ctx.mpf(str(pk.explicit(pk.channels[t.channel].symbol).subs(subs).evalf(70))) if t.bath == "h" else 0
            edges += [(t.lower, t.upper, up, w), (t.upper, t.lower, down, -w)]
        h = ctx.mpf("1e-15")
        with mpmath.workdps(60):
            f = {k: scgf_numeric(pk.dim, edges, k * h) for k in (-2, -1, 0, 1, 2)}
            fd = [(f[1] - f[-1]) / (2 * h), (f[1] - 2 * f[0] + f[-1]) / h**2,
                  (f[2] - 2 * f[1] + 2 * f[-1] - f[-2]) / (2 * h**3)]
        for j in range(3):
            yield Comparison(f"kappa_{j + 1} (heat from h)", float(kap[f"kappa_{j + 1}"]), float(fd[j]), 1e-9,
                             point=p)


@cross_check("linear response: thermal conductance vs fluctuation-dissipation S_eq/(2T^2) and finite differences",
             paper="qubit_kernels", equation="first-order deviation from the Gibbs state")
def check_conductance(quick: bool) -> Iterator[Comparison]:
    """kappa_th (closed form) = S_eq/(2 T^2) (closed-form noise at equal T) = dq/dT_h (50-digit differences)."""
    _, _, pk = _zz()
    kth = pk.thermal_conductance().lambdify()
    noise = pk.heat_current_noise("h").lambdify()
    q = pk.heat_currents_form()
    for T in [0.8] if quick else [0.3, 0.8, 2.5]:
        vals = dict(omega_1=1.0, omega_2=0.6, g=0.1, gamma=0.01)
        k = float(kth(T=T, **vals))
        S = float(noise(T_h=T, T_c=T, **vals))
        h = 1e-12
        qp = q.evaluate(dict(vals, T_h=T + h, T_c=T), dps=50)["h"]
        qm = q.evaluate(dict(vals, T_h=T - h, T_c=T), dps=50)["h"]
        point = dict(vals, T=T)
        yield Comparison("kappa_th vs S_eq/(2T^2)", k, S / (2 * T**2), 1e-10, point=point)
        yield Comparison("kappa_th vs dq_h/dT_h", k, float((qp - qm) / ((T + h) - (T - h))), 1e-8, point=point)


@cross_check("machines: absorption-refrigerator COP vs Davies, Schnakenberg cycle sum vs sigma",
             paper="qubit_kernels", equation="first and second law; Schnakenberg cycles", quick=False)
def check_refrigerator(quick: bool) -> Iterator[Comparison]:
    """COP = q_c/q_h from the closed form vs Davies; sum_C J_C A_C vs -sum_X q_X/T_X."""
    H, cs, pk = _fridge()
    m = pk.absorption_refrigerator("h", "r", "c")
    cd = pk.cycle_decomposition()
    sigma = pk.entropy_production().lambdify()
    for p in FRIDGE_POINTS:
        perf = m.performance(**p)
        ref = _davies(H, cs, p)
        yield Comparison("COP q_c/q_h", perf["cop"], ref["c"] / ref["h"], 1e-9, point=p)
        yield Comparison("sum_C J_C A_C", sum(j * a for j, a in cd.terms(**p)), float(sigma(**p)), 1e-10, point=p)
