from math import comb

import numpy as np
import pytest
import scipy.sparse as sp
import sympy

from symness import SectorError, SiteOutOfRangeError
from symness.errors import InvalidParameterError, NonHermitianError, ShapeMismatchError
from symness.spins import (
    Sector,
    basis_label,
    bond_op,
    conserves_up_count,
    identity,
    op_product,
    sectors,
    sigma,
    total_sz,
    total_up,
)
from symness.validation import check_hermitian, check_square


def comm(a, b):
    return a @ b - b @ a


def anti(a, b):
    return a @ b + b @ a


def nrm(a):
    return abs(a).max() if sp.issparse(a) and a.nnz else (np.abs(a).max() if not sp.issparse(a) else 0.0)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10])
def test_pauli_algebra(n):
    eye = identity(n)
    for i in {1, (n + 1) // 2, n}:
        x, y, z = sigma("x", i, n), sigma("y", i, n), sigma("z", i, n)
        assert nrm(comm(x, y) - 2j * z) == 0
        assert nrm(comm(y, z) - 2j * x) == 0
        assert nrm(comm(z, x) - 2j * y) == 0
        assert nrm(anti(x, y)) == 0
        assert nrm(x @ x - eye) == 0
        p, m = sigma("+", i, n), sigma("-", i, n)
        assert nrm(p - (x + 1j * y) / 2) == 0
        assert nrm(anti(p, m) - eye) == 0
        assert nrm(sigma("u", i, n) - (z + eye) / 2) == 0
        for j in range(1, n + 1):
            if j != i:
                assert nrm(comm(x, sigma("y", j, n))) == 0
                assert nrm(comm(p, sigma("-", j, n))) == 0


def test_basis_convention():
    # site 1 leftmost, sigma_z = diag(1, -1), index 0 = all up
    z1 = sigma("z", 1, 3, "numpy")
    assert np.allclose(np.diag(z1), [1, 1, 1, 1, -1, -1, -1, -1])
    z3 = sigma("z", 3, 3, "numpy")
    assert np.allclose(np.diag(z3), [1, -1] * 4)
    assert basis_label(0, 3) == "\u2191\u2191\u2191"
    assert basis_label(1, 3) == "\u2191\u2191\u2193"
    # sigma^+ raises: |down> -> |up>
    p = sigma("+", 1, 1, "numpy")
    assert np.allclose(p @ np.array([0, 1]), [1, 0])


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_symbolic_equals_numeric(n):
    for kind in ["x", "y", "z", "+", "-", "u"]:
        for i in range(1, n + 1):
            s = sigma(kind, i, n, "sympy")
            assert isinstance(s, sympy.MatrixBase)
            assert np.array_equal(np.array(s.evalf(), dtype=complex), sigma(kind, i, n, "numpy"))
    if n >= 2:
        J, D = sympy.symbols("J Delta")
        terms = [(J, "x", "x"), (J, "y", "y"), (D, "u", "u")]
        b_sym = bond_op(1, 2, n, terms, "sympy")
        b_num = bond_op(1, 2, n, [(1.3, "x", "x"), (1.3, "y", "y"), (0.7, "u", "u")], "numpy")
        assert np.allclose(np.array(b_sym.subs({J: 1.3, D: 0.7}).evalf(), dtype=complex), b_num)


def test_op_product_and_bonds():
    n = 4
    a = op_product({1: "x", 3: "z"}, n)
    assert nrm(a - sigma("x", 1, n) @ sigma("z", 3, n)) == 0
    h = bond_op(2, 3, n, "xx+yy")
    ff = bond_op(2, 3, n, "flipflop")
    assert nrm(h - 2 * ff) == 0
    jc = bond_op(1, 2, n, "spin_current")
    check_hermitian(jc, "spin current")
    with pytest.raises(SiteOutOfRangeError):
        bond_op(1, 1, n)
    with pytest.raises(InvalidParameterError):
        sigma("q", 1, n)


@pytest.mark.parametrize("n", range(1, 11))
def test_sector_dimensions_binomial(n):
    secs = sectors(n)
    assert [s.dim for s in secs] == [comb(n, k) for k in range(n + 1)]
    assert sum(len(s.basis) for s in secs) == 2**n
    allidx = np.sort(np.concatenate([s.basis for s in secs]))
    assert np.array_equal(allidx, np.arange(2**n))
    up = total_up(n)
    for s in secs:
        E = s.embedding
        assert nrm(E.T @ E - sp.identity(s.dim)) == 0
        diag = up.diagonal()[s.basis]
        assert np.all(diag == s.up_spins)


def test_sector_restrict_lift_and_conservation(rng):
    n = 5
    H = sum(bond_op(i, i % n + 1, n, [(1.0, "x", "x"), (1.0, "y", "y"), (0.8, "u", "u")])
            for i in range(1, n + 1)) + 0.4 * sigma("z", 2, n)
    assert conserves_up_count(H, n)
    assert not conserves_up_count(sigma("x", 1, n), n)
    s = Sector(n, 2)
    Hk = s.restrict(H)
    assert Hk.shape == (10, 10)
    assert s.leakage(H) == 0
    assert s.leakage(sigma("x", 3, n)) > 0
    # block of the full spectrum
    ev_full = np.linalg.eigvalsh(H.toarray())
    ev_k = np.linalg.eigvalsh(Hk.toarray())
    for e in ev_k:
        assert np.min(np.abs(ev_full - e)) < 1e-12
    rho_k = np.diag(rng.random(s.dim))
    rho = s.lift(rho_k)
    assert np.allclose(s.restrict(rho), rho_k)
    assert s.labels[0].count("\u2191") == 2
    # sympy path
    Hs = s.restrict(sympy.Matrix(H.toarray()))
    assert Hs.shape == (10, 10)


def test_sector_errors():
    with pytest.raises(SectorError):
        Sector(4, 5)
    with pytest.raises(SectorError):
        Sector(4, -1)
    with pytest.raises(InvalidParameterError):
        Sector(0, 0)
    with pytest.raises(SiteOutOfRangeError):
        sigma("x", 0, 3)
    with pytest.raises(SiteOutOfRangeError):
        sigma("x", 4, 3)


def test_total_sz():
    n = 3
    assert np.allclose(total_sz(n).diagonal(), [3, 1, 1, -1, 1, -1, -1, -3])


def test_validation_errors():
    with pytest.raises(NonHermitianError):
        check_hermitian(sigma("+", 1, 2), "H")
    with pytest.raises(ShapeMismatchError):
        check_square(np.zeros((2, 3)), "H")
    with pytest.raises(ShapeMismatchError):
        check_square(np.zeros((2, 2)), "H", dim=4)
    with pytest.raises(NonHermitianError):
        check_hermitian(sympy.Matrix([[0, 1], [0, 0]]), "H")
    check_hermitian(sympy.Matrix([[1, sympy.I], [-sympy.I, 0]]), "H")
