"""IsingRing: state order, generator (symbolic and numeric), model, bad input.

The generator is compared with a brute-force construction written here from the
rules of the paper (eqs. 3, 5, 10, 21) with plain Python loops over
configurations -- an independent implementation, not a copy of the package's.
"""

import itertools
import math

import numpy as np
import pytest
import sympy

from symness import (
    InvalidModelError,
    InvalidParameterError,
    NegativeCouplingError,
    NegativeTemperatureError,
    SymnessError,
)
from symness.classical import IsingRing, quantum_index
from symness.spins import basis_label


def brute_generator(nu, nd, J1, J2, TL, TR, bulk="q2r", mu=None):
    """Dense generator from the paper's rules, configurations as tuples (sites 1..N)."""
    n = nu + nd + 2
    bulk_sites = [s for s in range(1, n + 1) if s not in (1, nu + 2)]
    Jbond = {i: (J1 if i <= nu + 1 else J2) for i in range(1, n + 1)}  # bond (i, i+1)
    demon_sets = itertools.product(range(4), repeat=len(bulk_sites)) if bulk == "cca" else [()]
    states = []
    for dem in demon_sets:
        for bits in itertools.product((0, 1), repeat=n):
            spins = tuple(1 if b else -1 for b in reversed(bits))  # site 1 = least significant
            states.append((spins, dem))
    index = {}
    for st in states:
        spins, dem = st
        k = sum(2 ** (i) for i, s in enumerate(spins) if s > 0)
        k += 2 ** n * sum(d * 4 ** m for m, d in enumerate(dem))
        index[st] = k
    W = np.zeros((len(states), len(states)))
    for st in states:
        spins, dem = st
        for i in range(1, n + 1):
            s = spins[i - 1]
            right = spins[i % n]
            left = spins[(i - 2) % n]
            dE = 2 * Jbond[i] * s * right + 2 * Jbond[(i - 2) % n + 1] * s * left
            new = list(spins)
            new[i - 1] = -s
            newdem = list(dem)
            if i == 1 or i == nu + 2:
                T = TL if i == 1 else TR
                rate = min(1.0, math.exp(-dE / T))
            elif bulk == "q2r":
                rate = 1.0 if left == -right else 0.0
            else:
                m = bulk_sites.index(i)
                q = -dE / mu
                if abs(q - round(q)) < 1e-12 and 0 <= dem[m] + round(q) <= 3:
                    rate = 1.0
                    newdem[m] = dem[m] + round(q)
                else:
                    rate = 0.0
            if rate:
                a, b = index[st], index[(tuple(new), tuple(newdem))]
                W[b, a] += rate
                W[a, a] -= rate
    return W


def test_state_order_matches_eq11():
    # eq. (11) lists (down,down,down), (up,down,down), (down,up,down), ... sites 1,2,3 left to right
    labels = IsingRing(1, 0).labels()
    d, u = "\u2193", "\u2191"
    assert labels[:4] == [d + d + d, u + d + d, d + u + d, u + u + d]
    assert labels[7] == u + u + u


@pytest.mark.parametrize("nu,nd", [(1, 0), (0, 1), (1, 1), (2, 1), (0, 3), (2, 2), (0, 0)])
def test_generator_matches_brute_force_q2r(nu, nd, rng):
    for _ in range(2):
        J1, J2 = rng.uniform(0.3, 2.5, 2)
        TL, TR = rng.uniform(0.2, 5, 2)
        W = IsingRing(nu, nd).generator(J1, J2, TL, TR).toarray()
        assert np.allclose(W, brute_generator(nu, nd, J1, J2, TL, TR), rtol=1e-14, atol=0)


@pytest.mark.parametrize("nu,nd,J1,J2,mu", [(1, 0, 1, 1, 4), (1, 1, 2, 1, 4), (2, 0, 2, 1, 2),
                                            (1, 1, 1, 1, 3), (1, 1, 2, 1, 8)])
def test_generator_matches_brute_force_cca(nu, nd, J1, J2, mu):
    W = IsingRing(nu, nd, bulk="cca", mu=mu).generator(J1, J2, 1.7, 0.6).toarray()
    assert np.allclose(W, brute_generator(nu, nd, J1, J2, 1.7, 0.6, "cca", mu), rtol=1e-14, atol=0)


