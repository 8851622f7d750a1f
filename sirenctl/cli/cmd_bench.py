"""``sirenctl bench sound`` and ``sirenctl cancel``: audible commands, bench units only."""

from __future__ import annotations

from typing import Any

import click

from sirenctl.cli.bench_progress import ProgrammeProgress
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
from sirenctl.i18n import L_, _, localized
from sirenctl.labels import RESULT_OUTCOME


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
    Ctrl-C (SIGINT) or SIGTERM stops the unit: the stop command is sent and verified (a second
    Ctrl-C does not skip it), the test is recorded as cancelled, and the exit code is 130 (SIGINT)
    or 143 (SIGTERM). On a terminal a status line shows the unit, the step and the time left;
    otherwise one line is printed per change.

    \b
    Exit code: 0 every step played; 8 a step failed or failed to sound; 9 the controller did
    not answer; 7 refused (not a proven bench unit); 130/143 stopped by SIGINT/SIGTERM.

    \b
    Example:
      sirenctl bench sound BENCH-01 --programme cn-growl
    """
    import asyncio

    from sirenctl.devices import AuditWriter
    from sirenctl.scheduling.library import load_library
    from sirenctl.scheduling.spec import SpecError
    from sirenctl.services.bench import identity_check, plan_bench_sound

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
    actor = app.actor
    plan = plan_bench_sound(
        app.db, actor, tag, programme=programme_key, via="bench sound", timeout=timeout
    )
    endpoint = plan.endpoint
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
            title=programme.shown_title,
            seconds=programme.total_seconds,
        )
    )
    from sirenctl.drivers.clock import RealClock, ScaledClock
    from sirenctl.drivers.errors import CommError, DriverError
    from sirenctl.drivers.operations import bench_sound
    from sirenctl.drivers.stopping import SignalStop, deferred_signals
    from sirenctl.steps import programme_steps

    steps = programme_steps(programme)
    clock = ScaledClock(time_scale) if time_scale != 1.0 else RealClock()
    progress = ProgrammeProgress(tag, steps, programme.total_seconds, clock)

    async def play() -> Any:
        def on_signal(signum: int, first: bool) -> None:
            import signal

            progress.stopping(signal.Signals(signum).name, first)

        ticker = asyncio.ensure_future(progress.ticker())
        try:
            with SignalStop(on_signal=on_signal) as stopper:
                played = await bench_sound(
                    tag,
                    endpoint,
                    steps,
                    plan.permit,
                    prove=identity_check(
                        app.db, actor, plan, programme=programme_key, via="bench sound"
                    ),
                    audit=AuditWriter(app.db, app.operator),
                    clock=clock,
                    on_step=progress.on_step,
                )
            return played, stopper.exit_code
        finally:
            ticker.cancel()
            progress.close()

    try:
        played, signal_exit = asyncio.run(play())
    except CommError as exc:
        raise CLIError(
            L_(
                "cannot read the identity block of {tag}, so nothing was sent: {exc}",
                tag=tag,
                exc=exc,
            ),
            ExitCode.UNREACHABLE,
        ) from None
    except DriverError as exc:
        raise CLIError(
            L_("{tag} did not prove its identity, so nothing was sent: {exc}", tag=tag, exc=exc),
            ExitCode.REFUSED,
        ) from None
    except asyncio.CancelledError:  # a signal before anything was sent
        raise CLIError(
            L_("interrupted before {tag} was sent anything", tag=tag), ExitCode.INTERRUPTED
        ) from None
    from sirenctl.bench_results import record_bench_result

    with deferred_signals():  # the result is recorded even if Ctrl-C is pressed again
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
    info(
        _("recorded test result {id}: {outcome}").format(
            id=result_id, outcome=RESULT_OUTCOME.show(outcome)
        )
    )
    if played.cancelled:
        if played.stop_verified:
            info(
                _("STOPPED: the stop command reached {tag} and it reports silence").format(tag=tag)
            )
        else:
            info(
                _("STOP NOT VERIFIED on {tag}: {error}; check the unit NOW").format(
                    tag=tag, error=localized(played.stop_error)
                )
            )
        click.get_current_context().exit(signal_exit or ExitCode.INTERRUPTED)
    _exit_for(result)


def _simulated(endpoint: Any) -> bool:
    """Loopback TCP or a pseudo-terminal: where sirenctl's simulators live, never a real siren."""
    import ipaddress
    import os

    if endpoint.transport == "modbus_tcp":
        if endpoint.host == "localhost":
            return True
        try:
            return bool(ipaddress.ip_address(endpoint.host).is_loopback)
        except ValueError:
            return False
    return bool(os.path.realpath(endpoint.device).startswith("/dev/pts/"))


