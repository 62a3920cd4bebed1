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

import ast
import math
import re
from typing import Any

from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

__all__ = ["tex_text", "scientific", "math_pieces", "ascii_math"]

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


def tex_text(text: Any, *, plain_math: bool = True) -> str:
    r"""LaTeX text (prose with ``$...$`` math) as LaTeX source that compiles.

    ``tex_text("5% of $T_L > 0$, x")`` gives ``5\% of $T_L > 0$, x``.  With ``plain_math`` (default),
    formulas typed in plain ASCII in the prose are set as mathematics first (:func:`ascii_math`):
    ``tex_text("T_L -> infinity")`` gives ``$T_{L} \to \infty$``.
    """
    out = []
    for is_math, piece in math_pieces(str(text)):
        if not is_math and plain_math:
            piece = _DICT_REPR.sub(_dict_items, piece)
        if is_math:
            if not piece.isascii():
                piece = _ENCODER.unicode_to_latex(piece)
            out.append(f"${piece}$")
            continue
        for sub_math, sub in (_ascii_math_pieces(piece) if plain_math else [(False, piece)]):
            if not sub.isascii():
                sub = _ENCODER.unicode_to_latex(sub)
            if not sub_math and plain_math:
                sub = sub.replace("->", "\x00")
            sub = f"${sub}$" if sub_math else _PROSE_RE.sub(lambda m: _PROSE[m.group(0)], sub)
            out.append(sub.replace("\x00", r"$\to$"))
    return "".join(out)


#: a Python dict repr in prose, ``{'omega_1': 1.0, 'g': 0.1}`` (written by code, not by a person)
_DICT_REPR = re.compile(r"\{\s*'[^'{}]+'\s*:[^{}]*\}")


def _dict_items(m: re.Match) -> str:
    """``{'omega_1': 1.0, 'g': 0.1}`` as ``omega_1 = 1.0, g = 0.1`` (the formulas are set later)."""
    try:
        d = ast.literal_eval(m.group(0))
    except (ValueError, SyntaxError):
        return m.group(0)
    if not isinstance(d, dict):
        return m.group(0)
    return ", ".join(f"{k} = {v}" for k, v in d.items())


# ----------------------------------------------------------------- plain-ASCII formulas in prose
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota",
          "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi",
          "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
          "Omega", "hbar", "ell", "nabla", "partial"}
_ALIAS = {"lam": r"\lambda", "eps": r"\epsilon", "infinity": r"\infty", "inf": r"\infty", "dagger": r"\dagger",
          "sum": r"\sum", "prod": r"\prod"}
_FUNCS = {"exp", "log", "ln", "sin", "cos", "tan", "tanh", "sinh", "cosh", "coth", "cot", "arctan", "max", "min",
          "det", "sqrt", "Re", "Im"}
#: also English words: maths only with a script
_WORDS = {"sum", "prod", "inf", "max", "min", "log", "Re", "Im", "tan", "det"}
_OPS = {"**": "^", "<=": r"\leq", ">=": r"\geq", "!=": r"\neq", "->": r"\to", ">>": r"\gg", "<<": r"\ll",
        "==": "=", "*": r"\,", "...": r"\dots", "=": "=", "<": "<", ">": ">", "+": "+", "-": "-", "/": "/",
        "^": "^", "~": r"\sim"}
_TOKEN = re.compile(r"""
    (?P<cmd>\\(?:[A-Za-z]+|.)|[{}$])                                   # LaTeX source: never touched
  | (?P<avg><[A-Za-z][A-Za-z0-9]*(?:[_^](?:\{[^{}]*\}|[A-Za-z0-9]+))*>)        # <sigma^z_l>
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<id>[A-Za-z][A-Za-z0-9]*(?:[_^](?:\{[^{}]*\}|[A-Za-z0-9]+))*'*)
  | (?P<op>\*\*|<=|>=|!=|->|>>|<<|==|\.\.\.|[-+*/=<>^~])
  | (?P<par>[()\[\]|])
  | (?P<comma>,)
  | (?P<ws>[ \t\n]+)
  | (?P<other>.)
""", re.VERBOSE)


