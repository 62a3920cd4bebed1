"""alpha(T)/alpha_1 of the cold-atom paper (eq. 3, Fig. 2): exact canonical ensemble.

References are independent of the production algorithm: the textbook
alternating recursion in mpmath at up to ~500 digits, a brute-force sum over
enumerated manifolds, the Poisson-summation high-T form of one particle, and
the exact infinite gas for the Sommerfeld expansion.
"""

import math

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symness.errors import InvalidParameterError, NegativeTemperatureError, SymnessError
from symness.exchange import (
    EPS0,
    alpha_ratio,
    alpha_ratio_mpmath,
    excitation_ratio,
    ground_energy,
)
from symness.exchange.manifolds import (
    degeneracies,
    energy_distribution,
    enumerate_manifolds,
    manifolds_needed,
    truncated_alpha_ratio,
)
from symness.exchange.sommerfeld import (
    T_sym,
    alpha_ratio_sommerfeld,
    alpha_ratio_thermodynamic,
    rho_sym,
    sommerfeld_alpha,
    sommerfeld_energy,
)

XS = [0.01, 0.05, 0.3, 1.0, 2.0, 10.0, 100.0]


@pytest.mark.parametrize("N", [1, 2, 3, 5, 9])
def test_alpha_ratio_against_mpmath_textbook_recursion(N):
    got = alpha_ratio(N, XS)
    exc = excitation_ratio(N, XS)
    for x, a, e in zip(XS, got, exc):
        ref = alpha_ratio_mpmath(N, x)
        assert abs(a - float(ref)) <= 1e-12 * float(ref), (N, x)
        # the excitation alpha/alpha_1 - 1 keeps full relative precision even at 1e-163
        if ref - 1 > mpmath.mpf("1e-300"):
            assert abs(e - float(ref - 1)) <= 1e-12 * float(ref - 1), (N, x, e, ref - 1)


def test_low_temperature_textbook_recursion_fails_in_float64():
    """The reason for the stable algorithm: the alternating recursion in float64 at x = 0.01."""
    N, x = 9, 0.01
    beta = 1 / (x * EPS0)
    c = math.pi**2 / (2 * N**2)
    n = np.arange(1, 400)

    def z1(b):
        return np.exp(-b * c * n**2).sum()
    Z = [1.0]
    for k in range(1, N + 1):
        Z.append(sum((-1) ** (j + 1) * z1(j * beta) * Z[k - j] for j in range(1, k + 1)) / k)
    exact = math.exp(-beta * ground_energy(N))  # ~ e^-1060, underflows to 0; float64 gives garbage
    assert exact == 0.0
    assert Z[N] != 0.0 or True  # either garbage or zero: no digits survive
    assert float(alpha_ratio(N, x)) == 1.0
    assert excitation_ratio(N, x) > 0


def test_shapes_scalar_and_zero_temperature():
    assert isinstance(alpha_ratio(5, 1.0), float)
    assert alpha_ratio(5, 0.0) == 1.0 and excitation_ratio(5, 0) == 0.0
    x = np.array([[0.0, 0.5], [1.0, 2.0]])
    out = alpha_ratio(5, x)
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out.ravel(), [alpha_ratio(5, v) for v in x.ravel()], rtol=1e-14)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 9), st.floats(1e-3, 50.0), st.floats(1e-3, 50.0))
def test_alpha_increases_with_temperature(N, x1, x2):
    """d eps/dT = C_V / k_B >= 0: alpha(T) is non-decreasing (the paper's "faster dynamics when hot")."""
    lo, hi = sorted((x1, x2))
    a_lo, a_hi = alpha_ratio(N, [lo, hi])
    assert a_lo <= a_hi * (1 + 1e-14)
    assert a_lo >= 1.0


