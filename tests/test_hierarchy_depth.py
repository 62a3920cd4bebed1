"""Hierarchy depth: two-spin rho_2 with every parameter symbolic (python-flint engine), weak_coupling.

The symbolic rho_2 is checked at random points against two independent computations: the
numeric hierarchy (float linear algebra in the H0 eigenbasis, :class:`Hierarchy`) and the
exact NESS of L(lambda) (:func:`exact_ness`), whose deviation from rho_0 + lambda rho_1 +
lambda^2 rho_2 must be O(lambda^3) with the numeric rho_3 as coefficient.
"""

import flint
import numpy as np
import pytest
import sympy

from symness.errors import DegeneracyError, InvalidParameterError, NonUniqueSteadyStateError, SymnessWarning
from symness.hierarchy import Hierarchy, SymbolicHierarchy, exact_ness
from symness.hierarchy.pauli import string_matrix
from symness.hierarchy.ratvec import FlintRing
from symness.hierarchy.two_spin import two_spin_hierarchy
from symness.models import tilted_ising

EVERY = {"C_theta", "h", "t_L", "t_R", "c_L", "c_R", "d_L", "d_R"}


def _random_points(n, seed):
    rng = np.random.default_rng(seed)
    return [dict(theta=rng.uniform(0.3, 2.8), T_L=rng.uniform(0.3, 3.0), T_R=rng.uniform(0.3, 3.0),
                 h=rng.uniform(0.4, 2.0), c_L=rng.uniform(0.1, 2.0), c_R=rng.uniform(0.1, 2.0),
                 d_L=rng.uniform(0.0, 2.0), d_R=rng.uniform(0.0, 2.0)) for _ in range(n)]


@pytest.fixture(scope="module")
def sh():
    return two_spin_hierarchy()


def test_every_parameter_is_symbolic(sh):
    assert {str(g) for g in sh.gens} == EVERY
    v = sh.rho_vec(2)
    assert len(v.num) == 13 and max(len(p) for p in v.num.values()) > 1000


@pytest.mark.parametrize("p", _random_points(3, 2024))
def test_rho2_symbolic_vs_numeric_hierarchy(sh, p):
    H = Hierarchy(tilted_ising(2), **p)
    for m in (0, 1, 2):
        ref = H.rho(m)
        got = sh.evaluate(m, p)
        assert np.abs(got - ref).max() < 1e-11 * max(1.0, np.abs(ref).max()), m
    assert abs(np.trace(sh.evaluate(2, p))) < 1e-14


def test_rho2_against_exact_ness():
    """(rho(lambda) - rho_0 - lambda rho_1 - lambda^2 rho_2) / lambda^3 -> rho_3 (numeric hierarchy)."""
    p = _random_points(1, 7)[0]
    sh = two_spin_hierarchy()
    r = [sh.evaluate(m, p) for m in range(3)]
    model = tilted_ising(2, **p)
    lams = [0.004, 0.002]
    e = {lam: (exact_ness(model, lam) - r[0] - lam * r[1] - lam**2 * r[2]) / lam**3 for lam in lams}
    rho3 = 2 * e[0.002] - e[0.004]  # Richardson: error O(lambda^2)
    ref = Hierarchy(tilted_ising(2), **p).rho(3)
    assert np.abs(rho3 - ref).max() < 1e-3 * np.abs(ref).max()
    # a wrong rho_2 would show up divided by lambda: perturb it by 1e-6 and the check fails
    bad = (exact_ness(model, 0.002) - r[0] - 0.002 * r[1] - 0.002**2 * (r[2] + 1e-6)) / 0.002**3
    assert np.abs(2 * bad - e[0.004] - ref).max() > 1e-2 * np.abs(ref).max()


