"""Thermal machines and Schnakenberg cycles of Pauli kernels, against independent computations.

Independent routes: the numeric Davies solver (currents, hence COP); the entropy
production computed from the heat currents (sigma = -sum q/T) for the cycle sum;
physical laws: first law, second law (COP <= Carnot for every sampled point of the
refrigerator regime), affinities vanish at equal temperatures.
"""

import numpy as np
import pytest
import sympy
from test_kernels_user_models import _davies, _fridge, g, w1, w3

from symness.baths import Bath, flat
from symness.errors import InvalidParameterError
from symness.kernels import pauli_kernel

Tc, Th = sympy.symbols("T_c T_h", positive=True)
POINT = dict(omega_1=1.0, omega_3=0.7, g=0.05, T_c=0.4, T_r=0.5, T_h=2.0, kappa_1=0.01, kappa_2=0.02,
             kappa_3=0.015)


@pytest.fixture(scope="module")
def fridge():
    H, cs = _fridge()
    return H, cs, pauli_kernel(H, cs, at={w1: 1.0, w3: 0.7, g: 0.05})


def test_refrigerator_cop_vs_davies_and_carnot(fridge):
    H, cs, pk = fridge
    m = pk.absorption_refrigerator("h", "r", "c")
    perf = m.performance(**POINT)
    ref, _ = _davies(H, cs, {sympy.Symbol(k, positive=True): v for k, v in POINT.items()})
    assert perf["regime"] == "refrigerator"
    assert perf["cooling_power"] == pytest.approx(ref["c"], rel=1e-9)
    assert perf["cop"] == pytest.approx(ref["c"] / ref["h"], rel=1e-9)
    assert m.cop.lambdify()(**POINT) == pytest.approx(ref["c"] / ref["h"], rel=1e-9)
    # Carnot bound from its definition, independently of the form
    t_c, t_r, t_h = POINT["T_c"], POINT["T_r"], POINT["T_h"]
    assert perf["carnot_cop"] == pytest.approx((1 / t_r - 1 / t_h) / (1 / t_c - 1 / t_r), rel=1e-14)
    assert 0 < perf["cop"] < perf["carnot_cop"] and perf["second_law_ok"]


def test_cop_never_exceeds_carnot(fridge):
    """Second law over a grid of temperatures and couplings, in whatever regime the machine runs."""
    _, _, pk = fridge
    m = pk.absorption_refrigerator("h", "r", "c")
    rng = np.random.default_rng(3)
    seen = set()
    for _ in range(25):
        tc = rng.uniform(0.1, 1.0)
        tr = tc * rng.uniform(1.01, 3.0)
        th = tr * rng.uniform(1.01, 10.0)
        p = dict(POINT, T_c=tc, T_r=tr, T_h=th, omega_1=rng.uniform(0.3, 2), omega_3=rng.uniform(0.3, 2),
                 kappa_1=rng.uniform(1e-3, 0.1), kappa_3=rng.uniform(1e-3, 0.1))
        perf = m.performance(**p)
        seen.add(perf["regime"].split()[0])
        assert perf["second_law_ok"], perf
        qs = [perf["cooling_power"], perf["heat_input"], perf["room_heat"]]
        assert abs(sum(qs)) < 1e-12 * max(map(abs, qs))  # first law
    assert "refrigerator" in seen


def test_cycle_sum_is_entropy_production(fridge):
    _, _, pk = fridge
    cd = pk.cycle_decomposition()
    n_trans = len(pk.transitions)
    assert len(cd.tree) == pk.dim - 1 and len(cd.cycles) == n_trans - pk.dim + 1
    terms = cd.terms(**POINT)
    sigma = pk.entropy_production().lambdify()(**POINT)
    assert sum(j * a for j, a in terms) == pytest.approx(sigma, rel=1e-10)
    assert cd.sigma.lambdify()(**POINT) == pytest.approx(sigma, rel=1e-12)
    # each affinity vanishes at equal temperatures (Bohr frequencies telescope around a cycle)
    eq = dict(POINT, T_c=0.7, T_r=0.7, T_h=0.7)
    A = np.asarray(cd.affinities.lambdify()(**{s.name: eq[s.name] for s in cd.affinities.args}), dtype=float)
    assert np.max(np.abs(A)) < 1e-13
    # fluxes from the closed form agree with the populations and rates of the numeric Davies solver
    J = np.asarray(cd.fluxes.lambdify()(**POINT), dtype=float).reshape(-1)
    assert np.all(np.isfinite(J)) and len(J) == len(cd.cycles)


