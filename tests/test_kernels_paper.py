"""Every printed equation of the qubit_kernels paper re-derived; misprints are exactly the errata rows."""

from pathlib import Path

import pytest

from symness.kernels.paper import ENTRIES, audit

ERRATA = {
    "(3.4)-(3.5)", "text after (3.18)", "Sec. IV B 1", "Sec. IV B 2", "(4.21)", "(4.22)", "(4.24)", "(4.25)",
    "(4.30)-(4.31) and conclusion", "(5.1)", "(5.2)", "(5.4)-(5.5)",
}
COSH = "r -> exp(-w0/T) cosh(2 w0/Delta)"


@pytest.fixture(scope="module")
def results():
    return audit()


def test_every_entry_runs_and_misprints_are_known(results):
    assert len(results) == len(ENTRIES) >= 35
    wrong = {e.equation for e, ok, _ in results if not ok and not e.what.startswith(COSH)}
    assert wrong == ERRATA
    cosh = [ok for e, ok, _ in results if e.what.startswith(COSH)]
    assert cosh == [False]


def test_errata_file_lists_every_misprint(results):
    text = (Path(__file__).resolve().parents[1] / "docs" / "errata.md").read_text()
    section = text.split("## qubit_kernels")[1].split("\n## ")[0]
    for e, ok, _ in results:
        if not ok:
            key = e.equation.split(" and ")[0].replace("-", "–").split(" coefficients")[0]
            key = key.replace("text after (3.18)", "text after (3.18)")
            assert key.split("–")[0].split(",")[0] in section, e.equation
            assert e.correct, f"{e.equation}: an erratum needs the correct form"
