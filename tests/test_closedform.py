import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symness import ClosedForm, InvalidParameterError
from symness.closedform import EvaluationError

a, b, T, w = sympy.symbols("a b T omega", positive=True)
x = sympy.Symbol("x", real=True)


def fermi_like():
    # e^{a/T}/(1 + e^{a/T}) overflows in float64 at low T but is always in [1/2, 1]
    return ClosedForm(sympy.exp(a / T) / (1 + sympy.exp(a / T)), {T: "temperature", a: "energy"})


def test_lambdify_matches_exact(rng):
    cf = ClosedForm(sympy.sin(a) * sympy.exp(-b / T) + a**2 / (1 + b), {a: "", b: "", T: ""})
    f = cf.lambdify()
    pts = rng.uniform(0.1, 3.0, size=(20, 3))
    for p in pts:
        exact = cf.evaluate({a: p[0], b: p[1], T: p[2]}, dps=40)
        assert f(*p) == pytest.approx(exact, rel=1e-14)


@settings(max_examples=60, deadline=None)
@given(st.floats(-3, 3).map(lambda e: 10**e), st.floats(0.01, 50.0))
def test_finite_and_accurate_at_extremes(Tv, av):
    """T from 1e-3 to 1e3 in units of a: finite, and equal to the exact value."""
    f = fermi_like().lambdify()
    val = f(T=Tv, a=av)
    exact = fermi_like().evaluate(T=Tv, a=av, dps=40)
    assert np.isfinite(val)
    assert val == pytest.approx(exact, rel=1e-14)


def test_low_temperature_bose_ratio():
    # a ratio of two Bose-like factors with exponents that both overflow
    expr = (sympy.exp(b / T) - 1) / (sympy.exp(a / T) - 1)
    f = ClosedForm(expr).lambdify([a, b, T])
    Ts = np.array([1e-3, 1e-2, 0.1, 1.0, 1e3])
    vals = f(2.0, 1.5, Ts)
    assert np.all(np.isfinite(vals))
    for Tv, v in zip(Ts, vals):
        ex = ClosedForm(expr).evaluate({a: 2.0, b: 1.5, T: Tv}, dps=60)
        assert v == pytest.approx(ex, rel=1e-13, abs=0)
    assert vals[0] > 0  # exp(-500) ~ 7e-218, not flushed to zero


def test_broadcasting_and_shapes():
    cf = ClosedForm(a * b + T, {a: "", b: "", T: ""})
    f = cf.lambdify()
    out = f(np.ones((3, 1)), np.arange(1.0, 5.0), 2.0)
    assert out.shape == (3, 4)
    assert isinstance(f(1.0, 2.0, 3.0), float)
    m = ClosedForm(sympy.Matrix([[a, b], [T, 1]]))
    g = m.lambdify([a, b, T])
    r = g(np.arange(1.0, 6.0), 1.0, 2.0)
    assert r.shape == (5, 2, 2)
    assert np.allclose(r[:, 1, 1], 1.0)
    mp = ClosedForm({"q": a - b, "M": sympy.Matrix([a, b])})
    h = mp.lambdify([a, b])
    res = h(np.array([1.0, 2.0]), 0.5)
    assert set(res) == {"q", "M"}
    assert res["M"].shape == (2, 2, 1)
    assert np.allclose(res["q"], [0.5, 1.5])
    assert f(a=1.0, b=2.0, T=0.5) == 2.5


def test_complex_results():
    f = ClosedForm(sympy.exp(sympy.I * a)).lambdify([a])
    assert f(np.pi / 2) == pytest.approx(1j)


def test_nonfinite_raises_with_point():
    f = ClosedForm(1 / (a - b)).lambdify([a, b])
    with pytest.raises(EvaluationError, match="not finite"):
        f(1.0, 1.0)
    g = ClosedForm(1 / (a - b)).lambdify([a, b], nonfinite="keep")
    assert not np.isfinite(g(1.0, 1.0))


def test_argument_errors():
    cf = ClosedForm(a + b)
    with pytest.raises(InvalidParameterError, match="free symbols"):
        cf.lambdify([a])
    f = cf.lambdify([a, b])
    with pytest.raises(InvalidParameterError):
        f(1.0)
    with pytest.raises(InvalidParameterError):
        f(1.0, 2.0, c=3)
    with pytest.raises(InvalidParameterError):
        cf.subs(zzz=1)


def test_algebra_and_latex():
    cf = ClosedForm(sympy.exp(x) - 1, {x: "argument"}, name="f", assumptions=["x real"],
                    paper="demo", equation="(1)")
    s = cf.series(x, 0, 3)
    assert sympy.simplify(s.expr - (x + x**2 / 2)) == 0
    assert "series" in s.assumptions[-1]
    lim = ClosedForm(sympy.sin(x) / x).limit(x, 0)
    assert lim.expr == 1
    simp = ClosedForm(sympy.sin(x) ** 2 + sympy.cos(x) ** 2).simplify()
    assert simp.expr == 1
    assert cf.subs(x=0).expr == 0
    tex = cf.latex()
    assert tex.startswith("f = ") and "e^{x}" in tex
    assert cf._repr_latex_().startswith("$")
    block = cf.latex_block()
    assert "Assumptions" in block and "Source" in block
    mp = ClosedForm({"A": x, "B": 2 * x}, name="q")
    assert "q_{A} &= x" in mp.latex()
    assert mp["B"].expr == 2 * x
    assert mp._repr_latex_().startswith("$\\begin{aligned}")


