"""Trust at the edges (issue 15): inputs refused clearly, and physics that survives extreme parameters.

References are independent: mpmath at high precision on the same generator
(rates from the spectral density and the Bose function, the stationary state
by exact-arithmetic-like LU), or physical laws (energy conservation, trace
one, Hermiticity, heat flowing from hot to cold).
"""

import warnings

import mpmath as mp
import numpy as np
import pytest
import sympy

from symness import (
    InvalidParameterError,
    NonHermitianError,
    NonUniqueSteadyStateError,
    PrecisionWarning,
    SymnessError,
)
from symness.baths import ohmic
from symness.models import xxz_ring
from symness.open import (
    Bath,
    HermitianParam,
    OpenSystem,
    concurrence,
    davies_ness,
    ergotropy,
    evolve,
    gksl_liouvillian,
    gksl_ness,
    partial_trace,
    passive_state,
    redfield_liouvillian,
    redfield_ness,
    steady_state,
    to_column_stacking,
    unvec,
    vec,
    von_neumann_entropy,
)
from symness.open.observables import bond_current_operator, two_site_part
from symness.spins import bond_op, sigma

SPEC = ohmic(0.01, 10.0)


def chain(n=6, last_field="z", bond_to_last=False):
    """XXZ chain on sites 1..n-1 (site n decoupled unless ``bond_to_last``), baths at sites 1 and n-1."""
    last = n if bond_to_last else n - 1
    H = sum(bond_op(l, l + 1, n, [(1.0, "x", "x"), (1.0, "y", "y"), (1.3, "z", "z")]) for l in range(1, last))
    H = H + 0.7 * sigma("z", 2, n) + 0.3 * sigma("x", 3, n) + 0.45 * sigma(last_field, n, n)
    cpl = [(sigma("x", 1, n), Bath(SPEC, 2.0, "ring4")), (sigma("x", n - 1, n), Bath(SPEC, 1.0, "ring4"))]
    return OpenSystem(H, cpl)


# ----------------------------------------------------------------------------- non-unique steady states
def test_decoupled_spin_is_refused_by_every_solver():
    system = chain(last_field="z")
    for solve in (davies_ness, redfield_ness):
        with pytest.raises(NonUniqueSteadyStateError, match=r"site\(s\) \[6\] is conserved") as exc:
            solve(system)
        assert exc.value.reason == "invariant subspaces"
        assert sorted(len(c) for c in exc.value.classes) == [32, 32]


def test_decoupled_spin_in_a_transverse_field_is_refused_despite_eigenvector_leakage():
    """sigma^x_6 is conserved but the site basis does not show it; eigh leaks ~1e-12 between its sectors."""
    with pytest.raises(NonUniqueSteadyStateError, match="round-off level") as exc:
        davies_ness(chain(last_field="x"))
    assert exc.value.reason == "closed classes up to round-off"
    assert len(exc.value.classes) == 2


def test_connected_chain_is_unique_and_conserves_energy():
    ness = davies_ness(chain(last_field="x", bond_to_last=True))
    J = ness.bath_heat_currents()
    assert J["L"] > 0 > J["R"]  # hot left bath (T = 2) to cold right bath (T = 1)
    assert abs(J["L"] + J["R"]) <= 1e-15 * abs(J["L"])
    assert abs(np.trace(ness.rho) - 1) < 1e-14


