"""Numeric weak-coupling hierarchy vs the independent exact NESS of L(lambda) (paper: weak_coupling)."""

import numpy as np
import pytest

from symness.errors import DegeneracyError, InvalidModelError, InvalidParameterError, NonUniqueSteadyStateError
from symness.hierarchy import Hierarchy, exact_ness, perturbative_ness
from symness.hierarchy.observables import eq150_sides, local_t
from symness.models import tilted_ising
from symness.spins import sigma


def test_model_definition():
    m = tilted_ising(3)
    H = m.hamiltonian("numpy", **{"lambda": 0.3})
    assert np.allclose(H, H.conj().T)
    assert m.check_bonds(**{"lambda": 0.3}) < 1e-13
    # the symbolic and numeric paths build the same operator
    Hs = m.hamiltonian("sympy")
    vals = {s: v for s, v in m.resolve(**{"lambda": 0.3}).items()}
    Hn = np.array(Hs.subs(vals).evalf(), dtype=complex)
    assert np.allclose(Hn, H)
    assert [c.name for c in m.couplings] == ["L", "R"]
    with pytest.raises(InvalidModelError):
        tilted_ising(1)


@pytest.mark.parametrize("n", [2, 3])
def test_rho_m_properties(n):
    rhos = perturbative_ness(tilted_ising(n), 3)
    assert abs(np.trace(rhos[0]) - 1) < 1e-13
    assert np.linalg.eigvalsh(rhos[0]).min() > -1e-13
    for r in rhos:
        assert np.allclose(r, r.conj().T, atol=1e-14)
    for r in rhos[1:]:
        assert abs(np.trace(r)) < 1e-12


@pytest.mark.parametrize("n", [2, 3])
def test_truncation_error_slopes(n):
    """||rho(lam) - sum_{m<=M} lam^m rho_m|| = O(lam^(M+1)) for M = 0, 1, 2 (fitted slope)."""
    m = tilted_ising(n, theta=0.9, T_L=1.2, T_R=0.6)
    H = Hierarchy(m)
    rhos = H.series(2)
    lams = np.array([0.02, 0.01, 0.005, 0.0025])
    errs = np.zeros((3, len(lams)))
    for i, lam in enumerate(lams):
        ex = exact_ness(m, lam)
        for M in range(3):
            errs[M, i] = np.abs(ex - sum(lam**k * rhos[k] for k in range(M + 1))).max()
    for M in range(3):
        slope = np.polyfit(np.log(lams), np.log(errs[M]), 1)[0]
        assert abs(slope - (M + 1)) < 0.12, (M, slope, errs[M])


def test_gibbs_at_equal_temperatures():
    T, h = 0.8, 1.3
    m = tilted_ising(3, T_L=T, T_R=T, h=h, theta=0.6)
    rho0 = perturbative_ness(m, 0)[0]
    H0 = h * sum(sigma("z", l, 3, "numpy") for l in range(1, 4))
    w = np.exp(-np.diag(H0).real / T)
    assert np.allclose(rho0, np.diag(w / w.sum()), atol=1e-13)


def test_temperature_profile_hot_to_cold():
    m = tilted_ising(4)
    t = local_t(perturbative_ness(m, 0)[0], 4)
    tL, tR = np.tanh(1 / 1.5), np.tanh(1 / 0.5)
    assert tL < t[0] < t[1] < t[2] < t[3] < tR  # t grows as T falls: a monotone gradient


def test_degeneracy_detected_and_eq44():
    m = tilted_ising(4, theta=np.pi / 2)
    with pytest.raises(DegeneracyError, match="degenerate"):
        perturbative_ness(m, 0)
    H = Hierarchy(m, allow_degenerate=True)
    assert H.degenerate_pairs
    assert H.eq44_residual() > 1e-3  # eq. (44) fails on the true kernel
    good = Hierarchy(tilted_ising(4))
    assert good.eq44_residual() < 1e-12
    assert good.kernel_check() < 1e-12


def test_non_unique_zeroth_order():
    with pytest.raises(NonUniqueSteadyStateError):
        perturbative_ness(tilted_ising(2, theta=0.0), 0)
    with pytest.raises(InvalidParameterError):
        perturbative_ness(tilted_ising(2), -1)


def test_exact_vs_qutip():
    """The exact generator against an independent QuTiP construction of the same Redfield equation."""
    qutip = pytest.importorskip("qutip")
    lam = 0.05
    m = tilted_ising(2, theta=0.8)
    vals = {"lambda": lam}
    H = qutip.Qobj(m.hamiltonian("numpy", **vals), dims=[[2, 2], [2, 2]])
    E = np.diag(m.hamiltonian("numpy", **{"lambda": 0})).real
    L = qutip.liouvillian(H)
    for X, bath in zip(m.coupling_operators("numpy", **vals), m.numeric_baths(**vals)):
        w = E[:, None] - E[None, :]
        S = bath.rate(-w) / 2 * X  # Xi(w) = gamma(-w)/2
        Xq = qutip.Qobj(X, dims=H.dims)
        Sq = qutip.Qobj(S, dims=H.dims)
        L += -qutip.spre(Xq * Sq) + qutip.sprepost(Sq, Xq) - qutip.spost(Sq.dag() * Xq) + qutip.sprepost(Xq, Sq.dag())
    rho_q = qutip.steadystate(L).full()
    assert np.abs(rho_q - exact_ness(m, lam)).max() < 1e-9