def _base_tex(base: str) -> str:
    if base in _GREEK:
        return "\\" + base
    if base in _ALIAS:
        return _ALIAS[base]
    if base in _FUNCS:
        return f"\\operatorname{{{base}}}" if base in ("Re", "Im") else "\\" + base
    m = re.fullmatch(r"([A-Za-z])(\d+)", base)
    if m:  # w1 -> w_1
        return f"{m.group(1)}_{{{m.group(2)}}}"
    return base if len(base) == 1 else rf"\mathrm{{{base}}}"


def _script_tex(x: str) -> str:
    if x.startswith("{"):
        x = x[1:-1]
    if x in _GREEK or x in _ALIAS:
        return _base_tex(x)
    if x.isalpha() and len(x) >= 3:
        return rf"\mathrm{{{x}}}"
    return x


def _ident_kind(tok: str) -> str:
    """``"strong"`` (certainly maths: Greek, scripts, functions), ``"weak"`` (a letter) or ``"prose"``."""
    word = tok.rstrip("'")
    base = re.match(r"[A-Za-z][A-Za-z0-9]*", word).group(0)  # type: ignore[union-attr]
    scripted = len(base) < len(word)
    if base in _WORDS and not scripted:  # also English words: maths next to an operator or "("
        return "word"
    if base in _GREEK or base in _ALIAS or base in _FUNCS:
        return "strong"
    if scripted and (len(base) <= 2 or base.isupper()):
        return "strong"
    if re.fullmatch(r"[A-Za-z]\d*", base):
        return "weak"
    return "prose"


def _ident_tex(tok: str) -> str:
    primes = len(tok) - len(tok.rstrip("'"))
    word = tok.rstrip("'")
    parts = re.findall(r"[_^](?:\{[^{}]*\}|[A-Za-z0-9]+)", word)
    base = word[:len(word) - sum(len(p) for p in parts)]
    out = _base_tex(base)
    for p in parts:
        out += f"{p[0]}{{{_script_tex(p[1:])}}}"
    return out + "'" * primes


def _span_tex(toks: list[tuple[str, str]]) -> str:
    out: list[str] = []
    k = 0
    while k < len(toks):
        kind, t = toks[k]
        is_exp = kind == "id" and t == "exp" and k + 1 < len(toks) and toks[k + 1][1] == "("
        if (kind == "op" and t in ("**", "^")) or is_exp:  # exponent: the next atom or bracketed group
            j = k + 1
            while j < len(toks) and toks[j][0] == "ws":
                j += 1
            if is_exp:  # exp(x) -> e^{x}
                out.append("e")
            if j < len(toks) and toks[j][1] == "(":
                depth, e = 0, j
                while e < len(toks):
                    depth += toks[e][1] == "("
                    depth -= toks[e][1] == ")"
                    if depth == 0:
                        break
                    e += 1
                out.append("^{" + _span_tex(toks[j + 1:e]) + "}")
                k = e + 1
                if is_exp and any(t2 in ("**", "^") for _, t2 in toks[k:k + 2]):  # (e^{x})^{2}
                    out[-2:] = ["(e" + out[-1] + ")"]
            elif j < len(toks):
                out.append("^{" + _span_tex([toks[j]]) + "}")
                k = j + 1
            else:
                k = j
            continue
        if kind == "avg":
            out.append(rf"\langle {_ident_tex(t[1:-1])}\rangle ")
        elif kind == "id":
            out.append(_ident_tex(t))
            if k + 1 < len(toks) and toks[k + 1][0] in ("id", "num"):
                out.append(" ")
        elif kind == "op":
            if t == "*" and out and k + 1 < len(toks) and toks[k - 1][0] == "num" and toks[k + 1][0] == "num":
                out.append(r"\cdot ")
            else:
                out.append(_OPS[t] if t != "*" else " ")
                if _OPS[t].startswith("\\"):
                    out.append(" ")
        elif kind == "par" and t == "|":
            out.append(r"\lvert " if not out or not out[-1].strip() or out[-1].strip()[-1] in "(=+-,<>" else r"\rvert ")
        else:
            out.append(t)
        k += 1
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _qualifies(toks: list[tuple[str, str]]) -> bool:
    kinds = [(_ident_kind(t) if k == "id" else k) for k, t in toks]
    if "strong" in kinds or "avg" in kinds:
        return True
    if any(kd == "word" and k + 1 < len(toks) and toks[k + 1][1] == "(" for k, kd in enumerate(kinds)):
        return True  # log(x), max(a, b)
    if len(toks) == 1 and kinds[0] == "weak" and toks[0][1] != "s":  # "order(s)"
        return True
    ops = [t for k, t in toks if k == "op" and t not in ("-", "/")]
    return bool(ops) and ("weak" in kinds or "word" in kinds)


