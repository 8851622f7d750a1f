"""User keymap: remap any binding by its id (as Posting does), from a small TOML file.

# ~/.config/sirenctl/keymap.toml  (or the file named by SIRENCTL_KEYMAP)
[keymap]
"nav.assets" = "f3"
"assets.retire" = "ctrl+x,delete"
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from platformdirs import user_config_dir

from sirenctl.config import APP_NAME


def keymap_path() -> Path:
    override = os.environ.get("SIRENCTL_KEYMAP")
    if override:
        return Path(override).expanduser()
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """(binding id -> keys, problems). A missing file is an empty keymap, not an error."""
    path = path or keymap_path()
    if not path.is_file():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"{path}: {exc}; the keymap was ignored"]
    table = data.get("keymap", {})
    if not isinstance(table, dict):
        return {}, [f'{path}: [keymap] must be a table of "binding.id" = "key"']
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in table.items():
        if isinstance(keys, str) and keys.strip():
            keymap[str(binding_id)] = keys.strip()
        else:
            problems.append(f"{path}: keymap entry {binding_id!r} must be a key string")
    return keymap, problems
