"""``sirenctl holidays``: the holiday table, and entering a year's official arrangement."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import click

from sirenctl.cli.cmd_scheduling_common import DAY, schedules_option, spec_errors
from sirenctl.cli.cmd_scheduling_plan import _period, run_plan
from sirenctl.cli.common import (
    AppContext,
    CLIError,
    ExitCode,
    echo_json,
    echo_table,
    info,
    json_option,
    pass_app,
)
from sirenctl.i18n import L_, _
from sirenctl.labels import DAY_KIND, YEAR_STATUS


@click.group()
def holidays() -> None:
    """Public holidays and adjusted working days (调休), per country and year.

    Seeded from chinese-calendar and holidays; each year is official or provisional. Planning
    into a provisional year works and flags the work orders; marking it official re-plans them.
    """


def _years_rows(session: Any, country: str | None) -> list[dict[str, Any]]:
    from sirenctl.scheduling.holidays_db import list_days, list_years

    out = []
    for row in list_years(session, country):
        days = list_days(session, row.country, row.year)
        out.append(
            {
                "country": row.country,
                "year": row.year,
                "status": row.status,
                "source": row.source,
                "holidays": sum(d.kind == "holiday" for d in days),
                "workdays": sum(d.kind == "workday" for d in days),
            }
        )
    return out


@holidays.command("status")
@click.option("--country", help="Only this country (ISO code, e.g. CN).")
@json_option
@pass_app
def holidays_status(app: AppContext, country: str | None, as_json: bool) -> None:
    """Years in the holiday table, official or provisional.

    \b
    Example:
      sirenctl holidays status --country CN
    """
    import sirenctl.models.scheduling  # noqa: F401

    with app.db.session() as session:
        rows = _years_rows(session, country)
    if as_json:
        echo_json(rows)
    else:
        echo_table(
            ["country", "year", "status", "source", "days off", "adjusted workdays"],
            [
                [
                    r["country"],
                    r["year"],
                    YEAR_STATUS.show(r["status"]),
                    r["source"],
                    r["holidays"],
                    r["workdays"],
                ]
                for r in rows
            ],
        )
    next_year = datetime.now(UTC).year + 1
    for r in rows:
        if r["year"] == next_year and r["status"] != "official":
            info(
                _("warning: {country} {year} is still provisional").format(
                    country=r["country"], year=next_year
                )
            )


@holidays.command("list")
@click.option("--year", type=int, required=True)
@click.option("--country", default="CN", show_default=True)
@json_option
@pass_app
def holidays_list(app: AppContext, year: int, country: str, as_json: bool) -> None:
    """Days off and adjusted working days of one year (seeds the year if needed).

    \b
    Example:
      sirenctl holidays list --year 2026
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.holidays_db import ensure_years, list_days, list_years

    with app.db.transaction() as session:
        ensure_years(session, country, [year], operator=app.operator)
        days = [
            {"day": d.day.isoformat(), "kind": d.kind, "name": d.name}
            for d in list_days(session, country, year)
        ]
        status = next(y.status for y in list_years(session, country) if y.year == year)
    if as_json:
        echo_json({"country": country.upper(), "year": year, "status": status, "days": days})
        return
    echo_table(
        ["day", "weekday", "kind", "name"],
        [
            [
                d["day"],
                date.fromisoformat(d["day"]).strftime("%a"),
                DAY_KIND.show(d["kind"]),
                d["name"],
            ]
            for d in days
        ],
        title=f"{country.upper()} {year} ({YEAR_STATUS.show(status)})",
    )