def _step_row(step: dict[str, Any]) -> list[Any]:
    error = step.get("error") or {}
    return [
        step["index"],
        step["signal_code"],
        step["cycles"],
        f"{step['start_offset']:g}",
        RESULT_OUTCOME.show(step["outcome"]),
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
    if all(o == "ok" for o in outcomes):
        final = result.get("final_status") or {}
        if final.get("sounding"):
            info(_("every step played, but the unit was STILL SOUNDING after the programme ended"))
        else:
            error = (result.get("final_error") or {}).get("message") or _("unknown")
            info(
                _("every step played, but the final status could not be read: {error}").format(
                    error=error
                )
            )
    else:
        failed = [
            _("step {index}: {outcome}").format(
                index=s["index"], outcome=RESULT_OUTCOME.show(s["outcome"])
            )
            for s in result["steps"]
            if s["outcome"] != "ok"
        ]
        info(_("NOT all steps played: {steps}").format(steps=", ".join(failed)))
    ctx.exit(ExitCode.DEVICE_FAULT)


@click.command()
@click.argument("tags", nargs=-1)
@click.option(
    "--all",
    "all_units",
    is_flag=True,
    help="Stop every networked (not retired) asset: every sounding the office started, from any "
    "machine that reaches them.",
)
@click.option("--timeout", type=click.FloatRange(0.05, 30), default=2.0, show_default=True)
@click.option("--reason", default="", help="Why (goes to the audit record).")
@json_option
@pass_app
def cancel(
    app: AppContext,
    tags: tuple[str, ...],
    all_units: bool,
    timeout: float,
    reason: str,
    as_json: bool,
) -> None:
    """Stop any sounding on TAGs, or on every unit with --all, now.

    Needs no permit: a stop is always one step away. Each stop is verified by reading the unit's
    status back; every stop is audited.

    \b
    Exit code: 0 every unit stopped and reports silence; 9 a unit did not answer or did not
    confirm (check it now).

    \b
    Examples:
      sirenctl cancel T01 T02
      sirenctl cancel --all --reason "wrong programme started"
    """
    from sirenctl.services.cancel import cancel as cancel_units

    if bool(tags) == all_units:
        raise click.UsageError(localized(L_("give TAGs, or --all (not both)")))
    report = cancel_units(
        app.db,
        app.actor,
        None if all_units else list(tags),
        timeout=timeout,
        reason=reason,
    )
    if as_json:
        echo_json(report.to_dict())
    for outcome in report.outcomes:
        info(
            _("{tag}: stopped").format(tag=outcome.tag)
            if outcome.stopped
            else _("{tag}: CANCEL FAILED: {error}").format(
                tag=outcome.tag, error=localized(outcome.error)
            )
        )
    for problem in report.skipped:
        info(_("NOT STOPPED (no usable endpoint): {problem}").format(problem=localized(problem)))
    if all_units and not report.outcomes and not report.skipped:
        info(_("no networked assets are registered: nothing to stop"))
    if not report.all_stopped:
        click.get_current_context().exit(ExitCode.UNREACHABLE)
