import io
import json
import subprocess
import sys

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


def test_verify_table_subprocess():
    r = run("verify", "--quick", "-k", "foundation")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rel. err" in r.stdout and "pass" in r.stdout


def test_latex_subprocess(latex_file):
    text = latex_file.read_text()
    assert text.startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")


def test_verify_with_empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_CHECKS", {})
    monkeypatch.setattr(cli, "load_plugins", lambda: [])
    buf = io.StringIO()
    assert cli.main(["verify"], out=buf) == 0
    assert "no cross-checks" in buf.getvalue()


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
    import pytest

    pytest.importorskip("matplotlib")
    r = run("figures", "-o", str(tmp_path), "-k", "classical_fig4")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "classical" / "classical_fig4.png").stat().st_size > 1000
    assert "Fig. 4" in (tmp_path / "classical" / "classical_fig4.txt").read_text()


def test_every_registered_figure_is_in_docs():
    """docs/figures holds every registered figure (PNG + caption) in an area sub-directory."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs" / "figures"
    registry.load_plugins()
    for spec in registry.registered_figures():
        found = list(docs.glob(f"*/{spec.key}.png"))
        assert len(found) == 1, spec.key
        assert found[0].with_suffix(".txt").exists(), spec.key
