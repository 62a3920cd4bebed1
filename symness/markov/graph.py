r"""The transition graph of a rate matrix: classes, and the size of its stationary state.

A chain with ``n`` states and directed transitions ``(source, target)`` has a
unique stationary state iff it has exactly one *closed* communicating class
(states outside it are transient and have zero stationary population).  By the
Markov-chain tree theorem the unnormalised stationary weight of state ``r`` in
that class is the sum, over spanning trees directed towards ``r``, of the
product of their rates: :func:`tree_counts` counts those trees (Kirchhoff's
determinant with unit rates), which is the number of terms of the closed form
before any symbols coincide -- known in microseconds, before anything is expanded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..errors import DerivationTooLargeError, InvalidParameterError, SiteOutOfRangeError

__all__ = ["communicating_classes", "closed_classes", "tree_counts"]

#: Largest number of states :func:`tree_counts` accepts (it forms dense ``n x n`` minors).
MAX_TREE_STATES = 4096


def _check_graph(n: object, pairs: object) -> list[tuple[int, int]]:
    """``n`` a state count and ``pairs`` transitions between ``0..n-1``, else a SymnessError."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 0:
        raise InvalidParameterError(f"n = {n!r} must be a non-negative integer (the number of states).")
    try:
        out = [(int(a), int(b)) for a, b in pairs] if pairs is not None else None  # type: ignore[union-attr]
    except (TypeError, ValueError):
        out = None
    if out is None or isinstance(pairs, (str, bytes)):
        raise InvalidParameterError("pairs must be a sequence of (source, target) state indices.")
    bad = [p for p in out if not (0 <= p[0] < n and 0 <= p[1] < n)]
    if bad:
        raise SiteOutOfRangeError(f"transition {bad[0]} names a state outside 0..{int(n) - 1}.")
    return out


def communicating_classes(n: int, pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Strongly connected components of the transition graph (each sorted), in order of first state."""
    pairs = _check_graph(n, pairs)
    if n == 0:
        return []
    if pairs:
        src, dst = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    else:
        src = dst = np.zeros(0, dtype=int)
    A = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n)).tocsr()
    k, labels = connected_components(A, directed=True, connection="strong")
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(int(lab), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def closed_classes(n: int, pairs: Sequence[tuple[int, int]]) -> tuple[list[list[int]], list[int]]:
    """``(closed classes, transient states)``: a class is closed if no transition leaves it."""
    pairs = _check_graph(n, pairs)
    classes = communicating_classes(n, pairs)
    where = {s: k for k, c in enumerate(classes) for s in c}
    leaves = {where[a] for a, b in pairs if where[a] != where[b]}
    closed = [c for k, c in enumerate(classes) if k not in leaves]
    transient = sorted(s for k, c in enumerate(classes) if k in leaves for s in c)
    return closed, transient


def tree_counts(n: int, pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    """Number of spanning trees directed towards each state (parallel transitions counted separately).

    Kirchhoff's matrix-tree theorem with unit rates: the principal minors of the
    generator's negative.  Returned as floats (exact below :math:`2^{53}`, an
    estimate above), ``0`` for a state that cannot be reached from every other.
    """
    pairs = _check_graph(n, pairs)
    if n > MAX_TREE_STATES:
        raise DerivationTooLargeError(f"tree_counts forms dense {n} x {n} minors; at most {MAX_TREE_STATES} states "
                                      "(split the chain into its closed classes first).")
    if n == 0:
        return np.zeros(0)
    L = np.zeros((n, n))
    for a, b in pairs:
        if a == b:
            continue
        L[b, a] -= 1.0
        L[a, a] += 1.0
    out = np.zeros(n)
    if n == 1:
        return np.ones(1)
    for r in range(n):
        idx = [k for k in range(n) if k != r]
        sign, logdet = np.linalg.slogdet(L[np.ix_(idx, idx)])
        out[r] = float(np.exp(logdet)) if sign > 0 else 0.0
    return np.round(out) if np.all(out < 2.0**53) else out
