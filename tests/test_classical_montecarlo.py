"""Kinetic Monte Carlo vs the exact stationary state (within 3 standard errors)."""

import numpy as np
import pytest
import sympy

from symness import InvalidParameterError, NonUniqueSteadyStateError
from symness.classical import IsingRing


def test_three_spin_symbolic_vs_numeric_vs_monte_carlo():
    """Symbolic stationary state = numeric null vector = Monte Carlo occupation (3 sigma)."""
    J, TL, TR = sympy.symbols("J T_L T_R", positive=True)
    ring = IsingRing(1, 0)
    P = ring.stationary(J, J, TL, TR)
    exact = np.array(P.subs({J: 1, TL: 2, TR: 1}).evalf(30), dtype=float).ravel()
    numeric = ring.stationary(1.0, 1.0, 2.0, 1.0)
    assert np.allclose(exact, numeric, rtol=1e-13, atol=0)
    mc = ring.simulate(1.0, 1.0, 2.0, 1.0, steps=2 * 10**6, seed=11, record_states=True)
    assert np.all(np.abs(mc.occupation - exact) <= 3 * mc.occupation_stderr)
    I = {k: float(v.subs({J: 1, TL: 2, TR: 1})) for k, v in ring.heat_currents(J, J, TL, TR).items()}
    assert all(abs(d) <= 3 for d in mc.deviation(I).values())


@pytest.mark.parametrize("nu,nd,args,seed", [
    (1, 1, (2.0, 1.9, 2.0, 0.1), 1),      # Fig. 7 point (four spins)
    (2, 3, (2.0, 1.9, 2.0, 0.1), 2),      # Fig. 5 point (seven spins): circulating current
    (0, 2, (0.7, 1.4, 0.8, 2.5), 3),
    (2, 0, (1.9, 2.0, 2.0, 0.1), 4),      # magnification with directly connected nodes (errata)
])
def test_monte_carlo_currents_within_3_sigma(nu, nd, args, seed):
    ring = IsingRing(nu, nd)
    exact = ring.heat_currents(*args)
    mc = ring.simulate(*args, steps=3 * 10**6, seed=seed)
    dev = mc.deviation(exact)
    assert all(abs(d) <= 3 for d in dev.values()), (dev, mc)
    assert all(s > 0 for s in mc.stderr.values())


def test_monte_carlo_cca_class():
    ring = IsingRing(1, 1, bulk="cca", mu=4)
    args = (2.0, 1.0, 2.0, 0.5)
    with pytest.raises(NonUniqueSteadyStateError):
        ring.simulate(*args, steps=10**4, seed=0)
    for c in range(len(ring.classes(2.0, 1.0))):
        exact = ring.heat_currents(*args, cls=c)
        mc = ring.simulate(*args, steps=2 * 10**6, seed=5 + c, cls=c)
        assert all(abs(d) <= 3 for d in mc.deviation(exact).values())


def test_monte_carlo_reproducible_and_normalised():
    ring = IsingRing(1, 0)
    a = ring.simulate(1, 1, 3.0, 0.5, steps=10**5, seed=7)
    b = ring.simulate(1, 1, 3.0, 0.5, steps=10**5, seed=7)
    c = ring.simulate(1, 1, 3.0, 0.5, steps=10**5, seed=7, normalization="literal")
    assert a.currents == b.currents
    assert c.currents["left"] == pytest.approx(3 * a.currents["left"], rel=1e-12)
    assert "attempts" in repr(a)


def test_monte_carlo_bad_input():
    ring = IsingRing(1, 0)
    with pytest.raises(InvalidParameterError):
        ring.simulate(sympy.Symbol("J"), 1, 1, 1)
    with pytest.raises(InvalidParameterError):
        ring.simulate(1, 1, 1, 1, steps=0)
    with pytest.raises(InvalidParameterError):
        ring.simulate(1, 1, 1, 1, steps=100, burn_in=-1)
