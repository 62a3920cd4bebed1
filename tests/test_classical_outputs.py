"""Figure scripts, the derivation script and its errata audit run (small settings)."""

import importlib.util
from pathlib import Path

import pytest

from symness import InvalidParameterError
from symness.classical import IsingRing

ROOT = Path(__file__).resolve().parents[1]


def _load_derivations():
    spec = importlib.util.spec_from_file_location("derivations_classical", ROOT / "derivations" / "classical.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_errata_audit_printed_equations_agree(capsys):
    """Eqs. (12)-(16) as printed agree with the derivation in the paper's normalisation."""
    mod = _load_derivations()
    assert mod.errata() == 0
    out = capsys.readouterr().out
    assert "literal / printed = 3" in out and "anticlockwise (magnified)" in out


def test_derivation_blocks_are_latex():
    blocks = _load_derivations().blocks()
    assert len(blocks) >= 10
    assert all(body for _, body in blocks)
    assert any("x_{L}" in body for _, body in blocks)


def test_figure_scripts_write_png_and_notes(tmp_path):
    pytest.importorskip("matplotlib")
    from symness.classical.figures import figure4, figure5, figure7

    paths = figure4(tmp_path, points=6, mc_points=2, mc_steps=2 * 10**4)
    paths += figure5(tmp_path, points=6)
    paths += figure7(tmp_path, points=8, mc_steps=10**5)
    for p in paths:
        assert p.exists() and p.stat().st_size > 100
    notes = (tmp_path / "classical_fig7.txt").read_text()
    assert "parallel" in notes and "Disagreement" in notes


def test_too_large_ring_is_refused():
    with pytest.raises(InvalidParameterError, match="Monte Carlo"):
        IsingRing(12, 12).stationary(1, 1, 2, 1)
