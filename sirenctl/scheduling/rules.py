"""When a campaign falls due: a crontab line or a named rule, turned into APScheduler triggers.

Named rules (the ``[when]`` table of a campaign)::

    rule = "fixed_date"    month = 9, day = 18, time = "10:00"   (the shipped 9·18 default:
                           Jiangsu's cited 10:00 programme, campaigns/cn-918-trial-sounding.toml)
    rule = "nth_weekday"   n = 1..5, weekday = "wed", months = [2] (default every month),
                           non_holiday = true to count only working days (Finland)
    rule = "last_weekday"  weekday = "fri", months = [...]
    cron = "0 12 * * 3"    a crontab line (0 and 7 are Sunday, as in cron); it cannot say
                           "1st Wednesday" (cron ORs day of month and day of week): use a rule

A campaign's ``[skip_days]`` (:class:`DaySpec`) names days it never runs on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from sirenctl.i18n import L_
from sirenctl.scheduling.crontab import CrontabError, crontab_trigger
from sirenctl.scheduling.holiday_calendar import HolidayCalendar
from sirenctl.scheduling.spec import Fields

RULES = ("fixed_date", "nth_weekday", "last_weekday")
_DAY_RULE = re.compile(r"^(1st|2nd|3rd|4th|5th|last) (mon|tue|wed|thu|fri|sat|sun) of (\d{1,2})$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th"}


@dataclass(frozen=True)
class WhenRule:
    """A parsed ``[when]`` table; ``trigger(tz)`` gives the APScheduler trigger."""

    kind: str  # "cron" or one of RULES
    cron: str | None = None
    month: int | None = None
    day: int | None = None
    n: int | None = None
    weekday: str | None = None
    months: tuple[int, ...] = ()
    at: time = time(0, 0)
    non_holiday: bool = False

    def describe(self) -> str:
        months = ",".join(str(m) for m in self.months) if self.months else "every month"
        hhmm = self.at.strftime("%H:%M")
        if self.kind == "cron":
            return f"cron '{self.cron}'"
        if self.kind == "fixed_date":
            return f"every {self.month:02d}-{self.day:02d} at {hhmm}"
        which = "last" if self.kind == "last_weekday" else ORDINALS[self.n or 1]
        extra = " non-holiday" if self.non_holiday else ""
        return f"{which}{extra} {self.weekday} of {months} at {hhmm}"

    def trigger(self, timezone: tzinfo) -> BaseTrigger:
        if self.kind == "cron":
            assert self.cron is not None
            return crontab_trigger(self.cron, timezone)
        common = {"hour": self.at.hour, "minute": self.at.minute, "second": 0, "timezone": timezone}
        months = ",".join(str(m) for m in self.months) or "*"
        if self.kind == "fixed_date":
            return CronTrigger(month=self.month, day=self.day, **common)
        if self.non_holiday:  # every such weekday; the nth working one is picked in fire_times
            return CronTrigger(month=months, day_of_week=self.weekday, **common)
        which = "last" if self.kind == "last_weekday" else ORDINALS[self.n or 1]
        return CronTrigger(month=months, day=f"{which} {self.weekday}", **common)

    @property
    def uses_holidays(self) -> bool:
        return self.non_holiday

    def fire_times(
        self,
        timezone: tzinfo,
        start: datetime,
        end: datetime,
        calendar: HolidayCalendar | None = None,
        country: str = "CN",
    ) -> Iterator[datetime]:
        """Aware local fire times in ``[start, end)``."""
        times = iterate_trigger(self.trigger(timezone), start, end)
        if not self.non_holiday:
            yield from times
            return
        cal = calendar or HolidayCalendar()
        counts: dict[tuple[int, int], int] = {}
        for fire in _month_aligned(self, timezone, start, end):
            key = (fire.year, fire.month)
            if not cal.is_workday(country, fire.date()):
                continue
            counts[key] = counts.get(key, 0) + 1
            wanted = counts[key] == self.n if self.kind == "nth_weekday" else False
            if wanted and start <= fire < end:
                yield fire


def _month_aligned(
    rule: WhenRule, timezone: tzinfo, start: datetime, end: datetime
) -> Iterator[datetime]:
    """Fire times from the first of ``start``'s month, so counting within a month is right."""
    first = datetime.combine(date(start.year, start.month, 1), time(0), tzinfo=timezone)
    return iterate_trigger(rule.trigger(timezone), first, end)


@dataclass(frozen=True)
class DaySpec:
    """A day of the year on which a campaign never runs: ``"05-04"`` or ``"1st sat of 10"``."""

    text: str
    reason: str
    month: int
    day: int | None = None  # fixed day of month
    n: int | None = None  # 1..5, or 0 for "last"
    weekday: int | None = None  # 0 = Monday

    def matches(self, day: date) -> bool:
        if day.month != self.month:
            return False
        if self.day is not None:
            return day.day == self.day
        if day.weekday() != self.weekday:
            return False
        if self.n == 0:
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == self.n


