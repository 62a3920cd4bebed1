"""Core open-system solvers: Redfield, Davies, GKSL; steady states and their physics.

QuTiP is used as an independent peer (its Bloch-Redfield tensor and its
Lindblad superoperator are built by QuTiP from the same H and operators).
QuTiP's Bloch-Redfield spectrum S(w) is the canonical rate gamma(w) of symness
(w > 0 = energy given to the bath): we pass ``bath.rate`` straight through.
"""

import warnings

import numpy as np
import pytest
import qutip as qt
import scipy.sparse as sp

from symness import (
    NegativeTemperatureError,
    NonHermitianError,
    NonUniqueSteadyStateError,
    PositivityWarning,
    SectorError,
    ShapeMismatchError,
    SiteOutOfRangeError,
    SymnessError,
)
from symness.baths import ohmic
from symness.open import (
    Bath,
    OpenSystem,
    davies_liouvillian,
    davies_ness,
    gksl_liouvillian,
    gksl_ness,
    redfield_liouvillian,
    redfield_ness,
    to_column_stacking,
)
from symness.spins import bond_op, sigma

SPEC = ohmic(0.01, 10.0)


def xxz(n, J=1.0, D=1.3, fields=((2, 0.7), (3, 0.3))):
    H = sum(bond_op(l, l % n + 1, n, [(J, "x", "x"), (J, "y", "y"), (D, "u", "u")]) for l in range(1, n + 1))
    for s, h in fields:
        H = H + h * sigma("z", s, n)
    return H


def qobj(op, n):
    a = op.toarray() if sp.issparse(op) else np.asarray(op)
    return qt.Qobj(a, dims=[[2] * n, [2] * n])


def qutip_redfield(H, couplings, n, secular=False):
    def spectrum(bath):
        return lambda w: float(bath.rate(w))

    a_ops = [[qobj(S, n), spectrum(b)] for S, b in couplings]
    kw = {} if secular else {"sec_cutoff": -1}
    R = qt.bloch_redfield_tensor(qobj(H, n), a_ops, fock_basis=True, **kw)
    return R, qt.steadystate(R).full()


@pytest.fixture(scope="module")
def xbath_system():
    n = 3
    H = xxz(n)
    cpl = [(sigma("x", 1, n), Bath(SPEC, 2.0, "ring4")), (sigma("x", 3, n), Bath(SPEC, 1.0, "ring4"))]
    return n, H, cpl, OpenSystem(H, cpl)


# ----------------------------------------------------------------------------- QuTiP as a peer
def test_redfield_tensor_matches_qutip(xbath_system):
    n, H, cpl, system = xbath_system
    R, rho_q = qutip_redfield(H, cpl, n)
    L = redfield_liouvillian(system).matrix("site")
    assert np.max(np.abs(to_column_stacking(L) - R.full())) < 1e-12 * np.max(np.abs(L))
    ness = redfield_ness(system)
    assert np.max(np.abs(ness.rho - rho_q)) < 1e-10


def test_davies_matches_qutip_secular(xbath_system):
    n, H, cpl, system = xbath_system
    _, rho_q = qutip_redfield(H, cpl, n, secular=True)
    assert np.max(np.abs(davies_ness(system).rho - rho_q)) < 1e-10


def test_krylov_equals_dense(xbath_system):
    *_, system = xbath_system
    a = redfield_ness(system, method="dense")
    b = redfield_ness(system, method="krylov")
    assert np.max(np.abs(a.rho - b.rho)) < 1e-10
    assert b.info["iterations"] > 0


def test_gksl_matches_qutip(rng):
    n = 2
    H = xxz(n, fields=((1, 0.4),))
    jumps = [(sigma("-", 1, n), 0.3), (sigma("+", 2, n), 0.1), (sigma("z", 2, n), 0.05)]
    ness = gksl_ness(H, jumps)
    Lq = qt.liouvillian(qobj(H, n), [np.sqrt(r) * qobj(L, n) for L, r in jumps])
    rho_q = qt.steadystate(Lq).full()
    assert np.max(np.abs(ness.rho - rho_q)) < 1e-12
    Ls = gksl_liouvillian(H, jumps).matrix()
    assert np.max(np.abs(to_column_stacking(Ls).toarray() - Lq.full())) < 1e-13


