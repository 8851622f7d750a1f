"""Shared pieces of the scheduling commands: time options, spec errors, local display."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from sirenctl.cli.common import CLIError, ExitCode
from sirenctl.dates import impossible_date
from sirenctl.i18n import _, ngettext

DEFAULT_ZONE = "Asia/Shanghai"


class LocalTime(click.ParamType[datetime, Any]):
    """``2026-09-18 12:00`` (Asia/Shanghai) or ISO 8601 with an offset -> aware UTC datetime."""

    name = "TIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("/", "-"))
        except ValueError:
            why = impossible_date(str(value).strip().replace("/", "-"))
            if why:
                self.fail(f"{value!r}: {why}", param, ctx)
            self.fail(
                _(
                    "{value!r}: expected YYYY-MM-DD HH:MM (Asia/Shanghai) or ISO 8601 with offset"
                ).format(value=value),
                param,
                ctx,
            )
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(DEFAULT_ZONE))
        return parsed.astimezone(UTC)


class Day(click.ParamType[date, Any]):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            why = impossible_date(str(value).strip())
            if why:
                self.fail(f"{value!r}: {why}", param, ctx)
            self.fail(_("{value!r}: expected YYYY-MM-DD").format(value=value), param, ctx)


LOCAL_TIME = LocalTime()
DAY = Day()

schedules_option = click.option(
    "--schedules",
    "schedules_dir",
    type=click.Path(file_okay=False),
    help="Directory of schedule files (signals.toml, programmes/, campaigns/); default: the shipped ones.",
)


def local(moment: datetime | None, zone: str = DEFAULT_ZONE, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else moment.astimezone(ZoneInfo(zone)).strftime(fmt)


@contextmanager
def spec_errors() -> Iterator[None]:
    """Schedule-file problems -> exit 3 with one line per problem (file:line: field: message)."""
    from sirenctl.scheduling.spec import SpecError

    try:
        yield
    except SpecError as exc:
        count = len(exc.problems)
        raise CLIError(
            ngettext(
                "{count} problem in the schedule files",
                "{count} problems in the schedule files",
                count,
            ).format(count=count),
            ExitCode.INVALID_INPUT,
            [str(p) for p in exc.problems],
        ) from None


def load(schedules_dir: str | None) -> Any:
    from sirenctl.scheduling.library import load_library

    with spec_errors():
        return load_library(schedules_dir)
