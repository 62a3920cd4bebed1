"""The array route of ``redfield_ness`` (``symness.open.fast_redfield``): the general route's numbers at
ordinary points, and the general route itself (its errors, warnings, extended precision) everywhere else.

The model is a user's, not a paper's: a five-site XXZ chain with its own symbol names
(``omega_1 .. omega_5``, ``g``, ``Delta``, ``T_h``, ``T_c``, all positive), a hot bath on site 1 and a
cold one on site 5.  The general route is reached through ``OpenSystem.from_model`` (an
``OpenSystem`` never takes the array route).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy

from symness.baths import Bath, ohmic
from symness.errors import (
    InvalidParameterError,
    NonHermitianError,
    NonUniqueSteadyStateError,
    PositivityWarning,
    SymnessError,
)
from symness.models.base import Coupling, Model, Term
from symness.open import OpenSystem, redfield_ness

N = 5
OMEGA = sympy.symbols("omega_1:7", positive=True)
g, Delta, T_h, T_c = sympy.symbols("g Delta T_h T_c", positive=True)
DEFAULTS = {**dict(zip(OMEGA, (1.0, 1.3, 0.9, 1.1, 1.2, 0.8))), g: 0.4, Delta: 0.5, T_h: 2.0, T_c: 0.7}


D_dm = sympy.Symbol("D", positive=True)


def _chain(gamma: float = 0.02, lamb: bool = False, n: int = N, dm: bool = False) -> Model:
    N = n
    spec = ohmic(gamma, 8.0)
    terms = [Term(OMEGA[l - 1] / 2, ((l, "z"),)) for l in range(1, N + 1)]
    if dm:  # a Dzyaloshinskii-Moriya bond D (x y - y x): Hermitian and S^z-conserving, complex matrix elements
        terms += [Term(D_dm, ((2, "x"), (3, "y"))), Term(-D_dm, ((2, "y"), (3, "x")))]
    bonds = {}
    for l in range(1, N):
        bond = [Term(g, ((l, "x"), (l + 1, "x"))), Term(g, ((l, "y"), (l + 1, "y"))),
                Term(Delta, ((l, "z"), (l + 1, "z")))]
        terms += bond
        # H = sum of the bonds: each field shared between the bonds of its site
        share = [(s, sympy.Rational(1, 1 if s in (1, N) else 2)) for s in (l, l + 1)]
        bonds[(l, l + 1)] = bond + [Term(w * OMEGA[s - 1] / 2, ((s, "z"),)) for s, w in share]
    couplings = [Coupling("h", (Term(1, ((1, "z"),)),), Bath(spec, T_h, lamb_shift=lamb)),
                 Coupling("c", (Term(1, ((N, "z"),)),), Bath(spec, T_c, lamb_shift=lamb))]
    values = {k: v for k, v in DEFAULTS.items() if k not in OMEGA[N:]} | ({D_dm: 0.3} if dm else {})
    return Model("user chain", N, terms, couplings, values=values, bonds=bonds)


def _general(model: Model, up: int, **values):
    return redfield_ness(OpenSystem.from_model(model, **values), up_spins=up)


POINTS = [dict(), dict(g=0.1, Delta=1.7), dict(T_h=5.0, T_c=0.3), dict(omega_2=2.5, Delta=0.0),
          dict(g=1.5, T_h=1.0, T_c=0.9)]


@pytest.mark.parametrize("up", [1, 2, 4])
@pytest.mark.parametrize("point", range(len(POINTS)))
def test_array_route_is_the_general_route(up, point):
    model = _chain()
    vals = POINTS[point]
    fast = redfield_ness(model, up_spins=up, **vals)
    ref = _general(model, up, **vals)
    J, Jr = fast.bath_heat_currents(), ref.bath_heat_currents()
    assert "route" not in ref.info
    # a current the general route had to recompute in extended precision is not ordinary: it is that route
    assert (fast.info.get("route") == "arrays") == ("precision_bits" not in ref.info)
    assert fast.info.get("route") == "arrays" or point == 1
    err, err_r = fast.current_errors(), ref.current_errors()
    for b in ("h", "c"):
        assert abs(J[b] - Jr[b]) <= 1e-12 * abs(Jr[b]) + err_r[b]
        assert err[b] == pytest.approx(err_r[b], rel=0.1)  # the same estimate (rcond of the real system)
        assert err[b] <= 1e-8 * abs(J[b])  # PRECISION_RTOL
    # the laws: energy conservation, heat from hot to cold, a trace-one Hermitian state
    assert abs(J["h"] + J["c"]) <= err["h"] + err["c"]
    assert J["h"] > 0 > J["c"]
    rho = fast.rho_sector
    assert np.trace(rho).real == pytest.approx(1.0, abs=1e-14)
    assert np.abs(rho - rho.conj().T).max() == 0.0
    scale = np.abs(ref.rho_sector).max()
    assert np.abs(rho - ref.rho_sector).max() <= 1e-12 * scale
    assert fast.min_eigenvalue == pytest.approx(ref.min_eigenvalue, abs=1e-13)
    # the real system of a real model has the complex one's 2-norm condition number; 1-norm estimates
    assert 0.1 < fast.info["rcond"] / ref.info["rcond"] < 10  # (1-norm estimates of the same conditioning)
    assert fast.residual < 1e-13 and ref.residual < 1e-13


def test_the_objects_are_built_on_first_use():
    model = _chain()
    fast = redfield_ness(model, up_spins=2, g=0.7)
    ref = _general(model, 2, g=0.7)
    built = fast._lazy.__dict__
    assert not {"system", "space", "generator"} & set(built)
    # observables need the system and the working space, not the generator
    for site in range(1, N + 1):
        assert fast.magnetization(site) == pytest.approx(ref.magnetization(site), abs=1e-13)
    assert fast.bond_heat_current(3) == pytest.approx(ref.bond_heat_current(3), rel=1e-10)
    assert fast.entropy_production() == pytest.approx(ref.entropy_production(), rel=1e-10)
    assert fast.ergotropy() == pytest.approx(ref.ergotropy(), rel=1e-9, abs=1e-14)
    assert "generator" not in built and fast.space.dim == 10
    # a small spin current is recomputed in extended precision, which takes the generator
    assert fast.spin_current((2, 3)) == pytest.approx(ref.spin_current((2, 3)), rel=1e-10)
    np.testing.assert_array_equal(fast.energies, fast._res.eig[0])  # the state's eigenbasis is the space's
    # counting statistics need the generator: built now, in the same eigenbasis
    np.testing.assert_allclose(fast.heat_cumulants("h", 3), ref.heat_cumulants("h", 3), rtol=1e-9)
    assert fast.generator.kind == "redfield" and fast.generator.space is fast.space
    assert fast.tur_ratio("c") == pytest.approx(ref.tur_ratio("c"), rel=1e-9)
    assert "redfield" in repr(fast) and fast.summary()["dim"] == 10
    assert fast.rho.shape == (2**N, 2**N)


def _same_outcome(model, up, **kw):
    """The array route gives way: the same exception (type and message) or the same state as the general
    route, which it is then."""
    values = {k: v for k, v in kw.items() if k in {s.name for s in model.parameters}}
    options = {k: v for k, v in kw.items() if k not in values}
    try:
        with warnings.catch_warnings(record=True) as w_fast:
            warnings.simplefilter("always")
            fast = redfield_ness(model, up_spins=up, **options, **values)
    except SymnessError as exc:
        with pytest.raises(type(exc)) as info:
            redfield_ness(OpenSystem.from_model(model, **values), up_spins=up, **options)
        assert str(info.value) == str(exc)
        return None
    with warnings.catch_warnings(record=True) as w_ref:
        warnings.simplefilter("always")
        ref = redfield_ness(OpenSystem.from_model(model, **values), up_spins=up, **options)
        J = ref.bath_heat_currents()
    assert [str(x.message) for x in w_fast] == [str(x.message) for x in w_ref]
    assert fast.info.get("route") != "arrays"
    assert fast.bath_heat_currents() == J
    return fast


def test_unusual_points_take_the_general_route():
    model = _chain()
    assert _same_outcome(model, 2, g=0.0) is None  # every bond cut: invariant subspaces
    with pytest.raises(NonUniqueSteadyStateError, match="invariant"):
        redfield_ness(model, up_spins=2, g=0.0)
    assert _same_outcome(model, 2, g=1j) is None  # a complex hopping: not Hermitian
    with pytest.raises(NonHermitianError):
        redfield_ness(model, up_spins=2, g=1j)
    assert _same_outcome(model, 2, T_c=-1.0) is None
    assert _same_outcome(model, 2, T_h=float("nan")) is None
    assert _same_outcome(model, 2, Delta=float("inf")) is None
    assert _same_outcome(model, 9) is None  # no such sector
    assert redfield_ness(model, up_spins=1).info["route"] == "arrays"
    assert _same_outcome(model, True) is None  # not a sector number, even where 1 is one
    assert _same_outcome(model, 1.0) is None
    assert _same_outcome(model, 2, tol=0.0) is None
    assert _same_outcome(model, 2, positivity_tol=-1.0) is None
    assert _same_outcome(model, 2, lamb_shift=1) is None  # not a bool
    assert _same_outcome(model, 2, precision="quad") is None
    # near-equal temperatures: the split state of the general route (linear response)
    near = _same_outcome(model, 2, T_h=0.7 * (1 + 1e-5))
    assert "linear_response" in near.info
    # options the array route does not have
    assert _same_outcome(model, 2, method="krylov").info["method"] == "krylov"
    assert "precision_bits" in _same_outcome(model, 2, precision="extended").info
    _same_outcome(model, 2, lamb_shift=True)
    _same_outcome(model, 3, near_equal_temperatures=False, T_h=0.7 * (1 + 1e-5))
    # a working dimension above the dense limit (DENSE_MAX_DIM = 12): 6 sites, 3 up spins, d = 20
    assert _same_outcome(_chain(n=6), 3).info["method"] == "krylov"


def test_low_temperatures_are_recomputed_in_extended_precision():
    """Currents far below the rates: the array route gives way, the general route recomputes them."""
    model = _chain()
    ness = _same_outcome(model, 1, T_h=0.04, T_c=0.03, omega_1=2.0, omega_5=2.0)
    assert ness.info.get("precision_bits", 0) > 53


def test_strong_coupling_is_left_to_the_general_route():
    """A coupling beyond the master equation's validity: the PositivityWarning of the general route."""
    model = _chain(gamma=5.0)
    with pytest.warns(PositivityWarning):
        ness = redfield_ness(model, up_spins=2, T_h=0.3, T_c=0.01)
    assert ness.info.get("route") != "arrays"


