import io
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

from symness import InvalidParameterError, sweep
from symness.sweep import Progress


def product(a, b):
    return a * b


def slow_square(x):
    time.sleep(0.001)
    return x * x


def test_serial_named_grid():
    res = sweep(product, {"a": [1, 2, 3], "b": [10, 20]}, progress=False)
    assert res.shape == (3, 2)
    assert np.array_equal(res.array(), [[10, 20], [20, 40], [30, 60]])
    assert res.points[1] == {"a": 1, "b": 20}


def test_sequence_grid():
    res = sweep(slow_square, [3, 1, 2], progress=False)
    assert res.values == [9, 1, 4]
    res2 = sweep(product, [{"a": 2, "b": 3}], progress=False)
    assert res2.values == [6]


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_executors_keep_order(pool):
    with pool(max_workers=2) as ex:
        res = sweep(product, {"a": np.arange(5), "b": np.arange(4)}, executor=ex, progress=False)
    ref = np.outer(np.arange(5), np.arange(4))
    assert np.array_equal(res.array(), ref)


def test_progress_bar_draws_for_long_sweeps():
    buf = io.StringIO()
    bar = Progress(10, stream=buf, delay=0.0, rate=1e6)
    for _ in range(10):
        bar.update()
    bar.close()
    assert "10/10" in buf.getvalue()
    quiet = io.StringIO()
    bar = Progress(10, stream=quiet, delay=100.0)
    for _ in range(10):
        bar.update()
    bar.close()
    assert quiet.getvalue() == ""


def test_array_with_key():
    res = sweep(lambda a: {"x": a, "y": 2 * a}, {"a": [1.0, 2.0]}, progress=False)
    assert np.array_equal(res.array("y"), [2.0, 4.0])


def test_bad_grid():
    with pytest.raises(InvalidParameterError):
        sweep(product, {}, progress=False)
