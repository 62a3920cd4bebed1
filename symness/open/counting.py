r"""Counting statistics of the heat exchanged with a bath in a Davies (secular) or Redfield steady state.

Count the energy :math:`Q^X_t` that bath :math:`X` gives to the system up to time
:math:`t` (two-point measurement of the bath energy; :math:`\hbar = k_B = 1`).  Its
moment generating function grows as
:math:`\langle e^{\chi Q^X_t}\rangle \sim e^{t\lambda(\chi)}`, with :math:`\lambda(\chi)`
the eigenvalue of the *tilted generator* that vanishes at :math:`\chi = 0`.  For the
Davies generator of :mod:`symness.open.secular`,

.. math::

    \mathcal L_\chi\rho = \mathcal L\rho + \sum_{k\in X,\,B}\gamma_k(\omega_B)
    \big(e^{-\chi\omega_B} - 1\big)\,A_k(\omega_B)\rho A_k(\omega_B)^\dagger ,

every jump of class :math:`B` (Bohr frequency :math:`\omega_B = E_c - E_a > 0`:
emission, the system gives :math:`\omega_B` to the bath) carrying the increment
:math:`-\omega_B` of the energy *from the bath into the system*.  Element by element
the jump term maps :math:`\rho_{cd}\to\rho_{ab}` with :math:`(a, c)` and
:math:`(b, d)` in the same Bohr class, and it carries the energy
:math:`\bar E_{\ell(a)} - \bar E_{\ell(c)}` (mean level energies): for a
non-degenerate spectrum these are the population jumps of the Pauli master
equation; with degenerate levels or degenerate Bohr frequencies the jumps between
coherences count too.  The tilted generator keeps the Bohr-frequency blocks of
:math:`\mathcal L` (it is still covariant under :math:`e^{-iHt}\cdot e^{iHt}`), so the
counting statistics live in the zero-frequency block that holds the steady state
(:class:`~symness.open.pauli.PauliBlock`; the connected block of the full secular
matrix when that is not decoupled), in the magnetisation sector the NESS was solved
in: :math:`g` unknowns per degenerate level squared, never :math:`d^2`.

The scaled cumulants :math:`\kappa_j = \lambda^{(j)}(0)` follow by Rayleigh-Schroedinger
perturbation theory (no eigenvalue solve): with
:math:`\mathcal K_m = \partial^m_\chi\mathcal L_\chi|_0 = \sum q^m\,\mathcal J`
(the bath's jump terms weighted by their increment :math:`q` to the power :math:`m`),
:math:`v_0 = \rho`, and :math:`\mathrm{tr}` the left zero eigenvector,

.. math::

    \frac{\kappa_j}{j!} = \mathrm{tr}\sum_{m=1}^{j}\frac{\mathcal K_m v_{j-m}}{m!},\qquad
    \mathcal L v_j = \sum_{i<j}\frac{\kappa_{j-i}}{(j-i)!}v_i - \sum_{m=1}^{j}\frac{\mathcal K_m v_{j-m}}{m!},
    \quad \mathrm{tr}\,v_j = 0,

i.e. :math:`v_j` from the Drazin inverse of :math:`\mathcal L`, computed by one LU of the
bordered matrix :math:`\begin{pmatrix}\mathcal L & \rho\\ \mathrm{tr} & 0\end{pmatrix}`
(dense up to :data:`~symness.open.pauli.DENSE_BLOCK_MAX` unknowns, SuperLU above).
:math:`\kappa_1` is the mean heat current :math:`J_X`, :math:`\kappa_2 = S_X =
\lim_{t\to\infty}\mathrm{Var}(Q^X_t)/t` the zero-frequency noise (energy squared per
unit time), :math:`\kappa_3` the skewness rate (energy cubed per unit time).  Each
cumulant carries an error estimate (round-off of its sums, one step of iterative
refinement of each solve with the residual in extended precision); where it exceeds
:data:`~symness.open.steady.PRECISION_RTOL` of the value (e.g. the odd cumulants, which
vanish at equal temperatures, near equilibrium) the cumulants of a non-degenerate
spectrum are recomputed in extended precision, with each bath in exact detailed balance
(:class:`~symness.open.extended.ExtendedPauli`; the NESS's ``precision`` decides, as for
its currents), otherwise a :class:`~symness.errors.PrecisionWarning` is issued.

For a Redfield (non-secular) steady state the same recursion runs on the dense Redfield tensor
with the tilted jump terms derived in :mod:`symness.open.redfield_counting`; there
:math:`\kappa_1` is the counted mean (the energy that left the bath), which differs from
``ness.heat_current`` (:math:`\mathrm{tr}(H\mathcal D\rho)`) at relative order
:math:`\gamma^2`, and unresolved cumulants are reported by a warning (no extended route).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from math import factorial
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse import csgraph
from scipy.sparse.linalg import splu

from ..errors import InvalidModelError, InvalidParameterError, NonUniqueSteadyStateError, PrecisionWarning
from .extended import _LOCK, ExtendedPauli, _flint, converge, to_mpf
from .liouvillian import DaviesLiouvillian, RedfieldLiouvillian
from .pauli import DENSE_BLOCK_MAX
from .redfield_counting import redfield_tilted_generator
from .secular import _channel_entries
from .steady import EXTENDED_RTOL, PRECISION_RTOL

__all__ = ["heat_cumulants", "heat_current_noise", "tur_ratio", "tilted_generator", "TiltedGenerator",
           "MAX_ORDER", "MAX_DENSE_DIM", "MAX_SPARSE_DIM"]

#: highest cumulant order (each order is checked against finite differences of the leading eigenvalue)
MAX_ORDER = 4
#: largest dense (bordered) block factorised for the counting statistics (the Pauli rate matrix of a
#: non-degenerate spectrum is dense): (d + 1)^2 doubles
MAX_DENSE_DIM = 6000
#: largest sparse block (degenerate levels, SuperLU)
MAX_SPARSE_DIM = 200_000
_EPS = float(np.finfo(float).eps)


@dataclass
class TiltedGenerator:
    r"""The zero-frequency block of a Davies generator with the jump terms of one bath marked.

    Attributes
    ----------
    K0
        The block of :math:`\mathcal L` (``n x n``; dense ndarray or CSR).
    J
        The block of the bath's jump terms :math:`\mathcal J` (same shape, sparse COO data in
        ``rows``, ``cols``, ``vals``) with their increments ``q`` (energy from the bath into
        the system per jump; zero-energy jumps are left out).
    rho
        The steady state in block coordinates.
    trace
        The trace functional in block coordinates (1 on the populations).
    """

    K0: Any
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    q: np.ndarray
    rho: np.ndarray
    trace: np.ndarray

    @property
    def n(self) -> int:
        return int(self.rho.size)

    def derivative(self, m: int) -> sp.csr_matrix:
        r""":math:`\mathcal K_m = \partial^m_\chi\mathcal L_\chi|_{\chi=0}` (``m >= 1``)."""
        return sp.csr_matrix((self.vals * self.q**m, (self.rows, self.cols)), shape=(self.n, self.n))

    def apply(self, m: int, v: np.ndarray) -> np.ndarray:
        r""":math:`\mathcal K_m v`."""
        return self._derivatives(m)[0] @ v

    def apply_abs(self, m: int, w: np.ndarray) -> np.ndarray:
        r""":math:`|\mathcal K_m|\,w` (element-wise absolute values), for the error estimates."""
        return self._derivatives(m)[1] @ w

    def _derivatives(self, m: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        cache = self.__dict__.setdefault("_cache", {})
        if m not in cache:
            K = self.derivative(m)
            cache[m] = (K, abs(K))
        return cache[m]


def _check_bath(gen: Any, bath: Any) -> None:
    names = list(gen.names)
    if isinstance(bath, str) and bath in names:
        return
    hint = ""
    if isinstance(bath, (int, np.integer)) and not isinstance(bath, bool):
        hint = (f" Baths are named, not numbered: bath number {int(bath)} (1-based) is "
                f"{names[int(bath) - 1]!r}." if 1 <= int(bath) <= len(names) else " Baths are named, not numbered.")
    raise InvalidModelError(f"no bath named {bath!r}; this system's baths are {names}.{hint}")


def _check_order(order: Any) -> None:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 1 <= order <= MAX_ORDER:
        raise InvalidParameterError(f"order = {order!r}: cumulants of order 1..{MAX_ORDER} are available "
                                    "(1: mean current, 2: noise, 3: skewness rate, ...).")


def _check_generator(ness: Any) -> DaviesLiouvillian | RedfieldLiouvillian:
    gen = ness.generator
    if isinstance(gen, RedfieldLiouvillian) or (isinstance(gen, DaviesLiouvillian) and gen.per_class):
        return gen
    raise InvalidModelError(
        f"counting statistics are implemented for Davies (secular) and Redfield steady states; this is a "
        f"{gen.kind} state. Use symness.open.davies_ness(system) or redfield_ness(system), or the closed forms "
        "of symness.kernels.pauli_kernel(H, couplings).heat_current_noise(bath).")


def _population_block(gen: DaviesLiouvillian) -> np.ndarray:
    """Indices (row-major vec of the full d^2 space) of the secular block connected to the populations."""
    L = sp.csr_matrix(gen.L_eigen)
    pattern = sp.csr_matrix((np.ones(L.nnz), L.indices, L.indptr), shape=L.shape)
    _, comp = csgraph.connected_components(pattern, directed=False)
    d = gen.dim
    diag = np.arange(d) * (d + 1)
    pc = np.unique(comp[diag])
    if pc.size != 1:  # pragma: no cover - the steady-state solve refused this already
        raise NonUniqueSteadyStateError("the secular generator splits the populations into several blocks.",
                                        reason="disconnected rate graph")
    return np.flatnonzero(comp == pc[0])


def _block_size(gen: DaviesLiouvillian) -> tuple[int, bool]:
    """(block dimension, dense) without building anything new."""
    pb = gen.pauli
    if pb is not None:
        return pb.dim, bool(pb.populations_only or pb.dim <= DENSE_BLOCK_MAX)
    n = _population_block(gen).size
    return n, n <= DENSE_BLOCK_MAX


def _size_guard(gen: DaviesLiouvillian) -> tuple[int, bool]:
    n, dense = _block_size(gen)
    lim = MAX_DENSE_DIM if dense else MAX_SPARSE_DIM
    if n > lim:
        raise InvalidParameterError(
            f"the counting statistics need an LU of the {n} x {n} zero-frequency block of the Davies generator "
            f"({'dense' if dense else 'sparse'}; at most {lim}). Solve in a magnetisation sector "
            "(davies_ness(system, up_spins=k)) or a smaller system.")
    return n, dense


def tilted_generator(ness: Any, bath: str) -> TiltedGenerator:
    r"""The tilted-generator data of a Davies NESS for counting the energy from ``bath`` (see module docstring)."""
    gen = _check_generator(ness)
    _check_bath(gen, bath)
    st = gen.structure
    lev_E = st.level_energy[st.level]  # mean energy of each state's level
    rho_e = np.asarray(ness.rho_eigen())
    d = gen.dim
    pb = gen.pauli
    if pb is not None and pb.populations_only:
        W = np.asarray(pb.D.get(bath, np.zeros((d, d))), dtype=float)
        off = ~np.eye(d, dtype=bool)
        r, c = np.nonzero(off & (W != 0))
        q = lev_E[r] - lev_E[c]
        keep = q != 0
        return TiltedGenerator(np.asarray(pb.B, dtype=float), r[keep], c[keep], W[r, c][keep], q[keep],
                               np.real(np.diagonal(rho_e)).copy(), np.ones(d))
    if pb is not None:
        Dk = pb.D.get(bath)
        pa, _ = pb._pairs()
        if Dk is None:
            r = c = np.zeros(0, dtype=np.int64)
            v = np.zeros(0, dtype=complex)
        else:
            C = sp.coo_matrix(Dk)
            r, c, v = C.row.astype(np.int64), C.col.astype(np.int64), C.data.astype(complex)
        # inside the block, entries between different levels are jumps; those within one level carry no energy
        q = lev_E[pa[r]] - lev_E[pa[c]]
        keep = (q != 0) & (v != 0)
        trace = np.zeros(pb.dim)
        trace[pb.diag] = 1.0
        K0 = pb.B.toarray() if pb.dim <= DENSE_BLOCK_MAX else sp.csr_matrix(pb.B)
        return TiltedGenerator(K0, r[keep], c[keep], v[keep], q[keep], pb.to_block(rho_e), trace)
    # Bohr classes chained within the tolerance: the connected block of the full secular matrix
    block = _population_block(gen)
    pos = np.full(d * d, -1, dtype=np.int64)
    pos[block] = np.arange(block.size)
    rows, cols, vals = [], [], []
    for ch in gen.channels:
        if ch.bath != bath:
            continue
        rr, cc, vv, _ = _channel_entries(ch, st, d, True)  # the jump part only
        sel = pos[cc] >= 0
        rows.append(rr[sel])
        cols.append(cc[sel])
        vals.append(vv[sel])
    rr = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    cc = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    vv = np.concatenate(vals) if vals else np.zeros(0, dtype=complex)
    q = lev_E[rr // d] - lev_E[cc // d]
    keep = (q != 0) & (vv != 0)
    L = sp.csr_matrix(gen.L_eigen)[block][:, block]
    K0 = L.toarray() if block.size <= DENSE_BLOCK_MAX else sp.csr_matrix(L)
    trace = np.zeros(block.size)
    trace[pos[np.arange(d) * (d + 1)]] = 1.0
    return TiltedGenerator(K0, pos[rr[keep]], pos[cc[keep]], vv[keep], q[keep],
                           np.asarray(rho_e).reshape(-1)[block], trace)


class _Bordered:
    r"""LU of :math:`\begin{pmatrix}K_0 & \rho\\ t & 0\end{pmatrix}` with refined solves and their error."""

    def __init__(self, tg: TiltedGenerator):
        n = tg.n
        self.n = n
        real = not np.iscomplexobj(tg.K0) and not np.iscomplexobj(tg.rho)
        self.dtype = float if real else complex
        if sp.issparse(tg.K0):
            M = sp.bmat([[sp.csr_matrix(tg.K0), sp.csr_matrix(tg.rho.reshape(-1, 1))],
                         [sp.csr_matrix(tg.trace.reshape(1, -1)), None]], format="csc").astype(self.dtype)
            self.M = M
            self.lu = splu(M)
            self._solve = lambda b: self.lu.solve(np.asarray(b, dtype=self.dtype))
            self._ext = None
        else:
            M = np.zeros((n + 1, n + 1), dtype=self.dtype)
            M[:n, :n] = tg.K0
            M[:n, n] = tg.rho
            M[n, :n] = tg.trace
            self.M = M
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", sla.LinAlgWarning)
                self.lu = sla.lu_factor(M, check_finite=False)
            self._solve = lambda b: sla.lu_solve(self.lu, b, check_finite=False)
            self._ext = M.astype(np.longdouble if real else np.clongdouble)

    def solve(self, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(v, |correction|)``: the solution of ``K0 v = rhs - (t.rhs) rho``, ``t.v = 0`` and its error estimate."""
        b = np.concatenate([np.asarray(rhs, dtype=self.dtype), np.zeros(1, dtype=self.dtype)])
        x = self._solve(b)
        if self._ext is not None:  # residual in extended precision
            res = (b.astype(self._ext.dtype) - self._ext @ x.astype(self._ext.dtype)).astype(self.dtype)
        else:
            res = b - self.M @ x
        corr = self._solve(res)
        x = x + corr
        if not np.all(np.isfinite(x)):
            raise NonUniqueSteadyStateError(
                "the bordered generator is singular: the steady state is not unique.",
                reason="singular secular generator")
        return x[: self.n], np.abs(corr[: self.n])


