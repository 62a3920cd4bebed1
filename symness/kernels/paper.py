r"""Audit of the qubit_kernels paper: every printed equation against what symness derives.

Each entry transcribes one printed equation (or claim) *as printed* and
compares it with the result derived by :mod:`symness.kernels` from the model.
The transcriptions live here only to be audited -- no result of the package
depends on them.  Disagreements are the paper's errata (``docs/errata.md``,
section qubit_kernels).

Run ``python -m symness.kernels.paper`` for the table, or
``python -m symness.kernels.paper "(4.1)"`` for one entry with details.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import sympy

from ..baths import Bath, flat
from ..classical.closedforms import BoltzmannDifference
from .functions import Bose, BoseDifference
from .qubits import G_A, G_B, coupled_qubits, derivation, single_qubit

__all__ = ["AuditEntry", "ENTRIES", "audit", "main"]


@dataclass
class AuditEntry:
    """One printed equation: ``check()`` returns ``(agrees, detail)``."""

    equation: str
    what: str
    check: Callable[[], tuple[bool, str]]
    correct: str = ""


ENTRIES: list[AuditEntry] = []


def entry(equation: str, what: str, correct: str = "") -> Callable[[Callable[[], tuple[bool, str]]], Any]:
    def deco(f: Callable[[], tuple[bool, str]]) -> Callable[[], tuple[bool, str]]:
        ENTRIES.append(AuditEntry(equation, what, f, correct))
        return f
    return deco


# ----------------------------------------------------------------- symbols as printed
w0, w1, w2, lam = sympy.symbols("omega_0 omega_1 omega_2 lambda", positive=True)
TA, TB, T = sympy.symbols("T_A T_B T", positive=True)
gA, gB = sympy.symbols("g_A g_B", positive=True)
wp, wm = sympy.Symbol("omega_+", positive=True), sympy.Symbol("omega_-", positive=True)
alpha, beta = sympy.symbols("alpha beta", positive=True)


def _zero(e: Any) -> bool:
    if isinstance(e, sympy.MatrixBase):
        return all(_zero(x) for x in e)
    e = sympy.sympify(e).replace(BoseDifference, lambda w, a, b: Bose(w, a) - Bose(w, b))
    e = e.replace(BoltzmannDifference, lambda a, b, d: sympy.exp(a) - sympy.exp(b))  # low-T forms
    return sympy.simplify(sympy.cancel(sympy.together(e))) == 0


def _zero_exp(e: Any) -> bool:
    return sympy.simplify(sympy.sympify(e).rewrite(sympy.exp)) == 0


@cache
def _single() -> Any:
    return single_qubit(w0, TA, TB, gA, gB)


@cache
def _coupled() -> Any:
    return coupled_qubits(w1, w2, lam, TA, TB, G_A, G_B)


def n(w: Any, T_: Any) -> Any:
    return Bose(w, T_)


# ----------------------------------------------------------------- single qubit
@entry("(3.4)-(3.5)", "bath operators A = sum_k lambda_k a_k^dagger a_k", "A = sum_k lambda_k a_k (as eq. 5.6)")
def _bath_operator() -> tuple[bool, str]:
    # printed: A = sum lambda a^dagger a commutes with H_B = sum omega a^dagger a, so A(t) = A and
    # its correlation spectrum sits at omega = 0: it cannot give D^12(omega_0) = g(1+n) (eq. 5.8).
    N = 12
    a = np.diag(np.sqrt(np.arange(1, N)), 1)
    HB = 0.7 * a.T @ a
    A_printed = 0.3 * a.T @ a
    A_dipole = 0.3 * a
    c1 = np.abs(HB @ A_printed - A_printed @ HB).max()
    c2 = np.abs(HB @ A_dipole - A_dipole @ HB).max()
    ok = c1 > 1e-12
    return ok, (f"[H_B, sum lambda a^dag a] = {c1:.1e} (static: no emission at omega_0 != 0); "
                f"[H_B, sum lambda a] = -omega a, norm {c2:.2g} (oscillates at omega_k, gives g(1+n))")


@entry("(3.8)-(3.11)", "single-qubit kernel elements")
def _single_kernel() -> tuple[bool, str]:
    K = _single().kernels["A"]  # levels (-, +)
    printed = {("+", "+"): -gA * (1 + n(w0, TA)), ("-", "+"): gA * (1 + n(w0, TA)),
               ("+", "-"): gA * n(w0, TA), ("-", "-"): -gA * n(w0, TA)}
    idx = {"-": 0, "+": 1}
    ok = all(_zero(K[idx[p], idx[q]] - v) for (p, q), v in printed.items())
    return ok, "K^A in the basis (|->, |+>) derived from eq. (5.3)"


@entry("(3.12)-(3.13)", "single-qubit populations")
def _single_pops() -> tuple[bool, str]:
    r = _single()
    D = gA * (1 + 2 * n(w0, TA)) + gB * (1 + 2 * n(w0, TB))
    plus = (gA * n(w0, TA) + gB * n(w0, TB)) / D
    minus = (gA * (1 + n(w0, TA)) + gB * (1 + n(w0, TB))) / D
    return _zero(r.populations[1] - plus) and _zero(r.populations[0] - minus), ""


@entry("(3.14)-(3.15)", "single-qubit heat currents")
def _single_currents() -> tuple[bool, str]:
    r = _single()
    D = gA * (1 + 2 * n(w0, TA)) + gB * (1 + 2 * n(w0, TB))
    qa = gA * gB * w0 / D * (n(w0, TA) - n(w0, TB))
    return _zero(r.heat_currents["A"] - qa) and _zero(r.heat_currents["B"] + qa), ""


@entry("(4.1)", "population ratio r = rho_+/rho_-, and its g_B = 0 and g_A = g_B cases")
def _ratio() -> tuple[bool, str]:
    r = _single()
    ratio = r.populations[1] / r.populations[0]
    printed = (gA * n(w0, TA) + gB * n(w0, TB)) / (gA * (1 + n(w0, TA)) + gB * (1 + n(w0, TB)))
    ok = _zero(ratio - printed)
    ok &= _zero_exp(ratio.subs(gB, 0) - sympy.exp(-w0 / TA))
    g = sympy.Symbol("g", positive=True)
    ok &= _zero(ratio.subs({gA: g, gB: g}) - (n(w0, TA) + n(w0, TB)) / (2 + n(w0, TA) + n(w0, TB)))
    return ok, ""


def _r_equal_g() -> sympy.Expr:
    r = _single()
    g = sympy.Symbol("g", positive=True)
    return (r.populations[1] / r.populations[0]).subs({gA: g, gB: g})


@entry("Sec. IV A 1 (after 4.1)", "high temperature: r -> 1 - omega_0/T, T = (T_A + T_B)/2")
def _ratio_high() -> tuple[bool, str]:
    from .expansions import high_temperature
    lead = high_temperature(_r_equal_g(), order=2)
    ok = _zero(lead - (1 - 2 * w0 / (TA + TB)))
    return ok, f"derived: {sympy.sstr(lead)}"


@entry("Sec. IV A 1 (after 4.1)", "low temperature: r -> (exp(-w0/T_A) + exp(-w0/T_B))/2")
def _ratio_low() -> tuple[bool, str]:
    from .expansions import low_temperature
    lead = low_temperature(_r_equal_g())
    ok = _zero_exp(lead - (sympy.exp(-w0 / TA) + sympy.exp(-w0 / TB)) / 2)
    return ok, f"derived: {sympy.sstr(lead)}"


@entry("Sec. IV A 1 (after 4.1)", "r -> exp(-w0/T) cosh(2 w0/Delta), Delta = T_A - T_B, T = (T_A+T_B)/2",
       "r -> exp(-w0 T/(T_A T_B)) cosh(w0 Delta/(2 T_A T_B)) = exp(-w0/T) cosh(w0 Delta/(2 T^2)) + "
       "O(Delta^2)")
def _ratio_cosh() -> tuple[bool, str]:
    low = (sympy.exp(-w0 / TA) + sympy.exp(-w0 / TB)) / 2
    Tm, Dl = (TA + TB) / 2, TA - TB
    printed = sympy.exp(-w0 / Tm) * sympy.cosh(2 * w0 / Dl)
    exact = sympy.exp(-w0 * Tm / (TA * TB)) * sympy.cosh(w0 * Dl / (2 * TA * TB))
    vals = {w0: 1, TA: sympy.Rational(11, 10), TB: sympy.Rational(9, 10)}
    ok_exact = _zero_exp((low - exact).rewrite(sympy.exp))
    v_low, v_pr = float(low.subs(vals)), float(printed.subs(vals))
    return abs(v_pr - v_low) < 1e-12 * v_low, (
        f"at w0=1, T_A=1.1, T_B=0.9: low-T r = {v_low:.6g}, printed form = {v_pr:.6g}; "
        f"exact rewrite holds: {ok_exact}")


@entry("(4.2)-(4.3)", "single qubit, high temperature currents")
def _single_high() -> tuple[bool, str]:
    h = _single().high_temperature().expr
    printed = sympy.Rational(1, 2) * gA * gB * w0 / (gA * TA + gB * TB) * (TA - TB)
    return _zero(h["q^A"] - printed) and _zero(h["q^B"] + printed), ""


@entry("(4.4)-(4.5)", "single qubit, low temperature currents")
def _single_low() -> tuple[bool, str]:
    lo = _single().low_temperature().expr
    printed = gA * gB * w0 / (gA + gB) * (sympy.exp(-w0 / TA) - sympy.exp(-w0 / TB))
    return _zero(lo["q^A"] - printed) and _zero(lo["q^B"] + printed), ""


@entry("(5.8)-(5.9), (5.13)-(5.14)", "bath correlations D^12 = g(1+n) (w > 0), D^21 = g(-w) n(-w) (w < 0)")
def _correlations() -> tuple[bool, str]:
    b = Bath(flat(0.37), 0.8, "qubit_kernels")
    w = 1.3
    nn = 1 / np.expm1(w / 0.8)
    ok = abs(b.rate(w) - 0.37 * (1 + nn)) < 1e-15 and abs(b.rate(-w) - 0.37 * nn) < 1e-15
    return ok, "canonical rate of the qubit_kernels preset: gamma(w) = g(1+n), gamma(-w) = g n"


@entry("(5.15)-(5.16)", "single-qubit kernel from (5.3)")
def _single_kernel_app() -> tuple[bool, str]:
    return _single_kernel()


# ----------------------------------------------------------------- coupled qubits
@entry("text after (3.18)", "unperturbed states |-->, |+->, |+->, |++> with energies -w_m, -Dw, Dw, w_m",
       "|-->, |-+>, |+->, |++> (the state with energy -Delta omega is |-+>)")
def _unperturbed() -> tuple[bool, str]:
    from ..models.qubits import coupled_qubits_model
    H0 = coupled_qubits_model().hamiltonian("sympy").subs(sympy.Symbol("lambda", positive=True), 0)
    # basis index 1 = |+->, 2 = |-+> (site 1 leftmost, index 0 = up)
    dw = (sympy.Symbol("omega_1", positive=True) - sympy.Symbol("omega_2", positive=True)) / 2
    wm_ = (sympy.Symbol("omega_1", positive=True) + sympy.Symbol("omega_2", positive=True)) / 2
    index = {"++": 0, "+-": 1, "-+": 2, "--": 3}
    printed = [("--", -wm_), ("+-", -dw), ("+-", dw), ("++", wm_)]
    ok = all(sympy.simplify(H0[index[st], index[st]] - e) == 0 for st, e in printed)
    return ok, f"derived E(|+->) = {H0[1, 1]}, E(|-+>) = {H0[2, 2]}; the printed list names |+-> twice"


@entry("(3.21)-(3.28)", "eigenstates and energies")
def _states() -> tuple[bool, str]:
    pk = derivation("coupled_qubits")
    V = pk.eigensystem.vectors  # columns in energy order, basis (++, +-, -+, --)
    a, b = sympy.Symbol("alpha", positive=True), sympy.Symbol("beta", positive=True)
    printed = sympy.Matrix([[0, 0, 0, 1], [0, -b, a, 0], [0, a, b, 0], [1, 0, 0, 0]])
    E = [sympy.simplify(pk.explicit(e)) for e in pk.energies]
    Om = sympy.sqrt(((w1 - w2) / 2) ** 2 + lam**2)
    Ep = [-(w1 + w2) / 2, -Om, Om, (w1 + w2) / 2]
    ok = V == printed and all(sympy.simplify(x - y) == 0 for x, y in zip(E, Ep))
    return ok, ""


@entry("(3.29)-(3.33)", "alpha = cos(theta/2), beta = sin(theta/2), tan(theta) = 2 lam/(w1 - w2), w_pm")
def _mixing() -> tuple[bool, str]:
    pk = derivation("coupled_qubits")
    d = {str(k): pk.explicit(v) for k, v in pk.definitions.items()}
    theta = sympy.atan(2 * lam / (w1 - w2))
    vals = {w1: sympy.Rational(13, 10), w2: sympy.Rational(7, 10), lam: sympy.Rational(2, 5)}
    ok = abs(float((d["alpha"] - sympy.cos(theta / 2)).subs(vals))) < 1e-14
    ok &= abs(float((d["beta"] - sympy.sin(theta / 2)).subs(vals))) < 1e-14
    Om = sympy.sqrt(((w1 - w2) / 2) ** 2 + lam**2)
    ok &= sympy.simplify(d["omega_+"] - ((w1 + w2) / 2 + Om)) == 0
    ok &= sympy.simplify(d["omega_-"] - ((w1 + w2) / 2 - Om)) == 0
    return ok, ""


@entry("(5.19)-(5.20)", "matrix elements of sigma^+_{1,2} in the eigenbasis")
def _elements() -> tuple[bool, str]:
    pk = derivation("coupled_qubits")
    a, b = sympy.Symbol("alpha", positive=True), sympy.Symbol("beta", positive=True)
    s1p, s2p = pk.elements["A"].H, pk.elements["B"].H  # sigma^+ = L^dagger
    printed1 = {(3, 1): a, (4, 2): a, (4, 3): b, (2, 1): -b}
    printed2 = {(2, 1): a, (4, 3): a, (3, 1): b, (4, 2): -b}
    ok = all(s1p[p - 1, q - 1] == v for (p, q), v in printed1.items())
    ok &= all(s2p[p - 1, q - 1] == v for (p, q), v in printed2.items())
    ok &= sum(1 for x in s1p if x != 0) == 4 and sum(1 for x in s2p if x != 0) == 4
    return ok, ""


def _rates_printed() -> dict[str, sympy.Expr]:
    a, b = sympy.Symbol("alpha", positive=True), sympy.Symbol("beta", positive=True)
    ga, gb = G_A, G_B
    return {
        "A_{++}": a**2 * ga(wp) * (1 + n(wp, TA)), "A_{+-}": b**2 * ga(wm) * (1 + n(wm, TA)),
        "A_{-+}": a**2 * ga(wp) * n(wp, TA), "A_{--}": b**2 * ga(wm) * n(wm, TA),
        "B_{++}": b**2 * gb(wp) * (1 + n(wp, TB)), "B_{+-}": a**2 * gb(wm) * (1 + n(wm, TB)),
        "B_{-+}": b**2 * gb(wp) * n(wp, TB), "B_{--}": a**2 * gb(wm) * n(wm, TB),
    }


@entry("(3.34)-(3.41)", "rates A_{+-+-}, B_{+-+-}")
def _rates() -> tuple[bool, str]:
    pk = derivation("coupled_qubits")
    got = {str(k): v for k, v in pk.rates.items()}
    pr = _rates_printed()
    return all(_zero(got[k] - v) for k, v in pr.items()) and set(got) == set(pr), ""


@entry("(3.42)-(3.43)", "kernel matrices K^A, K^B")
def _kernels() -> tuple[bool, str]:
    pk = derivation("coupled_qubits")
    ok = True
    for X in "AB":
        s = {k: sympy.Symbol(f"{X}_{{{k}}}", positive=True) for k in ("++", "+-", "-+", "--")}
        P = sympy.Matrix([
            [-s["-+"] - s["--"], s["+-"], s["++"], 0],
            [s["--"], -s["-+"] - s["+-"], 0, s["++"]],
            [s["-+"], 0, -s["++"] - s["--"], s["+-"]],
            [0, s["-+"], s["--"], -s["++"] - s["+-"]]])
        ok &= (pk.kernel(X) - P) == sympy.zeros(4, 4)
    return ok, ""


def _sums() -> tuple[Any, ...]:
    s = {f"{X}{k}": sympy.Symbol(f"{X}_{{{k}}}", positive=True) for X in "AB" for k in ("++", "+-", "-+", "--")}
    return s, s["A++"] + s["B++"], s["A-+"] + s["B-+"], s["A+-"] + s["B+-"], s["A--"] + s["B--"]


@entry("(3.44)-(3.49)", "populations: tensor-product structure and rho_1..rho_4")
def _coupled_pops() -> tuple[bool, str]:
    pk = derivation("coupled_qubits")
    s, dp, up, dm, um = _sums()
    prod = sympy.kronecker_product(sympy.diag(dp, up), sympy.diag(dm, um))
    Z = (dp + up) * (dm + um)
    printed = [prod[k, k] / Z for k in range(4)]
    got = pk.steady_state(expand=False)
    return all(sympy.cancel(got[k] - printed[k]) == 0 for k in range(4)), ""


@entry("(3.50)-(3.51)", "heat currents in the rate symbols")
def _coupled_rate_currents() -> tuple[bool, str]:
    pk = derivation("coupled_qubits")
    s, *_ = _sums()
    qa = ((s["B++"] * s["A-+"] - s["B-+"] * s["A++"]) / (s["A++"] + s["B++"] + s["A-+"] + s["B-+"]) * wp +
          (s["B+-"] * s["A--"] - s["B--"] * s["A+-"]) / (s["A--"] + s["B--"] + s["A+-"] + s["B+-"]) * wm)
    got = pk.heat_currents(expand=False)
    return sympy.cancel(got["A"] - qa) == 0 and sympy.cancel(got["B"] + qa) == 0, ""


@entry("(3.52)-(3.57)", "channel currents q^A_pm, q^B_pm")
def _coupled_currents() -> tuple[bool, str]:
    r = _coupled()
    ga, gb = G_A, G_B
    qp = (alpha * beta) ** 2 * ga(wp) * gb(wp) * wp / (
        alpha**2 * ga(wp) * (1 + 2 * n(wp, TA)) + beta**2 * gb(wp) * (1 + 2 * n(wp, TB))) * (n(wp, TA) - n(wp, TB))
    qm = (alpha * beta) ** 2 * ga(wm) * gb(wm) * wm / (
        beta**2 * ga(wm) * (1 + 2 * n(wm, TA)) + alpha**2 * gb(wm) * (1 + 2 * n(wm, TB))) * (n(wm, TA) - n(wm, TB))
    c = r.channels
    ok = _zero(c["+"].currents["A"] - qp) and _zero(c["-"].currents["A"] - qm)
    ok &= _zero(c["+"].currents["B"] + qp) and _zero(c["-"].currents["B"] + qm)
    return ok, ""


@entry("Sec. IV B 1", "high temperature: A_pmpm -> g_A(w_pm) T_A/w_pm, B_pmpm -> g_B(w_pm) T_B/w_pm",
       "A_{++}, A_{-+} -> alpha^2 g_A(w_+) T_A/w_+, A_{+-}, A_{--} -> beta^2 g_A(w_-) T_A/w_- "
       "(the mixing factors alpha^2, beta^2 are missing); rho_n -> 1/4 holds")
def _high_rates() -> tuple[bool, str]:
    from .expansions import high_temperature
    pk = derivation("coupled_qubits")
    got = {str(k): high_temperature(v) for k, v in pk.rates.items()}
    printed = G_A(wp) * TA / wp
    ok = _zero(got["A_{++}"] - printed)
    pops = high_temperature(pk.steady_state())
    quarter = all(sympy.simplify(p - sympy.Rational(1, 4)) == 0 for p in pops)
    return ok, f"derived A_++ -> {sympy.sstr(got['A_{++}'])}; rho_n -> 1/4: {quarter}"


@entry("(4.6)-(4.11)", "lambda = 0: product of the two single-qubit Gibbs states")
def _lam0() -> tuple[bool, str]:
    lim = _coupled().weak_coupling_limit().expr
    g1 = [(1 + n(w1, TA)) / (1 + 2 * n(w1, TA)), n(w1, TA) / (1 + 2 * n(w1, TA))]
    g2 = [(1 + n(w2, TB)) / (1 + 2 * n(w2, TB)), n(w2, TB) / (1 + 2 * n(w2, TB))]
    printed = [g1[0] * g2[0], g1[0] * g2[1], g1[1] * g2[0], g1[1] * g2[1]]
    return all(_zero(lim[f"rho_{k + 1}"] - printed[k]) for k in range(4)), ""


@entry("Sec. IV B 2", "lambda = 0: alpha = 1 and beta = 1; currents vanish", "alpha = 1 and beta = 0")
def _lam0_beta() -> tuple[bool, str]:
    pk = derivation("coupled_qubits")
    delta = sympy.Symbol("delta", positive=True)  # omega_1 - omega_2 > 0 (the paper's Delta omega > 0)

    def at0(name: str) -> sympy.Expr:
        e = pk.explicit(sympy.Symbol(name, positive=True)).subs(w1, w2 + delta)
        return sympy.simplify(e.subs(lam, 0))
    a0, b0 = at0("alpha"), at0("beta")
    q0 = sympy.simplify(_coupled().explicit(_coupled().heat_currents["A"]).subs(lam, 0))
    return b0 == 1 and a0 == 1, f"derived alpha(0) = {a0}, beta(0) = {b0}; q^A(lambda=0) = {q0}"


@entry("(4.12)-(4.15)", "coupled qubits, high temperature")
def _coupled_high() -> tuple[bool, str]:
    h = _coupled().high_temperature().expr
    ga, gb = G_A, G_B
    pp = sympy.Rational(1, 2) * (alpha * beta) ** 2 * ga(wp) * gb(wp) * wp / (
        alpha**2 * ga(wp) * TA + beta**2 * gb(wp) * TB) * (TA - TB)
    pm = sympy.Rational(1, 2) * (alpha * beta) ** 2 * ga(wm) * gb(wm) * wm / (
        beta**2 * ga(wm) * TA + alpha**2 * gb(wm) * TB) * (TA - TB)
    return _zero(h["q^A_+"] - pp) and _zero(h["q^A_-"] - pm), ""


@entry("(4.16)-(4.19)", "coupled qubits, low temperature")
def _coupled_low() -> tuple[bool, str]:
    lo = _coupled().low_temperature().expr
    ga, gb = G_A, G_B
    pp = (alpha * beta) ** 2 * ga(wp) * gb(wp) * wp / (alpha**2 * ga(wp) + beta**2 * gb(wp)) * (
        sympy.exp(-wp / TA) - sympy.exp(-wp / TB))
    pm = (alpha * beta) ** 2 * ga(wm) * gb(wm) * wm / (beta**2 * ga(wm) + alpha**2 * gb(wm)) * (
        sympy.exp(-wm / TA) - sympy.exp(-wm / TB))
    return _zero(lo["q^A_+"] - pp) and _zero(lo["q^A_-"] - pm), ""


@cache
def _full() -> Any:
    from .redfield import redfield_kernel
    return redfield_kernel(derivation("coupled_qubits"))


_PRINTED_STRUCTURE = {
    "(4.20)": ((1, 1), [(1, 1), (2, 2), (3, 3), (2, 3), (3, 2)]),
    "(4.21)": ((2, 2), [(1, 1), (2, 2), (4, 4)]),
    "(4.22)": ((3, 3), [(1, 1), (3, 3), (4, 4)]),
    "(4.23)": ((4, 4), [(2, 2), (3, 3), (4, 4), (2, 3), (3, 2)]),
    "(4.24)": ((2, 3), [(1, 1), (4, 4), (2, 3)]),
    "(4.25)": ((3, 2), [(1, 1), (4, 4), (3, 2)]),
}


def _structure(eq: str) -> tuple[bool, str]:
    row, printed = _PRINTED_STRUCTURE[eq]
    got = _full().nonzero()[row]
    got = [g for g in got if g[0] == g[1] or set(g) == {2, 3}]  # the population/rho_23 block
    ok = set(got) == set(printed)
    return ok, f"K_{{{row[0]}{row[1]},qq'}} non-zero for qq' in {sorted(got)}"


for _eq, (_row, _pr) in _PRINTED_STRUCTURE.items():
    _missing = ""
    if _eq in ("(4.21)", "(4.22)"):
        _missing = (f"K_{{{_row[0]}{_row[1]},qq'}} also couples to rho_23 and rho_32 "
                    f"(K_{{{_row[0]}{_row[1]},23}}, K_{{{_row[0]}{_row[1]},32}} != 0)")
    elif _eq in ("(4.24)", "(4.25)"):
        _missing = (f"K_{{{_row[0]}{_row[1]},qq'}} also has K_{{{_row[0]}{_row[1]},22}} and "
                    f"K_{{{_row[0]}{_row[1]},33}} != 0")
    ENTRIES.append(AuditEntry(_eq, f"non-zero kernel elements of row {_row}",
                              (lambda e=_eq: _structure(e)), _missing))


@entry("(4.30)-(4.31) and conclusion", "rho_23 decays to zero: steady state determined by populations alone",
       "rho_23 -> -i sum_q K_{23,qq} rho_q / E_23 != 0, first order in the system-bath coupling g; it "
       "shifts the populations at O(g^2) (Redfield vs Davies)")
def _rho23() -> tuple[bool, str]:
    from .redfield import coherence_steady_state
    c = coherence_steady_state(derivation("coupled_qubits"))
    vals = {w1: 1, w2: sympy.Rational(3, 5), lam: sympy.Rational(1, 5), TA: 1, TB: sympy.Rational(1, 2)}
    x = sympy.Symbol("x")
    e = derivation("coupled_qubits").explicit(c.expr)
    e = e.replace(G_A, sympy.Lambda(x, sympy.Rational(1, 100))).replace(G_B, sympy.Lambda(x, sympy.Rational(1, 50)))
    v = complex(e.subs({sympy.Symbol(str(k), positive=True): v for k, v in vals.items()}).evalf(20))
    return abs(v) == 0, f"leading-order steady rho_23 at the default point (g_A=0.01, g_B=0.02): {v:.4g}"


@entry("(4.30)-(4.31) coefficients", "C = K_23,23 = -(1/2) sum (A_pq + B_pq); K_pp,23 = K_pp,32 for p = 1, 4")
def _C() -> tuple[bool, str]:
    R = _full()
    pk = derivation("coupled_qubits")
    C = -sum(pk.rates.values()) / 2
    ok = _zero(R[(1, 2, 1, 2)] - C) and _zero(R[(2, 1, 2, 1)] - C)
    ok &= all(_zero(R[(p, p, 1, 2)] - R[(p, p, 2, 1)]) for p in (0, 3))
    ok &= all(_zero(R[(1, 2, p, p)] - R[(2, 1, p, p)]) for p in (0, 3))
    return ok, ""


@entry("(5.1)", "sum_qq' L_pp',qq' rho_pp'", "sum_qq' L_pp',qq' rho_qq'")
def _eq51() -> tuple[bool, str]:
    return False, "the kernel acts on rho_qq' (summation index); as printed the sum multiplies rho_pp'"


@entry("(5.2)", "loss terms evaluated at E_pl and E_p'l",
       "Bloch-Redfield: -1/2 d_p'q' sum S_pl S_lq D(E_ql) - 1/2 d_pq sum S_q'l S_lp' D(E_q'l); same population "
       "block (5.3), different population-coherence couplings")
def _eq52() -> tuple[bool, str]:
    from .redfield import redfield_kernel
    pk = derivation("coupled_qubits")
    Rp = redfield_kernel(pk, "paper")
    R = _full()
    d = sympy.factor(R[(1, 1, 1, 2)] - Rp[(1, 1, 1, 2)])
    return False, ("Bloch-Redfield (this tensor equals symness.open.redfield_liouvillian to 1e-16) minus printed: "
                   f"K_22,23 differs by {sympy.sstr(d)}")


@entry("(5.3)", "population kernel from (5.2)")
def _eq53() -> tuple[bool, str]:
    R = _full()
    pk = derivation("coupled_qubits")
    K = pk.kernel(expand=True)
    return all(_zero(R[(p, p, q, q)] - K[p, q]) for p in range(4) for q in range(4)), ""


@entry("(5.4)-(5.5)", "D = int dt e^{iw(t-t')} Tr[rho_B B^a(t) B^b(t)], rho_B = exp(-H/T)/Tr exp(-H_B/T)",
       "B^b(t') in (5.4); exp(-H_B/T) in (5.5)")
def _eq54() -> tuple[bool, str]:
    return False, "typographical: the second bath operator carries the time t'; the bath density matrix uses H_B"


def audit(select: str | list[str] | None = None) -> list[tuple[AuditEntry, bool, str]]:
    """Run the audit; returns ``(entry, agrees, detail)`` for every entry whose label contains a selector."""
    sels = [select] if isinstance(select, str) else list(select or [])
    out = []
    for e in ENTRIES:
        if sels and not any(s in e.equation for s in sels):
            continue
        ok, detail = e.check()
        out.append((e, bool(ok), detail))
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    sel = list(argv)
    for e, ok, detail in audit(sel):
        status = "agrees" if ok else "ERRATUM"
        print(f"{e.equation:32s} {status:8s} {e.what}")
        if not ok and e.correct:
            print(f"{'':41s} correct: {e.correct}")
        if detail and (sel or not ok):
            print(f"{'':41s} {detail}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
