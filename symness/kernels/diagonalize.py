r"""Exact diagonalisation of small symbolic Hamiltonians, ordered by energy.

:func:`diagonalize` splits a Hermitian SymPy matrix into the blocks that its
non-zero off-diagonal elements connect (e.g. the excitation-number sectors of
the flip-flop coupled qubits) and diagonalises each block exactly:

* 1 x 1 blocks are eigenstates;
* 2 x 2 blocks :math:`\begin{pmatrix} a & b\\ b^* & d\end{pmatrix}` are
  written with a mixing angle, as in qubit_kernels eqs. (3.21)--(3.31):
  :math:`\Delta = (a-d)/2`, :math:`\Omega = \sqrt{\Delta^2 + |b|^2}`,
  :math:`E_\pm = (a+d)/2 \pm \Omega`,
  :math:`|{+}\rangle = \alpha|u\rangle + \beta u_b|v\rangle`,
  :math:`|{-}\rangle = -\beta|u\rangle + \alpha u_b|v\rangle` with
  :math:`u_b = b^*/|b|`, :math:`\alpha = \cos\theta/2`, :math:`\beta = \sin\theta/2`,
  :math:`\tan\theta = |b|/\Delta`.  :math:`\alpha, \beta` are kept as
  symbols (``definitions`` gives them in radicals, in a form free of
  cancellation on the side of :math:`\Delta` where the sample point lies);
* larger blocks use SymPy's ``eigenvects`` with Gram--Schmidt inside
  degenerate eigenspaces.

Levels are ordered by energy.  When SymPy cannot decide the order from the
symbols' assumptions, a representative parameter point ``at`` decides it and
the order becomes an assumption of every derived result.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy

from ..errors import DerivationTooLargeError, InvalidModelError, InvalidParameterError
from ..naming import SymbolNamer
from ..validation import check_hermitian, check_square

__all__ = ["Eigensystem", "diagonalize", "resolve_point"]


@dataclass
class Eigensystem:
    """Eigen-decomposition of a symbolic Hamiltonian.

    Attributes
    ----------
    energies
        :math:`E_1 \\le E_2 \\le \\dots` (SymPy expressions).
    vectors
        Matrix whose column ``k`` is the eigenvector of ``energies[k]`` in the
        original basis (it may contain the mixing symbols).
    definitions
        Mixing symbols -> expressions in the Hamiltonian's parameters.
    meanings
        Mixing symbols -> description.
    assumptions
        Conditions under which the ordering and the definitions hold.
    degenerate
        Groups (lists of level indices) of exactly degenerate levels.
    """

    energies: list[sympy.Expr]
    vectors: sympy.Matrix
    definitions: dict[sympy.Symbol, sympy.Expr] = field(default_factory=dict)
    meanings: dict[sympy.Symbol, str] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    degenerate: list[list[int]] = field(default_factory=list)

    @property
    def dim(self) -> int:
        return len(self.energies)


def resolve_point(at: Mapping[Any, Any] | None, free: set[sympy.Symbol]) -> dict[sympy.Symbol, Any]:
    """``{Symbol or name: value}`` -> ``{Symbol: value}`` for the symbols in ``free``."""
    if at is None:
        return {}
    if not isinstance(at, Mapping):
        raise InvalidParameterError(
            f"at = {at!r} must be a mapping {{symbol or name: value}} (a representative parameter point), "
            "e.g. at={'omega_1': 1.0}.")
    if not at:
        return {}
    by_name = {s.name: s for s in free}
    out: dict[sympy.Symbol, Any] = {}
    for k, v in at.items():
        if isinstance(k, str):
            if k in by_name:
                out[by_name[k]] = v
        elif k in free:
            out[k] = v
    return out


def _blocks(H: sympy.Matrix) -> list[list[int]]:
    n = H.rows
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if H[i, j] != 0 or H[j, i] != 0:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


def _value(expr: sympy.Expr, point: Mapping[sympy.Symbol, Any]) -> float:
    v = sympy.sympify(expr).subs(point).evalf(30)
    if v.free_symbols:
        raise InvalidParameterError(
            f"cannot evaluate {expr} at the representative point: no value for "
            f"{sorted(map(str, v.free_symbols))}; add them to at=.")
    c = complex(v)
    return c.real


def _sign(expr: sympy.Expr, point: Mapping[sympy.Symbol, Any]) -> int:
    if expr.is_positive:
        return 1
    if expr.is_negative:
        return -1
    if expr.is_zero:
        return 0
    if point:
        v = _value(expr, point)
        return (v > 0) - (v < 0)
    raise InvalidParameterError(
        f"the sign of {expr} is not known from the symbols' assumptions; pass a representative "
        "parameter point at={symbol: value, ...} (results then hold where the sign is the same).")


def _two_by_two(H: sympy.Matrix, i: int, j: int, names: tuple[str, ...],
                point: Mapping[sympy.Symbol, Any], n: int) -> tuple[list[Any], dict, dict, list[str]]:
    a, d, b = H[i, i], H[j, j], H[i, j]
    Delta = sympy.factor(sympy.simplify((a - d) / 2))
    mid = sympy.factor(sympy.simplify((a + d) / 2))
    if b.is_positive:
        r, ub = b, sympy.S.One
    elif b.is_negative:
        r, ub = -b, -sympy.S.One
    elif b.is_extended_real:
        r, ub = sympy.Abs(b), sympy.sign(b)
    else:
        r = sympy.sqrt(b * sympy.conjugate(b))
        ub = sympy.conjugate(b) / r
    alpha = sympy.Symbol(names[0], positive=True)
    beta = sympy.Symbol(names[1], positive=True)
    Omega = sympy.Symbol(names[2] if len(names) > 2 else "Omega", positive=True)
    defs: dict[sympy.Symbol, sympy.Expr] = {Omega: sympy.sqrt(Delta**2 + r**2)}
    if _sign(Delta, point) >= 0:
        defs[alpha] = sympy.sqrt((Omega + Delta) / (2 * Omega))
        defs[beta] = r / sympy.sqrt(2 * Omega * (Omega + Delta))
        note = f"{sympy.sstr(Delta)} >= 0 (mixing amplitudes written without cancellation on this side)"
    else:
        defs[beta] = sympy.sqrt((Omega - Delta) / (2 * Omega))
        defs[alpha] = r / sympy.sqrt(2 * Omega * (Omega - Delta))
        note = f"{sympy.sstr(Delta)} < 0 (mixing amplitudes written without cancellation on this side)"
    vp = sympy.zeros(n, 1)
    vm = sympy.zeros(n, 1)
    vp[i], vp[j] = alpha, beta * ub
    vm[i], vm[j] = -beta, alpha * ub
    if Delta == 0:  # resonance: equal mixing, nothing to state about the sign of the detuning
        note = ""
        angle = "theta = pi/2 (resonant doublet, equal mixing)"
    else:
        angle = f"tan(theta) = {sympy.sstr(r)}/({sympy.sstr(Delta)})"
    meanings = {alpha: f"cos(theta/2) with {angle} (mixing amplitude)",
                beta: "sin(theta/2) (mixing amplitude)",
                Omega: "half the splitting of the mixed doublet"}
    return [(mid - Omega, vm), (mid + Omega, vp)], defs, meanings, [note] if note else []


def diagonalize(H: Any, at: Mapping[Any, Any] | None = None,
                mixing_names: list[tuple[str, ...]] | None = None, *,
                namer: SymbolNamer | None = None, max_block: int = 6) -> Eigensystem:
    """Exact eigen-decomposition of a Hermitian SymPy matrix, levels ordered by energy.

    Parameters
    ----------
    H
        Square Hermitian matrix (SymPy, or anything ``sympy.Matrix`` accepts).
    at
        Representative parameter point ``{symbol or name: value}`` used when
        the assumptions of the symbols do not decide the level order or a
        sign; the resulting order is recorded in :attr:`Eigensystem.assumptions`.
    mixing_names
        Names of the ``(alpha, beta, Omega)`` symbols of each 2 x 2 block, in
        block order; default ``("alpha", "beta", "Omega")`` for a single mixed
        block, ``("alpha_1", "beta_1", "Omega_1"), ...`` otherwise.

    Raises
    ------
    NonHermitianError
        ``H`` is not Hermitian.
    InvalidParameterError
        The level order cannot be decided (pass ``at=``).
    DerivationTooLargeError
        A block larger than ``max_block`` (8 for purely numeric blocks), or one
        whose characteristic polynomial has an irreducible factor of degree 3 or
        more: SymPy's roots would be unusable (or never come).  Raised before
        any root is sought; ``pauli_kernel(..., spectrum="numeric")`` takes the
        implicit-spectrum route instead.
    """
    H = sympy.Matrix(H)
    check_square(H, "H")
    check_hermitian(H, "H")
    n = H.rows
    point = resolve_point(at, H.free_symbols)
    blocks = _blocks(H)
    for blk in blocks:
        if len(blk) > 2:
            _check_tractable(H.extract(blk, blk), max_block)
    mixed = [blk for blk in blocks if len(blk) == 2]
    if mixing_names is None:
        sfx = [""] if len(mixed) == 1 else [str(k + 1) for k in range(len(mixed))]
        if namer is not None:
            fam = [namer.family(b, sfx) for b in ("alpha", "beta", "Omega")]
            mixing_names = [(fam[0][k].name, fam[1][k].name, fam[2][k].name) for k in range(len(mixed))]
        else:
            mixing_names = [("alpha", "beta", "Omega")] if len(mixed) == 1 else \
                [(f"alpha_{k + 1}", f"beta_{k + 1}", f"Omega_{k + 1}") for k in range(len(mixed))]
    if len(mixing_names) < len(mixed):
        raise InvalidParameterError(f"{len(mixed)} mixed 2x2 blocks need {len(mixed)} mixing name pairs.")
    pairs: list[tuple[sympy.Expr, sympy.Matrix]] = []
    defs: dict[sympy.Symbol, sympy.Expr] = {}
    meanings: dict[sympy.Symbol, str] = {}
    notes: list[str] = []
    k2 = 0
    for blk in blocks:
        if len(blk) == 1:
            v = sympy.zeros(n, 1)
            v[blk[0]] = 1
            pairs.append((H[blk[0], blk[0]], v))
        elif len(blk) == 2:
            p, dd, mm, nn = _two_by_two(H, blk[0], blk[1], mixing_names[k2], point, n)
            k2 += 1
            pairs.extend(p)
            defs.update(dd)
            meanings.update(mm)
            notes.extend(nn)
        else:
            sub = H.extract(blk, blk)
            for val, _mult, vecs in sub.eigenvects(simplify=True):
                ortho = sympy.GramSchmidt([sympy.Matrix(v) for v in vecs], True)
                for v in ortho:
                    full = sympy.zeros(n, 1)
                    for a, idx in enumerate(blk):
                        full[idx] = sympy.simplify(v[a])
                    pairs.append((sympy.simplify(val), full))
    if len(pairs) != n:
        raise InvalidModelError("SymPy could not diagonalise H completely; use a smaller or more "
                                "structured Hamiltonian (or the numeric solvers of symness.open).")
    # order by energy
    order = _order([e for e, _ in pairs], point, defs)
    energies = [pairs[k][0] for k in order]
    V = sympy.Matrix.hstack(*[pairs[k][1] for k in order])
    degenerate = _degenerate_groups(energies)
    assumptions = list(notes)
    if n > 1:
        ordering = " <= ".join(f"E_{k + 1}" for k in range(n))
        where = f" (order taken at {({str(s): v for s, v in point.items()})})" if point else ""
        assumptions.append(f"levels ordered {ordering}{where}")
    return Eigensystem(energies, V, defs, meanings, assumptions, degenerate)


def _check_tractable(block: sympy.Matrix, max_block: int) -> None:
    """Refuse a block whose exact eigenvalues SymPy cannot give in usable form (before seeking them)."""
    n = block.rows
    numeric = not block.free_symbols
    limit = max(max_block, 8) if numeric else max_block
    if n > limit:
        raise DerivationTooLargeError(
            f"H has a connected block of {n} levels (> {limit}); its exact eigenvalues are out of reach. "
            "Use the implicit spectrum: pauli_kernel(..., spectrum='numeric') keeps the results closed-form in "
            "the energies and matrix elements and evaluates those numerically at each point.", estimate=n)
    cp = block.charpoly(sympy.Dummy("lambda"))
    lam = cp.gen  # a PurePoly keeps its own generator
    _, factors = sympy.factor_list(cp.as_expr())
    worst = max([sympy.degree(f, lam) for f, _ in factors] or [0])
    if worst > 2:
        raise DerivationTooLargeError(
            f"a {n}-level block of H has a characteristic polynomial with an irreducible factor of degree "
            f"{worst} (roots as nested radicals or none at all). Use the implicit spectrum: "
            "pauli_kernel(..., spectrum='numeric') keeps the results closed-form in the energies and matrix "
            "elements and evaluates those numerically at each point.", estimate=worst)


def _order(energies: list[sympy.Expr], point: Mapping[sympy.Symbol, Any],
           defs: Mapping[sympy.Symbol, sympy.Expr]) -> list[int]:
    n = len(energies)

    def before(i: int, j: int) -> bool:
        d = sympy.simplify((energies[j] - energies[i]).xreplace(dict(defs)))
        s = d.is_nonnegative
        if s is not None:
            return bool(s)
        if not point:
            raise InvalidParameterError(
                f"cannot decide whether E = {energies[i]} lies below E = {energies[j]} from the "
                "symbols' assumptions; pass a representative point at={symbol: value, ...} "
                "(results then hold where the level order is the same).")
        return _value(d, point) >= 0

    def cmp(i: int, j: int) -> int:
        if i == j:
            return 0
        bij, bji = before(i, j), before(j, i)
        if bij and bji:
            return -1 if i < j else 1
        return -1 if bij else 1

    return sorted(range(n), key=functools.cmp_to_key(cmp))


def _degenerate_groups(energies: list[sympy.Expr]) -> list[list[int]]:
    groups: list[list[int]] = []
    used: set[int] = set()
    for i in range(len(energies)):
        if i in used:
            continue
        grp = [i]
        for j in range(i + 1, len(energies)):
            if j not in used and sympy.simplify(energies[i] - energies[j]) == 0:
                grp.append(j)
                used.add(j)
        if len(grp) > 1:
            groups.append(grp)
    return groups
