"""Why a date is impossible, in words: "February 2027 has no day 30", not a format error.

Used by every date and time parser of the CLI, the forms and the imports
(sirenctl/registry/fields.py, sirenctl/findings/localtime.py, sirenctl/cli/cmd_scheduling_common.py).
"""

from __future__ import annotations

import calendar
import re

from sirenctl.i18n import N_, _

MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
_DATE = re.compile(r"^\s*(\d{1,6})[-/](\d{1,2})[-/](\d{1,2})(?:$|[ T])")
_TIME = re.compile(r"[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?")


def impossible_date(text: str) -> str | None:
    """A sentence saying why ``text`` (YYYY-MM-DD, optionally followed by a time) names no real
    day or time, or None when it does (or is not shaped like a date at all)."""
    match = _DATE.match(text)
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= year <= 9999:
        return _("year {year} is out of range (1-9999)").format(year=year)
    if not 1 <= month <= 12:
        return _("there is no month {month}").format(month=month)
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return _("{month_name} {year} has no day {day}").format(
            month_name=_(MONTHS[month - 1]), year=year, day=day
        )
    clock = _TIME.search(text, match.end() - 1)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        second = int(clock.group(3) or 0)
        if hour > 23 or minute > 59 or second > 59:
            return _("{time} is not a time of day").format(time=clock.group(0).strip())
    return None
