"""The plain serial bench protocol: line-based ASCII with an XOR checksum.

See docs/serial-protocol.md. A frame is ``PAYLOAD*CS\\r\\n`` where CS is two upper-case
hex digits, the XOR of every payload byte. Requests start with ``$``, good replies with
``!``, error replies with ``?``. Shared by the bench driver and the bench simulator.
"""

from __future__ import annotations

from dataclasses import dataclass

from .problems import DriverProblem as P
from .problems import DriverText

MAX_LINE = 256


class FrameError(ValueError):
    """A line that is not a valid frame (bad checksum, no checksum, bad characters)."""


def checksum(payload: bytes) -> int:
    cs = 0
    for b in payload:
        cs ^= b
    return cs


def encode(payload: str) -> bytes:
    raw = payload.encode("ascii")
    if b"*" in raw or b"\r" in raw or b"\n" in raw:
        raise ValueError(f"payload may not contain '*', CR or LF: {payload!r}")
    return raw + b"*%02X\r\n" % checksum(raw)


def decode(line: bytes) -> str:
    """Validate one line (with or without CRLF); return the payload."""
    line = line.rstrip(b"\r\n")
    payload, star, cs = line.rpartition(b"*")
    if not star or len(cs) != 2:
        raise FrameError(DriverText(P.NO_CHECKSUM, line=line[:40]))
    try:
        want = int(cs, 16)
    except ValueError:
        raise FrameError(DriverText(P.BAD_CHECKSUM_DIGITS, line=line[:40])) from None
    if checksum(payload) != want:
        raise FrameError(
            DriverText(
                P.CHECKSUM_MISMATCH,
                line=line[:40],
                got=cs.decode(errors="replace"),
                computed=checksum(payload),
            )
        )
    try:
        return payload.decode("ascii")
    except UnicodeDecodeError:
        raise FrameError(DriverText(P.NON_ASCII, line=line[:40])) from None


@dataclass(frozen=True)
class Reply:
    ok: bool
    command: str
    fields: dict[str, str]
    args: list[str]  # positional words (error replies: code, text...)

    @property
    def error_code(self) -> int:
        try:
            return int(self.args[0]) if not self.ok and self.args else 0
        except ValueError:
            return 0


def parse_reply(payload: str) -> Reply:
    if not payload or payload[0] not in "!?":
        raise FrameError(DriverText(P.REPLY_START, payload=payload[:40]))
    words = payload[1:].split()
    if not words:
        raise FrameError(DriverText(P.EMPTY_REPLY))
    fields, args = {}, []
    for w in words[1:]:
        k, eq, v = w.partition("=")
        if eq:
            fields[k] = v
        else:
            args.append(w)
    return Reply(payload[0] == "!", words[0], fields, args)


def parse_request(payload: str) -> tuple[str, list[str]]:
    if not payload.startswith("$") or len(payload) < 2:
        raise FrameError(DriverText(P.REQUEST_START, payload=payload[:40]))
    words = payload[1:].split()
    return words[0].upper(), words[1:]
