"""Run calls in forked children with a wall-clock timeout and an address-space limit.

The parent imports symness once; each call runs in a child forked from it
(``os.fork``, half the cost of a ``multiprocessing`` process), so a child starts
in milliseconds.
The child lowers ``RLIMIT_AS`` to its current size plus :data:`MEMORY_BUDGET`
before the call, so a blow-up ends as a ``MemoryError`` (or a crash) instead of
exhausting the machine, and the parent kills a child that outlives
:data:`TIMEOUT` seconds -- unless the child used less than half of that in CPU
time (a loaded machine: other processes had the cores), which is then waited
for up to :data:`STARVED_CAP` times as long.  Up to :data:`WORKERS` children run
at once.

The child reports what the call did as an :class:`Outcome`: the exception's
type and message, or -- for a call that returned -- whether a check of the
result passed (by default: every number in it is finite).
"""

from __future__ import annotations

import math
import os
import pickle
import resource
import select
import signal
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import sympy

from symness.errors import SymnessError

#: Wall-clock seconds a child may run (override with SYMNESS_FUZZ_TIMEOUT).
TIMEOUT = float(os.environ.get("SYMNESS_FUZZ_TIMEOUT", "8"))
#: Bytes of address space a child may add to what it inherited (SYMNESS_FUZZ_MEMORY_MB).
MEMORY_BUDGET = int(os.environ.get("SYMNESS_FUZZ_MEMORY_MB", "1500")) * 2**20
#: Children run concurrently (SYMNESS_FUZZ_WORKERS; default: usable cores, 2..4: memory per child).
WORKERS = int(os.environ.get("SYMNESS_FUZZ_WORKERS", "0")) or min(4, max(2, len(os.sched_getaffinity(0))))

@dataclass(frozen=True)
class Outcome:
    """What one call did in its child.

    ``kind`` is ``"raised"``, ``"returned"``, ``"timeout"`` (killed after
    :data:`TIMEOUT` s) or ``"crashed"`` (the child died without reporting, e.g.
    a segfault when memory ran out).
    """

    kind: str
    error: str = ""  # exception type name, for "raised"
    symness_error: bool = False
    message: str = ""
    check_passed: bool = False  # for "returned": the result check (finite by default)
    seconds: float = 0.0
    cpu: float = 0.0  # CPU seconds used by the child (reported by the child itself)

    def describe(self) -> str:
        if self.kind == "raised":
            return f"raised {self.error}: {self.message}"
        if self.kind == "returned":
            return f"returned ({'check passed' if self.check_passed else 'CHECK FAILED'}): {self.message}"
        return f"{self.kind} after {self.seconds:.1f} s {self.message}"


def all_finite(value: Any, _depth: int = 0) -> bool:
    """True if every number reachable in ``value`` is finite (no NaN, no +-inf).

    Walks numbers, numpy arrays, scipy.sparse matrices, SymPy numbers and
    matrices, mappings, sequences and the public attributes of plain objects
    (two levels deep).  Symbolic expressions count as finite unless they
    contain ``nan``/``zoo``/``oo``.
    """
    if _depth > 4:
        return True
    if value is None or isinstance(value, (str, bytes, bool)):
        return True
    if isinstance(value, (int, np.integer)):
        return True
    if isinstance(value, (float, complex, np.floating, np.complexfloating)):
        return bool(np.isfinite(value))
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            return bool(np.all(np.isfinite(value)))
        if value.dtype == object:
            return all(all_finite(v, _depth + 1) for v in value.ravel()[:10_000])
        return True
    if sp.issparse(value):
        return bool(np.all(np.isfinite(value.data)))
    if isinstance(value, sympy.MatrixBase):
        return all(all_finite(v, _depth + 1) for v in list(value)[:10_000])
    if isinstance(value, sympy.Basic):
        return not value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)
    if type(value).__name__ in ("mpf", "mpc"):
        return bool(value.real == value.real and abs(value) != math.inf)
    if isinstance(value, dict):
        return all(all_finite(v, _depth + 1) for v in list(value.values())[:10_000])
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(all_finite(v, _depth + 1) for v in list(value)[:10_000])
    attrs = getattr(value, "__dict__", None)
    if isinstance(attrs, dict) and _depth < 2:
        return all(all_finite(v, _depth + 1) for k, v in attrs.items() if not k.startswith("_"))
    return True


