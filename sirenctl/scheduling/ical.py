"""A minimal RFC 5545 (iCalendar) writer for the agenda a technician imports on a phone.

Written here rather than taken from a dependency: we only emit VEVENTs (with an optional
VALARM) in UTC, which needs escaping (3.3.11), line folding at 75 octets (3.1) and CRLF.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sirenctl.i18n import L_

PRODID = "-//sirenctl//scheduling//EN"


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    start: datetime  # aware
    end: datetime  # aware
    summary: str
    description: str = ""
    location: str = ""
    categories: tuple[str, ...] = ()
    alarm_minutes: int | None = None  # a reminder this many minutes before the start


def escape_text(value: str) -> str:
    """TEXT value escaping of RFC 5545 section 3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError(L_("iCalendar times must be timezone-aware"))
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render_ics(
    events: Iterable[IcsEvent], *, stamp: datetime, name: str = "sirenctl agenda"
) -> str:
    """The whole VCALENDAR as text with CRLF line ends; ``stamp`` is DTSTAMP (injected clock)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART:{_utc(event.start)}",
            f"DTEND:{_utc(event.end)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.categories:
            lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
        if event.alarm_minutes is not None:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{escape_text(event.summary)}",
                f"TRIGGER:-PT{event.alarm_minutes}M",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
