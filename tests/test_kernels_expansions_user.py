"""Expansions of the user's own kernels (not the papers' systems) against the exact closed forms.

Every expansion is compared with its exact closed form evaluated in 50-digit mpmath at
points where the expansion parameter is small: the error must shrink at the expected
order (halving g divides the error of an O(g^k) series by 2^(k+1)), or, at low
temperature, like the first neglected Boltzmann factor.  Symbols are those users type.
"""

import mpmath
import numpy as np
import pytest
import sympy
from sympy.physics.quantum import TensorProduct as TP

from symness.baths import Bath, flat
from symness.errors import InvalidParameterError, SymnessError
from symness.kernels import pauli_kernel, single_qubit
from symness.kernels.expansions import ExpansionError, high_temperature, low_temperature, series
from symness.kernels.functions import Bose

w1, w2, g, T_h, T_c, gamma = sympy.symbols("omega_1 omega_2 g T_h T_c gamma", positive=True)
SZ = sympy.Matrix([[1, 0], [0, -1]])
SX = sympy.Matrix([[0, 1], [1, 0]])
SY = sympy.Matrix([[0, -sympy.I], [sympy.I, 0]])
I2 = sympy.eye(2)
BASE = {w1: 1, w2: sympy.Rational(3, 5), g: sympy.Rational(1, 10), T_h: 2, T_c: sympy.Rational(1, 2),
        gamma: sympy.Rational(1, 100)}


def _kernel(coupling):
    H = w1 / 2 * TP(SZ, I2) + w2 / 2 * TP(I2, SZ) + g * coupling
    baths = [(TP(SX, I2), Bath(flat(gamma), T_h, name="h")), (TP(I2, SX), Bath(flat(gamma), T_c, name="c"))]
    return pauli_kernel(H, baths, at={w1: 1, w2: 0.6, g: 0.1})


@pytest.fixture(scope="module")
def zz():
    """ZZ-coupled qubits with local sigma_x baths, flat spectra: the heat-current form."""
    return _kernel(TP(SZ, SZ)).heat_currents_form()


def _mp(form, key="h"):
    """50-digit evaluator of one entry of a form (definitions written out; stable Bose functions)."""
    e = form.explicit().expr
    e = e[key] if isinstance(e, dict) else e
    syms = sorted(e.free_symbols, key=str)
    f = sympy.lambdify(syms, e, "mpmath")

    def value(**over):
        v = dict(BASE)
        v.update({sympy.Symbol(k, positive=True): x for k, x in over.items()})
        with mpmath.workdps(50):
            return f(*[mpmath.mpmathify(sympy.Rational(v[s]).p) / int(sympy.Rational(v[s]).q) for s in syms])
    return value


def _ratios(errs):
    return [float(errs[i] / errs[i + 1]) for i in range(len(errs) - 1)]


@pytest.mark.parametrize("order", [2, 4])
def test_weak_coupling_series_converges_at_its_order(zz, order):
    exact = _mp(zz)
    s = series(zz, g, order)
    approx = _mp(s)
    errs = [abs(approx(g=x) - exact(g=x)) for x in (sympy.Rational(1, 50), sympy.Rational(1, 100),
                                                   sympy.Rational(1, 200))]
    for r in _ratios(errs):
        assert r == pytest.approx(2 ** (order + 1), rel=0.1)
    # the expansion keeps the first law, and its leading term is O(g^2): zero coupling carries no heat
    assert sympy.simplify(s.expr["h"] + s.expr["c"]) == 0
    lead = series(zz, "g", terms=1).expr["h"]
    assert lead.free_symbols >= {g} and sympy.simplify(lead / g**2).has(g) is False
    assert "series for g -> 0 through O(g^" in s.assumptions[-1]


@pytest.mark.parametrize("order", [1, 2])
def test_small_bias_series(zz, order):
    """T_h = T_c + dT: linear response and its first correction; nothing flows at equal temperatures."""
    exact = _mp(zz)
    s = series(zz, T_h, order, about=T_c)
    approx = _mp(s)
    tc = BASE[T_c]
    errs = [abs(approx(T_h=tc + d) - exact(T_h=tc + d)) for d in (sympy.Rational(1, 100), sympy.Rational(1, 200),
                                                                   sympy.Rational(1, 400))]
    for r in _ratios(errs):
        assert r == pytest.approx(2 ** (order + 1), rel=0.1)
    assert series(zz, T_h, 0, about=T_c).expr == {"h": 0, "c": 0}