def test_rho2_sympy_form_matches_exact_evaluation(sh):
    """The SymPy expressions of rho_2 entries (small and large numerators) at a point."""
    p = _random_points(1, 11)[0]
    v = sh.rho_vec(2)
    sizes = sorted((len(v.entry(i)[0]), i) for i in v.num)
    ref = sh.evaluate(2, p)
    th, h = sympy.Symbol("theta", positive=True), sympy.Symbol("h", positive=True)
    sub = {th: sympy.Float(p["theta"], 30), h: sympy.Float(p["h"], 30),
           sympy.Symbol("t_L"): sympy.tanh(sympy.Float(p["h"], 30) / sympy.Float(p["T_L"], 30)),
           sympy.Symbol("t_R"): sympy.tanh(sympy.Float(p["h"], 30) / sympy.Float(p["T_R"], 30))}
    sub.update({sympy.Symbol(k, nonnegative=True): sympy.Float(p[k], 30) for k in ("c_L", "c_R", "d_L", "d_R")})
    for _, i in (sizes[0], sizes[len(sizes) // 2]):
        P = sh.basis[i]
        e = sh.fraction_expr(*v.entry_factored(i)) * sympy.sin(th) ** (sum(q in (1, 2) for q in P) % 2)
        assert e.free_symbols <= set(sub)
        val = complex(e.xreplace(sub).evalf(30))
        # the Pauli coefficient r_P = Tr(sigma^P rho_2) / 4
        coef = np.trace(string_matrix(P).conj().T @ ref) / 4
        assert abs(val - coef) < 1e-12 * max(1.0, abs(coef))


def test_to_expr_builds_canonical_sympy():
    """The fast assembly of products gives SymPy's canonical expressions (same args as Mul/Add)."""
    a, h, T = sympy.symbols("a h T", positive=True)
    th = sympy.Symbol("theta")
    syms = [sympy.cos(th), h, sympy.tanh(h / T), a]
    R = FlintRing(sympy.symbols("x0:4"))
    rng = np.random.default_rng(3)
    terms = {tuple(int(k) for k in rng.integers(0, 4, size=4)):
             flint.fmpq(int(rng.integers(-9, 10)), int(rng.integers(1, 5))) for _ in range(200)}
    p = R.ctx.from_dict({m: c for m, c in terms.items() if c != 0})
    fast = R.to_expr(p, syms)
    ref = sympy.Add(*[sympy.Mul(sympy.Rational(int(c.p), int(c.q)), *[s**k for s, k in zip(syms, m)])
                      for m, c in p.to_dict().items()])
    assert fast == ref and fast.args == ref.args
    assert sympy.expand(fast - ref) == 0


def test_evaluate_refuses_degenerate_points_and_overrides(sh):
    base = _random_points(1, 5)[0]
    with pytest.raises(DegeneracyError, match="Q1 L1 Q1"):
        sh.evaluate(1, {**base, "theta": 0})
    with pytest.raises(NonUniqueSteadyStateError, match="P1 L2 P1"):
        sh.evaluate(0, {**base, "c_L": 0, "c_R": 0})
    with pytest.raises(InvalidParameterError, match="integer order"):
        sh.evaluate(-1, base)
    with pytest.raises(InvalidParameterError, match="no parameter"):
        sh.evaluate(0, {**base, "g": 1.0})
    # equal temperatures are not degenerate (the generic P1 specialises correctly there)
    eq = {**base, "T_R": base["T_L"]}
    assert np.abs(sh.evaluate(2, eq) - Hierarchy(tilted_ising(2), **eq).rho(2)).max() < 1e-11


def test_fixed_values_reach_the_baths():
    """values= fixes bath parameters too (they were silently kept symbolic), and evaluate keeps them."""
    sh = SymbolicHierarchy(tilted_ising(2), values={"c_L": 1, "d_R": 0.5})
    assert {str(g) for g in sh.gens} == EVERY - {"c_L", "d_R"}
    p = dict(_random_points(1, 9)[0], c_L=1, d_R=0.5)
    assert np.abs(sh.evaluate(1, p) - Hierarchy(tilted_ising(2), **p).rho(1)).max() < 1e-12
    with pytest.raises(InvalidParameterError, match="fixed"):
        sh.evaluate(1, dict(p, c_L=2.0))


def test_numeric_hierarchy_small_tilt_refuses_or_warns(sh):
    """Near sin(theta) = 0 the rates are ~sin^2: the numeric W loses digits; the exact closed form does not.

    Before: theta = 3.14159265358979 returned populations of 1e15 without a word.
    """
    with pytest.raises(NonUniqueSteadyStateError, match="float64"):
        Hierarchy(tilted_ising(2), theta=3.14159265358979, T_L=1.3, T_R=0.45).rho(0)
    p = dict(theta=1e-6, T_L=1.3, T_R=0.45)
    with pytest.warns(SymnessWarning, match="resolves the populations only"):
        r0 = Hierarchy(tilted_ising(2), **p).rho(0)
    assert np.abs(r0 - sh.evaluate(0, p)).max() < 1e-3  # within the warned accuracy (5e-5)
    # the exact evaluation has the smooth small-tilt limit; at theta = 1e-3 both agree closely
    p = dict(theta=1e-3, T_L=1.3, T_R=0.45)
    ref = sh.evaluate(0, p)
    assert np.abs(Hierarchy(tilted_ising(2), **p).rho(0) - ref).max() < 1e-9
    assert abs(sh.evaluate(0, dict(p, theta=1e-9))[0, 0] - ref[0, 0]) < 1e-5
