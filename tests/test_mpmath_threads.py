"""mpmath precision is private to each call: threads with mixed ``dps`` do not corrupt each other.

``mpmath.mp.dps`` (and ``workdps``) is one global setting; a function that sets it
while another thread computes changes that thread's precision half-way.  The
mpmath users of symness run in a private ``mpmath.MPContext`` instead.  The test
runs them concurrently with mixed precisions *and* a thread that keeps changing
the global ``mpmath.mp.dps``, and demands bit-identical results to serial runs.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import mpmath
import numpy as np
import pytest
import sympy

from symness.classical.closedforms import _boltzmann_difference_numeric
from symness.closedform import ClosedForm
from symness.exchange import alpha_ratio_mpmath, alpha_ratio_thermodynamic
from symness.kernels import Bose


def _bits(v):
    return v._mpf_ if hasattr(v, "_mpf_") else v


def _boltzmann(dps: int):
    ctx = mpmath.MPContext()
    ctx.dps = dps
    d = ctx.mpf("1e-30")
    return _boltzmann_difference_numeric(ctx.mpf(-1), ctx.mpf(-1) + d, d)


_a = sympy.Symbol("a", positive=True)
# overflows in float64 at a = 800 (exp(800)): the mpmath fallback runs; the first terms are exactly 1
# but need > 350 digits, the Bose term (a kernels function with its own mpmath implementation) is ~ a
_FORM = ClosedForm(sympy.exp(_a) * (1 + sympy.exp(-_a)) - sympy.exp(_a) + Bose(1, _a))
_FINE, _COARSE = _FORM.lambdify(mp_dps=400), _FORM.lambdify(mp_dps=15)
_PTS = np.linspace(800.0, 801.0, 80)  # long enough for the meddling thread to run in between


def _form(f):
    return tuple(f(_PTS).tolist())


CALLS = {
    "closedform fallback dps=400": lambda: _form(_FINE),
    "closedform fallback dps=15": lambda: _form(_COARSE),
    "alpha_mpmath dps=60": lambda: alpha_ratio_mpmath(7, 0.05, dps=60),
    "alpha_mpmath dps=15": lambda: alpha_ratio_mpmath(7, 0.05, dps=15),
    "alpha_mpmath N=5 dps=30": lambda: alpha_ratio_mpmath(5, 0.3, dps=30),
    "thermodynamic dps=25": lambda: alpha_ratio_thermodynamic(0.7, dps=25),
    "thermodynamic dps=15": lambda: alpha_ratio_thermodynamic(0.7, dps=15),
    "boltzmann dps=50": lambda: _boltzmann(50),
    "boltzmann dps=15": lambda: _boltzmann(15),
}


def test_mixed_dps_threads_give_serial_results():
    before = mpmath.mp.dps
    serial = {k: _bits(f()) for k, f in CALLS.items()}
    assert mpmath.mp.dps == before  # nothing changed the global precision
    stop = threading.Event()

    def meddle():  # another library (or user) changing the global precision all the time
        while not stop.is_set():
            for d in (5, 300, 15, 80):
                mpmath.mp.dps = d

    keys = [k for k in CALLS if "thermodynamic" not in k] * 4 + [k for k in CALLS if "thermo" in k]
    m = threading.Thread(target=meddle)
    m.start()
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(lambda k: (k, _bits(CALLS[k]())), keys))
    finally:
        stop.set()
        m.join()
        mpmath.mp.dps = before
    for k, v in results:
        assert v == serial[k], k


def test_closedform_fallback_uses_its_own_precision():
    """The 400-digit fallback resolves the cancellation (1 + n(1, a)); 15 digits lose the 1."""
    fine, coarse = _form(_FINE), _form(_COARSE)
    with mpmath.workdps(30):
        ref = [float(1 + 1 / mpmath.expm1(1 / mpmath.mpf(x))) for x in _PTS]
    assert fine == pytest.approx(ref, rel=1e-15)
    assert abs(coarse[0] - ref[0]) > 0.5  # the exponentials cancel to 0 at 15 digits


def test_reference_keeps_its_precision_outside():
    """The returned mpf carries all working bits; arithmetic at the caller's precision stays accurate."""
    ref = alpha_ratio_mpmath(7, 0.01)
    with mpmath.workdps(15):  # the caller's (test's) own precision
        excess = ref - 1
    assert 0 < excess < mpmath.mpf("1e-30")  # resolved although 1 + excess == 1 in double precision


@pytest.mark.parametrize("dps", [0, -1, 10**6, 2.5, True])
def test_unbounded_or_bad_dps_refused(dps):
    from symness.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="dps"):
        alpha_ratio_mpmath(7, 1.0, dps=dps)