# ----------------------------------------------------------------------------- a very hot bath
def _davies_reference(system, up_spins, dps, T_exact=None):
    """Davies heat currents by mpmath: Pauli rates J(w)(1+n(w)) from the ohmic density, exact-ish LU."""
    mp.mp.dps = dps
    try:
        space = system.space(up_spins)
        E, V = space.E, space.V
        d = E.size
        ops = [V.conj().T @ space.restrict(c.op) @ V for c in system.couplings]
        W = {}
        for c, S in zip(system.couplings, ops):
            T = mp.mpf(c.bath.T) if T_exact is None else T_exact[c.name]
            f = mp.mpf(c.bath.preset.factor)
            Wb = mp.zeros(d, d)
            for a in range(d):
                for k in range(d):
                    if a == k or abs(S[a, k]) < 1e-13:
                        continue
                    w = mp.mpf(E[k]) - mp.mpf(E[a])  # energy given to the bath in k -> a
                    Jw = mp.mpf("0.01") * abs(w) * mp.exp(-abs(w) / 10)
                    n = 1 / mp.expm1(abs(w) / T)
                    Wb[a, k] = f * Jw * (1 + n if w > 0 else n) * mp.mpf(abs(S[a, k])) ** 2
            W[c.name] = Wb
        Wt = sum(W.values(), mp.zeros(d, d))
        A = mp.zeros(d, d)
        for a in range(d):
            for k in range(d):
                A[a, k] = Wt[a, k] if a != k else -sum(Wt[x, k] for x in range(d) if x != k)
        for k in range(d):
            A[0, k] = 1
        rhs = mp.zeros(d, 1)
        rhs[0] = 1
        p = mp.lu_solve(A, rhs)
        return {name: float(sum(Wb[a, k] * p[k] * (mp.mpf(E[a]) - mp.mpf(E[k]))
                                for a in range(d) for k in range(d) if a != k))
                for name, Wb in W.items()}
    finally:
        mp.mp.dps = 15


@pytest.mark.parametrize("T_left", [1e12, 1e300])
def test_very_hot_bath_currents_are_right_and_conserve_energy(T_left):
    model = xxz_ring(4, J=1.0, Delta=1.3, fields={2: 0.7}, T_left=T_left, T_right=1.0)
    system = OpenSystem.from_model(model)
    ness = davies_ness(system, up_spins=2)
    assert ness.info["method"] == "pauli+GTH"
    J = ness.bath_heat_currents()
    ref = _davies_reference(system, 2, dps=30 + int(np.log10(T_left)))
    for name in J:
        assert abs(J[name] - ref[name]) <= 1e-12 * abs(ref[name])
        assert ness.current_errors()[name] <= 1e-13 * abs(ref[name])
    assert J["L"] > 0 > J["R"]
    assert abs(J["L"] + J["R"]) <= 4e-16 * abs(J["L"])


# ----------------------------------------------------------------------------- observables of a NESS
@pytest.fixture(scope="module")
def ring_ness():
    return redfield_ness(xxz_ring(4, Delta=1.3, fields={2: 0.7}, coupling="x"))


def test_zz_correlation_of_a_site_with_itself_is_one(ring_ness):
    assert ring_ness.zz_correlation(2, 2) == pytest.approx(1.0, abs=1e-14)
    assert ring_ness.zz_correlation(1, 3) == pytest.approx(ring_ness.zz_correlation(3, 1), abs=1e-15)
    with pytest.raises(SymnessError, match="out of range"):
        ring_ness.zz_correlation(5, 5)


def test_spin_current_from_a_site_to_itself_is_refused(ring_ness):
    with pytest.raises(InvalidParameterError, match="joins site 1 to itself"):
        ring_ness.spin_current((1, 1))


def test_degeneracy_tolerance_must_be_small_against_the_spectrum():
    model = xxz_ring(4, Delta=1.3, fields={2: 0.7}, coupling="x")
    with pytest.raises(InvalidParameterError, match="not small compared with the spectrum"):
        davies_ness(model, degeneracy_tol=1e6)
    J = davies_ness(model, degeneracy_tol=1e-6).bath_heat_currents()
    J0 = davies_ness(model).bath_heat_currents()
    assert J["L"] == pytest.approx(J0["L"], rel=1e-12) and J["L"] > 0


# ----------------------------------------------------------------------------- states only
H2 = np.diag([0.0, 1.0])


