"""Parameter sweeps with a progress bar and an optional executor.

>>> from symness.sweep import sweep
>>> res = sweep(lambda T_L, Delta: T_L * Delta, {"T_L": [1, 2], "Delta": [0.0, 1.0, 2.0]},
...             progress=False)
>>> res.array().shape
(2, 3)

Any :class:`concurrent.futures.Executor` can run the points -- a
``ThreadPoolExecutor`` or ``ProcessPoolExecutor``, or a distributed one
(``dask.distributed.Client().get_executor()``, Ray's executor, ...), which is
how a sweep scales past one machine (``docs/scale-out.md``).  With a process or
distributed executor ``f`` must be picklable (a module-level function, not a
lambda).  The values come back in grid order whatever the executor, and each
point is computed by the same function, so the result does not depend on the
executor.

Progress is shown with :mod:`tqdm.auto`: a widget in Jupyter (with ipywidgets
installed; a text bar otherwise), a text bar on stderr in a terminal, nothing for
sweeps shorter than half a second.
"""

from __future__ import annotations

import itertools
import math
import pickle
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import InvalidParameterError

__all__ = ["sweep", "SweepResult", "progress_bar", "MAX_POINTS"]

#: Default largest number of grid points :func:`sweep` materialises (``max_points=`` to change).
MAX_POINTS = 10**6


def progress_bar(iterable: Iterable[Any] | None = None, *, total: int | None = None, desc: str = "",
                 enabled: bool | None = True, delay: float = 0.5, unit: str = "it") -> Any:
    """A :mod:`tqdm.auto` progress bar (a widget in Jupyter, text on stderr otherwise).

    Parameters
    ----------
    iterable, total, desc, unit
        As for :class:`tqdm.tqdm`.
    enabled
        ``True`` shows the bar, ``False`` never, ``None`` only when stderr is a
        terminal (tqdm's ``disable=None``; the command line uses this so logs
        and pipes stay clean).
    delay
        Seconds before the bar first appears, so short loops stay silent.
    """
    with warnings.catch_warnings():
        # in Jupyter without ipywidgets tqdm.auto warns once and falls back to the text bar: the
        # fallback is fine, the warning would only clutter every notebook's first sweep
        warnings.filterwarnings("ignore", message=".*IProgress not found.*")
        from tqdm.auto import tqdm  # imported when used: tqdm.auto inspects the running frontend

    if enabled is not None and not isinstance(enabled, (bool, np.bool_)):
        raise InvalidParameterError(f"enabled = {enabled!r} must be True, False or None.")
    if total is not None and (isinstance(total, (bool, np.bool_)) or not isinstance(total, (int, np.integer))
                              or total < 0):
        raise InvalidParameterError(f"total = {total!r} must be a non-negative integer or None.")
    if isinstance(delay, (bool, np.bool_)) or not isinstance(delay, (int, float, np.floating, np.integer)) \
            or not np.isfinite(delay) or delay < 0:
        raise InvalidParameterError(f"delay = {delay!r} must be a finite number of seconds >= 0.")
    if iterable is not None and not isinstance(iterable, Iterable):
        raise InvalidParameterError(f"progress_bar wraps an iterable, got {type(iterable).__name__}.")
    disable = None if enabled is None else not enabled
    return tqdm(iterable, total=total, desc=desc or None, disable=disable, delay=delay, unit=unit,
                dynamic_ncols=True)


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


def _too_many(what: str, max_points: int) -> InvalidParameterError:
    return InvalidParameterError(
        f"{what}, more than max_points={max_points}: split the grid into chunks "
        "(one sweep per slice of an axis) or pass a larger max_points= if the memory allows "
        "(every point and value is kept in memory).")


def _finite_values(name: str, values: Any, max_points: int) -> np.ndarray:
    """One named axis as a 1-d array, its length checked before anything is allocated."""
    if isinstance(values, (str, bytes)):
        return np.asarray([values])
    if isinstance(values, np.ndarray) or not isinstance(values, Iterable):
        arr = np.asarray(values)
    else:
        if hasattr(values, "__len__"):
            n = len(values)
            if n > max_points:
                raise _too_many(f"sweep axis {name!r} has {n} values", max_points)
            arr = np.asarray(values if isinstance(values, Sequence) else list(values))
        else:  # an iterator or generator: possibly infinite, so take at most max_points + 1
            items = list(itertools.islice(values, max_points + 1))
            if len(items) > max_points:
                raise _too_many(f"sweep axis {name!r} is an iterator with more than {max_points} values "
                                "(unbounded?)", max_points)
            arr = np.asarray(items)
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise InvalidParameterError(f"sweep axis {name!r} must be one-dimensional (a list of values); "
                                    f"got an array of shape {arr.shape}.")
    return arr


def _points(grid: Any, max_points: int) -> tuple[list[Any], tuple[int, ...], dict[str, np.ndarray], bool]:
    if isinstance(grid, Mapping):
        if not grid:
            raise InvalidParameterError("sweep grid is empty: give at least one parameter axis.")
        axes = {k: _finite_values(k, v, max_points) for k, v in grid.items()}
        names = list(axes)
        shape = tuple(len(axes[n]) for n in names)
        n = math.prod(shape)
        if n > max_points:
            raise _too_many("sweep grid has " + " x ".join(map(str, shape)) + f" = {n} points", max_points)
        pts = [dict(zip(names, combo)) for combo in itertools.product(*(axes[n] for n in names))]
        return pts, shape, axes, True
    if isinstance(grid, (str, bytes)) or not isinstance(grid, Iterable):
        raise InvalidParameterError("grid must be a mapping name -> values, or a sequence of points; "
                                    f"got {type(grid).__name__}.")
    if hasattr(grid, "__len__"):
        if len(grid) > max_points:
            raise _too_many(f"sweep grid has {len(grid)} points", max_points)
        pts = list(grid)
    else:
        pts = list(itertools.islice(grid, max_points + 1))
        if len(pts) > max_points:
            raise _too_many(f"sweep grid is an iterator with more than {max_points} points (unbounded?)",
                                max_points)
    kw = bool(pts) and all(isinstance(p, Mapping) for p in pts)
    return pts, (len(pts),), {}, kw