def test_a_changed_model_is_planned_again():
    model = _chain()
    assert redfield_ness(model, up_spins=2).info["route"] == "arrays"
    spec = ohmic(0.02, 8.0)
    model.couplings[0] = Coupling("h", (Term(1, ((1, "z"),)),), Bath(spec, T_h, lamb_shift=True))
    ness = redfield_ness(model, up_spins=2)
    assert ness.info.get("route") != "arrays"
    with pytest.raises(InvalidParameterError):
        redfield_ness(model, up_spins=2, T_h="hot")


def test_random_points_agree_or_give_way():
    """Random points of the user's chain: the array route agrees with the general route to 1e-12 (plus the
    reported errors), or gives way to it (the same numbers then), in every sector."""
    rng = np.random.default_rng(16)
    model = _chain()
    taken = 0
    for _ in range(30):
        vals = {f"omega_{l}": float(rng.uniform(0.2, 3.0)) for l in range(1, N + 1)}
        vals |= dict(g=float(rng.uniform(0.01, 2.0)), Delta=float(rng.uniform(-2.0, 2.0)),
                     T_h=float(rng.uniform(0.2, 5.0)), T_c=float(rng.uniform(0.1, 3.0)))
        up = int(rng.integers(1, N))
        fast = redfield_ness(model, up_spins=up, **vals)
        ref = _general(model, up, **vals)
        J, Jr, err = fast.bath_heat_currents(), ref.bath_heat_currents(), ref.current_errors()
        taken += fast.info.get("route") == "arrays"
        for b in J:
            assert abs(J[b] - Jr[b]) <= 1e-12 * abs(Jr[b]) + 2 * err[b]
        hot, cold = ("h", "c") if vals["T_h"] > vals["T_c"] else ("c", "h")
        assert J[hot] >= -err[hot] and J[cold] <= err[cold]  # heat flows from hot to cold
    assert taken >= 20


