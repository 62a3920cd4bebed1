"""Qubits between two heat reservoirs (qubit_kernels paper): every closed form, as LaTeX.

Run from the repository root::

    python derivations/qubits.py            # LaTeX of every closed form to stdout
    python derivations/qubits.py --audit    # also: each printed equation of the paper vs the derivation

Each block is derived by symness from the model definition in
``symness/models/qubits.py`` (Hamiltonian and RWA couplings written once):
the Pauli kernel from the general kernel formula (eqs. 5.2-5.4), steady
populations (2.3-2.4), heat currents split into Bohr-frequency channels
(2.11-2.12), expansions and limits (Sec. IV), the full non-secular kernel and
the steady coherence rho_23 (Sec. IV C 1), and the local master equation
(Sec. IV C 2).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sympy  # noqa: E402

from symness.closedform import ClosedForm  # noqa: E402
from symness.kernels import coherence_steady_state, coupled_qubits, single_qubit  # noqa: E402
from symness.kernels.local import F_A, F_B, local_derivation, violation_condition  # noqa: E402
from symness.kernels.qubits import G_A, G_B  # noqa: E402


def blocks() -> list[tuple[str, str]]:
    w0, w1, w2, lam, TA, TB = sympy.symbols("omega_0 omega_1 omega_2 lambda T_A T_B", positive=True)
    gA, gB = sympy.symbols("g_A g_B", positive=True)
    out: list[tuple[str, str]] = []

    # --- single qubit, Sec. III A: g_A, g_B are the values at omega_0 (flat)
    s = single_qubit(w0, TA, TB, gA, gB)
    f = s.forms()
    out.append(("single qubit: kernel of reservoir A (3.8)-(3.11)", s.derivation["A"].latex_block()))
    out.append(("single qubit: populations (3.12)-(3.13)", f["populations"].latex_block()))
    out.append(("single qubit: heat currents (3.14)-(3.15)", f["heat_currents"].latex_block()))
    out.append(("single qubit: high temperature (4.2)-(4.3)", s.high_temperature().latex_block()))
    out.append(("single qubit: next order at high temperature", s.high_temperature(order=2).latex_block()))
    out.append(("single qubit: low temperature (4.4)-(4.5)", s.low_temperature().latex_block()))

    # --- coupled qubits, Sec. III B, with general spectral functions g_A(omega), g_B(omega)
    c = coupled_qubits(w1, w2, lam, TA, TB, G_A, G_B)
    f = c.forms()
    out.append(("coupled qubits: auxiliary symbols (3.19)-(3.33)", f["definitions"].latex_block()))
    out.append(("coupled qubits: kernel K^A (3.42)", c.derivation["A"].latex_block()))
    out.append(("coupled qubits: kernel K^B (3.43)", c.derivation["B"].latex_block()))
    out.append(("coupled qubits: populations (3.46)-(3.49)", f["populations"].latex_block()))
    out.append(("coupled qubits: channel factors, q^A_w = F_w [n_A(w) - n_B(w)] (3.52)-(3.57)",
                f["channels"].latex_block()))
    out.append(("coupled qubits: heat currents (3.52)-(3.57)", f["heat_currents"].latex_block()))
    out.append(("coupled qubits: high temperature (4.12)-(4.15)", c.high_temperature().latex_block()))
    out.append(("coupled qubits: low temperature (4.16)-(4.19)", c.low_temperature().latex_block()))
    out.append(("coupled qubits: lambda -> 0 (4.6)-(4.11) and O(lambda^2) currents",
                c.weak_coupling_limit().latex_block()))

    # --- coherences, Sec. IV C 1
    out.append(("coupled qubits: steady rho_23 from the full kernel (leading order)",
                coherence_steady_state(c.derivation).latex_block()))

    # --- local master equation, Sec. IV C 2
    der = local_derivation()
    J = ClosedForm(der.factor * (F_A - F_B), name="J^A_{local}", paper="qubit_kernels", equation="Sec. IV C 2",
                   description="Local Lindblad heat current; Gamma_X = g_X(omega_X)(1 + 2 n_X(omega_X)), "
                               "f_X = 1/(exp(omega_X/T_X) + 1); heat flows cold -> hot where "
                               f"${sympy.latex(violation_condition())}$.")
    out.append(("local master equation: heat current", J.latex_block()))
    return out


def main(argv: list[str]) -> int:
    for title, tex in blocks():
        print(f"% ---- {title}\n{tex}\n")
    th = coupled_qubits(*sympy.symbols("omega_1 omega_2 lambda T_A T_B", positive=True), G_A, G_B).thermodynamics()
    print(f"% first law q_A + q_B = 0 identically: {th['first_law']}; every channel F (n_A - n_B) with "
          f"F manifestly >= 0: {th['factorised'] and th['nonnegative']}")
    if "--audit" in argv:
        from symness.kernels.paper import main as audit_main
        audit_main([])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