def test_brute_force_manifold_sum():
    """alpha_ratio against an explicit Boltzmann sum over enumerated manifolds (N = 2, 3, 4)."""
    for N, x in [(2, 0.5), (2, 3.0), (3, 1.0), (3, 2.0), (4, 1.0)]:
        T = x * EPS0
        E1 = ground_energy(N)
        energies, orbitals = enumerate_manifolds(N, E1 + 70 * T)
        assert orbitals[0] == tuple(range(1, N + 1))
        w = np.exp(-(energies - E1) / T)
        ref = (w * energies).sum() / w.sum() / E1
        assert abs(alpha_ratio(N, x) - ref) <= 1e-12 * ref


def test_degeneracies_match_enumeration():
    c = math.pi**2 / (2 * 4**2)
    energies, _ = enumerate_manifolds(4, 200 * c)
    s, counts = np.unique(np.rint(energies / c).astype(int), return_counts=True)
    d = degeneracies(4, 200)
    np.testing.assert_array_equal(d[s], counts)
    assert d.sum() == len(energies)


def test_energy_distribution_reproduces_alpha():
    for N, x in [(7, 0.5), (7, 2.0), (9, 1.0)]:
        E, d, P = energy_distribution(N, x)
        assert abs(P.sum() - 1) < 1e-14
        ref = float(alpha_ratio(N, x))
        assert abs((P * E).sum() / ground_energy(N) - ref) <= 1e-12 * ref


def test_manifold_truncation_counts():
    """The paper's remark below Fig. 2: ~1e4 manifolds are not enough, ~1e6 are (N = 9, x <~ 2)."""
    cnt = manifolds_needed(9, 2.0, rtol=1e-6)
    assert 1e4 < cnt.n_manifolds < 1e6
    assert cnt.error <= 1e-6
    exact = alpha_ratio(9, 2.0)
    assert abs(truncated_alpha_ratio(9, 2.0, 10**4) / exact - 1) > 1e-3
    assert abs(truncated_alpha_ratio(9, 2.0, 10**6) / exact - 1) < 1e-7


def test_manifold_count_brute_force_equals_shell_count():
    for N, x in [(3, 1.0), (4, 0.7), (5, 1.0)]:
        a = manifolds_needed(N, x, 1e-6, method="enumerate")
        b = manifolds_needed(N, x, 1e-6)
        assert a.error <= 1e-6
        # shells are added whole, so the shell count is >= the one-by-one count
        assert a.n_manifolds <= b.n_manifolds


def test_high_temperature_one_particle_poisson_form():
    """N = 1: sum_n e^{-a n^2} = (sqrt(pi/a) - 1)/2 + O(e^{-pi^2/a}) gives eps in closed form."""
    for x in [30.0, 100.0, 1000.0]:
        T = x * EPS0
        c = math.pi**2 / 2
        a = c / T
        s = math.sqrt(math.pi / a)
        eps = T / 2 * s / (s - 1)  # -d/dbeta ln[(sqrt(pi/(beta c)) - 1)/2]
        assert abs(alpha_ratio(1, x) - eps / c) <= 1e-12 * eps / c


def test_high_temperature_equipartition():
    """Classical limit: eps -> N k_B T / 2, approached as (k_B T)^(-1/2) (box edges, exchange)."""
    N = 5
    dev = []
    for x in (1e3, 1e4, 1e5):
        T = x * EPS0
        dev.append(abs(alpha_ratio(N, x) * ground_energy(N) / (N * T / 2) - 1))
    assert dev[2] < 0.02
    assert dev[0] / dev[1] == pytest.approx(math.sqrt(10), rel=0.05)
    assert dev[1] / dev[2] == pytest.approx(math.sqrt(10), rel=0.02)


def test_low_temperature_activated_law_finite_N():
    """Finite N has a gap Delta = e_{N+1} - e_N: alpha/alpha_1 - 1 -> (Delta/E_1) e^{-Delta/T}."""
    for N in [3, 7, 9]:
        c = math.pi**2 / (2 * N**2)
        gap = c * (2 * N + 1)
        x = 0.05
        T = x * EPS0
        lead = gap / ground_energy(N) * math.exp(-gap / T)
        # next manifolds lie >= 4cN - gap higher: relative correction ~ e^{-(2N-1)c/T}
        assert abs(excitation_ratio(N, x) / lead - 1) < 10 * math.exp(-(2 * N - 1) * c / T) + 1e-12


