r"""The N-spin tilted Ising chain of the weak-coupling hierarchy paper, with its edge baths.

Paper: Ishida & Sugita, *Origin of temperature gradient in nonequilibrium steady
states in weakly coupled quantum spin systems* (``weak_coupling`` in
:data:`symness.registry.PAPERS`), eqs. (68)--(70), (104)--(110), (B1), (B19)--(B20).

In the frame whose z axis is the field direction (eq. 105) the chain is

.. math::

    H = h\sum_{l=1}^N \sigma^z_l
      + \lambda\sum_{l=1}^{N-1}\sigma^{z'}_l\sigma^{z'}_{l+1}
      + \lambda\,\langle\sigma^{z'}\rangle_{\beta_L}\sigma^{z'}_1
      + \lambda\,\langle\sigma^{z'}\rangle_{\beta_R}\sigma^{z'}_N,
    \qquad \sigma^{z'} = \sigma^z\cos\theta - \sigma^x\sin\theta ,

so :math:`\alpha_{zz} = \cos^2\theta`, :math:`\alpha_{zx} = \alpha_{xz} = -\cos\theta\sin\theta`,
:math:`\alpha_{xx} = \sin^2\theta` (eqs. 108--110).  The baths couple "in the same
form as the spin-spin coupling" (Fig. 3): :math:`\lambda H_{SB} = \lambda\,\sigma^{z'}_1\otimes Y_L
+ \lambda\,\sigma^{z'}_N\otimes Y_R` with :math:`Y` the :math:`\sigma^{z'}` of a bath spin in the
field :math:`h`, whose thermal mean :math:`\langle\sigma^{z'}\rangle_\beta = -\cos\theta\tanh(\beta h)`
(eq. B20) gives the *mean-field* terms above (:math:`\overline H_{SB}`, eq. 6).  The
fluctuations :math:`\Delta Y` are the bath of eq. (9), described by
``Bath(weak_coupling_spectrum(c, d), T, "weak_coupling")``: canonical
:math:`\gamma(\omega) = c[1+\tanh(\omega/2T)]`, :math:`\gamma(0) = d`, i.e. the paper's
:math:`\tilde\Phi_\beta(\omega) = \gamma(-\omega)`, :math:`c_\alpha` and :math:`d_\alpha` of
eqs. (B32)--(B33); the imaginary part :math:`\Psi` is dropped as in the paper.

The coupling operators carry the factor :math:`\lambda`, so every Born--Markov
solver produces dissipators of order :math:`\lambda^2` (eq. 16).  Units:
:math:`\hbar = k_B = 1`, energies in units of :math:`h`'s unit.
"""

from __future__ import annotations

from typing import Any

import sympy

from ..baths import Bath, weak_coupling_spectrum
from ..errors import InvalidParameterError
from ..validation import check_nonnegative, check_temperature
from .base import Coupling, Model, Term, check_sites

__all__ = ["tilted_ising", "SYMBOLS"]

h, lam, theta = sympy.symbols("h lambda theta", positive=True)
T_L, T_R = sympy.symbols("T_L T_R", positive=True)
c_L, c_R, d_L, d_R = sympy.symbols("c_L c_R d_L d_R", nonnegative=True)

#: Every parameter symbol of :func:`tilted_ising` and its meaning.
SYMBOLS: dict[sympy.Symbol, str] = {
    h: "field along z (energy unit); H0 = h sum_l sigma^z_l",
    lam: "weak-coupling parameter lambda (spin-spin and spin-bath)",
    theta: "tilt angle of the Ising axis from the field (radians)",
    T_L: "left bath temperature (energy units)",
    T_R: "right bath temperature (energy units)",
    c_L: "left bath c = (Phi~(2h) + Phi~(-2h))/2, eq. (B32)",
    c_R: "right bath c, eq. (B32)",
    d_L: "left bath d = Phi~(0), eq. (B33)",
    d_R: "right bath d, eq. (B33)",
}

#: Defaults: the parameters of Fig. 4 (theta = pi/4, T_L = 1.5, T_R = 0.5, c = d = h = 1).
DEFAULTS: dict[sympy.Symbol, Any] = {h: 1.0, lam: 0.01, theta: sympy.pi / 4, T_L: 1.5, T_R: 0.5,
                                     c_L: 1.0, c_R: 1.0, d_L: 1.0, d_R: 1.0}


def _zprime(coeff: Any, site: int) -> list[Term]:
    r"""``coeff * sigma^{z'}_site`` as terms (eq. 106)."""
    return [Term.of(coeff * sympy.cos(theta), (site, "z")),
            Term.of(-coeff * sympy.sin(theta), (site, "x"))]