@pytest.mark.parametrize("order", [1, 2])
def test_high_temperature(zz, order):
    """All temperatures scaled by s -> oo: relative error ~ s^-order (first `order` non-vanishing orders)."""
    exact = _mp(zz)
    approx = _mp(high_temperature(zz, order))
    errs = [abs(approx(T_h=2 * s, T_c=s / 2) / exact(T_h=2 * s, T_c=s / 2) - 1) for s in (20, 40, 80)]
    for r in _ratios(errs):
        assert r == pytest.approx(2**order, rel=0.15)


@pytest.mark.parametrize("order", [1, 2])
def test_low_temperature(zz, order):
    """Relative error of the first `order` orders ~ (largest Boltzmann factor)^order."""
    exact = _mp(zz)
    approx = _mp(low_temperature(zz, order))
    for tau in (sympy.Rational(1, 20), sympy.Rational(1, 40)):
        th, tc = 2 * tau, tau / 2
        # smallest frequencies at each bath: omega_1 - 2g at the hot qubit, omega_2 - 2g at the cold one
        y = max(mpmath.exp(-mpmath.mpf(4) / 5 / th), mpmath.exp(-mpmath.mpf(2) / 5 / tc))
        assert abs(approx(T_h=th, T_c=tc) / exact(T_h=th, T_c=tc) - 1) < 3 * y**order


def test_low_temperature_form_keeps_precision_at_small_bias(zz):
    """float64 lambdify of the low-T form vs its own 50-digit value at T_h = T_c (1 + 1e-9) (issue 15)."""
    lo = low_temperature(zz)
    f = lo.lambdify()
    for T in (1.0, 1000.0):
        for rel in (1e-6, 1e-9, 1e-13):
            v = dict(omega_1=1.0, omega_2=0.6, g=0.1, T_h=T * (1 + rel), T_c=T, gamma=0.01)
            assert f(**v)["h"] == pytest.approx(lo.evaluate(v, dps=50)["h"], rel=1e-14)
    # the paper's single qubit (qubits.low_temperature uses the same expansion): was 2e-5 off at T = 1000
    w0, gA, gB, TA, TB = sympy.symbols("omega_0 g_A g_B T_A T_B", positive=True)
    sq = single_qubit(w0, TA, TB, gA, gB).low_temperature()
    v = dict(omega_0=1.0, g_A=0.1, g_B=0.2, T_A=1000.0 * (1 + 1e-9), T_B=1000.0)
    assert sq.lambdify()(**v)["q^A"] == pytest.approx(sq.evaluate(v, dps=50)["q^A"], rel=1e-14)


def test_flip_flop_coupling_with_a_level_order():
    """XX+YY coupling: mixing angles and sqrt in the Bohr frequencies; assume= simplifies |omega_1 - omega_2|."""
    q = _kernel((TP(SX, SX) + TP(SY, SY)) / 2).heat_currents_form()
    s = series(q, g, 2, assume=w1 > w2)
    assert not s.expr["h"].has(sympy.Abs)
    exact, approx = _mp(q), _mp(s)
    errs = [abs(approx(g=x) - exact(g=x)) for x in (sympy.Rational(1, 100), sympy.Rational(1, 200))]
    assert _ratios(errs)[0] == pytest.approx(16, rel=0.1)   # the current is even in g: error O(g^4)


def test_series_through_a_pole_of_the_bose_function():
    """A qubit whose splitting g -> 0: n(g, T) = T/g - 1/2 + g/(12 T) + ... (Laurent); q is odd in g."""
    pk = pauli_kernel(g / 2 * SZ, [(SX, Bath(flat(gamma), T_h, name="h")), (SX, Bath(flat(2 * gamma), T_c, name="c"))])
    q = pk.heat_currents_form()
    exact, approx = _mp(q), _mp(series(q, g, 2))
    errs = [abs(approx(g=x) - exact(g=x)) for x in (sympy.Rational(1, 20), sympy.Rational(1, 40))]
    assert _ratios(errs)[0] == pytest.approx(8, rel=0.1)    # only g^1 survives through O(g^2): error O(g^3)
    # the leading term q ~ g * (classical rate) against a numerical limit of q/g
    lead = series(q, g, terms=1)
    slope = _mp(lead.map(lambda e: e / g))()
    with mpmath.workdps(50):
        assert abs(slope - exact(g=sympy.Rational(1, 10**12)) * 10**12) < 1e-20


