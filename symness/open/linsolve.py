r"""Linear solves with a uniqueness test: dense LU (LAPACK condition estimate), sparse LU.

Shared by the steady-state solvers.  Both solve the trace-fixed system
:math:`(\mathcal L + w\,\mathrm{tr})x = w` (see :mod:`symness.open.steady`) and
raise :class:`~symness.errors.NonUniqueSteadyStateError` when it is singular
or numerically singular (reciprocal 1-norm condition number below
:data:`RCOND_MIN`).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, onenormest, splu

from ..errors import NonUniqueSteadyStateError

__all__ = ["RCOND_MIN", "rcond_from_lu", "equilibrate", "dense_solve", "sparse_solve", "non_unique", "safe_norm",
           "stationary_dense"]

#: below this reciprocal condition number the trace-fixed system counts as singular
RCOND_MIN = 1e-13
_EPS = float(np.finfo(float).eps)


def safe_norm(x: Any) -> float:
    """Frobenius / 2-norm of an array without overflow (entries near the float64 limit, e.g. rates ~ T = 1e300)."""
    a = np.abs(np.asarray(x)).reshape(-1)
    if a.size == 0:
        return 0.0
    m = float(a.max())
    if m == 0.0 or not np.isfinite(m):
        return m
    a = a / m
    return m * float(np.sqrt(a @ a))


def rcond_from_lu(lu: Any, anorm: float) -> float:
    """Reciprocal 1-norm condition number from a LAPACK LU factorisation (``gecon``)."""
    lu_mat = lu[0]
    if lu_mat.size == 0:
        return 1.0
    if np.iscomplexobj(lu_mat):
        rcond, _ = sla.lapack.zgecon(lu_mat, anorm, norm="1")
    else:
        rcond, _ = sla.lapack.dgecon(lu_mat, anorm, norm="1")
    return float(rcond)


def non_unique(detail: str, *, reason: str = "singular generator", classes: Any = (),
               hint: str = "") -> NonUniqueSteadyStateError:
    """The error for a singular trace-fixed system, with what to do about it."""
    hint = hint or ("Look for a conserved quantity or decoupled part of the system and solve in one "
                    "of its sectors.")
    return NonUniqueSteadyStateError(
        f"the generator has more than one stationary state ({detail}). {hint}", reason=reason,
        classes=classes)


def equilibrate(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column scalings ``r, c`` (powers of two, exact) with ``r M c`` of entries at most ~1 per line.

    LAPACK's ``geequ`` idea: a generator whose rows live on very different scales
    (Bohr frequencies 1e8 next to rates 1e-2, a bath at T = 1e12 next to a cold
    one) is ill-conditioned only through its scaling, which this removes.  LAPACK's
    ``geequb`` (one call) for float64/complex128 matrices without a zero row or column,
    else the same computation in numpy.
    """
    M = np.asarray(M)
    if M.size and M.ndim == 2 and M.dtype.char in "dD":
        r, c, _, _, _, info = _lapack(M.dtype, "geequb")(M)
        if info == 0:
            return r, c
    return _equilibrate_abs(np.abs(M))


