"""Issue 15 at the edges: the right answer where it is representable, a clear refusal elsewhere.

Values are checked against independent computations (mpmath, brute-force
enumeration, a physical law); refusals against the error class and a
fragment of the message.  The exhaustive bad-input table is
``tests/test_fuzz_bad_inputs.py``.
"""

from __future__ import annotations

import time

import mpmath
import numpy as np
import pytest
import sympy

from symness import spins
from symness.baths import bose
from symness.classical import IsingRing
from symness.classical.montecarlo import simulate
from symness.errors import InvalidModelError, InvalidParameterError, SymnessError
from symness.models import Term, exchange_chain, ising_ring, tilted_ising, xxz_ring


# ----------------------------------------------------------------- Bose function
@pytest.mark.parametrize(("w", "T"), [(1e-300, 1.0), (-1e-300, 1.0), (1e-11, 1.0), (-1e-11, 3.0),
                                      (1e-9, 1.0), (2.5e-6, 1.0), (1e-200, 1e100), (5e-324, 1e-300)])
def test_bose_tiny_frequencies_against_mpmath(w, T):
    mp = mpmath.MPContext()
    mp.dps = 60
    ref = 1 / mp.expm1(mp.mpf(w) / mp.mpf(T))
    got = bose(w, T)
    assert np.isfinite(got) and np.sign(got) == np.sign(w)
    assert got == pytest.approx(float(ref), rel=1e-15)


@pytest.mark.parametrize(("w", "T"), [(1e-300, 1e300), (-1e-300, 1e300), (5e-324, 1.0)])
def test_bose_beyond_float64_refused(w, T):
    with pytest.raises(InvalidParameterError, match="float64 range"):
        bose(w, T)


def test_bose_symbolic_temperature_points_to_bose_sym():
    with pytest.raises(InvalidParameterError, match="bose_sym"):
        bose(1.0, sympy.Symbol("T", positive=True))
    assert bose(1, sympy.Integer(2)) == pytest.approx(1 / np.expm1(0.5), rel=1e-15)


# ----------------------------------------------------------------- sectors
def test_sector_basis_matches_brute_force_and_scales():
    for n in range(1, 10):
        idx = np.arange(2**n)
        ups = np.array([n - bin(i).count("1") for i in idx])  # independent: bit 1 = down
        for k in range(n + 1):
            assert np.array_equal(spins.Sector(n, k).basis, idx[ups == k])
    # one magnon on 40 sites: the down spin at site s is bit 2**(40-s) -- without 2**40 memory
    t0 = time.perf_counter()
    b = spins.Sector(40, 39).basis
    assert np.array_equal(b, np.sort([2 ** (40 - s) for s in range(1, 41)]))
    assert spins.Sector(40, 1).basis.size == 40
    assert time.perf_counter() - t0 < 1.0


def test_sector_limits_are_refused_before_allocating():
    with pytest.raises(InvalidParameterError, match="MAX_SECTOR_DIM"):
        _ = spins.Sector(40, 20).basis  # 1.4e11 states
    with pytest.raises(InvalidParameterError, match="n <= 62"):
        spins.Sector(63, 1)
    with pytest.raises(InvalidParameterError, match="too large"):
        _ = spins.Sector(40, 39).embedding  # a 2**40-row matrix


def test_full_space_operator_limits():
    with pytest.raises(InvalidParameterError, match="MAX_SITES"):
        spins.total_sz(spins.MAX_SITES + 1)
    with pytest.raises(InvalidParameterError, match="MAX_SYMPY_SITES"):
        spins.sigma("x", 1, spins.MAX_SYMPY_SITES + 1, "sympy")
    # diagonals built directly agree with the sum of single-site operators
    n = 5
    assert np.allclose(spins.total_sz(n).toarray(), sum(spins.sigma("z", l, n).toarray() for l in range(1, n + 1)))
    assert spins.total_up(3, "sympy") == sum((spins.site_op("u", l, 3, "sympy") for l in range(1, 4)),
                                             sympy.zeros(8, 8))


@pytest.mark.parametrize("bad", [np.array([[np.nan, 0], [0, 1]]), [[1, 0], [0, np.inf]],
                                 sympy.Matrix([[sympy.zoo, 0], [0, 1]]), [[1, 2, 3]], "q", [["a", 0], [0, 1]]])
def test_site_op_refuses_non_finite_or_malformed_matrices(bad):
    with pytest.raises(InvalidParameterError):
        spins.site_op(bad, 1, 2)


def test_site_op_symbolic_entries_need_sympy_backend():
    a = sympy.Symbol("a")
    with pytest.raises(InvalidParameterError, match="backend='sympy'"):
        spins.site_op(sympy.Matrix([[a, 0], [0, 1]]), 1, 2)
    assert spins.site_op(sympy.Matrix([[a, 0], [0, 1]]), 1, 1, "sympy") == sympy.Matrix([[a, 0], [0, 1]])


# ----------------------------------------------------------------- models
@pytest.mark.parametrize("coeff", [float("nan"), float("inf"), sympy.zoo, sympy.nan, "J", None, True])
def test_term_refuses_bad_coefficients(coeff):
    with pytest.raises(SymnessError):
        Term.of(coeff, (1, "x"))


@pytest.mark.parametrize("factors", [("x", 1), (1, "x"), ((0, "x"),), ((1.5, "x"),), ((True, "x"),),
                                     ((1, "w"),), ((1, "x", 2),)])
