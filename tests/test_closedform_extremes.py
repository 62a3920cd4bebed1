"""Accuracy audit of the lambdified closed forms at extreme parameters.

Every ClosedForm the package derives is lambdified with the default
``ClosedForm.lambdify()`` and evaluated on log grids: temperatures from 1e-3 to
1e3 (in the model's energy unit) for both baths, strong bias both ways, nearly
equal temperatures ``T_R = T_L (1 +- 1e-8)`` (where differences of Bose /
Boltzmann / Fermi functions cancel), small and large couplings.  The reference
is the *same* expression in 50-digit mpmath (and ``ClosedForm.evaluate(dps=50)``
at spot points): the test measures the float64 evaluation, not the physics.

Tolerance: relative error <= 1e-12, or -- where the exact value is a genuine
small difference of large numbers -- <= 20 u kappa, with u = 2^-53 and kappa
the componentwise relative condition number of the value with respect to its
inputs (computed in mpmath): no float64 algorithm can do better than ~u kappa
from rounded inputs.  Values below the float64 range (|exact| < 1e-290, e.g.
e^{-4000}) must come out as (sub)normal ~0.  No point may need the mpmath
fallback (``fallback_count == 0``): the stable forms never overflow.
"""

from __future__ import annotations

import math
import warnings
from functools import cache

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symness.closedform import ClosedForm

U = 2.0**-53
BASE_TOL = 1e-12
DPS = 50
TS = [1e-3, 0.03, 1.0, 30.0, 1e3]


def _flat(form: ClosedForm) -> list[sympy.Expr]:
    out: list[sympy.Expr] = []
    for e in (form.expr.values() if form.is_mapping else [form.expr]):
        out.extend(list(e) if isinstance(e, sympy.MatrixBase) else [e])
    return out


def _rows(vals, n: int) -> np.ndarray:
    parts = vals.values() if isinstance(vals, dict) else [vals]
    return np.concatenate([np.asarray(v).reshape(n, -1) for v in parts], axis=1)