def _vm_size() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _child_report(call: Callable[[], Any], check: Callable[[Any], bool] | None) -> tuple:
    """Run the call under the memory limit (in the child) and describe what it did."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _vm_size() + MEMORY_BUDGET
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    warnings.simplefilter("ignore")
    try:
        result = call()
    except SymnessError as exc:
        report = ("raised", type(exc).__name__, True, str(exc)[:400], False)
    except BaseException as exc:  # noqa: BLE001 - we report exactly what escaped
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" [{tb[-1].filename.split('symness/')[-1]}:{tb[-1].lineno}]" if tb else ""
        report = ("raised", type(exc).__name__, False, (str(exc)[:300] + where), False)
    else:
        try:
            passed = bool(check(result)) if check is not None else all_finite(result)
            msg = repr(result)[:200]
        except BaseException as exc:  # noqa: BLE001
            passed, msg = False, f"check raised {type(exc).__name__}: {exc}"[:300]
        report = ("returned", "", False, msg, passed)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (*report, usage.ru_utime + usage.ru_stime)


def _spawn(call: Callable[[], Any], check: Callable[[Any], bool] | None) -> tuple[int, int]:
    """Fork a child that runs the call and writes its pickled report to a pipe; ``(pid, read fd)``."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into the caller (pytest), always _exit
        try:
            os.close(r)
            data = pickle.dumps(_child_report(call, check))
            view = memoryview(data)
            while view:
                view = view[os.write(w, view):]
        finally:
            os._exit(0)
    os.close(w)
    return pid, r


#: A child that used less than half its limit in CPU time is waited for, up to this many limits of wall time.
STARVED_CAP = 6.0
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _starved(pid: int, limit: float) -> bool:
    """True if the child used under half of ``limit`` CPU seconds (other processes had the cores)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    except (OSError, IndexError, ValueError):
        return False
    return cpu < 0.5 * limit


def _reap(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return status


def run_calls(calls: Sequence[tuple[Any, ...]], *, timeout: float | None = None,
              workers: int | None = None) -> list[Outcome]:
    """Run each ``(call, check[, timeout])`` in its own forked child; return the outcomes in order.

    A per-call ``timeout`` (third element) overrides the default ``timeout``.
    """
    default = TIMEOUT if timeout is None else timeout
    workers = WORKERS if workers is None else workers
    pending = list(enumerate(calls))[::-1]
    out: list[Outcome | None] = [None] * len(calls)
    running: dict[int, list[Any]] = {}  # read fd -> [index, pid, start, timeout, bytearray]
    while pending or running:
        while pending and len(running) < workers:
            i, spec = pending.pop()
            limit = spec[2] if len(spec) > 2 and spec[2] is not None else default
            pid, fd = _spawn(spec[0], spec[1])
            running[fd] = [i, pid, time.monotonic(), limit, bytearray()]
        now = time.monotonic()
        next_deadline = min(start + limit for _, _, start, limit, _ in running.values())
        ready, _, _ = select.select(list(running), [], [], max(0.0, next_deadline - now))
        now = time.monotonic()
        for fd in ready:
            entry = running[fd]
            chunk = os.read(fd, 1 << 16)
            if chunk:
                entry[4] += chunk
                continue
            i, pid, start, _, buf = running.pop(fd)
            os.close(fd)
            status = _reap(pid)
            try:
                kind, err, is_sym, msg, passed, cpu = pickle.loads(bytes(buf))
                out[i] = Outcome(kind, err, is_sym, msg, passed, now - start, cpu)
            except Exception:  # noqa: BLE001 - no (complete) report: the child died
                out[i] = Outcome("crashed", message=f"(wait status {status})", seconds=now - start)
        for fd, (i, pid, start, limit, _) in list(running.items()):
            if now - start >= limit and _starved(pid, limit) and now - start < STARVED_CAP * limit:
                running[fd][3] = limit + 0.5 * limit  # a loaded machine, not a hang: the child barely ran
                continue
            if now - start >= limit:
                os.kill(pid, signal.SIGKILL)
                _reap(pid)
                os.close(fd)
                del running[fd]
                out[i] = Outcome("timeout", seconds=now - start)
    return out  # type: ignore[return-value]


def run_one(call: Callable[[], Any], check: Callable[[Any], bool] | None = None,
            **kw: Any) -> Outcome:
    """:func:`run_calls` for a single call."""
    return run_calls([(call, check)], **kw)[0]
