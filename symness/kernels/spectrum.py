r"""The spectrum of a user's Hamiltonian: exact where SymPy can, implicit (numeric) where it cannot.

Two ways to give a derivation its energies and eigenvectors:

* **exact** -- :func:`~symness.kernels.diagonalize.diagonalize` (blocks of H,
  2 x 2 blocks with mixing amplitudes, larger blocks only when their
  characteristic polynomial splits into linear and quadratic factors);
* **implicit spectrum** -- the energies and the squared matrix elements are
  SymPy functions of the Hamiltonian matrix, :class:`Eigenvalue` and
  :class:`TransitionWeight`, that print as :math:`E_k` and :math:`|S_{lh}|^2`
  and evaluate from a numeric eigendecomposition (numpy ``eigh``, batched over
  parameter points; mpmath ``eigh`` at any precision).  Populations and heat
  currents stay closed forms in them; nothing hangs on a cubic.

:class:`StationaryPopulation` does the same for the populations themselves
(the kernel's null vector, by the subtraction-free GTH algorithm): the route
for models whose closed-form stationary state is too large to expand.

:func:`probe_structure` finds, from a numeric diagonalisation at one
representative point, which transitions each reservoir drives -- so that the
size of a closed form is known before anything symbolic is attempted.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy

from ..errors import DegeneracyError, InvalidParameterError
from ..markov import gth_stationary

__all__ = ["ImplicitSpectrum", "Eigenvalue", "TransitionWeight", "StationaryPopulation", "eigenvalue",
           "transition_weight", "stationary_population", "exact_matrix", "probe_structure", "Structure",
           "representative_point"]


# ----------------------------------------------------------------------------- input matrices
def exact_matrix(M: Any, what: str = "H") -> sympy.Matrix:
    """A SymPy matrix with float entries made exact (``nsimplify``: 0.1 -> 1/10, 1.0 -> 1).

    Accepts SymPy matrices, nested lists, numpy arrays, scipy.sparse matrices
    and QuTiP ``Qobj`` (duck-typed by ``full``/``dims``).
    """
    if hasattr(M, "full") and hasattr(M, "dims"):
        M = M.full()
    if hasattr(M, "toarray") and not isinstance(M, sympy.MatrixBase):
        M = M.toarray()
    try:
        A = sympy.Matrix(M)
    except (TypeError, ValueError, sympy.SympifyError):
        raise InvalidParameterError(
            f"{what} must be a square matrix (sympy.Matrix, numpy array, scipy.sparse, qutip.Qobj) or a "
            f"Model, got {type(M).__name__}.") from None
    if any(e.has(sympy.Float) for e in A):
        A = A.applyfunc(lambda e: sympy.nsimplify(e, rational=True) if e.has(sympy.Float) else e)
    return A


# ----------------------------------------------------------------------------- numeric helpers
def _stack(H: Any) -> np.ndarray:
    """Rows of entries (numbers or arrays over parameter points) -> array of shape (points..., n, n)."""
    if isinstance(H, np.ndarray) and H.dtype != object:
        return H.astype(complex)
    rows = [list(r) for r in H]
    flat = np.broadcast_arrays(*[np.asarray(e, dtype=complex) for row in rows for e in row])
    shape = flat[0].shape
    return np.stack(flat, axis=-1).reshape(shape + (len(rows), len(rows[0])))


def _is_mp(H: Any) -> bool:
    if isinstance(H, np.ndarray) and H.dtype != object:
        return False
    return any(hasattr(e, "_mpf_") or hasattr(e, "_mpc_") for row in H for e in row)


def _ctx(*Ms: Any) -> Any:
    """The mpmath context of the first mpmath entry: a private ``MPContext`` keeps its precision."""
    for M in Ms:
        for row in M:
            for e in row:
                if hasattr(e, "_mpf_") or hasattr(e, "_mpc_"):
                    return e.context
    return mpmath.mp


def _mp_eigh(H: Any) -> tuple[Any, Any]:
    ctx = _ctx(H)
    A = ctx.matrix([[ctx.convert(e) for e in row] for row in H])
    if all(ctx.im(x) == 0 for x in A):
        E, Q = ctx.eigsy(A.apply(ctx.re))
    else:
        E, Q = ctx.eighe(A)
    order = sorted(range(len(E)), key=lambda k: E[k])
    return [E[k] for k in order], Q, order


def _eigenvalue_numeric(H: Any, k: Any) -> Any:
    k = int(k)
    if _is_mp(H):
        E, _, _ = _mp_eigh(H)
        return E[k]
    A = _stack(H)
    return np.linalg.eigvalsh(A)[..., k]


def _weight_numeric(H: Any, S: Any, lo: Any, hi: Any) -> Any:
    lo, hi = int(lo), int(hi)
    if _is_mp(H) or _is_mp(S):
        E, Q, order = _mp_eigh(H)
        n = len(E)
        ctx = _ctx(H, S)
        Sm = ctx.matrix([[ctx.convert(e) for e in row] for row in S])
        vl = [Q[i, order[lo]] for i in range(n)]
        vh = [Q[i, order[hi]] for i in range(n)]
        amp = ctx.fsum(ctx.conj(vl[i]) * Sm[i, j] * vh[j] for i in range(n) for j in range(n))
        return abs(amp) ** 2
    A = _stack(H)
    B = _stack(S)
    _, V = np.linalg.eigh(A)
    vl = V[..., :, lo]
    vh = V[..., :, hi]
    amp = np.einsum("...i,...ij,...j->...", vl.conj(), np.broadcast_to(B, A.shape), vh)
    return np.abs(amp) ** 2


def _stationary_numeric(K: Any, k: Any) -> Any:
    k = int(k)
    if _is_mp(K):
        rows = [list(r) for r in K]
        n = len(rows)
        ctx = _ctx(K)
        Q = [[ctx.convert(rows[j][i]) if i != j else ctx.mpf(0) for j in range(n)] for i in range(n)]
        return _gth_mp(Q, ctx)[k]
    A = np.real(_stack(K))
    flat = A.reshape((-1,) + A.shape[-2:])
    out = np.empty(flat.shape[0])
    for j, Kj in enumerate(flat):
        p = gth_stationary(Kj.T)  # GTH takes Q[i, j] = rate i -> j
        out[j] = np.nan if p is None else p[k]
    return out.reshape(A.shape[:-2]) if A.ndim > 2 else out[0]


def _gth_mp(Q: list[list[Any]], ctx: Any = mpmath.mp) -> list[Any]:
    """GTH state reduction in mpmath context ``ctx`` (Q[i][j] = rate i -> j)."""
    n = len(Q)
    Q = [row[:] for row in Q]
    for m in range(n - 1, 0, -1):
        s = ctx.fsum(Q[m][:m])
        if s == 0:
            raise DegeneracyError("the rate matrix is reducible at this point; the stationary state "
                                  "is not unique.")
        for i in range(m):
            f = Q[i][m] / s
            for j in range(m):
                Q[i][j] += f * Q[m][j]
    p = [ctx.mpf(1)] + [ctx.mpf(0)] * (n - 1)
    for m in range(1, n):
        s = ctx.fsum(Q[m][:m])
        p[m] = ctx.fsum(p[i] * Q[i][m] for i in range(m)) / s
    tot = ctx.fsum(p)
    return [x / tot for x in p]


# ----------------------------------------------------------------------------- SymPy functions
# The matrices are passed as flat entry lists (row-major) so that ``lambdify`` prints a call with
# scalar/array arguments; the numeric implementations broadcast them over parameter points.
def _square(entries: tuple[Any, ...], what: str) -> int:
    n = int(round(len(entries) ** 0.5))
    if n * n != len(entries):
        raise InvalidParameterError(f"{what}: {len(entries)} entries do not form a square matrix.")
    return n


def _rows(entries: Sequence[Any], n: int) -> list[list[Any]]:
    return [list(entries[i * n:(i + 1) * n]) for i in range(n)]


def _eig_imp(k: Any, *H: Any) -> Any:
    n = _square(H, "Eigenvalue")
    return _eigenvalue_numeric(_rows(H, n), k)


def _weight_imp(lo: Any, hi: Any, *HS: Any) -> Any:
    n = _square(HS[: len(HS) // 2], "TransitionWeight")
    return _weight_numeric(_rows(HS[: n * n], n), _rows(HS[n * n:], n), lo, hi)


def _stationary_imp(k: Any, *K: Any) -> Any:
    n = _square(K, "StationaryPopulation")
    return _stationary_numeric(_rows(K, n), k)


def _mp_entries(entries: Sequence[sympy.Expr], dps: int) -> list[Any] | None:
    if any(e.free_symbols for e in entries):
        return None
    out = []
    for e in entries:
        v = sympy.N(e, dps)
        re, im = v.as_real_imag()
        out.append(mpmath.mpc(str(re), str(im)) if im != 0 else mpmath.mpf(str(re)))
    return out


class _MatrixFunction(sympy.Function):
    """A SymPy function of leading integer indices and the flat entries of matrices, evaluated numerically."""

    #: number of leading index arguments
    _nidx = 1
    #: pass only the real parts of the entries to the mpmath evaluation
    _real = False

    @classmethod
    def eval(cls, *args: Any) -> None:
        return None

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        dps = mpmath.libmp.prec_to_dps(prec)
        vals = _mp_entries(self.args[self._nidx:], dps + 10)
        if vals is None:
            return None
        if self._real:
            vals = [mpmath.re(x) for x in vals]
        with mpmath.workdps(dps + 10):
            v = type(self)._imp_(*self.args[: self._nidx], *vals)
            return sympy.Float(str(v), dps)

    def _label(self) -> tuple[str, str]:  # (LaTeX, plain)
        raise NotImplementedError

    def _latex(self, printer: Any, exp: Any = None) -> str:
        base = self._label()[0]
        return f"{base}^{{{exp}}}" if exp is not None else base

    def _sympystr(self, printer: Any) -> str:
        return self._label()[1]


class Eigenvalue(_MatrixFunction):
    r""":math:`E_k`, the ``k``-th smallest eigenvalue (0-based) of a Hermitian matrix: ``Eigenvalue(k, *H_entries)``.

    Implicit-spectrum closed forms use it where SymPy cannot find the roots
    (irreducible cubics and beyond).  Numerics: numpy ``eigvalsh`` (batched
    over parameter points), mpmath ``eigsy``/``eighe`` for ``evalf``.
    Build with :func:`eigenvalue`.
    """

    is_real = True
    _imp_ = staticmethod(_eig_imp)

    def _label(self) -> tuple[str, str]:
        k = int(self.args[0]) + 1
        return f"\\operatorname{{eig}}_{{{k}}}(H)", f"eig_{k}(H)"


class TransitionWeight(_MatrixFunction):
    r""":math:`|\langle l|S|h\rangle|^2` in the eigenbasis of H: ``TransitionWeight(l, h, *H_entries, *S_entries)``.

    Levels ``l < h`` are 0-based in energy order.  Build with :func:`transition_weight`.
    """

    is_nonnegative = True
    _nidx = 2
    _imp_ = staticmethod(_weight_imp)

    def _label(self) -> tuple[str, str]:
        lo, hi = int(self.args[0]) + 1, int(self.args[1]) + 1
        return f"\\left|\\langle {lo}|S|{hi}\\rangle\\right|^{{2}}", f"|<{lo}|S|{hi}>|^2"


class StationaryPopulation(_MatrixFunction):
    r""":math:`\rho_k`, stationary population of state ``k`` of a generator: ``StationaryPopulation(k, *K_entries)``.

    ``K[p, q]`` is the rate of ``q -> p``.  The implicit-population route: the
    kernel stays a closed form in its rates and the null vector is computed at
    each point by GTH (subtraction-free, full relative accuracy), in float64 or
    mpmath.  Build with :func:`stationary_population`.
    """

    is_nonnegative = True
    _real = True
    _imp_ = staticmethod(_stationary_imp)

    def _label(self) -> tuple[str, str]:
        k = int(self.args[0]) + 1
        return f"\\rho_{{{k}}}", f"rho_{k}"


def eigenvalue(H: sympy.Matrix, k: int) -> Eigenvalue:
    """:class:`Eigenvalue` of a SymPy matrix."""
    return Eigenvalue(sympy.Integer(k), *list(H))


def transition_weight(H: sympy.Matrix, S: sympy.Matrix, lo: int, hi: int) -> TransitionWeight:
    """:class:`TransitionWeight` of SymPy matrices."""
    return TransitionWeight(sympy.Integer(lo), sympy.Integer(hi), *list(H), *list(S))


def stationary_population(K: sympy.Matrix, k: int) -> StationaryPopulation:
    """:class:`StationaryPopulation` of a SymPy generator."""
    return StationaryPopulation(sympy.Integer(k), *list(K))


# ----------------------------------------------------------------------------- structure probe
def representative_point(free: set[sympy.Symbol], at: Mapping[sympy.Symbol, Any] | None,
                         seed: int = 12345) -> dict[sympy.Symbol, float]:
    """``at`` for the symbols it gives, pseudo-random values (respecting positivity) for the rest."""
    rng = random.Random(seed)
    out: dict[sympy.Symbol, float] = {}
    for s in sorted(free, key=str):
        if at and s in at:
            out[s] = float(sympy.re(sympy.sympify(at[s])))
        elif s.is_positive or s.is_nonnegative:
            out[s] = rng.uniform(0.6, 1.7)
        else:
            out[s] = rng.uniform(-1.3, 1.3)
    return out


@dataclass
class Structure:
    """What a numeric diagonalisation at one point says about the transitions.

    Attributes
    ----------
    energies
        Eigenvalues at the point (ascending).
    pairs
        ``{bath: [(lo, hi), ...]}`` -- transitions with a non-zero weight.
    degenerate
        Groups of levels degenerate at the point.
    """

    energies: np.ndarray
    pairs: dict[str, list[tuple[int, int]]]
    degenerate: list[list[int]]

    def directed(self) -> list[tuple[int, int]]:
        out = []
        for pr in self.pairs.values():
            for lo, hi in pr:
                out += [(lo, hi), (hi, lo)]
        return out


def probe_structure(H: sympy.Matrix, ops: Mapping[str, sympy.Matrix], point: Mapping[sympy.Symbol, float],
                    tol: float = 1e-10) -> Structure:
    """Transitions driven by each reservoir, from ``eigh`` of H at ``point`` (weights below ``tol`` dropped)."""
    Hn = np.array(H.subs(point).evalf(), dtype=complex)
    E, V = np.linalg.eigh(Hn)
    scale = max(1.0, float(np.max(np.abs(E))))
    groups: list[list[int]] = []
    for k in range(len(E)):
        if groups and abs(E[k] - E[groups[-1][-1]]) <= 1e-9 * scale:
            groups[-1].append(k)
        else:
            groups.append([k])
    degenerate = [g for g in groups if len(g) > 1]
    same = {k: tuple(g) for g in groups for k in g}
    pairs: dict[str, list[tuple[int, int]]] = {}
    for name, S in ops.items():
        Sn = np.array(S.subs(point).evalf(), dtype=complex)
        M = V.conj().T @ Sn @ V
        w = np.abs(M) ** 2
        wmax = max(float(w.max()), 1e-300)
        pairs[name] = [(lo, hi) for lo in range(len(E)) for hi in range(lo + 1, len(E))
                       if same[lo] != same[hi] and (w[lo, hi] > tol * wmax or w[hi, lo] > tol * wmax)]
    return Structure(E, pairs, degenerate)


class ImplicitSpectrum:
    """One numeric eigendecomposition per point for every :class:`Eigenvalue`/:class:`TransitionWeight` symbol.

    Evaluating each energy and matrix-element symbol through its own SymPy
    function would diagonalise H once per symbol; this computes them all from a
    single batched ``eigh`` (numpy) or ``eigsy``/``eighe`` (mpmath) per point.

    Parameters
    ----------
    H
        The Hamiltonian (SymPy matrix in ``params``).
    energies
        Symbols of the energies ``E_1 <= E_2 <= ...`` (ascending).
    weights
        ``symbol -> (S, lo, hi)``: squared matrix element :math:`|\\langle lo|S|hi\\rangle|^2`.
    params
        Parameter symbols H and the operators depend on.
    """

    def __init__(self, H: sympy.Matrix, energies: Sequence[sympy.Symbol],
                 weights: Mapping[sympy.Symbol, tuple[sympy.Matrix, int, int]], params: Sequence[sympy.Symbol]):
        self.H = sympy.Matrix(H)
        self.energies = list(energies)
        self.weights = dict(weights)
        self.params = list(params)
        self.symbols = self.energies + list(self.weights)
        self._ops: dict[sympy.ImmutableMatrix, sympy.Matrix] = {}
        for S, _, _ in self.weights.values():
            self._ops.setdefault(sympy.ImmutableMatrix(S), S)
        self._fn: Any = None
        self._mpfn: Any = None

    def _compile(self) -> Any:
        if self._fn is None:
            mats = [self.H] + list(self._ops.values())
            self._fn = sympy.lambdify(self.params, [m.tolist() for m in mats], modules="numpy")
        return self._fn

    def numeric(self, values: Mapping[sympy.Symbol, np.ndarray]) -> dict[sympy.Symbol, np.ndarray]:
        args = [np.asarray(values[p], dtype=float) for p in self.params]
        mats = self._compile()(*args)
        H = _stack(mats[0])
        E, V = np.linalg.eigh(H)
        out: dict[sympy.Symbol, np.ndarray] = {s: E[..., k] for k, s in enumerate(self.energies)}
        ops = {key: _stack(m) for key, m in zip(self._ops, mats[1:])}
        for s, (S, lo, hi) in self.weights.items():
            B = np.broadcast_to(ops[sympy.ImmutableMatrix(S)], H.shape)
            amp = np.einsum("...i,...ij,...j->...", V[..., :, lo].conj(), B, V[..., :, hi])
            out[s] = np.abs(amp) ** 2
        return out

    def mp(self, values: Mapping[sympy.Symbol, Any], dps: int) -> dict[sympy.Symbol, Any]:
        """The energies and weights at one point in mpmath (``dps + 10`` digits).

        H and each distinct operator are evaluated once, through one mpmath lambdification of
        their entries (exact rationals stay exact, floats enter as their binary values).
        """
        if self._mpfn is None:
            mats = [self.H] + list(self._ops.values())
            self._mpfn = sympy.lambdify(self.params, [m.tolist() for m in mats], modules="mpmath")
        with mpmath.workdps(dps + 10):
            args = [mpmath.mpf(values[p]) if isinstance(values[p], (int, float))
                    else _mp_value(sympy.sympify(values[p]), dps + 10) for p in self.params]
            mats = [[[mpmath.mpmathify(e) for e in row] for row in m] for m in self._mpfn(*args)]
            Hm = mats[0]
            ops = dict(zip(self._ops, mats[1:]))
            E, Q, order = _mp_eigh(Hm)
            n = len(E)
            out: dict[sympy.Symbol, Any] = {s: E[k] for k, s in enumerate(self.energies)}
            nonzero = {key: [(i, j, m[i][j]) for i in range(n) for j in range(n) if m[i][j] != 0]
                       for key, m in ops.items()}
            for s, (S, lo, hi) in self.weights.items():
                vl = [Q[i, order[lo]] for i in range(n)]
                vh = [Q[i, order[hi]] for i in range(n)]
                amp = mpmath.fsum(mpmath.conj(vl[i]) * v * vh[j]
                                  for i, j, v in nonzero[sympy.ImmutableMatrix(S)])
                out[s] = abs(amp) ** 2
        return out


def _mp_value(e: sympy.Expr, dps: int) -> Any:
    v = sympy.N(e, dps)
    re, im = v.as_real_imag()
    return mpmath.mpc(str(re), str(im)) if im != 0 else mpmath.mpf(str(re))
