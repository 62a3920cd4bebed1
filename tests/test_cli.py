import io
import json
import subprocess
import sys

import pytest

import symness
from symness import cli, registry


def run(*args):
    return subprocess.run([sys.executable, "-m", "symness", *args], capture_output=True,
                          text=True, timeout=300)


def test_version_subprocess():
    r = run("--version")
    assert r.returncode == 0
    assert symness.__version__ in r.stdout


def test_verify_subprocess_quick_json():
    r = run("verify", "--quick", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["passed"] is True
    assert data["checks"]
    papers = {c["paper"] for c in data["checks"]}
    assert set(registry.PAPERS) <= papers  # --quick still checks every paper
    for chk in data["checks"]:
        assert chk["comparisons"], chk["name"]
        for c in chk["comparisons"]:
            assert isinstance(c["point"], dict) and isinstance(c["point_text"], str)


def test_verify_table_subprocess():
    r = run("verify", "--quick", "-k", "foundation")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rel. err" in r.stdout and "pass" in r.stdout


def test_latex_subprocess(latex_file):
    text = latex_file.read_text()
    assert text.startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")


def test_verify_with_empty_registry_is_not_a_pass(monkeypatch, capsys):
    monkeypatch.setattr(registry, "_CHECKS", {})
    monkeypatch.setattr(cli, "load_plugins", lambda: [])
    buf = io.StringIO()
    assert cli.main(["verify"], out=buf) == 2
    assert "no cross-checks" in capsys.readouterr().err


@pytest.fixture
def toy_registry(monkeypatch):
    """Two toy checks in place of the real ones; the second sees what the first already printed."""
    monkeypatch.setattr(registry, "_CHECKS", {})
    monkeypatch.setattr(cli, "load_plugins", lambda: [])
    buf = io.StringIO()
    seen = {}

    @registry.cross_check("toy alpha: long labels", paper="toy_paper", equation="(1)")
    def alpha(quick):
        yield registry.Comparison("a quantity whose name is far longer than the quantity column of the table",
                                  0.123456789012345, 0.123456789012345, tol=1e-12,
                                  point="w1=1.706, w2=1.635, lam=0.1558, T_A=0.6619, T_B=2.557, g_A=0.02219, "
                                        "g_B=0.03175, and a long trailing label")
        yield registry.Comparison("rho_23", -1.23456789e-300 + 9.87654321e-123j, -1.23456789e-300 + 9.87654321e-123j,
                                  tol=1e-12, point={"g_B": 0.01, "T_A": 2.0})

    @registry.cross_check("toy beta", paper="toy_paper", equation="(2)", quick=False)
    def beta(quick):
        seen["before beta"] = buf.getvalue()
        yield registry.Comparison("b", 1.0, 1.0, tol=1e-12, point="T=1")
        yield registry.Comparison("c (Monte Carlo, 3 sigma)", 0.0475, 0.0474927, tol=0.0149534, point="T=1")
        yield registry.Comparison("d", 1.0, 1.0 + 1e-6, tol=1.23456789e-05, point="T=1")

    return buf, seen


def _squeeze(text):
    return "".join(text.split())


def test_verify_table_names_checks_streams_and_never_cuts(toy_registry):
    buf, seen = toy_registry
    assert cli.main(["verify"], out=buf) == 0
    text = buf.getvalue()
    # the check name (the -k key) heads its block; rows of the first check were out before the second ran
    assert "== toy alpha: long labels" in text and "== toy beta" in text
    assert "toy alpha: long labels" in seen["before beta"] and "0.123456789" in seen["before beta"]
    # nothing is cut: every character of each long cell is in the table, in order (wrapped over lines)
    q = "a quantity whose name is far longer than the quantity column of the table"
    p = "w1=1.706, w2=1.635, lam=0.1558, T_A=0.6619, T_B=2.557, g_A=0.02219, g_B=0.03175, and a long trailing label"
    for cell, col in ((q, 0), (p, 1)):
        start, width = sum(w + 2 for _, w in cli.COLUMNS[:col]), cli.COLUMNS[col][1]
        column = "".join(ln[start:start + width] for ln in text.splitlines() if not ln.startswith("=="))
        assert _squeeze(cell) in _squeeze(column)
    assert "g_B=0.01" in text and "-1.23456789e-300" in text and "+9.87654321e-123j" in text
    assert "0.0149534" in text and "1.23457e-05" in text  # long tolerances fit their column
    width = sum(w + 2 for _, w in cli.COLUMNS)
    assert all(len(ln) <= width for ln in text.splitlines() if not ln.startswith(("==", "symness")))


def test_verify_k_selects_case_insensitively_and_quick_lists_skipped(toy_registry):
    buf, _ = toy_registry
    assert cli.main(["verify", "-k", "TOY ALPHA"], out=buf) == 0
    assert "toy beta" not in buf.getvalue()
    buf2 = io.StringIO()
    assert cli.main(["verify", "--quick"], out=buf2) == 0
    assert "left out 1 slow checks" in buf2.getvalue() and "toy beta" in buf2.getvalue()


def test_verify_k_matching_nothing_fails_and_lists_keys(toy_registry, capsys):
    buf, _ = toy_registry
    assert cli.main(["verify", "-k", "no such check"], out=buf) == 2
    err = capsys.readouterr().err
    assert "no cross-check matches" in err and "toy alpha: long labels" in err and "toy_paper" in err
    buf = io.StringIO()
    assert cli.main(["verify", "-k", "no such check", "--json"], out=buf) == 2
    data = json.loads(buf.getvalue())
    assert data["passed"] is False and data["checks"] == [] and "toy beta" in data["available"]
    assert cli.main(["verify", "--quick", "-k", "beta"], out=io.StringIO()) == 2
    assert "--quick" in capsys.readouterr().err


def test_verify_json_points_are_objects(toy_registry):
    buf, _ = toy_registry
    assert cli.main(["verify", "--json"], out=buf) == 0
    data = json.loads(buf.getvalue())
    first, second = data["checks"][0]["comparisons"]
    assert first["point"]["g_B"] == 0.03175 and first["point"]["label"] == "and a long trailing label"
    assert second["point"] == {"g_B": 0.01, "T_A": 2.0}
    assert second["closed_form"] == [-1.23456789e-300, 9.87654321e-123]
    assert data["checks"][1]["comparisons"][0]["point"] == {"T": 1}


def test_nonfinite_values_give_valid_json(monkeypatch):
    monkeypatch.setattr(registry, "_CHECKS", {})
    monkeypatch.setattr(cli, "load_plugins", lambda: [])

    @registry.cross_check("nan", paper="none", equation="-")
    def nan(quick):
        yield registry.Comparison("x", float("nan"), 1.0, tol=1e-12)

    buf = io.StringIO()
    assert cli.main(["verify", "--json"], out=buf) == 1
    c = json.loads(buf.getvalue(), parse_constant=lambda name: pytest.fail(f"invalid JSON constant {name}"))
    assert c["checks"][0]["comparisons"][0]["closed_form"] == "nan"


def test_failing_check_gives_nonzero_exit(monkeypatch):
    monkeypatch.setattr(registry, "_CHECKS", {})
    monkeypatch.setattr(cli, "load_plugins", lambda: [])

    @registry.cross_check("always wrong", paper="none", equation="-")
    def wrong(quick):
        yield registry.Comparison("x", 1.0, 2.0, tol=1e-12)

    @registry.cross_check("raises", paper="none", equation="-")
    def boom(quick):
        raise RuntimeError("boom")

    buf = io.StringIO()
    assert cli.main(["verify"], out=buf) == 1
    text = buf.getvalue()
    assert "FAIL" in text and "ERROR" in text and "boom" in text


def test_help_without_command():
    buf = io.StringIO()
    assert cli.main([], out=buf) == 0


def test_figures_subprocess_writes_area_subdirectory(tmp_path):
    """``symness figures -o DIR`` writes DIR/<area>/<key>.png and the caption file."""
    pytest.importorskip("matplotlib")
    r = run("figures", "-o", str(tmp_path), "-k", "classical_fig4")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "classical" / "classical_fig4.png").stat().st_size > 1000
    assert (tmp_path / "classical" / "classical_fig4.pdf").read_bytes().startswith(b"%PDF")  # vector beside PNG
    assert "Fig. 4" in (tmp_path / "classical" / "classical_fig4.txt").read_text()


def test_figures_k_matching_nothing_fails(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert cli.main(["figures", "-o", str(tmp_path), "-k", "no such figure"], out=io.StringIO()) == 2
    assert "classical_fig4" in capsys.readouterr().err


def test_every_registered_figure_is_in_docs():
    """docs/figures holds every registered figure (PNG + caption) in an area sub-directory."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs" / "figures"
    registry.load_plugins()
    for spec in registry.registered_figures():
        found = list(docs.glob(f"*/{spec.key}.png"))
        assert len(found) == 1, spec.key
        assert found[0].with_suffix(".txt").exists(), spec.key
