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
# # Temperature gradients from the weak-coupling hierarchy
#
# Two spins in a tilted field, coupled weakly to each other and to two baths
# ($L(\lambda) = L_0 + \lambda L_1 + \lambda^2 L_2$, eq. 16).  The zeroth-order
# steady state is fixed by the exact solution of eqs. (B23)-(B25); its local
# temperatures show a gradient unless the field is transverse ($\theta = \pi/2$).

# %%
import numpy as np
import sympy as sp

from symness.hierarchy import exact_ness, perturbative_ness, tilted_ising_two_spin
from symness.hierarchy.observables import local_t
from symness.models import tilted_ising

print(tilted_ising_two_spin(np.pi / 4, 1.5, 0.5))   # Fig. 4, left panel
print(tilted_ising_two_spin(np.pi / 2, 1.5, 0.5))   # transverse field: flat profile

# %% [markdown]
# Symbolic in $\theta$ (SymPy in, SymPy out):

# %%
theta = sp.Symbol("theta", positive=True)
sol = tilted_ising_two_spin(theta, sp.Rational(3, 2), sp.Rational(1, 2))
sp.simplify(sol["t1"] - sol["t2"])

# %% [markdown]
# The truncated series converges to the exact NESS of $L(\lambda)$ as $\lambda \to 0$,
# with the error of order $\lambda^{m+1}$ (here checked for $m = 1$).

# %%
model = tilted_ising(2)
rhos = perturbative_ness(model, 1)
for lam in [0.04, 0.02, 0.01]:
    exact = exact_ness(model, lam)
    series = rhos[0] + lam * rhos[1]
    print(f"lambda = {lam}: |rho_exact - (rho0 + lambda rho1)| = {np.abs(exact - series).max():.3e}")
print("local t_l from rho0:", local_t(rhos[0], 2))