def test_single_channel_cycle_is_manifestly_nonnegative():
    """A qubit between two baths: one cycle, J_C A_C >= 0 term by term for any temperatures."""
    w = sympy.Symbol("omega", positive=True)
    T1, T2 = sympy.symbols("T_1 T_2", positive=True)
    sx = sympy.Matrix([[0, 1], [1, 0]])
    pk = pauli_kernel(w / 2 * sympy.diag(1, -1), [(sx, Bath(flat(sympy.Rational(1, 10)), T1, name="A")),
                                                  (sx, Bath(flat(sympy.Rational(1, 20)), T2, name="B"))])
    cd = pk.cycle_decomposition()
    assert len(cd.cycles) == 1
    for t1, t2 in [(2.0, 0.5), (0.5, 2.0), (1.0, 1.0 + 1e-9)]:
        (j, a), = cd.terms(omega=1.0, T_1=t1, T_2=t2)
        assert j * a >= 0


def test_bad_machine_inputs(fridge):
    _, _, pk = fridge
    with pytest.raises(InvalidParameterError, match="not a bath"):
        pk.absorption_refrigerator("hot", "r", "c")
    with pytest.raises(InvalidParameterError, match="different"):
        pk.coefficient_of_performance("c", "c")
    with pytest.raises(InvalidParameterError, match="three different"):
        pk.absorption_refrigerator("h", "h", "c")
    m = pk.absorption_refrigerator("h", "r", "c")
    with pytest.raises(InvalidParameterError, match="T_c < T_r < T_h"):
        m.performance(**dict(POINT, T_r=3.0))
    w = sympy.Symbol("omega", positive=True)
    sx = sympy.Matrix([[0, 1], [1, 0]])
    two = pauli_kernel(w / 2 * sympy.diag(1, -1), [(sx, Bath(flat(1), Tc, name="c")), (sx, Bath(flat(1), Th,
                                                                                                  name="h"))])
    with pytest.raises(InvalidParameterError, match="three baths"):
        two.absorption_refrigerator("h", "c", "c")


def test_docs_page_thermodynamics_runs():
    """The worked example of docs/thermodynamics.md runs as written; its numbers obey the laws it states."""
    import re
    from pathlib import Path
    page = (Path(__file__).resolve().parents[1] / "docs" / "thermodynamics.md").read_text(encoding="utf-8")
    code = "\n".join(re.findall(r"```python\n(.*?)```", page, flags=re.S))
    ns: dict = {}
    exec(compile(code, "thermodynamics.md", "exec"), ns)  # noqa: S102 - our own documentation
    perf = ns["perf"]
    assert perf["regime"] == "refrigerator" and perf["cop"] < perf["carnot_cop"]
    assert perf["cop"] == pytest.approx(1.392, rel=1e-3)  # the number the page quotes
    assert ns["tur"] >= 2 and ns["sigma"] > 0
    assert ns["kappa"]["kappa_1"] == pytest.approx(perf["cooling_power"], rel=1e-10)
    Gn = ns["Gn"]
    np.testing.assert_allclose(Gn, Gn.T, rtol=1e-10)
    assert np.all(np.linalg.eigvalsh(Gn) >= -1e-14 * np.abs(Gn).max())
    assert sum(j * a for j, a in ns["terms"]) == pytest.approx(ns["sigma"], rel=1e-10)
    red, dav = ns["kappa_red"], ns["kappa_dav"]  # the numbers the page quotes, and the laws
    assert red[0] == pytest.approx(1.529e-4, rel=1e-3) and dav[0] == pytest.approx(1.728e-4, rel=1e-3)
    assert red[1] == pytest.approx(5.715e-4, rel=1e-3) and dav[1] == pytest.approx(6.453e-4, rel=1e-3)
    assert ns["redfield"].tur_ratio("c") == pytest.approx(2.156, rel=1e-3)
    assert red[0] / ns["redfield"].heat_current("c") - 1 == pytest.approx(-1.3e-4, rel=0.1)
