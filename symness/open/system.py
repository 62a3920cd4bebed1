r"""An open quantum system: a Hamiltonian and its couplings to thermal baths.

:class:`OpenSystem` is the numeric starting point of every solver in
:mod:`symness.open`.  It holds

* the system Hamiltonian :math:`H` (numpy, scipy.sparse or QuTiP; the
  foundation's basis convention: site 1 is the leftmost tensor factor,
  :math:`\sigma^z = \mathrm{diag}(1,-1)`),
* one coupling per bath, either Hermitian, :math:`H_{SB} = S\otimes B`
  (ring4, magnification and weak-coupling papers), or rotating-wave,
  :math:`H_{SB} = L^\dagger\otimes B + L\otimes B^\dagger` with
  :math:`B = \sum_k\lambda_k b_k` (qubit-kernel paper, eqs. 3.2, 3.17-3.18),
* for a system built from a :class:`~symness.models.base.Model`: the model,
  the numeric parameter values, the bond decomposition (bond currents) and the
  local Hamiltonians of the contacts (local Lindblad equation).

The solvers work in a *working space*: the full Hilbert space, or one sector of
fixed total :math:`S^z` (``up_spins = k``) when :math:`H` and every coupling
conserve the number of up spins.  :meth:`OpenSystem.space` returns it with
its dense Hamiltonian and (lazily) its eigen-decomposition.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
import sympy
from scipy.linalg.lapack import dsyevd as _syevd
from scipy.linalg.lapack import zheevd as _heevd
from scipy.sparse import csgraph

from ..baths import Bath
from ..errors import (
    InvalidModelError,
    InvalidParameterError,
    NonHermitianError,
    SectorError,
    ShapeMismatchError,
)
from ..spins import MAX_SITES, Sector, conserves_up_count, up_count_of_index
from ..validation import as_array, check_hermitian, check_square, is_symbolic
from .compiled import compiled, compiled_and_cache, op_label, resolve

__all__ = ["OpenSystem", "BathCoupling", "Space", "as_operator"]

_KINDS = ("hermitian", "rwa")


#: operators of at most this dimension are held as dense arrays (faster than sparse when small)
DENSE_OPERATOR_DIM = 256
#: a sector state is embedded densely in the full space only up to this many bytes
MAX_DENSE_LIFT_BYTES = 2**31


def as_operator(op: Any, name: str, dim: int | None = None) -> np.ndarray | sp.csr_matrix:
    """Numpy / scipy.sparse / QuTiP / SymPy operator -> complex dense array or CSR matrix.

    Sparse input stays sparse above :data:`DENSE_OPERATOR_DIM`, and becomes dense below.
    """
    if op is None or isinstance(op, (str, bytes, bool, np.bool_)):
        raise ShapeMismatchError(
            f"{name} is {op!r}; pass a square matrix (numpy, scipy.sparse, QuTiP or a numeric SymPy "
            "Matrix).")
    if isinstance(op, sympy.MatrixBase) and op.free_symbols:
        raise InvalidModelError(
            f"{name} contains the symbols {sorted(map(str, op.free_symbols))}; substitute numbers first "
            "(e.g. model.hamiltonian(**values) or OpenSystem.from_model(model, **values)).")
    try:
        arr = as_array(op)
    except (TypeError, ValueError) as exc:
        raise ShapeMismatchError(
            f"{name} cannot be read as a matrix ({exc}); pass a square numeric matrix.") from None
    if sp.issparse(arr) and arr.shape[0] <= DENSE_OPERATOR_DIM and arr.ndim == 2:
        arr = arr.toarray()
    if not sp.issparse(arr):
        arr = np.asarray(arr)
        if arr.dtype == object:
            raise InvalidModelError(
                f"{name} contains non-numeric (symbolic or object) entries; substitute numbers first "
                "(e.g. model.hamiltonian(**values) or OpenSystem.from_model(model, **values)).")
        if arr.dtype.kind not in "biufc":
            raise InvalidModelError(f"{name} has entries of type {arr.dtype}; pass a numeric matrix.")
    check_square(arr, name, dim)
    if sp.issparse(arr):
        arr = sp.csr_matrix(arr, dtype=complex)
        if arr.nnz and not np.all(np.isfinite(arr.data)):
            raise InvalidParameterError(f"{name} has non-finite entries; pass finite numbers.")
    else:
        arr = np.asarray(arr, dtype=complex)
        if not np.all(np.isfinite(arr)):
            raise InvalidParameterError(f"{name} has non-finite entries; pass finite numbers.")
    return arr


def refuse_generator_as_hamiltonian(H: Any, name: str = "H") -> None:
    """Refuse a non-Hermitian ``H`` that looks like a generator: anti-Hermitian (``-iH``, ``-i[H, .]``).

    A superoperator such as ``-1j * (kron(H, I) - kron(I, H.T))`` is anti-Hermitian and
    ``d^2 x d^2``; the generic "not Hermitian" message would hide what went wrong.
    """
    if sp.issparse(H):
        herm = abs(H - H.conj().T).max() if H.nnz else 0.0
        anti = abs(H + H.conj().T).max() if H.nnz else 0.0
    else:
        herm = float(np.max(np.abs(H - H.conj().T))) if H.size else 0.0
        anti = float(np.max(np.abs(H + H.conj().T))) if H.size else 0.0
    if herm <= 1e-10 * max(1.0, anti):
        return
    d = H.shape[0]
    k = int(round(np.sqrt(d)))
    trace_killing = False
    if k * k == d and k > 1:  # tr(L rho) = 0 for every rho: the rows of the populations sum to zero
        rows = H[np.arange(k) * (k + 1)]
        tsum = np.asarray(rows.sum(axis=0)).ravel()
        trace_killing = float(np.max(np.abs(tsum))) <= 1e-10 * herm
    if anti <= 1e-12 * herm or trace_killing:
        what = (f"a {d} x {d} = {k}^2 x {k}^2 superoperator such as -i[H, .] or a Liouvillian" if k * k == d
                else "-i times a Hamiltonian")
        raise NonHermitianError(
            f"{name} is not Hermitian{' (it is anti-Hermitian)' if anti <= 1e-12 * herm else ''}: it looks "
            f"like {what}. Pass the Hamiltonian itself "
            "(the d x d Hermitian matrix, energies in the units of the bath temperatures); the solvers build "
            "the generator.")


def eigh(a: np.ndarray, vectors: bool = True) -> Any:
    """``numpy.linalg.eigh(a)`` (or ``eigvalsh`` when not ``vectors``) as one LAPACK call.

    The same routine as numpy's (``syevd``/``heevd`` on the lower triangle), so the same
    values and vectors, without numpy's wrapper overhead; anything unusual (another dtype,
    an empty or non-square matrix, a LAPACK failure) goes to numpy, which decides.
    """
    a = np.asarray(a)
    if a.ndim == 2 and a.shape[0] == a.shape[1] and a.shape[0] > 0 and a.dtype.char in "dD":
        w, v, info = (_syevd if a.dtype.char == "d" else _heevd)(a, compute_v=int(vectors), lower=1)
        if info == 0:
            return (w, v) if vectors else w
    return np.linalg.eigh(a) if vectors else np.linalg.eigvalsh(a)


def _dense(op: np.ndarray | sp.spmatrix) -> np.ndarray:
    return op.toarray() if sp.issparse(op) else np.asarray(op)


def _maybe_real(a: np.ndarray, tol: float = 0.0) -> np.ndarray:
    """Return a real array if ``a`` has no imaginary part (exactly, or below ``tol``)."""
    if (a.dtype.kind == "c") if isinstance(a, np.ndarray) else np.iscomplexobj(a):
        if a.size == 0 or np.abs(a.imag).max() <= tol:
            return np.ascontiguousarray(a.real)
    return a


class BathCoupling:
    """One system-bath coupling.

    Attributes
    ----------
    name
        Bath label (key of every per-bath result).
    op
        The system operator: :math:`S` (``kind="hermitian"``) or :math:`L`
        (``kind="rwa"``), full-space, dense or CSR.  A system built from a model
        assembles it on first use (the solvers work in the sector without it).
    bath
        The :class:`~symness.baths.Bath` (numeric temperature).
    kind
        ``"hermitian"`` (:math:`S\\otimes B`) or ``"rwa"``
        (:math:`L^\\dagger\\otimes B + L\\otimes B^\\dagger`).
    local_hamiltonian
        Optional local Hamiltonian of the contact (used only by the local
        Lindblad equation).
    """

    def __init__(self, name: str, op: Any, bath: Bath, kind: str = "hermitian", local_hamiltonian: Any = None,
                 *, build_op: Any = None, build_local: Any = None):
        self.name = name
        self._op = op
        self.bath = bath
        self.kind = kind
        self._local = local_hamiltonian
        self._build_op = build_op
        self._build_local = build_local

    @property
    def op(self) -> Any:
        if self._op is None and self._build_op is not None:
            self._op = self._build_op()
        return self._op

    @op.setter
    def op(self, value: Any) -> None:
        self._op = value
        self._build_op = None

    @property
    def local_hamiltonian(self) -> Any:
        if self._local is None and self._build_local is not None:
            self._local = self._build_local()
        return self._local

    @local_hamiltonian.setter
    def local_hamiltonian(self, value: Any) -> None:
        self._local = value
        self._build_local = None

    @property
    def local_from_model(self) -> bool:
        """Whether the local Hamiltonian is the model's own (not yet assembled or replaced)."""
        return self._local is None and self._build_local is not None

    def __repr__(self) -> str:
        return f"BathCoupling({self.name!r}, kind={self.kind!r}, bath={self.bath!r})"


