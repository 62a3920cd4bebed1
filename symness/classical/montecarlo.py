r"""Kinetic Monte Carlo of the classical Ising ring (magnification paper, Sec. II C).

The paper's simulation: at every time step pick one spin uniformly at random
and flip it with probability equal to its rate -- Metropolis
:math:`\min(1, e^{-\Delta E/T_\alpha})` for the nodal spins (eq. 5), 1 or 0 for the
bulk spins by the Q2R (eq. 10) or CCA (eq. 21) rule.  This discrete-time chain
has transition matrix :math:`1 + W/N_S`, so it has the stationary state of the
master equation (4), and the energy it moves per attempt is the current in the
paper's normalisation.

The rules are implemented here directly from eqs. (3), (5), (10) and (21) as
lookup tables over the local configuration :math:`(\sigma_{i-1}, \sigma_i,
\sigma_{i+1})` (and the demon level), with the bond couplings read from the
model -- independently of the transition enumeration used by the exact
solvers, so the two cross-check each other.

Many independent walkers advance together (vectorised over walkers); the
standard error of each current is the spread of the walkers' time averages.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InvalidParameterError

if TYPE_CHECKING:  # pragma: no cover
    from .ring import IsingRing

__all__ = ["SimulationResult", "simulate"]

_KEYS = ("left", "right", "upper", "lower")

#: Largest number of update attempts per call, burn-in included (about 2 minutes at ~1e7/s).
MAX_ATTEMPTS = 2 * 10**9
#: Largest number of walkers (memory grows as walkers x N_S).
MAX_WALKERS = 10**6
#: Largest walkers x n_states of the ``record_states`` occupation table (int64 counts).
MAX_OCCUPATION = 5 * 10**7


@dataclass
class SimulationResult:
    r"""Monte Carlo estimates with standard errors.

    Attributes
    ----------
    currents, stderr
        Heat currents (keys as :meth:`IsingRing.heat_currents`) and their
        standard errors, in the requested normalisation.
    attempts
        Measured single-spin update attempts (all walkers, after burn-in).
    walkers, burn_in
        Number of independent walkers; attempts per walker discarded first.
    occupation, occupation_stderr
        Time-averaged state probabilities and standard errors (``record_states``).
    acceptance
        Fraction of accepted flips.
    seconds
        Wall time.
    noise, noise_stderr
        Zero-frequency noise :math:`\mathrm{Var}(Q_t)/t` of every current (keys as
        ``currents``) and its standard error, same normalisation, estimated over a
        Poisson clock (see :func:`simulate`); empty when a walker makes fewer
        than 400 attempts.
    noise_window
        Mean number of attempts per walker of the noise window (:math:`N_S t`).
    """

    currents: dict[str, float]
    stderr: dict[str, float]
    attempts: int
    walkers: int
    burn_in: int
    normalization: str
    occupation: np.ndarray | None
    occupation_stderr: np.ndarray | None
    acceptance: float
    seconds: float
    noise: dict[str, float] = field(default_factory=dict)
    noise_stderr: dict[str, float] = field(default_factory=dict)
    noise_window: float = 0.0

    def deviation(self, exact: dict[str, float]) -> dict[str, float]:
        """``(MC - exact) / stderr`` for every current in ``exact``."""
        return {k: (self.currents[k] - float(exact[k])) / self.stderr[k] if self.stderr[k] > 0
                else (0.0 if self.currents[k] == float(exact[k]) else float("inf"))
                for k in exact if k in self.currents}

    def noise_deviation(self, exact: dict[str, float]) -> dict[str, float]:
        """``(MC noise - exact) / noise_stderr`` for every current in ``exact`` (and in :attr:`noise`)."""
        return {k: (self.noise[k] - float(exact[k])) / self.noise_stderr[k] if self.noise_stderr[k] > 0
                else (0.0 if self.noise[k] == float(exact[k]) else float("inf"))
                for k in exact if k in self.noise}

    def __repr__(self) -> str:
        cur = ", ".join(f"{k}={self.currents[k]:.6g}±{self.stderr[k]:.2g}" for k in _KEYS)
        return f"SimulationResult({cur}; {self.attempts} attempts, {self.seconds:.2f} s)"


def _tables(ring: IsingRing, J: tuple[float, float], T: tuple[float, float]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Acceptance, demon change and current contributions per (site, local code, demon level).

    Local code ``c = 4 u_{i-1} + 2 u_i + u_{i+1}`` with ``u = (1 + sigma)/2``.
    """
    n = ring.n_spins
    levels = 4 if ring.bulk == "cca" else 1
    # coupling of bond (i, i+1), read from the model's bond terms (c_b = -J_b)
    Jb = np.empty(n)
    for b, key in enumerate(ring.bonds):
        (term,) = ring.model.bonds[key]
        Jb[b] = float((-term.coeff).subs({ring.params[0]: J[0], ring.params[1]: J[1]}))
    acc = np.zeros((n, 8, levels))
    ddem = np.zeros((n, 8, levels), dtype=np.int64)
    contrib = np.zeros((n, 8, levels, 4))
    for idx in range(n):
        site = idx + 1
        J_right, J_left = Jb[idx], Jb[idx - 1]
        for c in range(8):
            s_l, s_i, s_r = (2 * ((c >> 2) & 1) - 1, 2 * ((c >> 1) & 1) - 1, 2 * (c & 1) - 1)
            e_right = 2 * J_right * s_i * s_r          # eq. (8)
            dE = e_right + 2 * J_left * s_i * s_l      # eq. (3)
            for d in range(levels):
                if site in ring.nodes:                  # Metropolis, eq. (5)
                    Tb = T[0] if site == ring.nodes[0] else T[1]
                    acc[idx, c, d] = np.exp(-max(dE, 0.0) / Tb)
                elif ring.bulk == "q2r":                # eq. (10)
                    acc[idx, c, d] = 1.0 if s_l == -s_r else 0.0
                else:                                   # CCA, eq. (21)
                    q = -dE / float(ring.mu)
                    qi = int(round(q))
                    if abs(q - qi) < 1e-9 and 0 <= d + qi <= 3:
                        acc[idx, c, d] = 1.0
                        ddem[idx, c, d] = qi
                if site == ring.nodes[0]:
                    contrib[idx, c, d, 0] = dE
                if site == ring.nodes[1]:
                    contrib[idx, c, d, 1] = dE
                if site == ring.upper_site:
                    contrib[idx, c, d, 2] = e_right
                if site == ring.lower_site:
                    contrib[idx, c, d, 3] = e_right
    return acc, ddem, contrib


