"""The iCalendar writer: RFC 5545 escaping, folding at 75 octets, CRLF, UTC times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sirenctl.scheduling.ical import IcsEvent, escape_text, fold, render_ics

STAMP = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_event_lines_and_utc_times():
    start = datetime(2026, 9, 18, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    event = IcsEvent(
        "wo-1@sirenctl",
        start,
        start.replace(minute=15),
        "9·18 trial sounding; HC-01",
        description="crank at 12:00,\nstop at 12:03",
        location="东湖社区",
        categories=("trial_sounding",),
        alarm_minutes=30,
    )
    text = render_ics([event], stamp=STAMP)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines
    assert "DTSTART:20260918T040000Z" in lines and "DTEND:20260918T041500Z" in lines
    assert "DTSTAMP:20260901T080000Z" in lines
    assert "SUMMARY:9·18 trial sounding\\; HC-01" in lines
    assert "DESCRIPTION:crank at 12:00\\,\\nstop at 12:03" in lines
    assert "LOCATION:东湖社区" in lines and "TRIGGER:-PT30M" in lines
    assert lines.count("BEGIN:VEVENT") == 1 and lines[-2] == "END:VCALENDAR"


def test_folding_never_splits_utf8_and_limits_octets():
    line = "DESCRIPTION:" + "手摇警报器检查" * 20
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_escape_backslash_first():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_naive_times_refused():
    event = IcsEvent("x", datetime(2026, 1, 1), datetime(2026, 1, 1, 1), "x")
    with pytest.raises(ValueError, match="timezone-aware"):
        render_ics([event], stamp=STAMP)