@dataclass
class Space:
    r"""The working Hilbert space of a solver: the full space or one :math:`S^z` sector.

    Attributes
    ----------
    dim
        Dimension of the working space.
    H
        Dense Hamiltonian in the working (site/sector) basis.
    sector
        The :class:`~symness.spins.Sector`, or ``None`` for the full space.
    full_dim
        Dimension of the full Hilbert space.
    """

    dim: int
    H: np.ndarray
    sector: Sector | None
    full_dim: int
    _ops: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _stack: Any = field(default=None, repr=False)  # (coupling names, their operators as one (k, d, d) array)
    _abs: Any = field(default=None, repr=False)  # (coupling names, |H| and |S_b| stacked, their largest entries)

    @cached_property
    def _eig(self) -> tuple[np.ndarray, np.ndarray]:
        E, V = eigh(self.H)
        return E, _maybe_real(V)

    @property
    def E(self) -> np.ndarray:
        """Energies in ascending order."""
        return self._eig[0]

    @property
    def V(self) -> np.ndarray:
        """Eigenvectors (columns), ``H = V diag(E) V^dagger``."""
        return self._eig[1]

    @property
    def energy_scale(self) -> float:
        E = self.E  # ascending: the largest |E| is at an end
        return float(max(1.0, abs(float(E[0])), abs(float(E[-1])))) if E.size else 1.0

    def coupling_is_zero(self, c: BathCoupling) -> bool:
        """Whether the operator of coupling ``c`` is exactly zero in the working basis."""
        pre = self._abs
        if pre is not None and c.name in pre[0]:
            return bool(pre[2][1 + pre[0].index(c.name)] == 0)
        return not np.any(self.coupling(c))

    def coupling(self, c: BathCoupling) -> np.ndarray:
        """The operator of coupling ``c`` in the working basis (dense, kept)."""
        hit = self._ops.get(c.name)
        if hit is None:
            hit = self._ops[c.name] = self.restrict(c.op)
        return hit

    def coupling_stack(self, couplings: Sequence[BathCoupling]) -> np.ndarray:
        """The operators of ``couplings`` in the working basis as one ``(k, d, d)`` array (kept)."""
        names = tuple(c.name for c in couplings)
        hit = self._stack
        if hit is not None and hit[0] == names:
            return hit[1]
        arr = (np.stack([np.asarray(self.coupling(c)) for c in couplings]) if names
               else np.zeros((0, self.dim, self.dim)))
        self._stack = (names, arr)
        return arr

    def restrict(self, op: Any) -> np.ndarray:
        """A full-space operator as a dense array in the working basis."""
        if self.sector is None:
            return _maybe_real(_dense(op))
        if sp.issparse(op):
            return _maybe_real(self.sector.restrict(sp.csr_matrix(op)).toarray())
        return _maybe_real(np.asarray(op)[np.ix_(self.sector.basis, self.sector.basis)])

    def lift(self, rho: np.ndarray) -> np.ndarray:
        """A working-space density matrix embedded in the full space (dense; see :meth:`lift_sparse`)."""
        if self.sector is None:
            return np.asarray(rho)
        if 16.0 * float(self.full_dim) ** 2 > MAX_DENSE_LIFT_BYTES:
            raise InvalidParameterError(
                f"the full space has dimension {self.full_dim}: a dense {self.full_dim} x {self.full_dim} matrix "
                f"needs {16.0 * float(self.full_dim) ** 2 / 2**30:.3g} GiB (limit "
                f"{MAX_DENSE_LIFT_BYTES / 2**30:.3g} GiB, symness.open.system.MAX_DENSE_LIFT_BYTES). Use the "
                "sector block (rho_sector) or a sparse embedding (to_qutip(), Space.lift_sparse).")
        out = np.zeros((self.full_dim, self.full_dim), dtype=np.result_type(rho, float))
        b = self.sector.basis
        out[np.ix_(b, b)] = rho
        return out

    def lift_sparse(self, rho: np.ndarray) -> sp.csr_matrix:
        """A working-space matrix embedded in the full space as a sparse CSR matrix (any ``n``)."""
        rho = np.asarray(rho)
        if self.sector is None:
            return sp.csr_matrix(rho)
        b = self.sector.basis
        r, c = np.nonzero(rho)
        return sp.csr_matrix((rho[r, c], (b[r], b[c])), shape=(self.full_dim, self.full_dim))

    def to_eigen(self, op: np.ndarray) -> np.ndarray:
        """``V^dagger op V``."""
        V = self.V
        return V.conj().T @ op @ V

    def from_eigen(self, op: np.ndarray) -> np.ndarray:
        """``V op V^dagger``."""
        V = self.V
        return V @ op @ V.conj().T