def test_cse_large_expression_speed():
    # many repeated subexpressions: lambdify with cse stays correct
    e = sum((sympy.exp(-a / T) + k) ** 2 for k in range(30))
    f = ClosedForm(e).lambdify([a, T])
    v = f(np.linspace(0.1, 2, 1000), 0.7)
    ref = sum((np.exp(-np.linspace(0.1, 2, 1000) / 0.7) + k) ** 2 for k in range(30))
    np.testing.assert_allclose(v, ref, rtol=1e-14)


# ------------------------------------------------------------------ issue 15: inputs outside the assumptions, strings
def test_lambdified_form_refuses_arguments_outside_its_assumptions():
    """A form derived for T > 0 is not evaluated at T < 0 (it used to return a number there)."""
    from symness.classical.closedforms import three_spin_equal
    from symness.errors import NegativeTemperatureError

    f = three_spin_equal().form.lambdify()
    with pytest.raises(NegativeTemperatureError, match="T_L"):
        f(1.0, -2.0, 0.5)
    with pytest.raises(NegativeTemperatureError, match="T_R"):
        f(1.0, 2.0, np.array([0.5, 0.0]))  # any point of an array
    with pytest.raises(InvalidParameterError, match="NaN"):
        f(np.nan, 2.0, 0.5)
    g = ClosedForm(sympy.sqrt(a) + x).lambdify([a, x])
    with pytest.raises(InvalidParameterError, match="x .* must be real"):
        g(1.0, 1.0 + 1j)  # x is real: a complex value is refused
    assert g(4.0, -1.0) == 1.0  # a real symbol takes negative values
    # the opt-out evaluates the continuation, as before
    assert np.isfinite(three_spin_equal().form.lambdify(check=False)(1.0, -2.0, 0.5)["I_L"])


def test_evaluate_refuses_values_outside_the_assumptions():
    with pytest.raises(InvalidParameterError, match="a .* must be positive"):
        ClosedForm(sympy.log(a)).evaluate(a=-1)


@pytest.mark.parametrize("expr", ["__import__('os').getcwd()", ["x", 1], {"A": "x + 1"}])
def test_strings_are_never_parsed(expr):
    with pytest.raises(InvalidParameterError, match="strings are not parsed"):
        ClosedForm(expr)
    cf = ClosedForm(a**2)
    with pytest.raises(InvalidParameterError, match="strings are not parsed"):
        cf.subs({"a": 1})
    with pytest.raises(InvalidParameterError, match="strings are not parsed"):
        cf.subs(a, "__import__('os')")


def test_subs_forms_and_names():
    cf = ClosedForm(a**2 + b)
    for r in (cf.subs(a, 2), cf.subs({a: 2}), cf.subs([(a, 2)]), cf.subs(a=2)):
        assert r.expr == 4 + b
    with pytest.raises(InvalidParameterError, match="singular"):
        ClosedForm(1 / a).subs(a, 0)  # zoo is refused: take a limit


def test_series_and_limit_take_names_and_refuse_bad_orders():
    cf = ClosedForm(1 / (sympy.exp(a) - 1))
    # 1/(e^a - 1) = 1/a - 1/2 + a/12 + O(a^3): the Laurent series to O(a^2), by name
    assert sympy.simplify(cf.series("a", 0, 2).expr - (1 / a - sympy.Rational(1, 2) + a / 12)) == 0
    assert cf.limit("a", sympy.oo).expr == 0
    for call in (lambda: cf.series(a, 0, 10**6), lambda: cf.series(a, 0, -1), lambda: cf.series("z"),
                 lambda: cf.limit(None, 0), lambda: cf.limit(a, 0, "up"), lambda: cf.map(5),
                 lambda: cf.latex(foo=1), lambda: cf.lambdify(mp_dps=10**9), lambda: cf.evaluate(a=1, dps=10**9)):
        with pytest.raises(InvalidParameterError):
            call()


def test_undefined_functions_are_refused_at_lambdify_time():
    """An undefined g(a) has no numbers: lambdify says so (it used to give a NameError at call time)."""
    g = sympy.Function("g")
    cf = ClosedForm(g(a) * b)
    with pytest.raises(InvalidParameterError, match=r"undefined function.*g\(a\)"):
        cf.lambdify()
    f = cf.subs({g: sympy.Lambda(x, x**2)}).lambdify([a, b])
    assert f(3.0, 2.0) == 18.0


def test_mpmath_function_private_precision():
    """MPMathFunction computes in its own context at the requested digits; the global precision is untouched."""
    import mpmath

    from symness.closedform import MPMathFunction

    f = MPMathFunction([a], sympy.exp(a) * (1 + sympy.exp(-a)) - sympy.exp(a))  # exactly 1; cancels in float
    before = mpmath.mp.dps
    assert f(400, 800.0) == 1 and f(15, 800.0) == 0
    assert mpmath.mp.dps == before