# ----------------------------------------------------------------------------- physical laws
def test_state_is_trace_one_hermitian_positive(xbath_system):
    *_, system = xbath_system
    for ness in (redfield_ness(system), davies_ness(system)):
        assert abs(np.trace(ness.rho) - 1) < 1e-14
        assert np.max(np.abs(ness.rho - ness.rho.conj().T)) < 1e-15
        assert ness.min_eigenvalue > 0
        assert ness.residual < 1e-12


def test_energy_conservation_and_second_law(xbath_system):
    *_, system = xbath_system
    for ness in (redfield_ness(system), davies_ness(system)):
        J = ness.bath_heat_currents()
        assert J["L"] > 0 > J["R"]  # hot (T=2) -> system -> cold (T=1)
        assert abs(J["L"] + J["R"]) < 1e-12 * abs(J["L"])
        assert ness.entropy_production() > 0


@pytest.mark.parametrize("T", [0.3, 1.5, 7.0])
def test_equal_temperatures_give_gibbs(T):
    n = 3
    H = xxz(n)
    E, V = np.linalg.eigh(H.toarray())
    gibbs = (V * np.exp(-(E - E[0]) / T)) @ V.conj().T
    gibbs /= np.trace(gibbs)
    cpl = [(sigma("x", 1, n), Bath(SPEC, T, "ring4")), (sigma("y", 3, n), Bath(SPEC, T, "ring4"))]
    system = OpenSystem(H, cpl)
    dav = davies_ness(system)
    assert np.max(np.abs(dav.rho - gibbs)) < 1e-12
    assert max(abs(v) for v in dav.bath_heat_currents().values()) < 1e-15
    red = redfield_ness(system)
    # without the Lamb shift, KMS makes the Gibbs state an exact stationary state of Redfield:
    # the terms of D[rho_G] cancel pairwise, gamma(E_c - E_a) p_c = gamma(E_a - E_c) p_a
    assert np.max(np.abs(red.rho - gibbs)) < 1e-11
    assert max(abs(v) for v in red.bath_heat_currents().values()) < 1e-15


def test_redfield_with_lamb_shift_deviates_from_gibbs_at_first_order():
    n = 3
    H = xxz(n, D=0.9)
    E, V = np.linalg.eigh(H.toarray())
    T = 1.0
    gibbs = (V * np.exp(-(E - E[0]) / T)) @ V.conj().T
    gibbs /= np.trace(gibbs)
    devs = []
    for g in (1e-2, 1e-3):
        cpl = [(sigma("x", 1, n), Bath(ohmic(g, 10.0), T, lamb_shift=True)),
               (sigma("x", 3, n), Bath(ohmic(g, 10.0), T, lamb_shift=True))]
        system = OpenSystem(H, cpl)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PositivityWarning)
            devs.append(np.max(np.abs(redfield_ness(system).rho - gibbs)))
        # the Lamb shift commutes with H in the secular limit: Davies stays exactly Gibbs
        assert np.max(np.abs(davies_ness(system).rho - gibbs)) < 1e-11
    ratio = devs[0] / devs[1]
    assert 8 < ratio < 12  # linear in the coupling


# ----------------------------------------------------------------------------- rotating-wave coupling
def qubit_pair(lam=0.2, w1=1.3, w2=1.0):
    n = 2
    H = 0.5 * w1 * sigma("z", 1, n) + 0.5 * w2 * sigma("z", 2, n) + lam * bond_op(1, 2, n, "flipflop")
    return n, H


