"""Heat currents (eqs. 6, 9): conservation laws, Ohm's law, direction, normalisation, regimes."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symness.classical import IsingRing
from symness.classical.dynamics import numeric_rates


def site_currents(ring, J1, J2, TL, TR):
    """Energy per unit time that flips of each spin i move into bond (i, i+1) (eq. 9 for every i)."""
    tr = ring.transitions(J1, J2)
    p = ring.stationary(J1, J2, TL, TR)
    flux = numeric_rates(tr, np.array([J1, J2]), TL, TR) * p[tr.src]
    e_right = tr.d_right @ np.array([J1, J2])
    return {i: float(np.sum((flux * e_right)[tr.site == i])) for i in range(1, ring.n_spins + 1)}


@settings(max_examples=25, deadline=None)
@given(nu=st.integers(0, 3), nd=st.integers(0, 3),
       J1=st.floats(0.2, 3.0), J2=st.floats(0.2, 3.0),
       TL=st.floats(0.15, 8.0), TR=st.floats(0.15, 8.0))
def test_energy_conservation(nu, nd, J1, J2, TL, TR):
    """I_L = -I_R (steady state) and I_L = I_U - I_D (energy balance at the left node)."""
    I = IsingRing(nu, nd).heat_currents(J1, J2, TL, TR)
    tol = 1e-9 * max(abs(v) for v in I.values()) + 1e-15 * max(J1, J2)  # roundoff of gross fluxes
    assert abs(I["left"] + I["right"]) <= tol
    assert abs(I["left"] - (I["upper"] - I["lower"])) <= tol


@pytest.mark.parametrize("nu,nd", [(0, 0), (1, 0), (0, 1), (2, 1), (1, 3), (3, 2)])
def test_branch_current_is_the_same_through_every_spin(nu, nd, rng):
    """Steady state: every spin of a branch passes on the same energy current (bond balance)."""
    ring = IsingRing(nu, nd)
    J1, J2 = rng.uniform(0.5, 2.0, 2)
    TL, TR = 3.0, 0.4
    cur = site_currents(ring, J1, J2, TL, TR)
    I = ring.heat_currents(J1, J2, TL, TR, normalization="literal")
    upper = [cur[i] for i in range(1, nu + 2)]          # sites 1..N_U+1 feed the upper bonds
    lower = [cur[i] for i in range(nu + 2, ring.n_spins + 1)]
    assert np.allclose(upper, I["upper"], rtol=1e-10, atol=1e-15)
    assert np.allclose(lower, I["lower"], rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("nu,nd", [(nu, nd) for nu in range(5) for nd in range(5) if nu + nd <= 7])
def test_ohms_law_for_equal_couplings(nu, nd, rng):
    """Equal J: I_U / I_D = -(N_D + 1)/(N_U + 1) exactly (bonds act as resistors in parallel).

    Derived in symness.classical.closedforms.branch_ratio from the domain-wall
    picture; checked here against the exact numeric stationary state.
    """
    ring = IsingRing(nu, nd)
    J = rng.uniform(0.3, 2.0)
    TL, TR = rng.uniform(0.2, 6.0, 2)
    I = ring.heat_currents(J, J, TL, TR)
    assert I["upper"] * (nu + 1) == pytest.approx(-I["lower"] * (nd + 1), rel=1e-9, abs=1e-300)
    assert I["upper"] == pytest.approx(I["left"] * (nd + 1) / ring.n_spins, rel=1e-9, abs=1e-300)


def test_ohms_law_fails_for_unequal_couplings():
    I = IsingRing(2, 3).heat_currents(2.0, 1.9, 2.0, 0.1)
    assert abs(I["upper"] * 3 + I["lower"] * 4) > 0.1 * abs(I["left"])


@settings(max_examples=20, deadline=None)
@given(nu=st.integers(0, 3), nd=st.integers(0, 3), J1=st.floats(0.2, 3.0), J2=st.floats(0.2, 3.0),
       T=st.floats(0.2, 6.0), ratio=st.floats(1.05, 20.0))
def test_heat_flows_from_hot_to_cold(nu, nd, J1, J2, T, ratio):
    ring = IsingRing(nu, nd)
    I = ring.heat_currents(J1, J2, T * ratio, T)
    assert I["left"] > 0 and I["right"] < 0
    I = ring.heat_currents(J1, J2, T, T * ratio)
    assert I["left"] < 0


def test_normalizations():
    ring = IsingRing(2, 1)
    a = ring.heat_currents(1.3, 0.8, 2.5, 0.7)
    b = ring.heat_currents(1.3, 0.8, 2.5, 0.7, normalization="literal")
    for k in a:
        assert b[k] == pytest.approx(ring.n_spins * a[k], rel=1e-14)


def test_symbolic_currents_equal_numeric():
    J1, J2, TL, TR = sympy.symbols("J_1 J_2 T_L T_R", positive=True)
    ring = IsingRing(1, 1)
    I = ring.heat_currents(J1, J2, TL, TR)
    for a, b in ((2.0, 1.9), (1.0, 1.7)):
        num = ring.heat_currents(a, b, 2.0, 0.3)
        f = sympy.lambdify([J1, J2, TL, TR], [I[k] for k in num])
        assert np.allclose(f(a, b, 2.0, 0.3), list(num.values()), rtol=1e-12, atol=0)


def test_classify_regimes():
    # the paper's Fig. 5 point: J_1 = 2, J_2 = 1.9, T_L = 2, T_R = 0.1, N_U = 2, N_D = 3
    reg = IsingRing(2, 3).classify(2.0, 1.9, 2.0, 0.1)
    assert reg.direction == "clockwise" and reg.magnified and reg.magnification > 1
    # reversed coupling order circulates the other way (Fig. 5(d): direction depends on J_1 vs J_2)
    reg = IsingRing(2, 3).classify(1.9, 2.0, 2.0, 0.1)
    assert reg.direction == "anticlockwise" and reg.magnified
    # equal couplings: Ohm's law, never magnified
    reg = IsingRing(1, 0).classify(1, 1, 3.0, 1.0)
    assert reg.direction == "parallel" and not reg.magnified and reg.magnification < 1
    none = IsingRing(1, 0).classify(1, 1, 1.0, 1.0)
    assert none.direction == "none" and none.magnification is None and not none.magnified  # never NaN
    assert "no heat current" in str(none)
    assert "parallel" in str(IsingRing(1, 0).classify(1, 1, 3.0, 1.0))


def test_correlation():
    ring = IsingRing(2, 3)
    c = ring.correlation(2, 3, 2.0, 1.9, 2.0, 0.1)
    assert -1 <= c <= 1
    # equal temperatures, three-spin ring: <s1 s2> from the Gibbs state directly
    ring = IsingRing(1, 0)
    E = ring.energies(1.0, 1.0)
    g = np.exp(-E / 0.7)
    g /= g.sum()
    s = ring.states()
    assert ring.correlation(1, 2, 1, 1, 0.7, 0.7) == pytest.approx(float((s[:, 0] * s[:, 1]) @ g))


def test_magnification_with_directly_connected_nodes():
    """Errata, Sec. II F: with N_D = 0 the nodal spins touch, yet rings with N_U >= 2 can magnify."""
    reg = IsingRing(2, 0).classify(1.9, 2.0, 2.0, 0.1)
    assert reg.direction == "anticlockwise" and reg.magnified and reg.magnification > 1.2
    assert not IsingRing(1, 0).classify(1.9, 2.0, 2.0, 0.1).magnified  # three spins: never (proof)


def test_cca_currents_close_to_but_not_equal_q2r():
    """Errata, Sec. II G: CCA currents depend (weakly) on mu; frozen demons reproduce Q2R exactly."""
    q = IsingRing(1, 2).heat_currents(2.0, 1.0, 2.0, 0.1)
    frozen = IsingRing(1, 2, bulk="cca", mu=3).heat_currents(2.0, 1.0, 2.0, 0.1, cls=0)
    active = IsingRing(1, 2, bulk="cca", mu=4).heat_currents(2.0, 1.0, 2.0, 0.1, cls=0)
    assert frozen["left"] == pytest.approx(q["left"], rel=1e-12)
    rel = abs(active["left"] - q["left"]) / q["left"]
    assert 1e-4 < rel < 1e-2


@pytest.mark.parametrize("nu,nd,mu", [(1, 2, 4), (2, 1, 2), (0, 2, 4), (2, 2, 4)])
def test_ohms_law_holds_for_cca_too(nu, nd, mu):
    """CCA adds bulk pair creation/annihilation, but each demon's mean energy is stationary."""
    ring = IsingRing(nu, nd, bulk="cca", mu=mu)
    for c in range(min(2, len(ring.classes(1.0, 1.0)))):
        I = ring.heat_currents(1.0, 1.0, 2.3, 0.4, cls=c)
        assert I["upper"] / I["lower"] == pytest.approx(-(nd + 1) / (nu + 1), rel=1e-10)
