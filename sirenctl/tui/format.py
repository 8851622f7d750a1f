"""Small text helpers shared by screens (no Textual code)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sirenctl.config import DEFAULT_TIMEZONE

LOCAL = ZoneInfo(DEFAULT_TIMEZONE)

STATUS_LABELS = {
    "in_service": "in service",
    "faulty": "faulty",
    "under_repair": "under repair",
    "retired": "retired",
}
KIND_LABELS = {
    "hand_crank": "hand-crank",
    "motor": "motor",
    "electronic": "electronic",
    "multimedia": "multimedia",
    "controller": "controller",
    "other": "other",
}


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in the office's time zone."""
    return "" if value is None else value.astimezone(LOCAL).strftime(fmt)


def age_text(seconds: float | None) -> str:
    """``4 s``, ``3 min``, ``2 h``, ``5 d`` (how old a status is)."""
    if seconds is None:
        return "never"
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min"
    if seconds < 86400:
        return f"{seconds // 3600:.0f} h"
    return f"{seconds // 86400:.0f} d"


def countdown(delta: timedelta) -> str:
    """``3 d 04:12:09`` until an event (``now`` when it is due)."""
    total = int(delta.total_seconds())
    if total <= 0:
        return "now"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{days} d {clock}" if days else clock


def mmss(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:d}:{seconds % 60:02d}"
