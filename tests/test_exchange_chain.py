"""The effective exchange chain (cold-atom paper, eqs. 3, 6, 7, 9, 10, 20-23): model and closed-system dynamics."""

import math

import numpy as np
import pytest
import scipy.sparse.linalg as spla
import sympy
from scipy.special import jv

from symness.errors import InvalidModelError, InvalidParameterError, SectorError
from symness.exchange import alpha_ratio, bond_temperatures, linear_profile, quench, step_profile
from symness.exchange.chain import (
    bond_current_terms,
    paper_current_terms,
    parse_configuration,
    sector_operator,
)
from symness.exchange.flux import (
    DENSITY,
    RATIO,
    flux_ratio,
    flux_ratio_low_T,
    gaussian_packet,
    lattice_flux_ratio,
    schrodinger_residual,
)
from symness.exchange.magnon import (
    bessel_probability,
    bessel_residual,
    manifold_average,
    one_magnon_equations,
    one_magnon_matrix,
    one_magnon_probability,
    open_chain_magnons,
    short_time_coefficient,
)
from symness.exchange.manifolds import energy_distribution
from symness.exchange.sommerfeld import alpha_ratio_sommerfeld, rho_sym
from symness.models import exchange_chain
from symness.models.base import Term, terms_operator
from symness.spins import Sector, op_product


def _full_state(n, down):
    psi = np.zeros(2**n, dtype=complex)
    psi[sum(1 << (n - s) for s in down)] = 1
    return psi


# ------------------------------------------------------------------ model
def test_model_hermitian_conserving_and_bonds_complete(rng):
    m = exchange_chain(6)
    vals = m.profile_values(rng.uniform(0.5, 2.0, 5))
    H = m.hamiltonian(**vals)
    assert abs(H - H.conj().T).max() < 1e-15
    assert m.conserves_up_count(**vals)
    assert m.check_bonds(**vals) == 0.0
    # symbolic and numeric paths agree
    Hs = m.hamiltonian("sympy")
    num = np.array(Hs.subs({s: vals[s.name] for s in m.alphas} | {m.g: 1.0}).evalf(), dtype=complex)
    np.testing.assert_allclose(num, H.toarray(), atol=1e-14)


def test_model_bad_input():
    with pytest.raises(InvalidModelError):
        exchange_chain(1)
    with pytest.raises(InvalidModelError):
        exchange_chain(6, pump=True)
    with pytest.raises(InvalidParameterError):
        exchange_chain(5).profile_values([1.0, 2.0])
    with pytest.raises(InvalidParameterError):
        quench([1.0, -1.0], "udu", [0.0])
    with pytest.raises(InvalidParameterError):
        quench([1.0, 1.0], "uxu", [0.0])
    with pytest.raises(InvalidParameterError):
        step_profile(7, -1.0, 2.0)


def test_jump_operators_are_the_physical_ones():
    m = exchange_chain(7, pump=True)
    jumps = dict(zip([j.name for j in m.jumps], m.jump_operators(gamma=2.0, gamma_I=0.5)))
    L1, r1 = jumps["edge 1"]
    assert r1 == 2.0
    # edge jump takes |down> to |up>: sigma^+ (removes down spins)
    assert abs(L1 - op_product({1: "+"}, 7)).max() == 0
    Lp, rp = jumps["pump"]
    assert rp == 0.5 and abs(Lp - op_product({4: "-"}, 7)).max() == 0
    up = _full_state(7, [])
    assert np.linalg.norm(Lp @ up) == 1.0  # the pump acts on the polarized state
    assert np.linalg.norm(L1 @ up) == 0.0  # the edges do not


# ------------------------------------------------------------------ sectors, observables
def test_sector_operator_equals_restriction(rng):
    m = exchange_chain(6)
    vals = m.resolve(**m.profile_values(rng.uniform(0.5, 2.0, 5)))
    H = m.hamiltonian(**{k.name: v for k, v in vals.items()})
    for k in range(7):
        A = sector_operator(m.terms, 6, k, vals).toarray()
        np.testing.assert_allclose(A, Sector(6, k).restrict(H).toarray(), atol=1e-15)
    with pytest.raises(SectorError):
        sector_operator([Term.of(1, (2, "x"))], 6, 3)


