r"""The full (non-secular) kernel of eq. (5.2) and the steady coherences (qubit_kernels Sec. IV C 1).

Born--Markov master equation in the energy eigenbasis (eq. 2.2),
:math:`\dot\rho_{pp'} = -iE_{pp'}\rho_{pp'} + \sum_{qq'}K_{pp',qq'}\rho_{qq'}`, with
(Lamb shift dropped, :math:`H_{SB} = \sum_\alpha S^\alpha B^\alpha`,
:math:`D^{\alpha\beta}(\omega) = \int dt\,e^{i\omega t}\langle B^\alpha(t)B^\beta(0)\rangle`)

.. math::

    K_{pp',qq'} = \tfrac12\sum_{\alpha\beta}S^\beta_{pq}S^\alpha_{q'p'}
        \bigl[D^{\alpha\beta}(E_{q'p'}) + D^{\alpha\beta}(E_{qp})\bigr]
      - \tfrac12\delta_{p'q'}\sum_{l\alpha\beta}S^\alpha_{pl}S^\beta_{lq}D^{\alpha\beta}(E_{ql})
      - \tfrac12\delta_{pq}\sum_{l\alpha\beta}S^\alpha_{q'l}S^\beta_{lp'}D^{\alpha\beta}(E_{q'l}).

This is the Bloch--Redfield tensor (derived from
:math:`-\int_0^\infty ds\,\mathrm{Tr}_B[H_I(t),[H_I(t-s),\rho\otimes\rho_B]]`); the
paper's printed eq. (5.2) evaluates the two loss terms at :math:`E_{pl}` and
:math:`E_{p'l}` instead (``variant="paper"``).  Both agree on the population
block (eq. 5.3) and differ only in non-secular elements that couple
populations to coherences (``docs/errata.md``).

RWA coupling :math:`L^\dagger B + L B^\dagger`: :math:`S = (L^\dagger, L)`,
:math:`D^{12}(\omega) = \theta(\omega)\gamma(\omega)`,
:math:`D^{21}(\omega) = \theta(-\omega)\gamma(\omega)`; Hermitian coupling:
:math:`S = (S)`, :math:`D^{11} = \gamma`.

For the coupled qubits the populations and the coherence :math:`\rho_{23}`
between the two one-excitation levels form an invariant block.  The paper
(eqs. 4.26--4.31) concludes that :math:`\rho_{23}` decays to zero; the
source term :math:`B_1\rho_{11} + B_4\rho_{44}` (and the terms the paper omits)
makes the steady :math:`\rho_{23}` non-zero, of first order in the
system--bath coupling:
:func:`coherence_steady_state` gives its leading order
:math:`\rho_{23} = i\sum_p K_{23,pp}\rho_p/E_{32} + O(g^2)`.
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np
import sympy

from ..closedform import ClosedForm, EvaluationError, NumericBackend
from ..errors import DerivationTooLargeError, InvalidParameterError, NonUniqueSteadyStateError
from ..markov.evaluate import ExactPolynomials, fmpq_to_mpf, mpf_to_fmpq
from ..markov.symbolic import PolyRing, minor
from .functions import Bose
from .pauli import CONVENTIONS, PauliKernel, substitute_definitions

__all__ = ["RedfieldKernel", "redfield_kernel", "coherence_steady_state", "redfield_steady_state"]


class RedfieldKernel:
    r"""The tensor :math:`K_{pp',qq'}` of eq. (5.2) for a :class:`~symness.kernels.PauliKernel`'s system.

    Attributes
    ----------
    elements
        ``{(p, p', q, q'): expr}`` (0-based level indices, energy order),
        non-zero elements only, per bath in :attr:`by_bath`.
    variant
        ``"redfield"`` (Bloch--Redfield, default) or ``"paper"`` (eq. 5.2 as printed).
    """

    def __init__(self, pk: PauliKernel, by_bath: dict[str, dict[tuple[int, int, int, int], sympy.Expr]],
                 variant: str):
        self.pauli = pk
        self.by_bath = by_bath
        self.variant = variant
        total: dict[tuple[int, int, int, int], sympy.Expr] = {}
        for els in by_bath.values():
            for k, v in els.items():
                total[k] = total.get(k, sympy.S.Zero) + v
        self.elements = {k: v for k, v in total.items() if v != 0}

    @property
    def dim(self) -> int:
        return self.pauli.dim

    def __getitem__(self, key: tuple[int, int, int, int]) -> sympy.Expr:
        return self.elements.get(tuple(key), sympy.S.Zero)

    def nonzero(self, rows: list[tuple[int, int]] | None = None) -> dict[tuple[int, int], list[tuple[int, int]]]:
        """``{(p, p'): [(q, q'), ...]}``: the structure of the tensor (1-based pairs like the paper)."""
        out: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for (p, pp, q, qq), v in sorted(self.elements.items()):
            if rows is not None and (p + 1, pp + 1) not in rows:
                continue
            if sympy.simplify(v) != 0:
                out.setdefault((p + 1, pp + 1), []).append((q + 1, qq + 1))
        return out

    def generator(self, block: list[tuple[int, int]]) -> sympy.Matrix:
        r"""The generator :math:`-iE_{pp'}\delta + K` restricted to a list of 0-based pairs ``(p, p')``."""
        E = self.pauli.energies
        n = len(block)
        M = sympy.zeros(n, n)
        for a, (p, pp) in enumerate(block):
            M[a, a] += -sympy.I * (E[p] - E[pp])
            for b, (q, qq) in enumerate(block):
                M[a, b] += self[(p, pp, q, qq)]
        return M


def _channel_sign(pk: PauliKernel, omega: sympy.Expr) -> tuple[int, Any]:
    """Match a signed frequency to ``(+1|-1|0, channel symbol)``."""
    omega = sympy.simplify(omega)
    if omega == 0:
        return 0, sympy.S.Zero
    for ch in pk.channels.values():
        if sympy.simplify(omega - ch.expr) == 0:
            return 1, ch.symbol
        if sympy.simplify(omega + ch.expr) == 0:
            return -1, ch.symbol
    raise InvalidParameterError(f"frequency {omega} is not a Bohr frequency carried by the couplings.")


def _gamma(pk: PauliKernel, bath: str, omega: sympy.Expr) -> sympy.Expr:
    r"""Canonical :math:`\gamma(\omega)` at a signed Bohr frequency, in the kernel's symbols."""
    kind, b = pk.coupling(bath)
    sign, w = _channel_sign(pk, omega)
    T = sympy.sympify(b.T)
    factor = sympy.nsimplify(b.preset.factor)
    spec = b.spectrum
    if sign == 0:
        slope = getattr(spec, "slope0", None)
        return factor * T * sympy.nsimplify(slope) if slope is not None else b.rate_sym(0)
    if hasattr(spec, "sym"):
        g = spec.sym(w)
        n = Bose(w, T)
        return factor * g * ((1 + n) if sign > 0 else n)
    return b.rate_sym(sign * w)


def redfield_kernel(pk: PauliKernel, variant: str = "redfield") -> RedfieldKernel:
    r"""The full kernel :math:`K_{pp',qq'}` of eq. (5.2) (module docstring), Lamb shift dropped.

    Parameters
    ----------
    pk
        A :class:`~symness.kernels.PauliKernel` (its eigenbasis, couplings and
        channel symbols are used).
    variant
        ``"redfield"``: loss terms at :math:`E_{ql}`, :math:`E_{q'l}`
        (Bloch--Redfield, agrees with ``symness.open.redfield_liouvillian``);
        ``"paper"``: at :math:`E_{pl}`, :math:`E_{p'l}` as printed in eq. (5.2).
    """
    if variant not in ("redfield", "paper"):
        raise InvalidParameterError("variant must be 'redfield' or 'paper'.")
    if not isinstance(pk, PauliKernel):
        raise InvalidParameterError(
            f"redfield_kernel takes the PauliKernel of pauli_kernel(...), got {type(pk).__name__}.")
    d = pk.dim
    E = pk.energies
    by_bath: dict[str, dict[tuple[int, int, int, int], sympy.Expr]] = {}
    for bath in pk.baths:
        kind, _ = pk.coupling(bath)
        M = pk.elements[bath]
        if kind == "rwa":
            S = [M.H, M]  # S^1 = L^dagger (pairs with B), S^2 = L (pairs with B^dagger)
            pairs = [(0, 1, 1), (1, 0, -1)]  # (alpha, beta, sign of omega where D^{alpha beta} != 0)
        else:
            S = [M]
            pairs = [(0, 0, 0)]
        cache: dict[Any, sympy.Expr] = {}

        def D(a: int, b: int, sgn: int, omega: sympy.Expr, cache: dict[Any, sympy.Expr] = cache,
              bath: str = bath) -> sympy.Expr:
            key = (a, b, omega)
            if key not in cache:
                s, _w = _channel_sign(pk, omega)
                if sgn != 0 and s != sgn:
                    cache[key] = sympy.S.Zero
                else:
                    cache[key] = _gamma(pk, bath, omega)
            return cache[key]

        els: dict[tuple[int, int, int, int], sympy.Expr] = {}
        for p in range(d):
            for pp in range(d):
                for q in range(d):
                    for qq in range(d):
                        val = sympy.S.Zero
                        for a, b, sgn in pairs:
                            Sa, Sb = S[a], S[b]
                            x = Sb[p, q] * Sa[qq, pp]
                            if x != 0:
                                val += x * (D(a, b, sgn, E[qq] - E[pp]) + D(a, b, sgn, E[q] - E[p])) / 2
                            if pp == qq:
                                for l in range(d):
                                    y = Sa[p, l] * Sb[l, q]
                                    if y != 0:
                                        w = E[q] - E[l] if variant == "redfield" else E[p] - E[l]
                                        val -= y * D(a, b, sgn, w) / 2
                            if p == q:
                                for l in range(d):
                                    y = Sa[qq, l] * Sb[l, pp]
                                    if y != 0:
                                        w = E[qq] - E[l] if variant == "redfield" else E[pp] - E[l]
                                        val -= y * D(a, b, sgn, w) / 2
                        val = sympy.expand(val)
                        if val != 0:
                            els[(p, pp, q, qq)] = val
        by_bath[bath] = els
    return RedfieldKernel(pk, by_bath, variant)


def coherence_steady_state(pk: PauliKernel, pair: tuple[int, int] = (1, 2), *,
                           variant: str = "redfield") -> ClosedForm:
    r"""Leading order of a steady coherence :math:`\rho_{pp'}` from the full kernel (Sec. IV C 1).

    Stationarity of :math:`\rho_{pp'}` with the populations at their Pauli
    (secular) values and the coherence's own decay neglected against its
    oscillation :math:`E_{pp'}` gives

    .. math:: \rho_{pp'} = \frac{-i}{E_{pp'}}\sum_q K_{pp',qq}\,\rho_q + O(g^2/E^2),

    first order in the system--bath coupling :math:`g`.  ``pair`` is 0-based
    (default ``(1, 2)`` = the paper's :math:`\rho_{23}`).
    """
    R = redfield_kernel(pk, variant)
    if (not isinstance(pair, (tuple, list)) or len(pair) != 2
            or any(isinstance(k, bool) or not isinstance(k, (int, np.integer)) for k in pair)
            or not all(0 <= k < pk.dim for k in pair) or pair[0] == pair[1]):
        raise InvalidParameterError(
            f"pair = {pair!r}: pass two different 0-based level indices in 0..{pk.dim - 1} "
            "(e.g. (1, 2) for the paper's rho_23).")
    p, pp = pair
    E = pk.energies
    rho = pk.steady_state()
    src = sum((R[(p, pp, q, q)] * rho[q] for q in range(pk.dim)), sympy.S.Zero)
    expr = -sympy.I * src / (E[p] - E[pp])
    expr = sympy.factor(sympy.cancel(sympy.together(expr)))
    return ClosedForm(expr, pk.symbols, name=f"\\rho_{{{p + 1}{pp + 1}}}",
                      assumptions=pk.assumptions + ["leading order in the system-bath coupling g / |E_pp'|"],
                      paper="qubit_kernels", equation="(4.30)-(4.31)", conventions=CONVENTIONS,
                      description="Steady coherence from the full (non-secular) kernel, leading order: "
                                  "non-zero, of first order in the system-bath coupling.")


def full_steady_state_numeric(R: RedfieldKernel, block: list[tuple[int, int]], values: dict[Any, Any],
                              g_values: dict[Any, Any] | None = None) -> np.ndarray:
    """Numeric steady state of the generator restricted to ``block`` (populations must be in it).

    ``values``: numbers for the free symbols after ``pk.explicit``; ``g_values``:
    replacements for spectral functions (``{G_A: Lambda(...)}``).
    """
    M = R.generator(block)
    M = R.pauli.explicit(M)
    for f, rep in (g_values or {}).items():
        M = M.replace(f, rep)
    Mn = np.array(M.subs(values).evalf(30), dtype=complex)
    pops = [k for k, (p, pp) in enumerate(block) if p == pp]
    A = Mn.copy()
    A[pops[0], :] = 0
    for k in pops:
        A[pops[0], k] = 1
    rhs = np.zeros(len(block), dtype=complex)
    rhs[pops[0]] = 1
    return np.linalg.solve(A, rhs)


def redfield_steady_state(pk: PauliKernel, *, variant: str = "redfield", max_terms: int = 200_000,
                          max_ops: int = 3000) -> ClosedForm:
    r"""The full (non-secular) Bloch--Redfield steady state in closed form: populations *and* coherences.

    Solves :math:`0 = -iE_{pp'}\rho_{pp'} + \sum_{qq'}K_{pp',qq'}\rho_{qq'}` (eq. 2.2 with the full
    kernel of eq. 5.2, Lamb shift dropped), :math:`\mathrm{Tr}\rho = 1`, exactly -- no
    expansion in the system--bath coupling.

    How: the generator is restricted to the block of density-matrix elements
    connected to the populations (the others vanish in the steady state), written
    in real form (populations, :math:`\mathrm{Re}\,\rho_{pp'}`, :math:`\mathrm{Im}\,\rho_{pp'}`),
    and each distinct entry becomes an opaque symbol :math:`r_k` (a definition of the
    result); Cramer's rule with determinants computed over python-flint's integer
    polynomials in the :math:`r_k` (:func:`symness.markov.symbolic.minor`) gives
    every element as a ratio of polynomials.  Tractable for the small blocks of
    up to four levels (the coupled qubits: 4 populations and :math:`\rho_{23}`).

    Parameters
    ----------
    pk
        The :class:`~symness.kernels.PauliKernel` of the model (exact spectrum).
    variant
        ``"redfield"`` (Bloch--Redfield, agrees with ``symness.open.redfield_ness``)
        or ``"paper"`` (eq. 5.2 as printed).
    max_terms
        Refuse (:class:`~symness.errors.DerivationTooLargeError`) when the
        determinant could have more terms than this (permanent of the block's
        sparsity pattern, computed before anything is expanded).
    max_ops
        Refuse when a kernel element has more SymPy operations than this (exact
        eigenvectors that are nested radicals, e.g. a 3 x 3 block).

    Returns
    -------
    ClosedForm
        The steady density matrix in the energy eigenbasis (levels in energy order).
    """
    if not isinstance(pk, PauliKernel):
        raise InvalidParameterError(
            f"redfield_steady_state takes the PauliKernel of pauli_kernel(...), got {type(pk).__name__}.")
    for name, val in (("max_terms", max_terms), ("max_ops", max_ops)):
        if isinstance(val, bool) or not isinstance(val, int) or val < 1:
            raise InvalidParameterError(f"{name} = {val!r} must be a positive integer (a size limit).")
    if pk.spectrum != "exact":
        raise InvalidParameterError("redfield_steady_state needs the exact spectrum (pauli_kernel(..., "
                                    "spectrum='exact')); use symness.open.redfield_ness for numbers.")
    R = redfield_kernel(pk, variant)
    d = pk.dim
    E = pk.energies
    # the block of elements connected to the populations (undirected closure over non-zero kernel entries)
    adj: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for (p, pp, q, qq) in R.elements:
        a, b = (min(p, pp), max(p, pp)), (min(q, qq), max(q, qq))
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    block = {(k, k) for k in range(d)}
    todo = list(block)
    while todo:
        for b in adj.get(todo.pop(), ()):
            if b not in block:
                block.add(b)
                todo.append(b)
    pops = [(k, k) for k in range(d)]
    cohs = sorted(b for b in block if b[0] != b[1])
    unknowns = [("p", k) for k in range(d)] + [(part, c) for c in cohs for part in ("re", "im")]
    col = {u: j for j, u in enumerate(unknowns)}
    n = len(unknowns)

    def rho_of(q: int, qq: int) -> list[tuple[int, sympy.Expr]]:
        """rho_{qq'} as a combination of unknowns: [(column, coefficient)]."""
        if q == qq:
            return [(col[("p", q)], sympy.S.One)]
        c = (min(q, qq), max(q, qq))
        if c not in block:
            return []
        sign = 1 if q < qq else -1
        return [(col[("re", c)], sympy.S.One), (col[("im", c)], sign * sympy.I)]

    big = max((sympy.count_ops(v) for v in R.elements.values()), default=0)
    if big > max_ops:
        raise DerivationTooLargeError(
            f"the Redfield kernel elements of this model have up to {big} operations (the exact eigenvectors "
            f"are nested radicals; > max_ops = {max_ops}): the closed form would be unusable. Use "
            "symness.open.redfield_ness for numbers, or a model whose eigenvectors mix at most two levels.",
            estimate=big)
    real = not any(v.has(sympy.I) for v in R.elements.values())

    def split(x: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
        if real:  # kernel elements real: only the coefficients 1, +-i and -i E_pp' are complex
            c = sympy.expand(x).as_coefficients_dict()
            re = sympy.Add(*[k * v for k, v in c.items() if not (k * v).has(sympy.I)])
            im = sympy.Add(*[k * v for k, v in c.items() if (k * v).has(sympy.I)])
            return re, sympy.expand(-sympy.I * im)
        y = sympy.expand_complex(sympy.expand(x))
        return sympy.re(y), sympy.im(y)

    rows: list[list[sympy.Expr]] = []
    for (p, pp) in pops + cohs:
        eq = [sympy.S.Zero] * n
        terms = {(q, qq): v for (a, b, q, qq), v in R.elements.items() if (a, b) == (p, pp)}
        terms[(p, pp)] = terms.get((p, pp), sympy.S.Zero) - sympy.I * (E[p] - E[pp])
        for (q, qq), v in terms.items():
            for j, c in rho_of(q, qq):
                eq[j] += v * c
        parts = [split(x) for x in eq]
        rows.append([a for a, _ in parts])
        if p != pp:
            rows.append([b for _, b in parts])
    rows[0] = [sympy.S.One if u[0] == "p" else sympy.S.Zero for u in unknowns]  # trace 1 replaces one balance
    pattern = np.array([[1.0 if x != 0 else 0.0 for x in r] for r in rows])
    estimate = _permanent(pattern)
    if estimate > max_terms:
        raise DerivationTooLargeError(
            f"the Redfield steady state of this block ({n} real unknowns) could have ~{estimate:.3g} terms "
            f"(> max_terms = {max_terms}); use symness.open.redfield_ness for numbers, or raise max_terms.",
            estimate=estimate)
    # opaque entry symbols and the polynomial ring
    namer = pk._namer
    entries: dict[sympy.Expr, sympy.Symbol] = {}
    defs: dict[sympy.Symbol, sympy.Expr] = {}
    for r in rows[1:]:
        for x in r:
            if x != 0 and x != 1 and x != -1 and x not in entries and -x not in entries:
                s = namer.exact(f"r_{{{len(entries) + 1}}}", real=True)
                entries[x] = s
                defs[s] = x
    ring = PolyRing(list(defs))
    M: list[list[Any]] = []
    sparse: list[tuple[int, int, int | None, int]] = []  # (row, column, variable or None, sign)
    index = {sym: k for k, sym in enumerate(ring.symbols)}
    for i, r in enumerate(rows):
        out = []
        for j, x in enumerate(r):
            if x == 0:
                out.append(None)
                continue
            if x in (1, -1):
                out.append(ring.one() * int(x))
                sparse.append((i, j, None, int(x)))
            elif x in entries:
                out.append(ring.gen(entries[x]))
                sparse.append((i, j, index[entries[x]], 1))
            else:
                out.append(-ring.gen(entries[-x]))
                sparse.append((i, j, index[entries[-x]], -1))
        M.append(out)
    others = list(range(1, n))
    num = []
    for j in range(n):  # Cramer with the trace row: x_j = (-1)^j det(M without row 0, column j) / det M
        m = minor(M, others, [c for c in range(n) if c != j], ring.one())
        num.append(m if j % 2 == 0 else -m)
    det = ring.zero()
    for j, u in enumerate(unknowns):
        if u[0] == "p":
            det += num[j]
    if det.is_zero():
        raise NonUniqueSteadyStateError("the Redfield generator has more than one steady state in this block.",
                                        reason="singular generator")
    g = det
    for v in num:
        if not v.is_zero():
            g = g.gcd(v)
    vals = [ring.factor_sympy(v / g) for v in num]
    D = ring.factor_sympy(det / g)
    rho = sympy.zeros(d, d)
    for j, u in enumerate(unknowns):
        if u[0] == "p":
            rho[u[1], u[1]] = vals[j] / D
    for c in cohs:  # every r_k and D is real: the conjugate flips the sign of the imaginary part
        re, im = vals[col[("re", c)]], vals[col[("im", c)]]
        rho[c[0], c[1]] = (re + sympy.I * im) / D
        rho[c[1], c[0]] = (re - sympy.I * im) / D
    definitions = dict(pk.definitions)
    definitions.update(defs)
    meanings = dict(pk.symbols)
    for s in defs:
        meanings[s] = "entry of the real Redfield generator on the population block"
    # numbers: solve the same small real system at each point, exact polynomials where it is ill-conditioned
    variables = [substitute_definitions(r, definitions) for r in ring.symbols]
    layout = []
    for i in range(d):
        for k in range(d):
            if i == k:
                layout.append((col[("p", i)], None, 1))
            elif (min(i, k), max(i, k)) in block:
                c = (min(i, k), max(i, k))
                layout.append((col[("re", c)], col[("im", c)], 1 if i < k else -1))
            else:
                layout.append((None, None, 0))
    numeric = None
    if not any(v.atoms(sympy.core.function.AppliedUndef) for v in variables):
        numeric = _RedfieldBackend(len(M), sparse, variables,
                                   sorted(set().union(*(v.free_symbols for v in variables)), key=str),
                                   layout, ExactPolynomials(ring, num + [det]))
    return ClosedForm(rho, meanings, name=r"\rho", definitions=definitions, numeric=numeric,
                      assumptions=pk.assumptions + [f"full Bloch-Redfield kernel ({variant}), all orders in the "
                                                    "system-bath coupling; Lamb shift dropped"],
                      paper=pk.paper, equation=pk.equation if pk.paper != "qubit_kernels" else "(2.2), (5.2)",
                      conventions=pk.conventions,
                      description="Steady density matrix of the non-secular (Redfield) master equation in the "
                                  "energy eigenbasis: populations and coherences.")


def _permanent(A: np.ndarray) -> float:
    """Permanent of a non-negative matrix (Ryser's formula): an upper bound on a determinant's term count."""
    n = A.shape[0]
    if n == 0:
        return 1.0
    if n > 16:
        return float("inf")
    total = 0.0
    for mask in range(1, 1 << n):
        cols = [j for j in range(n) if mask >> j & 1]
        prod = np.prod(A[:, cols].sum(axis=1))
        total += (-1) ** len(cols) * prod
    return abs(total)


class _RedfieldBackend(NumericBackend):
    """Numbers of a Redfield steady-state closed form: the real linear system solved at each point.

    The fast path solves the small real system (batched ``numpy.linalg.solve``)
    and estimates each element's relative error from the condition number; where
    that exceeds ``rtol`` the point is recomputed from the exact polynomials
    (Cramer's numerators and determinant) in rational arithmetic.
    """

    def __init__(self, n: int, entries: list[tuple[int, int, int | None, int]], variables: list[sympy.Expr],
                 params: list[sympy.Symbol], layout: list[tuple[Any, Any, int]], exact: ExactPolynomials,
                 rtol: float = 1e-10):
        self.params = params
        self.variables = variables
        self.layout = layout
        self.exact_polys = exact
        self.rtol = rtol
        self.n = n
        self.entries = entries
        self._np: Any = None
        self._mp: Any = None

    def _solve(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        npts = x.shape[1]
        A = np.zeros((npts, self.n, self.n))
        for i, j, k, sign in self.entries:
            A[:, i, j] += sign if k is None else sign * x[k]
        b = np.zeros((npts, self.n))
        b[:, 0] = 1.0
        sol = np.linalg.solve(A, b[..., None])[..., 0]
        cond = np.linalg.cond(A)
        err = cond[:, None] * 16 * np.finfo(float).eps * np.abs(sol).max(axis=1, keepdims=True) / np.where(
            sol != 0, np.abs(sol), np.inf)
        return sol, err

    def _assemble(self, sol: Any, cplx: Any) -> list[Any]:
        out = []
        for a, b, sign in self.layout:
            if a is None:
                out.append(sol[0] * 0 if hasattr(sol[0], "__len__") else 0)
            elif b is None:
                out.append(sol[a])
            else:
                out.append(sol[a] + sign * cplx * sol[b])
        return out

    def fast(self, values: Any) -> tuple[list[np.ndarray], np.ndarray]:
        if self._np is None:
            self._np = sympy.lambdify(self.params, self.variables, modules=["scipy", "numpy"], cse=True)
        from .numerics import points_of
        x = points_of(self._np, self.params, values)
        npts = x.shape[1]
        bad = ~np.all(np.isfinite(x), axis=0)
        x[:, bad] = 1.0
        try:
            sol, err = self._solve(x)
        except np.linalg.LinAlgError:
            return [np.zeros(npts)] * len(self.layout), np.ones(npts, dtype=bool)
        # only the elements present in the result need to be resolved
        used = sorted({k for a, b, _ in self.layout for k in (a, b) if k is not None})
        unresolved = bad | ~np.all(np.isfinite(sol), axis=1) | np.any(err[:, used] > self.rtol, axis=1)
        return self._assemble(sol.T, 1j), unresolved

    def exact(self, values: Any, dps: int) -> list[Any]:
        if self._mp is None:
            self._mp = sympy.lambdify(self.params, self.variables, modules="mpmath")
        work = max(int(dps), 30) + 30
        ctx = mpmath.MPContext()
        ctx.dps = work
        with mpmath.workdps(work):
            xs = [mpmath.re(v) for v in self._mp(*[mpmath.mpmathify(values[p]) for p in self.params])]
        q = self.exact_polys([mpf_to_fmpq(v) for v in xs])
        det = q[-1]
        if det == 0:
            raise EvaluationError(f"the Redfield generator is singular at {dict(values)}.")
        sol = [fmpq_to_mpf(v / det, ctx) for v in q[:-1]]
        return self._assemble(sol, ctx.mpc(0, 1))
