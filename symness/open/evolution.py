r"""Time evolution :math:`\rho(t) = e^{\mathcal L (t - t_0)}\rho(t_0)` for every generator.

* ``method="expm"``: the matrix exponential between consecutive output times
  -- exact up to round-off: dense scaling-and-squaring (:func:`scipy.linalg.expm`)
  for superoperators up to 400 x 400 (any time step costs the same), else the
  action :func:`scipy.sparse.linalg.expm_multiply`; used for GKSL, local
  Lindblad and Davies (sparse matrices) and for Redfield up to working
  dimension 32 (dense tensor in the eigenbasis).
* ``method="ode"``: adaptive Runge-Kutta (DOP853, ``rtol``/``atol``) on the
  matrix-free generator (Redfield in the eigenbasis, :math:`O(d^3)` per
  step); default for larger Redfield problems.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.integrate import solve_ivp
from scipy.sparse.linalg import expm_multiply

from ..errors import ConvergenceError, InvalidParameterError, ShapeMismatchError
from ..validation import as_array
from .liouvillian import (
    DaviesLiouvillian,
    GKSLLiouvillian,
    Liouvillian,
    RedfieldLiouvillian,
    as_system,
    davies_liouvillian,
    local_lindblad_liouvillian,
    redfield_liouvillian,
)
from .observables import as_state
from .superop import HermitianParam
from .system import Space

__all__ = ["evolve", "Evolution"]

_KINDS = ("redfield", "davies", "lindblad", "local_lindblad")
#: the stored states of one evolution may take at most this many bytes
EVOLUTION_MAX_BYTES = 2**31
#: superoperators up to this size are exponentiated densely (scaling and squaring)
_DENSE_EXPM_MAX = 400


class ExpectValues(dict):
    """``{name: values over times}`` of the ``e_ops`` recorded by :func:`evolve`, also callable:
    ``ev.expect(op)`` computes :math:`\\mathrm{tr}(O\\rho(t))` for any operator afterwards (the
    ``expect`` convention of :class:`~symness.open.steady.NESS`)."""

    def __init__(self, values: Mapping[str, np.ndarray] | None = None, compute: Any = None):
        super().__init__(values or {})
        self._compute = compute

    def __call__(self, op: Any) -> np.ndarray:
        if self._compute is None:  # pragma: no cover - always bound by Evolution
            raise InvalidParameterError("these values are not bound to an evolution.")
        return self._compute(op)


@dataclass
class Evolution:
    """Result of :func:`evolve`.

    Attributes
    ----------
    times
        The output times.
    states
        ``(len(times), d, d)`` density matrices in the working (site/sector) basis.
    space
        The working space (``space.lift`` embeds a state in the full space).
    expect
        ``{name: array over times}`` for the requested ``e_ops``; also a method,
        ``expect(op)``, for any operator (numpy, scipy.sparse or QuTiP; full space or
        working space), like :meth:`~symness.open.steady.NESS.expect`.
    """

    times: np.ndarray
    states: np.ndarray
    space: Space
    generator: Liouvillian
    expect: ExpectValues = field(default_factory=ExpectValues)

    def __post_init__(self) -> None:
        self.expect = ExpectValues(self.expect, self.expectation)

    def to_qutip(self, sector: bool = False) -> list[Any]:
        """The states as a list of QuTiP density matrices (``qutip.Qobj``), one per time.

        Full-space ``dims`` (a sector state embedded sparsely), or the sector blocks
        (``sector=True``); see :meth:`symness.open.steady.NESS.to_qutip`.
        """
        from .interop import state_to_qutip

        system = self.generator.system
        return [state_to_qutip(r, self.space, system, sector) for r in self.states]

    def rho(self, k: int) -> np.ndarray:
        """Full-space state at ``times[k]``."""
        nt = len(self.times)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not -nt <= k < nt:
            raise InvalidParameterError(f"k = {k!r} must be an integer index into the {nt} output times.")
        return self.space.lift(self.states[k])

    def expectation(self, op: Any) -> np.ndarray:
        """:math:`\\mathrm{tr}(O\\rho(t))` over the times for a full-space or working-space operator
        (also ``self.expect(op)``)."""
        O = _working_op(op, self.space)
        vals = np.einsum("ba,tab->t", O, self.states)
        return vals.real if np.max(np.abs(vals.imag), initial=0) <= 1e-12 * max(1, np.max(np.abs(vals))) \
            else vals


def _working_op(op: Any, space: Space) -> np.ndarray:
    arr = as_array(op)
    if not sp.issparse(arr) and arr.dtype.kind not in "biufc":
        raise InvalidParameterError(f"the operator must be a numeric matrix, got {op!r}.")
    if not np.all(np.isfinite(arr.data if sp.issparse(arr) else arr)):
        raise InvalidParameterError("the operator has non-finite entries; pass finite numbers.")
    shape = arr.shape
    if shape == (space.full_dim,) * 2:
        return space.restrict(arr)
    if shape == (space.dim,) * 2:
        return arr.toarray() if sp.issparse(arr) else np.asarray(arr)
    raise ShapeMismatchError(f"operator of shape {shape} does not match the space (dimension "
                             f"{space.full_dim}, working dimension {space.dim}).")


def _initial_state(rho0: Any, space: Space) -> np.ndarray:
    arr = as_array(rho0)
    if not sp.issparse(arr) and np.asarray(arr).dtype.kind not in "biufc":
        raise InvalidParameterError(
            f"the initial state must be a density matrix or a ket (numpy, scipy.sparse, SymPy or "
            f"QuTiP), got {rho0!r}.")
    arr = arr.toarray() if sp.issparse(arr) else np.asarray(arr, dtype=complex)
    if arr.ndim == 1 or (arr.ndim == 2 and 1 in arr.shape):  # a ket
        psi = arr.reshape(-1)
        arr = np.outer(psi, psi.conj())
    if arr.shape == (space.full_dim,) * 2 and space.sector is not None:
        b = space.sector.basis
        inside = np.real(np.trace(arr[np.ix_(b, b)]))
        total = np.real(np.trace(arr))
        if abs(total - inside) > 1e-10 * max(1.0, abs(total)):
            raise InvalidParameterError(
                f"the initial state has weight {total - inside:.3g} outside the sector "
                f"up_spins={space.sector.up_spins}; evolve on the full space (no up_spins) or project it.")
        arr = arr[np.ix_(b, b)]
    if arr.shape != (space.dim,) * 2:
        raise ShapeMismatchError(f"initial state of shape {arr.shape} does not match the space (dimension "
                                 f"{space.full_dim}, working dimension {space.dim}).")
    return as_state(arr, "the initial state", tol=1e-10)


def _generator(obj: Any, kind: str, up_spins: int | None, values: Mapping[str, Any]) -> Liouvillian:
    if isinstance(obj, Liouvillian):
        if up_spins is not None or values:
            raise InvalidParameterError("up_spins and parameter values are fixed by the given Liouvillian.")
        return obj
    if kind not in _KINDS:
        raise InvalidParameterError(f"kind must be one of {_KINDS}, not {kind!r}.")
    system = as_system(obj, dict(values))
    if kind == "redfield":
        return redfield_liouvillian(system, up_spins=up_spins)
    if kind == "davies":
        return davies_liouvillian(system, up_spins=up_spins)
    return local_lindblad_liouvillian(system, up_spins=up_spins)


def _rate_scale(gen: Any) -> float:
    """The fastest phase of the evolution: the largest Bohr frequency E_max - E_min of the working space."""
    E = np.asarray(gen.space.E, dtype=float)
    return float(E.max() - E.min()) if E.size else 0.0


def evolve(system_or_liouvillian: Any, rho0: Any, times: Sequence[float] | np.ndarray, *,
           kind: str = "redfield", up_spins: int | None = None, method: str = "auto",
           e_ops: Mapping[str, Any] | Sequence[Any] | None = None, rtol: float = 1e-10,
           atol: float = 1e-12, **values: Any) -> Evolution:
    r"""Evolve a density matrix (or ket) under a Redfield, Davies, Lindblad or GKSL generator.

    Parameters
    ----------
    system_or_liouvillian
        A :class:`~symness.open.liouvillian.Liouvillian` (from any builder), or
        an :class:`~symness.open.OpenSystem` / ``Model`` with ``kind`` =
        ``"redfield"`` (default), ``"davies"`` or ``"lindblad"`` (local).
    rho0
        Initial state at ``times[0]``: full-space or working-space density
        matrix, or a ket.
    times
        Increasing output times (units of :math:`1/\text{energy}`,
        :math:`\hbar = 1`).
    up_spins
        Evolve inside one magnetisation sector.
    method
        ``"auto"``, ``"expm"`` or ``"ode"`` (see module docstring).
    e_ops
        Operators whose expectation values are recorded (``{name: op}`` or a list).
    rtol, atol
        Tolerances of the ODE integrator.

    Returns
    -------
    Evolution
    """
    gen = _generator(system_or_liouvillian, kind, up_spins, values)
    space = gen.space
    try:
        t = np.asarray(times, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"times = {times!r} must be a sequence of real numbers.") from None
    nbytes = 16.0 * t.size * space.dim**2
    if nbytes > EVOLUTION_MAX_BYTES:  # before touching the times
        raise InvalidParameterError(
            f"{t.size} output times of a {space.dim} x {space.dim} state need {nbytes / 2**30:.3g} GiB "
            f"(limit {EVOLUTION_MAX_BYTES / 2**30:.3g} GiB); pass fewer times.")
    if t.ndim != 1 or t.size == 0 or np.any(np.diff(t) < 0) or not np.all(np.isfinite(t)):
        raise InvalidParameterError("times must be a non-empty, finite, non-decreasing 1-D sequence.")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if (isinstance(tol, bool) or not isinstance(tol, (int, float, np.number))
                or not np.isfinite(tol) or tol <= 0):
            raise InvalidParameterError(f"{name} = {tol!r} must be a finite number > 0.")
    if e_ops is not None and (isinstance(e_ops, (str, bytes)) or not isinstance(e_ops, (Mapping, Sequence))):
        raise InvalidParameterError(
            f"e_ops = {e_ops!r}: pass a list of operators or a mapping name -> operator.")
    rho = _initial_state(rho0, space)
    d = space.dim
    eigen = gen.native_basis == "eigen"
    r = space.to_eigen(rho) if eigen else rho
    if method == "auto":
        method = "ode" if isinstance(gen, RedfieldLiouvillian) and d > 32 else "expm"
    out = np.empty((t.size, d, d), dtype=complex)
    span = float(t[-1] - t[0])
    if span > 0:
        rate = _rate_scale(gen)
        if span * rate > 1e15:
            raise InvalidParameterError(
                f"times span {span:.3g} with generator rates up to {rate:.3g}: phases after t * |L| = "
                f"{span * rate:.3g} are below double-precision resolution. For long times use the steady "
                "state (redfield_ness / davies_ness / steady_state); shorten the interval otherwise.")
    if method == "expm":
        if isinstance(gen, RedfieldLiouvillian):
            L = gen.dense_eigen()
        elif isinstance(gen, DaviesLiouvillian):
            L = sp.csc_matrix(gen.L_eigen)
        elif isinstance(gen, GKSLLiouvillian):
            L = sp.csc_matrix(gen.L_site)
        else:  # pragma: no cover
            raise InvalidParameterError(f"unknown generator {type(gen).__name__}.")
        v = r.reshape(-1).astype(complex)
        out[0] = r
        small = L.shape[0] <= _DENSE_EXPM_MAX
        if small:
            Ld = L.toarray() if sp.issparse(L) else np.asarray(L)
        cache: dict[float, np.ndarray] = {}
        for k in range(1, t.size):
            dt = t[k] - t[k - 1]
            if dt > 0:
                if small:  # scaling and squaring: cost independent of dt * ||L||
                    if dt not in cache:
                        cache[dt] = sla.expm(Ld * dt)
                    v = cache[dt] @ v
                else:
                    v = expm_multiply(dt * L, v)
            out[k] = v.reshape(d, d)
    elif method == "ode":
        P = HermitianParam(d)
        if isinstance(gen, RedfieldLiouvillian):
            def f(_t: float, x: np.ndarray) -> np.ndarray:
                return P.to_param(gen.apply_eigen(P.from_param(x), hermitian=True))
        else:
            def f(_t: float, x: np.ndarray) -> np.ndarray:
                rr = P.from_param(x)
                return P.to_param(gen.apply_eigen(rr) if eigen else gen.apply(rr))
        sol = solve_ivp(f, (t[0], t[-1]), P.to_param(r), method="DOP853", t_eval=t, rtol=rtol, atol=atol)
        if not sol.success:
            raise ConvergenceError(f"time integration failed: {sol.message}; try method='expm'.")
        for k in range(t.size):
            out[k] = P.from_param(sol.y[:, k])
    else:
        raise InvalidParameterError(f"method must be 'auto', 'expm' or 'ode', not {method!r}.")
    if eigen:
        V = space.V
        out = np.einsum("ia,tab,jb->tij", V, out, V.conj())
    res = Evolution(t, out, space, gen)
    if e_ops:
        items = e_ops.items() if isinstance(e_ops, Mapping) else enumerate(e_ops)
        for name, op in items:
            res.expect[str(name)] = res.expectation(op)
    return res