def _bond(l: int) -> list[Term]:
    r""":math:`\sigma^{z'}_l\sigma^{z'}_{l+1}` expanded as in eq. (107), times lambda."""
    C, S = sympy.cos(theta), sympy.sin(theta)
    return [Term.of(lam * C**2, (l, "z"), (l + 1, "z")),
            Term.of(-lam * C * S, (l, "z"), (l + 1, "x")),
            Term.of(-lam * C * S, (l, "x"), (l + 1, "z")),
            Term.of(lam * S**2, (l, "x"), (l + 1, "x"))]


def mean_spin(T: Any) -> sympy.Expr:
    r"""Thermal mean :math:`\langle\sigma^{z'}\rangle_\beta = -\cos\theta\tanh(h/T)` of a bath spin (eq. B20)."""
    return -sympy.cos(theta) * sympy.tanh(h / T)


def tilted_ising(n: int = 2, *, mean_field: bool = True, **values: Any) -> Model:
    r"""The tilted Ising chain of eqs. (105)--(110) between two weak-coupling baths.

    Parameters
    ----------
    n
        Number of spins, ``>= 2``.
    mean_field
        Include the bath mean-field terms :math:`\lambda\langle\sigma^{z'}\rangle_{\beta}\sigma^{z'}`
        of eqs. (6), (B19)--(B20) in the Hamiltonian (default; the paper's model).
    **values
        Default numeric values by symbol name (``h``, ``lambda``, ``theta``, ``T_L``,
        ``T_R``, ``c_L``, ``c_R``, ``d_L``, ``d_R``); the defaults are Fig. 4's
        (:math:`\theta=\pi/4`, :math:`T_L = 1.5`, :math:`T_R = 0.5`, ``c = d = h = 1``,
        :math:`\lambda = 0.01`).  Every parameter stays a SymPy symbol in the model
        (see :data:`SYMBOLS`) so the symbolic path keeps it general.

    Returns
    -------
    Model
        ``terms`` = H of eq. (105) plus the mean-field terms; couplings ``"L"`` (site 1)
        and ``"R"`` (site ``n``) with operator :math:`\lambda\sigma^{z'}` and a
        ``weak_coupling`` bath; ``bonds`` = bond energies with the fields split
        between neighbouring bonds (edge fields and mean fields on the edge bonds).

    Notes
    -----
    Paper: weak_coupling, eqs. (68)--(70), (105)--(110), (B19)--(B20), Fig. 3.
    Conventions: :math:`\hbar = k_B = 1`; site 1 touches the left bath.
    """
    n = check_sites(n, "the tilted Ising chain", 2, "spins")
    if not isinstance(mean_field, bool):
        raise InvalidParameterError(f"mean_field must be True or False, got {mean_field!r}.")
    for key, v in values.items():
        if key in ("T_L", "T_R"):
            check_temperature(v, key)
        elif key in ("c_L", "c_R", "d_L", "d_R"):
            check_nonnegative(v, key)
    terms: list[Term] = [Term.of(h, (l, "z")) for l in range(1, n + 1)]
    bonds: dict[tuple[int, int], list[Term]] = {}
    for l in range(1, n):
        bond = _bond(l)
        terms += bond
        half_l = h if l == 1 else h / 2
        half_r = h if l + 1 == n else h / 2
        bonds[(l, l + 1)] = bond + [Term.of(half_l, (l, "z")), Term.of(half_r, (l + 1, "z"))]
    if mean_field:
        mf_l = _zprime(lam * mean_spin(T_L), 1)
        mf_r = _zprime(lam * mean_spin(T_R), n)
        terms += mf_l + mf_r
        bonds[(1, 2)] += mf_l
        bonds[(n - 1, n)] += mf_r
    couplings = [
        Coupling("L", tuple(_zprime(lam, 1)), Bath(weak_coupling_spectrum(c_L, d_L), T_L,
                                                   "weak_coupling", name="L")),
        Coupling("R", tuple(_zprime(lam, n)), Bath(weak_coupling_spectrum(c_R, d_R), T_R,
                                                   "weak_coupling", name="R")),
    ]
    model = Model(f"tilted_ising(n={n})", n, terms, couplings, dict(DEFAULTS), bonds, dict(SYMBOLS),
                  paper="weak_coupling", equation="(105)-(110), (B19)-(B20)")
    if values:
        model = model.with_values(**values)
    return model
