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

__all__ = ["communicating_classes", "closed_classes", "tree_counts"]


def communicating_classes(n: int, pairs: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Strongly connected components of the transition graph (each sorted), in order of first state."""
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