@pytest.mark.parametrize(("call", "fragment"), [
    (lambda: von_neumann_entropy(np.diag([1.5, -0.5])), "negative eigenvalue"),
    (lambda: von_neumann_entropy(np.eye(2)), "trace 2"),
    (lambda: concurrence(np.triu(np.ones((4, 4))) / 4), "not Hermitian"),
    (lambda: concurrence(np.zeros((4, 4))), "trace 0"),
    (lambda: ergotropy(np.array([[0.5, 1.0], [0.0, 0.5]]), H2), "not Hermitian"),
    (lambda: ergotropy(np.zeros((2, 2)), H2), "trace 0"),
    (lambda: passive_state(np.diag([2.0, -1.0]), H2), "negative eigenvalue"),
])
def test_observables_refuse_what_is_not_a_state(call, fragment):
    with pytest.raises(InvalidParameterError, match=fragment):
        call()


def test_observables_accept_round_off():
    rho = np.diag([0.75, 0.25]) + 1e-12 * np.array([[1, 1j], [0, -1]])
    assert von_neumann_entropy(rho) == pytest.approx(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25)), rel=1e-10)


def test_ergotropy_is_never_negative(rng):
    for _ in range(50):
        d = int(rng.integers(2, 6))
        X = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        H = X + X.conj().T
        E, U = np.linalg.eigh(H)
        p = np.exp(-E / rng.uniform(0.1, 3.0))  # a Gibbs state: passive, ergotropy 0 exactly
        rho = (U * (p / p.sum())) @ U.conj().T
        assert ergotropy(rho, H) >= 0.0
        assert ergotropy(rho, H) < 1e-13


@pytest.mark.parametrize(("rho0", "fragment"), [
    (2 * np.eye(16) / 16, "trace 2"),
    (np.diag([1.5, -0.5] + [0.0] * 14), "negative eigenvalue"),
    (np.eye(16) * np.nan, "non-finite"),
    (2 * np.eye(16)[0], "divide by its norm"),
])
def test_evolve_refuses_an_initial_state_that_is_not_a_state(rho0, fragment):
    with pytest.raises(InvalidParameterError, match=fragment):
        evolve(xxz_ring(4, coupling="x"), rho0, [0.0, 1.0])


def test_warnings_are_not_raised_by_clean_solves():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        davies_ness(xxz_ring(4, Delta=1.3, fields={2: 0.7}, coupling="x")).bath_heat_currents()


# ----------------------------------------------------------------------------- bad inputs, clear errors
X2 = np.array([[0.0, 1.0], [1.0, 0.0]])
HZ = np.diag([0.5, -0.5])


def _pair(S=X2):
    return [(S, Bath(SPEC, 2.0)), (S, Bath(SPEC, 1.0))]


def _gen():
    return redfield_liouvillian(OpenSystem(HZ + 0.3 * X2, _pair()))


