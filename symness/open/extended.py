r"""The Redfield steady state in extended precision (python-flint ball arithmetic).

Where double precision cannot resolve a current -- low temperatures, where
the currents are :math:`e^{-\Delta E/T}\sim 10^{-20}\dots10^{-300}` times the
rates, or extreme scales -- the steady state of the *same* generator is
solved again with more bits.  The generator is taken from the double-precision
data as exact binary numbers:

* the energies :math:`E_a` and the eigenbasis operators :math:`A_k` (made
  exactly Hermitian for a Hermitian coupling),
* the emission rates :math:`\Gamma_k(\omega\ge0)` (each accurate to a few ulp),
* the absorption rates from the Kubo-Martin-Schwinger relation,
  :math:`\gamma(-\omega) = e^{-\omega/T}\gamma(\omega)`, with the *exact*
  Bohr frequencies :math:`\omega = E_c - E_a` evaluated in extended precision.

The last point keeps the identities the physics rests on exact (detailed
balance of each bath with its own Gibbs factors, hence zero heat current
between baths at equal temperatures), so that the only approximation left is
the relative rounding of each input, which changes the currents by a few ulp
*relative*.  The superoperator is assembled and solved (``acb_mat.solve``,
``algorithm="approx"``) at 128, 256, 512, ... bits until two successive
precisions agree (:func:`extended_redfield`).

flint's working precision is global; every computation here holds a lock,
so symness threads never see each other's precision.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from ..errors import InvalidParameterError, NonUniqueSteadyStateError

__all__ = ["EXTENDED_AUTO_MAX_DIM", "EXTENDED_MAX_DIM", "EXTENDED_MAX_BITS", "PAULI_EXTENDED_AUTO_MAX_DIM",
           "PAULI_EXTENDED_MAX_DIM", "ExtendedRedfield", "ExtendedPauli", "converge", "to_mpf"]

#: ``precision="auto"`` recomputes in extended precision up to this working dimension
EXTENDED_AUTO_MAX_DIM = 12
#: ``precision="extended"`` is refused above this working dimension (the dense d^2 x d^2 solve)
EXTENDED_MAX_DIM = 20
#: the precision is doubled from 128 bits up to this many bits
EXTENDED_MAX_BITS = 4096

_LOCK = threading.RLock()


def _flint() -> Any:
    try:
        import flint
    except ImportError:  # pragma: no cover - python-flint is a dependency
        raise InvalidParameterError(
            "extended precision needs python-flint (pip install python-flint); use precision='double'.") from None
    return flint


def to_mpf(x: Any) -> mpmath.mpf:
    """The midpoint of a flint ``arb`` as an mpmath number (exact; any exponent, no underflow)."""
    man, exp = x.mid().man_exp()
    return mpmath.mpf((int(man), int(exp)))


def _obj(a: np.ndarray, flint: Any) -> np.ndarray:
    """A float/complex array as an object array of exact flint ``acb`` numbers."""
    a = np.asarray(a, dtype=complex)
    out = np.empty(a.shape, dtype=object)
    for idx, z in np.ndenumerate(a):
        out[idx] = flint.acb(float(z.real), float(z.imag))
    return out


def converge(evaluate: Any, rtol: float, floor: dict[str, float] | None = None,
             max_bits: int = EXTENDED_MAX_BITS) -> tuple[Any, Any, int]:
    """Evaluate ``evaluate(bits) -> {key: mpmath number}`` at doubling precision until it settles.

    Two successive precisions ``b`` and ``2b`` settle when they differ by at
    most ``rtol`` relative, or by less than the resolution of ``b`` bits
    (``2**20 * floor[key] * 2**(53 - b)``, ``floor`` the double-precision error
    estimate, the 2**20 a margin for the conditioning: a value that is zero to
    every precision).  Returns ``(values, errors,
    bits)``: the values at the last precision, their estimated errors and
    the bits used; at :data:`EXTENDED_MAX_BITS` without settling the error
    is the last change (the caller warns).
    """
    floor = floor or {}
    bits = 128
    prev = evaluate(bits)
    while True:
        nxt = 2 * bits
        cur = evaluate(nxt)
        diff = {k: abs(cur[k] - prev[k]) for k in cur}
        res = {k: 2**20 * floor.get(k, 0.0) * mpmath.mpf(2) ** (53 - bits) for k in cur}
        if all(diff[k] <= rtol * abs(cur[k]) + res[k] for k in cur):
            err = {k: diff[k] * mpmath.mpf(2) ** (bits - nxt) + res[k] * mpmath.mpf(2) ** (bits - nxt)
                   for k in cur}
            return cur, err, nxt
        if 2 * nxt > max_bits:
            return cur, diff, nxt
        bits, prev = nxt, cur


@dataclass
class ExtendedRedfield:
    r"""Extended-precision steady state of a :class:`~symness.open.liouvillian.RedfieldLiouvillian`.

    Parameters
    ----------
    gen
        The double-precision generator (its channels, energies and baths are
        the exact inputs, see the module docstring).

    Attributes
    ----------
    bits
        The precision of the last solve.
    """

    gen: Any
    noise_seed: int | None = None
    bits: int = 0
    _states: dict[int, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.gen.dim > EXTENDED_MAX_DIM:
            raise InvalidParameterError(
                f"extended precision solves the dense {self.gen.dim}^2-dimensional Redfield system; working "
                f"dimension {self.gen.dim} is above {EXTENDED_MAX_DIM}. Solve in a smaller sector or use "
                "precision='double'.")

    # ------------------------------------------------------------------ the generator
    def _inputs(self, flint: Any) -> tuple[np.ndarray, list[tuple[str, np.ndarray, np.ndarray]]]:
        """Exact energies and, per channel, (bath, A, A~) as object arrays at the current precision.

        Every rate comes from the bath's emission rate at the Bohr frequency
        :math:`|E_c - E_a|` (float64) and, for absorption, the KMS factor at the
        exact frequency, so each pair of opposite transitions is in exact detailed
        balance (also where the double-precision absorption rate underflows).
        """
        gen = self.gen
        system = gen.system
        Ef = np.asarray(gen.space.E, dtype=float)
        E = np.array([flint.arb(float(e)) for e in Ef], dtype=object)
        d = E.size
        kinds = [(i, c, which) for i, c in enumerate(system.couplings)
                 for which in (("S",) if c.kind == "hermitian" else ("L", "Ldag"))]
        chans = []
        for ch, (i, cpl, which) in zip(gen.channels, kinds):
            A = np.asarray(ch.A, dtype=complex)
            if self.noise_seed is not None:  # the round-off level of the double-precision operator
                rng = np.random.default_rng([self.noise_seed, i])
                X = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
                if which == "S":
                    X = X + X.conj().T
                X = X.conj().T if which == "Ldag" else X
                A = A + 8 * np.finfo(float).eps * float(np.max(np.abs(A), initial=0.0)) * X
            if which == "S":
                A = (A + A.conj().T) / 2  # exact in binary: a Hermitian coupling is Hermitian
            Ao = _obj(A, flint)
            sigma = np.imag(np.asarray(ch.Gamma, dtype=complex))  # Lamb shift (float), if any
            T = float(cpl.bath.T)
            emits = which in ("S", "L")
            absorbs = which in ("S", "Ldag")
            a_idx, c_idx = np.nonzero(A)
            W = Ef[c_idx] - Ef[a_idx]
            absW = np.abs(W)
            uniq, inv = np.unique(absW, return_inverse=True)
            g = np.asarray(cpl.bath.rate(uniq), dtype=float).reshape(-1)
            if which != "S":
                g = np.where(uniq == 0, g / 2, g)  # theta(0) = 1/2 for a rotating-wave channel
            Go = np.full((d, d), flint.acb(0), dtype=object)
            for a, c, w_f, k in zip(a_idx, c_idx, W, inv):
                if w_f > 0 and not emits or w_f < 0 and not absorbs:
                    re = flint.arb(0)
                elif w_f >= 0:
                    re = flint.arb(float(g[k])) / 2
                elif T > 0:
                    re = (flint.arb(float(g[k])) / 2) * ((E[c] - E[a]) / T).exp()
                else:
                    re = flint.arb(0)
                Go[a, c] = flint.acb(re, float(sigma[a, c]))
            chans.append((ch.bath, Ao, Go * Ao))
        return E, chans

    def _solve(self, bits: int) -> Any:
        flint = _flint()
        with _LOCK, flint.ctx.workprec(bits):
            E, chans = self._inputs(flint)
            d = E.size
            n = d * d
            Z = flint.acb(0)
            M = np.full((d, d), Z, dtype=object)
            R = np.full((n, n), Z, dtype=object)
            for _, A, At in chans:
                M = M + A.conj().T @ At
                R = R + np.kron(At, A.conj()) + np.kron(A, At.conj())
            eye = np.full((d, d), Z, dtype=object)
            for a in range(d):
                eye[a, a] = flint.acb(1)
            R = R - np.kron(M, eye) - np.kron(eye, M.conj())
            for a in range(d):
                for b in range(d):
                    R[a * d + b, a * d + b] -= flint.acb(0, 1) * (E[a] - E[b])
            diag = [a * (d + 1) for a in range(d)]
            w = flint.acb(1) / d
            for i in diag:
                for j in diag:
                    R[i, j] += w
            rhs = flint.acb_mat(n, 1, [w if i in diag else Z for i in range(n)])
            Rm = flint.acb_mat(R.tolist())
            try:
                x = Rm.solve(rhs, algorithm="approx")
            except ZeroDivisionError:
                raise NonUniqueSteadyStateError(
                    f"the trace-fixed Redfield system is exactly singular at {bits} bits: the steady state is "
                    "not unique.", reason="singular generator") from None
            rho = np.empty((d, d), dtype=object)
            for i in range(n):
                rho[i // d, i % d] = x[i, 0]
            rho = (rho + rho.conj().T) / 2
            tr = sum(rho[a, a] for a in range(d))
            rho = rho / tr
            return {"E": E, "chans": chans, "rho": rho, "system": (Rm, rhs)}

    def certified(self, bits: int) -> bool:
        """Whether ball arithmetic at ``bits`` proves the trace-fixed system invertible (the state unique)."""
        flint = _flint()
        st = self.state(bits)
        with _LOCK, flint.ctx.workprec(bits):
            R, rhs = st["system"]
            try:
                R.solve(rhs)
            except ZeroDivisionError:
                return False
            return True

    def state(self, bits: int) -> dict[str, Any]:
        """The solution at ``bits`` (cached): exact inputs ``E``, ``chans`` and the eigenbasis ``rho``."""
        if bits not in self._states:
            self._states[bits] = self._solve(bits)
        self.bits = max(self.bits, bits)
        return self._states[bits]

    # ------------------------------------------------------------------ observables
    def _currents_at(self, bits: int) -> dict[str, mpmath.mpf]:
        flint = _flint()
        st = self.state(bits)
        with _LOCK, flint.ctx.workprec(bits):
            E, rho = st["E"], st["rho"]
            d = E.size
            out: dict[str, Any] = {name: flint.arb(0) for name in self.gen.names}
            for name, A, At in st["chans"]:
                Mk = A.conj().T @ At
                D = At @ rho @ A.conj().T + A @ rho @ At.conj().T - Mk @ rho - rho @ Mk.conj().T
                out[name] += sum((E[a] * D[a, a]).real for a in range(d))
            return {k: to_mpf(v) for k, v in out.items()}

    def _expect_at(self, bits: int, O_site: np.ndarray) -> mpmath.mpc:
        flint = _flint()
        st = self.state(bits)
        with _LOCK, flint.ctx.workprec(bits):
            rho = st["rho"]
            d = rho.shape[0]
            V = _obj(self.gen.space.V, flint)
            O = _obj(O_site, flint)
            Oe = V.conj().T @ O @ V
            val = sum(Oe[a, b] * rho[b, a] for a in range(d) for b in range(d))
            return mpmath.mpc(to_mpf(val.real), to_mpf(val.imag))

    def currents(self, rtol: float = 1e-12, floor: dict[str, float] | None = None,
                 max_bits: int = EXTENDED_MAX_BITS) -> tuple[dict[str, float], dict[str, float], int]:
        """Bath heat currents (floats), their error estimates and the bits used."""
        vals, errs, bits = converge(self._currents_at, rtol, floor, max_bits)
        return ({k: float(v) for k, v in vals.items()}, {k: float(e) for k, e in errs.items()}, bits)

    def expect(self, O_site: np.ndarray, rtol: float = 1e-12, floor: float = 0.0) -> tuple[complex, float, int]:
        """``tr(O rho)`` for a working-space (site-basis) operator: value, error estimate and bits."""
        vals, errs, bits = converge(lambda b: {"v": self._expect_at(b, O_site)}, rtol, {"v": floor})
        return complex(vals["v"]), float(errs["v"]), bits


#: ``precision="auto"`` recomputes a Davies (Pauli) state in extended precision up to this many levels
PAULI_EXTENDED_AUTO_MAX_DIM = 128
#: ``precision="extended"`` for a Davies (Pauli) state is refused above this many levels
PAULI_EXTENDED_MAX_DIM = 512


@dataclass
class ExtendedPauli:
    r"""Extended-precision stationary state of the Pauli master equation of a Davies generator.

    The downward rates :math:`W^b_{c\to a}` (:math:`E_c > E_a`) of each bath are
    taken from double precision; the upward ones from detailed balance,
    :math:`W^b_{a\to c} = e^{-(E_c - E_a)/T_b}W^b_{c\to a}` with the exact energy
    difference, so each bath is in exact detailed balance with its own Gibbs
    state (zero currents at equal temperatures, full relative precision near
    them and for very hot baths).  Only for a spectrum without degenerate levels
    (the populations-only block).
    """

    gen: Any
    bits: int = 0
    _cache: dict[int, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        pb = self.gen.pauli
        if pb is None or not pb.populations_only:
            raise InvalidParameterError(
                "extended precision for a Davies state needs a non-degenerate spectrum (the Pauli master "
                "equation); use precision='double'.")
        if pb.d > PAULI_EXTENDED_MAX_DIM:
            raise InvalidParameterError(
                f"extended precision solves the Pauli master equation of {pb.d} levels densely; above "
                f"{PAULI_EXTENDED_MAX_DIM} use a sector or precision='double'.")

    def _at(self, bits: int) -> dict[str, mpmath.mpf]:
        return self._solve(bits)[0]

    def rates(self, bits: int) -> tuple[list[Any], dict[str, list[list[Any]]]]:
        """Energies and rate matrices ``W[bath][a][c]`` (rate ``c -> a``) as flint ``arb`` at ``bits``.

        Downward rates from double precision, upward ones by detailed balance with the exact
        energy differences (class docstring).
        """
        flint = _flint()
        pb = self.gen.pauli
        Ef = np.asarray(pb.E, dtype=float)
        d = Ef.size
        temps = {c.name: float(c.bath.T) for c in self.gen.system.couplings}
        with _LOCK, flint.ctx.workprec(bits):
            E = [flint.arb(float(e)) for e in Ef]
            zero = flint.arb(0)
            W: dict[str, list[list[Any]]] = {}
            for name, Db in pb.D.items():
                Db = np.asarray(Db, dtype=float)
                T = temps[name]
                Wb = [[zero] * d for _ in range(d)]
                for a in range(d):
                    for c in range(d):
                        if a == c:
                            continue
                        if Ef[c] > Ef[a]:  # down c -> a: from double precision
                            Wb[a][c] = flint.arb(float(Db[a, c]))
                        elif Ef[c] < Ef[a]:  # up c -> a: detailed balance with the down rate a -> c
                            down = float(Db[c, a])
                            Wb[a][c] = (flint.arb(down) * ((E[c] - E[a]) / T).exp()
                                        if T > 0 and down != 0 else zero)
                        else:
                            Wb[a][c] = flint.arb(float(Db[a, c]))
                W[name] = Wb
        return E, W

    def _solve(self, bits: int) -> tuple[dict[str, mpmath.mpf], Any]:
        if bits in self._cache:
            return self._cache[bits]
        flint = _flint()
        d = self.gen.pauli.d
        with _LOCK, flint.ctx.workprec(bits):
            E, W = self.rates(bits)
            zero = flint.arb(0)
            Q = [[sum((W[n][a][c] for n in W), zero) for c in range(d)] for a in range(d)]
            for c in range(d):
                Q[c][c] = -sum((Q[a][c] for a in range(d) if a != c), zero)
            Q[0] = [flint.arb(1)] * d  # normalisation replaces one balance equation
            rhs = flint.arb_mat(d, 1, [1] + [0] * (d - 1))
            p = flint.arb_mat(Q).solve(rhs, algorithm="approx")
            out = {}
            for name, Wb in W.items():
                tot = zero
                for a in range(d):
                    for c in range(d):
                        if a != c and Wb[a][c] != 0:
                            tot += Wb[a][c] * p[c, 0] * (E[a] - E[c])
                out[name] = to_mpf(tot)
        self._cache[bits] = (out, p)
        self.bits = max(self.bits, bits)
        return out, p

    def _expect_at(self, bits: int, O_site: np.ndarray) -> mpmath.mpc:
        flint = _flint()
        _, p = self._solve(bits)
        with _LOCK, flint.ctx.workprec(bits):
            V = _obj(self.gen.space.V, flint)
            O = _obj(O_site, flint)
            d = V.shape[0]
            val = flint.acb(0)
            for a in range(d):
                Oaa = sum((V[i, a].conjugate() * O[i, j] * V[j, a] for i in range(d) for j in range(d)),
                          flint.acb(0))
                val += Oaa * p[a, 0]
            return mpmath.mpc(to_mpf(val.real), to_mpf(val.imag))

    def expect(self, O_site: np.ndarray, rtol: float = 1e-12, floor: float = 0.0) -> tuple[complex, float, int]:
        """``tr(O rho)`` (``rho`` diagonal in the eigenbasis) for a working-space operator."""
        vals, errs, bits = converge(lambda b: {"v": self._expect_at(b, O_site)}, rtol, {"v": floor})
        return complex(vals["v"]), float(errs["v"]), bits

    def currents(self, rtol: float = 1e-12, floor: dict[str, float] | None = None
                 ) -> tuple[dict[str, float], dict[str, float], int]:
        """Bath heat currents (floats), their error estimates and the bits used."""
        vals, errs, bits = converge(self._at, rtol, floor)
        return ({k: float(v) for k, v in vals.items()}, {k: float(e) for k, e in errs.items()}, bits)
