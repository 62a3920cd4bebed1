"""Counting statistics of the classical Ising ring (issue 13): noise and cumulants of the heat currents.

Every check is independent of the recursion in :func:`symness.markov.counting.cumulants_numeric`
that the ring uses: the leading eigenvalue of the *unlumped* tilted generator built
from ``IsingRing.generator`` (mpmath, finite differences), the kinetic Monte Carlo
with a Poisson clock, the exact characteristic-polynomial route, and physical
laws (first law, fluctuation-dissipation, TUR, equilibrium symmetry).
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symness.classical import IsingRing
from symness.classical import closedforms as cf
from symness.classical.dynamics import LEFT, RIGHT
from symness.errors import InvalidParameterError, NonUniqueSteadyStateError, PrecisionWarning, SymnessError
from symness.markov.counting import scgf_numeric

ARGS = (1.0, 0.6, 3.0, 0.7)


def _tilted_edges(ring: IsingRing, J: tuple[float, float], T: tuple[float, float], bath: int):
    """Edges of the full (unlumped) chain from the generator matrix, increment dE on the bath's flips."""
    W = ring.generator(*J, *T).tocoo()
    tr = ring.transitions(*J)
    dE = {(int(s), int(d)): float(e) for s, d, e, b in zip(tr.src, tr.dst, tr.energy(np.array(J)), tr.bath)
          if b == bath}
    return [(int(c), int(r), mpmath.mpf(float(w)), mpmath.mpf(dE.get((int(c), int(r)), 0.0)))
            for r, c, w in zip(W.row, W.col, W.data) if r != c]


@pytest.mark.parametrize("nu,nd,args,bath,order", [
    (1, 0, (1.0, 1.0, 2.0, 1.0), "left", 3),
    (1, 1, ARGS, "right", 2),
])
def test_cumulants_are_derivatives_of_the_scgf(nu, nd, args, bath, order):
    ring = IsingRing(nu, nd)
    J, T = args[:2], args[2:]
    edges = _tilted_edges(ring, J, T, LEFT if bath == "left" else RIGHT)
    with mpmath.workdps(20):
        d = mpmath.taylor(lambda c: scgf_numeric(ring.n_states, edges, c), 0, order)
        fd = [float(d[j] * mpmath.factorial(j)) for j in range(1, order + 1)]
    k = ring.heat_cumulants(*args, bath=bath, order=order, normalization="literal")
    assert [k[f"kappa_{j}"] for j in range(1, order + 1)] == pytest.approx(fd, rel=1e-10)
    paper = ring.heat_cumulants(*args, bath=bath, order=order)
    assert [paper[f"kappa_{j}"] * ring.n_spins for j in range(1, order + 1)] == pytest.approx(fd, rel=1e-10)


@pytest.mark.parametrize("ring,args,kw", [
    (IsingRing(1, 0), (1.0, 1.0, 2.0, 1.0), {}),
    (IsingRing(2, 3), (1.0, 0.7, 2.0, 0.5), {}),
    (IsingRing(1, 0, bulk="cca", mu=2), (1.0, 1.0, 2.0, 0.5), {"cls": 0}),
])
def test_first_cumulant_is_the_current_and_energy_is_conserved(ring, args, kw):
    I = ring.heat_currents(*args, **kw)
    k = {b: ring.heat_cumulants(*args, bath=b, order=2, **kw) for b in ("left", "right", "upper", "lower")}
    for b in I:
        assert k[b]["kappa_1"] == pytest.approx(I[b], rel=1e-12, abs=1e-15)
    assert k["left"]["kappa_1"] + k["right"]["kappa_1"] == pytest.approx(0, abs=1e-14)
    # the heat from both baths differs by the (bounded) ring energy: same long-time variance
    assert k["left"]["kappa_2"] == pytest.approx(k["right"]["kappa_2"], rel=1e-12)
    S = ring.heat_current_noise(*args, **kw)
    assert S == {b: k[b]["kappa_2"] for b in S}


def test_monte_carlo_noise_within_3_sigma():
    for nu, nd, args, seed in [(1, 0, (1.0, 1.0, 2.0, 1.0), 3), (1, 1, ARGS, 5)]:
        ring = IsingRing(nu, nd)
        mc = ring.simulate(*args, steps=3 * 10**6, seed=seed)
        exact = ring.heat_current_noise(*args)
        dev = mc.noise_deviation(exact)
        assert set(dev) == {"left", "right", "upper", "lower"}
        assert all(abs(v) < 3 for v in dev.values()), (dev, mc.noise, exact)
        assert 0 < mc.noise_window < mc.attempts / mc.walkers