BAD = [
    ("couplings None", lambda: OpenSystem(HZ, None), "couplings must be a list"),
    ("couplings int", lambda: OpenSystem(HZ, 5), "couplings must be a list"),
    ("H None", lambda: OpenSystem(None, _pair()), "H is None"),
    ("H ragged", lambda: OpenSystem([[1, 0], [0]], _pair()), "cannot be read as a matrix"),
    ("H symbolic", lambda: OpenSystem(sympy.Matrix([[sympy.Symbol("a"), 0], [0, 1]]), _pair()), "symbols ['a']"),
    ("names str", lambda: OpenSystem(HZ, _pair(), names="LR"), "list of bath labels"),
    ("local list", lambda: OpenSystem(HZ, _pair(), local_hamiltonians=[HZ]), "mapping"),
    ("parameter None", lambda: redfield_ness(xxz_ring(4, coupling="x"), J=None), "not a number"),
    ("from_model None", lambda: OpenSystem.from_model(None), "needs a symness Model"),
    ("lamb_shift str", lambda: redfield_ness(OpenSystem(HZ + 0.3 * X2, _pair()), lamb_shift="yes"), "lamb_shift"),
    ("zero couplings", lambda: redfield_ness(OpenSystem(HZ + 0.3 * X2, _pair(np.zeros((2, 2))))), "zero coupling"),
    ("gksl jumps of a name", lambda: gksl_ness(HZ, {"a": 5}), "list of (L, rate)"),
    ("gksl method None", lambda: gksl_ness(HZ, [(X2, 1.0)], method=None), "method"),
    ("steady_state of None", lambda: steady_state(None), "needs a generator"),
    ("apply wrong shape", lambda: _gen().apply(np.eye(3)), "2 x 2"),
    ("apply NaN", lambda: _gen().apply(np.eye(2) * np.nan), "non-finite"),
    ("dissipator None", lambda: _gen().dissipator("L", None), "rho is None"),
    ("evolve times str", lambda: evolve(_gen(), np.eye(2) / 2, "ab"), "real numbers"),
    ("evolve times 2-D", lambda: evolve(_gen(), np.eye(2) / 2, [[0, 1], [2, 3]]), "1-D"),
    ("evolve too many times", lambda: evolve(_gen(), np.eye(2) / 2, np.zeros(10**8)), "GiB"),
    ("evolve e_ops NaN", lambda: evolve(_gen(), np.eye(2) / 2, [0, 1], e_ops=[np.eye(2) * np.nan]), "non-finite"),
    ("Evolution.rho index", lambda: evolve(_gen(), np.eye(2) / 2, [0, 1]).rho(5), "index"),
    ("expect NaN", lambda: redfield_ness(OpenSystem(HZ + 0.3 * X2, _pair())).expect(np.eye(2) * np.nan),
     "non-finite"),
    ("bond heat current through one bond", lambda: redfield_ness(
        xxz_ring(4, Delta=1.3, fields={2: 0.7}, coupling="x")).bond_heat_current(2, incoming=(1, 2),
                                                                                  outgoing=(1, 2)),
     "two different bonds"),
    ("reduced int", lambda: partial_trace(np.eye(4) / 4, 1, 2), "list of 1-based sites"),
    ("partial_trace float site", lambda: partial_trace(np.eye(4) / 4, (1.5,), 2), "not an integer"),
    ("partial_trace n None", lambda: partial_trace(np.eye(4) / 4, (1,), None), "positive integer"),
    ("two_site_part same site", lambda: two_site_part(np.eye(4), 1, 1, 2), "two different sites"),
    ("two_site_part shape", lambda: two_site_part(np.eye(3), 1, 2, 2), "expected 4 x 4"),
    ("bond_current_operator shapes", lambda: bond_current_operator(np.eye(2), np.eye(3)), "expected 2 x 2"),
    ("vec of a vector", lambda: vec(np.ones(3)), "square matrix"),
    ("unvec None", lambda: unvec(None), "numeric"),
    ("to_column_stacking 3x3", lambda: to_column_stacking(np.eye(3)), "d^2 x d^2"),
    ("HermitianParam huge", lambda: HermitianParam(10**9), "too large"),
    ("HermitianParam wrong shape", lambda: HermitianParam(2).to_param(np.eye(3)), "2 x 2"),
]


@pytest.mark.parametrize(("call", "fragment"), [pytest.param(c, f, id=i) for i, c, f in BAD])
def test_bad_input_is_refused_with_what_to_change(call, fragment):
    with pytest.raises(SymnessError) as exc:
        call()
    assert fragment in str(exc.value), str(exc.value)