def test_one_temperature_to_infinity_on_a_classical_form():
    """series(..., about=oo) on the Ising-ring form (BoltzmannDifference): error ~ 1/T_R^2 at order 1."""
    from symness.classical.closedforms import T_R, three_spin_equal
    form = three_spin_equal().form
    s = series(form, T_R, 1, about=sympy.oo)
    e_s = sympy.lambdify(sorted(s.expr["I_L"].free_symbols, key=str), s.expr["I_L"], "mpmath")
    e_x = sympy.lambdify(sorted(form.expr["I_L"].free_symbols, key=str), form.expr["I_L"], "mpmath")
    with mpmath.workdps(50):
        errs = [abs(e_s(1, 1.5, t) - e_x(1, 1.5, t)) for t in (mpmath.mpf(100), mpmath.mpf(200))]  # J, T_L, T_R
        assert errs[0] / errs[1] == pytest.approx(4, rel=0.05)


def test_undefined_spectral_functions():
    """The paper's derivation with undefined g_A, g_B: the series in lambda, with g_A = x/50, g_B = 1/30 put in
    afterwards, equals the series of the concrete form (and converges at its order)."""
    from symness.kernels.qubits import G_A, G_B, derivation
    lam = sympy.Symbol("lambda", positive=True)
    q = derivation("coupled_qubits").heat_currents_form()
    x = sympy.Symbol("x")
    concrete = {G_A: sympy.Lambda(x, x / 50), G_B: sympy.Lambda(x, sympy.Rational(1, 30))}
    general = series(q, lam, 2, assume=sympy.Symbol("omega_1", positive=True) > sympy.Symbol("omega_2", positive=True))
    put = general.explicit().expr["A"].subs(concrete).doit()
    qc = q.subs(concrete)
    direct = series(qc.map(lambda e: e.doit()), lam, 2).explicit().expr["A"]    # point from the form
    pt = {sympy.Symbol("omega_1", positive=True): 1, sympy.Symbol("omega_2", positive=True): sympy.Rational(3, 5),
          sympy.Symbol("T_A", positive=True): 1, sympy.Symbol("T_B", positive=True): sympy.Rational(1, 2)}
    for lv in (sympy.Rational(1, 100), sympy.Rational(1, 37)):
        pt[lam] = lv
        assert abs(sympy.N((put - direct).subs(pt), 40)) < 1e-35


def test_expressions_and_refusals():
    w, T = sympy.symbols("omega T", positive=True)
    # a plain expression gives an expression; the Laurent series of n at high temperature
    assert sympy.simplify(series(Bose(w, T), T, 1, about=sympy.oo) - (T / w - sympy.Rational(1, 2) + w / (12 * T))) == 0
    with pytest.raises(ExpansionError, match="low_temperature"):
        series(Bose(w, T), T, 2)                     # exp(-omega/T) at T -> 0: no power series
    with pytest.raises(InvalidParameterError, match="exactly one"):
        series(Bose(w, T), w, 2, terms=1)
    with pytest.raises(InvalidParameterError, match="order"):
        series(Bose(w, T), w, 99)
    with pytest.raises(InvalidParameterError, match="no symbol named"):
        series(Bose(w, T), "omega_9", 1)
    q = _kernel(TP(SZ, SZ)).heat_currents_form()
    nu = next(iter(q.definitions))
    with pytest.raises(InvalidParameterError, match="auxiliary symbol"):
        series(q, nu, 1)
    assert issubclass(ExpansionError, SymnessError)
    assert np.isfinite(float(high_temperature(Bose(w, T) / T).subs({w: 1, T: 1})))


def test_large_forms_are_refused_at_once():
    """A form whose tree polynomials are too large to expand is refused before any work (DerivationTooLargeError)."""
    import time

    from symness.closedform import ClosedForm, LazyDefinition
    from symness.errors import DerivationTooLargeError

    class Big(LazyDefinition):
        nterms = 10**6
        free_symbols = {g, T_h}

    Z = sympy.Symbol("Z", positive=True)
    form = ClosedForm({"h": g / Z}, definitions={Z: Big()})
    t = time.perf_counter()
    for f in (lambda: series(form, g, 1), lambda: high_temperature(form), lambda: low_temperature(form)):
        with pytest.raises(DerivationTooLargeError, match="max_terms"):
            f()
    assert time.perf_counter() - t < 1.0
