"""``sirenctl bench sound`` and ``sirenctl cancel``: audible commands, bench units only."""

from __future__ import annotations

from typing import Any

import click

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
from sirenctl.i18n import _


@click.group()
def bench() -> None:
    """Test-bench commands: sound a programme on a BENCH unit.

    Only assets flagged as bench units (asset edit TAG --bench) can be sounded here; live sirens
    are refused. Live soundings go through approved work orders (see `sirenctl approve`).
    """


@bench.command("sound")
@click.argument("tag")
@click.option(
    "--programme",
    "programme_key",
    required=True,
    help="Programme name (see `sirenctl programme list`), e.g. cn-918-noon.",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=1.0),
    default=1.0,
    show_default=True,
    help="Compress the waits between steps. Only for a simulated bench started with "
    "`sirenctl sim run --time-scale` at the same factor.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.05, 30),
    default=2.0,
    show_default=True,
    help="Seconds the controller may take to answer one request.",
)
@click.option(
    "--schedules",
    "schedules_dir",
    type=click.Path(file_okay=False),
    help="Directory of schedule files (default: the shipped ones).",
)
@json_option
@pass_app
def bench_sound(
    app: AppContext,
    tag: str,
    programme_key: str,
    time_scale: float,
    timeout: float,
    schedules_dir: str | None,
    as_json: bool,
) -> None:
    """Play programme NAME on bench unit TAG and report what the controller echoed.

    Each step is sent once (never retried) and verified by reading back the controller's
    last-function echo; a step the controller accepted but did not play is reported as failed
    to sound. Every command and its outcome go to the audit log.

    \b
    Exit code: 0 every step played; 8 a step failed or failed to sound; 9 the controller did
    not answer; 7 refused (not a bench unit).

    \b
    Example:
      sirenctl bench sound BENCH-01 --programme cn-growl
    """
    import asyncio

    from sirenctl.devices import AuditWriter, NotABenchUnit, bench_permit, endpoint_for
    from sirenctl.registry.assets import get_asset
    from sirenctl.scheduling.library import load_library
    from sirenctl.scheduling.spec import SpecError

    try:
        programme = load_library(schedules_dir).programme(programme_key)
    except KeyError as exc:
        raise CLIError(str(exc.args[0]), ExitCode.NOT_FOUND) from None
    except SpecError as exc:
        raise CLIError(
            _("schedule files have problems"),
            ExitCode.INVALID_INPUT,
            [str(p) for p in exc.problems],
        ) from None
    with app.db.session() as session:
        asset = get_asset(session, tag)
        try:
            permit = bench_permit(asset)
            endpoint = endpoint_for(asset, timeout=timeout)
        except NotABenchUnit as exc:
            from sirenctl.bench_results import audit_bench_refusal

            audit_bench_refusal(
                app.db,
                operator=app.operator,
                tag=tag,
                programme=programme_key,
                reason=str(exc),
                via="bench sound",
            )
            raise
    if time_scale != 1.0 and not _simulated(endpoint):
        raise CLIError(
            _(
                "--time-scale is only for simulated benches (loopback or a pty); {tag} is at "
                "{endpoint}"
            ).format(tag=tag, endpoint=endpoint.describe()),
            ExitCode.REFUSED,
        )
    info(
        _("BENCH TEST: {tag} will play {programme} ({title}), {seconds} s").format(
            tag=tag,
            programme=programme.key,
            title=programme.title,
            seconds=programme.total_seconds,
        )
    )
    from sirenctl.devices import programme_steps
    from sirenctl.drivers.operations import bench_sound

    played = asyncio.run(
        bench_sound(
            tag,
            endpoint,
            programme_steps(programme),
            permit,
            audit=AuditWriter(app.db, app.operator),
            time_scale=time_scale,
        )
    )
    from sirenctl.bench_results import record_bench_result

    outcome, result_id = record_bench_result(
        app.db, tag, programme.key, played, operator=app.operator, via="the CLI"
    )
    result = played.to_dict() | {"outcome": outcome, "test_result_id": result_id}
    rows = [_step_row(step) for step in result["steps"]]
    if as_json:
        echo_json(result)
    else:
        echo_table(
            ["#", "signal", "cycles", "at +s", "outcome", "echo function", "error"],
            rows,
            title=_("bench test {tag}: {programme}").format(tag=tag, programme=programme.key),
        )
    info(_("recorded test result {id}: {outcome}").format(id=result_id, outcome=outcome))
    _exit_for(result)


def _simulated(endpoint: Any) -> bool:
    """Loopback TCP or a pseudo-terminal: where sirenctl's simulators live, never a real siren."""
    import ipaddress
    import os

    if endpoint.transport == "modbus_tcp":
        if endpoint.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(endpoint.host).is_loopback
        except ValueError:
            return False
    return os.path.realpath(endpoint.device).startswith("/dev/pts/")


def _step_row(step: dict[str, Any]) -> list[Any]:
    error = step.get("error") or {}
    return [
        step["index"],
        step["signal_code"],
        step["cycles"],
        f"{step['start_offset']:g}",
        step["outcome"],
        (step.get("echo") or {}).get("function", ""),
        error.get("message", ""),
    ]


def _exit_for(result: dict[str, Any]) -> None:
    ctx = click.get_current_context()
    outcomes = [s["outcome"] for s in result["steps"]]
    if result["ok"]:
        info(_("all steps played and echoed by the controller"))
        return
    comm = [s for s in result["steps"] if (s.get("error") or {}).get("comm_fault")]
    if "refused" in outcomes:
        ctx.exit(ExitCode.REFUSED)
    if comm and len(comm) == len(result["steps"]):
        ctx.exit(ExitCode.UNREACHABLE)
    info(_("NOT all steps played: {outcomes}").format(outcomes=", ".join(outcomes)))
    ctx.exit(ExitCode.DEVICE_FAULT)


@click.command()
@click.argument("tags", nargs=-1, required=True)
@click.option("--timeout", type=click.FloatRange(0.05, 30), default=2.0, show_default=True)
@pass_app
def cancel(app: AppContext, tags: tuple[str, ...], timeout: float) -> None:
    """Stop any sounding on TAGs now (needs no permit; every cancel is audited).

    \b
    Example:
      sirenctl cancel T01 T02
    """
    import asyncio

    from sirenctl.devices import AuditWriter, endpoint_for
    from sirenctl.registry.assets import get_asset

    with app.db.session() as session:
        endpoints = {tag: endpoint_for(get_asset(session, tag), timeout=timeout) for tag in tags}
    outcomes = asyncio.run(_cancel_all(endpoints, AuditWriter(app.db, app.operator)))
    for tag, error in outcomes.items():
        info(
            _("{tag}: stopped").format(tag=tag)
            if error is None
            else _("{tag}: CANCEL FAILED: {error}").format(tag=tag, error=error)
        )
    if any(outcomes.values()):
        click.get_current_context().exit(ExitCode.UNREACHABLE)


async def _cancel_all(endpoints: dict[str, Any], audit: Any) -> dict[str, str | None]:
    import asyncio

    from sirenctl.drivers.errors import DriverError
    from sirenctl.drivers.pool import Fleet

    async with Fleet(endpoints, audit=audit) as fleet:

        async def one(tag: str) -> str | None:
            try:
                await fleet.driver(tag).cancel()
                return None
            except DriverError as exc:
                return str(exc)

        results = await asyncio.gather(*(one(tag) for tag in endpoints))
    return dict(zip(endpoints, results, strict=True))
