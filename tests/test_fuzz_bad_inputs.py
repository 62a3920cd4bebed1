"""Issue 15 fuzz suite: every public entry point fed bad inputs, each in a forked child.

A row passes when the call raises a :class:`symness.SymnessError` subclass (or,
for inputs that are actually valid, returns a finite result); a raw
``TypeError``/``ValueError``/..., a NaN, a hang past the timeout or a blow-up
past the memory limit fails it.  The rows are in :mod:`fuzz_table`, the
fork-per-row runner in :mod:`fuzz_runner`.  Rows that fail today in areas
owned by other developers are ``xfail(strict=True)`` (:data:`fuzz_table.KNOWN_FAILING`),
so they turn into errors once fixed and the marker must go.

Run ``python tests/test_fuzz_bad_inputs.py`` for a report of every failing row by owner.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pickle
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import fuzz_table as ft
import numpy as np
import pytest
from fuzz_runner import Outcome, run_calls, run_one
from hypothesis import given, settings
from hypothesis import strategies as st

#: Timeout of rows known to fail (owned by others): they fail fast or by timeout either way.
XFAIL_TIMEOUT = 1.5
ROWS = {row.id: row for row in ft.TABLE}


def passes(row: ft.Entry, o: Outcome) -> bool:
    refused = o.kind == "raised" and o.symness_error
    fine = o.kind == "returned" and o.check_passed
    if row.mode == "raise":
        return refused
    if row.mode == "ok":
        return fine
    if row.mode == "either":
        return refused or fine
    if row.mode == "exit":
        return o.kind == "raised" and o.error == "SystemExit" and o.message not in ("0", "None", "")
    raise AssertionError(f"unknown mode {row.mode!r}")


def _params():
    for row in ft.TABLE:
        owner = ft.KNOWN_FAILING.get(row.id)
        marks = [pytest.mark.xfail(strict=True, reason=f"owner: {owner}")] if owner else []
        yield pytest.param(row.id, id=row.id, marks=marks)


def run_rows(ids: list[str]) -> dict[str, Outcome]:
    """Run the rows ``ids`` (children in parallel, forked from this process), keyed by row id."""
    ft.prewarm()
    rows = [ROWS[i] for i in ids]
    res = run_calls([(r.call, r.check, XFAIL_TIMEOUT if r.id in ft.KNOWN_FAILING else None) for r in rows])
    return dict(zip(ids, res))


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict[str, Outcome]:
    """Every selected row of this module, run once in a *fresh* interpreter.

    The children fork from a clean ``python`` that only imported symness and the table,
    so what earlier tests cached in the pytest process (derivations, solvers) cannot make
    a row faster or slower, and the parent that forks stays small.
    """
    wanted = [item.callspec.params["row_id"] for item in request.session.items
              if item.module is request.module and hasattr(item, "callspec")
              and "row_id" in item.callspec.params]
    out = tmp_path_factory.mktemp("fuzz") / "outcomes.pickle"
    here = Path(__file__).resolve().parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(here.parent), str(here), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--run", str(out)],
                          input="\n".join(wanted), text=True, capture_output=True, env=env, cwd=here.parent,
                          timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out, "rb") as f:
        return pickle.load(f)


@pytest.mark.parametrize("row_id", list(_params()))
def test_row(row_id: str, outcomes: dict[str, Outcome]) -> None:
    row = ROWS[row_id]
    o = outcomes[row_id]
    assert passes(row, o), f"expected {row.mode}, got: {o.describe()}"


# ------------------------------------------------------------------ the table itself
def test_table_is_large_and_ids_unique():
    assert len(ft.TABLE) >= 500
    assert len(ROWS) == len(ft.TABLE)
    assert set(ft.KNOWN_FAILING) <= set(ROWS), set(ft.KNOWN_FAILING) - set(ROWS)
    assert all(owner != "trust-core" for owner in ft.KNOWN_FAILING.values())


def test_every_public_entry_point_has_rows():
    """Each callable in the ``__all__`` of the package and its subpackages is the target of a row."""
    targets = {row.target for row in ft.TABLE}
    prefixes = {t.split(":")[0] for t in targets}
    missing = []
    for modname in ft.COVERED_MODULES:
        mod = importlib.import_module(modname)
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if not callable(obj) or (inspect.isclass(obj) and issubclass(obj, BaseException)):
                continue
            home = f"{modname}.{name}"
            if home in ft.EXEMPT or any(p == home or p.startswith(home + ".") for p in prefixes):
                continue
            if modname == "symness" and any(p.endswith("." + name) for p in prefixes):
                continue  # re-exported at the top level
            missing.append(home)
    assert not missing, f"entry points without bad-input rows: {missing}"


# ------------------------------------------------------------------ the runner catches hangs and blow-ups
def _hang() -> None:
    time.sleep(60)


def _blow_up() -> None:
    np.ones(2 * 10**10)  # 160 GB


def test_runner_reports_hangs_and_blow_ups():
    hang, blow, ok = run_calls([(_hang, None, 1.0), (_blow_up, None), (lambda: 1.0, None)])
    assert hang.kind == "timeout"
    assert blow.kind in ("raised", "crashed") and not blow.symness_error
    assert ok.kind == "returned" and ok.check_passed
    assert run_one(lambda: float("nan")).check_passed is False


# ------------------------------------------------------------------ hypothesis: generated bad values
from symness.baths import Bath, bose, ohmic  # noqa: E402
from symness.classical import IsingRing  # noqa: E402
from symness.exchange import alpha_ratio, alpha_ratio_mpmath, box_levels, degeneracies  # noqa: E402
from symness.hierarchy import Hierarchy, perturbative_ness  # noqa: E402
from symness.models import exchange_chain, ising_ring, tilted_ising, xxz_ring  # noqa: E402
from symness.spins import Sector, identity, site_op  # noqa: E402
from symness.validation import check_temperature  # noqa: E402


def _refused(calls) -> list[str]:
    """Run the calls in forked children; return descriptions of those not refused with a SymnessError."""
    outs = run_calls([(c, None) for c in calls])
    return [f"call {k}: {o.describe()}" for k, o in enumerate(outs) if not (o.kind == "raised" and o.symness_error)]


_BAD_T = st.one_of(st.floats(max_value=-1e-300, allow_nan=False), st.just(float("nan")), st.just(float("inf")),
                   st.just(float("-inf")), st.complex_numbers(min_magnitude=1e-3, max_magnitude=1e3,
                                                              allow_nan=False).filter(lambda z: z.imag != 0))
_TEMPERATURE_CALLS = [
    lambda T: bose(1.0, T), lambda T: Bath(ohmic(0.1, 10.0), T), lambda T: check_temperature(T),
    lambda T: alpha_ratio(7, T), lambda T: IsingRing(1, 0).heat_currents(1.0, 1.0, T, 1.0),
    lambda T: xxz_ring(T_left=T), lambda T: tilted_ising(2, T_R=T),
    lambda T: perturbative_ness(tilted_ising(2), 1, T_L=T),
]


@settings(max_examples=12, deadline=None)
@given(T=_BAD_T)
def test_generated_bad_temperatures_refused(T):
    assert not _refused([partial(f, T) for f in _TEMPERATURE_CALLS])


_NOT_A_NUMBER = st.one_of(st.text(max_size=5), st.none(), st.booleans(), st.binary(max_size=3),
                          st.lists(st.text(max_size=2), min_size=1, max_size=3),
                          st.lists(st.floats(), min_size=1, max_size=3).map(lambda v: v + [float("nan")]),
                          st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))
_NUMBER_CALLS = [
    lambda v: bose(1.0, v), lambda v: bose(v, 1.0), lambda v: ohmic(v, 10.0), lambda v: alpha_ratio(7, v),
    lambda v: xxz_ring(J=v), lambda v: xxz_ring(gamma=v), lambda v: tilted_ising(2, h=v).hamiltonian(),
    lambda v: IsingRing(1, 0).stationary(v, 1.0, 2.0, 1.0), lambda v: box_levels(7, v),
]


@settings(max_examples=12, deadline=None)
@given(v=_NOT_A_NUMBER)
def test_generated_non_numbers_refused(v):
    assert not _refused([partial(f, v) for f in _NUMBER_CALLS])


_SIZE_CALLS = [
    lambda n: xxz_ring(n=n), lambda n: tilted_ising(n), lambda n: exchange_chain(n), lambda n: ising_ring(n, 1),
    lambda n: IsingRing(n, 1), lambda n: identity(n), lambda n: Sector(n, 1), lambda n: site_op("x", 1, n),
    lambda n: alpha_ratio(n, 1.0), lambda n: alpha_ratio_mpmath(7, 1.0, dps=n), lambda n: degeneracies(n, 10),
    lambda n: perturbative_ness(tilted_ising(2), n), lambda n: Hierarchy(tilted_ising(2)).rho(n),
    lambda n: IsingRing(1, 0).simulate(1.0, 1.0, 2.0, 1.0, steps=n * 10**6),
]


@settings(max_examples=10, deadline=None)
@given(n=st.integers(min_value=10**4, max_value=10**40))
def test_generated_huge_sizes_refused_fast(n):
    """Sizes far beyond any limit are refused before anything is allocated (no hang, no blow-up)."""
    assert not _refused([partial(f, n) for f in _SIZE_CALLS])


@settings(max_examples=10, deadline=None)
@given(site=st.one_of(st.integers(max_value=0), st.integers(min_value=5, max_value=10**30)),
       n=st.integers(min_value=1, max_value=4))
def test_generated_sites_out_of_range_refused(site, n):
    calls = [lambda: site_op("x", site, n), lambda: IsingRing(1, 1).correlation(site, 1, 1.0, 1.0, 2.0, 1.0),
             lambda: xxz_ring(n=4, fields={site: 1.0}), lambda: IsingRing(1, 1).correlation(1, site, 1, 1, 2, 1)]
    assert not _refused(calls)


# ------------------------------------------------------------------ report for developers
def _report() -> None:  # pragma: no cover - a maintenance tool
    import collections

    ft.prewarm()
    t0 = time.perf_counter()
    res = run_calls([(r.call, r.check) for r in ft.TABLE])
    failing = collections.defaultdict(list)
    for row, o in zip(ft.TABLE, res):
        if not passes(row, o):
            failing[row.owner].append(f"{row.id}: expected {row.mode}, {o.describe()[:160]}")
    print(f"{len(ft.TABLE)} rows in {time.perf_counter() - t0:.1f} s")
    for owner, lines in sorted(failing.items()):
        print(f"\n== {owner}: {len(lines)} failing")
        for line in lines:
            print("  ", line)


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 3 and sys.argv[1] == "--run":  # used by the `outcomes` fixture
        ids = [line for line in sys.stdin.read().splitlines() if line]
        result = run_rows(ids)
        with open(sys.argv[2], "wb") as fh:
            pickle.dump(result, fh)
    else:
        _report()
