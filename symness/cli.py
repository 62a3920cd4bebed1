"""The ``symness`` command line.

``symness verify [--json] [--quick] [-k TEXT]``
    Run every registered cross-check (closed form vs independent numerics)
    and print a table, each check's rows as soon as it finishes, under a line
    naming the check (the name ``-k`` selects); exit status 1 if anything
    fails, 2 if ``-k`` selects nothing.
``symness latex -o FILE [--width W]``
    Write one LaTeX document with every registered derivation, a section per paper
    (the output path is checked first; ``pdflatex FILE`` compiles it).
``symness figures -o DIR [-k TEXT]``
    Reproduce the registered paper figures (needs matplotlib): PNG, vector PDF and the caption,
    in one style (:mod:`symness.figstyle`).
``symness --version``

Progress bars (:mod:`tqdm`) go to stderr and only when it is a terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from . import __version__
from .errors import InvalidParameterError, SymnessError
from .registry import (
    CheckOutcome,
    Comparison,
    CrossCheck,
    _jsonable,
    load_plugins,
    registered_checks,
    registered_figures,
    registered_sections,
    run_one,
    select_checks,
)
from .sweep import progress_bar

__all__ = ["main", "format_table", "format_outcome", "latex_document", "check_output_file"]

#: verify table columns: (header, width).  Cells wider than a column wrap onto
#: further lines; nothing is ever cut.
COLUMNS = (("quantity", 32), ("point", 44), ("closed form", 17), ("numeric", 17), ("rel. err", 8),
           ("tol", 11), ("", 5))
_SEP = "  "


def _number_tokens(x: complex | float) -> list[str]:
    """A value as text pieces that may go on separate lines (a complex splits before its imaginary part)."""
    c = complex(x)
    if c.imag == 0:
        return [f"{c.real:.10g}"]
    return [f"{c.real:.10g}", f"{c.imag:+.10g}j"]


def _wrap_text(text: str, width: int) -> list[str]:
    """Wrap at spaces, breaking a longer word if it must; never drops a character other than spaces."""
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _pack(tokens: list[str], width: int) -> list[str]:
    lines = [""]
    for t in tokens:
        if lines[-1] and len(lines[-1]) + len(t) > width:
            lines.append("")
        lines[-1] += t
    return lines


def _row(cells: list[list[str]]) -> list[str]:
    """One logical row as physical lines: every cell a list of lines, padded to its column."""
    height = max(len(c) for c in cells)
    out = []
    for k in range(height):
        parts = [(c[k] if k < len(c) else "").ljust(w) for c, (_, w) in zip(cells, COLUMNS)]
        out.append(_SEP.join(parts).rstrip())
    return out


def _comparison_lines(c: Comparison) -> list[str]:
    (_, wq), (_, wp), (_, wc), (_, wn) = COLUMNS[:4]
    cells = [_wrap_text(c.quantity, wq), _wrap_text(c.point_text, wp),
             _pack(_number_tokens(c.closed_form), wc), _pack(_number_tokens(c.numeric), wn),
             [f"{c.rel_error:.1e}"], [f"{c.tol:g}"], ["pass" if c.passed else "FAIL"]]
    return _row(cells)


def _check_heading(chk: CrossCheck) -> str:
    src = f"{chk.paper} {chk.equation}".strip()
    return f"== {chk.name}   [{src}]"


def table_header() -> str:
    """The two header lines of the verify table."""
    head = _SEP.join(h.ljust(w) for h, w in COLUMNS).rstrip()
    return head + "\n" + _SEP.join("-" * w for _, w in COLUMNS)


def format_outcome(o: CheckOutcome) -> str:
    """One check's block of the verify table: a heading with its name (the ``-k`` key), then its rows."""
    status = "ERROR" if o.error else ("pass" if o.passed else "FAIL")
    lines = [f"{_check_heading(o.check)}  {status}, {len(o.comparisons)} comparisons, {o.seconds:.1f} s"]
    for c in o.comparisons:
        lines += _comparison_lines(c)
    if o.error:
        lines += ["   ERROR: " + ln for ln in o.error.rstrip().splitlines()]
    return "\n".join(lines)


