r"""Dissipation channels: coupling operators in the energy eigenbasis and their rates.

Every bath coupling becomes one or two *channels* :math:`(A_k, \Gamma_k)`; the
Redfield dissipator of a bath is

.. math::

    \mathcal D[\rho] = \sum_{k} [\tilde A_k\rho, A_k^\dagger] + [A_k, \rho\tilde A_k^\dagger],
    \qquad (\tilde A_k)_{ac} = \Gamma_k(E_c - E_a)\,(A_k)_{ac},

in the eigenbasis :math:`H|a\rangle = E_a|a\rangle`, with
:math:`\Gamma_k(\omega) = \int_0^\infty d\tau\,e^{i\omega\tau}C_k(\tau)
= \gamma_k(\omega)/2 + i\sigma_k(\omega)` (:math:`\omega > 0`: energy given
to the bath).

* Hermitian coupling :math:`S\otimes B`: one channel :math:`A = S`,
  :math:`\gamma_k = \gamma` (the bath's canonical rate).  This is ring4 eqs.
  (4)-(6), (10) and magnification eqs. (26)-(27) in the canonical convention.
* Rotating-wave coupling :math:`L^\dagger\otimes B + L\otimes B^\dagger`,
  :math:`B = \sum_k\lambda_k b_k`: the only non-zero bath correlations are
  :math:`C_+(\tau) = \langle B(\tau)B^\dagger\rangle` and
  :math:`C_-(\tau) = \langle B^\dagger(\tau)B\rangle`, and the Born-Markov
  generator :math:`-\int_0^\infty d\tau\,\mathrm{Tr}_B[H_{SB},[H_{SB}(-\tau),\rho\rho_B]]`
  is the formula above with two channels,

  - :math:`A_1 = L`, :math:`\gamma_1(\omega) = \theta(\omega)\gamma(\omega)`
    (emission: the system loses :math:`\omega > 0` while creating a bath quantum),
  - :math:`A_2 = L^\dagger`, :math:`\gamma_2(\omega) = \theta(-\omega)\gamma(\omega)`
    (absorption),

  where :math:`\gamma(\omega) = g(\omega)[1+n(\omega)]` is the canonical rate
  of the bath, :math:`g = 2\pi\sum_k\lambda_k^2\delta(\omega-\omega_k)`, and
  :math:`\theta(0) = 1/2` (the mean of the one-sided limits).  The Lamb-shift
  parts are the half-line principal values
  :math:`\sigma_\pm(\omega) = \frac1{2\pi}\mathrm P\!\int_{\omega'\gtrless0}
  d\omega'\,\gamma(\omega')/(\omega-\omega')`.

Frequencies are evaluated on the distinct Bohr frequencies only (values within
``1e-12`` of the energy scale are merged; a Bohr frequency within that of zero
is exactly zero, so a flat spectrum with a pure-dephasing component raises the
bath's clear error instead of returning a huge rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy import integrate

from ..baths import Bath, shared_spectrum_rates
from ..errors import InvalidParameterError
from .system import OpenSystem, Space, _maybe_real

__all__ = ["Channel", "channels", "operator_channels", "cluster_values", "half_line_lamb"]


@dataclass
class Channel:
    """One term of a bath's dissipator, in the working eigenbasis.

    Attributes
    ----------
    bath
        Name of the bath the channel belongs to.
    A
        :math:`A_k` in the eigenbasis (``d x d``).
    Gamma
        :math:`\\Gamma_k(E_c - E_a)` at ``[a, c]`` (zero where ``A`` is zero);
        ``None`` for the channels of a Davies generator, which evaluates
        ``rate_f`` / ``lamb_f`` once per Bohr class instead
        (:func:`operator_channels`).
    rate
        :math:`\\gamma_k(E_c - E_a)` at ``[a, c]`` (``2 Re Gamma``), or ``None``.
    """

    bath: str
    A: np.ndarray
    Gamma: np.ndarray | None
    rate: np.ndarray | None
    rate_f: Any = None
    lamb_f: Any = None
    omega: np.ndarray | None = None  # the (clustered) Bohr frequency of each pair, where A is non-zero

    @property
    def At(self) -> np.ndarray:
        """:math:`\\tilde A_k = \\Gamma_k \\circ A_k`."""
        return self.Gamma * self.A


def cluster_values(x: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Group sorted-nearby values: returns ``(labels, centers)`` with ``x ~ centers[labels]``.

    Consecutive sorted values closer than ``tol`` share a label (single
    linkage); centers are the cluster means.
    """
    flat = np.asarray(x, dtype=float).ravel()
    if flat.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    order = np.argsort(flat, kind="stable")
    s = flat[order]
    new = np.empty(s.size, dtype=bool)
    new[0] = True
    new[1:] = np.diff(s) > tol
    lab_sorted = np.cumsum(new) - 1
    labels = np.empty_like(lab_sorted)
    labels[order] = lab_sorted
    counts = np.bincount(lab_sorted)
    centers = np.bincount(lab_sorted, weights=s) / counts
    return labels.reshape(np.shape(x)), centers


