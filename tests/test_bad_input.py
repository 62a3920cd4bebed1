"""Bad-input audit of the public entry points.

Ground rule: bad input raises a subclass of :class:`symness.SymnessError` whose
message says what to change -- never a bare ``KeyError``/``TypeError``/...
from deep inside, never NaN or a silently wrong number, never a hang.

The table below is the audit: each row is (entry point + bad input, expected
error class, a fragment of the message).  A few hypothesis properties follow.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import qutip
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import symness
from symness import baths, spins
from symness.baths import Bath, bose, bose_sym, drude, flat, ohmic, weak_coupling_spectrum
from symness.classical import IsingRing, quantum_index
from symness.closedform import ClosedForm, EvaluationError
from symness.errors import (
    InvalidModelError,
    InvalidParameterError,
    NegativeCouplingError,
    NegativeTemperatureError,
    NonHermitianError,
    NonUniqueSteadyStateError,
    SectorError,
    ShapeMismatchError,
    SiteOutOfRangeError,
)
from symness.exchange import (
    alpha_ratio,
    alpha_ratio_mpmath,
    box_levels,
    degeneracies,
    energy_distribution,
    enumerate_manifolds,
    quench,
    step_profile,
)
from symness.exchange.open_chain import steady_state as chain_steady_state
from symness.hierarchy import Hierarchy, current_forms, perturbative_ness, tilted_ising_two_spin
from symness.kernels import (
    Bose,
    BoseDifference,
    coherence_steady_state,
    coupled_qubits,
    pauli_kernel,
    redfield_kernel,
    single_qubit,
    violation_condition,
)
from symness.models import (
    coupled_qubits_model,
    exchange_chain,
    ising_ring,
    single_qubit_model,
    tilted_ising,
    two_branch_ring,
    xxz_ring,
)
from symness.open import (
    HermitianParam,
    OpenSystem,
    concurrence,
    davies_ness,
    ergotropy,
    evolve,
    gksl_liouvillian,
    gksl_ness,
    local_lindblad_liouvillian,
    partial_trace,
    passive_state,
    redfield_liouvillian,
    redfield_ness,
    unvec,
    von_neumann_entropy,
)

NAN, INF = float("nan"), float("inf")


# ----------------------------------------------------------------- small valid inputs
from small_systems import baths as _baths  # noqa: E402
from small_systems import closed_form as _cf  # noqa: E402
from small_systems import couplings as _cpl  # noqa: E402
from small_systems import h2 as _h2  # noqa: E402
from small_systems import hierarchy as _hierarchy  # noqa: E402
from small_systems import non_hermitian as _nonherm  # noqa: E402
from small_systems import qubit_kernel as _qubit_kernel  # noqa: E402
from small_systems import qubit_result as _qubit_result  # noqa: E402
from small_systems import ring_ness as _ring_ness  # noqa: E402
from small_systems import system as _system  # noqa: E402

# (id, call, error class, message fragment)
CASES = [
    # ---------------------------------------------------------------- baths
    ("bose T<0", lambda: bose(1.0, -1.0), NegativeTemperatureError, ">= 0"),
    ("bose T=nan", lambda: bose(1.0, NAN), InvalidParameterError, "NaN"),
    ("bose T=inf", lambda: bose(1.0, INF), InvalidParameterError, "infinite"),
    ("bose T complex", lambda: bose(1.0, 1j), InvalidParameterError, "complex"),
    ("bose T str", lambda: bose(1.0, "hot"), InvalidParameterError, "not a number"),
    ("bose T bool", lambda: bose(1.0, True), InvalidParameterError, "not a number"),
    ("bose T None", lambda: bose(1.0, None), InvalidParameterError, "not a number"),
    ("bose omega nan", lambda: bose(NAN, 1.0), InvalidParameterError, "NaN"),
    ("bose omega str", lambda: bose("w", 1.0), InvalidParameterError, "not a number"),
    ("bose_sym T<0", lambda: bose_sym(1, -1), NegativeTemperatureError, "> 0"),
    ("ohmic gamma<0", lambda: ohmic(-1, 1), NegativeCouplingError, "gamma"),
    ("ohmic gamma inf", lambda: ohmic(INF, 1), InvalidParameterError, "infinite"),
    ("ohmic gamma complex", lambda: ohmic(1j, 1), InvalidParameterError, "complex"),
    ("ohmic gamma str", lambda: ohmic("a", 1), InvalidParameterError, "not a number"),
    ("ohmic cutoff 0", lambda: ohmic(1, 0), NegativeCouplingError, "cutoff"),
    ("ohmic cutoff nan", lambda: ohmic(1, NAN), NegativeCouplingError, "cutoff"),
    ("ohmic s<0", lambda: ohmic(1, 1, s=-1), NegativeCouplingError, "s = -1"),
    ("drude gamma nan", lambda: drude(NAN, 1), InvalidParameterError, "NaN"),
    ("flat inf", lambda: flat(INF), InvalidParameterError, "infinite"),
    ("wcs c<0", lambda: weak_coupling_spectrum(-1, 1), NegativeCouplingError, "c = -1"),
    ("Bath T<0", lambda: Bath(ohmic(0.1, 10), -1), NegativeTemperatureError, ">= 0"),
    ("Bath T nan", lambda: Bath(ohmic(0.1, 10), NAN), InvalidParameterError, "NaN"),
    ("Bath T inf", lambda: Bath(ohmic(0.1, 10), INF), InvalidParameterError, "infinite"),
    ("Bath T str", lambda: Bath(ohmic(0.1, 10), "hot"), InvalidParameterError, "not a number"),
    ("Bath T None", lambda: Bath(ohmic(0.1, 10), None), InvalidParameterError, "not a number"),
    ("Bath T symbolic<0", lambda: Bath(ohmic(0.1, 10), sympy.Symbol("T", negative=True)),
     NegativeTemperatureError, "non-positive"),
    ("Bath preset", lambda: Bath(ohmic(0.1, 10), 1, preset="foo"), InvalidParameterError, "preset"),
    ("Bath spectrum str", lambda: Bath("ohmic", 1), InvalidParameterError, "spectrum"),
    ("Bath spectrum<0", lambda: Bath(-1.0, 1), NegativeCouplingError, "negative"),
    ("Bath lamb_shift str", lambda: Bath(ohmic(0.1, 10), 1, lamb_shift="yes"),
     InvalidParameterError, "lamb_shift"),
    ("Bath.rate nan", lambda: Bath(ohmic(0.1, 10), 1).rate(NAN), InvalidParameterError, "NaN"),
    ("Bath.rate inf", lambda: Bath(ohmic(0.1, 10), 1).rate(INF), InvalidParameterError, "infinite"),
    ("Bath.rate str", lambda: Bath(ohmic(0.1, 10), 1).rate("a"), InvalidParameterError, "not a number"),
    ("custom J<0", lambda: Bath(baths.custom(lambda w: -w), 1).rate(1.0),
     NegativeCouplingError, "J(omega) >= 0"),
    ("custom J nan", lambda: Bath(baths.custom(lambda w: w * NAN), 1).rate(1.0),
     InvalidParameterError, "not finite"),
    ("flat Lamb shift", lambda: Bath(flat(1.0), 1, lamb_shift=True), InvalidParameterError, "diverges"),
    # ---------------------------------------------------------------- spins
    ("sigma site 0", lambda: spins.sigma("x", 0, 2), SiteOutOfRangeError, "1-based"),
    ("sigma site n+1", lambda: spins.sigma("x", 3, 2), SiteOutOfRangeError, "1..2"),
    ("sigma site -1", lambda: spins.sigma("x", -1, 2), SiteOutOfRangeError, "1..2"),
    ("sigma site float", lambda: spins.sigma("x", 1.5, 2), SiteOutOfRangeError, "1..2"),
    ("sigma site bool", lambda: spins.sigma("x", True, 2), SiteOutOfRangeError, "1..2"),
    ("sigma n=0", lambda: spins.sigma("x", 1, 0), InvalidParameterError, "positive integer"),
    ("sigma n float", lambda: spins.sigma("x", 1, 2.0), InvalidParameterError, "positive integer"),
    ("sigma axis", lambda: spins.sigma("w", 1, 2), InvalidParameterError, "unknown single-site"),
    ("sigma backend", lambda: spins.sigma("x", 1, 2, "dense"), InvalidParameterError, "backend"),
    ("identity n=0", lambda: spins.identity(0), InvalidParameterError, "positive integer"),
    ("identity n=-1", lambda: spins.identity(-1), InvalidParameterError, "positive integer"),
    ("identity n str", lambda: spins.identity("3"), InvalidParameterError, "positive integer"),
    ("identity n huge", lambda: spins.identity(40), InvalidParameterError, "too large"),
    ("total_up n=0", lambda: spins.total_up(0), InvalidParameterError, "positive integer"),
    ("total_sz n=2.5", lambda: spins.total_sz(2.5), InvalidParameterError, "positive integer"),
    ("op_product list", lambda: spins.op_product([1], 2), InvalidParameterError, "mapping"),
    ("bond_op same site", lambda: spins.bond_op(1, 1, 2), SiteOutOfRangeError, "two different"),
    ("bond_op kind name", lambda: spins.bond_op(1, 2, 2, "foo"), InvalidParameterError, "bond kind"),
    ("bond_op kind empty", lambda: spins.bond_op(1, 2, 2, []), InvalidParameterError, "triples"),
    ("bond_op kind pair", lambda: spins.bond_op(1, 2, 2, [(1, "x")]), InvalidParameterError, "triples"),
    ("Sector up>n", lambda: spins.Sector(3, 4), SectorError, "0..3"),
    ("Sector up<0", lambda: spins.Sector(3, -1), SectorError, "0..3"),
    ("Sector up float", lambda: spins.Sector(3, 1.5), SectorError, "0..3"),
    ("Sector up bool", lambda: spins.Sector(3, True), SectorError, "0..3"),
    ("Sector n=0", lambda: spins.Sector(0, 0), InvalidParameterError, "positive integer"),
    ("sectors n=-1", lambda: spins.sectors(-1), InvalidParameterError, "positive integer"),
    ("sector_of_index oob", lambda: spins.sector_of_index(8, 3), SiteOutOfRangeError, "0..7"),
    ("sector_of_index <0", lambda: spins.sector_of_index(-1, 3), SiteOutOfRangeError, "0..7"),
    ("up_count_of_index oob", lambda: spins.up_count_of_index(9, 3), SiteOutOfRangeError, "0..7"),
    ("basis_label oob", lambda: spins.basis_label(8, 3), SiteOutOfRangeError, "0..7"),
    ("Sector.restrict shape", lambda: spins.Sector(3, 1).restrict(np.eye(4)), ShapeMismatchError, "8 x 8"),
    ("Sector.lift shape", lambda: spins.Sector(3, 1).lift(np.eye(5)), ShapeMismatchError, "3 x 3"),
    ("Sector.leakage shape", lambda: spins.Sector(3, 1).leakage(np.eye(4)), ShapeMismatchError, "8 x 8"),
    ("conserves_up_count shape", lambda: spins.conserves_up_count(np.eye(3), 2),
     ShapeMismatchError, "n = 2"),
    # ---------------------------------------------------------------- closed forms
    ("lambdify unknown arg", lambda: _cf().lambdify(["z"]), InvalidParameterError, "not among"),
    ("lambdify mp_dps", lambda: _cf().lambdify(mp_dps=0), InvalidParameterError, "mp_dps"),
    ("lambdify nonfinite", lambda: _cf().lambdify(nonfinite="foo"), InvalidParameterError, "nonfinite"),
    ("lambdified at pole", lambda: _cf().lambdify(check=False)(0.0), EvaluationError, "not finite"),
    ("lambdified outside assumptions", lambda: _cf().lambdify()(0.0), InvalidParameterError, "must be positive"),
    ("lambdified nan", lambda: _cf().lambdify()(NAN), InvalidParameterError, "NaN"),
    ("lambdified nan unchecked", lambda: _cf().lambdify(check=False)(NAN), EvaluationError, "not finite"),
    ("lambdified str", lambda: _cf().lambdify()("a"), InvalidParameterError, "not numeric"),
    ("lambdified missing", lambda: _cf().lambdify()(), InvalidParameterError, "missing"),
    ("lambdified extra", lambda: _cf().lambdify()(1, 2), InvalidParameterError, "at most"),
    ("evaluate missing", lambda: _cf().evaluate({}), InvalidParameterError, "no value"),
    ("evaluate unknown", lambda: _cf().evaluate({"z": 1}), InvalidParameterError, "not a free symbol"),
    ("evaluate pole", lambda: ClosedForm(1 / sympy.Symbol("y", real=True)).evaluate(y=0), EvaluationError,
     "not finite"),
    ("evaluate outside assumptions", lambda: _cf().evaluate({"x": 0}), InvalidParameterError, "must be positive"),
    ("evaluate nan", lambda: _cf().evaluate(x=NAN), InvalidParameterError, "NaN"),
    ("evaluate str", lambda: _cf().evaluate(x="a"), InvalidParameterError, "number"),
    ("evaluate dps", lambda: _cf().evaluate(x=1, dps=0), InvalidParameterError, "dps"),
    ("ClosedForm None", lambda: ClosedForm(None, {}), InvalidParameterError, "None"),
    ("ClosedForm syntax", lambda: ClosedForm("a+", {}), InvalidParameterError, "strings are not parsed"),
    # ---------------------------------------------------------------- models
    ("xxz n=2", lambda: xxz_ring(n=2), InvalidModelError, "n >= 3"),
    ("xxz n float", lambda: xxz_ring(n=4.5), InvalidModelError, "n >= 3"),
    ("xxz J nan", lambda: xxz_ring(J=NAN), InvalidParameterError, "not finite"),
    ("xxz J bool", lambda: xxz_ring(J=True), InvalidParameterError, "not a number"),
    ("xxz field nan", lambda: xxz_ring(fields={2: NAN}), InvalidParameterError, "not finite"),
    ("xxz field site", lambda: xxz_ring(fields={7: 1.0}), InvalidModelError, "1..4"),
    ("xxz contact 0", lambda: xxz_ring(contacts=(0, 2)), InvalidModelError, "1..4"),
    ("xxz contacts equal", lambda: xxz_ring(contacts=(1, 1)), InvalidModelError, "two different"),
    ("xxz T<0", lambda: xxz_ring(T_left=-1), NegativeTemperatureError, "T_left"),
    ("xxz T str", lambda: xxz_ring(T_left="hot"), InvalidParameterError, "not a number"),
    ("xxz gamma<0", lambda: xxz_ring(gamma=-0.1), NegativeCouplingError, "gamma"),
    ("xxz cutoff 0", lambda: xxz_ring(cutoff=0), NegativeCouplingError, "cutoff"),
    ("xxz preset", lambda: xxz_ring(preset="foo"), InvalidParameterError, "preset"),
    ("xxz coupling", lambda: xxz_ring(coupling="w"), InvalidParameterError, "coupling"),
    ("two_branch n<0", lambda: two_branch_ring(n_upper=-1), InvalidModelError, "non-negative"),
    ("two_branch T nan", lambda: two_branch_ring(T_right=NAN), InvalidParameterError, "NaN"),
    ("ising_ring n<0", lambda: ising_ring(-1, 0), InvalidModelError, ">= 0"),
    ("ising_ring n str", lambda: ising_ring("1", 0), InvalidModelError, ">= 0"),
    ("tilted_ising n=1", lambda: tilted_ising(1), InvalidModelError, "n >= 2"),
    ("tilted_ising T<0", lambda: tilted_ising(2, T_L=-1), NegativeTemperatureError, "T_L"),
    ("tilted_ising c<0", lambda: tilted_ising(2, c_L=-1), NegativeCouplingError, "c_L"),
    ("tilted_ising unknown", lambda: tilted_ising(2, foo=1), InvalidParameterError, "no parameter"),
    ("tilted_ising mean_field", lambda: tilted_ising(2, mean_field="no"), InvalidParameterError,
     "mean_field"),
    ("exchange_chain n=1", lambda: exchange_chain(1), InvalidModelError, "n >= 2"),
    ("exchange_chain pump", lambda: exchange_chain(7, pump="yes"), InvalidModelError, "pump"),
    ("single_qubit_model w0<0", lambda: single_qubit_model(w0=-1), NegativeCouplingError, "w0"),
    ("single_qubit_model T<0", lambda: single_qubit_model(T_A=-1), NegativeTemperatureError, "T"),
    ("single_qubit_model g<0", lambda: single_qubit_model(g_A=-1), NegativeCouplingError, "g_A"),
    ("coupled_qubits_model lam nan", lambda: coupled_qubits_model(lam=NAN), InvalidParameterError,
     "not finite"),
    ("Model.hamiltonian nan", lambda: tilted_ising(2).hamiltonian("numpy", h=NAN),
     InvalidParameterError, "not finite"),
    ("Model.hamiltonian str", lambda: tilted_ising(2).hamiltonian("numpy", h="a"),
     InvalidParameterError, "not a number"),
    ("Model.hamiltonian backend", lambda: tilted_ising(2).hamiltonian("foo"), InvalidParameterError,
     "backend"),
    ("Model.numeric_baths c<0", lambda: tilted_ising(2).numeric_baths(c_L=-1.0), NegativeCouplingError,
     "c of bath"),
    ("Model.bond_operator", lambda: tilted_ising(2).bond_operator((1, 3)), InvalidModelError, "no bond"),
    # ---------------------------------------------------------------- open
    ("OpenSystem 3x3 H", lambda: OpenSystem(np.eye(3), _cpl()), ShapeMismatchError, "dimension 3"),
    ("OpenSystem non-square", lambda: OpenSystem(np.ones((4, 3)), _cpl()), ShapeMismatchError, "square"),
    ("OpenSystem 1-d H", lambda: OpenSystem(np.ones(4), _cpl()), ShapeMismatchError, "square"),
    ("OpenSystem empty H", lambda: OpenSystem(np.zeros((0, 0)), []), ShapeMismatchError, "empty"),
    ("OpenSystem non-Hermitian H", lambda: OpenSystem(_nonherm(4), _cpl()), NonHermitianError, "Hermitian"),
    ("OpenSystem NaN H", lambda: OpenSystem(_h2() * NAN, _cpl()), InvalidParameterError, "non-finite"),
    ("OpenSystem coupling size", lambda: OpenSystem(_h2(), [(spins.sigma("x", 1, 1), _baths()[0])]),
     ShapeMismatchError, "dimension 4"),
    ("OpenSystem coupling non-Hermitian", lambda: OpenSystem(_h2(), [(spins.sigma("+", 1, 2), _baths()[0])]),
     NonHermitianError, "Hermitian"),
    ("OpenSystem coupling no bath", lambda: OpenSystem(_h2(), [spins.sigma("x", 1, 2)]),
     InvalidParameterError, "(S, Bath)"),
    ("OpenSystem bath float", lambda: OpenSystem(_h2(), [(spins.sigma("x", 1, 2), 2.0)]),
     InvalidParameterError, "Bath"),
    ("OpenSystem kind", lambda: OpenSystem(_h2(), [(spins.sigma("x", 1, 2), _baths()[0], "foo")]),
     InvalidParameterError, "kind"),
    ("OpenSystem names", lambda: OpenSystem(_h2(), _cpl(), names=["A"]), InvalidParameterError, "names"),
    ("OpenSystem n wrong", lambda: OpenSystem(_h2(), _cpl(), n=3), ShapeMismatchError, "8-dimensional"),
    ("OpenSystem n<0", lambda: OpenSystem(_h2(), _cpl(), n=-1), InvalidParameterError, "positive integer"),
    ("OpenSystem H str", lambda: OpenSystem("H", _cpl()), ShapeMismatchError, "square"),
    ("OpenSystem no baths ness", lambda: redfield_ness(OpenSystem(_h2(), [])),
     NonUniqueSteadyStateError, "more than one"),
    ("redfield method", lambda: redfield_ness(_system(), method="foo"), InvalidParameterError, "method"),
    ("redfield tol<0", lambda: redfield_ness(_system(), tol=-1), InvalidParameterError, "tol"),
    ("redfield tol nan", lambda: redfield_ness(_system(), tol=NAN), InvalidParameterError, "tol"),
    ("redfield maxiter 0", lambda: redfield_ness(_system(), maxiter=0), InvalidParameterError, "maxiter"),
    ("redfield positivity_tol<0", lambda: redfield_ness(_system(), positivity_tol=-1),
     InvalidParameterError, "positivity_tol"),
    ("redfield values with OpenSystem", lambda: redfield_ness(_system(), J=1), InvalidParameterError,
     "only apply to a Model"),
    ("redfield sector of non-conserving H", lambda: redfield_ness(_system(), up_spins=1), SectorError,
     "does not conserve"),
    ("redfield sector > n", lambda: redfield_ness(xxz_ring(), up_spins=5), SectorError, "0..4"),
    ("redfield sector < 0", lambda: redfield_ness(xxz_ring(), up_spins=-1), SectorError, "0..4"),
    ("redfield sector float", lambda: redfield_ness(xxz_ring(), up_spins=1.5), SectorError, "integer"),
    ("redfield sector str", lambda: redfield_ness(xxz_ring(), up_spins="2"), SectorError, "integer"),
    ("redfield conserved Sz, no sector", lambda: redfield_ness(xxz_ring()), NonUniqueSteadyStateError,
     "sector"),
    ("redfield unknown parameter", lambda: redfield_ness(xxz_ring(), up_spins=2, Tleft=1),
     InvalidParameterError, "no parameter"),
    ("redfield J str", lambda: redfield_ness(xxz_ring(), up_spins=2, J="a"), InvalidParameterError,
     "not a number"),
    ("redfield J complex", lambda: redfield_ness(xxz_ring(), up_spins=2, J=1j), NonHermitianError,
     "Hermitian"),
    ("redfield T_L<0", lambda: redfield_ness(xxz_ring(), up_spins=2, T_L=-1), NegativeTemperatureError,
     ">= 0"),
    ("redfield huge ring", lambda: redfield_ness(xxz_ring(n=40), up_spins=20), InvalidParameterError,
     "MAX_SECTOR_DIM"),
    ("davies degeneracy_tol<0", lambda: davies_ness(_system(), degeneracy_tol=-1), InvalidParameterError,
     "degeneracy_tol"),
    ("davies degeneracy_tol nan", lambda: davies_ness(_system(), degeneracy_tol=NAN),
     InvalidParameterError, "degeneracy_tol"),
    ("davies disconnected levels", lambda: davies_ness(OpenSystem(
        np.kron(np.diag([1.0, -1.0]), np.eye(2)), [(np.kron(spins.sigma("x", 1, 1, "numpy"), np.eye(2)),
                                                     _baths()[0])])),
     NonUniqueSteadyStateError, "not unique"),
    ("gksl method", lambda: gksl_ness(_h2(), [(spins.sigma("-", 1, 2), 0.1)], method="foo"),
     InvalidParameterError, "method"),
    ("redfield_liouvillian secular str", lambda: redfield_liouvillian(_system(), secular="yes"),
     InvalidParameterError, "secular"),
    ("gksl jumps int", lambda: gksl_liouvillian(np.diag([1.0, -1.0]), 5), InvalidParameterError, "jumps"),
    ("gksl rate<0", lambda: gksl_liouvillian(np.diag([1.0, -1.0]), [(spins.sigma("-", 1, 1), -0.1)]),
     NegativeCouplingError, "negative"),
    ("gksl jump shape", lambda: gksl_liouvillian(np.diag([1.0, -1.0]), [(spins.sigma("-", 1, 2), 0.1)]),
     ShapeMismatchError, "dimension 2"),
    ("evolve rho0 str", lambda: evolve(_system(), "up", [0.0, 1.0]), InvalidParameterError, "density matrix"),
    ("evolve rho0 shape", lambda: evolve(_system(), np.eye(3) / 3, [0.0, 1.0]), ShapeMismatchError, "(3, 3)"),
    ("evolve rho0 non-Hermitian", lambda: evolve(_system(), np.triu(np.ones((4, 4))), [0.0, 1.0]),
     InvalidParameterError, "Hermitian"),
    ("evolve times nan", lambda: evolve(_system(), np.eye(4) / 4, [0.0, NAN]), InvalidParameterError, "times"),
    ("evolve rtol<0", lambda: evolve(_system(), np.eye(4) / 4, [0.0, 1.0], rtol=-1), InvalidParameterError,
     "rtol"),
    ("evolve kind", lambda: evolve(_system(), np.eye(4) / 4, [0.0, 1.0], kind="foo"), InvalidParameterError,
     "kind"),
    ("local_lindblad unknown bath", lambda: local_lindblad_liouvillian(_system(),
                                                                       local_hamiltonians={"Q": np.eye(4)}),
     InvalidParameterError, "['Q']"),
    ("local_lindblad local H shape", lambda: local_lindblad_liouvillian(_system(),
                                                                         local_hamiltonians={"L": np.eye(3)}),
     ShapeMismatchError, "(3, 3)"),
    ("unvec length", lambda: unvec(np.ones(5)), ShapeMismatchError, "length 5"),
    ("unvec d", lambda: unvec(np.ones(4), d=3), ShapeMismatchError, "3 x 3"),
    ("HermitianParam d=0", lambda: HermitianParam(0), InvalidParameterError, "positive integer"),
    ("concurrence nan", lambda: concurrence(np.eye(4) * NAN), InvalidParameterError, "non-finite"),
    ("concurrence 3x3", lambda: concurrence(np.eye(3) / 3), InvalidParameterError, "4 x 4"),
    ("ergotropy shapes", lambda: ergotropy(np.eye(4) / 4, np.eye(2)), ShapeMismatchError, "4 x 4"),
    ("ergotropy non-Hermitian H", lambda: ergotropy(np.eye(2) / 2, np.triu(np.ones((2, 2)))),
     NonHermitianError, "Hermitian"),
    ("passive_state shapes", lambda: passive_state(np.eye(4) / 4, np.eye(2)), ShapeMismatchError, "4 x 4"),
    ("partial_trace n", lambda: partial_trace(np.eye(4) / 4, [1], 3), ShapeMismatchError, "8 x 8"),
    ("partial_trace site", lambda: partial_trace(np.eye(4) / 4, [3], 2), SiteOutOfRangeError, "1..2"),
    ("entropy nan", lambda: von_neumann_entropy(np.eye(2) * NAN), InvalidParameterError, "non-finite"),
    ("entropy non-square", lambda: von_neumann_entropy(np.ones((2, 3))), ShapeMismatchError, "square"),
    ("NESS.spin_current int", lambda: _ring_ness().spin_current(1), InvalidParameterError, "pair"),
    ("NESS.spin_current no bond", lambda: _ring_ness().spin_current((1, 3)), InvalidModelError, "no bond"),
    ("NESS.bond_heat_current site", lambda: _ring_ness().bond_heat_current(9), InvalidModelError, "site 9"),
    # ---------------------------------------------------------------- classical
    ("IsingRing n<0", lambda: IsingRing(-1, 1), InvalidModelError, ">= 0"),
    ("IsingRing bulk", lambda: IsingRing(1, 1, bulk="foo"), InvalidModelError, "bulk"),
    ("heat_currents T<0", lambda: IsingRing(1, 1).heat_currents(1, 1, -1, 1), NegativeTemperatureError,
     "T_left"),
    ("heat_currents T=0", lambda: IsingRing(1, 1).heat_currents(1, 1, 0, 1), NegativeTemperatureError,
     "> 0"),
    ("heat_currents T nan", lambda: IsingRing(1, 1).heat_currents(1, 1, NAN, 1), InvalidParameterError,
     "NaN"),
    ("heat_currents T inf", lambda: IsingRing(1, 1).heat_currents(1, 1, 1, INF), InvalidParameterError,
     "infinite"),
    ("heat_currents T str", lambda: IsingRing(1, 1).heat_currents(1, 1, "a", 1), InvalidParameterError,
     "not a number"),
    ("heat_currents T None", lambda: IsingRing(1, 1).heat_currents(1, 1, None, 1), InvalidParameterError,
     "not a number"),
    ("heat_currents J<0", lambda: IsingRing(1, 1).heat_currents(-1, 1, 1, 1), NegativeCouplingError,
     "J_upper"),
    ("heat_currents J bool", lambda: IsingRing(1, 1).heat_currents(True, 1, 1, 1), InvalidParameterError,
     "not a number"),
    ("heat_currents normalization", lambda: IsingRing(1, 1).heat_currents(1, 1, 2, 1, normalization="x"),
     InvalidParameterError, "normalization"),
    ("heat_currents cls", lambda: IsingRing(1, 1).heat_currents(1, 1, 2, 1, cls=99), InvalidParameterError,
     "class index"),
    ("classify rtol", lambda: IsingRing(1, 1).classify(1, 1, 2, 1, rtol=-1), InvalidParameterError, "rtol"),
    ("simulate walkers 0", lambda: IsingRing(1, 1).simulate(1, 1, 2, 1, steps=100, walkers=0),
     InvalidParameterError, "walkers"),
    ("simulate seed str", lambda: IsingRing(1, 1).simulate(1, 1, 2, 1, steps=100, seed="a"),
     InvalidParameterError, "seed"),
    ("simulate steps", lambda: IsingRing(1, 1).simulate(1, 1, 2, 1, steps=1.5), InvalidParameterError,
     "steps"),
    ("correlation site", lambda: IsingRing(1, 1).correlation(0, 1, 1, 1, 2, 1), InvalidModelError, "1..4"),
    ("quantum_index oob", lambda: quantum_index(8, 3), SiteOutOfRangeError, "0..7"),
    ("quantum_index n=0", lambda: quantum_index(0, 0), InvalidParameterError, "positive integer"),
    # ---------------------------------------------------------------- kernels
    ("single_qubit T<0", lambda: single_qubit(1, -1, 1, 1, 1), NegativeTemperatureError, "T_A"),
    ("single_qubit T inf", lambda: single_qubit(1, 1, INF, 1, 1), InvalidParameterError, "infinite"),
    ("single_qubit T str", lambda: single_qubit(1, "a", 1, 1, 1), InvalidParameterError, "not a number"),
    ("single_qubit w0=0", lambda: single_qubit(0, 2, 1, 1, 1), NegativeCouplingError, "w0"),
    ("single_qubit g None", lambda: single_qubit(1, 2, 1, None, 1), InvalidParameterError, "g_A"),
    ("single_qubit no bath", lambda: single_qubit(1, 2, 1, 0, 0), NonUniqueSteadyStateError, "not unique"),
    ("coupled_qubits lam too big", lambda: coupled_qubits(1, 2, 1e3, 2, 1, 1, 1), InvalidParameterError,
     "lam"),
    ("violation_condition T<0", lambda: violation_condition(1, 2, -1, 1), NegativeTemperatureError, "T_A"),
    ("Bose T<0", lambda: Bose(sympy.Integer(1), sympy.Integer(-1)), NegativeTemperatureError, "negative"),
    ("BoseDifference T<0", lambda: BoseDifference(sympy.Integer(1), sympy.Integer(-1), sympy.Integer(1)),
     NegativeTemperatureError, "negative"),
    ("pauli_kernel H str", lambda: pauli_kernel("H", []), InvalidParameterError, "square matrix"),
    ("pauli_kernel couplings int", lambda: pauli_kernel(sympy.diag(1, -1), 5), InvalidParameterError,
     "couplings"),
    ("pauli_kernel no couplings", lambda: pauli_kernel(sympy.diag(1, -1)), InvalidParameterError,
     "couplings"),
    ("pauli_kernel non-Hermitian", lambda: pauli_kernel(sympy.Matrix([[1, 1], [0, -1]]),
                                                        [(sympy.Matrix([[0, 1], [1, 0]]), _baths()[0])]),
     NonHermitianError, "Hermitian"),
    ("redfield_kernel not pk", lambda: redfield_kernel(5), InvalidParameterError, "PauliKernel"),
    ("redfield_kernel variant", lambda: redfield_kernel(_qubit_kernel(), variant="foo"),
     InvalidParameterError, "variant"),
    ("coherence pair equal", lambda: coherence_steady_state(_qubit_kernel(), pair=(1, 1)),
     InvalidParameterError, "two different"),
    ("coherence pair oob", lambda: coherence_steady_state(_qubit_kernel(), pair=(1, 9)),
     InvalidParameterError, "0..3"),
    ("high_temperature order 0", lambda: _qubit_result().high_temperature(order=0), InvalidParameterError,
     "order"),
    ("low_temperature order float", lambda: _qubit_result().low_temperature(order=1.5),
     InvalidParameterError, "order"),
    # ---------------------------------------------------------------- hierarchy
    ("two_spin T<0", lambda: tilted_ising_two_spin(0.785, -1, 0.5), NegativeTemperatureError, "T_L"),
    ("two_spin T inf", lambda: tilted_ising_two_spin(0.785, 1.5, INF), InvalidParameterError, "infinite"),
    ("two_spin T None", lambda: tilted_ising_two_spin(0.785, None, 0.5), InvalidParameterError,
     "not a number"),
    ("two_spin theta nan", lambda: tilted_ising_two_spin(NAN, 1.5, 0.5), InvalidParameterError, "theta"),
    ("two_spin theta inf", lambda: tilted_ising_two_spin(INF, 1.5, 0.5), InvalidParameterError, "theta"),
    ("two_spin h nan", lambda: tilted_ising_two_spin(0.785, 1.5, 0.5, NAN), InvalidParameterError, "h ="),
    ("two_spin h=0", lambda: tilted_ising_two_spin(0.785, 1.5, 0.5, 0), InvalidParameterError, "h = 0"),
    ("two_spin c<0", lambda: tilted_ising_two_spin(0.785, 1.5, 0.5, 1, -1), NegativeCouplingError, "c_L"),
    ("two_spin theta=0", lambda: tilted_ising_two_spin(0, 1.5, 0.5), NonUniqueSteadyStateError,
     "not unique"),
    ("perturbative order<0", lambda: perturbative_ness(tilted_ising(2), -1), InvalidParameterError, "order"),
    ("perturbative not a model", lambda: perturbative_ness(5, 1), InvalidModelError, "Model"),
    ("perturbative no lambda", lambda: perturbative_ness(xxz_ring(), 1), InvalidModelError, "lambda"),
    ("perturbative c<0", lambda: perturbative_ness(tilted_ising(2), 1, c_L=-1), NegativeCouplingError,
     "c of bath"),
    ("perturbative T nan", lambda: perturbative_ness(tilted_ising(2), 1, T_L=NAN), InvalidParameterError,
     "not finite"),
    ("perturbative no baths", lambda: perturbative_ness(tilted_ising(2), 1, c_L=0, c_R=0, d_L=0, d_R=0),
     NonUniqueSteadyStateError, "kernel"),
    ("Hierarchy tol", lambda: Hierarchy(tilted_ising(2), tol=-1), InvalidParameterError, "tol"),
    ("Hierarchy.rho(-1)", lambda: _hierarchy().rho(-1), InvalidParameterError, "m = -1"),
    ("Hierarchy.rho(1.5)", lambda: _hierarchy().rho(1.5), InvalidParameterError, "m = 1.5"),
    ("Hierarchy.series(-1)", lambda: _hierarchy().series(-1), InvalidParameterError, "order"),
    ("Hierarchy.truncated nan", lambda: _hierarchy().truncated(NAN, 1), InvalidParameterError, "lam"),
    ("Hierarchy.to_basis shape", lambda: _hierarchy().to_basis(np.eye(3)), ShapeMismatchError, "4 x 4"),
    ("exact_ness lam inf", lambda: symness.hierarchy.exact_ness(tilted_ising(2), INF),
     InvalidParameterError, "not finite"),
    ("current_forms int", lambda: current_forms(2), InvalidParameterError, "tuple"),
    ("current_forms empty", lambda: current_forms(()), InvalidParameterError, "non-empty"),
    ("current_forms high", lambda: current_forms((7,)), InvalidParameterError, "0..3"),
    ("current_forms negative", lambda: current_forms((-1,)), InvalidParameterError, "0..3"),
    # ---------------------------------------------------------------- exchange
    ("alpha_ratio x<0", lambda: alpha_ratio(7, -1), NegativeTemperatureError, ">= 0"),
    ("alpha_ratio x nan", lambda: alpha_ratio(7, NAN), InvalidParameterError, "NaN"),
    ("alpha_ratio x inf", lambda: alpha_ratio(7, INF), InvalidParameterError, "infinite"),
    ("alpha_ratio x complex", lambda: alpha_ratio(7, 1j), InvalidParameterError, "complex"),
    ("alpha_ratio x str", lambda: alpha_ratio(7, "a"), InvalidParameterError, "not a number"),
    ("alpha_ratio x None", lambda: alpha_ratio(7, None), InvalidParameterError, "not a number"),
    ("alpha_ratio N=0", lambda: alpha_ratio(0, 1), InvalidParameterError, "N >= 1"),
    ("alpha_ratio N float", lambda: alpha_ratio(7.5, 1), InvalidParameterError, "positive integer"),
    ("alpha_ratio N bool", lambda: alpha_ratio(True, 1), InvalidParameterError, "positive integer"),
    ("alpha_ratio_mpmath dps", lambda: alpha_ratio_mpmath(7, 1, dps=-1), InvalidParameterError, "dps"),
    ("box_levels n=0", lambda: box_levels(7, 0), InvalidParameterError, "n >= 1"),
    ("box_levels n<0", lambda: box_levels(7, -1), InvalidParameterError, "n >= 1"),
    ("degeneracies s_max float", lambda: degeneracies(7, 1.5), InvalidParameterError, "s_max"),
    ("energy_distribution tail", lambda: energy_distribution(7, 1, tail=-1), InvalidParameterError, "tail"),
    ("enumerate_manifolds nan", lambda: enumerate_manifolds(7, NAN), InvalidParameterError, "e_max"),
    ("enumerate_manifolds huge", lambda: enumerate_manifolds(7, 1e9), InvalidParameterError, "too many"),
    ("quench initial int", lambda: quench(step_profile(7, 0.0, 2.0), 5, [0.0, 1.0]), InvalidParameterError,
     "configuration"),
    ("quench initial length", lambda: quench(step_profile(7, 0.0, 2.0), "↑↑↓↑↑↑", [0.0]),
     InvalidParameterError, "6 sites"),
    ("quench alphas<0", lambda: quench(-step_profile(7, 0.0, 2.0), "↑↑↑↓↑↑↑", [0.0]),
     InvalidParameterError, "> 0"),
    ("quench times nan", lambda: quench(step_profile(7, 0.0, 2.0), "↑↑↑↓↑↑↑", [0.0, NAN]),
     InvalidParameterError, "finite"),
    ("chain steady_state gamma=0", lambda: chain_steady_state(step_profile(7, 0.0, 2.0), gamma=0),
     NonUniqueSteadyStateError, "gamma > 0"),
    ("chain steady_state gamma<0", lambda: chain_steady_state(step_profile(7, 0.0, 2.0), gamma=-1),
     NegativeCouplingError, "gamma"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_bad_input_is_refused_clearly(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, symness.SymnessError)
    assert fragment in str(info.value), str(info.value)


def test_case_ids_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


# ----------------------------------------------------------------- legal edge cases still work
def test_documented_edge_cases_still_allowed():
    assert bose(1.0, 0) == 0.0 and bose(-1.0, 0) == -1.0  # T = 0 is legal for the Bose function
    assert bose(0.0, 1.0) == math.inf  # documented pole
    assert Bath(ohmic(0.1, 10), 0).rate(-1.0) == 0.0  # no absorption at T = 0
    assert spins.Sector(3, 0).dim == 1 and spins.Sector(3, 3).dim == 1
    assert alpha_ratio(7, 0) == 1.0
    # QuTiP operators are accepted where arrays are
    bL, bR = _baths()
    sx = qutip.sigmax()
    q = OpenSystem(qutip.Qobj(_h2()), [(qutip.tensor(sx, qutip.qeye(2)), bL),
                                        (qutip.tensor(qutip.qeye(2), sx), bR)])
    j_q = redfield_ness(q).bath_heat_currents()
    j_n = redfield_ness(_system()).bath_heat_currents()
    assert j_q == pytest.approx(j_n, rel=1e-12)
    assert spins.Sector(2, 1).restrict(qutip.Qobj(_h2())).shape == (2, 2)
    assert not spins.conserves_up_count(qutip.tensor(sx, qutip.qeye(2)), 2)


# ----------------------------------------------------------------- properties
_bad_T = st.one_of(
    st.floats(max_value=-1e-300, allow_nan=False, allow_infinity=False),
    st.just(NAN), st.just(INF), st.just(-INF),
    st.complex_numbers(min_magnitude=1e-3, max_magnitude=1e3, allow_nan=False).filter(
        lambda z: z.imag != 0),
)


@settings(max_examples=40, deadline=None)
@given(T=_bad_T)
def test_bad_temperatures_always_refused(T):
    for call in (lambda: Bath(ohmic(0.1, 10.0), T),
                 lambda: bose(1.0, T),
                 lambda: IsingRing(1, 1).heat_currents(1.0, 1.0, T, 1.0),
                 lambda: single_qubit(1.0, T, 0.5, 1.0, 1.0),
                 lambda: tilted_ising_two_spin(0.785, T, 0.5),
                 lambda: alpha_ratio(7, T)):
        with pytest.raises(InvalidParameterError):  # NegativeTemperatureError is a subclass
            call()


@st.composite
def _non_hermitian(draw, d=4):
    re = draw(st.lists(st.floats(-3, 3), min_size=d * d, max_size=d * d))
    im = draw(st.lists(st.floats(-3, 3), min_size=d * d, max_size=d * d))
    M = np.array(re).reshape(d, d) + 1j * np.array(im).reshape(d, d)
    i, j = draw(st.sampled_from([(a, b) for a in range(d) for b in range(d) if a < b]))
    M[i, j] = M[j, i].conjugate() + draw(st.sampled_from([0.5, -0.5, 0.5j, 2.0]))  # break M = M^dagger
    return M


@settings(max_examples=25, deadline=None)
@given(M=_non_hermitian())
def test_non_hermitian_hamiltonians_always_refused(M):
    with pytest.raises(NonHermitianError, match="Hermitian"):
        OpenSystem(M, _cpl())
    with pytest.raises(NonHermitianError, match="Hermitian"):
        redfield_ness(OpenSystem(_h2(), [(M, _baths()[0])]))


@settings(max_examples=25, deadline=None)
@given(site=st.one_of(st.integers(max_value=0), st.integers(min_value=4), st.floats(allow_nan=True)),
       kind=st.sampled_from(["x", "z", "+"]))
def test_sites_out_of_range_always_refused(site, kind):
    with pytest.raises(SiteOutOfRangeError, match="1..3"):
        spins.sigma(kind, site, 3)


@settings(max_examples=25, deadline=None)
@given(up=st.one_of(st.integers(max_value=-1), st.integers(min_value=5), st.floats(0.1, 3.9)))
def test_missing_sectors_always_refused(up):
    with pytest.raises(SectorError, match="0..4"):
        spins.Sector(4, up)
