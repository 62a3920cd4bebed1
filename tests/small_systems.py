"""Small valid inputs shared by the bad-input tests (``test_bad_input``, ``fuzz_table``).

Two coupled spins between two ohmic baths, the ring4 NESS, the coupled-qubit
Pauli kernel and the symbolic single-qubit result, the two-spin hierarchy and a
Bose-function closed form -- each cheap, the expensive ones cached.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import sympy

from symness import spins
from symness.baths import Bath, ohmic
from symness.closedform import ClosedForm
from symness.hierarchy import Hierarchy
from symness.kernels import pauli_kernel, single_qubit
from symness.models import coupled_qubits_model, tilted_ising, xxz_ring
from symness.open import OpenSystem, redfield_ness


def h2() -> np.ndarray:
    """:math:`\\sigma^z_1 + 0.7\\sigma^z_2 + 0.3\\sigma^x_1\\sigma^x_2` (dense 4 x 4)."""
    z1, z2 = spins.sigma("z", 1, 2, "numpy"), spins.sigma("z", 2, 2, "numpy")
    xx = spins.bond_op(1, 2, 2, "xx", "numpy")
    return z1 + 0.7 * z2 + 0.3 * xx


def baths() -> tuple[Bath, Bath]:
    spec = ohmic(0.01, 10.0)
    return Bath(spec, 2.0), Bath(spec, 1.0)


def couplings() -> list:
    bL, bR = baths()
    return [(spins.sigma("x", 1, 2), bL), (spins.sigma("x", 2, 2), bR)]


def system() -> OpenSystem:
    return OpenSystem(h2(), couplings())


@cache
def ring_ness():
    return redfield_ness(xxz_ring(n=4, J=1.0, Delta=2.19, fields={2: 2.0, 3: 1.0}), up_spins=2)


@cache
def qubit_kernel():
    return pauli_kernel(coupled_qubits_model())


@cache
def qubit_result():
    w, TA, TB = sympy.symbols("omega_0 T_A T_B", positive=True)
    return single_qubit(w, TA, TB, sympy.Function("g_A"), sympy.Function("g_B"))


@cache
def hierarchy():
    return Hierarchy(tilted_ising(2))


def closed_form() -> ClosedForm:
    x = sympy.Symbol("x", positive=True)
    return ClosedForm(1 / (sympy.exp(x) - 1), {x: "x"})


def non_hermitian(d: int) -> np.ndarray:
    return np.triu(np.ones((d, d)), 1) + np.diag(np.arange(d, dtype=float))