def test_rwa_single_qubit_equals_hermitian_sigma_x_davies_and_qutip():
    n = 1
    H = 0.5 * 1.7 * sigma("z", 1, n)
    bA, bB = Bath(SPEC, 2.0, "qubit_kernels"), Bath(SPEC, 0.5, "qubit_kernels")
    rwa = OpenSystem(H, [(sigma("-", 1, n), bA, "rwa"), (sigma("-", 1, n), bB, "rwa")], names=["A", "B"])
    herm = OpenSystem(H, [(sigma("x", 1, n), bA), (sigma("x", 1, n), bB)], names=["A", "B"])
    a, b = davies_ness(rwa), davies_ness(herm)
    c = redfield_ness(rwa)
    assert np.max(np.abs(a.rho - b.rho)) < 1e-14
    assert np.max(np.abs(a.rho - c.rho)) < 1e-14
    # QuTiP Lindbladian with the golden-rule rates gamma(+w0) (emission) and gamma(-w0)
    w0 = 1.7
    c_ops = [np.sqrt(bA.rate(w0)) * qobj(sigma("-", 1, n), n), np.sqrt(bA.rate(-w0)) * qobj(sigma("+", 1, n), n),
             np.sqrt(bB.rate(w0)) * qobj(sigma("-", 1, n), n), np.sqrt(bB.rate(-w0)) * qobj(sigma("+", 1, n), n)]
    rho_q = qt.steadystate(qobj(H, n), c_ops).full()
    assert np.max(np.abs(a.rho - rho_q)) < 1e-12
    for x in (a, c):
        J = x.bath_heat_currents()
        assert J["A"] > 0 > J["B"] and abs(J["A"] + J["B"]) < 1e-14


def test_rwa_coupled_qubits_davies_equals_hermitian_when_L_only_lowers():
    n, H = qubit_pair()
    bA, bB = Bath(SPEC, 2.0, "qubit_kernels"), Bath(SPEC, 0.5, "qubit_kernels")
    rwa = OpenSystem(H, [(sigma("-", 1, n), bA, "rwa"), (sigma("-", 2, n), bB, "rwa")], names=["A", "B"])
    herm = OpenSystem(H, [(sigma("x", 1, n), bA), (sigma("x", 2, n), bB)], names=["A", "B"])
    a, b = davies_ness(rwa), davies_ness(herm)
    assert np.max(np.abs(a.rho - b.rho)) < 1e-13
    ja, jb = a.bath_heat_currents(), b.bath_heat_currents()
    assert abs(ja["A"] - jb["A"]) < 1e-14 and ja["A"] > 0
    # Redfield keeps coherences of order the coupling, differs only slightly
    r = redfield_ness(rwa)
    assert 0 < np.max(np.abs(r.rho - a.rho)) < 0.05


# ----------------------------------------------------------------------------- sectors, errors
def ring_system():
    n = 4
    H = xxz(n, D=2.19, fields=((2, 2.0), (3, 1.0)))
    return OpenSystem(H, [(sigma("z", 1, n), Bath(SPEC, 2.0, "ring4")), (sigma("z", 3, n), Bath(SPEC, 1.0, "ring4"))])


def test_conserved_magnetisation_requires_a_sector():
    system = ring_system()
    for solver in (redfield_ness, davies_ness):
        with pytest.raises(NonUniqueSteadyStateError) as exc:
            solver(system)
        assert exc.value.classes == [0, 1, 2, 3, 4]
        assert "up_spins" in str(exc.value)
    ness = redfield_ness(system, up_spins=2)
    assert ness.rho.shape == (16, 16) and ness.rho_sector.shape == (6, 6)
    assert abs(np.trace(ness.rho) - 1) < 1e-14


