"""Cross-checks of the block steady-state solvers (follow-up of issue 3).

Each check compares the reduced solver with the full one it replaces, two
independent linear-algebra routes to the same state:

* the GKSL steady state in the coherence-order (q = 0) block, by no-jump
  preconditioned GMRES, vs SuperLU of the full 4^N Liouvillian (cold-atom open
  chain, eqs. 8-11, at the paper's rates and seeded random exchange profiles);
* the Davies steady state from its zero-frequency (Pauli) block vs the full
  d^2 x d^2 secular generator (ring4 and magnification rings at the papers'
  parameter points, and a seeded random point).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..open import davies_liouvillian, gksl_ness, steady_state
from ..open.papers import magnification_model, ring4_model
from ..registry import Comparison, cross_check
from ..spins import op_product


def _chain(alphas: np.ndarray, gamma: float = 3.102, gamma_I: float = 0.620):
    from ..exchange.open_chain import open_liouvillian

    gen, model, _ = open_liouvillian(list(alphas), gamma=gamma, gamma_I=gamma_I)
    return gen, model.n


@cross_check("cold-atom open chain: q = 0 block (GMRES) vs full Liouville space (SuperLU)", paper="coldatom",
             equation="(8)-(11)")
def check_coherence_block(quick: bool) -> Iterator[Comparison]:
    """Site magnetisations and the centre-bond coherence of the pumped chain, N = 5: the block solver
    (sum_k C(5,k)^2 = 252 unknowns, GMRES + uniqueness certificate) vs SuperLU of all 1024."""
    rng = np.random.default_rng(11)
    profiles = [np.array([1.0, 1.1, 1.25, 1.45])]
    if not quick:
        profiles += [1.0 + rng.uniform(0, 1, 4) for _ in range(2)]
    for alphas in profiles:
        gen, n = _chain(alphas)
        block = gksl_ness(gen, method="krylov")
        full = gksl_ness(gen, method="sparse-full")
        pt = "alpha=" + ",".join(f"{a:.3g}" for a in alphas)
        for l in (1, (n + 1) // 2, n):
            op = op_product({l: "z"}, n)
            yield Comparison(f"<sigma^z_{l}>", block.expect(op), full.expect(op), tol=1e-11, point=pt)
        op = op_product({2: "+", 3: "-"}, n)
        yield Comparison("<sigma^+_2 sigma^-_3>", block.expect(op), full.expect(op), tol=1e-10, point=pt)


@cross_check("Davies NESS: Pauli block vs full secular generator", paper="ring4",
             equation="(4)-(10), secular limit")
def check_pauli_block(quick: bool) -> Iterator[Comparison]:
    """Populations (relative) and heat currents of the Davies steady state from the zero-frequency block
    (closed classes + GTH) vs the full sparse secular matrix, ring4 and the five-spin magnification ring."""
    rng = np.random.default_rng(5)
    cases = [("ring4", ring4_model(), 2, {"Delta": 2.19}),
             ("magnification N=5", magnification_model(), 2, {"Delta": 1.0})]
    if not quick:
        cases += [("ring4", ring4_model(), 2, {"Delta": float(rng.uniform(-3, 3))}),
                  ("ring4", ring4_model(), 1, {"Delta": 0.5})]
    for label, model, up, vals in cases:
        gen = davies_liouvillian(model, up_spins=up, **vals)
        a, ia = steady_state(gen, "pauli")
        b, ib = steady_state(davies_liouvillian(model, up_spins=up, **vals), "full")
        pa, pb = np.real(np.diagonal(ia["rho_eigen"])), np.real(np.diagonal(ib["rho_eigen"]))
        pt = f"{label}, " + ", ".join(f"{k}={v:.3g}" for k, v in vals.items()) + (f", up={up}" if up else "")
        k = int(np.argmin(pb))
        yield Comparison("smallest population (relative)", pa[k], pb[k], tol=1e-10, point=pt)
        yield Comparison("largest population", pa.max(), pb.max(), tol=1e-12, point=pt)
        E = gen.space.E
        for name in gen.names:
            ja = float(E @ np.real(np.diagonal(gen.dissipator_eigen(name, ia["rho_eigen"]))))
            Db = gen.D_eigen[name] @ ib["rho_eigen"].reshape(-1)
            jb = float(E @ np.real(Db.reshape(gen.dim, gen.dim).diagonal()))
            yield Comparison(f"J_{name}", ja, jb, tol=1e-10, point=pt)
