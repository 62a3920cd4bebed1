"""Property-based tests: physical laws for random small open systems (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from symness.baths import ohmic
from symness.open import Bath, OpenSystem, davies_ness, redfield_ness


def hermitian(rng, d, scale=1.0):
    A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return scale * (A + A.conj().T) / 2


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), d=st.sampled_from([2, 3, 4, 6]),
       TL=st.floats(0.2, 5.0), TR=st.floats(0.2, 5.0), g=st.floats(1e-3, 3e-2))
def test_redfield_and_davies_laws(seed, d, TL, TR, g):
    rng = np.random.default_rng(seed)
    H = hermitian(rng, d)
    spec = ohmic(g, 10.0)
    system = OpenSystem(H, [(hermitian(rng, d), Bath(spec, TL)), (hermitian(rng, d), Bath(spec, TR))])
    for ness in (redfield_ness(system), davies_ness(system)):
        rho = ness.rho
        assert abs(np.trace(rho) - 1) < 1e-12
        assert np.max(np.abs(rho - rho.conj().T)) < 1e-14
        assert ness.residual < 1e-10
        J = ness.bath_heat_currents()
        assert abs(J["L"] + J["R"]) <= 1e-9 * abs(J["L"]) + 1e-15
    dav = davies_ness(system)
    J = dav.bath_heat_currents()
    # second law for the GKSL (Davies) generator: heat flows from the hotter bath
    if TL > TR:
        assert J["L"] >= -1e-15
    else:
        assert J["R"] >= -1e-15
    assert dav.min_eigenvalue > -1e-13


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), d=st.sampled_from([2, 3, 5]), T=st.floats(0.1, 8.0))
def test_equal_temperatures_give_gibbs(seed, d, T):
    rng = np.random.default_rng(seed)
    H = hermitian(rng, d)
    spec = ohmic(0.01, 10.0)
    system = OpenSystem(H, [(hermitian(rng, d), Bath(spec, T)), (hermitian(rng, d), Bath(spec, T))])
    E, V = np.linalg.eigh(H)
    p = np.exp(-(E - E[0]) / T)
    gibbs = (V * (p / p.sum())) @ V.conj().T
    assert np.max(np.abs(davies_ness(system).rho - gibbs)) < 1e-10
    assert np.max(np.abs(redfield_ness(system).rho - gibbs)) < 1e-9