class OpenSystem:
    r"""A Hamiltonian coupled to thermal baths.

    Parameters
    ----------
    H
        System Hamiltonian (numpy, scipy.sparse, QuTiP or numeric SymPy
        matrix), Hermitian, energies in the units of the bath temperatures
        (:math:`\hbar = k_B = 1`).
    couplings
        One entry per bath: ``(S, bath)`` for a Hermitian coupling
        :math:`S\otimes B`, ``(L, bath, "rwa")`` for the rotating-wave
        coupling :math:`L^\dagger\otimes B + L\otimes B^\dagger`
        (:math:`B = \sum_k\lambda_k b_k`; for a qubit :math:`L = \sigma^-`), or
        ``(S, bath, "hermitian")``.  ``bath`` is a
        :class:`~symness.baths.Bath` with a numeric temperature.
    names
        Bath labels.  Default: each ``Bath.name`` if set, else ``"L", "R"`` for
        two baths and ``"A", "B", "C", ...`` otherwise.
    n
        Number of spins (default: :math:`\log_2` of the dimension when it is a
        power of two); needed for magnetisation sectors and site observables.
    local_hamiltonians
        ``{name: H_loc}``: the local Hamiltonian of each contact, used by
        :func:`~symness.open.local_lindblad_liouvillian` (filled automatically
        by :meth:`from_model`).

    Raises
    ------
    NonHermitianError, ShapeMismatchError, InvalidParameterError
        Non-Hermitian ``H`` or ``S``, operators of the wrong shape, a bath
        that is not a :class:`~symness.baths.Bath` or has a symbolic
        temperature, an unknown coupling kind.

    Examples
    --------
    >>> from symness.spins import sigma
    >>> from symness.baths import Bath, ohmic
    >>> H = sigma("z", 1, 1) * 0.5
    >>> spec = ohmic(0.01, 10.0)
    >>> sysm = OpenSystem(H, [(sigma("x", 1, 1), Bath(spec, 1.0)), (sigma("x", 1, 1), Bath(spec, 2.0))])
    >>> sysm.names
    ['L', 'R']
    """

    def __init__(self, H: Any, couplings: Sequence[Any], *, names: Sequence[str] | None = None,
                 n: int | None = None, local_hamiltonians: Mapping[str, Any] | None = None):
        self.dims = _qobj_dims(H)
        H = as_operator(H, "H")
        refuse_generator_as_hamiltonian(H, "H")
        check_hermitian(H, "H")
        dim = H.shape[0]
        if dim == 0:
            raise ShapeMismatchError("H is an empty (0 x 0) matrix; pass the system Hamiltonian.")
        self._H = H
        self._comp: Any = None
        self._coef: np.ndarray | None = None
        self.dim = dim
        if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer))
                              or n < 1):
            raise InvalidParameterError(f"n = {n!r} must be a positive integer number of spins.")
        if n is None:
            k = int(round(np.log2(dim))) if dim > 0 else 0
            n = k if 2**k == dim else None
        elif 2**int(n) != dim:
            raise ShapeMismatchError(f"n = {n} spins need a {2**int(n)}-dimensional H, got {dim}.")
        self.n = None if n is None else int(n)
        if isinstance(couplings, tuple) and len(couplings) in (2, 3) and isinstance(couplings[1], Bath):
            couplings = [couplings]
        if couplings is None or isinstance(couplings, (str, bytes, Mapping)) or not hasattr(couplings, "__iter__"):
            raise InvalidParameterError(
                f"couplings must be a list of (S, Bath), (L, Bath, 'rwa') or (S, Bath, 'hermitian') "
                f"entries, one per bath (or [] for none), got {type(couplings).__name__}.")
        couplings = list(couplings)
        if names is not None and (isinstance(names, (str, bytes)) or not hasattr(names, "__len__")):
            raise InvalidParameterError(f"names must be a list of bath labels, got {names!r}.")
        if names is not None and len(names) != len(couplings):
            raise InvalidParameterError(f"{len(names)} names for {len(couplings)} couplings; give one "
                                        "name per bath.")
        default = ["L", "R"] if len(couplings) == 2 else [chr(ord("A") + i) for i in range(len(couplings))]
        self.couplings: list[BathCoupling] = []
        for i, c in enumerate(couplings):
            self.couplings.append(self._parse_coupling(c, i, names, default))
        labels = [c.name for c in self.couplings]
        if len(set(labels)) != len(labels):
            raise InvalidParameterError(f"bath names must be unique, got {labels}; pass names=[...].")
        if local_hamiltonians is not None and not isinstance(local_hamiltonians, Mapping):
            raise InvalidParameterError(
                "local_hamiltonians must be a mapping {bath name: local Hamiltonian}, got "
                f"{type(local_hamiltonians).__name__}.")
        if local_hamiltonians:
            for key, Hl in local_hamiltonians.items():
                c = self.coupling(key)
                Hl = as_operator(Hl, f"local Hamiltonian of bath {key!r}", dim)
                check_hermitian(Hl, f"local Hamiltonian of bath {key!r}")
                c.local_hamiltonian = Hl
        self.model: Any = None
        self.values: dict[Any, Any] = {}
        self._spaces: dict[int | None, Space] = {}

    # ------------------------------------------------------------------ parsing
    def _parse_coupling(self, c: Any, i: int, names: Sequence[str] | None, default: list[str]
                        ) -> BathCoupling:
        if isinstance(c, BathCoupling):
            item = c
            op, bath, kind, name = item.op, item.bath, item.kind, item.name
        else:
            if not isinstance(c, (tuple, list)) or len(c) not in (2, 3):
                raise InvalidParameterError(
                    f"coupling {i} must be (S, Bath), (L, Bath, 'rwa') or (S, Bath, 'hermitian'), "
                    f"got {type(c).__name__}.")
            op, bath = c[0], c[1]
            kind = c[2] if len(c) == 3 else "hermitian"
            name = None
        if not isinstance(bath, Bath):
            raise InvalidParameterError(
                f"coupling {i}: the second entry must be a symness.baths.Bath, got {type(bath).__name__}; "
                "e.g. Bath(ohmic(0.01, 10.0), T=1.0, preset='ring4').")
        if kind not in _KINDS:
            raise InvalidParameterError(f"coupling {i}: kind must be 'hermitian' or 'rwa', not {kind!r}.")
        if is_symbolic(bath.T) or isinstance(bath.T, sympy.Basic) and bath.T.free_symbols:
            raise InvalidParameterError(
                f"coupling {i}: bath temperature {bath.T} is symbolic; give a number "
                "(bath.with_temperature(T)) or build the system with OpenSystem.from_model(model, **values).")
        T = float(bath.T)
        if T != bath.T or isinstance(bath.T, sympy.Basic):
            bath = bath.with_temperature(T)
        if names is not None:
            name = names[i]
        elif name is None:
            name = bath.name if bath.name is not None else default[i]
        op = as_operator(op, f"coupling operator of bath {name!r}", self.dim)
        if kind == "hermitian":
            check_hermitian(op, f"coupling operator S of bath {name!r}")
        return BathCoupling(str(name), op, bath, kind)

    # ------------------------------------------------------------------ models
    @classmethod
    def from_model(cls, model: Any, **values: Any) -> OpenSystem:
        """Build the numeric open system of a :class:`~symness.models.base.Model`.

        ``values`` override the model's default parameter values by symbol
        name (``J=1.0, Delta=2.19, T_L=2.0``).  The system remembers the model
        and values (bond currents, local Hamiltonians of the contacts).

        Nothing is assembled on the full :math:`2^n` space here: the model is compiled
        once per structure (:mod:`symness.open.compiled`, shared by every model built
        with the same terms, e.g. ``xxz_ring(..., Delta=D)`` in a loop), the working
        space (:meth:`space`) is assembled from its basis states alone, and the
        full-space operators (``system.H``, ``coupling.op``) only on first use.  A
        one-up-spin sector of a 24-site ring costs microseconds, not :math:`2^{24}`.
        """
        if not (hasattr(model, "couplings") and hasattr(model, "terms") and hasattr(model, "resolve")):
            raise InvalidParameterError(
                f"from_model needs a symness Model (e.g. symness.models.xxz_ring()), got {type(model).__name__}.")
        comp, extras = compiled_and_cache(model)
        vals = resolve(model, values, extras) if values else dict(model.values)
        coef = comp.coefficient_values(vals)
        symbolic = extras.get("symbolic_spectra")
        if symbolic is None:
            symbolic = extras["symbolic_spectra"] = [_symbolic_spectrum(c.bath.spectrum) for c in model.couplings]
        self = cls.__new__(cls)
        self.dims = None
        self._H = None
        self._comp = comp
        self._coef = coef
        self.n = comp.n
        self.dim = 2**comp.n
        self.couplings = []
        for k, c in enumerate(model.couplings):
            if symbolic[k]:  # e.g. weak_coupling_spectrum(c, d) with symbols
                nb = c.numeric_bath(vals)
                bath = Bath(nb.spectrum, nb.T, nb.preset.name, lamb_shift=nb.lamb_shift, name=c.name)
            else:
                T = comp.temperature(k, coef)
                bath = Bath(c.bath.spectrum, float(c.bath.T) if T is None else T, c.bath.preset.name,
                            lamb_shift=c.bath.lamb_shift, name=c.name)
            self.couplings.append(BathCoupling(
                c.name, None, bath, c.kind,
                build_op=functools.partial(self._full_operator, ("coupling", c.name)),
                build_local=functools.partial(self._full_operator, ("local", c.name))))
        self.model = model
        self.values = vals
        self._spaces = {}
        return self

    @property
    def H(self) -> Any:
        """The Hamiltonian on the full space (dense up to :data:`DENSE_OPERATOR_DIM`, else CSR).

        For a system built from a model it is assembled on first use (the solvers need
        only the working space).
        """
        if self._H is None:
            self._H = self._full_operator("H")
        return self._H

    @H.setter
    def H(self, value: Any) -> None:
        self._H = value

    def _full_operator(self, name: Any) -> Any:
        """A compiled model's operator on the full space, checked like a user's input."""
        from ..models.base import MAX_TERM_WORK

        comp = self._comp
        factors, _ = comp.ops[name]
        if len(factors) * 2**comp.n > MAX_TERM_WORK or comp.n > MAX_SITES:
            raise InvalidParameterError(
                f"assembling {op_label(name)} ({len(factors)} terms) on the full 2**{comp.n}-dimensional space is "
                f"too large (limit: terms x 2**n <= {MAX_TERM_WORK}, n <= {MAX_SITES}); work in a magnetisation "
                "sector (up_spins=k), where symness never builds the full space.")
        op = comp.operator(name, self._coef)
        if name == "H" or (name[0] == "coupling" and self.coupling(name[1]).kind == "hermitian") \
                or name[0] == "local":
            check_hermitian(op, op_label(name))
        return op

    def working_local_hamiltonian(self, c: BathCoupling, space: Space) -> np.ndarray | None:
        """The local Hamiltonian of coupling ``c`` in the working basis (``None`` if it has none).

        A compiled model's own local Hamiltonian is assembled in the sector directly.
        """
        if self._comp is not None and c.local_from_model and space.sector is not None:
            key = ("local", c.name)
            op = self._comp.operator(key, self._coef, space.sector.up_spins, dense=True)
            _check_hermitian_dense(op, op_label(key))
            return op
        Hl = c.local_hamiltonian
        if Hl is None:
            return None
        Hl = as_operator(Hl, f"local Hamiltonian of bath {c.name!r}", self.dim)
        if space.sector is not None and space.sector.leakage(Hl) > 1e-12:
            raise InvalidModelError(f"the local Hamiltonian of bath {c.name!r} does not conserve the "
                                    "number of up spins; drop up_spins.")
        return space.restrict(Hl)

    # ------------------------------------------------------------------ access
    @property
    def names(self) -> list[str]:
        """Bath names, in coupling order."""
        return [c.name for c in self.couplings]

    def coupling(self, name: str) -> BathCoupling:
        for c in self.couplings:
            if c.name == name:
                return c
        raise InvalidParameterError(f"no bath named {name!r}; baths: {self.names}.")

    @property
    def temperatures(self) -> dict[str, float]:
        return {c.name: float(c.bath.T) for c in self.couplings}

    def conserves_up_count(self) -> bool:
        """True if H and every coupling operator conserve the number of up spins."""
        if self.n is None:
            return False
        if self._comp is not None:  # exact monomial test, no full-space operator
            return all(self._comp.conserves(k, self._coef)
                       for k in ["H"] + [("coupling", c.name) for c in self.couplings])
        return all(_conserves(o, self.n) for o in [self.H] + [c.op for c in self.couplings])

    def sector_dims(self) -> dict[int, int]:
        """``{up_spins: dimension}`` of every magnetisation sector."""
        if self.n is None:
            return {}
        return {k: Sector(self.n, k).dim for k in range(self.n + 1)}

    def space(self, up_spins: int | None = None) -> Space:
        """The working space (full space, or the sector with ``up_spins`` up spins)."""
        if up_spins in self._spaces:
            return self._spaces[up_spins]
        if up_spins is not None and self._comp is not None:
            sp_ = self._compiled_space(up_spins)
        elif up_spins is None:
            sp_ = Space(self.dim, _maybe_real(_dense(self.H)), None, self.dim)
        else:
            sector = self._check_sector(up_spins)
            Hk = self.H[np.ix_(sector.basis, sector.basis)] if not sp.issparse(self.H) else \
                sector.restrict(sp.csr_matrix(self.H)).toarray()
            sp_ = Space(sector.dim, _maybe_real(np.asarray(Hk)), sector, self.dim)
        self._spaces[up_spins] = sp_
        return sp_

    def _compiled_space(self, up_spins: Any) -> Space:
        """A sector of a compiled model, assembled from the sector's basis states alone.

        H and every coupling operator come from one :class:`~symness.open.compiled.ProgramStack`
        (one product and one scatter for all of them); their checks -- up-spin conservation,
        no amplitude leaving the sector, Hermiticity -- are made on the stack, in the order
        and with the messages of one operator at a time.
        """
        comp, coef = self._comp, self._coef
        sector = self._sector_number(up_spins)
        k = sector.up_spins
        keys = ["H"] + [("coupling", c.name) for c in self.couplings]
        for key in keys:
            if not comp.conserves(key, coef):
                raise SectorError(
                    f"{op_label(key)} does not conserve the number of up spins, so the sector "
                    f"up_spins={up_spins} is not invariant; drop up_spins to solve on the full space.")
        ops, leaks = comp.stack(tuple(keys), k).evaluate(coef)
        aops = np.abs(ops)
        top = aops.max(axis=(1, 2)) if ops.size else np.zeros(len(keys))
        diff = hermiticity_gaps(ops)
        top_l, diff_l = top.tolist(), diff.tolist()
        for j, key in enumerate(keys):
            if leaks[j] > 1e-12:
                raise SectorError(f"{op_label(key)} does not conserve the number of up spins, so the sector "
                                  f"up_spins={k} is not invariant; drop up_spins to solve on the full space.")
            if j == 0:
                label = "H"
            elif self.couplings[j - 1].kind == "hermitian":
                label = f"coupling operator S of bath {self.couplings[j - 1].name!r}"
            else:
                continue
            if diff_l[j] > _HERMITIAN_RTOL * max(top_l[j], 1.0):
                raise NonHermitianError(
                    f"{label} is not Hermitian (max |M - M^dagger| = {diff_l[j]:.3g}); pass a Hermitian "
                    "operator (real coefficients for Hermitian terms, both orderings of sigma^+- pairs).")
        if np.iscomplexobj(ops):  # each operator real when its own entries are
            mats = [_maybe_real(o) for o in ops]
        else:
            mats = list(ops)
        names = tuple(c.name for c in self.couplings)
        space = Space(sector.dim, mats[0], sector, self.dim, _ops=dict(zip(names, mats[1:])))
        space._stack = (names, ops[1:])
        space._abs = (names, aops, top)
        return space

    def invariant_blocks(self, up_spins: int | None = None, rtol: float = 1e-14) -> list[np.ndarray]:
        r"""Subspaces of the working basis that :math:`H` and every coupling leave invariant.

        The connected components of the graph whose edges are the non-zero
        entries (above ``rtol`` times each operator's largest entry) of
        :math:`H` and of every coupling operator in the working site/sector
        basis.  Each component is an exact invariant subspace of all of them:
        its projector commutes with :math:`H` and every :math:`S_b`, so it is
        conserved by every Born-Markov generator and the steady state is unique
        only if there is a single component (e.g. a spin that no bond and no
        bath reaches splits the basis in two).  Decided from the sparsity
        pattern, so round-off in an eigenbasis plays no part.

        Returns
        -------
        list of numpy.ndarray
            The components (working-basis indices), largest first.
        """
        space = self.space(up_spins)
        d = space.dim
        names = tuple(c.name for c in self.couplings)
        pre = space._abs
        if pre is not None and pre[0] == names and d:  # |H|, |S_b| and their largest entries, kept by the space
            return pattern_blocks(pre[1], pre[2], rtol)
        adj = np.zeros((d, d), dtype=bool)
        for op in [space.H] + [space.coupling(c) for c in self.couplings]:
            a = np.abs(op)
            top_ = float(a.max()) if a.size else 0.0
            if top_ > 0:
                adj |= a > rtol * top_
        adj.reshape(-1)[::d + 1] = True
        return _components(adj | adj.T)

    def _sector_number(self, up_spins: Any) -> Sector:
        if self.n is None:
            raise SectorError(
                f"up_spins={up_spins} needs a system of spins-1/2 (dimension 2^n, got {self.dim}); "
                "pass n= to OpenSystem or drop up_spins.")
        if isinstance(up_spins, bool) or not isinstance(up_spins, (int, np.integer)):
            raise SectorError(f"up_spins must be an integer in 0..{self.n}, got {up_spins!r}.")
        if self._comp is not None:
            return self._comp.sector(int(up_spins))  # raises SectorError when it does not exist
        return Sector(self.n, int(up_spins))

    def _check_sector(self, up_spins: Any) -> Sector:
        if self.n is None:
            raise SectorError(
                f"up_spins={up_spins} needs a system of spins-1/2 (dimension 2^n, got {self.dim}); "
                "pass n= to OpenSystem or drop up_spins.")
        if isinstance(up_spins, bool) or not isinstance(up_spins, (int, np.integer)):
            raise SectorError(f"up_spins must be an integer in 0..{self.n}, got {up_spins!r}.")
        sector = Sector(self.n, int(up_spins))  # raises SectorError when it does not exist
        if sector.dim == 0:  # pragma: no cover - Sector guarantees dim >= 1
            raise SectorError(f"the sector with {up_spins} up spins is empty.")
        ops = {"H": self.H} | {f"the coupling of bath {c.name!r}": c.op for c in self.couplings}
        for label, op in ops.items():
            if not _conserves(op, self.n):
                raise SectorError(
                    f"{label} does not conserve the number of up spins, so the sector "
                    f"up_spins={up_spins} is not invariant; drop up_spins to solve on the full space.")
        return sector

    def __repr__(self) -> str:
        kinds = ", ".join(f"{c.name}: {c.kind}, T={c.bath.T}" for c in self.couplings)
        return f"OpenSystem(dim={self.dim}, n={self.n}, baths=[{kinds}])"


