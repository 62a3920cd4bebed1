r"""Finite continuous-time Markov chains: the one place that knows rate matrices.

Three parts of symness solve the same object -- a rate matrix of populations:
the classical Ising rings, the Pauli kernels of the symbolic derivations and the
population block of the numeric Davies solver.  This package holds what they
share:

* :mod:`~symness.markov.numeric` -- the GTH stationary solver (subtraction-free,
  full relative accuracy), batched over parameter points and in mpmath;
* :mod:`~symness.markov.graph` -- communicating and closed classes of the
  transition graph, the number of rooted spanning trees (the size of a
  closed-form stationary state, known before anything is expanded);
* :mod:`~symness.markov.symbolic` -- the stationary state as polynomials in
  opaque rate symbols (Markov-chain tree theorem, principal minors of the
  generator computed by a memoised Laplace expansion over python-flint's
  ``fmpz_mpoly``), with heat-current numerators;
* :mod:`~symness.markov.evaluate` -- exact rational values of those
  polynomials, where double precision cannot resolve a result.

Conventions: ``K[p, q]`` is the rate of the transition ``q -> p`` (columns sum to
zero); a directed edge ``(source, target, var)`` carries the rate variable ``var``.
"""

from .graph import closed_classes, communicating_classes, tree_counts
from .numeric import gth_stationary, gth_stationary_batch, gth_stationary_mp

__all__ = ["gth_stationary", "gth_stationary_batch", "gth_stationary_mp", "communicating_classes", "closed_classes",
           "tree_counts"]
