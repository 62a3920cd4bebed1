r"""Two-spin tilted Ising model: exact zeroth-order NESS, first order, currents (Sect. IV B, App. B).

Paper: weak_coupling, eqs. (99)--(114), (B17)--(B33), Fig. 4.

Everything here is *derived* by :class:`~symness.hierarchy.symbolic.SymbolicHierarchy`
from the model :func:`symness.models.tilted_ising` (``n = 2``) with every parameter
symbolic -- :math:`\theta`, :math:`t_{L,R} = \tanh(h/T_{L,R})`, :math:`c_{L,R}`,
:math:`d_{L,R}`, :math:`h` -- nothing is typed in from the paper.  The local state is
parametrised as in eqs. (100), (103): :math:`t_l = -\langle\sigma^z_l\rangle`,
:math:`g = (\langle\sigma^z_1\sigma^z_2\rangle - t_1t_2)/4`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from ..closedform import ClosedForm
from ..errors import InvalidParameterError, NonUniqueSteadyStateError
from ..models.tilted_ising import SYMBOLS, c_L, c_R, d_L, d_R, h, theta, tilted_ising
from ..validation import check_nonnegative, check_temperature, is_symbolic
from .pauli import PauliOp, pauli_of_terms
from .ratvec import RVec
from .symbolic import SymbolicHierarchy

__all__ = ["tilted_ising_two_spin", "zeroth_order_form", "small_bias_form", "two_spin_hierarchy",
           "current_forms", "first_order_coefficients", "second_order_coefficients", "t_L", "t_R"]

t_L, t_R = sympy.symbols("t_L t_R")
_cL, _cR, _dL, _dR, _theta = c_L, c_R, d_L, d_R, theta  # module symbols (shadowed by arguments below)
_K = sympy.Symbol("K")
_C = sympy.Symbol("C_theta")
_S = sympy.Symbol("S_theta")

_SYMS = {theta: SYMBOLS[theta], t_L: "tanh(h/T_L), eq. (100)", t_R: "tanh(h/T_R)",
         c_L: SYMBOLS[c_L], c_R: SYMBOLS[c_R], d_L: SYMBOLS[d_L], d_R: SYMBOLS[d_R], h: SYMBOLS[h]}
_PAPER = "weak_coupling"
_CONV = ("hbar = k_B = 1; t_l = tanh(beta_l h) = -<sigma^z_l>; baths gamma(w) = c[1 + tanh(w/2T)], "
         "gamma(0) = d (Phi~(w) = gamma(-w)); H0 = h(sigma^z_1 + sigma^z_2), field along z (eq. 105)")


@lru_cache(maxsize=1)
def two_spin_hierarchy() -> SymbolicHierarchy:
    """The symbolic hierarchy of ``tilted_ising(2)`` with every parameter symbolic (cached)."""
    return SymbolicHierarchy(tilted_ising(2))


def _homogenize(expr: sympy.Expr) -> sympy.Expr:
    r"""Rewrite a rational function of :math:`C = \cos\theta` using :math:`C^2 + S^2 = 1`, for display.

    Every factor of the numerator and the denominator that is even in :math:`C` is written as a
    polynomial :math:`q(u)`, :math:`u = C^2`, factored, and each factor made homogeneous with
    powers of :math:`C^2 + S^2 = 1`; :math:`C, S` become :math:`\cos\theta, \sin\theta`.
    """
    u, s2 = sympy.symbols("u s2")
    num, den = sympy.fraction(sympy.cancel(expr))

    def hom_even(q: sympy.Expr) -> sympy.Expr:
        """q(u) -> factored, each factor homogeneous in (u, s2) with u + s2 = 1."""
        qc, qf = sympy.factor_list(q)
        out = qc
        for g, j in qf:
            if u not in g.free_symbols:
                out *= g**j
                continue
            gp = sympy.Poly(g, u)
            deg = gp.degree()
            hg = sum((c * u**m[0] * (u + s2) ** (deg - m[0]) for m, c in gp.terms()), sympy.S.Zero)
            out *= sympy.factor(sympy.expand(hg)) ** j
        return out

    def hom(p: sympy.Expr) -> sympy.Expr:
        poly = sympy.Poly(sympy.expand(p), _C)
        if any(m[0] % 2 for m in poly.monoms()):
            return sympy.factor(p)
        q = sum((c * u ** (m[0] // 2) for m, c in poly.terms()), sympy.S.Zero)
        return hom_even(q).xreplace({u: _C**2, s2: _S**2})
    res = hom(num) / hom(den)
    return _group_t(res.xreplace({_C: sympy.cos(theta), _S: sympy.sin(theta)}))


def _group_t(expr: sympy.Expr) -> sympy.Expr:
    r"""Group every sum as a polynomial in the bath/angle parameters with factored coefficients in :math:`t_{L,R}`.

    E.g. :math:`4c_Lc_Rt_L^3C^4 - 8c_Lc_Rt_L^2t_RC^4 + 4c_Lc_Rt_Lt_R^2C^4` becomes
    :math:`4c_Lc_Rt_L(t_L - t_R)^2C^4`.  The expression is unchanged; numerically, the
    difference :math:`t_L - t_R` is formed once (exactly, for close values) instead of being
    left to cancellation between large terms (catastrophic at :math:`t_L pprox t_R` and small
    :math:`	heta`, where the remaining terms are :math:`O(\sin^4	heta)`).
    """
    gens = [c_L, c_R, d_L, d_R, sympy.sin(theta), sympy.cos(theta)]

    def one(f: sympy.Expr) -> sympy.Expr:
        base, e = f.as_base_exp()
        if not (isinstance(base, sympy.Add) and base.free_symbols & {t_L, t_R}):
            return f
        terms = sympy.Poly(base, *gens).terms()
        grouped = sympy.Add(*[sympy.factor(c) * sympy.Mul(*[g**k for g, k in zip(gens, m)])
                              for m, c in terms])
        return grouped**e
    num, den = sympy.fraction(expr)
    return sympy.Mul(*[one(f) for f in sympy.Mul.make_args(num)]) / sympy.Mul(
        *[one(f) for f in sympy.Mul.make_args(den)])


@lru_cache(maxsize=1)
def _zeroth_exprs() -> dict[str, sympy.Expr]:
    """t1, t2, g (and the rho^A coefficient) in the rational-function field, as SymPy."""
    sh = two_spin_hierarchy()
    F = sh.K.field
    coeff = {P: F(num) / F(den) for P, (num, den) in sh.rational_coefficients(0).items()}
    zero = F.zero
    lab = {"zI": (3, 0), "Iz": (0, 3), "zz": (3, 3), "xx": (1, 1)}
    get = {k: coeff.get(v, zero) for k, v in lab.items()}
    t1, t2 = -4 * get["zI"], -4 * get["Iz"]
    g = (4 * get["zz"] - t1 * t2) / 4
    return {"t1": t1.as_expr(), "t2": t2.as_expr(), "g": g.as_expr(), "rhoA": get["xx"].as_expr()}


def zeroth_order_form() -> ClosedForm:
    r"""Exact :math:`t_1, t_2, g` of the two-spin zeroth-order NESS (solution of eqs. B23--B25 as derived).

    Derived from eqs. (45)--(47) for ``tilted_ising(2)``; unequal baths included.  Symbols:
    :math:`\theta`, :math:`t_{L,R} = \tanh(h/T_{L,R})`, :math:`c_{L,R}`, :math:`d_{L,R}`.
    """
    ex = _zeroth_exprs()
    exprs = {k: _homogenize(ex[k]) for k in ("t1", "t2", "g")}
    return ClosedForm(exprs, _SYMS, name="", paper=_PAPER, equation="(103), (B23)-(B25)",
                      assumptions=["lambda -> 0 (zeroth order)", "0 < theta < pi (sin theta != 0)",
                                   "c_L + c_R > 0"],
                      conventions=_CONV,
                      description="Zeroth-order two-spin NESS of the tilted Ising model: local "
                                  "$t_l = \\tanh(\\beta_l h)$ and the $\\sigma^{zz}$ correlation $g$ of "
                                  "eq. (103), exact for unequal baths.")


_D = sympy.Symbol("D")  # t_L - t_R, evaluated separately (stable)


@lru_cache(maxsize=1)
def _lambdified() -> Any:
    r"""Numeric pieces of the zeroth order, written for full relative accuracy.

    With :math:`D = t_L - t_R` as an argument of its own, the grouped form (:func:`_group_t`)
    is :math:`t_l = (W_{lL} t_L + W_{lR} t_R)/N` with weights :math:`W \ge 0` and
    :math:`N = W_{lL} + W_{lR}` depending on :math:`D` only -- a weighted mean of the bath
    values (checked here).  Hence :math:`1 - t_l` is the same mean of :math:`u_lpha = 1 - t_lpha`,
    which keeps the local temperatures accurate when :math:`t_l 	o 1` (low temperature).
    Returns ``(args, weights, g)``: ``weights[l] = (W_lL, W_lR, N)`` and ``g`` as numpy functions
    of ``args = [C, S, t_L, t_R, D, c_L, c_R, d_L, d_R]``.
    """
    form = zeroth_order_form()
    trig = {sympy.cos(theta): _C, sympy.sin(theta): _S}
    args = [_C, _S, t_L, t_R, _D, c_L, c_R, d_L, d_R]
    weights = {}
    for k in ("t1", "t2"):
        num, den = sympy.fraction(form.expr[k].xreplace(trig).xreplace({t_L - t_R: _D}))
        wl, wr = sympy.diff(num, t_L), sympy.diff(num, t_R)
        if (sympy.expand(num - wl * t_L - wr * t_R) != 0 or sympy.expand(wl + wr - den) != 0
                or (wl.free_symbols | wr.free_symbols) & {t_L, t_R}):
            raise AssertionError(f"{k} is not a weighted mean of t_L, t_R")
        weights[k] = tuple(sympy.lambdify(args, e, "numpy") for e in (wl, wr, den))
    g = form.expr["g"].xreplace(trig).xreplace({t_L - t_R: _D})
    if g.free_symbols & {t_L, t_R}:
        raise AssertionError("g depends on t_L, t_R other than through t_L - t_R")
    return args, weights, sympy.lambdify(args, g, "numpy")


def _tanh_parts(y: float) -> tuple[float, float, float]:
    """``(tanh y, 1 - tanh y, log(1 - tanh y))`` for ``y >= 0`` (``inf`` allowed), without cancellation."""
    if y == np.inf:
        return 1.0, 0.0, -np.inf
    e = np.exp(-2.0 * y)
    return float(np.tanh(y)), float(2.0 * e / (1.0 + e)), float(np.log(2.0) - 2.0 * y - np.log1p(e))


def _tanh_difference(yl: float, yr: float, delta: float) -> float:
    r""":math:`\tanh y_L - \tanh y_R` for :math:`|y_L - y_R| = |\delta| \le 1` to full relative accuracy.

    ``delta`` is :math:`y_L - y_R` computed without cancellation by the caller.
    """
    # sinh(y_L - y_R) / (cosh y_L cosh y_R), sech y = 2 e^{-y} / (1 + e^{-2y})
    sech = [2.0 * np.exp(-y) / (1.0 + np.exp(-2.0 * y)) for y in (yl, yr)]
    return float(np.sinh(delta) * sech[0] * sech[1])


def tilted_ising_two_spin(theta: Any, T_L: Any, T_R: Any, h: Any = 1, c_L: Any = 1, c_R: Any = 1,
                          d_L: Any = 1, d_R: Any = 1) -> dict[str, Any]:
    r"""Exact zeroth-order NESS of the two-spin tilted Ising model (eqs. 103, B23--B25).

    Parameters
    ----------
    theta
        Tilt of the Ising axis from the field (radians), eq. (104).
    T_L, T_R
        Bath temperatures (energy units, :math:`k_B = 1`), ``>= 0``.
    h
        Field (energy unit), ``!= 0``.
    c_L, c_R, d_L, d_R
        Bath parameters of eqs. (B32)--(B33) (``>= 0``): the canonical rate of bath
        :math:`\alpha` is :math:`\gamma(\omega) = c_\alpha[1+\tanh(\omega/2T_\alpha)]`,
        :math:`\gamma(0) = d_\alpha`.

    Returns
    -------
    dict
        ``"t1"``, ``"t2"``: :math:`t_l = \tanh(\beta_l h) = -\langle\sigma^z_l\rangle` (eq. 100);
        ``"g"``: the :math:`\sigma^{zz}` coefficient of eq. (103),
        :math:`g = (\langle\sigma^z_1\sigma^z_2\rangle - t_1t_2)/4`; ``"T1"``, ``"T2"``: local
        temperatures :math:`h/\operatorname{artanh}t_l`.  SymPy expressions when any argument
        is symbolic, floats otherwise.

    Raises
    ------
    NonUniqueSteadyStateError
        When the zeroth order is not unique (e.g. :math:`\sin\theta = 0` or :math:`c_L = c_R = 0`).

    Notes
    -----
    Paper: weak_coupling, eqs. (100), (103), (B23)--(B25); derived by the hierarchy, not
    transcribed.  For :math:`c_L = c_R`, :math:`d_L = d_R` it reduces to the K form of eqs.
    (111)--(114) (:func:`small_bias_form`).
    """
    args = (theta, T_L, T_R, h, c_L, c_R, d_L, d_R)
    check_temperature(T_L, "T_L")
    check_temperature(T_R, "T_R")
    for v, nm in ((c_L, "c_L"), (c_R, "c_R"), (d_L, "d_L"), (d_R, "d_R")):
        check_nonnegative(v, nm)
    if is_symbolic(*args):
        hh = sympy.sympify(h)
        sub = {t_L: sympy.tanh(hh / sympy.sympify(T_L)), t_R: sympy.tanh(hh / sympy.sympify(T_R)),
               _cL: c_L, _cR: c_R, _dL: d_L, _dR: d_R}
        form = zeroth_order_form()
        out = {k: form.expr[k].subs({_theta: theta}).subs(sub) for k in ("t1", "t2", "g")}
        out["T1"] = hh / sympy.atanh(out["t1"])
        out["T2"] = hh / sympy.atanh(out["t2"])
        return out
    for v, nm in ((theta, "theta"), (h, "h"), (T_L, "T_L"), (T_R, "T_R"), (c_L, "c_L"), (c_R, "c_R"),
                  (d_L, "d_L"), (d_R, "d_R")):
        try:
            z = complex(v) if not isinstance(v, (bool, np.bool_, str, bytes)) else complex("nan")
        except (TypeError, ValueError):
            z = complex("nan")
        if not np.isfinite(z) or z.imag != 0:
            raise InvalidParameterError(f"{nm} = {v!r} must be a finite real number.")
    hf = float(h)
    if hf == 0:
        raise InvalidParameterError("h = 0: the hierarchy needs a non-zero field h (H0 = h sum sigma^z).")
    with np.errstate(divide="ignore"):
        tl = float(np.tanh(hf / float(T_L))) if float(T_L) > 0 else float(np.sign(hf))
        tr = float(np.tanh(hf / float(T_R))) if float(T_R) > 0 else float(np.sign(hf))
    th = float(theta)
    if abs(np.sin(th)) < 1e-12 or float(c_L) + float(c_R) == 0:
        raise NonUniqueSteadyStateError(
            f"the zeroth-order two-spin state is not unique at theta = {theta}, c_L + c_R = "
            f"{float(c_L) + float(c_R)}: with sin(theta) = 0 the couplings commute with H0, and with "
            "c_L = c_R = 0 no bath flips a spin, so eq. (47) leaves the populations free (the closed form "
            "then gives the theta -> 0 limit only). Choose 0 < theta < pi and c_L + c_R > 0.",
            reason="degenerate P1 L2 P1")
    # stable pieces: y = |h|/T >= 0 (the zeroth order is odd in h for t1, t2 and even for g)
    sgn = 1.0 if hf > 0 else -1.0
    with np.errstate(divide="ignore"):
        yl = abs(hf) / float(T_L) if float(T_L) > 0 else np.inf
        yr = abs(hf) / float(T_R) if float(T_R) > 0 else np.inf
    (tl, ul, lul), (tr, ur, lur) = _tanh_parts(yl), _tanh_parts(yr)
    if float(T_L) > 0 and float(T_R) > 0:
        # D = t_L - t_R with the exact T_R - T_L: y_L - y_R = |h| (T_R - T_L) / (T_L T_R)
        # (formed as y_L (T_R - T_L)/T_R: the product T_L T_R may underflow)
        with np.errstate(over="ignore", invalid="ignore"):
            yl_minus_yr = yl * ((float(T_R) - float(T_L)) / float(T_R)) if T_L != T_R else 0.0
        # |y_L - y_R| > 1: u_R / u_L >= 4 or <= 1/4, so u_R - u_L has no cancellation
        D = _tanh_difference(yl, yr, yl_minus_yr) if abs(yl_minus_yr) <= 1.0 else ur - ul
    else:
        D = ur - ul
    vals = [np.cos(th), np.sin(th), tl, tr, D, float(c_L), float(c_R), float(d_L), float(d_R)]
    _, weights, gfun = _lambdified()
    out: dict[str, Any] = {}
    temps = {}
    for k, (fl, fr, fn) in weights.items():
        wl, wr, den = float(fl(*vals)), float(fr(*vals)), float(fn(*vals))
        if not den > 0:
            raise NonUniqueSteadyStateError(
                f"the zeroth-order two-spin state is not unique at theta = {theta}, c_L = {c_L}, c_R = {c_R}: "
                "eq. (47) has a degenerate kernel (sin theta = 0 decouples the baths from the spin flips, "
                "or c_L = c_R = 0). Choose 0 < theta < pi and c_L + c_R > 0.", reason="degenerate P1 L2 P1")
        t = (wl * tl + wr * tr) / den
        u = (wl * ul + wr * ur) / den            # 1 - t, as accurate as u_L, u_R
        out[k] = sgn * t
        # artanh t = (log(1 + t) - log(1 - t))/2, log(1 - t) in log space (no underflow)
        with np.errstate(divide="ignore"):
            if u > 0.5:
                logu = float(np.log1p(-t))
            else:
                parts = [np.log(w) + lu for w, lu in ((wl, lul), (wr, lur)) if w > 0]
                logu = float(np.logaddexp.reduce(parts)) - float(np.log(den)) if parts else -np.inf
            at = 0.5 * (float(np.log1p(t)) - logu)
        temps[k] = abs(hf) / at if at > 0 else np.inf
    out["g"] = float(gfun(*vals))
    out["T1"] = temps["t1"]
    out["T2"] = temps["t2"]
    return out


@lru_cache(maxsize=1)
def small_bias_form() -> ClosedForm:
    r"""The K form of eqs. (111)--(114), *derived*: the exact solution for identical bath parameters.

    Setting :math:`c_L = c_R = c`, :math:`d_L = d_R = d` in the exact zeroth order, the code
    derives :math:`t_1 + t_2 = t_L + t_R`, defines :math:`K = (t_1 - t_2)/(t_L - t_R)` and checks
    :math:`g = -K(1-K)(t_L-t_R)^2/16`; all three identities are verified symbolically here.
    With unequal baths the paper uses :math:`c = (c_L+c_R)/2`, :math:`d = (d_L+d_R)/2`
    (eqs. B30--B31): then the form is an approximation (see ``docs/hierarchy.md``).
    """
    c, d = sympy.symbols("c d", nonnegative=True)
    ex = _zeroth_exprs()
    eq = {c_L: c, c_R: c, d_L: d, d_R: d}
    t1, t2, g = (sympy.cancel(ex[k].subs(eq)) for k in ("t1", "t2", "g"))
    if sympy.cancel(t1 + t2 - t_L - t_R) != 0:
        raise AssertionError("derived t1 + t2 != t_L + t_R for identical baths")
    K = sympy.factor(sympy.cancel((t1 - t2) / (t_L - t_R)))
    if sympy.cancel(g + K * (1 - K) * (t_L - t_R) ** 2 / 16) != 0:
        raise AssertionError("derived g != -K(1-K)(t_L-t_R)^2/16")
    Kh = _homogenize(K)
    exprs = {"t1": (t_L + t_R) / 2 + _K / 2 * (t_L - t_R), "t2": (t_L + t_R) / 2 - _K / 2 * (t_L - t_R),
             "g": -_K * (1 - _K) / 16 * (t_L - t_R) ** 2, "K": Kh}
    syms = {theta: SYMBOLS[theta], t_L: _SYMS[t_L], t_R: _SYMS[t_R],
            c: "bath parameter c = (c_L + c_R)/2, eq. (B30)", d: "d = (d_L + d_R)/2, eq. (B31)",
            _K: "K of eq. (114), 0 <= K <= 1"}
    return ClosedForm(exprs, syms, paper=_PAPER, equation="(111)-(114), (B26)-(B31)",
                      assumptions=["lambda -> 0", "c_L = c_R = c, d_L = d_R = d (exact then); otherwise an "
                                   "approximation with averaged c, d"],
                      conventions=_CONV,
                      description="Two-spin zeroth order in the form of eqs. (111)-(114), derived from the "
                                  "exact solution with identical bath parameters.")


def _hermitian_part(op: PauliOp) -> PauliOp:
    return (op + op.dagger()).scale(sympy.Rational(1, 2))


@lru_cache(maxsize=1)
def _current_operators() -> dict[str, dict[int, PauliOp]]:
    """Pauli forms of the current operators of ``tilted_ising(2)``, order by order in lambda.

    Heat current from bath a: D_a^dag(H) (eq. 7 adjoint) with H = H0 + lambda H1; bond current
    i[H_cross, H_right]; by stationarity the bond current also equals -<D_R^dag(H_right)>.
    """
    sh = two_spin_hierarchy()
    om = sh.ordered
    n = 2
    conv = sh.rw
    H = {k: pauli_of_terms([t.__class__(conv(t.coeff), t.factors) for t in ts], n, lambda e: e,
                           sympy.S.Zero) for k, ts in om.hamiltonian.items()}
    out: dict[str, dict[int, PauliOp]] = {}
    for name, k, ts, bath in om.couplings:
        X = pauli_of_terms([t.__class__(conv(t.coeff), t.factors) for t in ts], n, lambda e: e, sympy.S.Zero)
        S = sh._bohr_filter(X, bath)
        ops = {}
        for j, A in H.items():
            Dd = (X * A - A * X) * S + S.dagger() * (A * X - X * A)
            ops[2 * k + j] = _hermitian_part(Dd)
        out[name] = ops
    # bond: H_right = site-2 terms
    right = {k: [t for t in ts if min(s for s, _ in t.factors) > 1] for k, ts in om.hamiltonian.items()}
    cross = {k: [t for t in ts if min(s for s, _ in t.factors) <= 1 < max(s for s, _ in t.factors)]
             for k, ts in om.hamiltonian.items()}
    bond: dict[int, PauliOp] = {}
    for a, ta in cross.items():
        if not ta:
            continue
        A = pauli_of_terms([t.__class__(conv(t.coeff), t.factors) for t in ta], n, lambda e: e, sympy.S.Zero)
        for b, tb in right.items():
            if not tb:
                continue
            B = pauli_of_terms([t.__class__(conv(t.coeff), t.factors) for t in tb], n, lambda e: e,
                               sympy.S.Zero)
            O = (A * B - B * A).scale(0, 1)
            bond[a + b] = bond[a + b] + O if a + b in bond else O
    out["bond"] = bond
    # bond via stationarity: -D_R^dag(H_right)
    name, k, ts, bath = om.couplings[1]
    X = pauli_of_terms([t.__class__(conv(t.coeff), t.factors) for t in ts], n, lambda e: e, sympy.S.Zero)
    S = sh._bohr_filter(X, bath)
    stat: dict[int, PauliOp] = {}
    for j, tb in right.items():
        if not tb:
            continue
        A = pauli_of_terms([t.__class__(conv(t.coeff), t.factors) for t in tb], n, lambda e: e, sympy.S.Zero)
        Dd = (X * A - A * X) * S + S.dagger() * (A * X - X * A)
        stat[2 * k + j] = _hermitian_part(Dd).scale(-1)
    out["bond (stationarity)"] = stat
    return out


def _series(ops: dict[int, PauliOp], power: int, restore: bool = False) -> sympy.Expr:
    """Coefficient of lambda**power of <O(lambda)> using the symbolic rho_m (summed in python-flint).

    ``restore`` writes ``C_theta`` as ``cos(theta)`` (built directly, no substitution afterwards).
    """
    sh = two_spin_hierarchy()
    total = RVec.zero(1, sh.ring)
    for k, op in ops.items():
        m = power - k
        if m < 0:
            continue
        total = total + sh.expectation_vector(sh.scaled(op), m)
    return sh.fraction_expr(*total.entry_factored(0), restore=restore)


def current_forms(orders: tuple[int, ...] = (2,)) -> ClosedForm:
    r"""Closed-form current coefficients :math:`J = \sum_k j_k\lambda^k` of the two-spin model.

    Keys ``"J_L^(k)"``, ``"J_R^(k)"`` (heat current from each bath into the system) and
    ``"J_12^(k)"`` (energy current from spin 1 to spin 2 across the bond) for each requested
    power ``k``.  The leading power is 2 (the :math:`\lambda^0, \lambda^1` coefficients vanish
    identically, which the derivation checks); ``k = 3`` needs :math:`\rho_1` (about 1 s).
    The bond current at ``k`` uses the stationarity identity
    :math:`J_{12} = -\langle\mathcal D_R^\dagger(H_{>1})\rangle`, which needs only
    :math:`\rho_{k-2}`; the direct :math:`\langle i[H_\times, H_{>1}]\rangle` is used in the tests.
    """
    try:
        orders = tuple(orders)
    except TypeError:
        raise InvalidParameterError(
            f"orders = {orders!r}: pass a tuple of powers of lambda, e.g. (2,) or (2, 3).") from None
    if not orders or any(isinstance(k, bool) or not isinstance(k, (int, np.integer))
                         or not 0 <= k <= 3 for k in orders):
        raise InvalidParameterError(
            f"orders = {orders!r}: pass a non-empty tuple of powers k in 0..3 (k = 0, 1 vanish; "
            "higher orders are not implemented: for numbers from rho_2 use "
            "two_spin_hierarchy().evaluate(2, point)).")
    ops = _current_operators()
    exprs = {}
    for k in orders:
        for key, label in (("L", "J_L"), ("R", "J_R"), ("bond (stationarity)", "J_12")):
            exprs[f"{label}^({k})"] = _homogenize(_series(ops[key], k)) if k == 2 else _series(ops[key], k, True)
    syms = dict(_SYMS)
    return ClosedForm(exprs, syms, paper=_PAPER, equation="(16), (45)-(67)",
                      assumptions=["coefficient of lambda^k of the current in the NESS of "
                                   "L0 + lambda L1 + lambda^2 L2"],
                      conventions=_CONV + "; currents = energy per unit time into the system (baths) or "
                                          "from spin 1 to spin 2 (bond)",
                      description="Heat currents from each bath and the bond energy current of the two-spin "
                                  "tilted Ising model, order by order in lambda.")


def first_order_coefficients(tanh: bool = False) -> dict[str, sympy.Expr]:
    r"""Pauli coefficients of :math:`\rho_1` (two spins, every parameter symbolic), ``{'xz': expr}``.

    :math:`\rho_1 = \sum_P r_P\sigma^P` (eqs. 64--67).  ``tanh=True`` writes :math:`t_{L,R}` as
    :math:`\tanh(h/T_{L,R})`.
    """
    return two_spin_hierarchy().coefficients(1, tanh=tanh)


def second_order_coefficients(tanh: bool = False) -> dict[str, sympy.Expr]:
    r"""Pauli coefficients of :math:`\rho_2` (two spins, every parameter symbolic), ``{'xz': expr}``.

    :math:`\rho_2 = \sum_P r_P\sigma^P` (eqs. 52, 55, 62--63 at :math:`m = 2`), with
    :math:`\theta, h, t_{L,R}, c_{L,R}, d_{L,R}` all symbolic: numerators of up to about
    13 000 terms over a common denominator of three irreducible factors (about 10 s to
    build as SymPy expressions).  Too large for ``sympy.lambdify``; numbers at a point come
    exactly and fast from ``two_spin_hierarchy().evaluate(2, point)``.  ``tanh`` as in
    :func:`first_order_coefficients`.
    """
    return two_spin_hierarchy().coefficients(2, tanh=tanh)