def test_sector_errors():
    system = ring_system()
    with pytest.raises(SectorError):
        redfield_ness(system, up_spins=5)
    with pytest.raises(SectorError):
        redfield_ness(system, up_spins=-1)
    n = 2
    H = xxz(n, fields=())
    xs = OpenSystem(H, [(sigma("x", 1, n), Bath(SPEC, 1.0)), (sigma("x", 2, n), Bath(SPEC, 1.0))])
    with pytest.raises(SectorError, match="does not conserve"):
        redfield_ness(xs, up_spins=1)


def test_non_unique_without_symmetry_is_detected():
    # a spin that is not coupled to anything and not to the rest: two blocks
    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.3 * sigma("x", 1, n) + 0.7 * sigma("z", 2, n)
    system = OpenSystem(H, [(sigma("x", 1, n), Bath(SPEC, 1.0)), (sigma("x", 1, n), Bath(SPEC, 2.0))])
    for solver in (redfield_ness, davies_ness):
        with pytest.raises(NonUniqueSteadyStateError):
            solver(system)
    with pytest.raises(NonUniqueSteadyStateError):
        gksl_ness(H, [(sigma("-", 1, n), 1.0)])


def test_bad_input_errors():
    n = 2
    H = xxz(n, fields=())
    b = Bath(SPEC, 1.0)
    with pytest.raises(NonHermitianError):
        OpenSystem(H + 0.1 * sigma("+", 1, n), [(sigma("z", 1, n), b)])
    with pytest.raises(NonHermitianError):
        OpenSystem(H, [(sigma("+", 1, n), b)])
    with pytest.raises(ShapeMismatchError):
        OpenSystem(H, [(sigma("z", 1, 3), b)])
    with pytest.raises(SiteOutOfRangeError):
        OpenSystem(H, [(sigma("z", 3, n), b)])
    with pytest.raises(NegativeTemperatureError):
        OpenSystem(H, [(sigma("z", 1, n), Bath(SPEC, -1.0))])
    with pytest.raises(SymnessError, match="Bath"):
        OpenSystem(H, [(sigma("z", 1, n), 1.0)])
    with pytest.raises(SymnessError, match="rwa"):
        OpenSystem(H, [(sigma("z", 1, n), b, "dipole")])
    with pytest.raises(SymnessError, match="unique"):
        OpenSystem(H, [(sigma("z", 1, n), b), (sigma("z", 2, n), b)], names=["A", "A"])


def test_default_names_and_qutip_input():
    n = 2
    H = xxz(n, fields=())
    b = Bath(SPEC, 1.0)
    assert OpenSystem(H, [(sigma("z", 1, n), b), (sigma("z", 2, n), b)]).names == ["L", "R"]
    assert OpenSystem(H, [(sigma("z", 1, n), b)]).names == ["A"]
    named = Bath(SPEC, 1.0, name="hot")
    assert OpenSystem(H, [(sigma("z", 1, n), named)]).names == ["hot"]
    sq = OpenSystem(qobj(H, n), [(qobj(sigma("x", 1, n), n), b), (sigma("x", 2, n).toarray(), b)])
    assert sq.dim == 4 and sq.n == 2


def test_davies_degenerate_levels_are_grouped():
    """Two identical, uncoupled qubits, each with its own bath: the exact NESS is the product of
    the two thermal qubit states.  The levels |ud>, |du> and the Bohr frequencies are degenerate
    (and eigh may return any basis of the degenerate pair), so this only holds if the degenerate
    transitions are grouped into one jump operator per Bohr frequency."""
    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.5 * sigma("z", 2, n)
    H = H + 1e-13 * sigma("x", 1, n) @ sigma("x", 2, n)  # scrambles the degenerate eigenbasis
    TA, TB = 0.8, 0.3
    system = OpenSystem(H, [(sigma("x", 1, n), Bath(SPEC, TA)), (sigma("x", 2, n), Bath(SPEC, TB))],
                        names=["A", "B"])
    jumps = davies_liouvillian(system).jump_operators()
    assert len(jumps["A"]) == 2 and len(jumps["B"]) == 2  # one emission, one absorption each

    def qubit(T):
        p = np.exp(-np.array([0.5, -0.5]) / T)
        return np.diag(p / p.sum())

    exact = np.kron(qubit(TA), qubit(TB))
    assert np.max(np.abs(davies_ness(system).rho - exact)) < 1e-10


