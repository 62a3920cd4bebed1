"""Input validation shared by every layer.

Numbers are checked numerically; SymPy expressions are checked only where
SymPy can decide the sign from their assumptions (a symbol declared
``positive=True`` passes, a bare symbol passes too -- the caller asked for a
symbolic result and gets one, with the assumption recorded by the caller).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.sparse as sp
import sympy

from .errors import (
    InvalidParameterError,
    NegativeCouplingError,
    NegativeTemperatureError,
    NonHermitianError,
    ShapeMismatchError,
)

__all__ = [
    "is_symbolic",
    "as_finite_expr",
    "check_temperature",
    "check_nonnegative",
    "check_positive",
    "check_hermitian",
    "check_square",
    "as_array",
]


def is_symbolic(*values: Any) -> bool:
    """True if any value is a SymPy object with free symbols (or a SymPy matrix)."""
    for v in values:
        if isinstance(v, sympy.MatrixBase):
            return True
        if isinstance(v, sympy.Basic) and v.free_symbols:
            return True
        if callable(v) and isinstance(v, sympy.FunctionClass):
            return True
    return False


def as_finite_expr(value: Any, name: str, error: type[Exception] = InvalidParameterError) -> sympy.Expr:
    """``value`` as a finite scalar SymPy expression (numbers or SymPy objects only).

    Strings are refused (SymPy would parse them with ``eval``), as are booleans,
    ``None``, matrices, non-commutative symbols and anything containing ``nan``,
    ``zoo`` or ``oo``.  ``error`` is the :class:`SymnessError` subclass raised.
    """
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        raise error(f"{name} = {value!r} is not a number or SymPy expression (strings are not parsed).")
    try:
        expr = sympy.sympify(value, strict=True)
    except (sympy.SympifyError, TypeError, ValueError):
        raise error(f"{name} = {value!r} is not a number or SymPy expression.") from None
    if (not isinstance(expr, sympy.Expr) or isinstance(expr, sympy.MatrixExpr)
            or expr.is_commutative is False):
        raise error(f"{name} = {value!r} is not a scalar expression.")
    if expr.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise InvalidParameterError(f"{name} = {value} is NaN or infinite; pass a finite value.")
    return expr


def _numeric_or_none(value: Any, name: str = "value") -> np.ndarray | None:
    """Return ``value`` as a numeric array, or None if it is symbolic.

    Raises :class:`InvalidParameterError` for ``None``, booleans and strings,
    which are never meaningful physical parameters.
    """
    if isinstance(value, sympy.Basic):
        if value.free_symbols:
            return None
        try:
            return np.asarray(complex(value))
        except TypeError:
            return None
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)):
        raise InvalidParameterError(
            f"{name} = {value!r} is not a number; pass a real number "
            "(or a SymPy expression for a symbolic result)."
        )
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):  # ragged sequences
        raise InvalidParameterError(f"{name} = {value!r} is not a number or an array of numbers.") from None
    if arr.dtype == object:
        if all(isinstance(v, (sympy.Basic, int, float, complex, np.number)) and not isinstance(v, bool)
               for v in arr.ravel()):
            return None  # SymPy objects: symbolic (checked by the caller where SymPy can decide)
        raise InvalidParameterError(
            f"{name} = {value!r} is not a number; pass a real number (or a SymPy expression for a "
            "symbolic result).")
    if arr.dtype.kind not in "iufc":
        raise InvalidParameterError(
            f"{name} = {value!r} is not a number (dtype {arr.dtype}); pass real numbers."
        )
    return arr


def check_temperature(T: Any, name: str = "T", *, allow_zero: bool = True) -> None:
    """Raise :class:`NegativeTemperatureError` unless ``T >= 0`` (``> 0`` if not ``allow_zero``).

    Temperatures are in units of energy (k_B = 1).  Symbolic temperatures are
    accepted unless SymPy knows them to be negative (or zero when forbidden).
    """
    if type(T) is float and T < math.inf and (T > 0.0 or (allow_zero and T == 0.0)):
        return  # the common case, without building an array (NaN fails the comparisons)
    if isinstance(T, sympy.Basic) and T.free_symbols:
        if T.is_negative or (not allow_zero and T.is_zero):
            raise NegativeTemperatureError(
                f"{name} = {T} is declared non-positive; temperatures must be "
                f"{'>= 0' if allow_zero else '> 0'} (units of energy, k_B = 1)."
            )
        return
    arr = _numeric_or_none(T, name)
    if arr is None:
        return
    if np.iscomplexobj(arr):
        if np.any(np.abs(arr.imag) > 0):
            raise InvalidParameterError(f"{name} = {T} is complex; temperatures must be real.")
        arr = arr.real
    if np.any(np.isnan(arr)):
        raise InvalidParameterError(f"{name} is NaN; pass a finite temperature.")
    if np.any(np.isinf(arr)):
        raise InvalidParameterError(
            f"{name} = {T} is infinite; pass a finite temperature (units of energy, k_B = 1)."
        )
    bad = arr < 0 if allow_zero else arr <= 0
    if np.any(bad):
        allowed = ">= 0" if allow_zero else "> 0"
        raise NegativeTemperatureError(
            f"{name} = {T} is not allowed: temperatures must be {allowed} "
            f"(units of energy, k_B = 1). Pass a {'non-negative' if allow_zero else 'positive'} "
            "temperature."
        )


def _real_or_none(value: Any, name: str) -> np.ndarray | None:
    """Numeric ``value`` as a real array (None if symbolic); refuse a non-zero imaginary part."""
    arr = _numeric_or_none(value, name)
    if arr is None:
        return None
    if np.iscomplexobj(arr):
        if np.any(np.abs(arr.imag) > 0):
            raise InvalidParameterError(f"{name} = {value} is complex; pass a real number.")
        arr = arr.real
    return arr


def check_nonnegative(value: Any, name: str) -> None:
    """Raise :class:`NegativeCouplingError` if ``value`` is (known to be) negative."""
    if isinstance(value, sympy.Basic) and value.free_symbols:
        if value.is_negative:
            raise NegativeCouplingError(f"{name} = {value} is declared negative; it must be >= 0.")
        return
    arr = _real_or_none(value, name)
    if arr is None:
        return
    if np.any(np.isnan(arr)):
        raise InvalidParameterError(f"{name} is NaN; pass a finite value.")
    if np.any(np.isinf(arr)):
        raise InvalidParameterError(f"{name} = {value} is infinite; pass a finite value.")
    if np.any(arr < 0):
        raise NegativeCouplingError(f"{name} = {value} is negative; it must be >= 0.")


def check_positive(value: Any, name: str) -> None:
    """Raise :class:`NegativeCouplingError` if ``value`` is (known to be) <= 0."""
    if isinstance(value, sympy.Basic) and value.free_symbols:
        if value.is_nonpositive:
            raise NegativeCouplingError(f"{name} = {value} is declared <= 0; it must be > 0.")
        return
    arr = _real_or_none(value, name)
    if arr is None:
        return
    if np.any(np.isinf(arr)):
        raise InvalidParameterError(f"{name} = {value} is infinite; pass a finite value > 0.")
    if np.any(np.isnan(arr)) or np.any(arr <= 0):
        raise NegativeCouplingError(f"{name} = {value} must be > 0.")


def as_array(op: Any) -> np.ndarray | sp.spmatrix:
    """Convert numpy, scipy.sparse, SymPy or QuTiP operators to numpy / scipy.sparse."""
    if sp.issparse(op):
        return op
    if hasattr(op, "full") and hasattr(op, "dims"):  # qutip.Qobj, duck-typed
        layer = type(getattr(op, "data", None)).__name__
        if layer in ("CSR", "Dia") and hasattr(op, "data_as"):  # sparse Qobj stay sparse (QuTiP 5)
            return sp.csr_matrix(op.to("CSR").data_as("csr_matrix"), copy=True)
        return np.asarray(op.full())
    if isinstance(op, sympy.MatrixBase):
        try:
            return np.array(op.evalf(), dtype=complex)
        except TypeError:
            raise InvalidParameterError(
                f"the SymPy matrix has symbolic entries {sorted(map(str, op.free_symbols))}; substitute "
                "numbers first (matrix.subs({...})) or use the symbolic path.") from None
    try:
        return np.asarray(op)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"cannot read {type(op).__name__} as a matrix; pass a numeric array.") from None


def check_square(op: Any, name: str, dim: int | None = None) -> None:
    """Raise :class:`ShapeMismatchError` unless ``op`` is square (and ``dim x dim``)."""
    shape = getattr(op, "shape", None)
    if shape is None or len(shape) != 2 or shape[0] != shape[1]:
        raise ShapeMismatchError(f"{name} has shape {shape}; it must be a square matrix.")
    if dim is not None and shape[0] != dim:
        raise ShapeMismatchError(
            f"{name} has shape {shape}, but the Hilbert space has dimension {dim}; "
            f"pass a {dim} x {dim} operator in the same basis."
        )


def check_hermitian(op: Any, name: str, tol: float = 1e-10) -> None:
    """Raise :class:`NonHermitianError` unless ``op`` equals its adjoint (to ``tol``).

    The tolerance is relative to the largest matrix element.
    """
    check_square(op, name)
    if isinstance(op, sympy.MatrixBase):
        diff = sympy.simplify(op - op.H)
        if not diff.is_zero_matrix and diff.is_zero_matrix is not None:
            raise NonHermitianError(
                f"{name} is not Hermitian (M - M^dagger = {diff}); pass a Hermitian operator."
            )
        return
    data = op.data if sp.issparse(op) else np.asarray(op)
    if data.dtype.kind not in "biufc":
        raise InvalidParameterError(f"{name} is not a numeric matrix (dtype {data.dtype}).")
    if not np.all(np.isfinite(data)):
        raise InvalidParameterError(f"{name} has NaN or infinite entries; pass a finite operator.")
    if sp.issparse(op):
        diff = abs(op - op.conj().T).max() if op.nnz else 0.0
        scale = max(abs(op).max() if op.nnz else 0.0, 1.0)
    else:
        a = np.asarray(op)
        diff = np.max(np.abs(a - a.conj().T)) if a.size else 0.0
        scale = max(np.max(np.abs(a)) if a.size else 0.0, 1.0)
    if diff > tol * scale:
        raise NonHermitianError(
            f"{name} is not Hermitian: max |M - M^dagger| = {diff:.3g}. "
            "Pass a Hermitian operator (for a non-Hermitian jump operator use a GKSL "
            "generator instead)."
        )