@holidays.command("seed")
@click.option("--year", "years", type=int, multiple=True, required=True, help="Year (repeatable).")
@click.option("--country", default="CN", show_default=True)
@click.option(
    "--refresh", is_flag=True, help="Replace the year's days with the libraries' current data."
)
@pass_app
def holidays_seed(app: AppContext, years: tuple[int, ...], country: str, refresh: bool) -> None:
    """Copy years from chinese-calendar / holidays into the table.

    \b
    Example:
      sirenctl holidays seed --year 2026 --year 2027
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.holidays_db import seed_year

    with app.db.transaction() as session:
        for year in years:
            row = seed_year(session, country, year, operator=app.operator, refresh=refresh)
            info(
                _("{country} {year}: {status} (from {source})").format(
                    country=row.country,
                    year=row.year,
                    status=YEAR_STATUS.show(row.status),
                    source=row.source,
                )
            )


@holidays.command("set")
@click.argument("when", metavar="DAY|YEAR")
@click.option(
    "--kind",
    type=click.Choice(["holiday", "workday"]),
    help="With DAY: holiday (a day off) or workday (an adjusted working day, 调休上班).",
)
@click.option("--name", help="e.g. 国庆节 (with DAY; with YEAR the name for values without =NAME).")
@click.option(
    "--off",
    "off",
    multiple=True,
    help="With YEAR: days off, DATE or FIRST..LAST, optionally =NAME (repeatable).",
)
@click.option(
    "--workday",
    "workdays",
    multiple=True,
    help="With YEAR: an adjusted working day, optionally =NAME (repeatable).",
)
@click.option(
    "--file",
    "toml_file",
    type=click.Path(dir_okay=False, exists=True),
    help="With YEAR: the arrangement as a TOML file (see docs/scheduling.md).",
)
@click.option("--source", default="", help="With YEAR: the notice, e.g. its title and date.")
@click.option("--country", default="CN", show_default=True)
@click.option(
    "--replan/--no-replan",
    default=True,
    show_default=True,
    help="With YEAR: re-plan the year's future work orders and show the diff.",
)
@schedules_option
@pass_app
def holidays_set(
    app: AppContext,
    when: str,
    kind: str | None,
    name: str | None,
    off: tuple[str, ...],
    workdays: tuple[str, ...],
    toml_file: str | None,
    source: str,
    country: str,
    replan: bool,
    schedules_dir: str | None,
) -> None:
    """Enter one day, or a whole year's official arrangement the day it is published.

    With YEAR give the whole notice: every break and every adjusted working day of the
    year. They replace the year's days (the removed ones are listed), the year is marked
    official and its future work orders are re-planned (the diff is shown). Give them with
    --off/--workday or --file (TOML). With DAY one day is added or changed.

    \b
    Examples:
      sirenctl holidays set 2027 --file 2027-arrangement.toml
      sirenctl holidays set 2027 --source "国务院办公厅 2027 通知" \\
          --off 2027-01-01..2027-01-03=元旦 --off 2027-02-05..2027-02-12=春节 \\
          --workday 2027-01-31=春节 --off 2027-10-01..2027-10-07=国庆节
      sirenctl holidays set 2026-10-10 --kind workday --name "国庆节调休上班"
    """
    import sirenctl.models.scheduling  # noqa: F401

    if len(when) == 4 and when.isdigit():
        from sirenctl.scheduling import holiday_arrangement as arr

        if kind:
            raise CLIError(
                L_("--kind is for a single DAY; with YEAR give --off/--workday"), ExitCode.USAGE
            )
        if toml_file and (off or workdays):
            raise CLIError(L_("give --file or --off/--workday, not both"), ExitCode.USAGE)
        if not (toml_file or off or workdays):
            raise CLIError(L_("give the days: --off/--workday, or --file FILE"), ExitCode.USAGE)
        with _arrangement_errors(toml_file):
            arrangement = (
                arr.from_toml(toml_file, year=int(when))
                if toml_file
                else arr.from_options(
                    int(when), country, source, off, workdays, name or "public holiday"
                )
            )
        _enter_arrangement(app, arrangement, replan=replan, schedules_dir=schedules_dir)
        return
    day = DAY.convert(when, None, click.get_current_context())
    if kind is None or not name:
        raise CLIError(L_("a single DAY needs --kind and --name"), ExitCode.USAGE)
    from sirenctl.scheduling.holidays_db import set_day

    with app.db.transaction() as session:
        set_day(session, country, day, kind, name, operator=app.operator)
    info(
        _(
            "{country} {day}: {kind} ({name}); re-plan to apply it: sirenctl plan --year {year}"
        ).format(
            country=country.upper(), day=day, kind=DAY_KIND.show(kind), name=name, year=day.year
        )
    )


@holidays.command("import")
@click.argument("text_file", metavar="FILE", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--replan/--no-replan",
    default=True,
    show_default=True,
    help="Re-plan the year's future work orders and show the diff.",
)
@schedules_option
@pass_app
def holidays_import(
    app: AppContext, text_file: str, replan: bool, schedules_dir: str | None
) -> None:
    """Enter a year's official arrangement from a text file, one entry a line.

    \b
    The format (docs/scheduling.md):
      year 2027
      source 国务院办公厅关于2027年部分节假日安排的通知
      2027-10-01..2027-10-07 off 国庆节
      2027-09-26 work 国庆节调休上班
    \b
    The year is marked official and re-planned. Example:
      sirenctl holidays import 2027.txt
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.holiday_arrangement import from_text

    with _arrangement_errors(text_file):
        arrangement = from_text(text_file)
    _enter_arrangement(app, arrangement, replan=replan, schedules_dir=schedules_dir)


