"""Parameter sweeps with progress and an optional executor.

>>> from symness.sweep import sweep
>>> res = sweep(lambda T_L, Delta: T_L * Delta, {"T_L": [1, 2], "Delta": [0.0, 1.0, 2.0]},
...             progress=False)
>>> res.array().shape
(2, 3)

Any :class:`concurrent.futures.Executor` can run the points -- a
``ThreadPoolExecutor`` or ``ProcessPoolExecutor``, or a distributed one
(``dask.distributed.Client().get_executor()``, Ray's executor, ...), which is
how a sweep scales past one machine.  With a process or distributed executor
``f`` must be picklable (a module-level function, not a lambda).
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

from .errors import InvalidParameterError

__all__ = ["sweep", "SweepResult", "Progress"]


class Progress:
    """A minimal text progress bar on stderr (no dependencies).

    It only draws when the sweep has taken longer than ``delay`` seconds, so
    short sweeps stay silent, and redraws at most ``rate`` times a second.
    """

    def __init__(self, total: int, *, label: str = "sweep", stream: TextIO | None = None,
                 delay: float = 0.5, rate: float = 10.0, enabled: bool = True, width: int = 30):
        self.total = max(int(total), 0)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.min_interval = 1.0 / rate
        self.enabled = enabled
        self.width = width
        self.done = 0
        self.start = time.perf_counter()
        self._last = 0.0
        self.drawn = False

    def update(self, k: int = 1) -> None:
        self.done += k
        if not self.enabled:
            return
        now = time.perf_counter()
        elapsed = now - self.start
        if elapsed < self.delay or (now - self._last < self.min_interval and self.done < self.total):
            return
        self._last = now
        self._draw(elapsed)

    def _draw(self, elapsed: float) -> None:
        frac = self.done / self.total if self.total else 1.0
        filled = int(round(self.width * frac))
        eta = elapsed / frac - elapsed if frac > 0 else float("nan")
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} "
                          f"{elapsed:6.1f}s eta {eta:6.1f}s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.enabled and self.drawn:
            self._draw(time.perf_counter() - self.start)
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class SweepResult:
    """Values of a sweep, in grid order.

    Attributes
    ----------
    points
        The parameter points (dicts for a named grid, raw values otherwise).
    values
        ``f`` at each point, same order.
    shape
        Grid shape (``(len(a), len(b), ...)`` for a named grid, ``(n,)`` otherwise).
    grid
        The axes of a named grid (``name -> array``), else empty.
    seconds
        Wall time of the sweep.
    """

    points: list[Any]
    values: list[Any]
    shape: tuple[int, ...]
    grid: dict[str, np.ndarray] = field(default_factory=dict)
    seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.values)

    def array(self, key: Any = None) -> np.ndarray:
        """Values as an array of the grid's shape (``key`` picks from dict / indexable values)."""
        vals = self.values if key is None else [v[key] for v in self.values]
        arr = np.asarray(vals)
        return arr.reshape(self.shape + arr.shape[1:])


def _points(grid: Any) -> tuple[list[Any], tuple[int, ...], dict[str, np.ndarray], bool]:
    if isinstance(grid, Mapping):
        axes = {k: np.atleast_1d(np.asarray(v)) for k, v in grid.items()}
        if not axes:
            raise InvalidParameterError("sweep grid is empty: give at least one parameter axis.")
        names = list(axes)
        pts = [dict(zip(names, combo)) for combo in itertools.product(*(axes[n] for n in names))]
        return pts, tuple(len(axes[n]) for n in names), axes, True
    if isinstance(grid, (Sequence, np.ndarray, Iterable)):
        pts = list(grid)
        kw = bool(pts) and all(isinstance(p, Mapping) for p in pts)
        return pts, (len(pts),), {}, kw
    raise InvalidParameterError("grid must be a mapping name -> values, or a sequence of points.")


def _call(f: Callable[..., Any], point: Any, as_kwargs: bool) -> Any:
    return f(**point) if as_kwargs else f(point)


def sweep(f: Callable[..., Any], grid: Any, executor: Executor | None = None,
          progress: bool = True, *, label: str = "sweep") -> SweepResult:
    """Evaluate ``f`` over a parameter grid.

    Parameters
    ----------
    f
        Function of one point.  For a named grid (a mapping) it is called as
        ``f(**point)``; for a sequence of dicts likewise; otherwise ``f(value)``.
    grid
        ``{"name": values, ...}`` (Cartesian product, first name slowest), or
        a sequence of points.
    executor
        Any :class:`concurrent.futures.Executor`; ``None`` runs serially.
    progress
        Show a progress bar on stderr for sweeps that take longer than 0.5 s.
    label
        Text in front of the progress bar.

    Returns
    -------
    SweepResult
        Values in grid order, whatever order the executor finished them in.
    """
    pts, shape, axes, as_kwargs = _points(grid)
    bar = Progress(len(pts), label=label, enabled=progress)
    t0 = time.perf_counter()
    values: list[Any] = [None] * len(pts)
    try:
        if executor is None:
            for i, p in enumerate(pts):
                values[i] = _call(f, p, as_kwargs)
                bar.update()
        else:
            futures = {executor.submit(_call, f, p, as_kwargs): i for i, p in enumerate(pts)}
            for fut in as_completed(futures):
                values[futures[fut]] = fut.result()
                bar.update()
    finally:
        bar.close()
    return SweepResult(pts, values, shape, axes, time.perf_counter() - t0)