def format_table(outcomes: Iterable[CheckOutcome]) -> str:
    """The verify table: per check a heading (name, paper, equation), then quantity, point, closed form,
    numeric, relative error, tolerance and pass/FAIL per comparison."""
    return "\n".join([table_header()] + [format_outcome(o) for o in outcomes])


def _available(checks: list[CrossCheck]) -> str:
    papers = sorted({c.paper for c in checks})
    names = "\n".join(f"  {c.name}" + ("" if c.quick else "   (not in --quick)") for c in checks)
    return f"paper keys: {', '.join(papers)}\ncheck names:\n{names}"


def _comparison_json(c: Comparison) -> dict:
    return {"quantity": c.quantity, "point": c.point_fields, "point_text": c.point_text,
            "closed_form": _jsonable(c.closed_form), "numeric": _jsonable(c.numeric),
            "rel_error": _jsonable(c.rel_error), "tol": _jsonable(c.tol), "passed": c.passed}


def _outcome_json(o: CheckOutcome) -> dict:
    return {"name": o.check.name, "paper": o.check.paper, "equation": o.check.equation,
            "passed": o.passed, "error": o.error, "seconds": round(o.seconds, 3),
            "comparisons": [_comparison_json(c) for c in o.comparisons]}


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    load_plugins()
    every = registered_checks()
    todo = select_checks(every, quick=args.quick, select=args.k)
    skipped = [c for c in select_checks(every, select=args.k) if c not in todo]
    if not todo:
        if not every:
            msg = "no cross-checks are registered; nothing was verified."
        elif skipped:
            msg = (f"every check matching -k {args.k!r} is a slow one that --quick leaves out; run without "
                   f"--quick.\n{_available(every)}")
        else:
            msg = f"no cross-check matches -k {args.k!r} (name or paper key, case-insensitive).\n{_available(every)}"
        if args.json:
            print(json.dumps({"passed": False, "checks": [], "error": msg.split("\n")[0],
                              "papers": sorted({c.paper for c in every}),
                              "available": [c.name for c in every]}, indent=2), file=out)
        print(msg, file=sys.stderr)
        return 2
    outcomes: list[CheckOutcome] = []
    with progress_bar(total=len(todo), desc="verify", enabled=None, unit="check") as bar:
        if not args.json:
            bar.write(f"symness verify{' --quick' if args.quick else ''}: {len(todo)} checks "
                      "(each block starts with '== <check name>', the name -k selects)\n" + table_header(),
                      file=out)
            out.flush()
        for chk in todo:
            bar.set_postfix_str(chk.name[:40], refresh=False)
            o = run_one(chk, quick=args.quick)
            outcomes.append(o)
            if not args.json:
                bar.write(format_outcome(o), file=out)
                out.flush()
            bar.update()
    ok = all(o.passed for o in outcomes)
    if args.json:
        data = {"passed": ok, "quick": bool(args.quick), "select": args.k,
                "skipped_by_quick": [c.name for c in skipped],
                "checks": [_outcome_json(o) for o in outcomes]}
        print(json.dumps(data, indent=2), file=out)
    else:
        n_cmp = sum(len(o.comparisons) for o in outcomes)
        n_fail = sum(1 for o in outcomes for c in o.comparisons if not c.passed)
        n_err = sum(1 for o in outcomes if o.error)
        total = sum(o.seconds for o in outcomes)
        if skipped:
            print(f"\n--quick left out {len(skipped)} slow checks (run without --quick for them): "
                  + "; ".join(c.name for c in skipped), file=out)
        print(f"\n{len(outcomes)} checks, {n_cmp} comparisons: {n_fail} failed, {n_err} errors "
              f"({total:.1f} s). {'OK' if ok else 'FAILED'}", file=out)
    return 0 if ok else 1


