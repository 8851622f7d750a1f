"""Findings, rectification notices and drills: the services the CLI and the TUI call.

Every function takes an open SQLAlchemy session (``db.transaction()`` for writes, ``db.session()``
for reads), an ``operator`` for writes, and ``now`` where time matters, so callers and tests inject
the clock. Errors are the registry's (NotFound, Conflict, ValidationFailed), mapped to exit codes by
the CLI.
"""
