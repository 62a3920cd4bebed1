r"""Running text and numbers for LaTeX: escaping, inline math, scientific notation.

Every human-readable string a :class:`~symness.closedform.ClosedForm` carries
(description, symbol meanings, assumptions, conventions) is *LaTeX text*:
prose with the mathematics between ``$...$``.  :func:`tex_text` keeps the math
as written and escapes the prose: the LaTeX specials ``& % # _ ^`` and the
characters ``< >`` (which the OT1 encoding prints as ``¡ ¿``), and every
non-ASCII character through :mod:`pylatexenc` (``ħ``, ``→``, ``≈``, accented
names), so a user's own strings compile whatever they contain.  A backslash
starts a LaTeX command (``eqs.~(3)--(5)``, ``\emph{...}`` are kept).
"""

from __future__ import annotations

import math
import re
from typing import Any

from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

__all__ = ["tex_text", "scientific", "math_pieces"]

_EXTRA = UnicodeToLatexConversionRule(rule_type=RULE_DICT, rule={
    ord("ħ"): r"\ensuremath{\hbar}",
    ord("−"): r"\ensuremath{-}",
    ord("≲"): r"\ensuremath{\lesssim}",
    ord("≳"): r"\ensuremath{\gtrsim}",
})
_ENCODER = UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-after-macro",
                                 conversion_rules=[_EXTRA, "defaults"], unknown_char_policy="replace",
                                 unknown_char_warning=False)
#: prose characters that must not be typed as themselves
_PROSE = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\^{}",
          "<": r"\textless{}", ">": r"\textgreater{}"}
_PROSE_RE = re.compile(r"(?<!\\)[&%#_^<>]")
_DOLLAR = re.compile(r"(?<!\\)\$")


def math_pieces(text: str) -> list[tuple[bool, str]]:
    """``text`` split at unescaped ``$``: ``[(is_math, piece), ...]``."""
    parts = _DOLLAR.split(text)
    if len(parts) % 2 == 0:  # an unmatched $: the rest is prose
        parts = parts[:-2] + [parts[-2] + r"\$" + parts[-1]]
    return [(k % 2 == 1, p) for k, p in enumerate(parts)]


def tex_text(text: Any) -> str:
    r"""LaTeX text (prose with ``$...$`` math) as LaTeX source that compiles.

    ``tex_text("5% of $T_L > 0$, T_R")`` gives ``5\% of $T_L > 0$, T\_R``.
    """
    out = []
    for is_math, piece in math_pieces(str(text)):
        if not piece.isascii():
            piece = _ENCODER.unicode_to_latex(piece)
        if is_math:
            out.append(f"${piece}$")
        else:
            out.append(_PROSE_RE.sub(lambda m: _PROSE[m.group(0)], piece))
    return "".join(out)


def scientific(x: Any, digits: int = 3) -> str:
    r"""A number as LaTeX *math*: ``5.7\times10^{-15}`` (never ``5.7e-15``, whose e would be a variable).

    ``digits`` significant digits; plain notation for magnitudes in [1e-3, 1e4); complex numbers as
    ``a + b\,i``; ``\infty`` and ``\mathrm{NaN}`` for non-finite values.
    """
    if isinstance(x, complex) or (hasattr(x, "imag") and getattr(x, "imag", 0) != 0):
        z = complex(x)
        if z.imag == 0:
            return scientific(z.real, digits)
        im = scientific(abs(z.imag), digits)
        if z.real == 0:
            return ("-" if z.imag < 0 else "") + im + r"\,i"
        return f"{scientific(z.real, digits)} {'-' if z.imag < 0 else '+'} {im}\\,i"
    v = float(x)
    if math.isnan(v):
        return r"\mathrm{NaN}"
    if math.isinf(v):
        return r"\infty" if v > 0 else r"-\infty"
    if v == 0:
        return "0"
    digits = max(1, int(digits))
    e = math.floor(math.log10(abs(v)))
    if -3 <= e < 4:
        s = f"{v:.{digits}g}"
        return s if "e" not in s else scientific(v, digits + 1)
    mant, exp = f"{v:.{digits - 1}e}".split("e")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    exp_i = int(exp)
    if mant in ("1", "-1"):
        return f"{'-' if mant == '-1' else ''}10^{{{exp_i}}}"
    return f"{mant}\\times10^{{{exp_i}}}"
