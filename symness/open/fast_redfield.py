r"""Redfield steady states of compiled models from arrays alone, at ordinary points of a sweep.

``redfield_ness(model, up_spins=k, Delta=D)`` in a parameter loop: the general route builds an
:class:`~symness.open.OpenSystem`, a :class:`~symness.open.system.Space`, the channel objects and a
:class:`~symness.open.liouvillian.RedfieldLiouvillian` at every point, and for a six-state sector
that bookkeeping costs more than the arithmetic.  This module computes the same steady state,
bath heat currents and error estimates from arrays, with the general route's kernels
(:meth:`~symness.open.compiled.ProgramStack.evaluate`, :func:`~symness.open.system.eigh`,
:func:`~symness.open.system.pattern_blocks`, :func:`~symness.open.liouvillian.redfield_stacks`,
:func:`~symness.open.liouvillian.redfield_tensor`, :func:`~symness.open.linsolve.stationary_dense`,
:func:`~symness.open.currents.redfield_currents`).  One difference: the rates
:math:`\gamma_b(E_c - E_a)` are evaluated at every pair's own Bohr frequency (one vectorised call
for all baths), not once per cluster of frequencies equal within ``1e-12`` of the energy scale
as :func:`~symness.open.channels.channels` does -- a relative change of at most ~1e-12 in a rate
(the exact Redfield tensor has the unclustered ones).  And for real channels (a real Hamiltonian
and real couplings) the steady state solves the real system of the same size,
:func:`~symness.open.liouvillian.redfield_tensor_real` (the tensor on Hermitian matrices; same
2-norm condition number).  The two routes agree to 1e-12 (``tests/test_open_fast_redfield.py``).

It first decides, cheaply and conservatively, that the point is *ordinary*:

* once per model structure and sector (:class:`RedfieldPlan`): a magnetisation sector, or the
  full space of up to three spins, of working dimension ``2 .. DENSE_MAX_DIM`` (the dense solve);
  Hermitian couplings to baths that share one :class:`~symness.baths.SpectralDensity` and preset,
  without Lamb shift and without symbolic spectra; which of the sector checks hold for *any*
  parameter values (up-count conservation, no amplitude leaving the sector, Hermiticity of every
  term matrix) and need no test at a point;
* at every point: real coefficients; the sector checks that depend on the values, as the general
  route makes them (exact monomial test, leaks, Hermiticity); bath temperatures positive, finite
  and not within :data:`~symness.open.response.LR_MAX_BIAS` of each other (there the general route
  splits the state); no coupling that vanishes; one invariant block (the general route's pattern
  test); finite non-negative rates; a non-singular solve; no eigenvalue of :math:`\rho` below
  ``-positivity_tol``; every current resolved to :data:`~symness.open.steady.PRECISION_RTOL`; on
  the full space, an up count that is not conserved (else the general route refuses the point).

Anything else -- and any error raised on the way -- makes :func:`solve` return ``None``, and the
general route runs from the start, so every error, warning and extended-precision recomputation
comes from the one place that has it.  The :class:`~symness.open.steady.NESS` built from the
result assembles its system and generator on first use (:class:`LazyObjects`), in the
eigenbasis the state was solved in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..baths import SpectralDensity
from ..errors import SymnessError
from .compiled import compiled_and_cache, resolve
from .currents import conserve, redfield_currents
from .linsolve import safe_norm, stationary_dense
from .liouvillian import redfield_liouvillian, redfield_stacks, redfield_tensor, redfield_tensor_real
from .response import near_equal_reference
from .system import (
    _HERMITIAN_RTOL,
    OpenSystem,
    _maybe_real,
    _symbolic_spectrum,
    eigh,
    hermiticity_gaps,
    pattern_blocks,
)

__all__ = ["RedfieldPlan", "ArrayResult", "plan", "solve", "LazyObjects"]


class RedfieldPlan:
    """What an ordinary point of one compiled model's sector (or small full space) needs, decided once
    per structure.

    ``ok`` is ``False`` when the structure itself rules the array route out (see the module
    docstring); the other attributes are then not set.
    """

    def __init__(self, model: Any, comp: Any, up_spins: int | None, lamb_shift: bool | None):
        from .steady import DENSE_MAX_DIM

        self.ok = False
        if up_spins is None:  # the full space of a few spins
            if 2**min(comp.n, 30) > DENSE_MAX_DIM:
                return
            d = 2**comp.n
        else:
            if not 0 <= up_spins <= comp.n:
                return
            try:
                d = comp.sector(int(up_spins)).dim
            except SymnessError:
                return
        couplings = list(model.couplings)
        names = [c.name for c in couplings]
        if not 2 <= d <= DENSE_MAX_DIM or not couplings or len(set(names)) < len(names):
            return
        bath0 = couplings[0].bath
        for c in couplings:
            lamb = c.bath.lamb_shift if lamb_shift is None else bool(lamb_shift)
            if (c.kind != "hermitian" or lamb or _symbolic_spectrum(c.bath.spectrum)
                    or type(c.bath.spectrum) is not SpectralDensity
                    or c.bath.spectrum is not bath0.spectrum or c.bath.preset is not bath0.preset):
                return
        keys = ("H",) + tuple(("coupling", name) for name in names)
        stack = comp.stack(keys, up_spins if up_spins is None else int(up_spins))
        if not isinstance(stack.Q, np.ndarray):
            return
        # what holds for every value of the parameters needs no test at a point: up-count conservation
        # (no changing monomial in any term), no amplitude leaving the sector (every leak amplitude sums
        # to zero, e.g. the changing parts of sigma^x sigma^x and sigma^y sigma^y), Hermiticity (every
        # term matrix B_j of operator = sum_j c_j B_j Hermitian: real c_j give a Hermitian operator
        # exactly).  What does not (e.g. D xy - D yx as two coefficients D and -D) is tested at each
        # point as the general route tests it.
        self.conserve_keys = [key for key in keys if not comp.always_conserves(key)] if up_spins is not None else []
        # the full space: H and every coupling conserving the up count (at the point) is refused by the
        # general route (one steady state per sector); a model that always conserves never comes here
        self.full_keys = list(keys) if up_spins is None else None
        if up_spins is None and not self.conserve_keys and all(comp.always_conserves(key) for key in keys):
            return
        self.leaky = any((L.count_nonzero() if hasattr(L, "count_nonzero") else np.count_nonzero(L))
                         for L in (p.L for p in stack.programs) if L is not None)
        B = np.zeros((stack.k * d * d, comp.ncoef), dtype=stack.Q.dtype)
        B[stack.pos] = stack.Q
        B = B.reshape(stack.k, d, d, comp.ncoef)
        self.hermitian = bool(np.array_equal(B, B.conj().transpose(0, 2, 1, 3)))
        temps: list[float | None] = []
        for k, c in enumerate(couplings):
            if comp.temp_index[k] is not None:
                temps.append(None)
                continue
            try:
                T = float(c.bath.T)
            except (TypeError, ValueError):
                return
            if not 0 < T < np.inf:
                return
            temps.append(T)
        self.comp, self.stack, self.dim = comp, stack, d
        self.up_spins = None if up_spins is None else int(up_spins)
        self.names = names
        self.bath_of = list(range(len(names)))
        self.temps = temps
        self.spectrum, self.factor = bath0.spectrum, float(bath0.preset.factor)
        self.ok = True


def plan(model: Any, up_spins: Any, lamb_shift: bool | None) -> tuple[RedfieldPlan, dict[str, Any]] | None:
    """The :class:`RedfieldPlan` of ``model`` (kept with the model) and its scratch dict, or ``None``."""
    if isinstance(model, OpenSystem) or not (hasattr(model, "couplings") and hasattr(model, "terms")
                                             and hasattr(model, "hamiltonian") and hasattr(model, "resolve")):
        return None
    if up_spins is not None and (isinstance(up_spins, (bool, np.bool_))
                                 or not isinstance(up_spins, (int, np.integer))):
        return None  # not a sector number (the general route says so)
    comp, extras = compiled_and_cache(model)
    key = ("redfield_plan", None if up_spins is None else int(up_spins),
           None if lamb_shift is None else bool(lamb_shift))
    p = extras.get(key)
    if p is None:
        p = extras[key] = RedfieldPlan(model, comp, up_spins, lamb_shift)
    return (p, extras) if p.ok else None


@dataclass
class ArrayResult:
    """A steady state solved by :func:`solve`: what :class:`~symness.open.steady.NESS` keeps of it.

    ``rho_e``: the state in the eigenbasis ``eig = (E, V)`` of H in the sector; ``stacks``: the
    channels' ``(A, A~, M)`` (eigenbasis) of the generator it was solved with.  The sector-basis
    state (:meth:`rho`) and the residual (:meth:`residual`) are formed on first use.
    """

    rho_e: np.ndarray
    eig: tuple[np.ndarray, np.ndarray]
    stacks: tuple[np.ndarray, np.ndarray, np.ndarray]
    info: dict[str, Any]
    currents: dict[str, float]
    errors: dict[str, float]
    min_eigenvalue: float

    def rho(self) -> np.ndarray:
        """The state in the sector basis, as :func:`~symness.open.steady.steady_state` forms it."""
        V = self.eig[1]
        rho = V @ self.rho_e @ V.conj().T
        rho = (rho + rho.conj().T) / 2
        return rho / rho.trace().real

    def residual(self, rho: np.ndarray) -> float:
        """:math:`\\|\\mathcal L\\rho\\|_F` of the sector-basis state ``rho``, taken to the eigenbasis."""
        E, V = self.eig
        R = redfield_tensor(E[:, None] - E[None, :], *self.stacks)
        return safe_norm(R @ (V.conj().T @ rho @ V).reshape(-1))


def solve(p: RedfieldPlan, model: Any, values: dict[str, Any], extras: dict[str, Any], *,
          near_equal_temperatures: bool, positivity_tol: float, precision_rtol: float) -> ArrayResult | None:
    """The steady state at one point, or ``None`` when the point is not ordinary (module docstring)."""
    try:
        with np.errstate(all="ignore"):
            return _solve(p, model, values, extras, near_equal_temperatures, positivity_tol, precision_rtol)
    except SymnessError:
        return None


def _solve(p: RedfieldPlan, model: Any, values: dict[str, Any], extras: dict[str, Any], near_equal: bool,
           positivity_tol: float, precision_rtol: float) -> ArrayResult | None:
    t0 = time.perf_counter()
    comp = p.comp
    vals = resolve(model, values, extras) if values else dict(model.values)
    coef = comp.coefficient_values(vals)
    if coef.imag.any():
        return None
    T = [float(coef[comp.temp_index[k]].real) if t is None else t for k, t in enumerate(p.temps)]
    if not all(0 < t < np.inf for t in T) or (near_equal and len(T) > 1 and near_equal_reference(T) is not None):
        return None
    # H and the couplings in the sector, as OpenSystem._compiled_space evaluates and tests them, and the
    # invariant-subspace test of the general route
    if not all(comp.conserves(key, coef) for key in p.conserve_keys):
        return None
    if p.full_keys is not None and all(comp.conserves(key, coef) for key in p.full_keys):
        return None  # full space, conserved up count: the general route refuses it
    ops, leaks = p.stack.evaluate(coef, leaks=p.leaky)
    if p.leaky and max(leaks) > 1e-12:
        return None
    aops = np.abs(ops)
    top = aops.max(axis=(1, 2))
    if not top[1:].all() or len(pattern_blocks(aops, top)) > 1:
        return None
    if not p.hermitian:
        if (hermiticity_gaps(ops) > _HERMITIAN_RTOL * np.maximum(top, 1.0)).any():
            return None
    E, V = eigh(ops[0])
    V = _maybe_real(V)
    # every coupling in the eigenbasis; its rates gamma_b(E_c - E_a) at every pair (a, c), one evaluation
    # for all baths (canonical convention: E_c - E_a > 0 is the energy given to the bath)
    A = _maybe_real(np.ascontiguousarray(V.conj().T @ ops[1:] @ V))
    rate = p.factor * p.spectrum._rate_values(E[None, :] - E[:, None], np.array(T)[:, None, None])
    if not (np.isfinite(rate).all() and (rate >= 0).all()):
        return None
    At, Ad, Mk, M = redfield_stacks(A, rate / 2)
    if not (np.isfinite(M).all() and np.isfinite(At).all()):
        return None
    omega = E[:, None] - E[None, :]
    if np.iscomplexobj(At):
        R = redfield_tensor(omega, A, At, M)
        rho_e, rcond, state_error = stationary_dense(R, p.dim, overwrite=True)  # raises (-> None) if singular
        rho_e = (rho_e + rho_e.conj().T) / 2  # as steady_state: the Hermitian part
    else:  # real channels: the real system of the same size, rho = sym(Z) + i antisym(Z), Hermitian exactly
        Z, rcond, state_error = stationary_dense(redfield_tensor_real(omega, A, At, M), p.dim, overwrite=True)
        ZT = Z.T
        rho_e = (Z + ZT) / 2 + 0.5j * (Z - ZT)
    rho_e = rho_e / rho_e.trace().real
    mev = float(eigh(rho_e, vectors=False)[0])  # the spectrum of rho, in any orthonormal basis
    if not mev >= -positivity_tol:
        return None
    cur, err = conserve(*redfield_currents(E, p.names, p.bath_of, A, At, Ad, Mk, rho_e, state_error))
    if not all(err[k] <= precision_rtol * abs(cur[k]) for k in cur):
        return None
    info = {"rcond": rcond, "iterations": 0, "state_error": state_error, "method": "dense", "route": "arrays",
            "seconds": time.perf_counter() - t0}
    return ArrayResult(rho_e, (E, V), (A, At, M), info, cur, err, mev)


class LazyObjects:
    """The system, working space and generator of an array-route state, built by the general route on
    first use, each only when asked for (observables need the system and space, counting statistics
    the generator).

    ``eig``: the eigendecomposition the state was solved in, handed to the working space so that the
    space's and the generator's eigenbasis is the state's (degenerate levels have no unique eigenvectors).
    """

    def __init__(self, model: Any, values: dict[str, Any], up_spins: int | None, lamb_shift: bool | None,
                 eig: tuple[np.ndarray, np.ndarray]):
        self.model, self.values, self.up_spins, self.lamb_shift, self.eig = model, values, up_spins, lamb_shift, eig

    @cached_property
    def system(self) -> OpenSystem:
        from .liouvillian import as_system

        return as_system(self.model, self.values)

    @cached_property
    def space(self) -> Any:
        space = self.system.space(self.up_spins)
        space.__dict__["_eig"] = self.eig
        return space

    @cached_property
    def generator(self) -> Any:
        self.space  # noqa: B018 - the space (with the state's eigenbasis) before the generator takes it
        return redfield_liouvillian(self.system, lamb_shift=self.lamb_shift, up_spins=self.up_spins)