def _call(f: Callable[..., Any], point: Any, as_kwargs: bool) -> Any:
    return f(**point) if as_kwargs else f(point)


def _call_chunk(f: Callable[..., Any], points: list[Any], as_kwargs: bool) -> list[Any]:
    return [_call(f, p, as_kwargs) for p in points]


def _is_pickling_error(exc: BaseException) -> bool:
    if isinstance(exc, pickle.PicklingError):
        return True
    return isinstance(exc, (TypeError, AttributeError)) and "pickle" in str(exc).lower()


def _chunks(n: int, chunksize: int) -> Iterator[range]:
    for start in range(0, n, chunksize):
        yield range(start, min(start + chunksize, n))


def sweep(f: Callable[..., Any], grid: Any, executor: Executor | None = None,
          progress: bool | None = True, *, label: str = "sweep", chunksize: int | None = None,
          max_points: int = MAX_POINTS) -> SweepResult:
    """Evaluate ``f`` over a parameter grid.

    Parameters
    ----------
    f
        Function of one point.  For a named grid (a mapping) it is called as
        ``f(**point)``; for a sequence of dicts likewise; otherwise ``f(value)``.
    grid
        ``{"name": values, ...}`` (Cartesian product, first name slowest), or
        a sequence of points.  Its size is checked before the points are built:
        more than ``max_points`` points (or an unbounded iterator) is refused.
    executor
        Any :class:`concurrent.futures.Executor` (``ThreadPoolExecutor``,
        ``ProcessPoolExecutor``, ``dask.distributed.Client.get_executor()``,
        Ray's ``RayExecutor``, ...); ``None`` runs serially in this process.
    progress
        Show a :mod:`tqdm.auto` bar for sweeps that take longer than 0.5 s
        (``None``: only when stderr is a terminal).
    label
        Text in front of the progress bar.
    chunksize
        Points per task sent to the executor.  ``None`` picks
        ``ceil(n / 1000)``, so a sweep sends at most about a thousand tasks
        (each task costs scheduler overhead, ~1 ms on dask); ``1`` sends one
        task per point.  Ignored when ``executor`` is ``None``.
    max_points
        Largest grid accepted (default :data:`MAX_POINTS`); every point and
        value is kept in memory.

    Returns
    -------
    SweepResult
        Values in grid order, whatever order the executor finished them in.

    Raises
    ------
    InvalidParameterError
        An empty or too large grid, an ``executor`` that is not an executor,
        a bad ``chunksize``, or an ``f`` that a process or distributed executor
        cannot pickle.  Exceptions raised by ``f`` itself propagate unchanged
        (with a note naming the point on Python >= 3.11).
    """
    if not callable(f):
        raise InvalidParameterError(f"sweep needs a function of one point as f; got {type(f).__name__}.")
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InvalidParameterError(
            f"executor must be a concurrent.futures.Executor (something with .submit), e.g. "
            f"ThreadPoolExecutor(), ProcessPoolExecutor() or dask's client.get_executor(); got {executor!r}. "
            "Pass executor=None to run serially.")
    if chunksize is not None and (isinstance(chunksize, bool) or not isinstance(chunksize, (int, np.integer))
                                  or chunksize < 1):
        raise InvalidParameterError(f"chunksize must be a positive integer or None; got {chunksize!r}.")
    if isinstance(max_points, bool) or not isinstance(max_points, (int, np.integer)) or max_points < 1:
        raise InvalidParameterError(f"max_points must be a positive integer; got {max_points!r}.")
    pts, shape, axes, as_kwargs = _points(grid, int(max_points))
    n = len(pts)
    t0 = time.perf_counter()
    values: list[Any] = [None] * n
    with progress_bar(total=n, desc=label, enabled=progress) as bar:
        if executor is None:
            for i, p in enumerate(pts):
                values[i] = _run_one(f, p, as_kwargs)
                bar.update()
        else:
            size = int(chunksize) if chunksize is not None else max(1, math.ceil(n / 1000))
            futures = {executor.submit(_call_chunk, f, [pts[i] for i in idx], as_kwargs): idx
                       for idx in _chunks(n, size)}
            try:
                for fut in as_completed(futures):
                    idx = futures[fut]
                    try:
                        vals = fut.result()
                    except Exception as exc:
                        if _is_pickling_error(exc):
                            raise InvalidParameterError(
                                f"the executor could not send f or a point to its workers ({exc}): with a "
                                "process or distributed executor f must be picklable -- a function defined "
                                "at module level, not a lambda or a local function.") from exc
                        raise
                    for i, v in zip(idx, vals):
                        values[i] = v
                    bar.update(len(idx))
            finally:
                for fut in futures:
                    fut.cancel()
    return SweepResult(pts, values, shape, axes, time.perf_counter() - t0)


def _run_one(f: Callable[..., Any], point: Any, as_kwargs: bool) -> Any:
    try:
        return _call(f, point, as_kwargs)
    except Exception as exc:
        if hasattr(exc, "add_note"):
            exc.add_note(f"(raised by f at sweep point {point!r})")
        raise