def test_eq150_zeroth_order_and_convergence():
    for n in (3, 4, 5, 6):
        rho0 = perturbative_ness(tilted_ising(n), 0)[0]
        lhs, rhs = eq150_sides(rho0, n, np.pi / 4, np.tanh(1 / 1.5), np.tanh(1 / 0.5))
        assert abs(lhs - rhs) < 1e-12 * max(1, abs(lhs))
        assert lhs > 0
    diffs = []
    for lam in (0.01, 0.005, 0.0025):
        r = exact_ness(tilted_ising(3), lam)
        lhs, rhs = eq150_sides(r, 3, np.pi / 4, np.tanh(1 / 1.5), np.tanh(1 / 0.5))
        diffs.append(abs(lhs - rhs))
    assert diffs[0] > diffs[1] > diffs[2]
    assert diffs[2] / diffs[1] < 0.7 and diffs[1] / diffs[0] < 0.7  # |LHS - RHS| = O(lambda)


def test_n8_zeroth_order():
    m = tilted_ising(8)
    rho0 = perturbative_ness(m, 0)[0]
    t = local_t(rho0, 8)
    assert np.all(np.diff(t) > 0)
    assert abs(np.trace(rho0) - 1) < 1e-12


def test_pauli_superoperators_match_exact_generator():
    """One definition, two representations: Pauli-basis L0 + lam L1 + lam^2 L2 vs the vec-basis generator."""
    from symness.hierarchy.exact import exact_generator
    from symness.hierarchy.pauli import all_strings, pauli_superoperators, string_matrix

    m = tilted_ising(2, theta=0.6)
    lam = 0.3
    M = pauli_superoperators(m)
    Lp = sum(lam**k * Mk for k, Mk in M.items()).toarray()
    Lv = exact_generator(m, lam).toarray()
    basis = all_strings(2)
    U = np.array([string_matrix(P).reshape(-1) for P in basis]).T  # columns: vec(sigma^P)
    assert np.abs(Lv @ U - U @ Lp).max() < 1e-13


def test_other_bath_spectrum():
    """The general L2: an ohmic canonical bath instead of the paper's c, d parametrisation."""
    import sympy

    from symness.baths import Bath, ohmic
    from symness.models.base import Coupling, Model, Term

    lam = sympy.Symbol("lambda", positive=True)
    terms = [Term.of(1, (1, "z")), Term.of(1, (2, "z")), Term.of(lam, (1, "x"), (2, "x")),
             Term.of(0.5 * lam, (1, "z"), (2, "z"))]
    cpl = [Coupling("L", (Term.of(lam, (1, "x")), Term.of(0.3 * lam, (1, "z"))), Bath(ohmic(1.0, 5.0), 1.2)),
           Coupling("R", (Term.of(lam, (2, "x")), Term.of(0.3 * lam, (2, "z"))), Bath(ohmic(1.0, 5.0), 0.4))]
    m = Model("ohmic pair", 2, terms, cpl, {lam: 0.01})
    rhos = perturbative_ness(m, 1)
    errs = [np.abs(exact_ness(m, l) - rhos[0] - l * rhos[1]).max() for l in (0.01, 0.005)]
    assert 3.5 < errs[0] / errs[1] < 4.5


def test_n_spin_currents_vs_exact():
    from symness.hierarchy.observables import exact_currents, perturbative_currents

    m = tilted_ising(3)
    pc = perturbative_currents(m, 3)
    lams = (0.004, 0.002, 0.001)
    ex = {l: exact_currents(m, l, exact_ness(m, l)) for l in lams}
    for key in ("L", "R", "bond 1", "bond 2"):
        assert abs(pc[key][0]) < 1e-15 and abs(pc[key][1]) < 1e-15  # leading power is lambda^2
        f = [ex[l][key] / l**2 for l in lams]
        assert abs((8 * f[2] - 6 * f[1] + f[0]) / 3 - pc[key][2]) < 1e-7
        g = [(ex[l][key] - pc[key][2] * l**2) / l**3 for l in lams]
        assert abs(2 * g[2] - g[1] - pc[key][3]) < 1e-4
    assert abs(pc["L"][2] + pc["R"][2]) < 1e-15 and pc["L"][2] > 0


def test_zeroth_order_matches_symness_open_redfield():
    """symness.open's full Redfield NESS (Bohr frequencies of H(lambda), not H0) has the same lambda -> 0 limit.

    The two generators differ at O(lambda^3) (eq. 12 drops the O(lambda) part of S_jl), so rho_1
    differs but rho_0 agrees: Richardson-extrapolated to lambda -> 0 it reproduces the hierarchy's rho_0.
    """
    from symness.open import redfield_ness

    m = tilted_ising(2, theta=0.9)
    r0 = perturbative_ness(m, 0)[0]
    rho = {lam: redfield_ness(m, **{"lambda": lam}).rho for lam in (0.004, 0.002)}
    lim = 2 * rho[0.002] - rho[0.004]
    assert np.abs(lim - r0).max() < 2e-5
    assert np.abs(rho[0.002] - r0).max() > 1e-4  # first order genuinely present
