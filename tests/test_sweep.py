import itertools
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

from symness import InvalidParameterError, sweep


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


def test_progress_bar_is_tqdm_and_silent_for_short_sweeps(capsys):
    """A sweep longer than the 0.5 s delay draws a tqdm bar on stderr; a short one draws nothing."""
    sweep(slow_square, range(3), label="short")
    assert capsys.readouterr().err == ""
    sweep(lambda x: time.sleep(0.05), range(14), label="long sweep")
    err = capsys.readouterr().err
    assert "long sweep" in err and "14/14" in err
    sweep(lambda x: time.sleep(0.05), range(14), label="off", progress=False)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("chunksize", [None, 1, 3, 100])
def test_chunked_executor_keeps_order(chunksize):
    with ThreadPoolExecutor(max_workers=3) as ex:
        res = sweep(product, {"a": np.arange(7), "b": np.arange(5)}, executor=ex, progress=False,
                    chunksize=chunksize)
    assert np.array_equal(res.array(), np.outer(np.arange(7), np.arange(5)))


def test_array_with_key():
    res = sweep(lambda a: {"x": a, "y": 2 * a}, {"a": [1.0, 2.0]}, progress=False)
    assert np.array_equal(res.array("y"), [2.0, 4.0])


def test_bad_grid():
    with pytest.raises(InvalidParameterError):
        sweep(product, {}, progress=False)


@pytest.mark.parametrize("grid", [
    {"a": range(10**10)},                      # len() known: refused before np.asarray allocates 80 GB
    {"a": itertools.count()},                  # an unbounded axis
    itertools.count(),                         # an unbounded sequence of points
    {"a": range(10**5), "b": range(10**5)},    # 1e10 points from two modest axes
    {"a": np.zeros(2000), "b": np.zeros(2000)},
], ids=["range1e10", "count-axis", "count-points", "product1e10", "product4e6"])
def test_huge_or_infinite_grid_is_refused_up_front(grid):
    t0 = time.perf_counter()
    with pytest.raises(InvalidParameterError, match="max_points"):
        sweep(product, grid, progress=False)
    assert time.perf_counter() - t0 < 2.0


def test_max_points_can_be_raised_and_is_validated():
    res = sweep(product, {"a": np.arange(2000), "b": [1]}, progress=False, max_points=2000)
    assert len(res) == 2000
    with pytest.raises(InvalidParameterError, match="max_points"):
        sweep(product, {"a": np.arange(2000), "b": [1]}, progress=False, max_points=1999)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(InvalidParameterError):
            sweep(product, {"a": [1], "b": [1]}, progress=False, max_points=bad)


@pytest.mark.parametrize("bad", ["pool", 4, object()])
def test_executor_must_be_an_executor(bad):
    with pytest.raises(InvalidParameterError, match="concurrent.futures.Executor"):
        sweep(product, {"a": [1], "b": [2]}, executor=bad, progress=False)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "4"])
def test_bad_chunksize(bad):
    with ThreadPoolExecutor(1) as ex, pytest.raises(InvalidParameterError, match="chunksize"):
        sweep(product, {"a": [1], "b": [2]}, executor=ex, chunksize=bad, progress=False)


def test_other_bad_inputs():
    with pytest.raises(InvalidParameterError, match="function"):
        sweep(3, [1], progress=False)
    with pytest.raises(InvalidParameterError, match="grid"):
        sweep(slow_square, 5, progress=False)
    with pytest.raises(InvalidParameterError, match="one-dimensional"):
        sweep(product, {"a": [[1, 2], [3, 4]], "b": [1]}, progress=False)


def test_unpicklable_function_on_a_process_pool_is_explained():
    with ProcessPoolExecutor(max_workers=1) as ex, pytest.raises(InvalidParameterError, match="picklable"):
        sweep(lambda x: x, [1, 2], executor=ex, progress=False)


def test_error_in_f_propagates_unchanged():
    with pytest.raises(ZeroDivisionError):
        sweep(lambda x: 1 / x, [1, 0], progress=False)
    with ThreadPoolExecutor(2) as ex, pytest.raises(ZeroDivisionError):
        sweep(lambda x: 1 / x, [1, 0, 2], executor=ex, progress=False)


def test_progress_in_a_jupyter_kernel(tmp_path):
    """In Jupyter the bar is tqdm.auto's: a widget with ipywidgets, else a text bar -- never a warning."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    code = (f"import sys; sys.path.insert(0, {root!r})\n"
            "import time\nfrom symness import sweep\n"
            "sweep(lambda x: time.sleep(0.15), range(6), label='kernel sweep').values")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    outputs = nb.cells[0].outputs
    text = "".join(o.get("text", "") for o in outputs)
    assert "IProgress" not in text and "Warning" not in text
    widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert widget or "kernel sweep" in text  # a widget, or the text bar on stderr
    assert outputs[-1]["data"]["text/plain"] == "[None, None, None, None, None, None]"
