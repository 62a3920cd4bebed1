"""Temperature gradients (paper: weak_coupling, eqs. 2, 149-150): a gradient iff alpha_zz != 0."""

import numpy as np
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symness.baths import Bath, weak_coupling_spectrum
from symness.hierarchy import perturbative_ness
from symness.hierarchy.appendix_b import printed_forms, single_spin_dissipator
from symness.hierarchy.observables import local_t
from symness.models.base import Coupling, Model, Term

lam = sympy.Symbol("lambda", positive=True)
AX = "xyz"


def chain(alpha, u, n=3, TL=1.5, TR=0.5):
    """H = sum_l sigma^z + lam sum alpha_jk s^j_l s^k_{l+1}; baths couple u.sigma at the edges.

    The bath is a spin in the field (mean <sigma^j> = -tanh(1/T) delta_jz): mean field
    lam * (-tanh(1/T) u_z) (u . sigma), the form of the spin-spin coupling (Fig. 3).
    """
    terms = [Term.of(1, (l, "z")) for l in range(1, n + 1)]
    for l in range(1, n):
        for j in range(3):
            for k in range(3):
                if alpha[j][k]:
                    terms.append(Term.of(lam * alpha[j][k], (l, AX[j]), (l + 1, AX[k])))
    cpl = []
    for name, site, T in (("L", 1, TL), ("R", n, TR)):
        mf = -np.tanh(1 / T) * u[2]
        terms += [Term.of(lam * mf * u[k], (site, AX[k])) for k in range(3) if u[k] and mf]
        cpl.append(Coupling(name, tuple(Term.of(lam * u[k], (site, AX[k])) for k in range(3) if u[k]),
                            Bath(weak_coupling_spectrum(1.0, 1.0), T, "weak_coupling")))
    return Model("random chain", n, terms, cpl, {lam: 0.01})


sym = st.floats(-1, 1).filter(lambda x: abs(x) > 0.05)


@settings(max_examples=12, deadline=None)
@given(axx=sym, ayy=sym, axy=sym, axz=sym, ayz=sym, azz=st.floats(0.2, 1.0), ux=st.floats(0.3, 1.0),
       uz=st.floats(0.3, 1.0), zero=st.booleans())
def test_gradient_iff_alpha_zz(axx, ayy, axy, axz, ayz, azz, ux, uz, zero):
    if abs(axx + ayy) < 0.1:
        axx += 0.3
    if zero:
        azz, uz = 0.0, 0.0  # "same form" baths: alpha^z_edge = -alpha_zz t = 0 with the spin-spin term
    alpha = [[axx, axy, axz], [axy, ayy, ayz], [axz, ayz, azz]]
    t = local_t(perturbative_ness(chain(alpha, (ux, 0.0, uz)), 0)[0], 3)
    if zero:
        assert np.ptp(t) < 1e-10
    else:
        assert abs(t[-1] - t[0]) > 1e-6


def test_b13_b16_against_matrix_redfield():
    """Appendix B single-spin dissipator, derived symbolically, vs a direct matrix computation."""
    th, c, d, T, h = 0.7, 0.8, 1.3, 0.9, 1.0
    bath = Bath(weak_coupling_spectrum(c, d), T, "weak_coupling")
    sx, sy, sz = np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0])
    X = np.cos(th) * sz - np.sin(th) * sx
    E = np.array([h, -h])
    S = bath.rate(-(E[:, None] - E[None, :])) / 2 * X

    def D(r):
        a = X @ (S @ r) - (S @ r) @ X
        return -(a + a.conj().T)
    derived = single_spin_dissipator()
    syms = sympy.symbols("sigma0 sigmax sigmay sigmaz", commutative=False)
    sub = {sympy.Symbol("theta", positive=True): th, sympy.Symbol("c", nonnegative=True): c,
           sympy.Symbol("d", nonnegative=True): d, sympy.Symbol("t"): np.tanh(h / T)}
    mats = dict(zip(syms, (np.eye(2), sx, sy, sz)))
    printed = printed_forms()["_B"]
    pm = {"x": sx, "y": sy, "z": sz}
    for key, op in (("D sigma0", np.eye(2)), ("D sigmax", sx), ("D sigmay", sy), ("D sigmaz", sz)):
        expr = sympy.expand(derived[key])
        M = sum(complex(expr.coeff(s).subs(sub)) * mats[s] for s in syms)
        assert np.abs(M - D(op)).max() < 1e-13, key
        P = sum(complex(sympy.sympify(v).subs(sub)) * pm[k] for k, v in printed[key].items())
        # docs/errata.md: (B14) prints -2b(sigma_x cos - sigma_z sin); the sigma_z sign is wrong
        assert (np.abs(P - D(op)).max() < 1e-13) == (key != "D sigmax"), key
