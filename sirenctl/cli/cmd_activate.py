"""``sirenctl activate``: LIVE activation of sirens, exercise or emergency (not a test)."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import click

from sirenctl.cli.bench_progress import signal_name
from sirenctl.cli.common import (
    AppContext,
    CLIError,
    ExitCode,
    echo_json,
    info,
    json_option,
    pass_app,
)
from sirenctl.i18n import L_, _, localized
from sirenctl.labels import RESULT_OUTCOME, WORK_ORDER_STATUS

FIRE_WORD = "FIRE"


@click.command()
@click.argument("tags", nargs=-1, required=True)
@click.option(
    "--mode",
    type=click.Choice(["exercise", "emergency"]),
    required=True,
    help="exercise: needs a second authenticated person (--approver). emergency: one person "
    "with a --reason; armed first, fires on confirmation within the armed window.",
)
@click.option("--programme", "programme_key", required=True, help="e.g. cn-918-single.")
@click.option("--reason", required=True, help="Why the sirens must sound (audited).")
@click.option("--approver", help="Login of the second person (exercise).")
@click.option(
    "--arm-seconds",
    type=click.FloatRange(1, 900),
    default=255.0,
    show_default=True,
    help="How long an armed activation may be fired before it must be armed again.",
)
@click.option("--timeout", type=click.FloatRange(0.05, 30), default=2.0, show_default=True)
@click.option(
    "--schedules", "schedules_dir", type=click.Path(file_okay=False), help="Schedule files."
)
@json_option
@pass_app
def activate(
    app: AppContext,
    tags: tuple[str, ...],
    mode: str,
    programme_key: str,
    reason: str,
    approver: str | None,
    arm_seconds: float,
    timeout: float,
    schedules_dir: str | None,
    as_json: bool,
) -> None:
    """LIVE: sound programme NAME on live sirens TAGS, now. This is not a test.

    The activation is armed first (audited loudly, the notification hook is called: the
    SIRENCTL_ACTIVATION_NOTIFY_COMMAND command gets the activation as JSON on stdin, and
    SIRENCTL_ACTIVATION_NOTIFY_URL a JSON POST). You are then asked to type FIRE; anything
    else, end of input, Ctrl-C or the end of the armed window disarms it and nothing is sent.
    While it plays, Ctrl-C or SIGTERM stops every siren (verified; exit 130/143), and
    `sirenctl cancel --all` stops them from any machine. Every command and result is recorded
    with the mode.

    You (--user, or your login) need the planner role and are asked for your passphrase now;
    an exercise also asks the --approver for theirs (on PostgreSQL: their database password,
    checked by the server). On a terminal the prompts are hidden; otherwise each is one line
    of standard input, before the FIRE line.

    \b
    Exit code: 0 every siren played; 7 refused or disarmed (nothing sent); 8 a siren failed;
    12 authentication failed (nothing sent); 130/143 stopped by SIGINT/SIGTERM.

    \b
    Examples:
      sirenctl activate T01 T02 --mode emergency --programme cn-918-single \\
          --reason "chemical plant fire, county command order 12"
      sirenctl activate T01 --mode exercise --approver li.wei --programme cn-918-single \\
          --reason "district drill"
    """
    from sirenctl.scheduling.library import load_library
    from sirenctl.security.identity import resolve_login
    from sirenctl.services.activation import (
        ActivationMode,
        ActivationRefused,
        arm,
        authenticate_approver,
        authenticate_requester,
        disarm,
        fire,
    )

    try:
        programme = load_library(schedules_dir).programme(programme_key)
    except KeyError as exc:
        raise CLIError(str(exc.args[0]), ExitCode.NOT_FOUND) from None
    activation_mode = ActivationMode(mode)
    actor = authenticate_requester(app.db, app.operator, activation_mode)
    second = None
    if activation_mode is ActivationMode.EXERCISE and approver:
        second = authenticate_approver(app.db, resolve_login(approver))
    try:
        activation = arm(
            app.db, actor, activation_mode, list(tags), programme, reason,
            approver=second, arm_seconds=arm_seconds, timeout=timeout,
        )  # fmt: skip
    except ActivationRefused as exc:
        raise CLIError(localized(exc), ExitCode.REFUSED) from None
    info(f"!!! {activation.describe()} !!!")
    info(_("reason: {reason}").format(reason=reason))
    info(
        _(
            "ARMED for {seconds:g} s. Type {word} and Enter to sound now; anything else disarms."
        ).format(seconds=arm_seconds, word=FIRE_WORD)
    )
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        answer = ""
    if answer.strip() != FIRE_WORD:
        disarm(app.db, actor, activation, "not confirmed")
        raise CLIError(L_("disarmed: nothing was sent"), ExitCode.REFUSED)

    from sirenctl.drivers.stopping import SignalStop, deferred_signals

    def on_step(tag: str, oc: Any) -> None:
        info(
            _("{tag}: step {index} {signal}: {outcome}").format(
                tag=tag,
                index=oc.index,
                signal=signal_name(oc.step.signal_code),
                outcome=RESULT_OUTCOME.show(oc.outcome),
            )
        )

    async def go() -> Any:
        def on_signal(signum: int, first: bool) -> None:
            info(
                _("stopping every siren of this activation...") if first else _("still stopping...")
            )

        with SignalStop(on_signal=on_signal) as stopper:
            result = await fire(app.db, actor, activation, programme, on_step=on_step)
        return result, stopper.exit_code

    try:
        result, signal_exit = asyncio.run(go())
    except ActivationRefused as exc:
        raise CLIError(localized(exc), ExitCode.REFUSED) from None
    with deferred_signals():
        data = result.to_dict()
    if as_json:
        echo_json(data)
    for tag in activation.tags:
        unit = data["units"][tag]
        outcome = WORK_ORDER_STATUS.show(unit["outcome"])
        error = result.errors.get(tag)
        info(
            _("{tag}: {outcome} ({error})").format(tag=tag, outcome=outcome, error=localized(error))
            if error
            else _("{tag}: {outcome}").format(tag=tag, outcome=outcome)
        )
    if signal_exit:
        click.get_current_context().exit(signal_exit)
    if any(data["units"][t]["outcome"] != "done" for t in activation.tags):
        click.get_current_context().exit(ExitCode.DEVICE_FAULT)