def test_dark_state_makes_davies_non_unique():
    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.5 * sigma("z", 2, n)
    system = OpenSystem(H, [(sigma("x", 1, n) + sigma("x", 2, n), Bath(SPEC, 0.8))])
    with pytest.raises(NonUniqueSteadyStateError):
        davies_ness(system)


def test_davies_low_temperature_populations_are_relative_accurate():
    """GTH state reduction: a population of e^{-50} is exact to 1e-12 relative, and so is the heat
    current, checked against the two-level rate equation solved in 40-digit mpmath."""
    import mpmath

    n, w0 = 1, 1.0
    H = 0.5 * w0 * sigma("z", 1, n)
    bA, bB = Bath(SPEC, 0.02, "qubit_kernels"), Bath(SPEC, 0.03, "qubit_kernels")
    system = OpenSystem(H, [(sigma("-", 1, n), bA, "rwa"), (sigma("-", 1, n), bB, "rwa")], names=["A", "B"])
    ness = davies_ness(system)
    with mpmath.workdps(40):
        def rates(T):
            g = mpmath.mpf(0.01) * w0 * mpmath.exp(-mpmath.mpf(w0) / 10)
            nb = 1 / mpmath.expm1(mpmath.mpf(w0) / T)
            return g * (1 + nb), g * nb  # emission, absorption (canonical gamma = J(1+n), J(-w) n)
        eA, aA = rates(mpmath.mpf("0.02"))
        eB, aB = rates(mpmath.mpf("0.03"))
        p_up = (aA + aB) / (aA + aB + eA + eB)
        qA = w0 * (aA * (1 - p_up) - eA * p_up)
    p = ness.populations()  # ascending energy: [down, up]
    assert abs(p[1] - float(p_up)) <= 1e-12 * float(p_up)
    assert abs(ness.bath_heat_currents()["A"] - float(qA)) <= 1e-10 * abs(float(qA))


def test_lamb_shift_principal_values_match_adaptive_quadrature():
    """Fast Gauss-Legendre principal values (full line and the half lines of a rotating-wave coupling)
    vs scipy's adaptive Cauchy-weight quadrature."""
    from symness.open.channels import _rate_functions, half_line_lamb, lamb_shift_values

    for T in (0.3, 2.0):
        bath = Bath(SPEC, T, "qubit_kernels", lamb_shift=True)
        ws = np.array([0.4, -1.3, 3.7])
        assert np.allclose(lamb_shift_values(bath.rate, ws, 10.0, T), bath.lamb(ws), rtol=1e-9, atol=0)
        (_, _, lp), (_, _, lm) = _rate_functions(bath, "rwa", True)
        for w in ws:
            assert abs(lp(np.array([w]))[0] - half_line_lamb(bath, w, +1)) < 1e-9 * abs(half_line_lamb(bath, w, +1))
            assert abs(lm(np.array([w]))[0] - half_line_lamb(bath, w, -1)) < 1e-9 * abs(half_line_lamb(bath, w, -1))
        assert np.isclose(lp(ws) + lm(ws), bath.lamb(ws), rtol=1e-9).all()


def test_rwa_lamb_shift_refuses_zero_frequency():
    from symness import InvalidParameterError

    n = 2
    H = 0.5 * sigma("z", 1, n) + 0.5 * sigma("z", 2, n)
    L = sigma("-", 1, n) @ sigma("z", 2, n) + sigma("z", 1, n)  # sigma^z_1: a zero-frequency component
    system = OpenSystem(H, [(L, Bath(SPEC, 1.0, lamb_shift=True), "rwa")])
    with pytest.raises(InvalidParameterError, match="zero Bohr frequency"):
        redfield_liouvillian(system)