def bohr_frequencies(E: np.ndarray, mask: np.ndarray | None, tol: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Distinct Bohr frequencies ``W[a, c] = E_c - E_a`` (where ``mask``), snapped to zero.

    Returns ``(index, freqs)``: ``W[a, c] ~ freqs[index[a, c]]`` (``index = -1``
    outside ``mask``).  Frequencies are clustered on ``|W|`` so the signs stay
    exactly antisymmetric, and the cluster containing 0 is exactly 0.
    """
    W = E[None, :] - E[:, None]
    if mask is None:
        mask = np.ones(W.shape, dtype=bool)
    if not mask.any():
        return np.full(W.shape, -1, dtype=np.int64), np.zeros(0)
    return _cluster_one(W, mask, tol)


def _pv_half_line(f: Any, w: float, side: int, scale: float) -> float:
    r""":math:`\mathrm P\!\int` of :math:`f(x)/(w-x)` over :math:`x>0` (``side=+1``) or :math:`x<0`."""
    opts = dict(limit=400, epsabs=0.0, epsrel=1e-11)
    width = max(abs(w), scale, 1e-300)
    if side > 0:
        lo, hi = 0.0, np.inf
    else:
        lo, hi = -np.inf, 0.0
    total = 0.0
    if lo < w < hi:
        a, b = max(lo, w - width), min(hi, w + width)
        core, _ = integrate.quad(f, a, b, weight="cauchy", wvar=w, **opts)
        total -= core  # weight cauchy gives P int f/(x-w)
        if np.isfinite(lo) and a > lo:
            total += integrate.quad(lambda x: f(x) / (w - x), lo, a, **opts)[0]
        if np.isinf(lo):
            total += integrate.quad(lambda x: f(x) / (w - x), -np.inf, a, **opts)[0]
        if np.isfinite(hi) and b < hi:
            total += integrate.quad(lambda x: f(x) / (w - x), b, hi, **opts)[0]
        if np.isinf(hi):
            total += integrate.quad(lambda x: f(x) / (w - x), b, np.inf, **opts)[0]
        return total
    # w outside the open half line: regular (log-singular at the end point if w == 0)
    return integrate.quad(lambda x: f(x) / (w - x), lo, hi, **opts)[0]


_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)


def _panels(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes and weights on consecutive panels ``edges[i]..edges[i+1]``."""
    a, b = edges[:-1], edges[1:]
    half = (b - a)[:, None] / 2
    x = (a[:, None] + half) + half * _GL_X[None, :]
    w = half * _GL_W[None, :]
    return x.ravel(), w.ravel()


def lamb_shift_values(f: Any, omegas: Any, scale: float, T: float) -> np.ndarray:
    r"""Principal value :math:`\sigma(\omega) = \frac1{2\pi}\mathrm P\!\int dx\,f(x)/(\omega - x)`.

    Computed as :math:`-\frac1{2\pi}\int_0^\infty du\,[f(\omega+u) - f(\omega-u)]/u`
    (regular at :math:`u = 0`) by composite Gauss-Legendre quadrature with panel
    breaks at the kink :math:`u = |\omega|` (where :math:`x = 0`), geometric
    refinement on the thermal scale ``T`` around it, panels of the spectral
    ``scale`` up to :math:`40\,`scale, and a mapped panel for the algebraic
    tail.  ``f`` is the canonical rate (or its positive/negative-frequency
    part for a rotating-wave coupling, which jumps at :math:`x = 0`).
    Agreement with adaptive quadrature (:meth:`symness.baths.Bath.lamb`) is
    tested to ``1e-9`` relative.
    """
    w_all = np.atleast_1d(np.asarray(omegas, dtype=float))
    out = np.empty(w_all.size)
    tsc = T if T > 0 else scale
    for i, w in enumerate(w_all):
        k = abs(w)
        pts = [0.0, k, k + 40 * scale]
        for m in range(-6, 8):
            for s in (k - tsc * 2.0**m, k + tsc * 2.0**m):
                if 0 < s < k + 40 * scale:
                    pts.append(s)
        pts += list(k + scale * np.arange(1, 40))
        if k > 0:
            pts += list(k * np.array([0.25, 0.5, 0.75]))
        edges = np.unique(np.asarray(pts))
        u, wt = _panels(edges)
        with np.errstate(all="ignore"):
            g = (np.asarray(f(w + u), dtype=float) - np.asarray(f(w - u), dtype=float)) / u
        total = np.sum(wt * g)
        # tail u = u0 + t / (1 - t), t in [0, 1)
        u0 = edges[-1]
        t, wt2 = _panels(np.linspace(0.0, 1.0, 9))
        uu = u0 + t / (1 - t)
        jac = 1 / (1 - t) ** 2
        with np.errstate(all="ignore"):
            gt = (np.asarray(f(w + uu), dtype=float) - np.asarray(f(w - uu), dtype=float)) / uu
        gt = np.where(np.isfinite(gt), gt, 0.0)
        total += np.sum(wt2 * gt * jac)
        out[i] = -total / (2 * np.pi)
    return out


def half_line_lamb(bath: Bath, omega: Any, side: int) -> np.ndarray:
    r"""Half-line Lamb shift :math:`\sigma_\pm(\omega)` of a rotating-wave coupling.

    :math:`\sigma_+(\omega) = \frac1{2\pi}\mathrm P\!\int_0^\infty d\omega'\,
    \gamma(\omega')/(\omega-\omega')` (``side=+1``) and the same over
    :math:`\omega' < 0` (``side=-1``); :math:`\sigma_+ + \sigma_- = \sigma`
    (:meth:`~symness.baths.Bath.lamb`).
    """
    if not bath.spectrum.lamb_shift_defined():
        raise InvalidParameterError("the Lamb shift of this spectrum diverges; use lamb_shift=False.")
    scale = float(getattr(bath.spectrum, "scale", 1.0))
    w = np.atleast_1d(np.asarray(omega, dtype=float))
    if np.any(w == 0) and float(bath.rate(0.0)) != 0.0:
        raise InvalidParameterError(
            "a rotating-wave coupling with a zero Bohr frequency has a logarithmically divergent "
            "half-line Lamb shift; use lamb_shift=False (or a coupling operator without a "
            "zero-frequency component).")
    out = np.array([_pv_half_line(bath.rate, float(x), side, scale) for x in w]) / (2 * np.pi)
    return out if np.ndim(omega) else out[0]


def _rate_functions(bath: Bath, kind: str, lamb: bool) -> list[tuple[str, Any, Any]]:
    """``[(which, gamma_k(w), sigma_k(w) or None)]`` for the channels of one coupling."""
    scale = float(getattr(bath.spectrum, "scale", 1.0))
    T = float(bath.T)
    if lamb and not bath.spectrum.lamb_shift_defined():
        raise InvalidParameterError("the Lamb shift of this spectrum diverges; use lamb_shift=False.")
    if kind == "hermitian":
        return [("S", bath.rate, (lambda w: lamb_shift_values(bath.rate, w, scale, T)) if lamb else None)]

    def plus(w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        g = np.asarray(bath.rate(w), dtype=float)
        return np.where(w > 0, g, np.where(w == 0, g / 2, 0.0))

    def minus(w: np.ndarray) -> np.ndarray:
        w = np.asarray(w, dtype=float)
        g = np.asarray(bath.rate(w), dtype=float)
        return np.where(w < 0, g, np.where(w == 0, g / 2, 0.0))

    def lamb_half(g: Any) -> Any:
        def f(w: np.ndarray) -> np.ndarray:
            w = np.asarray(w, dtype=float)
            if np.any(w == 0) and float(bath.rate(0.0)) != 0.0:
                raise InvalidParameterError(
                    "a rotating-wave coupling with a zero Bohr frequency has a logarithmically "
                    "divergent half-line Lamb shift; use lamb_shift=False.")
            return lamb_shift_values(g, w, scale, T)
        return f

    return [("L", plus, lamb_half(plus) if lamb else None),
            ("Ldag", minus, lamb_half(minus) if lamb else None)]


class ChannelList(list):
    """The channels of :func:`channels`, with their operators and rates also as stacks.

    ``stacks = (A, Gamma)``: arrays of shape ``(k, d, d)`` whose slices are the
    channels' ``A`` and ``Gamma`` (the generator works on the stacks directly).
    """

    stacks: tuple[np.ndarray, np.ndarray] | None = None


def _cluster_one(W: np.ndarray, mask: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bohr_frequencies` for one non-empty mask, with ``W`` given.

    Single linkage on ``|W|`` (sorted, stable) from a leading 0: the cluster containing 0 is exactly 0,
    the others are the means of their members; signs index ``[centers, -centers]``.
    """
    w = W[mask]
    absw = np.abs(w)
    order = absw.argsort(kind="stable")
    s = absw[order]
    gap = np.empty(s.size)
    gap[0] = s[0]  # from the leading 0
    np.subtract(s[1:], s[:-1], out=gap[1:])
    lab = (gap > tol).cumsum()  # label 0: the zero cluster
    ncl = int(lab[-1]) + 1
    counts = np.bincount(lab, minlength=ncl).astype(float)
    counts[0] += 1.0  # the leading zero
    centers = np.bincount(lab, weights=s, minlength=ncl) / counts
    centers[0] = 0.0  # the zero cluster is exactly zero
    labels = np.empty(s.size, dtype=np.int64)
    labels[order] = lab
    index = np.empty(W.shape, dtype=np.int64)
    index.fill(-1)
    index[mask] = np.where(w < 0, labels + ncl, labels)
    return index, np.concatenate([centers, -centers])


def _cluster_groups(W: np.ndarray, masks: np.ndarray, tol: float
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`bohr_frequencies` of several masks at once (the same clusters, centres and signs).

    ``masks`` has shape ``(G, d, d)``.  Returns ``(index, freqs, label_group)``:
    ``W[a, c] ~ freqs[index[g, a, c]]`` inside mask ``g`` (``-1`` outside), and the
    group of each label of ``freqs``.  The labels of all groups share one array
    ``freqs = [centers, -centers]``; each group's values are clustered on their own
    (single linkage on ``|W|`` from a leading 0, exactly as one call per mask).
    """
    G = masks.shape[0]
    if G == 1:
        index, freqs = _cluster_one(W, masks[0], tol)
        return index[None], freqs, np.zeros(freqs.size, dtype=np.int64)
    gidx, a, c = np.nonzero(masks)  # group-major order
    w = W[a, c]
    absw = np.abs(w)
    order = np.lexsort((absw, gidx))  # by group, then |w| (stable)
    s = absw[order]
    gs = gidx[order]
    n = s.size
    start = np.empty(n, dtype=bool)
    start[0] = True
    np.not_equal(gs[1:], gs[:-1], out=start[1:])
    prev = np.empty(n)
    prev[0] = 0.0
    prev[1:] = s[:-1]
    prev[start] = 0.0  # each group's first value is compared with its leading 0
    new = (s - prev) > tol
    step = new.view(np.int8) + start.view(np.int8)  # + start: every group opens with its zero cluster
    lab = step.cumsum(dtype=np.int64) - 1
    zero = lab[start] - new[start]  # the zero cluster of each group
    ncl = int(lab[-1]) + 1
    counts = np.bincount(lab, minlength=ncl).astype(float)
    counts[zero] += 1.0  # the leading zeros
    centers = np.bincount(lab, weights=s, minlength=ncl) / counts
    centers[zero] = 0.0  # the zero cluster is exactly zero
    label_group = np.empty(ncl, dtype=np.int64)
    label_group[lab] = gs
    label_group[zero] = np.arange(G)
    labels = np.empty(n, dtype=np.int64)
    labels[order] = lab
    signed = np.where(w < 0, labels + ncl, labels)
    index = np.full(masks.shape, -1, dtype=np.int64)
    index[gidx, a, c] = signed
    return index, np.concatenate([centers, -centers]), np.concatenate([label_group, label_group])


#: ``(index, freqs, used_of)`` of :func:`bohr_structure`
BohrClusters = tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]


def bohr_structure(E: np.ndarray, A: np.ndarray, tol: float
                   ) -> tuple[np.ndarray, list[bool], list[int], BohrClusters | None]:
    """The Bohr frequencies the channel operators ``A`` (``(k, d, d)``, eigenbasis) use, clustered.

    Returns ``(masks, live, group_of, bohr)``: each channel's pattern of non-zero elements
    (above ``1e-14`` of its largest), whether it has any, the index of its pattern among the
    distinct ones (``-1``: a zero operator), and ``bohr = (index, freqs, used_of)`` from
    :func:`_cluster_groups` (``None`` without live channels) with ``used_of[g]`` the
    frequencies pattern ``g`` uses.  Channels with the same pattern share the clustering.
    """
    aA = np.abs(A)
    scale = aA.max(axis=(1, 2))
    masks = aA > (1e-14 * np.maximum(scale, 1e-300))[:, None, None]
    live = masks.any(axis=(1, 2)).tolist()  # a zero coupling operator: the channel does nothing
    groups: dict[bytes, int] = {}
    group_of = [groups.setdefault(masks[j].tobytes(), len(groups)) if live[j] else -1 for j in range(len(live))]
    if not groups:
        return masks, live, group_of, None
    reps = [group_of.index(g) for g in range(len(groups))]
    W = E[None, :] - E[:, None]
    index, freqs, label_group = _cluster_groups(W, masks[reps], tol)
    nf = freqs.size
    present = np.zeros(nf + 1, dtype=bool)
    present[index] = True  # index -1 (outside the masks) marks the extra last slot
    present = present[:nf]
    used_of = {g: np.flatnonzero(present & (label_group == g)) if len(groups) > 1 else np.flatnonzero(present)
               for g in set(group_of) - {-1}}
    return masks, live, group_of, (index, freqs, used_of)


def gather_pairs(masks: np.ndarray, live: list[bool], group_of: list[int], index: np.ndarray, freqs: np.ndarray,
                 gvals: np.ndarray, lvals: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Per-pair ``(k, d, d)`` rates, Bohr frequencies and Lamb shifts from the per-frequency values
    ``gvals``/``lvals`` (``(k, nf)``) of :func:`bohr_structure`'s clustering; zero outside the masks."""
    k = masks.shape[0]
    if all(live):
        idx = np.maximum(index, 0)[group_of]
    else:
        idx = np.zeros(masks.shape, dtype=np.int64)
        live_j = [j for j in range(k) if live[j]]
        idx[live_j] = np.maximum(index[[group_of[j] for j in live_j]], 0)
    rows = np.arange(k)[:, None, None]
    rate_s = np.where(masks, gvals[rows, idx], 0.0)  # a dead channel: no mask, zero rates
    omega_s = np.where(masks, freqs[idx], 0.0)
    lamb_s = None if lvals is None else np.where(masks, lvals[rows, idx], 0.0)
    return rate_s, omega_s, lamb_s


def channels(system: OpenSystem, space: Space, lamb_shift: bool | None = None,
             freq_tol: float | None = None) -> list[Channel]:
    """The dissipation channels of every bath, in the working eigenbasis.

    Parameters
    ----------
    lamb_shift
        ``None``: each bath's own ``lamb_shift`` setting; ``True``/``False``
        overrides it for all baths.
    freq_tol
        Bohr frequencies closer than this are evaluated once (default
        ``1e-12`` times the energy scale).

    Notes
    -----
    Each channel's Bohr frequencies are clustered on their own (its pattern of
    non-zero matrix elements), each rate function is evaluated once on the distinct
    frequencies its channel uses.  All channels are handled together: one basis
    change of the stacked coupling operators, one sort for the clustering of every
    pattern (:func:`_cluster_groups`), one gather of the rates.
    """
    E = space.E
    d = space.dim
    tol = 1e-12 * space.energy_scale if freq_tol is None else float(freq_tol)
    specs = []  # (coupling index, adjoint?, name, rate_f, lamb_f)
    for i, c in enumerate(system.couplings):
        lamb = c.bath.lamb_shift if lamb_shift is None else bool(lamb_shift)
        for which, rate_f, lamb_f in _rate_functions(c.bath, c.kind, lamb):
            specs.append((i, which == "Ldag", c.name, rate_f, lamb_f))
    out = ChannelList()
    k = len(specs)
    if k == 0:
        out.stacks = (np.zeros((0, d, d)), np.zeros((0, d, d)))
        return out
    S = space.coupling_stack(system.couplings)
    V = space.V
    S = V.conj().T @ S @ V  # every coupling in the eigenbasis
    src = [sp_[0] for sp_ in specs]
    dag = [sp_[1] for sp_ in specs]
    A = S if src == list(range(S.shape[0])) and not any(dag) else S[src]
    if any(dag):
        A = A.copy()
        A[dag] = A[dag].conj().transpose(0, 2, 1)
    A = _maybe_real(np.ascontiguousarray(A))
    masks, live, group_of, bohr = bohr_structure(E, A, tol)
    rate_s = np.zeros((k, d, d))
    omega_s = np.zeros((k, d, d))
    lamb_s = None
    if bohr is not None:
        index, freqs, used_of = bohr
        nf = freqs.size
        gvals = np.zeros((k, nf))
        lvals = None
        # Hermitian couplings to baths that share one spectral density: their rates in one evaluation
        shared: dict[int, np.ndarray] = {}
        plain = [j for j in range(k) if live[j] and getattr(specs[j][3], "__func__", None) is Bath.rate]
        if len(plain) > 1:
            vals = shared_spectrum_rates([specs[j][3].__self__ for j in plain],
                                         [freqs[used_of[group_of[j]]] for j in plain])
            if vals is not None:
                shared = dict(zip(plain, vals))
        for j, (_, _, name, rate_f, lamb_f) in enumerate(specs):
            g = group_of[j]
            if g < 0:
                continue
            used = used_of[g]
            gv = shared.get(j)
            if gv is None:
                gv = np.asarray(rate_f(freqs[used]), dtype=float)
            if not np.isfinite(gv).all():
                raise InvalidParameterError(
                    f"bath {name!r} has a non-finite rate at a Bohr frequency of this system; "
                    "use a spectral density that is finite there.")
            gvals[j, used] = gv
            if lamb_f is not None:
                if lvals is None:
                    lvals = np.zeros((k, nf))
                lvals[j, used] = np.asarray(lamb_f(freqs[used]), dtype=float)
        rate_s, omega_s, lamb_s = gather_pairs(masks, live, group_of, index, freqs, gvals, lvals)
    Gamma_s = rate_s / 2 if lamb_s is None else np.where(masks, rate_s / 2 + 1j * lamb_s, 0.0)
    for j, (_, _, name, rate_f, lamb_f) in enumerate(specs):
        if not live[j]:
            out.append(Channel(name, A[j], np.zeros((d, d)), np.zeros((d, d)), rate_f, lamb_f, np.zeros((d, d))))
        else:
            out.append(Channel(name, A[j], Gamma_s[j], rate_s[j], rate_f, lamb_f, omega_s[j]))
    out.stacks = (A, Gamma_s)
    return out


def operator_channels(system: OpenSystem, space: Space, lamb_shift: bool | None = None) -> list[Channel]:
    """The channels with their operators and rate functions only (``Gamma = rate = None``).

    What the Davies generator needs: it evaluates the rates once per Bohr
    class, so the per-pair rate matrices of :func:`channels` (a clustering of
    all :math:`d^2` Bohr frequencies per channel) are skipped.
    """
    out: list[Channel] = []
    for c in system.couplings:
        S = _to_eigen(space, space.coupling(c))
        lamb = c.bath.lamb_shift if lamb_shift is None else bool(lamb_shift)
        for which, rate_f, lamb_f in _rate_functions(c.bath, c.kind, lamb):
            A = S if which in ("S", "L") else S.conj().T
            out.append(Channel(c.name, _maybe_real(np.ascontiguousarray(A)), None, None, rate_f, lamb_f))
    return out


def _to_eigen(space: Space, op: np.ndarray) -> np.ndarray:
    """``V^dagger op V``, with one matrix product instead of two for a diagonal or sparse ``op``
    (local couplings such as sigma^z_l are diagonal in the site basis)."""
    op = np.asarray(op)
    d = op.shape[0]
    nnz = np.count_nonzero(op)
    V = space.V
    if nnz == np.count_nonzero(np.diagonal(op)):
        return V.conj().T @ (np.diagonal(op)[:, None] * V)
    if nnz <= d * d // 16:
        return V.conj().T @ np.asarray(sp.csr_matrix(op) @ V)
    return space.to_eigen(op)
