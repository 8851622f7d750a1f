"""``sirenctl modbus read|write``: register diagnostics for a technician at a bench."""

from __future__ import annotations

from typing import Any, NoReturn

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
from sirenctl.i18n import L_, _, localized


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
                help="Register map of an unregistered controller, for reads only (writes use the "
                "map of the device registered at that endpoint). Default: sirenctl-generic.",
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
        model = opts["model"] or "sirenctl-generic"
        if opts["host"]:
            ep = Endpoint(
                "modbus_tcp",
                model,
                host=opts["host"],
                port=opts["port"],
                unit_id=opts["unit"],
                timeout=opts["timeout"],
            )
        elif opts["device"]:
            ep = Endpoint(
                "modbus_rtu",
                model,
                device=opts["device"],
                unit_id=opts["unit"],
                timeout=opts["timeout"],
                **Endpoint.parse_serial_settings(opts["serial_settings"]),
            )
        else:
            raise click.UsageError(_("give an asset TAG, or --host, or --device"))
    except ValueError as exc:
        raise CLIError(localized(exc), ExitCode.INVALID_INPUT) from None
    return ep.describe(), ep, None


def _run(coro: Any) -> Any:
    import asyncio

    from sirenctl.drivers.modbus_link import quiet_pymodbus_logs

    quiet_pymodbus_logs()  # diagnostics print sirenctl's messages, not pymodbus' log lines
    return asyncio.run(coro)  # a driver error: the one translation (sirenctl/cli/errors.py)


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
    from sirenctl.audit import record_read
    from sirenctl.drivers.diagnostics import RegisterKind, modbus_read
    from sirenctl.drivers.errors import DriverError

    name, endpoint, _asset = _resolve(app, tag, opts)
    kind: RegisterKind = "input" if input_registers else "holding"
    read = {"address": address, "count": count, "kind": kind, "endpoint": endpoint.describe()}
    try:
        values = _run(modbus_read(endpoint, address, count, kind))
    except (CLIError, DriverError):
        with app.db.transaction() as session:
            record_read(
                session,
                operator=app.operator,
                source="modbus",
                tags=[name],
                failed=[name],
                details=read,
            )
        raise
    with app.db.transaction() as session:  # one audit record per read command
        record_read(session, operator=app.operator, source="modbus", tags=[name], details=read)
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

    Only a registered controller is written to: whether a register is audible is decided by the
    register map of the device registered at that endpoint (never by --model), after its identity
    block (model, serial number) has been read and matched with the registry. Audible registers
    (the command block) are written only on a proven bench unit with --allow-audible.

    \b
    Examples:
      sirenctl modbus write BENCH-01 --address 100 --value 5 --value 1 --value 8 --allow-audible
      sirenctl modbus write BENCH-01 --address 100 --value 4 --value 1 --value 7 --allow-audible
    """
    from sirenctl.devices import AuditWriter, bench_permit

    asset, endpoint = _registered_target(app, tag, opts, address, list(values))
    name = asset.tag
    permit = None
    expectation = None
    if allow_audible:
        permit = bench_permit(asset)  # NotABenchUnit: exit 7 (sirenctl.cli.errors)
        from sirenctl.bench_guard import bench_expectation

        with app.db.session() as session:
            expectation = bench_expectation(session, session.merge(asset, load=True))

    def prove(identity: Any, audible: bool) -> None:
        from sirenctl.bench_guard import check_model

        check_model(asset, identity)
        if audible and expectation is not None:
            expectation.check(identity)

    from sirenctl.drivers.diagnostics import modbus_write

    back = _run(
        modbus_write(
            endpoint,
            address,
            list(values),
            permit,
            tag=name,
            audit=AuditWriter(app.db, app.operator),
            prove=prove,
        )
    )
    info(
        _("{name}: wrote {values} at {address}; read back {back} (verified)").format(
            name=name, values=list(values), address=address, back=back
        )
    )


def _registered_target(
    app: AppContext, tag: str | None, opts: dict[str, Any], address: int, values: list[int]
) -> tuple[Any, Any]:
    """(asset, endpoint) for a write: a TAG, or the asset registered at --host/--device.

    An unregistered endpoint, or --model naming another map than the registered one, is
    refused (exit 7) and recorded.
    """
    from sirenctl.bench_guard import registered_at
    from sirenctl.devices import endpoint_for
    from sirenctl.registry.assets import get_asset

    with app.db.session() as session:
        if tag:
            asset = get_asset(session, tag)
        elif opts["host"] or opts["device"]:
            transport = "modbus_tcp" if opts["host"] else "modbus_rtu"
            where = (
                {"controller_host": opts["host"], "controller_port": opts["port"]}
                if opts["host"]
                else {"controller_device": opts["device"]}
            )
            found = registered_at(session, transport, where, opts["unit"])
            if found is None:
                target = (
                    f"{opts['host']}:{opts['port']}" if opts["host"] else str(opts["device"])
                ) + f" unit {opts['unit']}"
                _refuse(
                    app,
                    target,
                    address,
                    values,
                    f"no controller is registered at {target}: writes go only to registered "
                    "controllers, whose register map decides which registers are audible; "
                    "nothing was written",
                )
            asset = found
        else:
            raise click.UsageError(localized(L_("give an asset TAG, or --host, or --device")))
        registered = asset.controller_model or "sirenctl-generic"
        if opts["model"] and opts["model"] != registered:
            _refuse(
                app,
                asset.tag,
                address,
                values,
                f"--model {opts['model']} is not the register map of {asset.tag} ({registered}); "
                "writes use the registered map only; nothing was written",
            )
        session.expunge(asset)
        return asset, endpoint_for(asset, timeout=opts["timeout"])


def _refuse(app: AppContext, target: str, address: int, values: list[int], reason: str) -> NoReturn:
    from sirenctl.audit import record

    with app.db.transaction() as session:
        record(
            session,
            operator=app.operator,
            action="command.modbus_write",
            object_type="asset",
            object_ref=target,
            after={"params": {"address": address, "values": values}},
            outcome="refused",
            message=reason,
        )
    raise CLIError(reason, ExitCode.REFUSED)