def test_monte_carlo_noise_literal_and_currents_unchanged_by_the_clock():
    ring = IsingRing(1, 0)
    a = ring.simulate(1, 1, 3.0, 0.5, steps=10**6, seed=7, normalization="literal")
    assert abs(a.noise_deviation(ring.heat_current_noise(1, 1, 3.0, 0.5, normalization="literal"))["left"]) < 3
    b = ring.simulate(1, 1, 3.0, 0.5, steps=10**6, seed=7)
    assert a.currents["left"] == pytest.approx(ring.n_spins * b.currents["left"], rel=1e-12)
    small = ring.simulate(1, 1, 3.0, 0.5, steps=1000, seed=7, walkers=10)
    assert small.noise == {} and small.noise_window == 0.0


@pytest.mark.parametrize("ring", [IsingRing(1, 0), IsingRing(1, 2)])
def test_fluctuation_dissipation_at_equal_temperatures(ring):
    T, h = 1.3, 1e-4
    for J in ((1.0, 1.0), (1.0, 0.5)):
        S = ring.heat_cumulants(*J, T, T, order=3)
        up = ring.heat_currents(*J, T + h, T)["left"]
        down = ring.heat_currents(*J, T - h, T)["left"]
        G = (up - down) / (2 * h)
        assert S["kappa_2"] == pytest.approx(2 * T**2 * G, rel=1e-7)
        assert S["kappa_1"] == 0.0 and S["kappa_3"] == 0.0  # detailed balance: Q_t symmetric in law