def _trim(toks: list[tuple[str, str]]) -> tuple[int, int]:
    """Indices ``[a, b)`` of the span without surrounding blanks, commas, dangling operators or brackets."""
    a, b = 0, len(toks)
    changed = True
    while changed and a < b:
        changed = False
        if [k for k, _ in toks[a:a + 3]] == ["par", "num", "par"] and toks[a][1] == "(" and toks[a + 2][1] == ")":
            a += 3  # an equation number "(114)" starts the span: it is prose
            changed = True
            continue
        while a < b and (toks[a][0] in ("ws", "comma") or (toks[a][0] == "op" and toks[a][1] not in ("-", "+"))):
            a += 1
            changed = True
        while a < b and (toks[b - 1][0] in ("ws", "comma", "op") and toks[b - 1][1] != "..."):
            b -= 1
            changed = True
        opened: list[int] = []
        first_close = -1
        for k in range(a, b):
            t = toks[k][1]
            if t in ("(", "["):
                opened.append(k)
            elif t in (")", "]"):
                if opened:
                    opened.pop()
                elif first_close < 0:
                    first_close = k
        if first_close >= 0 or opened:  # an unmatched bracket: the span ends before it (the rest is looked at again)
            b = min(x for x in (first_close, *opened) if x >= 0)
            changed = True
        elif a < b and toks[a][1] == "(" and toks[b - 1][1] == ")" and _wrapped(toks[a:b]):
            a += 1
            b -= 1
            changed = True
    return a, b


def _wrapped(toks: list[tuple[str, str]]) -> bool:
    depth = 0
    for k, (_, t) in enumerate(toks):
        depth += t == "("
        depth -= t == ")"
        if depth == 0 and k < len(toks) - 1:
            return False
    return True


def _ascii_math_pieces(text: str) -> list[tuple[bool, str]]:
    toks = [(m.lastgroup or "other", m.group(0)) for m in _TOKEN.finditer(text)]
    # function names followed by '(' are maths; so are words before '(' that are single letters
    out: list[tuple[bool, str]] = []
    prose: list[str] = []
    k = 0

    def in_span(kind: str, t: str) -> bool:
        if kind == "id":
            return _ident_kind(t) != "prose"
        return kind in ("num", "op", "par", "comma", "ws", "avg")

    while k < len(toks):
        j = k
        while j < len(toks) and in_span(*toks[j]):
            j += 1
        if j > k:
            a, b = _trim(toks[k:j])
            span = toks[k + a:k + b]
            after = toks[k + b][1] if k + b < len(toks) else ""
            nxt = next((t for t in toks[k + b:] if t[0] != "ws"), ("", ""))
            abbreviation = len(span) == 1 and (after == "."  # "p. 12", "i.e."
                                               or (span[0][1] in ("a", "A", "I") and nxt[0] == "id"
                                                   and _ident_kind(nxt[1]) == "prose"))  # "a transition"
            if span and _qualifies(span) and not abbreviation:
                prose.append("".join(t for _, t in toks[k:k + a]))
                out.append((False, "".join(prose)))
                prose = []
                out.append((True, _span_tex(span)))
                k += b
                continue
        prose.append(toks[k][1])  # not maths: one token of prose, then look again
        k += 1
    if prose and "".join(prose):
        out.append((False, "".join(prose)))
    return [(m, p) for m, p in out if p]


def ascii_math(text: str) -> str:
    r"""Formulas typed in plain ASCII inside prose, set as ``$...$`` LaTeX; the prose is left alone.

    ``ascii_math("rate exp(-4*J/T_L), lam**2 < w1*w2")`` gives
    ``rate $\exp(-4 J/T_{L})$, $\lambda^{2} < w_{1} w_{2}$``.  Recognised: Greek names, ``hbar``,
    ``infinity``, names with ``_``/``^`` scripts, ``exp``/``tanh``/... and the operators
    ``** <= >= != -> >> <<``; a lone letter is maths only next to an operator.  LaTeX commands and
    ``$...$`` are kept as they are.
    """
    return "".join(f"${p}$" if m else p for is_m, piece in math_pieces(text)
                   for m, p in ([(True, piece)] if is_m else _ascii_math_pieces(piece)))


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