@contextmanager
def _arrangement_errors(path: str | None) -> Iterator[None]:
    try:
        with spec_errors():
            yield
    except UnicodeDecodeError as exc:
        raise CLIError(
            L_(
                "{path}: not UTF-8 text (byte {start}); save it as UTF-8",
                path=path,
                start=exc.start,
            ),
            ExitCode.INVALID_INPUT,
        ) from None


def _enter_arrangement(
    app: AppContext, arrangement: Any, *, replan: bool, schedules_dir: str | None
) -> None:
    from sirenctl.scheduling.holidays_db import set_arrangement

    with app.db.transaction() as session:
        change = set_arrangement(session, arrangement, operator=app.operator)
    for entry in change.added:
        info(f"+ {entry.day} {DAY_KIND.show(entry.kind)}: {entry.name}")
    for entry in change.removed:
        info(f"- {entry.day} {DAY_KIND.show(entry.kind)}: {entry.name}")
    for before, after in change.changed:
        info(
            f"~ {after.day} {DAY_KIND.show(before.kind)} -> {DAY_KIND.show(after.kind)}: "
            f"{after.name}"
        )
    info(
        _(
            "{country} {year} is now official ({days} days; {added} added, {removed} removed, "
            "{changed} changed)"
        ).format(
            country=change.country,
            year=change.year,
            days=len(arrangement.days),
            added=len(change.added),
            removed=len(change.removed),
            changed=len(change.changed),
        )
    )
    if replan:
        start, end = _period(change.year, None, None)
        run_plan(app, schedules_dir, start, end, dry_run=False, as_json=False)


@holidays.command("show")
@click.argument("year", type=int)
@click.option("--country", default="CN", show_default=True)
@json_option
@pass_app
def holidays_show(app: AppContext, year: int, country: str, as_json: bool) -> None:
    """A year's days off and adjusted working days, official or provisional (and from where).

    \b
    Example:
      sirenctl holidays show 2027
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.holidays_db import ensure_years, list_days, list_years

    if not 1900 <= year <= 2200:
        raise CLIError(L_("year {year} is out of range (1900-2200)", year=year), ExitCode.USAGE)
    with app.db.transaction() as session:
        ensure_years(session, country, [year], operator=app.operator)
        row = next(y for y in list_years(session, country) if y.year == year)
        status, source = row.status, row.source
        days = [
            {"day": d.day.isoformat(), "kind": d.kind, "name": d.name}
            for d in list_days(session, country, year)
        ]
    if as_json:
        echo_json(
            {
                "country": country.upper(),
                "year": year,
                "status": status,
                "source": source,
                "days": days,
            }
        )
    else:
        echo_table(
            ["day", "weekday", "kind", "name"],
            [
                [
                    d["day"],
                    date.fromisoformat(d["day"]).strftime("%a"),
                    DAY_KIND.show(d["kind"]),
                    d["name"],
                ]
                for d in days
            ],
            title=f"{country.upper()} {year}: {YEAR_STATUS.show(status)} ({source})",
        )
    if status != "official":
        info(
            _(
                "warning: holidays of {country} {year} are provisional ({source}); enter the "
                "official arrangement when it is published: sirenctl holidays set {year} --file FILE"
            ).format(country=country.upper(), year=year, source=source)
        )


@holidays.command("remove")
@click.argument("day", type=DAY)
@click.option("--country", default="CN", show_default=True)
@pass_app
def holidays_remove(app: AppContext, day: date, country: str) -> None:
    """Remove one day from the table.

    \b
    Example:
      sirenctl holidays remove 2026-10-10
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.holidays_db import remove_day

    with app.db.transaction() as session:
        remove_day(session, country, day, operator=app.operator)
    info(_("{country} {day} removed").format(country=country.upper(), day=day))


@holidays.command("mark")
@click.argument("year", type=int)
@click.argument("status", type=click.Choice(["official", "provisional"]))
@click.option("--country", default="CN", show_default=True)
@click.option(
    "--replan/--no-replan",
    default=True,
    show_default=True,
    help="Re-plan the year's future work orders after marking it official.",
)
@schedules_option
@pass_app
def holidays_mark(
    app: AppContext, year: int, status: str, country: str, replan: bool, schedules_dir: str | None
) -> None:
    """Mark a year official (the notice is out and the table matches it) or provisional.

    \b
    Example:
      sirenctl holidays mark 2027 official
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.holidays_db import mark_year

    with app.db.transaction() as session:
        mark_year(session, country, year, status, operator=app.operator)
    info(
        _("{country} {year} is now {status}").format(
            country=country.upper(), year=year, status=YEAR_STATUS.show(status)
        )
    )
    if replan and status == "official":
        start, end = _period(year, None, None)
        run_plan(app, schedules_dir, start, end, dry_run=False, as_json=False)
