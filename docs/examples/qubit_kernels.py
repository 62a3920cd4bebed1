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
# # Heat currents through coupled qubits (population kernels)
#
# Two qubits with a flip-flop coupling, each driven by its own reservoir in the
# rotating-wave approximation (eqs. 3.16-3.18).  The population kernel follows from
# the general Born-Markov formula (eqs. 5.2-5.4); symness derives the populations
# and the heat currents symbolically and proves the first and second laws.

# %%
import sympy as sp

from symness.kernels import coupled_qubits, single_qubit
from symness.models import coupled_qubits_model
from symness.open import davies_ness, redfield_ness

w1, w2, lam, TA, TB = sp.symbols("omega_1 omega_2 lambda T_A T_B", positive=True)
r = coupled_qubits(w1, w2, lam, TA, TB, sp.Function("g_A"), sp.Function("g_B"))
r.thermodynamics()

# %%
r.channels["+"].factor      # the non-negative prefactor F_+ of q^A_+ = F_+ [n_A - n_B]

# %% [markdown]
# The single qubit, eqs. (3.12)-(3.15), as a ClosedForm with LaTeX:

# %%
w0, gA, gB = sp.symbols("omega_0 g_A g_B", positive=True)
s = single_qubit(w0, TA, TB, gA, gB)
print(s.heat_currents["A"])

# %% [markdown]
# Numbers: the closed form against the independent numeric Davies steady state of the
# same model (`symness.open`), and the non-secular Redfield deviation.

# %%
num = coupled_qubits(1.0, 0.6, 0.2, 1.0, 0.5, 0.01, 0.02)
model = coupled_qubits_model(g_A=0.01, g_B=0.02)     # the same model, numeric path
values = dict(omega_1=1.0, omega_2=0.6, T_A=1.0, T_B=0.5)
values["lambda"] = 0.2
dav = davies_ness(model, **values)
red = redfield_ness(model, **values)
qA = num.heat_currents["A"]
print("closed form   q_A =", qA)
print("Davies        q_A =", dav.bath_heat_currents()["A"], " rel. diff",
      abs(dav.bath_heat_currents()["A"] - qA) / abs(qA))
print("Redfield      q_A =", red.bath_heat_currents()["A"], " (non-secular: O(g^2) relative shift)")
