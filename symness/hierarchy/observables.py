r"""Observables of the weak-coupling NESS: local temperatures, heat and bond energy currents, eq. (150).

Paper: weak_coupling, eqs. (100), (115), (150); Figs. 4--6.

Conventions of the observables
------------------------------
* Local temperature of site :math:`l` (eq. 100): :math:`t_l = \tanh(\beta_l h) = -\langle\sigma^z_l\rangle`,
  :math:`T_l = h/\operatorname{artanh} t_l` (needs :math:`|t_l| < 1`).
* Heat current from bath :math:`\alpha` **into the system** (``docs/conventions.md``):
  :math:`J_\alpha = \mathrm{Tr}[H\,\mathcal D_\alpha(\rho)]`, with :math:`H = H(\lambda)` the full
  coherent Hamiltonian of the master equation (mean-field terms included) and
  :math:`\mathcal D_\alpha` of order :math:`\lambda^2`; :math:`\sum_\alpha J_\alpha = 0` at steady state.
* Energy current across a cut between sites :math:`l` and :math:`l+1`:
  :math:`J_{l\to l+1} = \langle i[H_\times, H_{>l}]\rangle`, the energy that the coherent
  dynamics moves into the part right of the cut (:math:`H_{>l}`: terms on sites
  :math:`> l` only, :math:`H_\times`: terms across the cut).  At steady state
  :math:`J_{l\to l+1} = -\langle\mathcal D_R^\dagger(H_{>l})\rangle`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..models.base import Model, terms_operator
from ..spins import op_product
from .expansion import expand_model, expansion_symbol, split_terms
from .numeric import dissipate

__all__ = ["local_t", "local_temperatures", "heat_current_operators", "bond_current_operator",
           "series_coefficients", "eq150_sides", "exact_currents", "perturbative_currents"]


def local_t(rho: np.ndarray, n: int) -> np.ndarray:
    r""":math:`t_l = -\langle\sigma^z_l\rangle`, :math:`l = 1..n` (eq. 100)."""
    return np.array([-np.trace(op_product({l: "z"}, n, "numpy") @ rho).real for l in range(1, n + 1)])


def local_temperatures(rho: np.ndarray, n: int, h: float = 1.0) -> np.ndarray:
    r"""Local temperatures :math:`T_l = h/\operatorname{artanh}(t_l)` (eq. 100), energy units."""
    t = local_t(rho, n)
    if np.any(np.abs(t) >= 1) or np.any(t == 0):
        raise InvalidParameterError(f"local t_l = {t} outside (0, 1): no positive local temperature.")
    return h / np.arctanh(t)


def _mat(terms: list, n: int) -> np.ndarray:
    return np.asarray(terms_operator(terms, n, "numpy"), dtype=complex)


def _expand_numeric(model: Model, small: Any, values: dict) -> tuple[Any, dict]:
    om = expand_model(model, small, values)
    return om, {k: _mat(t, model.n) for k, t in om.hamiltonian.items()}


def heat_current_operators(model: Model, *, small: Any = None, **values: Any
                           ) -> dict[str, dict[int, np.ndarray]]:
    r"""Heat-current operators :math:`\hat J_\alpha = \mathcal D_\alpha^\dagger(H)` order by order.

    Returns ``{bath: {k: J_k}}`` with :math:`\hat J_\alpha(\lambda) = \sum_k\lambda^k J_k` (the
    dissipator's :math:`\lambda^2` included), so that
    :math:`J_\alpha = \sum_{k,m}\lambda^{k+m}\mathrm{Tr}(J_k\rho_m)`.
    """
    from .expansion import bath_xi
    om, H = _expand_numeric(model, small, values)
    n = model.n
    E = np.diag(H[0]).real
    if np.count_nonzero(H[0] - np.diag(np.diag(H[0]))):
        raise InvalidParameterError("heat_current_operators needs H0 diagonal in the computational basis.")
    dE = E[:, None] - E[None, :]
    out: dict[str, dict[int, np.ndarray]] = {}
    for name, k, terms, bath in om.couplings:
        X = _mat(terms, n)
        S = bath_xi(bath, dE) * X
        ops = {}
        for j, Hj in H.items():
            # D^dag(A) = [X, A] S + S^dag [A, X]
            A = Hj
            Dd = (X @ A - A @ X) @ S + S.conj().T @ (A @ X - X @ A)
            ops[2 * k + j] = (Dd + Dd.conj().T) / 2
        out[name] = ops
    return out


def bond_current_operator(model: Model, cut: int, *, small: Any = None, **values: Any) -> dict[int, np.ndarray]:
    r""":math:`i[H_\times, H_{>l}]` order by order (``cut`` = l, the bond (l, l+1)), ``{k: O_k}``."""
    if not 1 <= cut < model.n:
        raise InvalidParameterError(f"cut must be in 1..{model.n - 1} (bond (l, l+1)), got {cut}.")
    lam = expansion_symbol(model, small)
    vals = model.resolve(values)
    vals.pop(lam, None)
    cross = [t for t in model.terms if min(s for s, _ in t.factors) <= cut < max(s for s, _ in t.factors)]
    right = [t for t in model.terms if min(s for s, _ in t.factors) > cut]
    cs, rs = split_terms(cross, lam, vals), split_terms(right, lam, vals)
    out: dict[int, np.ndarray] = {}
    for a, ta in cs.items():
        A = _mat(ta, model.n)
        for b, tb in rs.items():
            B = _mat(tb, model.n)
            O = 1j * (A @ B - B @ A)
            out[a + b] = out.get(a + b, 0) + (O + O.conj().T) / 2
    return out


def series_coefficients(ops: dict[int, np.ndarray], rhos: list[np.ndarray], order: int) -> np.ndarray:
    r"""Coefficients :math:`c_j` (j <= order) of :math:`\langle O\rangle = \sum_j c_j\lambda^j`."""
    c = np.zeros(order + 1)
    for k, O in ops.items():
        for m, r in enumerate(rhos):
            if k + m <= order:
                c[k + m] += np.trace(O @ r).real
    return c


def perturbative_currents(model: Model, order: int = 3, *, small: Any = None, hierarchy: Any = None,
                          **values: Any) -> dict[str, np.ndarray]:
    r"""Series coefficients (index = power of :math:`\lambda`) of every heat and bond current.

    Keys: bath names (heat current into the system from that bath) and ``"bond l"``
    (energy current from site ``l`` to ``l+1``).  Uses :math:`\rho_0..\rho_{order}` of the
    hierarchy; coefficients up to ``order`` are exact.
    """
    from .numeric import Hierarchy
    H = hierarchy if hierarchy is not None else Hierarchy(model, small, values)
    rhos = H.series(order)
    out = {}
    for name, ops in heat_current_operators(model, small=small, **values).items():
        out[name] = series_coefficients(ops, rhos, order)
    for l in range(1, model.n):
        out[f"bond {l}"] = series_coefficients(bond_current_operator(model, l, small=small, **values),
                                               rhos, order)
    return out


def exact_currents(model: Model, lam: float, rho: np.ndarray, *, small: Any = None,
                   **values: Any) -> dict[str, float]:
    r"""Heat currents into the system and bond energy currents in a given state at coupling ``lam``.

    Computed directly from :math:`H(\lambda)`, :math:`\mathcal D_\alpha` (eq. 7 with :math:`H_0`
    Bohr frequencies) and the cut definition -- independently of the hierarchy.
    """
    from .expansion import bath_xi
    name = expansion_symbol(model, small).name
    vals = dict(values)
    vals[name] = lam
    n = model.n
    Hl = np.asarray(model.hamiltonian("numpy", **vals), dtype=complex)
    vals0 = dict(vals)
    vals0[name] = 0
    E = np.diag(np.asarray(model.hamiltonian("numpy", **vals0))).real
    dE = E[:, None] - E[None, :]
    out: dict[str, float] = {}
    for c, X, bath in zip(model.couplings, model.coupling_operators("numpy", **vals),
                          model.numeric_baths(**vals)):
        X = np.asarray(X, dtype=complex)
        S = bath_xi(bath, dE) * X
        out[c.name] = float(np.trace(Hl @ dissipate(X, S, rho)).real)
    res = model.resolve(vals)
    for l in range(1, n):
        cross = [t for t in model.terms if min(s for s, _ in t.factors) <= l < max(s for s, _ in t.factors)]
        right = [t for t in model.terms if min(s for s, _ in t.factors) > l]
        A = np.asarray(terms_operator(cross, n, "numpy", res), dtype=complex)
        B = np.asarray(terms_operator(right, n, "numpy", res), dtype=complex)
        out[f"bond {l}"] = float(np.trace(1j * (A @ B - B @ A) @ rho).real)
    return out


def eq150_sides(rho: np.ndarray, n: int, theta: float, t_L: float, t_R: float) -> tuple[float, float]:
    r"""Left and right sides of eq. (150) for the tilted Ising chain in state ``rho``.

    LHS :math:`= t_N - t_1`; RHS :math:`= \frac{\alpha_{zz}}{\alpha_+}\{\sum_{l=2}^{N-1}(\langle
    \sigma^z_{l-1}\rho^A_{l,l+1}\rangle - \langle\rho^A_{l-1,l}\sigma^z_{l+1}\rangle) - t_L\langle
    \rho^A_{1,2}\rangle + \langle\rho^A_{N-1,N}\rangle t_R\}` with :math:`\alpha_{zz} = \cos^2\theta`,
    :math:`\alpha_+ = \sin^2\theta` (eqs. 79, 108--110).
    """
    def ev(f: dict) -> float:
        return float(np.trace(op_product(f, n, "numpy") @ rho).real)

    def rA(l: int, m: int, extra: dict | None = None) -> float:
        e = extra or {}
        return ev({l: "x", m: "x", **e}) + ev({l: "y", m: "y", **e})
    t = local_t(rho, n)
    s = sum(rA(l, l + 1, {l - 1: "z"}) - rA(l - 1, l, {l + 1: "z"}) for l in range(2, n))
    azz, ap = np.cos(theta) ** 2, np.sin(theta) ** 2
    rhs = azz / ap * (s - t_L * rA(1, 2) + t_R * rA(n - 1, n))
    return float(t[-1] - t[0]), float(rhs)
