"""The plain serial bench protocol: line-based ASCII with an XOR checksum.

See docs/serial-protocol.md. A frame is ``PAYLOAD*CS\\r\\n`` where CS is two upper-case
hex digits, the XOR of every payload byte. Requests start with ``$``, good replies with
``!``, error replies with ``?``. Shared by the bench driver and the bench simulator.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        raise FrameError(f"no checksum in {line[:40]!r}")
    try:
        want = int(cs, 16)
    except ValueError:
        raise FrameError(f"bad checksum digits in {line[:40]!r}") from None
    if checksum(payload) != want:
        raise FrameError(
            f"checksum mismatch in {line[:40]!r} (got {cs.decode(errors='replace')}, "
            f"computed {checksum(payload):02X})"
        )
    try:
        return payload.decode("ascii")
    except UnicodeDecodeError:
        raise FrameError(f"non-ASCII bytes in {line[:40]!r}") from None


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
        raise FrameError(f"reply must start with '!' or '?': {payload[:40]!r}")
    words = payload[1:].split()
    if not words:
        raise FrameError("empty reply")
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
        raise FrameError(f"request must start with '$': {payload[:40]!r}")
    words = payload[1:].split()
    return words[0].upper(), words[1:]
