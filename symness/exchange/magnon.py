r"""Single-magnon physics of the exchange chain, derived from the model (paper ``coldatom``).

Derivations (SymPy, from :func:`symness.models.exchange_chain`):

* :func:`one_magnon_equations` -- the one-magnon block of
  :math:`h = \sum_l \frac{\alpha_l}{2g}\boldsymbol\sigma_l\cdot\boldsymbol\sigma_{l+1}`:
  hopping :math:`\alpha_l/g` on bond :math:`l` and on-site energy
  :math:`-(\alpha_{j-1}+\alpha_j)/g` relative to the polarized state
  (:math:`\alpha_0 = \alpha_N = 0`).
* :func:`open_chain_magnons` -- its exact eigenpairs for a homogeneous *open*
  chain, :math:`\psi_k(j) \propto \cos[p_k(j-\tfrac12)]`, :math:`p_k = \pi k/N`,
  :math:`E_k - E_{\uparrow\cdots\uparrow} = -\tfrac{2\alpha}{g}(1-\cos p_k)`,
  ``k = 0..N-1`` (the paper's eq. (20) prints :math:`+\tfrac{2\alpha}{g}(1-\cos p)`
  with the periodic-chain :math:`p = 2\pi n/N`).
* :func:`one_magnon_probability` -- the closed-form :math:`\langle S^\downarrow_i(t)\rangle`
  of a homogeneous chain after one flip at :math:`i_0`.
* :func:`bessel_probability` -- the infinite-chain propagator
  :math:`c_j(t) = e^{-i\varepsilon t}(-i)^{j-i_0}J_{j-i_0}(2\alpha t/g)`, checked to solve the
  lattice Schrodinger equation, so :math:`\langle S^\downarrow_i\rangle =
  J_{|i-i_0|}(2\alpha t/g)^2` -- the paper's eq. (7) prints the argument
  :math:`J_0 t` instead of :math:`2J_0 t`.
* :func:`manifold_average` -- the manifold-resolved observable of eq. (17),
  :math:`\sum_A P_A f(\alpha_A t)`, against the effective-Hamiltonian value
  :math:`f(\alpha(T)t)` of eq. (18).

Units: :math:`\hbar = 1`; ``alpha`` and ``g`` as symbols (energies
:math:`\alpha/g`), numerics in :math:`J_0 = \alpha_1/g`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import scipy.linalg as la
import sympy

from ..closedform import ClosedForm
from ..errors import InvalidParameterError
from ..models.exchange_chain import exchange_chain
from ..spins import Sector
from .alpha import check_particle_number, ground_energy
from .chain import sector_operator
from .closed_chain import chain_for
from .manifolds import energy_distribution

__all__ = [
    "alpha", "g", "t", "J_sym", "PSI_K",
    "one_magnon_equations",
    "open_chain_magnons",
    "one_magnon_probability",
    "bessel_probability",
    "bessel_residual",
    "short_time_coefficient",
    "one_magnon_matrix",
    "manifold_average",
]

alpha = sympy.Symbol("alpha", positive=True)
g = sympy.Symbol("g", positive=True)
t = sympy.Symbol("t", real=True)
J_sym = sympy.Symbol("J", positive=True)  # alpha/g
#: key of the eigenvector in :func:`open_chain_magnons`
PSI_K = r"\psi_k(j)"
_SYMS = {alpha: "exchange coefficient (energy x length; homogeneous chain)",
         g: "interaction strength", t: "time (hbar = 1)"}


@lru_cache(maxsize=4)
def one_magnon_equations(n: int = 5) -> ClosedForm:
    r"""The one-magnon block of the model, :math:`\langle j|h - E_\uparrow|j'\rangle`, symbolic.

    Built from ``exchange_chain(n).hamiltonian("sympy")`` restricted to the
    sector with one down spin (basis :math:`|j\rangle`: down spin at site
    ``j``; ordered ``j = 1..n``), minus the polarized-state energy
    :math:`E_\uparrow = \sum_l \alpha_l/(2g)`.  Checked on return: hopping
    :math:`\alpha_j/g` between ``j, j+1``, diagonal :math:`-(\alpha_{j-1}+\alpha_j)/g`.
    """
    model = exchange_chain(n)
    H = model.hamiltonian("sympy")
    sec = Sector(n, n - 1)
    block = sec.restrict(H)
    # Sector basis is by increasing index: down at site n first; reorder to j = 1..n
    order = [int(np.nonzero(sec.basis == (1 << (n - j)))[0][0]) for j in range(1, n + 1)]
    block = block.extract(order, order)
    E_up = H[0, 0]
    M = (block - E_up * sympy.eye(n)).applyfunc(sympy.cancel)
    a = (0, *model.alphas, 0)
    gg = model.g
    for j in range(1, n + 1):
        assert sympy.cancel(M[j - 1, j - 1] + (a[j - 1] + a[j]) / gg) == 0
        if j < n:
            assert sympy.cancel(M[j - 1, j] - a[j] / gg) == 0
    syms = {s: f"exchange coefficient of bond {l}" for l, s in enumerate(model.alphas, 1)}
    syms[gg] = "interaction strength"
    return ClosedForm(M, syms, name=r"\langle j|h-E_{\uparrow}|j'\rangle", paper="coldatom",
                      equation="(3)", conventions="hbar = 1; basis state j = the down spin at site j",
                      description="One-magnon block of the effective chain, measured from the "
                                  "polarized state.")


@lru_cache(maxsize=1)
def open_chain_magnons() -> ClosedForm:
    r"""Eigenpairs of the homogeneous open chain's one-magnon block (derived and verified).

    With hopping :math:`J = \alpha/g` and diagonal :math:`-2J` (bulk), :math:`-J` (edges)
    from :func:`one_magnon_equations`: the bulk equation holds for
    :math:`\psi(j) = \cos[p(j-\tfrac12)]` with :math:`E = -2J(1-\cos p)` for any
    :math:`p`; the left edge fixes the phase :math:`\tfrac12`; the right edge needs
    :math:`\sin pN = 0`, :math:`p_k = \pi k/N`, ``k = 0..N-1``.
    """
    eqs = one_magnon_equations(5).expr
    a1 = exchange_chain(5).alphas
    gg = exchange_chain(5).g
    hom = {s: alpha for s in a1}
    hom[gg] = g
    Mh = eqs.subs(hom)
    Jv = alpha / g
    assert sympy.cancel(Mh[0, 1] - Jv) == 0 and sympy.cancel(Mh[2, 2] + 2 * Jv) == 0
    assert sympy.cancel(Mh[0, 0] + Jv) == 0
    p, jj = sympy.symbols("p j", real=True)
    N = sympy.Symbol("N", integer=True, positive=True)
    k = sympy.Symbol("k", integer=True, nonnegative=True)
    psi = sympy.Lambda(jj, sympy.cos(p * (jj - sympy.Rational(1, 2))))
    E = -2 * Jv * (1 - sympy.cos(p))
    bulk = Jv * (psi(jj - 1) + psi(jj + 1)) - 2 * Jv * psi(jj) - E * psi(jj)
    left = Jv * psi(2) - Jv * psi(1) - E * psi(1)
    # right edge: J psi(N-1) - J psi(N) - E psi(N) = J [psi(N+1) - psi(N)] by the bulk relation
    right = (psi(N + 1) - psi(N)).subs(p, sympy.pi * k / N)
    q = sympy.Symbol("q", real=True)  # p = 2q turns the half angles into multiples of q
    for r in (bulk, left, right):
        assert sympy.simplify(sympy.expand_trig(sympy.expand(r.subs(p, 2 * q)))) == 0
    pk = sympy.pi * k / N
    norm = sympy.sqrt((2 - sympy.KroneckerDelta(k, 0)) / N)
    # E_k = -2J(1 - cos p_k) printed as -4J sin^2(p_k/2): the same value, without the
    # cancellation of 1 - cos p_k for k << N (relative error ~1e-16 N^2/k^2 otherwise)
    E_k = -4 * Jv * sympy.sin(pk / 2) ** 2
    assert sympy.simplify(sympy.expand_trig(E.subs(p, 2 * q) - E_k.subs(pk / 2, q))) == 0
    return ClosedForm(
        {"E_k": E_k, PSI_K: norm * sympy.cos(pk * (jj - sympy.Rational(1, 2)))},
        {alpha: "exchange coefficient", g: "interaction strength", N: "number of sites",
         k: "magnon index 0..N-1", jj: "site 1..N"},
        name="", paper="coldatom", equation="(20)",
        assumptions=["homogeneous open chain (alpha_l = alpha)", "one flipped spin"],
        conventions="hbar = 1; E_k measured from the polarized state; p_k = pi k / N",
        description="One-magnon eigenvalues and normalized eigenvectors of the open XXX chain "
                    "h = alpha/(2g) sum sigma.sigma.")


#: Longest chain of the symbolic one-magnon probability (N^2 SymPy terms per site).
MAX_SYMBOLIC_SITES = 40


def _check_site(i: Any, N: int, name: str) -> None:
    if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) or not 1 <= i <= N:
        raise InvalidParameterError(f"{name} = {i!r} must be a site in 1..{N} (1-based integer).")


def one_magnon_probability(N: int, i0: int) -> ClosedForm:
    r"""Closed form :math:`\langle S^\downarrow_i(t)\rangle`, ``i = 1..N``, homogeneous open chain.

    :math:`|\sum_k \psi_k(i)\psi_k(i_0)e^{-iE_kt}|^2` from :func:`open_chain_magnons`
    (exact for any ``t``; symbols ``alpha``, ``g``, ``t``).  A mapping with keys ``"1".."N"``.
    """
    N = check_particle_number(N)
    if N > MAX_SYMBOLIC_SITES:
        raise InvalidParameterError(
            f"N = {N}: the symbolic one-magnon probability has N^2 terms per site; it is limited to "
            f"N <= {MAX_SYMBOLIC_SITES}. Use one_magnon_matrix (numeric) for longer chains.")
    _check_site(i0, N, "i0")
    eig = open_chain_magnons()
    syms = {s.name: s for s in eig.free_symbols}
    kS, NS, jS = syms["k"], syms["N"], syms["j"]
    out = {}
    for i in range(1, N + 1):
        re = sympy.Integer(0)
        im = sympy.Integer(0)
        for kk in range(N):
            vals = {kS: kk, NS: N}
            w = eig.expr[PSI_K].subs(vals).subs(jS, i) * eig.expr[PSI_K].subs(vals).subs(jS, i0)
            if abs(float(w)) < 1e-14:  # exact zeros (nodes of cos) only: |w| >= sin^2(pi/2N)/N otherwise
                continue
            Ek = eig.expr["E_k"].subs(vals)
            re += w * sympy.cos(Ek * t)
            im -= w * sympy.sin(Ek * t)
        out[str(i)] = re**2 + im**2
    return ClosedForm(out, _SYMS, name=r"\langle S^{\downarrow}\rangle", paper="coldatom",
                      equation="(6)", assumptions=[f"N = {N}, one flip at i0 = {i0}", "homogeneous chain"],
                      conventions="hbar = 1", description="Exact one-magnon dynamics of the open chain.")


@lru_cache(maxsize=1)
def bessel_residual() -> sympy.Expr:
    r"""Residual of :math:`c_m = e^{-i\varepsilon t}(-i)^m J_m(2Jt)` in the lattice equation.

    The equation is :math:`i\dot c_m = J(c_{m-1}+c_{m+1}) + \varepsilon c_m`.

    Zero (returned simplified) -- together with :math:`c_m(0) = \delta_{m0}` this is
    the infinite-chain one-magnon propagator of the model's lattice equations.
    """
    m = sympy.Symbol("m", integer=True)
    eps = sympy.Symbol("varepsilon", real=True)

    def c(mm: Any) -> Any:
        return sympy.exp(-sympy.I * eps * t) * (-sympy.I) ** mm * sympy.besselj(mm, 2 * J_sym * t)
    res = sympy.I * sympy.diff(c(m), t) - (J_sym * (c(m - 1) + c(m + 1)) + eps * c(m))
    return sympy.simplify(res)


@lru_cache(maxsize=1)
def bessel_probability() -> ClosedForm:
    r"""Short-time / infinite-chain impurity probability (the paper's eq. 7, derived).

    :math:`\langle S^\downarrow_{i}(t)\rangle = J_{|i-i_0|}(2\alpha t/g)^2`:
    the lattice equations of :func:`one_magnon_equations` in the bulk
    (hopping :math:`J = \alpha/g`, constant diagonal) are solved by
    :math:`c_m = e^{-i\varepsilon t}(-i)^m J_m(2Jt)` (:func:`bessel_residual` is 0).
    In units of :math:`J_0 = \alpha_1/g` at :math:`T = 0` the argument is
    :math:`2J_0t`; the printed eq. (7) has :math:`J_0t`.
    """
    assert bessel_residual() == 0
    eqs = one_magnon_equations(5).expr
    model = exchange_chain(5)
    hop = eqs[1, 2].subs({model.alphas[1]: alpha, model.g: g})
    d = sympy.Symbol("d", integer=True, nonnegative=True)
    return ClosedForm(sympy.besselj(d, 2 * hop * t) ** 2,
                      {d: "distance between site i and the flipped site i0", alpha: "exchange coefficient",
                       g: "interaction strength", t: "time (hbar = 1)"},
                      name=r"\langle S^{\downarrow}_{i}(t)\rangle", paper="coldatom", equation="(7)",
                      assumptions=["infinite homogeneous chain (or a finite one before the edges matter)",
                                   "one flipped spin at i0"],
                      conventions="hbar = 1; J_0 = alpha_1/g",
                      description="Impurity probability after a single spin flip (Bessel propagator).")


def short_time_coefficient(alphas: Any, i0: int, i: int) -> float:
    r"""Exact :math:`\lim_{t\to0}\langle S^\downarrow_i(t)\rangle/t^2 = |\langle i|h|i_0\rangle|^2` for a neighbour.

    For ``|i - i0| = 1`` this is :math:`(\alpha_{\rm bond}/g)^2`: the bond between
    ``i0`` and ``i`` alone sets the initial rise (so eq. (7) with :math:`\alpha(T)`
    of that bond is right to leading order; with the printed argument it is 4x too small).
    """
    M = one_magnon_matrix(alphas)
    _check_site(i0, M.shape[0], "i0")
    _check_site(i, M.shape[0], "i")
    return float(abs(M[i - 1, i0 - 1]) ** 2)


def one_magnon_matrix(alphas: Any, g_value: float = 1.0) -> np.ndarray:
    r"""Numeric one-magnon block (``j = 1..N``, down spin at ``j``) of the model, relative to :math:`E_\uparrow`.

    Assembled from the model's terms by :func:`~symness.exchange.chain.sector_operator`
    (no :math:`2^N` matrix): use for long chains.
    """
    model, vals = chain_for(alphas, g_value)
    n = model.n
    a = np.asarray(alphas, dtype=float).reshape(-1)
    B = sector_operator(model.terms, n, n - 1, vals).toarray().real
    # sector basis ascending index = down spin at site n, n-1, ..., 1
    B = B[::-1, ::-1]
    return B - (a.sum() / (2 * g_value)) * np.eye(n)


def manifold_average(N: int, x: float, i0: int, times: Any, site: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Eq. (17) vs eq. (18): the manifold-resolved and the effective one-magnon probability.

    Homogeneous chain of ``N`` sites, one flip at ``i0``.  In manifold
    :math:`A` the dynamics is that of :math:`h` with :math:`\alpha_A = 2E_A/L`,
    i.e. :math:`f(\alpha_A t)`; the canonical average
    :math:`\sum_A P_A(T) f(\alpha_A t)` (exact, over the energy distribution of
    :func:`~symness.exchange.manifolds.energy_distribution`) is returned together with the
    effective-Hamiltonian value :math:`f(\alpha(T)t)`, :math:`\alpha(T) = \sum_A P_A\alpha_A`.
    Time in units of :math:`1/J_0` (:math:`J_0 = \alpha_1/g`).
    """
    N = check_particle_number(N)
    _check_site(i0, N, "i0")
    _check_site(site, N, "site")
    try:
        tt = np.atleast_1d(np.asarray(times, dtype=float))
    except (TypeError, ValueError):
        raise InvalidParameterError(f"times = {times!r} must be real numbers (units of 1/J_0).") from None
    if not np.all(np.isfinite(tt)):
        raise InvalidParameterError("times must be finite numbers (units of 1/J_0).")
    E, _, P = energy_distribution(N, x)
    ratios = E / ground_energy(N)  # alpha_A / alpha_1
    M = one_magnon_matrix(np.ones(N - 1))
    w, V = la.eigh(M)
    amp_w = V[site - 1, :] * V[i0 - 1, :]

    def f(scaled_t: np.ndarray) -> np.ndarray:
        ph = np.exp(-1j * np.multiply.outer(scaled_t, w))
        return np.abs(ph @ amp_w) ** 2

    exact = np.zeros(tt.size)
    for r, p in zip(ratios, P):
        if p > 1e-18:
            exact += p * f(r * tt)
    eff = f(float((P * ratios).sum()) * tt)
    return exact, eff
