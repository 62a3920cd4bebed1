r"""Numbers from Pauli-kernel closed forms, with a forward-error estimate and an exact fallback.

A kernel's populations are :math:`\rho_k = P_k/Z` (tree polynomials) and its heat
currents :math:`q^X = \sum_{t\in X}\omega_t\,(W^\uparrow_t\rho_{l_t} - W^\downarrow_t\rho_{h_t})`.
This backend of :class:`~symness.closedform.ClosedForm` evaluates them

1. fast, batched over parameter points: the rates and Bohr frequencies are
   lambdified from their (small) definitions -- stable Bose functions, the
   exact or implicit spectrum -- and the populations come from the
   subtraction-free GTH reduction of the kernel (componentwise relative
   accuracy :math:`\sim n u`, vectorised over points:
   :func:`~symness.markov.gth_stationary_batch`); each current's condition number
   :math:`\kappa = \sum|{\rm terms}|/|q|` is known from its positive and negative
   parts, so its forward error :math:`\approx (n+4)\,\kappa\,u` is estimated at
   every point;
2. exactly, at the points where that estimate exceeds ``rtol`` (close to
   equilibrium the current is a difference of nearly equal numbers): the rates
   are recomputed in mpmath with :math:`\log_{10}\kappa` extra digits and the
   tree polynomials evaluated in exact rational arithmetic
   (:class:`~symness.markov.evaluate.ExactPolynomials`) -- or, for the
   implicit-population route, GTH is run in mpmath at that precision.

Every value returned therefore carries a relative error below ``rtol``
(default :math:`10^{-12}`), the tree polynomials never have to be expanded as
SymPy expressions, and the fast path costs :math:`O(n^3)` per point.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy

from ..closedform import EvaluationError, NumericBackend
from ..errors import InvalidParameterError, NonUniqueSteadyStateError
from ..markov import gth_stationary_mp
from ..markov.counting import cumulants_numeric
from ..markov.evaluate import ExactPolynomials, fmpq_to_mpf, mpf_to_fmpq
from ..markov.numeric import _gth_batch
from .spectrum import ImplicitSpectrum

__all__ = ["PauliBackend", "ResponseBackend", "Edge"]

_U = np.finfo(float).eps / 2


@dataclass(frozen=True)
class Edge:
    """A transition ``lo <-> hi`` of reservoir ``bath`` with variable indices of its rates and frequency."""

    bath: int
    lo: int
    hi: int
    up: int
    down: int
    omega: int


def points_of(fn: Any, params: Sequence[sympy.Symbol], values: Mapping[sympy.Symbol, Any]) -> np.ndarray:
    """Values of the lambdified list ``fn(*params)`` at broadcast parameter arrays, shape (outputs, points)."""
    args = [np.asarray(values[p], dtype=float) for p in params]
    shape = np.broadcast_shapes(*(a.shape for a in args)) if args else ()
    npts = int(np.prod(shape)) if shape else 1
    with np.errstate(all="ignore"):
        vals = fn(*args)
    x = np.array([np.broadcast_to(np.real(np.asarray(v, dtype=complex)), shape).reshape(-1) for v in vals])
    return x.reshape(len(vals), npts)


def _generator(n: int, edges: Sequence[Edge], x: np.ndarray) -> np.ndarray:
    """Generator K[target, source] (columns sum to zero) with the rates ``x[e.up]``, ``x[e.down]``."""
    K = np.zeros((n, n))
    for e in edges:
        K[e.hi, e.lo] += x[e.up]
        K[e.lo, e.lo] -= x[e.up]
        K[e.lo, e.hi] += x[e.down]
        K[e.hi, e.hi] -= x[e.down]
    return K


class PauliBackend(NumericBackend):
    """Populations and heat currents of a Pauli kernel from its rate definitions.

    Parameters
    ----------
    n
        Number of levels.
    edges
        The transitions (:class:`Edge`).
    variables
        SymPy expressions, in the model's parameters, of the variables the edges index.
    params
        The parameters (the form's free symbols).
    outputs
        ``("population", k)`` or ``("current", bath)`` in output order.
    exact
        :class:`ExactPolynomials` of ``[numerator of each output..., Z]`` in the
        same variable order (closed-form steady state), or ``None`` (implicit
        populations: exact path by mpmath GTH).
    rtol
        Relative accuracy the fast path must reach, else the point is recomputed exactly.
    """

    def __init__(self, n: int, edges: Sequence[Edge], variables: Sequence[sympy.Expr],
                 params: Sequence[sympy.Symbol], outputs: Sequence[tuple[str, Any]],
                 exact: ExactPolynomials | None = None, rtol: float = 1e-12,
                 spectrum: ImplicitSpectrum | None = None, keys: Sequence[Any] = (),
                 temperatures: Sequence[int] = (), formulas: Mapping[int, Any] | None = None):
        self.n = n
        self.spectrum = spectrum
        #: key of each exact polynomial (("P", k), ("Z",), ("N", bath), ("p", bath, k, m))
        self.keys = {k: i for i, k in enumerate(keys)}
        #: variable index of each bath's temperature (entropy production, TUR)
        self.temperatures = list(temperatures)
        #: cumulant order -> callable(p dict) giving kappa_1..kappa_order (exact path)
        self.formulas = dict(formulas or {})
        self.edges = list(edges)
        self.variables = list(variables)
        self.params = list(params)
        self.outputs = list(outputs)
        self.exact_polys = exact
        self.rtol = rtol
        self._np: Any = None
        self._mp: Any = None
        undefined = set().union(*(v.atoms(sympy.core.function.AppliedUndef) for v in self.variables))
        if undefined:
            raise InvalidParameterError(
                f"cannot evaluate numerically: the rates contain undefined functions "
                f"{sorted(map(str, undefined))}; substitute numbers or expressions for them (e.g. "
                "form.subs(...), or build the model with flat(g)/ohmic(...) spectral densities).")

    # ------------------------------------------------------------------ fast path
    def _inputs(self) -> list[sympy.Symbol]:
        return self.params + (self.spectrum.symbols if self.spectrum is not None else [])

    def _variables(self, values: Mapping[sympy.Symbol, Any]) -> tuple[np.ndarray, np.ndarray]:
        if self._np is None:
            self._np = sympy.lambdify(self._inputs(), self.variables, modules=["scipy", "numpy"], cse=True)
        args = [np.asarray(values[p], dtype=float) for p in self.params]
        if self.spectrum is not None:
            bc = np.broadcast_arrays(*args) if args else []
            sv = self.spectrum.numeric(dict(zip(self.params, bc)))
            args += [sv[s] for s in self.spectrum.symbols]
        shape = np.broadcast_shapes(*(a.shape for a in args)) if args else ()
        npts = int(np.prod(shape)) if shape else 1
        with np.errstate(all="ignore"):
            vals = self._np(*args)
        x = np.empty((len(vals), npts))
        for k, v in enumerate(vals):
            x[k] = np.broadcast_to(np.real(np.asarray(v, dtype=complex)), shape).reshape(-1)
        bad = ~np.all(np.isfinite(x), axis=0) | np.any(x < 0, axis=0)
        x[:, bad] = 1.0
        return x, bad

    def _evaluate(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(outputs, relative error estimates)`` from variable values ``x`` of shape (nvars, npoints)."""
        npts = x.shape[1]
        Q = np.zeros((npts, self.n, self.n))
        for e in self.edges:
            Q[:, e.lo, e.hi] += x[e.up]
            Q[:, e.hi, e.lo] += x[e.down]
        p = _gth_batch(Q)
        out = np.empty((len(self.outputs), npts))
        err = np.empty((len(self.outputs), npts))
        gth_err = (self.n + 4) * _U
        currents: dict[int, tuple[np.ndarray, np.ndarray]] = {}

        def current(b: int) -> tuple[np.ndarray, np.ndarray]:
            if b not in currents:
                plus = np.zeros(npts)
                minus = np.zeros(npts)
                for e in self.edges:
                    if e.bath == b:
                        plus += x[e.omega] * x[e.up] * p[:, e.lo]
                        minus += x[e.omega] * x[e.down] * p[:, e.hi]
                q = plus - minus
                with np.errstate(divide="ignore", invalid="ignore"):
                    kap = np.where(q != 0, (plus + minus) / np.abs(q), np.where(plus + minus > 0, np.inf, 1.0))
                currents[b] = (q, (self.n + 4) * _U * kap)
            return currents[b]

        cumulants: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

        def cumulant(b: int, order: int) -> tuple[np.ndarray, np.ndarray]:
            if (b, order) not in cumulants:
                vals = np.empty((order, npts))
                errs = np.empty((order, npts))
                for i in range(npts):
                    edges = []
                    for e in self.edges:
                        w = x[e.omega, i] if e.bath == b else 0.0
                        edges += [(e.lo, e.hi, x[e.up, i], w), (e.hi, e.lo, x[e.down, i], -w)]
                    try:
                        v, e = cumulants_numeric(self.n, edges, order, diagnostics=True)
                    except (ZeroDivisionError, np.linalg.LinAlgError):
                        vals[:, i], errs[:, i] = np.nan, np.inf
                        continue
                    vals[:, i] = v
                    with np.errstate(divide="ignore", invalid="ignore"):
                        errs[:, i] = np.where(v != 0, 4 * e / np.abs(v), np.inf)
                cumulants[(b, order)] = (vals, errs)
            return cumulants[(b, order)]

        def entropy() -> tuple[np.ndarray, np.ndarray]:
            # sigma = -sum_X q_X / T_X = -sum_X q_X (1/T_X - 1/T_0), using the first law sum_X q_X = 0
            T = [x[t] for t in self.temperatures]
            tot = np.zeros(npts)
            mag = np.zeros(npts)
            errsum = np.zeros(npts)
            for b, Tb in enumerate(T):
                q, e = current(b)
                with np.errstate(divide="ignore", invalid="ignore"):
                    c = q * (T[0] - Tb) / (Tb * T[0])
                tot -= c
                mag += np.abs(c)
                errsum += np.abs(c) * (e + 4 * _U)
            with np.errstate(divide="ignore", invalid="ignore"):
                return tot, np.where(tot != 0, errsum / np.abs(tot) + (self.n + 4) * _U * mag / np.abs(tot), np.inf)

        for j, (kind, k) in enumerate(self.outputs):
            if kind == "population":
                out[j], err[j] = p[:, k], gth_err
            elif kind == "flux":  # net probability flux lo -> hi on transition k
                e = self.edges[k]
                a, b = x[e.up] * p[:, e.lo], x[e.down] * p[:, e.hi]
                out[j] = a - b
                with np.errstate(divide="ignore", invalid="ignore"):
                    err[j] = np.where(a != b, (self.n + 4) * _U * (a + b) / np.abs(a - b),
                                      np.where(a + b > 0, np.inf, gth_err))
            elif kind == "current":
                out[j], err[j] = current(k)
            elif kind == "cumulant":
                b, order, idx = k
                v, e = cumulant(b, order)
                out[j], err[j] = v[idx], e[idx]
            elif kind == "entropy":
                out[j], err[j] = entropy()
            elif kind == "tur":
                b, order = k
                v, e = cumulant(b, order)
                sg, se = entropy()
                with np.errstate(divide="ignore", invalid="ignore"):
                    out[j] = v[1] * sg / v[0] ** 2
                err[j] = e[1] + se + 2 * e[0]
            else:  # pragma: no cover - internal
                raise ValueError(kind)
        return out, err

    def fast(self, values: Mapping[sympy.Symbol, np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
        x, bad = self._variables(values)
        vals, err = self._evaluate(x)
        unresolved = bad | ~np.all(np.isfinite(vals), axis=0) | ~np.all(err <= self.rtol, axis=0)
        return list(vals), unresolved

    # ------------------------------------------------------------------ exact path
    def exact(self, values: Mapping[sympy.Symbol, Any], dps: int) -> list[Any]:
        try:
            x, bad = self._variables({p: np.asarray([float(values[p])]) for p in self.params})
            _, err = self._evaluate(x)
            e = float(np.max(err))
            extra = 40 if bad[0] or not math.isfinite(e) else int(min(80.0, max(0.0, math.log10(e / _U + 1.0))))
        except (OverflowError, ValueError, FloatingPointError):
            extra = 40
        work = max(int(dps), 17) + extra + 10
        if self._mp is None:
            self._mp = sympy.lambdify(self._inputs(), self.variables, modules="mpmath")
        for _ in range(4):
            ctx = mpmath.MPContext()
            ctx.dps = work
            with mpmath.workdps(work):  # the lambdified mpmath code uses the global context
                args = [mpmath.mpmathify(values[p]) for p in self.params]
                if self.spectrum is not None:
                    sv = self.spectrum.mp(values, work)
                    args += [sv[s] for s in self.spectrum.symbols]
                try:
                    xs = [mpmath.re(v) for v in self._mp(*args)]
                except (ZeroDivisionError, ValueError) as exc:
                    raise EvaluationError(f"the rates are not finite at {dict(values)} ({exc}).") from None
            if any(not mpmath.isfinite(v) or v < 0 for v in xs):
                raise EvaluationError(f"the rates are not finite and non-negative at {dict(values)}.")
            xs = [ctx.mpf(v) for v in xs]
            try:
                out = self._exact_outputs(xs, ctx)
            except (ZeroDivisionError, NonUniqueSteadyStateError):
                raise EvaluationError(
                    f"the steady state is not unique at {dict(values)}: a rate vanishes there and the levels "
                    "split into unconnected groups (e.g. a zero temperature or coupling).") from None
            if all(ctx.isfinite(v) for v in out):
                return out
            work *= 2
        raise EvaluationError(f"the closed form is not finite at {dict(values)} even in exact arithmetic.")

    def _exact_outputs(self, xs: list[Any], ctx: Any) -> list[Any]:
        # populations, currents, fluxes and sigma: GTH in mpmath at the working precision (subtraction-free, so
        # every population carries relative error ~ n 10^-dps and each output ~ kappa n 10^-dps; the caller
        # added log10(kappa) digits) -- milliseconds, where the rational tree polynomials take seconds
        # for eight levels.  Cumulants need the characteristic-polynomial coefficients: exact polynomials.
        if self.exact_polys is not None and any(kind in ("cumulant", "tur") for kind, _ in self.outputs):
            vals = self.exact_polys(xs)
            get = {key: vals[i] for key, i in self.keys.items()}
            Z = get[("Z",)]
            if Z == 0:
                raise ZeroDivisionError("Z = 0")
            T = [mpf_to_fmpq(xs[t]) for t in self.temperatures]

            def current(b: int) -> Any:
                return get[("N", b)] / Z

            def cumulants(b: int, order: int) -> list[Any]:
                pk = {(k, m): get[("p", b, k, m)] for k in range(order + 1) for m in range(order + 1 - k)
                      if (k, m) != (0, 0)}
                return self.formulas[order](pk)

            def entropy() -> Any:
                return -sum(current(b) * (T[0] - Tb) / (Tb * T[0]) for b, Tb in enumerate(T))

            out = []
            for kind, k in self.outputs:
                if kind == "population":
                    out.append(get[("P", k)] / Z)
                elif kind == "flux":
                    out.append(get[("F", k)] / Z)
                elif kind == "current":
                    out.append(current(k))
                elif kind == "cumulant":
                    out.append(cumulants(k[0], k[1])[k[2]])
                elif kind == "entropy":
                    out.append(entropy())
                elif kind == "tur":
                    kap = cumulants(k[0], k[1])
                    out.append(kap[1] * entropy() / kap[0] ** 2)
            return [fmpq_to_mpf(v, ctx) for v in out]
        Q = [[ctx.mpf(0)] * self.n for _ in range(self.n)]
        for e in self.edges:
            Q[e.lo][e.hi] += xs[e.up]
            Q[e.hi][e.lo] += xs[e.down]
        p = gth_stationary_mp(Q, ctx)

        def current_mp(b: int) -> Any:
            return ctx.fsum(xs[e.omega] * (xs[e.up] * p[e.lo] - xs[e.down] * p[e.hi]) for e in self.edges
                            if e.bath == b)

        out = []
        for kind, k in self.outputs:
            if kind == "population":
                out.append(p[k])
            elif kind == "flux":
                e = self.edges[k]
                out.append(xs[e.up] * p[e.lo] - xs[e.down] * p[e.hi])
            elif kind == "current":
                out.append(current_mp(k))
            elif kind == "entropy":
                T = [xs[t] for t in self.temperatures]
                out.append(-ctx.fsum(current_mp(b) * (T[0] - Tb) / (Tb * T[0]) for b, Tb in enumerate(T)))
            else:  # pragma: no cover - internal
                raise ValueError(kind)
        return out


class ResponseBackend(NumericBackend):
    r"""Linear response :math:`G_{XY} = \partial q^X/\partial T_Y` at equal temperatures :math:`T`.

    Fast path: the first-order deviation from the Gibbs state,
    :math:`K_0\,\delta\rho = -\delta K_Y\,\rho_0` (bordered system, one refinement
    step with the residual in extended precision gives the error estimate), then
    :math:`G_{XY} = \sum_{t\in X}\omega_t(\delta W^\uparrow_t\rho_l + W^\uparrow_t\delta\rho_l
    - \delta W^\downarrow_t\rho_h - W^\downarrow_t\delta\rho_h)`.  Exact path: the
    closed form :math:`G_{XY} = \sum_v (\partial N_X/\partial x_v)\,\partial_{T_Y}x_v / Z`
    in rational arithmetic.

    Parameters
    ----------
    n, edges
        Levels and transitions (:class:`Edge`; ``up``/``down``/``omega`` index ``variables``).
    variables
        Equilibrium values of the ring variables (rates at :math:`T_X = T`, Bohr frequencies).
    derivatives
        ``[(bath Y, variable index v, expression of d x_v / d T_Y at T)]``.
    params
        The parameters (with the common temperature ``T``).
    pairs
        Output ``(X, Y)`` bath indices, in order.
    exact
        :class:`ExactPolynomials` of ``[dN_X/dx_v for (X, Y, v) in terms] + [Z]``.
    terms
        ``[(X, Y, v, derivative index)]`` matching ``exact``.
    """

    def __init__(self, n: int, edges: Sequence[Edge], variables: Sequence[sympy.Expr],
                 derivatives: Sequence[tuple[int, int, sympy.Expr]], params: Sequence[sympy.Symbol],
                 pairs: Sequence[tuple[int, int]], exact: ExactPolynomials, terms: Sequence[tuple[int, int, int, int]],
                 rtol: float = 1e-11):
        self.n, self.edges, self.params, self.pairs = n, list(edges), list(params), list(pairs)
        self.variables = list(variables)
        self.derivatives = list(derivatives)
        self.exact_polys, self.terms, self.rtol = exact, list(terms), rtol
        exprs = self.variables + [d for _, _, d in self.derivatives]
        undefined = set().union(*(v.atoms(sympy.core.function.AppliedUndef) for v in exprs))
        if undefined:
            raise InvalidParameterError(
                f"cannot evaluate numerically: undefined functions {sorted(map(str, undefined))}.")
        self._np: Any = None
        self._mp: Any = None

    def _values(self, values: Mapping[sympy.Symbol, Any]) -> tuple[np.ndarray, np.ndarray]:
        if self._np is None:
            exprs = self.variables + [d for _, _, d in self.derivatives]
            self._np = sympy.lambdify(self.params, exprs, modules=["scipy", "numpy"], cse=True)
        x = points_of(self._np, self.params, values)
        return x, ~np.all(np.isfinite(x), axis=0)

    def fast(self, values: Mapping[sympy.Symbol, np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
        xall, bad = self._values(values)
        nv = len(self.variables)
        npts = xall.shape[1]
        out = np.zeros((len(self.pairs), npts))
        err = np.full((len(self.pairs), npts), np.inf)
        nb = 1 + max(max(e.bath for e in self.edges), max(p[1] for p in self.pairs))
        for i in range(npts):
            if bad[i]:
                continue
            x, dx = xall[:nv, i], xall[nv:, i]
            K = _generator(self.n, self.edges, x)
            rho = _gth_batch(np.maximum(K - np.diag(np.diag(K)), 0.0).T[None])[0]
            if not np.all(np.isfinite(rho)):
                continue
            B = np.zeros((self.n + 1, self.n + 1))
            B[: self.n, : self.n] = K
            B[: self.n, self.n] = rho
            B[self.n, : self.n] = 1.0
            for Y in range(nb):
                d = np.zeros(len(self.variables))
                for k, (by, v, _) in enumerate(self.derivatives):
                    if by == Y:
                        d[v] += dx[k]
                dK = _generator(self.n, self.edges, d)
                b = np.concatenate([-dK @ rho, [0.0]])
                sol = np.linalg.solve(B, b)
                res = (b.astype(np.longdouble) - B.astype(np.longdouble) @ sol.astype(np.longdouble)).astype(float)
                corr = np.linalg.solve(B, res)
                drho, ddrho = (sol + corr)[: self.n], np.abs(corr[: self.n]) + (self.n + 4) * _U * np.abs(sol[: self.n])
                for j, (X, YY) in enumerate(self.pairs):
                    if YY != Y:
                        continue
                    tot, mag, prop = 0.0, 0.0, 0.0
                    for e in self.edges:
                        if e.bath != X:
                            continue
                        w = x[e.omega]
                        terms = (w * d[e.up] * rho[e.lo], w * x[e.up] * drho[e.lo],
                                 -w * d[e.down] * rho[e.hi], -w * x[e.down] * drho[e.hi])
                        tot += sum(terms)
                        mag += sum(abs(t) for t in terms)
                        prop += w * (x[e.up] * ddrho[e.lo] + x[e.down] * ddrho[e.hi])
                    out[j, i] = tot
                    err[j, i] = ((self.n + 8) * _U * mag + prop) / abs(tot) if tot != 0 else np.inf
        unresolved = bad | ~np.all(err <= self.rtol, axis=0)
        return list(out), unresolved

    def exact(self, values: Mapping[sympy.Symbol, Any], dps: int) -> list[Any]:
        work = max(int(dps), 30) + 40
        if self._mp is None:
            exprs = self.variables + [d for _, _, d in self.derivatives]
            self._mp = sympy.lambdify(self.params, exprs, modules="mpmath")
        ctx = mpmath.MPContext()
        ctx.dps = work
        with mpmath.workdps(work):
            vals = [mpmath.re(v) for v in self._mp(*[mpmath.mpmathify(values[p]) for p in self.params])]
        nv = len(self.variables)
        polys = self.exact_polys([mpf_to_fmpq(v) for v in vals[:nv]])
        Z = polys[-1]
        if Z == 0:
            raise EvaluationError(f"the partition sum vanishes at {dict(values)}.")
        dq = [mpf_to_fmpq(v) for v in vals[nv:]]
        acc = {pair: 0 for pair in self.pairs}
        for (X, Y, _v, k), D in zip(self.terms, polys[:-1]):
            acc[(X, Y)] += D * dq[k]
        return [fmpq_to_mpf(acc[pair] / Z, ctx) for pair in self.pairs]