def test_complex_matrix_elements_take_the_array_route():
    """A Dzyaloshinskii-Moriya bond (real D, complex matrix elements): the complex eigenbasis and currents."""
    model = _chain(dm=True)
    for up in (1, 2):
        fast = redfield_ness(model, up_spins=up, D=0.45)
        ref = _general(model, up, D=0.45)
        assert fast.info["route"] == "arrays" and np.iscomplexobj(fast._res.eig[1])
        J, Jr, err = fast.bath_heat_currents(), ref.bath_heat_currents(), ref.current_errors()
        for b in J:
            assert abs(J[b] - Jr[b]) <= 1e-12 * abs(Jr[b]) + err[b]
        assert np.abs(fast.rho_sector - ref.rho_sector).max() <= 1e-12
        np.testing.assert_allclose(fast.heat_cumulants("h", 2), ref.heat_cumulants("h", 2), rtol=1e-9)


def test_the_real_system_is_the_redfield_tensor_on_hermitian_matrices():
    """F(Z) = K(Z) - omega o Z^T for Z = Re(rho) + Im(rho): the symmetric and antisymmetric parts of F(Z) are the
    real and imaginary parts of R rho; F and R have the same singular values (an isometry)."""
    from symness.open.liouvillian import redfield_stacks, redfield_tensor, redfield_tensor_real
    rng = np.random.default_rng(5)
    for d, k in ((2, 1), (5, 2), (7, 3)):
        E = np.sort(rng.normal(size=d))
        omega = E[:, None] - E[None, :]
        A = rng.normal(size=(k, d, d))
        A = A + A.transpose(0, 2, 1)
        At, _, _, M = redfield_stacks(A, rng.uniform(size=(k, d, d)))
        R, F = redfield_tensor(omega, A, At, M), redfield_tensor_real(omega, A, At, M)
        rho = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
        rho = rho + rho.conj().T
        Rr = (R @ rho.reshape(-1)).reshape(d, d)
        FZ = (F @ (rho.real + rho.imag).reshape(-1)).reshape(d, d)
        scale = np.abs(Rr).max()
        assert np.abs(Rr.real - (FZ + FZ.T) / 2).max() <= 1e-14 * scale
        assert np.abs(Rr.imag - (FZ - FZ.T) / 2).max() <= 1e-14 * scale
        np.testing.assert_allclose(np.linalg.svd(F, compute_uv=False), np.linalg.svd(R, compute_uv=False),
                                   rtol=1e-12, atol=1e-12 * scale)


