import numpy as np
import pytest
import sympy

from symness import InvalidModelError, InvalidParameterError, SiteOutOfRangeError
from symness.baths import Bath, ohmic
from symness.models import Coupling, Model, Term
from symness.spins import bond_op, sigma


def toy_ring():
    J, D, h, TL, TR = sympy.symbols("J Delta h T_L T_R", real=True)
    n = 3
    terms, bonds = [], {}
    for l in range(1, n + 1):
        m = l % n + 1
        bond = [Term.of(J, (l, "x"), (m, "x")), Term.of(J, (l, "y"), (m, "y")),
                Term.of(D, (l, "u"), (m, "u"))]
        terms += bond
        bonds[(l, m)] = list(bond)
    terms.append(Term.of(h, (2, "z")))
    bonds[(1, 2)].append(Term.of(h / 2, (2, "z")))
    bonds[(2, 3)].append(Term.of(h / 2, (2, "z")))
    spec = ohmic(0.01, 10.0)
    cpl = [Coupling("L", (Term.of(1, (1, "z")),), Bath(spec, TL, "ring4")),
           Coupling("R", (Term.of(1, (3, "z")),), Bath(spec, TR, "ring4"))]
    return Model("toy", n, terms, cpl, {J: 1.0, D: 0.5, h: 0.3, TL: 2.0, TR: 1.0}, bonds)


def test_two_paths_same_operator():
    m = toy_ring()
    Hs = m.hamiltonian("sympy")
    assert {s.name for s in Hs.free_symbols} == {"J", "Delta", "h"}
    Hn = m.hamiltonian(J=1.3, Delta=0.2)
    vals = {s: v for s, v in m.resolve(J=1.3, Delta=0.2).items() if s in Hs.free_symbols}
    assert np.allclose(np.array(Hs.subs(vals).evalf(), dtype=complex), Hn.toarray())
    ref = sum(bond_op(l, l % 3 + 1, 3, [(1.3, "x", "x"), (1.3, "y", "y"), (0.2, "u", "u")])
              for l in range(1, 4)) + 0.3 * sigma("z", 2, 3)
    assert abs(Hn - ref).max() < 1e-14
    assert m.check_bonds() < 1e-14
    assert m.conserves_up_count()


def test_numeric_baths_and_partial_symbolic():
    m = toy_ring()
    bl, br = m.numeric_baths(T_L=3.0)
    assert bl.T == 3.0 and br.T == 1.0
    Hpart = m.hamiltonian("sympy", J=1)
    assert "J" not in {s.name for s in Hpart.free_symbols}


def test_model_errors():
    with pytest.raises(InvalidParameterError, match="no parameter"):
        toy_ring().hamiltonian(K=1.0)
    with pytest.raises(SiteOutOfRangeError):
        Model("bad", 2, [Term.of(1, (3, "z"))])
    with pytest.raises(InvalidModelError):
        Term.of(1, (1, "x"), (1, "z"))
    with pytest.raises(InvalidModelError):
        Term.of(1, (1, "w"))
    m = toy_ring()
    m.values = {}
    with pytest.raises(InvalidParameterError, match="numeric value"):
        m.hamiltonian()
