import pytest

import symness
from symness import errors


def test_base_class_exported():
    assert symness.SymnessError is errors.SymnessError


@pytest.mark.parametrize("name", [n for n in errors.__all__ if n.endswith("Error")])
def test_every_error_is_a_symness_error(name):
    assert issubclass(getattr(errors, name), symness.SymnessError)


def test_warning_classes():
    assert issubclass(errors.PositivityWarning, errors.SymnessWarning)
    assert issubclass(errors.SymnessWarning, UserWarning)


def test_non_unique_carries_classes():
    e = errors.NonUniqueSteadyStateError("two sectors", reason="conserved S^z", classes=[0, 1])
    assert e.reason == "conserved S^z" and e.classes == [0, 1]
    with pytest.raises(symness.SymnessError):
        raise e


def test_python_builtin_compatibility():
    assert issubclass(errors.SiteOutOfRangeError, IndexError)
    assert issubclass(errors.InvalidParameterError, ValueError)
    assert issubclass(errors.ConvergenceError, RuntimeError)


def test_a_stale_install_names_the_missing_dependencies(monkeypatch):
    """An install older than its source (e.g. before tqdm became a dependency) fails at import, saying what to do."""
    import importlib.util

    from symness import _dependencies
    from symness.errors import MissingDependencyError, SymnessError
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda m, *a: None if m in ("tqdm", "flint") else real(m, *a))
    assert _dependencies.missing_core() == ["tqdm", "python-flint"]
    with pytest.raises(MissingDependencyError, match=r"tqdm, python-flint.*pip install -e '\.\[test\]'") as err:
        _dependencies.check_core()
    assert isinstance(err.value, (SymnessError, ImportError)) and err.value.missing == ["tqdm", "python-flint"]
    monkeypatch.setattr(importlib.util, "find_spec", real)
    _dependencies.check_core()  # this environment is complete