def _random_model(rng: np.random.Generator) -> tuple[Model, int | None]:
    """A random spin model: 3-5 sites, random bonds (XX+YY, ZZ, Dzyaloshinskii-Moriya, sometimes with
    separate coefficients for the two hopping orderings), fields, two or three baths on random sites with
    sigma^z or XX-type couplings, sometimes a transverse field with a random (possibly zero) value."""
    n = int(rng.integers(3, 6))
    syms = iter(sympy.symbols("p0:40", real=True))
    terms, values = [], {}

    def par(lo: float, hi: float) -> sympy.Symbol:
        s = next(syms)
        values[s] = float(rng.uniform(lo, hi))
        return s

    for l in range(1, n + 1):
        terms.append(Term(par(0.2, 2.0), ((l, "z"),)))
    for l in range(1, n):
        if rng.random() < 0.5:
            a = par(0.1, 1.0)
            terms += [Term(a, ((l, "x"), (l + 1, "x"))), Term(a, ((l, "y"), (l + 1, "y")))]
        else:  # sigma^+ sigma^- + h.c. with two coefficients (equal values: Hermitian only at the point)
            a, b = par(0.1, 1.0), next(syms)
            values[b] = values[a]
            terms += [Term(a, ((l, "+"), (l + 1, "-"))), Term(b, ((l, "-"), (l + 1, "+")))]
        if rng.random() < 0.5:
            terms.append(Term(par(-1.0, 1.0), ((l, "z"), (l + 1, "z"))))
        if rng.random() < 0.3:
            D = par(0.0, 0.5)
            terms += [Term(D, ((l, "x"), (l + 1, "y"))), Term(-D, ((l, "y"), (l + 1, "x")))]
    if rng.random() < 0.3:  # a transverse field, zero at half of the points
        h = par(0.0, 0.3)
        values[h] = values[h] if rng.random() < 0.5 else 0.0
        terms.append(Term(h, ((int(rng.integers(1, n + 1)), "x"),)))
    spec = ohmic(float(rng.uniform(0.005, 0.05)), 6.0)
    couplings = []
    for name in ("a", "b", "c")[:int(rng.integers(2, 4))]:
        s = int(rng.integers(1, n + 1))
        T = par(0.3, 4.0)
        op = ((Term(1, ((s, "z"),)),) if rng.random() < 0.7 or s == n
              else (Term(1, ((s, "x"), (s + 1, "x"))), Term(1, ((s, "y"), (s + 1, "y")))))
        couplings.append(Coupling(name, op, Bath(spec, T)))
    up = None if n == 3 and rng.random() < 0.5 else int(rng.integers(1, n))
    if up is None:  # the full space, with a field that breaks the up count (else: one state per sector)
        terms.append(Term(par(0.05, 0.5), ((int(rng.integers(1, n + 1)), "x"),)))
    return Model("random", n, terms, couplings, values=values), up


