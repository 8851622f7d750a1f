"""Small text helpers shared by screens (no Textual code)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.i18n import N_, _

LOCAL = ZoneInfo(DEFAULT_TIMEZONE)


class Labels(dict[str, str]):
    """English labels (marked ``N_``) that read back in the current language."""

    def __getitem__(self, key: str) -> str:
        return _(super().__getitem__(key))

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if key not in self:
            return default
        return self[key]


STATUS_LABELS = Labels(
    {
        "in_service": N_("in service"),
        "faulty": N_("faulty"),
        "under_repair": N_("under repair"),
        "retired": N_("retired"),
    }
)
KIND_LABELS = Labels(
    {
        "hand_crank": N_("hand-crank"),
        "motor": N_("motor"),
        "electronic": N_("electronic"),
        "multimedia": N_("multimedia"),
        "controller": N_("controller"),
        "other": N_("other"),
    }
)


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
