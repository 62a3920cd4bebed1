"""QuTiP both ways (issue 16): Qobj in and out, QuTiP environments as baths; QuTiP is the independent peer."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from symness.baths import Bath, custom, ohmic
from symness.errors import InvalidParameterError, SymnessError
from symness.models import xxz_ring
from symness.open import (
    OpenSystem,
    evolve,
    gksl_liouvillian,
    redfield_liouvillian,
    redfield_ness,
)
from symness.validation import as_array

qutip = pytest.importorskip("qutip")

sx, sy, sz, I2 = qutip.sigmax(), qutip.sigmay(), qutip.sigmaz(), qutip.qeye(2)


def _site(op, l, n):
    """``op`` on site ``l`` (1-based, as in symness) of ``n`` spins, as QuTiP's tensor factor ``l - 1``."""
    return qutip.tensor([op if k == l - 1 else I2 for k in range(n)])


def _two_spins():
    H = 0.5 * _site(sz, 1, 2) + 0.7 * _site(sz, 2, 2) + 0.3 * (qutip.tensor(sx, sx) + qutip.tensor(sy, sy)) \
        + 0.1 * _site(sx, 1, 2)
    envs = (qutip.DrudeLorentzEnvironment(T=2.0, lam=0.01, gamma=3.0),
            qutip.OhmicEnvironment(T=0.5, alpha=0.02, wc=4.0, s=1))
    return H, (_site(sx, 1, 2), _site(sx, 2, 2)), envs


def test_redfield_with_qutip_environments_equals_qutip_bloch_redfield():
    H, (QL, QR), (eL, eR) = _two_spins()
    ness = redfield_ness(OpenSystem(H, [(QL, Bath.from_qutip(eL)), (QR, Bath.from_qutip(eR))]))
    R = qutip.bloch_redfield_tensor(H, [(QL, eL), (QR, eR)], sec_cutoff=-1, fock_basis=True)
    ref = qutip.steadystate(R)
    q = ness.to_qutip()
    assert q.dims == [[2, 2], [2, 2]] and q.isoper
    assert np.max(np.abs(q.full() - ref.full())) < 1e-12
    # expect: Qobj, scipy.sparse and numpy give the same number, and QuTiP agrees
    op = _site(sz, 1, 2) * _site(sz, 2, 2)
    vals = [ness.expect(op), ness.expect(op.data_as("csr_matrix")), ness.expect(op.full()), qutip.expect(op, ref)]
    assert max(abs(v - vals[-1]) for v in vals) < 1e-12
    # the generator: qutip.steadystate of our superoperator is our state
    L = redfield_liouvillian(ness.system).to_qutip()
    assert L.issuper and L.dims == [[[2, 2], [2, 2]], [[2, 2], [2, 2]]]
    assert np.max(np.abs(qutip.steadystate(L).full() - ness.rho)) < 1e-12


def test_bath_from_qutip_rates_are_the_power_spectrum():
    w = np.array([-4.0, -1.0, -0.2, 0.0, 0.3, 1.0, 5.0])
    envs = [qutip.DrudeLorentzEnvironment(T=1.5, lam=0.05, gamma=2.0),
            qutip.OhmicEnvironment(T=0.7, alpha=0.01, wc=5.0, s=1),
            qutip.OhmicEnvironment(T=0.7, alpha=0.01, wc=5.0, s=2),
            qutip.UnderDampedEnvironment(T=1.0, lam=0.1, gamma=0.5, w0=2.0)]
    for env in envs:
        b = Bath.from_qutip(env)
        ps = env.power_spectrum(w)
        assert np.allclose(b.rate(w), ps, rtol=1e-12, atol=1e-300), type(env).__name__
        assert b.rate_sym(1) is not None  # the known environments keep their symbolic form
    dl = envs[0]
    ps_env = qutip.BosonicEnvironment.from_power_spectrum(dl.power_spectrum, T=dl.T)
    b = Bath.from_qutip(ps_env, name="L")
    assert b.name == "L" and np.allclose(b.rate(w), dl.power_spectrum(w), rtol=1e-12)
    sd_env = qutip.BosonicEnvironment.from_spectral_density(dl.spectral_density, T=dl.T)
    assert np.allclose(Bath.from_qutip(sd_env).rate(w[w != 0]), dl.power_spectrum(w[w != 0]), rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="temperature"):
        Bath.from_qutip(qutip.BosonicEnvironment.from_power_spectrum(dl.power_spectrum))
    with pytest.raises(InvalidParameterError, match="bosonic environment"):
        Bath.from_qutip(sx)


def test_bath_from_plain_rate_callable():
    T = 1.3

    def rate(w):  # canonical rate of ohmic(0.02, 10): J(w) (1 + n(w)), odd J
        return 0.02 * w * np.exp(-np.abs(w) / 10) / -np.expm1(-w / T)

    b = Bath(rate, T)
    ref = Bath(ohmic(0.02, 10.0), T)
    w = np.array([-2.0, -0.1, 0.0, 0.1, 2.0])
    assert np.allclose(b.rate(w), ref.rate(w), rtol=1e-12)
    assert abs(b.rate(0.0) - 0.02 * T) < 1e-14  # 0/0 at omega = 0: the limit
    assert np.allclose(Bath.from_rate(rate, T).rate(w), ref.rate(w), rtol=1e-12)
    with pytest.raises(InvalidParameterError, match="detailed balance"):
        Bath(rate, 2.0)  # the rate belongs to T = 1.3
    with pytest.raises(InvalidParameterError, match="cannot change its temperature"):
        b.with_temperature(2.0)
    with pytest.raises(SymnessError):
        b.rate_sym(1.0)


