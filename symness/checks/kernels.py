r"""Cross-checks, LaTeX sections and figures of the qubit kernels (qubit_kernels paper).

Every check compares a closed form derived by :mod:`symness.kernels` with an
independent numeric computation of :mod:`symness.open` (another code path,
built from the same model definition):

* closed form vs the secular (Davies) steady state: relative agreement
  :math:`\le 10^{-12}` (populations and heat currents);
* closed form vs the non-secular Redfield steady state: the deviation is
  reported and its scaling with the system--bath coupling :math:`g` fitted
  (currents: :math:`O(g^2)` relative; the coherence :math:`\rho_{23}`:
  :math:`O(g)`, next order :math:`O(g^2)`);
* the symbolic full kernel (eq. 5.2, Bloch--Redfield) vs the numeric Redfield
  generator;
* the local Lindblad closed form vs the numeric local Lindblad steady state.

The paper prints no numerical parameters; the reference point is
:math:`\omega_1 = 1, \omega_2 = 0.6, \lambda = 0.2, T_A = 1, T_B = 0.5,
g_A = 0.01, g_B = 0.02` plus seeded random points.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import sympy

from ..figstyle import save_figure
from ..registry import Comparison as _Comparison
from ..registry import cross_check, figure, latex_section

REF = dict(w1=1.0, w2=0.6, lam=0.2, T_A=1.0, T_B=0.5, g_A=0.01, g_B=0.02)


def _py(x: Any) -> float | complex:
    c = complex(x)
    return c.real if c.imag == 0 else c


def Comparison(quantity: str, closed_form: Any, numeric: Any, tol: float, **kw: Any) -> _Comparison:  # noqa: N802
    """A registry Comparison with plain Python numbers (JSON-serialisable)."""
    return _Comparison(quantity, _py(closed_form), _py(numeric), float(tol), **kw)


def _points(quick: bool) -> list[dict[str, float]]:
    rng = np.random.default_rng(6)
    pts = [dict(REF)]
    for _ in range(1 if quick else 4):
        a, b = sorted(rng.uniform(0.3, 2.0, 2))[::-1]
        pts.append(dict(w1=a, w2=b, lam=float(rng.uniform(0.05, 0.95) * np.sqrt(a * b)),
                        T_A=float(rng.uniform(0.05, 3.0)), T_B=float(rng.uniform(0.05, 3.0)),
                        g_A=float(rng.uniform(1e-3, 0.05)), g_B=float(rng.uniform(1e-3, 0.05))))
    return pts


def _model_kw(p: dict[str, float]) -> dict[str, float]:
    return {"omega_1": p["w1"], "omega_2": p["w2"], "lambda": p["lam"], "T_A": p["T_A"], "T_B": p["T_B"]}


def _label(p: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:.4g}" for k, v in p.items())


@cross_check("qubit kernels: coupled qubits closed form vs Davies", paper="qubit_kernels",
             equation="(3.42)-(3.57)")
def check_coupled_davies(quick: bool) -> Iterator[Comparison]:
    """Populations (3.46)-(3.49) and currents (3.52)-(3.57) vs the numeric secular steady state."""
    from ..kernels import coupled_qubits
    from ..models import coupled_qubits_model
    from ..open import davies_ness
    for p in _points(quick):
        r = coupled_qubits(**p)
        ness = davies_ness(coupled_qubits_model(g_A=p["g_A"], g_B=p["g_B"]), **_model_kw(p))
        pops = ness.populations()
        for k in range(4):
            yield Comparison(f"rho_{k + 1}", r.populations[k], pops[k], tol=1e-12, point=_label(p))
        q = ness.bath_heat_currents()
        for b in "AB":
            yield Comparison(f"q^{b}", r.heat_currents[b], q[b], tol=1e-12, point=_label(p))


@cross_check("qubit kernels: single qubit closed form vs Davies", paper="qubit_kernels", equation="(3.8)-(3.15)")
def check_single_davies(quick: bool) -> Iterator[Comparison]:
    """Single qubit populations (3.12)-(3.13) and currents (3.14)-(3.15) vs the Davies steady state."""
    from ..baths import ohmic
    from ..kernels import single_qubit
    from ..models import single_qubit_model
    from ..open import davies_ness
    pts = [(1.0, 1.0, 0.5, 0.01, 0.02), (0.7, 0.05, 2.5, 0.03, 0.004)]
    if not quick:
        pts.append((2.0, 0.02, 0.01, 0.05, 0.05))
    for w, ta, tb, ga, gb in pts:
        r = single_qubit(w, ta, tb, ga, gb)
        ness = davies_ness(single_qubit_model(g_A=ga, g_B=gb), omega_0=w, T_A=ta, T_B=tb)
        lab = f"w0={w}, T_A={ta}, T_B={tb}, g_A={ga}, g_B={gb}"
        yield Comparison("rho_+", r.populations[1], ness.populations()[1], tol=1e-12, point=lab)
        yield Comparison("q^A", r.heat_currents["A"], ness.bath_heat_currents()["A"], tol=1e-12, point=lab)
    # a structured (ohmic) spectral function, passed as a callable
    r = single_qubit(1.3, 0.8, 0.3, lambda w: 0.02 * w * np.exp(-w / 4), lambda w: 0.02 * w * np.exp(-w / 4))
    ness = davies_ness(single_qubit_model(g_A=ohmic(0.02, 4.0), g_B=ohmic(0.02, 4.0)), omega_0=1.3, T_A=0.8,
                       T_B=0.3)
    yield Comparison("q^A (ohmic g)", r.heat_currents["A"], ness.bath_heat_currents()["A"], tol=1e-12,
                     point="w0=1.3, T_A=0.8, T_B=0.3, ohmic(0.02, 4)")


def _scaling(p: dict[str, float], scales: list[float]) -> dict[str, Any]:
    """Redfield minus closed form (currents, populations) and rho_23 for g -> s*g."""
    from ..kernels import coupled_qubits
    from ..kernels.qubits import derivation
    from ..models import coupled_qubits_model
    from ..open import redfield_ness
    out: dict[str, list[float]] = {"dq": [], "dp": [], "rho23": [], "rho23_err": []}
    lead = _rho23_leading()
    pk = derivation("coupled_qubits")
    for s in scales:
        q = dict(p, g_A=p["g_A"] * s, g_B=p["g_B"] * s)
        r = coupled_qubits(**q)
        ness = redfield_ness(coupled_qubits_model(g_A=q["g_A"], g_B=q["g_B"]), **_model_kw(q))
        out["dq"].append(abs(ness.bath_heat_currents()["A"] - r.heat_currents["A"]) / abs(r.heat_currents["A"]))
        out["dp"].append(float(np.abs(ness.populations() - r.populations).max()))
        V = _vectors(pk, q)
        rho = np.linalg.solve(V, ness.rho @ V)
        c = lead(q)
        out["rho23"].append(abs(rho[1, 2]))
        out["rho23_err"].append(abs(rho[1, 2] - c))
    return out


def _vectors(pk: Any, p: dict[str, float]) -> np.ndarray:
    from ..models.qubits import LAM, W1, W2
    V = pk.explicit(pk.eigensystem.vectors).subs({W1: p["w1"], W2: p["w2"], LAM: p["lam"]})
    return np.array(V.evalf(20), dtype=complex)


_LEAD: Any = None


def _rho23_leading() -> Any:
    """Numeric function p -> leading-order rho_23 (closed form of redfield.coherence_steady_state)."""
    global _LEAD
    if _LEAD is None:
        from ..closedform import ClosedForm
        from ..kernels.qubits import G_A, G_B, derivation
        from ..kernels.redfield import coherence_steady_state
        from ..models.qubits import LAM, TA, TB, W1, W2
        pk = derivation("coupled_qubits")
        c = coherence_steady_state(pk)
        gA, gB = sympy.symbols("gA gB", nonnegative=True)
        e = pk.explicit(c.expr).replace(G_A, sympy.Lambda(sympy.Dummy(), gA)).replace(
            G_B, sympy.Lambda(sympy.Dummy(), gB))
        f = ClosedForm(e).lambdify([W1, W2, LAM, TA, TB, gA, gB])

        def lead(p: dict[str, float]) -> complex:
            return complex(f(p["w1"], p["w2"], p["lam"], p["T_A"], p["T_B"], p["g_A"], p["g_B"]))
        _LEAD = lead
    return _LEAD


def _slope(x: list[float], y: list[float]) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


@cross_check("qubit kernels: closed form vs non-secular Redfield (deviation and scaling)", paper="qubit_kernels",
             equation="Sec. IV C 1, (4.20)-(4.31)", quick=False)
def check_redfield_scaling(quick: bool) -> Iterator[Comparison]:
    r"""Redfield - Pauli: currents and populations O(g^2), rho_23 = O(g) with an O(g^2) error of its leading form."""
    scales = [0.1, 0.3, 1.0] if quick else [0.03, 0.1, 0.3, 1.0]
    p = dict(REF)
    s = _scaling(p, scales)
    g = [p["g_B"] * x for x in scales]
    lab = f"{_label(p)}; g scaled by {scales}"
    ratio = p["g_B"] / (2 * np.sqrt((p["w1"] - p["w2"]) ** 2 / 4 + p["lam"] ** 2))
    yield Comparison("|q_Redfield - q_Pauli|/|q| at g_B=0.02 (<= 5 (g_B/2Omega)^2)", s["dq"][-1], 0.0,
                     tol=5 * ratio**2, atol=1.0, point=lab,
                     note=f"deviation {s['dq'][-1]:.3g}, (g/2Omega)^2 = {ratio**2:.3g}")
    yield Comparison("scaling exponent of the current deviation", _slope(g, s["dq"]), 2.0, tol=0.03, point=lab)
    yield Comparison("scaling exponent of the population deviation", _slope(g, s["dp"]), 2.0, tol=0.03, point=lab)
    yield Comparison("scaling exponent of |rho_23|", _slope(g, s["rho23"]), 1.0, tol=0.03, point=lab)
    yield Comparison("scaling exponent of |rho_23 - leading order|", _slope(g, s["rho23_err"]), 2.0, tol=0.05,
                     point=lab)
    yield Comparison("|rho_23| at g_B=0.02 vs leading order", s["rho23"][-1],
                     abs(_rho23_leading()(p)), tol=4 * ratio, point=lab)


@cross_check("qubit kernels: full kernel (5.2) vs numeric Redfield generator", paper="qubit_kernels",
             equation="(5.2)-(5.3)")
def check_full_kernel(quick: bool) -> Iterator[Comparison]:
    """Symbolic Bloch-Redfield tensor in the eigenbasis vs symness.open.redfield_liouvillian (site basis)."""
    from ..kernels.qubits import G_A, G_B, derivation
    from ..kernels.redfield import redfield_kernel
    from ..models import coupled_qubits_model
    from ..models.qubits import LAM, TA, TB, W1, W2
    from ..open import redfield_liouvillian
    pk = derivation("coupled_qubits")
    R = redfield_kernel(pk)
    pts = _points(True)[:1 if quick else 2]
    for p in pts:
        vals = {W1: p["w1"], W2: p["w2"], LAM: p["lam"], TA: p["T_A"], TB: p["T_B"]}
        x = sympy.Dummy()
        gmap = {G_A: sympy.Lambda(x, p["g_A"]), G_B: sympy.Lambda(x, p["g_B"])}

        def num(e: Any, vals: dict = vals, gmap: dict = gmap) -> complex:
            e = pk.explicit(e)
            for f, rep in gmap.items():
                e = e.replace(f, rep)
            return complex(e.subs(vals).evalf(20))
        E = [num(e).real for e in pk.energies]
        Rn = np.zeros((16, 16), complex)
        for (a, b, c, d), v in R.elements.items():
            Rn[4 * a + b, 4 * c + d] += num(v)
        Rn += np.diag([-1j * (E[a] - E[b]) for a in range(4) for b in range(4)])
        V = np.array(pk.explicit(pk.eigensystem.vectors).subs(vals).evalf(20), dtype=complex)
        T = np.kron(V, V.conj())
        mine = T @ Rn @ np.linalg.inv(T)
        gen = redfield_liouvillian(coupled_qubits_model(g_A=p["g_A"], g_B=p["g_B"]), **_model_kw(p))
        other = gen.matrix("site")
        scale = float(np.abs(other).max())
        yield Comparison("max |L_symbolic - L_numeric| / max |L|", float(np.abs(mine - other).max()) / scale, 0.0,
                         tol=1e-13, atol=1.0, point=_label(p))


@cross_check("qubit kernels: local Lindblad closed form vs numeric", paper="qubit_kernels",
             equation="Sec. IV C 2, (4.32)-(4.35)", quick=False)
def check_local(quick: bool) -> Iterator[Comparison]:
    """Local master equation: derived J_A = P (f_A - f_B) and rho vs symness.open.lindblad_ness."""
    from ..kernels import local_lindblad
    from ..models import coupled_qubits_model
    from ..open import lindblad_ness
    pts = _points(quick) + [dict(w1=1.0, w2=0.5, lam=0.2, T_A=0.6, T_B=0.4, g_A=0.01, g_B=0.01)]
    for p in pts:
        r = local_lindblad(**p)
        n = lindblad_ness(coupled_qubits_model(g_A=p["g_A"], g_B=p["g_B"]), **_model_kw(p))
        yield Comparison("J_A (local)", r.heat_currents["A"], n.bath_heat_currents()["A"], tol=1e-10,
                         point=_label(p))
        yield Comparison("rho_23 (local, site basis)", complex(r.rho[1, 2]), complex(n.rho[1, 2]), tol=1e-10,
                         point=_label(p))


# ----------------------------------------------------------------- LaTeX
@latex_section("qubit_kernels_single", title="Single qubit between two reservoirs", paper="qubit_kernels",
               order=40)
def latex_single() -> list:
    from ..kernels import single_qubit
    w0, TA, TB = sympy.symbols("omega_0 T_A T_B", positive=True)
    gA, gB = sympy.symbols("g_A g_B", positive=True)
    r = single_qubit(w0, TA, TB, gA, gB)
    f = r.forms()
    return [f["populations"], f["heat_currents"], r.high_temperature(), r.low_temperature()]


@latex_section("qubit_kernels_coupled", title="Coupled qubits between two reservoirs", paper="qubit_kernels",
               order=41)
def latex_coupled() -> list:
    from ..kernels import coupled_qubits
    from ..kernels.qubits import G_A, G_B
    w1, w2, lam, TA, TB = sympy.symbols("omega_1 omega_2 lambda T_A T_B", positive=True)
    r = coupled_qubits(w1, w2, lam, TA, TB, G_A, G_B)
    f = r.forms()
    return [f["definitions"], r.derivation["A"], f["populations"], f["channels"], f["heat_currents"],
            r.high_temperature(), r.low_temperature(), r.weak_coupling_limit()]


@latex_section("qubit_kernels_local", title="Local master equation and coherences", paper="qubit_kernels",
               order=42)
def latex_local() -> list:
    from ..closedform import ClosedForm
    from ..kernels.local import F_A, F_B, GAMMA_A, GAMMA_B, local_derivation, violation_condition
    from ..kernels.qubits import derivation
    from ..kernels.redfield import coherence_steady_state
    der = local_derivation()
    J = ClosedForm(der.factor * (F_A - F_B), {GAMMA_A: "g_A(omega_1)(1 + 2 n_A(omega_1))",
                                              GAMMA_B: "g_B(omega_2)(1 + 2 n_B(omega_2))",
                                              F_A: "1/(exp(omega_1/T_A) + 1)", F_B: "1/(exp(omega_2/T_B) + 1)"},
                   name=r"J^A_{\mathrm{local}}", paper="qubit_kernels", equation="Sec. IV C 2",
                   description="Heat current of the local Lindblad equation (each qubit damped at its bare "
                               "frequency); heat flows from cold to hot where "
                               f"${sympy.latex(violation_condition())}$.")
    c = coherence_steady_state(derivation("coupled_qubits"))
    return [J, c]


# ----------------------------------------------------------------- figures
@figure("qubit_kernels_local_vs_global", paper="qubit_kernels",
        caption="Sign of the heat current from the hot reservoir: local vs global master equation.")
def fig_local_vs_global(outdir: Any) -> list[Path]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..kernels import coupled_qubits, local_lindblad
    outdir = Path(outdir) / "qubit_kernels"
    outdir.mkdir(parents=True, exist_ok=True)
    ratio_T = np.linspace(0.2, 3.0, 141)   # T_A / T_B
    ratio_w = np.linspace(0.2, 3.0, 141)   # omega_1 / omega_2
    RT, RW = np.meshgrid(ratio_T, ratio_w)
    TB, w2 = 0.5, 0.5
    TA, w1 = RT * TB, RW * w2
    lam = 0.1 * np.sqrt(w1 * w2)
    loc = local_lindblad(w1, w2, lam, TA, TB, 0.01, 0.01)
    glob = coupled_qubits(w1, w2, lam, TA, TB, 0.01, 0.01)
    hot_a = np.sign(TA - TB)
    wrong_loc = (np.sign(loc.heat_currents["A"]) * hot_a) < 0
    wrong_glob = (np.sign(glob.heat_currents["A"]) * hot_a) < 0
    fig, ax = plt.subplots(figsize=(5.2, 4.4))
    ax.contourf(RT, RW, wrong_loc.astype(float), levels=[0.5, 1.5], colors=["tab:red"], alpha=0.45)
    ax.plot(ratio_T, ratio_T, "k--", lw=1, label=r"$\omega_1/\omega_2 = T_A/T_B$ (derived boundary)")
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_xlabel(r"$T_A/T_B$")
    ax.set_ylabel(r"$\omega_1/\omega_2$")
    ax.set_title("local Lindblad: heat flows cold $\\to$ hot (red)", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return save_figure(fig, outdir / "qubit_kernels_local_vs_global.png", (
        "Coupled qubits (T_B = 0.5, omega_2 = 0.5, lambda = 0.1 sqrt(omega_1 omega_2), g_A = g_B = 0.01). "
        "Red: the local Lindblad equation sends heat from the colder to the hotter reservoir; the region is "
        "exactly (T_A - T_B)(omega_2 T_A - omega_1 T_B) < 0 (dashed boundary), derived from "
        f"J_A = P (f_A - f_B), P >= 0. Global (Pauli) kernel: {int(wrong_glob.sum())} grid points with heat "
        f"against the gradient (second law holds); local: {int(wrong_loc.sum())} of {wrong_loc.size}. "
        "The paper discusses this for oscillators only (Sec. IV C 2) and draws no such figure."))


@figure("qubit_kernels_redfield_scaling", paper="qubit_kernels",
        caption="Non-secular Redfield vs the Pauli closed form: deviations and rho_23 vs the coupling g.")
def fig_redfield_scaling(outdir: Any) -> list[Path]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    outdir = Path(outdir) / "qubit_kernels"
    outdir.mkdir(parents=True, exist_ok=True)
    scales = list(np.geomspace(0.01, 3.0, 12))
    s = _scaling(dict(REF), scales)
    g = np.array(scales) * REF["g_B"]
    fig, ax = plt.subplots(figsize=(5.2, 4.2))
    ax.loglog(g, s["rho23"], "o-", label=r"$|\rho_{23}|$ (Redfield)")
    ax.loglog(g, s["rho23_err"], "s-", label=r"$|\rho_{23} - \rho_{23}^{(1)}|$")
    ax.loglog(g, s["dq"], "^-", label=r"$|q_R - q_{Pauli}|/|q|$")
    ax.loglog(g, s["dp"], "v-", label=r"$\max|p_R - p_{Pauli}|$")
    ax.set_xlabel(r"$g_B$ (energy units; $g_A = g_B/2$)")
    ax.set_ylabel("size (dimensionless)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(fig, outdir / "qubit_kernels_redfield_scaling.png", (
        "Coupled qubits at omega_1 = 1, omega_2 = 0.6, lambda = 0.2, T_A = 1, T_B = 0.5, g_A = g_B/2. The steady "
        f"coherence rho_23 of the non-secular Redfield equation scales as g^{_slope(g, s['rho23']):.2f} (the paper "
        "argues it vanishes, Sec. IV C 1); its derived leading order is off by "
        f"g^{_slope(g, s['rho23_err']):.2f}; Redfield currents and populations differ from the Pauli closed form "
        f"at relative order g^{_slope(g, s['dq']):.2f} and g^{_slope(g, s['dp']):.2f}."))
