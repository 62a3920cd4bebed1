"""Cross-checks, LaTeX sections and figures, one module per area.

Every module in this package is imported by :func:`symness.registry.load_plugins`
(used by the CLI).  Add ``symness/checks/<area>.py`` using the decorators of
:mod:`symness.registry`; never edit the CLI to register something.
"""
