"""Small text helpers shared by screens (no Textual code)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.i18n import _
from sirenctl.labels import ASSET_KIND as KIND_LABELS
from sirenctl.labels import ASSET_STATUS as STATUS_LABELS
from sirenctl.labels import Labels

__all__ = [
    "KIND_LABELS",
    "LOCAL",
    "STATUS_LABELS",
    "Labels",
    "age_text",
    "countdown",
    "local_time",
    "mmss",
]

LOCAL = ZoneInfo(DEFAULT_TIMEZONE)


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in the office's time zone."""
    return "" if value is None else value.astimezone(LOCAL).strftime(fmt)


def age_text(seconds: float | None) -> str:
    """``4 s``, ``3 min``, ``2 h``, ``5 d`` (how old a status is)."""
    if seconds is None:
        return _("never")
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min"
    if seconds < 86400:
        return f"{seconds // 3600:.0f} h"
    return f"{seconds // 86400:.0f} d"


def countdown(delta: timedelta) -> str:
    """``3 d 4 h 12 min`` until an event (``now`` when it is due): units, never ``04:12:09``,
    which at 80 columns read like the clock time of the sounding."""
    total = int(delta.total_seconds())
    if total <= 0:
        return _("now")
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return _("{days} d {hours} h {minutes} min").format(days=days, hours=hours, minutes=minutes)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=seconds)


def mmss(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:d}:{seconds % 60:02d}"
