"""Reading a passphrase: a hidden prompt on a terminal, else exactly one line of stdin.

Never from an argument or an environment variable. Tests of other areas replace
:func:`read_passphrase` (tests/conftest.py); the security tests use the real one with stdin.
"""

from __future__ import annotations

import getpass
import sys

from sirenctl.i18n import L_, _


class NoPassphrase(EOFError):
    """Standard input ended before a passphrase line."""


def read_passphrase(prompt: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise NoPassphrase(L_("no passphrase: standard input ended (give it as one line on stdin)"))
    return line.rstrip("\r\n")


def read_new_passphrase(login: str) -> str:
    """Ask twice; refuse a mismatch or one shorter than MIN_LENGTH."""
    from sirenctl.security.passphrase import check_new_passphrase

    first = read_passphrase(_("New passphrase for {login}: ").format(login=login))
    check_new_passphrase(first)
    second = read_passphrase(_("Repeat the passphrase for {login}: ").format(login=login))
    if first != second:
        raise ValueError(L_("the two passphrases differ; nothing was changed"))
    return first