def simulate(ring: IsingRing, J_upper: Any, J_lower: Any, T_left: Any, T_right: Any, *,
             steps: int = 10**6, seed: int | None = None, walkers: int = 2048,
             burn_in: int | None = None, initial: Any = None, cls: int | None = None,
             normalization: str = "paper", record_states: bool = False,
             chunk: int = 64) -> SimulationResult:
    r"""Kinetic Monte Carlo estimate of the steady-state heat currents.

    Parameters
    ----------
    ring
        The :class:`~symness.classical.IsingRing`.
    J_upper, J_lower, T_left, T_right
        Numbers (couplings > 0, temperatures > 0; :math:`k_B = 1`).
    steps
        Measured update attempts in total (over all walkers, after burn-in).
    seed
        Seed of :func:`numpy.random.default_rng` (reproducible runs).
    walkers
        Independent walkers advanced together (at least 2 for error bars).
    burn_in
        Attempts per walker discarded before measuring; default
        ``max(200 N_S, steps_per_walker // 4)``.
    initial, cls
        Initial state index / distribution, or a closed class to start in
        uniformly (needed when the dynamics has several closed classes, as in
        :meth:`IsingRing.stationary`).  Default: uniform over the single class.
    normalization
        ``"paper"`` (energy per attempt, the paper's) or ``"literal"`` (per unit
        time of eq. 4, i.e. times :math:`N_S`).
    record_states
        Also estimate the stationary probabilities (memory ``walkers x n_states``).
    chunk
        Steps per block of random numbers (1..4096).

    Returns
    -------
    SimulationResult

    Notes
    -----
    Noise: each walker also counts the energy of every current over its first
    :math:`M` measured attempts, :math:`M` Poisson-distributed with mean
    :math:`m = n - 10\sqrt n` (:math:`n` attempts per walker, ``noise_window``).
    Attempts at the times of a Poisson clock of rate :math:`N_S` *are* the
    master equation (4) (continuous time :math:`t = M/N_S`), so
    :math:`\mathrm{Var}(Q)/m` over the walkers estimates the zero-frequency
    noise of :meth:`IsingRing.heat_current_noise` per attempt (``"paper"``;
    :math:`N_S` times that for ``"literal"``), up to an :math:`O(\tau/t)`
    finite-time bias (:math:`\tau` the relaxation time); its standard error uses
    the walkers' fourth moment.  (A fixed number of attempts would estimate the
    noise of the discrete-time chain, :math:`S - I^2` per attempt.)  The clock
    has its own random stream, spawned from ``seed``: the currents are the same
    as without it.

    Rings too large to list their configurations (``n_states * N_S >
    MAX_LISTED``, e.g. 40 spins) are simulated too, for the Q2R bulk: its
    dynamics has a single closed class made of all :math:`2^{N_S}`
    configurations, so walkers start from uniformly random configurations (or
    ``initial`` given as an integer index).  Limits: :data:`MAX_ATTEMPTS`,
    :data:`MAX_WALKERS`, :data:`MAX_OCCUPATION`.
    """
    t0 = time.perf_counter()
    scale = ring._norm(normalization)
    sym, J, T = ring._args(J_upper, J_lower, T_left, T_right)
    if sym:
        raise InvalidParameterError("simulate() needs numeric couplings and temperatures.")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise InvalidParameterError(f"steps = {steps!r}: pass an integer number of attempts >= 2.")
    if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or not 1 <= chunk <= 4096:
        raise InvalidParameterError(f"chunk = {chunk!r} must be an integer in 1..4096 (steps per block).")
    if isinstance(walkers, bool) or not isinstance(walkers, (int, np.integer)) or walkers < 1:
        raise InvalidParameterError(
            f"walkers = {walkers!r}: pass an integer number of walkers >= 1 (2 or more give "
            "error bars).")
    if walkers > MAX_WALKERS:
        raise InvalidParameterError(
            f"walkers = {walkers} is more than MAX_WALKERS = {MAX_WALKERS} (memory walkers x N_S); "
            "a few thousand walkers already give reliable error bars.")
    walkers = max(2, min(int(walkers), int(steps)))
    per_walker = int(np.ceil(steps / walkers))
    if burn_in is None:
        burn_in = max(200 * ring.n_spins, per_walker // 4)
    if isinstance(burn_in, bool) or not isinstance(burn_in, (int, np.integer)) or burn_in < 0:
        raise InvalidParameterError(f"burn_in = {burn_in!r} must be an integer >= 0 (attempts per walker).")
    burn_in = int(burn_in)
    if (burn_in + per_walker) * walkers > MAX_ATTEMPTS:
        raise InvalidParameterError(
            f"steps = {steps} with burn_in = {burn_in} per walker and {walkers} walkers is "
            f"{(burn_in + per_walker) * walkers:.3g} update attempts, more than MAX_ATTEMPTS = "
            f"{MAX_ATTEMPTS:.0e} (about two minutes); lower steps/burn_in or raise "
            "symness.classical.montecarlo.MAX_ATTEMPTS.")
    try:
        rng = np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"seed = {seed!r}: pass None or a non-negative integer.") from None
    n = ring.n_spins
    space = ring.space
    if record_states and walkers * space.n_states > MAX_OCCUPATION:
        raise InvalidParameterError(
            f"record_states needs a {walkers} x {space.n_states} occupation table, more than "
            f"MAX_OCCUPATION = {MAX_OCCUPATION:.0e} entries; use fewer walkers or a smaller ring.")
    if space.listable:
        classes = ring.classes(*J)
        chosen = ring._class_weights(classes, initial, cls, False)
    elif ring.bulk != "q2r" or cls is not None or not (
            initial is None or (isinstance(initial, (int, np.integer)) and not isinstance(initial, bool))):
        # only Q2R rings are known to form one closed class (all configurations) without listing them
        space.check_listable("simulate() with CCA demons, cls= or an initial distribution")
    elif initial is not None and not 0 <= initial < space.n_states:
        raise InvalidParameterError(f"initial state {initial} is outside 0..2**{n} - 1.")
    # initial states of the walkers
    if not space.listable:  # Q2R, one closed class of all 2**N_S configurations
        if initial is None:
            bits = rng.integers(0, 2, size=walkers * n, dtype=np.uint8)
        else:
            row = np.array([(int(initial) >> i) & 1 for i in range(n)], dtype=np.uint8)
            bits = np.tile(row, walkers)
        k0 = None
    elif initial is not None:
        if isinstance(initial, (int, np.integer)):
            k0 = np.full(walkers, int(initial), dtype=np.int64)
        else:
            p0 = np.asarray(initial, dtype=float).ravel()
            k0 = rng.choice(space.n_states, size=walkers, p=p0 / p0.sum())
    else:
        k0 = rng.choice(classes[chosen[0][0]], size=walkers)
    if k0 is not None:
        bits = (space.spins[k0] > 0).astype(np.uint8).reshape(-1)  # walker-major, 1 = up
    nd = len(space.demon_sites)
    demons = np.zeros((walkers, max(nd, 1)), dtype=np.int64)
    if nd:
        demons[:, :nd] = space.demons[k0]
    dflat = demons.reshape(-1)
    ndc = demons.shape[1]
    slot = np.zeros(n, dtype=np.int64)  # demon column of each site (nodes: a dummy 0, never used)
    for m_, s_ in enumerate(space.demon_sites):
        slot[s_ - 1] = m_
    acc, ddem, contrib = _tables(ring, J, T)
    is_cca = ring.bulk == "cca"
    levels = acc.shape[2]
    acc_f = acc.reshape(-1)
    ddem_f = ddem.reshape(-1)
    contrib_f = contrib.reshape(-1, 4)
    left_of = (np.arange(n) - 1) % n
    right_of = (np.arange(n) + 1) % n
    rows = np.arange(walkers)
    base = rows * n
    dbase = rows * ndc
    sums = np.zeros((walkers, 4))
    # noise: heat over a Poisson number of attempts (continuous time), from a separate random stream
    window = per_walker - 10.0 * np.sqrt(per_walker)
    with_noise = per_walker >= 400
    if with_noise:
        clock = np.random.default_rng(rng.bit_generator.seed_seq.spawn(1)[0])
        stop = burn_in + np.minimum(clock.poisson(window, size=walkers), per_walker)
        qsums = np.zeros((walkers, 4))
    accepted = 0
    occ = None
    if record_states:
        occ = np.zeros(walkers * space.n_states, dtype=np.int64)
        kcur = space.index(space.spins[k0], demons[:, :nd] if nd else None).astype(np.int64)
        wbase = rows * space.n_states
        dpow = space.n_spin_states * 4 ** np.arange(max(nd, 1))
        site_bit = (1 << np.arange(n)).astype(np.int64)
    total = burn_in + per_walker
    done = 0
    while done < total:
        m = min(chunk, total - done)
        sites = rng.integers(0, n, size=(m, walkers))
        us = rng.random((m, walkers))
        P = base + sites
        PL = base + left_of[sites]
        PR = base + right_of[sites]
        S = sites * (8 * levels)
        if is_cca:
            D = dbase + slot[sites]
        for t in range(m):
            p = P[t]
            code = (bits[PL[t]].astype(np.int64) << 1 | bits[p]) << 1 | bits[PR[t]]
            sc = S[t] + code * levels
            if is_cca:
                sc = sc + dflat[D[t]]
            ok = us[t] < acc_f[sc]
            bits[p] ^= ok
            if is_cca:
                dd = ddem_f[sc] * ok
                dflat[D[t]] += dd
            if done + t >= burn_in:
                c = contrib_f[sc] * ok[:, None]
                sums += c
                accepted += int(np.count_nonzero(ok))
                if with_noise:
                    qsums += c * (done + t < stop)[:, None]
            if record_states:
                kcur ^= site_bit[sites[t]] * ok
                if is_cca:
                    kcur += dd * dpow[slot[sites[t]]]
                if done + t >= burn_in:
                    occ[wbase + kcur] += 1
        done += m
    per = sums / per_walker * (ring.n_spins / scale)
    currents = {k: float(per[:, i].mean()) for i, k in enumerate(_KEYS)}
    stderr = {k: float(per[:, i].std(ddof=1) / np.sqrt(walkers)) for i, k in enumerate(_KEYS)}
    noise: dict[str, float] = {}
    noise_err: dict[str, float] = {}
    if with_noise:
        factor = ring.n_spins / scale / window
        dev = qsums - qsums.mean(axis=0)
        var = (dev**2).sum(axis=0) / (walkers - 1)
        m4 = (dev**4).mean(axis=0)
        se = np.sqrt(np.maximum(m4 - var**2 * (walkers - 3) / (walkers - 1), 0.0) / walkers)
        noise = {k: float(var[i] * factor) for i, k in enumerate(_KEYS)}
        noise_err = {k: float(se[i] * factor) for i, k in enumerate(_KEYS)}
    occupation = occ_err = None
    if record_states:
        f = occ.reshape(walkers, space.n_states) / per_walker
        occupation = f.mean(axis=0)
        occ_err = f.std(axis=0, ddof=1) / np.sqrt(walkers)
    return SimulationResult(currents, stderr, per_walker * walkers, walkers, burn_in, normalization,
                            occupation, occ_err, accepted / (per_walker * walkers),
                            time.perf_counter() - t0, noise, noise_err, float(window) if with_noise else 0.0)
