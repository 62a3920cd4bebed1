r"""Qubit population kernels: Pauli kernels from the general Born-Markov formula.

qubit_kernels paper (Fogedby 2023).  Documented entry points::

    from symness.kernels import pauli_kernel, single_qubit, coupled_qubits

``pauli_kernel(H, couplings)``
    population kernel of each reservoir of a small symbolic Hamiltonian in its
    energy eigenbasis (eqs. 5.2-5.4), steady populations, heat currents split
    into Bohr-frequency channels, symbolic first and second law.
``single_qubit(w0, T_A, T_B, g_A, g_B)``, ``coupled_qubits(w1, w2, lam, T_A, T_B, g_A, g_B)``
    the paper's two systems (Sec. III), symbolic or numeric.
``local_lindblad(...)``
    the local master equation for the coupled qubits and its second-law
    violation region (Sec. IV C 2).
``redfield_kernel``, ``coherence_steady_state``, ``redfield_steady_state``
    the full (non-secular) kernel of eq. (5.2), the leading-order steady coherence
    :math:`\rho_{23}` (Sec. IV C 1), and the exact Redfield steady state (populations
    and coherences) of any small model.

Conventions: ``docs/conventions.md`` and ``docs/kernels.md``.
"""

from .functions import Bose, BoseDifference
from .local import LocalResult, local_lindblad, violation_condition
from .pauli import BohrChannel, PauliKernel, Transition, manifestly_nonnegative, pauli_kernel
from .qubits import Channel, QubitResult, coupled_qubits, single_qubit
from .redfield import RedfieldKernel, coherence_steady_state, redfield_kernel, redfield_steady_state

__all__ = [
    "pauli_kernel",
    "single_qubit",
    "coupled_qubits",
    "PauliKernel",
    "QubitResult",
    "Channel",
    "BohrChannel",
    "Transition",
    "Bose",
    "BoseDifference",
    "manifestly_nonnegative",
    "local_lindblad",
    "LocalResult",
    "violation_condition",
    "redfield_kernel",
    "RedfieldKernel",
    "coherence_steady_state",
    "redfield_steady_state",
]