def _symbolic_spectrum(spec: Any) -> bool:
    """Whether a spectrum carries symbolic parameters (``c``, ``d`` of a weak-coupling spectrum, ``flat(g)``)."""
    if getattr(spec, "free_symbols", None):
        return True
    return any(isinstance(getattr(spec, k, None), sympy.Basic) and getattr(spec, k).free_symbols
               for k in ("c", "d"))


def _conserves(op: Any, n: int, tol: float = 1e-12) -> bool:
    """Whether ``op`` commutes with the number of up spins (dense or sparse)."""
    if sp.issparse(op):
        return conserves_up_count(op, n, tol)
    a = np.asarray(op)
    rows, cols = np.nonzero(np.abs(a) > tol)
    ups = up_count_of_index(np.arange(2**n), n)
    return bool(np.all(ups[rows] == ups[cols]))


# ---------------------------------------------------------------------------- helpers
#: relative tolerance of the Hermiticity checks of assembled operators
_HERMITIAN_RTOL = 1e-10


def _check_hermitian_dense(op: np.ndarray, name: str, tol: float = _HERMITIAN_RTOL) -> None:
    """Raise :class:`NonHermitianError` unless the dense ``op`` equals its adjoint (relative ``tol``)."""
    if not op.size:
        return
    diff = float(np.max(np.abs(op - op.conj().T)))
    if diff > tol * max(float(np.max(np.abs(op))), 1.0):
        raise NonHermitianError(f"{name} is not Hermitian (max |M - M^dagger| = {diff:.3g}); pass a Hermitian "
                                "operator (real coefficients for Hermitian terms, both orderings of sigma^+- pairs).")


