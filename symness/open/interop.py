r"""QuTiP both ways: symness results as ``qutip.Qobj`` (QuTiP imported only here, lazily).

Input: every solver already takes QuTiP operators (``OpenSystem(Qobj, [(Qobj, Bath)])``,
``NESS.expect(Qobj)``, ``evolve(..., rho0=Qobj)``); sparse ``Qobj`` stay sparse
(:func:`symness.validation.as_array`), and :meth:`symness.baths.Bath.from_qutip` reads
QuTiP's bosonic environments.  Output, in this module:

* :func:`state_to_qutip` -- a density matrix with the system's ``dims`` (the ``dims`` of
  the ``Qobj`` Hamiltonian it was built from, else ``[[2]*n, [2]*n]`` for ``n`` spins);
  a sector state is embedded in the full space as a *sparse* ``Qobj`` (any ``n``), or
  given as its block (``sector=True``, ``dims = [[d], [d]]``);
* :func:`superoperator_to_qutip` -- a generator as a QuTiP superoperator (column
  stacking, QuTiP's convention; symness stores row-major ``vec``), so
  ``qutip.steadystate(L.to_qutip())`` is the same state as ``redfield_ness(...)``.

Conventions for QuTiP users: symness numbers sites from 1 (site ``l`` is QuTiP's tensor
factor ``l - 1``), site 1 is the leftmost factor of ``qutip.tensor`` (most significant
bit), and :math:`\sigma^z|\uparrow\rangle = +|\uparrow\rangle` with
:math:`|\uparrow\rangle` = ``qutip.basis(2, 0)``.  ``expect`` is a method everywhere
(``NESS.expect(op)``, ``Evolution.expect(op)``); ``Evolution.expect[name]`` holds the
``e_ops`` recorded during the run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import InvalidParameterError

__all__ = ["qutip_module", "system_dims", "to_qobj", "state_to_qutip", "superoperator_to_qutip",
           "MAX_DENSE_QOBJ_BYTES"]

#: a dense ``Qobj`` (state or superoperator) is built only up to this many bytes
MAX_DENSE_QOBJ_BYTES = 2**31


def qutip_module() -> Any:
    """Import QuTiP (an optional dependency), or say how to install it."""
    try:
        import qutip
    except ImportError:  # pragma: no cover - qutip is a test dependency
        raise InvalidParameterError(
            "this conversion needs QuTiP; install it with `pip install qutip` (>= 5).") from None
    return qutip


def system_dims(space: Any, system: Any = None, sector: bool = False) -> list[list[int]]:
    """QuTiP ``dims`` of a working space: the sector block, or the full space of ``system``."""
    if sector and space.sector is not None:
        return [[space.dim], [space.dim]]
    dims = getattr(system, "dims", None) if system is not None else None
    if dims is not None and len(dims) == 2 and int(np.prod(dims[0])) == space.full_dim:
        return [list(dims[0]), list(dims[0])]
    n = getattr(system, "n", None) if system is not None else None
    if n is None and space.full_dim > 1:
        k = int(round(np.log2(space.full_dim)))
        n = k if 2**k == space.full_dim else None
    if n is not None and 2**n == space.full_dim and n >= 1:
        return [[2] * n, [2] * n]
    return [[space.full_dim], [space.full_dim]]


def to_qobj(m: Any, dims: list[Any], **kw: Any) -> Any:
    """A ``Qobj`` from a dense array or a scipy.sparse matrix (sparse stays sparse)."""
    qutip = qutip_module()
    if sp.issparse(m):
        return qutip.Qobj(sp.csr_matrix(m, dtype=complex), dims=dims, **kw)
    m = np.asarray(m)
    if 16.0 * m.size > MAX_DENSE_QOBJ_BYTES:  # pragma: no cover - callers check before building
        raise InvalidParameterError(f"a dense {m.shape} Qobj is too large; use the sector block.")
    return qutip.Qobj(np.asarray(m, dtype=complex), dims=dims, **kw)


def state_to_qutip(rho_working: np.ndarray, space: Any, system: Any = None, sector: bool = False) -> Any:
    """A working-space density matrix as a ``Qobj``: full-space ``dims`` (a sector embedded sparsely),
    or the sector block itself (``sector=True``)."""
    if not isinstance(sector, (bool, np.bool_)):
        raise InvalidParameterError(f"sector must be True or False, got {sector!r}.")
    dims = system_dims(space, system, bool(sector))
    if space.sector is None or sector:
        return to_qobj(np.asarray(rho_working), dims)
    return to_qobj(space.lift_sparse(np.asarray(rho_working)), dims)


def superoperator_to_qutip(L: Any, space: Any, system: Any = None) -> Any:
    """A row-major ``d^2 x d^2`` generator as a QuTiP superoperator (column stacking) on the working space.

    ``dims``: the system's (full space) or ``[[d], [d]]`` (a sector).
    """
    from .superop import to_column_stacking

    op_dims = system_dims(space, system, sector=True)[0]
    return to_qobj(to_column_stacking(L), [[op_dims, op_dims], [op_dims, op_dims]], superrep="super")