def test_zero_coupling_operator_is_a_bath_that_does_nothing():
    """One zero coupling next to a working one: same state as without it, no raw error."""
    H = HZ + 0.3 * X2
    with_zero = OpenSystem(H, [(np.zeros((2, 2)), Bath(SPEC, 1.0)), (X2, Bath(SPEC, 2.0))])
    alone = OpenSystem(H, [(X2, Bath(SPEC, 2.0))])
    a, b = redfield_ness(with_zero), redfield_ness(alone)
    assert np.max(np.abs(a.rho - b.rho)) < 1e-14
    assert a.bath_heat_currents()["L"] == 0.0
    ev = evolve(with_zero, np.eye(2) / 2, [0.0, 1.0])
    assert abs(np.trace(ev.states[-1]) - 1) < 1e-12


def test_a_superoperator_passed_as_hamiltonian_is_named_as_such():
    H = HZ + 0.3 * X2
    for L in (gksl_liouvillian(H, [(np.array([[0, 1], [0, 0.0]]), 0.1)]).matrix().toarray(),
              -1j * (np.kron(H, np.eye(2)) - np.kron(np.eye(2), H.T))):
        with pytest.raises(NonHermitianError, match="superoperator"):
            OpenSystem(L, [])


# ----------------------------------------------------------------------------- precision: low and near-equal T
def _ohmic_J(w):  # ohmic(0.01, 10.0), the models' spectral density, in mpmath
    return mp.mpf("0.01") * w * mp.exp(-w / 10)


