"""``sirenctl modbus read|write``: register diagnostics for a technician at a bench."""

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


def target_options(func: Any) -> Any:
    for option in reversed(
        [
            click.option("--host", help="Controller host (instead of TAG)."),
            click.option("--port", type=click.IntRange(1, 65535), default=502, show_default=True),
            click.option("--device", help="Serial device for Modbus RTU (instead of TAG)."),
            click.option("--serial", "serial_settings", default="9600 8N1", show_default=True),
            click.option("--unit", type=click.IntRange(1, 247), default=1, show_default=True),
            click.option(
                "--model",
                default="sirenctl-generic",
                show_default=True,
                help="Register map, used to know which registers are audible.",
            ),
            click.option(
                "--timeout", type=click.FloatRange(0.05, 30), default=1.0, show_default=True
            ),
        ]
    ):
        func = option(func)
    return func


def _resolve(app: AppContext, tag: str | None, opts: dict[str, Any]) -> tuple[str, Any, Any]:
    """(target name, endpoint, asset or None) from a registry TAG or explicit options."""
    from sirenctl.drivers.endpoint import Endpoint

    if tag:
        from sirenctl.devices import endpoint_for
        from sirenctl.registry.assets import get_asset

        with app.db.session() as session:
            asset = get_asset(session, tag)
            return tag, endpoint_for(asset, timeout=opts["timeout"]), asset
    try:
        if opts["host"]:
            ep = Endpoint(
                "modbus_tcp",
                opts["model"],
                host=opts["host"],
                port=opts["port"],
                unit_id=opts["unit"],
                timeout=opts["timeout"],
            )
        elif opts["device"]:
            ep = Endpoint(
                "modbus_rtu",
                opts["model"],
                device=opts["device"],
                unit_id=opts["unit"],
                timeout=opts["timeout"],
                **Endpoint.parse_serial_settings(opts["serial_settings"]),
            )
        else:
            raise click.UsageError(_("give an asset TAG, or --host, or --device"))
    except ValueError as exc:
        raise CLIError(str(exc), ExitCode.INVALID_INPUT) from None
    return ep.describe(), ep, None


def _run(coro: Any) -> Any:
    import asyncio

    from sirenctl.drivers.errors import CommError, DriverError, RefusedForSafety

    try:
        return asyncio.run(coro)
    except RefusedForSafety as exc:
        raise CLIError(str(exc), ExitCode.REFUSED) from None
    except CommError as exc:
        raise CLIError(f"{exc.kind}: {exc}", ExitCode.UNREACHABLE) from None
    except DriverError as exc:
        raise CLIError(f"{exc.kind}: {exc}", ExitCode.DEVICE_FAULT) from None


@click.group()
def modbus() -> None:
    """Read or write controller registers (diagnostics).

    Writes to a model's command block (registers that can make it sound) are refused unless the
    target is a registered bench unit and --allow-audible is given. Every write is sent once,
    read back and verified, and audited.
    """


@modbus.command("read")
@click.argument("tag", required=False)
@click.option("--address", type=click.IntRange(0, 65535), required=True)
@click.option("--count", type=click.IntRange(1, 125), default=1, show_default=True)
@click.option(
    "--input", "input_registers", is_flag=True, help="Input registers (FC4), not holding (FC3)."
)
@target_options
@json_option
@pass_app
def modbus_read_cmd(
    app: AppContext,
    tag: str | None,
    address: int,
    count: int,
    input_registers: bool,
    as_json: bool,
    **opts: Any,
) -> None:
    """Read registers from asset TAG (or --host/--device).

    \b
    Examples:
      sirenctl modbus read T01 --address 0 --count 10
      sirenctl modbus read --host 127.0.0.1 --port 15021 --address 0 --count 4 --json
    """
    from sirenctl.drivers.diagnostics import modbus_read

    name, endpoint, _asset = _resolve(app, tag, opts)
    kind = "input" if input_registers else "holding"
    values = _run(modbus_read(endpoint, address, count, kind))
    rows = [{"address": address + i, "value": v, "hex": f"0x{v:04X}"} for i, v in enumerate(values)]
    if as_json:
        echo_json({"target": name, "kind": kind, "registers": rows})
    else:
        echo_table(
            ["address", "value", "hex"],
            [[r["address"], r["value"], r["hex"]] for r in rows],
            title=_("{name} {kind} registers").format(name=name, kind=kind),
        )


@modbus.command("write")
@click.argument("tag", required=False)
@click.option("--address", type=click.IntRange(0, 65535), required=True)
@click.option(
    "--value",
    "values",
    type=click.IntRange(0, 65535),
    multiple=True,
    required=True,
    help="Value to write; repeat for consecutive registers.",
)
@click.option(
    "--allow-audible",
    is_flag=True,
    help="Permit writing the command block of a registered BENCH unit (it may sound).",
)
@target_options
@pass_app
def modbus_write_cmd(
    app: AppContext,
    tag: str | None,
    address: int,
    values: tuple[int, ...],
    allow_audible: bool,
    **opts: Any,
) -> None:
    """Write registers on asset TAG (or --host/--device), then read back and verify.

    \b
    Examples:
      sirenctl modbus write BENCH-01 --address 20 --value 1
      sirenctl modbus write BENCH-01 --address 0 --value 4 --value 1 --allow-audible
    """
    from sirenctl.devices import AuditWriter, bench_permit
    from sirenctl.drivers.diagnostics import modbus_write

    name, endpoint, asset = _resolve(app, tag, opts)
    permit = None
    if allow_audible:
        if asset is None:
            raise CLIError(_("--allow-audible needs a registered bench unit TAG"), ExitCode.REFUSED)
        permit = bench_permit(asset)  # NotABenchUnit: exit 7 (sirenctl.cli.errors)
    back = _run(
        modbus_write(
            endpoint,
            address,
            list(values),
            permit,
            tag=name,
            audit=AuditWriter(app.db, app.operator),
        )
    )
    info(
        _("{name}: wrote {values} at {address}; read back {back} (verified)").format(
            name=name, values=list(values), address=address, back=back
        )
    )
