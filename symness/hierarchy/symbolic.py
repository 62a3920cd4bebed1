r"""The perturbative NESS hierarchy in exact rational-function arithmetic (small N, symbolic).

Paper: weak_coupling, Sect. III (eqs. 20--67), Sect. IV B and Appendix B.

Design (why this is fast where a direct SymPy attempt is not)
--------------------------------------------------------------
* **Pauli-string basis.**  Every superoperator of the hierarchy preserves Hermiticity,
  so in the basis of Pauli strings it is a *real* sparse matrix
  (:mod:`symness.hierarchy.pauli`); density matrices are real vectors.
* **Rational-function field.**  Trigonometric and thermal parameters are replaced by
  algebraically independent generators -- :math:`C = \cos\theta`, :math:`S = \sin\theta`,
  :math:`t_\alpha = \tanh(h/T_\alpha)` (so that :math:`e^{2h/T} = (1+t)/(1-t)`) -- and all
  arithmetic is done in :math:`\mathbb Q(C, h, t_L, t_R, c_L, \ldots)`.
* **Parity elimination of** :math:`\sin\theta`.  The rotation :math:`\prod_l\sigma^z_l` maps
  :math:`\theta\to-\theta`; hence, after rescaling every Pauli string with an odd number of
  :math:`x, y` factors by :math:`S`, every matrix element is even in :math:`S`, and
  :math:`S^2 = 1 - C^2` removes :math:`S` from the field altogether (checked, not assumed;
  otherwise :math:`S` stays a generator).
* **Structured elimination.**  Projections are orthogonal projectors on exact nullspaces;
  the pseudo-inverses are solved in the small coordinates of
  :math:`\mathrm{Im}\,\mathcal Q_1` and :math:`\mathrm{Im}\,\mathcal P_1`, and
  :math:`(\mathcal Q_0\mathcal L_0\mathcal Q_0)^{-1} = (\mathcal L_0 + \mathcal P_0)^{-1}\mathcal Q_0`
  involves only :math:`h`.  These constant operators (a handful of 16 x 16 sparse
  matrices for two spins) are built once in SymPy's field.
* **The orders in python-flint.**  The recursion for :math:`\rho_{m\ge1}` multiplies those
  operators into vectors whose numerators grow fast (two spins, every parameter symbolic:
  :math:`\rho_1` up to 1 300 terms per entry, :math:`\rho_2` up to 13 000, over one common
  denominator of three irreducible factors).  They are kept in :mod:`~symness.hierarchy.ratvec`
  as ``fmpq_mpoly`` numerators over a factored denominator; cancellation is trial division by
  the known factors.  Measured (two spins, all symbolic): the trial divisions in SymPy's
  ``PolyElement`` took 59 of the 67 s of :math:`\rho_1`; in flint :math:`\rho_1` takes
  about 1 s and :math:`\rho_2` about 1 s more (``benchmarks/hierarchy_depth.py``).
* **Output.**  :meth:`SymbolicHierarchy.coefficients` builds SymPy expressions (expanded
  numerators over factored denominators); :meth:`SymbolicHierarchy.evaluate` evaluates the
  exact polynomials at a point in rational arithmetic instead (no cancellation error; about
  1 s for :math:`\rho_2`), which is what numbers from :math:`\rho_2` should use.

Conventions: :math:`\hbar = 1`, Pauli coefficients :math:`\rho = \sum_P r_P\sigma^P`
(so :math:`\mathrm{Tr}\rho = 2^N r_{I\cdots I}`), :math:`\Xi(\omega) = \gamma(-\omega)/2` of the
canonical bath (the Lamb part :math:`\Psi` is dropped, as in the paper).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import flint
import numpy as np
import sympy
from sympy import QQ
from sympy.polys.matrices import DomainMatrix

from ..errors import DegeneracyError, InvalidModelError, InvalidParameterError, NonUniqueSteadyStateError
from ..models.base import Model
from .expansion import OrderedModel, check_spins, expand_model
from .pauli import PauliOp, String, all_strings, pauli_of_terms, string_label, string_matrix
from .ratvec import FlintRing, FMat, RVec, field_parts

__all__ = ["SymbolicHierarchy"]

#: Largest number of spins of the exact rational-function hierarchy (4**N Pauli strings;
#: N = 2 takes ~30 s for the first order, N = 3 does not finish in minutes).
MAX_SPINS = 2


class _Rewriter:
    """Maps the model's SymPy coefficients into polynomials in independent generators."""

    def __init__(self, om: OrderedModel, unit: sympy.Symbol | None):
        exprs = [t.coeff for ts in om.hamiltonian.values() for t in ts]
        exprs += [t.coeff for _, _, ts, _ in om.couplings for t in ts]
        if unit is None:
            syms = set()
            for t in om.hamiltonian.get(0, []):
                syms |= t.coeff.free_symbols
            if len(syms) != 1:
                raise InvalidModelError(
                    "the symbolic hierarchy needs H0 proportional to one energy symbol (e.g. h); pass "
                    f"unit=<symbol> (H0 has symbols {sorted(map(str, syms))}).")
            unit = next(iter(syms))
        self.unit = unit
        self.trig: dict[sympy.Expr, sympy.Symbol] = {}
        self.back: dict[sympy.Symbol, sympy.Expr] = {}
        self.cos_sin: list[tuple[sympy.Symbol, sympy.Symbol]] = []
        angles = set()
        for e in exprs:
            for f in e.atoms(sympy.cos, sympy.sin):
                angles.add(f.args[0])
        for a in sorted(angles, key=str):
            if not isinstance(a, sympy.Symbol):
                raise InvalidModelError(f"trigonometric argument {a} must be a single symbol.")
            C = sympy.Symbol(f"C_{a.name}")
            S = sympy.Symbol(f"S_{a.name}")
            self.trig[sympy.cos(a)] = C
            self.trig[sympy.sin(a)] = S
            self.back[C] = sympy.cos(a)
            self.back[S] = sympy.sin(a)
            self.cos_sin.append((C, S))
        self.temps: dict[sympy.Symbol, sympy.Symbol] = {}
        for _, _, _, bath in om.couplings:
            T = sympy.sympify(bath.T)
            if isinstance(T, sympy.Symbol):
                suffix = T.name[2:] if T.name.startswith("T_") else T.name
                t = sympy.Symbol(f"t_{suffix}")
                self.temps[T] = t
                self.back[t] = sympy.tanh(unit / T)

    def __call__(self, expr: Any) -> sympy.Expr:
        e = sympy.sympify(expr).xreplace(self.trig)
        for T, t in self.temps.items():
            e = e.xreplace({sympy.tanh(self.unit / T): t})
            e = e.replace(lambda x, T=T: isinstance(x, sympy.exp) and T in x.free_symbols,
                          lambda x, T=T, t=t: self._exp(x, T, t))
        bad = [f for f in e.atoms(sympy.Function)]
        if bad:
            raise InvalidModelError(
                f"coefficient {expr} keeps {bad} after rewriting cos, sin, tanh(h/T), exp(2kh/T); the "
                "symbolic hierarchy needs coefficients rational in these.")
        return e

    def _exp(self, x: sympy.Expr, T: sympy.Symbol, t: sympy.Symbol) -> sympy.Expr:
        q = sympy.nsimplify(sympy.simplify(x.args[0] * T / self.unit))
        if not (q.is_Rational and (2 * q).is_integer and (q / 2 * 2).is_integer and q.q == 1 and q % 2 == 0):
            raise InvalidModelError(
                f"{x}: Bohr frequencies must be even multiples of {self.unit} for the rates to be rational "
                f"in tanh({self.unit}/{T}).")
        k = int(q) // 2
        return ((1 + t) / (1 - t)) ** k

    def restore(self, expr: sympy.Expr, tanh: bool = False) -> sympy.Expr:
        rep = {k: v for k, v in self.back.items() if tanh or k not in self.temps.values()}
        return expr.xreplace(rep)