def _redfield_reference(system, up_spins, dps, observables=()):
    """Redfield NESS by mpmath at ``dps`` digits: every rate from J(w)(1 + n(w)) with the exact Bohr
    frequencies and temperatures, the d^2 x d^2 tensor assembled and LU-solved in mpmath.

    Returns the bath heat currents and tr(O rho) for each working-space operator in ``observables``.
    """
    with mp.workdps(dps):
        space = system.space(up_spins)
        d, V = space.dim, space.V
        E = [mp.mpf(float(e)) for e in space.E]
        chans = []
        for c in system.couplings:
            S = V.conj().T @ space.restrict(c.op) @ V
            A = mp.matrix(((S + S.conj().T) / 2).astype(complex).tolist())
            T, f = mp.mpf(float(c.bath.T)), mp.mpf(c.bath.preset.factor)
            At = mp.matrix(d, d)
            for a in range(d):
                for k in range(d):
                    w = E[k] - E[a]
                    if w == 0:
                        g = f * mp.mpf("0.01") * T  # T J'(0)
                    else:
                        n = 1 / mp.expm1(abs(w) / T)
                        g = f * _ohmic_J(abs(w)) * (1 + n if w > 0 else n)
                    At[a, k] = g / 2 * A[a, k]
            chans.append((c.name, A, At))
        N = d * d
        R = mp.matrix(N, N)
        M = mp.matrix(d, d)
        for _, A, At in chans:
            M += A.H * At
            for i in range(d):
                for j in range(d):
                    for k in range(d):
                        for l in range(d):
                            R[i * d + k, j * d + l] += At[i, j] * mp.conj(A[k, l]) + A[i, j] * mp.conj(At[k, l])
        for i in range(d):
            for j in range(d):
                R[i * d + j, i * d + j] -= 1j * (E[i] - E[j])
                for k in range(d):
                    R[i * d + k, j * d + k] -= M[i, j]
                    R[k * d + i, k * d + j] -= mp.conj(M[i, j])
        diag = [a * (d + 1) for a in range(d)]
        rhs = mp.matrix(N, 1)
        for i in diag:
            rhs[i] = mp.mpf(1) / d
            for j in diag:
                R[i, j] += mp.mpf(1) / d
        x = mp.lu_solve(R, rhs)
        rho = mp.matrix(d, d)
        for i in range(N):
            rho[i // d, i % d] = x[i]
        currents = {}
        for name, A, At in chans:
            Mk = A.H * At
            D = At * rho * A.H + A * rho * At.H - Mk * rho - rho * Mk.H
            currents[name] = float(mp.re(sum(E[a] * D[a, a] for a in range(d))))
        Vm = mp.matrix(V.astype(complex).tolist())
        rho_site = Vm * rho * Vm.H
        expect = [float(mp.re(sum(mp.matrix(np.asarray(O, dtype=complex).tolist())[i, j] * rho_site[j, i]
                                  for i in range(d) for j in range(d)))) for O in observables]
        return currents, expect


def _spin_current_op(system, up_spins, bond):
    from symness.open.observables import spin_current_operator
    from symness.open.system import bond_operator

    op = spin_current_operator(bond_operator(system, bond), bond[1], system.n)
    return system.space(up_spins).restrict(op)


@pytest.mark.parametrize(("T_left", "T_right", "k"), [(0.05, 0.03, 1), (0.05, 0.03, 2), (0.04, 0.03, 2)])
def test_low_temperature_redfield_currents_in_extended_precision(T_left, T_right, k):
    """Currents of 1e-36..1e-56 (of rates ~1e-2): recomputed automatically, right sign, conserved."""
    model = xxz_ring(4, J=1.0, Delta=2.0, fields={2: 2.0, 3: 1.0}, T_left=T_left, T_right=T_right)
    system = OpenSystem.from_model(model)
    ness = redfield_ness(system, up_spins=k)
    J = ness.bath_heat_currents()
    jspin = ness.spin_current((1, 2))
    ref, (ref_spin,) = _redfield_reference(system, k, 90, [_spin_current_op(system, k, (1, 2))])
    assert ness.info["precision_bits"] >= 256
    for name in J:
        assert abs(J[name] - ref[name]) <= 1e-12 * abs(ref[name])
        assert ness.current_errors()[name] <= 1e-12 * abs(ref[name])
    assert J["L"] > 0 > J["R"]  # hot to cold
    assert abs(J["L"] + J["R"]) <= 1e-13 * J["L"]
    assert jspin != 0.0 and abs(jspin - ref_spin) <= 1e-10 * abs(ref_spin)


def test_low_temperature_double_precision_warns():
    model = xxz_ring(4, J=1.0, Delta=2.0, fields={2: 2.0, 3: 1.0}, T_left=0.05, T_right=0.03)
    ness = redfield_ness(model, up_spins=2, precision="double")
    with pytest.warns(PrecisionWarning, match="precision='double'"):
        ness.bath_heat_currents()


@pytest.mark.parametrize("bias", [1e-9, 1e-12])
def test_near_equal_temperatures_keep_full_relative_precision(bias):
    """T_L = T_R (1 + bias): the equal-temperature state plus its deviation, no cancellation (in double)."""
    model = xxz_ring(4, J=1.0, Delta=1.3, fields={2: 0.7}, T_left=1.0 + bias, T_right=1.0)
    system = OpenSystem.from_model(model)
    ref, _ = _redfield_reference(system, 2, 40)
    for precision in ("double", "auto"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ness = redfield_ness(system, up_spins=2, precision=precision)
            J = ness.bath_heat_currents()
        assert ness.info["linear_response"]["T0"] == 1.0 and "precision_bits" not in ness.info
        for name in J:
            assert abs(J[name] - ref[name]) <= 1e-13 * abs(ref[name])
            assert abs(J[name] - ref[name]) <= ness.current_errors()[name]
        assert J["L"] > 0 and abs(J["L"] + J["R"]) <= 1e-14 * J["L"]
    direct = redfield_ness(system, up_spins=2, precision="double", near_equal_temperatures=False)
    with pytest.warns(PrecisionWarning):  # the direct solve knows it lost the digits
        direct.bath_heat_currents()


def test_equal_temperatures_carry_no_current_to_any_precision():
    model = xxz_ring(4, J=1.0, Delta=1.3, fields={2: 0.7}, T_left=0.7, T_right=0.7)
    ness = redfield_ness(model, up_spins=2, precision="extended")
    assert all(abs(v) < 1e-60 for v in ness.bath_heat_currents().values())


def test_davies_near_equal_temperatures_in_extended_precision():
    model = xxz_ring(4, J=1.0, Delta=1.3, fields={2: 0.7}, T_left=1.0 + 1e-9, T_right=1.0)
    system = OpenSystem.from_model(model)
    ness = davies_ness(system, up_spins=2)
    J = ness.bath_heat_currents()
    T_exact = {c.name: mp.mpf(float(c.bath.T)) for c in system.couplings}
    ref = _davies_reference(system, 2, 50, T_exact)
    for name in J:
        assert abs(J[name] - ref[name]) <= 1e-12 * abs(ref[name])
    assert J["L"] > 0 and J["L"] + J["R"] == pytest.approx(0.0, abs=1e-14 * J["L"])


def test_extended_precision_is_thread_safe():
    """flint's precision is global: concurrent extended solves (different bit counts) must not interfere."""
    from concurrent.futures import ThreadPoolExecutor

    cases = [(0.05, 0.03, 1), (0.04, 0.03, 2), (0.05, 0.03, 2), (0.05, 0.03, 1)]

    def run(c):
        model = xxz_ring(4, J=1.0, Delta=2.0, fields={2: 2.0, 3: 1.0}, T_left=c[0], T_right=c[1])
        return redfield_ness(model, up_spins=c[2]).bath_heat_currents()["L"]

    serial = [run(c) for c in cases]
    with ThreadPoolExecutor(4) as ex:
        parallel = list(ex.map(run, cases))
    assert parallel == serial


# ----------------------------------------------------------------------------- conditioning is not non-uniqueness
def _qubit(T_left, H=HZ):
    return OpenSystem(H, [(X2, Bath(SPEC, T_left)), (X2, Bath(SPEC, 1.0))])


def test_very_hot_bath_redfield_is_ill_conditioned_not_non_unique():
    """T_L = 1e12: a relaxation ~1e20 times slower than the fastest one; decided and solved in extended precision."""
    system = _qubit(1e12)
    ness = redfield_ness(system)
    assert ness.info["method"] == "extended"
    J = ness.bath_heat_currents()
    ref, _ = _redfield_reference(system, None, 60)
    for name in J:
        assert abs(J[name] - ref[name]) <= 1e-12 * abs(ref[name])
    assert J["L"] > 0 > J["R"]
    with pytest.raises(NonUniqueSteadyStateError, match="span 12 decades, so this may be ill-conditioning"):
        redfield_ness(system, precision="double")


def test_a_dark_state_is_still_refused_in_extended_precision():
    """Two identical spins under a collective coupling: the singlet never relaxes."""
    from symness.spins import sigma as sig

    H = sig("z", 1, 2) + sig("z", 2, 2)
    S = sig("x", 1, 2) + sig("x", 2, 2)
    with pytest.raises(NonUniqueSteadyStateError, match="cannot prove the system invertible|moves the state by"):
        redfield_ness(OpenSystem(H, [(S, Bath(SPEC, 2.0)), (S, Bath(SPEC, 1.0))]))


def test_vanishing_rates_are_named():
    with pytest.raises(NonUniqueSteadyStateError, match="nothing relaxes"):
        redfield_ness(_qubit(2.0, H=HZ * 1e8))  # the ohmic cutoff 10 is far below the gap 1e8


def test_one_state_sector_carries_no_heat():
    """All spins up: a one-state sector, rho = |psi><psi| with psi an eigenstate -- every current is exactly 0."""
    from symness.models import xxz_ring
    ring = xxz_ring(n=4, J=1.0, Delta=0.5, contacts=(1, 3), T_left=2.0, T_right=1.0)
    for solve in (davies_ness, redfield_ness):
        ness = solve(ring, up_spins=0)
        assert ness.bath_heat_currents() == {"L": 0.0, "R": 0.0}
        assert ness.entropy_production() == 0.0
