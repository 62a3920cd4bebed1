# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Heat-current magnification in classical and quantum spin rings (magnification paper)
#
# Part 1 (Sec. II): the Ising ring with Metropolis spins at the bath contacts and
# Q2R / CCA bulk spins.  The master equation is built from the model, solved
# exactly (SymPy) and numerically (sparse), and checked by kinetic Monte Carlo.
# Part 2 (Sec. III): the same two-branch geometry as an XXZ ring under the
# Redfield equation.  Currents are in the paper's normalisation (energy per
# single-spin update attempt) unless `normalization="literal"` is passed.

# %%
import numpy as np
import sympy as sp

from symness import NonUniqueSteadyStateError
from symness.classical import IsingRing
from symness.classical import closedforms as cf

# %% [markdown]
# ## The three-spin ring with equal couplings (eqs. 11-16), derived
#
# `three_spin_equal()` derives the currents from the generator by exact
# elimination over the Metropolis factors $x_\alpha = e^{-4J/T_\alpha}$; the
# result is a `ClosedForm` that renders as LaTeX in Jupyter.

# %%
d = cf.three_spin_equal()
d.compact

# %%
print(d.compact.latex())
print(f"derived in {d.seconds:.2f} s; size:", d.size)

# %% [markdown]
# The lambdified form against the sparse numeric solver of the same model, and
# against Monte Carlo (within three standard errors):

# %%
currents = d.form.lambdify()
ring3 = IsingRing(1, 0)
J, TL, TR = 1.0, 2.0, 0.5
closed = currents(J, TL, TR)
numeric = ring3.heat_currents(J, J, TL, TR)
mc = ring3.simulate(J, J, TL, TR, steps=2 * 10**6, seed=7)
print("closed form:", closed)
print("solver     :", numeric)
print("Monte Carlo:", mc)
assert abs(closed["I_L"] - numeric["left"]) < 1e-13
assert abs(closed["I_U"] - numeric["upper"]) < 1e-13
print("(MC - exact) / standard error:", mc.deviation(numeric))
assert all(abs(z) < 4 for z in mc.deviation(numeric).values())

# %% [markdown]
# Symbolic temperatures go straight through the same model: the generator is
# eq. (11), and the heat currents come out as SymPy expressions.

# %%
Js, TLs, TRs = sp.symbols("J T_L T_R", positive=True)
ring3.generator(Js, Js, TLs, TRs)

# %% [markdown]
# ## Can three spins magnify the current?  (The paper leaves it open.)
#
# With $J_U \ne J_D$ the closed form is "too complicated to print" in the paper;
# the code derives it and decides the sign of both branch currents by identities
# that SymPy verifies.

# %%
decision = cf.three_spin_magnification()
print(decision.statement)
decision.possible

# %% [markdown]
# ## Ohm's law for equal couplings, any branch lengths
#
# For $J_U = J_D$ the branch currents divide like resistors in parallel,
# $I_U/I_D = -(N_D + 1)/(N_U + 1)$, for Q2R and CCA bulk spins.

# %%
cf.branch_ratio()

# %%
for nu, nd in [(1, 1), (2, 3), (0, 4)]:
    I = IsingRing(nu, nd).heat_currents(1.0, 1.0, 2.0, 0.5)
    print(f"N_U={nu}, N_D={nd}: I_U/I_D = {I['upper'] / I['lower']:+.12f}  (Ohm: {-(nd + 1) / (nu + 1):+.12f})")

# %% [markdown]
# ## Magnification in the seven-spin ring (Fig. 5)

# %%
ring = IsingRing(2, 3)
regime = ring.classify(2, 1.9, 2, 0.1)
print(regime)
ring.simulate(2, 1.9, 2, 0.1, steps=10**6, seed=1)

# %% [markdown]
# ## CCA: a demon per bulk spin makes the dynamics non-ergodic
#
# Several closed classes mean several stationary states; symness refuses to
# pick one silently.  Name a class (or an initial distribution) instead.

# %%
cca = IsingRing(2, 3, bulk="cca", mu=4)
try:
    cca.heat_currents(2, 1, 2, 0.1)
except NonUniqueSteadyStateError as err:
    print(type(err).__name__, ":", str(err)[:200], "...")
print(len(cca.classes(2, 1)), "closed classes")
cca.heat_currents(2, 1, 2, 0.1, cls=0)

# %% [markdown]
# ## The quantum ring (Sec. III): five XXZ spins under Redfield
#
# The same two-branch geometry with $N_U = 2$, $N_D = 1$; baths on sites 1 and
# 4 in the paper's convention (`preset="magnification"`).  Branch currents from
# the bond heat-current operator (both counted left to right, $I_U + I_D = J_L$);
# the first law $J_L + J_R = 0$ holds to round-off.
# $H$ and the $\sigma^z$ couplings conserve the number of up spins, so the NESS
# is not unique on the full space: symness says so and asks for a sector.

# %%
from symness.models import two_branch_ring  # noqa: E402
from symness.open import redfield_ness  # noqa: E402
from symness.open.papers import regimes  # noqa: E402

try:
    redfield_ness(two_branch_ring(2, 1, J=1.0, Delta=1.0))
except NonUniqueSteadyStateError as err:
    print(str(err)[:160], "...")

for Delta in (1.0, 5.0):
    model = two_branch_ring(2, 1, J=1.0, Delta=Delta, T_left=2.0, T_right=1.0)
    ness = redfield_ness(model, up_spins=3)  # the paper's 5(3u2d)
    I_U, I_D = ness.bond_heat_current(2), -ness.bond_heat_current(5)
    J_L, J_R = ness.heat_current("L"), ness.heat_current("R")
    kind = {1: "clockwise (magnified)", 0: "parallel", -1: "counterclockwise (magnified)"}[int(regimes(I_U, I_D))]
    print(f"Delta={Delta}: J_L={J_L:.6g}, J_L+J_R={J_L + J_R:.1e}, I_U={I_U:.6g}, I_D={I_D:.6g}: {kind}")
    assert abs(J_L + J_R) < 1e-10 * abs(J_L)
    assert np.isclose(I_U + I_D, J_L, rtol=1e-8)
