"""``sirenctl programme ...`` and ``sirenctl schedule ...``: the schedule files (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from sirenctl.cli.cmd_scheduling_common import (
    load,
    local,
    schedules_option,
    spec_errors,
)
from sirenctl.cli.common import (
    CLIError,
    ExitCode,
    echo_json,
    echo_table,
    info,
    json_option,
    yes_no,
)
from sirenctl.i18n import L_, N_, _
from sirenctl.labels import HOLIDAY_POLICY, TASK

if TYPE_CHECKING:
    from sirenctl.scheduling.signals import Signal


@click.group()
def programme() -> None:
    """Signal programmes: ordered signals with cycles and gaps (schedules/programmes/*.toml)."""


@programme.command("list")
@schedules_option
@json_option
def programme_list(schedules_dir: str | None, as_json: bool) -> None:
    """List programmes with their steps and total length.

    \b
    Example:
      sirenctl programme list
    """
    from sirenctl.scheduling.durations import format_duration

    library = load(schedules_dir)
    rows = [
        {
            "name": p.key,
            "title": p.title,
            "title_zh": p.title_zh,
            "shown_title": p.shown_title,
            "audible": p.audible,
            "total_s": p.total_seconds,
            "steps": [f"{s.signal.key} x{s.cycles}" for s in p.steps],
        }
        for p in sorted(library.programmes.values(), key=lambda p: p.key)
    ]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["name", "length", "steps", "title"],
        [
            [r["name"], format_duration(r["total_s"]), ", ".join(r["steps"]), r["shown_title"]]
            for r in rows
        ],
    )


TONE_WORDS = {
    "intermittent": N_("intermittent"),
    "steady": N_("steady"),
    "wail": N_("rising/falling"),
    "silent": N_("silent"),
}


def _pattern_words(sig: Signal) -> str:
    """``intermittent: 36 s on, 24 s off x3 = 180 s per cycle`` in the interface language
    (``--json`` keeps the English ``pattern``)."""
    parts = _(", ").join(
        _("{on} s on").format(on=on) + (_(", {off} s off").format(off=off) if off else "")
        for on, off in sig.segments
    )
    times = _(" x{repeat}").format(repeat=sig.repeat) if sig.repeat > 1 else ""
    return _("{tone}: {parts}{times} = {seconds} s per cycle").format(
        tone=_(TONE_WORDS.get(sig.tone, sig.tone)),
        parts=parts,
        times=times,
        seconds=sig.cycle_seconds,
    )


def _start_in_zone(text: str | None, timezone: str) -> datetime | None:
    """``--at`` read in the ``--timezone`` zone (ISO 8601 with an offset keeps its offset)."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CLIError(
            L_(
                "unknown time zone {timezone!r} (e.g. Asia/Shanghai, Europe/Berlin)",
                timezone=timezone,
            ),
            ExitCode.USAGE,
        ) from None
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise CLIError(
            L_(
                (
                    "--at {text!r}: expected YYYY-MM-DD HH:MM (in --timezone) or ISO 8601 "
                    "with offset"
                ),
                text=text,
            ),
            ExitCode.USAGE,
        ) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(UTC)


@programme.command("show")
@click.argument("name")
@click.option(
    "--at",
    "start_text",
    metavar="TIME",
    help="Start time, to print wall-clock times (YYYY-MM-DD HH:MM in --timezone).",
)
@click.option(
    "--timezone",
    default="Asia/Shanghai",
    show_default=True,
    help="Zone in which --at is read and the times are printed.",
)
@schedules_option
@json_option
def programme_show(
    name: str, start_text: str | None, timezone: str, schedules_dir: str | None, as_json: bool
) -> None:
    """Print the timeline of programme NAME: when each signal starts and stops, and the total.

    \b
    Examples:
      sirenctl programme show cn-918-jiangsu --at "2026-09-18 10:00"
      sirenctl programme show de-warntag --at "2027-09-09 11:00" --timezone Europe/Berlin
    """
    from sirenctl.scheduling.durations import format_duration

    start = _start_in_zone(start_text, timezone)
    library = load(schedules_dir)
    try:
        prog = library.programme(name)
    except KeyError as exc:
        raise CLIError(str(exc.args[0]), ExitCode.NOT_FOUND) from None
    rows = []
    for phase in prog.phases():
        sig = phase.signal
        row = {
            "step": phase.index + 1,
            "signal": sig.key,
            "code": sig.code,
            "cycles": phase.step.cycles,
            "start_s": phase.start,
            "stop_s": phase.stop,
            "pattern": sig.pattern_text(),
            "title": sig.title,
            "shown_title": sig.shown_title,
            "pattern_words": _pattern_words(sig),
        }
        if start is not None:
            row["start"] = local(start + timedelta(seconds=phase.start), timezone, "%H:%M:%S")
            row["stop"] = local(start + timedelta(seconds=phase.stop), timezone, "%H:%M:%S")
        rows.append(row)
    if as_json:
        echo_json(
            {
                "name": prog.key,
                "title": prog.title,
                "title_zh": prog.title_zh,
                "total_s": prog.total_seconds,
                "steps": rows,
                "sound_spans": prog.sound_spans(),
                "source": prog.citation,
                "verified": prog.verified,
                "note": prog.note,
            }
        )
        return
    table = [
        [
            r["step"],
            r["shown_title"],
            r["code"],
            r["cycles"],
            r.get("start", f"+{format_duration(r['start_s'])}"),
            r.get("stop", f"+{format_duration(r['stop_s'])}"),
            r["pattern_words"],
        ]
        for r in rows
    ]
    echo_table(
        ["#", "signal", "code", "cycles", "from", "to", "pattern"],
        table,
        title=f"{prog.key}: {prog.shown_title}",
    )
    end = (
        _(" (ends {time})").format(
            time=local(start + timedelta(seconds=prog.total_seconds), timezone, "%H:%M:%S")
        )
        if start
        else ""
    )
    click.echo(
        _("total length: {duration} = {seconds} s{end}").format(
            duration=format_duration(prog.total_seconds), seconds=prog.total_seconds, end=end
        )
    )
    _echo_source(prog.citation, prog.verified, prog.note)


def _echo_source(citation: str, verified: bool, note: str) -> None:
    if citation:
        click.echo(_("source: {citation}").format(citation=citation))
    if not verified:
        click.echo(_("not verified: the source does not confirm every detail of this file"))
    if note:
        click.echo(_("note: {note}").format(note=note))


@click.group()
def schedule() -> None:
    """Campaign files: what to test, on which assets, when (schedules/campaigns/*.toml)."""


@schedule.command("validate")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
def schedule_validate(directory: str | None) -> None:
    """Check every signal, programme and campaign file in DIRECTORY (default: the shipped ones).

    Every problem is printed as FILE:LINE: FIELD: MESSAGE; exit code 3 if there is any.

    \b
    Examples:
      sirenctl schedule validate
      sirenctl schedule validate /etc/sirenctl/schedules
    """
    from sirenctl.scheduling.library import load_library

    with spec_errors():
        library = load_library(directory)
    info(
        _(
            "{directory}: {signals} signals, {programmes} programmes, {campaigns} campaigns: "
            "all valid"
        ).format(
            directory=library.directory,
            signals=len(library.signals),
            programmes=len(library.programmes),
            campaigns=len(library.campaigns),
        )
    )


@schedule.command("list")
@click.option(
    "--all", "show_all", is_flag=True, help="Include disabled campaigns (foreign presets)."
)
@schedules_option
@json_option
def schedule_list(show_all: bool, schedules_dir: str | None, as_json: bool) -> None:
    """List campaigns with their rule and next occurrence.

    \b
    Example:
      sirenctl schedule list --all
    """
    from sirenctl.scheduling.occurrences import occurrences

    library = load(schedules_dir)
    now = datetime.now(UTC)
    rows = []
    for c in sorted(library.campaigns.values(), key=lambda c: c.key):
        if not (c.enabled or show_all):
            continue
        upcoming = occurrences(c, now, now + timedelta(days=800))
        rows.append(
            {
                "name": c.key,
                "title": c.title,
                "title_zh": c.title_zh,
                "task": c.task,
                "when": c.when.describe(),
                "timezone": c.timezone,
                "assets": c.assets.describe(),
                "window_s": c.window,
                "holiday_policy": c.holiday_policy,
                "programme": c.programme,
                "enabled": c.enabled,
                "next": upcoming[0].due.isoformat() if upcoming else None,
                "source": c.citation,
                "verified": c.verified,
                "note": c.note,
            }
        )
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["name", "task", "when", "assets", "holidays", "next", "enabled"],
        [
            [
                r["name"],
                TASK.show(r["task"]),
                f"{r['when']} ({r['timezone']})",
                r["assets"],
                HOLIDAY_POLICY.show(r["holiday_policy"]),
                (r["next"] or "")[:16].replace("T", " "),
                yes_no(r["enabled"]),
            ]
            for r in rows
        ],
    )
    for r in rows:
        if r["note"]:
            click.echo(_("note on {campaign}: {note}").format(campaign=r["name"], note=r["note"]))
