r"""Temperature-dependent exchange coefficient :math:`\alpha(T)` of a strongly interacting gas.

Paper: Barfknecht, Foerster, Zinner, Volosniev, *Generation of spin currents by
a temperature gradient in a two-terminal device*, Commun. Phys. 4, 252 (2021)
(registry key ``coldatom``), eq. (3) and Fig. 2.

For strong interactions the spin dynamics of :math:`N` fermions in a box of
length :math:`L` is governed by :math:`h = \frac{\alpha(T)}{2g}\sum_l
\boldsymbol\sigma_l\cdot\boldsymbol\sigma_{l+1}` with :math:`\alpha(T) =
2\epsilon(T)/L`, where :math:`\epsilon(T) = \sum_A P_A(T) E_A` is the canonical
mean energy of :math:`N` *spinless* fermions (the manifold energies
:math:`E_A`).  Hence

.. math:: \frac{\alpha(T)}{\alpha_1} = \frac{\epsilon(T)}{E_1},

with :math:`E_1` the ground-state (Fermi-sea) energy.

Units and conventions
---------------------
:math:`\hbar = m = k_B = 1`, density :math:`\rho = N/L = 1` (so ``L = N``).
Single-particle levels :math:`e_n = \pi^2 n^2/(2L^2)`, :math:`n = 1, 2, \dots`
The temperature is passed as :math:`x = k_B T/\epsilon_0` with
:math:`\epsilon_0 = \pi^2/6` the energy per particle of the infinite gas at
:math:`T = 0` (one third of the Fermi energy :math:`\pi^2/2`).

Numerics
--------
The textbook recursion :math:`Z_N = \frac1N\sum_{k=1}^N (-1)^{k+1} Z_1(k\beta)
Z_{N-k}` is an alternating sum whose terms exceed the result by a factor
:math:`\sim e^{\beta(E_1 - N e_1)}` -- at :math:`x = 0.01`, :math:`N = 9` that
is :math:`10^{445}`, so float64 loses every digit.  :func:`alpha_ratio` uses
instead the *elementary-symmetric-polynomial* recursion over single-particle
levels,

.. math:: Z_k^{(m)} = Z_k^{(m-1)} + e^{-\beta e_m} Z_{k-1}^{(m-1)},

which adds only positive terms.  It is carried in shifted logarithms
:math:`\ell_k = \ln Z_k + \beta G_k` (:math:`G_k = \sum_{n\le k} e_n`, the
lowest energy of :math:`k` particles), and the mean *excitation* energy
:math:`V_k = \langle E\rangle_k - G_k \ge 0` is updated as a convex
combination of non-negative numbers,

.. math:: V_k^{(m)} = p\,V_k^{(m-1)} + q\,[V_{k-1}^{(m-1)} + e_m - e_k],
   \quad p + q = 1,

with :math:`p, q` formed from the logarithms (never as :math:`1-p`).  Every
step is therefore accurate to a few ulp, and :math:`\alpha/\alpha_1 - 1 =
V_N/E_1` keeps full *relative* precision even where it is
:math:`10^{-30}` (:func:`excitation_ratio`).  Levels are included until
:math:`\beta(e_M - e_N) \ge 60`; the neglected tail is below
:math:`10^{-24}` relative.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np

from ..errors import InvalidParameterError
from ..validation import check_temperature

__all__ = [
    "EPS0",
    "box_levels",
    "ground_energy",
    "temperature",
    "alpha_ratio",
    "excitation_ratio",
    "canonical_energy",
    "alpha_ratio_mpmath",
    "check_particle_number",
]

#: Energy per particle of the infinite gas at T = 0 for rho = 1 (hbar = m = 1): pi^2/6.
EPS0: float = math.pi**2 / 6

#: Levels are kept while beta*(e_m - e_N) < _TAIL (neglected weight < e^-_TAIL).
_TAIL = 60.0
#: Largest number of single-particle levels summed (x up to about 2e9 / N^2).
_MAX_LEVELS = 200_000
#: Largest particle number accepted (the exact sums cost O(N^2)); raise it deliberately if needed.
MAX_PARTICLES = 1000
#: Largest particle number of the mpmath reference (O(N^2) high-precision products).
MAX_MPMATH_PARTICLES = 100


def check_particle_number(N: Any) -> int:
    """Return ``N`` as an int, raising :class:`InvalidParameterError` unless it is an integer >= 1."""
    if isinstance(N, bool) or not isinstance(N, (int, np.integer)):
        if isinstance(N, (float, np.floating)) and float(N).is_integer():
            N = int(N)
        else:
            raise InvalidParameterError(
                f"N = {N!r} must be a positive integer number of particles (e.g. N=7).")
    if N < 1:
        raise InvalidParameterError(f"N = {N} particles is not allowed; pass N >= 1.")
    if N > MAX_PARTICLES:
        raise InvalidParameterError(
            f"N = {N} particles is beyond the limit N <= {MAX_PARTICLES} of the exact canonical sums "
            "(their cost grows as N^2); for large N the infinite-gas results apply "
            "(alpha_ratio_thermodynamic, alpha_ratio_sommerfeld), or raise "
            "symness.exchange.alpha.MAX_PARTICLES.")
    return int(N)


def _check_x(x: Any) -> np.ndarray:
    check_temperature(x, "x = k_B T / eps_0")
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"x = k_B T / eps_0 = {x!r} is not a real number; pass finite numbers >= 0.") from None
    check_temperature(arr, "x = k_B T / eps_0")
    if not np.all(np.isfinite(arr)):
        raise InvalidParameterError(
            "x = k_B T / eps_0 must be finite; pass temperatures as finite numbers >= 0.")
    return arr


def box_levels(N: int, n: Any) -> np.ndarray:
    r"""Single-particle energies :math:`e_n = \pi^2 n^2 / (2N^2)` of a box of length ``L = N``.

    Units :math:`\hbar = m = 1`, density :math:`\rho = 1`.
    """
    N = check_particle_number(N)
    if isinstance(n, (str, bytes, bool, np.bool_)) or n is None:
        raise InvalidParameterError(f"n = {n!r}: pass level numbers n = 1, 2, ...")
    try:
        n = np.asarray(n, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise InvalidParameterError(
            f"n = {n!r}: pass level numbers n = 1, 2, ... (finite integers, below 1e150).") from None
    if np.any(~np.isfinite(n)) or np.any(n < 1) or np.any(n != np.round(n)):
        raise InvalidParameterError(
            f"n = {n}: box levels are numbered by integers n >= 1 (e_n = pi^2 n^2 / (2 N^2)).")
    with np.errstate(over="ignore"):
        e = math.pi**2 * n**2 / (2.0 * N**2)
    if not np.all(np.isfinite(e)):
        raise InvalidParameterError(
            f"level n = {float(np.max(n)):.3g}: e_n = pi^2 n^2 / (2 N^2) overflows float64; pass "
            "n below about 1e153 * N.")
    return e


def ground_energy(N: int) -> float:
    r""":math:`E_1 = \sum_{n=1}^N e_n = \pi^2 (N+1)(2N+1)/(12 N)` (the Fermi-sea energy, manifold A = 1)."""
    N = check_particle_number(N)
    return math.pi**2 * (N + 1) * (2 * N + 1) / (12.0 * N)


def temperature(x: Any) -> np.ndarray:
    r""":math:`k_B T = x\,\epsilon_0`, :math:`\epsilon_0 = \pi^2/6` (:math:`\hbar = m = 1`, :math:`\rho = 1`)."""
    return _check_x(x) * EPS0


def _dp(N: int, x: np.ndarray) -> np.ndarray:
    """Mean excitation energy V_N(x) = eps(T) - E_1 (>= 0) for x > 0 (1-d array)."""
    beta = 1.0 / (x * EPS0)
    c = math.pi**2 / (2.0 * N**2)
    # last level needed: beta (e_M - e_N) >= _TAIL for the hottest point
    M = int(math.ceil(math.sqrt(N**2 + _TAIL / (beta.min() * c)))) + 1
    if M > _MAX_LEVELS:
        x_max = (_MAX_LEVELS**2 - N**2) * c / _TAIL / EPS0
        raise InvalidParameterError(
            f"x = {float(x.max()):.3g} needs {M} single-particle levels; the exact sum is limited to "
            f"x <= {x_max:.3g} for N = {N}. At such temperatures the gas is classical: "
            "alpha/alpha_1 ~ N k_B T / (2 E_1) (equipartition).")
    kk = np.arange(0, N + 1)  # k = 0..N; level differences e_m - e_k = c (m^2 - k^2) exactly
    nx = x.size
    ell = np.full((N + 1, nx), -np.inf)  # shifted log partition functions, k = 0..N
    ell[0] = 0.0
    V = np.zeros((N + 1, nx))
    for m in range(1, M + 1):
        K = min(m, N)
        k = kk[1:K + 1]
        dm = c * (m * m - k * k).astype(float)  # e_m - e_k >= 0, exact integer part
        # candidate weight of "level m occupied": a = -beta (e_m - e_k) + ell_{k-1}
        a = -np.outer(dm, beta) + ell[k - 1]
        old = ell[k]
        new = np.logaddexp(old, a)
        with np.errstate(invalid="ignore"):
            p = np.exp(old - new)  # old = -inf (k == m) gives 0
        p = np.where(np.isneginf(old), 0.0, p)
        q = np.exp(a - new)
        V[k] = p * V[k] + q * (V[k - 1] + dm[:, None])
        ell[k] = new
        if m > N and np.all(beta * c * (m * m - N * N) > _TAIL):
            break
    return V[N]


def excitation_ratio(N: int, x: Any) -> np.ndarray | float:
    r""":math:`\alpha(T)/\alpha_1 - 1 = [\epsilon(T) - E_1]/E_1`, to full relative precision.

    Parameters
    ----------
    N
        Number of particles (integer >= 1).
    x
        :math:`k_B T/\epsilon_0`, :math:`\epsilon_0 = \pi^2/6` (array-like, >= 0).

    Returns
    -------
    float or ndarray
        Same shape as ``x``; exactly 0 at ``x = 0``.  Accurate to ~1e-13
        relative even where it is exponentially small (low T, finite N).

    Notes
    -----
    Paper ``coldatom``, eq. (3) with :math:`\alpha = 2\epsilon/L`; exact canonical
    ensemble of spinless fermions (see module docstring for the algorithm).
    """
    N = check_particle_number(N)
    arr = _check_x(x)
    flat = arr.reshape(-1)
    out = np.zeros_like(flat)
    pos = flat > 0
    if np.any(pos):
        out[pos] = _dp(N, flat[pos]) / ground_energy(N)
    out = out.reshape(arr.shape)
    return out.item() if out.ndim == 0 else out


def alpha_ratio(N: int, x: Any) -> np.ndarray | float:
    r"""Exchange coefficient ratio :math:`\alpha(T)/\alpha_1 = \epsilon(T)/E_1` (paper eq. 3, Fig. 2).

    Parameters
    ----------
    N
        Number of spinless fermions in the link (integer >= 1).  The box has
        length :math:`L = N` (density :math:`\rho = 1`).
    x
        Temperature :math:`k_B T/\epsilon_0` with :math:`\epsilon_0 = \pi^2/6`
        (:math:`\hbar = m = 1`); scalar or array, ``x >= 0``.

    Returns
    -------
    float or ndarray
        :math:`\alpha(T)/\alpha_1 \ge 1`, same shape as ``x``.  Accurate to
        1e-12 relative for ``1e-3 <= x <= 1e3`` (tested against mpmath at up
        to 500 digits); ``x = 0`` gives exactly 1.

    Raises
    ------
    InvalidParameterError
        ``N`` is not an integer >= 1, or ``x`` is not finite.
    NegativeTemperatureError
        ``x < 0``.

    Notes
    -----
    :math:`\epsilon(T) = \sum_A P_A E_A` is the exact canonical mean energy of
    :math:`N` spinless fermions with levels :math:`e_n = \pi^2 n^2/(2N^2)`,
    :math:`E_1 = \pi^2(N+1)(2N+1)/(12N)`.  The algorithm (positive-term
    elementary-symmetric recursion in shifted logarithms) is described in
    :mod:`symness.exchange.alpha`; cost :math:`O(N\,M)` vectorised over ``x``
    with :math:`M \approx \sqrt{N^2 + 60\cdot 2N^2 T/\pi^2}` levels.

    Examples
    --------
    >>> from symness.exchange import alpha_ratio
    >>> round(float(alpha_ratio(7, 2.0)), 6)
    1.593432
    """
    r = excitation_ratio(N, x)
    return 1.0 + r


def canonical_energy(N: int, x: Any) -> np.ndarray | float:
    r"""Canonical mean energy :math:`\epsilon(T)` of ``N`` spinless fermions in the box ``L = N``.

    Units :math:`\hbar = m = 1`, :math:`\rho = 1`; ``x`` as in :func:`alpha_ratio`.
    """
    return ground_energy(N) * alpha_ratio(N, x)


# ---------------------------------------------------------------- mpmath reference
#: Largest beta*E_1/ln(10) (digits cancelled by the alternating sum) alpha_ratio_mpmath accepts.
MAX_MPMATH_DIGITS = 20_000
#: Largest number of guard digits (``dps``) of :func:`alpha_ratio_mpmath`.
MAX_GUARD_DPS = 1000
#: Largest number of box levels the mpmath reference sums per Z_1 (high temperatures).
MAX_MPMATH_LEVELS = 200_000
#: Largest estimated run time of the mpmath reference, in seconds.
MAX_MPMATH_SECONDS = 20


def _z1_mp(ctx: Any, b: Any, c: Any) -> tuple[Any, Any]:
    """(sum_n q^{n^2}, sum_n c n^2 q^{n^2}), q = exp(-b c), n >= 1, summed term by term in ``ctx``."""
    s0 = ctx.mpf(0)
    s2 = ctx.mpf(0)
    eps = ctx.mpf(10) ** (-ctx.dps - 5)
    n = 1
    while True:
        t = ctx.exp(-b * c * n * n)
        s0 += t
        s2 += c * n * n * t
        if n * n * b * c > 1 and c * n * n * t < eps * s2:
            break
        n += 1
    return s0, s2


def alpha_ratio_mpmath(N: int, x: Any, dps: int | None = None) -> mpmath.mpf:
    r"""Reference :math:`\alpha(T)/\alpha_1` from the *textbook* recursion in mpmath.

    :math:`Z_k = \frac1k\sum_{j=1}^k (-1)^{j+1} Z_1(j\beta) Z_{k-j}` and its
    :math:`\beta`-derivative, with :math:`Z_1` and :math:`Z_1'` -- an algorithm independent of :func:`alpha_ratio`.
    The working precision is raised to cover the cancellation
    (:math:`\approx \beta(E_1 - N e_1)/\ln 10` digits) and the size of
    :math:`\alpha/\alpha_1 - 1 \sim e^{-\beta(e_{N+1}-e_N)}`, plus ``dps``
    (default 40) guard digits, so the excitation is resolved too.  Slow: for tests and ``symness verify`` only.

    The computation runs in a private :class:`mpmath.MPContext`, so it neither
    reads nor changes the global ``mpmath.mp`` precision and is safe to call from
    several threads at once.

    Parameters
    ----------
    N, x
        As in :func:`alpha_ratio`; ``x`` a single number > 0 (string for exact input).
    dps
        Guard digits on top of the cancellation estimate (``1..MAX_GUARD_DPS``).

    Returns
    -------
    mpmath.mpf
        The value with all its working-precision bits (arithmetic on it rounds
        to the caller's ``mpmath.mp`` precision, as for any ``mpf``).

    Raises
    ------
    InvalidParameterError
        ``x`` so small that the cancellation needs more than
        :data:`MAX_MPMATH_DIGITS` digits, or so large that more than
        :data:`MAX_MPMATH_LEVELS` box levels are summed; ``dps`` out of range.
    """
    N = check_particle_number(N)
    if N > MAX_MPMATH_PARTICLES:
        raise InvalidParameterError(
            f"N = {N}: the mpmath reference is limited to N <= {MAX_MPMATH_PARTICLES} particles (O(N^2) "
            "high-precision products); use alpha_ratio (float64, exact to 1e-12) for larger N.")
    if dps is not None and (isinstance(dps, bool) or not isinstance(dps, (int, np.integer))
                            or not 1 <= dps <= MAX_GUARD_DPS):
        raise InvalidParameterError(
            f"dps = {dps!r} must be None or an integer in 1..{MAX_GUARD_DPS} (guard digits on top of "
            "the cancellation estimate; raise symness.exchange.alpha.MAX_GUARD_DPS for more).")
    guard = 40 if dps is None else int(dps)
    if isinstance(x, (bool, np.bool_)) or x is None:
        raise InvalidParameterError(f"x = {x!r} is not a number; pass a real number > 0.")
    ctx = mpmath.MPContext()
    ctx.dps = 30
    try:
        xm = ctx.mpf(x)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"x = k_B T / eps_0 = {x!r} is not a real number; pass a finite number > 0 "
            "(a decimal string for exact input).") from None
    if not ctx.isfinite(xm):
        raise InvalidParameterError(f"x = {x!r} must be finite; pass a finite number > 0.")
    if xm <= 0:
        raise InvalidParameterError("alpha_ratio_mpmath needs x > 0 (use 1 at x = 0).")
    c = ctx.pi**2 / (2 * N**2)
    beta = 6 / (xm * ctx.pi**2)
    E1 = c * N * (N + 1) * (2 * N + 1) / 6
    # digits cancelled by the alternating sum, plus those of the smallest
    # relative quantity we want to resolve: alpha/alpha_1 - 1 ~ exp(-beta gap)
    lost = beta * (E1 - N * c) / ctx.log(10) + beta * c * (2 * N + 1) / ctx.log(10)
    if lost > MAX_MPMATH_DIGITS:
        raise InvalidParameterError(
            f"x = {x} is so cold that the textbook recursion cancels about {ctx.nstr(lost, 3)} digits "
            f"(limit {MAX_MPMATH_DIGITS}); there alpha/alpha_1 = 1 + excitation_ratio(N, x) to full "
            "precision from alpha_ratio (no cancellation).")
    # levels summed in Z_1(beta): terms until beta c n^2 > ~ (dps + 5) ln 10
    levels = ctx.sqrt((int(lost) + guard + 10) * ctx.log(10) / (beta * c)) + 1
    if levels > MAX_MPMATH_LEVELS:
        raise InvalidParameterError(
            f"x = {x} needs about {ctx.nstr(levels, 3)} single-particle levels per term (limit "
            f"{MAX_MPMATH_LEVELS}); use alpha_ratio (float64, exact to 1e-12) or the classical limit "
            "alpha/alpha_1 ~ N k_B T / (2 E_1).")
    # measured cost: N^2 products at D digits (~ D^2 each) plus N sums of `levels` exponentials
    digits = float(lost) + guard
    seconds = 2.5e-9 * N**2 * digits**2 + 7e-6 * N * float(levels)
    if seconds > MAX_MPMATH_SECONDS:
        raise InvalidParameterError(
            f"alpha_ratio_mpmath(N={N}, x={x}) would work at {int(digits)} digits for about "
            f"{seconds:.0f} s (limit {MAX_MPMATH_SECONDS} s, symness.exchange.alpha.MAX_MPMATH_SECONDS); "
            "use alpha_ratio (float64, tested to 1e-12 against this reference) for such N and x.")
    ctx.dps = int(lost) + guard
    xm = ctx.mpf(x)
    c = ctx.pi**2 / (2 * N**2)
    beta = 6 / (xm * ctx.pi**2)
    E1 = c * N * (N + 1) * (2 * N + 1) / 6
    z1 = [None] + [_z1_mp(ctx, j * beta, c) for j in range(1, N + 1)]
    Z = [ctx.mpf(1)]
    dZ = [ctx.mpf(0)]  # dZ_k/dbeta
    for k in range(1, N + 1):
        s, ds = ctx.mpf(0), ctx.mpf(0)
        for j in range(1, k + 1):
            sign = 1 if j % 2 else -1
            a, da = z1[j]  # Z_1(j beta), -dZ_1/db at b = j beta  (da = sum e_n q^n^2)
            s += sign * a * Z[k - j]
            ds += sign * (-j * da * Z[k - j] + a * dZ[k - j])
        Z.append(s / k)
        dZ.append(ds / k)
    eps = -dZ[N] / Z[N]
    return mpmath.mp.make_mpf((eps / E1)._mpf_)
