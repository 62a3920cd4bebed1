"""Claims of the ring4 and magnification papers, checked with the Redfield solver (docs/errata.md rows)."""

import numpy as np
import pytest

from symness import NonUniqueSteadyStateError
from symness.models import two_branch_ring
from symness.open import OpenSystem, redfield_ness
from symness.open.observables import bond_current_operator
from symness.open.papers import ring4_model
from symness.spins import bond_op


def test_ring4_eq11_needs_the_field_operators():
    """Eq. (11) as printed adds h/2 (delta_{l,2} + delta_{l+1,2}) -- a c-number, which drops out of the
    commutator in eq. (12).  Only with the operators h/2 sigma^z_2 do the bond energies sum to H and
    j_L = j_2 - j_4 hold (docs/errata.md, ring4 eq. 11)."""
    ring = ring4_model(Delta=2.19)
    ness = redfield_ness(ring, up_spins=2)
    jL = ness.bath_heat_currents()["L"]
    n = 4

    def h(l, m):  # eq. (11) as printed: the field terms are numbers and drop out
        return bond_op(l, m, n, [(1.0, "x", "x"), (1.0, "y", "y"), (2.19, "u", "u")]).toarray()

    j2 = float(np.real(ness.expect(bond_current_operator(h(1, 2), h(2, 3)))))
    j4 = float(np.real(ness.expect(bond_current_operator(h(3, 4), h(4, 1)))))
    assert abs((j2 - j4) - jL) > 0.1 * abs(jL)
    assert abs(ness.bond_heat_current(2) - ness.bond_heat_current(4) - jL) < 1e-12 * abs(jL)


def branch(ness, n):
    return ness.bond_heat_current(2), -ness.bond_heat_current(n)


@pytest.mark.parametrize("Delta", [-1.0, 0.5, 2.1])
def test_magnification_five_spins_parallel_around_the_dip(Delta):
    """The paper reports current magnification in 5(3u2d) for positive Delta, starting at the dip near
    Delta ~ 0.  The Redfield currents are parallel (both branches left -> right) there."""
    m = two_branch_ring(2, 1)
    I_U, I_D = branch(redfield_ness(m, up_spins=3, Delta=Delta), m.n)
    assert I_U > 0 and I_D > 0


def test_magnification_five_spins_circulate_at_large_delta():
    m = two_branch_ring(2, 1)
    for Delta in (-5.0, 5.0):
        ness = redfield_ness(m, up_spins=3, Delta=Delta)
        I_U, I_D = branch(ness, m.n)
        assert I_U * I_D < 0
        assert max(abs(I_U), abs(I_D)) > ness.bath_heat_currents()["L"]


def test_six_spin_ring_at_the_xx_point_has_no_unique_ness():
    m = two_branch_ring(3, 1)
    with pytest.raises(NonUniqueSteadyStateError):
        redfield_ness(m, up_spins=4, Delta=0.0)
    # next to it the state is unique and the currents circulate in a narrow window (Fig. 10(c))
    ness = redfield_ness(m, up_spins=4, Delta=-0.075)
    I_U, I_D = branch(ness, m.n)
    assert I_U * I_D < 0


def test_magnification_levels_two_and_three_not_inverted_near_zero():
    m = two_branch_ring(2, 1)
    for Delta in (-0.05, 0.05):
        system = OpenSystem.from_model(m, Delta=Delta)
        ness = redfield_ness(system, up_spins=3)
        E, p = ness.energies, ness.populations()
        levels = np.unique(np.round(E, 8))
        P = np.array([p[np.abs(E - e) < 1e-7].sum() for e in levels])
        assert P[1] > P[2] > 0
