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
# # Heat and spin currents in a four-spin XXZ ring (ring4 paper)
#
# The ring of eq. (1), baths on sites 1 and 3 coupled through $\sigma^z$ (eq. 3),
# the Redfield master equation of eqs. (4)-(10) in the `ring4` bath preset.
# The model is defined once (`xxz_ring`); the NESS is solved sector by sector
# because $H$ and the couplings conserve the number of up spins.

# %%
import matplotlib.pyplot as plt
import numpy as np

from symness import NonUniqueSteadyStateError, sweep
from symness.models import xxz_ring
from symness.open import davies_ness, redfield_ness

ring = xxz_ring(n=4, J=1.0, Delta=2.19, fields={2: 2.0, 3: 1.0}, contacts=(1, 3),
                T_left=2.0, T_right=1.0, gamma=0.01, cutoff=10.0)
ring

# %% [markdown]
# On the full space the NESS is not unique: symness says so and lists the sectors.

# %%
try:
    redfield_ness(ring)
except NonUniqueSteadyStateError as err:
    print(err.reason, err.classes)

# %% [markdown]
# Two up spins: bath currents (energy per unit time from each bath into the ring),
# the bond currents of eq. (12) and the spin current of eq. (13).

# %%
ness = redfield_ness(ring, up_spins=2)
q = ness.bath_heat_currents()
j2, j4 = ness.bond_heat_current(2), ness.bond_heat_current(4)
print("j_L =", q["L"], " j_R =", q["R"], " j_L + j_R =", q["L"] + q["R"])
print("j_2 - j_4 =", j2 - j4, "(equals j_L, the continuity equation)")
print("spin current:", ness.spin_current(), " ergotropy:", ness.ergotropy())

# %% [markdown]
# The total current has its minimum near $\Delta \approx 2.19$, where the spin
# current changes sign (Fig. 2(b, d)).

# %%
def currents(Delta):
    n = redfield_ness(ring, up_spins=2, Delta=Delta)
    return {"j_L": n.bath_heat_currents()["L"], "j_s": n.spin_current()}


# progress=True (the default) shows a tqdm bar -- a widget in Jupyter -- for sweeps over 0.5 s
res = sweep(currents, {"Delta": np.linspace(1.9, 2.5, 61)}, progress=False)
Deltas, jL, js = res.grid["Delta"], res.array("j_L"), res.array("j_s")
print("minimum of j_L at Delta =", Deltas[int(np.argmin(jL))])
print("spin current changes sign between", Deltas[np.nonzero(np.diff(np.sign(js)))[0]])

# %%
fig, ax = plt.subplots(1, 2, figsize=(8, 3), constrained_layout=True)
ax[0].plot(Deltas, jL)
ax[0].set(xlabel=r"$\Delta$", ylabel=r"$j_L$", title="total heat current")
ax[1].plot(Deltas, js)
ax[1].axhline(0, color="grey", lw=0.5)
ax[1].set(xlabel=r"$\Delta$", ylabel=r"$j_s$", title="spin current")
plt.show()

# %% [markdown]
# The secular (Davies) master equation gives the same populations to leading
# order but no coherences, hence vanishing bond currents inside the ring.

# %%
dav = davies_ness(ring, up_spins=2)
print("Davies j_L =", dav.bath_heat_currents()["L"], " bond current j_2 =", dav.bond_heat_current(2))
