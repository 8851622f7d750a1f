"""Crontab lines to APScheduler 3 triggers, meaning what they mean to cron.

APScheduler parses every field (no cron parser of ours), but two things must be
translated first:

* day of week: cron counts 0 (and 7) as Sunday, APScheduler's ``from_crontab`` counts 0 as
  Monday (docs/development.md, "Dependency pitfalls"), so ``0 12 * * 3`` would fire on Thursdays. We turn the field
  into weekday names, which mean the same to both;
* day of month *and* day of week both restricted: cron fires when *either* matches,
  APScheduler only when both do; we combine two triggers with ``OrTrigger``.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

from sirenctl.i18n import L_

CRON_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_NUMERIC_TOKEN = re.compile(rf"^(\*|(\d+|{_MONTHS})(-(\d+|{_MONTHS}))?)(/\d+)?$", re.IGNORECASE)
_FIELDS = ("minute", "hour", "day of month", "month", "day of week")


class CrontabError(ValueError):
    """A crontab line cron would not accept; the message names the field."""


def _dow_value(text: str) -> int:
    lowered = text.lower()
    if lowered in CRON_DAY_NAMES:
        return CRON_DAY_NAMES.index(lowered)
    if lowered.isdigit() and 0 <= int(lowered) <= 7:
        return int(lowered) % 7
    raise CrontabError(L_("day of week: {text!r} is not 0-7 or sun..sat", text=text))


def translate_day_of_week(field: str) -> str:
    """Crontab day-of-week field -> APScheduler names, e.g. ``"0,6"`` -> ``"sun,sat"``.

    Returns ``"*"`` for every day.
    """
    days: set[int] = set()
    for token in field.split(","):
        base, _, step_text = token.partition("/")
        if (step_text and not step_text.isdigit()) or step_text == "0":
            raise CrontabError(L_("day of week: bad step in {token!r}", token=token))
        step = int(step_text) if step_text else 1
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            low, _, high = base.partition("-")
            first, last = _dow_value(low), _dow_value(high)
            if high.strip() == "7" or high.lower() == "sun" and low.lower() != "sun":
                last = 7  # a range may end on Sunday written as 7
            if last < first:
                raise CrontabError(L_("day of week: range {base!r} runs backwards", base=base))
        else:
            if step_text:
                raise CrontabError(
                    L_("day of week: a step needs a range or '*', got {token!r}", token=token)
                )
            first = last = _dow_value(base)
        days.update(day % 7 for day in range(first, last + 1, step))
    if days == set(range(7)):
        return "*"
    # APScheduler's weekday order starts on Monday; the order in the list does not matter.
    return ",".join(CRON_DAY_NAMES[d] for d in sorted(days, key=lambda d: (d - 1) % 7))


def crontab_trigger(line: str, timezone: tzinfo) -> BaseTrigger:
    """An APScheduler trigger firing exactly when cron would run ``line`` (5 fields or a macro)."""
    text = MACROS.get(line.strip().lower(), line.strip())
    fields = text.split()
    if len(fields) != 5:
        raise CrontabError(
            L_(
                ("needs 5 fields (minute hour day-of-month month day-of-week), got {count}"),
                count=len(fields),
            )
        )
    minute, hour, dom, month, dow = fields
    for name, value in zip(_FIELDS[:4], fields[:4], strict=True):
        for token in value.split(","):
            if not _NUMERIC_TOKEN.match(token) or (
                name != "month" and re.search("[a-z]", token, re.I)
            ):
                raise CrontabError(
                    L_("{name}: {token!r} is not valid crontab syntax", name=name, token=token)
                )
    days = translate_day_of_week(dow)
    common = {"minute": minute, "hour": hour, "month": month, "second": 0, "timezone": timezone}
    try:
        if not dom.startswith("*") and not dow.startswith("*"):
            # cron: either the day of month or the day of week matches
            return OrTrigger(
                [CronTrigger(day=dom, **common), CronTrigger(day_of_week=days, **common)]
            )
        return CronTrigger(day=dom, day_of_week=days, **common)
    except ValueError as exc:
        raise CrontabError(str(exc)) from None