def test_small_bias_recomputed_precisely():
    """T_L - T_R = 1e-12: float64 rates cannot resolve the current; ball arithmetic does."""
    ring = IsingRing(1, 0)
    T = 1.0 + 1e-12
    G = ring.heat_current_noise(1.0, 1.0, 1.0, 1.0)["left"] / 2  # fluctuation-dissipation
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrecisionWarning)
        k = ring.heat_cumulants(1.0, 1.0, T, 1.0, order=3)
    dT = float(mpmath.mpf(T) - 1)
    assert k["kappa_1"] == pytest.approx(G * dT, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(JU=st.floats(0.3, 2.0), JD=st.floats(0.3, 2.0), TL=st.floats(0.4, 5.0), TR=st.floats(0.4, 5.0),
       shape=st.sampled_from([(1, 0), (1, 1), (0, 2)]))
def test_noise_positive_and_tur(JU, JD, TL, TR, shape):
    ring = IsingRing(*shape)
    I = ring.heat_currents(JU, JD, TL, TR, normalization="literal")
    S = ring.heat_current_noise(JU, JD, TL, TR, normalization="literal")
    assert all(v > 0 for v in S.values())
    sigma = -I["left"] / TL - I["right"] / TR
    assert sigma >= -1e-15
    assert ring.entropy_production(JU, JD, TL, TR, normalization="literal") == pytest.approx(sigma, rel=1e-9,
                                                                                             abs=1e-15)
    assert ring.entropy_production(JU, JD, TL, TR) >= 0
    if abs(TL - TR) > 1e-3 * max(TL, TR):
        # TUR for every current of the Markov jump process (bath heat and branch energies)
        for b in S:
            if abs(I[b]) > 1e-12:
                assert S[b] * sigma / I[b] ** 2 >= 2 * (1 - 1e-9), (b, S[b], sigma, I[b])
        assert ring.tur_ratio(JU, JD, TL, TR) == pytest.approx(S["left"] * sigma / I["left"] ** 2, rel=1e-9)


def test_tur_ratio_tends_to_two_in_linear_response():
    ring = IsingRing(1, 1)
    assert ring.tur_ratio(1.0, 0.6, 1.0 + 1e-9, 1.0) == pytest.approx(2, rel=1e-5)
    assert ring.entropy_production(1.0, 0.6, 1.0, 1.0) == 0.0
    J = sympy.Symbol("J", positive=True)
    TL, TR = sympy.symbols("T_L T_R", positive=True)
    tur = IsingRing(1, 0).tur_ratio(J, J, TL, TR)
    assert float(tur.subs({J: 1, TL: 2, TR: 1})) == pytest.approx(IsingRing(1, 0).tur_ratio(1.0, 1.0, 2.0, 1.0),
                                                                  rel=1e-12)


def test_symbolic_cumulants_match_numbers():
    J = sympy.Symbol("J", positive=True)
    TL, TR = sympy.symbols("T_L T_R", positive=True)
    ring = IsingRing(1, 0)
    k = ring.heat_cumulants(J, J, TL, TR, order=3)
    num = ring.heat_cumulants(1.0, 1.0, 2.0, 0.7, order=3)
    for key in k:
        assert float(k[key].subs({J: 1, TL: 2, TR: sympy.Rational(7, 10)})) == pytest.approx(num[key], rel=1e-12)
    # unequal couplings with a known sign of J_U - J_D
    S = ring.heat_cumulants(J, J / 2, TL, TR, bath="upper", order=2, normalization="literal")["kappa_2"]
    exact = float(S.subs({J: 1, TL: 2, TR: 1}))
    assert exact == pytest.approx(ring.heat_current_noise(1.0, 0.5, 2.0, 1.0, normalization="literal")["upper"],
                                  rel=1e-12)


@pytest.mark.parametrize("kw,args,point", [
    ({}, [cf.J, cf.T_L, cf.T_R], (1.0, 2.0, 0.7)),
    ({"equal": False, "case": "J_U<J_D", "bath": "upper", "normalization": "literal"},
     [cf.J_U, cf.J_D, cf.T_L, cf.T_R], (0.6, 1.0, 2.0, 1.0)),
    ({"equal": False, "case": "J_U>J_D", "bath": "right"}, [cf.J_U, cf.J_D, cf.T_L, cf.T_R], (1.0, 0.6, 0.5, 3.0)),
])
def test_closed_form_cumulants(kw, args, point):
    d = cf.ring_cumulants(1, 0, order=2, **kw)
    f = d.form.lambdify(args)
    J = point[:-2] * (2 if len(point) == 3 else 1)
    num = IsingRing(1, 0).heat_cumulants(*J, *point[-2:], order=2, bath=kw.get("bath", "left"),
                                         normalization=kw.get("normalization", "paper"))
    got = f(*point)
    assert [got["kappa_1"], got["kappa_2"]] == pytest.approx([num["kappa_1"], num["kappa_2"]], rel=1e-12)
    # the compact form stays finite far below the float64 range of the numeric solvers
    low = f(*point[:-2], 0.004, 0.003)
    assert np.isfinite(low["kappa_2"]) and low["kappa_2"] >= 0


@pytest.mark.parametrize("call,err", [
    (lambda r: r.heat_cumulants(1, 1, 2, 1, bath="middle"), InvalidParameterError),
    (lambda r: r.heat_cumulants(1, 1, 2, 1, order=0), InvalidParameterError),
    (lambda r: r.heat_cumulants(1, 1, 2, 1, order=5), InvalidParameterError),
    (lambda r: r.heat_cumulants(1, 1, 2, 1, order=2.0), InvalidParameterError),
    (lambda r: r.heat_cumulants(1, 1, -2, 1), InvalidParameterError),
    (lambda r: r.heat_current_noise(1, 1, 2, 0), InvalidParameterError),
    (lambda r: r.heat_current_noise(1, 1, 2, 1, normalization="x"), InvalidParameterError),
    (lambda r: IsingRing(2, 2).heat_current_noise(sympy.Symbol("J", positive=True), 1, 2, 1),
     InvalidParameterError),
    (lambda r: IsingRing(5, 6).heat_current_noise(1, 1, 2, 1), InvalidParameterError),
    (lambda r: r.tur_ratio(1, 1, 2, 2), InvalidParameterError),
    (lambda r: r.tur_ratio(1, 1, 2, 1, bath="center"), InvalidParameterError),
    (lambda r: r.entropy_production(1, 1, 2, -1), InvalidParameterError),
    (lambda r: cf.ring_cumulants(2, 2), InvalidParameterError),
    (lambda r: cf.ring_cumulants(1, 0, bath="L"), InvalidParameterError),
    (lambda r: cf.ring_cumulants(1, 0, order=-1), InvalidParameterError),
    (lambda r: cf.ring_cumulants(1, 0, equal=False), InvalidParameterError),
    (lambda r: IsingRing(1, 0, bulk="cca", mu=2).heat_current_noise(1, 1, 2, 1), NonUniqueSteadyStateError),
    (lambda r: IsingRing(1, 0, bulk="cca", mu=2).heat_current_noise(1, 1, 2, 1, initial=np.full(32, 1 / 32)),
     NonUniqueSteadyStateError),
])
def test_bad_inputs(call, err):
    with pytest.raises(err) as info:
        call(IsingRing(1, 0))
    assert isinstance(info.value, SymnessError)
