"""``sirenctl sim run``: serve simulated controllers on loopback until interrupted."""

from __future__ import annotations

from typing import Any

import click

from sirenctl.cli.common import CLIError, ExitCode
from sirenctl.i18n import _, localized


@click.group()
def sim() -> None:
    """Simulated controllers and test benches (no hardware needed)."""


@sim.command("run")
@click.option(
    "--fleet",
    "fleet_name",
    type=click.Choice(["demo", "mixed"]),
    default="demo",
    show_default=True,
    help="demo: the terminals of `sirenctl demo` on their registered endpoints; "
    "mixed: two register-map models, an RS-485 line and a serial bench, on free ports.",
)
@click.option(
    "--faults",
    metavar="SPEC",
    help="Inject faults, e.g. 'T03=silent,T04=slow:2.5,T01=door_open'. Faults: silent, "
    "slow:SECONDS, crc, garble, drop, wrong_unit, wrong_tid (TCP), stale_echo, ignore_write, "
    "lose_ack, exception, die_on_write, mains_fail, door_open, "
    "rotation_fault, amplifier_fault, battery:VOLTS (join with +).",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=0.01),
    default=1.0,
    show_default=True,
    help="Run the simulated clock this many times faster than real time.",
)
@click.option("--wire-time", is_flag=True, help="Pace serial bytes at the line's baud rate.")
@click.option(
    "--tls-cert",
    type=click.Path(dir_okay=False),
    help="Serve Modbus/TCP Security (TLS 1.2 or newer) with this server certificate (PEM). "
    "sirenctl checks it against its CA and the registered host: give it a SAN of 127.0.0.1.",
)
@click.option("--tls-key", type=click.Path(dir_okay=False), help="Its key (PEM).")
@click.option(
    "--tls-ca", type=click.Path(dir_okay=False), help="CA of the client certificates (PEM)."
)
@click.option(
    "--tls-require-client-cert/--tls-no-client-cert",
    default=True,
    show_default=True,
    help="Mutual authentication: refuse a client without a certificate signed by --tls-ca "
    "(Modbus/TCP Security asks for it; turn it off only to see the refusal on the client side).",
)
@click.option(
    "--tls-tags",
    metavar="TAGS",
    help="Comma-separated terminals that serve TLS (default with --tls-cert: every Modbus TCP "
    "terminal; the others stay plain).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the endpoints as JSON.")
def sim_run(
    fleet_name: str,
    faults: str | None,
    time_scale: float,
    wire_time: bool,
    tls_cert: str | None,
    tls_key: str | None,
    tls_ca: str | None,
    tls_require_client_cert: bool,
    tls_tags: str | None,
    as_json: bool,
) -> None:
    """Start a simulated fleet, print its endpoints, and run until Ctrl+C (or SIGTERM).

    Nothing here touches a database or a real siren: the controllers are state machines that
    play programmes signal by signal, drain their batteries when mains fails, and echo the last
    function, so `sirenctl poll` and `sirenctl bench sound` can be tried against them.

    \b
    Examples:
      sirenctl demo && sirenctl sim run            # then, in another terminal:
      SIRENCTL_DB=~/.local/share/sirenctl/demo.db sirenctl poll
      sirenctl sim run --faults 'T03=silent,T02=door_open'
      sirenctl sim run --fleet mixed --tls-cert t.pem --tls-key t.key --tls-ca office-ca.pem
    """
    from sirenctl.simulators.cli_support import default_specs, run_fleet_forever, serve_tls

    if fleet_name == "demo":
        from sirenctl.config import data_dir
        from sirenctl.demo_fleet import demo_fleet_kwargs, demo_sim_specs

        specs, kwargs = demo_sim_specs(data_dir()), demo_fleet_kwargs(data_dir())
    else:
        specs, kwargs = default_specs(), {}
    try:
        tls = _tls_server(tls_cert, tls_key, tls_ca, tls_require_client_cert, tls_tags)
        if tls is not None:
            tags = [t.strip() for t in tls_tags.split(",") if t.strip()] if tls_tags else None
            specs, kwargs = serve_tls(specs, tags), kwargs | {"tls_server": tls}
        code = run_fleet_forever(
            specs, faults, time_scale, wire_time=wire_time, as_json=as_json, fleet_kwargs=kwargs
        )
    except ValueError as exc:
        raise CLIError(localized(exc), ExitCode.INVALID_INPUT) from None
    except OSError as exc:
        raise CLIError(
            _("cannot start the simulators: {error} (is another `sim run` running?)").format(
                error=exc
            ),
            ExitCode.FAILURE,
        ) from None
    click.get_current_context().exit(code)


def _tls_server(
    cert: str | None, key: str | None, ca: str | None, require_client: bool, tags: str | None
) -> Any:
    """The simulators' TLS configuration, checked before anything starts (None: plain TCP)."""
    if cert is None and key is None and ca is None and tags is None:
        return None
    if cert is None or key is None:
        raise CLIError(_("TLS needs both --tls-cert and --tls-key"), ExitCode.USAGE)
    if require_client and ca is None:
        raise CLIError(
            _("client certificates are required: give --tls-ca (or --tls-no-client-cert)"),
            ExitCode.USAGE,
        )
    from sirenctl.drivers.tls import TlsConfig

    config = TlsConfig(ca or "", cert, key, require_client_cert=require_client)
    config.server_context()  # a missing or unusable file is reported now (TlsSetupError)
    return config