def _parity(P: String) -> int:
    return sum(1 for p in P if p in (1, 2)) % 2


class SymbolicHierarchy:
    r"""Exact :math:`\rho_0, \rho_1, \dots` in the Pauli basis with symbolic parameters.

    Parameters
    ----------
    model
        A model with :math:`H_0` diagonal (e.g. ``tilted_ising(2)``); every parameter not in
        ``values`` stays symbolic.
    small
        The expansion parameter (default ``lambda``).
    values
        Parameters to fix (by name), e.g. ``{"h": 1}``.
    unit
        The energy symbol of :math:`H_0` (default: its only symbol).

    Attributes
    ----------
    gens
        The generators of the rational-function field (``C_theta``, ``t_L``, ...).
    rewrite
        The map from model coefficients to the generators, with ``restore``.
    """

    def __init__(self, model: Model, small: Any = None, values: Mapping[str, Any] | None = None, *,
                 unit: sympy.Symbol | None = None, parity: bool = True):
        check_spins(model, MAX_SPINS, "the symbolic hierarchy", "symness.hierarchy.symbolic.MAX_SPINS")
        if unit is not None and not isinstance(unit, sympy.Symbol):
            raise InvalidParameterError(f"unit = {unit!r} must be a SymPy symbol (the energy unit of H0).")
        om = expand_model(model, small, values, symbolic=True)
        self.model = model
        self.fixed = {getattr(k, "name", k): v for k, v in (values or {}).items()}
        self.ordered = om
        n = self.n = om.n
        self.rw = _Rewriter(om, unit)
        self.basis = all_strings(n)
        self.index = {P: i for i, P in enumerate(self.basis)}
        D = self.D = len(self.basis)
        # ---------- raw superoperators over Q(gens incl. S) as SymPy-polynomial entries
        raw_gens: set[sympy.Symbol] = set()
        ham = {k: [t.__class__(self.rw(t.coeff), t.factors) for t in ts] for k, ts in om.hamiltonian.items()}
        for ts in ham.values():
            for t in ts:
                raw_gens |= t.coeff.free_symbols
        # bath data
        H0 = pauli_of_terms(ham[0], n, lambda e: e, sympy.S.Zero)
        for s in H0.terms:
            if any(p in (1, 2) for p in s):
                raise InvalidModelError("the symbolic hierarchy needs H0 diagonal in the computational basis "
                                        "(only I and z Pauli strings).")
        energies = [sum((re * sympy.Integer(int(round(string_matrix(s)[p, p].real))) for s, (re, _)
                         in H0.terms.items()), sympy.S.Zero) for p in range(2**n)]
        self.energies = [sympy.expand(e) for e in energies]
        couplings = []
        for name, k, ts, bath in om.couplings:
            if bath.lamb_shift:
                raise InvalidModelError(f"bath {name!r} keeps the Lamb shift; the symbolic hierarchy drops "
                                        "it (as the paper): use lamb_shift=False.")
            X = pauli_of_terms([t.__class__(self.rw(t.coeff), t.factors) for t in ts], n, lambda e: e,
                               sympy.S.Zero)
            S = self._bohr_filter(X, bath)
            for op in (X, S):
                for re, im in op.terms.values():
                    raw_gens |= sympy.sympify(re).free_symbols | sympy.sympify(im).free_symbols
            couplings.append((name, 2 * k, X, S))
        self.raw_gens = raw_gens
        Hops = {k: pauli_of_terms(ts, n, lambda e: e, sympy.S.Zero) for k, ts in ham.items()}
        cols: dict[int, dict[String, dict[String, sympy.Expr]]] = {}
        for k, Hk in Hops.items():
            cols[k] = {P: (Hk.commutator(PauliOp(n, {P: (sympy.S.One, sympy.S.Zero)}, sympy.S.Zero))
                           .scale(0, -1).real_vector()) for P in self.basis}
        for _, order, X, S in couplings:
            c = cols.setdefault(order, {P: {} for P in self.basis})
            for P in self.basis:
                Pop = PauliOp(n, {P: (sympy.S.One, sympy.S.Zero)}, sympy.S.Zero)
                SP = S * Pop
                comm = X * SP - SP * X
                d = (-(comm + comm.dagger())).real_vector()
                for R, v in d.items():
                    c[P][R] = c[P].get(R, sympy.S.Zero) + v
        # ---------- parity elimination of sin(theta)
        self.parity_scaled: dict[sympy.Symbol, sympy.Symbol] = {}
        if parity and len(self.rw.cos_sin) == 1:
            C, S = self.rw.cos_sin[0]
            ok = True
            new: dict[int, dict[String, dict[String, sympy.Expr]]] = {}
            for k, ck in cols.items():
                new[k] = {}
                for P, col in ck.items():
                    new[k][P] = {}
                    for R, v in col.items():
                        v2 = sympy.expand(v * S ** (_parity(P) - _parity(R)))
                        v2 = sympy.expand(sympy.cancel(v2))
                        if sympy.expand(v2.subs(S, -S) - v2) != 0:
                            ok = False
                            break
                        v2 = sympy.expand(_reduce_even(v2, S, C))
                        if v2 != 0:
                            new[k][P][R] = v2
                    if not ok:
                        break
                if not ok:
                    break
            if ok:
                cols = new
                self.parity_scaled[C] = S
        gens: set[sympy.Symbol] = set()
        for ck in cols.values():
            for col in ck.values():
                for v in col.values():
                    gens |= v.free_symbols
        for e in self.energies:
            gens |= e.free_symbols
        order = [g for C, S in self.rw.cos_sin for g in (C, S)] + [self.rw.unit] + \
            sorted(self.rw.temps.values(), key=str)
        self.gens = [g for g in order if g in gens] + sorted(gens - set(order), key=str)
        self.K = QQ.frac_field(*self.gens) if self.gens else QQ
        self.ring = FlintRing(self.gens)
        K = self.K
        self.M: dict[int, DomainMatrix] = {}
        for k, ck in cols.items():
            rows: dict[int, dict[int, Any]] = {}
            for P, col in ck.items():
                j = self.index[P]
                for R, v in col.items():
                    x = K.from_sympy(v)
                    if x:
                        rows.setdefault(self.index[R], {})[j] = x
            self.M[k] = DomainMatrix(rows, (D, D), K)
        self.max_order = max(self.M)
        self._build_projections()
        self._rhos: list[DomainMatrix] = []

    # ------------------------------------------------------------------ set-up
    def _bohr_filter(self, X: PauliOp, bath: Any) -> PauliOp:
        r""":math:`S = \sum_{pq}\Xi(E_p-E_q)X_{pq}|p\rangle\langle q|` (eq. 13) as a Pauli expansion."""
        n = self.n
        d = 2**n
        mats = {s: string_matrix(s) for s in self.basis}
        # X matrix (complex SymPy)
        Xm = [[sympy.S.Zero] * d for _ in range(d)]
        for s, (re, im) in X.terms.items():
            m = mats[s]
            c = re + sympy.I * im
            for p in range(d):
                for q in range(d):
                    if m[p, q] != 0:
                        Xm[p][q] += c * _exact_unit(m[p, q])
        cache: dict[sympy.Expr, sympy.Expr] = {}
        Sm = [[sympy.S.Zero] * d for _ in range(d)]
        for p in range(d):
            for q in range(d):
                if Xm[p][q] == 0:
                    continue
                w = sympy.expand(self.energies[p] - self.energies[q])
                if w not in cache:
                    cache[w] = sympy.cancel(self.rw(bath.rate_sym(-w)) / 2)
                Sm[p][q] = cache[w] * Xm[p][q]
        out = PauliOp(n, zero=sympy.S.Zero)
        for s in self.basis:
            m = mats[s]
            tot = sympy.S.Zero
            for p in range(d):
                for q in range(d):
                    if m[q, p] != 0 and Sm[p][q] != 0:
                        tot += _exact_unit(m[q, p]) * Sm[p][q]
            tot = sympy.expand(tot / d)
            if tot != 0:
                re, im = sympy.expand(tot.subs(sympy.I, 0)), sympy.expand((tot - tot.subs(sympy.I, 0)) / sympy.I)
                out._add(s, sympy.cancel(re), sympy.cancel(im))
        return out

    def _vec(self, entries: Mapping[int, Any]) -> DomainMatrix:
        rows = {i: {0: v} for i, v in entries.items() if v}
        return DomainMatrix(rows, (self.D, 1), self.K)

    def _zero(self) -> DomainMatrix:
        return DomainMatrix({}, (self.D, 1), self.K)

    def _build_projections(self) -> None:
        K, D = self.K, self.D
        Id = DomainMatrix.eye(D, K).to_sparse()
        M0 = self.M.get(0, DomainMatrix({}, (D, D), K))
        M1 = self.M.get(1, DomainMatrix({}, (D, D), K))
        N0 = M0.to_dense().nullspace().to_sparse()
        self.P0 = _proj(N0)
        self.Q0 = Id - self.P0
        A1 = self.P0 * M1 * self.P0 + self.Q0
        N1 = A1.to_dense().nullspace().to_sparse()
        self.N1 = N1
        self.P1 = _proj(N1)
        self.Q1 = self.P0 - self.P1
        B1 = (self.P1 + self.Q0).to_dense().nullspace().to_sparse()
        self.B1 = B1
        self.R0 = (M0 + self.P0).to_dense().inv().to_sparse() * self.Q0
        if B1.shape[0]:
            core = (B1 * M1 * B1.transpose()).to_dense()
            det = core.det()
            if not det:
                raise DegeneracyError(
                    "Q1 L1 Q1 is singular for generic parameters: H1 is degenerate inside an H0 block "
                    "(hypothesis after eq. 27); the hierarchy's P1 is then not the kernel projection.")
            self.q1_determinant = det
            self.R1 = B1.transpose() * core.inv().to_sparse() * B1
        else:
            self.q1_determinant = K.one
            self.R1 = DomainMatrix({}, (D, D), K)
        ident = self.index[(0,) * self.n]
        self._trace_row = DomainMatrix({0: {ident: K.from_sympy(sympy.Integer(2**self.n))}}, (1, D), K)
        Z = DomainMatrix({}, (D, D), K)
        M2 = self.M.get(2, Z)
        W = (N1 * M2 * N1.transpose()).to_dense()
        self.Wc = W
        tr = (self._trace_row * N1.transpose()).to_dense()
        # square system: the trace row + k-1 independent rows of W (rank k-1); the dropped row
        # holds automatically for the traceless right-hand sides of eq. (62)
        k = W.shape[0]
        Wb = tr.vstack(W)
        _, pivots = Wb.transpose().rref()
        if len(pivots) < k:
            raise NonUniqueSteadyStateError(
                f"P1 L2 P1 has a {k - len(pivots) + 1}-dimensional kernel for generic parameters: eq. (47) "
                "does not fix rho_0.", reason="P1 L2 P1 kernel dimension > 1", classes=[k - len(pivots) + 1])
        self._rows = list(pivots)
        Wsq = DomainMatrix([[Wb[i, j].element for j in range(k)] for i in self._rows], (k, k), K)
        X = N1.transpose().to_dense() * Wsq.inv()
        # b (length k) -> selected right-hand side entries; entry 0 of [total; b] is the trace
        E = DomainMatrix({r: {row - 1: K.one} for r, row in enumerate(self._rows) if row >= 1}, (k, k), K)
        self._Gdm = X * E.to_dense()
        r0 = self._rows.index(0)
        self._g0 = DomainMatrix([[X[i, r0].element] for i in range(D)], (D, 1), K)
        self._recursion_ready = False

    def _build_recursion(self) -> None:
        """Constant operator products of the recursion (structured elimination), built on demand."""
        K, D, R = self.K, self.D, self.ring
        Z = DomainMatrix({}, (D, D), K)
        N1, B1, G = self.N1, self.B1, self._Gdm
        nmax = self.max_order + 2
        Mn = {j: self.M.get(j, Z) for j in range(nmax + 1)}
        M1 = Mn[1]
        self._RM = {j: FMat.from_domain(self.R0 * Mn[j], R) for j in range(1, nmax)}
        if B1.shape[0]:
            core_inv = (B1 * M1 * B1.transpose()).to_dense().inv().to_sparse()
            B1T = B1.transpose()
            self._BM = {j: FMat.from_domain(B1T * core_inv * (B1 * Mn[j]), R) for j in range(1, nmax)}
        else:
            self._BM = {}
        N1M1R0 = N1 * M1 * self.R0
        self._G = FMat.from_domain(G, R)
        self._Zn = {j: FMat.from_domain(N1M1R0 * Mn[j] - N1 * Mn[j + 1], R) for j in range(1, nmax)}
        self._recursion_ready = True

    # ------------------------------------------------------------------ orders
    def rho_vec(self, m: int) -> RVec:
        """Pauli-coefficient vector of rho_m (parity-scaled if S was eliminated), factored form."""
        if not self._rhos:
            self._rhos.append(RVec.from_domain(self._g0, self.ring))
        while len(self._rhos) <= m:
            if not self._recursion_ready:
                self._build_recursion()
            self._rhos.append(self._next())
        return self._rhos[m]

    def _next(self) -> RVec:
        r"""rho_m from eqs. (52), (55), (62)-(63) with precomputed operator products."""
        rhos = self._rhos
        m = len(rhos)
        ring = rhos[0].ring
        # L_n = 0 beyond the model's highest order: the precomputed products stop there
        # eq. (52): Q0 rho_m = -R0 sum_{n=1}^m L_n rho_{m-n}
        q0 = RVec.zero(self.D, ring)
        for n in range(1, m + 1):
            if n in self._RM:
                q0 = q0 - self._RM[n] @ rhos[m - n]
        # eq. (55): Q1 rho_m = -(Q1 L1 Q1)^{-1}(L1 Q0 rho_m + sum_{n=2}^{m+1} L_n rho_{m+1-n})
        q1 = RVec.zero(self.D, ring)
        if self._BM:
            q1 = q1 - self._BM[1] @ q0
            for n in range(2, m + 2):
                if n in self._BM:
                    q1 = q1 - self._BM[n] @ rhos[m + 1 - n]
        y = (q0 + q1).cancel()
        # eq. (62) with the trace condition (63), solved in the coordinates of Im P1
        b = self._Zn[1] @ y
        for n in range(2, m + 2):
            if n in self._Zn:
                b = b + self._Zn[n] @ rhos[m + 1 - n]
        return (y + self._G @ b.cancel()).cancel()

    # ------------------------------------------------------------------ output
    def coefficients(self, m: int, *, restore: bool = True, tanh: bool = False) -> dict[str, sympy.Expr]:
        r"""Pauli coefficients :math:`r_P` of :math:`\rho_m = \sum_P r_P\sigma^P`, keyed by labels ``'xIz'``.

        ``restore`` maps ``C_theta, S_theta`` back to ``cos(theta), sin(theta)``; ``tanh`` also
        maps ``t_L`` back to ``tanh(h/T_L)``.  Denominators are products of their irreducible
        factors (as SymPy powers); numerators are expanded polynomials.
        """
        v = self.rho_vec(m)
        out = {}
        for i in sorted(v.num):
            P = self.basis[i]
            e = self.fraction_expr(*v.entry_factored(i), restore=restore, tanh=tanh)
            for S in self.parity_scaled.values():
                e = e * (self.rw.restore(S, tanh) if restore else S) ** _parity(P)
            out[string_label(P)] = e
        return out

    def fraction_expr(self, num: Any, den: Counter, *, restore: bool = True, tanh: bool = False) -> sympy.Expr:
        """``num / prod factors**den`` (flint numerator, factored denominator) as a SymPy expression.

        The numerator is an expanded polynomial with integer coefficients, the denominator an
        integer times powers of irreducible primitive polynomials; ``restore`` and ``tanh`` as in
        :meth:`coefficients`.
        """
        R = self.ring
        gens = [self.rw.restore(g, tanh) if restore else g for g in self.gens]
        q = R.denominator_lcm(num)  # integer coefficients in the numerator, q joins the denominator
        d = sympy.Mul(sympy.Integer(q), *[R.to_expr(R.factors[f], gens) ** k for f, k in sorted(den.items())])
        return R.to_expr(num * q, gens) / d

    def evaluate(self, m: int, values: Mapping[Any, Any] | None = None, *, dps: int = 30,
                 **kw: Any) -> np.ndarray:
        r""":math:`\rho_m` at a numeric point: the :math:`2^N\times 2^N` matrix :math:`\sum_P r_P\sigma^P`.

        The closed form is evaluated *exactly*: the generators (:math:`\cos\theta`,
        :math:`\tanh(h/T_\alpha)`, ...) are computed to ``dps`` digits and converted exactly to
        rationals, every numerator and denominator is evaluated in rational arithmetic
        (python-flint) and only the ratio is rounded to float.  No cancellation in the large
        numerators can cost digits; the result carries the ``dps``-digit error of the inputs only.
        Two spins, every parameter symbolic: about 0.05 s for :math:`\rho_1`, 0.8 s for
        :math:`\rho_2` (after the orders are computed).

        Parameters
        ----------
        m
            The order, ``>= 0``.
        values, **kw
            Parameter values by name (as for :class:`~symness.hierarchy.numeric.Hierarchy`);
            parameters not given take the model's defaults, those fixed when the hierarchy
            was built keep their values (a different value is refused).
        dps
            Decimal digits of the generators (``>= 15``).

        Raises
        ------
        InvalidParameterError
            A value is not finite, differs from one fixed at construction, or the point is
            singular for the closed form (a denominator vanishes).
        DegeneracyError, NonUniqueSteadyStateError
            The hierarchy does not apply at the point (:math:`\mathcal Q_1\mathcal L_1\mathcal Q_1`
            singular, or :math:`\mathcal P_1\mathcal L_2\mathcal P_1` with a larger kernel).
        """
        if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 0:
            raise InvalidParameterError(f"m = {m!r}: pass an integer order m >= 0.")
        if isinstance(dps, bool) or not isinstance(dps, (int, np.integer)) or dps < 15:
            raise InvalidParameterError(f"dps = {dps!r}: pass an integer number of digits >= 15.")
        given = {getattr(k, "name", k): w for k, w in {**(values or {}), **kw}.items()}
        clash = {k: (w, self.fixed[k]) for k, w in given.items()
                 if k in self.fixed and sympy.sympify(w) != sympy.sympify(self.fixed[k])}
        if clash:
            raise InvalidParameterError(
                f"{sorted(clash)} were fixed to {[self.fixed[k] for k in sorted(clash)]} when this hierarchy "
                "was built; build a SymbolicHierarchy with them symbolic (leave them out of values=) to "
                "evaluate at other values.")
        point = self.model.resolve({**given, **self.fixed})
        v = self.rho_vec(m)
        exprs = [self.rw.back.get(g, g) for g in self.gens]
        exprs += [self.rw.back[S] for S in self.parity_scaled.values()]
        gvals = []
        for e in exprs:
            missing = e.free_symbols - set(point)
            if missing:
                raise InvalidParameterError(
                    f"evaluate needs a value for {sorted(map(str, missing))} (generator {e}).")
            # a Python float enters with its exact binary value at the working precision
            x = sympy.sympify(e).xreplace({s: sympy.Float(point[s], dps + 10) if isinstance(point[s], float)
                                           else sympy.sympify(point[s]) for s in e.free_symbols})
            x = sympy.N(x, dps + 10)
            if not (x.is_real and x.is_finite):
                raise InvalidParameterError(f"{e} = {x} at this point: pass finite real values.")
            q = sympy.Rational(x)  # the exact binary value of the (dps + 10)-digit number
            gvals.append(flint.fmpq(int(q.p), int(q.q)))
        gen_vals, sin_vals = gvals[:len(self.gens)], gvals[len(self.gens):]
        R = self.ring

        def at(p: Any) -> Any:
            return p(*gen_vals) if self.gens else p.leading_coefficient()

        def field_at(x: Any) -> Any:
            num, den = (R.from_sympy_poly(p) for p in field_parts(x))
            d = at(den)
            if d == 0:
                raise InvalidParameterError(f"the hierarchy's operators are singular at {where}.")
            return at(num) / d
        where = ", ".join(f"{k} = {w}" for k, w in sorted((str(k), w) for k, w in point.items()))
        if field_at(self.q1_determinant) == 0:
            raise DegeneracyError(
                f"Q1 L1 Q1 is singular at {where} (its determinant {self.conditions()[0]} vanishes): H1 is "
                "degenerate inside an H0 block there and the hierarchy does not apply (e.g. sin(theta) = 0).")
        # the projections at the point, exactly: the generic kernel dimensions must hold there
        D = self.D
        Z = DomainMatrix({}, (D, D), self.K)

        def exact(A: DomainMatrix) -> Any:
            dok = A.to_dok()
            return flint.fmpq_mat(D, D, [field_at(dok[i, j]) if (i, j) in dok else 0
                                         for i in range(D) for j in range(D)])
        P0, P1 = exact(self.P0), exact(self.P1)
        M1, M2 = exact(self.M.get(1, Z)), exact(self.M.get(2, Z))
        r1 = P1.rank()
        if (P0 * M1 * P0).rank() != P0.rank() - r1:
            raise DegeneracyError(
                f"P0 L1 P0 has a larger kernel at {where} than for generic parameters: the hierarchy's P1 "
                "is not the kernel projection there (degenerate H1 inside an H0 block).")
        if (P1 * M2 * P1).rank() != r1 - 1:
            raise NonUniqueSteadyStateError(
                f"P1 L2 P1 has a larger kernel at {where}: the baths do not connect all the states, so eq. "
                "(47) does not fix rho_0 (e.g. c_L = c_R = 0). Choose couplings that relax every H0 block.",
                reason="P1 L2 P1 kernel dimension > 1")
        out = np.zeros((2**self.n, 2**self.n), dtype=complex)
        for i in sorted(v.num):
            num, den = v.entry(i)  # cancelled first: smaller polynomials evaluate faster
            d = at(den)
            if d == 0:
                raise InvalidParameterError(
                    f"rho_{m} is singular at {dict((str(k), w) for k, w in point.items())}: the "
                    f"denominator {R.to_expr(den, self.gens)} vanishes there (see conditions()).")
            r = at(num) / d
            for S in sin_vals:
                r *= S ** _parity(self.basis[i])
            out += float(r) * string_matrix(self.basis[i])
        return out

    def rational_coefficients(self, m: int) -> dict[String, tuple[Any, Any]]:
        """``{string: (numerator, denominator)}`` polynomials of rho_m (parity-scaled, cancelled).

        Elements of the polynomial ring of :attr:`K` (SymPy ``PolyElement``).
        """
        v = self.rho_vec(m)
        ring = self.K.field.ring if self.gens else None
        out = {}
        for i in sorted(v.num):
            num, den = v.entry(i)
            out[self.basis[i]] = (self.ring.to_sympy_poly(num, ring), self.ring.to_sympy_poly(den, ring))
        return out

    def expectation(self, op: dict[String, Any], m: int) -> tuple[Any, Any]:
        r""":math:`\mathrm{Tr}(A\rho_m)` as ``(numerator, denominator)`` polynomials of the ring of :attr:`K`.

        ``op`` maps Pauli strings to field elements in the parity-scaled convention (a string
        with an odd number of x, y factors carries a factor ``S`` less; see :meth:`scaled`).
        """
        n, d = self.expectation_vector(op, m).entry(0)
        ring = self.K.field.ring if self.gens else None
        return self.ring.to_sympy_poly(n, ring), self.ring.to_sympy_poly(d, ring)

    def expectation_vector(self, op: dict[String, Any], m: int) -> RVec:
        r""":math:`\mathrm{Tr}(A\rho_m)` as a one-entry :class:`~symness.hierarchy.ratvec.RVec` (python-flint).

        Sums of such values (e.g. over orders) stay in flint with factored denominators.
        """
        v = self.rho_vec(m)
        K, R = self.K, self.ring
        entries = {(0, self.index[P]): tuple(R.from_sympy_poly(p) for p in field_parts(K.convert(a)))
                   for P, a in op.items() if a}
        row = FMat.from_fractions(entries, (1, self.D), R) if entries else FMat({}, Counter(), (1, self.D), R)
        out = row @ v
        return RVec({i: p * 2**self.n for i, p in out.num.items()}, out.den, 1, R)

    def scaled(self, op: PauliOp) -> dict[String, Any]:
        """A Hermitian operator with SymPy/field coefficients -> parity-scaled field coefficients."""
        out = {}
        for P, (re, im) in op.terms.items():
            if im != 0:
                raise InvalidModelError("expectation values need a Hermitian operator.")
            e = self.rw(re) if isinstance(re, sympy.Basic) else self.K.to_sympy(re)
            for C, S in self.parity_scaled.items():
                e = _reduce_even(sympy.expand(e * S ** _parity(P)), S, C)
            out[P] = self.K.from_sympy(e)
        return out

    def eq44(self) -> DomainMatrix:
        r""":math:`\mathcal P_1\mathcal L_1(\mathcal Q_0\mathcal L_0\mathcal Q_0)^{-1}\mathcal L_1\mathcal P_1`
        (eq. 44) as an exact matrix: zero when Appendix A's identity holds."""
        M1 = self.M.get(1, DomainMatrix({}, (self.D, self.D), self.K))
        return self.P1 * M1 * self.R0 * M1 * self.P1

    def conditions(self) -> list[sympy.Expr]:
        """Expressions that must not vanish for the hierarchy to apply (non-degeneracy of Q1 L1 Q1)."""
        return [sympy.factor(self.K.to_sympy(self.q1_determinant))]


def _exact_unit(z: complex) -> sympy.Expr:
    re, im = int(round(z.real)), int(round(z.imag))
    return sympy.Integer(re) + sympy.I * im


def _reduce_even(expr: sympy.Expr, S: sympy.Symbol, C: sympy.Symbol) -> sympy.Expr:
    """Replace S**2 by 1 - C**2 in an expression even in S (numerator and denominator)."""
    num, den = sympy.fraction(sympy.together(expr))

    def red(p: sympy.Expr) -> sympy.Expr:
        poly = sympy.Poly(sympy.expand(p), S)
        out = sympy.S.Zero
        for (k,), c in poly.terms():
            out += c * (1 - C**2) ** (k // 2) * S ** (k % 2)
        return sympy.expand(out)
    return red(num) / red(den)


def _proj(N: DomainMatrix) -> DomainMatrix:
    """Orthogonal projector on the row space of N: N^T (N N^T)^{-1} N."""
    if N.shape[0] == 0:
        return DomainMatrix({}, (N.shape[1], N.shape[1]), N.domain)
    G = (N * N.transpose()).to_dense().inv().to_sparse()
    return N.transpose() * G * N