#: invariant subspaces of working spaces up to this dimension are found by a dense breadth-first search
_BFS_MAX_DIM = 64


#: connected-component results kept by adjacency pattern (working spaces up to this dimension)
_COMPONENTS_CACHE_DIM = 256
_COMPONENTS: dict[tuple[int, bytes], tuple[np.ndarray, ...]] = {}
_COMPONENTS_MAX = 256


def hermiticity_gaps(ops: np.ndarray) -> np.ndarray:
    """``max |M - M^dagger|`` of each operator of a ``(k, d, d)`` stack (compared with
    ``_HERMITIAN_RTOL * max(max |M|, 1)``)."""
    if not ops.size:
        return np.zeros(ops.shape[0])
    opsT = ops.transpose(0, 2, 1)
    return np.abs(ops - (opsT.conj() if np.iscomplexobj(ops) else opsT)).max(axis=(1, 2))


def pattern_blocks(aops: np.ndarray, top: np.ndarray, rtol: float = 1e-14) -> list[np.ndarray]:
    """:meth:`OpenSystem.invariant_blocks` from the stacked ``|H|, |S_b|`` (``(k, d, d)``) and their largest
    entries ``top``: the components of the pattern of entries above ``rtol * top``."""
    d = aops.shape[1]
    adj = (aops > (rtol * top)[:, None, None]).any(axis=0)
    key = (d, adj.tobytes()) if d <= _COMPONENTS_CACHE_DIM else None
    hit = _PATTERNS.get(key) if key is not None else None
    if hit is None:
        adj.reshape(-1)[::d + 1] = True
        hit = tuple(_components(adj | adj.T))
        if key is not None:
            if len(_PATTERNS) >= _COMPONENTS_MAX:
                _PATTERNS.clear()
            _PATTERNS[key] = hit
    return [b.copy() for b in hit]


