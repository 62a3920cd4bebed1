"""Stationary states: exact vs numeric solvers, Gibbs at equal temperatures, closed classes."""

import numpy as np
import pytest
import sympy

from symness import NonUniqueSteadyStateError
from symness.classical import IsingRing

GEOMETRIES = [(nu, nd) for nu in range(4) for nd in range(4) if nu + nd <= 5]


def null_residual(ring, p, *args):
    W = ring.generator(*args)
    return np.abs(W @ p).max()


@pytest.mark.parametrize("nu,nd", GEOMETRIES)
def test_gibbs_state_at_equal_temperatures_q2r(nu, nd, rng):
    """T_L = T_R = T: Metropolis + energy-conserving bulk obey detailed balance w.r.t. exp(-E/T)."""
    ring = IsingRing(nu, nd)
    J1, J2 = rng.uniform(0.3, 2.5, 2)
    T = rng.uniform(0.3, 4.0)
    p = ring.stationary(J1, J2, T, T)
    E = ring.energies(J1, J2)
    gibbs = np.exp(-(E - E.min()) / T)
    gibbs /= gibbs.sum()
    assert np.allclose(p, gibbs, rtol=1e-11, atol=0)
    I = ring.heat_currents(J1, J2, T, T)
    assert all(abs(v) < 1e-14 for v in I.values())


@pytest.mark.parametrize("nu,nd,J1,J2,mu", [(1, 0, 1, 1, 4), (1, 1, 2, 1, 4), (2, 1, 2, 1, 2),
                                            (1, 2, 1, 1, 4)])
def test_gibbs_state_at_equal_temperatures_cca(nu, nd, J1, J2, mu):
    """CCA: within each closed class, Gibbs in spin + demon energy (eq. 20)."""
    ring = IsingRing(nu, nd, bulk="cca", mu=mu)
    T = 1.3
    E = ring.energies(J1, J2)
    for c, states in enumerate(ring.classes(J1, J2)):
        p = ring.stationary(J1, J2, T, T, cls=c)
        g = np.exp(-(E[states] - E[states].min()) / T)
        assert np.allclose(p[states], g / g.sum(), rtol=1e-11, atol=0)
        assert abs(p.sum() - 1) < 1e-14 and np.all(p[np.setdiff1d(np.arange(ring.n_states), states)] == 0)


def test_exact_stationary_matches_paper_structure_and_numeric():
    J, TL, TR = sympy.symbols("J T_L T_R", positive=True)
    ring = IsingRing(1, 0)
    P = ring.stationary(J, J, TL, TR)
    assert sympy.simplify(sum(P) - 1) == 0
    # global spin flip symmetry P(eta) = P(-eta)
    for k in range(8):
        assert sympy.simplify(P[k] - P[7 - k]) == 0
    W = ring.generator(J, J, TL, TR)
    assert (W * P).applyfunc(sympy.simplify) == sympy.zeros(8, 1)
    vals = {J: 1.0, TL: 3.0, TR: 0.5}
    assert np.allclose(np.array(P.subs(vals).evalf(), dtype=float).ravel(),
                       ring.stationary(1.0, 1.0, 3.0, 0.5), rtol=1e-13)


@pytest.mark.parametrize("nu,nd", [(1, 0), (1, 1), (0, 2)])
def test_exact_unequal_couplings_piecewise(nu, nd):
    J1, J2, TL, TR = sympy.symbols("J_1 J_2 T_L T_R", positive=True)
    ring = IsingRing(nu, nd)
    P = ring.stationary(J1, J2, TL, TR)
    for a, b in ((2.0, 1.9), (1.0, 1.6), (1.2, 1.2)):
        vals = {J1: a, J2: b, TL: 2.0, TR: 0.4}
        exact = np.array(P.subs(vals).evalf(20), dtype=float).ravel()
        assert np.allclose(exact, ring.stationary(a, b, 2.0, 0.4), rtol=1e-12, atol=0)


def test_symbolic_temperatures_numeric_couplings():
    TL, TR = sympy.symbols("T_L T_R", positive=True)
    ring = IsingRing(1, 1)
    P = ring.stationary(2, sympy.Rational(19, 10), TL, TR)
    exact = np.array(P.subs({TL: 2, TR: sympy.Rational(1, 10)}).evalf(30), dtype=float).ravel()
    assert np.allclose(exact, ring.stationary(2, 1.9, 2, 0.1), rtol=1e-12, atol=0)


@pytest.mark.parametrize("method", ["gth", "lu", "krylov"])
def test_numeric_methods_agree(method):
    ring = IsingRing(4, 4)  # 1024 states, 512 after the Z2 lumping
    args = (2.0, 1.9, 2.0, 0.1)
    ref = ring.stationary(*args, method="gth")
    p = ring.stationary(*args, method=method)
    assert np.allclose(p, ref, rtol=1e-9, atol=1e-15)
    assert null_residual(ring, p, *args) < 1e-13