def test_generator_symbolic_equals_numeric():
    J, TL, TR = sympy.symbols("J T_L T_R", positive=True)
    ring = IsingRing(1, 1)
    Ws = ring.generator(J, J, TL, TR)
    assert isinstance(Ws, sympy.MatrixBase)
    num = np.array(Ws.subs({J: 1.3, TL: 2.2, TR: 0.7}).evalf(), dtype=float)
    assert np.allclose(num, ring.generator(1.3, 1.3, 2.2, 0.7).toarray(), rtol=1e-14, atol=0)
    # columns sum to zero exactly
    assert all(sympy.simplify(sum(Ws.col(j))) == 0 for j in range(Ws.cols))


def test_generator_symbolic_unequal_uses_min_when_sign_unknown():
    J1, J2, TL, TR = sympy.symbols("J_1 J_2 T_L T_R", positive=True)
    W = IsingRing(1, 1).generator(J1, J2, TL, TR)
    assert W.has(sympy.Min)
    num = np.array(W.subs({J1: 2.0, J2: 1.9, TL: 2.0, TR: 0.1}).evalf(), dtype=float)
    assert np.allclose(num, IsingRing(1, 1).generator(2.0, 1.9, 2.0, 0.1).toarray(), rtol=1e-13)


def test_generator_three_spin_rates_are_metropolis_and_q2r():
    # physics: from all-down only the two nodal spins may flip, each costing 4J (eq. 3)
    J, TL, TR = sympy.symbols("J T_L T_R", positive=True)
    W = IsingRing(1, 0).generator(J, J, TL, TR)
    assert W[1, 0] == sympy.exp(-4 * J / TL)      # flip site 1 (left bath)
    assert W[4, 0] == sympy.exp(-4 * J / TR)      # flip site 3 (right bath)
    assert W[2, 0] == 0                           # site 2 is bulk: Q2R forbids (neighbours equal)
    assert W[0, 1] == 1                           # downhill Metropolis move


def test_energies_are_the_models_hamiltonian():
    ring = IsingRing(2, 1)
    E = ring.energies(1.7, 0.4)
    H = ring.model.hamiltonian(J_U=1.7, J_D=0.4).diagonal().real
    q = quantum_index(np.arange(ring.n_states), ring.n_spins)
    assert np.allclose(E, H[q], atol=1e-14)


def test_quantum_index_is_consistent_with_spins_labels():
    ring = IsingRing(1, 1)
    labels = ring.labels()
    for k in range(ring.n_states):
        assert basis_label(quantum_index(k, 4), 4) == labels[k]


@pytest.mark.parametrize("args,err", [
    ((-1, 0), InvalidModelError),
    ((1, -2), InvalidModelError),
    ((1.5, 0), InvalidModelError),
    ((True, 0), InvalidModelError),
])
def test_bad_geometry(args, err):
    with pytest.raises(err):
        IsingRing(*args)


def test_bad_dynamics_and_mu():
    with pytest.raises(InvalidParameterError, match="mu"):
        IsingRing(2, 3, bulk="cca")
    with pytest.raises(InvalidParameterError):
        IsingRing(2, 3, mu=4)
    with pytest.raises(InvalidModelError):
        IsingRing(2, 3, bulk="glauber")
    with pytest.raises(SymnessError):
        IsingRing(2, 3, bulk="cca", mu=-1)
    with pytest.raises(InvalidParameterError):
        IsingRing(2, 3, bulk="cca", mu=sympy.Symbol("mu"))


@pytest.mark.parametrize("T", [0, -1.0, float("nan")])
def test_bad_temperatures(T):
    ring = IsingRing(1, 0)
    with pytest.raises(SymnessError):
        ring.heat_currents(1, 1, T, 1.0)
    with pytest.raises(SymnessError):
        ring.stationary(1, 1, 1.0, T)


def test_bad_couplings_and_options():
    ring = IsingRing(1, 0)
    with pytest.raises(NegativeCouplingError):
        ring.heat_currents(-1, 1, 1, 1)
    with pytest.raises(NegativeCouplingError):
        ring.generator(1, 0, 1, 1)
    with pytest.raises(NegativeTemperatureError):
        ring.generator(1, 1, -2, 1)
    with pytest.raises(InvalidParameterError, match="normalization"):
        ring.heat_currents(1, 1, 2, 1, normalization="per_second")
    with pytest.raises(InvalidParameterError, match="scalar"):
        ring.heat_currents(1, 1, [1, 2], 1)
    with pytest.raises(InvalidParameterError):
        ring.stationary(1, 1, 2, 1, cls=3)
    with pytest.raises(InvalidParameterError):
        ring.stationary(1, 1, 2, 1, initial=[0.5, 0.5])