def _condition(fmp, x: list, ref: list) -> list[float]:
    """Componentwise relative condition number sum_j |x_j d f/d x_j| / |f| (mpmath differences)."""
    h = mpmath.mpf(10) ** (-DPS // 2)
    tot = [mpmath.mpf(0)] * len(ref)
    for j in range(len(x)):
        xp = list(x)
        xp[j] = x[j] * (1 + h)
        rp = fmp(*xp)
        tot = [t + abs(rp[k] - ref[k]) / h for k, t in enumerate(tot)]
    return [float(t / abs(r)) if r != 0 else math.inf for t, r in zip(tot, ref)]


_COMPILED: dict[int, tuple[ClosedForm, object, object]] = {}


def _compiled(form: ClosedForm):
    """(lambdify(), 50-digit mpmath function) of ``form``, cached per form object."""
    hit = _COMPILED.get(id(form))
    if hit is None or hit[0] is not form:
        hit = (form, form.lambdify(), sympy.lambdify(form.args, _flat(form), modules="mpmath"))
        _COMPILED[id(form)] = hit
    return hit[1], hit[2]


def check_form(form: ClosedForm, points: list[dict[str, float]], spot: int = 1) -> float:
    """Assert float64 accuracy of ``form.lambdify()`` at ``points``; return the worst relative error."""
    args = form.args
    f, fmp = _compiled(form)
    f.fallback_count = 0
    cols = {a.name: np.array([p[a.name] for p in points], dtype=float) for a in args}
    num = _rows(f(**cols), len(points))
    assert f.fallback_count == 0, f"{form.name}: mpmath fallback on ordinary inputs"
    worst = 0.0
    with mpmath.workdps(DPS):
        for i, p in enumerate(points):
            x = [mpmath.mpf(p[a.name]) for a in args]
            ref = [mpmath.mpmathify(r) for r in fmp(*x)]
            cond = None
            for k, r in enumerate(ref):
                v = num[i, k]
                assert np.isfinite(v), (p, k)
                if abs(r) < mpmath.mpf("1e-290"):
                    assert abs(v) < 1e-280, (p, k, v, r)
                    continue
                err = float(abs(mpmath.mpf(float(np.real(v))) - r) / abs(r))
                if err > BASE_TOL:
                    cond = cond or _condition(fmp, x, ref)
                    assert err <= 20 * U * cond[k], (
                        f"{form.name} component {k} at {p}: rel. error {err:.2e}, condition {cond[k]:.2e}")
                worst = max(worst, err)
    # independent reference path: ClosedForm.evaluate (SymPy evalf) at a few points
    for p in (points[:: max(1, len(points) // spot)][:spot] if spot else []):
        ev = form.evaluate({a.name: sympy.Rational(p[a.name]) for a in args}, dps=DPS)
        row = np.concatenate([np.ravel(np.asarray(v, dtype=complex)) for v in
                              (ev.values() if isinstance(ev, dict) else [ev])])
        got = _rows(f(**{a.name: p[a.name] for a in args}), 1)[0]
        for r, v in zip(row, got):
            if abs(r) > 1e-290:
                assert abs(v - r) <= 1e-9 * abs(r), (p, v, r)
    return worst


def temperature_grid(extra: dict[str, float], names: tuple[str, str] = ("T_L", "T_R")
                     ) -> list[dict[str, float]]:
    """T_L x T_R on TS (T_L != T_R), strong bias both ways, and T_R = T_L (1 +- 1e-8)."""
    a, b = names
    pts = []
    for tl in TS:
        for tr in TS:
            if tl != tr:
                pts.append({**extra, a: tl, b: tr})
        for eps in (1e-8, -1e-8):
            pts.append({**extra, a: tl, b: tl * (1 + eps)})
    return pts


# ---------------------------------------------------------------- classical (magnification Sec. II)
@cache
def _classical():
    from symness.classical import closedforms as cc
    return cc


@pytest.mark.parametrize("which", ["three_spin_equal", "three_spin_stationary"])
def test_classical_equal_coupling_forms(which):
    cc = _classical()
    form = getattr(cc, which)().form
    check_form(form, temperature_grid({"J": 1.0}) + temperature_grid({"J": 1e-3}, ("T_L", "T_R"))[:6])


@pytest.mark.parametrize("case", ["J_U>J_D", "J_U<J_D"])
@pytest.mark.parametrize("which", ["three_spin_unequal", "four_spin_unequal"])
def test_classical_unequal_coupling_forms(which, case):
    cc = _classical()
    form = getattr(cc, which)(case).form
    J = {"J_U": 1.0, "J_D": 0.7} if case == "J_U>J_D" else {"J_U": 0.7, "J_D": 1.0}
    pts = temperature_grid(J)
    # nearly equal couplings (b -> 1) and a strong coupling contrast
    near = {"J_U": 1.0, "J_D": 1.0 - 1e-9} if case == "J_U>J_D" else {"J_U": 1.0 - 1e-9, "J_D": 1.0}
    pts += [{**near, "T_L": 2.0, "T_R": 0.1}, {**near, "T_L": 0.5, "T_R": 0.5 * (1 + 1e-8)}]
    check_form(form, pts)


def test_classical_large_TL_and_branch_ratio():
    cc = _classical()
    lt = cc.three_spin_large_TL()
    for k in ("limit", "slope"):
        check_form(lt[k], [{"J": 1.0, "T_R": t} for t in np.logspace(-3, 3, 13)])
    check_form(cc.branch_ratio(), [{"N_U": float(u), "N_D": float(d)} for u in (0, 1, 7, 1000)
                                   for d in (0, 3, 10**6)])


def test_classical_pairs_are_the_same_expression():
    """The BoltzmannDifference rewrite is mathematically the plain substitution (exact, 40 digits)."""
    cc = _classical()
    rng = np.random.default_rng(3)
    for d in (cc.three_spin_equal(), cc.three_spin_unequal("J_U>J_D"), cc.four_spin_unequal("J_U<J_D")):
        for key, e in d.form.expr.items():
            plain = d.compact.expr[key].xreplace(d.definitions)
            for _ in range(2):
                pt = {s: sympy.Rational(int(rng.integers(1, 60)), int(rng.integers(1, 30)))
                      for s in plain.free_symbols}
                diff = (e.rewrite(sympy.exp) - plain).subs(pt)
                assert abs(sympy.N(diff, 40)) <= sympy.Float(10) ** -35 * (1 + abs(sympy.N(plain.subs(pt), 40)))


def test_classical_vs_solver_at_strong_bias():
    """Closed form = GTH stationary solver at T = 1e-2 .. 1e2 J (strong bias both ways)."""
    from symness.classical import IsingRing
    cc = _classical()
    f = cc.four_spin_unequal("J_U>J_D").form.lambdify(["J_U", "J_D", "T_L", "T_R"])
    ring = IsingRing(1, 1)
    for TL, TR in ((0.05, 50.0), (50.0, 0.05), (3.0, 0.3)):
        got = f(1.0, 0.7, TL, TR)
        ref = ring.heat_currents(1.0, 0.7, TL, TR)
        for k, key in (("I_L", "left"), ("I_U", "upper"), ("I_D", "lower")):
            assert got[k] == pytest.approx(ref[key], rel=1e-10, abs=1e-300)


# ---------------------------------------------------------------- kernels (qubit_kernels)
@cache
def _qubits():
    from symness import kernels as k
    T_A, T_B, g_A, g_B = sympy.symbols("T_A T_B g_A g_B", positive=True)
    sq = k.single_qubit(sympy.Symbol("omega_0", positive=True), T_A, T_B, g_A, g_B)
    cq = k.coupled_qubits(*sympy.symbols("omega_1 omega_2 lambda", positive=True), T_A, T_B, g_A, g_B)
    loc = k.local_lindblad(*sympy.symbols("omega_1 omega_2 lambda", positive=True), T_A, T_B, g_A, g_B)
    return sq, cq, loc


@pytest.mark.parametrize("key", ["populations", "heat_currents", "channels"])
def test_single_qubit_forms(key):
    sq, _, _ = _qubits()
    pts = []
    for g in ((1.0, 1.0), (1e-6, 1e3), (1e3, 1e-6)):
        pts += temperature_grid({"omega_0": 1.0, "g_A": g[0], "g_B": g[1]}, ("T_A", "T_B"))
    check_form(sq.forms()[key], pts)


@pytest.mark.parametrize("key", ["populations", "heat_currents", "channels"])
def test_coupled_qubit_forms(key):
    from symness.kernels import coupled_qubits
    _, cq, _ = _qubits()
    pts = []
    for w1, w2, lam in ((1.0, 0.6, 0.2), (1.0, 0.6, 1e-6), (1.0, 1.0 - 1e-9, 0.1), (1.0, 0.5, 0.7)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d = coupled_qubits(w1, w2, lam, 1.0, 0.5, 1.0, 1.0).definitions
        mix = {"alpha": d["alpha"], "beta": d["beta"], "omega_+": d["omega_+"], "omega_-": d["omega_-"]}
        pts += temperature_grid({**mix, "g_A": 1.0, "g_B": 0.5}, ("T_A", "T_B"))[::2]
    check_form(cq.forms()[key], pts)


def test_local_lindblad_form():
    _, _, loc = _qubits()
    pts = []
    for w2, lam, g in ((0.6, 0.2, (1.0, 1.0)), (1.0 - 1e-6, 1e-6, (1e-6, 1e2))):
        pts += temperature_grid({"omega_1": 1.0, "omega_2": w2, "lambda": lam, "g_A": g[0], "g_B": g[1]},
                                ("T_A", "T_B"))
    check_form(loc.form(), pts)


def test_qubit_expansions():
    sq, _, _ = _qubits()
    check_form(sq.high_temperature(2), temperature_grid({"omega_0": 1.0, "g_A": 1.0, "g_B": 2.0},
                                                        ("T_A", "T_B")))
    # the low-temperature form is used where it is valid, T << omega
    low = [{"omega_0": 1.0, "g_A": 1.0, "g_B": 2.0, "T_A": a, "T_B": b}
           for a in (1e-3, 0.01, 0.1) for b in (1e-3, 0.01, 0.1, a * (1 + 1e-8)) if a != b]
    check_form(sq.low_temperature(1), low)


def test_qubits_vs_davies_at_extremes():
    """Closed forms = numeric Davies solver at strong bias and low temperature."""
    from symness.kernels import coupled_qubits, single_qubit
    from symness.models.qubits import coupled_qubits_model, single_qubit_model
    from symness.open import davies_ness
    for TA, TB in ((0.05, 20.0), (20.0, 0.05)):
        r = single_qubit(1.0, TA, TB, 0.01, 0.02)
        ness = davies_ness(single_qubit_model(g_A=0.01, g_B=0.02), omega_0=1.0, T_A=TA, T_B=TB)
        np.testing.assert_allclose(r.populations, ness.populations(), rtol=1e-12)
        assert abs(r.heat_currents["A"] - ness.bath_heat_currents()["A"]) < 1e-11 * abs(r.heat_currents["A"])
        with warnings.catch_warnings():  # secular-approximation warning at T = 20: same model both sides
            warnings.simplefilter("ignore")
            r = coupled_qubits(1.0, 0.6, 0.2, TA, TB, 0.01, 0.02)
        ness = davies_ness(coupled_qubits_model(g_A=0.01, g_B=0.02), omega_1=1.0, omega_2=0.6,
                           **{"lambda": 0.2}, T_A=TA, T_B=TB)
        np.testing.assert_allclose(r.populations, ness.populations(), rtol=1e-11)
        assert abs(r.heat_currents["A"] - ness.bath_heat_currents()["A"]) < 1e-10 * abs(r.heat_currents["A"])


def test_local_lindblad_numeric_small_bias():
    """Numeric local_lindblad current = 50-digit reference where f_A(w1) ~ f_B(w2) cancel."""
    from symness.kernels import local_lindblad
    _, _, loc = _qubits()
    form = loc.form()["A"]
    # the second point has w2 T_A - w1 T_B = 2^-30 exactly in float64 (products exact): full accuracy
    # is possible although f_A(w1) and f_B(w2) agree to 9 digits
    for w2, TA, TB in ((1.0 - 1e-6, 1e3, 1e3 * (1 + 1e-8)), (0.5, 2.0 * (1 + 2.0**-30), 1.0), (0.5, 30.0, 15.0)):
        got = local_lindblad(1.0, w2, 0.2, TA, TB, 0.01, 0.02).heat_currents["A"]
        ref = form.evaluate({"omega_1": 1, "omega_2": w2, "lambda": 0.2, "T_A": TA, "T_B": TB,
                             "g_A": 0.01, "g_B": 0.02}, dps=DPS)
        assert abs(got - ref) <= 1e-9 * abs(ref)


# ---------------------------------------------------------------- hierarchy (weak_coupling)
def _t_points(extra_keys: dict[str, float]) -> list[dict[str, float]]:
    pts = []
    for th in (1e-4, 0.3, 3.0):
        for TL in (1e-2, 1.0, 1e3):
            for TR in (1e-2, 1.0, 1e3, TL * (1 + 1e-8)):
                if TL != TR:
                    pts.append({"theta": th, "t_L": math.tanh(1 / TL), "t_R": math.tanh(1 / TR), **extra_keys})
    return pts


def test_hierarchy_forms():
    from symness.hierarchy import current_forms, small_bias_form, zeroth_order_form
    baths = [{"c_L": 1.0, "c_R": 1.0, "d_L": 1.0, "d_R": 1.0}, {"c_L": 1e-6, "c_R": 1e3, "d_L": 2.0, "d_R": 0.5}]
    pts = sum((_t_points(b) for b in baths), [])
    check_form(zeroth_order_form(), pts)
    check_form(small_bias_form(), [{"theta": p["theta"], "t_L": p["t_L"], "t_R": p["t_R"], "c": p["c_L"],
                                    "d": p["d_L"], "K": 0.3} for p in pts])
    check_form(current_forms(), [{**p, "h": 1.0} for p in pts])


def test_hierarchy_forms_are_regrouped_not_changed():
    """The grouped (stable) forms equal the derived rational functions exactly (rational points)."""
    from symness.hierarchy.two_spin import _zeroth_exprs, theta, zeroth_order_form
    ex = _zeroth_exprs()
    form = zeroth_order_form()
    C = sympy.Symbol("C_theta")
    rng = np.random.default_rng(5)
    for a, b, c in ((3, 4, 5), (5, 12, 13), (8, 15, 17)):  # cos, sin rational on the unit circle
        trig = {sympy.cos(theta): sympy.Rational(a, c), sympy.sin(theta): sympy.Rational(b, c)}
        for k in ("t1", "t2", "g"):
            others = {s: sympy.Rational(int(rng.integers(1, 40)), int(rng.integers(1, 40)))
                      for s in ex[k].free_symbols - {C}}
            new = form.expr[k].xreplace(trig).xreplace(others)
            old = ex[k].xreplace({C: sympy.Rational(a, c)}).xreplace(others)
            assert sympy.nsimplify(new - old) == 0


@cache
def _two_spin_reference():
    from symness.hierarchy import zeroth_order_form
    form = zeroth_order_form()
    fm = sympy.lambdify(form.args, [form.expr[k] for k in ("t1", "t2", "g")], "mpmath")
    return [a.name for a in form.args], fm


def two_spin_exact(theta, TL, TR, h=1.0, cL=1.0, cR=1.0, dL=1.0, dR=1.0) -> dict[str, mpmath.mpf]:
    names, fm = _two_spin_reference()
    with mpmath.workdps(400):  # tanh(h/T) near 1 needs the digits of e^{-2h/T}
        hh = mpmath.mpf(h)
        v = {"theta": mpmath.mpf(theta), "t_L": mpmath.tanh(hh / mpmath.mpf(TL)),
             "t_R": mpmath.tanh(hh / mpmath.mpf(TR)), "c_L": mpmath.mpf(cL), "c_R": mpmath.mpf(cR),
             "d_L": mpmath.mpf(dL), "d_R": mpmath.mpf(dR)}
        t1, t2, g = fm(*[v[n] for n in names])
        return {"t1": t1, "t2": t2, "g": g, "T1": hh / mpmath.atanh(t1), "T2": hh / mpmath.atanh(t2)}


def _assert_two_spin(args, tol=1e-12):
    from symness.hierarchy import tilted_ising_two_spin
    got = tilted_ising_two_spin(*args)
    ref = two_spin_exact(*args)
    for k, r in ref.items():
        if abs(r) < mpmath.mpf("1e-290"):
            assert abs(got[k]) < 1e-280
            continue
        assert float(abs(mpmath.mpf(got[k]) - r) / abs(r)) <= tol, (args, k, got[k], float(r))


@pytest.mark.parametrize("args", [
    (1e-4, 1.0, 1.0),                 # was g = 0.0029 (exact 0)
    (1e-4, 1.0, 1.0 + 1e-8),
    (0.3, 0.04, 0.04),                # was t1 > 1 and T1 = 0
    (0.3, 0.1, 0.05),                 # was t1 == t2 and g of the wrong sign
    (0.3, 0.01, 0.0099),
    (0.3, 1e3, 1e3 * (1 + 1e-8)),
    (1.2, 1e3, 1e-3), (1.2, 1e-3, 1e3),
    (0.7, 2.0, 0.3, -1.5, 0.5, 2.0, 0.3, 1.0),
])
def test_tilted_ising_two_spin_numeric_extremes(args):
    _assert_two_spin(args)


def test_tilted_ising_two_spin_vs_numeric_hierarchy_at_extremes():
    """Closed form = numeric hierarchy rho_0 (independent linear algebra) at strong bias, small theta."""
    from symness.hierarchy import Hierarchy, tilted_ising_two_spin
    from symness.hierarchy.observables import local_t
    from symness.models import tilted_ising
    for p in (dict(theta=0.05, T_L=0.2, T_R=5.0, h=1.0), dict(theta=1.3, T_L=20.0, T_R=0.3, h=0.7)):
        cf = tilted_ising_two_spin(**p)
        rho = Hierarchy(tilted_ising(2), **p).rho(0)
        t = local_t(rho, 2)
        assert abs(cf["t1"] - t[0]) < 1e-11 and abs(cf["t2"] - t[1]) < 1e-11


# ---------------------------------------------------------------- exchange (coldatom)
def test_exchange_forms():
    from symness.exchange import flux, magnon, sommerfeld
    for order in (1, 2):
        for f in (sommerfeld.sommerfeld_energy(order), sommerfeld.sommerfeld_alpha(order)):
            check_form(f, [{"T": t, "rho": r} for t in np.logspace(-3, 3, 7) for r in (0.1, 1.0, 10.0)])
    check_form(flux.flux_ratio(), [{"E": e, "alpha_1": a1, "alpha_2": a2, "g": g}
                                   for e in (1e-6, 1.0, 1e6) for a1, a2 in ((1.0, 1.0 + 1e-9), (1e-3, 1e3))
                                   for g in (0.1, 10.0)])
    check_form(flux.flux_ratio_low_T(), [{"T_1": a, "T_2": b, "rho": 1.0}
                                         for a in (1e-3, 0.1, 1.0) for b in (1e-3, 0.1, 1.0 + 1e-8)])
    check_form(flux.gaussian_packet()["|\\psi(x,t)|^2"], [{"x": x, "t": t, "m": 1.0}
                                                          for x in (0.0, 0.5, 3.0) for t in (0.0, 1e-3, 1e3)])
    check_form(magnon.bessel_probability(), [{"d": d, "alpha": 1.0, "g": 1.0, "t": t}
                                             for d in (0.0, 1.0, 5.0) for t in (1e-3, 1.0, 30.0)])
    E = magnon.open_chain_magnons()["E_k"]
    check_form(E, [{"alpha": 1.0, "g": 1.0, "N": n, "k": k} for n in (10.0, 1e4, 1e6) for k in (1.0, 3.0, 7.0)])


def test_evaluate_with_float_inputs_is_high_precision():
    """``ClosedForm.evaluate(dps=50)`` with Python floats = with their exact rational values.

    (Functions such as Bose/BoseDifference evaluate on Float arguments; 15-digit Floats made the
    50-digit reference wrong by 1e-6 at T_B = T_A (1 + 1e-8).)
    """
    sq, _, _ = _qubits()
    f = sq.forms()["heat_currents"]["A"]
    pt = {"omega_0": 1.0, "T_A": 1e3, "T_B": 1e3 * (1 + 1e-8), "g_A": 1.0, "g_B": 1.0}
    exact = f.evaluate({k: sympy.Rational(v) for k, v in pt.items()}, dps=DPS)
    assert abs(f.evaluate(pt, dps=DPS) - exact) <= 1e-14 * abs(exact)


# ---------------------------------------------------------------- hypothesis: random extreme points
log_T = st.floats(min_value=-3, max_value=3, allow_nan=False)
rel_bias = st.one_of(st.floats(min_value=-1e-6, max_value=1e-6), st.floats(min_value=-0.9, max_value=9.0))


@cache
def _equal_form() -> ClosedForm:
    return _classical().three_spin_equal().form


@cache
def _single_currents() -> ClosedForm:
    return _qubits()[0].forms()["heat_currents"]


@settings(max_examples=30, deadline=None)
@given(log_T, rel_bias)
def test_property_three_spin_equal(lt, b):
    TL = 10.0**lt
    TR = TL * (1 + b)
    if TR == TL or TR <= 0:
        return
    check_form(_equal_form(), [{"J": 1.0, "T_L": TL, "T_R": TR}], spot=0)


@settings(max_examples=30, deadline=None)
@given(log_T, rel_bias, st.floats(min_value=-6, max_value=3))
def test_property_single_qubit_currents(lt, b, lg):
    TA = 10.0**lt
    TB = TA * (1 + b)
    if TB == TA or TB <= 0:
        return
    check_form(_single_currents(), [{"omega_0": 1.0, "T_A": TA, "T_B": TB, "g_A": 10.0**lg,
                                              "g_B": 1.0}], spot=0)


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=1e-3, max_value=math.pi - 1e-3), st.floats(min_value=-2, max_value=2), rel_bias)
def test_property_tilted_ising_two_spin(th, lt, b):
    TL = 10.0**lt
    TR = TL * (1 + b)
    if TR <= 0:
        return
    _assert_two_spin((th, TL, TR), tol=1e-11)
