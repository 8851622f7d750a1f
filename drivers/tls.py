"""Modbus/TCP Security (port 802): TLS >= 1.2 with mutual, verified certificates.

sirenctl builds its own :class:`ssl.SSLContext` (pymodbus's helper turns verification off,
DESIGN §6): the controller's certificate must chain to the office CA and match the host
name or IP address registered for it; sirenctl presents its own client certificate, which the
controller verifies in turn. See docs/security-tls.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from dataclasses import dataclass
from pathlib import Path

from .problems import DriverProblem as P
from .problems import DriverText

MODBUS_TLS_PORT = 802


class TlsSetupError(ValueError):
    """A certificate, key or CA file is missing or unusable (raised before connecting)."""


@dataclass(frozen=True)
class TlsConfig:
    """Files of one side: the CA that signs the other side, our certificate chain and key."""

    ca_file: str
    cert_file: str
    key_file: str
    #: server side only: refuse clients without a certificate signed by ``ca_file`` (mutual
    #: authentication, as Modbus/TCP Security asks). Off, ``ca_file`` may be empty.
    require_client_cert: bool = True

    def _load(self, ctx: ssl.SSLContext, *, verify_peer: bool = True) -> ssl.SSLContext:
        files = [("CA", self.ca_file)] if verify_peer or self.ca_file else []
        for label, path in [*files, ("certificate", self.cert_file), ("key", self.key_file)]:
            if not Path(path).is_file():
                raise TlsSetupError(DriverText(P.TLS_FILE_MISSING, label=label, path=path))
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.verify_mode = ssl.CERT_REQUIRED if verify_peer else ssl.CERT_NONE
        try:
            if files:
                ctx.load_verify_locations(cafile=self.ca_file)
        except (ssl.SSLError, OSError) as exc:
            raise TlsSetupError(
                DriverText(P.TLS_CA_UNUSABLE, path=self.ca_file, error=exc)
            ) from None
        try:
            ctx.load_cert_chain(self.cert_file, self.key_file)
        except (ssl.SSLError, OSError) as exc:
            raise TlsSetupError(
                DriverText(P.TLS_CERT_UNUSABLE, cert=self.cert_file, key=self.key_file, error=exc)
            ) from None
        return ctx

    def client_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname on
        return self._load(ctx)

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        return self._load(ctx, verify_peer=self.require_client_cert)


def explain(exc: BaseException) -> str:
    """A technician's sentence for a TLS failure."""
    text = str(exc)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            "the controller's certificate was refused: "
            f"{exc.verify_message or text} (is it signed by the office CA, for this address?)"
        )
    low = text.lower()
    if "certificate required" in low or "alert certificate" in low or "unknown ca" in low:
        return f"the controller refused sirenctl's client certificate ({text})"
    if "wrong version" in low or "protocol version" in low or "unsupported protocol" in low:
        return f"the controller does not speak TLS 1.2 or newer on this port ({text})"
    return f"TLS handshake failed: {text}"


async def probe(host: str, port: int, ctx: ssl.SSLContext, timeout: float) -> str | None:
    """Handshake once (sending no Modbus request) and wait briefly for the controller to
    reject our certificate (with TLS 1.3 that comes after the handshake). Returns a problem."""
    writer = None
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ctx, server_hostname=host), timeout
        )
        try:
            data = await asyncio.wait_for(reader.read(1), min(0.2, timeout))
        except TimeoutError:
            return None  # the controller waits for a request: accepted
        if not data:
            return (
                "the controller closed the TLS connection (did it refuse sirenctl's certificate?)"
            )
        return None
    except ssl.SSLError as exc:
        return explain(exc)
    except (OSError, TimeoutError) as exc:
        if isinstance(exc.__cause__ or exc.__context__, ssl.SSLError):
            return explain(exc.__cause__ or exc.__context__)  # type: ignore[arg-type]
        return None  # not a TLS problem: the normal connect reports it
    finally:
        if writer is not None:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