def test_random_models_agree_or_give_way():
    """Random model structures: the array route's numbers are the general route's (to 1e-12 plus the
    reported errors), and where it gives way the general route's outcome -- its state, or its error with
    its message -- is what the user gets."""
    rng = np.random.default_rng(1616)
    taken = 0
    for _ in range(60):
        model, up = _random_model(rng)
        try:
            ref = _general(model, up)
            Jr, err = ref.bath_heat_currents(), ref.current_errors()
        except SymnessError as exc:
            with pytest.raises(type(exc)) as info:
                redfield_ness(model, up_spins=up)
            assert str(info.value) == str(exc)
            continue
        fast = redfield_ness(model, up_spins=up)
        J = fast.bath_heat_currents()
        taken += fast.info.get("route") == "arrays"
        for b in J:
            assert abs(J[b] - Jr[b]) <= 1e-12 * max(abs(v) for v in Jr.values()) + 2 * err[b]
        assert np.abs(fast.rho_sector - ref.rho_sector).max() <= 1e-11
    assert taken >= 15


def test_the_full_space_of_a_few_spins():
    """Three spins without a sector (a transverse field breaks the up count): the array route on the full
    space, the general route's numbers; where the field vanishes the up count is conserved and the general
    route's refusal (one steady state per sector) is what the user gets."""
    hx = sympy.Symbol("h_x", real=True)
    model = _chain(n=3)
    model.terms.append(Term(hx, ((2, "x"),)))
    model.values[hx] = 0.3
    for vals in (dict(), dict(h_x=-0.8, g=0.2), dict(T_h=0.5, T_c=3.0, Delta=-1.0)):
        fast = redfield_ness(model, **vals)
        ref = redfield_ness(OpenSystem.from_model(model, **vals))
        assert fast.info["route"] == "arrays" and fast.space.dim == 8 and fast.sector is None
        J, Jr, err = fast.bath_heat_currents(), ref.bath_heat_currents(), ref.current_errors()
        for b in J:
            assert abs(J[b] - Jr[b]) <= 1e-12 * abs(Jr[b]) + err[b]
        assert np.abs(fast.rho - ref.rho).max() <= 1e-12
        assert fast.magnetization(2) == pytest.approx(ref.magnetization(2), abs=1e-12)
    assert _same_outcome(model, None, h_x=0.0) is None
    with pytest.raises(NonUniqueSteadyStateError, match="sector"):
        redfield_ness(model, h_x=0.0)
    assert _same_outcome(_chain(n=4), None) is None  # 16 states: the general route (and its refusal)
