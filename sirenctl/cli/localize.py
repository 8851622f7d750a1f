"""Click help in the user's language, built when a command is looked up (not at import).

Click keeps help as plain strings it reads when rendering; the English originals stay in the
source (docstrings, ``help=``), are extracted by sirenctl/i18n_catalog.py, and are swapped for
their translation here, once per language, each time a command is resolved.
"""

from __future__ import annotations

import inspect
import re

import click

from sirenctl.cli.cjk_help import CellContext
from sirenctl.i18n import _, current_language

_ORIGINAL = "_sirenctl_english"
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=[.!?])\s")


def _translate(text: str | None) -> str | None:
    return None if text is None else _(inspect.cleandoc(text))


def short_help(text: str) -> str:
    """First sentence of the first paragraph (click's own shortening splits on spaces, which
    Chinese does not have)."""
    first = text.strip().split("\n\n")[0].replace("\n", " ")
    return _SENTENCE_END.split(first, maxsplit=1)[0].strip()


def localize_command(command: click.Command) -> click.Command:
    """Set ``command``'s (and its subcommands' and parameters') help to the current language."""
    language = current_language().value
    if getattr(command, "_sirenctl_language", None) == language:
        return command
    originals: dict[str, str | None] = getattr(command, _ORIGINAL, None) or {
        "help": command.help,
        "epilog": command.epilog,
        "short_help": command.short_help,
    }
    setattr(command, _ORIGINAL, originals)
    command.context_class = CellContext
    command.help = _translate(originals["help"])
    command.epilog = _translate(originals["epilog"])
    command.short_help = _translate(originals["short_help"])
    if command.short_help is None and command.help:
        command.short_help = short_help(command.help)
    for param in command.params:
        original = getattr(param, _ORIGINAL, None)
        if original is None:
            original = {"help": getattr(param, "help", None)}
            setattr(param, _ORIGINAL, original)
        field = getattr(param, "_sirenctl_field", None)
        if field is not None:
            from sirenctl.cli.field_options import field_help

            param.help = field_help(*field)
        elif hasattr(param, "help"):
            param.help = _translate(original["help"])
    command._sirenctl_language = language  # type: ignore[attr-defined]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize_command(sub)
    return command