#: :func:`pattern_blocks` results kept by the raw pattern (before the diagonal and the symmetrisation)
_PATTERNS: dict[tuple[int, bytes], tuple[np.ndarray, ...]] = {}


def _components(adj: np.ndarray) -> list[np.ndarray]:
    """Connected components of a symmetric boolean adjacency matrix, largest first.

    A pure function of the pattern: results are kept by the pattern's bytes (the same
    pattern recurs at every point of a parameter sweep) and handed out as copies.
    """
    d = adj.shape[0]
    key = None
    if d <= _COMPONENTS_CACHE_DIM:
        key = (d, np.ascontiguousarray(adj, dtype=bool).tobytes())
        hit = _COMPONENTS.get(key)
        if hit is not None:
            return [b.copy() for b in hit]
    if d > _BFS_MAX_DIM:
        ncomp, comp = csgraph.connected_components(sp.csr_matrix(adj), directed=False)
        blocks = [np.flatnonzero(comp == k) for k in range(ncomp)]
    else:
        blocks = []
        seen = np.zeros(d, dtype=bool)
        while not seen.all():
            start = int(np.argmin(seen))
            reach = adj[start].copy()
            while True:
                nxt = adj[reach].any(axis=0)
                if np.array_equal(nxt, reach):
                    break
                reach = nxt
            blocks.append(np.flatnonzero(reach))
            seen |= reach
    blocks.sort(key=lambda b: (-b.size, b[0]))
    if key is not None:
        if len(_COMPONENTS) >= _COMPONENTS_MAX:  # a new pattern per point: start afresh (thread-safe enough)
            _COMPONENTS.clear()
        _COMPONENTS[key] = tuple(b.copy() for b in blocks)
    return blocks


def _qobj_dims(op: Any) -> Any:
    """The ``dims`` of a QuTiP ``Qobj`` (duck-typed), else ``None``."""
    dims = getattr(op, "dims", None)
    if dims is not None and hasattr(op, "full"):
        return [list(d) for d in dims]
    return None


def bond_operator(system: OpenSystem, bond: tuple[int, int], up_spins: int | None = None
                  ) -> np.ndarray | sp.csr_matrix:
    """The model's bond energy operator ``h_{l,m}`` at the system's parameter values.

    On the full space (default), or in the sector ``up_spins`` (assembled there directly).
    """
    if system.model is None:
        raise InvalidModelError("bond operators need a system built with OpenSystem.from_model(model).")
    comp = system._comp if system._comp is not None else compiled(system.model)
    coef = system._coef if system._coef is not None else comp.coefficient_values(system.values)
    if not comp.has(("bond", bond)):
        raise InvalidModelError(f"model {system.model.name!r} has no bond {bond}; bonds: "
                                f"{comp.bonds}.")
    return comp.operator(("bond", bond), coef, up_spins)