def test_gth_has_relative_accuracy_for_tiny_probabilities():
    ring = IsingRing(1, 1)
    J, TL, TR = sympy.symbols("J T_L T_R", positive=True)
    P = ring.stationary(J, J, TL, TR)
    vals = {J: 1, TL: sympy.Rational(1, 20), TR: sympy.Rational(1, 30)}  # exp(-80/T) ~ 1e-35..1e-52
    exact = np.array(P.subs(vals).evalf(40), dtype=float).ravel()
    p = ring.stationary(1.0, 1.0, 1 / 20, 1 / 30)
    assert exact.min() < 1e-30
    assert np.allclose(p, exact, rtol=1e-12, atol=0)


def test_large_ring_krylov_residual():
    ring = IsingRing(6, 5)  # 8192 states: Krylov path
    p = ring.stationary(2.0, 1.9, 2.0, 0.1)
    assert abs(p.sum() - 1) < 1e-12 and p.min() >= 0
    assert null_residual(ring, p, 2.0, 1.9, 2.0, 0.1) < 1e-13


def test_q2r_rings_are_ergodic():
    for nu, nd in GEOMETRIES + [(5, 4), (0, 8)]:
        assert len(IsingRing(nu, nd).classes()) == 1


def _predicted_cca_classes(ring, J1, J2, mu):
    """Each bulk demon keeps its level modulo k = 4J/mu (k integer <= 3), or is frozen."""
    count = 1
    for s in ring.bulk_sites:
        J = J1 if s <= ring.n_upper + 1 else J2
        k = sympy.Rational(4 * J) / sympy.Rational(mu)
        count *= int(min(k, 4)) if k.is_integer else 4
    return count


@pytest.mark.parametrize("nu,nd,J1,J2,mu", [(1, 0, 1, 1, 4), (2, 1, 2, 1, 4), (2, 1, 2, 1, 2),
                                            (2, 1, 2, 1, 8), (1, 2, 1, 1, 3), (1, 1, 3, 1, 4),
                                            (1, 1, 2, 1, 1), (2, 2, 3, 1, 4)])
def test_cca_class_structure(nu, nd, J1, J2, mu):
    ring = IsingRing(nu, nd, bulk="cca", mu=mu)
    classes = ring.classes(J1, J2)
    assert len(classes) == _predicted_cca_classes(ring, J1, J2, mu)
    sizes = {c.size for c in classes}
    assert sum(c.size for c in classes) == ring.n_states  # no transient states: moves are reversible
    assert len(classes) == 1 or len(sizes) >= 1


def test_non_ergodic_detection_and_selection():
    ring = IsingRing(2, 1, bulk="cca", mu=4)
    args = (2.0, 1.0, 2.0, 0.5)
    with pytest.raises(NonUniqueSteadyStateError) as info:
        ring.stationary(*args)
    err = info.value
    assert err.reason == "several closed classes"
    assert len(err.classes) == 4 and "cls=" in str(err)
    with pytest.raises(NonUniqueSteadyStateError):
        ring.heat_currents(*args)
    classes = ring.classes(2.0, 1.0)
    p1 = ring.stationary(*args, cls=1)
    assert np.isclose(p1[classes[1]].sum(), 1.0) and p1[classes[0]].sum() == 0
    # an initial distribution mixes the classes with their initial weights
    p0 = np.zeros(ring.n_states)
    p0[classes[0][3]] = 0.25
    p0[classes[2][5]] = 0.75
    p = ring.stationary(*args, initial=p0)
    assert np.allclose(p, 0.25 * ring.stationary(*args, cls=0) + 0.75 * ring.stationary(*args, cls=2))
    # an initial state index selects its class
    assert np.allclose(ring.stationary(*args, initial=int(classes[3][0])), ring.stationary(*args, cls=3))


def test_underflowing_metropolis_factor_is_refused():
    from symness import InvalidParameterError

    ring = IsingRing(1, 0)
    with pytest.raises(InvalidParameterError, match="underflows"):
        ring.stationary(1.0, 1.0, 1e-3, 1.0)
    assert np.isfinite(ring.heat_currents(1.0, 1.0, 0.006, 1.0)["left"])  # exp(-4/0.006) ~ 1e-290: fine


def test_symbolic_cca_and_size_limit():
    from symness import InvalidParameterError

    TL, TR = sympy.symbols("T_L T_R", positive=True)
    ring = IsingRing(1, 0, bulk="cca", mu=4)   # one class of 32 states (16 lumped)
    I = ring.heat_currents(1, 1, TL, TR)
    f = sympy.lambdify([TL, TR], [I[k] for k in ("left", "upper", "lower")])
    num = ring.heat_currents(1, 1, 2.0, 0.5)
    assert np.allclose(f(2.0, 0.5), [num[k] for k in ("left", "upper", "lower")], rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="limited"):
        IsingRing(1, 1, bulk="cca", mu=4).heat_currents(2, 1, TL, TR, cls=0)
