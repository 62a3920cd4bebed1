"""pauli_kernel: general symbolic H and couplings, degeneracies, errors, vs the numeric Davies solver."""

import numpy as np
import pytest
import sympy

from symness.baths import Bath, ohmic
from symness.errors import DegeneracyError, InvalidParameterError, NonHermitianError, ShapeMismatchError
from symness.kernels import pauli_kernel
from symness.kernels.diagonalize import diagonalize
from symness.kernels.pauli import manifestly_nonnegative
from symness.models import Coupling, Model, Term, coupled_qubits_model
from symness.open import OpenSystem, davies_ness
from symness.spins import sigma

h, J, T1, T2 = sympy.symbols("h J T_L T_R", positive=True)


def _chain_model(spec):
    """Transverse-field 2-spin model with Hermitian sigma^x couplings (not excitation conserving)."""
    terms = [Term.of(h, (1, "z")), Term.of(2 * h, (2, "z")), Term.of(J, (1, "x"), (2, "x"))]
    return Model("tf2", 2, terms,
                 [Coupling("L", (Term.of(1, (1, "x")),), Bath(spec, T1, name="L")),
                  Coupling("R", (Term.of(1, (2, "x")),), Bath(spec, T2, name="R"))],
                 values={h: 1.0, J: 0.3, T1: 1.5, T2: 0.5})


def test_hermitian_coupling_general_model_vs_davies():
    spec = ohmic(0.01, 8.0)
    model = _chain_model(spec)
    pk = pauli_kernel(model)
    th = pk.thermodynamics()
    assert th["first_law"]
    vals = {h: 1.0, J: 0.3, T1: 1.5, T2: 0.5}
    p = [complex(pk.explicit(x).subs(vals).evalf(30)).real for x in pk.steady_state()]
    q = {b: complex(pk.explicit(v).subs(vals).evalf(30)).real for b, v in pk.heat_currents().items()}
    ness = davies_ness(model, h=1.0, J=0.3, T_L=1.5, T_R=0.5)
    np.testing.assert_allclose(p, ness.populations(), rtol=1e-12)
    for b in "LR":
        assert abs(q[b] - ness.bath_heat_currents()[b]) < 1e-12 * abs(q[b])


def test_kernel_columns_sum_to_zero_and_forms():
    pk = pauli_kernel(coupled_qubits_model(), channel_names=["+", "-"])
    for b in pk:
        K = pk.kernel(b)
        assert all(sympy.simplify(sum(K[:, j])) == 0 for j in range(4))
        assert pk[b].latex()
    assert set(pk.channels) == {"+", "-"}
    assert len(pk) == 2


def test_degenerate_levels_decoupled_are_allowed():
    """Identical uncoupled qubits with local baths: degenerate |+->, |-+> but no coherence is driven."""
    w = sympy.Symbol("w", positive=True)
    H = sympy.Matrix(w / 2 * (sigma("z", 1, 2, "sympy") + sigma("z", 2, 2, "sympy")))
    ta, tb = sympy.symbols("t_a t_b", positive=True)
    b1, b2 = Bath(0.1, ta, "qubit_kernels", name="A"), Bath(0.2, tb, "qubit_kernels", name="B")
    pk = pauli_kernel(H, [(sigma("-", 1, 2, "sympy"), b1, "rwa"), (sigma("-", 2, 2, "sympy"), b2, "rwa")])
    assert pk.eigensystem.degenerate == [[1, 2]]
    assert all(sympy.simplify(q) == 0 for q in pk.heat_currents().values())


def test_degenerate_levels_with_collective_bath_raise():
    w = sympy.Symbol("w", positive=True)
    H = sympy.Matrix(w / 2 * (sigma("z", 1, 2, "sympy") + sigma("z", 2, 2, "sympy")))
    L = sigma("-", 1, 2, "sympy") + sigma("-", 2, 2, "sympy")
    with pytest.raises(DegeneracyError, match="degenerate"):
        pauli_kernel(H, [(L, Bath(0.1, 1.0, "qubit_kernels", name="A"), "rwa")])


def test_non_hermitian_and_shape_errors():
    x = sympy.Symbol("x", positive=True)
    with pytest.raises(NonHermitianError):
        pauli_kernel(sympy.Matrix([[1, x], [0, -1]]), [(sympy.Matrix([[0, 1], [1, 0]]), Bath(0.1, 1.0))])
    with pytest.raises(ShapeMismatchError):
        pauli_kernel(sympy.Matrix([[1, 0], [0, -1]]), [(sympy.eye(3), Bath(0.1, 1.0))])
    with pytest.raises(NonHermitianError):
        pauli_kernel(sympy.Matrix([[1, 0], [0, -1]]), [(sympy.Matrix([[0, 1], [0, 0]]), Bath(0.1, 1.0))])


def test_undecidable_order_needs_a_point():
    a, b = sympy.symbols("a b", real=True)
    with pytest.raises(InvalidParameterError, match="at="):
        diagonalize(sympy.diag(a, b))
    eig = diagonalize(sympy.diag(a, b), at={"a": 2.0, "b": 1.0})
    assert eig.energies == [b, a]


def test_three_level_block_uses_sympy_eigenvects():
    """A 3 x 3 block (V-system) is diagonalised exactly and the kernel matches Davies."""
    e, t = sympy.symbols("e t", positive=True)
    H = sympy.Matrix([[0, t, 0], [t, e, t], [0, t, 2 * e]])
    S = sympy.Matrix([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    spec = ohmic(0.02, 5.0)
    pk = pauli_kernel(H, [(S, Bath(spec, 2.0, name="L")), (sympy.diag(1, 0, -1), Bath(spec, 0.3, name="R"))],
                      at={e: 1.0, t: 0.25})
    vals = {e: 1.0, t: 0.25}
    p = [complex(pk.explicit(x).subs(vals).evalf(30)).real for x in pk.steady_state()]
    Hn = np.array(H.subs(vals), dtype=float)
    sysm = OpenSystem(Hn, [(np.array(S, dtype=float), Bath(spec, 2.0, name="L")),
                           (np.diag([1.0, 0.0, -1.0]), Bath(spec, 0.3, name="R"))])
    ness = davies_ness(sysm)
    np.testing.assert_allclose(p, ness.populations(), rtol=1e-10)


def test_manifestly_nonnegative():
    a, b = sympy.symbols("a b", positive=True)
    c = sympy.Symbol("c", real=True)
    assert manifestly_nonnegative(a * b / (a + 2 * b))
    assert not manifestly_nonnegative(a - b)
    assert not manifestly_nonnegative(c)