def test_term_refuses_malformed_factors(factors):
    with pytest.raises(SymnessError):
        Term.of(1.0, *factors) if isinstance(factors[0], tuple) else Term.of(1.0, *factors)


@pytest.mark.parametrize("build", [lambda: xxz_ring(n=10**6), lambda: tilted_ising(10**6),
                                   lambda: exchange_chain(10**6), lambda: ising_ring(10**6, 1),
                                   lambda: IsingRing(10**6, 1)])
def test_huge_models_refused_at_once(build):
    t0 = time.perf_counter()
    with pytest.raises(InvalidModelError, match="MAX_MODEL_SITES"):
        build()
    assert time.perf_counter() - t0 < 1.0


def test_full_space_hamiltonian_of_a_long_chain_is_refused_not_built():
    with pytest.raises(InvalidParameterError, match="sector"):
        xxz_ring(n=40).hamiltonian()


# ----------------------------------------------------------------- classical ring beyond listing
def test_monte_carlo_of_a_ring_too_large_to_list():
    """Q2R with 42 spins: walkers start anywhere (one closed class); equal temperatures carry no current."""
    ring = IsingRing(20, 20)
    with pytest.raises(InvalidParameterError, match="simulate"):
        ring.stationary(1.0, 1.0, 1.0, 1.0)
    res = ring.simulate(1.0, 1.0, 1.5, 1.5, steps=4 * 10**5, seed=3, walkers=256)
    for k in ("left", "right"):
        assert abs(res.currents[k]) < 5 * res.stderr[k] + 1e-12
    with pytest.raises(InvalidParameterError, match="record_states|configurations"):
        ring.simulate(1.0, 1.0, 1.5, 1.5, steps=10**3, record_states=True)


def test_monte_carlo_limits():
    ring = IsingRing(1, 0)
    with pytest.raises(InvalidParameterError, match="MAX_ATTEMPTS"):
        ring.simulate(1, 1, 2, 1, steps=10**15)
    with pytest.raises(InvalidParameterError, match="chunk"):
        simulate(ring, 1, 1, 2, 1, steps=100, chunk=0)
    with pytest.raises(InvalidParameterError, match="generator"):
        IsingRing(5, 5).generator(sympy.Symbol("J"), 1, 1, 2)


# ----------------------------------------------------------------- hierarchy and quench
@pytest.mark.parametrize("T", [1e-300, 1e-8, 1.0, 1e8, 1e300])
def test_two_spin_equilibrium_at_extreme_temperatures(T):
    """Equal bath temperatures: both local temperatures equal T (no underflow of T_L T_R)."""
    from symness.hierarchy import tilted_ising_two_spin

    out = tilted_ising_two_spin(0.785, T, T)
    assert out["T1"] == pytest.approx(T, rel=1e-9) and out["T2"] == pytest.approx(T, rel=1e-9)


def test_size_limits_of_hierarchy_and_quench():
    from symness.exchange import quench
    from symness.hierarchy import Hierarchy, exact_ness, perturbative_ness

    t0 = time.perf_counter()
    with pytest.raises(InvalidParameterError, match="N <= 6"):
        exact_ness(tilted_ising(14), 0.01)
    with pytest.raises(InvalidParameterError, match="N <= 10"):
        Hierarchy(tilted_ising(12))
    with pytest.raises(InvalidParameterError, match="MAX_ORDER"):
        perturbative_ness(tilted_ising(2), 10**6)
    with pytest.raises(InvalidParameterError, match="MAX_QUENCH_DIM"):
        quench([1.0] * 39, "u" * 20 + "d" * 20, [0.0, 1.0])  # C(40, 20) = 1.4e11 states
    assert time.perf_counter() - t0 < 2.0


def test_infinite_gas_alpha_at_extreme_temperatures():
    """Degenerate limit 1 + pi^2 x^2/36 (eq. 5) and classical equipartition u = T/2, i.e. alpha/alpha_1 = x/2."""
    import math

    from symness.exchange import alpha_ratio_thermodynamic

    for x in (1e-300, 1e-7, 1e-5):  # the next term, 4 pi^4 x^4 / 6480, is below 1e-20 here
        assert alpha_ratio_thermodynamic(x, dps=None) == pytest.approx(1 + math.pi**2 * x**2 / 36, rel=1e-14)
    for x in (1e200, 1e300):
        assert alpha_ratio_thermodynamic(x, dps=None) == pytest.approx(x / 2, rel=1e-12)


@pytest.mark.parametrize("bias", [1e-6, 1e-9, 1e-12])
def test_ring_currents_keep_full_precision_at_near_equal_temperatures(bias):
    """Issue 15: I = difference of nearly equal fluxes; compared with the exact rational solution."""
    import warnings

    import sympy

    from symness.classical import IsingRing
    ring = IsingRing(3, 3)
    TL = 1.0 + bias  # the double actually passed; the reference uses exactly this number
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ring.heat_currents(1.0, 0.7, TL, 1.0)
    exact = ring.heat_currents(sympy.Integer(1), sympy.Rational(7, 10), sympy.Rational(TL), sympy.Integer(1))
    for key, value in got.items():
        ref = float(sympy.N(exact[key], 40))
        assert value == pytest.approx(ref, rel=1e-10), key
    assert got["left"] == -got["right"]
    assert ring.heat_currents(1.0, 0.7, 1.0, 1.0) == {"left": 0.0, "right": 0.0, "upper": 0.0, "lower": 0.0}