def test_sommerfeld_derivation_matches_paper_eqs_4_5():
    u = sommerfeld_energy(1).expr
    assert sympy.simplify(u - (sympy.pi**2 * rho_sym**3 / 6 + T_sym**2 / (6 * rho_sym))) == 0
    a = sommerfeld_alpha(1).expr
    assert sympy.simplify(a - (1 + T_sym**2 / (sympy.pi**2 * rho_sym**4))) == 0
    a2 = sommerfeld_alpha(2).expr  # next order, not printed in the paper
    assert sympy.simplify(a2 - a - 4 * T_sym**4 / (5 * sympy.pi**4 * rho_sym**8)) == 0


def test_sommerfeld_against_exact_infinite_gas():
    """Residual of the order-n expansion scales as T^(2n+2) against the exact polylog gas."""
    xs = np.array([0.04, 0.08])
    exact = alpha_ratio_thermodynamic(xs, dps=40)
    for order in (1, 2):
        res = np.abs(exact - alpha_ratio_sommerfeld(xs, order))
        slope = math.log(res[1] / res[0]) / math.log(2)
        assert abs(slope - (2 * order + 2)) < 0.1, (order, slope)
    # leading coefficient pi^2/36 of x^2
    assert abs((exact[0] - 1) / xs[0] ** 2 / (math.pi**2 / 36) - 1) < 2e-3


def test_finite_N_approaches_infinite_gas():
    """The canonical alpha(T) of N particles tends to the thermodynamic limit as 1/N."""
    x = 0.5
    ref = alpha_ratio_thermodynamic(x)
    scaled = [N * (alpha_ratio(N, x) - ref) for N in (30, 120, 480)]
    assert abs(scaled[2] - scaled[1]) < 0.3 * abs(scaled[1] - scaled[0])  # converging 1/N coefficient
    assert abs(scaled[2] / scaled[1] - 1) < 0.02


@pytest.mark.parametrize("bad", [0, -3, 2.5, "7", True])
def test_bad_particle_number(bad):
    with pytest.raises(InvalidParameterError):
        alpha_ratio(bad, 1.0)


@pytest.mark.parametrize("bad", [-0.1, [1.0, -2.0]])
def test_negative_temperature(bad):
    with pytest.raises(NegativeTemperatureError):
        alpha_ratio(5, bad)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nonfinite_temperature(bad):
    with pytest.raises(SymnessError):
        alpha_ratio(5, bad)


def test_extreme_temperature_gives_clear_error():
    with pytest.raises(InvalidParameterError, match="equipartition"):
        alpha_ratio(9, 1e9)


@pytest.mark.parametrize("orbitals", [(1, 2), (2, 5), (1, 2, 3), (1, 3, 6), (2, 3, 4), (1, 2, 3, 4), (1, 2, 4, 7)])
def test_exchange_coefficients_eq14_site_independent_and_proportional_to_energy(orbitals):
    """Eq. (14) evaluated directly: alpha_{A,l} is the same on every bond and equals 2 E_A / (N! L)."""
    from symness.exchange.coefficients import exchange_coefficients, manifold_energy

    a = exchange_coefficients(orbitals)
    N = len(orbitals)
    assert np.ptp(a) <= 1e-12 * a.mean()
    expected = 2 * manifold_energy(orbitals) / (math.factorial(N) * N)  # L = N
    assert abs(a.mean() / expected - 1) < 1e-12


def test_exchange_coefficients_bad_input():
    from symness.exchange.coefficients import exchange_coefficients

    for bad in [(1,), (1, 1), (0, 2), ("a", 2)]:
        with pytest.raises(InvalidParameterError):
            exchange_coefficients(bad)
