"""Scale-out: a sweep on a dask.distributed LocalCluster (2 worker processes) equals the serial sweep.

The ``[distributed]`` extra (part of ``[test]``) installs dask.distributed, so CI runs
this test; it is skipped only where dask is not installed.
"""

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from symness import sweep

distributed = pytest.importorskip("dask.distributed")


def ring_currents(Delta, T_L):
    """Redfield NESS of the ring4 ring (two up spins) at one point: bath, bond and spin currents."""
    from symness.models import xxz_ring
    from symness.open import redfield_ness

    ring = xxz_ring(n=4, J=1.0, Delta=2.19, fields={2: 2.0, 3: 1.0}, contacts=(1, 3),
                    T_left=2.0, T_right=1.0, gamma=0.01, cutoff=10.0)
    ness = redfield_ness(ring, up_spins=2, Delta=Delta, T_L=T_L)
    q = ness.bath_heat_currents()
    return {"j_L": q["L"], "j_R": q["R"], "j_2": ness.bond_heat_current(2), "j_s": ness.spin_current()}


def test_sweep_on_local_cluster_equals_serial():
    import cloudpickle

    # the workers receive this test module's function by value (the tests directory is not a package)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    grid = {"Delta": np.linspace(1.9, 2.5, 5), "T_L": [1.5, 3.0]}
    serial = sweep(ring_currents, grid, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        pids = set(client.run(lambda: __import__("os").getpid()).values())
        assert len(pids) == 2 and __import__("os").getpid() not in pids  # two separate worker processes
        for chunksize in (1, 4):
            res = sweep(ring_currents, grid, executor=client.get_executor(), chunksize=chunksize, progress=False)
            assert res.shape == serial.shape == (5, 2)
            assert res.points == serial.points
            for key in ("j_L", "j_R", "j_2", "j_s"):
                # the same function on the same point.  Dask's workers run OpenBLAS on one thread, this
                # process maybe on more, which reorders sums: the currents (differences of O(gamma)
                # rates) then differ in the last bits, ~1e-16 absolute, nothing more
                ref = serial.array(key)
                np.testing.assert_allclose(res.array(key), ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    with ThreadPoolExecutor(2) as pool:  # same process, same BLAS: identical to the last bit
        threaded = sweep(ring_currents, grid, executor=pool, progress=False)
    assert threaded.values == serial.values
    # and the physics is there: energy conservation j_L + j_R = 0 at every point
    np.testing.assert_allclose(serial.array("j_L"), -serial.array("j_R"), rtol=1e-9)