def test_custom_callable_zero_frequency_rate_is_the_limit():
    # numpy-only callable: Richardson extrapolation of J(h)/h; SymPy-compatible one: the exact limit
    assert abs(custom(lambda w: 0.3 * np.sin(w) * np.exp(-w)).slope0 - 0.3) < 1e-14
    assert custom(lambda w: 0.01 * w * np.exp(-w / 10.0)).slope0 == pytest.approx(0.01, rel=1e-14)
    assert custom(lambda w: 0.3 * w / (1 + w**2)).slope0 == 0.3
    assert custom(lambda w: w**2, slope0=0.0).slope0 == 0.0
    assert Bath(custom(lambda w: 0.01 * w * np.exp(-w / 10.0)), 2.0).rate(0.0) == pytest.approx(0.02, rel=1e-14)


def test_sector_state_embedded_sparsely_and_as_block():
    m = xxz_ring(n=4, Delta=0.5, J=1.0, fields={2: 0.7}, contacts=(1, 3), T_left=2.0, T_right=1.0)
    ness = redfield_ness(m, up_spins=2)
    q = ness.to_qutip()
    assert q.dims == [[2] * 4, [2] * 4] and type(q.data).__name__ == "CSR"
    b = ness.sector.basis
    full = q.full()
    assert np.allclose(full[np.ix_(b, b)], ness.rho_sector, atol=0) and abs(q.tr() - 1) < 1e-14
    blk = ness.to_qutip(sector=True)
    assert blk.dims == [[6], [6]] and np.allclose(blk.full(), ness.rho_sector, atol=0)
    # a Qobj observable on the full space, sites 1-based (QuTiP factor l - 1)
    for l in range(1, 5):
        assert abs(ness.expect(_site(sz, l, 4)) - qutip.expect(_site(sz, l, 4), q)) < 1e-13
        assert abs(ness.magnetization(l) - qutip.expect(_site(sz, l, 4), q)) < 1e-13
    # the sector generator: qutip.steadystate gives the block
    L = redfield_liouvillian(ness.system, up_spins=2).to_qutip()
    assert L.dims == [[[6], [6]], [[6], [6]]]
    assert np.max(np.abs(qutip.steadystate(L).full() - ness.rho_sector)) < 1e-12
    with pytest.raises(InvalidParameterError):
        ness.to_qutip(sector="yes")


def test_large_sector_state_to_qutip_without_the_full_space():
    m = xxz_ring(n=24, Delta=0.7, J=1.0, fields={2: 0.5}, contacts=(1, 13), T_left=2.0, T_right=1.0)
    ness = redfield_ness(m, up_spins=1)
    q = ness.to_qutip()
    assert q.shape == (2**24, 2**24) and q.dims == [[2] * 24, [2] * 24]
    assert q.data_as("csr_matrix").nnz <= 24 * 24 and abs(q.tr() - 1) < 1e-13


def test_gksl_superoperator_equals_qutip_liouvillian_and_stays_sparse():
    H, (QL, QR), _ = _two_spins()
    sm = qutip.destroy(2)
    jumps = [(qutip.tensor(sm, I2), 0.3), (qutip.tensor(I2, sm.dag()), 0.1), (qutip.tensor(sz, I2), 0.05)]
    ours = gksl_liouvillian(H, jumps).to_qutip()
    ref = qutip.liouvillian(H, [np.sqrt(r) * L for L, r in jumps])
    assert type(ours.data).__name__ == "CSR" and ours.dims == ref.dims
    assert np.max(np.abs(ours.full() - ref.full())) < 1e-14


def test_evolution_to_qutip_and_expect_method_against_mesolve():
    H, _, _ = _two_spins()
    sm = qutip.destroy(2)
    jumps = [(qutip.tensor(sm, I2), 0.3), (qutip.tensor(I2, sm.dag()), 0.1)]
    gen = gksl_liouvillian(H, jumps)
    psi0 = qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 1))
    t = np.linspace(0, 3, 7)
    z1 = _site(sz, 1, 2)
    ev = evolve(gen, psi0, t, e_ops={"z1": z1})
    states = ev.to_qutip()
    assert len(states) == t.size and all(s.dims == [[2, 2], [2, 2]] for s in states)
    ref = qutip.mesolve(H, psi0, t, [np.sqrt(r) * L for L, r in jumps], e_ops=[z1],
                        options={"atol": 1e-12, "rtol": 1e-10})
    assert np.max(np.abs(ev.expect["z1"] - ref.expect[0])) < 1e-8
    assert np.max(np.abs(ev.expect(z1) - ev.expect["z1"])) == 0.0  # one convention: a method too
    assert np.max(np.abs(np.array([qutip.expect(z1, s) for s in states]) - ref.expect[0])) < 1e-8


def test_sparse_qobj_stays_sparse():
    n = 9  # 512 > DENSE_OPERATOR_DIM: kept as CSR end to end
    H = sum(_site(sz, l, n) * _site(sz, l + 1, n) + 0.3 * _site(sx, l, n) for l in range(1, n))
    assert sp.issparse(as_array(H)) and sp.issparse(as_array(sx))
    sysm = OpenSystem(H, [(_site(sx, 1, n), Bath(ohmic(0.01, 5.0), 1.0))])
    assert sp.issparse(sysm.H) and sysm.dims == [[2] * n, [2] * n]


def test_docs_qutip_page_runs():
    """Every code block of docs/qutip.md runs as written, and its comparisons print True."""
    import contextlib
    import io
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "qutip.md").read_text(encoding="utf-8")
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in re.findall(r"```python\n(.*?)```", text, re.S):
            exec(compile(block, "qutip.md", "exec"), namespace)
    assert "False" not in out.getvalue() and out.getvalue().count("True") == 3
