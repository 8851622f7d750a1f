"""The technician terminal UI (Textual).

Only this package imports Textual, and the CLI imports it lazily (``sirenctl tui``,
``sirenctl demo`` on a terminal): ``sirenctl --help`` and cron paths never load it.
Screens call the plain-Python services in :mod:`sirenctl.tui.data` (and siblings), which hold
no Textual code and are tested on their own.
"""