def test_bond_current_derived_from_continuity():
    m = exchange_chain(4)
    terms = bond_current_terms(m, 2)
    a2, g = m.alphas[1], m.g
    got = {t.factors: t.coeff for t in terms}
    assert got == {((2, "x"), (3, "y")): -a2 / (2 * g), ((2, "y"), (3, "x")): a2 / (2 * g)}
    # operator identity  i[h, S_i^down] = j_{i-1} - j_i  for every site (numeric, random couplings)
    vals = m.profile_values([0.7, 1.3, 2.1])
    H = m.hamiltonian(**vals).toarray()
    res = m.resolve(**vals)
    for i in range(1, 5):
        nd = op_product({i: "d"}, 4).toarray()
        lhs = 1j * (H @ nd - nd @ H)
        rhs = np.zeros_like(lhs)
        if i > 1:
            rhs += terms_operator(bond_current_terms(m, i - 1), 4, "numpy", res)
        if i < 4:
            rhs -= terms_operator(bond_current_terms(m, i), 4, "numpy", res)
        np.testing.assert_allclose(lhs, rhs, atol=1e-14)


def test_paper_current_is_unweighted_sum():
    """Eq. (9) as printed = sum_l (2g/alpha_l) j_l: equal to 2 sum_l j_l only for a homogeneous chain."""
    m = exchange_chain(4)
    a = [0.5, 1.0, 2.0]
    res = m.resolve(**m.profile_values(a))
    Jp = terms_operator(paper_current_terms(4), 4, "numpy")
    weighted = sum(2 / a[l - 1] * terms_operator(bond_current_terms(m, l), 4, "numpy", res) for l in (1, 2, 3))
    np.testing.assert_allclose(Jp, weighted, atol=1e-14)


# ------------------------------------------------------------------ quench
@pytest.mark.parametrize("initial", ["↑↑↑↓↑↑↑", "uuddduu", [1, 4, 6]])
def test_quench_against_full_space_dynamics(initial):
    a = step_profile(7, 0.0, 2.0)
    times = np.linspace(0, 4, 9)
    r = quench(a, initial, times)
    m = exchange_chain(7)
    H = m.hamiltonian(**m.profile_values(a))
    n, down = parse_configuration(initial, 7)
    psi = spla.expm_multiply(-1j * H, _full_state(7, down), start=0, stop=4, num=9, endpoint=True)
    for i in range(1, 8):
        nd = op_product({i: "d"}, 7)
        ref = np.einsum("ti,ti->t", psi.conj(), (nd @ psi.T).T).real
        np.testing.assert_allclose(r.down[:, i - 1], ref, atol=1e-12)
    assert np.allclose(r.down.sum(axis=1), len(down), atol=1e-12)  # magnons conserved
    assert np.allclose(r.magnetization, 3.5 - len(down), atol=1e-12)


def test_quench_against_qutip():
    qutip = pytest.importorskip("qutip")
    a = step_profile(5, 0.0, 2.0)
    m = exchange_chain(5)
    H = qutip.Qobj(m.hamiltonian("numpy", **m.profile_values(a)))
    psi0 = qutip.Qobj(_full_state(5, [3]).reshape(-1, 1))
    times = np.linspace(0, 3, 7)
    ops = [qutip.Qobj(op_product({i: "d"}, 5, "numpy")) for i in range(1, 6)]
    out = qutip.sesolve(H, psi0, times, e_ops=ops, options={"atol": 1e-12, "rtol": 1e-10})
    r = quench(a, [3], times)
    for i in range(5):
        np.testing.assert_allclose(r.down[:, i], np.real(out.expect[i]), atol=1e-8)


