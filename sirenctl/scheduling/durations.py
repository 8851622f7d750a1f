"""Durations written as ``"3m"``, ``"1h30m"``, ``"90s"``, ``"7d"`` or a number of seconds."""

from __future__ import annotations

import re

from sirenctl.i18n import L_

_PART = re.compile(r"(\d+)\s*([dhms])")
_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(value: object) -> int:
    """Whole seconds; raises ValueError with a readable message."""
    if isinstance(value, bool):
        raise ValueError(L_('must be a duration such as "3m" or a number of seconds'))
    if isinstance(value, int):
        if value < 0:
            raise ValueError(L_("must not be negative, got {value}", value=value))
        return value
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if text and _PART.sub("", text) == "":
            return sum(int(n) * _UNIT[u] for n, u in _PART.findall(text))
    raise ValueError(
        L_(
            ('must be a duration such as "3m", "1h30m", "90s" or seconds, got {value!r}'),
            value=value,
        )
    )


def format_duration(seconds: float) -> str:
    """``900`` -> ``15m``; ``101`` -> ``1m41s``; ``0`` -> ``0s``."""
    total = int(round(seconds))
    if total == 0:
        return "0s"
    out = ""
    for unit, size in _UNIT.items():
        count, total = divmod(total, size)
        if count:
            out += f"{count}{unit}"
    return out
