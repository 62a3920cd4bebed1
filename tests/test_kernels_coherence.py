"""Full kernel of eq. (5.2): vs the numeric Redfield generator; the steady coherence rho_23 and its scaling."""

import numpy as np
import pytest
import sympy

from symness.kernels.qubits import G_A, G_B, derivation
from symness.kernels.redfield import coherence_steady_state, redfield_kernel
from symness.models import coupled_qubits_model
from symness.models.qubits import LAM, TA, TB, W1, W2
from symness.open import davies_ness, redfield_liouvillian, redfield_ness

X = sympy.Symbol("x")
VALS = {W1: 1.0, W2: 0.6, LAM: 0.2, TA: 1.0, TB: 0.5}


def _num(pk, e, gA, gB, vals=VALS):
    e = pk.explicit(e).replace(G_A, sympy.Lambda(X, gA)).replace(G_B, sympy.Lambda(X, gB))
    return complex(e.subs(vals).evalf(25))


@pytest.fixture(scope="module")
def pk():
    return derivation("coupled_qubits")


@pytest.fixture(scope="module")
def R(pk):
    return redfield_kernel(pk)


def test_full_kernel_equals_numeric_redfield(pk, R):
    gA, gB = 0.01, 0.02
    d = 4
    E = [_num(pk, e, gA, gB).real for e in pk.energies]
    Rn = np.zeros((16, 16), complex)
    for (p, pp, q, qq), v in R.elements.items():
        Rn[p * d + pp, q * d + qq] += _num(pk, v, gA, gB)
    for p in range(d):
        for pp in range(d):
            Rn[p * d + pp, p * d + pp] += -1j * (E[p] - E[pp])
    V = np.array(pk.explicit(pk.eigensystem.vectors).subs(VALS).evalf(25), dtype=complex)
    T = np.kron(V, V.conj())
    mine = T @ Rn @ np.linalg.inv(T)
    gen = redfield_liouvillian(coupled_qubits_model(g_A=gA, g_B=gB), omega_1=1.0, omega_2=0.6,
                               **{"lambda": 0.2}, T_A=1.0, T_B=0.5)
    assert np.abs(mine - gen.matrix("site")).max() < 1e-14


def test_population_block_is_the_pauli_kernel(pk, R):
    K = pk.kernel(expand=True)
    for p in range(4):
        for q in range(4):
            assert sympy.simplify(R[(p, p, q, q)] - K[p, q]) == 0


def test_paper_variant_differs_only_off_the_population_block(pk, R):
    Rp = redfield_kernel(pk, "paper")
    diff = [k for k in set(R.elements) | set(Rp.elements) if sympy.simplify(R[k] - Rp[k]) != 0]
    assert diff, "the printed eq. (5.2) should differ from Bloch-Redfield in non-secular elements"
    assert all(not (k[0] == k[1] and k[2] == k[3]) for k in diff)
    assert (1, 1, 1, 2) in diff or (1, 1, 2, 1) in diff


def test_paper_structure_claims(R):
    """(4.21), (4.22), (4.24), (4.25) omit couplings that the kernel has (errata)."""
    nz = R.nonzero()
    assert (2, 3) in nz[(2, 2)] and (3, 2) in nz[(2, 2)]       # (4.21) lists only 11, 22, 44
    assert (2, 2) in nz[(2, 3)] and (3, 3) in nz[(2, 3)]       # (4.24) lists only 11, 44, 23
    assert set(nz[(1, 1)]) == {(1, 1), (2, 2), (3, 3), (2, 3), (3, 2)}   # (4.20) is right
    assert set(nz[(4, 4)]) == {(2, 2), (3, 3), (4, 4), (2, 3), (3, 2)}   # (4.23) is right


def test_rho23_nonzero_and_first_order(pk):
    """The steady rho_23 does not vanish: ~ g, next order ~ g^2; Redfield - Davies populations ~ g^2."""
    c = coherence_steady_state(pk)
    V = np.array(pk.explicit(pk.eigensystem.vectors).subs(VALS).evalf(25), dtype=complex)
    Vinv = np.linalg.inv(V)
    scales = [1e-3, 1e-2]
    lead, full, dpop = [], [], []
    for s in scales:
        gA, gB = 1.0 * s, 2.0 * s
        model = coupled_qubits_model(g_A=gA, g_B=gB)
        kw = dict(omega_1=1.0, omega_2=0.6, **{"lambda": 0.2}, T_A=1.0, T_B=0.5)
        ness = redfield_ness(model, **kw)
        rho = Vinv @ ness.rho @ V
        full.append(rho[1, 2])
        lead.append(_num(pk, c.expr, gA, gB))
        dpop.append(np.abs(ness.populations() - davies_ness(model, **kw).populations()).max())
    full, lead = np.array(full), np.array(lead)
    assert np.all(np.abs(full) > 0)
    slope = np.log(np.abs(full[1] / full[0])) / np.log(10)
    assert slope == pytest.approx(1.0, abs=0.02)
    err = np.abs(full - lead)
    slope_err = np.log(err[1] / err[0]) / np.log(10)
    assert slope_err == pytest.approx(2.0, abs=0.05)
    # rho_23 is imaginary at leading order, so it shifts the populations only at O(g^2)
    slope_pop = np.log(dpop[1] / dpop[0]) / np.log(10)
    assert slope_pop == pytest.approx(2.0, abs=0.05)


def test_rho23_lambdify_names_undefined_spectral_functions(pk):
    """Issue 15: lambdify() of the coherence used to raise NameError (g_A undefined) when called; it now
    refuses up front, and with spectral functions put in, the numbers equal the exact evaluation."""
    from symness.errors import InvalidParameterError

    c = coherence_steady_state(pk)
    with pytest.raises(InvalidParameterError, match="g_A"):
        c.lambdify()
    e = pk.explicit(c).subs({G_A: sympy.Lambda(X, X / 50), G_B: sympy.Lambda(X, sympy.Rational(1, 30))})
    f = e.lambdify([W1, W2, LAM, TA, TB])
    assert f(1.0, 0.6, 0.2, 1.0, 0.5) == pytest.approx(_num(pk, c.expr, X / 50, sympy.Rational(1, 30)), rel=1e-12)
