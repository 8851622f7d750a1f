"""Connect the layers that must not import each other, once per process.

Scheduling stores test results and knows nothing of findings; findings turn failed results into
findings. Every entry point (the CLI's :class:`~sirenctl.cli.common.AppContext` when it opens
the database, the TUI's ``build_services``) calls :func:`install` before recording anything.
"""

from __future__ import annotations


def install() -> None:
    """Register every cross-layer hook (idempotent, cheap after the first call)."""
    from sirenctl.findings.automatic import install as install_findings

    install_findings()