def test_zero_current_without_gradient_at_all_times():
    times = np.linspace(0, 30, 301)
    for prof in (step_profile(7, 1.3, 1.3), linear_profile(7, 0.8, 0.8), np.ones(6)):
        r = quench(prof, "↑↑↑↓↑↑↑", times)
        assert np.max(np.abs(r.current_paper)) < 1e-12
        assert np.max(np.abs(r.current)) < 1e-12
        np.testing.assert_allclose(r.down, r.down[:, ::-1], atol=1e-12)  # mirror symmetric


def test_impurity_moves_to_hot_side():
    a = step_profile(7, 0.0, 2.0)
    t = np.linspace(0.05, 0.6, 12)
    r = quench(a, "↑↑↑↓↑↑↑", t)
    assert np.all(r.down[:, 4] > r.down[:, 2])  # site 5 (hot) beats site 3 (cold)
    assert np.all(r.current > 0) and np.all(r.current_paper > 0)


def test_energy_and_norm_conserved(rng):
    a = rng.uniform(0.5, 2.0, 6)
    r = quench(a, "↑↓↑↓↑↑↓", np.linspace(0, 10, 11))
    assert np.allclose(np.linalg.norm(r.states, axis=1), 1, atol=1e-13)
    m = exchange_chain(7)
    Hk = sector_operator(m.terms, 7, r.up_spins, m.resolve(**m.profile_values(a))).toarray()
    E = np.einsum("ti,ij,tj->t", r.states.conj(), Hk, r.states).real
    assert np.ptp(E) < 1e-12


# ------------------------------------------------------------------ single magnon: exact forms
def test_one_magnon_equations_from_model():
    M = one_magnon_equations(4).expr
    m = exchange_chain(4)
    a, g = m.alphas, m.g
    assert sympy.simplify(M[1, 1] + (a[0] + a[1]) / g) == 0 and sympy.simplify(M[2, 3] - a[2] / g) == 0


def test_open_chain_magnons_diagonalise_the_block():
    N = 7
    cf = open_chain_magnons()
    syms = {s.name: s for s in cf.free_symbols}
    E = [float(cf.expr["E_k"].subs({syms["k"]: k, syms["N"]: N, syms["alpha"]: 1, syms["g"]: 1}))
         for k in range(N)]
    np.testing.assert_allclose(sorted(E), np.linalg.eigvalsh(one_magnon_matrix(np.ones(N - 1))), atol=1e-13)
    # the printed eq. (20) quantization p = 2 pi n / N (a ring) gives other energies
    ring = sorted(-2 * (1 - math.cos(2 * math.pi * n / N)) for n in range(N))
    assert np.max(np.abs(np.array(ring) - sorted(E))) > 0.3


def test_one_magnon_closed_form_matches_quench():
    cf = one_magnon_probability(7, 4).lambdify(["alpha", "g", "t"])
    t = np.linspace(0, 12, 25)
    r = quench(np.full(6, 1.7), "↑↑↑↓↑↑↑", t)
    out = cf(1.7, 1.0, t)
    for i in range(1, 8):
        np.testing.assert_allclose(out[str(i)], r.down[:, i - 1], atol=1e-12)


def test_bessel_formula_derived_and_checked_on_long_chain():
    assert bessel_residual() == 0
    f = bessel_probability().lambdify(["d", "alpha", "g", "t"])
    N, i0 = 61, 31
    t = np.linspace(0, 4, 17)
    r = quench(np.ones(N - 1), [i0], t)
    for d in range(0, 6):
        np.testing.assert_allclose(r.down[:, i0 - 1 + d], f(d, 1.0, 1.0, t), atol=1e-13)
        np.testing.assert_allclose(r.down[:, i0 - 1 - d], f(d, 1.0, 1.0, t), atol=1e-13)
    # the printed argument J0 t (instead of 2 J0 t) is far off
    assert np.max(np.abs(r.down[:, i0] - jv(1, t) ** 2)) > 0.1


