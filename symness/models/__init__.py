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
}

__all__ = ["Term", "Coupling", "Model", "terms_operator", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        obj = getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
        # importing a submodule of the same name (exchange_chain, tilted_ising) binds the
        # *module* as a package attribute; rebind the model function so that
        # ``from symness.models import exchange_chain`` gives the function.
        globals()[name] = obj
        return obj
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _ModelsPackage(types.ModuleType):
    """Keeps ``symness.models.<name>`` the model *function* when its module has the same name.

    Importing ``symness.models.exchange_chain`` (the module) makes the import system bind the
    module as a package attribute, shadowing the documented function ``exchange_chain``;
    here such a binding is replaced by the function (the module stays in ``sys.modules``).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == name and hasattr(value, name):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _ModelsPackage