def _cumulants(tg: TiltedGenerator, order: int, state_error: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Scaled cumulants 1..order and their estimated absolute errors (module docstring)."""
    n = tg.n
    tr = tg.trace
    vs = [np.asarray(tg.rho)]
    dvs = [np.abs(tg.rho) * (n + 4) * _EPS + state_error / np.sqrt(max(n, 1))]
    lam = [0.0]
    errs: list[float] = []
    solver = _Bordered(tg) if order > 1 else None
    for j in range(1, order + 1):
        acc = sum(tg.apply(m, vs[j - m]) / factorial(m) for m in range(1, j + 1))
        lam_j = factorial(j) * complex(tr @ acc)
        lam.append(lam_j.real)
        scale = sum(float(tr @ tg.apply_abs(m, np.abs(vs[j - m]))) / factorial(m) for m in range(1, j + 1))
        prop = sum(float(tr @ tg.apply_abs(m, dvs[j - m])) / factorial(m) for m in range(1, j + 1))
        errs.append(factorial(j) * ((n + 4) * _EPS * scale + prop) + abs(lam_j.imag))
        if j == order:
            break
        rhs = -acc + sum(lam[j - i] / factorial(j - i) * vs[i] for i in range(j))
        v, dv = solver.solve(rhs)
        vs.append(v)
        dvs.append(dv + (n + 4) * _EPS * np.abs(v))
    return np.array(lam[1:]), np.array(errs)


def _extended_at(ext: ExtendedPauli, bath: str, order: int, bits: int) -> dict[str, Any]:
    """Cumulants 2..order of a Pauli master equation at ``bits`` (flint balls; exact detailed balance)."""
    flint = _flint()
    with _LOCK, flint.ctx.workprec(bits):
        E, W = ext.rates(bits)
        _, p = ext._solve(bits)
        d = len(E)
        zero = flint.arb(0)
        K0 = [[sum((W[n][a][c] for n in W), zero) for c in range(d)] for a in range(d)]
        for c in range(d):
            K0[c][c] = -sum((K0[a][c] for a in range(d) if a != c), zero)
        Wx = W.get(bath)
        jumps = [] if Wx is None else [(a, c, Wx[a][c], E[a] - E[c]) for a in range(d) for c in range(d)
                                       if a != c and Wx[a][c] != 0]
        M = flint.arb_mat(d + 1, d + 1)
        for a in range(d):
            for c in range(d):
                M[a, c] = K0[a][c]
            M[a, d] = p[a, 0]
            M[d, a] = 1
        vs = [[p[a, 0] for a in range(d)]]
        lam = [zero]
        for j in range(1, order + 1):
            acc = [zero] * d
            for m in range(1, j + 1):
                v = vs[j - m]
                for a, c, w, q in jumps:
                    acc[a] += w * q**m * v[c] / factorial(m)
            lam.append(factorial(j) * sum(acc, zero))
            if j == order:
                break
            rhs = [-acc[a] + sum((lam[j - i] / factorial(j - i) * vs[i][a] for i in range(j)), zero)
                   for a in range(d)]
            sol = M.solve(flint.arb_mat(d + 1, 1, rhs + [zero]), algorithm="approx")
            vs.append([sol[a, 0] for a in range(d)])
        return {f"kappa_{j}": to_mpf(lam[j]) for j in range(2, order + 1)}


def heat_cumulants(ness: Any, bath: str, order: int = 3) -> np.ndarray:
    r"""Scaled cumulants :math:`\kappa_1..\kappa_{order}` of the heat from ``bath`` into the system.

    :math:`\kappa_j = \partial^j_\chi\lambda(\chi)|_0` with
    :math:`\langle e^{\chi Q_t}\rangle\sim e^{t\lambda(\chi)}`, :math:`Q_t` the energy
    bath ``bath`` gave to the system up to time :math:`t` (:math:`\hbar = k_B = 1`):
    :math:`\kappa_1` the mean heat current (energy per unit time, equal to
    ``ness.heat_current(bath)``), :math:`\kappa_2` the zero-frequency noise
    :math:`\lim\mathrm{Var}(Q_t)/t` (energy squared per unit time), :math:`\kappa_3`
    energy cubed per unit time.  See the module docstring for the method.

    Parameters
    ----------
    ness
        A Davies or Redfield steady state (:func:`~symness.open.davies_ness`,
        :func:`~symness.open.redfield_ness`; in a sector if solved in one).
    bath
        The bath name, as in ``ness.bath_heat_currents()`` (e.g. ``"L"``).
    order
        Highest cumulant, ``1..MAX_ORDER``.

    Returns
    -------
    numpy.ndarray
        ``[kappa_1, ..., kappa_order]``.  For a Davies state ``kappa_1`` is taken from
        ``ness.heat_current(bath)`` (with its precision control); for a Redfield state it is
        the counted mean (:mod:`symness.open.redfield_counting`).

    Raises
    ------
    InvalidModelError
        Unknown bath, or neither a Davies nor a Redfield state.
    InvalidParameterError
        ``order`` outside ``1..MAX_ORDER``, a block above the size limits, or (Redfield with the
        Lamb shift) a spectral moment that diverges.
    """
    return _heat_cumulants(ness, bath, order, 1)


def _heat_cumulants(ness: Any, bath: str, order: int, first: int) -> np.ndarray:
    """:func:`heat_cumulants`, warning about unresolved cumulants of order ``first`` and higher only."""
    gen = _check_generator(ness)
    _check_bath(gen, bath)
    _check_order(order)
    if isinstance(gen, RedfieldLiouvillian):
        kap, err = _redfield_cumulants(ness, bath, int(order))
        _warn_unresolved(bath, kap, err, range(first - 1, kap.size), "Redfield counting statistics have no "
                         "extended-precision route; davies_ness has one for non-degenerate spectra")
        return kap
    _size_guard(gen)
    if gen.dim == 1:  # one state: no transitions, nothing is exchanged
        return np.zeros(int(order))
    tg = tilted_generator(ness, bath)
    kap, err = _cumulants(tg, int(order), float(ness.info.get("state_error", 0.0)))
    kap[0] = ness.heat_current(bath)
    err[0] = ness.current_errors()[bath]
    floor = err.copy()
    if kap.size > 1 and any(ness._extend_wanted(abs(kap[j]), err[j]) for j in range(1, kap.size)) \
            and isinstance(ness._extended, ExtendedPauli):
        vals, errs, bits = converge(lambda b: _extended_at(ness._extended, bath, int(order), b), EXTENDED_RTOL,
                                    {f"kappa_{j + 1}": float(err[j]) for j in range(1, kap.size)})
        for j in range(1, kap.size):
            kap[j] = float(vals[f"kappa_{j + 1}"])
            err[j] = float(errs[f"kappa_{j + 1}"]) + 16 * _EPS * abs(kap[j])
        ness.info["precision_bits"] = max(bits, ness.info.get("precision_bits", 0))
    _warn_unresolved(bath, kap, err, range(1, kap.size), "extended precision covers non-degenerate spectra up "
                     "to symness.open.extended.PAULI_EXTENDED_AUTO_MAX_DIM levels, precision='extended' up to "
                     "PAULI_EXTENDED_MAX_DIM", floor)
    return kap


def _warn_unresolved(bath: str, kap: np.ndarray, err: np.ndarray, which: Any, remedy: str,
                     floor: np.ndarray | None = None) -> None:
    """A PrecisionWarning for the cumulants (0-based indices ``which``) not resolved to PRECISION_RTOL."""
    fl = np.zeros(kap.size) if floor is None else floor
    bad = [j + 1 for j in which if not err[j] <= PRECISION_RTOL * abs(kap[j]) + fl[j] * 2.0**-100]
    if bad:
        listing = ", ".join(f"kappa_{j} = {kap[j - 1]:.6g} +- {err[j - 1]:.2g}" for j in bad)
        warnings.warn(
            f"the heat cumulants of bath {bath!r} cannot be resolved to {PRECISION_RTOL:g} relative: {listing} "
            f"(round-off of cancelling terms, e.g. odd cumulants near equal temperatures, where they vanish; "
            f"{remedy}).", PrecisionWarning, stacklevel=5)


def _redfield_cumulants(ness: Any, bath: str, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Cumulants 1..order of a Redfield NESS and their error estimates (:mod:`symness.open.redfield_counting`)."""
    if ness.generator.dim == 1:  # one state: no transitions, nothing is exchanged
        return np.zeros(order), np.zeros(order)
    tg = redfield_tilted_generator(ness, bath, order)
    return _cumulants(tg, order, float(ness.info.get("state_error", 0.0)))


def heat_current_noise(ness: Any, bath: str) -> float:
    r"""Zero-frequency noise :math:`S = \lim_{t\to\infty}\mathrm{Var}(Q_t)/t` of the heat from ``bath``.

    The second scaled cumulant (:func:`heat_cumulants`), energy squared per unit time
    (:math:`\hbar = k_B = 1`); at equal temperatures :math:`S = 2T^2 G` with
    :math:`G = \partial J/\partial T_X` (fluctuation-dissipation).
    """
    return float(_heat_cumulants(ness, bath, 2, 2)[1])


def tur_ratio(ness: Any, bath: str) -> float:
    r"""Thermodynamic uncertainty ratio :math:`S\sigma/J^2 \ge 2` of the heat current from ``bath``.

    :math:`S` the noise (:func:`heat_current_noise`), :math:`J` the mean heat current,
    :math:`\sigma = -\sum_b J_b/T_b` the entropy production rate (units of :math:`k_B`
    per unit time), both from the NESS's heat currents :math:`\mathrm{tr}(H\mathcal D_b\rho)`, which
    conserve energy exactly (for a Redfield state the counted means :math:`\kappa_1` do so only to
    relative order :math:`\gamma^2`, which near equilibrium would swamp :math:`\sigma\propto\Delta T^2`).
    Dimensionless.  A non-secular state may go below 2 (coherences); one whose :math:`\sigma` is not
    resolvably positive (:math:`\sigma` at most its error from the currents' errors: the Redfield
    equation breaking the second law, e.g. heat flowing between baths at equal temperatures) is refused.

    Raises
    ------
    InvalidParameterError
        The mean current is zero within its error (equal temperatures: the ratio is
        :math:`0/0`; its limit is 2), or a bath at :math:`T = 0` exchanges energy
        (:math:`\sigma = \infty`).
    """
    gen = _check_generator(ness)
    _check_bath(gen, bath)
    J, dJ = (0.0, 0.0) if gen.dim == 1 else (ness.heat_current(bath), ness.current_errors()[bath])
    if not abs(J) > dJ:
        raise InvalidParameterError(
            f"the mean heat current of bath {bath!r} is zero within its error ({J:.3g} +- {dJ:.2g}), so the TUR "
            "ratio S sigma / J^2 is 0/0: no net heat flows (equal temperatures, where its limit is 2, or a "
            "one-state sector); use different temperatures.")
    sigma = ness.entropy_production()
    # its error: that of the currents (at equal temperatures sigma is their sum, zero up to round-off)
    errs, temps = ness.current_errors(), ness.system.temperatures
    sigma_err = sum(errs[b] / temps[b] for b in errs if temps[b] > 0)
    if isinstance(gen, RedfieldLiouvillian) and not sigma > sigma_err:
        raise InvalidParameterError(
            f"this Redfield state produces entropy at the rate sigma = {sigma:.3g} +- {sigma_err:.2g}, not "
            "resolvably > 0 (-sum_b J_b/T_b from its "
            "heat currents): the non-secular equation breaks the second law here (e.g. through the Lamb shift, "
            "which lets heat flow between baths at equal temperatures), so S sigma / J^2 has no meaning. Use "
            "davies_ness(system), or redfield_ness(system, lamb_shift=False).")
    if not np.isfinite(sigma):
        raise InvalidParameterError(
            "a bath at T = 0 exchanges energy, so the entropy production and the TUR ratio are infinite.")
    S = heat_current_noise(ness, bath)
    return float(S * sigma / J**2)
