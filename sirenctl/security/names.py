"""Login names: one spelling per person, so a typed look-alike never passes for someone else.

A login is NFC-normalised and may contain letters, digits, ``.``, ``_`` and ``-`` only: no
spaces and no invisible characters (a zero-width space after a name is refused, not stripped).
Uniqueness is on the casefolded NFKC form, so ``Li`` and ``li`` (or full-width ``Ｌｉ``) cannot
both exist.
"""

from __future__ import annotations

import unicodedata

from sirenctl.i18n import L_

MAX_LOGIN = 64


class BadLogin(ValueError):
    pass


def check_login(value: str) -> str:
    """The login as stored, or BadLogin naming the offending character."""
    if not value:
        raise BadLogin(L_("a login name cannot be empty"))
    for ch in value:
        if not (ch.isalnum() or ch in "._-"):
            name = unicodedata.name(ch, f"U+{ord(ch):04X}")
            raise BadLogin(
                L_(
                    (
                        "login {value!r}: character {name} is not allowed (letters, digits, "
                        "'.', '_' and '-' only)"
                    ),
                    value=value,
                    name=name,
                )
            )
    login = unicodedata.normalize("NFC", value)
    if len(login) > MAX_LOGIN:
        raise BadLogin(
            L_(
                "login {login!r} is longer than {MAX_LOGIN} characters",
                login=login,
                MAX_LOGIN=MAX_LOGIN,
            )
        )
    return login


def login_key(login: str) -> str:
    return unicodedata.normalize("NFKC", login).casefold()