def latex_document(progress: bool | None = False, width: float | None = None) -> str:
    """One LaTeX document, a section per paper, generated from the registered sections.

    ``progress`` shows a :mod:`tqdm` bar over the sections (``None``: when stderr is a terminal);
    ``width`` is the line width of broken expressions (see :func:`symness.latex.derivations_document`).
    """
    from .latex import derivations_document

    return derivations_document(progress=progress, width=width)


def check_output_file(path: str | Path) -> Path:
    """Refuse an output file that cannot be written -- before any work is done.

    Raises :class:`~symness.errors.InvalidParameterError` naming the problem (missing directory,
    a directory given as file, no write permission).
    """
    p = Path(path).expanduser()
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise InvalidParameterError(f"output {str(path)!r} is a directory; pass a file name, e.g. "
                                    f"-o {p / 'symness.tex'}.")
    if not parent.exists():
        raise InvalidParameterError(f"cannot write {str(path)!r}: the directory {str(parent)!r} does not exist; "
                                    "create it first or choose another -o path.")
    if not parent.is_dir():
        raise InvalidParameterError(f"cannot write {str(path)!r}: {str(parent)!r} is not a directory.")
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise InvalidParameterError(f"cannot write {str(path)!r}: permission denied; choose another -o path.")
    return p


def _latex(args: argparse.Namespace, out: TextIO) -> int:
    target = None if args.output in (None, "-") else check_output_file(args.output)
    if args.width is not None and not args.width >= 20:
        raise InvalidParameterError(f"--width {args.width} is too small; pass at least 20 (about characters).")
    text = latex_document(progress=None, width=args.width)
    if target is None:
        out.write(text)
    else:
        tmp = target.with_name(target.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
        print(f"wrote {args.output} ({len(registered_sections())} sections); compile with: pdflatex "
              f"{target.name}  (twice, for the references)", file=out)
    return 0


def _figures(args: argparse.Namespace, out: TextIO) -> int:
    load_plugins()
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError:
        print("symness figures needs matplotlib: pip install 'symness[plot]'", file=sys.stderr)
        return 2
    every = registered_figures()
    key = (args.k or "").lower()
    figs = [f for f in every if key in f.key.lower() or key in f.paper.lower()]
    if not figs:
        keys = ", ".join(f.key for f in every) or "(none registered)"
        print(f"no figure matches -k {args.k!r} (key or paper, case-insensitive); figure keys: {keys}",
              file=sys.stderr)
        return 2
    outdir = Path(args.output)
    outdir.mkdir(parents=True, exist_ok=True)
    from .figstyle import style

    with style(), progress_bar(figs, desc="figures", enabled=None, unit="figure") as bar:
        for f in bar:
            bar.set_postfix_str(f.key, refresh=False)
            for p in f.func(outdir):
                bar.write(f"wrote {p}", file=out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="symness",
        description="Symbolic-analytic companion for heat and spin transport in spin networks.")
    p.add_argument("--version", action="version", version=f"symness {__version__}")
    sub = p.add_subparsers(dest="command")
    v = sub.add_parser("verify", help="run every cross-check and print the table")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    v.add_argument("--quick", action="store_true",
                   help="fewer points, and the slow checks left out (listed at the end)")
    v.add_argument("-k", metavar="TEXT", default=None,
                   help="only checks whose name or paper key contains TEXT (case-insensitive); "
                        "the names head the table's blocks")
    v.set_defaults(func=_verify)
    la = sub.add_parser("latex", help="write the LaTeX document of every derivation")
    la.add_argument("-o", "--output", default="symness.tex", help="output file ('-' for stdout); checked before "
                    "anything is derived")
    la.add_argument("--width", type=float, default=None,
                    help="line width of broken expressions, about characters (default: fits an A4 page at 11 pt)")
    la.set_defaults(func=_latex)
    fi = sub.add_parser("figures", help="reproduce the papers' figures as PNG")
    fi.add_argument("-o", "--output", default="figures", help="output directory")
    fi.add_argument("-k", metavar="TEXT", default=None, help="only figures whose key/paper contains TEXT")
    fi.set_defaults(func=_figures)
    return p


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args, out or sys.stdout))
    except SymnessError as exc:
        print(f"symness {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
