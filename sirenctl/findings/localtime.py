"""Local (site time zone) dates and times for input and display; storage is UTC."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.timeutil import ensure_utc


def local_date(moment: datetime, timezone: str = DEFAULT_TIMEZONE) -> date:
    return ensure_utc(moment).astimezone(ZoneInfo(timezone)).date()


def fmt_local(moment: datetime | None, timezone: str = DEFAULT_TIMEZONE) -> str:
    if moment is None:
        return ""
    return ensure_utc(moment).astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def parse_local_datetime(raw: str, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """``2025-03-10 09:30`` (site time) or an ISO time with an offset; a date alone means 00:00."""
    text = raw.strip().replace("/", "-")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        from sirenctl.dates import impossible_date
        from sirenctl.i18n import _

        raise ValueError(
            impossible_date(text)
            or _("expected a time as YYYY-MM-DD HH:MM (site time) or ISO 8601")
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return ensure_utc(value)