def test_short_time_rise_set_by_the_bond():
    a = step_profile(7, 0.0, 2.0)
    assert short_time_coefficient(a, 4, 5) == pytest.approx(a[3] ** 2, rel=1e-14)
    assert short_time_coefficient(a, 4, 3) == pytest.approx(a[2] ** 2, rel=1e-14)
    t = 1e-3
    r = quench(a, "↑↑↑↓↑↑↑", [t])
    assert r.down[0, 4] / t**2 == pytest.approx(a[3] ** 2, rel=1e-5)
    f = bessel_probability().lambdify(["d", "alpha", "g", "t"])
    assert f(1, a[3], 1.0, t) / t**2 == pytest.approx(a[3] ** 2, rel=1e-5)


def test_effective_hamiltonian_error_is_second_order_in_alpha_spread():
    """Eq. (18): |sum_A P_A f(alpha_A t) - f(alpha(T) t)| <= sup|f''| Var(alpha) t^2 / 2 (Taylor)."""
    s = np.linspace(0, 4, 4001)  # f(s): one-magnon probability at site 5 vs s = alpha t / g
    _, f = manifold_average(7, 0.0, 4, s, 5)
    fpp = np.max(np.abs(np.gradient(np.gradient(f, s), s)))
    t = np.array([0.25, 0.5, 1.0])
    for x in (0.3, 0.6, 1.0):
        exact, eff = manifold_average(7, x, 4, t, 5)
        E, _, P = energy_distribution(7, x)
        r = E / E[0]
        var = (P * (r - (P * r).sum()) ** 2).sum()
        bound = 0.5 * fpp * var * t**2
        assert np.all(np.abs(exact - eff) <= 1.01 * bound)
        assert np.abs(exact - eff)[-1] > 0.05 * bound[-1]  # and it is of that order, not smaller


# ------------------------------------------------------------------ profiles
def test_profiles():
    x = bond_temperatures(7, 0.0, 2.0, "step")
    np.testing.assert_array_equal(x, [0, 0, 0, 2, 2, 2])
    xl = bond_temperatures(7, 0.0, 3.0, "linear")
    np.testing.assert_allclose(xl, 3.0 * (np.arange(1, 7) - 0.5) / 6)
    np.testing.assert_allclose(linear_profile(7, 0.0, 3.0), alpha_ratio(7, xl))
    np.testing.assert_allclose(linear_profile(7, 0.0, 3.0, alpha="sommerfeld"), alpha_ratio_sommerfeld(xl))


# ------------------------------------------------------------------ flux ratio (eqs. 22-23)
def test_flux_ratio_against_lattice_source():
    ratio = flux_ratio()[RATIO].lambdify(["alpha_1", "alpha_2", "E", "g"])
    for J2 in (1.3, 2.5):
        errs = []
        for E in (1e-3, 1e-4):
            lat = lattice_flux_ratio(1.0, J2, -E)
            errs.append(abs(lat / ratio(1.0, J2, E, 1.0) - 1))
        assert errs[1] < 2e-4 and errs[0] / errs[1] == pytest.approx(10, rel=0.05)  # O(E) lattice correction


def test_eq23_expansion():
    low = flux_ratio_low_T().expr
    T1, T2 = sorted(low.free_symbols - {rho_sym}, key=lambda s: s.name)
    assert sympy.simplify(low - (1 + (T2 - T1) * (T2 + T1) / (2 * sympy.pi**2 * rho_sym**4))) == 0
    # against the full sqrt(alpha ratio) with the Sommerfeld alpha: O(T^4) remainder
    for s in (0.02, 0.01):
        t1, t2 = 0.3 * s, 1.0 * s
        full = math.sqrt((1 + t2**2 / math.pi**2) / (1 + t1**2 / math.pi**2))
        approx = float(low.subs({T1: t1, T2: t2, rho_sym: 1}))
        assert abs(full - approx) < s**4


def test_gaussian_packet_eq21():
    assert schrodinger_residual() == 0
    dens = gaussian_packet()[DENSITY].lambdify(["x", "t", "m"])
    xs = np.linspace(-30, 30, 8001)
    assert abs(np.trapezoid(dens(xs, 1.3, 0.7), xs) - 1) < 1e-10