def _equilibrate_abs(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`equilibrate` from ``|M|``."""
    if not A.size:
        return np.zeros(0), np.zeros(0)
    rmax = A.max(axis=1)
    r = _inverse_power_of_two(rmax)
    c = _inverse_power_of_two((A * r[:, None]).max(axis=0))
    return r, c


_SQRT_HALF = 0.7071067811865476


def _inverse_power_of_two(x: np.ndarray) -> np.ndarray:
    """``2**-round(log2(x))`` for ``x >= 0`` from the binary exponent (``frexp``; ``2`` where ``x = 0``,
    which leaves a zero line zero)."""
    m, e = np.frexp(x)  # x = m 2^e, 1/2 <= m < 1; log2(x) rounds to e - 1 below m = 2^-1/2
    e -= m < _SQRT_HALF
    return np.ldexp(1.0, -e)


_LAPACK: dict[tuple[str, str], Any] = {}


def _lapack(dtype: np.dtype, name: str) -> Any:
    """The LAPACK routine ``name`` (without its type prefix) for ``dtype`` (looked up once)."""
    key = (dtype.char, name)
    f = _LAPACK.get(key)
    if f is None:
        f = _LAPACK[key] = sla.get_lapack_funcs((name,), dtype=dtype)[0]
    return f


def dense_solve(M: np.ndarray, b: np.ndarray, *, rcond_min: float = RCOND_MIN, **err: Any
                ) -> tuple[np.ndarray, float]:
    """``M x = b`` by dense LU of the equilibrated matrix; ``(x, rcond)``.

    ``rcond`` is the reciprocal condition number of the equilibrated matrix (scale
    invariant); below ``rcond_min``: :func:`non_unique` (``err`` passed on).  The LU,
    its condition estimate and the solve are single LAPACK calls (``getrf``,
    ``gecon``, ``getrs``): for the small systems of a parameter sweep the wrapper
    overhead of :func:`scipy.linalg.lu_factor` is most of the cost.
    """
    M = np.asarray(M)
    r, c = equilibrate(M)
    Ms = (r[:, None] * M) * c[None, :]
    if Ms.size == 0 or Ms.dtype.char not in "dD":  # pragma: no cover - defensive (empty or unusual dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sla.LinAlgWarning)
            lu = sla.lu_factor(Ms, check_finite=False)
        anorm = float(np.max(np.sum(np.abs(Ms), axis=0))) if Ms.size else 0.0
        rcond = rcond_from_lu(lu, anorm)
        if rcond < rcond_min or not np.all(np.isfinite(lu[0])):
            raise non_unique(f"the trace-fixed system is singular, reciprocal condition number {rcond:.2e}",
                             **err)
        return c * sla.lu_solve(lu, r * b, check_finite=False), rcond
    anorm = float(np.abs(Ms).sum(axis=0).max())  # the 1-norm of Ms
    getrf, gecon, getrs = (_lapack(Ms.dtype, name) for name in ("getrf", "gecon", "getrs"))
    lu, piv, info = getrf(Ms, overwrite_a=True)
    # info > 0: an exactly zero pivot; gecon then reports rcond = 0 and the system is refused below
    rcond = float(gecon(lu, anorm, norm="1")[0])
    # every LU entry finite: one sum decides the common case (a non-finite sum is checked entry by entry)
    if rcond < rcond_min or (not np.isfinite(lu.sum()) and not np.isfinite(lu).all()):
        raise non_unique(f"the trace-fixed system is singular, reciprocal condition number {rcond:.2e}",
                         **err)
    rb = r * np.asarray(b)
    if np.iscomplexobj(rb) and not np.iscomplexobj(lu):  # a real LU and a complex right-hand side
        x = getrs(lu, piv, rb.real)[0] + 1j * getrs(lu, piv, rb.imag)[0]
    else:
        x = getrs(lu, piv, rb.astype(lu.dtype, copy=False))[0]
    return c * x, rcond


def sparse_solve(M: sp.spmatrix, b: np.ndarray, *, permc_spec: str = "COLAMD",
                 rcond_min: float = RCOND_MIN, **err: Any) -> tuple[np.ndarray, float]:
    """``M x = b`` by SuperLU; ``(x, rcond)`` with the 1-norm estimate of ``M^{-1}`` (Hager-Higham)."""
    A = sp.csc_matrix(M)
    try:
        lu = splu(A, permc_spec=permc_spec)
    except RuntimeError as exc:  # "Factor is exactly singular"
        raise non_unique(str(exc), **err) from None
    x = lu.solve(np.asarray(b, dtype=A.dtype))
    op = LinearOperator(A.shape, matvec=lu.solve, rmatvec=lambda v: lu.solve(v, trans="H"), dtype=A.dtype)
    inv_norm = onenormest(op)
    anorm = float(abs(A).sum(axis=0).max())
    rcond = 1.0 / (anorm * inv_norm) if inv_norm > 0 else np.inf
    if not np.all(np.isfinite(x)) or rcond < rcond_min:
        raise non_unique(f"reciprocal condition number {rcond:.2e}", **err)
    return x, rcond


def stationary_dense(R: np.ndarray, d: int, rhs: np.ndarray | None = None, *, overwrite: bool = False, **err: Any
                     ) -> tuple[np.ndarray, float, float]:
    r"""The trace-one ``x`` with ``R x = 0`` (``rhs=None``) or the traceless ``x`` with ``R x = rhs``.

    ``R``: a dense ``d^2 x d^2`` generator acting on row-major ``vec(x)`` (e.g. the Redfield
    tensor in the eigenbasis).  The trace condition is added on the scale of the populations
    block, :math:`(R + s\,w\,\mathrm{tr})x = s\,w` with :math:`w = 1/d` on the populations and
    :math:`s` a power of two (no round-off from the extra rows); solved by :func:`dense_solve`
    (which raises for a singular system, ``err`` passed on).  ``overwrite=True`` adds the trace
    condition to ``R`` itself.

    Returns
    -------
    x : numpy.ndarray
        ``(d, d)``.
    rcond : float
        Reciprocal condition number of the equilibrated system.
    state_error : float
        Estimated forward error :math:`\|\delta x\|_F \approx 4\epsilon\|x\|/\mathrm{rcond}`.
    """
    Rfix = R if overwrite else R.copy()
    pops = Rfix[::d + 1, ::d + 1]  # the populations block (rows and columns a(d + 1)), a view
    pmax = float(np.abs(pops).max()) if d else 0.0
    s = 2.0 ** round(math.log2(max(pmax, 1e-300)))
    pops += s / d
    if rhs is None:
        b = np.zeros(d * d, dtype=Rfix.dtype)
        b[::d + 1] = s / d
    else:
        b = np.asarray(rhs, dtype=complex).reshape(-1)
    x, rcond = dense_solve(Rfix, b, **err)
    xnorm = float(np.sqrt(np.vdot(x, x).real))
    return x.reshape(d, d), rcond, float(4 * _EPS * xnorm / max(rcond, 1e-300))