def parse_day_spec(text: str, reason: str) -> DaySpec:
    """``"MM-DD"`` or ``"<1st..5th|last> <mon..sun> of <month>"``; ValueError if neither."""
    spec = text.strip().lower()
    found = _DAY_RULE.match(spec)
    if found:
        month = int(found.group(3))
        if not 1 <= month <= 12:
            raise ValueError(L_("month must be 1..12, got {month}", month=month))
        which = found.group(1)
        n = 0 if which == "last" else int(which[0])
        return DaySpec(text, reason, month, n=n, weekday=WEEKDAYS.index(found.group(2)))
    try:
        month_text, day_text = spec.split("-")
        month, day = int(month_text), int(day_text)
        date(2024, month, day)  # a leap year accepts 29 February
    except ValueError:
        raise ValueError(
            L_(
                ('{text!r}: expected "MM-DD" (e.g. "05-04") or a rule such as "1st sat of 10"'),
                text=text,
            )
        ) from None
    return DaySpec(text, reason, month, day=day)


def iterate_trigger(trigger: BaseTrigger, start: datetime, end: datetime) -> Iterator[datetime]:
    """Every fire time of an APScheduler trigger in ``[start, end)``, each wall-clock time once.

    When clocks go back, a local time such as 02:30 happens twice; APScheduler then keeps
    returning the second one (it is never "after" itself in wall-clock terms). We step the
    search forward in UTC and, like cron, fire only once for the repeated wall-clock time.
    A time inside the hour skipped in spring fires one hour later (02:30 -> 03:30).
    """
    fire = trigger.get_next_fire_time(None, start)
    last_wall: datetime | None = None
    while fire is not None and fire < end:
        wall = fire.replace(tzinfo=None)
        if wall != last_wall:
            # normalise: a time in the hour skipped in spring reads as the real wall time
            yield fire.astimezone(UTC).astimezone(fire.tzinfo)
        last_wall = wall
        step = timedelta(microseconds=1)
        after = fire.astimezone(UTC)
        following = trigger.get_next_fire_time(None, after + step)
        while following is not None and following.astimezone(UTC) <= after:
            step *= 2
            following = trigger.get_next_fire_time(None, after + step)
        fire = following


def parse_when(fields: Fields, timezone: tzinfo | None) -> WhenRule | None:
    """Validate a ``[when]`` table; problems are recorded on ``fields``."""
    cron = fields.text("cron")
    rule = fields.choice("rule", RULES)
    if cron is not None and rule is not None:
        fields.problem("rule", L_("give either cron or rule, not both"))
        return None
    if cron is None and rule is None:
        if "cron" not in fields.table and "rule" not in fields.table:
            fields.problem(
                "rule", L_("is required (one of {value}), or give cron", value=", ".join(RULES))
            )
        return None
    if cron is not None:
        fields.reject_unknown()
        try:
            crontab_trigger(cron, timezone or UTC)
        except CrontabError as exc:
            fields.problem("cron", str(exc))
            return None
        return WhenRule("cron", cron=cron)
    at = _parse_time(fields)
    weekday = month = day = n = None
    months: tuple[int, ...] = ()
    non_holiday = False
    if rule == "fixed_date":
        month = fields.integer("month", required=True, low=1, high=12)
        day = fields.integer("day", required=True, low=1, high=31)
        if month and day:
            try:
                date(2024, month, day)  # a leap year accepts 29 February
            except ValueError:
                fields.problem("day", L_("month {month} has no day {day}", month=month, day=day))
                day = None
    else:
        if rule == "nth_weekday":
            n = fields.integer("n", required=True, low=1, high=5)
            non_holiday = bool(fields.get("non_holiday", bool, default=False))
        weekday = fields.choice("weekday", WEEKDAYS, required=True)
        months = _parse_months(fields)
    fields.reject_unknown()
    if at is None or (rule == "fixed_date" and not (month and day)):
        return None
    if rule != "fixed_date" and (
        weekday is None or months is None or (rule == "nth_weekday" and not n)
    ):
        return None
    return WhenRule(
        rule or "",
        month=month,
        day=day,
        n=n,
        weekday=weekday,
        months=months or (),
        at=at,
        non_holiday=non_holiday,
    )


def _parse_time(fields: Fields) -> time | None:
    text = fields.text("time", required=True)
    if text is None:
        return None
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        fields.problem(
            "time", L_("must be HH:MM in the campaign's time zone, got {text!r}", text=text)
        )
        return None
    return parsed.replace(second=0, microsecond=0)


def _parse_months(fields: Fields) -> tuple[int, ...]:
    value = fields.get("months", (list, str), default=[])
    if value in ("*", [], None):
        return ()
    if not isinstance(value, list) or not all(
        isinstance(m, int) and not isinstance(m, bool) and 1 <= m <= 12 for m in value
    ):
        fields.problem("months", L_('must be a list of month numbers 1..12 or "*"'))
        return ()
    return tuple(sorted(set(value)))
