"""The trust anchor: the first administrator's key fingerprint, pinned OUTSIDE the database.

Anyone who can write a SQLite file can add an "administrator" with a key of their own; such an
account is not trusted because its certificate chain does not end at the pinned key.
The anchor file is ``SIRENCTL_TRUST_ANCHOR`` if set (a path, not a secret), else
``<database file>.anchor`` next to a SQLite database. Keep it where the people who can write
the database cannot (docs/security.md); ``sirenctl account anchor`` prints it for the logbook.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class Anchor:
    login: str
    key_id: str


def anchor_path(db_url: str) -> Path | None:
    override = os.environ.get("SIRENCTL_TRUST_ANCHOR")
    if override:
        return Path(override)
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database + ".anchor")


def read_anchor(db_url: str) -> Anchor | None:
    path = anchor_path(db_url)
    if path is None or not path.is_file():
        return None
    values: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    if "key_id" not in values:
        return None
    return Anchor(values.get("login", ""), values["key_id"].replace(" ", ""))


def write_anchor(db_url: str, anchor: Anchor) -> Path | None:
    path = anchor_path(db_url)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# sirenctl trust anchor: the first administrator's key (docs/security.md)\n"
        f"login = {anchor.login}\nkey_id = {anchor.key_id}\n",
        "utf-8",
    )
    return path
