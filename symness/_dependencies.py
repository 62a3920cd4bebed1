"""The core dependencies, checked when symness is imported (before anything uses them).

An installation made from an older checkout (``pip install -e .`` before a
dependency was added) would otherwise fail deep inside a computation with a bare
``ModuleNotFoundError`` -- for instance ``symness verify`` when its progress bar
first imports tqdm.  Only ``importlib.util.find_spec`` runs here: nothing is
imported, so the check costs microseconds.
"""

from __future__ import annotations

import importlib.util

#: import name -> distribution name (what ``pip install`` takes), as in pyproject.toml's dependencies
CORE = {"numpy": "numpy", "scipy": "scipy", "sympy": "sympy", "mpmath": "mpmath", "tqdm": "tqdm",
        "flint": "python-flint", "pylatexenc": "pylatexenc", "pybtex": "pybtex"}


def missing_core() -> list[str]:
    """Distribution names of the core dependencies this Python cannot import."""
    return [dist for mod, dist in CORE.items() if importlib.util.find_spec(mod) is None]


def check_core() -> None:
    """Raise :class:`~symness.errors.MissingDependencyError` naming every missing core dependency."""
    missing = missing_core()
    if missing:
        from .errors import MissingDependencyError
        raise MissingDependencyError(
            f"symness needs {', '.join(missing)}, which this Python cannot import. The installed symness is "
            "probably older than its source: reinstall it (from the repository: pip install -e '.[test]'; "
            f"otherwise: pip install --upgrade symness), or pip install {' '.join(missing)}.", missing)
