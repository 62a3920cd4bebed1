r"""Fresh symbol names for derived quantities that never collide with the user's symbols.

A derivation introduces auxiliary symbols -- Bohr frequencies :math:`\omega_k`,
mixing amplitudes :math:`\alpha, \beta`, half splittings :math:`\Omega`, rate
symbols, energies.  If a user's own parameter has the same name *and* the same
assumptions, SymPy treats the two as one symbol: a definition such as
:math:`\omega_1 = 2g + \omega_1` becomes self-referential and every number derived
from it is wrong.  :class:`SymbolNamer` hands out names that are checked against
every name the user's model uses; on a clash it moves to the next candidate
base (``omega`` -> ``nu`` -> ``varpi`` ...), so the printed results stay readable
(:math:`\nu_1 = 2g + \omega_1`) and are always unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sympy

__all__ = ["SymbolNamer", "names_in"]

#: alternative bases tried in order when a preferred base is taken by the user
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "omega": ("omega", "nu", "varpi", "varpi'"),
    "alpha": ("alpha", "a", "c_alpha"),
    "beta": ("beta", "b", "c_beta"),
    "Omega": ("Omega", "Lambda", "Xi"),
    "E": ("E", "epsilon", "varepsilon"),
    "w": ("w", "m", "M"),
    "rho": ("rho", "p", "P"),
}


def names_in(*objs: Any) -> set[str]:
    """Names of every symbol (and undefined function) in SymPy objects, matrices or iterables."""
    out: set[str] = set()

    def visit(o: Any) -> None:
        if o is None:
            return
        if isinstance(o, str):
            out.add(o)
            return
        if isinstance(o, sympy.MatrixBase):
            for e in o:
                visit(e)
            return
        if isinstance(o, sympy.Basic):
            for s in o.free_symbols:
                out.add(str(s))
            for f in o.atoms(sympy.core.function.AppliedUndef):
                out.add(str(f.func))
            return
        if isinstance(o, dict):
            for k, v in o.items():
                visit(k)
                visit(v)
            return
        if isinstance(o, Iterable):
            for x in o:
                visit(x)

    for o in objs:
        visit(o)
    return out


class SymbolNamer:
    """Hands out symbols whose names are not among ``reserved`` (nor handed out before).

    Parameters
    ----------
    reserved
        Names that belong to the user (model parameters, temperatures, spectral
        functions).

    Examples
    --------
    >>> namer = SymbolNamer({"omega_1", "omega_2", "g"})
    >>> namer.base("omega", ["1", "2", "3"])       # omega_1 is the user's: use nu
    'nu'
    """

    def __init__(self, reserved: Iterable[str] = ()):
        self.reserved = set(reserved)
        self._bases: dict[tuple[str, tuple[str, ...]], str] = {}

    def _free(self, name: str) -> bool:
        return name not in self.reserved

    def base(self, preferred: str, suffixes: Sequence[str] = ("",)) -> str:
        """The first base of ``preferred``'s alternatives for which every ``base_suffix`` is free.

        The same base is used for the whole family (``omega_1 .. omega_4``), so a
        family never mixes letters: if the user owns ``omega_1``, the family
        becomes ``nu_1 .. nu_4`` rather than ``omega_1', omega_2, ...``.
        """
        key = (preferred, tuple(suffixes))
        if key in self._bases:
            return self._bases[key]
        candidates = list(ALTERNATIVES.get(preferred, (preferred,)))
        candidates += [f"{preferred}{'_' * k}" for k in range(1, 4)]  # never fails
        for b in candidates:
            family = [self._join(b, s) for s in suffixes]
            if all(self._free(n) for n in family) and self._free(b):
                self._bases[key] = b
                self.reserved.update(family)
                return b
        raise AssertionError("unreachable: underscore-padded bases are always free")

    @staticmethod
    def _join(base: str, suffix: str) -> str:
        if not suffix:
            return base
        return f"{base}_{suffix}" if len(suffix) == 1 or suffix.isdigit() else f"{base}_{{{suffix}}}"

    def family(self, preferred: str, suffixes: Sequence[str], **assumptions: Any) -> list[sympy.Symbol]:
        """Symbols ``base_s`` for every suffix, all with one base free of clashes."""
        b = self.base(preferred, suffixes)
        return [sympy.Symbol(self._join(b, s), **assumptions) for s in suffixes]

    def symbol(self, preferred: str, **assumptions: Any) -> sympy.Symbol:
        """One fresh symbol (``preferred`` itself if it is free)."""
        return self.family(preferred, [""], **assumptions)[0]

    def exact(self, name: str, **assumptions: Any) -> sympy.Symbol:
        """A symbol with exactly ``name`` if free, else ``name`` with primes appended."""
        n = name
        while not self._free(n):
            n = n + "'"
        self.reserved.add(n)
        return sympy.Symbol(n, **assumptions)
