"""Model definitions, each defined once for the symbolic and the numeric path.

Base classes: :class:`Term`, :class:`Coupling`, :class:`Model` (``symness.models.base``).
Concrete models live in one module each and are imported lazily:

============================  ====================================  ====================
name                          module                                paper
============================  ====================================  ====================
``xxz_ring``                  ``symness.models.rings``              ring4 eqs. (1)-(3)
``two_branch_ring``           ``symness.models.rings``              magnification (22)-(24)
``single_qubit_model``        ``symness.models.qubits``             qubit kernels (3.1)-(3.5)
``coupled_qubits_model``      ``symness.models.qubits``             qubit kernels (3.16)-(3.18)
``tilted_ising``              ``symness.models.tilted_ising``       weak coupling (105)-(110)
``exchange_chain``            ``symness.models.exchange_chain``     cold atom (6), (8)-(11)
``ising_ring``                ``symness.models.ising``              magnification (2), (17)
============================  ====================================  ====================
"""

import sys
import types
from importlib import import_module
from typing import Any

from .base import Coupling, Model, Term, terms_operator

_LAZY = {
    "xxz_ring": "rings",
    "two_branch_ring": "rings",
    "single_qubit_model": "qubits",
    "coupled_qubits_model": "qubits",
    "tilted_ising": "tilted_ising",
    "exchange_chain": "exchange_chain",
    "ising_ring": "ising",
}

__all__ = ["Term", "Coupling", "Model", "terms_operator", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _ModelsPackage(types.ModuleType):
    """Keep ``symness.models.<name>`` the model *function* when its module has the same name.

    Importing submodule ``tilted_ising`` makes the import system bind the package
    attribute ``tilted_ising`` to the module, shadowing the lazily exported function
    of the same name; bind the function instead.
    """

    def __setattr__(self, key: str, value: Any) -> None:
        if (key in _LAZY and isinstance(value, types.ModuleType)
                and value.__name__ == f"{__name__}.{key}" and hasattr(value, key)):
            value = getattr(value, key)
        super().__setattr__(key, value)


sys.modules[__name__].__class__ = _ModelsPackage
